//! Every operation kind of every provider carries its credentials, the user agent and (SCP) a signature that
//! verifies and the pinned API version; progenitor's `api-version` header never goes out.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cloud_apis::cloudcraft::CloudcraftConfig;
use cloud_apis::panther::PantherConfig;
use cloud_apis::scp::{Environment, ScpConfig};
use httpmock::{Method, MockServer};
use scp_cloudcontrol_client::signature::{sign, SignatureInput};
use serde_json::json;

const PANTHER_TOKEN: &str = "panther-token-123";
const CLOUDCRAFT_KEY: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE=";
const ACCOUNT: &str = "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";

/// The example a spec attaches to an operation's JSON body at `location` (`requestBody` or `responses/200`).
fn spec_example(file: &str, path: &str, method: &str, location: &str) -> serde_json::Value {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs")
        .join(file);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(spec).unwrap()).unwrap();
    let pointer = format!(
        "/paths/{}/{method}/{location}/content/application~1json/example",
        path.replace('/', "~1")
    );
    doc.pointer(&pointer)
        .unwrap_or_else(|| panic!("{file}: no example at {pointer}"))
        .clone()
}

/// A mock answering `method path` with `status` (and `body` unless null) only when every header is present with
/// its value and progenitor's `api-version` is absent.
fn expect<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    headers: &[(&str, String)],
    status: u16,
    body: serde_json::Value,
) -> httpmock::Mock<'a> {
    server.mock(|mut when, then| {
        when = when.method(method).path(path).header_missing("api-version");
        for (name, value) in headers {
            when = when.header(*name, value);
        }
        let then = then.status(status);
        if !body.is_null() {
            then.header("content-type", "application/json")
                .json_body(body);
        }
    })
}

fn user_agent(provider: &str) -> String {
    format!("cloud-apis/{} ({provider})", env!("CARGO_PKG_VERSION"))
}

