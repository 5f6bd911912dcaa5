//! The contract harness: calls one operation through the facade against an httpmock server and checks the
//! request and the decoded responses against what the spec says, for every documented response.
//!
//! Each contract (see `tests/tests/contracts.rs`) is only the call: which builder methods take which spec
//! parameters. Everything checked is derived from the spec: the method and path, the query string, the headers
//! the provider requires, the request body's schema, and one response per documented status (the spec's example,
//! or a generated schema-valid instance) decoded into the right typed success or typed error.

use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cloud_apis::cloudcraft::CloudcraftConfig;
use cloud_apis::panther::PantherConfig;
use cloud_apis::scp::{Environment, ScpConfig};
use cloud_apis::{HttpOptions, RetryPolicy};
use futures::StreamExt;
use httpmock::{HttpMockRequest, MockServer};
use progenitor_client::{ByteStream, ResponseValue};
use scp_cloudcontrol_client::signature::{sign, SignatureInput};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::instance::{with_defaults, Generator, Mode};
use crate::json_schema::DocumentValidator;
use crate::refs::resolve;
use crate::specs::spec;

/// Credentials the contract clients use.
pub const PANTHER_TOKEN: &str = "contract-panther-token";
/// A well-formed Cloudcraft key.
pub const CLOUDCRAFT_KEY: &str = "Q29udHJhY3RUZXN0S2V5Q29udHJhY3RUZXN0S2V5MDE=";
/// SCP access key.
pub const SCP_ACCESS_KEY: &str = "contract-access-key";
/// SCP secret key.
pub const SCP_SECRET_KEY: &str = "contract-secret-key";
/// SCP account id.
pub const SCP_ACCOUNT_ID: &str = "contract-account";
const NOW_MS: u64 = 1_700_000_000_000;

fn fixed_clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(NOW_MS)
}

/// One facade client per spec, all aimed at the same mock server, without retries (a documented 429 or 503 must
/// come back as is).
pub struct Clients {
    /// Panther.
    pub panther: cloud_apis::panther::Client,
    /// Cloudcraft.
    pub cloudcraft: cloud_apis::cloudcraft::Client,
    /// SCP Cloud Control 1.0.
    pub scp_v1_0: scp_cloudcontrol_client::v1_0::Client,
    /// SCP Cloud Control 1.1.
    pub scp_v1_1: scp_cloudcontrol_client::v1_1::Client,
    pub scp_v1_2: scp_cloudcontrol_client::v1_2::Client,
}

/// Where [`Clients`] send their requests, and with which credentials.
pub struct Target<'a> {
    /// Panther's base URL.
    pub panther_url: &'a str,
    /// Panther's API token.
    pub panther_token: &'a str,
    /// Cloudcraft's base URL (`http://host:port`).
    pub cloudcraft_url: &'a str,
    /// Cloudcraft's API key.
    pub cloudcraft_key: &'a str,
    /// SCP's base URL.
    pub scp_url: &'a str,
    /// SCP's access key.
    pub scp_access_key: &'a str,
    /// SCP's secret key.
    pub scp_secret_key: &'a str,
    /// The clock SCP signatures are timed by.
    pub clock: fn() -> SystemTime,
}

impl Clients {
    fn new(server: &MockServer) -> Self {
        let url = server.base_url();
        Self::at(&Target {
            panther_url: &url,
            panther_token: PANTHER_TOKEN,
            cloudcraft_url: &url,
            cloudcraft_key: CLOUDCRAFT_KEY,
            scp_url: &url,
            scp_access_key: SCP_ACCESS_KEY,
            scp_secret_key: SCP_SECRET_KEY,
            clock: fixed_clock,
        })
    }

    /// Clients for `target` (a running sandbox, say), without retries.
    pub fn at(target: &Target<'_>) -> Self {
        let http = HttpOptions::default().retry(RetryPolicy::disabled());
        let cloudcraft = reqwest::Url::parse(target.cloudcraft_url).unwrap();
        let scp = ScpConfig::new(
            target.scp_access_key,
            target.scp_secret_key,
            Environment::Samsung,
        )
        .account_id(SCP_ACCOUNT_ID)
        .base_url(target.scp_url)
        .clock(target.clock)
        .http(http.clone());
        #[allow(deprecated)]
        let (scp_v1_0, scp_v1_1) = (
            scp.cloudcontrol_v1_0().unwrap(),
            scp.cloudcontrol_v1_1().unwrap(),
        );
        Self {
            panther: PantherConfig::new(target.panther_url, target.panther_token)
                .http(http.clone())
                .build()
                .unwrap(),
            cloudcraft: CloudcraftConfig::new(target.cloudcraft_key)
                .protocol("http")
                .host(cloudcraft.host_str().unwrap())
                .port(cloudcraft.port().unwrap())
                .http(http)
                .build()
                .unwrap(),
            scp_v1_0,
            scp_v1_1,
            scp_v1_2: scp.cloudcontrol_v1_2().unwrap(),
        }
    }
}

