//! Named transforms applied to an in-memory copy of a spec before progenitor sees it.
//!
//! `specs/` stays faithful to the providers' documentation. A few faithful constructs are beyond what progenitor
//! 0.15 can generate (it panics, or generates code that fails to compile or sends the wrong thing on the wire).
//! Each transform below rewrites exactly one such construct, detected by shape rather than by operation name so
//! that it keeps working as endpoints are added, and documents what the facade does in place of the lost detail.
//! Every transform reports what it changed; the report lands in the generated file's header.

mod any_of_as_untagged_enum;
mod binary_success_bodies;
mod client_notes;
mod delimited_query_arrays;
mod email_format_pattern;
mod id_types;
mod json_vendor_media;
mod mock_untyped_array_query;
mod named_types;
mod optional_success_bodies;
mod pin_single_value_headers;
mod secret_strings;
mod shared_parameter_types;
mod short_type_names;
mod unify_error_bodies;

use serde_json::Value;

pub use named_types::OpenEnum;
pub use optional_success_bodies::OptionalBody;
pub use pin_single_value_headers::PinnedHeader;
pub(crate) use secret_strings::RUNTIME_CRATE;
pub use short_type_names::NAME as SHORT_TYPE_NAMES;

/// Where component schemas live, as a `$ref` prefix.
pub(crate) const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// What one transform changed in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The transform's name.
    pub transform: &'static str,
    /// Where and what, e.g. `role#create: 400, 404 -> RoleAPI.Error`.
    pub detail: String,
}

/// A spec copy ready for progenitor, with what was done to it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The transformed document.
    pub doc: Value,
    /// Every change, in application order.
    pub changes: Vec<Change>,
    /// Headers removed from the operations because the spec pins them to one value.
    pub pinned_headers: Vec<PinnedHeader>,
    /// Enums generated as `cloud_apis_runtime::Open<_>` (`named_types`).
    pub open_enums: Vec<OpenEnum>,
    /// Identifier types shared between responses and the next call's parameters (`id_types`).
    pub id_types: Vec<String>,
    /// Operations whose success is a body or nothing (`optional_success_bodies`).
    pub optional_bodies: Vec<OptionalBody>,
}

/// Prepares a spec for client generation.
pub fn for_client(spec: &Value) -> Result<Prepared, String> {
    prepare(spec, Purpose::Client)
}

/// Prepares a spec for the httpmock helpers.
///
/// The mock generator handles each response on its own, so the transforms that exist only to give the client one
/// success and one error type (`unify_error_bodies`, `optional_success_bodies`, `binary_success_bodies`) are skipped: mocks keep the spec's
/// own per-status types (e.g. the snapshot's `accepted(&SnapshotProcessing)`). Everything that shapes the request
/// is shared, so a generated `When` matches what the client sends.
pub fn for_mock(spec: &Value) -> Result<Prepared, String> {
    prepare(spec, Purpose::Mock)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Client,
    Mock,
}

fn prepare(spec: &Value, purpose: Purpose) -> Result<Prepared, String> {
    let mut doc = spec.clone();
    let mut changes = Vec::new();
    // Request shape: shared by the client and its mocks.
    let pinned_headers = pin_single_value_headers::apply(&mut doc, &mut changes)?;
    shared_parameter_types::apply(&mut doc, &mut changes)?;
    short_type_names::apply(&mut doc, &mut changes);
    client_notes::apply(&mut doc, &mut changes);
    let id_types = id_types::apply(&mut doc, &mut changes)?;
    email_format_pattern::apply(&mut doc, &mut changes);
    secret_strings::apply(&mut doc, &mut changes);
    delimited_query_arrays::apply(&mut doc, &mut changes);
    json_vendor_media::apply(&mut doc, &mut changes);
    any_of_as_untagged_enum::apply(&mut doc, &mut changes);
    let open_enums = named_types::apply(&mut doc, &mut changes);
    let mut optional_bodies = Vec::new();
    match purpose {
        Purpose::Client => {
            unify_error_bodies::apply(&mut doc, &mut changes)?;
            optional_bodies = optional_success_bodies::apply(&mut doc, &mut changes);
            binary_success_bodies::apply(&mut doc, &mut changes);
        }
        Purpose::Mock => mock_untyped_array_query::apply(&mut doc, &mut changes),
    }
    check_unique_titles(&doc)?;
    Ok(Prepared {
        doc,
        changes,
        pinned_headers,
        open_enums,
        id_types,
        optional_bodies,
    })
}

/// typify names a schema with a `title` after it and silently merges schemas that end up with the same name into
/// one type, so a duplicate title on a schema that becomes a named type is an error. (A title equal to a name
/// typify derives from context merges too; the decoding tests of each opened enum guard against that.) A bare primitive (`{"title": "Unknown", "type": "string"}`)
/// stays an inline `String` and may repeat.
fn check_unique_titles(doc: &Value) -> Result<(), String> {
    fn walk<'a>(node: &'a Value, is_schema_map: bool, titles: &mut Vec<&'a str>) {
        match node {
            Value::Object(map) => {
                let bare_primitive = map
                    .keys()
                    .all(|k| matches!(k.as_str(), "title" | "type" | "description"))
                    && map
                        .get("type")
                        .is_some_and(|t| t != "object" && t != "array");
                if !is_schema_map && !bare_primitive {
                    if let Some(Value::String(title)) = map.get("title") {
                        titles.push(title);
                    }
                }
                for (key, child) in map {
                    if key != "example" && key != "examples" && key != "info" {
                        walk(child, key == "properties", titles);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, false, titles)),
            _ => {}
        }
    }
    let mut titles = Vec::new();
    walk(doc, false, &mut titles);
    titles.sort_unstable();
    match titles.windows(2).find(|w| w[0].eq_ignore_ascii_case(w[1])) {
        Some(pair) => Err(format!(
            "schema title {:?} appears twice; typify would merge the two schemas into one type",
            pair[0]
        )),
        None => Ok(()),
    }
}

