//! `id_types`
//!
//! **What:** every schema marked `"x-cloud-apis-id": "<Name>"` (a property, array items, or a parameter's schema)
//! is replaced by a reference to one component schema `<Name>`, a plain string.
//!
//! **Why:** the same identifier appears as a response field (`Role.id`, `AwsAccount.id`) and as a path parameter
//! or request field of the next call. Generated apart, they are unrelated types (`Option<String>`, `Uuid`, a
//! pattern newtype) and every hand-over needs parsing or unwrapping. The spec marks which values are the same
//! identifier; this transform gives them one type, which also implements `TryFrom<Option<Name>>` so an optional
//! response field can be handed to the next call as it is (a missing id fails that call before it is sent).
//!
//! **Instead:** the shared type is a string, because it has to accept what the provider returns: Cloudcraft
//! documents its account ids as UUIDs in paths but returns ids that are not (`awfda35c-…`). A constraint that
//! only some uses document is therefore not checked on the id type; the path-parameter checks (not empty, no
//! `.`/`..`, percent-encoding) still apply to every use.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{reference_for_use, Change};

const NAME: &str = "id_types";
/// The vendor extension that marks an identifier.
pub const MARK: &str = "x-cloud-apis-id";

fn collect(node: &Value, pointer: String, found: &mut Vec<(String, String, Option<String>)>) {
    match node {
        Value::Object(map) => {
            if let Some(name) = map.get(MARK).and_then(Value::as_str) {
                let description = map
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                found.push((pointer.clone(), name.to_string(), description));
            }
            for (key, child) in map {
                if key != "example" && key != "examples" {
                    collect(child, format!("{pointer}/{}", super::escape(key)), found);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, format!("{pointer}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// Replaces the marked schemas; returns the id type names.
pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    collect(doc, String::new(), &mut found);
    let mut ids: BTreeMap<String, (Option<String>, Vec<String>)> = BTreeMap::new();
    for (pointer, name, description) in found {
        let entry = ids.entry(name).or_default();
        entry.0 = entry.0.take().or(description);
        entry.1.push(pointer);
    }
    for (name, (description, pointers)) in &ids {
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format!("{NAME}: the spec has no components.schemas"))?;
        if schemas.contains_key(name) {
            return Err(format!(
                "{NAME}: {MARK} {name:?} names an existing schema; pick another type name"
            ));
        }
        let mut schema = json!({"type": "string"});
        if let Some(description) = description {
            schema["description"] = json!(description);
        }
        schemas.insert(name.clone(), schema);
        for pointer in pointers {
            let slot = doc.pointer_mut(pointer).expect("collected");
            *slot = reference_for_use(slot, name);
        }
        changes.push(Change {
            transform: NAME,
            detail: format!("{name} at {}", pointers.join(", ")),
        });
    }
    Ok(ids.into_keys().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_schemas_share_one_string_type() {
        let mut doc = json!({
            "paths": {"/roles/{id}": {"get": {"parameters": [
                {"name": "id", "in": "path", "schema": {"type": "string", "format": "uuid", "x-cloud-apis-id": "RoleId"}}
            ]}}},
            "components": {"schemas": {
                "Role": {"properties": {
                    "id": {"type": "string", "description": "ID of the role", "x-cloud-apis-id": "RoleId"},
                    "name": {"type": "string"}
                }}
            }}
        });
        let mut changes = Vec::new();
        let ids = apply(&mut doc, &mut changes).unwrap();
        assert_eq!(ids, ["RoleId"]);
        let reference = json!({"$ref": "#/components/schemas/RoleId"});
        assert_eq!(
            doc["paths"]["/roles/{id}"]["get"]["parameters"][0]["schema"],
            reference
        );
        assert_eq!(
            doc["components"]["schemas"]["Role"]["properties"]["id"],
            reference
        );
        assert_eq!(
            doc["components"]["schemas"]["RoleId"],
            json!({"type": "string", "description": "ID of the role"})
        );
        assert_eq!(
            changes[0].detail,
            "RoleId at /components/schemas/Role/properties/id, /paths/~1roles~1{id}/get/parameters/0/schema"
        );
    }

    #[test]
    fn a_mark_naming_an_existing_schema_is_refused() {
        let mut doc = json!({"components": {"schemas": {
            "Role": {"properties": {"id": {"type": "string", "x-cloud-apis-id": "Role"}}}
        }}});
        assert!(apply(&mut doc, &mut Vec::new())
            .unwrap_err()
            .contains("\"Role\""));
    }
}
