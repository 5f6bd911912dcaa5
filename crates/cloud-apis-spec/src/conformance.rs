//! Which operation of a spec a request is, and whether a request or a response is what that operation documents.
//!
//! Parameters arrive as text (path segments, query pairs, header values); each is read as its schema's type
//! (`integer`, `number`, `boolean`, `string`, or an array of them: repeated keys, or comma-separated when
//! `explode: false`) and then validated against the schema (enum, bounds, pattern, length), so one validator serves
//! every operation of every spec.
//!
//! ```
//! use cloud_apis_spec::conformance::{Lookup, Spec};
//! use serde_json::json;
//!
//! let spec = Spec::new(json!({"paths": {"/roles/{id}": {"get": {
//!     "operationId": "role#get",
//!     "parameters": [
//!         {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
//!         {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}}
//!     ],
//!     "responses": {"200": {"description": "the role"}}
//! }}}}));
//! let Lookup::Operation(op) = spec.lookup("GET", "/roles/r-1") else { panic!() };
//! assert_eq!(op.path_params, [("id".to_string(), "r-1".to_string())]);
//! assert!(spec.check_request(&op, Some("limit=20"), &|_| None, b"").is_ok());
//! let refused = spec.check_request(&op, Some("limit=500"), &|_| None, b"").unwrap_err();
//! assert!(refused.starts_with("query parameter `limit`"), "{refused}");
//! ```

use serde_json::{json, Value};

use crate::json_schema::DocumentValidator;
use crate::resolve;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One OpenAPI document, ready to look up and check requests and responses.
pub struct Spec {
    doc: Value,
    validator: DocumentValidator,
    paths: Vec<PathTemplate>,
}

struct PathTemplate {
    template: String,
    segments: Vec<Segment>,
    literals: usize,
}

enum Segment {
    Literal(String),
    Param(String),
}

/// What a request's method and path are, for a spec.
pub enum Lookup<'a> {
    /// A documented operation.
    Operation(Operation<'a>),
    /// The path is documented, the method is not: these are the methods it has (upper case).
    MethodNotAllowed(Vec<String>),
    /// No documented path matches.
    NoPath,
}

/// A documented operation matched by a request.
pub struct Operation<'a> {
    /// The operation object.
    pub op: &'a Value,
    /// Its path template, e.g. `/roles/{id}`.
    pub template: &'a str,
    /// Path parameters, percent-decoded, by name.
    pub path_params: Vec<(String, String)>,
}

impl Operation<'_> {
    /// The operation's `operationId`.
    pub fn id(&self) -> &str {
        self.op["operationId"].as_str().unwrap_or_default()
    }

    /// The operation needs no credentials (`security: []`).
    pub fn is_unauthenticated(&self) -> bool {
        self.op.get("security") == Some(&json!([]))
    }
}

impl Spec {
    /// Prepares `doc` (an OpenAPI 3.0 document as JSON).
    pub fn new(doc: Value) -> Self {
        let mut paths: Vec<PathTemplate> = doc["paths"]
            .as_object()
            .map(|paths| paths.keys().map(|t| PathTemplate::new(t)).collect())
            .unwrap_or_default();
        // Literal segments win over parameters (`/aws/account/iamParameters` before `/aws/account/{id}`).
        paths.sort_by_key(|p| std::cmp::Reverse(p.literals));
        Self {
            validator: DocumentValidator::new(&doc),
            doc,
            paths,
        }
    }

    /// The document.
    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// Whether `value` validates against `schema` (inline, or a `$ref` into this document).
    pub fn is_valid(&self, schema: &Value, value: &Value) -> bool {
        self.validator.is_valid(schema, value)
    }

