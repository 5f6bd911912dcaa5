//! SCP Cloud Control: landing zones, account factory, guardrails, baseline assignments.
//!
//! Three API versions, each its own module with its own generated types:
//!
//! - [`v1_2`] — current ([`CloudControlVersion::latest`]). Its client always sends
//!   `Scp-Api-Version: cloudcontrol 1.2`.
//! - [`v1_1`] — deprecated by Samsung (not before 2026-06-30); 1.2 keeps its operations and schemas. Its client
//!   always sends `Scp-Api-Version: cloudcontrol 1.1`.
//! - [`v1_0`] — deprecated by Samsung, support guaranteed until 2025-12-31. Its client always sends
//!   `Scp-Api-Version: cloudcontrol 1.0`.
//!
//! **Version pinning.** The header is not a parameter: the runtime sets it on every request from the version the
//! client was generated for, so it cannot be forgotten, and the two versions' request and response types are
//! distinct, so a 1.0 body cannot travel under the 1.1 header:
//!
//! ```compile_fail
//! # use cloud_apis::scp::cloudcontrol::v1_2;
//! # #[allow(deprecated)]
//! # use cloud_apis::scp::cloudcontrol::v1_0;
//! fn create(client: &v1_2::Client, body: v1_0::types::LandingZoneCreateRequest) {
//!     let _ = client.create_landing_zone().body(body); // error: a 1.0 type for a 1.2 operation
//! }
//! ```
//!
//! while the same call with the 1.2 type compiles:
//!
//! ```
//! # use cloud_apis::scp::cloudcontrol::v1_2;
//! fn create(client: &v1_2::Client, body: v1_2::types::LandingZoneCreateRequest) {
//!     let _ = client.create_landing_zone().body(body);
//! }
//! ```

use cloud_apis_runtime::RuntimeBuilder;

use super::ScpConfig;
use crate::ConfigError;

/// The service name in host names and in `Scp-Api-Version`.
pub const SERVICE: &str = "cloudcontrol";

/// Cloud Control 1.2 (current).
pub mod v1_2 {
    pub use scp_cloudcontrol_client::v1_2::*;
}

/// Cloud Control 1.1.
#[deprecated(
    since = "0.2.0",
    note = "SCP Cloud Control 1.1 is DEPRECATED and may stop being served from 2026-06-30. Use v1_2, which keeps \
            its operations and schemas."
)]
pub mod v1_1 {
    pub use scp_cloudcontrol_client::v1_1::*;
}

/// Cloud Control 1.0.
#[deprecated(
    since = "0.1.0",
    note = "SCP Cloud Control 1.0 is deprecated; Samsung guaranteed support only until 2025-12-31. Use v1_2."
)]
pub mod v1_0 {
    pub use scp_cloudcontrol_client::v1_0::*;
}

/// A Cloud Control API version this crate has a client for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloudControlVersion {
    /// 1.0 (deprecated; support guaranteed until 2025-12-31).
    V1_0,
    /// 1.1 (deprecated; not before 2026-06-30).
    V1_1,
    /// 1.2 (current).
    V1_2,
}

impl CloudControlVersion {
    /// The version the provider marks CURRENT, which new code should pin.
    ///
    /// ```
    /// use cloud_apis::scp::cloudcontrol::CloudControlVersion;
    /// assert_eq!(CloudControlVersion::latest().header_value(), "cloudcontrol 1.2");
    /// ```
    pub fn latest() -> Self {
        CloudControlVersion::V1_2
    }

    /// The `Scp-Api-Version` value the version's client sends, as its spec pins it.
    ///
    /// ```
    /// use cloud_apis::scp::cloudcontrol::CloudControlVersion;
    /// assert_eq!(CloudControlVersion::V1_1.header_value(), "cloudcontrol 1.1");
    /// assert_eq!(CloudControlVersion::V1_2.header_value(), "cloudcontrol 1.2");
    /// ```
    pub fn header_value(self) -> &'static str {
        #[allow(deprecated)]
        let api = match self {
            CloudControlVersion::V1_0 => &v1_0::API,
            CloudControlVersion::V1_1 => &v1_1::API,
            CloudControlVersion::V1_2 => &v1_2::API,
        };
        api.pinned_header("scp-api-version")
            .expect("the Cloud Control specs pin Scp-Api-Version")
    }

    /// The version number, e.g. `1.1`.
    pub fn number(self) -> &'static str {
        self.header_value()
            .strip_prefix("cloudcontrol ")
            .expect("Scp-Api-Version values are `cloudcontrol <version>`")
    }
}

impl ScpConfig {
    /// A Cloud Control 1.2 client (the current version): every request signed and sent with
    /// `Scp-Api-Version: cloudcontrol 1.2`.
    pub fn cloudcontrol_v1_2(&self) -> Result<v1_2::Client, crate::Error> {
        Ok(self.cloudcontrol(|url, http, runtime| {
            v1_2::Client::new_with_client(url, http, runtime.build())
        })?)
    }

    /// A Cloud Control 1.1 client: every request signed and sent with `Scp-Api-Version: cloudcontrol 1.1`.
    #[deprecated(
        since = "0.2.0",
        note = "SCP Cloud Control 1.1 is DEPRECATED and may stop being served from 2026-06-30. Use \
                cloudcontrol_v1_2, which keeps its operations and schemas."
    )]
    #[allow(deprecated)]
    pub fn cloudcontrol_v1_1(&self) -> Result<v1_1::Client, crate::Error> {
        // 1.1 shares 1.2's operations and schemas: the 1.2 client, speaking 1.1.
        Ok(self.cloudcontrol(v1_1::client)?)
    }

    /// A Cloud Control 1.0 client: every request signed and sent with `Scp-Api-Version: cloudcontrol 1.0`.
    #[deprecated(
        since = "0.1.0",
        note = "SCP Cloud Control 1.0 is deprecated; Samsung guaranteed support only until 2025-12-31. Use \
                cloudcontrol_v1_2."
    )]
    #[allow(deprecated)]
    pub fn cloudcontrol_v1_0(&self) -> Result<v1_0::Client, crate::Error> {
        Ok(self.cloudcontrol(|url, http, runtime| {
            v1_0::Client::new_with_client(url, http, runtime.build())
        })?)
    }

    fn cloudcontrol<C>(
        &self,
        new: impl FnOnce(&str, reqwest::Client, RuntimeBuilder) -> C,
    ) -> Result<C, ConfigError> {
        let base_url = self.service_base_url(SERVICE)?;
        let runtime = self.signing_runtime(SERVICE)?;
        Ok(new(&base_url, self.http_client()?, runtime))
    }
}
