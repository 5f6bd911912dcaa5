//! Transport settings shared by every provider: timeouts, TLS, and which base URLs are acceptable.

use std::net::IpAddr;
use std::time::Duration;

use cloud_apis_runtime::RetryPolicy;

use crate::ConfigError;

/// Transport settings of one client.
///
/// | setting | default |
/// |---|---|
/// | connect timeout | 10 s |
/// | request timeout (one attempt, sending to the end of the body) | provider-specific: Panther 30 s, SCP 30 s, Cloudcraft 130 s (its snapshots long-poll up to 120 s); streamed documents (snapshots) are exempt |
/// | idle timeout (longest silence while waiting for or reading a response) | the request timeout |
/// | redirects | never followed: a 3xx ends the call with an error naming its `Location` |
/// | plain `http` | refused unless the host is loopback, or [`HttpOptions::allow_insecure_http`] |
/// | retries | [`RetryPolicy::default`]: 3 attempts, idempotent methods, 429/502/503/504 and transport errors |
/// | JSON body read into memory | at most 64 MiB ([`HttpOptions::max_response_body`]); streamed documents are not bounded |
///
/// ```
/// use std::time::Duration;
/// let options = cloud_apis::HttpOptions::default()
///     .connect_timeout(Duration::from_secs(5))
///     .request_timeout(Duration::from_secs(60));
/// assert_eq!(options.configured_request_timeout(), Some(Duration::from_secs(60)));
/// ```
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    allow_insecure_http: bool,
    retry: RetryPolicy,
    max_response_body: Option<usize>,
}

/// Connect timeout when none is configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl HttpOptions {
    /// How long establishing a connection may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one request (one attempt) may take from sending to the end of the response body. Operations
    /// whose body is streamed to the caller (Cloudcraft snapshot documents) are bounded by the idle timeout
    /// instead, so a large download that keeps progressing is never cut.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The longest silence while waiting for a response or reading its body (default: the request timeout).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// Accept a plain-`http` base URL on a non-loopback host (for a trusted proxy or test network).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// When and how failed requests are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The most bytes of a JSON response body read into memory (default
    /// [`crate::DEFAULT_RESPONSE_BODY_LIMIT`], 64 MiB, far above any real page of a list). A longer
    /// body fails the call with [`crate::ErrorKind::ResponseTooLarge`], naming the call and the limit, and the rest
    /// of it is never read, so a broken or hostile server cannot take all memory. Documents streamed to the caller
    /// (`Download`: snapshots, exports, budgets) are not bounded by it.
    ///
    /// ```
    /// let options = cloud_apis::HttpOptions::default().max_response_body(256 * 1024 * 1024);
    /// assert_eq!(options.max_response_body_bytes(), 256 * 1024 * 1024);
    /// ```
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// The JSON body limit in force.
    pub fn max_response_body_bytes(&self) -> usize {
        self.max_response_body
            .unwrap_or(cloud_apis_runtime::DEFAULT_RESPONSE_BODY_LIMIT)
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The configured request timeout, if one was set.
    pub fn configured_request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }

    /// The request timeout in force, given the provider's default.
    pub(crate) fn effective_request_timeout(&self, default: Duration) -> Duration {
        self.request_timeout.unwrap_or(default)
    }

    /// Builds the `reqwest` client (rustls, no redirects; see `cloud_apis_runtime::http_client_builder`) with the
    /// connect, idle and request timeouts. The runtime lifts the request timeout for operations that stream their
    /// body (`RuntimeBuilder::request_timeout_in_client`, set by `runtime_builder` from the same options).
    pub(crate) fn client(
        &self,
        default_request_timeout: Duration,
    ) -> Result<reqwest::Client, ConfigError> {
        let request = self.effective_request_timeout(default_request_timeout);
        let idle = self.idle_timeout.unwrap_or(request);
        cloud_apis_runtime::http_client_builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .read_timeout(idle)
            .timeout(request)
            .build()
            .map_err(ConfigError::Http)
    }

    /// Parses and vets a base URL (see [`base_url`]).
    pub(crate) fn base_url(&self, name: &'static str, input: &str) -> Result<String, ConfigError> {
        base_url(name, input, self.allow_insecure_http)
    }
}

