//! Locating, loading and summarising the OpenAPI documents in `specs/`.

use std::path::PathBuf;

/// One curated OpenAPI document in `specs/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecFile {
    /// Short name used in test output.
    pub name: &'static str,
    /// File name inside `specs/`.
    pub file: &'static str,
    /// The client code `cargo xtask regen` generates from it, relative to the workspace root.
    pub generated: &'static str,
}

/// Every document the workspace is generated from.
pub const SPEC_FILES: &[SpecFile] = &[
    SpecFile {
        name: "panther",
        file: "panther.json",
        generated: "crates/panther-client/src/generated.rs",
    },
    SpecFile {
        name: "cloudcraft",
        file: "cloudcraft.json",
        generated: "crates/cloudcraft-client/src/generated.rs",
    },
    SpecFile {
        name: "scp-cloudcontrol-v1.0",
        file: "scp-cloudcontrol-v1.0.json",
        generated: "crates/scp-cloudcontrol-client/src/v1_0/generated.rs",
    },
    SpecFile {
        name: "scp-cloudcontrol-v1.1",
        file: "scp-cloudcontrol-v1.1.json",
        generated: "crates/scp-cloudcontrol-client/src/v1_1/generated.rs",
    },
];

/// Looks a spec up by its short name; panics with the known names when it is not one of them.
pub fn spec(name: &str) -> SpecFile {
    *SPEC_FILES
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no spec named {name:?}; known: {SPEC_FILES:?}"))
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The workspace's `specs/` directory.
pub fn specs_dir() -> PathBuf {
    workspace_root().join("specs")
}

impl SpecFile {
    /// Absolute path of the document.
    pub fn path(&self) -> PathBuf {
        specs_dir().join(self.file)
    }

    /// The generated client source.
    pub fn generated_source(&self) -> String {
        let path = workspace_root().join(self.generated);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// The document as untyped JSON (keeps every keyword, including `example`s and extensions).
    pub fn raw(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.path())
            .unwrap_or_else(|e| panic!("reading {}: {e}", self.path().display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", self.file))
    }

    /// The example attached to an operation's JSON body at `location` (`requestBody` or `responses/200`).
    pub fn example(&self, path: &str, method: &str, location: &str) -> serde_json::Value {
        let escaped = path.replace('~', "~0").replace('/', "~1");
        let pointer =
            format!("/paths/{escaped}/{method}/{location}/content/application~1json/example");
        self.raw()
            .pointer(&pointer)
            .unwrap_or_else(|| panic!("{}: no example at {pointer}", self.name))
            .clone()
    }

    /// The document parsed as OpenAPI 3.0 by `openapiv3`, the same parser the generator uses.
    pub fn openapi(&self) -> openapiv3::OpenAPI {
        serde_json::from_value(self.raw())
            .unwrap_or_else(|e| panic!("{} is not an OpenAPI 3.0 document: {e}", self.file))
    }
}

/// One operation of a document: what a client must be able to call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationRef {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as written in the spec.
    pub path: String,
    /// The operation's `operationId` (empty when the spec omits it).
    pub operation_id: String,
}

/// Every operation of a document, sorted by path, then method.
pub fn operations(doc: &openapiv3::OpenAPI) -> Vec<OperationRef> {
    let mut ops: Vec<OperationRef> = doc
        .operations()
        .map(|(path, method, op)| OperationRef {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            operation_id: op.operation_id.clone().unwrap_or_default(),
        })
        .collect();
    ops.sort();
    ops
}

/// The Rust method name progenitor gives an `operationId`: snake case, with every run of other characters
/// (spaces, `#`) as one underscore, e.g. `aws cloud account#create` → `aws_cloud_account_create`,
/// `getAwsIamParameters` → `get_aws_iam_parameters`.
pub fn method_name(operation_id: &str) -> String {
    let chars: Vec<char> = operation_id.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let word_start = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if word_start && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::method_name;

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(
            method_name("aws cloud account#create"),
            "aws_cloud_account_create"
        );
        assert_eq!(method_name("role#list"), "role_list");
        assert_eq!(method_name("getAwsIamParameters"), "get_aws_iam_parameters");
        assert_eq!(
            method_name("AddBaselineAssignment"),
            "add_baseline_assignment"
        );
        assert_eq!(
            method_name("ListTargetsForGuardrail"),
            "list_targets_for_guardrail"
        );
        assert_eq!(method_name("IAMRoleV2"), "iam_role_v2");
    }
}
