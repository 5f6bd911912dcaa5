//! The curated documents in `specs/` are well-formed, complete and self-consistent.

use cloud_apis_tests::examples;
use cloud_apis_tests::json_schema::DocumentValidator;
use cloud_apis_tests::specs::{operations, spec, spec_files, OperationRef};
use serde_json::{json, Value};

/// A fixture's operations: `METHOD PATH operationId` per line (the operationId may hold spaces), optionally followed
/// by ` <- ` and the provider's own operationId; `#` starts a comment line.
fn fixture(text: &'static str) -> Vec<(&'static str, &'static str, &'static str)> {
    fixture_lines(text)
        .map(|(m, p, id, _)| (m, p, id))
        .collect()
}

type FixtureLine = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

fn fixture_lines(text: &'static str) -> impl Iterator<Item = FixtureLine> {
    text.lines().filter(|l| !l.starts_with('#')).map(|l| {
        let mut parts = l.splitn(3, ' ');
        let mut next = || parts.next().unwrap_or_else(|| panic!("fixture line {l:?}"));
        let (method, path, rest) = (next(), next(), next());
        match rest.split_once(" <- ") {
            Some((id, published)) => (method, path, id, Some(published)),
            None => (method, path, rest, None),
        }
    })
}

/// The operation set each document must contain, exactly: (method, path, operationId).
fn expected_operations(name: &str) -> Vec<OperationRef> {
    let scp_common: &[(&str, &str, &str)] = &[
        ("GET", "/", "ListVersions"),
        (
            "POST",
            "/v1/baseline-assignments/{assignment_id}",
            "AddBaselineAssignment",
        ),
        ("POST", "/v1/accounts", "CreateAccountFactoryAccount"),
        ("POST", "/v1/landing-zones", "CreateLandingZone"),
        (
            "DELETE",
            "/v1/landing-zones/{landing_zone_id}",
            "DeleteLandingZone",
        ),
        (
            "DELETE",
            "/v1/guardrail-bindings",
            "DisableGuardrailBindings",
        ),
        ("POST", "/v1/guardrail-bindings", "EnableGuardrailBindings"),
        ("GET", "/v1/baseline-assignments", "ListBaselineAssignments"),
        ("GET", "/v1/guardrails", "ListGuardrails"),
        (
            "GET",
            "/v1/guardrail-bindings/guardrails",
            "ListGuardrailsForTarget",
        ),
        (
            "GET",
            "/v1/guardrail-bindings/targets",
            "ListTargetsForGuardrail",
        ),
        ("GET", "/v1/guardrails/{guardrail_id}", "ShowGuardrail"),
        (
            "GET",
            "/v1/landing-zones/{landing_zone_id}",
            "ShowLandingZone",
        ),
        (
            "PUT",
            "/v1/baseline-assignments/{assignment_id}",
            "UpdateBaselineAssignment",
        ),
    ];
    let scp_v1_1_only: &[(&str, &str, &str)] = &[
        (
            "DELETE",
            "/v1/baseline-assignments/{assignment_id}",
            "RemoveBaselineAssignment",
        ),
        (
            "PUT",
            "/v1/landing-zones/{landing_zone_id}",
            "SetLandingZone",
        ),
    ];
    let list: Vec<(&str, &str, &str)> = match name {
        // All 96 operations of Panther's published document (method, path, operationId), as listed there.
        "panther" => fixture(include_str!("../fixtures/panther-operations.txt")),
        // Every operation of Cloudcraft's reference document, plus the one only its Go SDK calls.
        "cloudcraft" => fixture(include_str!("../fixtures/cloudcraft-operations.txt")),
        "scp-cloudcontrol-v1.0" => scp_common.to_vec(),
        "scp-cloudcontrol-v1.1" | "scp-cloudcontrol-v1.2" => [scp_common, scp_v1_1_only].concat(),
        other => panic!("no expectation for {other}"),
    };
    let mut ops: Vec<OperationRef> = list
        .into_iter()
        .map(|(method, path, id)| OperationRef {
            method: method.into(),
            path: path.into(),
            operation_id: id.into(),
        })
        .collect();
    ops.sort();
    ops
}

