//! The tour's walk through the three providers, shared by `cargo run --example tour` and its test.

use std::path::{Path, PathBuf};

use cloud_apis::cloudcraft::CloudcraftConfig;
use cloud_apis::cloudcraft::{
    self, types as ct, types::SnapshotFormat, ClientBlueprintExt, ClientSnapshotExt, Snapshot,
    SnapshotRequest,
};
use cloud_apis::panther::PantherConfig;
use cloud_apis::panther::{self, types as pt};
use cloud_apis::scp::cloudcontrol::{v1_2, CloudControlVersion};
use cloud_apis::scp::{Environment, ScpConfig};
use cloud_apis_sandbox::Sandbox;
use futures::TryStreamExt;

/// The clients the tour talks to, and whether it may change anything on each.
pub struct Targets {
    pub panther: panther::Client,
    pub cloudcraft: cloudcraft::Client,
    pub scp: cloud_apis::scp::ScpConfig,
    /// Writes (create account, role, landing zone, ...) per provider, in the order Panther, Cloudcraft, SCP:
    /// always against the sandbox, against a real service only with `--allow-writes`.
    pub writes: [bool; 3],
}

/// Clients for a running sandbox, writes allowed.
pub fn sandbox_targets(sandbox: &Sandbox) -> Targets {
    let cloudcraft = sandbox.cloudcraft_addr();
    Targets {
        panther: PantherConfig::new(sandbox.panther_url(), cloud_apis_sandbox::PANTHER_TOKEN)
            .build()
            .expect("sandbox config"),
        cloudcraft: CloudcraftConfig::new(cloud_apis_sandbox::CLOUDCRAFT_API_KEY)
            .protocol("http")
            .host(cloudcraft.ip().to_string())
            .port(cloudcraft.port())
            .build()
            .expect("sandbox config"),
        scp: ScpConfig::new(
            cloud_apis_sandbox::SCP_ACCESS_KEY,
            cloud_apis_sandbox::SCP_SECRET_KEY,
            Environment::Samsung,
        )
        .base_url(sandbox.scp_url()),
        writes: [true; 3],
    }
}

