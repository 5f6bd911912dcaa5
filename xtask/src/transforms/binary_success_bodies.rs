//! `binary_success_bodies`
//!
//! **What:** when an operation's success responses (2xx) do not all carry the same body — several media types
//! for one status, different schemas for different statuses, or a body for one status and none for another —
//! every success response of that operation is rewritten to one raw body, `application/octet-stream`.
//!
//! **Why:** Cloudcraft's snapshot answers 200 with JSON, SVG, PNG, PDF or mxGraph XML depending on the requested
//! format, and 202 with a JSON `{code, message, retry}` while it is still rendering. progenitor 0.15 asserts that
//! all success responses share one body type (it panics here), and when a 200 lists JSON beside binary types it
//! types the whole response as JSON, so every binary document would fail to parse.
//!
//! **Instead:** the generated method returns the body as a stream of bytes together with the status and headers.
//! The facade looks at the status and `Content-Type`: it polls again on 202 (parsing the documented body), decodes
//! JSON into the typed value the spec describes, and streams binary formats to the caller.

use serde_json::{json, Value};

use super::{operations_mut, Change};

const NAME: &str = "binary_success_bodies";
const RAW: &str = "application/octet-stream";

/// A 2xx response's body as (media type, schema) pairs; empty for a response without content.
fn body_kind(response: &Value) -> Vec<(String, Value)> {
    response
        .get("content")
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .map(|(media, m)| {
                    (
                        media.clone(),
                        m.get("schema").cloned().unwrap_or(Value::Null),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    for op in operations_mut(doc) {
        let label = op.label();
        let Some(responses) = op.op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let success: Vec<String> = responses
            .keys()
            .filter(|status| status.starts_with('2'))
            .cloned()
            .collect();
        let kinds: Vec<Vec<(String, Value)>> =
            success.iter().map(|s| body_kind(&responses[s])).collect();
        let mixed = kinds.iter().any(|k| k.len() > 1) || kinds.windows(2).any(|w| w[0] != w[1]);
        if !mixed {
            continue;
        }
        for status in &success {
            responses[status]["content"] =
                json!({ RAW: { "schema": { "type": "string", "format": "binary" } } });
        }
        changes.push(Change {
            transform: NAME,
            detail: format!("{label}: {} -> {RAW}", success.join(", ")),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot_op() -> Value {
        json!({"paths": {"/snap": {"get": {"operationId": "snapshot", "responses": {
            "200": {"description": "doc", "content": {
                "application/json": {"schema": {"type": "object"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}}
            }},
            "202": {"description": "still rendering", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Processing"}}
            }},
            "404": {"description": "missing", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            }}
        }}}}})
    }

    #[test]
    fn mixed_success_bodies_become_one_raw_body() {
        let mut doc = snapshot_op();
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let responses = &doc["paths"]["/snap"]["get"]["responses"];
        for status in ["200", "202"] {
            let content = responses[status]["content"].as_object().unwrap();
            assert_eq!(content.keys().collect::<Vec<_>>(), [RAW], "{status}");
        }
        // Error responses keep their typed bodies.
        assert_eq!(
            responses["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error"
        );
        assert_eq!(
            changes[0].detail,
            "snapshot: 200, 202 -> application/octet-stream"
        );
    }

    #[test]
    fn a_body_beside_an_empty_response_is_mixed() {
        let mut doc = json!({"paths": {"/a": {"delete": {"responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
            "204": {"description": "gone"}
        }}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        assert_eq!(changes.len(), 1);
        assert!(doc["paths"]["/a"]["delete"]["responses"]["204"]["content"][RAW].is_object());
    }

    #[test]
    fn uniform_success_bodies_are_untouched() {
        let mut doc = json!({"paths": {"/a": {
            "get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}},
            "delete": {"responses": {"200": {"description": "ok"}, "204": {"description": "gone"}}}
        }}});
        let before = doc.clone();
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        assert_eq!(doc, before);
        assert!(changes.is_empty());
    }
}
