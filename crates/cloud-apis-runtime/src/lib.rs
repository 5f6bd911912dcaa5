//! The request pipeline shared by every generated client in the workspace.
//!
//! Each generated `Client` carries a [`Runtime`] as its progenitor "inner" value. Every generated `send()` keeps a
//! record of its call ([`start_call`], [`finish_call`]), hands [`Runtime::execute`] a closure that builds its request
//! ([`Requests::Rebuilt`]) and the record, and returns this crate's [`Error`]. Each client crate's hand-written
//! `lib.rs` also calls [`route_through_runtime!`], so that progenitor's `ClientHooks::exec`, for any other caller,
//! goes through the same pipeline. Path parameters pass through [`path_param`], and `Client::new` builds its HTTP
//! client with [`http_client_builder`] (no redirects). Runtime concerns (authentication, a provider's request signer,
//! pinned headers, user agent, retries, timeouts) therefore live here once, for every operation of every provider,
//! instead of being re-implemented per operation.
//!
//! The code generator also emits, next to each client, an [`Api`] value describing what the spec says every request
//! must carry (for instance SCP's `Scp-Api-Version`), so those headers cannot be forgotten or overridden.

mod api;
mod auth;
pub mod call;
mod download;
mod error;
pub mod failure;
mod open;
pub mod pagination;
mod path;
mod query;
mod range;
mod redact;
mod response;
mod retry;
mod runtime;
mod secret;
mod tls;

pub use api::{Api, ApiOperation};
pub use auth::{sensitive_header, Auth, InvalidCredential, RequestSigner};
pub use call::{finish_call, finish_download, start_call};
pub use download::Download;
pub use error::{Error, ErrorKind, MESSAGE_CHARS};
pub use failure::{Failure, Transport};
pub use open::{Open, UnknownValue};
pub use path::path_param;
pub use query::QueryExt;
pub use range::{in_range, RangeValue};
pub use redact::{Redactions, REDACTED};
pub use response::{empty_response, response_value, DEFAULT_RESPONSE_BODY_LIMIT};
pub use retry::{parse_retry_after, RetryPolicy};
pub use runtime::{http_client_builder, Requests, Runtime, RuntimeBuilder, ERROR_BODY_LIMIT};
pub use secret::Secret;
pub use tls::ensure_crypto_provider;

/// Re-exported so generated code can name the hook types through this crate.
pub use progenitor_client::{ClientHooks, OperationInfo};
/// Re-exported for [`route_through_runtime!`].
#[doc(hidden)]
pub use reqwest;

/// Routes progenitor's `ClientHooks::exec` of a generated client through its [`Runtime`] (authentication and signing,
/// pinned headers, retries, timeouts, tracing). Generated `send()`s call [`Runtime::execute`] themselves, with a
/// request builder and their call record; this line in each client crate's hand-written `lib.rs` makes any other
/// use of the hook take the same pipeline.
///
/// ```ignore
/// mod generated;
/// pub use generated::*;
/// cloud_apis_runtime::route_through_runtime!(generated::Client, generated::API);
/// ```
#[macro_export]
macro_rules! route_through_runtime {
    ($client:ty, $api:expr) => {
        impl $crate::ClientHooks<$crate::Runtime> for $client {
            async fn exec(
                &self,
                request: $crate::reqwest::Request,
                info: &$crate::OperationInfo,
            ) -> $crate::reqwest::Result<$crate::reqwest::Response> {
                // Generated `send()`s call the runtime themselves (rebuilding the request for a retry, with their
                // call's record); this serves any other caller of progenitor's hook.
                let requests = $crate::Requests::Once(::std::boxed::Box::new(request));
                let executing = self
                    .inner
                    .execute(&$api, &self.client, requests, info, None);
                ::std::boxed::Box::pin(executing).await
            }
        }
    };
}
/// Re-exported so callers can build credentials without depending on `secrecy` themselves.
pub use secrecy::{ExposeSecret, SecretString};
