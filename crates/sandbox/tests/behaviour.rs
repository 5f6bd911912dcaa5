//! The sandbox behaves as the services are documented, and everything it answers validates against the specs.

use scp_cloudcontrol_client::signature::ScpCredentials;
use std::time::SystemTime;

use cloud_apis_runtime::{Auth, SecretString};
use cloud_apis_sandbox::{
    Sandbox, CLOUDCRAFT_API_KEY, PANTHER_TOKEN, SCP_ACCESS_KEY, SCP_SECRET_KEY,
};
use cloud_apis_tests::json_schema::DocumentValidator;
use cloud_apis_tests::specs::spec;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Statuses the sandbox sends that the spec does not list, on purpose (documented in the README): Cloudcraft's
/// reference lists no 400 or 409 for account creation, but a bad body or a duplicate name must be refused somehow.
/// Their bodies still have the documented error shape (checked below).
struct Client {
    http: reqwest::Client,
    sandbox: Sandbox,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    etag: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
}

/// Every answer the sandbox gave in a test must conform to its spec, whatever the test itself checked.
impl Drop for Client {
    fn drop(&mut self) {
        let violations = self.sandbox.violations();
        if !std::thread::panicking() {
            assert!(
                violations.is_empty(),
                "answers that broke the spec:\n{}",
                violations.join("\n")
            );
        }
    }
}

impl Client {
    async fn new() -> Self {
        // This workspace builds reqwest without a bundled TLS provider (see cloud-apis-runtime's tls module).
        cloud_apis_runtime::ensure_crypto_provider();
        Self {
            http: reqwest::Client::new(),
            sandbox: Sandbox::start().await.unwrap(),
        }
    }

