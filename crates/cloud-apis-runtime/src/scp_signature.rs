//! Samsung Cloud Platform request signatures.
//!
//! The string to sign is the concatenation, with no separators, of the upper-case HTTP method, the full request
//! URL exactly as sent (scheme, host, path, and `?query` when there is a query), the timestamp in milliseconds,
//! the access key, the account id (empty when none) and the client type (`Openapi`). The signature is the standard
//! base64 (with padding) of its HMAC-SHA256 under the secret key. The body is not signed.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
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
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret_key)
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign(input).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str) -> SignatureInput<'_> {
        SignatureInput {
            method: "get",
            url,
            timestamp_ms: 1_605_290_625_682,
            access_key: "2sd2gg=2agbdSD26svcD",
            account_id: "",
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
}
