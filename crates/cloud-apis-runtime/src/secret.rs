//! A secret string inside an API's data (a spec field with `format: password`, e.g. an Azure client secret).
//!
//! The generator types every such field as [`Secret`] instead of `String`, so a value that crosses the wire in a
//! request or a response is sent and read as it is, yet never shown by `Debug` or `Display`, and never logged.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret text: serialized as the plain string the API expects, redacted everywhere else, zeroed when dropped.
///
/// ```
/// use cloud_apis_runtime::Secret;
///
/// let secret = Secret::from("Qx58Q~mZ1w3nG4hT9yVb2LcKp0sDfR7uEa6iJo");
/// assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
/// assert_eq!(secret.expose(), "Qx58Q~mZ1w3nG4hT9yVb2LcKp0sDfR7uEa6iJo");
/// ```
#[derive(Clone, Default)]
pub struct Secret(SecretString);

impl Secret {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(SecretString::from(value))
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value))
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Self::from(value.as_str())
    }
}

impl From<SecretString> for Secret {
    fn from(value: SecretString) -> Self {
        Self(value)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("password".into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_sees_the_value_and_nothing_else_does() {
        #[derive(Debug, Serialize, Deserialize, PartialEq)]
        struct Account {
            name: String,
            secret: Option<Secret>,
        }
        let text = r#"{"name":"prod","secret":"s3cr3t-value"}"#;
        let account: Account = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&account).unwrap(), text);
        assert_eq!(account.secret.as_ref().unwrap().expose(), "s3cr3t-value");
        let shown = format!("{account:?} {account:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
        assert_eq!(Secret::from("a"), Secret::from(String::from("a")));
        assert_ne!(Secret::from("a"), Secret::from("b"));
    }
}
