//! When and how long to wait before trying a request again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

/// Retry policy shared by every provider.
///
/// | setting | default |
/// |---|---|
/// | attempts (first try included) | 3 |
/// | backoff | exponential from 250 ms, doubling, capped at 10 s, with full jitter |
/// | `Retry-After` (seconds or HTTP date) | honoured up to 60 s; a longer one is not retried (the error carries it) |
/// | retried statuses | 429, 502, 503, 504 |
/// | retried transport errors | connect failures (any method: nothing was sent); timeouts and connections closed or reset before any response (idempotent methods) |
/// | methods retried | GET, HEAD, OPTIONS, PUT, DELETE; POST and PATCH only with [`RetryPolicy::retry_non_idempotent`] |
///
/// ```
/// use std::time::Duration;
/// use cloud_apis_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_attempts(5).max_backoff(Duration::from_secs(2));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff; each later one doubles, up to [`RetryPolicy::max_backoff`].
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client waits for; a server that asks for more gets no retry, and the caller
    /// gets the error with [`crate::Error::retry_after`] set.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Also retry POST and PATCH (only safe when the operation is idempotent on the server's side).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest `Retry-After` waited for.
    pub fn longest_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether a response with this status is worth another attempt.
    pub fn retryable_status(status: StatusCode) -> bool {
        matches!(status.as_u16(), 429 | 502 | 503 | 504)
    }

    /// Whether requests with this method may be sent again after the server may have seen them.
    pub fn allows_method(&self, method: &Method) -> bool {
        self.retry_non_idempotent
            || matches!(
                *method,
                Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
            )
    }

    /// The wait before retry number `retry` (1 for the first retry): the server's `Retry-After` (never more than
    /// [`RetryPolicy::max_retry_after`]) when it gave one, exponential backoff with full jitter otherwise.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => {
                let exponent = retry.saturating_sub(1).min(20);
                let ceiling = self
                    .initial_backoff
                    .saturating_mul(1 << exponent)
                    .min(self.max_backoff);
                ceiling.mul_f64(random_fraction())
            }
        }
    }
}

/// A `Retry-After` value: delay seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(date.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniformly distributed number in `[0, 1)` for jitter, from the standard library's randomly keyed hasher.
fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 2015-10-21T07:27:50Z
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn server_waits_are_capped() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn backoff_grows_within_its_cap_and_is_jittered() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for _ in 0..200 {
            assert!(policy.delay(1, None) < Duration::from_millis(100));
            assert!(policy.delay(2, None) < Duration::from_millis(200));
            assert!(policy.delay(9, None) < Duration::from_millis(300));
        }
        let samples: std::collections::HashSet<Duration> =
            (0..50).map(|_| policy.delay(3, None)).collect();
        assert!(
            samples.len() > 10,
            "jitter should spread the waits: {samples:?}"
        );
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let policy = RetryPolicy::default();
        for m in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(policy.allows_method(&m), "{m}");
        }
        assert!(!policy.allows_method(&Method::POST));
        assert!(!policy.allows_method(&Method::PATCH));
        assert!(policy
            .clone()
            .retry_non_idempotent(true)
            .allows_method(&Method::POST));
        for code in [429, 502, 503, 504] {
            assert!(RetryPolicy::retryable_status(
                StatusCode::from_u16(code).unwrap()
            ));
        }
        for code in [400, 401, 404, 409, 500, 501] {
            assert!(!RetryPolicy::retryable_status(
                StatusCode::from_u16(code).unwrap()
            ));
        }
    }
}