    /// The operation `method` (any case) on `path` (as sent, percent-encoded) is.
    pub fn lookup(&self, method: &str, path: &str) -> Lookup<'_> {
        let method = method.to_ascii_lowercase();
        for template in &self.paths {
            let Some(path_params) = template.matches(path) else {
                continue;
            };
            let item = &self.doc["paths"][template.template.as_str()];
            return match item.get(&method) {
                Some(op) => Lookup::Operation(Operation {
                    op,
                    template: &template.template,
                    path_params,
                }),
                None => Lookup::MethodNotAllowed(
                    METHODS
                        .iter()
                        .filter(|m| item.get(**m).is_some())
                        .map(|m| m.to_ascii_uppercase())
                        .collect(),
                ),
            };
        }
        Lookup::NoPath
    }

    fn parameters<'a>(&'a self, op: &'a Value) -> impl Iterator<Item = &'a Value> {
        op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(&self.doc, p))
    }

    /// Whether a request is what `op` documents: every path, query and header parameter (read as its schema's
    /// type, then validated), and the JSON body. The error names the parameter or the body field at fault.
    pub fn check_request(
        &self,
        op: &Operation<'_>,
        query: Option<&str>,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> Result<(), String> {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        for param in self.parameters(op.op) {
            let name = param["name"].as_str().unwrap_or_default();
            let location = param["in"].as_str().unwrap_or_default();
            let schema = resolve(&self.doc, &param["schema"]);
            let raw: Vec<String> = match location {
                "path" => op
                    .path_params
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                "query" => pairs
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                "header" => header(name).into_iter().collect(),
                _ => continue,
            };
            let what = format!("{location} parameter `{name}`");
            // `allowEmptyValue`: `?name=` means an optional parameter was not given (a required one is given,
            // empty).
            let raw = match raw.as_slice() {
                [only]
                    if only.is_empty()
                        && param["allowEmptyValue"] == true
                        && param["required"] != true =>
                {
                    Vec::new()
                }
                _ => raw,
            };
            if raw.is_empty() {
                if param["required"] == true {
                    return Err(format!("{what} is required"));
                }
                continue;
            }
            let explode = param
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(location == "query");
            let value = typed(schema, &raw, explode).map_err(|e| format!("{what}: {e}"))?;
            self.validator
                .validate(&param["schema"], &value)
                .map_err(|errors| format!("{what}: {}", errors.join("; ")))?;
        }
        self.check_body(op.op, body)
    }

    fn check_body(&self, op: &Value, body: &[u8]) -> Result<(), String> {
        let Some(request_body) = op.get("requestBody").map(|b| resolve(&self.doc, b)) else {
            return Ok(());
        };
        let Some(schema) = request_body.pointer("/content/application~1json/schema") else {
            return Ok(());
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return match request_body["required"] == true {
                true => Err("the request body is required".into()),
                false => Ok(()),
            };
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| format!("the request body is not JSON: {e}"))?;
        if let Some(at) = beyond_64_bits(&self.doc, schema, &value, String::new()) {
            return Err(format!(
                "request body: {at}: an integer beyond 64 bits (no spec documents one)"
            ));
        }
        self.validator
            .validate(schema, &value)
            .map_err(|errors| format!("request body: {}", errors.join("; ")))
    }

    /// Whether a response is one `op` documents: its status (or `default`), its media type, and a JSON body that
    /// validates against the documented schema.
    pub fn check_response(
        &self,
        op: &Operation<'_>,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let responses = &op.op["responses"];
        let Some(response) = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
            .map(|r| resolve(&self.doc, r))
        else {
            return Err(format!("status {status} is not documented"));
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(());
        };
        let media = content_type
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let Some(documented) = content.get(&media) else {
            let known: Vec<&String> = content.keys().collect();
            return Err(format!(
                "{status}: media type {media:?} is not documented ({known:?})"
            ));
        };
        if !crate::media::is_json(&media) {
            return Ok(());
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| format!("{status}: the body is not JSON: {e}"))?;
        match documented.get("schema") {
            Some(schema) => self
                .validator
                .validate(schema, &value)
                .map_err(|errors| format!("{status}: {}", errors.join("; "))),
            None => Ok(()),
        }
    }
}

impl PathTemplate {
    fn new(template: &str) -> Self {
        let segments: Vec<Segment> = template
            .split('/')
            .skip(1)
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.to_string()),
                    None => Segment::Literal(s.to_string()),
                },
            )
            .collect();
        Self {
            template: template.to_string(),
            literals: segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count(),
            segments,
        }
    }

    fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (part, segment) in parts.iter().zip(&self.segments) {
            match segment {
                Segment::Literal(literal) if literal == part => {}
                Segment::Literal(_) => return None,
                Segment::Param(_) if part.is_empty() => return None,
                Segment::Param(name) => {
                    let value = percent_encoding::percent_decode_str(part).decode_utf8_lossy();
                    params.push((name.clone(), value.into_owned()));
                }
            }
        }
        Some(params)
    }
}

