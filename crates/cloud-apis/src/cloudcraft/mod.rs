//! Cloudcraft API: blueprints (diagrams) and their exports and budgets, linked AWS and Azure accounts and live
//! snapshots of them, the team and the current user.
//!
//! Every request carries `Authorization: Bearer <API key>` (a sensitive header) and this crate's `User-Agent`.
//! [`CloudcraftConfig::from_env`] honours the variables of Cloudcraft's official SDKs.
//!
//! Beyond the generated operations:
//! - [`ClientSnapshotExt::snapshot`] renders a snapshot of an AWS or Azure account through Cloudcraft's long poll;
//! - [`ClientBlueprintExt::edit_blueprint`] changes a blueprint without overwriting a concurrent change
//!   (`ETag`/`If-Match`, 412 → [`Error::is_precondition_failed`](crate::Error::is_precondition_failed));
//! - every binary operation (image exports, budgets, snapshots) has a generated `download()` giving a
//!   [`Download`] that streams into a file or any `AsyncWrite` with flat memory;
//! - [`ClientCredentialsExt::check_credentials`] tells whether the API key works, with one cheap call.
//!
//! ```no_run
//! # async fn run(cloudcraft: cloud_apis::cloudcraft::Client) -> Result<(), cloud_apis::Error> {
//! use cloud_apis::cloudcraft::types::{Currency, ExportBlueprintBudgetFormat, ExportBlueprintImageFormat};
//!
//! let blueprints = cloudcraft.list_blueprints().send().await?.into_inner().blueprints;
//! let id = &blueprints[0].id;
//! let png = cloudcraft.export_blueprint_image().blueprint_id(id).format(ExportBlueprintImageFormat::Png)
//!     .scale(2.0).transparent(true).download().await?;
//! png.save("diagram.png").await?;
//! let budget = cloudcraft.export_blueprint_budget().blueprint_id(id).format(ExportBlueprintBudgetFormat::Csv)
//!     .currency(Currency::Eur).download().await?;
//! let mut file = tokio::fs::File::create("budget.csv").await.expect("a writable file");
//! budget.write_to(&mut file).await?;
//! # Ok(()) }
//! ```
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cloud_apis::cloudcraft::CloudcraftConfig;
//!
//! let cloudcraft = CloudcraftConfig::from_env()?.build()?;
//! for account in cloudcraft.list_aws_accounts().send().await?.into_inner().accounts {
//!     println!("{} {}", account.id, account.name);
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

mod blueprint;
mod snapshot;

pub use blueprint::{etag, ClientBlueprintExt, Edited, EDIT_ATTEMPTS};
pub use cloud_apis_runtime::{Download, Secret};
pub use snapshot::{
    Aws, Azure, ClientSnapshotExt, Cloud, Snapshot, SnapshotRequest, DEFAULT_DEADLINE,
    DEFAULT_POLL_INTERVAL, MAX_JSON_SNAPSHOT_BYTES,
};

use cloud_apis_runtime::{Auth, ExposeSecret, SecretString};

use crate::env::{Env, LookupEnv, ProcessEnv};
use crate::{ConfigError, HttpOptions};

pub use cloudcraft_client::{
    builder, types, ByteStream, Client, ClientInfo, ResponseValue, API, SPEC_JSON,
};

/// The API key (44 base64 characters).
pub const ENV_API_KEY: &str = "CLOUDCRAFT_API_KEY";
/// `https` (default) or `http` (loopback only unless allowed).
pub const ENV_PROTOCOL: &str = "CLOUDCRAFT_PROTOCOL";
/// The API host (default `api.cloudcraft.co`).
pub const ENV_HOST: &str = "CLOUDCRAFT_HOST";
/// The API port (default 443).
pub const ENV_PORT: &str = "CLOUDCRAFT_PORT";
/// Request timeout in seconds.
pub const ENV_TIMEOUT: &str = "CLOUDCRAFT_TIMEOUT";
/// Retries after the first attempt.
pub const ENV_MAX_RETRIES: &str = "CLOUDCRAFT_MAX_RETRIES";

/// The public API host.
pub const DEFAULT_HOST: &str = "api.cloudcraft.co";
/// Request timeout when none is configured: snapshots long-poll for up to 120 s before answering 202.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(130);

/// Everything needed to build a Cloudcraft [`Client`].
#[derive(Clone)]
pub struct CloudcraftConfig {
    api_key: SecretString,
    protocol: String,
    host: String,
    port: Option<u16>,
    http: HttpOptions,
}

impl fmt::Debug for CloudcraftConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudcraftConfig")
            .field("api_key", &"[REDACTED]")
            .field("protocol", &self.protocol)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("http", &self.http)
            .finish()
    }
}

