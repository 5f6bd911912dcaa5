//! What the specs in `specs/` say, checked at run time.
//!
//! - [`json_schema`]: OpenAPI 3.0 schema objects validated by a real JSON Schema validator.
//! - [`conformance`]: which operation a request is, and whether a request (path, query and header parameters,
//!   body) or a response (status, media type, body) is what the operation documents.
//! - [`example`]: values made up from a schema, or repaired to validate against one.
//! - [`media`]: which media types carry JSON.
//! - [`naming`]: the Rust names generated code gives spec names (shared by the generator and the tests).
//!
//! The sandbox uses it on every request it serves, so every operation a spec gains is validated with no code of
//! its own; the tests use it to check the clients and the sandbox against the same documents.

pub mod conformance;
pub mod example;
pub mod json_schema;
pub mod media;
pub mod naming;
mod refs;

pub use refs::resolve;