/// Where `value` holds, at a place its schema types `integer`, a whole number too large for 64 bits. JSON parsing
/// keeps such a literal only as a rounded float (`-9223372036854775809` becomes `-9.223372036854776e18`), which a
/// range check can no longer tell from the smallest 64-bit integer, and which would be echoed back as a float.
fn beyond_64_bits(doc: &Value, schema: &Value, value: &Value, at: String) -> Option<String> {
    const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
    let schema = resolve(doc, schema);
    let branches = ["allOf", "anyOf", "oneOf"]
        .iter()
        .flat_map(|k| schema[*k].as_array().into_iter().flatten());
    if let Some(found) = branches
        .into_iter()
        .find_map(|branch| beyond_64_bits(doc, branch, value, at.clone()))
    {
        return Some(found);
    }
    match value {
        Value::Number(n) if schema["type"] == "integer" && n.is_f64() => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() >= TWO_TO_63)
            .map(|_| if at.is_empty() { "/".to_string() } else { at }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| beyond_64_bits(doc, &schema["items"], item, format!("{at}/{i}"))),
        Value::Object(fields) => fields.iter().find_map(|(name, field)| {
            let declared = schema["properties"].get(name);
            let field_schema = declared.unwrap_or(&schema["additionalProperties"]);
            beyond_64_bits(doc, field_schema, field, format!("{at}/{name}"))
        }),
        _ => None,
    }
}

