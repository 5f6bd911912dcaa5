//! Request authentication: the one place credentials touch a request.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};

use crate::scp_signature::{self, SignatureInput};

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
    /// Samsung Cloud Platform's HMAC-SHA256 request signature.
    ScpSignature(ScpCredentials),
}

/// Access key, secret key and account id of an SCP signature.
#[derive(Clone)]
pub struct ScpCredentials {
    access_key: String,
    access_key_header: HeaderValue,
    secret_key: SecretString,
    account_id: String,
    account_id_header: HeaderValue,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::ApiKeyHeader { header, .. } => write!(f, "ApiKeyHeader({header}: [REDACTED])"),
            Auth::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Auth::ScpSignature(c) => c.fmt(f),
        }
    }
}

impl fmt::Debug for ScpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScpCredentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"[REDACTED]")
            .field("account_id", &self.account_id)
            .finish()
    }
}

fn sensitive(what: &'static str, value: &str) -> Result<HeaderValue, InvalidCredential> {
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
            value: sensitive("API key", key.expose_secret())?,
        })
    }

    /// `Authorization: Bearer <token>` on every request.
    pub fn bearer(token: &SecretString) -> Result<Self, InvalidCredential> {
        sensitive("API key", token.expose_secret())?;
        let value = format!("Bearer {}", token.expose_secret());
        Ok(Auth::Bearer(sensitive("API key", &value)?))
    }

    /// SCP's signature with these keys; `account_id` may be empty.
    pub fn scp_signature(
        access_key: &str,
        secret_key: SecretString,
        account_id: &str,
    ) -> Result<Self, InvalidCredential> {
        if secret_key.expose_secret().is_empty() {
            return Err(InvalidCredential {
                what: "SCP secret key",
                reason: "it is empty",
            });
        }
        // Header values may carry bytes above 0x7f, but the signature and the service expect ASCII.
        let printable = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
        if !printable(account_id) {
            return Err(InvalidCredential {
                what: "SCP account id",
                reason: "it must be printable ASCII without spaces",
            });
        }
        if !printable(access_key) {
            return Err(InvalidCredential {
                what: "SCP access key",
                reason: "it must be printable ASCII without spaces",
            });
        }
        let account_id_header = HeaderValue::from_str(account_id).expect("printable ASCII");
        Ok(Auth::ScpSignature(ScpCredentials {
            access_key: access_key.to_string(),
            access_key_header: sensitive("SCP access key", access_key)?,
            secret_key,
            account_id: account_id.to_string(),
            account_id_header,
        }))
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
            Auth::ScpSignature(credentials) => credentials.sign(request, now),
        }
    }
}

/// The headers of an SCP signature, in the spelling the reference uses.
pub mod scp_headers {
    /// The access key.
    pub const ACCESS_KEY: &str = "scp-accesskey";
    /// The base64 HMAC-SHA256 signature.
    pub const SIGNATURE: &str = "scp-signature";
    /// Unix time in milliseconds.
    pub const TIMESTAMP: &str = "scp-timestamp";
    /// Always `Openapi`.
    pub const CLIENT_TYPE: &str = "scp-clienttype";
    /// The account id used in the signature (may be empty).
    pub const ACCOUNT_ID: &str = "scp-accountid";
}

impl ScpCredentials {
    fn sign(&self, request: &mut reqwest::Request, now: SystemTime) {
        let timestamp_ms = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let signature = scp_signature::sign(
            &SignatureInput {
                method: request.method().as_str(),
                url: request.url().as_str(),
                timestamp_ms,
                access_key: &self.access_key,
                account_id: &self.account_id,
            },
            self.secret_key.expose_secret().as_bytes(),
        );
        let headers = request.headers_mut();
        let mut signature =
            HeaderValue::from_str(&signature).expect("base64 is a valid header value");
        signature.set_sensitive(true);
        headers.insert(HeaderName::from_static(scp_headers::SIGNATURE), signature);
        headers.insert(
            HeaderName::from_static(scp_headers::TIMESTAMP),
            HeaderValue::from(timestamp_ms as u64),
        );
        headers.insert(
            HeaderName::from_static(scp_headers::ACCESS_KEY),
            self.access_key_header.clone(),
        );
        headers.insert(
            HeaderName::from_static(scp_headers::CLIENT_TYPE),
            HeaderValue::from_static(scp_signature::CLIENT_TYPE),
        );
        headers.insert(
            HeaderName::from_static(scp_headers::ACCOUNT_ID),
            self.account_id_header.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap())
    }

    #[test]
    fn debug_never_shows_secrets() {
        let secret = SecretString::from("super-secret-value");
        let auths = [
            Auth::api_key_header(HeaderName::from_static("x-api-key"), &secret).unwrap(),
            Auth::bearer(&secret).unwrap(),
            Auth::scp_signature("AK", secret.clone(), "acct").unwrap(),
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
        assert!(Auth::scp_signature("", SecretString::from("s"), "").is_err());
        assert!(Auth::scp_signature("AK", SecretString::from(""), "").is_err());
        let err = Auth::scp_signature("AK", SecretString::from("s"), "계정-1").unwrap_err();
        assert_eq!(
            (err.what, err.reason),
            (
                "SCP account id",
                "it must be printable ASCII without spaces"
            )
        );
        let err = Auth::scp_signature("ÄK", SecretString::from("s"), "").unwrap_err();
        assert_eq!(err.what, "SCP access key");
    }

    #[test]
    fn scp_signature_headers_match_the_algorithm() {
        let auth = Auth::scp_signature("AK", SecretString::from("SK"), "1234").unwrap();
        let url = "https://cloudcontrol.s.samsungsdscloud.com/v1/landing-zones";
        let mut req = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        auth.apply(
            &mut req,
            UNIX_EPOCH + Duration::from_millis(1_700_000_000_000),
        );
        let h = req.headers();
        assert_eq!(h["scp-timestamp"], "1700000000000");
        assert_eq!(h["scp-accesskey"], "AK");
        assert_eq!(h["scp-clienttype"], "Openapi");
        assert_eq!(h["scp-accountid"], "1234");
        // Same vector as scp_signature::tests::fixed_vectors.
        assert_eq!(
            h["scp-signature"],
            "eIJjM6qd1TGU7I1I8ZWOFlqTG+X8zYpawUgRFVekwXM="
        );
        assert!(h["scp-signature"].is_sensitive());
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
