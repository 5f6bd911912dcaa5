//! Request authentication: the one place credentials touch a request.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};

/// A credential was unusable (it cannot be sent in an HTTP header). The message never contains the credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCredential {
    /// Which credential, e.g. `api token` or `SCP access key`.
    pub what: &'static str,
    /// Why it is refused.
    pub reason: &'static str,
}

impl fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.what, self.reason)
    }
}

impl std::error::Error for InvalidCredential {}

/// How the requests of one client are authenticated.
///
/// Header values built from secrets are marked sensitive (hyper and reqwest then keep them out of their own
/// debug output), and `Debug` on this type never shows a secret.
#[derive(Clone)]
pub enum Auth {
    /// Requests go out unauthenticated (the SCP version endpoint, local tools).
    None,
    /// A secret in a named header, e.g. Panther's `X-API-Key`.
    ApiKeyHeader {
        /// The header that carries the key.
        header: HeaderName,
        /// The key, as a sensitive header value.
        value: HeaderValue,
    },
    /// `Authorization: Bearer <token>` (Cloudcraft).
    Bearer(HeaderValue),
    /// A signature over the request itself (method, URL, time), computed by the provider that defines it:
    /// SCP's lives in `scp-cloudcontrol-client`.
    Signed(Arc<dyn RequestSigner>),
}

/// Authentication that depends on the request it authenticates. The runtime calls [`RequestSigner::sign`] last,
/// once per attempt, on the request exactly as it goes on the wire.
pub trait RequestSigner: Send + Sync + fmt::Debug {
    /// Adds the signature headers to `request`, signed as of `now`. `Debug` must never show a secret. Headers
    /// that carry a secret or a signature must be marked sensitive: the runtime keeps their values out of errors.
    fn sign(&self, request: &mut reqwest::Request, now: SystemTime);

    /// Every credential value this signer holds (keys, secrets), so that a server echoing one back never gets it
    /// into an error, even one never sent (a secret key).
    fn secrets(&self) -> Vec<SecretString> {
        Vec::new()
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::ApiKeyHeader { header, .. } => write!(f, "ApiKeyHeader({header}: [REDACTED])"),
            Auth::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Auth::Signed(signer) => signer.fmt(f),
        }
    }
}

/// `value` as a header value marked sensitive (kept out of hyper's and reqwest's debug output); refused, without
/// echoing it, when empty or not sendable in a header. `what` names the credential in the error.
pub fn sensitive_header(what: &'static str, value: &str) -> Result<HeaderValue, InvalidCredential> {
    if value.is_empty() {
        return Err(InvalidCredential {
            what,
            reason: "it is empty",
        });
    }
    let mut header = HeaderValue::from_str(value).map_err(|_| InvalidCredential {
        what,
        reason: "it contains characters that cannot be sent in an HTTP header",
    })?;
    header.set_sensitive(true);
    Ok(header)
}

impl Auth {
    /// A key sent in `header` on every request (Panther: `X-API-Key`).
    pub fn api_key_header(
        header: HeaderName,
        key: &SecretString,
    ) -> Result<Self, InvalidCredential> {
        Ok(Auth::ApiKeyHeader {
            header,
            value: sensitive_header("API key", key.expose_secret())?,
        })
    }

    /// `Authorization: Bearer <token>` on every request.
    pub fn bearer(token: &SecretString) -> Result<Self, InvalidCredential> {
        sensitive_header("API key", token.expose_secret())?;
        let value = format!("Bearer {}", token.expose_secret());
        Ok(Auth::Bearer(sensitive_header("API key", &value)?))
    }

    /// Authentication by a request signature (see [`RequestSigner`]).
    pub fn signed(signer: impl RequestSigner + 'static) -> Self {
        Auth::Signed(Arc::new(signer))
    }

    /// The credential values this authentication holds (see [`crate::Redactions`]).
    pub fn secrets(&self) -> Vec<SecretString> {
        let text = |value: &HeaderValue| value.to_str().unwrap_or_default().to_string();
        match self {
            Auth::None => Vec::new(),
            Auth::ApiKeyHeader { value, .. } => vec![text(value).into()],
            Auth::Bearer(value) => {
                let token = text(value);
                let token = token.strip_prefix("Bearer ").unwrap_or(&token).to_string();
                vec![token.into()]
            }
            Auth::Signed(signer) => signer.secrets(),
        }
    }

    /// Whether the requests' credentials change with each request (a signature).
    pub(crate) fn is_signed(&self) -> bool {
        matches!(self, Auth::Signed(_))
    }

    /// Adds this authentication to `request`, signing it as it is now (call it last, once per attempt).
    pub fn apply(&self, request: &mut reqwest::Request, now: SystemTime) {
        match self {
            Auth::None => {}
            Auth::ApiKeyHeader { header, value } => {
                request.headers_mut().insert(header.clone(), value.clone());
            }
            Auth::Bearer(value) => {
                request.headers_mut().insert(AUTHORIZATION, value.clone());
            }
            Auth::Signed(signer) => signer.sign(request, now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap())
    }

    #[test]
    fn debug_never_shows_secrets() {
        let secret = SecretString::from("super-secret-value");
        let auths = [
            Auth::api_key_header(HeaderName::from_static("x-api-key"), &secret).unwrap(),
            Auth::bearer(&secret).unwrap(),
        ];
        for auth in auths {
            let shown = format!("{auth:?} {auth:#?}");
            assert!(!shown.contains("super-secret-value"), "{shown}");
            assert!(shown.contains("REDACTED"), "{shown}");
        }
    }

    #[test]
    fn unusable_credentials_are_refused_without_echoing_them() {
        let bad = SecretString::from("line\nbreak-secret");
        let err = Auth::bearer(&bad).unwrap_err();
        assert_eq!(err.what, "API key");
        assert!(!err.to_string().contains("break-secret"));
        assert!(Auth::bearer(&SecretString::from("")).is_err());
    }

    #[test]
    fn the_secrets_to_redact_are_the_credentials_themselves() {
        let secret = SecretString::from("tok-1");
        let shown = |auth: Auth| -> Vec<String> {
            auth.secrets()
                .iter()
                .map(|s| s.expose_secret().to_string())
                .collect()
        };
        let header = HeaderName::from_static("x-api-key");
        assert_eq!(
            shown(Auth::api_key_header(header, &secret).unwrap()),
            ["tok-1"]
        );
        assert_eq!(shown(Auth::bearer(&secret).unwrap()), ["tok-1"]);
        assert!(shown(Auth::None).is_empty());
    }

    #[test]
    fn key_and_bearer_headers_are_sensitive() {
        let secret = SecretString::from("tok");
        let mut req = request("https://example.com/roles");
        Auth::api_key_header(HeaderName::from_static("x-api-key"), &secret)
            .unwrap()
            .apply(&mut req, SystemTime::now());
        assert_eq!(req.headers()["x-api-key"], "tok");
        assert!(req.headers()["x-api-key"].is_sensitive());
        let mut req = request("https://example.com/aws/account");
        Auth::bearer(&secret)
            .unwrap()
            .apply(&mut req, SystemTime::now());
        assert_eq!(req.headers()["authorization"], "Bearer tok");
        assert!(req.headers()["authorization"].is_sensitive());
    }
}
