//! What the runtime records about one call, for [`crate::Error`].
//!
//! The record is kept by the runtime itself (see [`crate::call`]), never parsed back from anything a server sent:
//! the provider, operation, method, URL and attempts are the runtime's own; the status, message, code, excerpt,
//! `Retry-After` and redirect location are read from the final response, bounded and reduced to one line.

use std::borrow::Cow;

use serde_json::Value;

use crate::redact::Redactions;

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

/// One operation call, as the runtime saw it. Shows no credential: they travel in headers, which are not recorded,
/// and what the server sent passes through the call's [`Redactions`] before an error carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// Provider API name, e.g. `panther` (borrowed from the generated `API` when the runtime records the call, so
    /// recording costs no allocation).
    pub provider: Cow<'static, str>,
    /// The spec's `operationId`.
    pub operation: Cow<'static, str>,
    /// HTTP method.
    pub method: Cow<'static, str>,
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
    /// The credentials to keep out of what this record shows (set by the runtime; never displayed).
    #[doc(hidden)]
    pub redactions: Redactions,
}

impl Failure {
    /// A record of a call to `operation` of `provider`, with nothing known yet about how it went.
    pub fn call(
        provider: impl Into<Cow<'static, str>>,
        operation: impl Into<Cow<'static, str>>,
        method: impl Into<Cow<'static, str>>,
        url: &str,
    ) -> Self {
        Self {
            provider: provider.into(),
            operation: operation.into(),
            method: method.into(),
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

/// Where a provider's error body keeps its message and code: `(message, code)` from the parsed JSON body. Each
/// client crate defines its own (`error_message` at its root), and the generated `API` value carries it, so the
/// knowledge of a provider's error shape lives with that provider.
pub type ErrorMessage = fn(&Value) -> (Option<String>, Option<String>);

/// The provider's message and code from an error body, read by the provider's `parse`, each one capped line.
pub fn provider_message(body: &[u8], parse: ErrorMessage) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    let (message, code) = parse(&value);
    let clean = |t: String| Some(crate::error::server_text(&t)).filter(|t| !t.is_empty());
    (message.and_then(clean), code.and_then(clean))
}

/// The text of a message field: a non-blank string, or the strings of a list joined with `; `.
pub fn message_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(items) => {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

/// The first [`EXCERPT_CHARS`] characters of a body, as text.
pub fn excerpt(body: &[u8]) -> Option<String> {
    let text = one_line(&String::from_utf8_lossy(body), EXCERPT_CHARS);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A provider whose error body is `{"message": ...}`.
    fn by_message(body: &Value) -> (Option<String>, Option<String>) {
        (body.get("message").and_then(message_text), None)
    }

    #[test]
    fn the_providers_reader_names_the_message() {
        assert_eq!(
            provider_message(br#"{"message": "role not found"}"#, by_message),
            (Some("role not found".into()), None)
        );
        assert_eq!(
            provider_message(br#"{"message": ["a", 1, "b"]}"#, by_message),
            (Some("a; b".into()), None)
        );
        assert_eq!(
            provider_message(br#"{"error": "elsewhere"}"#, by_message),
            (None, None)
        );
        assert_eq!(message_text(&serde_json::json!("   ")), None);
    }

    #[test]
    fn unparseable_bodies_keep_an_excerpt() {
        assert_eq!(
            provider_message(b"<html>502 Bad Gateway</html>", by_message),
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
        let (message, _) = provider_message(long.as_bytes(), by_message);
        let message = message.unwrap();
        assert_eq!(message.chars().count(), crate::error::MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
        let (message, _) = provider_message(
            br#"{"message": "line one\nline two\r\n\u001b[2Jcleared"}"#,
            by_message,
        );
        assert_eq!(message.as_deref(), Some("line one line two [2Jcleared"));
        assert_eq!(one_line("  a \t b  ", 10), "a b");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("ab cd", 2), "ab…");
    }
}
