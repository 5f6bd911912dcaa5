//! Cloudcraft: every operation of its spec behind a bearer key. Blueprints, AWS and Azure accounts, the team and
//! the user are records of the spec-driven resource engine (entity tags and `If-Match` included, as the spec
//! documents them). What is Cloudcraft's own is here: the values its server sets, the seed records
//! (`seeds/cloudcraft.json`), and the renders: account snapshots behind the 202 long poll, blueprint images and
//! budgets.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State as AxumState};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cloud_apis_spec::conformance::Spec;
use serde_json::{json, Value};

use crate::budget::{self, Pricing};
use crate::render::{self, Scene};
use crate::reply::{error, json_reply, now, Provider};
use crate::resources::{self, Engine, Paging, Rules};
use crate::{Locked, Shared, State, CLOUDCRAFT_API_KEY};

const P: Provider = Provider::Cloudcraft;
/// How many polls of a snapshot answer 202 before the document is ready.
pub const PROCESSING_POLLS: u32 = 1;
/// The sandbox's user, who creates everything.
const USER: &str = "5d0c1f5e-8a7b-4c3d-9e2f-1a2b3c4d5e6f";
/// The external id Cloudcraft's IAM role trusts.
const EXTERNAL_ID: &str = "9b7c2e4a-3f1d-4e8b-a6c5-0d9e8f7a6b5c";

/// The records the sandbox starts with: an AWS account, an Azure account, a blueprint, the team and the user.
const SEEDS: &str = include_str!("../seeds/cloudcraft.json");

const AWS_ACCOUNTS: &str = "/aws/account";
const AZURE_ACCOUNTS: &str = "/azure/account";
const BLUEPRINTS: &str = "/blueprint";

const RULES: Rules = Rules {
    unique: &[(AWS_ACCOUNTS, "name"), (AZURE_ACCOUNTS, "name")],
    paging: Paging::NONE,
    actions: &[],
    stamped_on_create: &["createdAt"],
    stamped_on_change: &["updatedAt"],
    dry_run: "",
    fill,
};

/// Cloudcraft's records and the snapshots being rendered.
pub struct Store {
    pub records: resources::Store,
    polls: HashMap<String, u32>,
}

/// What Cloudcraft's server sets when nobody sent it: timestamps, the creating user, the external id, uuids.
fn fill(property: Option<&str>, schema: &Value) -> Option<Value> {
    let text = |s: &str| Some(Value::String(s.to_string()));
    match property {
        Some(p) if p.ends_with("At") && schema["type"] == "string" => Some(Value::String(now())),
        Some("CreatorId" | "LastUserId") => text(USER),
        Some("externalId") => text(EXTERNAL_ID),
        _ => (schema["format"] == "uuid").then(|| Value::String(uuid::Uuid::new_v4().to_string())),
    }
}

/// Cloudcraft's engine, over the spec the client was generated from.
pub(crate) fn engine(spec: Arc<Spec>) -> Arc<Engine> {
    Engine::new(spec, P, RULES, |state: &mut State| {
        &mut state.cloudcraft.records
    })
}

