//! `cargo xtask build-times`: what a program pays, in cold release build time, for the providers it enables.
//!
//! For each feature set it writes a tiny program outside the workspace that depends on `cloud-apis` by path
//! (`default-features = false` plus the set), and times `cargo build --release` into an empty target directory
//! (dependency sources come from the local registry cache, as they would on a developer's machine). Builds run one
//! after another so they do not compete for cores.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Feature sets measured: each provider alone, then all of them.
const SETS: &[(&str, &[&str])] = &[
    ("panther", &["panther"]),
    ("cloudcraft", &["cloudcraft"]),
    ("scp", &["scp"]),
    ("all providers", &["panther", "cloudcraft", "scp"]),
];

/// The generated client crates, whose own compile time the table reports.
const CLIENT_CRATES: &[&str] = &[
    "panther-client",
    "cloudcraft-client",
    "scp-cloudcontrol-client",
];

/// Builds each feature set cold (of the workspace at `root`, which may be another checkout for a before/after) and
/// returns a Markdown table of the wall-clock times and of the client crates' own compile times.
pub fn run(root: &Path) -> Result<String, String> {
    let scratch =
        std::env::temp_dir().join(format!("cloud-apis-build-times-{}", std::process::id()));
    let mut table = String::from(
        "| features | cold `cargo build --release` | of which the client crates |\n|---|---|---|\n",
    );
    for (label, features) in SETS {
        let dir = scratch.join(label.replace(' ', "-"));
        let elapsed = build_once(root, &dir, features)?;
        let crates = client_crate_times(&dir).join(", ");
        eprintln!("{label}: {elapsed:.0?} ({crates})");
        table.push_str(&format!(
            "| {label} | {:.0} s | {crates} |\n",
            elapsed.as_secs_f64()
        ));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table)
}

/// `name N s` for each client crate in the build's timings report (empty when cargo wrote none).
fn client_crate_times(dir: &Path) -> Vec<String> {
    let report = std::fs::read_to_string(dir.join("target/cargo-timings/cargo-timing.html"))
        .unwrap_or_default();
    let units = report
        .split_once("const UNIT_DATA = ")
        .and_then(|(_, rest)| rest.split_once(";\n"))
        .and_then(|(json, _)| serde_json::from_str::<serde_json::Value>(json).ok())
        .unwrap_or_default();
    let units = units.as_array().map(Vec::as_slice).unwrap_or_default();
    CLIENT_CRATES
        .iter()
        .filter_map(|name| {
            let seconds: f64 = units
                .iter()
                .filter(|u| u["name"] == *name)
                .filter_map(|u| u["duration"].as_f64())
                .sum();
            (seconds > 0.0).then(|| format!("{name} {seconds:.0} s"))
        })
        .collect()
}

fn build_once(root: &Path, dir: &Path, features: &[&str]) -> Result<Duration, String> {
    let facade = root.join("crates/cloud-apis");
    let features = features
        .iter()
        .map(|f| format!("{f:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let manifest = format!(
        "[package]\nname = \"build-times\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         cloud-apis = {{ path = {:?}, default-features = false, features = [{features}] }}\n\n[workspace]\n",
        facade.display().to_string()
    );
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").map_err(|e| e.to_string())?;
    // The workspace's lock file, so the program builds exactly the versions the workspace tests.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet", "--timings"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed in {}", dir.display()));
    }
    Ok(started.elapsed())
}
