//! Exit codes by kind of failure, so that scripts can tell a missing resource from an outage.

use cloud_apis::ErrorKind;

/// The exit codes, as `--help` and the README list them.
pub const CODES: &str = "Exit codes: 0 success; 1 other failure; 2 invalid input or configuration (nothing was sent); \
3 authentication or permission refused (401, 403); 4 not found (404); 5 rate limited (429); 6 server error (5xx); \
7 transport failure or timeout; 8 request refused by the service (other 4xx).";

/// The exit code for `error`, a failed command's error.
pub fn code(error: &anyhow::Error) -> u8 {
    let Some(error) = error.downcast_ref::<cloud_apis::Error>() else {
        return 1;
    };
    match error.kind() {
        ErrorKind::InvalidRequest | ErrorKind::Config => 2,
        ErrorKind::Status => match error.status().map(|s| s.as_u16()) {
            Some(401 | 403) => 3,
            Some(404) => 4,
            Some(429) => 5,
            Some(500..=599) => 6,
            _ => 8,
        },
        ErrorKind::Transport | ErrorKind::Deadline => 7,
        _ => 1,
    }
}

/// Whether `error` is stdout closing early (`cloud-apis ... | head`), which is not a failure.
pub fn closed_stdout(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_their_codes() {
        let invalid =
            cloud_apis::Error::new(ErrorKind::InvalidRequest, Default::default(), "bad id");
        assert_eq!(code(&invalid.into()), 2);
        let config = cloud_apis::Error::new(ErrorKind::Config, Default::default(), "X is not set");
        assert_eq!(code(&config.into()), 2);
        for (status, expected) in [
            (401, 3),
            (403, 3),
            (404, 4),
            (429, 5),
            (500, 6),
            (503, 6),
            (400, 8),
            (409, 8),
        ] {
            let call = cloud_apis_runtime::failure::Failure {
                status: Some(status),
                ..Default::default()
            };
            let error = cloud_apis::Error::new(ErrorKind::Status, call, "");
            assert_eq!(code(&error.into()), expected, "HTTP {status}");
        }
        for kind in [ErrorKind::Transport, ErrorKind::Deadline] {
            let error = cloud_apis::Error::new(kind, Default::default(), "timed out");
            assert_eq!(code(&error.into()), 7, "{kind:?}");
        }
        let decode = cloud_apis::Error::new(ErrorKind::Decode, Default::default(), "bad body");
        assert_eq!(code(&decode.into()), 1);
        assert_eq!(code(&anyhow::anyhow!("writing failed")), 1);
    }

    #[test]
    fn a_closed_stdout_is_not_a_failure() {
        let broken = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing the response to stdout");
        assert!(closed_stdout(&broken));
        let full = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(!closed_stdout(&full));
    }
}