/// Calls `contract` once, with its spec-made case, through `clients` (aimed at a real server such as the sandbox),
/// and checks what any server must give: a documented status, decoded into the generated types (the success type,
/// or the documented error type). Returns the status.
pub async fn call_once(clients: &Clients, contract: &Contract) -> Result<u16, String> {
    let doc = spec(contract.spec).raw();
    let (_, _, op) = find_operation(&doc, contract.operation_id);
    let case = case_for(&doc, op);
    let documented = |status: u16| op["responses"].get(status.to_string()).is_some();
    let label = format!("{} {}", contract.spec, contract.operation_id);
    match (contract.call)(clients, &case).await {
        Outcome::Json(status, _) | Outcome::Bytes(status, _) if documented(status) => Ok(status),
        Outcome::Failure { typed: true, error } => match error.status().map(|s| s.as_u16()) {
            Some(status) if documented(status) => Ok(status),
            _ => Err(format!("{label}: {error}")),
        },
        other => Err(format!("{label}: {other:?}")),
    }
}

/// The arguments of one call, derived from the spec: every parameter's value and the request body.
#[derive(Debug, Clone, Default)]
pub struct Case {
    params: BTreeMap<String, Value>,
    body: Option<Value>,
}

impl Case {
    fn param(&self, name: &str) -> &Value {
        self.params
            .get(name)
            .unwrap_or_else(|| panic!("the spec has no parameter {name:?} here"))
    }

    /// A parameter as a string.
    pub fn str(&self, name: &str) -> String {
        match self.param(name) {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// An array-of-strings parameter.
    pub fn strings(&self, name: &str) -> Vec<String> {
        serde_json::from_value(self.param(name).clone()).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// An array parameter whose items the client parses (`Vec<T>` of enums or constrained strings).
    pub fn list<T>(&self, name: &str) -> SpecList<T> {
        let items = match self.param(name) {
            Value::Array(items) => items.iter().map(rendered).collect(),
            other => vec![rendered(other)],
        };
        SpecList(items, PhantomData)
    }

    /// A string parameter for an open enum.
    pub fn text<T>(&self, name: &str) -> SpecStr<T> {
        SpecStr(self.str(name), PhantomData)
    }

    /// A parameter decoded into the setter's own type (numbers, booleans, UUIDs).
    pub fn value<T: DeserializeOwned>(&self, name: &str) -> T {
        serde_json::from_value(self.param(name).clone()).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The request body, for the builder's `.body(...)`: the builder converts it into the operation's typed
    /// request, so a body that breaks the schema is refused by the client, before anything is sent.
    pub fn body<T>(&self) -> SpecBody<T> {
        SpecBody(
            self.body.clone().expect("the operation has a request body"),
            PhantomData,
        )
    }
}

/// A request body as JSON, convertible into the typed request `T` (the conversion names the field at fault).
pub struct SpecBody<T>(Value, PhantomData<T>);

fn decode<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.into_inner().to_string()
        } else {
            format!("{path}: {}", e.into_inner())
        }
    })
}

/// `TryFrom<SpecBody<T>> for T` for every request body type (the orphan rule wants them one by one); the
/// generated cases list them.
macro_rules! spec_bodies {
    ($($ty:ty),* $(,)?) => {
        $(impl TryFrom<$crate::contract::SpecBody<$ty>> for $ty {
            type Error = String;
            fn try_from(body: $crate::contract::SpecBody<$ty>) -> Result<Self, String> {
                $crate::contract::decode_body(body)
            }
        })*
    };
}
pub(crate) use spec_bodies;

/// Decodes a spec body into its typed request, naming the field at fault.
pub fn decode_body<T: DeserializeOwned>(body: SpecBody<T>) -> Result<T, String> {
    decode(body.0)
}

/// An array parameter's items as strings, convertible into the setter's `Vec<T>` item by item (each parsed as
/// the client would parse it, so an undocumented value is refused by the client, before sending).
pub struct SpecList<T>(Vec<String>, PhantomData<T>);

