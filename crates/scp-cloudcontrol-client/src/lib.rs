//! Typed async clients for Samsung Cloud Platform (SCP) Cloud Control, one module per API version.
//!
//! - [`v1_2`]: Cloud Control 1.2 (current), generated from `specs/scp-cloudcontrol-v1.2.json`.
//! - [`v1_1`]: Cloud Control 1.1 (deprecated; not before 2026-06-30), generated from
//!   `specs/scp-cloudcontrol-v1.1.json`.
//! - [`v1_0`]: Cloud Control 1.0 (deprecated; support guaranteed until 2025-12-31), generated from
//!   `specs/scp-cloudcontrol-v1.0.json`.
//!
//! Each module's client always sends its own `Scp-Api-Version` header (see `API.pinned_headers`, ready-made header values), and its request
//! and response types are distinct Rust types, so a 1.0 body cannot be sent to the 1.2 client.
//! Requests are authenticated with SCP's HMAC signature ([`signature::ScpCredentials`], the runtime's request
//! signer for SCP). Most users want the `cloud-apis` facade, which configures it.
//!
//! With the `httpmock` feature, each version's `mock` module offers typed helpers for mocking its operations.

pub mod signature;

use cloud_apis_runtime::failure::message_text;
use serde_json::Value;

/// Where Cloud Control's error bodies keep the message and code (the specs document no error body; these are the
/// shapes Samsung's own code and fixtures show): `{"errors": [{"code", "detail", "title", "status"}]}` with
/// `detail` a string or a list of strings, and validation failures as `[{"loc": [...], "msg", "type"}]`. The
/// generated `API` of every version hands this to the runtime, which puts the message in every `Error`.
///
/// ```
/// use serde_json::json;
/// use scp_cloudcontrol_client::error_message;
///
/// let not_found = json!({"errors": [{"code": "CloudControl.NotFound", "detail": "landing zone not found"}]});
/// assert_eq!(
///     error_message(&not_found),
///     (Some("landing zone not found".into()), Some("CloudControl.NotFound".into()))
/// );
/// let invalid = json!([{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]);
/// assert_eq!(error_message(&invalid), (Some("body.name: field required".into()), None));
/// ```
pub fn error_message(body: &Value) -> (Option<String>, Option<String>) {
    if let Some(errors) = body.get("errors").and_then(Value::as_array) {
        let messages: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                e.get("detail")
                    .and_then(message_text)
                    .or_else(|| e.get("title").and_then(message_text))
            })
            .collect();
        let code = errors
            .iter()
            .find_map(|e| e.get("code").and_then(Value::as_str).map(str::to_string));
        return ((!messages.is_empty()).then(|| messages.join("; ")), code);
    }
    let Some(items) = body.as_array() else {
        return (None, None);
    };
    let messages: Vec<String> = items
        .iter()
        .filter_map(|item| {
            let msg = item.get("msg").and_then(message_text)?;
            let loc: Vec<String> = item
                .get("loc")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect();
            Some(if loc.is_empty() {
                msg
            } else {
                format!("{}: {msg}", loc.join("."))
            })
        })
        .collect();
    ((!messages.is_empty()).then(|| messages.join("; ")), None)
}

/// Declares one module per Cloud Control version (its generated client, types and mocks, routed through the
/// runtime) and [`VERSIONS`], the list the facade, the sandbox and the tests read. Adding a version is one line.
/// A version whose operations and schemas equal another's (`v1_1 => v1_2`) reuses that version's generated client
/// and types, and has only its own `API` (name, pinned `Scp-Api-Version`, operations) and `SPEC_JSON`; its clients
/// are made with a runtime that [`speaks`](cloud_apis_runtime::RuntimeBuilder::speaks) its `API`.
macro_rules! cloud_control_versions {
    ($($(#[$doc:meta])* $module:ident $(=> $shares:ident)?),* $(,)?) => {
        $(cloud_control_versions!(@module $(#[$doc])* $module $(=> $shares)?);)*

        /// Every Cloud Control version this crate has a client for, oldest first: what the runtime knows of it
        /// (name, version, pinned `Scp-Api-Version`, operations) and the spec it was generated from.
        pub const VERSIONS: &[(&cloud_apis_runtime::Api, &str)] =
            &[$((&$module::API, $module::SPEC_JSON)),*];
    };
    (@module $(#[$doc:meta])* $module:ident) => {
        $(#[$doc])*
        pub mod $module {
            #[path = "generated.rs"]
            mod generated;

            /// Every operation's error: the runtime's record of the call and the provider's answer.
            pub use cloud_apis_runtime::{Error, ErrorKind};

            // Every request of every operation goes through the shared runtime: signing, the pinned
            // `Scp-Api-Version`, retries, timeouts, tracing, and the call record behind `Error`.
            cloud_apis_runtime::route_through_runtime!(generated::Client, generated::API);
            pub use generated::*;

            /// Typed httpmock helpers for each operation of this version.
            #[cfg(feature = "httpmock")]
            #[path = "generated_httpmock.rs"]
            pub mod mock;
        }
    };
    (@module $(#[$doc:meta])* $module:ident => $shares:ident) => {
        $(#[$doc])*
        pub mod $module {
            #[path = "generated.rs"]
            mod generated;

            // The shared version's client, types and mocks; this version's own `API` and `SPEC_JSON` win over
            // the glob.
            pub use super::$shares::*;
            pub use generated::{API, SPEC_JSON};

            /// A client of this version: the shared generated client with a runtime that speaks this version
            /// (its pinned `Scp-Api-Version` on every request, its name in errors). `runtime` is any
            /// [`RuntimeBuilder`](cloud_apis_runtime::RuntimeBuilder)'s settings.
            pub fn client(
                baseurl: &str,
                http: reqwest::Client,
                runtime: cloud_apis_runtime::RuntimeBuilder,
            ) -> Client {
                Client::new_with_client(baseurl, http, runtime.speaks(&API).build())
            }
        }
    };
}

cloud_control_versions!(
    /// Cloud Control 1.0, generated by `cargo xtask regen` from `specs/scp-cloudcontrol-v1.0.json`.
    v1_0,
    /// Cloud Control 1.1, described by `specs/scp-cloudcontrol-v1.1.json`: the same operations and schemas as
    /// 1.2, so it uses the 1.2 client and types, pinned to `cloudcontrol 1.1`.
    v1_1 => v1_2,
    /// Cloud Control 1.2, generated by `cargo xtask regen` from `specs/scp-cloudcontrol-v1.2.json`.
    v1_2,
);
