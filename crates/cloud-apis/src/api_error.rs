//! One error type for every operation of every provider.
//!
//! Generated methods return progenitor's `Error<E>`; `?` in a function returning [`cloud_apis::Error`](Error)
//! converts it, recovering what the runtime recorded about the call (provider, operation, method, URL, status,
//! attempts, the provider's own message), so a failure explains itself:
//!
//! ```text
//! panther `role#get` (GET https://api.acme.runpanther.net/roles/r-1) failed with HTTP 404 Not Found: role not found
//! ```
//!
//! ```no_run
//! # async fn run(panther: cloud_apis::panther::Client) -> Result<(), cloud_apis::Error> {
//! match panther.role_get().id("r-1").send().await.map_err(cloud_apis::Error::from) {
//!     Ok(role) => println!("{}", role.name),
//!     Err(e) if e.is_not_found() => println!("no such role"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use cloud_apis_runtime::failure::{excerpt, FAILURE_HEADER, FAILURE_PREFIX};
use cloud_apis_runtime::Failure;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bad argument, refused before anything was sent.
    InvalidRequest,
    /// The service answered with an error status.
    Status,
    /// No (complete) response: connection, timeout, TLS, reading the body.
    Transport,
    /// A success response whose body did not match the spec.
    Decode,
    /// A long-running operation (Cloudcraft snapshot rendering) outlived the caller's deadline.
    Deadline,
    /// Anything else.
    Other,
}

/// A failed operation call. `Display` is one sentence naming the provider, operation, method, URL, status and the
/// provider's message; credentials never appear in it.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    failure: Failure,
    detail: Option<String>,
}

impl Error {
    fn new(kind: ErrorKind, failure: Failure, detail: Option<String>) -> Self {
        Self {
            kind,
            failure,
            detail,
        }
    }

    fn bare(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self::new(kind, Failure::default(), Some(detail.into()))
    }

    pub(crate) fn bare_kind(kind: ErrorKind, detail: String) -> Self {
        Self::bare(kind, detail)
    }

    /// A deadline error for a long-running operation that is still in progress.
    pub(crate) fn deadline(failure: Failure, detail: String) -> Self {
        Self::new(ErrorKind::Deadline, failure, Some(detail))
    }

    /// A decode error for a body the facade itself parses.
    pub(crate) fn decode(failure: Failure, detail: String) -> Self {
        Self::new(ErrorKind::Decode, failure, Some(detail))
    }

    /// A transport error while the facade itself reads a body.
    pub(crate) fn transport(failure: Failure, detail: String) -> Self {
        Self::new(ErrorKind::Transport, failure, Some(detail))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The provider API, e.g. `panther` (empty when unknown, e.g. for an invalid request).
    pub fn provider(&self) -> &str {
        &self.failure.provider
    }

    /// The spec's `operationId`.
    pub fn operation(&self) -> &str {
        &self.failure.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.failure.method
    }

    /// The URL requested.
    pub fn url(&self) -> &str {
        &self.failure.url
    }

    /// The HTTP status of the final response.
    pub fn status(&self) -> Option<StatusCode> {
        self.failure
            .status
            .and_then(|s| StatusCode::from_u16(s).ok())
    }

    /// The provider's own error message.
    pub fn message(&self) -> Option<&str> {
        self.failure.message.as_deref()
    }

    /// The provider's error code (SCP's `errors[].code`).
    pub fn code(&self) -> Option<&str> {
        self.failure.code.as_deref()
    }

    /// The start of an error body that carried no recognisable message.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.failure.excerpt.as_deref()
    }

    /// Attempts made (0 when unknown).
    pub fn attempts(&self) -> u32 {
        self.failure.attempts
    }

    /// The wait the service asked for (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.failure.retry_after_secs.map(Duration::from_secs)
    }

    /// HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.failure.status == Some(404)
    }

    /// HTTP 409 (e.g. an AWS account registered twice).
    pub fn is_conflict(&self) -> bool {
        self.failure.status == Some(409)
    }

    /// HTTP 401: missing, wrong or expired credentials (or, for SCP, a signature that does not verify).
    pub fn is_unauthorized(&self) -> bool {
        self.failure.status == Some(401)
    }

    /// HTTP 403: valid credentials without the permission.
    pub fn is_forbidden(&self) -> bool {
        self.failure.status == Some(403)
    }

    /// HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        self.failure.status == Some(429)
    }

    /// A timeout: the transport's, or a long-running operation's deadline.
    pub fn is_timeout(&self) -> bool {
        self.kind == ErrorKind::Deadline || self.failure.transport.as_deref() == Some("timeout")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f_ = &self.failure;
        if self.kind == ErrorKind::InvalidRequest {
            return write!(
                f,
                "invalid request, nothing was sent: {}",
                self.detail.as_deref().unwrap_or("")
            );
        }
        let mut who = String::new();
        if !f_.provider.is_empty() {
            who.push_str(&f_.provider);
            who.push(' ');
        }
        if !f_.operation.is_empty() {
            who.push_str(&format!("`{}` ", f_.operation));
        }
        let request = match (f_.method.is_empty(), f_.url.is_empty()) {
            (false, false) => format!("({} {}) ", f_.method, f_.url),
            (true, false) => format!("({}) ", f_.url),
            _ => String::new(),
        };
        let who = if who.is_empty() {
            "request ".to_string()
        } else {
            who
        };
        write!(f, "{who}{request}")?;
        match self.kind {
            ErrorKind::Status => {
                let status = self
                    .status()
                    .map(|s| format!("HTTP {s}"))
                    .unwrap_or_else(|| "an error status".into());
                write!(f, "failed with {status}")?;
                if f_.attempts > 1 {
                    write!(f, " after {} attempts", f_.attempts)?;
                }
                match (&f_.message, &f_.code, &f_.excerpt) {
                    (Some(m), Some(c), _) => write!(f, ": {m} ({c})"),
                    (Some(m), None, _) => write!(f, ": {m}"),
                    (None, Some(c), _) => write!(f, ": {c}"),
                    (None, None, Some(body)) => write!(f, "; response body: {body:?}"),
                    (None, None, None) => Ok(()),
                }
            }
            ErrorKind::Transport => {
                let what = match f_.transport.as_deref() {
                    Some("timeout") => "timed out",
                    Some("connect") => "could not connect",
                    _ => "failed in transport",
                };
                let detail = self
                    .detail
                    .as_deref()
                    .or(f_.message.as_deref())
                    .unwrap_or("");
                write!(f, "{what}: {detail}")
            }
            ErrorKind::Decode => write!(
                f,
                "returned a response that does not match the spec: {}",
                self.detail.as_deref().unwrap_or("")
            ),
            ErrorKind::Deadline | ErrorKind::Other | ErrorKind::InvalidRequest => {
                write!(f, "failed: {}", self.detail.as_deref().unwrap_or(""))
            }
        }
    }
}

