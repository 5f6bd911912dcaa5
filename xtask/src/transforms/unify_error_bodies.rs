//! `unify_error_bodies`
//!
//! **What:** gives every operation one error body type, the one its 4xx, 5xx and `default` responses share:
//! - error schemas with different names but the same shape point at one schema, `<Namespace>.Error` (`Error`
//!   once namespaces are gone), added beside the originals;
//! - when one error schema holds every other one (the same properties, its extra ones optional, e.g. Panther's
//!   `BadRequestWithTestResultsErr` = `{message, testResults?}` beside `{message}`), all point at it;
//! - otherwise they point at a new `oneOf` of the distinct shapes, most required fields first, named after the
//!   operation's tag (`LogSourceAlarmErrorBody`): an untagged enum that decodes each body as the first shape it
//!   fits.
//!
//! **Why:** progenitor 0.15 asserts that an operation's error responses share one body type and panics
//! otherwise, even when the types are structurally identical.
//!
//! **Instead:** nothing is lost: every body decodes into a type that holds all of it, and the HTTP status (which
//! the provider's schema name only restates) stays on every error. The original schemas are still generated.

use serde_json::{json, Value};

use super::{operations_mut, resolve, shape, Change, SCHEMA_PREFIX};

const NAME: &str = "unify_error_bodies";
const JSON: &str = "application/json";

fn is_error_status(status: &str) -> bool {
    status == "default" || status.starts_with('4') || status.starts_with('5')
}

/// The name `a.b.Error` for references to `#/components/schemas/a.b.X`; `Error` when names have no namespace.
fn unified_name(reference: &str) -> String {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    match name.rsplit_once('.') {
        Some((namespace, _)) => format!("{namespace}.Error"),
        None => "Error".to_string(),
    }
}

fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether every body of shape `small` decodes as `big` and keeps all its fields: `small`'s properties are
/// `big`'s (same schemas), and what `big` requires, `small` requires too.
fn holds(big: &Value, small: &Value) -> bool {
    let big_props = big.get("properties").and_then(Value::as_object);
    let small_props = small.get("properties").and_then(Value::as_object);
    let (Some(big_props), Some(small_props)) = (big_props, small_props) else {
        return false;
    };
    let small_required = required(small);
    small_props
        .iter()
        .all(|(name, schema)| big_props.get(name) == Some(schema))
        && required(big).iter().all(|r| small_required.contains(r))
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) -> Result<(), String> {
    let snapshot = doc.clone();
    let resolve_ref = |r: &str| shape(resolve(&snapshot, &json!({ "$ref": r })));
    let mut new_schemas: Vec<(String, Value)> = Vec::new();
    for op in operations_mut(doc) {
        let label = op.label();
        let tag = op
            .op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or(&label)
            .to_string();
        let Some(responses) = op.op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut refs: Vec<(String, String)> = Vec::new();
        for (status, response) in responses.iter() {
            if let Some(reference) = response
                .pointer("/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .filter(|_| is_error_status(status))
            {
                refs.push((status.clone(), reference.to_string()));
            }
        }
        let mut distinct: Vec<&str> = refs.iter().map(|(_, r)| r.as_str()).collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            continue;
        }
        // One representative per shape: the schema itself, or `Error` for several names of one shape.
        let mut classes: Vec<(Value, Vec<&str>)> = Vec::new();
        for reference in &distinct {
            let s = resolve_ref(reference);
            match classes.iter_mut().find(|(shape, _)| *shape == s) {
                Some((_, members)) => members.push(reference),
                None => classes.push((s, vec![reference])),
            }
        }
        let mut representatives: Vec<(String, Value)> = Vec::new();
        for (s, members) in &classes {
            if members.len() == 1 {
                representatives.push((members[0].to_string(), s.clone()));
                continue;
            }
            let unified = unified_name(members[0]);
            add_schema(&mut new_schemas, &unified, || {
                let mut schema = resolve(&snapshot, &json!({ "$ref": members[0] })).clone();
                schema["description"] = json!(format!(
                    "Error body shared by the error responses of this API that have this shape (generated by \
                     the {NAME} transform)."
                ));
                schema
            })?;
            representatives.push((format!("{SCHEMA_PREFIX}{unified}"), s.clone()));
        }
        let target = if let [(only, _)] = representatives.as_slice() {
            only.clone()
        } else if let Some((big, _)) = representatives.iter().find(|(_, big)| {
            representatives
                .iter()
                .all(|(_, small)| small == big || holds(big, small))
        }) {
            big.clone()
        } else {
            // Most required fields first: an untagged enum takes the first variant a body fits.
            representatives.sort_by_key(|(_, s)| std::cmp::Reverse(required(s).len()));
            let union = format!(
                "{}ErrorBody",
                heck::ToPascalCase::to_pascal_case(tag.as_str())
            );
            let variants: Vec<Value> = representatives
                .iter()
                .map(|(r, _)| json!({ "$ref": r }))
                .collect();
            add_schema(&mut new_schemas, &union, || {
                json!({
                    "description": format!(
                        "The error bodies of the {tag} operations, whichever shape the server answered with \
                         (generated by the {NAME} transform)."
                    ),
                    "oneOf": variants,
                })
            })?;
            format!("{SCHEMA_PREFIX}{union}")
        };
        for (status, _) in &refs {
            responses[status]["content"][JSON]["schema"] = json!({ "$ref": target });
        }
        let statuses: Vec<&str> = refs.iter().map(|(s, _)| s.as_str()).collect();
        let target_name = target.trim_start_matches(SCHEMA_PREFIX);
        changes.push(Change {
            transform: NAME,
            detail: format!("{label}: {} -> {target_name}", statuses.join(", ")),
        });
    }
    if !new_schemas.is_empty() {
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format!("{NAME}: the spec has no components.schemas"))?;
        for (name, schema) in new_schemas {
            if let Some(existing) = schemas.get(&name) {
                if shape(existing) != shape(&schema) {
                    return Err(format!("{NAME}: {name} already exists with another shape"));
                }
            }
            schemas.insert(name, schema);
        }
    }
    Ok(())
}