#[tokio::test]
async fn panther_sends_the_api_key_on_every_method() {
    let server = MockServer::start_async().await;
    let client = PantherConfig::new(server.base_url(), PANTHER_TOKEN)
        .build()
        .unwrap();
    let account = json!({"awsAccountId": "123456789012", "integrationId": "i-1", "integrationLabel": "prod",
        "regionIgnoreList": [], "resourceTypeIgnoreList": [], "resourceRegexIgnoreList": []});
    let role = json!({"id": "r-1", "name": "Analyst", "permissions": ["AlertRead"], "logTypeAccessKind": "ALLOW_ALL"});
    let routes = [
        (Method::GET, "/roles/r-1", 200, role.clone()),
        (Method::POST, "/roles", 200, role.clone()),
        (Method::PUT, "/cloud-accounts/aws/i-1", 200, account.clone()),
        (Method::DELETE, "/cloud-accounts/aws/i-1", 204, json!(null)),
    ];
    let headers = [
        ("x-api-key", PANTHER_TOKEN.to_string()),
        ("user-agent", user_agent("panther")),
    ];
    let mocks: Vec<_> = routes
        .into_iter()
        .map(|(method, path, status, body)| expect(&server, method, path, &headers, status, body))
        .collect();
    client.role_get().id("r-1").send().await.unwrap();
    client
        .role_create()
        .body(
            cloud_apis::panther::types::ModifyRole::builder()
                .name("Analyst")
                .permissions(vec![]),
        )
        .send()
        .await
        .unwrap();
    client
        .aws_cloud_account_put()
        .id("i-1")
        .body(
            cloud_apis::panther::types::ModifyAwsCloudAccount::builder()
                .integration_label("prod")
                .aws_scan_config(cloud_apis::panther::types::AwsScanConfig { audit_role: None }),
        )
        .send()
        .await
        .unwrap();
    client
        .aws_cloud_account_delete()
        .id("i-1")
        .send()
        .await
        .unwrap();
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn cloudcraft_sends_the_bearer_key_on_every_method() {
    let server = MockServer::start_async().await;
    let url = reqwest::Url::parse(&server.base_url()).unwrap();
    let client = CloudcraftConfig::new(CLOUDCRAFT_KEY)
        .protocol("http")
        .host(url.host_str().unwrap())
        .port(url.port().unwrap())
        .build()
        .unwrap();
    let account = json!({"id": ACCOUNT, "name": "Prod", "roleArn": "arn:aws:iam::123456789012:role/cloudcraft",
        "externalId": "ex-1", "CreatorId": "us-1", "createdAt": "2022-01-01T21:18:59.057Z",
        "updatedAt": "2022-01-01T21:18:59.057Z"});
    let routes = [
        (
            Method::GET,
            "/aws/account".to_string(),
            200,
            json!({"accounts": [account.clone()]}),
        ),
        (
            Method::POST,
            "/aws/account".to_string(),
            201,
            account.clone(),
        ),
        (
            Method::PUT,
            format!("/aws/account/{ACCOUNT}"),
            200,
            account.clone(),
        ),
        (
            Method::DELETE,
            format!("/aws/account/{ACCOUNT}"),
            204,
            json!(null),
        ),
    ];
    let headers = [
        ("authorization", format!("Bearer {CLOUDCRAFT_KEY}")),
        ("user-agent", user_agent("cloudcraft")),
    ];
    let mocks: Vec<_> = routes
        .into_iter()
        .map(|(method, path, status, body)| expect(&server, method, &path, &headers, status, body))
        .collect();
    let id = ACCOUNT;
    client.list_aws_accounts().send().await.unwrap();
    let body = || {
        cloud_apis::cloudcraft::types::AwsAccountCreateRequest::builder()
            .name("Prod")
            .role_arn("arn:aws:iam::123456789012:role/cloudcraft")
    };
    client
        .create_aws_account()
        .body(body())
        .send()
        .await
        .unwrap();
    client
        .update_aws_account()
        .account_id(id)
        .body(
            cloud_apis::cloudcraft::types::AwsAccountUpdateRequest::builder()
                .name("Prod")
                .role_arn("arn:aws:iam::123456789012:role/cloudcraft"),
        )
        .send()
        .await
        .unwrap();
    client
        .delete_aws_account()
        .account_id(id)
        .send()
        .await
        .unwrap();
    for mock in mocks {
        mock.assert_async().await;
    }
}

const V1_2: &str = "scp-cloudcontrol-v1.2.json";
const ACCESS_KEY: &str = "2sd2gg=2agbdSD26svcD";
const SECRET_KEY: &str = "scp-secret-key";
const ACCOUNT_ID: &str = "acct-7";
const NOW_MS: u128 = 1_700_000_000_000;

fn fixed_clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(NOW_MS as u64)
}

fn scp(server: &MockServer) -> ScpConfig {
    ScpConfig::new(ACCESS_KEY, SECRET_KEY, Environment::Samsung)
        .account_id(ACCOUNT_ID)
        .base_url(server.base_url())
        .clock(fixed_clock)
}

/// The signature a correct client sends for this method and wire URL, computed independently of the client.
fn expected_signature(method: &str, url: &str) -> String {
    sign(
        &SignatureInput {
            method,
            url,
            timestamp_ms: NOW_MS,
            access_key: ACCESS_KEY,
            account_id: ACCOUNT_ID,
        },
        SECRET_KEY.as_bytes(),
    )
}

