//! The resources a spec describes, read from its path templates: which templates are collections, which name one
//! record, which property of a record is its key, and which id marks (`x-cloud-apis-id`) point at which collection.

use std::collections::BTreeMap;

use cloud_apis_spec::resolve;
use serde_json::Value;

/// The part of the resource tree a path template names.
#[derive(Debug, PartialEq)]
pub(crate) enum Shape<'t> {
    /// `/alerts`: a collection.
    Collection { collection: &'t str },
    /// `/alerts/{id}`, `/log-source-alarms/{sourceId}/{type}`: one record of a collection, keyed by the trailing
    /// parameters.
    Item { collection: &'t str },
    /// `/alerts/{id}/events`, `/api-tokens/{id}/rotate`: something under one record (a nested list, an action).
    Nested { collection: &'t str, tail: &'t str },
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// What `template` names.
pub(crate) fn shape(template: &str) -> Shape<'_> {
    let (head, last) = template.rsplit_once('/').unwrap_or(("", template));
    if is_param(last) {
        let mut collection = head;
        while let Some((rest, segment)) = collection.rsplit_once('/') {
            if !is_param(segment) {
                break;
            }
            collection = rest;
        }
        return Shape::Item { collection };
    }
    if head.is_empty() {
        return Shape::Collection {
            collection: template,
        };
    }
    match shape(head) {
        Shape::Item { collection } => Shape::Nested {
            collection,
            tail: last,
        },
        _ => Shape::Collection {
            collection: template,
        },
    }
}

/// One collection of records.
#[derive(Debug, Default)]
pub(crate) struct Resource {
    /// The schema of one record as the spec answers it (the item's `GET`, else a list's items, else a create's).
    pub schema: Value,
    /// The record property that holds its key (`id`, `integrationId`, `tag`), when it has one.
    pub key_property: Option<String>,
    /// The id mark of the key (`AlertId`), when the spec marks it.
    pub key_mark: Option<String>,
    /// The collection has a create operation (`POST` on it); without one, `PUT` on a new key creates.
    pub creatable: bool,
}

/// Every collection of a spec, by its path template.
pub(crate) fn resources(doc: &Value) -> BTreeMap<String, Resource> {
    let mut found: BTreeMap<String, Resource> = BTreeMap::new();
    let paths = doc["paths"].as_object().into_iter().flatten();
    // A collection's record is named by its shortest item template; a longer one under the same collection
    // (`/aws/account/{id}/{region}/{format}` beside `/aws/account/{id}`) is something made from a record, such as
    // a rendering, and says nothing about the record's schema or key.
    let mut shortest: BTreeMap<&str, usize> = BTreeMap::new();
    for template in paths.clone().map(|(t, _)| t.as_str()) {
        if let Shape::Item { collection } = shape(template) {
            let length = shortest.entry(collection).or_insert(usize::MAX);
            *length = (*length).min(segments(template));
        }
    }
    for (template, item) in paths {
        let operation = |method: &str| item.get(method);
        match shape(template) {
            Shape::Collection { collection } => {
                let resource = found.entry(collection.to_string()).or_default();
                resource.creatable |= operation("post").is_some();
                if resource.schema.is_null() {
                    // A page's items, else what a create answers, else the one object a GET answers (`/user/me`).
                    let get = operation("get").and_then(|op| success_schema(doc, op));
                    resource.schema = get
                        .and_then(|page| list_items(doc, page))
                        .or_else(|| operation("post").and_then(|op| success_schema(doc, op)))
                        .or(get)
                        .cloned()
                        .unwrap_or_default();
                }
            }
            Shape::Item { collection } if shortest[collection] < segments(template) => {}
            Shape::Item { collection } => {
                let resource = found.entry(collection.to_string()).or_default();
                if let Some(schema) = operation("get").and_then(|op| success_schema(doc, op)) {
                    resource.schema = schema.clone();
                }
                let mut keys: Vec<&Value> = item
                    .as_object()
                    .into_iter()
                    .flat_map(|ops| ops.values())
                    .flat_map(|op| op["parameters"].as_array().into_iter().flatten())
                    .map(|p| resolve(doc, p))
                    .filter(|p| p["in"] == "path")
                    .collect();
                keys.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
                keys.dedup_by(|a, b| a["name"] == b["name"]);
                // A key of several parameters (an alarm's source and type) lives in the path only.
                if let [key] = keys.as_slice() {
                    resource.key_mark = key["schema"]["x-cloud-apis-id"]
                        .as_str()
                        .map(str::to_string);
                    resource.key_property = key["name"].as_str().map(str::to_string);
                }
            }
            Shape::Nested { .. } => {}
        }
    }
    // The key property is the one carrying the key's mark (a log source's `integrationId` for `{id}`), else the
    // property named like the path parameter (a context tag's `tag`), else none (records keyed by path only).
    for resource in found.values_mut() {
        let properties = resolve(doc, &resource.schema)["properties"].as_object();
        let by_mark = resource.key_mark.as_ref().and_then(|mark| {
            properties.and_then(|props| {
                props
                    .iter()
                    .find(|(_, p)| p["x-cloud-apis-id"] == mark.as_str())
                    .map(|(name, _)| name.clone())
            })
        });
        let by_name = resource
            .key_property
            .take()
            .filter(|name| properties.is_some_and(|props| props.contains_key(name)));
        resource.key_property = by_mark.or(by_name);
    }
    found
}

fn segments(template: &str) -> usize {
    template.matches('/').count()
}

/// The JSON schema of an operation's first documented success, if it has a body.
pub(crate) fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let status = success_status(op)?;
    response_schema(doc, op, status)
}

