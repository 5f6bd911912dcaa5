//! Shared helpers for the workspace's spec and contract tests.
//!
//! The tests treat `specs/` as the single source of truth: they load each document, derive what to check
//! from it (operations, schemas, examples) and compare the clients against that, never against hand-copied values.

pub mod contract;
pub mod contracts;
pub mod examples;
pub mod generated;
pub mod instance;
pub mod normalize;
pub mod specs;

/// The JSON Schema validator for OpenAPI 3.0 schemas lives with the other spec checks.
pub use cloud_apis_spec::json_schema;

mod refs {
    pub use cloud_apis_spec::resolve;
}
