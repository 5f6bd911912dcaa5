//! Facade clients aimed at a local server, with fast retries so retry tests take milliseconds.

use std::time::Duration;

use cloud_apis::cloudcraft::CloudcraftConfig;
use cloud_apis::panther::PantherConfig;
use cloud_apis::scp::{Environment, ScpConfig};
use cloud_apis::{HttpOptions, RetryPolicy};

pub const TOKEN: &str = "panther-secret-token";
pub const CLOUDCRAFT_KEY: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE=";
pub const SCP_ACCESS_KEY: &str = "scp-access-key";
pub const SCP_SECRET_KEY: &str = "scp-secret-key";
pub const SCP_ACCOUNT_ID: &str = "scp-account";
pub const ACCOUNT: &str = "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";

/// Fast backoff; `Retry-After` is still honoured as sent.
pub fn quick(policy: RetryPolicy) -> HttpOptions {
    HttpOptions::default().retry(
        policy
            .initial_backoff(Duration::from_millis(5))
            .max_backoff(Duration::from_millis(20)),
    )
}

pub fn panther_with(base_url: &str, http: HttpOptions) -> cloud_apis::panther::Client {
    PantherConfig::new(base_url, TOKEN)
        .http(http)
        .build()
        .unwrap()
}

pub fn panther(base_url: &str, policy: RetryPolicy) -> cloud_apis::panther::Client {
    panther_with(base_url, quick(policy))
}

pub fn cloudcraft_with(base_url: &str, http: HttpOptions) -> cloud_apis::cloudcraft::Client {
    let url = reqwest::Url::parse(base_url).unwrap();
    CloudcraftConfig::new(CLOUDCRAFT_KEY)
        .protocol("http")
        .host(url.host_str().unwrap())
        .port(url.port().unwrap())
        .http(http)
        .build()
        .unwrap()
}

pub fn cloudcraft(base_url: &str) -> cloud_apis::cloudcraft::Client {
    cloudcraft_with(base_url, quick(RetryPolicy::default()))
}

pub fn scp(base_url: &str) -> cloud_apis::scp::cloudcontrol::v1_2::Client {
    ScpConfig::new(SCP_ACCESS_KEY, SCP_SECRET_KEY, Environment::Samsung)
        .account_id(SCP_ACCOUNT_ID)
        .base_url(base_url)
        .http(quick(RetryPolicy::default()))
        .cloudcontrol_v1_2()
        .unwrap()
}
