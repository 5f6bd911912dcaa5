//! What the runtime records about one call, for [`crate::Error`].
//!
//! The record is kept by the runtime itself (see [`crate::call`]), never parsed back from anything a server sent:
//! the provider, operation, method, URL and attempts are the runtime's own; the status, message, code, excerpt,
//! `Retry-After` and redirect location are read from the final response, bounded and reduced to one line.

use serde_json::Value;

/// How much of an unparseable error body is kept.
pub const EXCERPT_CHARS: usize = 300;

/// How a request failed without a (complete) response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The connect or total timeout, or the idle timeout while reading.
    Timeout,
    /// No connection could be made: nothing was sent.
    Connect,
    /// The connection failed after it was made (reset, closed early, a broken body).
    Other,
}

impl Transport {
    /// The kind of a reqwest error.
    pub fn of(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            Transport::Timeout
        } else if error.is_connect() {
            Transport::Connect
        } else {
            Transport::Other
        }
    }
}

/// One operation call, as the runtime saw it. Never holds credentials: they travel in headers, which are not
/// recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// Provider API name, e.g. `panther`.
    pub provider: String,
    /// The spec's `operationId`.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// The URL requested (its query included; the APIs here take no secrets in URLs).
    pub url: String,
    /// HTTP status of the final response; `None` when there was none.
    pub status: Option<u16>,
    /// How many attempts were made.
    pub attempts: u32,
    /// The provider's own message, parsed from its error body (one line, capped).
    pub message: Option<String>,
    /// The provider's error code, when its error body has one (SCP).
    pub code: Option<String>,
    /// The start of the body when no message could be parsed from it.
    pub excerpt: Option<String>,
    /// `Retry-After` of the final response, in seconds.
    pub retry_after_secs: Option<u64>,
    /// Where a 3xx answer pointed (never followed).
    pub location: Option<String>,
    /// For failures without a complete response: how the transport failed.
    pub transport: Option<Transport>,
}

impl Failure {
    /// A record of a call to `operation` of `provider`, with nothing known yet about how it went.
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

/// `text` on one line (control characters become spaces, runs of white space one space), at most `max`
/// characters, then `…`. Server text passes through this before it reaches an error or a log.
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_control() || c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            if count == max {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        space = false;
        if count == max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// The provider message (and code) from an error body, whichever documented shape it has:
/// Panther `{"message"}`, Cloudcraft `{"error"}`, SCP `{"errors": [{"code", "detail", "title"}]}` (`detail` a string
/// or a list of strings), or validation lists `[{"loc", "msg", "type"}]`.
pub fn provider_message(body: &[u8]) -> (Option<String>, Option<String>) {
    let (message, code) = parse_provider_message(body);
    let clean = |t: String| Some(crate::error::server_text(&t)).filter(|t| !t.is_empty());
    (message.and_then(clean), code.and_then(clean))
}

fn parse_provider_message(body: &[u8]) -> (Option<String>, Option<String>) {
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
    let text = one_line(&String::from_utf8_lossy(body), EXCERPT_CHARS);
    (!text.is_empty()).then_some(text)
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
        assert_eq!(
            excerpt(b"<html>\r\n<b>busy</b>\x1b[31m</html>").as_deref(),
            Some("<html> <b>busy</b> [31m</html>")
        );
        let long = "x".repeat(1000);
        let cut = excerpt(long.as_bytes()).unwrap();
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(b"   "), None);
    }

    #[test]
    fn messages_are_one_capped_line() {
        let long = format!("{{\"message\": \"{}\"}}", "y".repeat(10 * 1024 * 1024));
        let (message, _) = provider_message(long.as_bytes());
        let message = message.unwrap();
        assert_eq!(message.chars().count(), crate::error::MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
        let (message, _) =
            provider_message(br#"{"message": "line one\nline two\r\n\u001b[2Jcleared"}"#);
        assert_eq!(message.as_deref(), Some("line one line two [2Jcleared"));
        assert_eq!(one_line("  a \t b  ", 10), "a b");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("ab cd", 2), "ab…");
    }
}
