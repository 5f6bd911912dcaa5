//! Every operation's contract (`cloud_apis_tests::contracts`) run through the harness, the coverage check, and the
//! refusal of bad input before sending.

use cloud_apis_tests::contract::{json, run, Contract, Report};
use cloud_apis_tests::contracts::contracts;
use cloud_apis_tests::specs::{operations, spec_files};

/// Every operation's typed method, called once against the sandbox with its spec-made arguments: each answer has a
/// documented status and decodes into the generated types; lists succeed, anything else succeeds or answers the
/// documented 404 (an id the sandbox never made) or 409; and the sandbox answered nothing its spec does not document.
#[tokio::test]
async fn every_contract_is_answered_as_documented_by_the_sandbox() {
    use cloud_apis_sandbox::{
        Sandbox, CLOUDCRAFT_API_KEY, PANTHER_TOKEN, SCP_ACCESS_KEY, SCP_SECRET_KEY,
    };
    use cloud_apis_tests::contract::{call_once, Clients, Target};
    let sandbox = Sandbox::start().await.unwrap();
    let clients = Clients::at(&Target {
        panther_url: &sandbox.panther_url(),
        panther_token: PANTHER_TOKEN,
        cloudcraft_url: &sandbox.cloudcraft_url(),
        cloudcraft_key: CLOUDCRAFT_API_KEY,
        scp_url: &sandbox.scp_url(),
        scp_access_key: SCP_ACCESS_KEY,
        scp_secret_key: SCP_SECRET_KEY,
        clock: std::time::SystemTime::now,
    });
    // A list names nothing that may be missing; anything else may name an id the sandbox never made.
    let needs_nothing: std::collections::BTreeSet<(String, String)> = spec_files()
        .iter()
        .flat_map(|f| {
            operations(&f.openapi())
                .into_iter()
                .filter(|op| op.method == "GET" && !op.path.contains('{'))
                .map(|op| (f.name.to_string(), op.operation_id))
        })
        .collect();
    let mut failures = Vec::new();
    for contract in contracts() {
        let key = (contract.spec.to_string(), contract.operation_id.to_string());
        match call_once(&clients, &contract).await {
            Ok(200..=299) => {}
            Ok(status @ (404 | 409)) if !needs_nothing.contains(&key) => {
                println!("{} {}: {status}", key.0, key.1)
            }
            Ok(status) => failures.push(format!("{} {}: {status}", key.0, key.1)),
            Err(failure) => failures.push(failure),
        }
    }
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(sandbox.violations(), Vec::<String>::new());
}

/// Fails when an operation in `specs/` has no contract (or a contract names no operation).
#[test]
fn every_spec_operation_has_exactly_one_contract() {
    let mut expected: Vec<(String, String)> = spec_files()
        .iter()
        .flat_map(|f| {
            operations(&f.openapi())
                .into_iter()
                .map(|op| (f.name.to_string(), op.operation_id))
        })
        .collect();
    let mut covered: Vec<(String, String)> = contracts()
        .iter()
        .map(|c| (c.spec.to_string(), c.operation_id.to_string()))
        .collect();
    expected.sort();
    covered.sort();
    assert_eq!(covered, expected, "add a contract for each new operation");
}

/// The harness notices a call that does not do what the spec says (here: the wrong id, a missing query parameter).
#[tokio::test]
async fn a_call_that_breaks_the_contract_is_caught() {
    let wrong_path = Contract {
        spec: "panther",
        operation_id: "role#get",
        call: |k, _c| {
            Box::pin(async move { json(k.panther.role_get().id("someone-else").send().await) })
        },
    };
    let report = run(&wrong_path).await;
    assert_eq!(
        report.failures.len(),
        report.responses,
        "{:#?}",
        report.failures
    );
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.contains("path /roles/someone-else")),
        "{:#?}",
        report.failures
    );

    let missing_query = Contract {
        spec: "panther",
        operation_id: "role#list",
        call: |k, c| {
            Box::pin(async move { json(k.panther.role_list().name(c.str("name")).send().await) })
        },
    };
    let report = run(&missing_query).await;
    assert!(
        report.failures.iter().any(|f| f.contains("query")),
        "{:#?}",
        report.failures
    );
}

#[tokio::test]
async fn every_operation_honours_its_contract() {
    let mut total = Report::default();
    let mut per_spec: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for contract in contracts() {
        let report = run(&contract).await;
        let entry = per_spec.entry(contract.spec).or_default();
        entry.0 += 1;
        entry.1 += report.responses;
        total.responses += report.responses;
        total.checks += report.checks;
        total.failures.extend(report.failures);
    }
    for (spec, (ops, responses)) in &per_spec {
        println!("{spec}: {ops} operations, {responses} documented responses exercised");
    }
    println!("{} checks held", total.checks);
    assert!(
        total.failures.is_empty(),
        "{} contract failures:\n{}",
        total.failures.len(),
        total.failures.join("\n")
    );
    assert_eq!(
        per_spec["panther"].0, 96,
        "Panther's published REST API has 96 operations"
    );
    assert_eq!(
        per_spec["cloudcraft"].0, 21,
        "Cloudcraft's reference has 20 operations, and its Go SDK calls one more"
    );
    assert_eq!(
        per_spec.values().map(|(ops, _)| ops).sum::<usize>(),
        96 + 21 + 14 + 16 + 16
    );
}

/// Every constrained request field and enum parameter of every operation: the call is refused before any request
/// reaches the server, with an error naming the field.
#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let mut refused = 0;
    let mut failures = Vec::new();
    let mut derived: Vec<(String, String, &str)> = Vec::new();
    for contract in contracts() {
        for violation in cloud_apis_tests::contract::violations(&contract) {
            derived.push((
                contract.operation_id.to_string(),
                violation.field.clone(),
                violation.rule,
            ));
            match cloud_apis_tests::contract::refuse(&contract, &violation).await {
                Ok(()) => refused += 1,
                Err(e) => failures.push(e),
            }
        }
    }
    println!("{refused} invalid calls refused before sending");
    // The derivation finds the constraints the issue names, among others.
    for (operation, field, rule) in [
        ("aws cloud account#create", "awsAccountId", "pattern"),
        ("aws cloud account#create", "integrationLabel", "maxLength"),
        ("aws cloud account#create", "regionIgnoreList", "pattern"),
        ("ListBaselineAssignments", "status", "enum"),
        ("role#create", "name", "required"),
        ("CreateLandingZone", "audit_login_id", "email"),
        ("CreateLandingZone", "audit_account_name", "minLength"),
        ("CreateLandingZone", "log_archive_account_name", "pattern"),
        ("ListBaselineAssignments", "resource_type", "enum"),
        ("snapshotAwsAccount", "theme", "enum"),
        ("alert#list", "limit", "maximum"),
        ("alert#list", "status", "enum"),
        ("user#list", "limit", "maximum"),
        ("contexttag#create", "tag", "pattern"),
        ("alert#bulkPatch", "ids", "required"),
        ("rule#create", "severity", "required"),
    ] {
        assert!(
            derived
                .iter()
                .any(|(o, f, r)| o == operation && f == field && *r == rule),
            "{operation} {field} {rule} was not derived"
        );
    }
    assert!(
        failures.is_empty(),
        "{} not refused:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        refused >= 40,
        "only {refused} violations derived from the specs"
    );
}
