//! `short_type_names`
//!
//! **What:** renames component schemas to their short name: the namespace before the last `.` goes
//! (`RoleAPI.ModifyRole` → `ModifyRole`) and so does a version suffix (`LandingZoneV1Dot1` → `LandingZone`).
//! Schemas that end up with the same short name and the same shape (ignoring documentation) become one.
//!
//! **Why:** typify names a type after its schema's key, so Panther's namespaces and SCP's version suffixes stutter
//! into every name (`AwsCloudAccountApiCreateAwsCloudAccount`, `LandingZoneV1Dot1`). The client crate
//! (or module) already says which API and version a type belongs to.
//!
//! Merging repeats until nothing changes, so records that differ only in which namespace's copy of a shared leaf
//! they refer to merge too. Schemas that share a short name but differ in shape get their namespace's stem in
//! front (`RuleAPI.ListResp` → `RuleListResp`), as does a vague short name (`LogSourceAlarmAPI.Error` →
//! `LogSourceAlarmError`).
//!
//! **Instead:** nothing on the wire changes; a name that would still collide keeps its full name, and the change
//! list in the generated header maps every old name to its new one.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{rename_schema_refs, shape, Change};

/// The transform's name, as its changes carry it.
pub const NAME: &str = "short_type_names";

/// `RoleAPI.ListResp` → `ListResp`, `LandingZoneV1Dot1` → `LandingZone`, `BaselineAssignmentV1_1` → `BaselineAssignment`.
pub(crate) fn short_name(name: &str) -> &str {
    let name = match name.rsplit_once('.') {
        Some((namespace, rest))
            if !rest.is_empty() && namespace.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            rest
        }
        _ => name,
    };
    strip_version_suffix(name)
}

fn strip_version_suffix(name: &str) -> &str {
    let Some(at) = name.rfind('V') else {
        return name;
    };
    let (stem, suffix) = name.split_at(at);
    let version = &suffix[1..];
    let parts: Vec<&str> = version.split("Dot").flat_map(|p| p.split('_')).collect();
    let is_version = !version.is_empty()
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if is_version && !stem.is_empty() {
        stem
    } else {
        name
    }
}

/// Short names too vague to stand alone: a namespaced schema with one of these keeps its namespace's stem
/// (`LogSourceAlarmAPI.Error` → `LogSourceAlarmError`). `Error` is also the name `unify_error_bodies` gives the
/// error body an operation's statuses share.
const VAGUE: &[&str] = &["Error"];

/// `RuleAPI` → `Rule`, `contexttagAPI` → `contexttag`: what a namespace adds in front of a qualified name.
fn stem(name: &str) -> Option<&str> {
    let (namespace, _) = name.rsplit_once('.')?;
    let stem = namespace
        .strip_suffix("API")
        .or_else(|| namespace.strip_suffix("Api"))
        .unwrap_or(namespace);
    (!stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric())).then_some(stem)
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    // Merging the leaves first makes their parents the same shape, so merge until nothing changes
    // (`PolicyAPI.TestErr` and `RuleAPI.TestErr` first, then the records that refer to them).
    loop {
        let renames = same_shape_renames(doc);
        if renames.is_empty() {
            break;
        }
        rename(doc, &renames, changes);
    }
    // What is left under one short name really differs: each keeps its namespace's stem in front
    // (`RuleAPI.ListResp` → `RuleListResp`), or its full name when even that collides.
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut renames = Vec::new();
    for (short, members) in groups(schemas) {
        let vague = VAGUE.contains(&short.as_str());
        if members.len() < 2 && !vague {
            continue;
        }
        // The namespace's own type keeps the short name (`RoleAPI.Role` stays `Role` beside `UserAPI.Role`).
        let principal = members
            .iter()
            .filter(|m| !vague && stem(m) == Some(short.as_str()))
            .count()
            == 1;
        for member in &members {
            if principal && stem(member) == Some(short.as_str()) {
                renames.push((member.clone(), short.clone()));
                continue;
            }
            let qualified = stem(member).map(|stem| format!("{stem}{short}"));
            match qualified {
                Some(q) if !schemas.contains_key(&q) && !renames.iter().any(|(_, t)| *t == q) => {
                    renames.push((member.clone(), q));
                }
                _ => changes.push(Change {
                    transform: NAME,
                    detail: format!("{member} keeps its name: {short} is taken by another shape"),
                }),
            }
        }
    }
    rename(doc, &renames, changes);
    let numbered = numbered_renames(doc);
    rename(doc, &numbered, changes);
}

