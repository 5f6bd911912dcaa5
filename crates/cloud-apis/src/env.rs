//! Reading settings from the environment, through a lookup that tests can replace.

use crate::ConfigError;

/// Where `from_env` constructors read their variables.
pub(crate) trait Env {
    fn var(&self, name: &str) -> Option<String>;

    /// The variable's value, `None` when unset or empty.
    fn get(&self, name: &str) -> Option<String> {
        self.var(name).filter(|v| !v.trim().is_empty())
    }

    /// The variable's value, or an error naming it.
    fn require(&self, name: &'static str) -> Result<String, ConfigError> {
        self.get(name).ok_or(ConfigError::Missing { name })
    }

    /// The variable parsed, `None` when unset, an error naming it when unparseable.
    #[cfg_attr(not(feature = "cloudcraft"), allow(dead_code))]
    fn parse<T: std::str::FromStr>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<Option<T>, ConfigError> {
        self.get(name)
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    ConfigError::invalid(name, format!("expected {expected}, got {v:?}"))
                })
            })
            .transpose()
    }
}

/// The process environment.
pub(crate) struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// Variables read through a caller's function (`from_lookup` constructors).
pub(crate) struct LookupEnv<F>(pub(crate) F);

impl<F: Fn(&str) -> Option<String>> Env for LookupEnv<F> {
    fn var(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }
}

#[cfg(test)]
impl Env for std::collections::HashMap<&str, &str> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.to_string())
    }
}
