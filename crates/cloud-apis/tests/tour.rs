//! The tour, run against the sandbox: records are created and the files it writes are valid documents.

#[path = "../examples/tour/flow.rs"]
mod flow;

#[tokio::test]
async fn the_tour_walks_all_three_providers_against_the_sandbox() {
    let sandbox = cloud_apis_sandbox::Sandbox::start().await.unwrap();
    let targets = flow::sandbox_targets(&sandbox);
    let out = std::env::temp_dir().join(format!("cloud-apis-tour-{}", std::process::id()));
    let outcome = flow::run(&targets, &out).await.unwrap();

    assert!(outcome.panther_account.is_some());
    assert!(
        outcome.roles.contains(&"Tour Analyst".to_string()),
        "{:?}",
        outcome.roles
    );
    // Alert triage: the three seeded open alerts came through the stream (pages of two), the first carries the
    // tour's comment, and the bulk update left none open.
    assert_eq!(
        outcome.open_alerts,
        [
            "alert-okta-bruteforce",
            "alert-okta-bruteforce-2",
            "alert-root-login"
        ]
    );
    assert_eq!(
        outcome.first_alert_comments,
        ["Looked at by the cloud-apis tour: expected activity, triaging."]
    );
    assert_eq!(outcome.open_after_triage, Some(0));
    assert!(outcome.cloudcraft_account.is_some());
    assert!(outcome.landing_zone.is_some());
    assert_eq!(outcome.guardrails_enabled, 2);
    assert_eq!(outcome.assignments_v1_0, ["ou-tour-workloads"]);
    assert_eq!(
        outcome.scp_version,
        Some((
            "1.2".to_string(),
            Some(cloud_apis::scp::VersionStatus::Current)
        ))
    );
    assert_eq!(
        outcome.assignments_v1_2,
        [("ou-tour-workloads".to_string(), Some("ENABLED".to_string()))]
    );

    // A real PNG of the requested size: signature, then an IHDR chunk with width 1200 and height 800.
    let png = std::fs::read(outcome.snapshot_png.unwrap()).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1200);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 800);
    // The JSON inventory is a blueprint listing the account's components.
    let inventory: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outcome.inventory_json.unwrap()).unwrap()).unwrap();
    assert_eq!(inventory["nodes"].as_array().map(Vec::len), Some(5));
    // The blueprint: exported as an 800x600 PNG and a CSV budget of its four components, edited safely, and the
    // write made with the version read before that edit refused.
    let png = std::fs::read(outcome.blueprint_png.unwrap()).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 800);
    let csv = std::fs::read_to_string(outcome.budget_csv.unwrap()).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("category,type,region,count,unitPrice,cost"),
        "{csv}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Compute,ec2,us-east-1,2,")),
        "{csv}"
    );
    assert_eq!(rows.len(), 4, "{csv}");
    assert_eq!(outcome.blueprint_tags, ["tour", "reviewed"]);
    let refused = outcome
        .stale_update_refused
        .expect("the stale update is refused");
    assert!(
        refused.contains("updateBlueprint") && refused.contains("412"),
        "{refused}"
    );
    std::fs::remove_dir_all(&out).unwrap();
    // Every answer the sandbox gave the tour is one its spec documents.
    assert_eq!(sandbox.violations(), Vec::<String>::new());
}
