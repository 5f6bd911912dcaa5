//! Each attempt is traced with provider, operation, method, URL, attempt, status and elapsed time, and the
//! credentials never reach the trace.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloud_apis::panther::PantherConfig;
use cloud_apis::{HttpOptions, RetryPolicy};
use httpmock::MockServer;
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn every_attempt_is_a_span_with_the_request_facts() {
    const TOKEN: &str = "tracing-secret-token";
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/roles/r-9");
        then.status(503).json_body(json!({"message": "busy"}));
    });
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let policy = RetryPolicy::default()
        .max_attempts(2)
        .initial_backoff(std::time::Duration::from_millis(1));
    let client = PantherConfig::new(server.base_url(), TOKEN)
        .http(HttpOptions::default().retry(policy))
        .build()
        .unwrap();
    let _ = client.role_get().id("r-9").send().await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("cloud_apis.request") && l.contains("close"))
        .collect();
    assert_eq!(closes.len(), 2, "one span per attempt:\n{text}");
    for (i, line) in closes.iter().enumerate() {
        for field in [
            "provider=\"panther\"".to_string(),
            "operation=\"role#get\"".to_string(),
            "method=GET".to_string(),
            format!("url={}/roles/r-9", server.base_url()),
            format!("attempt={}", i + 1),
            "status=503".to_string(),
            "elapsed_ms=".to_string(),
        ] {
            assert!(line.contains(&field), "missing {field} in {line}");
        }
    }
    assert!(text.contains("retrying after status 503"), "{text}");
    assert!(
        !text.contains(TOKEN),
        "the token leaked into the trace:\n{text}"
    );
}
