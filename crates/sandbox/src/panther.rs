//! Panther: every operation of its REST spec, served by the spec-driven resource engine behind `X-API-Key`. What is
//! Panther's own is here: its credentials, the fields it keeps unique, token rotation, the values its server sets,
//! and the seed records (`seeds/panther.json`).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use cloud_apis_spec::conformance::Spec;
use serde_json::Value;

use crate::reply::{error, now, Provider};
use crate::resources::{self, Engine, Paging, Rules, Store};
use crate::{Shared, State, PANTHER_TOKEN};

const P: Provider = Provider::Panther;

/// The records the sandbox starts with: alerts with their events and a comment, roles, a user, rules, context tags
/// and a cloud account.
const SEEDS: &str = include_str!("../seeds/panther.json");

const RULES: Rules = Rules {
    unique: &[
        ("/cloud-accounts/aws", "awsAccountId"),
        ("/roles", "name"),
        ("/log-sources/s3", "integrationLabel"),
        ("/log-sources/http", "integrationLabel"),
        ("/log-sources/gcs", "integrationLabel"),
        ("/log-sources/pubsub", "integrationLabel"),
        ("/log-sources/log-forwarder", "integrationLabel"),
    ],
    paging: Paging {
        cursor: "cursor",
        limit: "limit",
        next: "next",
        sort_dir: "sort-dir",
    },
    actions: &[("rotate", rotate)],
    stamped_on_create: &["createdAt"],
    stamped_on_change: &["updatedAt", "lastModified"],
    dry_run: "run-tests-only",
    fill,
};

/// `POST /api-tokens/{id}/rotate`: a new secret value.
fn rotate(token: &mut Value) {
    token["value"] = Value::String(format!("sandbox-{}", uuid::Uuid::new_v4().simple()));
    token["rotatedAt"] = Value::String(now());
}

/// What Panther's server sets when nobody sent it: timestamps (`...At`, `lastModified`) and uuids.
fn fill(property: Option<&str>, schema: &Value) -> Option<Value> {
    let timestamp = property.is_some_and(|p| p.ends_with("At") || p == "lastModified");
    if timestamp && schema["type"] == "string" {
        return Some(Value::String(now()));
    }
    (schema["format"] == "uuid").then(|| Value::String(uuid::Uuid::new_v4().to_string()))
}

/// Panther's engine, over the spec the client was generated from.
pub(crate) fn engine(spec: Arc<Spec>) -> Arc<Engine> {
    Engine::new(spec, P, RULES, |state: &mut State| &mut state.panther)
}

/// The seeded records.
pub(crate) fn seeded(engine: &Engine) -> Store {
    let seeds: Value = serde_json::from_str(SEEDS).expect("seeds/panther.json is JSON");
    engine.seeded(&seeds)
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

pub fn router(state: Shared, engine: Arc<Engine>) -> Router {
    Router::new()
        .fallback(resources::serve)
        .layer(middleware::from_fn(authorize))
        .with_state((state, engine))
}
