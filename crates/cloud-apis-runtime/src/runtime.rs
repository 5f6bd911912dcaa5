//! The one place every request of every generated operation goes through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER, USER_AGENT};
use reqwest::{Response, StatusCode};
use tracing::Instrument;

use crate::call::error_chain;
use crate::failure::{self, one_line, Failure, Transport};
use crate::redact::Redactions;
use crate::response::{reqwest_error, BodyLimit, DEFAULT_RESPONSE_BODY_LIMIT};
use crate::retry::{parse_retry_after, RetryPolicy};
use crate::{Api, Auth};
use secrecy::SecretString;

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
    request_timeout: RequestTimeout,
    clock: fn() -> SystemTime,
    /// The credentials of `auth`, kept out of every error (see [`Redactions`]).
    secrets: Arc<[SecretString]>,
    /// How much of a JSON body is read into memory at most.
    body_limit: usize,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.shared.auth)
            .field("user_agent", &self.shared.user_agent)
            .field("default_headers", &self.shared.default_headers)
            .field("retry", &self.shared.retry)
            .field("request_timeout", &self.shared.request_timeout)
            .field("max_response_body", &self.shared.body_limit)
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
    request_timeout: RequestTimeout,
    clock: fn() -> SystemTime,
    body_limit: usize,
}

/// How one attempt ended.
enum Outcome {
    Done(Response),
    /// An answer from another origin than the one asked (a caller's HTTP client followed a redirect).
    Elsewhere(Response),
    Retry(Option<Duration>, String),
    Failed(Response),
    Transport(reqwest::Error),
}

/// Where the requests of one call's attempts come from.
pub enum Requests<'a> {
    /// Built again for each attempt (every generated `send()`): nothing is copied for a retry that may never come.
    Rebuilt(&'a mut (dyn FnMut() -> reqwest::Result<reqwest::Request> + Send)),
    /// One request, handed over whole (progenitor's `ClientHooks::exec`): before each attempt that may be followed
    /// by another, a copy is kept for it; a body that cannot be copied (a stream) gets one attempt. Boxed: a call's
    /// future stays as small as the generated code's.
    Once(Box<reqwest::Request>),
}

