//! What the runtime records about a failed request, for the facade's typed errors.
//!
//! Generated methods return progenitor's `Error<E>`, which keeps only the status, headers and (when the spec
//! declares one) the typed error body. The runtime therefore reads every final error response itself, restores
//! its body for the generated decoding, and attaches a [`Failure`] as the response header
//! [`FAILURE_HEADER`] (JSON). Transport failures, which never produce a response, reach the caller as
//! `Error::Custom` holding the same JSON. `cloud_apis::Error` turns either back into a typed error.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Response header carrying the runtime's [`Failure`] record of a final error response.
pub const FAILURE_HEADER: &str = "x-cloud-apis-failure";
/// Prefix of the `Error::Custom` message that carries a [`Failure`] for transport errors.
pub const FAILURE_PREFIX: &str = "cloud-apis failure: ";
/// How much of an unparseable error body is kept.
pub const EXCERPT_CHARS: usize = 300;

/// One failed operation call, as the runtime saw it. Never holds credentials: they travel in headers, which are
/// not recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Provider API name, e.g. `panther`.
    pub provider: String,
    /// The spec's `operationId`.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// The URL requested (its query included; the APIs here take no secrets in URLs).
    pub url: String,
    /// HTTP status of the final response; `None` for a transport failure.
    pub status: Option<u16>,
    /// How many attempts were made.
    pub attempts: u32,
    /// The provider's own message, parsed from its error body.
    pub message: Option<String>,
    /// The provider's error code, when its error body has one (SCP).
    pub code: Option<String>,
    /// The start of the body when no message could be parsed from it.
    pub excerpt: Option<String>,
    /// `Retry-After` of the final response, in seconds.
    pub retry_after_secs: Option<u64>,
    /// For transport failures: `timeout`, `connect` or `other`.
    pub transport: Option<String>,
}

impl Failure {
    /// A record of a call to `operation` of `provider`, with nothing known yet about how it failed.
    pub fn call(provider: &str, operation: &str, method: &str, url: &str) -> Self {
        Self {
            provider: provider.to_string(),
            operation: operation.to_string(),
            method: method.to_string(),
            url: url.to_string(),
            ..Self::default()
        }
    }
}

/// The provider message (and code) from an error body, whichever documented shape it has:
/// Panther `{"message"}`, Cloudcraft `{"error"}`, SCP `{"errors": [{"code", "detail", "title"}]}` (`detail` a string
/// or a list of strings), or validation lists `[{"loc", "msg", "type"}]`.
pub fn provider_message(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect();
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            _ => None,
        }
    };
    if let Some(errors) = value.get("errors").and_then(Value::as_array) {
        let messages: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                e.get("detail")
                    .and_then(text)
                    .or_else(|| e.get("title").and_then(text))
                    .or_else(|| e.get("message").and_then(text))
            })
            .collect();
        let code = errors
            .iter()
            .find_map(|e| e.get("code").and_then(Value::as_str).map(str::to_string));
        if !messages.is_empty() || code.is_some() {
            return ((!messages.is_empty()).then(|| messages.join("; ")), code);
        }
    }
    if let Some(items) = value.as_array() {
        let messages: Vec<String> = items
            .iter()
            .filter_map(|i| {
                let msg = i.get("msg").and_then(text)?;
                let loc = i.get("loc").and_then(Value::as_array).map(|l| {
                    l.iter()
                        .map(|p| {
                            p.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| p.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                });
                Some(match loc {
                    Some(loc) if !loc.is_empty() => format!("{loc}: {msg}"),
                    _ => msg,
                })
            })
            .collect();
        if !messages.is_empty() {
            return (Some(messages.join("; ")), None);
        }
    }
    let message = ["message", "error", "detail", "title"]
        .iter()
        .find_map(|k| value.get(*k).and_then(text));
    let code = value
        .get("code")
        .and_then(Value::as_str)
        .map(str::to_string);
    (message, code)
}

/// The first [`EXCERPT_CHARS`] characters of a body, as text.
pub fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_shape_yields_its_message() {
        assert_eq!(
            provider_message(br#"{"message": "role not found"}"#),
            (Some("role not found".into()), None)
        );
        assert_eq!(
            provider_message(br#"{"error": "Forbidden, insufficient privileges"}"#),
            (Some("Forbidden, insufficient privileges".into()), None)
        );
        assert_eq!(
            provider_message(
                br#"{"errors": [{"code": "CloudControl.NotFound", "detail": "landing zone not found", "status": 404, "title": "NotFound"}]}"#
            ),
            (Some("landing zone not found".into()), Some("CloudControl.NotFound".into()))
        );
        assert_eq!(
            provider_message(br#"{"errors": [{"code": "BadRequest", "detail": ["name is required", "size too big"]}]}"#),
            (Some("name is required; size too big".into()), Some("BadRequest".into()))
        );
        assert_eq!(
            provider_message(br#"[{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]"#),
            (Some("body.name: field required".into()), None)
        );
    }

    #[test]
    fn unparseable_bodies_keep_an_excerpt() {
        assert_eq!(
            provider_message(b"<html>502 Bad Gateway</html>"),
            (None, None)
        );
        assert_eq!(
            excerpt(b"<html>502 Bad Gateway</html>").as_deref(),
            Some("<html>502 Bad Gateway</html>")
        );
        let long = "x".repeat(1000);
        let cut = excerpt(long.as_bytes()).unwrap();
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(b"   "), None);
    }
}
