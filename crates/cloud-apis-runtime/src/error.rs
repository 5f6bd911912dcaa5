//! One error type for every operation of every provider.
//!
//! Every generated `send()` returns this [`Error`]: the runtime records what it saw of the call (see
//! [`crate::call`]) and the error carries it, so a failure explains itself in one sentence whatever the caller's
//! function returns (`cloud_apis::Error`, `anyhow::Error`, `Box<dyn Error>`):
//!
//! ```text
//! panther `role#get` (GET https://api.acme.runpanther.net/roles/r-1) failed with HTTP 404 Not Found: role not found
//! ```
//!
//! Nothing a server sends can change what the error reports about the call (provider, operation, method, URL,
//! attempts): those come from the runtime alone. The server contributes its status, its message (capped at
//! [`MESSAGE_CHARS`] characters, control characters removed) and, for documented error statuses, the typed body.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::failure::{one_line, Failure, Transport};

/// How much of a provider's message an error keeps (characters); longer ones end with `…`.
pub const MESSAGE_CHARS: usize = 1024;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bad argument, refused before anything was sent.
    InvalidRequest,
    /// The client's configuration is unusable (a missing or malformed setting, named in the message).
    Config,
    /// The service answered with an error status (or a redirect, which is never followed).
    Status,
    /// No (complete) response: connection, timeout, TLS, reading the body.
    Transport,
    /// A success response whose body did not match the spec.
    Decode,
    /// A long-running operation (Cloudcraft snapshot rendering) outlived the caller's deadline.
    Deadline,
    /// A paginated walk made no progress (the server repeated pages, cursors or empty pages) or hit its page
    /// ceiling.
    PaginationStalled,
    /// A response body larger than the client reads into memory (`HttpOptions::max_response_body`, or the limit
    /// given to `Download::bytes`); the rest of it was never read.
    ResponseTooLarge,
    /// Anything else.
    Other,
}

/// A failed operation call. `Display` is one sentence naming the provider, operation, method, URL, status,
/// attempts and the provider's message; credentials never appear in it, nor in `Debug`.
///
/// ```
/// use cloud_apis_runtime::{Error, ErrorKind};
///
/// let e = Error::new(ErrorKind::InvalidRequest, Default::default(), "id: `..` is not a path segment");
/// assert_eq!(e.kind(), ErrorKind::InvalidRequest);
/// assert_eq!(e.to_string(), "invalid request, nothing was sent: id: `..` is not a path segment");
/// ```
#[derive(Clone)]
pub struct Error {
    // Boxed: a `Result<T, Error>` stays the size of `T` plus a pointer on the happy path.
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    call: Failure,
    detail: Option<String>,
    headers: Option<HeaderMap>,
    body: Option<Arc<dyn Any + Send + Sync>>,
    body_type: Option<&'static str>,
}

impl fmt::Debug for Error {
    // Response headers are left out: a hostile server could echo a credential back in one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("call", &self.inner.call)
            .field("detail", &self.inner.detail)
            .field("typed_body", &self.inner.body_type)
            .finish()
    }
}

impl Error {
    /// An error of `kind` about the call `call`, with a detail sentence. For code built on this runtime (the
    /// facade's compound operations); generated operations build their errors themselves.
    ///
    /// Every text the error carries passes through the call's [`crate::Redactions`]: a credential the server
    /// echoed never reaches `Display`, `Debug` or the accessors.
    pub fn new(kind: ErrorKind, mut call: Failure, detail: impl Into<String>) -> Self {
        let mut detail = detail.into();
        let redactions = &call.redactions;
        redactions.text(&mut detail);
        for text in [
            &mut call.message,
            &mut call.code,
            &mut call.excerpt,
            &mut call.location,
        ]
        .into_iter()
        .flatten()
        {
            redactions.text(text);
        }
        Self {
            inner: Box::new(Inner {
                kind,
                call,
                detail: (!detail.is_empty()).then_some(detail),
                headers: None,
                body: None,
                body_type: None,
            }),
        }
    }

    pub(crate) fn with_headers(mut self, mut headers: HeaderMap) -> Self {
        self.inner.call.redactions.headers(&mut headers);
        self.inner.headers = Some(headers);
        self
    }

    pub(crate) fn with_body<T: Send + Sync + 'static>(mut self, body: T) -> Self {
        self.inner.body_type = Some(std::any::type_name::<T>());
        self.inner.body = Some(Arc::new(body));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The provider API, e.g. `panther`.
    pub fn provider(&self) -> &str {
        &self.inner.call.provider
    }

    /// The spec's `operationId`.
    pub fn operation(&self) -> &str {
        &self.inner.call.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.inner.call.method
    }

    /// The URL requested (empty when nothing was sent).
    pub fn url(&self) -> &str {
        &self.inner.call.url
    }