impl<T: std::str::FromStr> TryFrom<SpecList<T>> for Vec<T>
where
    T::Err: std::fmt::Display,
{
    type Error = String;
    fn try_from(list: SpecList<T>) -> Result<Self, String> {
        list.0
            .iter()
            .map(|item| item.parse().map_err(|e| format!("{item:?}: {e}")))
            .collect()
    }
}

/// A string parameter for an open enum (`cloud_apis::Open<T>`), parsed as the client parses it: documented values
/// only, so an undocumented one is refused before sending.
pub struct SpecStr<T>(String, PhantomData<T>);

impl<T: std::str::FromStr> TryFrom<SpecStr<T>> for cloud_apis::Open<T>
where
    T::Err: std::fmt::Display,
{
    type Error = String;
    fn try_from(text: SpecStr<T>) -> Result<Self, String> {
        text.0.parse().map_err(|e| format!("{:?}: {e}", text.0))
    }
}

/// A round trip of JSON through one generated type.
pub type RoundTrip = fn(Value) -> Result<Value, String>;

/// JSON → `T` → JSON.
pub fn roundtrip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(typed).map_err(|e| format!("encode: {e}"))
}

/// What the client made of a response.
#[derive(Debug)]
pub enum Outcome {
    /// A typed success, re-serialized (`Null` for no content).
    Json(u16, Value),
    /// A raw success body.
    Bytes(u16, Vec<u8>),
    /// A failure; `typed` when progenitor decoded it as a documented error response.
    Failure {
        /// Decoded as the spec's error response (not an unexpected status or an undecodable body).
        typed: bool,
        /// The facade's error.
        error: Box<cloud_apis::Error>,
    },
}

fn failure(error: cloud_apis::Error) -> Outcome {
    Outcome::Failure {
        typed: error.body_type().is_some(),
        error: Box::new(error),
    }
}

/// The outcome of a typed call.
pub fn json<T: Serialize>(result: Result<ResponseValue<T>, cloud_apis::Error>) -> Outcome {
    match result {
        Ok(value) => {
            let status = value.status().as_u16();
            Outcome::Json(
                status,
                serde_json::to_value(value.into_inner()).expect("typed values serialize"),
            )
        }
        Err(e) => failure(e),
    }
}

/// The outcome of a call answering a byte stream.
pub async fn bytes(result: Result<ResponseValue<ByteStream>, cloud_apis::Error>) -> Outcome {
    match result {
        Ok(value) => {
            let status = value.status().as_u16();
            let mut stream = value.into_inner().into_inner();
            let mut out = Vec::new();
            while let Some(chunk) = stream.next().await {
                out.extend_from_slice(&chunk.expect("body chunk"));
            }
            Outcome::Bytes(status, out)
        }
        Err(e) => failure(e),
    }
}

/// A future returned by a contract's call.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;
/// A contract's call: one operation, its arguments taken from the case.
pub type Call = for<'a> fn(&'a Clients, &'a Case) -> CallFuture<'a>;

/// One operation's contract.
pub struct Contract {
    /// Spec short name (`panther`, `scp-cloudcontrol-v1.1`, ...).
    pub spec: &'static str,
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// How to call it.
    pub call: Call,
}

/// What a contract run checked.
#[derive(Debug, Default)]
pub struct Report {
    /// Responses exercised (one per documented status and media type).
    pub responses: usize,
    /// Individual assertions that held.
    pub checks: usize,
    /// Assertions that failed.
    pub failures: Vec<String>,
}

impl Report {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if ok {
            self.checks += 1;
        } else {
            self.failures.push(what());
        }
    }
}

/// The operation object, its path and method.
fn find_operation<'a>(doc: &'a Value, operation_id: &str) -> (&'a str, &'a str, &'a Value) {
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                return (path, method, op);
            }
        }
    }
    panic!("no operation {operation_id:?}");
}

/// Every parameter of the operation, resolved.
fn parameters<'a>(doc: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(doc, p))
        .collect()
}

/// The spec's value for a parameter: its example, its schema's, or a generated one.
fn parameter_value(doc: &Value, param: &Value) -> Value {
    if let Some(example) = param.get("example") {
        return example.clone();
    }
    Generator::new(doc, Mode::Examples, 1).instance(&param["schema"])
}

