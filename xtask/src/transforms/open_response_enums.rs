//! `open_response_enums`
//!
//! **What:** in schemas that only ever appear in responses, every string `enum` becomes a `oneOf` of the known
//! values (titled `<Schema> <property> known`) and any other string (titled `Unknown`).
//!
//! **Why:** typify's enums refuse values they do not list, so the day Panther adds a permission or SCP a status,
//! every response carrying it would fail to decode. Providers add such values without notice.
//!
//! **Instead:** the field decodes to an untagged enum: `<Schema><Property>Known(...)` for listed values (typed, matchable) and
//! `Unknown(String)` for the rest, kept as sent. Enums in request schemas stay closed, so a bad value is still
//! refused before it is sent.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::Change;

const NAME: &str = "open_response_enums";
const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Names of the component schemas reachable from `roots`, following `$ref`s transitively.
fn reachable(doc: &Value, roots: Vec<&Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Value> = roots.into_iter().cloned().collect();
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
                {
                    if seen.insert(name.to_string()) {
                        if let Some(schema) =
                            doc.pointer(&format!("/components/schemas/{}", escape(name)))
                        {
                            stack.push(schema.clone());
                        }
                    }
                }
                for (key, child) in map {
                    if key != "example" && key != "examples" {
                        stack.push(child);
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    seen
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The request and response sides of every operation.
fn sides(doc: &Value) -> (Vec<&Value>, Vec<&Value>) {
    let mut requests = Vec::new();
    let mut responses = Vec::new();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            if let Some(body) = op.get("requestBody") {
                requests.push(body);
            }
            if let Some(params) = op.get("parameters") {
                requests.push(params);
            }
            if let Some(r) = op.get("responses") {
                responses.push(r);
            }
        }
        if let Some(params) = item.get("parameters") {
            requests.push(params);
        }
    }
    (requests, responses)
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    let (requests, responses) = sides(doc);
    let request_side = reachable(doc, requests);
    let response_only: Vec<String> = reachable(doc, responses)
        .difference(&request_side)
        .cloned()
        .collect();
    for name in response_only {
        let pointer = format!("/components/schemas/{}", escape(&name));
        let Some(schema) = doc.pointer_mut(&pointer) else {
            continue;
        };
        let mut opened = Vec::new();
        open(schema, &name, &mut opened);
        for prop in opened {
            changes.push(Change {
                transform: NAME,
                detail: format!("{name}.{prop}"),
            });
        }
    }
}

/// Opens the enums of one schema's properties (and of array items and nested objects below them).
fn open(schema: &mut Value, owner: &str, opened: &mut Vec<String>) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (prop, sub) in props.iter_mut() {
        open_value(sub, owner, prop, opened);
    }
}

fn open_value(schema: &mut Value, owner: &str, prop: &str, opened: &mut Vec<String>) {
    let is_string_enum =
        schema.get("enum").is_some() && schema.get("type").is_none_or(|t| t == "string");
    if is_string_enum {
        let Value::Object(map) = schema else { return };
        let mut known = Map::new();
        // `known` keeps the title from colliding with the name typify gives the field's own type.
        known.insert("title".into(), json!(format!("{owner} {prop} known")));
        known.insert("type".into(), json!("string"));
        known.insert("enum".into(), map.remove("enum").unwrap_or_default());
        map.remove("type");
        map.remove("default");
        map.insert(
            "oneOf".into(),
            json!([Value::Object(known), {"title": "Unknown", "type": "string"}]),
        );
        opened.push(prop.to_string());
        return;
    }
    if let Some(items) = schema.get_mut("items") {
        open_value(items, owner, prop, opened);
    }
    if schema.get("properties").is_some() {
        open(schema, &format!("{owner} {prop}"), opened);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "paths": {"/roles": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModifyRole"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Role"}}}}}
            }}},
            "components": {"schemas": {
                "ModifyRole": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["ALLOW", "DENY"]}
                }},
                "Role": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["ALLOW", "DENY"], "description": "access kind"},
                    "permissions": {"type": "array", "items": {"type": "string", "enum": ["AlertRead"]}},
                    "owner": {"$ref": "#/components/schemas/Owner"}
                }},
                "Owner": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": ["user", "token"], "nullable": true}
                }}
            }}
        })
    }

    #[test]
    fn response_only_enums_open_and_request_enums_stay_closed() {
        let mut d = doc();
        let mut changes = Vec::new();
        apply(&mut d, &mut changes);
        let role = &d["components"]["schemas"]["Role"]["properties"];
        assert_eq!(
            role["kind"],
            json!({"description": "access kind", "oneOf": [
                {"title": "Role kind known", "type": "string", "enum": ["ALLOW", "DENY"]},
                {"title": "Unknown", "type": "string"}
            ]})
        );
        assert_eq!(
            role["permissions"]["items"]["oneOf"][0]["title"],
            "Role permissions known"
        );
        let owner = &d["components"]["schemas"]["Owner"]["properties"]["type"];
        assert_eq!(owner["nullable"], true);
        assert_eq!(owner["oneOf"][1]["title"], "Unknown");
        // The request schema keeps its closed enum.
        assert_eq!(
            d["components"]["schemas"]["ModifyRole"]["properties"]["kind"],
            json!({"type": "string", "enum": ["ALLOW", "DENY"]})
        );
        let details: Vec<&str> = changes.iter().map(|c| c.detail.as_str()).collect();
        assert_eq!(details, ["Owner.type", "Role.kind", "Role.permissions"]);
    }

    #[test]
    fn a_schema_used_on_both_sides_stays_closed() {
        let mut d = doc();
        d["paths"]["/roles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"] = json!("#/components/schemas/Role");
        let mut changes = Vec::new();
        apply(&mut d, &mut changes);
        assert!(changes.is_empty(), "{changes:?}");
    }
}
