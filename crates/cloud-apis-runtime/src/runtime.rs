//! The one place every request of every generated operation goes through.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::{Api, Auth};

/// progenitor adds `api-version: <info.version>` to every request; none of our providers defines that header,
/// so it is removed before anything goes on the wire.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Shared request pipeline, carried by every generated client as its inner value.
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
    clock: fn() -> SystemTime,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.shared.auth)
            .field("user_agent", &self.shared.user_agent)
            .field("default_headers", &self.shared.default_headers)
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
    clock: fn() -> SystemTime,
}

impl Runtime {
    /// A pipeline without authentication: requests go out as generated, plus the spec's pinned headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts configuring a pipeline.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder {
            auth: Auth::None,
            user_agent: None,
            default_headers: HeaderMap::new(),
            clock: SystemTime::now,
        }
    }

    /// Sends one request of operation `operation` of `api`.
    ///
    /// Called by the generated `ClientHooks::exec` of every client; not usually called directly.
    pub async fn execute(
        &self,
        api: &Api,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        _operation: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.prepare(api, &mut request);
        self.shared.auth.apply(&mut request, (self.shared.clock)());
        client.execute(request).await
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

    /// The clock used for signature timestamps (tests use a fixed one).
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
                clock: self.clock,
            }),
        }
    }
}
