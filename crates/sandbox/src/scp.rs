//! SCP Cloud Control 1.0 and 1.1: signed requests, routed by `Scp-Api-Version`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use scp_cloudcontrol_client::signature::{sign, SignatureInput};
use serde_json::{json, Value};

use crate::reply::{body_json, error, json_reply, new_id, now, Provider};
use crate::{Locked, Shared, SCP_ACCESS_KEY, SCP_SECRET_KEY, SCP_TIMESTAMP_WINDOW_MS};

const P: Provider = Provider::Scp;

/// The API version a request speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1_0,
    V1_1,
}

/// Every served version's number (`1.0`, ...) and parsed spec, oldest first, parsed once: for the version list,
/// the examples the responses are modelled on, and the schemas records are projected onto.
fn served() -> &'static [(&'static str, Value)] {
    static SERVED: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    SERVED.get_or_init(|| {
        scp_cloudcontrol_client::VERSIONS
            .iter()
            .map(|(api, text)| {
                let doc = serde_json::from_str(text).expect("the specs are JSON");
                (api.version, doc)
            })
            .collect()
    })
}

/// The spec whose records a request of `version` reads and writes (1.2 keeps the 1.1 schemas).
fn spec(version: Version) -> &'static Value {
    let number = match version {
        Version::V1_0 => "1.0",
        Version::V1_1 => "1.1",
    };
    served()
        .iter()
        .find(|(served, _)| *served == number)
        .map(|(_, doc)| doc)
        .expect("the sandbox serves every version it models")
}

/// The example of an operation's success response.
fn example(version: Version, path: &str, method: &str, status: &str) -> Value {
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/application~1json/example",
        path.replace('/', "~1")
    );
    spec(version)
        .pointer(&pointer)
        .cloned()
        .unwrap_or_else(|| panic!("no example at {pointer}"))
}

