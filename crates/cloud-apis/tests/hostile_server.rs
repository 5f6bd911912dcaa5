//! The shared request pipeline against a hostile or broken server (a fault-injecting loopback server, counting
//! what reaches it): redirects, escaping path parameters, forged failure records, huge and broken bodies,
//! dropped connections, long `Retry-After`s, and a snapshot deadline that holds whatever the server does.

mod support;

use std::time::{Duration, Instant};

use cloud_apis::cloudcraft::types::SnapshotFormat;
use cloud_apis::cloudcraft::{ClientSnapshotExt, Snapshot, SnapshotRequest};
use cloud_apis::panther::types::ModifyRole;
use cloud_apis::{ErrorKind, HttpOptions, RetryPolicy};
use scp_cloudcontrol_client::signature::{sign, SignatureInput};
use serde_json::json;
use support::clients::{
    cloudcraft, cloudcraft_with, panther, panther_with, quick, scp, ACCOUNT, CLOUDCRAFT_KEY,
    SCP_ACCESS_KEY, SCP_ACCOUNT_ID, SCP_SECRET_KEY, TOKEN,
};
use support::{Action, Reply, ScriptedServer};

fn role() -> serde_json::Value {
    json!({"id": "r-1", "name": "Analyst", "permissions": ["AlertRead"], "logTypeAccessKind": "ALLOW_ALL"})
}

fn new_role() -> cloud_apis::panther::types::builder::ModifyRole {
    ModifyRole::builder().name("Analyst").permissions(vec![])
}

/// `role#get` against `api`, once, without retries: the error it must end in.
async fn role_get_fails(api: &ScriptedServer) -> cloud_apis::Error {
    panther(&api.base_url, RetryPolicy::disabled())
        .role_get()
        .id("r-1")
        .send()
        .await
        .unwrap_err()
}

fn processing() -> serde_json::Value {
    json!({"code": "STILL_PROCESSING", "message": "Rendering...", "retry": true})
}

// ---- 1. redirects ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn no_redirect_carries_credentials_or_a_body_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = ScriptedServer::start(vec![Reply::json(200, role()); 4]).await;
        let steal = format!("{}/steal?from={status}", elsewhere.base_url);
        let redirect = || Reply::empty(status).header("location", &steal);
        let api = ScriptedServer::start(vec![redirect(), redirect(), redirect()]).await;

        // Panther: X-API-Key on a GET, and a POST body (a 307/308 would re-send it).
        let client = panther(&api.base_url, RetryPolicy::default());
        let err = client.role_get().id("r-1").send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status, "{status}: {err}");
        assert!(err.is_redirect(), "{status}");
        assert_eq!(err.redirect_location(), Some(steal.as_str()));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(
            err.to_string().contains(&format!(
                "redirected to {steal}, which is not followed so that credentials never leave"
            )),
            "{err}"
        );
        let err = client
            .role_create()
            .body(new_role())
            .send()
            .await
            .unwrap_err();
        assert!(err.is_redirect(), "{status}: {err}");

        // SCP: access key, signature, timestamp and account id.
        let err = scp(&api.base_url)
            .delete_landing_zone()
            .landing_zone_id("lz-1")
            .send()
            .await
            .unwrap_err();
        assert!(err.is_redirect(), "{status}: {err}");

        assert_eq!(api.seen().len(), 3, "{status}: one attempt each, no retry");
        assert!(
            elsewhere.seen().is_empty(),
            "{status}: {:?} reached the other origin",
            elsewhere.seen()
        );
        assert!(api.seen().iter().all(|s| s.header("referer").is_none()));
    }
}

#[tokio::test]
async fn generated_clients_built_without_the_facade_do_not_follow_redirects_either() {
    let elsewhere = ScriptedServer::start(vec![Reply::json(200, role())]).await;
    let api = ScriptedServer::start(vec![
        Reply::empty(302).header("location", &format!("{}/roles/r-1", elsewhere.base_url))
    ])
    .await;
    let client = panther_client::Client::new(&api.base_url, cloud_apis_runtime::Runtime::new());
    let err = client.role_get().id("r-1").send().await.unwrap_err();
    assert!(err.is_redirect(), "{err}");
    assert!(elsewhere.seen().is_empty());
}

// ---- 2. path parameters ---------------------------------------------------------------------------------------

