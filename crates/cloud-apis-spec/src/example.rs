//! Values that validate against a spec's schemas: made up from a schema ([`Examples::make`]), or repaired from
//! data that is almost right ([`Examples::conform`]).
//!
//! The sandbox uses them to answer every operation with a body its spec documents (a record built from a request
//! body, with the fields the response requires filled in), and the tests to build a valid request body for any
//! operation. Values that need a clock, a random id or knowledge of a resource come from a [`Fill`] the caller
//! supplies; everything else follows the schema: `default`/`example`, the first enum value, a string of the allowed
//! length and pattern, the minimum number, the minimum number of array items, every required property.
//!
//! ```
//! use cloud_apis_spec::conformance::Spec;
//! use cloud_apis_spec::example::Examples;
//! use serde_json::json;
//!
//! let spec = Spec::new(json!({"components": {"schemas": {"Role": {"type": "object",
//!     "required": ["name", "kind"],
//!     "properties": {"name": {"type": "string", "minLength": 3}, "kind": {"type": "string", "enum": ["A", "B"]},
//!                    "size": {"type": "integer", "minimum": 1}}}}}}));
//! let role = json!({"$ref": "#/components/schemas/Role"});
//! let examples = Examples::new(&spec, &|_, _| None);
//! let made = examples.make(&role);
//! assert_eq!(made["kind"], "A");
//! assert!(spec.is_valid(&role, &made));
//! // A required field outside its enum is replaced, a wrong optional one and an undeclared one dropped.
//! let repaired = examples.conform(&role, json!({"name": "ops", "kind": "C", "size": "big", "note": "extra"}));
//! assert_eq!(repaired, json!({"name": "ops", "kind": "A"}));
//! ```

use serde_json::{Map, Value};

use crate::conformance::Spec;
use crate::resolve;

/// How deep nested schemas are followed (recursive schemas end in `null` or an empty object there).
const MAX_DEPTH: usize = 12;

/// A value for a property (named, when it is one) or `None` to let the schema decide. Given the resolved schema.
pub type Fill<'a> = dyn Fn(Option<&str>, &Value) -> Option<Value> + 'a;

/// Makes and repairs values for the schemas of one spec.
pub struct Examples<'a> {
    spec: &'a Spec,
    fill: &'a Fill<'a>,
}

impl<'a> Examples<'a> {
    /// Examples for `spec`'s schemas; `fill` is asked first for every value.
    pub fn new(spec: &'a Spec, fill: &'a Fill<'a>) -> Self {
        Self { spec, fill }
    }

    /// A value that validates against `schema` (an inline schema or a `$ref`), with only what it requires.
    pub fn make(&self, schema: &Value) -> Value {
        self.make_at(schema, None, 0)
    }

    /// `value` reshaped to validate against `schema`: what validates is kept, a value of the wrong type or outside
    /// an enum or a constraint is replaced (or dropped, when its property is optional), missing required properties
    /// are made. Properties an object schema does not declare are dropped unless it allows them
    /// (`additionalProperties`) or declares none (a free-form object): an answer built from a request must not echo
    /// what the response does not document, such as a write-only secret.
    pub fn conform(&self, schema: &Value, value: Value) -> Value {
        self.conform_at(schema, None, value, 0)
    }

    fn doc(&self) -> &Value {
        self.spec.doc()
    }

