//! Retries, typed errors, the snapshot long poll, pagination and forward compatibility, against local servers.

mod support;

use std::time::{Duration, Instant};

use cloud_apis::cloudcraft::{ClientSnapshotExt, Snapshot, SnapshotRequest};
use cloud_apis::scp::{Environment, ScpConfig};
use cloud_apis::{ErrorKind, RetryPolicy};
use httpmock::{Method, MockServer};
use scp_cloudcontrol_client::signature::{sign, SignatureInput};
use serde_json::json;
use support::clients::{cloudcraft, panther, ACCOUNT, TOKEN};
use support::{Reply, ScriptedServer};

fn role() -> serde_json::Value {
    json!({"id": "r-1", "name": "Analyst", "permissions": ["AlertRead"], "logTypeAccessKind": "ALLOW_ALL"})
}

#[tokio::test]
async fn rate_limited_then_ok_honours_retry_after() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, json!({"message": "slow down"})).header("retry-after", "1"),
        Reply::json(200, role()),
    ])
    .await;
    let client = panther(&server.base_url, RetryPolicy::default());
    let started = Instant::now();
    let role = client
        .role_get()
        .id("r-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(role.name, "Analyst");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.header("x-api-key") == Some(TOKEN)));
}

#[tokio::test]
async fn a_burst_of_503_is_ridden_out() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, json!({"message": "busy"})),
        Reply::json(503, json!({"message": "busy"})),
        Reply::json(200, role()),
    ])
    .await;
    let client = panther(&server.base_url, RetryPolicy::default());
    client.role_get().id("r-1").send().await.unwrap();
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn exhausted_retries_report_the_attempts_and_the_last_answer() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, json!({"message": "busy"})),
        Reply::json(503, json!({"message": "busy"})),
        Reply::json(503, json!({"message": "still busy"})),
    ])
    .await;
    let client = panther(&server.base_url, RetryPolicy::default());
    let err = client.role_get().id("r-1").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.message(), Some("still busy"));
    assert_eq!(
        err.to_string(),
        format!(
            "panther `role#get` (GET {}/roles/r-1) failed with HTTP 503 Service Unavailable after 3 attempts: still busy",
            server.base_url
        )
    );
    assert!(!err.to_string().contains(TOKEN) && !format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn post_is_not_retried_unless_the_caller_opts_in() {
    use cloud_apis::panther::types::ModifyRole;
    let body = || ModifyRole::builder().name("Analyst").permissions(vec![]);

    let server = ScriptedServer::start(vec![
        Reply::json(503, json!({"message": "busy"})),
        Reply::json(200, role()),
    ])
    .await;
    let client = panther(&server.base_url, RetryPolicy::default());
    let err = client.role_create().body(body()).send().await.unwrap_err();
    assert_eq!((err.attempts(), server.seen().len()), (1, 1));

    let server = ScriptedServer::start(vec![
        Reply::json(503, json!({"message": "busy"})),
        Reply::json(200, role()),
    ])
    .await;
    let client = panther(
        &server.base_url,
        RetryPolicy::default().retry_non_idempotent(true),
    );
    client.role_create().body(body()).send().await.unwrap();
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn scp_retries_are_signed_afresh() {
    let page = json!({"count": 0, "page": 0, "size": 20, "guardrails": []});
    let server = ScriptedServer::start(vec![
        Reply::json(
            503,
            json!({"errors": [{"code": "Unavailable", "detail": "try later"}]}),
        )
        .header("retry-after", "1"),
        Reply::json(200, page),
    ])
    .await;
    let client = ScpConfig::new("AK", "SK", Environment::Samsung)
        .base_url(&server.base_url)
        .cloudcontrol_v1_2()
        .unwrap();
    client.list_guardrails().send().await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let timestamps: Vec<&str> = seen
        .iter()
        .map(|s| s.header("scp-timestamp").unwrap())
        .collect();
    assert_ne!(
        timestamps[0], timestamps[1],
        "each attempt has its own timestamp"
    );
    for s in &seen {
        let expected = sign(
            &SignatureInput {
                method: "GET",
                url: &format!("{}{}", server.base_url, s.target),
                timestamp_ms: s.header("scp-timestamp").unwrap().parse().unwrap(),
                access_key: "AK",
                account_id: "",
            },
            b"SK",
        );
        assert_eq!(s.header("scp-signature"), Some(expected.as_str()));
    }
}

#[tokio::test]
async fn each_providers_error_body_is_parsed() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(Method::GET).path("/roles/missing");
        then.status(404)
            .json_body(json!({"message": "role not found"}));
    });
    server.mock(|when, then| {
        when.method(Method::GET).path("/aws/account");
        then.status(403)
            .json_body(json!({"error": "Forbidden, insufficient privileges"}));
    });
    server.mock(|when, then| {
        when.method(Method::GET).path("/v1/landing-zones/lz-0");
        then.status(400).json_body(json!({"errors": [{"code": "CloudControl.InvalidParameter",
            "detail": ["landing_zone_id is malformed", "see the reference"], "status": 400, "title": "BadRequest"}]}));
    });
    server.mock(|when, then| {
        when.method(Method::GET).path("/roles/proxy");
        then.status(502)
            .header("content-type", "text/html")
            .body("<html><h1>502 Bad Gateway</h1></html>");
    });

    let p = panther(&server.base_url(), RetryPolicy::disabled());
    let e = p.role_get().id("missing").send().await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(
        (e.provider(), e.operation(), e.method()),
        ("panther", "role#get", "GET")
    );
    assert_eq!(e.message(), Some("role not found"));

    let c = cloudcraft(&server.base_url());
    let e = c.list_aws_accounts().send().await.unwrap_err();
    assert!(e.is_forbidden());
    assert_eq!(e.message(), Some("Forbidden, insufficient privileges"));
    assert_eq!(e.url(), format!("{}/aws/account", server.base_url()));

    let s = ScpConfig::new("AK", "SK", Environment::Samsung)
        .base_url(server.base_url())
        .cloudcontrol_v1_2()
        .unwrap();
    let e = s
        .show_landing_zone()
        .landing_zone_id("lz-0")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(e.code(), Some("CloudControl.InvalidParameter"));
    assert_eq!(
        e.message(),
        Some("landing_zone_id is malformed; see the reference")
    );
    assert_eq!(e.provider(), "scp-cloudcontrol-v1.2");

    let e = p.role_get().id("proxy").send().await.unwrap_err();
    assert_eq!(e.message(), None);
    assert_eq!(
        e.body_excerpt(),
        Some("<html><h1>502 Bad Gateway</h1></html>")
    );
    assert!(
        e.to_string()
            .contains("HTTP 502 Bad Gateway; response body: \"<html>"),
        "{e}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_naming_the_operation() {
    // Bind and drop a listener so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = panther(
        &format!("http://127.0.0.1:{port}"),
        RetryPolicy::default().max_attempts(2),
    );
    let e = client.role_list().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(
        (e.provider(), e.operation(), e.method()),
        ("panther", "role#list", "GET")
    );
    assert!(
        e.to_string()
            .starts_with("panther `role#list` (GET http://127.0.0.1:"),
        "{e}"
    );
    assert!(e.to_string().contains("could not connect"), "{e}");
}

