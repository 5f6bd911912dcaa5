//! Typed async clients for Panther, Cloudcraft and Samsung Cloud Platform Cloud Control, ready to use.
//!
//! This is the crate most users add. It re-exports the clients generated from `specs/` and builds them with
//! authentication, version pinning and transport settings configured:
//!
//! | module | API | auth |
//! |---|---|---|
//! | [`panther`] | Panther REST API (AWS cloud accounts, roles) | `X-API-Key` |
//! | [`cloudcraft`] | Cloudcraft (AWS accounts, snapshots) | `Authorization: Bearer` |
//! | [`scp::cloudcontrol`] | SCP Cloud Control 1.2 (and the deprecated 1.1 and 1.0) | HMAC request signature |
//!
//! Each provider is a Cargo feature (`panther`, `cloudcraft`, `scp`; all on by default), so a program that uses one
//! compiles only that provider's generated client; `schemars` adds `JsonSchema` to every generated type.
//!
//! Every operation of every client passes through one pipeline (`cloud-apis-runtime`): credentials are attached
//! (SCP requests are signed over the exact URL sent), headers the spec pins are set (SCP's `Scp-Api-Version`),
//! and secrets never appear in `Debug` output or errors.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let scp = cloud_apis::scp::ScpConfig::from_env()?;
//! let cloudcontrol = scp.cloudcontrol_v1_2()?; // always sends `Scp-Api-Version: cloudcontrol 1.2`
//! let page = cloudcontrol.list_guardrails().size(20u64).send().await?.into_inner();
//! println!("{} guardrails", page.count);
//! # Ok(()) }
//! ```

// With no provider feature, nothing uses the shared configuration helpers.
#![cfg_attr(
    not(any(feature = "panther", feature = "cloudcraft", feature = "scp")),
    allow(dead_code)
)]

mod env;
mod error;
mod http;

#[cfg(feature = "cloudcraft")]
pub mod cloudcraft;
pub mod pagination;
#[cfg(feature = "panther")]
pub mod panther;
#[cfg(feature = "scp")]
pub mod scp;

pub use cloud_apis_runtime::{
    Api, Error, ErrorKind, Open, RetryPolicy, UnknownValue, DEFAULT_RESPONSE_BODY_LIMIT,
    MESSAGE_CHARS,
};
pub(crate) use error::ConfigError;
pub use http::{HttpOptions, DEFAULT_CONNECT_TIMEOUT};

use cloud_apis_runtime::{Runtime, RuntimeBuilder};
use reqwest::header::HeaderValue;

/// Every API this build has a client for, one per enabled provider feature and per Cloud Control version: name,
/// spec version, spec file, pinned headers and operations, as the generator recorded them. Tests and tools read
/// this list instead of keeping their own.
///
/// ```
/// let names: Vec<&str> = cloud_apis::apis().iter().map(|api| api.name).collect();
/// assert!(names.contains(&"panther") && names.contains(&"scp-cloudcontrol-v1.2"));
/// ```
// Which pushes exist depends on the enabled features.
#[allow(clippy::vec_init_then_push)]
pub fn apis() -> Vec<&'static Api> {
    #[allow(unused_mut)]
    let mut apis: Vec<&'static Api> = Vec::new();
    #[cfg(feature = "panther")]
    apis.push(&panther_client::API);
    #[cfg(feature = "cloudcraft")]
    apis.push(&cloudcraft_client::API);
    #[cfg(feature = "scp")]
    apis.extend(
        scp_cloudcontrol_client::VERSIONS
            .iter()
            .map(|(api, _)| *api),
    );
    apis
}

/// The `User-Agent` every request carries: `cloud-apis/<version> (<provider>)`.
pub fn user_agent(provider: &str) -> String {
    format!("cloud-apis/{} ({provider})", env!("CARGO_PKG_VERSION"))
}

/// A runtime builder with what every provider shares: the user agent, the retry policy and the request timeout
/// (`default_timeout` unless the options set one).
pub(crate) fn runtime_builder(
    provider: &str,
    http: &HttpOptions,
    default_timeout: std::time::Duration,
) -> RuntimeBuilder {
    let agent =
        HeaderValue::from_str(&user_agent(provider)).expect("crate name and version are ASCII");
    Runtime::builder()
        .user_agent(agent)
        .retry(http.retry_policy().clone())
        .request_timeout_in_client(http.effective_request_timeout(default_timeout))
        .max_response_body(http.max_response_body_bytes())
}

/// The README's examples are compiled as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
