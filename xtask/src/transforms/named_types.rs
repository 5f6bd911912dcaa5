//! `named_types`
//!
//! **What:** every inline string `enum`, and every inline string with a `pattern` or length limits, in a component
//! schema's properties (and array items), or in an operation's own parameter (or the items of a repeated one),
//! becomes a component schema of its own. Identical ones under the same property name become one schema, named after the property
//! (`permissions` items → `Permission`, `integrationLabel` → `IntegrationLabel`); the owner's name is added only
//! when the bare name would be ambiguous (`ApiVersionStatus`). Enums that appear in any response are then **open**:
//! every use of them, request or response, points at `Open<Name>`, which generates as
//! `cloud_apis_runtime::Open<types::Name>`.
//!
//! **Why:** typify names inline types after their owner (`Permission`), so the same
//! permission or label is a different type in the response and in the update request, and a value read cannot
//! be sent back. And typify's enums refuse values they do not list: the day a provider adds a permission or a
//! status, every response carrying it would fail to decode.
//!
//! **Instead:** the wire format is unchanged. An open enum decodes unlisted values as `Open::Unknown`, kept as
//! sent, and callers can only build `Open::Known` values, so nothing undocumented is sent unless the provider sent
//! it first. Enums that appear only in requests stay closed.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{json, Value};

use super::{escape, reference_for_use, shape, Change, PER_USE, SCHEMA_PREFIX};

const NAME: &str = "named_types";

/// Property names too vague to name a type on their own.
const GENERIC: &[&str] = &[
    "Code", "Format", "Id", "Kind", "Mode", "Name", "State", "Status", "Type", "Value",
];

/// The open enums of a prepared spec: the component `Open<E>` stands for `cloud_apis_runtime::Open<E>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    /// Component name of the wrapper (`OpenPermission`).
    pub wrapper: String,
    /// Component name of the closed enum (`Permission`).
    pub known: String,
}

/// One inline schema that becomes a named type.
struct Site {
    /// JSON pointer to the inline schema.
    pointer: String,
    /// Component schema or operation it belongs to.
    owner: String,
    /// Type name derived from the property (`Permission`).
    base: String,
}

/// Whether an inline schema deserves a named type: a string enum, or a constrained string.
fn is_namable(schema: &Value) -> bool {
    let is_string = schema.get("type").is_none_or(|t| t == "string");
    let constrained = ["enum", "pattern", "minLength", "maxLength"]
        .iter()
        .any(|k| schema.get(k).is_some());
    is_string && constrained && schema.get("$ref").is_none()
}

/// `permissions` (items) → `Permission`, `regionIgnoreList` (items) → `RegionIgnoreListItem`.
fn item_name(property: &str) -> String {
    let pascal = property.to_pascal_case();
    if let Some(stem) = pascal.strip_suffix("ies") {
        format!("{stem}y")
    } else if pascal.ends_with('s') && !pascal.ends_with("ss") && !pascal.ends_with("us") {
        pascal[..pascal.len() - 1].to_string()
    } else {
        format!("{pascal}Item")
    }
}

fn collect_properties(schema: &Value, pointer: &str, owner: &str, sites: &mut Vec<Site>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (prop, sub) in props {
        let pointer = format!("{pointer}/properties/{}", escape(prop));
        collect_value(sub, &pointer, owner, prop.to_pascal_case(), sites);
        if let Some(items) = sub.get("items") {
            collect_value(
                items,
                &format!("{pointer}/items"),
                owner,
                item_name(prop),
                sites,
            );
        }
    }
}

fn collect_value(schema: &Value, pointer: &str, owner: &str, base: String, sites: &mut Vec<Site>) {
    if is_namable(schema) {
        sites.push(Site {
            pointer: pointer.to_string(),
            owner: owner.to_string(),
            base,
        });
    } else if schema.get("properties").is_some() {
        collect_properties(schema, pointer, &format!("{owner}{base}"), sites);
    }
}

fn sites(doc: &Value) -> Vec<Site> {
    let mut sites = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let pointer = format!("/components/schemas/{}", escape(name));
            collect_properties(schema, &pointer, &name.to_pascal_case(), &mut sites);
        }
    }
    // An operation's own enum parameters (shared `components.parameters` already have a name).
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let operations = item.as_object().into_iter().flatten();
        for (method, op) in
            operations.filter(|(key, _)| super::HTTP_METHODS.contains(&key.as_str()))
        {
            let owner = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or(method)
                .to_pascal_case();
            let params = op.get("parameters").and_then(Value::as_array);
            for (i, param) in params.into_iter().flatten().enumerate() {
                let (Some(name), Some(schema)) = (
                    param.get("name").and_then(Value::as_str),
                    param.get("schema"),
                ) else {
                    continue;
                };
                let pointer = format!("/paths/{}/{method}/parameters/{i}/schema", escape(path));
                // A repeated filter (`status=OPEN&status=TRIAGED`) names one value per item: its items are the
                // same type as the property of that name (`status` → the alert's status).
                let (schema, pointer) = match schema.get("items") {
                    Some(items) if schema["type"] == "array" => (items, format!("{pointer}/items")),
                    _ => (schema, pointer),
                };
                if schema.get("enum").is_some() && is_namable(schema) {
                    sites.push(Site {
                        pointer,
                        owner: owner.clone(),
                        base: name.to_pascal_case(),
                    });
                }
            }
        }
    }
    sites
}

