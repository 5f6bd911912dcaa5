//! Behaviour of the generated clients on the wire, against httpmock servers driven by the generated mock helpers.
//!
//! These cover what code generation itself promises: constrained fields refuse bad values before any request,
//! every request goes through the runtime (pinned `Scp-Api-Version`, no progenitor `api-version`), the spec
//! transforms send what the spec documents, and the typed mock helpers match what the clients send.

use cloud_apis_runtime::Runtime;
use cloud_apis_tests::specs::spec;
use futures::StreamExt;
use httpmock::MockServer;
use serde_json::{json, Value};

/// The example the spec attaches to a JSON body.
fn example(spec_name: &str, path: &str, method: &str, location: &str) -> Value {
    spec(spec_name).example(path, method, location)
}

async fn collect(stream: progenitor_client_bytes::Stream) -> Vec<u8> {
    let mut inner = stream.into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = inner.next().await {
        out.extend_from_slice(&chunk.expect("body chunk"));
    }
    out
}

mod progenitor_client_bytes {
    pub type Stream = cloudcraft_client::ByteStream;
}

mod panther {
    use super::*;
    use panther_client::mock::MockServerExt;
    use panther_client::{types, Client, ErrorKind};

    fn body() -> types::builder::CreateAwsCloudAccount {
        types::CreateAwsCloudAccount::builder()
            .aws_account_id("123456789012")
            .integration_label("prod-account")
            .aws_scan_config(types::AwsScanConfig {
                audit_role: Some("arn:aws:iam::123456789012:role/PantherAuditRole".into()),
            })
    }

    #[tokio::test]
    async fn constrained_fields_are_refused_before_any_request() {
        let server = MockServer::start_async().await;
        let mock = server.aws_cloud_account_create(|when, then| {
            when.into_inner().any_request();
            then.into_inner().status(500);
        });
        let client = Client::new(&server.base_url(), Runtime::new());

        let cases = [
            (body().aws_account_id("12345"), "aws_account_id"),
            (body().aws_account_id("12345678901a"), "aws_account_id"),
            (
                body().integration_label("x".repeat(37)),
                "integration_label",
            ),
            (body().integration_label("bad_label!"), "integration_label"),
        ];
        for (bad, field) in cases {
            match client.aws_cloud_account_create().body(bad).send().await {
                Err(e) if e.kind() == ErrorKind::InvalidRequest => {
                    assert!(e.to_string().contains(field), "{field}: {e}")
                }
                other => panic!("{field}: expected InvalidRequest, got {other:?}"),
            }
        }
        assert_eq!(mock.calls_async().await, 0, "nothing may reach the server");

        // The newtypes refuse the same values when built directly.
        assert!("12345".parse::<types::AwsAccountId>().is_err());
        assert!("123456789012".parse::<types::AwsAccountId>().is_ok());
    }

    #[tokio::test]
    async fn create_sends_the_body_and_decodes_the_typed_answer() {
        let server = MockServer::start_async().await;
        let sent: types::CreateAwsCloudAccount = body().try_into().unwrap();
        let created: types::AwsCloudAccount = serde_json::from_value(json!({
            "awsAccountId": "123456789012",
            "integrationId": "7c6a2f0e-1d3b-4a8e-9f1c-2b3d4e5f6a7b",
            "integrationLabel": "prod-account",
            "awsScanConfig": {"auditRole": "arn:aws:iam::123456789012:role/PantherAuditRole"},
            "regionIgnoreList": ["ap-south-1"],
            "resourceTypeIgnoreList": [],
            "resourceRegexIgnoreList": []
        }))
        .unwrap();
        let mock = server.aws_cloud_account_create(|when, then| {
            when.body(&sent).into_inner().header_missing("api-version");
            then.created(&created);
        });
        let client = Client::new(&server.base_url(), Runtime::new());
        let response = client
            .aws_cloud_account_create()
            .body(body())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        assert_eq!(response.into_inner(), created);
        mock.assert_async().await;
    }

    #[tokio::test]
    async fn same_shaped_errors_decode_into_one_typed_error() {
        let server = MockServer::start_async().await;
        let missing = types::NotFoundError {
            message: "role not found".into(),
        };
        server.role_get(|when, then| {
            when.id(&"r-404".into());
            then.not_found(&missing);
        });
        let client = Client::new(&server.base_url(), Runtime::new());
        match client.role_get().id("r-404").send().await {
            Err(err) if err.body::<types::Error>().is_some() => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
                assert_eq!(
                    err.body::<types::Error>().unwrap().message,
                    "role not found"
                );
                assert_eq!(err.message(), Some("role not found"));
                assert_eq!(err.operation(), "role#get");
            }
            other => panic!("expected a typed 404, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn role_list_sends_repeated_ids_and_enum_query() {
        let server = MockServer::start_async().await;
        let mock = server.mock(|when, then| {
            when.path("/roles")
                .query_param("id", "a")
                .query_param("id", "b")
                .query_param("sort-dir", "desc");
            then.status(200)
                .json_body(json!({"results": [], "next": "tok"}));
        });
        let client = Client::new(&server.base_url(), Runtime::new());
        let page = client
            .role_list()
            .id(vec!["a".to_string(), "b".to_string()])
            .sort_dir(types::SortDir::Desc)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(page.next.as_deref(), Some("tok"));
        mock.assert_async().await;
    }
}

mod cloudcraft {
    use super::*;
    use cloudcraft_client::mock::MockServerExt;
    use cloudcraft_client::{types, Client};

    const ACCOUNT: &str = "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";

