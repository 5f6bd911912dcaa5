//! The commands `cargo xtask regen` generates from `specs/`, one module per API (a Cloud Control version that
//! shares another's client shares its commands). Never edited by hand.

pub mod cloudcraft;
pub mod panther;
#[allow(deprecated)]
pub mod scp_cloudcontrol_v1_0;
pub mod scp_cloudcontrol_v1_2;
