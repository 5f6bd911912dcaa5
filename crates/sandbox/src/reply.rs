//! Building responses and decoding request bodies, in each provider's error shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Which provider's error body to answer with.
#[derive(Debug, Clone, Copy)]
pub enum Provider {
    /// `{"message": "..."}`
    Panther,
    /// `{"error": "..."}`
    Cloudcraft,
    /// `{"errors": [{"code", "detail", "status", "title"}]}`
    Scp,
}

/// An error response in `provider`'s shape.
pub fn error(
    provider: Provider,
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
) -> Response {
    let message = message.into();
    let body = match provider {
        Provider::Panther => json!({ "message": message }),
        Provider::Cloudcraft => json!({ "error": message }),
        Provider::Scp => json!({ "errors": [{
            "code": code,
            "detail": message,
            "status": status.as_u16(),
            "title": status.canonical_reason().unwrap_or("Error").replace(' ', ""),
        }]}),
    };
    (status, Json(body)).into_response()
}

/// A JSON response.
pub fn json_reply(status: StatusCode, body: impl serde::Serialize) -> Response {
    (
        status,
        Json(serde_json::to_value(body).unwrap_or(Value::Null)),
    )
        .into_response()
}

/// A request body as JSON. The conformance layer has validated it against the operation's schema before any
/// handler runs, so handlers only read it.
pub fn body_json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_default()
}

/// A fresh id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Now, as RFC 3339.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