    #[tokio::test]
    async fn snapshot_sends_exclude_comma_joined_and_returns_raw_bytes() {
        let server = MockServer::start_async().await;
        let png: Vec<u8> = b"\x89PNG\r\n\x1a\n-not-really-a-picture".to_vec();
        let mock = server.snapshot_aws_account(|when, then| {
            when.account_id(&ACCOUNT.into())
                .region("us-east-1")
                .format(types::SnapshotFormat::Png)
                .exclude("ec2,sg")
                .width(1920);
            then.into_inner()
                .status(200)
                .header("content-type", "image/png")
                .body(png.clone());
        });
        let client = Client::new(&server.base_url(), Runtime::new());
        let response = client
            .snapshot_aws_account()
            .account_id(ACCOUNT)
            .region("us-east-1")
            .format(types::SnapshotFormat::Png)
            .exclude("ec2,sg")
            .width(1920)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(collect(response.into_inner()).await, png);
        mock.assert_async().await;
    }

    #[tokio::test]
    async fn snapshot_still_processing_is_a_success_with_the_documented_body() {
        let server = MockServer::start_async().await;
        let processing = example(
            "cloudcraft",
            "/aws/account/{account_id}/{region}/{format}",
            "get",
            "responses/202",
        );
        let typed: types::SnapshotProcessing = serde_json::from_value(processing.clone()).unwrap();
        server.snapshot_aws_account(|when, then| {
            when.format(types::SnapshotFormat::Json);
            then.accepted(&typed);
        });
        let client = Client::new(&server.base_url(), Runtime::new());
        let response = client
            .snapshot_aws_account()
            .account_id(ACCOUNT)
            .region("us-east-1")
            .format(types::SnapshotFormat::Json)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 202);
        let body: Value = serde_json::from_slice(&collect(response.into_inner()).await).unwrap();
        assert_eq!(body, processing);
    }
}

mod scp {
    use super::*;

    const LIST_GUARDRAILS: (&str, &str, &str) = ("/v1/guardrails", "get", "responses/200");

    #[tokio::test]
    async fn each_version_pins_its_own_version_header() {
        let server = MockServer::start_async().await;
        for (spec_name, version) in [
            ("scp-cloudcontrol-v1.0", "cloudcontrol 1.0"),
            ("scp-cloudcontrol-v1.1", "cloudcontrol 1.1"),
            ("scp-cloudcontrol-v1.2", "cloudcontrol 1.2"),
        ] {
            let (path, method, location) = LIST_GUARDRAILS;
            let page = example(spec_name, path, method, location);
            let mock = server.mock(|when, then| {
                when.path(path)
                    .header("scp-api-version", version)
                    .header_missing("api-version")
                    .query_param("size", "20");
                then.status(200).json_body(page.clone());
            });
            let count = match spec_name {
                "scp-cloudcontrol-v1.0" => {
                    let client = scp_cloudcontrol_client::v1_0::Client::new(
                        &server.base_url(),
                        Runtime::new(),
                    );
                    client
                        .list_guardrails()
                        .size(20)
                        .send()
                        .await
                        .unwrap()
                        .into_inner()
                        .count
                }
                since_1_1 => {
                    // 1.1 is the 1.2 client speaking 1.1: the same operations and schemas, its own header.
                    let runtime = match since_1_1 {
                        "scp-cloudcontrol-v1.1" => {
                            Runtime::builder().speaks(&scp_cloudcontrol_client::v1_1::API)
                        }
                        _ => Runtime::builder(),
                    };
                    let client = scp_cloudcontrol_client::v1_2::Client::new(
                        &server.base_url(),
                        runtime.build(),
                    );
                    client
                        .list_guardrails()
                        .size(20)
                        .send()
                        .await
                        .unwrap()
                        .into_inner()
                        .count
                }
            };
            assert_eq!(Some(count), page["count"].as_i64(), "{spec_name}");
            mock.assert_async().await;
            mock.delete_async().await;
        }
    }

    #[tokio::test]
    async fn landing_zone_names_and_emails_are_validated_before_sending() {
        use scp_cloudcontrol_client::v1_1::mock::MockServerExt;
        use scp_cloudcontrol_client::v1_1::{types, Client, ErrorKind};

        let server = MockServer::start_async().await;
        let mock = server.create_landing_zone(|when, then| {
            when.into_inner().any_request();
            then.into_inner().status(500);
        });
        let client = Client::new(&server.base_url(), Runtime::new());
        let documented: types::LandingZoneCreateRequest = serde_json::from_value(example(
            "scp-cloudcontrol-v1.1",
            "/v1/landing-zones",
            "post",
            "requestBody",
        ))
        .expect("the spec's example is a valid request");
        let base = || types::builder::LandingZoneCreateRequest::from(documented.clone());
        let cases = [
            (base().audit_login_id("not an email"), "audit_login_id"),
            (base().log_archive_login_id("a@b"), "log_archive_login_id"),
            (base().audit_account_name("AU"), "audit_account_name"),
            (
                base().audit_account_name("AUDIT<script>"),
                "audit_account_name",
            ),
            (base().additional_ou_name(""), "additional_ou_name"),
        ];
        for (bad, field) in cases {
            match client.create_landing_zone().body(bad).send().await {
                Err(e) if e.kind() == ErrorKind::InvalidRequest => {
                    assert!(e.to_string().contains(field), "{field}: {e}")
                }
                other => panic!("{field}: expected InvalidRequest, got {other:?}"),
            }
        }
        assert_eq!(mock.calls_async().await, 0, "nothing may reach the server");
    }
}