#[tokio::test]
async fn scp_requests_are_signed_over_the_wire_url_and_pinned_to_their_version() {
    use cloud_apis::scp::cloudcontrol::v1_2::types;

    let server = MockServer::start_async().await;
    let client = scp(&server).cloudcontrol_v1_2().unwrap();
    let example = |path: &str, method: &str| spec_example(V1_2, path, method, "responses/200");
    let request = |path: &str, method: &str| spec_example(V1_2, path, method, "requestBody");
    let routes = [
        (
            (Method::GET, "GET"),
            "/v1/guardrails",
            "?page=0&size=20",
            example("/v1/guardrails", "get"),
        ),
        (
            (Method::DELETE, "DELETE"),
            "/v1/guardrail-bindings",
            "",
            example("/v1/guardrail-bindings", "delete"),
        ),
        (
            (Method::PUT, "PUT"),
            "/v1/baseline-assignments/ou-1",
            "",
            example("/v1/baseline-assignments/{assignment_id}", "put"),
        ),
        (
            (Method::DELETE, "DELETE"),
            "/v1/baseline-assignments/ou-1",
            "",
            example("/v1/baseline-assignments/{assignment_id}", "delete"),
        ),
    ];
    let mut mocks = Vec::new();
    for ((method, method_name), path, query, body) in routes {
        let wire_url = format!("{}{path}{query}", server.base_url());
        let headers = [
            ("scp-accesskey", ACCESS_KEY.to_string()),
            ("scp-signature", expected_signature(method_name, &wire_url)),
            ("scp-timestamp", NOW_MS.to_string()),
            ("scp-clienttype", "Openapi".to_string()),
            ("scp-accountid", ACCOUNT_ID.to_string()),
            ("accept-language", "en-US".to_string()),
            ("scp-api-version", "cloudcontrol 1.2".to_string()),
            ("user-agent", user_agent("scp-cloudcontrol")),
        ];
        mocks.push(expect(&server, method, path, &headers, 200, body));
    }
    client
        .list_guardrails()
        .size(20u64)
        .page(0)
        .send()
        .await
        .unwrap();
    client
        .disable_guardrail_bindings()
        .body(
            types::GuardrailDisableRequest::builder()
                .guardrail_ids(vec!["g-1".into()])
                .unit_ids(vec!["ou-1".into()]),
        )
        .send()
        .await
        .unwrap();
    client
        .update_baseline_assignment()
        .assignment_id("ou-1")
        .body(
            serde_json::from_value::<types::BaselineAssignmentUpdateRequest>(request(
                "/v1/baseline-assignments/{assignment_id}",
                "put",
            ))
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    client
        .remove_baseline_assignment()
        .assignment_id("ou-1")
        .body(
            serde_json::from_value::<types::BaselineAssignmentRemoveRequest>(request(
                "/v1/baseline-assignments/{assignment_id}",
                "delete",
            ))
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn a_call_may_override_the_default_language_and_v1_0_pins_its_own_version() {
    #[allow(deprecated)]
    use cloud_apis::scp::cloudcontrol::v1_0::types;

    let server = MockServer::start_async().await;
    #[allow(deprecated)]
    let client = scp(&server).cloudcontrol_v1_0().unwrap();
    let mock = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/v1/landing-zones/lz-1")
            .header("accept-language", "ko-KR")
            .header("scp-api-version", "cloudcontrol 1.0")
            .header(
                "scp-signature",
                expected_signature(
                    "GET",
                    &format!("{}/v1/landing-zones/lz-1", server.base_url()),
                ),
            );
        then.status(404);
    });
    let err = client
        .show_landing_zone()
        .landing_zone_id("lz-1")
        .accept_language(types::AcceptLanguage::KoKr)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    mock.assert_async().await;
}

#[tokio::test]
async fn version_check_is_unsigned_and_follows_the_lifecycle() {
    use cloud_apis::scp::cloudcontrol::CloudControlVersion;
    use cloud_apis::scp::{VersionPolicy, VersionStatus};

    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/")
            .header_missing("scp-signature")
            .header_missing("scp-accesskey");
        then.status(200).json_body(json!({"versions": [
            {"id": "v1.2", "status": "CURRENT", "not_before": null, "links": []},
            {"id": "v1.1", "status": "DEPRECATED", "not_before": "2026-06-30", "links": []}
        ]}));
    });
    let config = scp(&server);
    let current = config
        .check_cloudcontrol_version_with(CloudControlVersion::latest(), VersionPolicy::Strict)
        .await
        .unwrap();
    assert_eq!(current.status, Some(VersionStatus::Current));
    assert!(current.warnings.is_empty());

    // Deprecated and past its not-before date (today is after 2026-06-30): a warning by default ...
    let old = config
        .check_cloudcontrol_version(CloudControlVersion::V1_1)
        .await
        .unwrap();
    assert_eq!(old.status, Some(VersionStatus::Deprecated));
    assert!(
        old.warnings.iter().any(|w| w.contains("DEPRECATED")),
        "{:?}",
        old.warnings
    );
    // ... and an error in strict mode.
    let strict = config
        .check_cloudcontrol_version_with(CloudControlVersion::V1_1, VersionPolicy::Strict)
        .await
        .unwrap_err();
    assert_eq!(strict.kind(), cloud_apis::ErrorKind::Config);
    assert!(
        strict
            .to_string()
            .contains("cloudcontrol 1.1 is DEPRECATED"),
        "{strict}"
    );

    // A version the service does not list is an error whatever the policy.
    let unlisted = config
        .check_cloudcontrol_version(CloudControlVersion::V1_0)
        .await
        .unwrap_err();
    assert!(
        unlisted
            .to_string()
            .contains("not among the versions the service lists (v1.2, v1.1)"),
        "{unlisted}"
    );
    assert_eq!(mock.calls_async().await, 4);
}