/// `record` limited to the properties `schema` has in `version` (1.0 lacks the detective guardrail fields).
fn project(version: Version, schema: &str, record: &Value) -> Value {
    let props = &spec(version)["components"]["schemas"][schema]["properties"];
    match (record, props.as_object()) {
        (Value::Object(map), Some(props)) => Value::Object(
            map.iter()
                .filter(|(k, _)| props.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        _ => record.clone(),
    }
}

/// Whether the response schema's `field` can carry `value` (one of its enum values, when it has an enum).
fn carried(version: Version, schema: &str, field: &str, value: &Value) -> bool {
    spec(version)["components"]["schemas"][schema]["properties"][field]["enum"]
        .as_array()
        .is_none_or(|allowed| allowed.contains(value))
}

/// Cloud Control's records.
#[derive(Default)]
pub struct Store {
    landing_zones: BTreeMap<String, Value>,
    guardrails: Vec<Value>,
    bindings: BTreeSet<(String, String)>,
    assignments: BTreeMap<String, Value>,
}

impl Store {
    pub fn seeded() -> Self {
        let template = example(Version::V1_1, "/v1/guardrails/{guardrail_id}", "get", "200")
            ["guardrail"]
            .clone();
        let guardrails = [
            (
                "gr-mfa-root",
                "require-root-mfa",
                "iam",
                "MANDATORY",
                "PREVENTIVE",
            ),
            (
                "gr-no-public-buckets",
                "deny-public-object-storage",
                "object-storage",
                "STRONGLY_RECOMMENDED",
                "PREVENTIVE",
            ),
            (
                "gr-region-lock",
                "restrict-regions",
                "iam",
                "ELECTIVE",
                "PREVENTIVE",
            ),
            (
                "gr-log-retention",
                "keep-audit-logs",
                "logging",
                "MANDATORY",
                "DETECTIVE",
            ),
            (
                "gr-encrypt-volumes",
                "encrypt-block-storage",
                "virtual-server",
                "STRONGLY_RECOMMENDED",
                "DETECTIVE",
            ),
        ]
        .into_iter()
        .map(|(id, name, service, guidance, kind)| {
            let mut g = template.clone();
            g["id"] = json!(id);
            g["name"] = json!(name);
            g["service_name"] = json!(service);
            g["guidance"] = json!(guidance);
            g["type"] = json!(kind);
            g["status"] = json!("DISABLED");
            g["description"] = json!(format!("Sandbox guardrail {name}"));
            g["binding_ous"] = json!([]);
            g
        })
        .collect();
        Self {
            guardrails,
            ..Self::default()
        }
    }
}

/// Verifies the SCP signature and picks the API version; both land in the request's extensions.
async fn authorize(
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    method: Method,
    mut request: Request,
    next: Next,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let unauthorized =
        |why: &str| error(P, StatusCode::UNAUTHORIZED, "Unauthorized", why.to_string());
    if header("scp-accesskey") != SCP_ACCESS_KEY {
        return unauthorized("unknown or missing Scp-AccessKey");
    }
    let Ok(timestamp) = header("scp-timestamp").parse::<i64>() else {
        return unauthorized("missing or malformed Scp-Timestamp");
    };
    if (chrono::Utc::now().timestamp_millis() - timestamp).abs() > SCP_TIMESTAMP_WINDOW_MS {
        return unauthorized("Scp-Timestamp is outside the accepted window");
    }
    // The signature covers the URL exactly as the client sent it.
    let url = format!("http://{}{}", header("host"), uri);
    let expected = sign(
        &SignatureInput {
            method: method.as_str(),
            url: &url,
            timestamp_ms: timestamp as u128,
            access_key: SCP_ACCESS_KEY,
            account_id: header("scp-accountid"),
        },
        SCP_SECRET_KEY.as_bytes(),
    );
    if header("scp-signature") != expected || header("scp-clienttype") != "Openapi" {
        return unauthorized("the request signature does not verify");
    }
    // The conformance layer has already refused a missing or unknown `Scp-Api-Version`.
    let version = match header("scp-api-version") {
        "cloudcontrol 1.0" => Version::V1_0,
        _ => Version::V1_1,
    };
    request.extensions_mut().insert(version);
    next.run(request).await
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/v1/landing-zones", post(create_landing_zone))
        .route(
            "/v1/landing-zones/{id}",
            get(show_landing_zone)
                .put(set_landing_zone)
                .delete(delete_landing_zone),
        )
        .route("/v1/guardrails", get(list_guardrails))
        .route("/v1/guardrails/{id}", get(show_guardrail))
        .route(
            "/v1/guardrail-bindings",
            post(enable_bindings).delete(disable_bindings),
        )
        .route(
            "/v1/guardrail-bindings/guardrails",
            get(guardrails_for_target),
        )
        .route("/v1/guardrail-bindings/targets", get(targets_for_guardrail))
        .route("/v1/baseline-assignments", get(list_assignments))
        .route(
            "/v1/baseline-assignments/{id}",
            post(add_assignment)
                .put(update_assignment)
                .delete(remove_assignment),
        )
        .route("/v1/accounts", post(create_account))
        .route_layer(middleware::from_fn(authorize))
        // The service root is unsigned: it lists the versions the service serves.
        .route("/", get(versions))
        .with_state(state)
}

/// The version list, from the lifecycle each served spec records (`info.x-cloud-apis-lifecycle`), newest first.
async fn versions() -> Response {
    let versions: Vec<Value> = served()
        .iter()
        .rev()
        .map(|(number, doc)| {
            let lifecycle = &doc["info"]["x-cloud-apis-lifecycle"];
            json!({
                "id": format!("v{number}"),
                "status": lifecycle["status"],
                "not_before": lifecycle["not_before"],
                "links": []
            })
        })
        .collect();
    json_reply(StatusCode::OK, json!({ "versions": versions }))
}

fn not_found(what: &str, id: &str) -> Response {
    error(
        P,
        StatusCode::NOT_FOUND,
        "CloudControl.NotFound",
        format!("{what} {id} not found"),
    )
}

/// The answer of an asynchronous baseline operation on `resource_id`.
fn resource_job(resource_id: &str, resource_type: &Value) -> Value {
    json!({"job_id": new_id(), "resource_id": resource_id, "resource_type": resource_type})
}

fn job(landing_zone_id: &str) -> Value {
    json!({"job_id": new_id(), "landing_zone_id": landing_zone_id})
}

async fn create_landing_zone(State(state): State<Shared>, body: Bytes) -> Response {
    let request = body_json(&body);
    let mut state = state.locked();
    if !state.scp.landing_zones.is_empty() {
        return error(
            P,
            StatusCode::CONFLICT,
            "CloudControl.AlreadyExists",
            "the organization already has a landing zone",
        );
    }
    let id = new_id();
    let mut zone = example(
        Version::V1_1,
        "/v1/landing-zones/{landing_zone_id}",
        "get",
        "200",
    )["landing_zone"]
        .clone();
    let at = now();
    zone["id"] = json!(id);
    zone["agree_yn"] = request["agree_yn"].clone();
    zone["sso_type"] = request["sso_type"].clone();
    zone["status"] = json!("ACTIVE");
    zone["created_at"] = json!(at);
    zone["modified_at"] = json!(at);
    zone["detective_guardrail_status"] = request
        .get("detective_guardrail_status")
        .cloned()
        .unwrap_or(json!("DISABLED"));
    state.scp.landing_zones.insert(id.clone(), zone);
    json_reply(StatusCode::CREATED, job(&id))
}

async fn show_landing_zone(
    State(state): State<Shared>,
    Extension(version): Extension<Version>,
    Path(id): Path<String>,
) -> Response {
    let state = state.locked();
    let Some(zone) = state.scp.landing_zones.get(&id) else {
        return not_found("landing zone", &id);
    };
    let schema = match version {
        Version::V1_0 => "LandingZone",
        Version::V1_1 => "LandingZoneV1Dot1",
    };
    json_reply(
        StatusCode::OK,
        json!({ "landing_zone": project(version, schema, zone) }),
    )
}

async fn set_landing_zone(
    State(state): State<Shared>,
    Extension(version): Extension<Version>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let request = body_json(&body);
    let mut state = state.locked();
    let Some(zone) = state.scp.landing_zones.get_mut(&id) else {
        return not_found("landing zone", &id);
    };
    // The request takes any string (as the reference documents it), but a landing zone can only show one of its
    // documented statuses: a status it can show is stored, any other string is accepted as a job that leaves the
    // status as it was, so no later answer carries a value its schema does not allow.
    if let Some(status) = request.get("detective_guardrail_status").filter(|wanted| {
        carried(
            version,
            "LandingZoneV1Dot1",
            "detective_guardrail_status",
            wanted,
        )
    }) {
        zone["detective_guardrail_status"] = status.clone();
    }
    zone["modified_at"] = json!(now());
    json_reply(StatusCode::OK, job(&id))
}

async fn delete_landing_zone(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().scp.landing_zones.remove(&id) {
        Some(_) => json_reply(StatusCode::OK, job(&id)),
        None => not_found("landing zone", &id),
    }
}

/// `page` (from 0) and `size` (from 1), and the first item's index; a 400 when they are out of range (the spec
/// bounds neither, but no page can start past `usize::MAX`).
#[allow(clippy::result_large_err)]
fn page_params(query: &BTreeMap<String, String>) -> Result<(usize, usize, usize), Response> {
    let number = |key: &str, default: usize, least: usize| -> Result<usize, Response> {
        let Some(text) = query.get(key) else {
            return Ok(default);
        };
        text.parse::<usize>()
            .ok()
            .filter(|n| *n >= least)
            .ok_or_else(|| {
                error(
                    P,
                    StatusCode::BAD_REQUEST,
                    "CloudControl.InvalidParameter",
                    format!("{key} must be a whole number of at least {least}, got {text:?}"),
                )
            })
    };
    let page = number("page", 0, 0)?;
    let size = number("size", 20, 1)?;
    let start = page.checked_mul(size).ok_or_else(|| {
        error(
            P,
            StatusCode::BAD_REQUEST,
            "CloudControl.InvalidParameter",
            format!("page {page} of size {size} is out of range"),
        )
    })?;
    Ok((page, size, start))
}

async fn list_guardrails(
    State(state): State<Shared>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let state = state.locked();
    let mut items: Vec<&Value> = state.scp.guardrails.iter().collect();
    for key in ["name", "service_name", "guidance", "status"] {
        if let Some(wanted) = query.get(key).filter(|v| !v.is_empty()) {
            items.retain(|g| g[key].as_str().is_some_and(|v| v.contains(wanted.as_str())));
        }
    }
    let (page, size, start) = match page_params(&query) {
        Ok(params) => params,
        Err(refused) => return refused,
    };
    let count = items.len();
    let slice: Vec<&Value> = items.into_iter().skip(start).take(size).collect();
    json_reply(
        StatusCode::OK,
        json!({"count": count, "page": page, "size": size, "sort": ["created_at:asc"], "guardrails": slice}),
    )
}

async fn show_guardrail(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let state = state.locked();
    match state.scp.guardrails.iter().find(|g| g["id"] == id.as_str()) {
        Some(g) => json_reply(StatusCode::OK, json!({ "guardrail": g })),
        None => not_found("guardrail", &id),
    }
}

/// Enables or disables every (guardrail, unit) pair; pairs already in the wanted state fail, as the API reports.
fn bind(state: &Shared, body: &Bytes, enable: bool) -> Response {
    let request = body_json(body);
    let strings = |k: &str| -> Vec<String> {
        request[k]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let mut state = state.locked();
    let mut success = Vec::new();
    let mut failed = Vec::new();
    for guardrail in strings("guardrail_ids") {
        if !state
            .scp
            .guardrails
            .iter()
            .any(|g| g["id"] == guardrail.as_str())
        {
            return not_found("guardrail", &guardrail);
        }
        for unit in strings("unit_ids") {
            let pair = (guardrail.clone(), unit.clone());
            let changed = if enable {
                state.scp.bindings.insert(pair)
            } else {
                state.scp.bindings.remove(&pair)
            };
            if changed {
                success.push(json!({"guardrail_id": guardrail, "unit_id": unit}));
            } else {
                let (code, why) = if enable {
                    (
                        "CloudControl.AlreadyEnabledGuardrails",
                        "guardrail already enabled",
                    )
                } else {
                    (
                        "CloudControl.AlreadyDisabledGuardrails",
                        "guardrail already disabled",
                    )
                };
                failed.push(
                    json!({"guardrail_id": guardrail, "unit_id": unit, "error_code": code,
                                   "failed_caused": why, "response": {}}),
                );
            }
        }
        let bound = state.scp.bindings.iter().any(|(g, _)| *g == guardrail);
        if let Some(g) = state
            .scp
            .guardrails
            .iter_mut()
            .find(|g| g["id"] == guardrail.as_str())
        {
            g["status"] = json!(if bound { "ENABLED" } else { "DISABLED" });
        }
    }
    json_reply(
        StatusCode::OK,
        json!({"success_ids": success, "failed_ids": failed}),
    )
}

async fn enable_bindings(State(state): State<Shared>, body: Bytes) -> Response {
    bind(&state, &body, true)
}

async fn disable_bindings(State(state): State<Shared>, body: Bytes) -> Response {
    bind(&state, &body, false)
}

async fn guardrails_for_target(Extension(version): Extension<Version>) -> Response {
    json_reply(
        StatusCode::OK,
        example(version, "/v1/guardrail-bindings/guardrails", "get", "200"),
    )
}

async fn targets_for_guardrail(Extension(version): Extension<Version>) -> Response {
    json_reply(
        StatusCode::OK,
        example(version, "/v1/guardrail-bindings/targets", "get", "200"),
    )
}

async fn list_assignments(
    State(state): State<Shared>,
    Extension(version): Extension<Version>,
) -> Response {
    let state = state.locked();
    let schema = match version {
        Version::V1_0 => "BaselineAssignment",
        Version::V1_1 => "BaselineAssignmentV1Dot1",
    };
    let items: Vec<Value> = state
        .scp
        .assignments
        .values()
        .map(|a| project(version, schema, a))
        .collect();
    json_reply(StatusCode::OK, json!({ "baseline_assignments": items }))
}

async fn add_assignment(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let request = body_json(&body);
    let mut state = state.locked();
    let zone_id = request["landing_zone_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !state.scp.landing_zones.contains_key(&zone_id) {
        return not_found("landing zone", &zone_id);
    }
    if state.scp.assignments.contains_key(&id) {
        return error(
            P,
            StatusCode::CONFLICT,
            "CloudControl.AlreadyRegistered",
            format!("{id} already has a baseline"),
        );
    }
    let mut record = example(Version::V1_1, "/v1/baseline-assignments", "get", "200")
        ["baseline_assignments"][0]
        .clone();
    record["id"] = json!(id);
    record["type"] = request["resource_type"].clone();
    record["status"] = json!("REGISTERED");
    record["sso_user_name"] = request
        .get("sso_user_name")
        .cloned()
        .unwrap_or(json!("sandbox-user"));
    state.scp.assignments.insert(id.clone(), record);
    json_reply(
        StatusCode::CREATED,
        resource_job(&id, &request["resource_type"]),
    )
}

async fn update_assignment(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let state = state.locked();
    match state.scp.assignments.get(&id) {
        Some(a) => json_reply(StatusCode::OK, resource_job(&id, &a["type"])),
        None => not_found("baseline assignment", &id),
    }
}

async fn remove_assignment(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().scp.assignments.remove(&id) {
        Some(a) => json_reply(StatusCode::OK, resource_job(&id, &a["type"])),
        None => not_found("baseline assignment", &id),
    }
}

async fn create_account(State(state): State<Shared>, body: Bytes) -> Response {
    let request = body_json(&body);
    let zone_id = request["landing_zone_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !state.locked().scp.landing_zones.contains_key(&zone_id) {
        return not_found("landing zone", &zone_id);
    }
    json_reply(
        StatusCode::CREATED,
        json!({"account_id": new_id(), "job_id": new_id()}),
    )
}