/// Parses a base URL: `https://host[:port][/path]`, or a bare host (`acme.runpanther.net`, taken as https).
///
/// Plain `http` is accepted only for loopback hosts (`localhost`, 127.0.0.0/8, `::1`) unless `allow_insecure`.
/// The result has no trailing slash, as the generated clients append paths starting with `/`.
pub(crate) fn base_url(
    name: &'static str,
    input: &str,
    allow_insecure: bool,
) -> Result<String, ConfigError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ConfigError::Missing { name });
    }
    // The URL parser reads `\` as `/` and drops tabs and newlines; neither belongs in a base URL.
    if input
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return Err(ConfigError::invalid(
            name,
            format!("{input:?} contains a backslash, white space or a control character"),
        ));
    }
    let with_scheme = if input.contains("://") {
        input.to_string()
    } else {
        // A bare host must look like one: `http:/evil.example` is a mistyped URL, not the host `http`.
        let (authority, _path) = input.split_once('/').unwrap_or((input, ""));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !authority.ends_with(']') => (host, Some(port)),
            _ => (authority, None),
        };
        if !is_host_name(host) || port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
            return Err(ConfigError::invalid(
                name,
                format!("{input:?} is neither a URL (https://host) nor a host name[:port]"),
            ));
        }
        format!("https://{input}")
    };
    let url = reqwest::Url::parse(&with_scheme)
        .map_err(|e| ConfigError::invalid(name, format!("{input:?} is not a URL: {e}")))?;
    let host = url
        .host_str()
        .ok_or_else(|| ConfigError::invalid(name, format!("{input:?} has no host")))?;
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(ConfigError::invalid(
            name,
            "a base URL cannot carry credentials, a query or a fragment",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure || is_loopback(host) => {}
        "http" => {
            return Err(ConfigError::InsecureUrl {
                name,
                url: url.to_string(),
            })
        }
        other => {
            return Err(ConfigError::invalid(
                name,
                format!("scheme {other:?} is not supported; use https"),
            ))
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A DNS name or an IP address (IPv6 in brackets), nothing else.
pub(crate) fn is_host_name(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_hosts_become_https_urls() {
        assert_eq!(
            base_url("X", "acme.runpanther.net", false).unwrap(),
            "https://acme.runpanther.net"
        );
        assert_eq!(
            base_url("X", "https://api.example.com/v2/", false).unwrap(),
            "https://api.example.com/v2"
        );
        assert_eq!(
            base_url("X", "https://api.example.com:8443", false).unwrap(),
            "https://api.example.com:8443"
        );
    }

    #[test]
    fn plain_http_only_on_loopback_or_when_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1234",
            "http://[::1]:99",
            "http://127.3.2.1",
        ] {
            assert!(base_url("X", ok, false).is_ok(), "{ok}");
        }
        let err = base_url("PANTHER_API_HOST", "http://api.example.com", false).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::InsecureUrl {
                name: "PANTHER_API_HOST",
                ..
            }
        ));
        assert!(err.to_string().contains("allow_insecure_http"), "{err}");
        assert!(base_url("X", "http://api.example.com", true).is_ok());
    }

    #[test]
    fn mistyped_urls_are_not_taken_for_hosts() {
        for bad in [
            "http:/evil.example",
            "https:evil.example",
            "evil.example:http",
            "evil.example:0",
            "evil.example:99999",
            "evil_example.com",
            "-evil.com",
            "api.example.com\\@evil.example",
            "https://api.example.com\\@evil.example",
            "https://api.example.com\\..\\x",
            "api.example.com\tevil",
            "https://api.exa\nmple.com",
        ] {
            let err = base_url("PANTHER_API_HOST", bad, false).unwrap_err();
            let shown = err.to_string();
            assert!(
                shown.starts_with("PANTHER_API_HOST is invalid"),
                "{bad:?}: {shown}"
            );
        }
        assert_eq!(
            base_url("X", "api.example.com:8443/v1", false).unwrap(),
            "https://api.example.com:8443/v1"
        );
        assert_eq!(
            base_url("X", "[::1]:8080", false).unwrap(),
            "https://[::1]:8080"
        );
    }

    #[test]
    fn malformed_urls_name_the_setting() {
        for bad in [
            "ftp://example.com",
            "https://",
            "https://user:pw@example.com",
            "https://a.com/?q=1",
        ] {
            let err = base_url("SCP_BASE_URL", bad, false).unwrap_err();
            assert!(err.to_string().starts_with("SCP_BASE_URL"), "{bad}: {err}");
        }
        assert!(matches!(
            base_url("SCP_BASE_URL", " ", false),
            Err(ConfigError::Missing {
                name: "SCP_BASE_URL"
            })
        ));
    }
}
