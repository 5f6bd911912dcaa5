//! `mock_untyped_array_query` (httpmock helpers only)
//!
//! **What:** in the copy used for the httpmock helpers, query parameters whose schema is an array are removed.
//!
//! **Why:** progenitor 0.15's httpmock generator emits `query_param(name, value.to_string())` for every query
//! parameter, which does not compile for a `Vec` (Panther's `GET /roles?id=...&id=...`).
//!
//! **Instead:** the generated `When` helper simply does not constrain that parameter; a test that cares adds the
//! matcher itself through the helper's `into_inner()` (`httpmock::When::query_param`). The client keeps the typed
//! array parameter.

use serde_json::{json, Value};

use super::{operations_mut, Change};

const NAME: &str = "mock_untyped_array_query";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    for op in operations_mut(doc) {
        let label = op.label();
        let Some(params) = op.op.get_mut("parameters").and_then(Value::as_array_mut) else {
            continue;
        };
        let mut removed = Vec::new();
        params.retain(|param| {
            let array_query = param.get("in") == Some(&json!("query"))
                && param.pointer("/schema/type") == Some(&json!("array"));
            if array_query {
                removed.push(param["name"].as_str().unwrap_or("?").to_string());
            }
            !array_query
        });
        for name in removed {
            changes.push(Change {
                transform: NAME,
                detail: format!("{label}: query `{name}` not matched by the generated mock"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_query_parameters_are_dropped_from_the_mock_copy() {
        let mut doc = json!({"paths": {"/roles": {"get": {"operationId": "role#list", "parameters": [
            {"name": "name", "in": "query", "schema": {"type": "string"}},
            {"name": "id", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
        ]}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let names: Vec<&str> = doc["paths"]["/roles"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["name"]);
        assert_eq!(
            changes[0].detail,
            "role#list: query `id` not matched by the generated mock"
        );
    }
}