/// The specs this project reconstructed from the providers' prose references (Panther publishes its own document);
/// the SCP ones last.
const RECONSTRUCTED: [&str; 4] = [
    "cloudcraft",
    "scp-cloudcontrol-v1.0",
    "scp-cloudcontrol-v1.1",
    "scp-cloudcontrol-v1.2",
];

#[test]
fn every_spec_is_openapi_3_0_with_exactly_the_documented_operations() {
    for file in spec_files() {
        let doc = file.openapi();
        assert!(
            doc.openapi.starts_with("3.0."),
            "{}: progenitor reads only OpenAPI 3.0.x, found {}",
            file.name,
            doc.openapi
        );
        assert_eq!(
            operations(&doc),
            expected_operations(file.name),
            "{}: operation set",
            file.name
        );
    }
}

/// Where the spec names an operation differently from Cloudcraft's reference, the operation says so (and names the
/// reference's operationId) in an `x-cloud-apis-source` note.
#[test]
fn cloudcraft_operations_renamed_from_the_reference_carry_a_note() {
    let raw = spec("cloudcraft").raw();
    for (method, path, id, published) in
        fixture_lines(include_str!("../fixtures/cloudcraft-operations.txt"))
    {
        let op = &raw["paths"][path][method.to_lowercase()];
        assert_eq!(op["operationId"], id, "{method} {path}");
        let note = op["x-cloud-apis-source"].as_str().unwrap_or_default();
        match published {
            Some("-") => assert!(note.contains("Go SDK"), "{id}: {note:?}"),
            Some(published) => assert!(note.contains(&format!("`{published}`")), "{id}: {note:?}"),
            None => {}
        }
    }
}

#[test]
fn operation_ids_are_unique_within_each_spec() {
    for file in spec_files() {
        let ops = operations(&file.openapi());
        let mut ids: Vec<&str> = ops.iter().map(|o| o.operation_id.as_str()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "{}: duplicate operationId", file.name);
    }
}

#[test]
fn every_example_validates_against_its_schema() {
    let mut total = 0;
    for file in spec_files() {
        let raw = file.raw();
        let validator = DocumentValidator::new(&raw);
        let mut failures = Vec::new();
        for example in examples::collect(&raw) {
            total += 1;
            if let Err(errors) = validator.validate(&example.schema, &example.value) {
                failures.push(format!("{}: {}", example.pointer, errors.join("; ")));
            }
        }
        assert!(
            failures.is_empty(),
            "{}: examples that break their schema:\n{}",
            file.name,
            failures.join("\n")
        );
    }
    assert!(total > 0, "no examples found at all");
}

/// Every JSON request body and every JSON success response in the reconstructed specs carries the provider's
/// example, so the contract tests and the docs always have a realistic value to show.
#[test]
fn reconstructed_specs_attach_examples_to_json_bodies() {
    // The one exception: the snapshot's JSON blueprint is an open document the provider shows no example of.
    let exempt = ["cloudcraft: GET /aws/account/{account_id}/{region}/{format} response 200"];
    for name in RECONSTRUCTED {
        let raw = spec(name).raw();
        let mut missing = Vec::new();
        for (path, item) in raw["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let mut bodies: Vec<(String, &Value)> = Vec::new();
                if let Some(media) = op.pointer("/requestBody/content/application~1json") {
                    bodies.push(("request".into(), media));
                }
                for (status, response) in op["responses"].as_object().into_iter().flatten() {
                    let success = status.starts_with('2');
                    if let (true, Some(media)) =
                        (success, response.pointer("/content/application~1json"))
                    {
                        bodies.push((format!("response {status}"), media));
                    }
                }
                for (what, media) in bodies {
                    let place = format!("{name}: {} {path} {what}", method.to_uppercase());
                    let has_example =
                        media.get("example").is_some() || media.get("examples").is_some();
                    if !has_example && !exempt.contains(&place.as_str()) {
                        missing.push(place);
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "bodies without an example: {missing:#?}"
        );
    }
}

/// The validation machinery rejects what the spec forbids, so a passing example run means something.
#[test]
fn a_broken_example_is_reported() {
    let raw = spec("panther").raw();
    let validator = DocumentValidator::new(&raw);
    let schema = json!({"$ref": "#/components/schemas/AWSCloudAccountAPI.CreateAWSCloudAccount"});
    let good = json!({
        "awsAccountId": "123456789012",
        "integrationLabel": "prod-account",
        "awsScanConfig": {"auditRole": "arn:aws:iam::123456789012:role/PantherAuditRole"}
    });
    assert_eq!(validator.validate(&schema, &good), Ok(()));
    let mut bad = good.clone();
    bad["awsAccountId"] = json!("12345");
    bad["integrationLabel"] = json!("x".repeat(37));
    let errors = validator.validate(&schema, &bad).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("/awsAccountId")));
    assert!(errors.iter().any(|e| e.starts_with("/integrationLabel")));
}

