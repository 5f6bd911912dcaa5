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

/// Builds each feature set cold and returns a Markdown table of the wall-clock times.
pub fn run(root: &Path) -> Result<String, String> {
    let scratch =
        std::env::temp_dir().join(format!("cloud-apis-build-times-{}", std::process::id()));
    let mut table = String::from("| features | cold `cargo build --release` |\n|---|---|\n");
    for (label, features) in SETS {
        let elapsed = build_once(root, &scratch.join(label.replace(' ', "-")), features)?;
        eprintln!("{label}: {elapsed:.0?}");
        table.push_str(&format!("| {label} | {:.0} s |\n", elapsed.as_secs_f64()));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table)
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
        .args(["build", "--release", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed in {}", dir.display()));
    }
    Ok(started.elapsed())
}