/// The JSON schema documented for `status`, if that response has a body.
pub(crate) fn response_schema<'a>(doc: &'a Value, op: &'a Value, status: u16) -> Option<&'a Value> {
    let response = resolve(doc, op["responses"].get(status.to_string())?);
    response["content"]
        .as_object()?
        .values()
        .next()?
        .get("schema")
}

/// The operation's first documented 2xx status.
pub(crate) fn success_status(op: &Value) -> Option<u16> {
    op["responses"]
        .as_object()?
        .keys()
        .filter_map(|s| s.parse::<u16>().ok())
        .filter(|s| (200..300).contains(s))
        .min()
}

/// The items schema of a page schema's array property (`results`), and that property's name.
pub(crate) fn page_array<'a>(doc: &'a Value, page: &'a Value) -> Option<(&'a str, &'a Value)> {
    resolve(doc, page)["properties"]
        .as_object()?
        .iter()
        .find(|(_, p)| resolve(doc, p)["type"] == "array")
        .map(|(name, p)| (name.as_str(), &resolve(doc, p)["items"]))
}

fn list_items<'a>(doc: &'a Value, page: &'a Value) -> Option<&'a Value> {
    page_array(doc, page).map(|(_, items)| items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_name_collections_items_and_what_is_under_an_item() {
        assert_eq!(
            shape("/alerts"),
            Shape::Collection {
                collection: "/alerts"
            }
        );
        assert_eq!(
            shape("/log-sources/s3/{id}"),
            Shape::Item {
                collection: "/log-sources/s3"
            }
        );
        assert_eq!(
            shape("/log-source-alarms/{sourceId}/{type}"),
            Shape::Item {
                collection: "/log-source-alarms"
            }
        );
        assert_eq!(
            shape("/api-tokens/{id}/rotate"),
            Shape::Nested {
                collection: "/api-tokens",
                tail: "rotate"
            }
        );
    }

    #[test]
    fn keys_follow_the_id_mark_then_the_parameter_name() {
        let id = |mark: &str| json!({"name": "id", "in": "path", "schema": {"type": "string", "x-cloud-apis-id": mark}});
        let doc = json!({"paths": {
            "/log-sources/s3": {"post": {"responses": {"201": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"integrationId": {"type": "string", "x-cloud-apis-id": "IntegrationId"}}}}}}}}},
            "/log-sources/s3/{id}": {"delete": {"parameters": [id("IntegrationId")], "responses": {"204": {}}}},
            "/tags": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"results": {"type": "array", "items": {"type": "object",
                "properties": {"tag": {"type": "string"}}}}}}}}}}}},
            "/tags/{tag}": {"delete": {"parameters": [{"name": "tag", "in": "path", "schema": {"type": "string"}}],
                "responses": {"204": {}}}}
        }});
        let mut doc = doc;
        // A rendering of a record, under the same collection, changes neither its schema nor its key.
        doc["paths"]["/log-sources/s3/{id}/{format}"] = json!({"get": {
            "parameters": [id("IntegrationId"), {"name": "format", "in": "path", "schema": {"type": "string"}}],
            "responses": {"200": {"content": {"application/json": {"schema": {"type": "object",
                "properties": {"pixels": {"type": "string"}}}}}}}}});
        let found = resources(&doc);
        let s3 = &found["/log-sources/s3"];
        assert!(
            s3.schema["properties"].get("integrationId").is_some(),
            "{}",
            s3.schema
        );
        assert_eq!(s3.key_property.as_deref(), Some("integrationId"));
        assert_eq!(s3.key_mark.as_deref(), Some("IntegrationId"));
        assert!(s3.creatable);
        let tags = &found["/tags"];
        assert_eq!(tags.key_property.as_deref(), Some("tag"));
        assert!(!tags.creatable);
    }
}