impl std::error::Error for Error {}

/// The runtime's record in a response's headers, if any.
fn recorded(headers: &HeaderMap) -> Option<Failure> {
    headers
        .get(FAILURE_HEADER)
        .and_then(|v| serde_json::from_slice(v.as_bytes()).ok())
}

/// A status error without a runtime record (a client not built through the runtime).
fn unrecorded(status: StatusCode, url: Option<String>) -> Failure {
    Failure {
        status: Some(status.as_u16()),
        url: url.unwrap_or_default(),
        ..Failure::default()
    }
}

impl<E> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) => Error::bare(ErrorKind::InvalidRequest, message),
            P::ErrorResponse(response) => {
                let failure = recorded(response.headers())
                    .unwrap_or_else(|| unrecorded(response.status(), None));
                Error::new(ErrorKind::Status, failure, None)
            }
            P::UnexpectedResponse(response) => {
                let failure = recorded(response.headers()).unwrap_or_else(|| {
                    unrecorded(response.status(), Some(response.url().to_string()))
                });
                if response.status().is_success() {
                    let detail = format!("undocumented status {}", response.status());
                    return Error::new(ErrorKind::Decode, failure, Some(detail));
                }
                Error::new(ErrorKind::Status, failure, None)
            }
            P::Custom(message) => match message
                .strip_prefix(FAILURE_PREFIX)
                .and_then(|json| serde_json::from_str::<Failure>(json).ok())
            {
                Some(failure) => Error::new(ErrorKind::Transport, failure, None),
                None => Error::bare(ErrorKind::Other, message),
            },
            P::CommunicationError(e) | P::ResponseBodyError(e) => {
                let failure = Failure {
                    url: e.url().map(|u| u.to_string()).unwrap_or_default(),
                    transport: Some(if e.is_timeout() { "timeout" } else { "other" }.into()),
                    ..Failure::default()
                };
                Error::new(ErrorKind::Transport, failure, Some(e.to_string()))
            }
            P::InvalidResponsePayload(body, e) => {
                let mut detail = e.to_string();
                if let Some(start) = excerpt(&body) {
                    detail.push_str(&format!("; body starts with {start:?}"));
                }
                Error::bare(ErrorKind::Decode, detail)
            }
            P::InvalidUpgrade(e) => Error::bare(ErrorKind::Other, e.to_string()),
        }
    }
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
        let e = Error::new(
            ErrorKind::Status,
            failure(404, Some("role not found")),
            None,
        );
        assert_eq!(
            e.to_string(),
            "panther `role#get` (GET https://api.acme.runpanther.net/roles/r-1) failed with HTTP 404 Not Found: \
             role not found"
        );
        assert!(e.is_not_found() && !e.is_conflict() && !e.is_rate_limited());
    }

    #[test]
    fn attempts_codes_and_excerpts_are_shown() {
        let mut f = failure(503, None);
        f.attempts = 3;
        f.excerpt = Some("<html>busy</html>".into());
        let e = Error::new(ErrorKind::Status, f, None);
        assert!(e.to_string().ends_with(
            "failed with HTTP 503 Service Unavailable after 3 attempts; response body: \"<html>busy</html>\""
        ));
        let mut f = failure(409, Some("already exists"));
        f.code = Some("CloudControl.Conflict".into());
        assert!(Error::new(ErrorKind::Status, f, None)
            .to_string()
            .ends_with(": already exists (CloudControl.Conflict)"));
    }

    #[test]
    fn transport_failures_come_back_from_the_custom_channel() {
        let mut f = failure(0, Some("operation timed out"));
        f.status = None;
        f.transport = Some("timeout".into());
        let custom: progenitor_client::Error<()> = progenitor_client::Error::Custom(format!(
            "{FAILURE_PREFIX}{}",
            serde_json::to_string(&f).unwrap()
        ));
        let e = Error::from(custom);
        assert_eq!(e.kind(), ErrorKind::Transport);
        assert!(e.is_timeout());
        assert_eq!(
            e.to_string(),
            "panther `role#get` (GET https://api.acme.runpanther.net/roles/r-1) timed out: operation timed out"
        );
    }

    #[test]
    fn invalid_requests_say_nothing_was_sent() {
        let e = Error::from(progenitor_client::Error::<()>::InvalidRequest(
            "error converting supplied value for aws_account_id: doesn't match pattern".into(),
        ));
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert!(e
            .to_string()
            .starts_with("invalid request, nothing was sent: error converting"));
    }
}
