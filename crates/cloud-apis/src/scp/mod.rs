//! Samsung Cloud Platform: configuration shared by its services, and the Cloud Control clients.
//!
//! SCP authenticates every request with an HMAC-SHA256 signature over the method, the exact URL sent, a
//! millisecond timestamp, the access key and the account id; the runtime computes it afresh for every request.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cloud_apis::scp::{Environment, ScpConfig};
//!
//! let scp = ScpConfig::new("my-access-key", "my-secret-key", Environment::Enterprise);
//! let cloudcontrol = scp.cloudcontrol_v1_2()?;
//! let zone = cloudcontrol
//!     .show_landing_zone()
//!     .landing_zone_id("2c8a138f8d78e1fc29a449dbfa8681")
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{}", zone.landing_zone.status);
//! # Ok(()) }
//! ```

pub mod cloudcontrol;
mod config;
mod version_check;

pub use config::{
    AcceptLanguage, Environment, ScpConfig, UnknownEnvironment, ENV_ACCESS_KEY, ENV_ACCOUNT_ID,
    ENV_BASE_URL, ENV_ENVIRONMENT, ENV_SECRET_KEY,
};
pub use version_check::{VersionPolicy, VersionReport, VersionStatus};