#[tokio::test]
async fn dot_segments_in_path_parameters_are_refused_before_sending() {
    let api = ScriptedServer::start(vec![Reply::json(200, json!({}))]).await;
    let client = panther(&api.base_url, RetryPolicy::default());
    for bad in ["..", ".", ""] {
        let err = client.role_delete().id(bad).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}: {err}");
        assert!(err.to_string().contains("path parameter `id`"), "{err}");
        assert_eq!(err.operation(), "role#delete");
    }
    assert!(api.seen().is_empty(), "{:?}", api.seen());
}

#[tokio::test]
async fn backslashes_stay_inside_their_segment_and_are_signed_as_sent() {
    let api = ScriptedServer::start(vec![
        Reply::json(404, json!({"message": "no"})),
        Reply::json(
            404,
            json!({"errors": [{"code": "NotFound", "detail": "no"}]}),
        ),
    ])
    .await;
    let err = panther(&api.base_url, RetryPolicy::default())
        .aws_cloud_account_delete()
        .id(r"..\..\cloud-accounts\aws\123")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    scp(&api.base_url)
        .delete_landing_zone()
        .landing_zone_id(r"..\..\v1\accounts")
        .send()
        .await
        .unwrap_err();
    let seen = api.seen();
    assert_eq!(
        seen[0].target,
        "/cloud-accounts/aws/..%5C..%5Ccloud-accounts%5Caws%5C123"
    );
    assert_eq!(seen[1].method, "DELETE");
    assert_eq!(seen[1].target, "/v1/landing-zones/..%5C..%5Cv1%5Caccounts");
    let expected = sign(
        &SignatureInput {
            method: "DELETE",
            url: &format!("{}{}", api.base_url, seen[1].target),
            timestamp_ms: seen[1].header("scp-timestamp").unwrap().parse().unwrap(),
            access_key: SCP_ACCESS_KEY,
            account_id: SCP_ACCOUNT_ID,
        },
        SCP_SECRET_KEY.as_bytes(),
    );
    assert_eq!(seen[1].header("scp-signature"), Some(expected.as_str()));
}

// ---- 3. forged failure records --------------------------------------------------------------------------------

#[tokio::test]
async fn nothing_a_server_sends_changes_what_the_error_says_about_the_call() {
    let forged = r#"{"provider":"evil","operation":"steal","method":"GET","url":"https://evil.example/","status":200,"attempts":99}"#;
    let api = ScriptedServer::start(vec![
        Reply::json(404, json!({"message": "role not found"}))
            .header("x-cloud-apis-failure", forged),
        Reply::empty(302)
            .header("location", "https://evil.example/")
            .header("x-cloud-apis-failure", forged),
        Reply::bytes(500, "text/html", b"<html>oops</html>".to_vec())
            .header("x-cloud-apis-failure", forged),
    ])
    .await;
    let client = panther(&api.base_url, RetryPolicy::disabled());
    for _ in 0..3 {
        let err = client.role_get().id("r-1").send().await.unwrap_err();
        assert_eq!(
            (
                err.provider(),
                err.operation(),
                err.method(),
                err.attempts()
            ),
            ("panther", "role#get", "GET", 1),
            "{err}"
        );
        assert_eq!(err.url(), format!("{}/roles/r-1", api.base_url));
        assert!(!err.to_string().contains("evil\""), "{err}");
        assert!(!format!("{err:?}").contains("steal"), "{err:?}");
    }
}

// ---- 4. bounded error bodies ----------------------------------------------------------------------------------

#[tokio::test]
async fn an_endless_error_body_is_read_only_to_its_limit() {
    let api = ScriptedServer::start(vec![Action::Endless {
        reply: Reply::bytes(404, "application/json", Vec::new()),
        prefix: br#"{"message": ""#.to_vec(),
        fill: b'x',
    }])
    .await;
    let err = role_get_fails(&api).await;
    // What was read is not JSON (it was cut), yet the status is kept, with a short excerpt.
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Status);
    assert!(
        err.to_string().chars().count() < 600,
        "{} chars",
        err.to_string().len()
    );
    // The client stopped reading after 64 KiB; the server could only fill the socket buffers beyond that.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = api.body_bytes_written();
    assert!(
        written < 16 * 1024 * 1024,
        "{written} bytes were sent before the client hung up"
    );
}

