//! Static facts about a generated API, emitted by the code generator.

/// What the generator knows about one generated client: emitted as a `const API` beside each client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// Short provider name, e.g. `panther` or `scp-cloudcontrol-v1.1`.
    pub name: &'static str,
    /// The spec file the client was generated from, relative to the workspace root.
    pub spec: &'static str,
    /// Headers the spec requires on every operation with exactly one allowed value, names in lower case (e.g.
    /// `("scp-api-version", "cloudcontrol 1.1")`). The generator removes them from the operations' parameters
    /// and the runtime sets them on every request, replacing any value already present.
    pub pinned_headers: &'static [(&'static str, &'static str)],
    /// Every operation of the spec: `(operationId, HTTP method)`.
    pub operations: &'static [(&'static str, &'static str)],
}