/// A name that ends in a number only to tell it from another (Panther's `BulkPatchAlertReq2`, `ModifyGlobal2`)
/// says nothing a reader can use: it loses the number when that name is free, and is otherwise named after the one
/// operation whose request body it is, as progenitor names inline bodies (`global#put` → `GlobalPutBody`).
fn numbered_renames(doc: &Value) -> Vec<(String, String)> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut renames: Vec<(String, String)> = Vec::new();
    let free = |name: &str, renames: &[(String, String)]| {
        !schemas.contains_key(name) && !renames.iter().any(|(_, to)| to == name)
    };
    for name in schemas.keys() {
        let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
        if stem.len() == name.len() || stem.is_empty() || stem.contains('.') {
            continue;
        }
        let target = if free(stem, &renames) {
            Some(stem.to_string())
        } else {
            body_of_one_operation(doc, name)
                .map(|id| format!("{}Body", heck::ToPascalCase::to_pascal_case(id.as_str())))
                .filter(|body| free(body, &renames))
        };
        if let Some(target) = target {
            renames.push((name.clone(), target));
        }
    }
    renames
}

/// The operationId of the one operation whose request body is the schema `name`, if exactly one is.
fn body_of_one_operation(doc: &Value, name: &str) -> Option<String> {
    let reference = format!("{}{name}", super::SCHEMA_PREFIX);
    let mut users = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter(|op| {
            op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
                .any(|(_, content)| content["schema"]["$ref"] == reference.as_str())
        })
        .filter_map(|op| op["operationId"].as_str().map(str::to_string));
    let first = users.next()?;
    users.next().is_none().then_some(first)
}

/// Component schemas by short name.
fn groups(schemas: &serde_json::Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in schemas.keys() {
        groups
            .entry(short_name(name).to_string())
            .or_default()
            .push(name.clone());
    }
    groups
}

/// Every schema whose short name is shared only by schemas of its own shape, to that short name.
fn same_shape_renames(doc: &Value) -> Vec<(String, String)> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut renames = Vec::new();
    for (short, members) in groups(schemas) {
        if VAGUE.contains(&short.as_str()) && members.iter().any(|m| stem(m).is_some()) {
            continue;
        }
        let first = shape(&schemas[&members[0]]);
        if members.iter().all(|m| shape(&schemas[m]) == first) {
            renames.extend(
                members
                    .into_iter()
                    .filter(|m| *m != short)
                    .map(|m| (m, short.clone())),
            );
        }
    }
    renames
}