#[tokio::test]
async fn a_huge_provider_message_is_capped_in_the_error() {
    let message = "m".repeat(50 * 1024);
    let api = ScriptedServer::start(vec![Reply::json(400, json!({ "message": message }))]).await;
    let err = role_get_fails(&api).await;
    let shown = err.to_string();
    assert!(shown.chars().count() < 1024 + 200, "{} chars", shown.len());
    assert!(shown.ends_with('…'), "{shown}");
    assert_eq!(
        err.message().unwrap().chars().count(),
        cloud_apis::MESSAGE_CHARS + 1
    );
}

// ---- 5. documented statuses with the wrong body ---------------------------------------------------------------

#[tokio::test]
async fn a_documented_status_keeps_its_meaning_whatever_the_body() {
    let api = ScriptedServer::start(vec![
        Reply::bytes(
            404,
            "text/html",
            b"<html><h1>404 Not Found</h1></html>".to_vec(),
        ),
        Reply::empty(400),
        Reply::bytes(409, "application/json", b"{\"message\": ".to_vec()),
        Reply::bytes(401, "text/plain", b"who are you".to_vec()),
    ])
    .await;
    let client = panther(&api.base_url, RetryPolicy::disabled());
    let err = client.role_get().id("r-1").send().await.unwrap_err();
    assert_eq!(
        (err.kind(), err.is_not_found()),
        (ErrorKind::Status, true),
        "{err}"
    );
    assert_eq!(
        err.body_excerpt(),
        Some("<html><h1>404 Not Found</h1></html>")
    );
    let err = client.role_get().id("r-1").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    assert_eq!(err.kind(), ErrorKind::Status);
    let err = client
        .aws_cloud_account_create()
        .body(
            cloud_apis::panther::types::CreateAwsCloudAccount::builder()
                .aws_account_id("123456789012")
                .integration_label("prod")
                .aws_scan_config(cloud_apis::panther::types::AwsScanConfig {
                    audit_role: Some("arn:aws:iam::123456789012:role/Audit".into()),
                }),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = client.role_list().send().await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert_eq!(err.body_excerpt(), Some("who are you"));
}

// ---- 6. failures while reading a body name the call -----------------------------------------------------------

#[tokio::test]
async fn a_body_broken_off_names_the_call_and_its_status() {
    let body = role().to_string().into_bytes();
    let api = ScriptedServer::start(vec![Action::Partial {
        reply: Reply::bytes(200, "application/json", body),
        sent: 10,
    }])
    .await;
    let err = role_get_fails(&api).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!(
            "panther `role#get` (GET {}/roles/r-1) failed in transport while reading the HTTP 200 OK response",
            api.base_url
        )),
        "{shown}"
    );
}

#[tokio::test]
async fn a_trickling_body_times_out_naming_the_call() {
    let api = ScriptedServer::start(vec![Action::Trickle {
        reply: Reply::json(200, role()),
        chunk: 1,
        every: Duration::from_secs(2),
    }])
    .await;
    let http = quick(RetryPolicy::disabled()).idle_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = panther_with(&api.base_url, http)
        .role_get()
        .id("r-1")
        .send()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.is_timeout(), "{err}");
    assert_eq!((err.operation(), err.method()), ("role#get", "GET"));
    assert!(
        err.to_string()
            .contains("timed out while reading the HTTP 200 OK response"),
        "{err}"
    );
}

#[tokio::test]
async fn truncated_json_on_a_success_is_a_decode_error_naming_the_call() {
    let api = ScriptedServer::start(vec![Reply::bytes(
        200,
        "application/json",
        br#"{"id": "r-1", "name": "Anal"#.to_vec(),
    )])
    .await;
    let err = role_get_fails(&api).await;
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "panther `role#get` (GET {}/roles/r-1) returned a response that does not match the spec",
            api.base_url
        )),
        "{err}"
    );
}

#[tokio::test]
async fn connect_failures_report_every_attempt() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = panther(&format!("http://127.0.0.1:{port}"), RetryPolicy::default())
        .role_list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.attempts(), 3);
    assert!(
        err.to_string()
            .contains("could not connect after 3 attempts"),
        "{err}"
    );
}

// ---- 7. connections dropped before any response ---------------------------------------------------------------

