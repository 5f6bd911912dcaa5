//! TLS for every client: rustls with the ring crypto provider and the platform's root certificates.
//!
//! reqwest is built without a bundled crypto provider (its default, aws-lc, needs cmake and a long C build), so
//! rustls' ring provider is installed as the process default, once, before any client is built.

use std::sync::Once;

/// Installs rustls' ring provider as the process default unless the application installed one already.
/// Called by [`crate::RuntimeBuilder::build`]; idempotent and cheap after the first call.
pub fn ensure_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means a provider is already installed; that one is then used as is.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn https_clients_can_be_built() {
        super::ensure_crypto_provider();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        assert!(reqwest::Client::builder().build().is_ok());
    }
}