#[tokio::test]
async fn snapshot_polls_through_202s_to_the_blueprint() {
    let processing = json!({"code": "STILL_PROCESSING", "message": "Rendering...", "retry": true});
    let server = ScriptedServer::start(vec![
        Reply::json(202, processing.clone()),
        Reply::json(202, processing),
        Reply::json(
            200,
            json!({"grid": "standard", "nodes": [{"type": "ec2", "id": "i-1"}]}),
        ),
    ])
    .await;
    let request = SnapshotRequest::new(
        ACCOUNT,
        "us-east-1",
        cloud_apis::cloudcraft::types::SnapshotFormat::Json,
    )
    .exclude(["ec2", "sg"])
    .options(|b| b.label(false))
    .poll_interval(Duration::from_millis(10));
    let Snapshot::Blueprint(blueprint) = cloudcraft(&server.base_url)
        .snapshot(&request)
        .await
        .unwrap()
    else {
        panic!("expected a blueprint");
    };
    assert_eq!(blueprint.nodes[0]["type"], "ec2");
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for s in &seen {
        assert_eq!(
            s.target,
            format!("/aws/account/{ACCOUNT}/us-east-1/json?exclude=ec2%2Csg&label=false")
        );
    }
}

#[tokio::test]
async fn snapshot_gives_up_at_the_deadline_saying_the_render_is_still_running() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(Method::GET);
        then.status(202).json_body(
            json!({"code": "STILL_PROCESSING", "message": "Rendering...", "retry": true}),
        );
    });
    let request = SnapshotRequest::new(
        ACCOUNT,
        "eu-west-1",
        cloud_apis::cloudcraft::types::SnapshotFormat::Png,
    )
    // Wide margins: the second answer arrives ~1.2 s in, and the next poll would land after the 2 s deadline,
    // so the call ends on a 202 rather than mid-request even on a loaded machine.
    .deadline(Duration::from_secs(2))
    .poll_interval(Duration::from_millis(1200));
    let err = cloudcraft(&server.base_url())
        .snapshot(&request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deadline);
    assert!(err.is_timeout());
    let text = err.to_string();
    assert!(text.starts_with(&format!(
        "cloudcraft `snapshotAwsAccount` (GET {}/aws/account/{ACCOUNT}/eu-west-1/png) failed: the render is still running",
        server.base_url()
    )), "{text}");
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn a_binary_snapshot_streams_to_a_file() {
    // A few hundred KiB in a recognisable pattern, so the file must be byte-identical.
    let png: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let server = ScriptedServer::start(vec![
        Reply::json(
            202,
            json!({"code": "STILL_PROCESSING", "message": "Rendering...", "retry": true}),
        ),
        Reply::bytes(200, "image/png", png.clone()),
    ])
    .await;
    let request = SnapshotRequest::new(
        ACCOUNT,
        "us-east-1",
        cloud_apis::cloudcraft::types::SnapshotFormat::Png,
    )
    .poll_interval(Duration::from_millis(5));
    let Snapshot::Document(doc) = cloudcraft(&server.base_url)
        .snapshot(&request)
        .await
        .unwrap()
    else {
        panic!("expected a document");
    };
    assert_eq!(doc.content_type(), Some("image/png"));
    let dir = std::env::temp_dir().join(format!("cloud-apis-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("snapshot.png");
    let written = doc.save(&path).await.unwrap();
    assert_eq!(written, png.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), png);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_enum_values_and_extra_fields_still_decode() {
    use cloud_apis::cloudcraft::types::SnapshotProcessing;
    use cloud_apis::panther::types::{ModifyRole, Permission, Role};
    use cloud_apis::scp::cloudcontrol::v1_2::types::{DetectiveGuardrailStatus, LandingZone};
    use cloud_apis::Open;

    let role: Role = serde_json::from_value(json!({
        "id": "r-1", "name": "Future", "logTypeAccessKind": "ALLOW_SOME_NEW_WAY", "addedIn2027": true,
        "permissions": ["AlertRead", "QuantumAlertTriage"]
    }))
    .unwrap();
    assert_eq!(role.permissions[0], Permission::AlertRead);
    assert_eq!(role.permissions[1].unknown(), Some("QuantumAlertTriage"));
    assert_eq!(role.permissions[1].to_string(), "QuantumAlertTriage");
    assert_eq!(
        role.log_type_access_kind.unknown(),
        Some("ALLOW_SOME_NEW_WAY")
    );

    // Read, modify, write: what the provider sent, known or not, goes back unchanged.
    let update: ModifyRole = ModifyRole::builder()
        .name(role.name.clone())
        .permissions(role.permissions.clone())
        .log_type_access_kind(role.log_type_access_kind.clone())
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"name": "Future", "permissions": ["AlertRead", "QuantumAlertTriage"],
               "logTypeAccessKind": "ALLOW_SOME_NEW_WAY"})
    );

    let processing: SnapshotProcessing = serde_json::from_value(json!({
        "code": "QUEUED_BEHIND_OTHERS", "message": "Queued", "retry": true, "position": 3
    }))
    .unwrap();
    assert_eq!(processing.code.unknown(), Some("QUEUED_BEHIND_OTHERS"));

    let mut zone = serde_json::to_value(example_landing_zone()).unwrap();
    zone["detective_guardrail_status"] = json!("PAUSED");
    zone["brand_new_field"] = json!({"nested": 1});
    let zone: LandingZone = serde_json::from_value(zone).unwrap();
    assert_eq!(zone.detective_guardrail_status.unknown(), Some("PAUSED"));
    assert_ne!(
        zone.detective_guardrail_status,
        Open::Known(DetectiveGuardrailStatus::Enabled)
    );
}

/// The spec's own example landing zone (1.2).
fn example_landing_zone() -> serde_json::Value {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs/scp-cloudcontrol-v1.2.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(spec).unwrap()).unwrap();
    doc.pointer("/paths/~1v1~1landing-zones~1{landing_zone_id}/get/responses/200/content/application~1json/example/landing_zone")
        .expect("ShowLandingZone example")
        .clone()
}
