//! Errors raised while building a client, before any request is sent. They reach callers as
//! [`crate::Error`] of kind [`crate::ErrorKind::Config`], whose message names the setting at fault.

use cloud_apis_runtime::InvalidCredential;

/// A client could not be built from the given configuration. Messages name the environment variable or field at
/// fault and never contain a secret.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    /// A required setting is absent.
    #[error("{name} is not set")]
    Missing {
        /// The environment variable or configuration field.
        name: &'static str,
    },
    /// A setting is present but unusable.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The environment variable or configuration field.
        name: &'static str,
        /// What is wrong with it (never the secret itself).
        reason: String,
    },
    /// The base URL is plain `http` on a host that is not loopback.
    #[error(
        "{name}: refusing plain-http base URL {url}: credentials would travel unencrypted; use https, a loopback \
         host, or opt in with `allow_insecure_http(true)`"
    )]
    InsecureUrl {
        /// The environment variable or configuration field.
        name: &'static str,
        /// The refused URL.
        url: String,
    },
    /// The HTTP client could not be built (TLS initialisation).
    #[error("building the HTTP client failed: {0}")]
    Http(#[source] reqwest::Error),
}

impl ConfigError {
    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        ConfigError::Invalid {
            name,
            reason: reason.into(),
        }
    }

    pub(crate) fn credential(name: &'static str, err: InvalidCredential) -> Self {
        ConfigError::invalid(name, err.reason)
    }
}

impl From<ConfigError> for crate::Error {
    fn from(error: ConfigError) -> Self {
        crate::Error::new(
            crate::ErrorKind::Config,
            Default::default(),
            error.to_string(),
        )
    }
}