#[test]
fn scp_documents_pin_their_own_version_header() {
    for (name, version) in [
        ("scp-cloudcontrol-v1.0", "cloudcontrol 1.0"),
        ("scp-cloudcontrol-v1.1", "cloudcontrol 1.1"),
        ("scp-cloudcontrol-v1.2", "cloudcontrol 1.2"),
    ] {
        let raw = spec(name).raw();
        let header = &raw["components"]["parameters"]["ScpApiVersion"];
        assert_eq!(header["name"], "Scp-Api-Version", "{name}");
        assert_eq!(header["in"], "header", "{name}");
        assert_eq!(header["required"], true, "{name}");
        assert_eq!(header["schema"]["enum"], json!([version]), "{name}");
        for (path, item) in raw["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                // The unsigned version list at the service root serves every version alike.
                if op.get("security") == Some(&json!([])) {
                    assert_eq!(op["operationId"], "ListVersions", "{name}: {method} {path}");
                    continue;
                }
                let refs: Vec<&str> = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p["$ref"].as_str())
                    .collect();
                assert!(
                    refs.contains(&"#/components/parameters/ScpApiVersion"),
                    "{name}: {method} {path} does not declare Scp-Api-Version"
                );
            }
        }
    }
}

/// Every field that carries a credential (found by auditing every spec, #25) is `format: password`, which the
/// generator types `cloud_apis_runtime::Secret`; and where the provider's document says otherwise, a note says why.
#[test]
fn every_credential_field_is_a_password_with_a_note() {
    let fields: &[(&str, &str, &[&str])] = &[
        ("panther", "APITokenAPI.APIToken", &["value"]),
        ("panther", "GcsSourceAPI.GcsSource", &["credentials"]),
        ("panther", "GcsSourceAPI.ModifyGcsSource", &["credentials"]),
        ("panther", "PubSubSourceAPI.PubSubSource", &["credentials"]),
        (
            "panther",
            "PubSubSourceAPI.ModifyPubSubSource",
            &["credentials"],
        ),
        (
            "panther",
            "HttpSourceAPI.HTTPSource",
            &["authBearerToken", "authPassword", "authSecretValue"],
        ),
        (
            "panther",
            "HttpSourceAPI.ModifyHTTPSource",
            &["authBearerToken", "authPassword", "authSecretValue"],
        ),
        ("cloudcraft", "BlueprintData", &["linkKey"]),
        ("cloudcraft", "AzureAccount", &["clientSecret"]),
        ("cloudcraft", "AzureAccountCreateRequest", &["clientSecret"]),
        ("cloudcraft", "AzureAccountUpdateRequest", &["clientSecret"]),
    ];
    for (name, schema, names) in fields {
        let raw = spec(name).raw();
        for field in *names {
            let property = &raw["components"]["schemas"][schema]["properties"][field];
            assert_eq!(property["type"], "string", "{name} {schema}.{field}");
            assert_eq!(property["format"], "password", "{name} {schema}.{field}");
            if *name == "panther" || *field == "linkKey" {
                let note = property["x-cloud-apis-source"].as_str().unwrap_or_default();
                assert!(
                    note.contains("`format: password`"),
                    "{schema}.{field}: {note:?}"
                );
            }
        }
    }
    // And nothing named like a credential was missed: every property called a secret, a password, a bearer
    // token or credentials, in any spec, is one of them.
    let credential_like = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["secret", "password", "bearertoken", "linkkey"]
            .iter()
            .any(|w| name.contains(w))
            || name == "credentials"
    };
    for file in spec_files() {
        let raw = spec(file.name).raw();
        for (schema_name, schema) in raw["components"]["schemas"].as_object().unwrap() {
            for (field, property) in schema["properties"].as_object().into_iter().flatten() {
                if credential_like(field) {
                    assert_eq!(
                        property["format"], "password",
                        "{}: {schema_name}.{field} carries a credential",
                        file.name
                    );
                }
            }
        }
    }
}

