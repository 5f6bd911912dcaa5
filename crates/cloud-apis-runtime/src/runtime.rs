//! The one place every request of every generated operation goes through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER, USER_AGENT};
use reqwest::{Response, StatusCode};
use tracing::Instrument;

use crate::call::{error_chain, note};
use crate::failure::{self, one_line, Transport};
use crate::retry::{parse_retry_after, RetryPolicy};
use crate::{Api, Auth};

/// How much of an error response's body is read (the rest is never downloaded): enough for any provider's error
/// document, bounded against a server that sends an endless one.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How much of a redirect's `Location` an error repeats.
const LOCATION_CHARS: usize = 200;

/// Shared request pipeline, carried by every generated client as its inner value.
///
/// For every request it: sets the headers the spec pins (SCP's
/// `Scp-Api-Version`), default headers and the `User-Agent`; bounds the whole exchange by the request timeout
/// (except for operations that stream their body, which only the transport's idle timeout bounds); then, per
/// attempt, authenticates (SCP: signs the URL exactly as sent, with a fresh timestamp), sends, and retries per its
/// [`RetryPolicy`]. Each attempt runs in a `tracing` span `cloud_apis.request` with provider, operation, method,
/// URL, attempt, status and elapsed time. A final error response has at most [`ERROR_BODY_LIMIT`] bytes of its
/// body read; a redirect is never followed and ends the call as an error naming its `Location`. What it sees is
/// recorded for the call's [`crate::Error`] (see [`crate::call`]).
///
/// Cloning is cheap (the configuration is shared).
#[derive(Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
}

struct Shared {
    /// The API version this runtime speaks when it is not the client's own (see [`RuntimeBuilder::speaks`]).
    speaks: Option<&'static Api>,
    auth: Auth,
    user_agent: Option<HeaderValue>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    clock: fn() -> SystemTime,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.shared.auth)
            .field("user_agent", &self.shared.user_agent)
            .field("default_headers", &self.shared.default_headers)
            .field("retry", &self.shared.retry)
            .field("request_timeout", &self.shared.request_timeout)
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
    speaks: Option<&'static Api>,
    auth: Auth,
    user_agent: Option<HeaderValue>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    clock: fn() -> SystemTime,
}

/// How one attempt ended.
enum Outcome {
    Done(Response),
    Retry(Option<Duration>, String),
    Failed(Response),
    Transport(reqwest::Error),
}

/// A reqwest client builder as every generated client needs it: redirects are never followed (a credential or a
/// body must not reach another origin, and an https→http hop must not happen) and no `Referer` is sent. The
/// facade adds timeouts; generated `Client::new` uses it as is.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    crate::ensure_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
}

