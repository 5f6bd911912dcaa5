//! Schema-valid JSON instances of OpenAPI 3.0 schemas, for responses the spec gives no example of and for
//! property tests. Every instance a test uses is also checked with the JSON Schema validator, so a generator slip
//! shows up as a failing test rather than as a false pass.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Map, Value};

use crate::refs::resolve;

/// How instances are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Prefer the spec's `example`s (at any depth) and fill every optional property: realistic and complete.
    Examples,
    /// Random values everywhere, optional properties and nulls included at random.
    Random,
}

/// Generates instances of the schemas of one document.
pub struct Generator<'a> {
    doc: &'a Value,
    rng: StdRng,
    mode: Mode,
}

const MAX_DEPTH: usize = 8;

impl<'a> Generator<'a> {
    /// A generator over `doc`'s schemas, reproducible for a given `seed`.
    pub fn new(doc: &'a Value, mode: Mode, seed: u64) -> Self {
        Self {
            doc,
            rng: StdRng::seed_from_u64(seed),
            mode,
        }
    }

    /// An instance of `schema` (inline or a `$ref`).
    pub fn instance(&mut self, schema: &Value) -> Value {
        self.generate(schema, 0)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.mode == Mode::Random && self.rng.random_bool(p)
    }

    fn generate(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = resolve(self.doc, schema);
        if self.mode == Mode::Examples {
            if let Some(example) = schema.get("example") {
                return example.clone();
            }
        }
        if schema.get("nullable") == Some(&json!(true)) && (depth >= MAX_DEPTH || self.chance(0.2))
        {
            return Value::Null;
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            // Our specs use allOf only to wrap one reference (to make it nullable or describe it).
            if let Some(first) = parts.first() {
                return self.generate(first, depth + 1);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = schema.get(key) {
                if !variants.is_empty() {
                    let i = if self.mode == Mode::Random {
                        self.rng.random_range(0..variants.len())
                    } else {
                        0
                    };
                    let mut variant = variants[i].clone();
                    // A variant may rely on its parent's `type`.
                    if let (Some(t), Some(v)) = (schema.get("type"), variant.as_object_mut()) {
                        if !v.contains_key("$ref") {
                            v.entry("type").or_insert_with(|| t.clone());
                        }
                    }
                    return self.generate(&variant, depth + 1);
                }
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let i = if self.mode == Mode::Random {
                self.rng.random_range(0..values.len())
            } else {
                0
            };
            return values[i].clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None
                if schema.get("properties").is_some() || schema.get("type").is_some() =>
            {
                self.object(schema, depth)
            }
            Some("array") => self.array(schema, depth),
            Some("string") => self.string(schema),
            Some("integer") => {
                let (lo, hi) = bounds(schema, 0, 1000);
                json!(self.rng.random_range(lo..=hi))
            }
            Some("number") => {
                let (lo, hi) = bounds(schema, 0, 1000);
                json!(self.rng.random_range(lo..=hi) as f64 + 0.5)
            }
            Some("boolean") => json!(self.rng.random_bool(0.5)),
            _ => json!({}),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (name, prop) in props {
                let include = required.contains(&name.as_str())
                    || (depth < MAX_DEPTH
                        && (self.mode == Mode::Examples || self.rng.random_bool(0.6)));
                if include {
                    let value = self.generate(prop, depth + 1);
                    out.insert(name.clone(), value);
                }
            }
        }
        if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
            let extra = extra.clone();
            let n = if self.mode == Mode::Random {
                self.rng.random_range(0..3)
            } else {
                1
            };
            for i in 0..n {
                let value = self.generate(&extra, depth + 1);
                out.insert(format!("key{i}"), value);
            }
        }
        Value::Object(out)
    }

    fn array(&mut self, schema: &Value, depth: usize) -> Value {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema.get("maxItems").and_then(Value::as_u64).unwrap_or(3) as usize;
        let n = if depth >= MAX_DEPTH {
            min
        } else if self.mode == Mode::Random {
            self.rng.random_range(min..=max.max(min))
        } else {
            min.max(1).min(max.max(min))
        };
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        Value::Array((0..n).map(|_| self.generate(&items, depth + 1)).collect())
    }

    fn string(&mut self, schema: &Value) -> Value {
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        let fits = |s: &str| {
            let n = s.chars().count();
            n >= min && max.is_none_or(|m| n <= m)
        };
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            // ECMAScript classes are ASCII-only; regex-syntax's are Unicode.
            let body = pattern
                .trim_start_matches('^')
                .trim_end_matches('$')
                .replace(r"\d", "[0-9]")
                .replace(r"\w", "[A-Za-z0-9_]");
            let repeat = max.unwrap_or(12).clamp(1, 40) as u32;
            let generator = rand_regex::Regex::compile(&body, repeat)
                .unwrap_or_else(|e| panic!("pattern {pattern:?} cannot be generated from: {e}"));
            for _ in 0..200 {
                let s: String = self.rng.sample(&generator);
                if fits(&s) {
                    return json!(s);
                }
            }
            panic!("no string of length {min}..{max:?} found for {pattern:?}");
        }
        let n = self.rng.random_range(0..1_000_000u32);
        let value = match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => format!("2025-0{}-1{}T0{}:00:00Z", n % 9 + 1, n % 10, n % 10),
            Some("date") => format!("2025-0{}-1{}", n % 9 + 1, n % 10),
            Some("email") => format!("user{n}@example.com"),
            Some("uuid") => uuid_like(&mut self.rng),
            Some("uri") => format!("https://example.com/{n}"),
            _ => {
                let len = self
                    .rng
                    .random_range(min.max(1)..=max.unwrap_or(12).max(min.max(1)));
                (0..len)
                    .map(|_| {
                        let c = self.rng.random_range(0..36u32);
                        char::from_digit(c, 36).unwrap_or('x')
                    })
                    .collect()
            }
        };
        json!(value)
    }
}

