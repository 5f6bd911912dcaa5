//! Building responses and decoding request bodies, in each provider's error shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
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

/// Decodes a request body into the spec-generated type `T`, or answers 400 naming the field at fault.
// The error is the response to send; handlers return it at once, so its size does not matter.
#[allow(clippy::result_large_err)]
pub fn decode<T: DeserializeOwned>(provider: Provider, body: &[u8]) -> Result<T, Response> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        error(
            provider,
            StatusCode::BAD_REQUEST,
            "InvalidRequestBody",
            format!("the body is not JSON: {e}"),
        )
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = if path == "." {
            e.into_inner().to_string()
        } else {
            format!("{path}: {}", e.into_inner())
        };
        error(
            provider,
            StatusCode::BAD_REQUEST,
            "InvalidRequestBody",
            message,
        )
    })
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