#[tokio::test]
async fn a_connection_dropped_before_the_response_is_retried_for_get() {
    let api = ScriptedServer::start(vec![
        Action::Close,
        Action::Reset,
        Reply::json(200, role()).into(),
    ])
    .await;
    let role = panther(&api.base_url, RetryPolicy::default())
        .role_get()
        .id("r-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(role.name, "Analyst");
    assert_eq!(api.seen().len(), 3);
}

#[tokio::test]
async fn a_connection_dropped_before_the_response_is_not_retried_for_post() {
    for fault in [Action::Close, Action::Reset] {
        let api = ScriptedServer::start(vec![fault, Reply::json(200, role()).into()]).await;
        let err = panther(&api.base_url, RetryPolicy::default())
            .role_create()
            .body(new_role())
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
        assert_eq!((err.attempts(), api.seen().len()), (1, 1), "{err}");
        assert_eq!(err.method(), "POST");
    }
}

// ---- 8. Retry-After beyond the cap ----------------------------------------------------------------------------

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_not_retried_early() {
    let api = ScriptedServer::start(vec![
        Reply::json(429, json!({"message": "come back in an hour"})).header("retry-after", "3600"),
        Reply::json(200, role()),
    ])
    .await;
    let started = Instant::now();
    let err = panther(&api.base_url, RetryPolicy::default())
        .role_get()
        .id("r-1")
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!((err.attempts(), api.seen().len()), (1, 1));
    assert!(
        err.to_string().contains("the service asks to wait 3600 s"),
        "{err}"
    );
}

// ---- 9. snapshot deadline and long downloads ------------------------------------------------------------------

fn png_request(deadline: Duration) -> SnapshotRequest {
    SnapshotRequest::new(ACCOUNT, "us-east-1", SnapshotFormat::Png)
        .deadline(deadline)
        .poll_interval(Duration::from_millis(50))
}

/// Runs a PNG snapshot with `deadline` against `script`; it must fail within the deadline plus some scheduling slack
/// (generous, for a loaded CI machine: what is checked is that the call ends near the deadline, not after the
/// 130 s request timeout or never).
async fn snapshot_past_the_deadline(
    script: Vec<Action>,
    deadline: Duration,
) -> (cloud_apis::Error, usize) {
    let api = ScriptedServer::start(script).await;
    let started = Instant::now();
    let err = cloudcraft(&api.base_url)
        .snapshot(&png_request(deadline))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < deadline + Duration::from_secs(5), "took {took:?}");
    assert_eq!(err.kind(), ErrorKind::Deadline, "{err}");
    assert!(err.is_timeout());
    (err, api.seen().len())
}

#[tokio::test]
async fn a_poll_in_flight_is_bounded_by_the_deadline() {
    // The first poll answers 202 at once, the second never answers.
    let script = vec![Reply::json(202, processing()).into(), Action::Hang];
    let (err, polls) = snapshot_past_the_deadline(script, Duration::from_secs(1)).await;
    assert!(
        err.to_string().contains("no rendered snapshot after"),
        "{err}"
    );
    assert_eq!(polls, 2);
}

#[tokio::test]
async fn a_render_still_running_at_the_deadline_reports_its_status_and_polls() {
    // Every poll answers 202 at once; the walk gives up when the next pause would pass the deadline.
    let script = vec![Reply::json(202, processing()); 40];
    let (err, polls) = snapshot_past_the_deadline(
        script.into_iter().map(Action::from).collect(),
        Duration::from_millis(600),
    )
    .await;
    assert!(polls >= 2, "{polls} polls");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(202));
    assert_eq!(err.attempts() as usize, polls);
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("and {polls} polls (Cloudcraft: \"Rendering...\")")),
        "{shown}"
    );
}

#[tokio::test]
async fn slow_polls_never_overrun_the_deadline() {
    // Each poll takes 800 ms to answer 202; with a 1.5 s deadline the second poll is cut.
    let slow = || Action::Delay(Duration::from_millis(800), Reply::json(202, processing()));
    let (err, polls) =
        snapshot_past_the_deadline(vec![slow(), slow(), slow()], Duration::from_millis(1500)).await;
    assert_eq!(polls, 2);
    // Cut in flight, not left to answer after the deadline.
    assert!(
        err.to_string().contains("still waiting for an answer"),
        "{err}"
    );
}

#[tokio::test]
async fn a_long_download_is_not_cut_by_the_request_timeout() {
    let png: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    // 20 chunks, 100 ms apart: 2 s in all, four times the request timeout, never idle for long.
    let api = ScriptedServer::start(vec![Action::Trickle {
        reply: Reply::bytes(200, "image/png", png.clone()),
        chunk: 2_000,
        every: Duration::from_millis(100),
    }])
    .await;
    let http = quick(RetryPolicy::disabled())
        .request_timeout(Duration::from_millis(500))
        .idle_timeout(Duration::from_secs(1));
    let client = cloudcraft_with(&api.base_url, http);
    let Snapshot::Document(document) = client
        .snapshot(&png_request(Duration::from_secs(5)))
        .await
        .unwrap()
    else {
        panic!("expected a document")
    };
    let mut out = Vec::new();
    let written = document.write_to(&mut out).await.unwrap();
    assert_eq!(written, png.len() as u64);
    assert_eq!(out, png);
}