impl Runtime {
    /// A pipeline without authentication, with the default retry policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API this runtime speaks: the one set with [`RuntimeBuilder::speaks`], else the client's own `api`.
    pub fn api_or<'a>(&self, api: &'a Api) -> &'a Api {
        match self.shared.speaks {
            Some(speaks) => speaks,
            None => api,
        }
    }

    /// Starts configuring a pipeline.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder {
            speaks: None,
            auth: Auth::None,
            user_agent: None,
            default_headers: HeaderMap::new(),
            retry: RetryPolicy::default(),
            request_timeout: None,
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
    ) -> reqwest::Result<Response> {
        let api = self.api_or(api);
        let known = api.operation(operation.operation_id);
        let authenticated = known.is_none_or(|op| op.authenticated);
        let streams_body = known.is_some_and(|op| op.streams_body);
        let operation_id = known.map_or(operation.operation_id, |op| op.operation_id);
        self.prepare(api, &mut request, streams_body, authenticated);
        let policy = &self.shared.retry;
        let method = request.method().clone();
        let url = request.url().to_string();
        note(|call| call.url.clone_from(&url));
        let mut attempt = 1;
        let mut next = Some(request);
        while let Some(mut this) = next.take() {
            // Keep a copy for the next attempt; a request whose body cannot be cloned (a stream) gets one attempt.
            next = (attempt < policy.attempts())
                .then(|| this.try_clone())
                .flatten();
            let last = next.is_none();
            if authenticated {
                self.shared.auth.apply(&mut this, (self.shared.clock)());
            }
            note(|call| call.attempts = attempt);

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
            match self
                .attempt(client, this, last, &url)
                .instrument(span)
                .await
            {
                Outcome::Done(response) => {
                    note(|call| call.status = Some(response.status().as_u16()));
                    return Ok(response);
                }
                Outcome::Failed(response) => return self.read_failure(api, response, &url).await,
                Outcome::Transport(error) => {
                    note(|call| {
                        call.transport = Some(Transport::of(&error));
                        call.message = Some(error_chain(&error));
                    });
                    return Err(error);
                }
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
        sent_url: &str,
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
                // The answer's URL is the one sent unless the client followed a redirect; only then are origins
                // compared (computing one allocates).
                let moved = response.url().as_str() != sent_url;
                if moved
                    && reqwest::Url::parse(sent_url).map(|u| u.origin()).ok()
                        != Some(response.url().origin())
                {
                    // Only a reqwest client configured to follow redirects gets here (the facade's never does).
                    tracing::warn!(%status, "the HTTP client followed a redirect to another origin");
                    return Outcome::Failed(response);
                }
                if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                    return Outcome::Failed(response);
                }
                if status.is_success() || status.is_informational() || status.is_redirection() {
                    tracing::debug!("ok");
                    return Outcome::Done(response);
                }
                if !last && method_retryable && RetryPolicy::retryable_status(status) {
                    let wait = self.retry_after(response.headers());
                    // A server that asks for a longer pause than the policy allows is not asked again sooner.
                    if wait.is_none_or(|w| w <= policy.longest_retry_after()) {
                        return Outcome::Retry(wait, format!("status {status}"));
                    }
                }
                tracing::debug!(%status, "error response");
                Outcome::Failed(response)
            }
            Err(error) => {
                // A connect failure never reached the server, so any method may be sent again; a connection that
                // failed before any response (reset, closed, timed out) only for methods safe to repeat.
                let no_response = error.is_request() || error.is_timeout();
                let retryable = error.is_connect() || (method_retryable && no_response);
                if !last && retryable {
                    return Outcome::Retry(
                        None,
                        format!("transport error: {}", error_chain(&error)),
                    );
                }
                tracing::debug!(%error, "transport error");
                Outcome::Transport(error)
            }
        }
    }

    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, (self.shared.clock)()))
    }

    /// Everything but authentication: what the request carries whoever sends it.
    fn prepare(
        &self,
        api: &Api,
        request: &mut reqwest::Request,
        streams_body: bool,
        authenticated: bool,
    ) {
        // A request built with no query parameters can end in a bare `?`; the URL on the wire (and in a
        // signature) carries no query at all then.
        if request.url().query() == Some("") {
            request.url_mut().set_query(None);
        }
        // A streamed body may take as long as it keeps coming (the transport's idle timeout bounds it); anything
        // else is read whole, so the exchange as a whole is bounded.
        if !streams_body {
            if let Some(timeout) = self.shared.request_timeout {
                request.timeout_mut().get_or_insert(timeout);
            }
        }
        let headers = request.headers_mut();
        let pinned = if authenticated {
            api.pinned_headers
        } else {
            &[]
        };
        for (name, value) in pinned {
            // Clones of static values: no parsing, no allocation.
            headers.insert(name.clone(), value.clone());
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

    /// Records a final error response (status, the provider's message read from at most [`ERROR_BODY_LIMIT`]
    /// bytes of its body, `Retry-After`, a redirect's `Location`) and hands it on with the bytes read as its body,
    /// for the generated code to decode the documented error type.
    async fn read_failure(
        &self,
        api: &Api,
        response: Response,
        sent_to: &str,
    ) -> reqwest::Result<Response> {
        let status = response.status();
        let retry_after = self.retry_after(response.headers()).map(|d| d.as_secs());
        let location = redirect_target(&response, sent_to);
        let (parts, body) = http::Response::from(response).into_parts();
        let body = read_at_most(body, ERROR_BODY_LIMIT).await;
        let (message, code) = failure::provider_message(&body, api.error_message);
        note(|call| {
            call.status = Some(status.as_u16());
            call.retry_after_secs = retry_after;
            call.location = location;
            call.excerpt = message.is_none().then(|| failure::excerpt(&body)).flatten();
            call.message = message;
            call.code = code;
        });
        Ok(Response::from(http::Response::from_parts(parts, body)))
    }
}

/// Where a redirect points (its `Location`, one line, capped), or where a client that follows redirects ended up.
fn redirect_target(response: &Response, sent_to: &str) -> Option<String> {
    if response.url().as_str() != sent_to {
        return Some(one_line(response.url().as_str(), LOCATION_CHARS));
    }
    if !response.status().is_redirection() {
        return None;
    }
    let location = response.headers().get(LOCATION)?;
    Some(one_line(
        &String::from_utf8_lossy(location.as_bytes()),
        LOCATION_CHARS,
    ))
}

/// Up to `limit` bytes of a body; a body that breaks off keeps what arrived.
async fn read_at_most(body: reqwest::Body, limit: usize) -> bytes::Bytes {
    let mut response = Response::from(http::Response::new(body));
    let mut out = Vec::new();
    while out.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - out.len();
                out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    out.into()
}

impl RuntimeBuilder {
    /// Speak `api`'s version with a client generated for another version of the same API with identical
    /// operations and schemas (SCP Cloud Control 1.1 and 1.2 share one generated client): `api`'s pinned headers
    /// (`Scp-Api-Version: cloudcontrol 1.1`), name and operations replace the client's own in every request and
    /// error.
    pub fn speaks(mut self, api: &'static Api) -> Self {
        self.speaks = Some(api);
        self
    }

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

    /// The longest one attempt of an operation may take, from sending to the end of its body (default: none,
    /// the HTTP client's own). Operations whose body is streamed (binary documents) are exempt: only the HTTP
    /// client's idle (read) timeout bounds them, so a large download that keeps progressing is never cut.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
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
                speaks: self.speaks,
                auth: self.auth,
                user_agent: self.user_agent,
                default_headers: self.default_headers,
                retry: self.retry,
                request_timeout: self.request_timeout,
                clock: self.clock,
            }),
        }
    }
}