    fn make_at(&self, schema: &Value, name: Option<&str>, depth: usize) -> Value {
        let schema = resolve(self.doc(), schema);
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let valid = |v: &Value| self.spec.is_valid(schema, v);
        if let Some(v) = (self.fill)(name, schema).filter(valid) {
            return v;
        }
        for key in ["default", "example"] {
            if let Some(v) = schema.get(key).filter(|v| valid(v)) {
                return v.clone();
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            // The empty string some enums allow ("no value") is the least useful example.
            let first = values.iter().find(|v| *v != "").or(values.first());
            return first.cloned().unwrap_or(Value::Null);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(fields) = self.make_at(part, name, depth + 1) {
                    merged.extend(fields);
                }
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema.get(key).and_then(|s| s.get(0)) {
                return self.make_at(first, name, depth + 1);
            }
        }
        match kind(schema) {
            Some("string") => self.make_string(schema),
            Some("integer") | Some("number") => make_number(schema),
            Some("boolean") => Value::Bool(false),
            Some("array") => {
                let count = schema["minItems"].as_u64().unwrap_or(0).min(4) as usize;
                let item = self.make_at(&schema["items"], None, depth + 1);
                Value::Array(vec![item; count])
            }
            Some("object") => {
                let mut object = Map::new();
                for required in required(schema) {
                    let property = &schema["properties"][required];
                    object.insert(
                        required.to_string(),
                        self.make_at(property, Some(required), depth + 1),
                    );
                }
                Value::Object(object)
            }
            _ if schema["nullable"] == true => Value::Null,
            // A free-form value (`{}`): any JSON validates.
            _ => Value::Object(Map::new()),
        }
    }

    fn make_string(&self, schema: &Value) -> Value {
        let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
        let max = schema["maxLength"]
            .as_u64()
            .map_or(usize::MAX, |m| m as usize);
        let sized = |text: &str| {
            let mut text: String = text.chars().take(max).collect();
            while text.chars().count() < min {
                text.push('x');
            }
            Value::String(text)
        };
        // Typical values for the formats and the patterns specs use (account numbers, regions, labels, tags);
        // the first that validates wins.
        let candidates = [
            "sandbox",
            "00000000-0000-4000-8000-000000000000",
            "2025-01-01T00:00:00Z",
            "sandbox@example.com",
            "https://example.com/sandbox",
            "000000000000",
            "us-east-1",
            "sandbox-1",
            "x",
        ];
        candidates
            .iter()
            .map(|c| sized(c))
            .find(|v| self.spec.is_valid(schema, v))
            .unwrap_or_else(|| sized("sandbox"))
    }

    fn conform_at(&self, schema: &Value, name: Option<&str>, value: Value, depth: usize) -> Value {
        let schema = resolve(self.doc(), schema);
        if depth > MAX_DEPTH || (value.is_null() && schema["nullable"] == true) {
            return value;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return match values.contains(&value) {
                true => value,
                false => self.make_at(schema, name, depth),
            };
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            return parts
                .iter()
                .fold(value, |v, part| self.conform_at(part, name, v, depth + 1));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(choices) = schema.get(key).and_then(Value::as_array) {
                // The choice the value already is, else the first one it can be repaired into.
                if let Some(choice) = choices.iter().find(|c| self.spec.is_valid(c, &value)) {
                    return self.conform_at(choice, name, value, depth + 1);
                }
                let repaired = choices
                    .iter()
                    .map(|choice| self.conform_at(choice, name, value.clone(), depth + 1));
                let mut fallback = None;
                for candidate in repaired {
                    if self.spec.is_valid(schema, &candidate) {
                        return candidate;
                    }
                    fallback.get_or_insert(candidate);
                }
                return fallback.unwrap_or(value);
            }
        }
        match (kind(schema), value) {
            (Some("object"), Value::Object(fields)) => self.conform_object(schema, fields, depth),
            (Some("array"), Value::Array(items)) => {
                let max = schema["maxItems"]
                    .as_u64()
                    .map_or(usize::MAX, |m| m as usize);
                let mut items: Vec<Value> = items
                    .into_iter()
                    .take(max)
                    .map(|item| self.conform_at(&schema["items"], None, item, depth + 1))
                    .collect();
                let min = schema["minItems"].as_u64().unwrap_or(0) as usize;
                while items.len() < min {
                    items.push(self.make_at(&schema["items"], None, depth + 1));
                }
                Value::Array(items)
            }
            (Some("object" | "array"), _) => self.make_at(schema, name, depth),
            // Scalars and free-form values: kept when they validate.
            (_, value) if self.spec.is_valid(schema, &value) => value,
            _ => self.make_at(schema, name, depth),
        }
    }

    fn conform_object(&self, schema: &Value, fields: Map<String, Value>, depth: usize) -> Value {
        let properties = schema["properties"].as_object();
        let required = required(schema);
        let open = match &schema["additionalProperties"] {
            Value::Null => properties.is_none(),
            extra => extra != &Value::Bool(false),
        };
        let mut object = Map::new();
        for (key, value) in fields {
            let Some(property) = properties.and_then(|p| p.get(&key)) else {
                let extra = &schema["additionalProperties"];
                if extra.is_object() {
                    let repaired = self.conform_at(extra, Some(&key), value, depth + 1);
                    object.insert(key, repaired);
                } else if open {
                    object.insert(key, value);
                }
                continue;
            };
            if required.contains(&key.as_str()) {
                let repaired = self.conform_at(property, Some(&key), value, depth + 1);
                object.insert(key, repaired);
                continue;
            }
            // An optional value is kept when it validates or its structure can be repaired; a wrong scalar is
            // better left out than made up.
            let repaired = match value {
                Value::Object(_) | Value::Array(_) => {
                    self.conform_at(property, Some(&key), value, depth + 1)
                }
                scalar => scalar,
            };
            if self.spec.is_valid(property, &repaired) {
                object.insert(key, repaired);
            }
        }
        for name in required {
            if !object.contains_key(name) {
                let made = self.make_at(&schema["properties"][name], Some(name), depth + 1);
                object.insert(name.to_string(), made);
            }
        }
        Value::Object(object)
    }
}

/// The schema's type, `object` when it only lists properties.
fn kind(schema: &Value) -> Option<&str> {
    schema["type"]
        .as_str()
        .or_else(|| schema.get("properties").map(|_| "object"))
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The smallest allowed number (0 when unbounded), within the maximum.
fn make_number(schema: &Value) -> Value {
    let integer = schema["type"] == "integer";
    let mut n = schema["minimum"].as_f64().unwrap_or(0.0);
    if schema["exclusiveMinimum"] == true {
        n += 1.0;
    }
    if let Some(max) = schema["maximum"].as_f64() {
        n = n.min(max);
    }
    match integer {
        true => Value::from(n as i64),
        false => Value::from(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        Spec::new(json!({"components": {"schemas": {
            "Account": {"type": "object", "required": ["awsAccountId", "label", "tags", "when"], "properties": {
                "awsAccountId": {"type": "string", "pattern": "^[0-9]{12}$"},
                "label": {"type": "string", "pattern": "^[0-9a-zA-Z- ]+$", "maxLength": 4},
                "tags": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"$ref": "#/components/schemas/Tag"}},
                "when": {"type": "string"},
                "quality": {"type": "string", "enum": ["", "NOISE"]},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50},
                "owner": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Tag"}]}
            }},
            "Tag": {"type": "string", "pattern": "^[a-z0-9_-]+$", "minLength": 1, "maxLength": 30},
            "Closed": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "integer"}}},
            "Either": {"oneOf": [{"type": "object", "required": ["code"], "properties": {"code": {"type": "integer"}}},
                                 {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}]}
        }}}))
    }

    fn schema(name: &str) -> Value {
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    #[test]
    fn made_values_validate_and_follow_patterns_lengths_and_counts() {
        let spec = spec();
        let examples = Examples::new(&spec, &|name, _| {
            (name == Some("when")).then(|| json!("2026-11-22T00:00:00Z"))
        });
        let account = examples.make(&schema("Account"));
        assert_eq!(account["awsAccountId"], "000000000000");
        assert_eq!(account["label"], "sand");
        assert_eq!(account["tags"], json!(["sandbox", "sandbox"]));
        assert_eq!(account["when"], "2026-11-22T00:00:00Z", "the fill wins");
        assert!(account.get("quality").is_none(), "only required fields");
        assert!(spec.is_valid(&schema("Account"), &account));
        assert_eq!(
            examples.make(&json!({"type": "string", "enum": ["", "NOISE"]})),
            "NOISE"
        );
        assert_eq!(examples.make(&json!({"type": "integer", "minimum": 5})), 5);
    }

    #[test]
    fn conform_keeps_what_validates_and_repairs_the_rest() {
        let spec = spec();
        let examples = Examples::new(&spec, &|_, _| None);
        let repaired = examples.conform(
            &schema("Account"),
            json!({"awsAccountId": "12", "label": "ok", "tags": ["a", "B!", "c", "d"], "quality": "BOGUS",
                   "limit": 99, "owner": null, "extra": {"dropped": true}}),
        );
        assert_eq!(
            repaired,
            json!({"awsAccountId": "000000000000", "label": "ok", "tags": ["a", "sandbox", "c"],
                   "owner": null, "when": "sandbox"})
        );
        let free = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert_eq!(
            examples.conform(&free, json!({"a": 1, "b": "x"})),
            json!({"a": 1, "b": 0})
        );
        assert!(spec.is_valid(&schema("Account"), &repaired));
        assert_eq!(
            examples.conform(&schema("Closed"), json!({"a": 1, "b": 2})),
            json!({"a": 1})
        );
        assert_eq!(
            examples.conform(&schema("Either"), json!({"message": "no"})),
            json!({"message": "no"})
        );
        assert_eq!(
            examples.conform(&schema("Either"), json!(7)),
            json!({"code": 0})
        );
    }
}
