//! Following `$ref`s inside one document.

use serde_json::Value;

/// Follows a local `$ref` (`#/components/...`), repeatedly; other values are returned as they are.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| doc.pointer(pointer))
        {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}