/// The seeded records.
pub(crate) fn seeded(engine: &Engine) -> Store {
    let seeds: Value = serde_json::from_str(SEEDS).expect("seeds/cloudcraft.json is JSON");
    Store {
        records: engine.seeded(&seeds),
        polls: HashMap::new(),
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

type Served = AxumState<(Shared, Arc<Engine>)>;
type Options = Query<HashMap<String, String>>;

pub fn router(state: Shared, engine: Arc<Engine>) -> Router {
    Router::new()
        .route(
            "/aws/account/{id}/{region}/{format}",
            get(|s: Served, p, q: Options| snapshot(s, AWS_ACCOUNTS, p, q)),
        )
        // A record path the snapshot route would otherwise take for an account id.
        .route(
            "/aws/account/iamParameters/policy/minimal",
            get(resources::serve),
        )
        .route(
            "/azure/account/{id}/{region}/{format}",
            get(|s: Served, p, q: Options| snapshot(s, AZURE_ACCOUNTS, p, q)),
        )
        .route("/blueprint/{id}/{format}", get(export_image))
        .route("/blueprint/{id}/budget/{format}", get(export_budget))
        .fallback(resources::serve)
        .layer(middleware::from_fn(authorize))
        .with_state((state, engine))
}

fn not_found(what: &str, id: &str) -> Response {
    error(
        P,
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("{what} {id} not found"),
    )
}

/// A rendered document with its media type.
fn document(content_type: &'static str, body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The scene a request's rendering options ask for (`width`, `height`, `grid`, `theme`).
fn scene(title: String, nodes: Vec<(String, String)>, query: &HashMap<String, String>) -> Scene {
    // The spec bounds both to 16..=4096 pixels, and the conformance layer answers 400 outside that range before
    // this runs; the clamp only keeps the renderer safe.
    let number = |k: &str, default: u32| {
        query
            .get(k)
            .and_then(|v| v.parse::<i64>().ok())
            .map_or(default, |n| n.clamp(16, 4096) as u32)
    };
    Scene {
        title,
        nodes,
        width: number("width", 1024),
        height: number("height", 768),
        dark: query.get("theme").map(String::as_str) == Some("dark"),
        grid: query.get("grid").map(String::as_str) != Some("false"),
    }
}

/// `scene` as `format` (`svg`, `png`, `pdf`, `mxGraph`; `json` is the blueprint).
fn rendered(scene: &Scene, format: &str) -> Response {
    match format {
        "json" => json_reply(StatusCode::OK, render::blueprint(scene)),
        "svg" => document("image/svg+xml", render::svg(scene).into_bytes()),
        "png" => document("image/png", render::png(scene)),
        "pdf" => document("application/pdf", render::pdf(scene)),
        _ => document("application/xml", render::mxgraph(scene).into_bytes()),
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

/// `GET /{aws,azure}/account/{id}/{region}/{format}`: 202 "still processing" for the first poll(s) of each distinct
/// snapshot, as Cloudcraft's long poll does, then the document.
async fn snapshot(
    AxumState((state, _)): Served,
    accounts: &'static str,
    Path((id, region, format)): Path<(String, String, String)>,
    Query(query): Options,
) -> Response {
    let mut state = state.locked();
    let Some(account) = state.cloudcraft.records.get(accounts, &id) else {
        return not_found("account", &id);
    };
    let name = account["name"].as_str().unwrap_or_default().to_string();
    let mut key_parts: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    key_parts.sort();
    let key = format!("{accounts}/{id}/{region}/{format}?{}", key_parts.join("&"));
    let polls = state.cloudcraft.polls.entry(key).or_default();
    *polls += 1;
    if *polls <= PROCESSING_POLLS {
        return json_reply(
            StatusCode::ACCEPTED,
            json!({"code": "STILL_PROCESSING", "retry": true,
                   "message": "Result wait time exceeded. Processing continues in the background, retry to receive result."}),
        );
    }
    let exclude: Vec<&str> = query
        .get("exclude")
        .map(|e| e.split(',').collect())
        .unwrap_or_default();
    let scene = scene(
        format!("{name} ({region})"),
        inventory(&region, &exclude),
        &query,
    );
    rendered(&scene, &format)
}

/// The blueprint `id`, if it exists.
fn blueprint(state: &Shared, id: &str) -> Option<Value> {
    let state = state.locked();
    state.cloudcraft.records.get(BLUEPRINTS, id).cloned()
}

/// `GET /blueprint/{id}/{format}`: the blueprint's components drawn as an image.
async fn export_image(
    AxumState((state, _)): Served,
    Path((id, format)): Path<(String, String)>,
    Query(query): Options,
) -> Response {
    let Some(blueprint) = blueprint(&state, &id) else {
        return not_found("blueprint", &id);
    };
    let data = &blueprint["data"];
    let title = data["name"]
        .as_str()
        .or(blueprint["name"].as_str())
        .unwrap_or("Blueprint")
        .to_string();
    let nodes = data["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            let field = |f: &str| n[f].as_str().unwrap_or_default().to_string();
            (field("type"), field("id"))
        })
        .collect();
    let mut query = query;
    if let Some(theme) = data["theme"]["base"].as_str() {
        query.entry("theme".into()).or_insert_with(|| theme.into());
    }
    rendered(&scene(title, nodes, &query), &format)
}

/// `GET /blueprint/{id}/budget/{format}`: the blueprint's components priced, as CSV or XLSX.
async fn export_budget(
    AxumState((state, _)): Served,
    Path((id, format)): Path<(String, String)>,
    Query(query): Options,
) -> Response {
    let Some(blueprint) = blueprint(&state, &id) else {
        return not_found("blueprint", &id);
    };
    let option = |name: &str, default: &'static str| {
        query
            .get(name)
            .map_or(default.to_string(), String::to_string)
    };
    let (currency, period, rate) = (
        option("currency", "USD"),
        option("period", "m"),
        option("rate", "effective"),
    );
    let pricing = Pricing {
        currency: &currency,
        period: &period,
        rate: &rate,
    };
    match format.as_str() {
        "xlsx" => document(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            budget::xlsx(&blueprint, &pricing),
        ),
        _ => document("text/csv", budget::csv(&blueprint, &pricing).into_bytes()),
    }
}
