//! Samsung Cloud Platform request signatures: the algorithm, and [`ScpCredentials`], the runtime's
//! [`RequestSigner`] for SCP.
//!
//! The string to sign is the concatenation, with no separators, of the upper-case HTTP method, the full request
//! URL exactly as sent (scheme, host, path, and `?query` when there is a query), the timestamp in milliseconds,
//! the access key, the account id (empty when none) and the client type (`Openapi`). The signature is the standard
//! base64 (with padding) of its HMAC-SHA256 under the secret key. The body is not signed.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use cloud_apis_runtime::ExposeSecret;
use cloud_apis_runtime::{sensitive_header, InvalidCredential, RequestSigner, SecretString};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{HeaderName, HeaderValue};
use sha2::Sha256;

/// The client type every signed request declares in `Scp-ClientType` and signs.
pub const CLIENT_TYPE: &str = "Openapi";

/// The inputs of one signature.
#[derive(Clone, Copy)]
pub struct SignatureInput<'a> {
    /// HTTP method; upper-cased before signing.
    pub method: &'a str,
    /// The URL exactly as it goes on the wire.
    pub url: &'a str,
    /// Unix time in milliseconds, the same value sent as `Scp-Timestamp`.
    pub timestamp_ms: u128,
    /// The access key, sent as `Scp-AccessKey`.
    pub access_key: &'a str,
    /// The account id, sent as `Scp-AccountId` (may be empty).
    pub account_id: &'a str,
}

/// The exact bytes that are signed (never contains the secret key).
pub fn string_to_sign(input: &SignatureInput<'_>) -> String {
    format!(
        "{}{}{}{}{}{}",
        input.method.to_ascii_uppercase(),
        input.url,
        input.timestamp_ms,
        input.access_key,
        input.account_id,
        CLIENT_TYPE
    )
}

/// `base64(HMAC-SHA256(secret_key, string_to_sign(input)))`.
pub fn sign(input: &SignatureInput<'_>, secret_key: &[u8]) -> String {
    let signature = signature(&keyed(secret_key), input);
    String::from_utf8(signature.to_vec()).expect("base64 is ASCII")
}

/// HMAC-SHA256 keyed with `secret_key`: the key's inner and outer pads are hashed once here, and each signature
/// starts from a copy.
fn keyed(secret_key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret_key).expect("HMAC accepts keys of any length")
}

/// The base64 signature of `input` under a keyed HMAC, built without allocating: the string to sign is fed to the
/// HMAC piece by piece instead of being formatted first.
fn signature(keyed: &Hmac<Sha256>, input: &SignatureInput<'_>) -> [u8; 44] {
    let mut mac = keyed.clone();
    let method = input.method.as_bytes();
    if method.iter().any(u8::is_ascii_lowercase) {
        mac.update(input.method.to_ascii_uppercase().as_bytes());
    } else {
        mac.update(method);
    }
    mac.update(input.url.as_bytes());
    let mut digits = [0u8; 39]; // u128::MAX has 39 digits
    let mut at = digits.len();
    let mut rest = input.timestamp_ms;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    mac.update(&digits[at..]);
    mac.update(input.access_key.as_bytes());
    mac.update(input.account_id.as_bytes());
    mac.update(CLIENT_TYPE.as_bytes());
    let mut out = [0u8; 44];
    base64::engine::general_purpose::STANDARD
        .encode_slice(mac.finalize().into_bytes(), &mut out)
        .expect("44 bytes hold the base64 of a 32-byte digest");
    out
}

/// Access key, secret key and account id of an SCP signature.
#[derive(Clone)]
pub struct ScpCredentials {
    access_key: String,
    access_key_header: HeaderValue,
    /// The secret key, prepared once as an HMAC key (never shown: `Debug` is written by hand).
    keyed: Hmac<Sha256>,
    /// The secret key itself, only so that a server echoing it never gets it into an error.
    secret_key: SecretString,
    account_id: String,
    account_id_header: HeaderValue,
}

impl ScpCredentials {
    /// Credentials for SCP's signature; `account_id` may be empty.
    pub fn new(
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
        Ok(ScpCredentials {
            access_key: access_key.to_string(),
            access_key_header: sensitive_header("SCP access key", access_key)?,
            keyed: keyed(secret_key.expose_secret().as_bytes()),
            secret_key,
            account_id: account_id.to_string(),
            account_id_header,
        })
    }
}

impl fmt::Debug for ScpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScpCredentials")
            .field("access_key", &"[REDACTED]")
            .field("secret_key", &"[REDACTED]")
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// The headers of an SCP signature, in the spelling the reference uses.
pub mod headers {
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

/// The signature's header names, made once.
const SIGNATURE_HEADER: HeaderName = HeaderName::from_static(headers::SIGNATURE);
const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static(headers::TIMESTAMP);
const ACCESS_KEY_HEADER: HeaderName = HeaderName::from_static(headers::ACCESS_KEY);
const CLIENT_TYPE_HEADER: HeaderName = HeaderName::from_static(headers::CLIENT_TYPE);
const ACCOUNT_ID_HEADER: HeaderName = HeaderName::from_static(headers::ACCOUNT_ID);

impl RequestSigner for ScpCredentials {
    fn sign(&self, request: &mut reqwest::Request, now: SystemTime) {
        let timestamp_ms = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let signature = signature(
            &self.keyed,
            &SignatureInput {
                method: request.method().as_str(),
                url: request.url().as_str(),
                timestamp_ms,
                access_key: &self.access_key,
                account_id: &self.account_id,
            },
        );
        let headers = request.headers_mut();
        let mut signature =
            HeaderValue::from_bytes(&signature).expect("base64 is a valid header value");
        signature.set_sensitive(true);
        headers.insert(SIGNATURE_HEADER, signature);
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from(timestamp_ms as u64));
        headers.insert(ACCESS_KEY_HEADER, self.access_key_header.clone());
        headers.insert(CLIENT_TYPE_HEADER, HeaderValue::from_static(CLIENT_TYPE));
        headers.insert(ACCOUNT_ID_HEADER, self.account_id_header.clone());
    }

