//! `cargo run --example tour [-- --allow-writes] [--out DIR]`: a walk through Panther, Cloudcraft and SCP Cloud
//! Control.
//!
//! It starts the bundled sandbox in-process and uses it for every provider without credentials in the environment
//! (writes included). A provider whose credentials are set (`PANTHER_API_HOST`/`PANTHER_API_TOKEN`,
//! `CLOUDCRAFT_API_KEY`, `SCP_ACCESS_KEY`/`SCP_SECRET_KEY`/`SCP_ENVIRONMENT`) is the real service instead,
//! read-only unless `--allow-writes`.

mod flow;

use std::path::PathBuf;

use cloud_apis::cloudcraft::CloudcraftConfig;
use cloud_apis::panther::PantherConfig;
use cloud_apis::scp::ScpConfig;
use cloud_apis_sandbox::Sandbox;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match tour().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn tour() -> flow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let allow_writes = args.iter().any(|a| a == "--allow-writes");
    let out_dir = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("tour-output"));

    // Each provider with credentials in the environment is the real service; the others are the sandbox.
    let sandbox = Sandbox::start().await?;
    let mut targets = flow::sandbox_targets(&sandbox);
    let has = |var: &str| std::env::var_os(var).is_some();
    if has("PANTHER_API_TOKEN") {
        targets.panther = PantherConfig::from_env()?.build()?;
        targets.writes[0] = allow_writes;
    }
    if has("CLOUDCRAFT_API_KEY") {
        targets.cloudcraft = CloudcraftConfig::from_env()?.build()?;
        targets.writes[1] = allow_writes;
    }
    if has("SCP_ACCESS_KEY") {
        targets.scp = ScpConfig::from_env()?;
        targets.writes[2] = allow_writes;
    }
    for (name, real, writes) in [
        ("Panther", has("PANTHER_API_TOKEN"), targets.writes[0]),
        ("Cloudcraft", has("CLOUDCRAFT_API_KEY"), targets.writes[1]),
        (
            "SCP Cloud Control",
            has("SCP_ACCESS_KEY"),
            targets.writes[2],
        ),
    ] {
        let where_ = if real {
            "the real service"
        } else {
            "the bundled sandbox"
        };
        let mode = if writes {
            "writes allowed"
        } else {
            "read-only"
        };
        println!("{name}: {where_} ({mode})");
    }
    let outcome = flow::run(&targets, &out_dir).await?;
    println!(
        "\nfiles written to {}: {:?}",
        out_dir.display(),
        [
            &outcome.snapshot_png,
            &outcome.inventory_json,
            &outcome.blueprint_png,
            &outcome.budget_csv
        ]
    );
    Ok(())
}
