//! `cargo xtask bench [--quick]`: the `sdk` bench's table (timings and memory, see
//! `crates/cloud-apis/benches/sdk.rs`), then the instructions the calling thread executes per call, raw reqwest
//! against the facade, counted by valgrind's callgrind when it is installed. Counts move by about 1 % between runs
//! (how often a future is polled depends on timing) where timings on a shared machine move by several, so they
//! show what the SDK's own code costs.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Calls per callgrind run; the per-call count is the difference between a run of `2 * CALLS` and one of `CALLS`,
/// so start-up (the sandbox that makes the page, the clients) cancels out.
const CALLS: u32 = 1_000;

pub fn run(root: &Path, quick: bool) -> Result<String, String> {
    let binary = bench_binary(root)?;
    let mut args = vec![];
    if quick {
        args.push("--quick");
    }
    let timed = Command::new(&binary)
        .args(&args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    let mut out = String::from_utf8_lossy(&timed.stdout).into_owned();
    if !timed.status.success() {
        return Err(format!(
            "the sdk bench failed ({}):\n{out}{}",
            timed.status,
            String::from_utf8_lossy(&timed.stderr)
        ));
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        out.push_str("\n(valgrind is not installed: no instruction counts)\n");
        return Ok(out);
    }
    let raw = per_call(&binary, "raw")?;
    let facade = per_call(&binary, "facade")?;
    out.push_str(&format!(
        "\n| instructions per call, calling thread (callgrind) | facade | raw reqwest | ratio |\n|---|---|---|---|\n\
         | sequential `GET /roles` | {facade:.0} | {raw:.0} | {:.3} |\n",
        facade / raw
    ));
    Ok(out)
}

/// The `sdk` bench's executable, built in release.
fn bench_binary(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "bench",
            "--locked",
            "-p",
            "cloud-apis",
            "--bench",
            "sdk",
            "--no-run",
        ])
        .args(["--message-format", "json"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo bench --no-run: {e}"))?;
    if !built.status.success() {
        return Err(String::from_utf8_lossy(&built.stderr).into_owned());
    }
    String::from_utf8_lossy(&built.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == "sdk")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built no `sdk` bench executable".to_string())
}

/// Instructions the calling thread executes per call of `side` (`raw` or `facade`).
fn per_call(binary: &Path, side: &str) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("cloud-apis-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut totals = Vec::new();
    for calls in [CALLS, 2 * CALLS] {
        let out = dir.join(format!("{side}-{calls}"));
        let status = Command::new("valgrind")
            .args(["--tool=callgrind", "--separate-threads=yes"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(binary)
            .args(["--profile", side, "1", &calls.to_string()])
            .output()
            .map_err(|e| format!("valgrind: {e}"))?
            .status;
        if !status.success() {
            return Err(format!("valgrind on the {side} loop failed: {status}"));
        }
        // `--separate-threads` writes one file per thread; `-01` is the main thread, which makes the calls.
        let main_thread = dir.join(format!("{side}-{calls}-01"));
        totals.push(summary(&main_thread)?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok((totals[1] - totals[0]) as f64 / f64::from(CALLS))
}

/// The `summary:` (total instructions) of a callgrind output file.
fn summary(file: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("summary:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("{}: no summary line", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cg-01");
        std::fs::write(
            &file,
            "version: 1\ncmd: x\nevents: Ir\nsummary: 123456\ntotals: 123456\n",
        )
        .unwrap();
        assert_eq!(summary(&file), Ok(123_456));
        std::fs::write(&file, "events: Ir\n").unwrap();
        assert!(summary(&file).unwrap_err().contains("no summary line"));
    }
}