    fn secrets(&self) -> Vec<SecretString> {
        vec![self.access_key.clone().into(), self.secret_key.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn input(url: &str) -> SignatureInput<'_> {
        SignatureInput {
            method: "get",
            url,
            timestamp_ms: 1_605_290_625_682,
            access_key: "2sd2gg=2agbdSD26svcD",
            account_id: "",
        }
    }

    /// The signature fed piece by piece equals the HMAC of the formatted string to sign, for any method case,
    /// timestamp and account.
    #[test]
    fn the_streamed_signature_is_the_hmac_of_the_string_to_sign() {
        let url = "https://cloudcontrol.s.samsungsdscloud.com/v1/guardrails?page=0&size=20";
        for (method, timestamp_ms, account_id) in [
            ("get", 0, ""),
            ("DELETE", 7, "acc-1"),
            ("pAtCh", u128::MAX, "x"),
        ] {
            let input = SignatureInput {
                method,
                timestamp_ms,
                account_id,
                ..input(url)
            };
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"secret").unwrap();
            mac.update(string_to_sign(&input).as_bytes());
            let expected =
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            assert_eq!(sign(&input, b"secret"), expected, "{method} {timestamp_ms}");
        }
    }

    #[test]
    fn string_to_sign_concatenates_without_separators() {
        let url = "https://cloudcontrol.e.samsungsdscloud.com/v1/guardrails?page=0&size=20";
        assert_eq!(
            string_to_sign(&input(url)),
            "GEThttps://cloudcontrol.e.samsungsdscloud.com/v1/guardrails?page=0&size=20\
             16052906256822sd2gg=2agbdSD26svcDOpenapi"
        );
        let with_account = SignatureInput {
            account_id: "acc-123",
            ..input(url)
        };
        assert!(string_to_sign(&with_account).ends_with("2sd2gg=2agbdSD26svcDacc-123Openapi"));
    }

    /// Vectors computed independently with Python:
    /// `base64.b64encode(hmac.new(secret, msg, hashlib.sha256).digest())`.
    #[test]
    fn fixed_vectors() {
        let url = "https://cloudcontrol.e.samsungsdscloud.com/v1/guardrails?page=0&size=20";
        assert_eq!(
            sign(&input(url), b"my-secret-key"),
            "+BtmE9HlpgZ2dcTFnHCr54BKLltmiKbhVeBWE3sX09w="
        );
        let post = SignatureInput {
            method: "POST",
            url: "https://cloudcontrol.s.samsungsdscloud.com/v1/landing-zones",
            timestamp_ms: 1_700_000_000_000,
            access_key: "AK",
            account_id: "1234",
        };
        assert_eq!(
            sign(&post, b"SK"),
            "eIJjM6qd1TGU7I1I8ZWOFlqTG+X8zYpawUgRFVekwXM="
        );
    }

    #[test]
    fn every_input_changes_the_signature() {
        let url = "https://cloudcontrol.s.samsungsdscloud.com/v1/guardrails";
        let base = sign(&input(url), b"k");
        let variants = [
            sign(
                &SignatureInput {
                    method: "POST",
                    ..input(url)
                },
                b"k",
            ),
            sign(
                &input("https://cloudcontrol.s.samsungsdscloud.com/v1/guardrails?page=1"),
                b"k",
            ),
            sign(
                &SignatureInput {
                    timestamp_ms: 1,
                    ..input(url)
                },
                b"k",
            ),
            sign(
                &SignatureInput {
                    access_key: "other",
                    ..input(url)
                },
                b"k",
            ),
            sign(
                &SignatureInput {
                    account_id: "a",
                    ..input(url)
                },
                b"k",
            ),
            sign(&input(url), b"other-secret"),
        ];
        for v in variants {
            assert_ne!(v, base);
        }
        // Standard base64 of a 32-byte MAC: 44 characters with one `=` of padding.
        assert_eq!(base.len(), 44);
        assert!(base.ends_with('='));
    }

    #[test]
    fn credentials_are_checked_without_echoing_them() {
        assert!(ScpCredentials::new("", SecretString::from("s"), "").is_err());
        assert!(ScpCredentials::new("AK", SecretString::from(""), "").is_err());
        let err = ScpCredentials::new("AK", SecretString::from("s"), "계정-1").unwrap_err();
        assert_eq!(
            (err.what, err.reason),
            (
                "SCP account id",
                "it must be printable ASCII without spaces"
            )
        );
        let err = ScpCredentials::new("ÄK", SecretString::from("s"), "").unwrap_err();
        assert_eq!(err.what, "SCP access key");
        let shown = format!(
            "{:?}",
            ScpCredentials::new("AK", SecretString::from("super-secret-value"), "a").unwrap()
        );
        assert!(
            !shown.contains("super-secret-value") && shown.contains("REDACTED"),
            "{shown}"
        );
    }

    #[test]
    fn scp_signature_headers_match_the_algorithm() {
        let auth = cloud_apis_runtime::Auth::signed(
            ScpCredentials::new("AK", SecretString::from("SK"), "1234").unwrap(),
        );
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
        // Same vector as `fixed_vectors`.
        assert_eq!(
            h["scp-signature"],
            "eIJjM6qd1TGU7I1I8ZWOFlqTG+X8zYpawUgRFVekwXM="
        );
        assert!(h["scp-signature"].is_sensitive());
    }
}
