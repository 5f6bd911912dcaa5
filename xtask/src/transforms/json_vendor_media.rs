//! `json_vendor_media`
//!
//! **What:** a response or request body documented under a media type that carries JSON but is not
//! `application/json` (`application/vnd.goa.error`, `application/problem+json`; see
//! `cloud_apis_spec::media::is_json`) is listed under `application/json` instead.
//!
//! **Why:** progenitor decodes only `application/json` into the documented schema; any other media type becomes a
//! raw byte stream, and one operation then has two error body types, which makes it panic. Panther's log-source
//! alarms answer a gateway timeout (504) in the Goa error format, a JSON object.
//!
//! **Instead:** nothing is lost: the body is decoded into its documented schema whatever `Content-Type` the server
//! names (progenitor never looks at it). The spec keeps the provider's media type, and the sandbox answers with it.

use serde_json::Value;

use super::{operations_mut, Change};

const NAME: &str = "json_vendor_media";
const JSON: &str = "application/json";

fn relabel(content: &mut Value, label: &str, changes: &mut Vec<Change>) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    if content.contains_key(JSON) {
        return;
    }
    let vendor: Vec<String> = content
        .keys()
        .filter(|m| cloud_apis_spec::media::is_json(m))
        .cloned()
        .collect();
    if let [media] = vendor.as_slice() {
        let media_object = content.remove(media).expect("listed above");
        content.insert(JSON.to_string(), media_object);
        changes.push(Change {
            transform: NAME,
            detail: format!("{label}: {media} read as {JSON}"),
        });
    }
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    for op in operations_mut(doc) {
        let label = op.label();
        if let Some(content) = op
            .op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
        {
            relabel(content, &format!("{label} request"), changes);
        }
        let Some(responses) = op.op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if let Some(content) = response.get_mut("content") {
                relabel(content, &format!("{label} {status}"), changes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vendor_json_is_read_as_json_and_other_types_stay() {
        let schema = json!({"$ref": "#/components/schemas/E"});
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "getA", "responses": {
            "504": {"content": {"application/vnd.goa.error": {"schema": schema}}},
            "200": {"content": {"image/svg+xml": {}}},
            "400": {"content": {"application/json": {"schema": schema}, "application/problem+json": {}}}
        }}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let responses = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(
            responses["504"]["content"]["application/json"]["schema"],
            schema
        );
        assert!(responses["504"]["content"]
            .get("application/vnd.goa.error")
            .is_none());
        assert!(responses["200"]["content"].get("image/svg+xml").is_some());
        // Already has application/json: left alone.
        assert!(responses["400"]["content"]
            .get("application/problem+json")
            .is_some());
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].detail,
            "getA 504: application/vnd.goa.error read as application/json"
        );
    }
}