fn rename(doc: &mut Value, renames: &[(String, String)], changes: &mut Vec<Change>) {
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("renames come from the schemas");
    for (from, to) in renames {
        let schema = schemas.remove(from).expect("a listed schema");
        schemas.entry(to.clone()).or_insert(schema);
    }
    for (from, to) in renames {
        rename_schema_refs(doc, from, to);
        changes.push(Change {
            transform: NAME,
            detail: format!("{from} -> {to}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_numbered_only_to_differ_lose_the_number() {
        let body = |name: &str| json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        let mut doc = json!({
            "paths": {
                "/alerts": {"patch": {"operationId": "alert#bulkPatch", "requestBody": body("AlertAPI.BulkPatchAlertReq2")}},
                "/globals": {"post": {"operationId": "global#create", "requestBody": body("GlobalAPI.ModifyGlobal")}},
                "/globals/{id}": {"put": {"operationId": "global#put", "requestBody": body("GlobalAPI.ModifyGlobal2")}}
            },
            "components": {"schemas": {
                "AlertAPI.BulkPatchAlertReq2": {"type": "object", "properties": {"ids": {"type": "array"}}},
                "GlobalAPI.ModifyGlobal": {"type": "object", "properties": {"id": {"type": "string"}, "body": {"type": "string"}}},
                "GlobalAPI.ModifyGlobal2": {"type": "object", "properties": {"body": {"type": "string"}}}
            }}
        });
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            names,
            ["BulkPatchAlertReq", "GlobalPutBody", "ModifyGlobal"]
        );
        assert_eq!(
            doc["paths"]["/globals/{id}"]["put"]["requestBody"]["content"]["application/json"]
                ["schema"]["$ref"],
            "#/components/schemas/GlobalPutBody"
        );
        assert!(
            changes
                .iter()
                .any(|c| c.detail == "BulkPatchAlertReq2 -> BulkPatchAlertReq"),
            "{changes:?}"
        );
    }

    #[test]
    fn namespaces_and_version_suffixes_go() {
        assert_eq!(short_name("RoleAPI.ListResp"), "ListResp");
        assert_eq!(
            short_name("AWSCloudAccountAPI.AWSCloudAccount"),
            "AWSCloudAccount"
        );
        assert_eq!(short_name("LandingZoneV1Dot1"), "LandingZone");
        assert_eq!(
            short_name("LandingZoneCreateRequestV1Dot2"),
            "LandingZoneCreateRequest"
        );
        assert_eq!(short_name("BaselineAssignmentV1_1"), "BaselineAssignment");
        // Not namespaces or versions.
        assert_eq!(short_name("ApiVersion"), "ApiVersion");
        assert_eq!(short_name("V1Dot1"), "V1Dot1");
        assert_eq!(short_name("Vendor"), "Vendor");
        assert_eq!(short_name("a-b.c.D"), "a-b.c.D");
    }

    #[test]
    fn same_shapes_merge_and_different_shapes_keep_their_names() {
        let message = json!({"type": "object", "properties": {"message": {"type": "string"}}});
        let mut doc = json!({
            "paths": {"/r": {"get": {"responses": {
                "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/RoleAPI.BadRequestError"}}}},
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/RoleAPI.Role"}}}}
            }}}},
            "components": {"schemas": {
                "RoleAPI.BadRequestError": message,
                "UserAPI.BadRequestError": {"description": "documented differently", "type": "object", "properties": {"message": {"type": "string"}}},
                "RoleAPI.Role": {"type": "object", "properties": {"id": {"type": "string"}}},
                "UserAPI.Role": {"type": "object", "properties": {"id": {"type": "integer"}}},
                "UserAPI.List": {"type": "array", "items": {"$ref": "#/components/schemas/UserAPI.BadRequestError"}}
            }}
        });
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["BadRequestError", "List", "Role", "UserRole"]);
        assert_eq!(
            doc["paths"]["/r"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/BadRequestError"
        );
        assert_eq!(
            schemas["List"]["items"]["$ref"],
            "#/components/schemas/BadRequestError"
        );
        let details: Vec<&str> = changes.iter().map(|c| c.detail.as_str()).collect();
        assert!(details.contains(&"UserAPI.Role -> UserRole"));
        assert!(details.contains(&"UserAPI.List -> List"));
    }

    #[test]
    fn records_merge_once_their_leaves_have_and_vague_names_keep_their_stem() {
        let leaf = json!({"type": "object", "properties": {"code": {"type": "string"}}});
        let record = |ns: &str| json!({"type": "object", "properties": {"error": {"$ref": format!("#/components/schemas/{ns}.TestErr")}}});
        let goa = json!({"type": "object", "properties": {"fault": {"type": "boolean"}}});
        let mut doc = json!({"components": {"schemas": {
            "RuleAPI.TestErr": leaf, "PolicyAPI.TestErr": leaf,
            "RuleAPI.Record": record("RuleAPI"), "PolicyAPI.Record": record("PolicyAPI"),
            "AlarmAPI.Error": goa
        }}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["AlarmError", "Record", "TestErr"]);
        assert_eq!(
            schemas["Record"]["properties"]["error"]["$ref"],
            "#/components/schemas/TestErr"
        );
    }
}