fn bounds(schema: &Value, lo: i64, hi: i64) -> (i64, i64) {
    let lo = schema.get("minimum").and_then(Value::as_i64).unwrap_or(lo);
    let hi = schema
        .get("maximum")
        .and_then(Value::as_i64)
        .unwrap_or(hi.max(lo));
    (lo, hi.max(lo))
}

fn uuid_like(rng: &mut StdRng) -> String {
    let hex: String = (0..32)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap())
        .collect();
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// `value` with every absent property that has a schema `default` filled in, as a typed decode does.
pub fn with_defaults(doc: &Value, schema: &Value, value: &Value) -> Value {
    let schema = resolve(doc, schema);
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        if let Some(first) = parts.first() {
            return with_defaults(doc, first, value);
        }
    }
    match value {
        Value::Object(map) => {
            let mut out = map.clone();
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (name, prop) in props {
                    let prop_schema = resolve(doc, prop);
                    match out.get(name) {
                        Some(v) => {
                            let filled = with_defaults(doc, prop, v);
                            out.insert(name.clone(), filled);
                        }
                        None => {
                            if let Some(default) = prop_schema.get("default") {
                                out.insert(name.clone(), default.clone());
                            }
                        }
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array(
                items
                    .iter()
                    .map(|i| with_defaults(doc, &item_schema, i))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_schema::DocumentValidator;
    use crate::specs::spec_files;

    /// Every component schema of every spec, in both modes and over many seeds, yields valid instances.
    #[test]
    fn instances_of_every_component_schema_validate() {
        for file in spec_files() {
            let doc = file.raw();
            let validator = DocumentValidator::new(&doc);
            for name in doc["components"]["schemas"].as_object().unwrap().keys() {
                let schema = json!({"$ref": format!("#/components/schemas/{name}")});
                for (mode, seeds) in [(Mode::Examples, 0..1u64), (Mode::Random, 0..25u64)] {
                    for seed in seeds {
                        let value = Generator::new(&doc, mode, seed).instance(&schema);
                        if let Err(errors) = validator.validate(&schema, &value) {
                            panic!(
                                "{}: {name} ({mode:?}, seed {seed}) {value}: {errors:?}",
                                file.name
                            );
                        }
                    }
                }
            }
        }
    }
}