/// Adds a schema unless one of that name was already added; one added with another shape is an error.
fn add_schema(
    added: &mut Vec<(String, Value)>,
    name: &str,
    make: impl FnOnce() -> Value,
) -> Result<(), String> {
    let schema = make();
    match added.iter().find(|(n, _)| n == name) {
        Some((_, existing)) if shape(existing) != shape(&schema) => Err(format!(
            "{NAME}: two different error bodies would both be named {name}"
        )),
        Some(_) => Ok(()),
        None => {
            added.push((name.to_string(), schema));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Value {
        json!({"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]})
    }

    fn error(schema: &str) -> Value {
        json!({"description": "x", "content": {"application/json": {"schema": {
            "$ref": format!("#/components/schemas/{schema}")
        }}}})
    }

    #[test]
    fn same_shaped_errors_share_one_schema() {
        let mut doc = json!({
            "paths": {"/roles": {"post": {"operationId": "role#create", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/RoleAPI.Role"}}}},
                "400": error("RoleAPI.BadRequestError"),
                "404": error("RoleAPI.NotFoundError")
            }}}},
            "components": {"schemas": {
                "RoleAPI.Role": {"type": "object"},
                "RoleAPI.BadRequestError": message(),
                "RoleAPI.NotFoundError": message()
            }}
        });
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes).unwrap();
        let responses = &doc["paths"]["/roles"]["post"]["responses"];
        for status in ["400", "404"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/RoleAPI.Error"
            );
        }
        // Success bodies are untouched; the originals stay.
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/RoleAPI.Role"
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(shape(&schemas["RoleAPI.Error"]), message());
        assert!(schemas.get("RoleAPI.NotFoundError").is_some());
        assert_eq!(changes[0].detail, "role#create: 400, 404 -> RoleAPI.Error");
    }

    #[test]
    fn a_single_error_schema_needs_nothing() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"400": error("E"), "401": error("E")}}}},
            "components": {"schemas": {"E": message()}}
        });
        let before = doc.clone();
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes).unwrap();
        assert_eq!(doc, before);
        assert!(changes.is_empty());
    }

    #[test]
    fn a_schema_that_holds_the_others_is_the_error_type() {
        let with_results = json!({"type": "object", "required": ["message"], "properties": {
            "message": {"type": "string"}, "testResults": {"type": "array", "items": {}}}});
        let mut doc = json!({
            "paths": {"/rules": {"post": {"operationId": "rule#create", "responses": {
                "400": error("R.Bad"), "404": error("R.Missing"), "409": error("R.Exists")
            }}}},
            "components": {"schemas": {"R.Bad": with_results, "R.Missing": message(), "R.Exists": message()}}
        });
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes).unwrap();
        let responses = &doc["paths"]["/rules"]["post"]["responses"];
        for status in ["400", "404", "409"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/R.Bad"
            );
        }
        assert_eq!(changes[0].detail, "rule#create: 400, 404, 409 -> R.Bad");
    }

    #[test]
    fn unrelated_shapes_become_one_of_them_most_required_first() {
        let goa = json!({"type": "object", "required": ["name", "id", "message"], "properties": {
            "name": {"type": "string"}, "id": {"type": "string"}, "message": {"type": "string"}}});
        let mut doc = json!({
            "paths": {"/a": {"get": {"operationId": "alarm#get", "tags": ["log source alarm"], "responses": {
                "400": error("A.Bad"), "500": error("A.Fault"), "504": error("A.Goa")
            }}}},
            "components": {"schemas": {"A.Bad": message(), "A.Fault": message(), "A.Goa": goa}}
        });
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["500"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/LogSourceAlarmErrorBody"
        );
        let union = &doc["components"]["schemas"]["LogSourceAlarmErrorBody"];
        assert_eq!(
            union["oneOf"],
            json!([{"$ref": "#/components/schemas/A.Goa"}, {"$ref": "#/components/schemas/A.Error"}])
        );
        assert_eq!(shape(&doc["components"]["schemas"]["A.Error"]), message());
    }
}