/// The case for an operation: every parameter (the version header excepted: the runtime pins it) and the body.
fn case_for(doc: &Value, op: &Value) -> Case {
    let mut case = Case::default();
    for param in parameters(doc, op) {
        let name = param["name"].as_str().unwrap();
        if name.eq_ignore_ascii_case("Scp-Api-Version") {
            continue;
        }
        case.params
            .insert(name.to_string(), parameter_value(doc, param));
    }
    if let Some(media) = op.pointer("/requestBody/content/application~1json") {
        let body = media
            .get("example")
            .cloned()
            .unwrap_or_else(|| Generator::new(doc, Mode::Examples, 2).instance(&media["schema"]));
        case.body = Some(body);
    }
    case
}

/// A parameter value as it appears in a URL.
fn rendered(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The query pairs the spec says this case sends: arrays as repeated keys unless `explode: false`.
fn expected_query(doc: &Value, op: &Value, case: &Case) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for param in parameters(doc, op)
        .into_iter()
        .filter(|p| p["in"] == "query")
    {
        let name = param["name"].as_str().unwrap();
        match case.params.get(name) {
            Some(Value::Array(items)) if param.get("explode") == Some(&json!(false)) => {
                pairs.push((
                    name.to_string(),
                    items.iter().map(rendered).collect::<Vec<_>>().join(","),
                ));
            }
            Some(Value::Array(items)) => {
                pairs.extend(items.iter().map(|i| (name.to_string(), rendered(i))))
            }
            Some(value) => pairs.push((name.to_string(), rendered(value))),
            None => {}
        }
    }
    pairs.sort();
    pairs
}

fn expected_path(template: &str, case: &Case) -> String {
    let mut path = template.to_string();
    for (name, value) in &case.params {
        let encoded: String = url_escape(&rendered(value));
        path = path.replace(&format!("{{{name}}}"), &encoded);
    }
    path
}

/// Percent-encoding of a path segment (RFC 3986 unreserved characters stay).
fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The URL the server received (httpmock reports absolute or origin-form URIs).
fn wire_url(request: &HttpMockRequest, server: &MockServer) -> String {
    let uri = request.uri_str();
    if uri.starts_with("http://") || uri.starts_with("https://") {
        uri.to_string()
    } else {
        format!("{}{uri}", server.base_url())
    }
}

fn header<'a>(request: &'a HttpMockRequest, name: &str) -> Option<&'a str> {
    request
        .headers_vec()
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One response to serve: status, content type, body bytes, and the JSON schema when the body is JSON.
type Served = (u16, Option<String>, Vec<u8>, Option<Value>);

/// The responses to serve, one per documented status and media type.
fn responses(doc: &Value, op: &Value) -> Vec<Served> {
    let mut out = Vec::new();
    for (status, response) in op["responses"].as_object().unwrap() {
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        let response = resolve(doc, response);
        match response.get("content").and_then(Value::as_object) {
            None => out.push((code, None, Vec::new(), None)),
            Some(content) => {
                for (media, media_obj) in content {
                    if cloud_apis_spec::media::is_json(media) {
                        let value = media_obj.get("example").cloned().unwrap_or_else(|| {
                            Generator::new(doc, Mode::Examples, u64::from(code))
                                .instance(&media_obj["schema"])
                        });
                        out.push((
                            code,
                            Some(media.clone()),
                            value.to_string().into_bytes(),
                            Some(media_obj["schema"].clone()),
                        ));
                    } else {
                        let bytes = format!("{media} document for status {code}").into_bytes();
                        out.push((code, Some(media.clone()), bytes, None));
                    }
                }
            }
        }
    }
    out
}

/// Runs one contract: for every documented response, one call, with the request and the outcome checked.
pub async fn run(contract: &Contract) -> Report {
    let file = spec(contract.spec);
    let doc = file.raw();
    let validator = DocumentValidator::new(&doc);
    let (template, method, op) = find_operation(&doc, contract.operation_id);
    let case = case_for(&doc, op);
    let server = MockServer::start_async().await;
    let clients = Clients::new(&server);
    let mut report = Report::default();
    let label = format!("{} {}", contract.spec, contract.operation_id);

    if let Some(body) = &case.body {
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let valid = validator.validate(schema, body);
        report.check(valid.is_ok(), || {
            format!("{label}: the case body is not valid: {valid:?}")
        });
    }

    for (status, content_type, body, schema) in responses(&doc, op) {
        report.responses += 1;
        let seen: Arc<Mutex<Vec<HttpMockRequest>>> = Arc::default();
        let log = seen.clone();
        let mock = server.mock(|when, then| {
            when.is_true(move |request: &HttpMockRequest| {
                log.lock().unwrap().push(request.clone());
                true
            });
            let then = then.status(status).body(body.clone());
            if let Some(content_type) = &content_type {
                then.header("content-type", content_type);
            }
        });
        let outcome = (contract.call)(&clients, &case).await;
        let what = format!(
            "{label} [{status} {}]",
            content_type.as_deref().unwrap_or("no content")
        );
        let request = seen.lock().unwrap().last().cloned();
        match request {
            None => report.check(false, || format!("{what}: no request reached the server")),
            Some(request) => check_request(
                &mut report,
                &what,
                &doc,
                &validator,
                template,
                method,
                op,
                &case,
                &request,
                &server,
            ),
        }
        check_outcome(
            &mut report,
            &what,
            contract.spec,
            &doc,
            &validator,
            status,
            &body,
            schema.as_ref(),
            outcome,
        );
        mock.delete_async().await;
    }
    report
}