/// How the request timeout is enforced.
#[derive(Debug, Clone, Copy)]
enum RequestTimeout {
    /// By the HTTP client alone.
    None,
    /// Set on each request (operations that stream their body excepted).
    PerRequest(Duration),
    /// The HTTP client was built with it (`reqwest::ClientBuilder::timeout`); operations that stream their body get
    /// it lifted.
    InClient(#[allow(dead_code, reason = "shown by Debug")] Duration),
}

/// A per-request timeout long enough never to fire: how a streamed operation escapes the client's total timeout
/// (only the client's idle timeout bounds it then).
const UNBOUNDED: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

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
            request_timeout: RequestTimeout::None,
            clock: SystemTime::now,
            body_limit: DEFAULT_RESPONSE_BODY_LIMIT,
        }
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// Sends one request of operation `operation` of `api`, retrying as the policy allows.
    ///
    /// Called by every generated `send()` (and by the generated `ClientHooks::exec`); not usually called directly.
    /// Each attempt sends a request from `requests`: generated code builds it again for every attempt, so the
    /// request is never copied up front for a retry that almost never happens. What the runtime sees (URL,
    /// attempts, status, the provider's message, `Retry-After`, how the transport failed) is written into `record`,
    /// the call's record that becomes its [`crate::Error`] (see [`crate::call`]).
    pub async fn execute(
        &self,
        api: &Api,
        client: &reqwest::Client,
        requests: Requests<'_>,
        operation: &OperationInfo,
        mut record: Option<&mut Failure>,
    ) -> reqwest::Result<Response> {
        let api = self.api_or(api);
        let known = api.operation(operation.operation_id);
        let authenticated = known.is_none_or(|op| op.authenticated);
        let streams_body = known.is_some_and(|op| op.streams_body);
        let operation_id = known.map_or(operation.operation_id, |op| op.operation_id);
        let policy = &self.shared.retry;
        // The request of each attempt is made at the top of the loop and handed to reqwest before any wait, so this
        // future never holds one.
        let (mut build, mut copy) = match requests {
            Requests::Rebuilt(build) => (Some(build), None),
            Requests::Once(request) => (None, Some(request)),
        };
        // The URL sent, for telling whether an answer came from elsewhere: the record's when there is one.
        let mut sent_copy = None;
        let mut attempt = 1;
        loop {
            // The request is made, prepared and handed to reqwest (whose future is boxed) in this block, so this
            // future never keeps room for one across a wait.
            let (sending, method_retryable, last, span) = {
                let mut this = match (&mut build, copy.take()) {
                    (Some(build), _) => build()?,
                    (None, Some(copy)) => *copy,
                    (None, None) => unreachable!("an attempt without a copy is the last"),
                };
                self.prepare(api, &mut this, streams_body, authenticated);
                // The same URL and credentials for every attempt: recorded once.
                if attempt == 1 {
                    match record.as_deref_mut() {
                        Some(call) => {
                            call.url.push_str(this.url().as_str());
                            if !self.shared.secrets.is_empty() {
                                call.redactions =
                                    Redactions::configured(self.shared.secrets.clone());
                            }
                        }
                        None => sent_copy = Some(this.url().to_string()),
                    }
                }
                let last = attempt >= policy.attempts()
                    || (build.is_none() && {
                        // A request handed over whole: a retry needs a copy made now. A body that cannot be copied
                        // (a stream) gets one attempt.
                        copy = this.try_clone().map(Box::new);
                        copy.is_none()
                    });
                if authenticated {
                    self.shared.auth.apply(&mut this, (self.shared.clock)());
                    // A signature is new with every attempt: the one sent is what a server could echo.
                    if self.shared.auth.is_signed() {
                        note(&mut record, |call| {
                            call.redactions.note_sent(this.headers())
                        });
                    }
                }
                note(&mut record, |call| call.attempts = attempt);
                let span = tracing::info_span!(
                    "cloud_apis.request",
                    provider = api.name,
                    operation = operation_id,
                    method = %this.method(),
                    url = %this.url(),
                    attempt,
                    status = tracing::field::Empty,
                    elapsed_ms = tracing::field::Empty,
                );
                let method_retryable = policy.allows_method(this.method());
                (client.execute(this), method_retryable, last, span)
            };
            let sent = match (record.as_deref(), &sent_copy) {
                (Some(call), _) => call.url.as_str(),
                (None, copy) => copy.as_deref().unwrap_or_default(),
            };
            let decided = self.attempt(sending, method_retryable, last, &span, sent);
            // With no subscriber listening the span is disabled: the attempt runs without its wrapper then.
            let outcome = if span.is_disabled() {
                decided.await
            } else {
                decided.instrument(span.clone()).await
            };
            match outcome {
                Outcome::Done(mut response) => {
                    note(&mut record, |call| {
                        call.status = Some(response.status().as_u16())
                    });
                    // The body reader falls back to the default limit: only another one needs telling.
                    if !streams_body && self.shared.body_limit != DEFAULT_RESPONSE_BODY_LIMIT {
                        response
                            .extensions_mut()
                            .insert(BodyLimit(self.shared.body_limit));
                    }
                    return Ok(response);
                }
                // Boxed, as is the retry's pause: paths most calls never take keep their futures off this one's size.
                Outcome::Failed(response) => {
                    let sent = sent.to_owned();
                    let reading = self.read_failure(api, response, &sent, record);
                    return Box::pin(reading).await;
                }
                // Nothing of what the other origin sent is read: the call fails as the redirect it followed.
                Outcome::Elsewhere(response) => {
                    let location = redirect_target(&response, sent);
                    note(&mut record, |call| {
                        call.status = Some(response.status().as_u16());
                        call.location = location;
                    });
                    return Err(Box::pin(reqwest_error(LeftOrigin)).await);
                }
                Outcome::Transport(error) => {
                    note(&mut record, |call| {
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
                    Box::pin(tokio::time::sleep(wait)).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Waits for one attempt's answer and decides what happens next; records status and elapsed time into `span`
    /// when something listens.
    async fn attempt(
        &self,
        sending: impl std::future::Future<Output = reqwest::Result<Response>>,
        method_retryable: bool,
        last: bool,
        span: &tracing::Span,
        sent: &str,
    ) -> Outcome {
        let policy = &self.shared.retry;
        let listened = !span.is_disabled();
        let started = listened.then(Instant::now);
        let result = sending.await;
        if let Some(started) = started {
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        }
        match result {
            Ok(response) => {
                let status = response.status();
                if listened {
                    span.record("status", status.as_u16());
                }
                // The answer's URL is the one sent unless the client followed a redirect; only then are origins
                // compared (that parses the URL sent).
                if response.url().as_str() != sent && other_origin(sent, response.url()) {
                    // Only a reqwest client configured to follow redirects gets here (the facade's never does).
                    tracing::warn!(%status, "the HTTP client followed a redirect to another origin");
                    return Outcome::Elsewhere(response);
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
        // else is read whole, so the exchange as a whole is bounded. A timeout set on the request costs it an
        // allocation: set only where the client's own cannot serve.
        match (self.shared.request_timeout, streams_body) {
            (RequestTimeout::PerRequest(timeout), false) => {
                request.timeout_mut().get_or_insert(timeout);
            }
            (RequestTimeout::InClient(_), true) => {
                request.timeout_mut().get_or_insert(UNBOUNDED);
            }
            _ => {}
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
        sent: &str,
        mut record: Option<&mut Failure>,
    ) -> reqwest::Result<Response> {
        let status = response.status();
        let retry_after = self.retry_after(response.headers()).map(|d| d.as_secs());
        let location = redirect_target(&response, sent);
        let (parts, body) = http::Response::from(response).into_parts();
        let body = read_at_most(body, ERROR_BODY_LIMIT).await;
        // The documented error body is decoded from these bytes too: credentials go before anyone reads them.
        let body = match record.as_deref() {
            Some(call) => call.redactions.bytes(body),
            None => Redactions::configured(self.shared.secrets.clone()).bytes(body),
        };
        let (message, code) = failure::provider_message(&body, api.error_message);
        note(&mut record, |call| {
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
fn redirect_target(response: &Response, sent: &str) -> Option<String> {
    if response.url().as_str() != sent {
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

/// An answer came from another origin than the one asked: the source of the error such a call ends in.
#[derive(Debug)]
pub(crate) struct LeftOrigin;

impl fmt::Display for LeftOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the HTTP client followed a redirect to another origin")
    }
}

impl std::error::Error for LeftOrigin {}

/// Writes into the call's record, when there is one.
fn note(record: &mut Option<&mut Failure>, update: impl FnOnce(&mut Failure)) {
    if let Some(call) = record.as_deref_mut() {
        update(call);
    }
}

/// Whether `answered` is on another origin than the URL `sent`.
fn other_origin(sent: &str, answered: &reqwest::Url) -> bool {
    reqwest::Url::parse(sent).ok().map(|u| u.origin()) != Some(answered.origin())
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
        self.request_timeout = RequestTimeout::PerRequest(timeout);
        self
    }

    /// As [`RuntimeBuilder::request_timeout`], for an HTTP client built with the same total timeout
    /// (`reqwest::ClientBuilder::timeout(timeout)`, as the facade's are): the client enforces it, so requests carry
    /// none of their own (a timeout on a request costs it an allocation), and the runtime lifts it only for
    /// operations that stream their body.
    ///
    /// ```
    /// use std::time::Duration;
    /// let timeout = Duration::from_secs(30);
    /// let http = cloud_apis_runtime::http_client_builder().timeout(timeout).build().unwrap();
    /// let runtime = cloud_apis_runtime::Runtime::builder().request_timeout_in_client(timeout).build();
    /// # let _ = (http, runtime);
    /// ```
    pub fn request_timeout_in_client(mut self, timeout: Duration) -> Self {
        self.request_timeout = RequestTimeout::InClient(timeout);
        self
    }

    /// The most bytes of a JSON response body read into memory (default [`DEFAULT_RESPONSE_BODY_LIMIT`], 64 MiB):
    /// a longer body fails the call with [`crate::ErrorKind::ResponseTooLarge`] and is not read on. Bodies
    /// streamed to the caller ([`crate::Download`]) are not bounded by it.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
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
        let secrets = self.auth.secrets().into();
        Runtime {
            shared: Arc::new(Shared {
                secrets,
                body_limit: self.body_limit,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiOperation;
    use futures::StreamExt;
    use httpmock::prelude::*;

    static OPERATIONS: [ApiOperation; 2] = [
        ApiOperation {
            rust_name: "export",
            operation_id: "export",
            method: "GET",
            streams_body: true,
            authenticated: true,
        },
        ApiOperation {
            rust_name: "list",
            operation_id: "list",
            method: "GET",
            streams_body: false,
            authenticated: true,
        },
    ];
    static API: Api = Api {
        name: "test",
        version: "1",
        spec: "",
        generated: "",
        pinned_headers: &[],
        operations: &OPERATIONS,
        error_message: |_| (None, None),
    };

    fn runtime(attempts: u32) -> Runtime {
        let retry = RetryPolicy::default()
            .max_attempts(attempts)
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(1));
        Runtime::builder().retry(retry).build()
    }

    /// Calls `list` on `url`, building its request with a closure; returns the status and how often it was built.
    async fn rebuilt(runtime: &Runtime, url: &str) -> (u16, usize) {
        let client = http_client_builder().build().unwrap();
        let mut built = 0;
        let mut build = || {
            built += 1;
            client.get(url).build()
        };
        let response = runtime
            .execute(
                &API,
                &client,
                Requests::Rebuilt(&mut build),
                &OperationInfo {
                    operation_id: "list",
                },
                None,
            )
            .await
            .unwrap();
        (response.status().as_u16(), built)
    }

    #[tokio::test]
    async fn a_request_is_built_once_per_attempt_and_never_copied() {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/ok");
                then.status(200).body("[]");
            })
            .await;
        let busy = server
            .mock_async(|when, then| {
                when.method(GET).path("/busy");
                then.status(503);
            })
            .await;
        // The happy path builds the request once: nothing was copied for a retry that did not come.
        assert_eq!(rebuilt(&runtime(3), &server.url("/ok")).await, (200, 1));
        // Each retry builds it again.
        assert_eq!(rebuilt(&runtime(3), &server.url("/busy")).await, (503, 3));
        busy.assert_calls_async(3).await;
    }

    #[tokio::test]
    async fn a_request_handed_over_whole_is_copied_for_its_retries() {
        let server = MockServer::start_async().await;
        let busy = server
            .mock_async(|when, then| {
                when.method(GET).path("/busy").header("x-kept", "yes");
                then.status(503);
            })
            .await;
        let client = http_client_builder().build().unwrap();
        let request = client
            .get(server.url("/busy"))
            .header("x-kept", "yes")
            .build()
            .unwrap();
        let response = runtime(2)
            .execute(
                &API,
                &client,
                Requests::Once(Box::new(request)),
                &OperationInfo {
                    operation_id: "list",
                },
                None,
            )
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
        busy.assert_calls_async(2).await;
    }

    fn chunked(chunks: Vec<Vec<u8>>) -> reqwest::Body {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = chunks.into_iter().map(Ok).collect();
        reqwest::Body::wrap_stream(futures::stream::iter(chunks))
    }

    #[tokio::test]
    async fn an_error_body_is_kept_to_exactly_its_limit() {
        // One chunk far beyond the limit.
        let one = read_at_most(
            chunked(vec![vec![b'a'; 3 * ERROR_BODY_LIMIT]]),
            ERROR_BODY_LIMIT,
        )
        .await;
        assert_eq!(one.len(), ERROR_BODY_LIMIT);
        // Two chunks that together pass it: the second is cut at the limit.
        let half = ERROR_BODY_LIMIT / 2 + 100;
        let two = read_at_most(
            chunked(vec![vec![b'a'; half], vec![b'b'; half]]),
            ERROR_BODY_LIMIT,
        )
        .await;
        assert_eq!(two.len(), ERROR_BODY_LIMIT);
        assert_eq!(two[half - 1], b'a');
        assert_eq!(two[half], b'b');
        // A body within the limit is kept whole, and nothing is added.
        let small = read_at_most(
            chunked(vec![b"abc".to_vec(), b"de".to_vec()]),
            ERROR_BODY_LIMIT,
        )
        .await;
        assert_eq!(&small[..], b"abcde");
        // Reading stops once the limit is reached: a third chunk is never asked for.
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = polled.clone();
        let chunks = futures::stream::iter(0..3).map(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(vec![b'c'; ERROR_BODY_LIMIT / 2])
        });
        let exact = read_at_most(reqwest::Body::wrap_stream(chunks), ERROR_BODY_LIMIT).await;
        assert_eq!(exact.len(), ERROR_BODY_LIMIT);
        assert_eq!(polled.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn a_client_side_timeout_is_lifted_only_for_streamed_bodies() {
        let runtime = Runtime::builder()
            .request_timeout_in_client(Duration::from_secs(30))
            .build();
        let request =
            || reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/x".parse().unwrap());
        let (mut listed, mut exported) = (request(), request());
        runtime.prepare(&API, &mut listed, false, true);
        runtime.prepare(&API, &mut exported, true, true);
        // The client's own timeout bounds the list (nothing set on the request, which would cost an allocation).
        assert_eq!(listed.timeout(), None);
        assert_eq!(exported.timeout(), Some(&UNBOUNDED));

        let per_request = Runtime::builder()
            .request_timeout(Duration::from_secs(30))
            .build();
        let (mut listed, mut exported) = (request(), request());
        per_request.prepare(&API, &mut listed, false, true);
        per_request.prepare(&API, &mut exported, true, true);
        assert_eq!(listed.timeout(), Some(&Duration::from_secs(30)));
        assert_eq!(exported.timeout(), None);
    }
}
