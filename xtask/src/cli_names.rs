//! Where each operation sits in the command tree of the `cloud-apis` tool: `<resource> <verb>`, derived from the
//! spec so that a new operation gets its command with no hand-written mapping.
//!
//! - `resource#verb` operationIds (Panther's) say it themselves: `api token#rotate` → `api-token rotate`,
//!   `pub/sub source#get` → `pubsub-source get`.
//! - Verb-first operationIds (Cloudcraft's `snapshotAwsAccount`, SCP's `ListGuardrailsForTarget`) take their
//!   resource from the path: its first literal prefix that is a collection (an operation sits on it or on
//!   `{prefix}/{id}`), keeping the words an operationId under it uses (`/user/me` → `user`), the last one singular.
//!   The verb is the operationId's first word plus what is left once the resource's words are taken out of the
//!   words before any `For`: `exportBlueprintImage` → `blueprint export-image`, `ListGuardrailsForTarget` →
//!   `guardrail-binding list-for-target`. An operation on `/` takes its resource from its own words
//!   (`ListVersions` → `version list`).

use std::collections::BTreeSet;

use heck::ToKebabCase;
use serde_json::Value;

/// One operation's place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CommandName {
    pub operation_id: String,
    pub resource: String,
    pub verb: String,
}

/// Every operation of a prepared spec, named; fails when two operations would get the same command.
pub fn command_names(doc: &Value) -> Result<Vec<CommandName>, String> {
    let operations: Vec<(String, String)> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| crate::transforms::HTTP_METHODS.contains(&method.as_str()))
                .filter_map(move |(_, op)| {
                    let id = op["operationId"].as_str()?;
                    Some((path.clone(), id.to_string()))
                })
        })
        .collect();
    let mut names = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, id) in &operations {
        let (resource, verb) = name(path, id, &operations);
        if !seen.insert((resource.clone(), verb.clone())) {
            return Err(format!(
                "operation {id} would be the command `{resource} {verb}`, which another operation already is; \
                 give one of them a distinct operationId"
            ));
        }
        names.push(CommandName {
            operation_id: id.clone(),
            resource,
            verb,
        });
    }
    names.sort_by(|a, b| (&a.resource, &a.verb).cmp(&(&b.resource, &b.verb)));
    Ok(names)
}

fn name(path: &str, id: &str, operations: &[(String, String)]) -> (String, String) {
    if let Some((resource, verb)) = id.split_once('#') {
        let resource: String = resource.chars().filter(|c| *c != '/').collect();
        return (resource.to_kebab_case(), verb.to_kebab_case());
    }
    let words = words(id);
    let (verb, rest) = words
        .split_first()
        .map_or(("", &[][..]), |(v, r)| (v.as_str(), r));
    let resource = path_resource(path, operations)
        .unwrap_or_else(|| rest.iter().map(|w| singular(w)).collect());
    let before_for = rest.iter().position(|w| w == "for").unwrap_or(rest.len());
    let mut unused: Vec<&str> = resource.iter().map(String::as_str).collect();
    let mut verb_words = vec![verb.to_string()];
    for (i, word) in rest.iter().enumerate() {
        let taken = i < before_for
            && unused
                .iter()
                .position(|r| *r == singular(word))
                .map(|at| unused.remove(at))
                .is_some();
        if !taken {
            verb_words.push(word.clone());
        }
    }
    (resource.join("-"), verb_words.join("-"))
}

/// The resource words of a path (see the module docs), `None` for a path with no literal segment.
fn path_resource(path: &str, operations: &[(String, String)]) -> Option<Vec<String>> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let literal = |s: &&str| !s.starts_with('{');
    let version =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit());
    let start = segments.iter().take_while(|s| version(s)).count();
    let literals: Vec<&str> = segments[start..]
        .iter()
        .copied()
        .take_while(literal)
        .collect();
    if literals.is_empty() {
        return None;
    }
    let prefix_len = (1..=literals.len())
        .find(|&n| {
            let prefix = format!("/{}", segments[..start + n].join("/"));
            operations.iter().any(|(p, _)| {
                p == &prefix
                    || p.strip_prefix(&prefix)
                        .and_then(|r| r.strip_prefix('/'))
                        .is_some_and(|r| r.starts_with('{') && !r.contains('/'))
            })
        })
        .unwrap_or(1);
    let prefix = format!("/{}", segments[..start + prefix_len].join("/"));
    let used: BTreeSet<String> = operations
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .flat_map(|(_, id)| words(id))
        .map(|w| singular(&w))
        .collect();
    let mut resource: Vec<String> = literals[..prefix_len]
        .iter()
        .flat_map(|s| words(s))
        .map(|w| singular(&w))
        .filter(|w| used.contains(w))
        .collect();
    if resource.is_empty() {
        resource = words(literals[0]).iter().map(|w| singular(w)).collect();
    }
    Some(resource)
}