/// A credential a response carries does not show when the decoded response is printed.
#[test]
fn credentials_in_decoded_responses_are_redacted_in_debug() {
    let token: panther_client::types::ApiToken = serde_json::from_value(json!({
        "id": "t-1", "name": "ci", "permissions": ["AlertRead"], "createdAt": "2026-01-01T00:00:00Z",
        "value": "pt-live-9f8e7d6c5b4a"
    }))
    .unwrap();
    let shown = format!("{token:?}");
    assert!(!shown.contains("pt-live-9f8e7d6c5b4a"), "{shown}");
    assert!(shown.contains("[REDACTED]"), "{shown}");
    assert_eq!(
        token.value.as_ref().unwrap().expose(),
        "pt-live-9f8e7d6c5b4a"
    );
    // Serialized again (a request built from it), the value is the plain string the API expects.
    assert_eq!(
        serde_json::to_value(&token).unwrap()["value"],
        "pt-live-9f8e7d6c5b4a"
    );

    let source: panther_client::types::HttpSource = serde_json::from_value(json!({
        "integrationId": "h-1", "integrationLabel": "webhook", "authMethod": "HMAC",
        "authSecretValue": "hmac-key-1234", "authBearerToken": "bearer-5678", "authPassword": "pw-9012"
    }))
    .unwrap();
    let shown = format!("{source:?}");
    for secret in ["hmac-key-1234", "bearer-5678", "pw-9012"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert_eq!(
        source.auth_secret_value.as_ref().unwrap().expose(),
        "hmac-key-1234"
    );

    let data: cloudcraft_client::types::BlueprintData =
        serde_json::from_value(json!({"name": "web", "linkKey": "lk-abcdef123456"})).unwrap();
    let shown = format!("{data:?}");
    assert!(!shown.contains("lk-abcdef123456"), "{shown}");
}

/// Cloudcraft's reference declares 429 on no operation (its prose states the rate limit): every 429 of the spec
/// says so in a note.
#[test]
fn cloudcraft_rate_limit_answers_carry_a_note() {
    let raw = spec("cloudcraft").raw();
    let mut seen = 0;
    for (path, item) in raw["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(response) = op["responses"].get("429") else {
                continue;
            };
            seen += 1;
            let note = response["x-cloud-apis-source"].as_str().unwrap_or_default();
            assert!(
                note.contains("Not in Cloudcraft's reference") && note.contains("rate limit"),
                "{method} {path}: {note:?}"
            );
        }
    }
    assert_eq!(seen, 21);
    // Notes on the other statuses added never claim the reference lists a 429.
    for (path, item) in raw["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let note = response["x-cloud-apis-source"].as_str().unwrap_or_default();
                assert!(
                    !(note.contains("lists only") && note.contains("429")),
                    "{method} {path} {status}: {note:?}"
                );
            }
        }
    }
}

