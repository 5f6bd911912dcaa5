//! Static facts about a generated API, emitted by the code generator.

use reqwest::header::{HeaderName, HeaderValue};

/// What the generator knows about one generated client: emitted as a `const API` beside each client.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// Short provider name, e.g. `panther` or `scp-cloudcontrol-v1.1`.
    pub name: &'static str,
    /// The spec's `info.version`, e.g. `1.1`.
    pub version: &'static str,
    /// The spec file the client was generated from, relative to the workspace root.
    pub spec: &'static str,
    /// The generated client file, relative to the workspace root (for a version that shares another's client,
    /// that client's file).
    pub generated: &'static str,
    /// Headers the spec requires on every operation with exactly one allowed value, names in lower case (e.g.
    /// `scp-api-version: cloudcontrol 1.1`). The generator removes them from the operations' parameters and
    /// emits them here as ready-made values, which the runtime inserts into every request (replacing any value
    /// already present) without parsing them again.
    pub pinned_headers: &'static [(HeaderName, HeaderValue)],
    /// Every operation of the spec, sorted by `rust_name` (the generator sorts them; [`Api::operation`] searches).
    pub operations: &'static [ApiOperation],
    /// Reads the provider's message and code from an error body: the client crate's own `error_message`.
    pub error_message: crate::failure::ErrorMessage,
}

/// One operation of a generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiOperation {
    /// The generated method's name, which progenitor passes to hooks as `OperationInfo::operation_id`.
    pub rust_name: &'static str,
    /// The spec's `operationId`, used in errors and traces.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The success body is handed to the caller as a byte stream (a binary document): the runtime then bounds the
    /// exchange by the transport's idle timeout only, never by the total request timeout.
    pub streams_body: bool,
    /// The operation needs credentials (the spec does not declare `security: []` on it). An unauthenticated
    /// operation (SCP's version list at the service root) describes the service rather than one API version: the
    /// runtime sends it neither credentials nor pinned headers.
    pub authenticated: bool,
}

impl Api {
    /// The value the spec pins header `name` (lower case) to, e.g. `scp-api-version` → `cloudcontrol 1.1`.
    pub fn pinned_header(&self, name: &str) -> Option<&'static str> {
        let pinned: &'static [(HeaderName, HeaderValue)] = self.pinned_headers;
        pinned
            .iter()
            .find(|(pinned, _)| pinned.as_str() == name)
            .and_then(|(_, value)| value.to_str().ok())
    }

    /// The operation progenitor calls `rust_name`.
    pub fn operation(&self, rust_name: &str) -> Option<&ApiOperation> {
        let found = self
            .operations
            .binary_search_by(|op| op.rust_name.cmp(rust_name))
            .ok();
        found.map(|i| &self.operations[i])
    }
}
