//! `shared_parameter_types`
//!
//! **What:** a reusable parameter (`components.parameters.X`), still used by some operation, whose schema is an
//! inline `enum` gets that schema moved to `components.schemas.X`, and the parameter points at it.
//!
//! **Why:** progenitor names inline parameter types after the operation, so SCP's `Accept-Language` header would
//! become fifteen identical enums (`AddBaselineAssignmentAcceptLanguage`, `CreateLandingZoneAcceptLanguage`, ...)
//! that cannot be passed from one call to another.
//!
//! **Instead:** nothing is lost: the schema is unchanged, it just has one name (`types::AcceptLanguage`).

use serde_json::{json, Value};

use super::Change;

const NAME: &str = "shared_parameter_types";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) -> Result<(), String> {
    let Some(params) = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let paths = doc.get("paths").map(Value::to_string).unwrap_or_default();
    let used = |name: &str| paths.contains(&format!("\"#/components/parameters/{name}\""));
    let hoisted: Vec<(String, Value)> = params
        .iter()
        .filter(|(name, p)| p.pointer("/schema/enum").is_some() && used(name))
        .map(|(name, p)| (name.clone(), p["schema"].clone()))
        .collect();
    for (name, schema) in hoisted {
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format!("{NAME}: the spec has no components.schemas"))?;
        if schemas.contains_key(&name) {
            return Err(format!(
                "{NAME}: components.schemas.{name} already exists; cannot give parameter {name} its own type"
            ));
        }
        schemas.insert(name.clone(), schema);
        doc["components"]["parameters"][&name]["schema"] =
            json!({ "$ref": format!("#/components/schemas/{name}") });
        changes.push(Change {
            transform: NAME,
            detail: format!("parameter {name}: enum schema shared as types::{name}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_parameters_get_one_named_schema() {
        let mut doc = json!({
          "paths": {"/a": {"get": {"parameters": [
            {"$ref": "#/components/parameters/AcceptLanguage"},
            {"$ref": "#/components/parameters/Page"}
          ]}}},
          "components": {
            "parameters": {
                "Unused": {"name": "X-Unused", "in": "header", "schema": {"enum": ["a"]}},
                "AcceptLanguage": {"name": "Accept-Language", "in": "header",
                    "schema": {"type": "string", "enum": ["ko-KR", "en-US"]}},
                "Page": {"name": "page", "in": "query", "schema": {"type": "integer"}}
            },
            "schemas": {}
        }});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["AcceptLanguage"],
            json!({"type": "string", "enum": ["ko-KR", "en-US"]})
        );
        assert_eq!(
            doc["components"]["parameters"]["AcceptLanguage"]["schema"],
            json!({"$ref": "#/components/schemas/AcceptLanguage"})
        );
        assert_eq!(
            doc["components"]["parameters"]["Page"]["schema"]["type"],
            "integer"
        );
        assert!(doc["components"]["schemas"].get("Unused").is_none());
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn a_name_clash_is_an_error() {
        let mut doc = json!({
          "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Kind"}]}}},
          "components": {
            "parameters": {"Kind": {"name": "kind", "in": "query", "schema": {"enum": ["a"]}}},
            "schemas": {"Kind": {"type": "object"}}
        }});
        assert!(apply(&mut doc, &mut Vec::new()).is_err());
    }
}