    async fn send(
        &self,
        provider: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let base = match provider {
            "panther" => self.sandbox.panther_url(),
            "cloudcraft" => self.sandbox.cloudcraft_url(),
            _ => self.sandbox.scp_url(),
        };
        let mut builder = self.http.request(method, format!("{base}{path}"));
        if let Some(body) = body {
            builder = builder.json(&body);
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.build().unwrap();
        let auth = match provider {
            "panther" => Auth::api_key_header(
                "x-api-key".parse().unwrap(),
                &SecretString::from(PANTHER_TOKEN),
            )
            .unwrap(),
            "cloudcraft" => Auth::bearer(&SecretString::from(CLOUDCRAFT_API_KEY)).unwrap(),
            "scp" => Auth::signed(
                ScpCredentials::new(SCP_ACCESS_KEY, SecretString::from(SCP_SECRET_KEY), "")
                    .unwrap(),
            ),
            _ => Auth::None,
        };
        if !headers.iter().any(|(n, _)| *n == "x-no-auth") {
            auth.apply(&mut request, SystemTime::now());
        }
        let response = self.http.execute(request).await.unwrap();
        let header = |name: &str| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some(value.to_string())
        };
        Answer {
            status: response.status(),
            etag: header("etag"),
            content_type: header("content-type").unwrap_or_default(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    /// Sends `body` as `content_type`, with the provider's credentials (SCP: pinned to 1.1).
    async fn send_raw(
        &self,
        provider: &str,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let base = match provider {
            "panther" => self.sandbox.panther_url(),
            "cloudcraft" => self.sandbox.cloudcraft_url(),
            _ => self.sandbox.scp_url(),
        };
        let mut request = self
            .http
            .request(method, format!("{base}{path}"))
            .header("content-type", content_type)
            .header("scp-api-version", "cloudcontrol 1.1")
            .body(body)
            .build()
            .unwrap();
        let auth = match provider {
            "panther" => Auth::api_key_header(
                "x-api-key".parse().unwrap(),
                &SecretString::from(PANTHER_TOKEN),
            )
            .unwrap(),
            "cloudcraft" => Auth::bearer(&SecretString::from(CLOUDCRAFT_API_KEY)).unwrap(),
            _ => Auth::signed(
                ScpCredentials::new(SCP_ACCESS_KEY, SecretString::from(SCP_SECRET_KEY), "")
                    .unwrap(),
            ),
        };
        auth.apply(&mut request, SystemTime::now());
        let response = self.http.execute(request).await.unwrap();
        Answer {
            status: response.status(),
            etag: None,
            content_type: String::new(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    /// Sends and checks the answer against the operation's documented responses.
    async fn call(
        &self,
        spec_name: &str,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let provider = if spec_name.starts_with("scp") {
            "scp"
        } else {
            spec_name
        };
        // Every signed Cloud Control call declares its version (the spec requires the header).
        let pinned = spec_name
            .strip_prefix("scp-cloudcontrol-v")
            .map(|v| format!("cloudcontrol {v}"));
        let mut headers = headers.to_vec();
        if let Some(version) = &pinned {
            if !headers.iter().any(|(n, _)| *n == "scp-api-version") {
                headers.push(("scp-api-version", version));
            }
        }
        let answer = self.send(provider, method, path, body, &headers).await;
        conforms(spec_name, operation, &answer);
        answer
    }
}

/// The answer's status is documented for the operation and its JSON body validates against that response's schema.
fn conforms(spec_name: &str, operation: &str, answer: &Answer) {
    let doc = spec(spec_name).raw();
    let op = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op["operationId"] == operation)
        .unwrap_or_else(|| panic!("no operation {operation}"));
    let status = answer.status.as_u16();
    let Some(response) = op["responses"].get(status.to_string()) else {
        panic!("{spec_name} {operation}: status {status} is not documented");
    };
    if let Some(schema) = response.pointer("/content/application~1json/schema") {
        if answer.content_type.starts_with("application/json") {
            let valid = DocumentValidator::new(&doc).validate(schema, &answer.json());
            assert!(
                valid.is_ok(),
                "{spec_name} {operation} {status}: {valid:?}\n{}",
                String::from_utf8_lossy(&answer.body)
            );
        }
    }
}

#[tokio::test]
async fn scp_refuses_a_bad_signature_and_an_unknown_version() {
    let c = Client::new().await;
    let ok = c
        .call(
            "scp-cloudcontrol-v1.1",
            "ListGuardrails",
            Method::GET,
            "/v1/guardrails",
            None,
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);

    // Signed for one URL, sent to another: the signature no longer verifies.
    let mut request = c
        .http
        .get(format!("{}/v1/guardrails?page=0", c.sandbox.scp_url()))
        .header("scp-api-version", "cloudcontrol 1.1")
        .build()
        .unwrap();
    Auth::signed(
        ScpCredentials::new(SCP_ACCESS_KEY, SecretString::from(SCP_SECRET_KEY), "").unwrap(),
    )
    .apply(&mut request, SystemTime::now());
    *request.url_mut() = format!("{}/v1/guardrails?page=1", c.sandbox.scp_url())
        .parse()
        .unwrap();
    let response = c.http.execute(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["status"], 401);

    // A wrong secret.
    let mut request = c
        .http
        .get(format!("{}/v1/guardrails", c.sandbox.scp_url()))
        .header("scp-api-version", "cloudcontrol 1.1")
        .build()
        .unwrap();
    Auth::signed(
        ScpCredentials::new(SCP_ACCESS_KEY, SecretString::from("not-the-secret"), "").unwrap(),
    )
    .apply(&mut request, SystemTime::now());
    assert_eq!(
        c.http.execute(request).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // A timestamp outside the window.
    let mut request = c
        .http
        .get(format!("{}/v1/guardrails", c.sandbox.scp_url()))
        .header("scp-api-version", "cloudcontrol 1.1")
        .build()
        .unwrap();
    let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
    Auth::signed(
        ScpCredentials::new(SCP_ACCESS_KEY, SecretString::from(SCP_SECRET_KEY), "").unwrap(),
    )
    .apply(&mut request, an_hour_ago);
    assert_eq!(
        c.http.execute(request).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    let wrong = c
        .send(
            "scp",
            Method::GET,
            "/v1/guardrails",
            None,
            &[("scp-api-version", "cloudcontrol 9.9")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.json()["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("header parameter `Scp-Api-Version`"),
        "{:?}",
        wrong.json()
    );

    // Panther and Cloudcraft refuse missing credentials in their own shapes.
    let panther = c
        .send(
            "panther",
            Method::GET,
            "/roles",
            None,
            &[("x-no-auth", "1")],
        )
        .await;
    assert_eq!(
        (panther.status, panther.json()["message"].is_string()),
        (StatusCode::UNAUTHORIZED, true)
    );
    let cloudcraft = c
        .send(
            "cloudcraft",
            Method::GET,
            "/aws/account",
            None,
            &[("x-no-auth", "1")],
        )
        .await;
    assert_eq!(
        (cloudcraft.status, cloudcraft.json()["error"].is_string()),
        (StatusCode::UNAUTHORIZED, true)
    );
}

#[tokio::test]
async fn versions_differ_and_a_missing_version_header_is_refused() {
    let c = Client::new().await;
    let body = json!({"agree_yn": "Y", "sso_type": "ID_CENTER", "audit_account_name": "AUDIT",
        "audit_login_id": "audit@example.com", "log_archive_account_name": "LOG_ARCHIVE",
        "log_archive_login_id": "log@example.com", "basic_ou_name": "Security", "additional_ou_name": "Sandbox",
        "detective_guardrail_status": "ENABLED"});
    let created = c
        .call(
            "scp-cloudcontrol-v1.1",
            "CreateLandingZone",
            Method::POST,
            "/v1/landing-zones",
            Some(body),
            &[("scp-api-version", "cloudcontrol 1.1")],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["landing_zone_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/landing-zones/{id}");
    let v10 = c
        .call(
            "scp-cloudcontrol-v1.0",
            "ShowLandingZone",
            Method::GET,
            &path,
            None,
            &[("scp-api-version", "cloudcontrol 1.0")],
        )
        .await;
    let v11 = c
        .call(
            "scp-cloudcontrol-v1.1",
            "ShowLandingZone",
            Method::GET,
            &path,
            None,
            &[("scp-api-version", "cloudcontrol 1.1")],
        )
        .await;
    // The spec requires the header: a request without it is refused, naming it.
    let unversioned = c.send("scp", Method::GET, &path, None, &[]).await;
    assert_eq!(unversioned.status, StatusCode::BAD_REQUEST);
    assert!(
        unversioned.json()["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("`Scp-Api-Version` is required"),
        "{:?}",
        unversioned.json()
    );
    assert!(v10.json()["landing_zone"]
        .get("detective_guardrail_status")
        .is_none());
    assert_eq!(
        v11.json()["landing_zone"]["detective_guardrail_status"],
        "ENABLED"
    );
    // SetLandingZone exists only in 1.1.
    let set = c
        .send(
            "scp",
            Method::PUT,
            &path,
            Some(json!({"detective_guardrail_status": "DISABLED"})),
            &[("scp-api-version", "cloudcontrol 1.0")],
        )
        .await;
    assert_eq!(set.status, StatusCode::METHOD_NOT_ALLOWED);
    let set = c
        .call(
            "scp-cloudcontrol-v1.1",
            "SetLandingZone",
            Method::PUT,
            &path,
            Some(json!({"detective_guardrail_status": "DISABLED"})),
            &[],
        )
        .await;
    assert_eq!(set.status, StatusCode::OK);
    // A second landing zone conflicts.
    let again = c.call("scp-cloudcontrol-v1.1", "CreateLandingZone", Method::POST, "/v1/landing-zones", Some(json!({"agree_yn": "Y", "sso_type": "ID_CENTER", "audit_account_name": "AUDIT",
        "audit_login_id": "audit@example.com", "log_archive_account_name": "LOG_ARCHIVE",
        "log_archive_login_id": "log@example.com", "basic_ou_name": "Security", "additional_ou_name": "Sandbox",
        "detective_guardrail_status": "ENABLED"})), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn invalid_bodies_are_400_in_each_providers_shape() {
    let c = Client::new().await;
    let panther = c
        .call(
            "panther",
            "aws cloud account#create",
            Method::POST,
            "/cloud-accounts/aws",
            Some(json!({"awsAccountId": "12345", "integrationLabel": "x", "awsScanConfig": {}})),
            &[],
        )
        .await;
    assert_eq!(panther.status, StatusCode::BAD_REQUEST);
    assert!(
        panther.json()["message"]
            .as_str()
            .unwrap()
            .contains("awsAccountId"),
        "{}",
        panther.json()
    );

    let cloudcraft = c
        .call(
            "cloudcraft",
            "createAwsAccount",
            Method::POST,
            "/aws/account",
            Some(json!({"name": "x"})),
            &[],
        )
        .await;
    assert_eq!(cloudcraft.status, StatusCode::BAD_REQUEST);
    assert!(
        cloudcraft.json()["error"]
            .as_str()
            .unwrap()
            .contains("roleArn"),
        "{}",
        cloudcraft.json()
    );

    let scp = c
        .call(
            "scp-cloudcontrol-v1.1",
            "CreateLandingZone",
            Method::POST,
            "/v1/landing-zones",
            Some(json!({"agree_yn": "Y", "audit_login_id": "not-an-email"})),
            &[],
        )
        .await;
    assert_eq!(scp.status, StatusCode::BAD_REQUEST);
    assert_eq!(scp.json()["errors"][0]["status"], 400);
}

/// Panther's resources, served from its spec, keep state across calls: what one call writes the next reads.
#[tokio::test]
async fn panther_resources_round_trip_statefully() {
    let c = Client::new().await;
    let p = |operation: &'static str, method: Method, path: String, body: Option<Value>| {
        let c = &c;
        async move { c.call("panther", operation, method, &path, body, &[]).await }
    };

    // Alerts: filtered by status, paged by `limit` with a cursor, their events nested under them.
    let first = p(
        "alert#list",
        Method::GET,
        "/alerts?status=OPEN&limit=2".into(),
        None,
    )
    .await
    .json();
    let ids = |page: &Value| -> Vec<String> {
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&first),
        ["alert-okta-bruteforce", "alert-okta-bruteforce-2"]
    );
    let cursor = first["next"].as_str().unwrap();
    let second = p(
        "alert#list",
        Method::GET,
        format!("/alerts?status=OPEN&limit=2&cursor={cursor}"),
        None,
    )
    .await
    .json();
    assert_eq!(ids(&second), ["alert-root-login"]);
    assert!(second.get("next").is_none(), "the last page has no cursor");
    let events = p(
        "alert#events",
        Method::GET,
        "/alerts/alert-root-login/events".into(),
        None,
    )
    .await
    .json();
    assert_eq!(events["results"].as_array().map(Vec::len), Some(2));
    let missing = p(
        "alert#events",
        Method::GET,
        "/alerts/nope/events".into(),
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Comments name an existing alert (404 otherwise) and are listed by it.
    let comment = |alert: &str| json!({"alertId": alert, "body": "seen", "format": "PLAIN_TEXT"});
    let refused = p(
        "comment#create",
        Method::POST,
        "/alert-comments".into(),
        Some(comment("nope")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let made = p(
        "comment#create",
        Method::POST,
        "/alert-comments".into(),
        Some(comment("alert-root-login")),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK);
    assert!(made.json()["createdAt"].is_string(), "the server stamps it");
    let listed = p(
        "comment#list",
        Method::GET,
        "/alert-comments?alert-id=alert-root-login".into(),
        None,
    )
    .await
    .json();
    assert_eq!(listed["results"][0]["body"], "seen");

    // One alert patched (200, no body), then a bulk update (204) of several; an unknown id in it is 404.
    let patched = p(
        "alert#patch",
        Method::PATCH,
        "/alerts/alert-root-login".into(),
        Some(json!({"status": "CLOSED"})),
    )
    .await;
    assert_eq!((patched.status, patched.body.len()), (StatusCode::OK, 0));
    let bulk = |ids: Value| Some(json!({"ids": ids, "status": "TRIAGED"}));
    let unknown = p(
        "alert#bulkPatch",
        Method::PATCH,
        "/alerts".into(),
        bulk(json!(["alert-okta-bruteforce", "nope"])),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bulked = p(
        "alert#bulkPatch",
        Method::PATCH,
        "/alerts".into(),
        bulk(json!(["alert-okta-bruteforce", "alert-okta-bruteforce-2"])),
    )
    .await;
    assert_eq!(bulked.status, StatusCode::NO_CONTENT);
    let open = p(
        "alert#list",
        Method::GET,
        "/alerts?status=OPEN".into(),
        None,
    )
    .await
    .json();
    assert_eq!(ids(&open), Vec::<String>::new());
    let closed = p(
        "alert#get",
        Method::GET,
        "/alerts/alert-root-login".into(),
        None,
    )
    .await
    .json();
    assert_eq!(closed["status"], "CLOSED");

    // Rules: a dry run stores nothing (204), a create is 200, a second one 409, a PUT of a new id creates (201).
    let rule = json!({"id": "Walk.Rule", "body": "def rule(e): return True", "severity": "LOW"});
    let dry = p(
        "rule#create",
        Method::POST,
        "/rules?run-tests-only=true".into(),
        Some(rule.clone()),
    )
    .await;
    assert_eq!(dry.status, StatusCode::NO_CONTENT);
    let absent = p("rule#get", Method::GET, "/rules/Walk.Rule".into(), None).await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    let created = p(
        "rule#create",
        Method::POST,
        "/rules".into(),
        Some(rule.clone()),
    )
    .await;
    assert_eq!(
        (created.status, created.json()["severity"].clone()),
        (StatusCode::OK, json!("LOW"))
    );
    let again = p(
        "rule#create",
        Method::POST,
        "/rules".into(),
        Some(rule.clone()),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let put_new = p(
        "rule#put",
        Method::PUT,
        "/rules/Walk.Other".into(),
        Some(rule.clone()),
    )
    .await;
    assert_eq!(put_new.status, StatusCode::CREATED);
    let put_old = p(
        "rule#put",
        Method::PUT,
        "/rules/Walk.Rule".into(),
        Some(json!({"id": "Walk.Rule", "body": "x", "severity": "HIGH"})),
    )
    .await;
    assert_eq!(
        (put_old.status, put_old.json()["severity"].clone()),
        (StatusCode::OK, json!("HIGH"))
    );

    // Globals answer a PUT inside their `{data}` envelope.
    let global = p(
        "global#put",
        Method::PUT,
        "/globals/helpers".into(),
        Some(json!({"body": "def f(): pass"})),
    )
    .await;
    assert_eq!(global.status, StatusCode::CREATED);
    assert_eq!(global.json()["data"]["id"], "helpers");

    // API tokens: rotation gives a new secret value.
    let token = p(
        "api token#create",
        Method::POST,
        "/api-tokens".into(),
        Some(json!({"name": "ci", "permissions": ["AlertRead"]})),
    )
    .await
    .json();
    let token_id = token["id"].as_str().unwrap();
    let rotated = p(
        "api token#rotate",
        Method::POST,
        format!("/api-tokens/{token_id}/rotate"),
        None,
    )
    .await
    .json();
    assert!(rotated["value"]
        .as_str()
        .is_some_and(|v| v.starts_with("sandbox-")));
    assert!(rotated["rotatedAt"].is_string());

    // Context tags: created without a body (201), renamed by PATCH, a taken name is 409.
    let tag = p(
        "contexttag#create",
        Method::POST,
        "/alert-context-tags".into(),
        Some(json!({"tag": "walk"})),
    )
    .await;
    assert_eq!((tag.status, tag.body.len()), (StatusCode::CREATED, 0));
    let taken = p(
        "contexttag#update",
        Method::PATCH,
        "/alert-context-tags/walk".into(),
        Some(json!({"tag": "phishing"})),
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let renamed = p(
        "contexttag#update",
        Method::PATCH,
        "/alert-context-tags/walk".into(),
        Some(json!({"tag": "walked"})),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::NO_CONTENT);
    let tags = p(
        "contexttag#list",
        Method::GET,
        "/alert-context-tags".into(),
        None,
    )
    .await
    .json();
    let tags: Vec<&str> = tags["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["false-positive", "phishing", "walked"]);

    // A log source answers what its schema documents, not whatever else a request carried; its alarm is kept by
    // source and type.
    let source = p(
        "http source#create",
        Method::POST,
        "/log-sources/http".into(),
        Some(json!({
        "integrationLabel": "walk-http", "logTypes": ["Custom.Walk"], "logStreamType": "JSON",
        "authMethod": "Basic", "authUsername": "walker", "note": "not in the schema"})),
    )
    .await;
    assert_eq!(source.status, StatusCode::CREATED);
    assert_eq!(source.json()["authUsername"], "walker");
    assert!(source.json().get("note").is_none());
    let source_id = source.json()["integrationId"].as_str().unwrap().to_string();
    let alarm = format!("/log-source-alarms/{source_id}/SOURCE_NO_DATA");
    let set = p(
        "log source alarm#put",
        Method::PUT,
        alarm.clone(),
        Some(json!({"minutesThreshold": 90})),
    )
    .await;
    assert_eq!(set.json()["minutesThreshold"], 90);
    let got = p("log source alarm#get", Method::GET, alarm.clone(), None)
        .await
        .json();
    assert_eq!(
        (got["type"].clone(), got["minutesThreshold"].clone()),
        (json!("SOURCE_NO_DATA"), json!(90))
    );
    p(
        "log source alarm#delete",
        Method::DELETE,
        alarm.clone(),
        None,
    )
    .await;
    let gone = p("log source alarm#get", Method::GET, alarm, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);

    // Users are listed by the field a filter names.
    let users = p(
        "user#list",
        Method::GET,
        "/users?email=ada@example.com".into(),
        None,
    )
    .await
    .json();
    assert_eq!(users["results"][0]["givenName"], "Ada");
    let nobody = p(
        "user#list",
        Method::GET,
        "/users?email=eve@example.com".into(),
        None,
    )
    .await
    .json();
    assert_eq!(nobody["results"], json!([]));
}

#[tokio::test]
async fn crud_answers_404_for_unknown_ids_and_409_for_duplicates() {
    let c = Client::new().await;
    let account = json!({"awsAccountId": "999988887777", "integrationLabel": "dup-test",
                         "awsScanConfig": {"auditRole": "arn:aws:iam::999988887777:role/Audit"}});
    let first = c
        .call(
            "panther",
            "aws cloud account#create",
            Method::POST,
            "/cloud-accounts/aws",
            Some(account.clone()),
            &[],
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.json()["integrationId"].as_str().unwrap().to_string();
    let again = c
        .call(
            "panther",
            "aws cloud account#create",
            Method::POST,
            "/cloud-accounts/aws",
            Some(account),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let got = c
        .call(
            "panther",
            "aws cloud account#get",
            Method::GET,
            &format!("/cloud-accounts/aws/{id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(got.json()["awsAccountId"], "999988887777");
    let missing = c
        .call(
            "panther",
            "aws cloud account#get",
            Method::GET,
            "/cloud-accounts/aws/nope",
            None,
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let role = c
        .call("panther", "role#get", Method::GET, "/roles/nope", None, &[])
        .await;
    assert_eq!(role.status, StatusCode::NOT_FOUND);
    let roles = c
        .call(
            "panther",
            "role#list",
            Method::GET,
            "/roles?name-contains=ana",
            None,
            &[],
        )
        .await;
    assert_eq!(roles.json()["results"][0]["name"], "Analyst");

    let body = json!({"name": "Staging", "roleArn": "arn:aws:iam::123456789012:role/cloudcraft"});
    let created = c
        .call(
            "cloudcraft",
            "createAwsAccount",
            Method::POST,
            "/aws/account",
            Some(body.clone()),
            &[],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let duplicate = c
        .call(
            "cloudcraft",
            "createAwsAccount",
            Method::POST,
            "/aws/account",
            Some(body),
            &[],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.json()["error"]
        .as_str()
        .unwrap()
        .contains("Staging"));
    let unknown = "6f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";
    let gone = c
        .call(
            "cloudcraft",
            "deleteAwsAccount",
            Method::DELETE,
            &format!("/aws/account/{unknown}"),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    c.call(
        "cloudcraft",
        "listAwsAccounts",
        Method::GET,
        "/aws/account",
        None,
        &[],
    )
    .await;
    c.call(
        "cloudcraft",
        "getAwsIamParameters",
        Method::GET,
        "/aws/account/iamParameters",
        None,
        &[],
    )
    .await;
    let guardrail = c
        .call(
            "scp-cloudcontrol-v1.1",
            "ShowGuardrail",
            Method::GET,
            "/v1/guardrails/nope",
            None,
            &[],
        )
        .await;
    assert_eq!(guardrail.status, StatusCode::NOT_FOUND);
    c.call(
        "scp-cloudcontrol-v1.0",
        "ListGuardrailsForTarget",
        Method::GET,
        "/v1/guardrail-bindings/guardrails?target_id=ou-root",
        None,
        &[("scp-api-version", "cloudcontrol 1.0")],
    )
    .await;
    c.call(
        "scp-cloudcontrol-v1.1",
        "ListTargetsForGuardrail",
        Method::GET,
        "/v1/guardrail-bindings/targets?guardrail_id=gr-region-lock&target_type=OU",
        None,
        &[],
    )
    .await;
}

#[tokio::test]
async fn snapshots_answer_202_first_then_a_real_document_of_the_asked_format() {
    let c = Client::new().await;
    let clouds = [
        (
            "aws",
            "snapshotAwsAccount",
            "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e",
        ),
        (
            "azure",
            "snapshotAzureAccount",
            "d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a",
        ),
    ];
    let formats = [
        ("json", "application/json"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
        ("pdf", "application/pdf"),
        ("mxGraph", "application/xml"),
    ];
    for ((cloud, operation, account), (format, content_type)) in clouds
        .into_iter()
        .flat_map(|c| formats.into_iter().map(move |f| (c, f)))
    {
        let path = format!(
            "/{cloud}/account/{account}/eu-west-1/{format}?width=640&height=480&theme=light"
        );
        let first = c
            .call("cloudcraft", operation, Method::GET, &path, None, &[])
            .await;
        assert_eq!(first.status, StatusCode::ACCEPTED, "{format}");
        assert_eq!(first.json()["code"], "STILL_PROCESSING");
        let second = c
            .call("cloudcraft", operation, Method::GET, &path, None, &[])
            .await;
        assert_eq!(second.status, StatusCode::OK, "{format}");
        assert_eq!(second.content_type, content_type);
        let text = String::from_utf8_lossy(&second.body);
        match format {
            "json" => assert_eq!(second.json()["width"], 640),
            "svg" => assert!(
                text.contains("<svg")
                    && text.contains("width=\"640\"")
                    && text.trim_end().ends_with("</svg>")
            ),
            "png" => {
                assert_eq!(&second.body[..8], b"\x89PNG\r\n\x1a\n");
                assert_eq!(
                    u32::from_be_bytes(second.body[16..20].try_into().unwrap()),
                    640
                );
            }
            "pdf" => {
                assert!(second.body.starts_with(b"%PDF-1.4") && text.trim_end().ends_with("%%EOF"))
            }
            _ => assert!(text.contains("<mxGraphModel>") && text.contains("</mxGraphModel>")),
        }
    }
}

/// A blueprint is versioned by a real `ETag`: a write with a stale `If-Match` is refused with 412 and changes
/// nothing, a current one succeeds and moves the tag; exports are real files of the blueprint's components.
#[tokio::test]
async fn blueprints_are_versioned_and_export_as_real_files() {
    let c = Client::new().await;
    let cc = "cloudcraft";
    let id = "3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c";
    let path = format!("/blueprint/{id}");
    let read = c
        .call(cc, "getBlueprint", Method::GET, &path, None, &[])
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let first = read.etag.clone().expect("an ETag on the read");
    let mut data = read.json()["data"].clone();
    data["name"] = json!("Renamed once");
    let body = json!({"data": data});
    let put = |tag: String, body: Value| {
        let c = &c;
        let path = path.clone();
        async move {
            let headers = [("if-match", tag.as_str())];
            c.call(
                cc,
                "updateBlueprint",
                Method::PUT,
                &path,
                Some(body),
                &headers,
            )
            .await
        }
    };
    let stale = put("\"not-the-current-version\"".into(), body.clone()).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(stale.json()["error"].is_string());
    let unchanged = c
        .call(cc, "getBlueprint", Method::GET, &path, None, &[])
        .await;
    assert_eq!(unchanged.json()["data"]["name"], "Web application");
    assert_eq!(unchanged.etag.as_deref(), Some(first.as_str()));

    let written = put(first.clone(), body.clone()).await;
    assert_eq!(written.status, StatusCode::NO_CONTENT);
    let second = written.etag.expect("an ETag on the write");
    assert_ne!(second, first);
    // The version read before the write is stale now; `*` and a list holding the current tag match.
    assert_eq!(
        put(first.clone(), body.clone()).await.status,
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        put(format!("{first}, {second}"), body.clone()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(put("*".into(), body).await.status, StatusCode::NO_CONTENT);
    let after = c
        .call(cc, "getBlueprint", Method::GET, &path, None, &[])
        .await;
    assert_eq!(after.json()["data"]["name"], "Renamed once");

    // Images of the blueprint's four components, in every format.
    let export = |format: &'static str, query: &'static str| {
        let c = &c;
        async move {
            let path = format!("/blueprint/{id}/{format}{query}");
            c.call(cc, "exportBlueprintImage", Method::GET, &path, None, &[])
                .await
        }
    };
    let png = export(
        "png",
        "?width=320&height=200&scale=1.5&grid=true&transparent=true",
    )
    .await;
    assert_eq!(
        (png.status, png.content_type.as_str()),
        (StatusCode::OK, "image/png")
    );
    assert_eq!(&png.body[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        u32::from_be_bytes(png.body[16..20].try_into().unwrap()),
        320
    );
    let svg = export("svg", "").await;
    let svg = String::from_utf8(svg.body).unwrap();
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("Renamed once") && svg.contains("rds"), "{svg}");
    let pdf = export("pdf", "?landscape=true&paperSize=A4").await;
    assert!(pdf.body.starts_with(b"%PDF-1.4"));
    let mx = String::from_utf8(export("mxGraph", "").await.body).unwrap();
    assert_eq!(mx.matches("vertex=\"1\"").count(), 4, "{mx}");

    // The budget: two m5.large EC2 instances on one line, priced in the asked currency.
    let budget = |format: &'static str, query: &'static str| {
        let c = &c;
        async move {
            let path = format!("/blueprint/{id}/budget/{format}{query}");
            c.call(cc, "exportBlueprintBudget", Method::GET, &path, None, &[])
                .await
        }
    };
    let csv = budget("csv", "?currency=EUR&period=y&rate=stated").await;
    assert_eq!(csv.content_type, "text/csv");
    let csv = String::from_utf8(csv.body).unwrap();
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("category,type,region,count,unitPrice,cost,instanceType,instanceSize")
    );
    assert!(
        csv.lines()
            .any(|r| r.starts_with("Compute,ec2,us-east-1,2,") && r.ends_with(",m5,large")),
        "{csv}"
    );
    let xlsx = budget("xlsx", "").await;
    assert!(xlsx
        .content_type
        .starts_with("application/vnd.openxmlformats"));
    assert_eq!(&xlsx.body[..4], b"PK\x03\x04");
    assert_eq!(&xlsx.body[xlsx.body.len() - 22..][..4], b"PK\x05\x06");

    // Gone once deleted: reads, writes and exports answer 404.
    let deleted = c
        .call(cc, "deleteBlueprint", Method::DELETE, &path, None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = c
        .call(cc, "getBlueprint", Method::GET, &path, None, &[])
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(export("png", "").await.status, StatusCode::NOT_FOUND);
}

/// The team and the user behind the key are the seeded ones; they are what `readAccess` grants and `CreatorId`
/// name.
#[tokio::test]
async fn team_and_user_answer_the_records_behind_the_key() {
    let c = Client::new().await;
    let user = c
        .call(
            "cloudcraft",
            "getCurrentUser",
            Method::GET,
            "/user/me",
            None,
            &[],
        )
        .await;
    assert_eq!(user.status, StatusCode::OK);
    let user = user.json();
    let team = c
        .call("cloudcraft", "listTeams", Method::GET, "/team", None, &[])
        .await
        .json();
    let blueprint = c
        .call(
            "cloudcraft",
            "getBlueprint",
            Method::GET,
            "/blueprint/3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c",
            None,
            &[],
        )
        .await
        .json();
    assert_eq!(blueprint["CreatorId"], user["id"]);
    assert_eq!(
        blueprint["readAccess"][0],
        format!("team/{}", team["id"].as_str().unwrap())
    );
    assert_eq!(team["members"][user["id"].as_str().unwrap()], "admin");
}

/// The example request body the spec attaches to an operation.
fn example_body(spec_name: &str, operation: &str) -> Value {
    let doc = spec(spec_name).raw();
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op["operationId"] == operation)
        .and_then(|op| {
            op.pointer("/requestBody/content/application~1json/example")
                .cloned()
        })
        .unwrap_or_else(|| panic!("{spec_name} {operation}: no request example"))
}

/// Every operation of every spec, on its happy path: each answer is documented and validates against the spec.
#[tokio::test]
async fn every_operation_answers_as_its_spec_says() {
    use std::collections::BTreeSet;
    type Operations = BTreeSet<(String, String)>;
    let c = Client::new().await;
    // Panther and Cloudcraft, walked from their specs alone.
    let mut walked = Vec::new();
    for spec_name in ["panther", "cloudcraft"] {
        let operations = walk_from_spec(&c, spec_name).await;
        walked.extend(operations.into_iter().map(|o| (spec_name.to_string(), o)));
    }
    let mut seen = BTreeSet::new();

    // SCP, every version (1.2 keeps the 1.1 operations)
    for (s, version) in [
        ("scp-cloudcontrol-v1.0", "cloudcontrol 1.0"),
        ("scp-cloudcontrol-v1.1", "cloudcontrol 1.1"),
        ("scp-cloudcontrol-v1.2", "cloudcontrol 1.2"),
    ] {
        let h: &[(&str, &str)] = &[("scp-api-version", version)];
        let v11 = !version.ends_with("1.0");
        seen.insert((s, "ListVersions"));
        let versions = c.call(s, "ListVersions", Method::GET, "/", None, h).await;
        assert_eq!(versions.status, StatusCode::OK);
        // One unit per version: the versions share the sandbox's records.
        let unit = format!(
            "/v1/baseline-assignments/ou-walk-{}",
            version.trim_start_matches("cloudcontrol ").replace('.', "")
        );
        let unit = unit.as_str();
        seen.insert((s, "CreateLandingZone"));
        let zone = c
            .call(
                s,
                "CreateLandingZone",
                Method::POST,
                "/v1/landing-zones",
                Some(example_body(s, "CreateLandingZone")),
                h,
            )
            .await;
        let zone = zone.json()["landing_zone_id"].as_str().unwrap().to_string();
        let zone_path = format!("/v1/landing-zones/{zone}");
        for (op, method, path, body) in [
            ("ShowLandingZone", Method::GET, zone_path.clone(), None),
            (
                "ListGuardrails",
                Method::GET,
                "/v1/guardrails?page=0&size=2".to_string(),
                None,
            ),
            (
                "ShowGuardrail",
                Method::GET,
                "/v1/guardrails/gr-region-lock".to_string(),
                None,
            ),
            (
                "EnableGuardrailBindings",
                Method::POST,
                "/v1/guardrail-bindings".to_string(),
                Some(
                    json!({"guardrail_ids": ["gr-region-lock"], "unit_ids": ["ou-1"], "landing_zone_id": zone}),
                ),
            ),
            (
                "DisableGuardrailBindings",
                Method::DELETE,
                "/v1/guardrail-bindings".to_string(),
                Some(
                    json!({"guardrail_ids": ["gr-region-lock"], "unit_ids": ["ou-1"], "landing_zone_id": zone}),
                ),
            ),
            (
                "ListGuardrailsForTarget",
                Method::GET,
                "/v1/guardrail-bindings/guardrails?target_id=ou-root".to_string(),
                None,
            ),
            (
                "ListTargetsForGuardrail",
                Method::GET,
                "/v1/guardrail-bindings/targets?guardrail_id=gr-region-lock&target_type=OU"
                    .to_string(),
                None,
            ),
            (
                "AddBaselineAssignment",
                Method::POST,
                unit.to_string(),
                Some(
                    json!({"agree_yn": "Y", "landing_zone_id": zone, "parent_unit_id": "ou-root", "resource_type": "OU"}),
                ),
            ),
            (
                "UpdateBaselineAssignment",
                Method::PUT,
                unit.to_string(),
                Some(json!({"landing_zone_id": zone})),
            ),
            (
                "ListBaselineAssignments",
                Method::GET,
                "/v1/baseline-assignments".to_string(),
                None,
            ),
            (
                "CreateAccountFactoryAccount",
                Method::POST,
                "/v1/accounts".to_string(),
                Some(
                    json!({"landing_zone_id": zone, "name": "walk-account", "parent_unit_id": "ou-root"}),
                ),
            ),
        ] {
            seen.insert((s, op));
            let answer = c.call(s, op, method, &path, body, h).await;
            assert!(answer.status.is_success(), "{s} {op}: {}", answer.status);
        }
        if v11 {
            for (op, method, path, body) in [
                (
                    "SetLandingZone",
                    Method::PUT,
                    zone_path.clone(),
                    Some(json!({"detective_guardrail_status": "DISABLED"})),
                ),
                (
                    "RemoveBaselineAssignment",
                    Method::DELETE,
                    unit.to_string(),
                    Some(example_body(s, "RemoveBaselineAssignment")),
                ),
            ] {
                seen.insert((s, op));
                let answer = c.call(s, op, method, &path, body, h).await;
                assert!(answer.status.is_success(), "{s} {op}: {}", answer.status);
            }
        }
        seen.insert((s, "DeleteLandingZone"));
        c.call(s, "DeleteLandingZone", Method::DELETE, &zone_path, None, h)
            .await;
    }
    let expected: Operations = cloud_apis_tests::specs::spec_files()
        .iter()
        .flat_map(|f| {
            cloud_apis_tests::specs::operations(&f.openapi())
                .into_iter()
                .map(|op| (f.name.to_string(), op.operation_id))
        })
        .collect();
    let seen: Operations = seen
        .into_iter()
        .map(|(s, o)| (s.to_string(), o.to_string()))
        .chain(walked)
        .collect();
    assert_eq!(
        seen, expected,
        "every operation of every spec was exercised"
    );
}

/// Walks every operation of a spec on its happy path, knowing nothing but the spec: lists first (they teach the
/// walk the ids of existing records), then creates (bodies made from the request schemas, a field with an id mark
/// naming a known record of another collection), then changes and actions, then reads, then deletes. Path
/// parameters name what was learned for their collection (by id mark, else by name), else a value made from their
/// schema. Every answer must be a documented success. Returns the operations walked.
async fn walk_from_spec(c: &Client, spec_name: &str) -> Vec<String> {
    use cloud_apis_spec::conformance::Spec;
    use cloud_apis_spec::example::Examples;
    use cloud_apis_spec::resolve;
    use std::cell::RefCell;
    use std::collections::HashMap;

    let doc = spec(spec_name).raw();
    let checked = Spec::new(doc.clone());
    // (collection, id mark or property name) -> a value seen there; and id mark -> any value seen.
    let learned: RefCell<HashMap<(String, String), String>> = RefCell::default();
    let by_mark: RefCell<HashMap<String, String>> = RefCell::default();
    let collection_of =
        |template: &str| template.split("/{").next().unwrap_or_default().to_string();
    let learn = |collection: &str, schema: &Value, value: &Value| {
        let schema = resolve(&doc, schema);
        // A page (one array, other fields only text such as a cursor) teaches the ids of its first record.
        let properties = schema["properties"].as_object();
        let (lists, others): (Vec<_>, Vec<_>) = properties
            .into_iter()
            .flatten()
            .partition(|(_, p)| resolve(&doc, p)["type"] == "array");
        let page = others
            .iter()
            .all(|(_, p)| resolve(&doc, p)["type"] == "string");
        let (schema, value) = match lists.as_slice() {
            [(name, list)] if page && value[name.as_str()].is_array() => (
                resolve(&doc, &resolve(&doc, list)["items"]),
                &value[name.as_str()][0],
            ),
            _ => (schema, value),
        };
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            let Some(text) = value[name].as_str() else {
                continue;
            };
            let mark = resolve(&doc, property)["x-cloud-apis-id"].as_str();
            if let Some(mark) = mark {
                by_mark
                    .borrow_mut()
                    .insert(mark.to_string(), text.to_string());
            }
            let slot = mark.unwrap_or(name).to_string();
            learned
                .borrow_mut()
                .insert((collection.to_string(), slot), text.to_string());
        }
    };
    let mut operations: Vec<(u8, String, String, Value)> = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let item_path = template.contains('{');
            let phase = match (method.as_str(), item_path) {
                ("get", false) => 0,
                ("post", false) => 1,
                ("get", true) => 3,
                ("delete", _) => 4,
                _ => 2,
            };
            operations.push((phase, template.clone(), method.clone(), op.clone()));
        }
    }
    operations.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
    let mut walked = Vec::new();
    for (_, template, method, op) in operations {
        let collection = collection_of(&template);
        let own_mark = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(t, _)| t.starts_with(&format!("{collection}/{{")))
            .flat_map(|(_, item)| item.as_object().unwrap().values())
            .flat_map(|op| op["parameters"].as_array().into_iter().flatten())
            .find_map(|p| {
                resolve(&doc, p)["schema"]["x-cloud-apis-id"]
                    .as_str()
                    .map(str::to_string)
            });
        // Marked fields name known records of other collections; the collection's own key is made fresh.
        let fill = |_: Option<&str>, schema: &Value| {
            let mark = schema["x-cloud-apis-id"].as_str()?;
            (Some(mark) != own_mark.as_deref())
                .then(|| by_mark.borrow().get(mark).cloned().map(Value::String))
                .flatten()
        };
        let examples = Examples::new(&checked, &fill);
        let known = |name: &str, schema: &Value| {
            let slot = schema["x-cloud-apis-id"]
                .as_str()
                .unwrap_or(name)
                .to_string();
            learned
                .borrow()
                .get(&(collection.clone(), slot))
                .cloned()
                .unwrap_or_else(|| {
                    let made = examples.make(schema);
                    made.as_str()
                        .map_or_else(|| made.to_string(), str::to_string)
                })
        };
        let mut path = template.clone();
        let mut query = Vec::new();
        for parameter in op["parameters"].as_array().into_iter().flatten() {
            let parameter = resolve(&doc, parameter);
            let name = parameter["name"].as_str().unwrap();
            match parameter["in"].as_str() {
                Some("path") => {
                    path = path.replace(&format!("{{{name}}}"), &known(name, &parameter["schema"]));
                }
                Some("query") if parameter["required"] == true => {
                    query.push(format!("{name}={}", known(name, &parameter["schema"])));
                }
                _ => {}
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let body_schema = op.pointer("/requestBody/content/application~1json/schema");
        let body = body_schema.map(|schema| examples.make(schema));
        if let (Some(schema), Some(body)) = (body_schema, &body) {
            learn(&collection, schema, body);
        }
        let operation = op["operationId"].as_str().unwrap().to_string();
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
        let answer = c
            .call(spec_name, &operation, method, &path, body, &[])
            .await;
        assert!(
            answer.status.is_success(),
            "{operation} {path}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        let status = answer.status.as_str().to_string();
        let schema = op["responses"][&status].pointer("/content/application~1json/schema");
        if let (Some(schema), false) = (schema, answer.body.is_empty()) {
            learn(&collection, schema, &answer.json());
        }
        walked.push(operation);
    }
    walked
}

#[tokio::test]
async fn parameters_are_validated_against_the_spec_for_every_operation() {
    let c = Client::new().await;
    let account = "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";
    let snapshot = |query: &str| format!("/aws/account/{account}/us-east-1/png?{query}");
    /// Spec, operation, method, path and query, extra headers, the parameter the refusal must name.
    type Case<'a> = (
        &'a str,
        &'a str,
        Method,
        String,
        &'a [(&'a str, &'a str)],
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "panther",
            "role#list",
            Method::GET,
            "/roles?sort-dir=bogus".into(),
            &[],
            "sort-dir",
        ),
        (
            "scp-cloudcontrol-v1.1",
            "ListGuardrails",
            Method::GET,
            "/v1/guardrails?size=AAA".into(),
            &[],
            "size",
        ),
        (
            "scp-cloudcontrol-v1.1",
            "ListGuardrails",
            Method::GET,
            "/v1/guardrails?size=-5".into(),
            &[],
            "size",
        ),
        (
            "scp-cloudcontrol-v1.1",
            "ListGuardrails",
            Method::GET,
            "/v1/guardrails?page=-1".into(),
            &[],
            "page",
        ),
        (
            "scp-cloudcontrol-v1.1",
            "ListBaselineAssignments",
            Method::GET,
            "/v1/baseline-assignments?status=AAA".into(),
            &[],
            "status",
        ),
        (
            "scp-cloudcontrol-v1.1",
            "ListGuardrails",
            Method::GET,
            "/v1/guardrails".into(),
            &[("accept-language", "xx-XX")],
            "Accept-Language",
        ),
        (
            "cloudcraft",
            "snapshotAwsAccount",
            Method::GET,
            snapshot("width=null"),
            &[],
            "width",
        ),
        (
            "cloudcraft",
            "snapshotAwsAccount",
            Method::GET,
            snapshot("label=maybe"),
            &[],
            "label",
        ),
        (
            "cloudcraft",
            "snapshotAwsAccount",
            Method::GET,
            snapshot("theme=bogus"),
            &[],
            "theme",
        ),
        (
            "cloudcraft",
            "snapshotAwsAccount",
            Method::GET,
            snapshot("scale=abc"),
            &[],
            "scale",
        ),
    ];
    for (spec_name, operation, method, path, headers, parameter) in cases {
        let answer = c
            .call(spec_name, operation, method, &path, None, headers)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        let body = answer.json();
        let message = body["message"]
            .as_str()
            .or(body["error"].as_str())
            .or(body["errors"][0]["detail"].as_str())
            .unwrap_or_else(|| panic!("{path}: no message in the provider's shape: {body}"));
        assert!(
            message.contains(&format!("`{parameter}`")),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn an_overflowing_page_is_refused_and_the_sandbox_keeps_serving() {
    let c = Client::new().await;
    for query in [
        "page=9223372036854775807&size=20",
        "page=3&size=9223372036854775807",
    ] {
        let answer = c
            .call(
                "scp-cloudcontrol-v1.1",
                "ListGuardrails",
                Method::GET,
                &format!("/v1/guardrails?{query}"),
                None,
                &[],
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.json()["errors"][0]["status"], 400);
    }
    // Every provider still serves data afterwards.
    let guardrails = c
        .call(
            "scp-cloudcontrol-v1.1",
            "ListGuardrails",
            Method::GET,
            "/v1/guardrails?page=0&size=2",
            None,
            &[],
        )
        .await;
    assert_eq!(
        guardrails.json()["guardrails"].as_array().map(Vec::len),
        Some(2)
    );
    let roles = c
        .call("panther", "role#list", Method::GET, "/roles", None, &[])
        .await;
    assert_eq!(roles.status, StatusCode::OK);
    let accounts = c
        .call(
            "cloudcraft",
            "listAwsAccounts",
            Method::GET,
            "/aws/account",
            None,
            &[],
        )
        .await;
    assert_eq!(accounts.status, StatusCode::OK);
}

#[tokio::test]
async fn a_landing_zone_takes_any_status_string_and_shows_only_one_it_can_have() {
    let c = Client::new().await;
    let created = c
        .call(
            "scp-cloudcontrol-v1.1",
            "CreateLandingZone",
            Method::POST,
            "/v1/landing-zones",
            Some(example_body("scp-cloudcontrol-v1.1", "CreateLandingZone")),
            &[],
        )
        .await;
    let path = format!(
        "/v1/landing-zones/{}",
        created.json()["landing_zone_id"].as_str().unwrap()
    );
    // The request's status is any string (as the spec says): accepted, but one a landing zone cannot show leaves
    // the status as it was.
    for (sent, shown) in [
        ("", "ENABLED"),
        ("BOGUS", "ENABLED"),
        ("DISABLED", "DISABLED"),
        ("enabled", "DISABLED"),
    ] {
        let set = c
            .call(
                "scp-cloudcontrol-v1.1",
                "SetLandingZone",
                Method::PUT,
                &path,
                Some(json!({ "detective_guardrail_status": sent })),
                &[],
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{sent:?}");
        assert!(set.json()["job_id"].is_string());
        let zone = c
            .call(
                "scp-cloudcontrol-v1.1",
                "ShowLandingZone",
                Method::GET,
                &path,
                None,
                &[],
            )
            .await
            .json();
        assert_eq!(
            zone["landing_zone"]["detective_guardrail_status"], shown,
            "after {sent:?}"
        );
    }
}

#[tokio::test]
async fn a_body_in_an_undocumented_media_type_is_415_for_every_provider() {
    let c = Client::new().await;
    let cases = [
        ("panther", "/roles", Method::POST),
        ("cloudcraft", "/blueprint", Method::POST),
        ("scp", "/v1/landing-zones", Method::POST),
    ];
    for (provider, path, method) in cases {
        let answer = c
            .send_raw(
                provider,
                method,
                path,
                "text/plain",
                b"{\"name\": \"plain\"}".to_vec(),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{provider}"
        );
        let body = answer.json();
        let message = match provider {
            "panther" => body["message"].as_str(),
            "cloudcraft" => body["error"].as_str(),
            _ => body["errors"][0]["detail"].as_str(),
        }
        .unwrap_or_default()
        .to_string();
        assert!(
            message.contains("application/json") && message.contains("text/plain"),
            "{provider}: {message}"
        );
    }
    // Nothing was created.
    let roles = c
        .call("panther", "role#list", Method::GET, "/roles", None, &[])
        .await
        .json();
    let names: Vec<&str> = roles["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(!names.contains(&"plain"), "{names:?}");
    // The documented media type, with parameters, is still taken.
    let answer = c
        .send_raw(
            "panther",
            Method::POST,
            "/roles",
            "application/json; charset=utf-8",
            serde_json::to_vec(&json!({"name": "json-role", "permissions": ["AlertRead"]}))
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn huge_role_names_never_make_the_sandbox_answer_500() {
    let c = Client::new().await;
    // A role named `<i>` then `size` times `fill`: what creating it answers.
    let create = |i: usize, fill: &str, size: usize| {
        let name = format!("{i}{}", fill.repeat(size));
        let c = &c;
        async move {
            c.call(
                "panther",
                "role#create",
                Method::POST,
                "/roles",
                Some(json!({"name": name, "permissions": ["AlertRead"]})),
                &[],
            )
            .await
        }
    };
    for i in 0..2 {
        let answer = create(i, "n", 10 * 1024 * 1024).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "role {i}");
        assert!(
            answer.json()["message"]
                .as_str()
                .is_some_and(|m| m.contains("limit")),
            "{:?}",
            answer.json()
        );
    }
    // The largest bodies the sandbox takes, stored twice, still list.
    for i in 0..2 {
        let answer = create(i, "m", 1000 * 1000).await;
        assert_eq!(answer.status, StatusCode::OK, "role {i}");
    }
    let roles = c
        .call(
            "panther",
            "role#list",
            Method::GET,
            "/roles?limit=50",
            None,
            &[],
        )
        .await;
    assert_eq!(roles.status, StatusCode::OK);
    let long = roles.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"].as_str().is_some_and(|n| n.len() > 1000 * 1000))
        .count();
    assert_eq!(long, 2);
}

#[tokio::test]
async fn put_replaces_what_it_names_and_patch_merges() {
    let c = Client::new().await;
    // A Cloudcraft blueprint shared with a team, then written with PUT without its grants: they are gone.
    let created = c
        .call(
            "cloudcraft",
            "createBlueprint",
            Method::POST,
            "/blueprint",
            Some(json!({"name": "shared", "data": {"name": "shared", "grid": "standard"},
                        "readAccess": ["team/5d0c1f5e-8a7b-4c3d-9e2f-1a2b3c4d5e6f"], "tags": ["prod"]})),
            &[],
        )
        .await;
    let id = created.json()["id"].as_str().unwrap().to_string();
    let path = format!("/blueprint/{id}");
    let before = c
        .call("cloudcraft", "getBlueprint", Method::GET, &path, None, &[])
        .await
        .json();
    assert_eq!(
        before["readAccess"],
        json!(["team/5d0c1f5e-8a7b-4c3d-9e2f-1a2b3c4d5e6f"])
    );
    let put = c
        .call(
            "cloudcraft",
            "updateBlueprint",
            Method::PUT,
            &format!("/blueprint/{id}"),
            Some(json!({"data": {"name": "renamed", "grid": "infinite"}})),
            &[],
        )
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    let after = c
        .call("cloudcraft", "getBlueprint", Method::GET, &path, None, &[])
        .await
        .json();
    assert!(after["readAccess"].is_null(), "{after}");
    assert!(after["tags"].is_null(), "{after}");
    assert!(after.get("name").is_none(), "{after}");
    assert_eq!(after["data"]["name"], "renamed");
    // What the server owns stays: the id, the creator, when it was created.
    assert_eq!(after["id"], id.as_str());
    assert_eq!(after["createdAt"], before["createdAt"]);
    assert_eq!(after["CreatorId"], before["CreatorId"]);

    // Panther: PUT a rule without its description: gone. PATCH an alert's status: its title stays.
    let rule = json!({"id": "put-replaces", "enabled": true, "logTypes": ["AWS.CloudTrail"], "severity": "LOW",
                      "body": "def rule(e): return True", "description": "first"});
    let mut without = rule.clone();
    without.as_object_mut().unwrap().remove("description");
    let mut replaced = Value::Null;
    for body in [rule, without] {
        replaced = c
            .call(
                "panther",
                "rule#put",
                Method::PUT,
                "/rules/put-replaces",
                Some(body),
                &[],
            )
            .await
            .json();
    }
    assert!(replaced.get("description").is_none(), "{replaced}");
    assert_eq!(replaced["severity"], "LOW");

    let alerts = c
        .call("panther", "alert#list", Method::GET, "/alerts", None, &[])
        .await
        .json();
    let alert = &alerts["results"][0];
    let alert_id = alert["id"].as_str().unwrap();
    let path = format!("/alerts/{alert_id}");
    let patch = c
        .call(
            "panther",
            "alert#patch",
            Method::PATCH,
            &path,
            Some(json!({"status": "TRIAGED"})),
            &[],
        )
        .await;
    assert_eq!(patch.status, StatusCode::OK);
    let patched = c
        .call("panther", "alert#get", Method::GET, &path, None, &[])
        .await
        .json();
    assert_eq!(patched["status"], "TRIAGED");
    assert_eq!(patched["title"], alert["title"]);
}

/// The specs make `Scp-AccountId` optional (a security alternative without it): a request signed over an empty
/// account id with no such header is accepted, and one whose header names an account the signature did not cover
/// is refused.
#[tokio::test]
async fn scp_requests_without_an_account_id_header_are_signed_over_an_empty_one() {
    use scp_cloudcontrol_client::signature::{sign, SignatureInput};
    let c = Client::new().await;
    let url = format!("{}/v1/guardrails?page=0&size=2", c.sandbox.scp_url());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let signature = sign(
        &SignatureInput {
            method: "GET",
            url: &url,
            timestamp_ms: now,
            access_key: SCP_ACCESS_KEY,
            account_id: "",
        },
        SCP_SECRET_KEY.as_bytes(),
    );
    let request = |account: Option<&str>| {
        let mut request = c
            .http
            .get(&url)
            .header("Scp-AccessKey", SCP_ACCESS_KEY)
            .header("Scp-Timestamp", now.to_string())
            .header("Scp-ClientType", "Openapi")
            .header("Scp-Signature", &signature)
            .header("Scp-Api-Version", "cloudcontrol 1.2");
        if let Some(account) = account {
            request = request.header("Scp-AccountId", account);
        }
        request.send()
    };
    let without = request(None).await.unwrap();
    assert_eq!(without.status(), StatusCode::OK);
    let listed: Value = without.json().await.unwrap();
    assert_eq!(listed["guardrails"].as_array().map(Vec::len), Some(2));
    assert_eq!(request(Some("")).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        request(Some("another-account")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}