fn type_shape(schema: &Value) -> Value {
    let mut shaped = shape(schema);
    if let Value::Object(map) = &mut shaped {
        map.retain(|k, _| !PER_USE.contains(&k.as_str()));
    }
    shaped
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) -> Vec<OpenEnum> {
    let sites = sites(doc);
    // Group identical schemas under the same base name.
    let mut groups: BTreeMap<(String, String), Vec<&Site>> = BTreeMap::new();
    for site in &sites {
        let schema = doc
            .pointer(&site.pointer)
            .expect("collected from the document");
        groups
            .entry((site.base.clone(), type_shape(schema).to_string()))
            .or_default()
            .push(site);
    }
    let mut per_base: BTreeMap<String, usize> = BTreeMap::new();
    for (base, _) in groups.keys() {
        *per_base.entry(base.clone()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| k.to_pascal_case()).collect())
        .unwrap_or_default();
    let mut named: Vec<(String, Vec<&Site>)> = Vec::new();
    for ((base, _), members) in groups {
        let bare_ok = per_base[base.as_str()] == 1 && !GENERIC.contains(&base.as_str());
        let mut name = if bare_ok {
            base.clone()
        } else {
            format!("{}{base}", members[0].owner)
        };
        while !taken.insert(name.clone()) {
            name = format!("{}{name}", members[0].owner);
        }
        named.push((name, members));
    }

    let mut new_schemas = Vec::new();
    for (name, members) in &named {
        let first = doc.pointer(&members[0].pointer).expect("collected").clone();
        let mut schema = type_shape(&first);
        if let Some(description) = first.get("description") {
            schema["description"] = description.clone();
        }
        new_schemas.push((name.clone(), schema));
        for site in members {
            let slot = doc.pointer_mut(&site.pointer).expect("collected");
            *slot = reference_for_use(slot, name);
        }
        let owners: Vec<&str> = members.iter().map(|s| s.owner.as_str()).collect();
        changes.push(Change {
            transform: NAME,
            detail: format!("{name} ({})", owners.join(", ")),
        });
    }
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("sites exist only under components.schemas or next to it");
    for (name, schema) in new_schemas {
        schemas.insert(name, schema);
    }
    open_enums(doc, &named, changes)
}

/// Points every use of an enum that a response carries at `Open<Name>`.
fn open_enums(
    doc: &mut Value,
    named: &[(String, Vec<&Site>)],
    changes: &mut Vec<Change>,
) -> Vec<OpenEnum> {
    let (_, responses) = sides(doc);
    let in_responses = reachable(doc, responses);
    let mut opened = Vec::new();
    for (name, members) in named {
        let is_enum = doc
            .pointer(&format!("/components/schemas/{}", escape(name)))
            .is_some_and(|s| s.get("enum").is_some());
        if !is_enum || !in_responses.contains(name.as_str()) {
            continue;
        }
        let wrapper = format!("Open{name}");
        let target = format!("{SCHEMA_PREFIX}{wrapper}");
        for site in members {
            let slot = doc.pointer_mut(&site.pointer).expect("collected");
            let reference = match slot.get_mut("allOf") {
                Some(all_of) => &mut all_of[0],
                None => slot,
            };
            *reference = json!({ "$ref": target });
        }
        doc["components"]["schemas"][&wrapper] = json!({
            "description": format!("`{name}`, or a value added after this client was generated."),
            "oneOf": [{ "$ref": format!("{SCHEMA_PREFIX}{name}") }, { "type": "string" }]
        });
        changes.push(Change {
            transform: NAME,
            detail: format!(
                "{name} is open: uses point at {wrapper} (cloud_apis_runtime::Open<{name}>)"
            ),
        });
        opened.push(OpenEnum {
            wrapper,
            known: name.clone(),
        });
    }
    opened
}

