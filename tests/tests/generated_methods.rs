//! Every operation of every spec is a method of its generated client, sending the spec's method and path.

use cloud_apis_tests::generated::{client_methods, ClientMethod};
use cloud_apis_tests::specs::{method_name, operations, SPEC_FILES};

#[test]
fn each_spec_operation_is_exactly_one_client_method() {
    for file in SPEC_FILES {
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
