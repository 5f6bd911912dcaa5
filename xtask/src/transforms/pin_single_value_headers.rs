//! `pin_single_value_headers`
//!
//! **What:** removes every required header parameter whose schema allows exactly one value (`enum` with one
//! entry) from the operations, and returns those headers as the client's pinned headers.
//!
//! **Why:** SCP declares `Scp-Api-Version` this way (`cloudcontrol 1.1` in the 1.1 spec). progenitor would turn it
//! into a builder argument that every call must supply, although only one value is valid and the wrong one (or
//! none) silently selects another API version with different schemas.
//!
//! **Instead:** the generator emits the header in the client's `API.pinned_headers`, and `cloud-apis-runtime` sets
//! it on every request of that client. The version a client speaks is thereby fixed by its generated types.

use serde_json::Value;

use super::{operations_mut, resolve, Change};

const NAME: &str = "pin_single_value_headers";

/// A header every request of a client carries with one fixed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedHeader {
    /// Header name as the spec writes it.
    pub name: String,
    /// Its only allowed value.
    pub value: String,
}

pub(super) fn apply(
    doc: &mut Value,
    changes: &mut Vec<Change>,
) -> Result<Vec<PinnedHeader>, String> {
    let snapshot = doc.clone();
    let pinned_value = |param: &Value| -> Option<PinnedHeader> {
        let param = resolve(&snapshot, param);
        let is_required_header = param.get("in")? == "header" && param.get("required")? == true;
        let values = param.pointer("/schema/enum")?.as_array()?;
        match (is_required_header, values.as_slice()) {
            (true, [Value::String(value)]) => Some(PinnedHeader {
                name: param.get("name")?.as_str()?.to_string(),
                value: value.clone(),
            }),
            _ => None,
        }
    };

    let mut pinned: Vec<PinnedHeader> = Vec::new();
    let mut operations = 0;
    let mut per_header: Vec<usize> = Vec::new();
    for op in operations_mut(doc) {
        // An operation that needs no credentials (SCP's version list at the service root) describes the service,
        // not one API version: it carries no pinned header, and the runtime sends it none.
        if op.op.get("security") == Some(&Value::Array(Vec::new())) {
            continue;
        }
        operations += 1;
        let label = op.label();
        let Some(Value::Array(params)) = op.op.get_mut("parameters") else {
            continue;
        };
        let mut removed = Vec::new();
        params.retain(|param| match pinned_value(param) {
            Some(header) => {
                removed.push(header);
                false
            }
            None => true,
        });
        for header in removed {
            match pinned
                .iter()
                .position(|p| p.name.eq_ignore_ascii_case(&header.name))
            {
                Some(i) if pinned[i].value != header.value => {
                    return Err(format!(
                        "{NAME}: {label} pins {} to {:?} but another operation pins it to {:?}",
                        header.name, header.value, pinned[i].value
                    ));
                }
                Some(i) => per_header[i] += 1,
                None => {
                    pinned.push(header);
                    per_header.push(1);
                }
            }
        }
    }
    for (header, count) in pinned.iter().zip(&per_header) {
        if *count != operations {
            return Err(format!(
                "{NAME}: {} is pinned on {count} of {operations} operations; a pinned header must be on all of them",
                header.name
            ));
        }
        changes.push(Change {
            transform: NAME,
            detail: format!(
                "{}: {:?} removed from all {operations} operations, sent by the runtime",
                header.name, header.value
            ),
        });
    }
    Ok(pinned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(get_params: Value) -> Value {
        json!({
            "paths": {
                "/": {"get": {"operationId": "listVersions", "security": []}},
                "/a": {"get": {"operationId": "getA", "parameters": get_params}},
                "/b": {"post": {"operationId": "postB", "parameters": [
                    {"$ref": "#/components/parameters/Version"}
                ]}}
            },
            "components": {"parameters": {"Version": {
                "name": "Scp-Api-Version", "in": "header", "required": true,
                "schema": {"type": "string", "enum": ["cloudcontrol 1.1"]}
            }}}
        })
    }

    #[test]
    fn removes_referenced_and_inline_single_value_headers() {
        let mut d = doc(json!([
            {"name": "Scp-Api-Version", "in": "header", "required": true,
             "schema": {"type": "string", "enum": ["cloudcontrol 1.1"]}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}}
        ]));
        let mut changes = Vec::new();
        let pinned = apply(&mut d, &mut changes).unwrap();
        assert_eq!(
            pinned,
            [PinnedHeader {
                name: "Scp-Api-Version".into(),
                value: "cloudcontrol 1.1".into()
            }]
        );
        assert_eq!(
            d["paths"]["/a"]["get"]["parameters"],
            json!([
                {"name": "page", "in": "query", "schema": {"type": "integer"}}
            ])
        );
        assert_eq!(d["paths"]["/b"]["post"]["parameters"], json!([]));
        assert_eq!(changes.len(), 1);
        assert!(
            changes[0].detail.contains("all 2 operations"),
            "{changes:?}"
        );
    }

    #[test]
    fn leaves_optional_or_multi_value_headers_alone() {
        let params = json!([
            {"name": "Accept-Language", "in": "header", "required": false,
             "schema": {"type": "string", "enum": ["en-US"]}},
            {"name": "X-Mode", "in": "header", "required": true,
             "schema": {"type": "string", "enum": ["a", "b"]}},
            {"$ref": "#/components/parameters/Version"}
        ]);
        let mut d = doc(params);
        apply(&mut d, &mut Vec::new()).unwrap();
        let left: Vec<&str> = d["paths"]["/a"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(left, ["Accept-Language", "X-Mode"]);
    }

    #[test]
    fn a_header_pinned_on_only_some_operations_is_an_error() {
        let mut d = doc(json!([]));
        let err = apply(&mut d, &mut Vec::new()).unwrap_err();
        assert!(err.contains("pinned on 1 of 2 operations"), "{err}");
    }

    #[test]
    fn conflicting_values_are_an_error() {
        let mut d = doc(json!([
            {"name": "scp-api-version", "in": "header", "required": true,
             "schema": {"type": "string", "enum": ["cloudcontrol 1.0"]}}
        ]));
        let err = apply(&mut d, &mut Vec::new()).unwrap_err();
        assert!(err.contains("cloudcontrol 1.0"), "{err}");
    }
}
