//! Which media types carry JSON.
//!
//! `application/json` and every `+json` suffix (RFC 6839) do; so do vendor types that are JSON without saying so in
//! their name. Panther answers log-source alarm timeouts as `application/vnd.goa.error`, the error format of the Goa
//! framework its API is built with: a JSON object.

/// Vendor media types whose bodies are JSON although their names do not end in `json`.
pub const JSON_VENDOR_TYPES: &[&str] = &["application/vnd.goa.error"];

/// Whether a media type (parameters such as `charset` allowed) carries a JSON body.
///
/// ```
/// use cloud_apis_spec::media::is_json;
/// assert!(is_json("application/json; charset=utf-8"));
/// assert!(is_json("application/problem+json"));
/// assert!(is_json("application/vnd.goa.error"));
/// assert!(is_json("Application/JSON"));
/// assert!(!is_json("image/svg+xml"));
/// ```
pub fn is_json(media: &str) -> bool {
    // Case-insensitive without allocating: the sandbox asks for every response it audits.
    let essence = media.split(';').next().unwrap_or_default().trim();
    let ends_with = |suffix: &str| {
        essence.len() >= suffix.len()
            && essence.as_bytes()[essence.len() - suffix.len()..]
                .eq_ignore_ascii_case(suffix.as_bytes())
    };
    essence.eq_ignore_ascii_case("application/json")
        || ends_with("+json")
        || JSON_VENDOR_TYPES
            .iter()
            .any(|t| essence.eq_ignore_ascii_case(t))
}