impl CloudcraftConfig {
    /// A configuration for the public API with this key.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            api_key: SecretString::from(api_key.into()),
            protocol: "https".into(),
            host: DEFAULT_HOST.into(),
            port: None,
            http: HttpOptions::default(),
        }
    }

    /// Reads `CLOUDCRAFT_API_KEY` and, when set, `CLOUDCRAFT_PROTOCOL`, `CLOUDCRAFT_HOST`, `CLOUDCRAFT_PORT`,
    /// `CLOUDCRAFT_TIMEOUT` (seconds) and `CLOUDCRAFT_MAX_RETRIES`.
    pub fn from_env() -> Result<Self, crate::Error> {
        Ok(Self::from(&ProcessEnv)?)
    }

    /// [`from_env`](Self::from_env) with each variable read through `lookup` instead of the process environment:
    /// what a tool uses to let its flags win over the environment, with the same names, defaults and errors.
    ///
    /// ```
    /// use cloud_apis::cloudcraft::CloudcraftConfig;
    ///
    /// let lookup = |name: &str| match name {
    ///     "CLOUDCRAFT_API_KEY" => Some("c2FuZGJveC1jbG91ZGNyYWZ0LWFwaS1rZXktMDAwMDA=".to_string()),
    ///     "CLOUDCRAFT_PORT" => Some("not-a-port".to_string()),
    ///     _ => None,
    /// };
    /// let err = CloudcraftConfig::from_lookup(lookup).unwrap_err();
    /// assert!(err.to_string().contains("CLOUDCRAFT_PORT is invalid"), "{err}");
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, crate::Error> {
        Ok(Self::from(&LookupEnv(lookup))?)
    }

    pub(crate) fn from(env: &impl Env) -> Result<Self, ConfigError> {
        let mut config = Self::new(env.require(ENV_API_KEY)?);
        if let Some(protocol) = env.get(ENV_PROTOCOL) {
            config.protocol = protocol;
        }
        if let Some(host) = env.get(ENV_HOST) {
            config.host = host;
        }
        config.port = env.parse(ENV_PORT, "a port number (1-65535)")?;
        if let Some(seconds) = env.parse::<u64>(ENV_TIMEOUT, "a whole number of seconds")? {
            config.http = config.http.request_timeout(Duration::from_secs(seconds));
        }
        if let Some(retries) = env.parse::<u32>(ENV_MAX_RETRIES, "a whole number")? {
            let policy = config
                .http
                .retry_policy()
                .clone()
                .max_attempts(retries.saturating_add(1));
            config.http = config.http.retry(policy);
        }
        Ok(config)
    }

    /// Use another host (e.g. a proxy or a local sandbox).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// `https` (default) or `http`.
    pub fn protocol(mut self, protocol: impl Into<String>) -> Self {
        self.protocol = protocol.into();
        self
    }

    /// A port other than the protocol's default.
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Transport settings (timeouts, plain-http opt-in).
    pub fn http(mut self, options: HttpOptions) -> Self {
        self.http = options;
        self
    }

    /// The base URL these settings describe.
    fn base_url(&self) -> Result<String, ConfigError> {
        let protocol = self.protocol.trim().to_ascii_lowercase();
        if protocol != "https" && protocol != "http" {
            return Err(ConfigError::invalid(
                ENV_PROTOCOL,
                format!("expected https or http, got {:?}", self.protocol),
            ));
        }
        let host = self.host.trim();
        if !crate::http::is_host_name(host) {
            return Err(ConfigError::invalid(
                ENV_HOST,
                format!("{host:?} is not a host name"),
            ));
        }
        let url = match self.port {
            Some(0) => return Err(ConfigError::invalid(ENV_PORT, "port 0 is not a port")),
            Some(port) => format!("{protocol}://{host}:{port}"),
            None => format!("{protocol}://{host}"),
        };
        self.http.base_url(ENV_HOST, &url)
    }

    /// The client, ready to use. Fails, before any request, on a missing or malformed key or endpoint.
    pub fn build(&self) -> Result<Client, crate::Error> {
        Ok(self.client()?)
    }

    fn client(&self) -> Result<Client, ConfigError> {
        check_api_key(&self.api_key)?;
        let base_url = self.base_url()?;
        let auth =
            Auth::bearer(&self.api_key).map_err(|e| ConfigError::credential(ENV_API_KEY, e))?;
        let runtime = crate::runtime_builder("cloudcraft", &self.http, DEFAULT_REQUEST_TIMEOUT)
            .auth(auth)
            .build();
        let http = self.http.client(DEFAULT_REQUEST_TIMEOUT)?;
        Ok(Client::new_with_client(&base_url, http, runtime))
    }
}