#[allow(clippy::too_many_arguments)]
fn check_request(
    report: &mut Report,
    what: &str,
    doc: &Value,
    validator: &DocumentValidator,
    template: &str,
    method: &str,
    op: &Value,
    case: &Case,
    request: &HttpMockRequest,
    server: &MockServer,
) {
    let method = method.to_ascii_uppercase();
    report.check(request.method_str() == method, || {
        format!("{what}: method {} != {method}", request.method_str())
    });
    let wire_url = wire_url(request, server);
    let uri: reqwest::Url = wire_url.parse().unwrap();
    let path = expected_path(template, case);
    report.check(uri.path() == path, || {
        format!("{what}: path {} != {path}", uri.path())
    });
    let mut query: Vec<(String, String)> = uri
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    let expected = expected_query(doc, op, case);
    report.check(query == expected, || {
        format!("{what}: query {query:?} != {expected:?}")
    });

    // Header parameters the call sets (SCP's Accept-Language).
    for param in parameters(doc, op)
        .into_iter()
        .filter(|p| p["in"] == "header")
    {
        let name = param["name"].as_str().unwrap();
        let expected = match case.params.get(name) {
            Some(value) => rendered(value),
            // The one header the caller does not set: the runtime pins it from the spec.
            None => param
                .pointer("/schema/enum/0")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        };
        report.check(header(request, name) == Some(expected.as_str()), || {
            format!(
                "{what}: header {name} = {:?}, expected {expected:?}",
                header(request, name)
            )
        });
    }

    // Authentication, as each provider's security scheme says; an operation with `security: []` carries no
    // credential at all.
    let unauthenticated = op.get("security") == Some(&json!([]));
    let schemes = if unauthenticated {
        for name in [
            "x-api-key",
            "authorization",
            "scp-accesskey",
            "scp-signature",
            "scp-api-version",
        ] {
            report.check(header(request, name).is_none(), || {
                format!("{what}: {name} was sent to an operation that needs no credentials")
            });
        }
        Default::default()
    } else {
        doc.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    if schemes.contains_key("ApiKeyAuth") {
        report.check(header(request, "x-api-key") == Some(PANTHER_TOKEN), || {
            format!("{what}: X-API-Key missing")
        });
    }
    if schemes.contains_key("bearerAuth") {
        let expected = format!("Bearer {CLOUDCRAFT_KEY}");
        report.check(
            header(request, "authorization") == Some(expected.as_str()),
            || format!("{what}: bearer token missing"),
        );
    }
    if schemes.contains_key("ScpSignature") {
        let signature = sign(
            &SignatureInput {
                method: &method,
                url: &wire_url,
                timestamp_ms: u128::from(NOW_MS),
                access_key: SCP_ACCESS_KEY,
                account_id: SCP_ACCOUNT_ID,
            },
            SCP_SECRET_KEY.as_bytes(),
        );
        for (name, expected) in [
            ("scp-accesskey", SCP_ACCESS_KEY.to_string()),
            ("scp-timestamp", NOW_MS.to_string()),
            ("scp-clienttype", "Openapi".to_string()),
            ("scp-accountid", SCP_ACCOUNT_ID.to_string()),
            ("scp-signature", signature),
        ] {
            report.check(header(request, name) == Some(expected.as_str()), || {
                format!(
                    "{what}: {name} = {:?}, expected {expected:?}",
                    header(request, name)
                )
            });
        }
    }
    report.check(header(request, "api-version").is_none(), || {
        format!("{what}: progenitor's api-version was sent")
    });

    // The body: valid against the operation's request schema, and the case's body, unchanged.
    if let (Some(sent), Some(schema)) = (
        &case.body,
        op.pointer("/requestBody/content/application~1json/schema"),
    ) {
        match serde_json::from_slice::<Value>(&request.body_vec()) {
            Ok(wire) => {
                let valid = validator.validate(schema, &wire);
                report.check(valid.is_ok(), || {
                    format!("{what}: request body invalid: {valid:?}")
                });
                let expected = crate::normalize::normalized(&with_defaults(doc, schema, sent));
                report.check(crate::normalize::normalized(&wire) == expected, || {
                    format!("{what}: request body {wire} != {sent}")
                });
            }
            Err(e) => report.check(false, || format!("{what}: request body is not JSON: {e}")),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_outcome(
    report: &mut Report,
    what: &str,
    spec_name: &str,
    doc: &Value,
    validator: &DocumentValidator,
    status: u16,
    sent: &[u8],
    schema: Option<&Value>,
    outcome: Outcome,
) {
    let success = (200..300).contains(&status);
    match outcome {
        Outcome::Json(got, value) => {
            report.check(success && got == status, || {
                format!("{what}: answered {status} but the client saw success {got}")
            });
            match schema {
                Some(schema) => {
                    let valid = validator.validate(schema, &value);
                    report.check(valid.is_ok(), || {
                        format!("{what}: decoded value invalid: {valid:?}")
                    });
                    let sent: Value = serde_json::from_slice(sent).unwrap();
                    let expected = crate::normalize::normalized(&with_defaults(doc, schema, &sent));
                    report.check(crate::normalize::normalized(&value) == expected, || {
                        format!("{what}: decoded {value} != sent {sent}")
                    });
                }
                None => report.check(value.is_null(), || {
                    format!("{what}: no content expected, decoded {value}")
                }),
            }
        }
        Outcome::Bytes(got, bytes) => {
            report.check(success && got == status, || {
                format!("{what}: answered {status} but the client saw success {got}")
            });
            report.check(bytes == sent, || format!("{what}: body bytes differ"));
        }
        Outcome::Failure { typed, error } => {
            report.check(!success, || {
                format!("{what}: a documented success failed: {error}")
            });
            report.check(typed, || {
                format!("{what}: the documented {status} was not decoded as a typed error: {error}")
            });
            report.check(error.status().map(|s| s.as_u16()) == Some(status), || {
                format!("{what}: error status {:?} != {status}", error.status())
            });
            // The provider's own reading of its error body, as the registry carries it.
            let api = cloud_apis::apis()
                .into_iter()
                .find(|api| api.name == spec_name)
                .expect("every contract's spec is a registered API");
            let (message, code) =
                cloud_apis_runtime::failure::provider_message(sent, api.error_message);
            report.check(
                error.message() == message.as_deref() && error.code() == code.as_deref(),
                || {
                    format!(
                        "{what}: error message {:?}/{:?} != {message:?}/{code:?}",
                        error.message(),
                        error.code()
                    )
                },
            );
        }
    }
}

/// One way a spec-derived case can break a constraint of the spec.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The field or parameter at fault, as the spec names it.
    pub field: String,
    /// What was broken (`pattern`, `maxLength`, `enum`, `email`, `required`, ...).
    pub rule: &'static str,
    case: Case,
}

/// Values that break a string schema, by rule.
fn bad_strings(schema: &Value) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    if schema.get("enum").is_some() {
        out.push(("enum", json!("NOT_A_DOCUMENTED_VALUE")));
    }
    if schema.get("format").and_then(Value::as_str) == Some("email") {
        out.push(("email", json!("not-an-email")));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        out.push(("maxLength", json!("x".repeat(max as usize + 1))));
    }
    if schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) > 0 {
        out.push(("minLength", json!("")));
    }
    if schema.get("pattern").is_some() {
        for candidate in [
            "<script>!",
            "\u{1F600}\u{1F600}\u{1F600}",
            "bad value !",
            "@",
        ] {
            out.push(("pattern", json!(candidate)));
        }
    }
    out
}

/// Every constraint of the operation's request body (top-level properties and their array items) and of its
/// enum-typed and bounded parameters, each broken once.
pub fn violations(contract: &Contract) -> Vec<Violation> {
    let doc = spec(contract.spec).raw();
    let validator = DocumentValidator::new(&doc);
    let (_, _, op) = find_operation(&doc, contract.operation_id);
    let base = case_for(&doc, op);
    let mut out: Vec<Violation> = Vec::new();
    let push = |field: &str, rule: &'static str, case: Case, out: &mut Vec<Violation>| {
        // One violation per field and rule is enough (several pattern candidates may all fail).
        if !out.iter().any(|v| v.field == field && v.rule == rule) {
            out.push(Violation {
                field: field.to_string(),
                rule,
                case,
            });
        }
    };
    if let (Some(body), Some(schema)) = (
        &base.body,
        op.pointer("/requestBody/content/application~1json/schema"),
    ) {
        let resolved = resolve(&doc, schema);
        let required: Vec<&str> = resolved
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for name in &required {
            let mut broken = body.clone();
            broken.as_object_mut().unwrap().remove(*name);
            let case = Case {
                body: Some(broken),
                ..base.clone()
            };
            push(name, "required", case, &mut out);
        }
        for (name, prop) in resolved
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let prop = resolve(&doc, prop);
            let prop = prop
                .pointer("/allOf/0")
                .map(|r| resolve(&doc, r))
                .unwrap_or(prop);
            let (targets, in_array) = match prop.get("items") {
                Some(items) => (bad_strings(resolve(&doc, items)), true),
                None => (bad_strings(prop), false),
            };
            for (rule, bad) in targets {
                // An enum that responses carry is open (`cloud_apis::Open`): a value decoded from JSON, as a
                // response would give it, is passed through so that it can be sent back; the typed API cannot
                // make one. Only closed enums are refused before sending.
                if rule == "enum" && responses_carry(&doc, prop.get("items").unwrap_or(prop)) {
                    continue;
                }
                let mut broken = body.clone();
                broken[name.as_str()] = if in_array { json!([bad]) } else { bad };
                // Keep only values the spec itself rejects.
                if validator.validate(schema, &broken).is_err() {
                    let case = Case {
                        body: Some(broken),
                        ..base.clone()
                    };
                    push(name, rule, case, &mut out);
                }
            }
        }
    }
    for param in parameters(&doc, op) {
        let name = param["name"].as_str().unwrap();
        let schema = resolve(&doc, &param["schema"]);
        let items = schema.get("items").map(|i| resolve(&doc, i));
        // A value above a documented maximum (below a minimum may not fit the parameter's Rust type at all:
        // `NonZeroU64`, `u64`).
        let (rule, bad) = if schema.get("enum").is_some() {
            ("enum", json!("NOT_A_DOCUMENTED_VALUE"))
        } else if items.is_some_and(|i| i.get("enum").is_some()) {
            ("enum", json!(["NOT_A_DOCUMENTED_VALUE"]))
        } else if let Some(max) = schema.get("maximum").and_then(Value::as_i64) {
            ("maximum", json!(max + 1))
        } else {
            continue;
        };
        if base.params.contains_key(name) {
            let mut case = base.clone();
            case.params.insert(name.to_string(), bad);
            push(name, rule, case, &mut out);
        }
    }
    out
}

