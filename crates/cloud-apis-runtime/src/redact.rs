//! Credentials a server may echo back.
//!
//! A broken or hostile server can repeat what it was sent (`{"message": "invalid key abc123"}`, a redirect to
//! `https://evil.example/?key=abc123`, a header). Every text an [`crate::Error`] carries from a server (message,
//! code, body excerpt, redirect location, headers, the documented error body) passes through the call's
//! [`Redactions`] first, so the credentials the call was made with never reach a log, a terminal or a panic.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// What replaces a credential in server text.
pub const REDACTED: &str = "[REDACTED]";

/// The credential values of one call: those the client was configured with, and the sensitive headers of the
/// last request sent (a request signature changes with every attempt). Shows no value in `Debug`.
#[derive(Clone, Default)]
pub struct Redactions {
    configured: Option<Arc<[SecretString]>>,
    sent: Vec<HeaderValue>,
}

impl fmt::Debug for Redactions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactions({} values)", self.values().count())
    }
}

/// Two records of a call are equal whatever credentials they redact.
impl PartialEq for Redactions {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Redactions {}

impl Redactions {
    /// The credentials a client was configured with.
    pub(crate) fn configured(values: Arc<[SecretString]>) -> Self {
        Self {
            configured: (!values.is_empty()).then_some(values),
            sent: Vec::new(),
        }
    }

    /// Keeps the sensitive header values of the request just signed (replacing those of an earlier attempt).
    pub(crate) fn note_sent(&mut self, headers: &HeaderMap) {
        self.sent.clear();
        self.sent.extend(
            headers
                .values()
                .filter(|v| v.is_sensitive() && !v.is_empty())
                .cloned(),
        );
    }

    fn values(&self) -> impl Iterator<Item = &[u8]> {
        let configured = self.configured.iter().flat_map(|values| values.iter());
        configured
            .map(|v| v.expose_secret().as_bytes())
            .chain(self.sent.iter().map(HeaderValue::as_bytes))
            .filter(|v| !v.is_empty())
    }

    /// Each value as it may stand in server text: as it is, and escaped as in a JSON string.
    fn forms(&self) -> impl Iterator<Item = Vec<u8>> + '_ {
        self.values().flat_map(|value| {
            let escaped = serde_json::to_string(&String::from_utf8_lossy(value))
                .map(|quoted| quoted.as_bytes()[1..quoted.len() - 1].to_vec())
                .unwrap_or_default();
            let plain = value.to_vec();
            let extra = (escaped != plain && !escaped.is_empty()).then_some(escaped);
            std::iter::once(plain).chain(extra)
        })
    }

    /// `text` with every credential replaced by [`REDACTED`].
    pub fn text(&self, text: &mut String) {
        for form in self.forms() {
            let Ok(form) = std::str::from_utf8(&form) else {
                continue;
            };
            if text.contains(form) {
                *text = text.replace(form, REDACTED);
            }
        }
    }

    /// `body` with every credential replaced by [`REDACTED`]; the same bytes when there is none in it.
    pub fn bytes(&self, body: Bytes) -> Bytes {
        let mut out: Option<Vec<u8>> = None;
        for form in self.forms() {
            let current = out.as_deref().unwrap_or(&body);
            if find(current, &form).is_some() {
                out = Some(replace(current, &form, REDACTED.as_bytes()));
            }
        }
        out.map_or(body, Bytes::from)
    }

    /// Header values that contain a credential become [`REDACTED`].
    pub fn headers(&self, headers: &mut HeaderMap) {
        let forms: Vec<Vec<u8>> = self.forms().collect();
        if forms.is_empty() {
            return;
        }
        for value in headers.values_mut() {
            if forms.iter().any(|f| find(value.as_bytes(), f).is_some()) {
                *value = HeaderValue::from_static(REDACTED);
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactions(values: &[&str]) -> Redactions {
        Redactions::configured(values.iter().map(|v| SecretString::from(*v)).collect())
    }

    #[test]
    fn every_occurrence_and_its_json_escaped_form_is_replaced() {
        let r = redactions(&["tok-123", "a\"b/c"]);
        let mut text = "bad key tok-123 (was tok-123), other a\"b/c".to_string();
        r.text(&mut text);
        assert_eq!(
            text,
            "bad key [REDACTED] (was [REDACTED]), other [REDACTED]"
        );

        let body = Bytes::from_static(br#"{"message":"key tok-123 and a\"b/c refused"}"#);
        let redacted = r.bytes(body);
        assert_eq!(
            &redacted[..],
            br#"{"message":"key [REDACTED] and [REDACTED] refused"}"#
        );
        // Still JSON: the replacement needs no escaping.
        assert!(serde_json::from_slice::<serde_json::Value>(&redacted).is_ok());
    }

    #[test]
    fn text_without_a_credential_is_left_alone() {
        let r = redactions(&["tok-123"]);
        let body = Bytes::from_static(b"nothing here");
        assert_eq!(r.bytes(body.clone()).as_ptr(), body.as_ptr());
        assert_eq!(Redactions::default().bytes(body.clone()), body);
    }

    #[test]
    fn sent_sensitive_headers_are_redacted_and_replaced_per_attempt() {
        let mut r = Redactions::default();
        let mut sent = HeaderMap::new();
        let mut signature = HeaderValue::from_static("sig-first");
        signature.set_sensitive(true);
        sent.insert("scp-signature", signature);
        sent.insert("scp-timestamp", HeaderValue::from_static("1700000000000"));
        r.note_sent(&sent);
        let mut text = "sig-first at 1700000000000".to_string();
        r.text(&mut text);
        assert_eq!(text, "[REDACTED] at 1700000000000");

        let mut echoed = HeaderMap::new();
        echoed.insert("x-echo", HeaderValue::from_static("got sig-first"));
        echoed.insert("x-other", HeaderValue::from_static("fine"));
        r.headers(&mut echoed);
        assert_eq!(echoed["x-echo"], REDACTED);
        assert_eq!(echoed["x-other"], "fine");

        let mut again = HeaderMap::new();
        let mut second = HeaderValue::from_static("sig-second");
        second.set_sensitive(true);
        again.insert("scp-signature", second);
        r.note_sent(&again);
        assert_eq!(format!("{r:?}"), "Redactions(1 values)");
        assert!(!format!("{r:?}").contains("sig"));
    }
}
