//! Comparing JSON values by the data they carry.

use serde_json::{json, Value};

/// Drops nulls and empty collections (serializers may omit them), compares numbers as floats, and writes RFC 3339
/// timestamps in one canonical form.
pub fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Number(n) => n
            .as_f64()
            .map(|f| json!(f))
            .unwrap_or_else(|| value.clone()),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => json!(t.with_timezone(&chrono::Utc).to_rfc3339()),
            Err(_) => value.clone(),
        },
        other => other.clone(),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}