/// A cheap check of the API key, as a method of [`Client`] (import the trait).
pub trait ClientCredentialsExt {
    /// Asks who the API key belongs to (`GET /user/me`, one small call): the user when the key works, an error
    /// for which [`Error::is_unauthorized`](crate::Error::is_unauthorized) holds when Cloudcraft refuses it.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use cloud_apis::cloudcraft::{ClientCredentialsExt, CloudcraftConfig};
    ///
    /// let cloudcraft = CloudcraftConfig::from_env()?.build()?;
    /// match cloudcraft.check_credentials().await {
    ///     Ok(user) => println!("signed in as {}", user.email.as_str()),
    ///     Err(e) if e.is_unauthorized() => eprintln!("CLOUDCRAFT_API_KEY was refused"),
    ///     Err(e) => return Err(e.into()),
    /// }
    /// # Ok(()) }
    /// ```
    fn check_credentials(
        &self,
    ) -> impl std::future::Future<Output = Result<types::User, crate::Error>> + Send;
}

impl ClientCredentialsExt for Client {
    async fn check_credentials(&self) -> Result<types::User, crate::Error> {
        Ok(self.get_current_user().send().await?.into_inner())
    }
}

/// Cloudcraft keys are 44 characters of standard base64 (the official Go SDK refuses anything else).
fn check_api_key(key: &SecretString) -> Result<(), ConfigError> {
    let key = key.expose_secret();
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    if key.chars().count() != 44 || !key.chars().all(base64) {
        return Err(ConfigError::invalid(
            ENV_API_KEY,
            format!(
                "expected 44 base64 characters, got {} characters",
                key.chars().count()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const KEY: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE=";

    #[test]
    fn official_sdk_variables_are_honoured() {
        let key = KEY.to_string();
        let env = HashMap::from([
            (ENV_API_KEY, key.as_str()),
            (ENV_PROTOCOL, "http"),
            (ENV_HOST, "127.0.0.1"),
            (ENV_PORT, "8089"),
            (ENV_TIMEOUT, "45"),
            (ENV_MAX_RETRIES, "5"),
        ]);
        let config = CloudcraftConfig::from(&env).unwrap();
        assert_eq!(config.http.retry_policy().attempts(), 6);
        assert_eq!(
            config.http.configured_request_timeout(),
            Some(Duration::from_secs(45))
        );
        let client = config.build().unwrap();
        assert_eq!(client.baseurl(), "http://127.0.0.1:8089");
    }

    #[test]
    fn defaults_to_the_public_https_endpoint() {
        let client = CloudcraftConfig::new(KEY).build().unwrap();
        assert_eq!(client.baseurl(), "https://api.cloudcraft.co");
    }

    #[test]
    fn bad_settings_name_their_variable() {
        let key = KEY.to_string();
        let cases = [
            (vec![(ENV_HOST, "x")], "CLOUDCRAFT_API_KEY is not set"),
            (
                vec![(ENV_API_KEY, "short")],
                "CLOUDCRAFT_API_KEY is invalid",
            ),
            (
                vec![(ENV_API_KEY, key.as_str()), (ENV_PORT, "eighty")],
                "CLOUDCRAFT_PORT is invalid",
            ),
            (
                vec![(ENV_API_KEY, key.as_str()), (ENV_TIMEOUT, "-1")],
                "CLOUDCRAFT_TIMEOUT is invalid",
            ),
            (
                vec![(ENV_API_KEY, key.as_str()), (ENV_MAX_RETRIES, "x")],
                "CLOUDCRAFT_MAX_RETRIES is invalid",
            ),
            (
                vec![(ENV_API_KEY, key.as_str()), (ENV_PROTOCOL, "ftp")],
                "CLOUDCRAFT_PROTOCOL is invalid",
            ),
            (
                vec![(ENV_API_KEY, key.as_str()), (ENV_PROTOCOL, "http")],
                "CLOUDCRAFT_HOST: refusing plain-http",
            ),
            (
                vec![
                    (ENV_API_KEY, key.as_str()),
                    (ENV_HOST, r"api.cloudcraft.co\evil.example"),
                ],
                "CLOUDCRAFT_HOST is invalid",
            ),
            (
                vec![
                    (ENV_API_KEY, key.as_str()),
                    (ENV_HOST, "evil.example/api.cloudcraft.co"),
                ],
                "CLOUDCRAFT_HOST is invalid",
            ),
            (
                vec![(ENV_API_KEY, key.as_str()), (ENV_HOST, "user@evil.example")],
                "CLOUDCRAFT_HOST is invalid",
            ),
        ];
        for (vars, expected) in cases {
            let env: HashMap<&str, &str> = vars.into_iter().collect();
            let err = CloudcraftConfig::from(&env)
                .map_err(crate::Error::from)
                .and_then(|c| c.build().map(|_| c))
                .unwrap_err();
            assert!(err.to_string().starts_with(expected), "{expected}: {err}");
        }
    }

    #[test]
    fn the_key_is_never_shown() {
        let secret = "Zz9+Zz9+Zz9+Zz9+Zz9+Zz9+Zz9+Zz9+Zz9+Zz9+Zz9=";
        let config = CloudcraftConfig::new(secret);
        let client = config.build().unwrap();
        for shown in [format!("{config:?}"), format!("{client:?}")] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let err = CloudcraftConfig::new("not-a-key-but-secret")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("not-a-key-but-secret"));
    }
}
