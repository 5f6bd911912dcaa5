//! [`Open`]: an enum value the provider may extend without notice.

use std::fmt;
use std::str::FromStr;

use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of a documented string enum `T` that also keeps values added after this client was generated.
///
/// Providers add enum values (a Panther permission, an SCP status) without notice; a closed Rust enum would then
/// fail to decode every response carrying the new value. Fields whose enum appears in a response are therefore
/// `Open<T>`, in requests too, so that a value read from a response can be sent back unchanged (read, modify,
/// write) even when this client does not know it.
///
/// A caller can only make [`Open::Known`] values (from `T`, or by parsing a documented name with `FromStr`);
/// [`Open::Unknown`] values come only from the provider, so a typo never reaches the wire.
///
/// ```
/// use cloud_apis_runtime::Open;
///
/// #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
/// enum Kind { #[serde(rename = "ALLOW")] Allow }
///
/// let known: Open<Kind> = serde_json::from_str("\"ALLOW\"").unwrap();
/// assert_eq!(known, Open::Known(Kind::Allow));
/// let newer: Open<Kind> = serde_json::from_str("\"ALLOW_SOME\"").unwrap();
/// assert_eq!(newer.unknown(), Some("ALLOW_SOME"));
/// assert_eq!(serde_json::to_string(&newer).unwrap(), "\"ALLOW_SOME\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<T> {
    /// A value the spec documents.
    Known(T),
    /// A value the provider sent that the spec (and so this client) does not know yet; sent back as it came.
    Unknown(UnknownValue),
}

/// The text of an enum value this client does not know. Only decoding a response makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as the provider sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<T> Open<T> {
    /// The documented value, if this is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Open::Known(value) => Some(value),
            Open::Unknown(_) => None,
        }
    }

    /// The undocumented value's text, if this is one.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Open::Known(_) => None,
            Open::Unknown(value) => Some(value.as_str()),
        }
    }
}

impl<T> From<T> for Open<T> {
    fn from(value: T) -> Self {
        Open::Known(value)
    }
}

impl<T: PartialEq> PartialEq<T> for Open<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(other)
    }
}

impl<T: fmt::Display> fmt::Display for Open<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Open::Known(value) => value.fmt(f),
            Open::Unknown(value) => value.fmt(f),
        }
    }
}

/// Parses documented values only: text a caller typed is checked, not passed through.
impl<T: FromStr> FromStr for Open<T> {
    type Err = T::Err;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Open::Known)
    }
}

impl<T: Serialize> Serialize for Open<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Open::Known(value) => value.serialize(serializer),
            Open::Unknown(value) => serializer.serialize_str(value.as_str()),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Open<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let known: Result<T, serde::de::value::Error> =
            T::deserialize(text.as_str().into_deserializer());
        Ok(match known {
            Ok(value) => Open::Known(value),
            Err(_) => Open::Unknown(UnknownValue(text)),
        })
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Open<T> {
    fn schema_name() -> String {
        format!("Open_{}", T::schema_name())
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        // Any string: documented values and the ones the provider adds later.
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    enum Permission {
        AlertRead,
        #[serde(rename = "AIRunAsModify")]
        AiRunAsModify,
    }

    impl fmt::Display for Permission {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{self:?}")
        }
    }

    impl FromStr for Permission {
        type Err = String;
        fn from_str(s: &str) -> Result<Self, String> {
            match s {
                "AlertRead" => Ok(Permission::AlertRead),
                _ => Err(format!("{s:?} is not a permission")),
            }
        }
    }

    #[test]
    fn documented_values_decode_as_known_and_renames_are_honoured() {
        let values: Vec<Open<Permission>> =
            serde_json::from_str(r#"["AlertRead", "AIRunAsModify", "NotificationsSend"]"#).unwrap();
        assert_eq!(values[0], Permission::AlertRead);
        assert_eq!(values[1], Open::Known(Permission::AiRunAsModify));
        assert_eq!(values[2].unknown(), Some("NotificationsSend"));
        assert_eq!(values[2].known(), None);
        assert_eq!(
            serde_json::to_value(&values).unwrap(),
            serde_json::json!(["AlertRead", "AIRunAsModify", "NotificationsSend"])
        );
    }

    #[test]
    fn non_strings_are_refused_and_parsing_accepts_only_documented_values() {
        assert!(serde_json::from_str::<Open<Permission>>("7").is_err());
        assert_eq!(
            "AlertRead".parse::<Open<Permission>>(),
            Ok(Open::Known(Permission::AlertRead))
        );
        assert_eq!(
            "AlertReed".parse::<Open<Permission>>().unwrap_err(),
            "\"AlertReed\" is not a permission"
        );
        let unknown: Open<Permission> = serde_json::from_str("\"Later\"").unwrap();
        assert_eq!(unknown.to_string(), "Later");
        assert_eq!(Open::Known(Permission::AlertRead).to_string(), "AlertRead");
    }
}
