//! Typed async clients for Samsung Cloud Platform (SCP) Cloud Control, one module per API version.
//!
//! - [`v1_1`]: Cloud Control 1.1 (current), generated from `specs/scp-cloudcontrol-v1.1.json`.
//! - [`v1_0`]: Cloud Control 1.0 (deprecated; support guaranteed until 2025-12-31), generated from
//!   `specs/scp-cloudcontrol-v1.0.json`.
//!
//! Each module's client always sends its own `Scp-Api-Version` header (see `API.pinned_headers`), and its request
//! and response types are distinct Rust types, so a 1.0 body cannot be sent to the 1.1 client.
//! Most users want the `cloud-apis` facade, which signs every request.

pub mod v1_0;
pub mod v1_1;
