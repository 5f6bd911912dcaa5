//! Panther REST API: all 96 operations of its published document (alerts, detections, log sources, users, roles,
//! API tokens, AWS cloud accounts, ...).
//!
//! Every request carries the API token in `X-API-Key` (a sensitive header) and this crate's `User-Agent`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cloud_apis::panther::PantherConfig;
//!
//! // PANTHER_API_HOST (a host such as `api.acme.runpanther.net`, or a URL) and PANTHER_API_TOKEN
//! let panther = PantherConfig::from_env()?.build()?;
//! let roles = panther.role_list().send().await?.into_inner();
//! for role in roles.results {
//!     println!("{} {:?}", role.name, role.permissions);
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use cloud_apis_runtime::{Auth, SecretString};
use reqwest::header::HeaderName;

use crate::env::{Env, LookupEnv, ProcessEnv};
use crate::{ConfigError, HttpOptions};

pub use panther_client::{
    builder, types, ByteStream, Client, ClientInfo, ResponseValue, API, SPEC_JSON,
};

/// Environment variable holding the API host or base URL.
pub const ENV_API_HOST: &str = "PANTHER_API_HOST";
/// Environment variable holding the API token.
pub const ENV_API_TOKEN: &str = "PANTHER_API_TOKEN";
/// Request timeout when none is configured (the one Panther's own Terraform provider uses).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything needed to build a Panther [`Client`].
#[derive(Clone)]
pub struct PantherConfig {
    api_host: String,
    token: SecretString,
    http: HttpOptions,
}

impl fmt::Debug for PantherConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PantherConfig")
            .field("api_host", &self.api_host)
            .field("token", &"[REDACTED]")
            .field("http", &self.http)
            .finish()
    }
}

impl PantherConfig {
    /// A configuration for the API at `api_host` (a host, taken as `https://`, or a full base URL).
    pub fn new(api_host: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            api_host: api_host.into(),
            token: SecretString::from(token.into()),
            http: HttpOptions::default(),
        }
    }

    /// Reads `PANTHER_API_HOST` and `PANTHER_API_TOKEN`.
    pub fn from_env() -> Result<Self, crate::Error> {
        Ok(Self::from(&ProcessEnv)?)
    }

    /// [`from_env`](Self::from_env) with each variable read through `lookup` instead of the process environment:
    /// what a tool uses to let its flags win over the environment, with the same names, defaults and errors.
    ///
    /// ```
    /// use cloud_apis::panther::PantherConfig;
    ///
    /// let flags = [("PANTHER_API_HOST", "api.acme.runpanther.net"), ("PANTHER_API_TOKEN", "t")];
    /// let lookup = |name: &str| flags.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
    /// use cloud_apis::panther::ClientInfo;
    /// let client = PantherConfig::from_lookup(lookup)?.build()?;
    /// assert_eq!(client.baseurl(), "https://api.acme.runpanther.net");
    /// let missing = PantherConfig::from_lookup(|_| None).unwrap_err();
    /// assert_eq!(missing.to_string(), "PANTHER_API_HOST is not set");
    /// # Ok::<(), cloud_apis::Error>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, crate::Error> {
        Ok(Self::from(&LookupEnv(lookup))?)
    }

    pub(crate) fn from(env: &impl Env) -> Result<Self, ConfigError> {
        Ok(Self::new(
            env.require(ENV_API_HOST)?,
            env.require(ENV_API_TOKEN)?,
        ))
    }

    /// Transport settings (timeouts, plain-http opt-in).
    pub fn http(mut self, options: HttpOptions) -> Self {
        self.http = options;
        self
    }

    /// The client, ready to use. Fails, before any request, on a missing or malformed host or token.
    pub fn build(&self) -> Result<Client, crate::Error> {
        Ok(self.client()?)
    }

    fn client(&self) -> Result<Client, ConfigError> {
        let base_url = self.http.base_url(ENV_API_HOST, &self.api_host)?;
        let auth = Auth::api_key_header(HeaderName::from_static("x-api-key"), &self.token)
            .map_err(|e| ConfigError::credential(ENV_API_TOKEN, e))?;
        let runtime = crate::runtime_builder("panther", &self.http, DEFAULT_REQUEST_TIMEOUT)
            .auth(auth)
            .build();
        let http = self.http.client(DEFAULT_REQUEST_TIMEOUT)?;
        Ok(Client::new_with_client(&base_url, http, runtime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn from_env_names_the_missing_variable() {
        let env = HashMap::from([(ENV_API_HOST, "acme.runpanther.net")]);
        let err = PantherConfig::from(&env).unwrap_err();
        assert_eq!(err.to_string(), "PANTHER_API_TOKEN is not set");
        let env = HashMap::from([(ENV_API_TOKEN, "t")]);
        assert_eq!(
            PantherConfig::from(&env).unwrap_err().to_string(),
            "PANTHER_API_HOST is not set"
        );
    }

    #[test]
    fn a_malformed_token_fails_at_build_without_echoing_it() {
        let err = PantherConfig::new("acme.runpanther.net", "bad\ntoken-value")
            .build()
            .unwrap_err();
        let shown = err.to_string();
        assert!(shown.starts_with("PANTHER_API_TOKEN is invalid"), "{shown}");
        assert!(!shown.contains("token-value"), "{shown}");
    }

    #[test]
    fn debug_hides_the_token() {
        let config = PantherConfig::new("acme.runpanther.net", "very-secret-token");
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("very-secret-token") && shown.contains("REDACTED"),
            "{shown}"
        );
        let client = config.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("very-secret-token"), "{shown}");
    }

    #[test]
    fn host_or_url() {
        let client = PantherConfig::new("api.acme.runpanther.net", "t")
            .build()
            .unwrap();
        assert_eq!(client.baseurl(), "https://api.acme.runpanther.net");
        let err = PantherConfig::new("http://api.acme.runpanther.net", "t")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Config);
        assert!(
            err.to_string()
                .starts_with("PANTHER_API_HOST: refusing plain-http"),
            "{err}"
        );
    }
}
