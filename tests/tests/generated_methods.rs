//! Every operation of every spec is a method of its generated client, sending the spec's method and path.

use cloud_apis_tests::generated::{client_methods, ClientMethod};
use cloud_apis_tests::specs::{method_name, operations, spec_files};

#[test]
fn each_spec_operation_is_exactly_one_client_method() {
    for file in spec_files() {
        let expected: Vec<ClientMethod> = {
            let mut v: Vec<ClientMethod> = operations(&file.openapi())
                .into_iter()
                .map(|op| ClientMethod {
                    http_method: op.method,
                    path: op.path,
                    name: method_name(&op.operation_id),
                })
                .collect();
            v.sort();
            v
        };
        let actual = client_methods(&file.generated_source());
        assert_eq!(
            actual, expected,
            "{}: generated client methods differ from the spec's operations (run `cargo xtask regen`?)",
            file.name
        );
    }
}

/// The runtime names operations in errors and traces from `API.operations`; it must list every spec operation,
/// under the method name progenitor reports to hooks.
#[test]
fn each_client_describes_its_operations_to_the_runtime() {
    let apis = [
        ("panther", &panther_client::API),
        ("cloudcraft", &cloudcraft_client::API),
        ("scp-cloudcontrol-v1.0", &scp_cloudcontrol_client::v1_0::API),
        ("scp-cloudcontrol-v1.1", &scp_cloudcontrol_client::v1_1::API),
        ("scp-cloudcontrol-v1.2", &scp_cloudcontrol_client::v1_2::API),
    ];
    for (name, api) in apis {
        let file = cloud_apis_tests::specs::spec(name);
        assert_eq!(api.name, name);
        assert_eq!(api.spec, format!("specs/{}", file.file));
        // Sorted by method name, for the runtime's binary search; every operation is found by it.
        assert!(
            api.operations
                .windows(2)
                .all(|w| w[0].rust_name < w[1].rust_name),
            "{name}"
        );
        for op in api.operations {
            assert_eq!(api.operation(op.rust_name), Some(op), "{name}");
        }
        assert_eq!(api.operation("no_such_operation"), None);
        let mut described: Vec<(String, String, String)> = api
            .operations
            .iter()
            .map(|op| {
                (
                    op.rust_name.to_string(),
                    op.operation_id.to_string(),
                    op.method.to_string(),
                )
            })
            .collect();
        described.sort();
        let mut expected: Vec<(String, String, String)> = operations(&file.openapi())
            .into_iter()
            .map(|op| (method_name(&op.operation_id), op.operation_id, op.method))
            .collect();
        expected.sort();
        assert_eq!(described, expected, "{name}");
    }
}

/// Structural facts the request path's speed rests on (see the `sdk` bench): progenitor's `api-version` header is
/// never built by a generated `send()`; no request is handed over whole (which would make the runtime copy it before
/// every attempt in case of a retry), each is built by a closure the runtime calls once per attempt; no response's
/// headers are copied to read its body; and the headers a spec pins reach the runtime as ready-made values.
#[test]
fn requests_are_built_with_no_work_the_runtime_would_undo() {
    for file in spec_files() {
        let source = file.generated_source();
        let sends = source.matches("pub async fn send(").count();
        assert!(sends > 0, "{}", file.name);
        assert!(
            !source.contains(r#"from_static("api-version")"#),
            "{}: a send() still builds progenitor's api-version header",
            file.name
        );
        for handed_over in ["client.exec(", "client.pre(", "client.post(", "try_clone"] {
            assert!(
                !source.contains(handed_over),
                "{}: generated code calls `{handed_over}`",
                file.name
            );
        }
        assert_eq!(
            source
                .matches("cloud_apis_runtime::Requests::Rebuilt(&mut request)")
                .count(),
            sends,
            "{}: every send() hands the runtime a request builder",
            file.name
        );
        for copying in ["ResponseValue::from_response", "ResponseValue::empty("] {
            assert!(
                !source.contains(copying),
                "{}: generated code reads a body with progenitor's `{copying}` (copies the headers)",
                file.name
            );
        }
    }
    let apis = cloud_apis::apis();
    let v12 = apis.iter().find(|a| a.name == "scp-cloudcontrol-v1.2");
    assert_eq!(
        v12.and_then(|a| a.pinned_header("scp-api-version")),
        Some("cloudcontrol 1.2")
    );
    assert_eq!(
        v12.map(|a| a.pinned_headers.len()),
        Some(1),
        "SCP pins its version header"
    );
}