#[tokio::test]
async fn a_stalled_download_fails_naming_the_snapshot() {
    let png = vec![7u8; 10_000];
    let api = ScriptedServer::start(vec![Action::Trickle {
        reply: Reply::bytes(200, "image/png", png),
        chunk: 1_000,
        every: Duration::from_secs(3),
    }])
    .await;
    let http = quick(RetryPolicy::disabled()).idle_timeout(Duration::from_millis(300));
    let Snapshot::Document(document) = cloudcraft_with(&api.base_url, http)
        .snapshot(&png_request(Duration::from_secs(5)))
        .await
        .unwrap()
    else {
        panic!("expected a document")
    };
    let err = document.write_to(&mut Vec::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.operation(), "snapshotAwsAccount");
    assert!(
        err.to_string()
            .contains("reading the body after 1000 bytes"),
        "{err}"
    );
}

// ---- what passed before keeps passing --------------------------------------------------------------------------

#[tokio::test]
async fn credentials_never_appear_in_errors_of_any_kind() {
    let api = ScriptedServer::start(vec![
        Reply::json(401, json!({"message": "bad key"})).into(),
        Action::Reset,
        Reply::empty(302)
            .header("location", "https://evil.example/")
            .into(),
    ])
    .await;
    let client = panther_with(
        &api.base_url,
        HttpOptions::default().retry(RetryPolicy::disabled()),
    );
    for _ in 0..3 {
        let err = client.role_get().id("r-1").send().await.unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }
}

// ---- 10. credentials a server echoes --------------------------------------------------------------------------

/// Everything an error lets a caller read, in one text.
fn everything_shown(err: &cloud_apis::Error) -> String {
    format!(
        "{err} | {err:?} | {:?} | {:?} | {:?} | {:?} | {:?}",
        err.message(),
        err.code(),
        err.body_excerpt(),
        err.redirect_location(),
        err.headers()
    )
}

fn assert_redacted(err: &cloud_apis::Error, secrets: &[&str]) {
    let shown = everything_shown(err);
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret} shown in: {shown}");
    }
    assert!(shown.contains("[REDACTED]"), "{shown}");
}

fn echo(status: u16, extra: &str) -> Action {
    Action::Echo {
        status,
        extra: extra.into(),
    }
}

#[tokio::test]
async fn credentials_a_server_echoes_never_reach_the_error() {
    // Panther: the `X-API-Key` in the message, a header, the redirect's location and the documented body.
    let api = ScriptedServer::start(vec![echo(401, ""), echo(302, ""), echo(200, "")]).await;
    let client = panther(&api.base_url, RetryPolicy::disabled());
    for expected in [401, 302, 200] {
        let err = client.role_get().id("r-1").send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(expected), "{err}");
        assert_redacted(&err, &[TOKEN]);
    }
    let api = ScriptedServer::start(vec![echo(401, "")]).await;
    let err = panther(&api.base_url, RetryPolicy::disabled())
        .role_get()
        .id("r-1")
        .send()
        .await
        .unwrap_err();
    let documented = err.body::<cloud_apis::panther::types::Error>().unwrap();
    assert!(
        !documented.message.contains(TOKEN),
        "{}",
        documented.message
    );
    assert!(
        documented.message.contains("x-api-key=[REDACTED]"),
        "{}",
        documented.message
    );

    // Cloudcraft: the bearer token.
    let api = ScriptedServer::start(vec![echo(401, "")]).await;
    let err = cloudcraft(&api.base_url)
        .list_aws_accounts()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert_redacted(&err, &[CLOUDCRAFT_KEY]);

    // SCP: the access key, the signature of that very request, and a secret key the server knows.
    let api = ScriptedServer::start(vec![echo(401, SCP_SECRET_KEY)]).await;
    let err = scp(&api.base_url)
        .list_guardrails()
        .send()
        .await
        .unwrap_err();
    let signature = api.seen()[0].header("scp-signature").unwrap().to_string();
    assert_redacted(&err, &[SCP_ACCESS_KEY, SCP_SECRET_KEY, &signature]);
    // What is not a credential stays readable.
    assert!(err.to_string().contains("scp-clienttype=Openapi"), "{err}");
}