#[tokio::test]
async fn a_deprecated_version_before_its_date_warns_unless_strict() {
    use cloud_apis::scp::cloudcontrol::CloudControlVersion;
    use cloud_apis::scp::{VersionPolicy, VersionStatus};

    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(Method::GET).path("/");
        then.status(200).json_body(json!({"versions": [
            {"id": "v1.2", "status": "CURRENT", "not_before": null, "links": []},
            {"id": "v1.1", "status": "DEPRECATED", "not_before": "2099-12-31", "links": []}
        ]}));
    });
    let config = scp(&server);
    let report = config
        .check_cloudcontrol_version(CloudControlVersion::V1_1)
        .await
        .unwrap();
    assert_eq!(report.status, Some(VersionStatus::Deprecated));
    assert_eq!(
        report.not_before.map(|d| d.to_string()).as_deref(),
        Some("2099-12-31")
    );
    // Far from its date: the one warning is the deprecation itself.
    assert_eq!(report.warnings, ["cloudcontrol 1.1 is DEPRECATED"]);
    let strict = config
        .check_cloudcontrol_version_with(CloudControlVersion::V1_1, VersionPolicy::Strict)
        .await
        .unwrap_err();
    assert!(
        strict.to_string().contains("(strict version check)"),
        "{strict}"
    );
}

#[tokio::test]
async fn an_unreachable_version_list_warns_unless_strict() {
    use cloud_apis::scp::cloudcontrol::CloudControlVersion;
    use cloud_apis::scp::VersionPolicy;

    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(Method::GET).path("/");
        then.status(404).body("not here");
    });
    let config = scp(&server);
    let report = config
        .check_cloudcontrol_version(CloudControlVersion::latest())
        .await
        .unwrap();
    assert_eq!(report.status, None);
    assert!(
        report.warnings[0].starts_with("could not read the cloudcontrol version list"),
        "{:?}",
        report.warnings
    );
    let err = config
        .check_cloudcontrol_version_with(CloudControlVersion::latest(), VersionPolicy::Strict)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

/// 1.1 uses the 1.2 client and types; its own header and name still reach the wire and the errors.
#[tokio::test]
#[allow(deprecated)]
async fn the_shared_client_speaks_1_1_when_built_for_1_1() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/v1/landing-zones/lz-1")
            .header("scp-api-version", "cloudcontrol 1.1")
            .header_exists("scp-signature");
        then.status(404).json_body(
            json!({"errors": [{"code": "CloudControl.NotFound", "detail": "landing zone lz-1 not found"}]}),
        );
    });
    let client: cloud_apis::scp::cloudcontrol::v1_2::Client =
        scp(&server).cloudcontrol_v1_1().unwrap();
    let err = client
        .show_landing_zone()
        .landing_zone_id("lz-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.provider(), "scp-cloudcontrol-v1.1");
    assert!(
        err.to_string().contains("landing zone lz-1 not found"),
        "{err}"
    );
    mock.assert_async().await;
}
