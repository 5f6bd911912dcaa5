//! Validating JSON values against the schemas of an OpenAPI 3.0 document with a real JSON Schema validator.
//!
//! OpenAPI 3.0 schema objects are a dialect of JSON Schema: the one difference that changes what validates is
//! `nullable: true`, which 3.0 uses instead of a `"null"` type. [`to_json_schema`] rewrites that keyword so that a
//! standard draft 2020-12 validator (the `jsonschema` crate, with format checks on) accepts exactly what the spec
//! means. `$ref`s keep pointing at `#/components/schemas/...`: the converted components travel with every schema.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{json, Map, Value};

/// Keywords whose value is a single subschema.
const SINGLE_SUBSCHEMA: &[&str] = &["items", "not", "additionalProperties"];
/// Keywords whose value is a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// Rewrites one OpenAPI 3.0 schema object (and every subschema in it) as JSON Schema 2020-12.
///
/// `{"type": "string", "nullable": true}` becomes `{"anyOf": [{"type": "string"}, {"type": "null"}]}`, which also
/// covers nullable `enum`s and nullable `allOf`/`$ref` wrappers. Example values are data and are left untouched.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(obj) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    let mut nullable = false;
    for (key, value) in obj {
        let converted = match key.as_str() {
            "nullable" => {
                nullable = value == &Value::Bool(true);
                continue;
            }
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), to_json_schema(s)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            k if SINGLE_SUBSCHEMA.contains(&k) && value.is_object() => to_json_schema(value),
            k if SUBSCHEMA_LISTS.contains(&k) => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    // OpenAPI's integer formats are ranges: a value outside them cannot be the documented type.
    let range = match out.get("format").and_then(Value::as_str) {
        Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
        Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
        _ => None,
    };
    if let (Some((min, max)), true) = (range, out.get("type") == Some(&json!("integer"))) {
        out.entry("minimum").or_insert(min);
        out.entry("maximum").or_insert(max);
    }
    if nullable {
        let description = out.remove("description");
        let mut wrapper = Map::new();
        wrapper.insert(
            "anyOf".into(),
            json!([Value::Object(out), {"type": "null"}]),
        );
        if let Some(d) = description {
            wrapper.insert("description".into(), d);
        }
        return Value::Object(wrapper);
    }
    Value::Object(out)
}

/// Validates instances against schemas taken from one OpenAPI document. Each schema is compiled once, on first
/// use, and kept.
pub struct DocumentValidator {
    components: Value,
    compiled: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl DocumentValidator {
    /// Prepares the document's `components.schemas` for use by every later validation.
    pub fn new(doc: &Value) -> Self {
        let schemas: Map<String, Value> = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|s| {
                s.iter()
                    .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            components: json!({ "schemas": schemas }),
            compiled: Mutex::default(),
        }
    }

    fn compile(&self, schema: &Value) -> Result<Arc<jsonschema::Validator>, Vec<String>> {
        let key = schema.to_string();
        let known = self
            .compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(validator) = known {
            return Ok(validator);
        }
        let mut root = match to_json_schema(schema) {
            Value::Object(map) => map,
            other => return Err(vec![format!("schema is not an object: {other}")]),
        };
        root.insert("components".into(), self.components.clone());
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| vec![format!("schema does not compile: {e}")])?;
        let validator = Arc::new(validator);
        self.compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, validator.clone());
        Ok(validator)
    }

    /// Whether `instance` validates against an OpenAPI schema object of this document (a schema that does not
    /// compile validates nothing).
    pub fn is_valid(&self, schema: &Value, instance: &Value) -> bool {
        self.compile(schema)
            .is_ok_and(|validator| validator.is_valid(instance))
    }

    /// Validates `instance` against an OpenAPI schema object of this document (inline or a `$ref`).
    ///
    /// Returns every violation as `"<instance path>: <message>"`.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
        let validator = self.compile(schema)?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{}: {}", e.instance_path(), e))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["OU", "ACCOUNT"]},
            "Holder": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true},
                "name": {"type": "string", "nullable": true, "maxLength": 3},
                "email": {"type": "string", "format": "email"}
            }}
        }}})
    }

    #[test]
    fn nullable_scalar_accepts_null_and_keeps_its_constraints() {
        let v = DocumentValidator::new(&doc());
        let schema = json!({"$ref": "#/components/schemas/Holder"});
        assert!(v
            .validate(&schema, &json!({"kind": null, "name": null}))
            .is_ok());
        let errors = v
            .validate(&schema, &json!({"kind": "OU", "name": "toolong"}))
            .unwrap_err();
        assert!(errors[0].starts_with("/name"), "{errors:?}");
    }

    #[test]
    fn nullable_reference_still_checks_the_enum() {
        let v = DocumentValidator::new(&doc());
        let schema = json!({"$ref": "#/components/schemas/Holder"});
        assert!(v.validate(&schema, &json!({"kind": "ACCOUNT"})).is_ok());
        assert!(v.validate(&schema, &json!({"kind": "ROOT"})).is_err());
        assert!(v.validate(&schema, &json!({})).is_err(), "kind is required");
    }

    #[test]
    fn formats_are_enforced() {
        let v = DocumentValidator::new(&doc());
        let schema = json!({"$ref": "#/components/schemas/Holder"});
        assert!(v
            .validate(&schema, &json!({"kind": "OU", "email": "a@example.com"}))
            .is_ok());
        assert!(v
            .validate(&schema, &json!({"kind": "OU", "email": "not-an-email"}))
            .is_err());
    }

    #[test]
    fn integer_formats_are_ranges_unless_the_schema_bounds_them() {
        let v = DocumentValidator::new(&doc());
        let int64 = json!({"type": "integer", "format": "int64"});
        assert!(v.is_valid(&int64, &json!(i64::MAX)));
        assert!(!v.is_valid(&int64, &json!(9223372036854775808u64)));
        let int32 = json!({"type": "integer", "format": "int32"});
        assert!(v.is_valid(&int32, &json!(-2147483648i64)));
        assert!(!v.is_valid(&int32, &json!(2147483648u64)));
        let bounded = json!({"type": "integer", "format": "int32", "maximum": 50});
        assert!(!v.is_valid(&bounded, &json!(51)));
    }

    #[test]
    fn non_nullable_schema_rejects_null() {
        let v = DocumentValidator::new(&doc());
        assert!(v
            .validate(&json!({"type": "string"}), &Value::Null)
            .is_err());
        assert!(v
            .validate(&json!({"type": "string", "nullable": false}), &Value::Null)
            .is_err());
    }
}
