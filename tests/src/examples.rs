//! Finding every example an OpenAPI document carries, together with the schema it illustrates.

use serde_json::Value;

/// One example value and the schema it must satisfy.
#[derive(Debug, Clone)]
pub struct Example {
    /// JSON pointer to the example inside the document (for error messages).
    pub pointer: String,
    /// The schema the example illustrates (inline or a `$ref`).
    pub schema: Value,
    /// The example value itself.
    pub value: Value,
}

/// Collects every `example` and every `examples.*.value` in the document.
///
/// - In a media type, parameter or header the schema is the sibling `schema`.
/// - In a schema object the schema is the object itself.
///
/// Property maps are walked as maps of schemas, so a property that happens to be named `example` is not
/// mistaken for the keyword, and example values are never searched for nested examples.
pub fn collect(doc: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    walk(doc, "", &mut out);
    out
}

fn walk(node: &Value, pointer: &str, out: &mut Vec<Example>) {
    match node {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(obj) => {
            let schema = obj.get("schema").cloned().unwrap_or_else(|| node.clone());
            if let Some(value) = obj.get("example") {
                out.push(Example {
                    pointer: format!("{pointer}/example"),
                    schema: schema.clone(),
                    value: value.clone(),
                });
            }
            if let Some(Value::Object(named)) = obj.get("examples") {
                for (name, example) in named {
                    if let Some(value) = example.get("value") {
                        out.push(Example {
                            pointer: format!("{pointer}/examples/{}/value", escape(name)),
                            schema: schema.clone(),
                            value: value.clone(),
                        });
                    }
                }
            }
            for (key, child) in obj {
                if key == "example" || key == "examples" {
                    continue;
                }
                let child_pointer = format!("{pointer}/{}", escape(key));
                if key == "properties" {
                    // A map of property name → schema: walk the schemas, never the names.
                    for (name, prop) in child.as_object().into_iter().flatten() {
                        walk(prop, &format!("{child_pointer}/{}", escape(name)), out);
                    }
                } else {
                    walk(child, &child_pointer, out);
                }
            }
        }
        _ => {}
    }
}

/// JSON-pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_media_type_parameter_and_property_examples() {
        let doc = json!({
            "paths": {"/a/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}, "example": "x1"}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"},
                    "example": {"example": 1},
                    "examples": {"second": {"value": {"n": 2}}}
                }}}}
            }}},
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "example": {"type": "integer", "example": 5}
            }}}}
        });
        let found = collect(&doc);
        let by_pointer = |p: &str| {
            found
                .iter()
                .find(|e| e.pointer == p)
                .unwrap_or_else(|| panic!("{p} not collected: {found:#?}"))
        };
        assert_eq!(found.len(), 4, "{found:#?}");
        let param = by_pointer("/paths/~1a~1{id}/get/parameters/0/example");
        assert_eq!(param.schema, json!({"type": "string"}));
        let media = "/paths/~1a~1{id}/get/responses/200/content/application~1json";
        let body = by_pointer(&format!("{media}/example"));
        assert_eq!(body.schema, json!({"$ref": "#/components/schemas/A"}));
        // The example value {"example": 1} is data: nothing inside it was collected.
        assert_eq!(body.value, json!({"example": 1}));
        let named = by_pointer(&format!("{media}/examples/second/value"));
        assert_eq!(named.value, json!({"n": 2}));
        // A property-level example is checked against the property schema itself.
        let prop = by_pointer("/components/schemas/A/properties/example/example");
        assert_eq!(prop.schema["type"], "integer");
    }
}
