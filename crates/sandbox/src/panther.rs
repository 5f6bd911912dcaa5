//! Panther: AWS cloud accounts and roles, behind `X-API-Key`.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use panther_client::types;
use serde_json::{json, Value};

use crate::reply::{body_json, decode, error, json_reply, new_id, now, Provider};
use crate::{Locked, Shared, PANTHER_TOKEN};

const P: Provider = Provider::Panther;

/// Panther's records.
#[derive(Default)]
pub struct Store {
    accounts: BTreeMap<String, Value>,
    roles: BTreeMap<String, Value>,
}

impl Store {
    pub fn seeded() -> Self {
        let mut store = Self::default();
        store.accounts.insert(
            "3f0c2b9e-seed-account".into(),
            json!({
                "awsAccountId": "111122223333",
                "integrationId": "3f0c2b9e-seed-account",
                "integrationLabel": "security-tooling",
                "awsScanConfig": {"auditRole": "arn:aws:iam::111122223333:role/PantherAuditRole"},
                "regionIgnoreList": ["ap-northeast-3"],
                "resourceTypeIgnoreList": [],
                "resourceRegexIgnoreList": []
            }),
        );
        for (id, name, permissions, kind) in [
            (
                "role-admin",
                "Admin",
                json!([
                    "UserModify",
                    "UserRead",
                    "RuleModify",
                    "RuleRead",
                    "AlertModify",
                    "AlertRead"
                ]),
                "ALLOW_ALL",
            ),
            (
                "role-analyst",
                "Analyst",
                json!(["AlertRead", "AlertModify", "RuleRead", "SummaryRead"]),
                "ALLOW_ALL",
            ),
        ] {
            store.roles.insert(
                id.into(),
                json!({"id": id, "name": name, "permissions": permissions, "logTypeAccessKind": kind,
                       "logTypeAccess": [], "createdAt": "2025-06-01T09:00:00.000Z", "updatedAt": "2025-06-01T09:00:00.000Z"}),
            );
        }
        store
    }
}

async fn authorize(headers: HeaderMap, request: Request, next: Next) -> Response {
    match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        Some(token) if token == PANTHER_TOKEN => next.run(request).await,
        Some(_) => error(
            P,
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "the API token is not valid",
        ),
        None => error(
            P,
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing X-API-Key header",
        ),
    }
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/cloud-accounts/aws", post(create_account))
        .route(
            "/cloud-accounts/aws/{id}",
            get(get_account).put(put_account).delete(delete_account),
        )
        .route("/roles", get(list_roles).post(create_role))
        .route(
            "/roles/{id}",
            get(get_role).post(update_role).delete(delete_role),
        )
        .route_layer(middleware::from_fn(authorize))
        .with_state(state)
}

fn not_found(what: &str, id: &str) -> Response {
    error(
        P,
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("{what} {id} not found"),
    )
}

/// The stored form of an account: the request's fields plus the server's, lists defaulting to empty.
fn account_from(body: &Value, id: &str, aws_account_id: &str) -> Value {
    let list = |k: &str| body.get(k).cloned().unwrap_or_else(|| json!([]));
    json!({
        "awsAccountId": aws_account_id,
        "integrationId": id,
        "integrationLabel": body["integrationLabel"],
        "awsScanConfig": body.get("awsScanConfig").cloned().unwrap_or_else(|| json!({})),
        "regionIgnoreList": list("regionIgnoreList"),
        "resourceTypeIgnoreList": list("resourceTypeIgnoreList"),
        "resourceRegexIgnoreList": list("resourceRegexIgnoreList"),
    })
}