/// `ListGuardrailsForTarget` → `[list, guardrails, for, target]`; `guardrail-bindings` → `[guardrail, bindings]`.
fn words(text: &str) -> Vec<String> {
    crate::naming::snake(text)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.len() <= 3 {
        word.to_string()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn named(paths: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        let mut doc = json!({"paths": {}});
        for (path, method, id) in paths {
            doc["paths"][*path][*method] = json!({"operationId": id});
        }
        let mut names: Vec<_> = command_names(&doc)
            .unwrap()
            .into_iter()
            .map(|n| (n.operation_id, n.resource, n.verb))
            .collect();
        names.sort();
        names
    }

    fn triple(id: &str, resource: &str, verb: &str) -> (String, String, String) {
        (id.into(), resource.into(), verb.into())
    }

    #[test]
    fn resource_and_verb_operation_ids_name_themselves() {
        assert_eq!(
            named(&[
                ("/api-tokens/{id}/rotate", "post", "api token#rotate"),
                ("/log-sources/pubsub", "post", "pub/sub source#create"),
                ("/alerts", "patch", "alert#bulkPatch"),
            ]),
            vec![
                triple("alert#bulkPatch", "alert", "bulk-patch"),
                triple("api token#rotate", "api-token", "rotate"),
                triple("pub/sub source#create", "pubsub-source", "create"),
            ]
        );
    }

    #[test]
    fn verb_first_operation_ids_take_their_resource_from_the_path() {
        assert_eq!(
            named(&[
                ("/aws/account", "get", "listAwsAccounts"),
                ("/aws/account/iamParameters", "get", "getAwsIamParameters"),
                (
                    "/aws/account/{account_id}/{region}/{format}",
                    "get",
                    "snapshotAwsAccount"
                ),
                (
                    "/blueprint/{blueprint_id}/{format}",
                    "get",
                    "exportBlueprintImage"
                ),
                ("/user/me", "get", "getCurrentUser"),
                ("/", "get", "ListVersions"),
                ("/v1/guardrails", "get", "ListGuardrails"),
                ("/v1/guardrail-bindings", "post", "EnableGuardrailBindings"),
                (
                    "/v1/guardrail-bindings/guardrails",
                    "get",
                    "ListGuardrailsForTarget"
                ),
                (
                    "/v1/guardrail-bindings/targets",
                    "get",
                    "ListTargetsForGuardrail"
                ),
                (
                    "/v1/landing-zones/{landing_zone_id}",
                    "put",
                    "SetLandingZone"
                ),
            ]),
            vec![
                triple("EnableGuardrailBindings", "guardrail-binding", "enable"),
                triple("ListGuardrails", "guardrail", "list"),
                triple(
                    "ListGuardrailsForTarget",
                    "guardrail-binding",
                    "list-for-target"
                ),
                triple(
                    "ListTargetsForGuardrail",
                    "guardrail-binding",
                    "list-targets-for-guardrail"
                ),
                triple("ListVersions", "version", "list"),
                triple("SetLandingZone", "landing-zone", "set"),
                triple("exportBlueprintImage", "blueprint", "export-image"),
                triple("getAwsIamParameters", "aws-account", "get-iam-parameters"),
                triple("getCurrentUser", "user", "get-current"),
                triple("listAwsAccounts", "aws-account", "list"),
                triple("snapshotAwsAccount", "aws-account", "snapshot"),
            ]
        );
    }

    #[test]
    fn two_operations_with_one_command_fail_generation() {
        let doc = json!({"paths": {
            "/roles": {"get": {"operationId": "role#list"}},
            "/roles/all": {"get": {"operationId": "role#List"}},
        }});
        let err = command_names(&doc).unwrap_err();
        assert!(err.contains("`role list`"), "{err}");
    }
}
