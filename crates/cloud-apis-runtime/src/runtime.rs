//! The one place every request of every generated operation goes through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use tracing::Instrument;

use crate::failure::{self, Failure, FAILURE_HEADER, FAILURE_PREFIX};
use crate::retry::{parse_retry_after, RetryPolicy};
use crate::{Api, Auth};

/// progenitor adds `api-version: <info.version>` to every request; none of our providers defines that header,
/// so it is removed before anything goes on the wire.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Shared request pipeline, carried by every generated client as its inner value.
///
/// For every request it: removes progenitor's `api-version` header; sets the headers the spec pins (SCP's
/// `Scp-Api-Version`), default headers and the `User-Agent`; then, per attempt, authenticates (SCP: signs the URL
/// exactly as sent, with a fresh timestamp), sends, and retries per its [`RetryPolicy`]. Each attempt runs in a
/// `tracing` span `cloud_apis.request` with provider, operation, method, URL, attempt, status and elapsed time.
/// A final error response is read once, its body restored, and a [`Failure`] record attached for the facade.
///
/// Cloning is cheap (the configuration is shared).
#[derive(Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
}

struct Shared {
    auth: Auth,
    user_agent: Option<HeaderValue>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    clock: fn() -> SystemTime,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.shared.auth)
            .field("user_agent", &self.shared.user_agent)
            .field("default_headers", &self.shared.default_headers)
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::builder().build()
    }
}

/// Configures a [`Runtime`].
#[derive(Debug)]
pub struct RuntimeBuilder {
    auth: Auth,
    user_agent: Option<HeaderValue>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    clock: fn() -> SystemTime,
}

/// How one attempt ended.
enum Outcome {
    Done(reqwest::Response),
    Retry(Option<Duration>, String),
    Failed(reqwest::Response),
    Transport(reqwest::Error),
}

