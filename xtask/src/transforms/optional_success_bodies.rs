//! `optional_success_bodies`
//!
//! **What:** when an operation's success responses carry one JSON schema for some statuses and no body for the
//! others (Panther's detections: 200 the saved rule, 204 nothing when `run-tests-only` only ran the tests), the
//! statuses without a body are removed from the copy progenitor sees and reported, and the `optional_bodies`
//! code pass gives them back: the method returns `ResponseValue<Option<T>>`, `Some` for a body and `None` for
//! the body-less statuses.
//!
//! **Why:** progenitor 0.15 has no type for "this schema or nothing"; it would hand the whole response back as
//! raw bytes (`binary_success_bodies`), and every caller would parse JSON by hand.
//!
//! **Instead:** nothing is lost: the status (200, 201 or 204) stays on the `ResponseValue`.

use serde_json::Value;

use super::{operations_mut, Change};

const NAME: &str = "optional_success_bodies";

/// An operation whose success is a body or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionalBody {
    /// The spec's `operationId`.
    pub operation_id: String,
    /// The success statuses that carry no body.
    pub empty_statuses: Vec<u16>,
}

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) -> Vec<OptionalBody> {
    let mut out = Vec::new();
    for op in operations_mut(doc) {
        let label = op.label();
        let Some(responses) = op.op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut empty = Vec::new();
        let mut bodies = Vec::new();
        for (status, response) in responses.iter() {
            let Some(code) = status
                .parse::<u16>()
                .ok()
                .filter(|c| (200..300).contains(c))
            else {
                continue;
            };
            match response.get("content").and_then(Value::as_object) {
                None => empty.push((status.clone(), code)),
                Some(content) if content.len() == 1 && content.contains_key("application/json") => {
                    bodies.push(content["application/json"].get("schema").cloned());
                }
                Some(_) => bodies.push(None),
            }
        }
        let one_schema = bodies
            .first()
            .is_some_and(|first| first.is_some() && bodies.iter().all(|b| b == first));
        if empty.is_empty() || !one_schema {
            continue;
        }
        for (status, _) in &empty {
            responses.remove(status);
        }
        let statuses: Vec<u16> = empty.iter().map(|(_, c)| *c).collect();
        changes.push(Change {
            transform: NAME,
            detail: format!(
                "{label}: {} answer None",
                statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
        out.push(OptionalBody {
            operation_id: label,
            empty_statuses: statuses,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(schema: &str) -> Value {
        json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    #[test]
    fn a_body_or_nothing_becomes_optional() {
        let mut doc = json!({"paths": {
            "/rules": {"post": {"operationId": "rule#create", "responses": {
                "200": body("Rule"), "204": {"description": "tests only"}, "400": body("Bad")
            }}},
            "/rules/{id}": {"put": {"operationId": "rule#put", "responses": {
                "200": body("Rule"), "201": body("Rule"), "204": {"description": "tests only"}
            }}},
            "/roles/{id}": {"delete": {"operationId": "role#delete", "responses": {"200": {"description": "gone"}}}},
            "/snap": {"get": {"operationId": "snap", "responses": {
                "200": {"content": {"image/png": {}}}, "204": {"description": "none"}
            }}},
            "/mixed": {"get": {"operationId": "mixed", "responses": {
                "200": body("A"), "201": body("B"), "204": {"description": "none"}
            }}}
        }});
        let mut changes = Vec::new();
        let found = apply(&mut doc, &mut changes);
        assert_eq!(
            found,
            [
                OptionalBody {
                    operation_id: "rule#create".into(),
                    empty_statuses: vec![204]
                },
                OptionalBody {
                    operation_id: "rule#put".into(),
                    empty_statuses: vec![204]
                },
            ]
        );
        assert!(doc["paths"]["/rules"]["post"]["responses"]
            .get("204")
            .is_none());
        assert!(doc["paths"]["/rules"]["post"]["responses"]
            .get("400")
            .is_some());
        // Only-empty, binary and two-schema successes are someone else's.
        assert!(doc["paths"]["/roles/{id}"]["delete"]["responses"]
            .get("200")
            .is_some());
        assert!(doc["paths"]["/snap"]["get"]["responses"]
            .get("204")
            .is_some());
        assert!(doc["paths"]["/mixed"]["get"]["responses"]
            .get("204")
            .is_some());
        assert_eq!(changes[0].detail, "rule#create: 204 answer None");
    }
}
