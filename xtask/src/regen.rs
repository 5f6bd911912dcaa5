//! `regen` and `regen --check`: generate every target, then write the files or compare them.

use std::fmt;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::generate;
use crate::targets::{Target, CLIENT_FILE, MOCK_FILE, TARGETS};

/// How many diff lines a stale file shows before the rest is summarised.
const DIFF_LINES: usize = 80;

/// What a run did, file by file.
#[derive(Debug, Default)]
pub struct Report {
    lines: Vec<String>,
    stale: usize,
}

impl Report {
    /// Whether `--check` found committed files that differ from a fresh generation.
    pub fn is_stale(&self) -> bool {
        self.stale > 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        if self.stale > 0 {
            writeln!(
                f,
                "{} generated file(s) are stale: run `cargo xtask regen` and commit the result.",
                self.stale
            )?;
        }
        Ok(())
    }
}

/// Generates every target under `root`; with `check`, compares instead of writing.
pub fn run(root: &Path, check: bool) -> Result<Report, String> {
    run_targets(root, TARGETS, check)
}

pub(crate) fn run_targets(root: &Path, targets: &[Target], check: bool) -> Result<Report, String> {
    let mut report = Report::default();
    for target in targets {
        let spec_path = root.join(target.spec);
        let text = std::fs::read_to_string(&spec_path)
            .map_err(|e| format!("reading {}: {e}", spec_path.display()))?;
        let spec = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", target.spec))?;
        let generated = generate::target(target, &spec)?;
        let dir = root.join(target.module_dir);
        for (file, content) in [
            (CLIENT_FILE, &generated.client),
            (MOCK_FILE, &generated.mock),
        ] {
            let path = dir.join(file);
            let shown = relative(root, &path);
            if check {
                compare(&path, &shown, content, &mut report);
            } else {
                write_if_changed(&path, &shown, content, &mut report)?;
            }
        }
    }
    Ok(report)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn compare(path: &PathBuf, shown: &str, fresh: &str, report: &mut Report) {
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed == fresh {
        report.lines.push(format!("up to date  {shown}"));
        return;
    }
    report.stale += 1;
    report.lines.push(format!("STALE       {shown}"));
    let diff = TextDiff::from_lines(committed.as_str(), fresh)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{shown} (committed)"),
            &format!("{shown} (from specs/)"),
        )
        .to_string();
    let lines: Vec<&str> = diff.lines().collect();
    report
        .lines
        .extend(lines.iter().take(DIFF_LINES).map(|l| format!("    {l}")));
    if lines.len() > DIFF_LINES {
        report.lines.push(format!(
            "    ... {} more diff lines",
            lines.len() - DIFF_LINES
        ));
    }
}

fn write_if_changed(
    path: &PathBuf,
    shown: &str,
    fresh: &str,
    report: &mut Report,
) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(fresh) {
        report.lines.push(format!("unchanged   {shown}"));
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("creating {}: {e}", parent.display()))?;
    }
    std::fs::write(path, fresh).map_err(|e| format!("writing {shown}: {e}"))?;
    report.lines.push(format!("wrote       {shown}"));
    Ok(())
}
