//! Locating, loading and summarising the OpenAPI documents in `specs/`.

use std::path::PathBuf;

/// One curated OpenAPI document in `specs/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecFile {
    /// Short name used in test output.
    pub name: &'static str,
    /// File name inside `specs/`.
    pub file: &'static str,
}

/// Every document the workspace is generated from.
pub const SPEC_FILES: &[SpecFile] = &[
    SpecFile {
        name: "panther",
        file: "panther.json",
    },
    SpecFile {
        name: "cloudcraft",
        file: "cloudcraft.json",
    },
    SpecFile {
        name: "scp-cloudcontrol-v1.0",
        file: "scp-cloudcontrol-v1.0.json",
    },
    SpecFile {
        name: "scp-cloudcontrol-v1.1",
        file: "scp-cloudcontrol-v1.1.json",
    },
];

/// Looks a spec up by its short name; panics with the known names when it is not one of them.
pub fn spec(name: &str) -> SpecFile {
    *SPEC_FILES
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no spec named {name:?}; known: {SPEC_FILES:?}"))
}

/// The workspace's `specs/` directory.
pub fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("specs")
}

impl SpecFile {
    /// Absolute path of the document.
    pub fn path(&self) -> PathBuf {
        specs_dir().join(self.file)
    }

    /// The document as untyped JSON (keeps every keyword, including `example`s and extensions).
    pub fn raw(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.path())
            .unwrap_or_else(|e| panic!("reading {}: {e}", self.path().display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", self.file))
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
