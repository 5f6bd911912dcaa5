//! One model of a prepared spec's operations: what generation needs to know of each operation, read once.
//!
//! Everything emitted for an operation (its `API` entry, its checks, its test cases) reads this model instead of
//! walking the spec again for the one fact it needs. It is read from the spec after the transforms
//! ([`crate::transforms::Prepared`]), so it describes the operations as the client is generated.

use serde_json::Value;

use crate::transforms::{Prepared, HTTP_METHODS};

/// Every operation of one prepared spec, sorted by Rust method name (the order the runtime searches them in).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `role#list`, `getAwsIamParameters`.
    pub id: String,
    /// The generated method's name, e.g. `role_list`, `get_aws_iam_parameters`.
    pub rust_name: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, e.g. `/roles/{id}`.
    pub path: String,
    /// Path, query and header parameters, in the spec's order.
    pub parameters: Vec<Parameter>,
    /// The documented responses, in the spec's order.
    pub responses: Vec<Response>,
    /// Whether the success body reaches the caller as a byte stream (a document, not JSON).
    pub streams_body: bool,
    /// Whether requests carry credentials (`security: []` on the operation says they do not).
    pub authenticated: bool,
    /// The success statuses without a body, when the others carry one (the method answers `Option<T>`).
    pub bodiless_successes: Vec<u16>,
    /// How the list pages, when the operation streams every page.
    pub paging: Option<Paging>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// As the API names it (and as errors name it).
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// The documented range of an integer parameter: `(minimum, maximum)`, each when documented.
    pub range: Option<(Option<i64>, Option<i64>)>,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status, or `None` for `default`.
    pub status: Option<u16>,
    /// The media types of its body (none: no body).
    pub media: Vec<String>,
}

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `cursor` in, `next` out (Panther).
    Cursor,
    /// `page` and `size` in, `count` out (SCP).
    Numbered,
}

impl Model {
    /// The model of `prepared`.
    pub fn of(prepared: &Prepared) -> Self {
        let doc = &prepared.doc;
        let paged = crate::page_impls::paged_operations(doc);
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if !HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let id = op["operationId"].as_str().unwrap_or_default().to_string();
                let parameters: Vec<Parameter> = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| parameter(doc, p))
                    .collect();
                let has = |name: &str| parameters.iter().any(|p| p.name == name);
                let paging = paged.contains(&id).then(|| {
                    if has("cursor") {
                        Paging::Cursor
                    } else {
                        Paging::Numbered
                    }
                });
                let bodiless_successes = prepared
                    .optional_bodies
                    .iter()
                    .find(|o| o.operation_id == id)
                    .map(|o| o.empty_statuses.clone())
                    .unwrap_or_default();
                let responses = responses(doc, op);
                operations.push(Operation {
                    rust_name: crate::naming::snake(&id),
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    streams_body: responses.iter().any(|r| {
                        r.status.is_some_and(|s| (200..300).contains(&s))
                            && r.media.iter().any(|m| m == "application/octet-stream")
                    }),
                    // An operation without `security` takes the document's; only an empty list means none.
                    authenticated: op
                        .get("security")
                        .and_then(Value::as_array)
                        .is_none_or(|s| !s.is_empty()),
                    id,
                    parameters,
                    responses,
                    bodiless_successes,
                    paging,
                });
            }
        }
        operations.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
        Self { operations }
    }

    /// The operation with this `operationId`.
    #[cfg(test)]
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }
}

impl Operation {
    /// The integer parameters with a documented range.
    pub fn bounded(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter().filter(|p| p.range.is_some())
    }
}

fn parameter(doc: &Value, parameter: &Value) -> Parameter {
    let parameter = cloud_apis_spec::resolve(doc, parameter);
    let schema = cloud_apis_spec::resolve(doc, &parameter["schema"]);
    let location = match parameter["in"].as_str() {
        Some("path") => Location::Path,
        Some("header") => Location::Header,
        _ => Location::Query,
    };
    let integer = schema["type"] == "integer";
    let (min, max) = (schema["minimum"].as_i64(), schema["maximum"].as_i64());
    Parameter {
        name: parameter["name"].as_str().unwrap_or_default().to_string(),
        required: location == Location::Path || parameter["required"] == true,
        location,
        range: (integer && (min.is_some() || max.is_some())).then_some((min, max)),
    }
}

fn responses(doc: &Value, op: &Value) -> Vec<Response> {
    op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let response = cloud_apis_spec::resolve(doc, response);
            Response {
                status: status.parse().ok(),
                media: response["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(media, _)| media.clone())
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(spec: &str) -> Model {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join("specs").join(spec)).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        Model::of(&crate::transforms::for_client(&doc).unwrap())
    }

    #[test]
    fn every_operation_is_modelled_once_in_method_name_order() {
        for (spec, count) in [
            ("panther.json", 96),
            ("cloudcraft.json", 21),
            ("scp-cloudcontrol-v1.2.json", 16),
        ] {
            let model = model(spec);
            assert_eq!(model.operations.len(), count, "{spec}");
            let names: Vec<&str> = model
                .operations
                .iter()
                .map(|o| o.rust_name.as_str())
                .collect();
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(names, sorted, "{spec}");
        }
    }

    #[test]
    fn the_model_says_what_each_kind_of_operation_needs() {
        let panther = model("panther.json");
        let list = panther.operation("alert#list").unwrap();
        assert_eq!(
            (list.method.as_str(), list.path.as_str()),
            ("GET", "/alerts")
        );
        assert_eq!(list.paging, Some(Paging::Cursor));
        assert!(list.authenticated && !list.streams_body);
        let paged = panther
            .operations
            .iter()
            .filter(|o| o.paging.is_some())
            .count();
        assert_eq!(paged, 13);
        // Roles come in one page: no cursor, no stream.
        assert_eq!(panther.operation("role#list").unwrap().paging, None);
        let get = panther.operation("role#get").unwrap();
        let id = &get.parameters[0];
        assert_eq!(
            (id.name.as_str(), id.location, id.required),
            ("id", Location::Path, true)
        );
        assert_eq!(get.paging, None);
        assert!(get.responses.iter().any(|r| r.status == Some(404)));
        let optional: Vec<&Operation> = panther
            .operations
            .iter()
            .filter(|o| !o.bodiless_successes.is_empty())
            .collect();
        assert!(!optional.is_empty());
        assert!(optional.iter().all(|o| o.bodiless_successes.contains(&204)));

        let cloudcraft = model("cloudcraft.json");
        let export = cloudcraft.operation("exportBlueprintImage").unwrap();
        assert!(export.streams_body);
        let width = export.bounded().find(|p| p.name == "width").unwrap();
        assert_eq!(width.range, Some((Some(16), Some(4096))));
        assert_eq!(width.location, Location::Query);

        let scp = model("scp-cloudcontrol-v1.2.json");
        assert_eq!(
            scp.operation("ListGuardrails").unwrap().paging,
            Some(Paging::Numbered)
        );
        let versions = scp.operation("ListVersions").unwrap();
        assert!(!versions.authenticated);
        let bounded: Vec<&str> = scp
            .operation("ListGuardrails")
            .unwrap()
            .bounded()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(bounded, ["size", "page"]);
    }
}