impl Runtime {
    /// A pipeline without authentication, with the default retry policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts configuring a pipeline.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder {
            auth: Auth::None,
            user_agent: None,
            default_headers: HeaderMap::new(),
            retry: RetryPolicy::default(),
            clock: SystemTime::now,
        }
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// Sends one request of operation `operation` of `api`, retrying as the policy allows.
    ///
    /// Called by the generated `ClientHooks::exec` of every client; not usually called directly.
    pub async fn execute(
        &self,
        api: &Api,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.prepare(api, &mut request);
        let policy = &self.shared.retry;
        let method = request.method().clone();
        let url = request.url().to_string();
        let operation_id = api.operation_id(operation.operation_id);
        let mut attempt = 1;
        let mut next = Some(request);
        while let Some(mut this) = next.take() {
            // Keep a copy for the next attempt; a request whose body cannot be cloned (a stream) gets one attempt.
            next = (attempt < policy.get_max_attempts())
                .then(|| this.try_clone())
                .flatten();
            let last = next.is_none();
            self.shared.auth.apply(&mut this, (self.shared.clock)());

            let span = tracing::info_span!(
                "cloud_apis.request",
                provider = api.name,
                operation = operation_id,
                method = %method,
                url = %url,
                attempt,
                status = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
            );
            let outcome = self.attempt(client, this, last).instrument(span).await;
            match outcome {
                Outcome::Done(response) => return Ok(response),
                Outcome::Failed(response) => {
                    let record = Failure {
                        status: Some(response.status().as_u16()),
                        attempts: attempt,
                        ..Failure::call(api.name, operation_id, method.as_str(), &url)
                    };
                    return annotate(response, record, (self.shared.clock)()).await;
                }
                Outcome::Transport(error) => return Err(error),
                Outcome::Retry(wait, reason) => {
                    let wait = policy.delay(attempt, wait);
                    tracing::warn!(
                        provider = api.name,
                        operation = operation_id,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after {reason}"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
        unreachable!("the last attempt always returns")
    }

    /// Sends one attempt and decides what happens next. Runs inside the attempt's span.
    async fn attempt(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        last: bool,
    ) -> Outcome {
        let policy = &self.shared.retry;
        let method_retryable = policy.allows_method(request.method());
        let started = Instant::now();
        let result = client.execute(request).await;
        let span = tracing::Span::current();
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        match result {
            Ok(response) => {
                let status = response.status();
                span.record("status", status.as_u16());
                if status.is_success() || status.is_informational() || status.is_redirection() {
                    tracing::debug!("ok");
                    return Outcome::Done(response);
                }
                if !last && method_retryable && RetryPolicy::retryable_status(status) {
                    let wait = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, (self.shared.clock)()));
                    return Outcome::Retry(wait, format!("status {status}"));
                }
                tracing::debug!(%status, "error response");
                Outcome::Failed(response)
            }
            Err(error) => {
                // A connect failure never reached the server, so any method may be sent again.
                let retryable = error.is_connect() || (error.is_timeout() && method_retryable);
                if !last && retryable {
                    return Outcome::Retry(None, format!("transport error: {error}"));
                }
                tracing::debug!(%error, "transport error");
                Outcome::Transport(error)
            }
        }
    }

    /// Everything but authentication: what the request carries whoever sends it.
    fn prepare(&self, api: &Api, request: &mut reqwest::Request) {
        // A request built with no query parameters can end in a bare `?`; the URL on the wire (and in a
        // signature) carries no query at all then.
        if request.url().query() == Some("") {
            request.url_mut().set_query(None);
        }
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        for (name, value) in api.pinned_headers {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        for (name, value) in &self.shared.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        if let Some(agent) = &self.shared.user_agent {
            headers.insert(USER_AGENT, agent.clone());
        }
    }

    /// For the generated `ClientHooks::post`: a transport failure (no response at all) becomes
    /// `Error::Custom` carrying a [`Failure`] record that names the provider, operation, method and URL.
    // The error type is progenitor's, fixed by the hook's signature.
    #[allow(clippy::result_large_err)]
    pub fn transport_failure<E>(
        &self,
        api: &Api,
        result: &reqwest::Result<reqwest::Response>,
        operation: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Err(error) = result else {
            return Ok(());
        };
        let known = api.operation(operation.operation_id);
        let kind = if error.is_timeout() {
            "timeout"
        } else if error.is_connect() {
            "connect"
        } else {
            "other"
        };
        let url = error.url().map(|u| u.to_string()).unwrap_or_default();
        let method = known.map(|op| op.method).unwrap_or_default();
        let record = Failure {
            message: Some(error_chain(error)),
            transport: Some(kind.to_string()),
            ..Failure::call(
                api.name,
                api.operation_id(operation.operation_id),
                method,
                &url,
            )
        };
        let json = serde_json::to_string(&record).unwrap_or_default();
        Err(progenitor_client::Error::Custom(format!(
            "{FAILURE_PREFIX}{json}"
        )))
    }
}

/// An error and its sources, as one line.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Reads a final error response, fills in the provider's message, and rebuilds the response with its body intact
/// and the record in [`FAILURE_HEADER`].
async fn annotate(
    response: reqwest::Response,
    mut record: Failure,
    now: SystemTime,
) -> reqwest::Result<reqwest::Response> {
    record.retry_after_secs = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
        .map(|d| d.as_secs());
    let (mut parts, body) = http::Response::from(response).into_parts();
    let body = reqwest::Response::from(http::Response::new(body))
        .bytes()
        .await?;
    let (message, code) = failure::provider_message(&body);
    record.excerpt = if message.is_none() {
        failure::excerpt(&body)
    } else {
        None
    };
    record.message = message;
    record.code = code;
    if let Ok(json) = serde_json::to_string(&record) {
        if let Ok(value) = HeaderValue::from_bytes(json.as_bytes()) {
            parts
                .headers
                .insert(HeaderName::from_static(FAILURE_HEADER), value);
        }
    }
    Ok(reqwest::Response::from(http::Response::from_parts(
        parts, body,
    )))
}

impl RuntimeBuilder {
    /// How requests are authenticated (default: not at all).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The `User-Agent` every request carries.
    pub fn user_agent(mut self, value: HeaderValue) -> Self {
        self.user_agent = Some(value);
        self
    }

    /// A header sent on every request that does not already set it (e.g. SCP's `Accept-Language`, which a call
    /// may still override).
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.default_headers.insert(name, value);
        self
    }

    /// When and how to retry (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The clock used for signature timestamps and `Retry-After` dates (tests use a fixed one).
    pub fn clock(mut self, clock: fn() -> SystemTime) -> Self {
        self.clock = clock;
        self
    }

    /// The configured pipeline (and a process-wide TLS crypto provider, see [`crate::ensure_crypto_provider`]).
    pub fn build(self) -> Runtime {
        crate::ensure_crypto_provider();
        Runtime {
            shared: Arc::new(Shared {
                auth: self.auth,
                user_agent: self.user_agent,
                default_headers: self.default_headers,
                retry: self.retry,
                clock: self.clock,
            }),
        }
    }
}