async fn create_account(State(state): State<Shared>, body: Bytes) -> Response {
    let request: types::CreateAwsCloudAccount = match decode(P, &body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    let mut state = state.locked();
    let aws_id = request.aws_account_id.to_string();
    if state
        .panther
        .accounts
        .values()
        .any(|a| a["awsAccountId"] == aws_id.as_str())
    {
        return error(
            P,
            StatusCode::CONFLICT,
            "Exists",
            format!("AWS account {aws_id} is already integrated"),
        );
    }
    let id = new_id();
    let account = account_from(&body, &id, &aws_id);
    state.panther.accounts.insert(id, account.clone());
    json_reply(StatusCode::CREATED, account)
}

async fn get_account(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().panther.accounts.get(&id) {
        Some(account) => json_reply(StatusCode::OK, account),
        None => not_found("AWS cloud account", &id),
    }
}

async fn put_account(State(state): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = body_json(&body);
    let mut state = state.locked();
    let Some(existing) = state.panther.accounts.get(&id) else {
        return not_found("AWS cloud account", &id);
    };
    let aws_id = existing["awsAccountId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let account = account_from(&body, &id, &aws_id);
    state.panther.accounts.insert(id, account.clone());
    json_reply(StatusCode::OK, account)
}

async fn delete_account(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().panther.accounts.remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found("AWS cloud account", &id),
    }
}

async fn list_roles(
    State(state): State<Shared>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let ids: Vec<String> = query
        .iter()
        .filter(|(n, _)| n == "id")
        .map(|(_, v)| v.clone())
        .chain(
            get("ids")
                .into_iter()
                .flat_map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>()),
        )
        .filter(|s| !s.is_empty())
        .collect();
    let state = state.locked();
    let mut roles: Vec<&Value> = state.panther.roles.values().collect();
    if let Some(name) = get("name").filter(|n| !n.is_empty()) {
        roles.retain(|r| r["name"] == name.as_str());
    } else {
        if let Some(part) = get("name-contains").filter(|n| !n.is_empty()) {
            let part = part.to_lowercase();
            roles.retain(|r| {
                r["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(&part)
            });
        }
        if !ids.is_empty() {
            roles.retain(|r| ids.iter().any(|id| r["id"] == id.as_str()));
        }
    }
    roles.sort_by_key(|r| r["name"].as_str().unwrap_or_default().to_string());
    if get("sort-dir").as_deref() == Some("desc") {
        roles.reverse();
    }
    json_reply(StatusCode::OK, json!({ "results": roles }))
}

fn role_from(body: &Value, id: &str, created_at: &str) -> Value {
    json!({
        "id": id,
        "name": body["name"],
        "permissions": body["permissions"],
        "logTypeAccessKind": body.get("logTypeAccessKind").cloned().unwrap_or_else(|| json!("ALLOW_ALL")),
        "logTypeAccess": body.get("logTypeAccess").cloned().unwrap_or_else(|| json!([])),
        "createdAt": created_at,
        "updatedAt": now(),
    })
}

async fn create_role(State(state): State<Shared>, body: Bytes) -> Response {
    let body = body_json(&body);
    let mut state = state.locked();
    if name_taken(&state.panther, &body, None) {
        return name_conflict(&body);
    }
    let id = new_id();
    let role = role_from(&body, &id, &now());
    state.panther.roles.insert(id, role.clone());
    json_reply(StatusCode::OK, role)
}

async fn get_role(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().panther.roles.get(&id) {
        Some(role) => json_reply(StatusCode::OK, role),
        None => not_found("role", &id),
    }
}

async fn update_role(State(state): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = body_json(&body);
    let mut state = state.locked();
    let Some(existing) = state.panther.roles.get(&id) else {
        return not_found("role", &id);
    };
    if name_taken(&state.panther, &body, Some(&id)) {
        return name_conflict(&body);
    }
    let created = existing["createdAt"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let role = role_from(&body, &id, &created);
    state.panther.roles.insert(id, role.clone());
    json_reply(StatusCode::OK, role)
}

/// Role names are unique: another role (not `except`) already has the body's name.
fn name_taken(store: &Store, body: &Value, except: Option<&str>) -> bool {
    store
        .roles
        .iter()
        .any(|(id, r)| Some(id.as_str()) != except && r["name"] == body["name"])
}

fn name_conflict(body: &Value) -> Response {
    error(
        P,
        StatusCode::CONFLICT,
        "Exists",
        format!("a role named {} already exists", body["name"]),
    )
}

async fn delete_role(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().panther.roles.remove(&id) {
        Some(_) => StatusCode::OK.into_response(),
        None => not_found("role", &id),
    }
}