/// Cloudcraft's reference has no required lists: each record that requires fields says why, and the fields the
/// official Go SDK models are there (`AwsAccount.source`).
#[test]
fn cloudcraft_required_lists_and_sdk_fields_carry_notes() {
    let raw = spec("cloudcraft").raw();
    let schemas = &raw["components"]["schemas"];
    for (name, count) in [
        ("AwsAccount", 7),
        ("User", 3),
        ("Team", 2),
        ("AwsIamParameters", 3),
    ] {
        assert_eq!(
            schemas[name]["required"].as_array().map(Vec::len),
            Some(count),
            "{name}"
        );
        let note = schemas[name]["x-cloud-apis-source"]
            .as_str()
            .unwrap_or_default();
        assert!(note.contains("required"), "{name}: {note:?}");
    }
    let source = &schemas["AwsAccount"]["properties"]["source"];
    assert_eq!(source["type"], "string");
    assert!(source["x-cloud-apis-source"]
        .as_str()
        .is_some_and(|n| n.contains("Go SDK")));
}

/// Panther's role permissions beyond the roles document this spec started from say where they come from.
#[test]
fn panther_permissions_missing_from_the_seed_carry_a_note() {
    let raw = spec("panther").raw();
    for schema in ["RoleAPI.Role", "RoleAPI.ModifyRole"] {
        let permissions = &raw["components"]["schemas"][schema]["properties"]["permissions"];
        let note = permissions["x-cloud-apis-source"]
            .as_str()
            .unwrap_or_default();
        for value in [
            "NotificationsSend",
            "ManageScheduledPrompts",
            "ViewScheduledPrompts",
        ] {
            assert!(
                permissions["items"]["enum"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(value)),
                "{schema}: {value}"
            );
            assert!(note.contains(&format!("`{value}`")), "{schema}: {note:?}");
        }
    }
}

/// SCP's account id header is optional (the reference's examples do not send it; the signature takes it empty):
/// every spec offers a security requirement without it, beside the one with it, and says why.
#[test]
fn scp_account_id_is_an_optional_credential() {
    for name in &RECONSTRUCTED[1..] {
        let raw = spec(name).raw();
        let requirements = raw["security"].as_array().unwrap();
        let signed = [
            "ScpAccessKey",
            "ScpSignature",
            "ScpTimestamp",
            "ScpClientType",
        ];
        assert!(
            requirements.iter().any(|r| {
                let r = r.as_object().unwrap();
                r.len() == 4 && signed.iter().all(|s| r.contains_key(*s))
            }),
            "{name}: {requirements:?}"
        );
        assert!(
            requirements.iter().all(|r| signed
                .iter()
                .all(|s| r.as_object().unwrap().contains_key(*s))),
            "{name}: every alternative is signed"
        );
        let note = raw["components"]["securitySchemes"]["ScpAccountId"]["x-cloud-apis-source"]
            .as_str()
            .unwrap_or_default();
        assert!(note.contains("empty"), "{name}: {note:?}");
    }
}

/// Integer query parameters of Cloudcraft and SCP are bounded on both sides (the provider documents no bounds;
/// each bound is noted), so the clients refuse an out-of-range value before sending it.
#[test]
fn cloudcraft_and_scp_integer_parameters_are_bounded_with_a_note() {
    let mut seen = 0;
    for name in RECONSTRUCTED {
        let raw = spec(name).raw();
        for (path, item) in raw["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for param in op["parameters"].as_array().into_iter().flatten() {
                    if param["schema"]["type"] != "integer" {
                        continue;
                    }
                    seen += 1;
                    let what = format!("{name}: {method} {path} {}", param["name"]);
                    assert!(param["schema"]["minimum"].is_i64(), "{what}");
                    assert!(param["schema"]["maximum"].is_i64(), "{what}");
                    assert!(param["x-cloud-apis-source"].is_string(), "{what}");
                }
            }
        }
    }
    // width and height on three renders; page and size on three lists of three versions.
    assert_eq!(seen, 6 + 18);
}
