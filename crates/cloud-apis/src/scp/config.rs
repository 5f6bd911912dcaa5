//! SCP credentials, environment and endpoint.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use cloud_apis_runtime::{Auth, RuntimeBuilder, SecretString};
use reqwest::header::{HeaderName, HeaderValue};
use scp_cloudcontrol_client::signature::ScpCredentials;

use crate::env::{Env, LookupEnv, ProcessEnv};
use crate::{ConfigError, HttpOptions};

/// The access key.
pub const ENV_ACCESS_KEY: &str = "SCP_ACCESS_KEY";
/// The secret key the signature is computed with.
pub const ENV_SECRET_KEY: &str = "SCP_SECRET_KEY";
/// The account id sent (and signed) as `Scp-AccountId`; optional.
pub const ENV_ACCOUNT_ID: &str = "SCP_ACCOUNT_ID";
/// `s`, `g` or `e`.
pub const ENV_ENVIRONMENT: &str = "SCP_ENVIRONMENT";
/// An explicit base URL, replacing the one derived from the environment.
pub const ENV_BASE_URL: &str = "SCP_BASE_URL";
/// Request timeout when none is configured.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An SCP environment: which family of hosts (`{service}.{environment}.samsungsdscloud.com`) serves requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// `s`: Samsung.
    Samsung,
    /// `g`: Sovereign.
    Sovereign,
    /// `e`: Enterprise.
    Enterprise,
}

impl Environment {
    /// The one-letter code used in host names.
    pub fn code(self) -> &'static str {
        match self {
            Environment::Samsung => "s",
            Environment::Sovereign => "g",
            Environment::Enterprise => "e",
        }
    }

    /// `https://{service}.{code}.samsungsdscloud.com`, the base URL of a global service such as Cloud Control.
    ///
    /// ```
    /// use cloud_apis::scp::Environment;
    /// assert_eq!(
    ///     Environment::Enterprise.service_url("cloudcontrol"),
    ///     "https://cloudcontrol.e.samsungsdscloud.com"
    /// );
    /// ```
    pub fn service_url(self, service: &str) -> String {
        format!("https://{service}.{}.samsungsdscloud.com", self.code())
    }
}

impl FromStr for Environment {
    type Err = UnknownEnvironment;

    /// Accepts the codes `s`, `g`, `e` and the names `samsung`, `sovereign`, `enterprise`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "s" | "samsung" => Ok(Environment::Samsung),
            "g" | "sovereign" => Ok(Environment::Sovereign),
            "e" | "enterprise" => Ok(Environment::Enterprise),
            _ => Err(UnknownEnvironment(s.to_string())),
        }
    }
}

/// The language of the service's messages, sent as `Accept-Language` unless a call sets its own: the generated
/// enum of the current Cloud Control version (`EnUs`, the default, or `KoKr`).
pub use crate::scp::cloudcontrol::v1_2::types::AcceptLanguage;

/// Text that names no SCP environment (the [`FromStr`] error of [`Environment`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnvironment(String);

impl fmt::Display for UnknownEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected s (Samsung), g (Sovereign) or e (Enterprise), got {:?}",
            self.0
        )
    }
}

impl std::error::Error for UnknownEnvironment {}

#[derive(Debug, Clone)]
enum Endpoint {
    Environment(Environment),
    BaseUrl(String),
}

/// Everything needed to build SCP clients: keys, account, environment (or base URL), language, transport.
#[derive(Clone)]
pub struct ScpConfig {
    access_key: String,
    secret_key: SecretString,
    account_id: String,
    endpoint: Endpoint,
    accept_language: AcceptLanguage,
    http: HttpOptions,
    clock: Option<fn() -> std::time::SystemTime>,
}

