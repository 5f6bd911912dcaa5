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

/// Every document the workspace is generated from, read from the generated clients' own registry
/// (`cloud_apis::apis()`), so a new API or version is tested as soon as it is generated.
pub fn spec_files() -> Vec<SpecFile> {
    cloud_apis::apis()
        .into_iter()
        .map(|api| SpecFile {
            name: api.name,
            file: api
                .spec
                .strip_prefix("specs/")
                .expect("every spec lives in specs/"),
            generated: api.generated,
        })
        .collect()
}

/// Looks a spec up by its short name; panics with the known names when it is not one of them.
pub fn spec(name: &str) -> SpecFile {
    let files = spec_files();
    files
        .iter()
        .find(|s| s.name == name)
        .copied()
        .unwrap_or_else(|| panic!("no spec named {name:?}; known: {files:?}"))
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

/// The Rust method name progenitor gives an `operationId` (the generator's own naming).
pub use cloud_apis_spec::naming::snake as method_name;