/// Names of the component schemas reachable from `roots`, following `$ref`s transitively.
fn reachable(doc: &Value, roots: Vec<&Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Value> = roots;
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
                            stack.push(schema);
                        }
                    }
                }
                stack.extend(
                    map.iter()
                        .filter(|(k, _)| *k != "example" && *k != "examples")
                        .map(|(_, v)| v),
                );
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    seen
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
            requests.extend(op.get("requestBody"));
            requests.extend(op.get("parameters"));
            responses.extend(op.get("responses"));
        }
        requests.extend(item.get("parameters"));
    }
    (requests, responses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        let permissions = json!({"type": "array", "items": {"type": "string", "enum": ["AlertRead", "UserRead"]}});
        let label = |description: &str| json!({"type": "string", "pattern": "^[a-z]+$", "description": description});
        json!({
            "paths": {"/roles": {
                "post": {
                    "operationId": "role#create",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModifyRole"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Role"}}}}}
                },
                "get": {
                    "operationId": "role#list",
                    "parameters": [{"name": "sort-dir", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Version"}}}}}
                }
            }},
            "components": {"schemas": {
                "ModifyRole": {"type": "object", "properties": {
                    "permissions": permissions,
                    "label": label("label to set"),
                    "agree": {"type": "string", "enum": ["Y", "N"], "nullable": true}
                }},
                "Role": {"type": "object", "properties": {
                    "permissions": permissions,
                    "label": label("current label"),
                    "status": {"type": "string", "enum": ["A"]}
                }},
                "Version": {"type": "object", "properties": {"status": {"type": "string", "enum": ["B"]}}}
            }}
        })
    }

    #[test]
    fn identical_inline_types_become_one_named_type() {
        let mut d = doc();
        let mut changes = Vec::new();
        let opened = apply(&mut d, &mut changes);
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["Label"],
            json!({"type": "string", "pattern": "^[a-z]+$", "description": "label to set"})
        );
        for owner in ["ModifyRole", "Role"] {
            assert_eq!(
                schemas[owner]["properties"]["label"],
                json!({"$ref": "#/components/schemas/Label"})
            );
            assert_eq!(
                schemas[owner]["properties"]["permissions"]["items"],
                json!({"$ref": "#/components/schemas/OpenPermission"})
            );
        }
        assert_eq!(
            schemas["Permission"],
            json!({"type": "string", "enum": ["AlertRead", "UserRead"]})
        );
        // Vague names carry their owner; the parameter enum gets its own name, closed (requests only).
        assert_eq!(schemas["RoleStatus"]["enum"], json!(["A"]));
        assert_eq!(schemas["VersionStatus"]["enum"], json!(["B"]));
        assert_eq!(
            d["paths"]["/roles"]["get"]["parameters"][0]["schema"],
            json!({"$ref": "#/components/schemas/SortDir"})
        );
        // A request-only enum stays closed and keeps its per-use `nullable`.
        assert_eq!(
            schemas["ModifyRole"]["properties"]["agree"],
            json!({"allOf": [{"$ref": "#/components/schemas/Agree"}], "nullable": true})
        );
        let wrappers: Vec<&str> = opened.iter().map(|o| o.wrapper.as_str()).collect();
        assert_eq!(
            wrappers,
            ["OpenPermission", "OpenRoleStatus", "OpenVersionStatus"]
        );
        assert_eq!(
            schemas["OpenPermission"]["oneOf"][0]["$ref"],
            "#/components/schemas/Permission"
        );
        assert!(
            changes
                .iter()
                .any(|c| c.detail == "Permission (ModifyRole, Role)"),
            "{changes:?}"
        );
    }

    #[test]
    fn different_shapes_under_one_property_name_are_told_apart_by_owner() {
        let mut d = json!({"paths": {}, "components": {"schemas": {
            "A": {"properties": {"kind": {"type": "string", "enum": ["x"]}, "size": {"type": "string", "maxLength": 3}}},
            "B": {"properties": {"size": {"type": "string", "maxLength": 4}}}
        }}});
        apply(&mut d, &mut Vec::new());
        let schemas = &d["components"]["schemas"];
        assert_eq!(schemas["ASize"]["maxLength"], 3);
        assert_eq!(schemas["BSize"]["maxLength"], 4);
        assert_eq!(schemas["AKind"]["enum"], json!(["x"]));
        assert!(schemas.get("OpenAKind").is_none(), "no response carries it");
    }

    #[test]
    fn a_repeated_filter_takes_the_type_of_the_property_it_filters() {
        let mut d = json!({
            "paths": {"/alerts": {"get": {
                "operationId": "alert#list",
                "parameters": [{"name": "status", "in": "query", "schema": {"type": "array",
                    "items": {"type": "string", "enum": ["OPEN", "TRIAGED"]}}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alert"}}}}}
            }}},
            "components": {"schemas": {
                "Alert": {"properties": {"status": {"type": "string", "enum": ["OPEN", "TRIAGED"]}}}
            }}
        });
        let mut changes = Vec::new();
        apply(&mut d, &mut changes);
        // One type for the value an alert carries and the value the list filters by (open: a response has it).
        assert_eq!(
            d["paths"]["/alerts"]["get"]["parameters"][0]["schema"]["items"],
            json!({"$ref": "#/components/schemas/OpenAlertStatus"})
        );
        assert_eq!(
            d["components"]["schemas"]["Alert"]["properties"]["status"],
            json!({"$ref": "#/components/schemas/OpenAlertStatus"})
        );
        assert!(
            changes
                .iter()
                .any(|c| c.detail == "AlertStatus (Alert, AlertList)"),
            "{changes:?}"
        );
    }

    #[test]
    fn array_items_are_named_in_the_singular() {
        assert_eq!(item_name("permissions"), "Permission");
        assert_eq!(item_name("policies"), "Policy");
        assert_eq!(item_name("regionIgnoreList"), "RegionIgnoreListItem");
        assert_eq!(item_name("status"), "StatusItem");
        assert_eq!(item_name("address"), "AddressItem");
    }
}
