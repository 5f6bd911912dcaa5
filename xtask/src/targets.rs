//! The registry of generated APIs: which spec becomes which file.
//!
//! Adding an API version (say Cloud Control 1.2) is one entry here plus the spec file and a `mod` line in the
//! client crate; see the README's "Adding an API version".

/// One spec and where its generated code goes.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Short name, also emitted as `API.name` for the runtime (errors, tracing).
    pub name: &'static str,
    /// Spec path relative to the workspace root.
    pub spec: &'static str,
    /// Directory (relative to the workspace root) that receives `generated.rs` and `generated_httpmock.rs`.
    pub module_dir: &'static str,
    /// Rust path of the generated client module, as seen from inside its crate (for the httpmock helpers).
    pub module_path: &'static str,
    /// Another target (by name) whose generated client and types this version uses because its operations and
    /// schemas are the same: only this version's `API` value is generated (the regen fails if the specs differ in
    /// more than their version). Avoids compiling identical code twice.
    pub shares_code_with: Option<&'static str>,
    /// The module of the `cloud-apis` facade that re-exports this API's client and types (the generated commands
    /// of the `cloud-apis` tool are written against it).
    pub facade_module: &'static str,
}

/// Every generated client of the workspace.
pub const TARGETS: &[Target] = &[
    Target {
        name: "panther",
        spec: "specs/panther.json",
        module_dir: "crates/panther-client/src",
        module_path: "crate",
        shares_code_with: None,
        facade_module: "cloud_apis::panther",
    },
    Target {
        name: "cloudcraft",
        spec: "specs/cloudcraft.json",
        module_dir: "crates/cloudcraft-client/src",
        module_path: "crate",
        shares_code_with: None,
        facade_module: "cloud_apis::cloudcraft",
    },
    Target {
        name: "scp-cloudcontrol-v1.0",
        spec: "specs/scp-cloudcontrol-v1.0.json",
        module_dir: "crates/scp-cloudcontrol-client/src/v1_0",
        module_path: "crate::v1_0",
        shares_code_with: None,
        facade_module: "cloud_apis::scp::cloudcontrol::v1_0",
    },
    Target {
        name: "scp-cloudcontrol-v1.1",
        spec: "specs/scp-cloudcontrol-v1.1.json",
        module_dir: "crates/scp-cloudcontrol-client/src/v1_1",
        module_path: "crate::v1_1",
        // Samsung's 1.2 keeps the 1.1 operations and schemas.
        shares_code_with: Some("scp-cloudcontrol-v1.2"),
        facade_module: "cloud_apis::scp::cloudcontrol::v1_1",
    },
    Target {
        name: "scp-cloudcontrol-v1.2",
        spec: "specs/scp-cloudcontrol-v1.2.json",
        module_dir: "crates/scp-cloudcontrol-client/src/v1_2",
        module_path: "crate::v1_2",
        shares_code_with: None,
        facade_module: "cloud_apis::scp::cloudcontrol::v1_2",
    },
];

/// File name of the generated client inside `module_dir`.
pub const CLIENT_FILE: &str = "generated.rs";
/// File name of the generated httpmock helpers inside `module_dir`.
pub const MOCK_FILE: &str = "generated_httpmock.rs";
