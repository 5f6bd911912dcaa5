//! Cloudcraft: linked AWS accounts and their snapshots, behind a bearer key.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cloudcraft_client::types;
use serde_json::{json, Value};

use crate::render::{self, Scene};
use crate::reply::{decode, error, json_reply, now, Provider};
use crate::{Locked, Shared, CLOUDCRAFT_API_KEY};

const P: Provider = Provider::Cloudcraft;
/// How many polls of a snapshot answer 202 before the document is ready.
pub const PROCESSING_POLLS: u32 = 1;
const CREATOR: &str = "us46e9aa-5806-4cd6-8e78-c22d58602d09";
const EXTERNAL_ID: &str = "ex53e827-a724-4a2a-9fec-b13761540785";

/// Cloudcraft's records.
#[derive(Default)]
pub struct Store {
    accounts: BTreeMap<String, Value>,
    polls: HashMap<String, u32>,
}

impl Store {
    pub fn seeded() -> Self {
        let mut store = Self::default();
        let id = "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";
        store.accounts.insert(
            id.into(),
            json!({"id": id, "name": "Production", "roleArn": "arn:aws:iam::111122223333:role/cloudcraft",
                   "externalId": EXTERNAL_ID, "CreatorId": CREATOR,
                   "createdAt": "2025-03-01T10:00:00.000Z", "updatedAt": "2025-03-01T10:00:00.000Z"}),
        );
        store
    }
}

async fn authorize(headers: HeaderMap, request: Request, next: Next) -> Response {
    let expected = format!("Bearer {CLOUDCRAFT_API_KEY}");
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(value) if value == expected => next.run(request).await,
        _ => error(P, StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized"),
    }
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/aws/account", get(list).post(create))
        .route("/aws/account/iamParameters", get(iam_parameters))
        .route(
            "/aws/account/{id}",
            axum::routing::put(update).delete(delete),
        )
        .route("/aws/account/{id}/{region}/{format}", get(snapshot))
        .route_layer(middleware::from_fn(authorize))
        .with_state(state)
}

async fn list(State(state): State<Shared>) -> Response {
    let state = state.locked();
    let accounts: Vec<&Value> = state.cloudcraft.accounts.values().collect();
    json_reply(StatusCode::OK, json!({ "accounts": accounts }))
}

async fn create(State(state): State<Shared>, body: Bytes) -> Response {
    let request: types::AwsAccountCreateRequest = match decode(P, &body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let mut state = state.locked();
    if state
        .cloudcraft
        .accounts
        .values()
        .any(|a| a["name"] == request.name.as_str())
    {
        return error(
            P,
            StatusCode::CONFLICT,
            "Conflict",
            format!("an AWS account named {:?} already exists", request.name),
        );
    }
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    let account = json!({"id": id, "name": request.name, "roleArn": request.role_arn, "externalId": EXTERNAL_ID,
                         "CreatorId": CREATOR, "createdAt": at, "updatedAt": at});
    state.cloudcraft.accounts.insert(id, account.clone());
    json_reply(StatusCode::CREATED, account)
}

async fn iam_parameters() -> Response {
    json_reply(
        StatusCode::OK,
        json!({"accountId": "968898580625", "externalId": EXTERNAL_ID,
               "awsConsoleUrl": "https://console.aws.amazon.com/iam/home?#/roles$new?step=review&roleName=cloudcraft"}),
    )
}

fn not_found(id: &str) -> Response {
    error(
        P,
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("AWS account {id} not found"),
    )
}

async fn update(State(state): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let request: types::AwsAccountUpdateRequest = match decode(P, &body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let mut state = state.locked();
    let Some(account) = state.cloudcraft.accounts.get_mut(&id) else {
        return not_found(&id);
    };
    account["name"] = json!(request.name);
    account["roleArn"] = json!(request.role_arn);
    account["updatedAt"] = json!(now());
    json_reply(StatusCode::OK, account.clone())
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.locked().cloudcraft.accounts.remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(&id),
    }
}

/// The sandbox's inventory of an account's region, minus excluded types.
fn inventory(region: &str, exclude: &[&str]) -> Vec<(String, String)> {
    [
        ("ec2", "i-0a1b2c3d"),
        ("ec2", "i-4e5f6a7b"),
        ("rds", "db-orders"),
        ("s3", "assets-bucket"),
        ("lambda", "thumbnailer"),
    ]
    .into_iter()
    .filter(|(kind, _)| !exclude.contains(kind))
    .map(|(kind, id)| (kind.to_string(), format!("{id}.{region}")))
    .collect()
}

async fn snapshot(
    State(state): State<Shared>,
    Path((id, region, format)): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut state = state.locked();
    let Some(account) = state.cloudcraft.accounts.get(&id) else {
        return not_found(&id);
    };
    let name = account["name"].as_str().unwrap_or_default().to_string();
    let known = ["json", "svg", "png", "pdf", "mxGraph"];
    if !known.contains(&format.as_str()) {
        return error(
            P,
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("unknown format {format:?}"),
        );
    }
    // The first poll(s) of each distinct snapshot answer "still processing", as Cloudcraft's long poll does.
    let mut key_parts: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    key_parts.sort();
    let key = format!("{id}/{region}/{format}?{}", key_parts.join("&"));
    let polls = state.cloudcraft.polls.entry(key).or_default();
    *polls += 1;
    if *polls <= PROCESSING_POLLS {
        return json_reply(
            StatusCode::ACCEPTED,
            json!({"code": "STILL_PROCESSING", "retry": true,
                   "message": "Result wait time exceeded. Processing continues in the background, retry to receive result."}),
        );
    }
    let number = |k: &str, default: u32| {
        query
            .get(k)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(default)
            .clamp(16, 4096)
    };
    let exclude: Vec<&str> = query
        .get("exclude")
        .map(|e| e.split(',').collect())
        .unwrap_or_default();
    let scene = Scene {
        title: format!("{name} ({region})"),
        nodes: inventory(&region, &exclude),
        width: number("width", 1024),
        height: number("height", 768),
        dark: query.get("theme").map(String::as_str) == Some("dark"),
        grid: query.get("grid").map(String::as_str) != Some("false"),
    };
    let (content_type, body): (&str, Vec<u8>) = match format.as_str() {
        "json" => (
            "application/json",
            render::blueprint(&scene).to_string().into_bytes(),
        ),
        "svg" => ("image/svg+xml", render::svg(&scene).into_bytes()),
        "png" => ("image/png", render::png(&scene)),
        "pdf" => ("application/pdf", render::pdf(&scene)),
        _ => ("application/xml", render::mxgraph(&scene).into_bytes()),
    };
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}
