//! Shared helpers for the workspace's spec and contract tests.
//!
//! The tests treat `specs/` as the single source of truth: they load each document, derive what to check
//! from it (operations, schemas, examples) and compare the clients against that, never against hand-copied values.

pub mod contract;
pub mod contracts;
pub mod examples;
pub mod generated;
pub mod instance;
pub mod json_schema;
pub mod normalize;
mod refs;
pub mod specs;