/// Parameter text read as the schema's type; an error says why it cannot be.
fn typed(schema: &Value, raw: &[String], explode: bool) -> Result<Value, String> {
    if schema["type"] == "array" {
        let items: Vec<&str> = if explode {
            raw.iter().map(String::as_str).collect()
        } else {
            raw.iter().flat_map(|r| r.split(',')).collect()
        };
        return items
            .into_iter()
            .map(|item| scalar(&schema["items"], item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    match raw {
        [one] => scalar(schema, one),
        _ => Err(format!("given {} times", raw.len())),
    }
}

fn scalar(schema: &Value, text: &str) -> Result<Value, String> {
    match schema["type"].as_str() {
        Some("integer") => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{text:?} is not an integer")),
        Some("number") => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::from)
            .ok_or_else(|| format!("{text:?} is not a number")),
        Some("boolean") => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{text:?} is not true or false")),
        },
        _ => Ok(Value::String(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::new(json!({"paths": {
            "/aws/account/{id}": {"put": {"operationId": "update",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Update"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Update"}}}}}}},
            "/aws/account/iamParameters": {"get": {"operationId": "iam", "responses": {"200": {"description": "ok"}}}},
            "/list": {"get": {"operationId": "list", "parameters": [
                {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "exclude", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "string", "enum": ["ec2", "sg"]}}},
                {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "label", "in": "query", "schema": {"type": "boolean"}},
                {"name": "sort-dir", "in": "query", "allowEmptyValue": true, "schema": {"type": "string", "enum": ["asc", "desc"]}},
                {"name": "Accept-Language", "in": "header", "schema": {"type": "string", "enum": ["ko-KR", "en-US"]}},
                {"name": "Scp-Api-Version", "in": "header", "required": true, "schema": {"type": "string", "enum": ["cloudcontrol 1.1"]}}
            ], "responses": {"200": {"description": "ok"}}}}
        }, "components": {"schemas": {"Update": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "role": {"type": "string"},
            "sizes": {"type": "array", "items": {"type": "integer", "format": "int64"}}}}}}}))
    }

    fn version(name: &str) -> Option<String> {
        (name == "Scp-Api-Version").then(|| "cloudcontrol 1.1".to_string())
    }

    fn list(
        spec: &Spec,
        query: &str,
        header: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), String> {
        let Lookup::Operation(op) = spec.lookup("get", "/list") else {
            panic!("no /list")
        };
        spec.check_request(&op, Some(query), header, b"")
    }

    #[test]
    fn literal_paths_win_and_unknown_methods_list_the_allowed_ones() {
        let spec = spec();
        let Lookup::Operation(op) = spec.lookup("GET", "/aws/account/iamParameters") else {
            panic!()
        };
        assert_eq!(op.id(), "iam");
        match spec.lookup("OPTIONS", "/aws/account/x") {
            Lookup::MethodNotAllowed(allowed) => assert_eq!(allowed, ["PUT"]),
            _ => panic!("expected 405"),
        }
        assert!(matches!(spec.lookup("GET", "/nowhere"), Lookup::NoPath));
        assert!(matches!(
            spec.lookup("PUT", "/aws/account/"),
            Lookup::NoPath
        ));
    }

    #[test]
    fn query_and_header_parameters_are_typed_then_validated() {
        let spec = spec();
        assert_eq!(
            list(
                &spec,
                "size=2&exclude=ec2,sg&ids=a&ids=b&label=true",
                &version
            ),
            Ok(())
        );
        assert_eq!(
            list(&spec, "sort-dir=", &version),
            Ok(()),
            "allowEmptyValue"
        );
        for (query, expected) in [
            (
                "size=AAA",
                "query parameter `size`: \"AAA\" is not an integer",
            ),
            ("size=-5", "query parameter `size`: "),
            ("size=9223372036854775808", "is not an integer"),
            ("size=1&size=2", "given 2 times"),
            ("exclude=ec2,bogus", "query parameter `exclude`: "),
            ("label=yes", "\"yes\" is not true or false"),
            ("sort-dir=up", "query parameter `sort-dir`: "),
        ] {
            let err = list(&spec, query, &version).unwrap_err();
            assert!(err.contains(expected), "{query}: {err}");
        }
        let err = list(&spec, "", &|_| None).unwrap_err();
        assert_eq!(err, "header parameter `Scp-Api-Version` is required");
        let bogus = |name: &str| match name {
            "Accept-Language" => Some("fr-FR".to_string()),
            other => version(other),
        };
        assert!(list(&spec, "", &bogus)
            .unwrap_err()
            .starts_with("header parameter `Accept-Language`"));
    }

    #[test]
    fn path_parameters_and_bodies_follow_their_schemas() {
        let spec = spec();
        let id = "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e";
        let Lookup::Operation(op) = spec.lookup("PUT", &format!("/aws/account/{id}")) else {
            panic!()
        };
        assert_eq!(
            spec.check_request(&op, None, &|_| None, br#"{"name": "a"}"#),
            Ok(())
        );
        // A huge number is fine where the schema does not ask for an integer.
        assert_eq!(
            spec.check_request(&op, None, &|_| None, br#"{"name": "a", "extra": 1e30}"#),
            Ok(())
        );
        for (body, expected) in [
            (&b""[..], "the request body is required"),
            (b"{", "the request body is not JSON"),
            (br#"{"role": "x"}"#, "request body: "),
            (br#"{"name": null}"#, "request body: /name: "),
            (
                br#"{"name": "a", "sizes": [-9223372036854775809]}"#,
                "request body: /sizes/0: an integer beyond 64 bits",
            ),
        ] {
            let err = spec.check_request(&op, None, &|_| None, body).unwrap_err();
            assert!(err.starts_with(expected), "{err}");
        }
        let Lookup::Operation(op) = spec.lookup("PUT", "/aws/account/not-a-uuid") else {
            panic!()
        };
        let err = spec
            .check_request(&op, None, &|_| None, br#"{"name": "a"}"#)
            .unwrap_err();
        assert!(err.starts_with("path parameter `id`"), "{err}");
    }

    #[test]
    fn responses_are_checked_against_status_media_type_and_schema() {
        let spec = spec();
        let Lookup::Operation(op) = spec.lookup("PUT", "/aws/account/x") else {
            panic!()
        };
        let json = Some("application/json; charset=utf-8");
        assert_eq!(
            spec.check_response(&op, 200, json, br#"{"name": "a"}"#),
            Ok(())
        );
        assert!(spec
            .check_response(&op, 404, json, b"{}")
            .unwrap_err()
            .contains("not documented"));
        assert!(spec
            .check_response(&op, 200, Some("text/html"), b"<p>")
            .unwrap_err()
            .contains("media type"));
        assert!(spec
            .check_response(&op, 200, json, br#"{"name": 1}"#)
            .unwrap_err()
            .starts_with("200: "));
    }
}
