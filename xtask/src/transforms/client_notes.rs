//! `client_notes`
//!
//! **What:** an operation's `x-cloud-apis-note` is appended to its `description`, so it reaches the generated
//! method's documentation.
//!
//! **Why:** some things a caller of the generated method must know are about this client, not the API, and so do
//! not belong in the provider's description: that Cloudcraft's raw snapshot call returns its `202` "still
//! processing" answer as a success, and which facade method polls for it instead.
//!
//! **Instead:** the spec keeps the provider's description as it is; the note is marked as the client's.

use serde_json::Value;

use super::{operations_mut, Change};

const NAME: &str = "client_notes";
/// The vendor extension holding the note.
const NOTE: &str = "x-cloud-apis-note";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    for op in operations_mut(doc) {
        let label = op.label();
        let Some(note) = op.op.get(NOTE).and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let description = op
            .op
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let joined = if description.is_empty() {
            format!("**cloud-apis:** {note}")
        } else {
            format!("{description}\n\n**cloud-apis:** {note}")
        };
        op.op.insert("description".into(), Value::String(joined));
        changes.push(Change {
            transform: NAME,
            detail: format!("{label}: note added to the method's documentation"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn notes_follow_the_providers_description() {
        let mut doc = json!({"paths": {"/a": {
            "get": {"operationId": "getA", "description": "Provider text.", "x-cloud-apis-note": "Client text."},
            "post": {"operationId": "postA", "description": "Untouched."}
        }}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        assert_eq!(
            doc["paths"]["/a"]["get"]["description"],
            "Provider text.\n\n**cloud-apis:** Client text."
        );
        assert_eq!(doc["paths"]["/a"]["post"]["description"], "Untouched.");
        assert_eq!(changes.len(), 1);
    }
}
