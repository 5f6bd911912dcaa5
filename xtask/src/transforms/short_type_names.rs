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
//! **Instead:** nothing on the wire changes; names that would collide with a schema of a different shape keep
//! their full name, and the change list in the generated header maps every old name to its new one.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{rename_schema_refs, shape, Change};

const NAME: &str = "short_type_names";

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

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in schemas.keys() {
        groups
            .entry(short_name(name).to_string())
            .or_default()
            .push(name.clone());
    }
    let mut renames: Vec<(String, String)> = Vec::new();
    for (short, members) in groups {
        let first = shape(&schemas[&members[0]]);
        let same_shape = members.iter().all(|m| shape(&schemas[m]) == first);
        if !same_shape {
            changes.push(Change {
                transform: NAME,
                detail: format!("{} keep their names: different shapes", members.join(", ")),
            });
            continue;
        }
        renames.extend(
            members
                .into_iter()
                .filter(|m| *m != short)
                .map(|m| (m, short.clone())),
        );
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("checked above");
    for (from, to) in &renames {
        let schema = schemas.remove(from).expect("a listed schema");
        schemas.entry(to.clone()).or_insert(schema);
    }
    for (from, to) in renames {
        rename_schema_refs(doc, &from, &to);
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
        assert_eq!(
            names,
            ["BadRequestError", "List", "RoleAPI.Role", "UserAPI.Role"]
        );
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
        assert!(details.contains(&"RoleAPI.Role, UserAPI.Role keep their names: different shapes"));
        assert!(details.contains(&"UserAPI.List -> List"));
    }
}
