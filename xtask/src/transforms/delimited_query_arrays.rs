//! `delimited_query_arrays`
//!
//! **What:** a query parameter whose schema is an array and which says `explode: false` (one key, values joined
//! with commas, e.g. `exclude=ec2,sg`) becomes a plain string parameter.
//!
//! **Why:** progenitor 0.15 ignores `style`/`explode` and always sends arrays as repeated keys
//! (`exclude=ec2&exclude=sg`), which is not what the spec documents and not what the server parses.
//!
//! **Instead:** the generated builder takes the already-joined string; the facade's method takes a list and joins
//! it with commas, so callers never build the string by hand.

use serde_json::{json, Value};

use super::{operations_mut, Change};

const NAME: &str = "delimited_query_arrays";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    for op in operations_mut(doc) {
        let label = op.label();
        let Some(params) = op.op.get_mut("parameters").and_then(Value::as_array_mut) else {
            continue;
        };
        for param in params.iter_mut() {
            let delimited = param.get("in") == Some(&json!("query"))
                && param.get("explode") == Some(&json!(false))
                && param.pointer("/schema/type") == Some(&json!("array"));
            if !delimited {
                continue;
            }
            let description = param
                .pointer("/schema/description")
                .or_else(|| param.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            param["schema"] = json!({
                "type": "string",
                "description": format!("{description} (comma-separated list)").trim().to_string(),
            });
            if let Some(p) = param.as_object_mut() {
                p.remove("explode");
                p.remove("style");
                p.remove("example");
            }
            changes.push(Change {
                transform: NAME,
                detail: format!(
                    "{label}: query `{}` sent as one comma-separated value",
                    param["name"].as_str().unwrap_or("?")
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexploded_arrays_become_strings_and_exploded_ones_stay() {
        let mut doc = json!({"paths": {"/snap": {"get": {"operationId": "snap", "parameters": [
            {"name": "exclude", "in": "query", "style": "form", "explode": false, "example": ["ec2"],
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "id", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "width", "in": "query", "explode": false, "schema": {"type": "integer"}}
        ]}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let params = &doc["paths"]["/snap"]["get"]["parameters"];
        assert_eq!(params[0]["schema"]["type"], "string");
        assert!(params[0].get("explode").is_none() && params[0].get("example").is_none());
        assert_eq!(params[1]["schema"]["type"], "array");
        assert_eq!(params[2]["schema"]["type"], "integer");
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].detail,
            "snap: query `exclude` sent as one comma-separated value"
        );
    }
}
