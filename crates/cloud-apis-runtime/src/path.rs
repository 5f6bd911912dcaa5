//! Path parameters that can only ever change their own path segment.
//!
//! progenitor's `encode_path` leaves `.`, `..` and `\` as they are, and the URL parser then resolves them:
//! `role_delete("..")` would send `DELETE /`, and `\` counts as `/` in http(s) URLs. The generator therefore routes
//! every path parameter through [`path_param`], which refuses the dot segments (the URL parser treats `%2e` like
//! `.`, so encoding them would not help) and percent-encodes everything but RFC 3986's unreserved characters.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte but `A-Z a-z 0-9 - . _ ~` is percent-encoded: `/`, `\`, `%`, `?`, `#`, `;` and the rest can never
/// end, split or re-interpret a segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` as one path segment, or an invalid-request error naming `name` when it cannot be one (empty, `.` or
/// `..`). Used by every generated operation; the error is progenitor's so that generated code can `?` it.
///
/// ```
/// use cloud_apis_runtime::path_param;
///
/// assert_eq!(path_param::<()>("id", "r-1").unwrap(), "r-1");
/// assert_eq!(path_param::<()>("id", r"..\..\v1").unwrap(), "..%5C..%5Cv1");
/// assert_eq!(path_param::<()>("id", "a/b?c#d%").unwrap(), "a%2Fb%3Fc%23d%25");
/// assert!(path_param::<()>("id", "..").unwrap_err().to_string().contains("`id`"));
/// ```
// The error type is progenitor's, fixed by the generated code that `?`s it.
#[allow(clippy::result_large_err)]
pub fn path_param<E>(name: &str, value: &str) -> Result<String, progenitor_client::Error<E>> {
    let problem = match value {
        "" => "is empty",
        "." | ".." => "is a relative path segment (`.` or `..`)",
        _ => return Ok(utf8_percent_encode(value, SEGMENT).to_string()),
    };
    Err(progenitor_client::Error::InvalidRequest(format!(
        "path parameter `{name}` {problem}; it must name one resource"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for bad in ["", ".", ".."] {
            let err = path_param::<()>("landing_zone_id", bad).unwrap_err();
            assert!(
                matches!(&err, progenitor_client::Error::InvalidRequest(m) if m.contains("`landing_zone_id`")),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn anything_else_stays_inside_its_segment() {
        let base = reqwest::Url::parse("https://api.example.com/v1/roles/").unwrap();
        for value in [
            "...",
            "%2e%2e",
            "%2E.",
            ".%2e",
            r"..\..\cloud-accounts\aws\123",
            "a/../../b",
            "?x=1#frag",
            "unicodé ✓",
            "semi;colon=1",
            "\r\nX-Injected: 1",
        ] {
            let segment = path_param::<()>("id", value).unwrap();
            let url = base.join(&segment).unwrap();
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 3, "{value:?} -> {url}");
            assert_eq!(&segments[..2], ["v1", "roles"], "{value:?} -> {url}");
            let decoded = percent_encoding::percent_decode_str(segments[2])
                .decode_utf8()
                .unwrap();
            assert_eq!(decoded, value, "{url}");
            assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
        }
    }
}