/// Whether some response of the document carries a schema with `schema`'s `enum` values.
fn responses_carry(doc: &Value, schema: &Value) -> bool {
    let Some(values) = resolve(doc, schema).get("enum") else {
        return false;
    };
    fn walk(doc: &Value, node: &Value, values: &Value, seen: &mut Vec<String>) -> bool {
        match node {
            Value::Object(map) => {
                if map.get("enum") == Some(values) {
                    return true;
                }
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if seen.iter().any(|s| s == reference) {
                        return false;
                    }
                    seen.push(reference.to_string());
                    return walk(doc, resolve(doc, node), values, seen);
                }
                map.values().any(|child| walk(doc, child, values, seen))
            }
            Value::Array(items) => items.iter().any(|child| walk(doc, child, values, seen)),
            _ => false,
        }
    }
    let mut seen = Vec::new();
    doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .any(|(_, item)| {
            item.as_object().into_iter().flatten().any(|(_, op)| {
                op.get("responses")
                    .is_some_and(|r| walk(doc, r, values, &mut seen))
            })
        })
}

/// Calls the operation with `violation`'s case and checks it is refused before any request, naming the field.
pub async fn refuse(contract: &Contract, violation: &Violation) -> Result<(), String> {
    let server = MockServer::start_async().await;
    let clients = Clients::new(&server);
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let outcome = (contract.call)(&clients, &violation.case).await;
    let calls = mock.calls_async().await;
    let what = format!(
        "{} {} {} ({})",
        contract.spec, contract.operation_id, violation.field, violation.rule
    );
    if calls != 0 {
        return Err(format!("{what}: {calls} request(s) reached the server"));
    }
    match outcome {
        Outcome::Failure { error, .. } => {
            let text = error.to_string();
            // The error names the field as the spec does, or as its Rust name (`paperSize` → `paper_size`).
            let snake = crate::specs::method_name(&violation.field);
            if error.kind() != cloud_apis::ErrorKind::InvalidRequest {
                Err(format!(
                    "{what}: refused as {:?}, not as an invalid request: {text}",
                    error.kind()
                ))
            } else if !text.contains(&violation.field) && !text.contains(&snake) {
                Err(format!("{what}: the error does not name the field: {text}"))
            } else {
                Ok(())
            }
        }
        other => Err(format!("{what}: the call was not refused: {other:?}")),
    }
}