pub(crate) const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation, mutable, with its location.
pub(crate) struct OperationMut<'a> {
    pub path: String,
    pub method: &'static str,
    pub op: &'a mut serde_json::Map<String, Value>,
}

impl OperationMut<'_> {
    /// `operationId`, or `METHOD path` when the spec has none.
    pub fn label(&self) -> String {
        match self.op.get("operationId").and_then(Value::as_str) {
            Some(id) => id.to_string(),
            None => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }
}

/// Every operation of the document, in document order.
pub(crate) fn operations_mut(doc: &mut Value) -> Vec<OperationMut<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(&method) = HTTP_METHODS.iter().find(|m| **m == method.as_str()) else {
                continue;
            };
            if let Some(op) = op.as_object_mut() {
                out.push(OperationMut {
                    path: path.clone(),
                    method,
                    op,
                });
            }
        }
    }
    out
}

/// A JSON pointer token for `token` (`/` and `~` escaped).
/// Calls `visit` on every object of the document that may be a schema (everything but the data under `example` and
/// `examples`), parents before children.
pub(crate) fn visit_schemas(
    node: &mut Value,
    visit: &mut impl FnMut(&mut serde_json::Map<String, Value>),
) {
    match node {
        Value::Object(map) => {
            visit(map);
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    visit_schemas(child, visit);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| visit_schemas(item, visit)),
        _ => {}
    }
}

pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A schema without its documentation (`description`, `title`, `example`, `x-*`), for comparing shapes.
pub(crate) fn shape(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "description" | "title" | "example" | "examples")
                        && !k.starts_with("x-")
                })
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        other => other.clone(),
    }
}

/// Keywords that describe one use of a schema rather than its type (documentation aside, which [`shape`] already
/// ignores): they stay where the schema is used.
pub(crate) const PER_USE: &[&str] = &["nullable", "default"];

/// A reference to component schema `name` in place of `inline`, keeping what `inline` said about this use
/// (`nullable`, `default`) through an `allOf`, since OpenAPI 3.0 ignores the siblings of a `$ref`.
pub(crate) fn reference_for_use(inline: &Value, name: &str) -> Value {
    let reference = serde_json::json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") });
    let kept: serde_json::Map<String, Value> = PER_USE
        .iter()
        .filter_map(|k| inline.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    if kept.is_empty() {
        return reference;
    }
    let mut wrapped = serde_json::json!({ "allOf": [reference] });
    wrapped.as_object_mut().expect("object").extend(kept);
    wrapped
}

/// Points every `$ref` to component schema `from` at `to` instead.
pub(crate) fn rename_schema_refs(node: &mut Value, from: &str, to: &str) {
    let (old, new) = (
        format!("{SCHEMA_PREFIX}{from}"),
        format!("{SCHEMA_PREFIX}{to}"),
    );
    fn walk(node: &mut Value, old: &str, new: &str) {
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    match child {
                        Value::String(s) if key == "$ref" && s == old => *s = new.to_string(),
                        _ => walk(child, old, new),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, old, new)),
            _ => {}
        }
    }
    walk(node, &old, &new);
}

/// Follows a local `$ref` (`#/components/...`) to its target; other values are returned as they are.
pub(crate) fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
            .unwrap_or(value),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_skip_path_level_keys() {
        let mut doc = json!({"paths": {"/a": {
            "parameters": [],
            "summary": "not an operation",
            "get": {"operationId": "getA"},
            "delete": {}
        }}});
        let labels: Vec<String> = operations_mut(&mut doc).iter().map(|o| o.label()).collect();
        assert_eq!(labels.len(), 2);
        assert!(labels.contains(&"getA".to_string()) && labels.contains(&"DELETE /a".to_string()));
    }

    #[test]
    fn duplicate_titles_are_refused() {
        let ok = json!({"info": {"title": "API"}, "components": {"schemas": {
            "A": {"title": "First", "properties": {"title": {"type": "string"}}},
            "B": {"title": "Second"},
            "C": {"oneOf": [{"title": "Unknown", "type": "string"}]},
            "D": {"oneOf": [{"title": "Unknown", "type": "string"}]}
        }}});
        assert!(check_unique_titles(&ok).is_ok());
        let clash =
            json!({"components": {"schemas": {"A": {"title": "Known"}, "B": {"title": "Known"}}}});
        assert!(check_unique_titles(&clash)
            .unwrap_err()
            .contains("\"Known\" appears twice"));
    }

    #[test]
    fn resolve_follows_local_references_only() {
        let doc = json!({"components": {"schemas": {"A": {"type": "string"}}}});
        let reference = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &reference), &json!({"type": "string"}));
        let dangling = json!({"$ref": "#/components/schemas/B"});
        assert_eq!(resolve(&doc, &dangling), &dangling);
    }
}