/// What the tour did, for its test.
#[derive(Debug, Default)]
pub struct Outcome {
    pub panther_account: Option<String>,
    pub roles: Vec<String>,
    /// The open alerts the triage step found, in the order the stream gave them.
    pub open_alerts: Vec<String>,
    /// The comments on the first of them after the tour commented on it.
    pub first_alert_comments: Vec<String>,
    /// Open alerts left after the bulk update.
    pub open_after_triage: Option<usize>,
    pub cloudcraft_account: Option<String>,
    pub snapshot_png: Option<PathBuf>,
    pub inventory_json: Option<PathBuf>,
    /// The tour's blueprint exported as PNG, and its monthly budget as CSV.
    pub blueprint_png: Option<PathBuf>,
    pub budget_csv: Option<PathBuf>,
    /// The tags the blueprint ended with after the safe edit.
    pub blueprint_tags: Vec<String>,
    /// Whether the update sent with the stale `ETag` was refused with 412, and what the error said.
    pub stale_update_refused: Option<String>,
    pub landing_zone: Option<String>,
    pub guardrails_enabled: usize,
    pub assignments_v1_0: Vec<String>,
    pub assignments_v1_2: Vec<(String, Option<String>)>,
    /// The Cloud Control version the tour pinned, with the status the service reported for it.
    pub scp_version: Option<(String, Option<cloud_apis::scp::VersionStatus>)>,
}

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A blueprint's life: created, exported as an image and a budget, edited safely, and a stale write refused.
async fn blueprint_round_trip(
    t: &Targets,
    writes: bool,
    out_dir: &Path,
    outcome: &mut Outcome,
) -> Result<()> {
    let listed = t.cloudcraft.list_blueprints().send().await?.into_inner();
    println!("blueprints: {}", listed.blueprints.len());
    if !writes {
        return Ok(());
    }
    let diagram: ct::BlueprintData = serde_json::from_value(serde_json::json!({
        "name": "Tour web application",
        "grid": "standard",
        "projection": "isometric",
        "nodes": [
            {"id": "lb", "type": "elb", "mapPos": [0, 0], "region": "us-east-1"},
            {"id": "web-1", "type": "ec2", "mapPos": [2, -1], "region": "us-east-1",
             "platform": "linux", "instanceType": "m5", "instanceSize": "large"},
            {"id": "web-2", "type": "ec2", "mapPos": [2, 1], "region": "us-east-1",
             "platform": "linux", "instanceType": "m5", "instanceSize": "large"},
            {"id": "db", "type": "rds", "mapPos": [4, 0], "region": "us-east-1",
             "engine": "postgres", "instanceType": "db.r6g", "instanceSize": "large"}
        ]
    }))?;
    let created = t
        .cloudcraft
        .create_blueprint()
        .body(
            ct::BlueprintCreateRequest::builder()
                .data(diagram)
                .tags(vec!["tour".to_string()]),
        )
        .send()
        .await?
        .into_inner();
    let id = created.id;
    println!("created blueprint {id}");

    // Exports stream straight to disk, whatever their size.
    let png = out_dir.join("blueprint.png");
    let bytes = t
        .cloudcraft
        .export_blueprint_image()
        .blueprint_id(&id)
        .format(ct::ExportBlueprintImageFormat::Png)
        .width(800)
        .height(600)
        .download()
        .await?
        .save(&png)
        .await?;
    println!(
        "blueprint: {bytes} bytes of PNG written to {}",
        png.display()
    );
    outcome.blueprint_png = Some(png);
    let csv = out_dir.join("budget.csv");
    let bytes = t
        .cloudcraft
        .export_blueprint_budget()
        .blueprint_id(&id)
        .format(ct::ExportBlueprintBudgetFormat::Csv)
        .currency(ct::Currency::Usd)
        .period(ct::Period::M)
        .download()
        .await?
        .save(&csv)
        .await?;
    println!("budget: {bytes} bytes of CSV written to {}", csv.display());
    outcome.budget_csv = Some(csv);

    // Optimistic concurrency: remember the version read now, let a safe edit change the blueprint, then try to
    // write with the remembered (now stale) version.
    let read = t
        .cloudcraft
        .get_blueprint()
        .blueprint_id(&id)
        .send()
        .await?;
    let stale = cloudcraft::etag(read.headers())
        .unwrap_or_default()
        .to_string();
    let edited = t
        .cloudcraft
        .edit_blueprint(&id, |blueprint| {
            blueprint
                .tags
                .get_or_insert_with(Vec::new)
                .push("reviewed".into());
        })
        .await?;
    outcome.blueprint_tags = edited.blueprint.tags.clone().unwrap_or_default();
    println!("edited blueprint: tags {:?}", outcome.blueprint_tags);
    let blind =
        ct::BlueprintUpdateRequest::builder().data(read.into_inner().data.unwrap_or_default());
    match t
        .cloudcraft
        .update_blueprint()
        .blueprint_id(&id)
        .if_match(stale)
        .body(blind)
        .send()
        .await
    {
        Err(e) if e.is_precondition_failed() => {
            println!("stale update refused: {e}");
            outcome.stale_update_refused = Some(e.to_string());
        }
        Err(e) => return Err(e.into()),
        Ok(_) => println!("stale update was accepted (the service ignored If-Match)"),
    }
    Ok(())
}

/// Alert triage: every open alert as one stream (pages of two, fetched as the stream is read), a comment on the
/// first, then all of them marked TRIAGED in one bulk update.
async fn triage_alerts(t: &Targets, writes: bool, outcome: &mut Outcome) -> Result<()> {
    let open: Vec<pt::Alert> = t
        .panther
        .alert_list()
        .status(vec![pt::AlertStatus::Open.into()])
        .limit(2)
        .stream()
        .try_collect()
        .await?;
    outcome.open_alerts = open.iter().map(|a| a.id.to_string()).collect();
    for alert in &open {
        println!(
            "open alert {}: {}",
            alert.id,
            alert.title.as_deref().unwrap_or("(untitled)")
        );
    }
    let Some(first) = open.first().filter(|_| writes) else {
        return Ok(());
    };
    t.panther
        .comment_create()
        .body(
            pt::ModifyCommentReq::builder()
                .alert_id(first.id.clone())
                .body("Looked at by the cloud-apis tour: expected activity, triaging.")
                .format(pt::CommentFormat::PlainText),
        )
        .send()
        .await?;
    let comments = t
        .panther
        .comment_list()
        .alert_id(first.id.to_string())
        .send()
        .await?
        .into_inner();
    outcome.first_alert_comments = comments
        .results
        .iter()
        .filter_map(|c| c.body.as_ref()?.as_str().map(str::to_string))
        .collect();
    println!("commented on {}", first.id);
    t.panther
        .alert_bulk_patch()
        .body(
            pt::BulkPatchAlertReq::builder()
                .ids(open.iter().map(|a| a.id.clone()).collect::<Vec<_>>())
                .status(Some(pt::AlertStatus::Triaged.into())),
        )
        .send()
        .await?;
    let still_open = t
        .panther
        .alert_list()
        .status(vec![pt::AlertStatus::Open.into()])
        .send()
        .await?
        .into_inner();
    outcome.open_after_triage = Some(still_open.results.len());
    println!(
        "{} alerts triaged in one bulk update; {} still open",
        open.len(),
        still_open.results.len()
    );
    Ok(())
}