/// The string path parameters of an operation (free-form strings: no enum, no format such as `uuid`), by their
/// spec names.
pub fn string_path_parameters(contract: &Contract) -> Vec<String> {
    let doc = spec(contract.spec).raw();
    let (_, _, op) = find_operation(&doc, contract.operation_id);
    parameters(&doc, op)
        .into_iter()
        .filter(|p| p["in"] == "path")
        .filter(|p| {
            let schema = resolve(&doc, &p["schema"]);
            schema.get("type") == Some(&json!("string"))
                && schema.get("enum").is_none()
                && schema.get("format").is_none()
        })
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

/// Calls the operation once per value of path parameter `name` and checks that no value can change a path
/// segment but its own: a dot segment or an empty value is refused before sending (naming the parameter); any
/// other value is either refused before sending for another documented constraint (a pattern) or reaches the
/// server as exactly the template's path, with the value, percent-decoded, as its own segment. Returns the
/// failures.
pub async fn probe_path_parameter(
    contract: &Contract,
    name: &str,
    values: &[String],
) -> Vec<String> {
    let file = spec(contract.spec);
    let doc = file.raw();
    let (template, _, op) = find_operation(&doc, contract.operation_id);
    let server = MockServer::start_async().await;
    let seen: Arc<Mutex<Vec<HttpMockRequest>>> = Arc::default();
    let log = seen.clone();
    server.mock(|when, then| {
        when.is_true(move |request: &HttpMockRequest| {
            log.lock().unwrap().push(request.clone());
            true
        });
        then.status(599);
    });
    let clients = Clients::new(&server);
    let mut failures = Vec::new();
    for value in values {
        let mut case = case_for(&doc, op);
        case.params.insert(name.to_string(), json!(value));
        let outcome = (contract.call)(&clients, &case).await;
        let requests = std::mem::take(&mut *seen.lock().unwrap());
        let what = format!(
            "{} {} {name}={value:?}",
            contract.spec, contract.operation_id
        );
        if let Err(e) = check_path_probe(&what, template, name, value, &outcome, &requests, &server)
        {
            failures.push(e);
        }
    }
    failures
}

fn check_path_probe(
    what: &str,
    template: &str,
    name: &str,
    value: &str,
    outcome: &Outcome,
    requests: &[HttpMockRequest],
    server: &MockServer,
) -> Result<(), String> {
    let refused = match outcome {
        Outcome::Failure { error, .. } if error.kind() == cloud_apis::ErrorKind::InvalidRequest => {
            Some(error.to_string())
        }
        _ => None,
    };
    if matches!(value, "" | "." | "..") {
        let text = refused.ok_or_else(|| format!("{what}: not refused: {outcome:?}"))?;
        let rust_name = crate::specs::method_name(name);
        if !requests.is_empty() || !(text.contains(name) || text.contains(&rust_name)) {
            return Err(format!(
                "{what}: {} request(s); error {text}",
                requests.len()
            ));
        }
        return Ok(());
    }
    if refused.is_some() && requests.is_empty() {
        return Ok(());
    }
    let [request] = requests else {
        return Err(format!(
            "{what}: {} requests reached the server",
            requests.len()
        ));
    };
    let url: reqwest::Url = wire_url(request, server)
        .parse()
        .map_err(|e| format!("{what}: {e}"))?;
    let wire: Vec<&str> = url.path().split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    if wire.len() != expected.len() {
        return Err(format!(
            "{what}: path {} does not have the shape of {template}",
            url.path()
        ));
    }
    for (got, want) in wire.iter().zip(&expected) {
        let decoded = percent_encoding::percent_decode_str(got).decode_utf8_lossy();
        let ok = if *want == format!("{{{name}}}") {
            decoded == value
        } else if want.starts_with('{') {
            true
        } else {
            got == want
        };
        if !ok {
            return Err(format!(
                "{what}: segment {got:?} where the template has {want:?} ({})",
                url.path()
            ));
        }
    }
    Ok(())
}
