//! `--json-body FILE`, checked before a client is built or anything is sent: a file that cannot be read, is not
//! JSON, or does not fit the operation's request body in the checked-in spec is invalid input (exit 2), named in
//! one line with what is wrong.

use std::path::Path;

use anyhow::Context as _;
use clap::ArgMatches;
use cloud_apis::{Error, ErrorKind};
use cloud_apis_spec::json_schema::DocumentValidator;
use serde_json::Value;

/// The schema of the JSON request body of `operation_id` in the spec document `doc`.
pub fn request_schema(doc: &Value, operation_id: &str) -> anyhow::Result<Value> {
    let operation = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op["operationId"] == operation_id)
        .with_context(|| format!("the spec has no operation {operation_id}"))?;
    let body = cloud_apis_spec::resolve(doc, &operation["requestBody"]);
    body["content"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(media, _)| cloud_apis_spec::media::is_json(media))
        .map(|(_, content)| content["schema"].clone())
        .with_context(|| format!("{operation_id} takes no JSON body"))
}

/// Checks the `--json-body` file of a command of `operation_id`, if one was given, against `spec` (the checked-in
/// spec's text).
pub fn check(matches: &ArgMatches, spec: &str, operation_id: &str) -> anyhow::Result<()> {
    let Ok(Some(path)) = matches.try_get_one::<std::path::PathBuf>("json-body") else {
        return Ok(());
    };
    let doc: Value = serde_json::from_str(spec).context("the built-in spec is not JSON")?;
    let schema = request_schema(&doc, operation_id)?;
    checked(path, &doc, &schema).map_err(|why| {
        let detail = format!("--json-body {}: {why}", path.display());
        Error::new(ErrorKind::InvalidRequest, Default::default(), detail).into()
    })
}

/// What is wrong with the body in `path`, if anything.
fn checked(path: &Path, doc: &Value, schema: &Value) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
    let body: Value = serde_json::from_str(&text).map_err(|e| format!("is not JSON: {e}"))?;
    let Err(violations) = DocumentValidator::new(doc).validate(schema, &body) else {
        return Ok(());
    };
    let mut first = violations[0].clone();
    // A value the schema marks as a password is never repeated (jsonschema's messages quote values).
    for secret in password_values(doc, &body) {
        first = first.replace(&secret, "[REDACTED]");
    }
    let first = cloud_apis_runtime::failure::one_line(&first, 300);
    match violations.len() {
        1 => Err(format!("does not fit the operation's body: {first}")),
        n => Err(format!(
            "does not fit the operation's body: {first} (and {} more problems)",
            n - 1
        )),
    }
}

/// The string values in `body` under a property that some schema of `doc` marks `format: password`.
fn password_values(doc: &Value, body: &Value) -> Vec<String> {
    fn names(schema: &Value, out: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (name, property) in properties {
                        if property["format"] == "password" {
                            out.push(name.clone());
                        }
                    }
                }
                map.values().for_each(|v| names(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    fn values(body: &Value, names: &[String], out: &mut Vec<String>) {
        match body {
            Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        Value::String(s) if names.contains(key) && !s.is_empty() => {
                            out.push(s.clone())
                        }
                        other => values(other, names, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| values(v, names, out)),
            _ => {}
        }
    }
    let mut secret_names = Vec::new();
    names(doc, &mut secret_names);
    let mut out = Vec::new();
    values(body, &secret_names, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"paths": {"/accounts": {"post": {"operationId": "create", "requestBody": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}}}}},
          "components": {"schemas": {"Account": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"},
            "secret": {"type": "string", "format": "password", "minLength": 40}}}}}})
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    fn problem(text: &str) -> String {
        let doc = doc();
        let schema = request_schema(&doc, "create").unwrap();
        let file = file(text);
        checked(file.path(), &doc, &schema).unwrap_err()
    }

    #[test]
    fn each_way_a_body_is_wrong_is_named() {
        assert!(
            problem("{").starts_with("is not JSON: EOF while parsing"),
            "{}",
            problem("{")
        );
        let shape = problem(r#"{"name": 5}"#);
        assert!(
            shape.starts_with("does not fit the operation's body: /name: 5 is not of type"),
            "{shape}"
        );
        let missing = problem(r#"{"secret": "too-short-sekrit"}"#);
        assert!(missing.contains("(and 1 more problems)"), "{missing}");
        assert!(!missing.contains("too-short-sekrit"), "{missing}");
        let doc = doc();
        let schema = request_schema(&doc, "create").unwrap();
        let gone = checked(Path::new("/nonexistent/body.json"), &doc, &schema).unwrap_err();
        assert!(gone.starts_with("cannot be read: "), "{gone}");
        assert!(checked(file(r#"{"name": "a"}"#).path(), &doc, &schema).is_ok());
    }
}