impl fmt::Debug for ScpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScpConfig")
            .field("access_key", &self.access_key)
            .field("secret_key", &"[REDACTED]")
            .field("account_id", &self.account_id)
            .field("endpoint", &self.endpoint)
            .field("accept_language", &self.accept_language)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl ScpConfig {
    /// Keys for `environment`, with no account id and `Accept-Language: en-US`.
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        environment: Environment,
    ) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: SecretString::from(secret_key.into()),
            account_id: String::new(),
            endpoint: Endpoint::Environment(environment),
            accept_language: AcceptLanguage::EnUs,
            http: HttpOptions::default(),
            clock: None,
        }
    }

    /// Reads `SCP_ACCESS_KEY`, `SCP_SECRET_KEY`, optionally `SCP_ACCOUNT_ID`, and `SCP_ENVIRONMENT` (`s`/`g`/`e`)
    /// or `SCP_BASE_URL` (which wins when both are set).
    pub fn from_env() -> Result<Self, crate::Error> {
        Ok(Self::from(&ProcessEnv)?)
    }

    /// [`from_env`](Self::from_env) with each variable read through `lookup` instead of the process environment:
    /// what a tool uses to let its flags win over the environment, with the same names, defaults and errors.
    ///
    /// ```
    /// use cloud_apis::scp::ScpConfig;
    ///
    /// let lookup = |name: &str| match name {
    ///     "SCP_ACCESS_KEY" | "SCP_SECRET_KEY" => Some("k".to_string()),
    ///     "SCP_BASE_URL" => Some("http://127.0.0.1:9000".to_string()),
    ///     _ => None,
    /// };
    /// use cloud_apis::scp::cloudcontrol::v1_2::ClientInfo;
    /// let client = ScpConfig::from_lookup(lookup)?.cloudcontrol_v1_2()?;
    /// assert_eq!(client.baseurl(), "http://127.0.0.1:9000");
    /// # Ok::<(), cloud_apis::Error>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, crate::Error> {
        Ok(Self::from(&LookupEnv(lookup))?)
    }

    pub(crate) fn from(env: &impl Env) -> Result<Self, ConfigError> {
        let access_key = env.require(ENV_ACCESS_KEY)?;
        let secret_key = env.require(ENV_SECRET_KEY)?;
        let environment = env
            .get(ENV_ENVIRONMENT)
            .map(|v| {
                v.parse::<Environment>()
                    .map_err(|e| ConfigError::invalid(ENV_ENVIRONMENT, e.to_string()))
            })
            .transpose()?;
        let base_url = env.get(ENV_BASE_URL);
        let mut config = match (environment, &base_url) {
            (Some(environment), _) => Self::new(access_key, secret_key, environment),
            (None, Some(_)) => Self::new(access_key, secret_key, Environment::Samsung),
            (None, None) => {
                return Err(ConfigError::invalid(
                    ENV_ENVIRONMENT,
                    "set SCP_ENVIRONMENT (s, g or e) or SCP_BASE_URL",
                ))
            }
        };
        if let Some(url) = base_url {
            config = config.base_url(url);
        }
        if let Some(account_id) = env.get(ENV_ACCOUNT_ID) {
            config = config.account_id(account_id);
        }
        Ok(config)
    }

    /// The account id sent and signed as `Scp-AccountId` (empty by default).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// Send requests to this base URL instead of the environment's host (a proxy, a sandbox).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Endpoint::BaseUrl(url.into());
        self
    }

    /// The language of the service's messages.
    pub fn accept_language(mut self, language: AcceptLanguage) -> Self {
        self.accept_language = language;
        self
    }

    /// Transport settings (timeouts, plain-http opt-in).
    pub fn http(mut self, options: HttpOptions) -> Self {
        self.http = options;
        self
    }

    /// The clock used for signature timestamps (tests use a fixed one).
    #[doc(hidden)]
    pub fn clock(mut self, clock: fn() -> std::time::SystemTime) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The base URL of `service`, vetted (https, or loopback / opted-in http).
    pub(crate) fn service_base_url(&self, service: &str) -> Result<String, ConfigError> {
        match &self.endpoint {
            Endpoint::Environment(environment) => self
                .http
                .base_url(ENV_ENVIRONMENT, &environment.service_url(service)),
            Endpoint::BaseUrl(url) => self.http.base_url(ENV_BASE_URL, url),
        }
    }

    pub(crate) fn http_client(&self) -> Result<reqwest::Client, ConfigError> {
        self.http.client(DEFAULT_REQUEST_TIMEOUT)
    }

    /// A runtime that signs every request with these keys.
    pub(crate) fn signing_runtime(&self, service: &str) -> Result<RuntimeBuilder, ConfigError> {
        if self.access_key.trim().is_empty() {
            return Err(ConfigError::Missing {
                name: ENV_ACCESS_KEY,
            });
        }
        let credentials =
            ScpCredentials::new(&self.access_key, self.secret_key.clone(), &self.account_id)
                .map_err(|e| {
                    let name = match e.what {
                        "SCP secret key" => ENV_SECRET_KEY,
                        "SCP account id" => ENV_ACCOUNT_ID,
                        _ => ENV_ACCESS_KEY,
                    };
                    ConfigError::credential(name, e)
                })?;
        let auth = Auth::signed(credentials);
        let mut builder = crate::runtime_builder(
            &format!("scp-{service}"),
            &self.http,
            DEFAULT_REQUEST_TIMEOUT,
        )
        .auth(auth)
        .default_header(
            HeaderName::from_static("accept-language"),
            HeaderValue::from_str(&self.accept_language.to_string())
                .expect("documented language tags are ASCII"),
        );
        if let Some(clock) = self.clock {
            builder = builder.clock(clock);
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn environments_parse_from_codes_and_names() {
        assert_eq!("s".parse(), Ok(Environment::Samsung));
        assert_eq!("G".parse(), Ok(Environment::Sovereign));
        assert_eq!("enterprise".parse(), Ok(Environment::Enterprise));
        assert_eq!(
            "x".parse::<Environment>().unwrap_err().to_string(),
            "expected s (Samsung), g (Sovereign) or e (Enterprise), got \"x\""
        );
    }

    #[test]
    fn from_env_requires_keys_and_an_endpoint() {
        let cases = [
            (vec![], "SCP_ACCESS_KEY is not set"),
            (vec![(ENV_ACCESS_KEY, "ak")], "SCP_SECRET_KEY is not set"),
            (
                vec![(ENV_ACCESS_KEY, "ak"), (ENV_SECRET_KEY, "sk")],
                "SCP_ENVIRONMENT is invalid",
            ),
            (
                vec![
                    (ENV_ACCESS_KEY, "ak"),
                    (ENV_SECRET_KEY, "sk"),
                    (ENV_ENVIRONMENT, "z"),
                ],
                "SCP_ENVIRONMENT is invalid: expected s (Samsung)",
            ),
        ];
        for (vars, expected) in cases {
            let env: HashMap<&str, &str> = vars.into_iter().collect();
            let err = ScpConfig::from(&env).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{expected}: {err}");
        }
    }

    #[test]
    fn base_url_wins_over_the_environment() {
        let env = HashMap::from([
            (ENV_ACCESS_KEY, "ak"),
            (ENV_SECRET_KEY, "sk"),
            (ENV_ENVIRONMENT, "e"),
            (ENV_ACCOUNT_ID, "acct-1"),
        ]);
        let config = ScpConfig::from(&env).unwrap();
        assert_eq!(
            config.service_base_url("cloudcontrol").unwrap(),
            "https://cloudcontrol.e.samsungsdscloud.com"
        );
        assert_eq!(config.account_id, "acct-1");
        let mut env = env;
        env.insert(ENV_BASE_URL, "http://127.0.0.1:9000");
        let config = ScpConfig::from(&env).unwrap();
        assert_eq!(
            config.service_base_url("cloudcontrol").unwrap(),
            "http://127.0.0.1:9000"
        );
        env.insert(ENV_BASE_URL, "http://scp.internal");
        let err = ScpConfig::from(&env)
            .unwrap()
            .service_base_url("cloudcontrol")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("SCP_BASE_URL: refusing plain-http"),
            "{err}"
        );
    }

    #[test]
    fn non_ascii_keys_and_account_ids_are_refused_naming_the_variable() {
        let err = ScpConfig::new("ak", "the-secret-key", Environment::Samsung)
            .account_id("계정")
            .signing_runtime("cloudcontrol")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("SCP_ACCOUNT_ID is invalid"), "{err}");
        let err = ScpConfig::new("a k", "the-secret-key", Environment::Samsung)
            .signing_runtime("cloudcontrol")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("SCP_ACCESS_KEY is invalid"), "{err}");
        assert!(!err.contains("the-secret-key"));
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let config = ScpConfig::new("ak", "the-secret-key", Environment::Samsung);
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("the-secret-key") && shown.contains("REDACTED"),
            "{shown}"
        );
    }
}