/// Walks the flow, printing what happens; files go to `out_dir`.
pub async fn run(t: &Targets, out_dir: &Path) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    std::fs::create_dir_all(out_dir)?;

    let [panther_writes, cloudcraft_writes, scp_writes] = t.writes;
    println!("== Panther");
    if panther_writes {
        let account = t
            .panther
            .aws_cloud_account_create()
            .body(
                pt::CreateAwsCloudAccount::builder()
                    .aws_account_id("444455556666")
                    .integration_label("tour-production")
                    .aws_scan_config(pt::AwsScanConfig {
                        audit_role: Some("arn:aws:iam::444455556666:role/PantherAuditRole".into()),
                    }),
            )
            .send()
            .await?
            .into_inner();
        println!(
            "registered AWS account {:?} as integration {:?}",
            account.aws_account_id, account.integration_id
        );
        outcome.panther_account = account.integration_id.as_ref().map(|id| id.to_string());
        let role = t
            .panther
            .role_create()
            .body(
                pt::ModifyRole::builder()
                    .name("Tour Analyst")
                    .permissions(vec![
                        pt::Permission::AlertRead.into(),
                        pt::Permission::CloudsecSourceRead.into(),
                    ]),
            )
            .send()
            .await?
            .into_inner();
        println!("created role {} ({:?})", role.name, role.id);
        // Read, modify, write: the role's own values (ids, permissions, even ones this client does not know)
        // go straight back into the update.
        let mut current = t.panther.role_get().id(&role.id).send().await?.into_inner();
        current.permissions.push(pt::Permission::UserRead.into());
        let updated = t
            .panther
            .role_update()
            .id(&role.id)
            .body(
                pt::ModifyRole::builder()
                    .name(current.name)
                    .permissions(current.permissions)
                    .log_type_access_kind(current.log_type_access_kind),
            )
            .send()
            .await?
            .into_inner();
        println!(
            "role {} now has {} permissions",
            updated.name,
            updated.permissions.len()
        );
    }
    let roles = t.panther.role_list().send().await?.into_inner();
    outcome.roles = roles.results.iter().map(|r| r.name.clone()).collect();
    println!("roles: {}", outcome.roles.join(", "));
    triage_alerts(t, panther_writes, &mut outcome).await?;

    println!("\n== Cloudcraft");
    let mut created_account = None;
    if cloudcraft_writes {
        let account = t
            .cloudcraft
            .create_aws_account()
            .body(
                cloudcraft::types::AwsAccountCreateRequest::builder()
                    .name("Tour Production")
                    .role_arn("arn:aws:iam::444455556666:role/cloudcraft"),
            )
            .send()
            .await?
            .into_inner();
        println!("registered AWS account {} as {}", account.name, account.id);
        outcome.cloudcraft_account = Some(account.id.to_string());
        created_account = Some(account.id);
    }
    let accounts = t.cloudcraft.list_aws_accounts().send().await?.into_inner();
    println!(
        "linked accounts: {}",
        accounts
            .accounts
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let target = created_account.or_else(|| accounts.accounts.first().map(|a| a.id.clone()));
    if let Some(id) = target {
        let png = SnapshotRequest::new(&id, "us-east-1", SnapshotFormat::Png)
            .options(|b| b.width(1200).height(800).theme("dark"))
            .poll_interval(std::time::Duration::from_millis(200));
        if let Snapshot::Document(document) = t.cloudcraft.snapshot(&png).await? {
            let path = out_dir.join("snapshot.png");
            let bytes = document.save(&path).await?;
            println!(
                "snapshot: {bytes} bytes of PNG written to {}",
                path.display()
            );
            outcome.snapshot_png = Some(path);
        }
        let json = SnapshotRequest::new(&id, "us-east-1", SnapshotFormat::Json)
            .poll_interval(std::time::Duration::from_millis(200));
        if let Snapshot::Blueprint(blueprint) = t.cloudcraft.snapshot(&json).await? {
            let path = out_dir.join("inventory.json");
            std::fs::write(&path, serde_json::to_vec_pretty(&blueprint)?)?;
            let nodes = blueprint.nodes.len();
            println!(
                "inventory: {nodes} components written to {}",
                path.display()
            );
            outcome.inventory_json = Some(path);
        }
    }

    blueprint_round_trip(t, cloudcraft_writes, out_dir, &mut outcome).await?;

    println!("\n== SCP Cloud Control");
    let report = t
        .scp
        .check_cloudcontrol_version(CloudControlVersion::latest())
        .await;
    match report {
        Ok(report) => {
            println!(
                "cloudcontrol {}: {:?} {:?}",
                report.version, report.status, report.warnings
            );
            outcome.scp_version = Some((report.version, report.status));
        }
        Err(e) => println!("version check failed: {e}"),
    }
    let v12 = t.scp.cloudcontrol_v1_2()?;
    #[allow(deprecated)]
    let v10 = t.scp.cloudcontrol_v1_0()?;
    if scp_writes {
        use v1_2::types as scp;
        let request = scp::LandingZoneCreateRequest::builder()
            .agree_yn(scp::AgreeYn::Y)
            .sso_type(scp::SsoType::IdCenter)
            .audit_account_name("AUDIT")
            .audit_login_id("audit@example.com")
            .log_archive_account_name("LOG_ARCHIVE")
            .log_archive_login_id("log-archive@example.com")
            .basic_ou_name("Security")
            .additional_ou_name("Sandbox")
            .detective_guardrail_status(scp::DetectiveGuardrailStatus::Enabled);
        let created = v12
            .create_landing_zone()
            .body(request)
            .send()
            .await?
            .into_inner();
        println!(
            "landing zone {} being created (job {})",
            created.landing_zone_id, created.job_id
        );
        outcome.landing_zone = Some(created.landing_zone_id.to_string());

        let guardrails: Vec<_> = v12.list_guardrails().stream().try_collect().await?;
        let ids: Vec<scp::GuardrailId> = guardrails.iter().take(2).map(|g| g.id.clone()).collect();
        let enabled = v12
            .enable_guardrail_bindings()
            .body(
                scp::GuardrailEnableRequest::builder()
                    .guardrail_ids(ids)
                    .unit_ids(vec![scp::UnitId::from("ou-tour-workloads")])
                    .landing_zone_id(created.landing_zone_id.clone()),
            )
            .send()
            .await?
            .into_inner();
        outcome.guardrails_enabled = enabled.success_ids.len();
        println!(
            "{} guardrails listed; enabled {} on ou-tour-workloads",
            guardrails.len(),
            outcome.guardrails_enabled
        );

        let added = v12
            .add_baseline_assignment()
            .assignment_id("ou-tour-workloads")
            .body(
                scp::BaselineAssignmentAddRequest::builder()
                    .agree_yn(scp::AgreeYn::Y)
                    .landing_zone_id(&created.landing_zone_id)
                    .parent_unit_id(scp::UnitId::from("ou-root"))
                    .resource_type(scp::BaselineAssignmentAddRequestResourceType::Ou)
                    .sso_user_name("tour-user".to_string())
                    .sso_user_real_name("Tour User".to_string()),
            )
            .send()
            .await?
            .into_inner();
        println!(
            "baseline enabled on {} (job {})",
            added.resource_id, added.job_id
        );
    }
    let old = v10.list_baseline_assignments().send().await?.into_inner();
    let new = v12.list_baseline_assignments().send().await?.into_inner();
    println!("baseline assignments, 1.0 and 1.2 side by side:");
    for a in &old.baseline_assignments {
        outcome.assignments_v1_0.push(a.id.to_string());
        println!("  1.0  {} {:?}", a.id, a.status);
    }
    for a in &new.baseline_assignments {
        let detective = a.detective_guardrail_status.as_ref().map(|s| s.to_string());
        outcome
            .assignments_v1_2
            .push((a.id.to_string(), detective.clone()));
        println!(
            "  1.2  {} {:?} detective guardrails: {:?}",
            a.id, a.status, detective
        );
    }
    Ok(outcome)
}