// ---- 11. success bodies read into memory ----------------------------------------------------------------------

fn roles_page(padding: usize) -> Vec<u8> {
    let page = json!({"results": [role()], "pad": ""}).to_string();
    let fill = padding - page.len();
    json!({"results": [role()], "pad": "x".repeat(fill)})
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn a_json_body_beyond_the_limit_fails_naming_the_call_and_the_limit() {
    const LIMIT: usize = 4096;
    let api = ScriptedServer::start(vec![
        Action::Reply(Reply::bytes(200, "application/json", roles_page(LIMIT))),
        Action::Reply(Reply::bytes(200, "application/json", roles_page(LIMIT + 1))),
        // No length announced, and no end.
        Action::Endless {
            reply: Reply::bytes(200, "application/json", Vec::new()),
            prefix: br#"{"results": [], "pad": ""#.to_vec(),
            fill: b'x',
        },
    ])
    .await;
    let client = panther_with(
        &api.base_url,
        HttpOptions::default()
            .retry(RetryPolicy::disabled())
            .max_response_body(LIMIT),
    );
    let at_the_limit = client.role_list().send().await.unwrap();
    assert_eq!(at_the_limit.results.len(), 1);
    for _ in 0..2 {
        let err = client.role_list().send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("panther `role#list` (GET {}/roles", api.base_url)),
            "{shown}"
        );
        assert!(
            shown.contains("longer than the 4096 bytes read into memory at most")
                && shown.contains("HttpOptions::max_response_body"),
            "{shown}"
        );
    }
    // The endless body was abandoned near the limit (what the kernel buffers aside), not read to its 1 GiB.
    assert!(
        api.body_bytes_written() < 64 << 20,
        "{}",
        api.body_bytes_written()
    );
}

// ---- 12. a caller's own HTTP client that follows redirects ----------------------------------------------------

#[tokio::test]
async fn a_callers_client_that_follows_redirects_is_held_to_the_origin_asked() {
    let elsewhere = ScriptedServer::start(vec![Reply::json(200, role())]).await;
    let foreign = format!("{}/roles/r-1", elsewhere.base_url);
    let api = ScriptedServer::start(vec![
        Reply::empty(302).header("location", &foreign),
        Reply::empty(302).header("location", "/roles/r-2"),
        Reply::json(200, role()),
    ])
    .await;
    // Building the runtime installs the TLS crypto provider that reqwest needs.
    let runtime = cloud_apis_runtime::Runtime::builder()
        .retry(RetryPolicy::disabled())
        .build();
    let follows = reqwest::Client::builder().build().unwrap();
    let client = panther_client::Client::new_with_client(&api.base_url, follows, runtime);

    // To another origin: refused, naming where it went; what that origin answered is not read.
    let err = client.role_get().id("r-1").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status, "{err}");
    assert!(err.is_redirect(), "{err}");
    assert_eq!(err.redirect_location(), Some(foreign.as_str()));
    assert!(
        err.to_string()
            .contains(&format!("redirected to {foreign}, which is not followed")),
        "{err}"
    );
    assert_eq!(elsewhere.seen().len(), 1);

    // Within the origin asked: the answer is the call's.
    let role = client.role_get().id("r-1").send().await.unwrap();
    assert_eq!(role.name, "Analyst");
    assert_eq!(api.seen()[2].target, "/roles/r-2");
}

// ---- 13. bounded integer parameters ---------------------------------------------------------------------------

#[tokio::test]
async fn out_of_range_render_sizes_and_page_sizes_are_refused_before_sending() {
    use cloud_apis::cloudcraft::types::ExportBlueprintImageFormat;
    let api = ScriptedServer::start(Vec::<Action>::new()).await;
    for width in [0, -5, 1_000_000] {
        let err = cloudcraft(&api.base_url)
            .export_blueprint_image()
            .blueprint_id("3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c")
            .format(ExportBlueprintImageFormat::Png)
            .width(width)
            .download()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert!(
            err.to_string().contains(&format!("`width` is {width}")),
            "{err}"
        );
    }
    let err = scp(&api.base_url)
        .list_guardrails()
        .size(std::num::NonZeroU64::new(1001).unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.to_string().contains("`size` is 1001"), "{err}");
    assert!(api.seen().is_empty());
}
