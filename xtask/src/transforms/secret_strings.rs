//! `secret_strings`
//!
//! **What:** every string schema with `format: password` gets an `x-rust-type` naming `cloud_apis_runtime::Secret`.
//!
//! **Why:** progenitor (typify) types such a field as a plain `String`, and every generated type derives `Debug`:
//! printing an Azure account (or a request to create one) would print its client secret.
//!
//! **Instead:** the field is a `Secret`, which serializes to the plain string the API expects, deserializes from it,
//! and shows `[REDACTED]` in `Debug`; `expose()` gives the value to the one caller who needs it. The format keyword
//! itself stays, so the mocks and the docs still say what the field is.

use serde_json::{json, Value};

use super::Change;

const NAME: &str = "secret_strings";
/// The crate `x-rust-type` names; the generator allows it (`GenerationSettings::with_crate`).
pub(crate) const RUNTIME_CRATE: &str = "cloud-apis-runtime";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    let mut count = 0;
    super::visit_schemas(doc, &mut |map| {
        let is_secret = map.get("format") == Some(&json!("password"))
            && map.get("type") == Some(&json!("string"));
        if is_secret {
            let rust_type = json!({
                "crate": RUNTIME_CRATE, "version": "*", "path": "cloud_apis_runtime::Secret"
            });
            map.insert("x-rust-type".into(), rust_type);
            count += 1;
        }
    });
    if count > 0 {
        changes.push(Change {
            transform: NAME,
            detail: format!("{count} `format: password` field(s) typed cloud_apis_runtime::Secret"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_strings_become_secrets_and_nothing_else_does() {
        let mut doc = json!({"components": {"schemas": {"AzureAccount": {"properties": {
            "clientSecret": {"type": "string", "format": "password", "example": "s3cr3t"},
            "name": {"type": "string"},
            "pin": {"type": "integer", "format": "password"},
            "sample": {"type": "string", "example": {"type": "string", "format": "password"}}
        }}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let props = &doc["components"]["schemas"]["AzureAccount"]["properties"];
        assert_eq!(
            props["clientSecret"]["x-rust-type"]["path"],
            "cloud_apis_runtime::Secret"
        );
        assert_eq!(props["clientSecret"]["format"], "password");
        for plain in ["name", "pin"] {
            assert!(props[plain].get("x-rust-type").is_none(), "{plain}");
        }
        assert!(props["sample"]["example"].get("x-rust-type").is_none());
        assert_eq!(
            changes[0].detail,
            "1 `format: password` field(s) typed cloud_apis_runtime::Secret"
        );
    }
}
