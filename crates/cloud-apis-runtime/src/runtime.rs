//! The one place every request of every generated operation goes through.

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderName, HeaderValue};

use crate::Api;

/// progenitor adds `api-version: <info.version>` to every request; none of our providers defines that header,
/// so it is removed before anything goes on the wire.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Shared request pipeline, carried by every generated client as its inner value.
#[derive(Clone, Debug, Default)]
pub struct Runtime {}

impl Runtime {
    /// A pipeline that sends requests exactly as the generated code built them, apart from the spec's pinned
    /// headers.
    pub fn new() -> Self {
        Self::default()
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
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        for (name, value) in api.pinned_headers {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        client.execute(request).await
    }
}
