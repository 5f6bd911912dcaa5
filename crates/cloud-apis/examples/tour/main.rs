//! `cargo run --example tour [-- --allow-writes] [--out DIR]`: a walk through Panther, Cloudcraft and SCP Cloud
//! Control.
//!
//! Without credentials in the environment it starts the bundled sandbox in-process and uses it (writes included).
//! With a provider's credentials (`PANTHER_API_HOST`/`PANTHER_API_TOKEN`, `CLOUDCRAFT_API_KEY`, `SCP_ACCESS_KEY`/
//! `SCP_SECRET_KEY`/`SCP_ENVIRONMENT`) it talks to that real service instead, read-only unless `--allow-writes`.

mod flow;

use std::path::PathBuf;

use cloud_apis::cloudcraft::CloudcraftConfig;
use cloud_apis::panther::PantherConfig;
use cloud_apis::scp::ScpConfig;
use cloud_apis_sandbox::Sandbox;

#[tokio::main(flavor = "current_thread")]
async fn main() -> flow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let allow_writes = args.iter().any(|a| a == "--allow-writes");
    let out_dir = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("tour-output"));

    let real = std::env::var_os("PANTHER_API_TOKEN").is_some()
        || std::env::var_os("CLOUDCRAFT_API_KEY").is_some()
        || std::env::var_os("SCP_ACCESS_KEY").is_some();
    let targets = if real {
        println!(
            "credentials found: talking to the real services ({})",
            if allow_writes {
                "writes allowed"
            } else {
                "read-only"
            }
        );
        flow::Targets {
            panther: PantherConfig::from_env()?.build()?,
            cloudcraft: CloudcraftConfig::from_env()?.build()?,
            scp: ScpConfig::from_env()?,
            allow_writes,
        }
    } else {
        let sandbox = Sandbox::start().await?;
        println!("no credentials in the environment: using the bundled sandbox");
        flow::sandbox_targets(&sandbox)
    };
    let outcome = flow::run(&targets, &out_dir).await?;
    println!(
        "\nfiles written to {}: {:?} {:?}",
        out_dir.display(),
        outcome.snapshot_png,
        outcome.inventory_json
    );
    Ok(())
}