    /// The HTTP status of the final response, whatever its body was.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner
            .call
            .status
            .and_then(|s| StatusCode::from_u16(s).ok())
    }

    /// The provider's own error message (at most [`MESSAGE_CHARS`] characters).
    pub fn message(&self) -> Option<&str> {
        self.inner.call.message.as_deref()
    }

    /// The provider's error code (SCP's `errors[].code`).
    pub fn code(&self) -> Option<&str> {
        self.inner.call.code.as_deref()
    }

    /// The start of an error body that carried no recognisable message.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.inner.call.excerpt.as_deref()
    }

    /// The error body as the spec documents it for this status, e.g. `e.body::<types::Error>()`; `None`
    /// when the status is undocumented, the body did not match, or `T` is another type.
    pub fn body<T: Any>(&self) -> Option<&T> {
        self.inner.body.as_deref().and_then(|b| b.downcast_ref())
    }

    /// The Rust type the documented error body was decoded into, when it was.
    pub fn body_type(&self) -> Option<&'static str> {
        self.inner.body_type
    }

    /// The headers of the final response, when there was one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// Attempts made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.call.attempts
    }

    /// The wait the service asked for (`Retry-After`), also when it was too long to wait for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.call.retry_after_secs.map(Duration::from_secs)
    }

    /// Where a redirect pointed (redirects are never followed: credentials stay with their origin).
    pub fn redirect_location(&self) -> Option<&str> {
        self.inner.call.location.as_deref()
    }

    /// The record of the call this error is about.
    pub fn call(&self) -> &Failure {
        &self.inner.call
    }

    /// HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.inner.call.status == Some(404)
    }

    /// HTTP 409 (e.g. an AWS account registered twice).
    pub fn is_conflict(&self) -> bool {
        self.inner.call.status == Some(409)
    }

    /// HTTP 412: the record changed since the version named in `If-Match` was read (a Cloudcraft blueprint
    /// updated by someone else); read it again, reapply the change, and write with the new entity tag.
    pub fn is_precondition_failed(&self) -> bool {
        self.inner.call.status == Some(412)
    }

    /// HTTP 401: missing, wrong or expired credentials (or, for SCP, a signature that does not verify).
    pub fn is_unauthorized(&self) -> bool {
        self.inner.call.status == Some(401)
    }

    /// HTTP 403: valid credentials without the permission.
    pub fn is_forbidden(&self) -> bool {
        self.inner.call.status == Some(403)
    }

    /// HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        self.inner.call.status == Some(429)
    }

    /// A redirect, which the clients never follow: a 3xx answer, or (with a caller's own HTTP client that follows
    /// redirects) an answer from another origin than the one asked, whose content is not read.
    pub fn is_redirect(&self) -> bool {
        self.status().is_some_and(|s| s.is_redirection())
            || (self.inner.kind == ErrorKind::Status && self.inner.call.location.is_some())
    }

    /// A timeout: the transport's, or a long-running operation's deadline.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Deadline
            || self.inner.call.transport == Some(Transport::Timeout)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = &self.inner.call;
        let detail = self.inner.detail.as_deref().unwrap_or("");
        if self.inner.kind == ErrorKind::Config {
            return write!(f, "{detail}");
        }
        if self.inner.kind == ErrorKind::InvalidRequest {
            write!(f, "invalid request, nothing was sent: ")?;
            if !call.operation.is_empty() {
                write!(f, "{} `{}`: ", call.provider, call.operation)?;
            }
            return write!(f, "{detail}");
        }
        match (call.provider.is_empty(), call.operation.is_empty()) {
            (false, false) => write!(f, "{} `{}` ", call.provider, call.operation)?,
            (false, true) => write!(f, "{} ", call.provider)?,
            _ if !call.url.is_empty() => write!(f, "request ")?,
            _ => {}
        }
        match (call.method.is_empty(), call.url.is_empty()) {
            (false, false) => write!(f, "({} {}) ", call.method, call.url)?,
            (true, false) => write!(f, "({}) ", call.url)?,
            _ => {}
        }
        let attempts = |f: &mut fmt::Formatter<'_>| {
            if call.attempts > 1 {
                write!(f, " after {} attempts", call.attempts)
            } else {
                Ok(())
            }
        };
        match self.inner.kind {
            ErrorKind::Status => {
                match self.status() {
                    Some(s) => write!(f, "failed with HTTP {s}")?,
                    None => write!(f, "failed with an error status")?,
                }
                attempts(f)?;
                if let Some(location) = &call.location {
                    write!(
                        f,
                        ": redirected to {location}, which is not followed so that credentials never leave \
                         the configured origin"
                    )?;
                }
                match (&call.message, &call.code, &call.excerpt) {
                    (Some(m), Some(c), _) => write!(f, ": {m} ({c})")?,
                    (Some(m), None, _) => write!(f, ": {m}")?,
                    (None, Some(c), _) => write!(f, ": {c}")?,
                    (None, None, Some(body)) => write!(f, "; response body: {body:?}")?,
                    (None, None, None) => {}
                }
                if let Some(wait) = call.retry_after_secs {
                    if self.is_rate_limited() || call.status == Some(503) {
                        write!(f, " (the service asks to wait {wait} s)")?;
                    }
                }
                if !detail.is_empty() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            ErrorKind::Transport => {
                let what = match call.transport {
                    Some(Transport::Timeout) => "timed out",
                    Some(Transport::Connect) => "could not connect",
                    _ => "failed in transport",
                };
                write!(f, "{what}")?;
                attempts(f)?;
                if let Some(status) = self.status() {
                    write!(f, " while reading the HTTP {status} response")?;
                }
                let detail = self.inner.detail.as_deref().or(call.message.as_deref());
                match detail {
                    Some(d) if !d.is_empty() => write!(f, ": {d}"),
                    _ => Ok(()),
                }
            }
            ErrorKind::Decode => {
                write!(f, "returned a response that does not match the spec")?;
                if let Some(status) = self.status() {
                    write!(f, " (HTTP {status})")?;
                }
                write!(f, ": {detail}")
            }
            ErrorKind::PaginationStalled => write!(f, "pagination stalled: {detail}"),
            ErrorKind::ResponseTooLarge => {
                write!(f, "returned a response body that is too large")?;
                if let Some(status) = self.status() {
                    write!(f, " (HTTP {status})")?;
                }
                write!(f, ": {detail}")
            }
            ErrorKind::Deadline
            | ErrorKind::Other
            | ErrorKind::InvalidRequest
            | ErrorKind::Config => {
                write!(f, "failed: {detail}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// A detail sentence built from text that may come from a server: one line, capped.
pub(crate) fn server_text(text: &str) -> String {
    one_line(text, MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: u16, message: Option<&str>) -> Failure {
        Failure {
            provider: "panther".into(),
            operation: "role#get".into(),
            method: "GET".into(),
            url: "https://api.acme.runpanther.net/roles/r-1".into(),
            status: Some(status),
            attempts: 1,
            message: message.map(str::to_string),
            ..Failure::default()
        }
    }

    #[test]
    fn status_errors_read_as_one_sentence() {
        let e = Error::new(ErrorKind::Status, failure(404, Some("role not found")), "");
        assert_eq!(
            e.to_string(),
            "panther `role#get` (GET https://api.acme.runpanther.net/roles/r-1) failed with HTTP 404 Not Found: \
             role not found"
        );
        assert!(e.is_not_found() && !e.is_conflict() && !e.is_rate_limited());
    }

    #[test]
    fn a_stale_entity_tag_is_told_apart() {
        let stale = Error::new(ErrorKind::Status, failure(412, Some("changed")), "");
        assert!(stale.is_precondition_failed() && !stale.is_conflict());
        let missing = Error::new(ErrorKind::Status, failure(404, None), "");
        assert!(!missing.is_precondition_failed());
    }

    #[test]
    fn attempts_codes_and_excerpts_are_shown() {
        let mut f = failure(503, None);
        f.attempts = 3;
        f.excerpt = Some("<html>busy</html>".into());
        let e = Error::new(ErrorKind::Status, f, "");
        assert!(e.to_string().ends_with(
            "failed with HTTP 503 Service Unavailable after 3 attempts; response body: \"<html>busy</html>\""
        ));
        let mut f = failure(409, Some("already exists"));
        f.code = Some("CloudControl.Conflict".into());
        assert!(Error::new(ErrorKind::Status, f, "")
            .to_string()
            .ends_with(": already exists (CloudControl.Conflict)"));
    }

    #[test]
    fn transport_failures_say_how_often_they_were_tried() {
        let mut f = failure(0, None);
        f.status = None;
        f.attempts = 3;
        f.transport = Some(Transport::Connect);
        let e = Error::new(ErrorKind::Transport, f, "connection refused");
        assert_eq!(
            e.to_string(),
            "panther `role#get` (GET https://api.acme.runpanther.net/roles/r-1) could not connect after 3 \
             attempts: connection refused"
        );
        assert!(!e.is_timeout());
    }

    #[test]
    fn a_long_wait_is_reported_with_the_rate_limit() {
        let mut f = failure(429, Some("slow down"));
        f.retry_after_secs = Some(3600);
        let e = Error::new(ErrorKind::Status, f, "");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
        assert!(
            e.to_string()
                .ends_with("429 Too Many Requests: slow down (the service asks to wait 3600 s)"),
            "{e}"
        );
    }

    #[test]
    fn typed_bodies_are_reachable_by_type() {
        #[derive(Debug, PartialEq)]
        struct Documented(&'static str);
        let e = Error::new(ErrorKind::Status, failure(404, None), "")
            .with_headers(HeaderMap::new())
            .with_body(Documented("gone"));
        assert_eq!(e.body::<Documented>(), Some(&Documented("gone")));
        assert_eq!(e.body::<String>(), None);
        assert!(e.body_type().unwrap().ends_with("Documented"));
        assert!(format!("{e:?}").contains("Documented"), "{e:?}");
    }
}
