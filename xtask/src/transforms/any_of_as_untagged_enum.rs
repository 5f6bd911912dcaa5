//! `any_of_as_untagged_enum`
//!
//! **What:** every `anyOf` in a schema becomes a `oneOf` over the same variants, each variant completed with the
//! parent's `type` (and `items`) when it has none (`{"type": "array", "anyOf": [{"items": A}, {"items": B}]}` becomes
//! `{"oneOf": [{"type": "array", "items": A}, {"type": "array", "items": B}], "nullable": ...}`).
//!
//! **Why:** typify turns `anyOf` into a struct of optional, flattened parts. For SCP's `binding_ous`
//! (`any of [array[GuardrailBindingOu], array[object], null]`) and `targets` (accounts or organizational units) that
//! struct cannot hold an array at all: every real response failed to decode.
//!
//! **Instead:** `oneOf` becomes an untagged Rust enum, and serde decodes an untagged enum by taking the first
//! variant that matches, in the spec's order. That is what `anyOf` means for a value that matches several variants
//! (the seed's examples match both), so nothing is lost; the client only ever decodes these values.

use serde_json::{Map, Value};

use super::Change;

const NAME: &str = "any_of_as_untagged_enum";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    let mut places = Vec::new();
    walk(doc, "", &mut places);
    for place in places {
        changes.push(Change {
            transform: NAME,
            detail: place,
        });
    }
}

fn walk(node: &mut Value, pointer: &str, places: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if map.contains_key("anyOf") {
                rewrite(map);
                places.push(short(pointer));
            }
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    walk(child, &format!("{pointer}/{key}"), places);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{pointer}/{i}"), places);
            }
        }
        _ => {}
    }
}

fn rewrite(map: &mut Map<String, Value>) {
    let variants = map.remove("anyOf").unwrap_or_default();
    // The parent's `type` and `items` (the common part of every variant) move into each variant that lacks them.
    let parent_type = map.remove("type");
    let parent_items = map.remove("items");
    let variants: Vec<Value> = variants
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut variant| {
            if let Some(v) = variant.as_object_mut() {
                for (key, common) in [("type", &parent_type), ("items", &parent_items)] {
                    if let Some(common) = common {
                        v.entry(key).or_insert_with(|| common.clone());
                    }
                }
            }
            variant
        })
        .collect();
    map.insert("oneOf".into(), Value::Array(variants));
}

/// `/components/schemas/Guardrail/properties/binding_ous` → `Guardrail.binding_ous`.
fn short(pointer: &str) -> String {
    pointer
        .trim_start_matches("/components/schemas/")
        .replace("/properties/", ".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_of_arrays_become_one_of_complete_variants() {
        let mut doc = json!({"components": {"schemas": {"Guardrail": {"properties": {
            "binding_ous": {
                "type": "array", "nullable": true, "description": "OUs", "items": {"type": "object"},
                "anyOf": [
                    {"items": {"$ref": "#/components/schemas/GuardrailBindingOu"}},
                    {"items": {"type": "object"}}
                ],
                "example": {"anyOf": "data, not a schema"}
            }
        }}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let prop = &doc["components"]["schemas"]["Guardrail"]["properties"]["binding_ous"];
        assert_eq!(
            prop["oneOf"],
            json!([
                {"type": "array", "items": {"$ref": "#/components/schemas/GuardrailBindingOu"}},
                {"type": "array", "items": {"type": "object"}}
            ])
        );
        assert!(
            prop.get("anyOf").is_none()
                && prop.get("type").is_none()
                && prop.get("items").is_none()
        );
        assert_eq!(prop["nullable"], true);
        assert_eq!(prop["example"], json!({"anyOf": "data, not a schema"}));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].detail, "Guardrail.binding_ous");
    }

    #[test]
    fn variants_keep_their_own_type() {
        let mut doc = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
        apply(&mut doc, &mut Vec::new());
        assert_eq!(
            doc,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }
}
