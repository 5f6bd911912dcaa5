//! `regen` and `regen --check`: generate every target, then write the files or compare them.

use std::fmt;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::targets::{Target, CLIENT_FILE, MOCK_FILE, TARGETS};
use crate::{generate, test_cases};

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

/// Generates every target under `root`, and the test cases of all of them; with `check`, compares instead of
/// writing.
pub fn run(root: &Path, check: bool) -> Result<Report, String> {
    let (mut report, outputs) = generate_targets(root, TARGETS, check)?;
    let cases: Vec<test_cases::TargetCases<'_>> = outputs
        .iter()
        .map(|output| {
            let owner = output.target.shares_code_with.unwrap_or(output.target.name);
            let (owner_target, generated) = outputs
                .iter()
                .find(|o| o.target.name == owner)
                .and_then(|o| o.generated.as_ref().map(|g| (o.target, g)))
                .ok_or_else(|| format!("{}: no generated client to share", output.target.name))?;
            Ok(test_cases::TargetCases {
                target: output.target,
                spec: &output.spec,
                builders: &generated.builders,
                types: format!("{}::types", test_cases::module_path(owner_target)),
                type_names: &generated.type_names,
            })
        })
        .collect::<Result<_, String>>()?;
    let fresh = test_cases::file(&cases)?;
    let path = root.join(test_cases::FILE);
    if check {
        compare(&path, test_cases::FILE, &fresh, &mut report);
    } else {
        write_if_changed(&path, test_cases::FILE, &fresh, &mut report)?;
    }
    Ok(report)
}

/// One target's spec and, unless it shares another's client, what was generated from it.
pub(crate) struct Output<'a> {
    pub target: &'a Target,
    pub spec: serde_json::Value,
    pub generated: Option<generate::Generated>,
}

#[cfg(test)]
pub(crate) fn run_targets(root: &Path, targets: &[Target], check: bool) -> Result<Report, String> {
    generate_targets(root, targets, check).map(|(report, _)| report)
}

fn generate_targets<'a>(
    root: &Path,
    targets: &'a [Target],
    check: bool,
) -> Result<(Report, Vec<Output<'a>>), String> {
    let mut report = Report::default();
    let mut outputs = Vec::new();
    for target in targets {
        let spec_path = root.join(target.spec);
        let text = std::fs::read_to_string(&spec_path)
            .map_err(|e| format!("reading {}: {e}", spec_path.display()))?;
        let spec: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", target.spec))?;
        let mut generated = None;
        let dir = root.join(target.module_dir);
        let files: Vec<(PathBuf, String)> = match target.shares_code_with {
            Some(shared) => {
                let shared = TARGETS.iter().find(|t| t.name == shared).ok_or_else(|| {
                    format!("{}: shares code with unknown target {shared}", target.name)
                })?;
                let shared_text = std::fs::read_to_string(root.join(shared.spec))
                    .map_err(|e| format!("reading {}: {e}", shared.spec))?;
                let shared_spec = serde_json::from_str(&shared_text)
                    .map_err(|e| format!("{}: {e}", shared.spec))?;
                vec![(
                    dir.join(CLIENT_FILE),
                    generate::api_only(target, &spec, shared, &shared_spec)?,
                )]
            }
            None => {
                let output = generate::target(target, &spec)?;
                let files = vec![
                    (dir.join(CLIENT_FILE), output.client.clone()),
                    (dir.join(MOCK_FILE), output.mock.clone()),
                    // The `cloud-apis` tool's commands; a version sharing this client shares them too.
                    (
                        root.join(crate::cli::DIR)
                            .join(crate::cli::file_name(target)),
                        crate::cli::generate(target, &spec)?,
                    ),
                ];
                generated = Some(output);
                files
            }
        };
        for (path, content) in &files {
            let shown = relative(root, path);
            if check {
                compare(path, &shown, content, &mut report);
            } else {
                write_if_changed(path, &shown, content, &mut report)?;
            }
        }
        outputs.push(Output {
            target,
            spec,
            generated,
        });
    }
    Ok((report, outputs))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::TARGETS;

    fn panther() -> Target {
        *TARGETS.iter().find(|t| t.name == "panther").unwrap()
    }

    /// A scratch workspace holding the panther spec and its committed generated files.
    fn scratch() -> tempfile::TempDir {
        let root = crate::workspace_root();
        let dir = tempfile::tempdir().unwrap();
        let target = panther();
        let mut files = vec![target.spec.to_string()];
        for file in [CLIENT_FILE, MOCK_FILE] {
            files.push(format!("{}/{file}", target.module_dir));
        }
        files.push(format!(
            "{}/{}",
            crate::cli::DIR,
            crate::cli::file_name(&target)
        ));
        for file in files {
            let to = dir.path().join(&file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(&file), &to).unwrap();
        }
        dir
    }

    #[test]
    fn check_passes_on_committed_code_and_fails_after_a_spec_edit() {
        let dir = scratch();
        let report = run_targets(dir.path(), &[panther()], true).unwrap();
        assert!(!report.is_stale(), "committed code is stale:\n{report}");

        let spec_path = dir.path().join(panther().spec);
        let spec = std::fs::read_to_string(&spec_path).unwrap();
        let edited = spec.replace(
            "\"summary\": \"List roles\"",
            "\"summary\": \"List every role\"",
        );
        assert_ne!(spec, edited, "the edit must change the spec");
        std::fs::write(&spec_path, edited).unwrap();

        let report = run_targets(dir.path(), &[panther()], true).unwrap();
        assert!(report.is_stale());
        let text = report.to_string();
        assert!(
            text.contains("STALE       crates/panther-client/src/generated.rs"),
            "{text}"
        );
        // The summary is also the command's `--help`.
        assert!(
            text.contains("STALE       crates/cli/src/generated/panther.rs"),
            "{text}"
        );
        assert!(
            text.contains("+") && text.contains("List every role"),
            "{text}"
        );
        assert!(text.contains("run `cargo xtask regen`"), "{text}");

        // Regenerating brings the files back in line with the edited spec.
        let written = run_targets(dir.path(), &[panther()], false).unwrap();
        assert!(written
            .to_string()
            .contains("wrote       crates/panther-client/src/generated.rs"));
        assert!(!run_targets(dir.path(), &[panther()], true)
            .unwrap()
            .is_stale());
    }

    #[test]
    fn generation_is_deterministic() {
        let root = crate::workspace_root();
        for target in TARGETS {
            let text = std::fs::read_to_string(root.join(target.spec)).unwrap();
            let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
            let first = generate::target(target, &spec).unwrap();
            let second = generate::target(target, &spec).unwrap();
            assert!(
                first.client == second.client,
                "{}: client differs between runs",
                target.name
            );
            assert!(
                first.mock == second.mock,
                "{}: mock differs between runs",
                target.name
            );
        }
    }

    #[test]
    fn a_missing_generated_file_is_stale() {
        let dir = scratch();
        std::fs::remove_file(dir.path().join(panther().module_dir).join(MOCK_FILE)).unwrap();
        let report = run_targets(dir.path(), &[panther()], true).unwrap();
        assert!(report
            .to_string()
            .contains("STALE       crates/panther-client/src/generated_httpmock.rs"));
    }

    #[test]
    fn a_version_shares_code_only_when_its_spec_differs_in_nothing_but_the_version() {
        let root = crate::workspace_root();
        let target = |name: &str| *TARGETS.iter().find(|t| t.name == name).unwrap();
        let spec = |t: &Target| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(root.join(t.spec)).unwrap()).unwrap()
        };
        let (v1_0, v1_1, v1_2) = (
            target("scp-cloudcontrol-v1.0"),
            target("scp-cloudcontrol-v1.1"),
            target("scp-cloudcontrol-v1.2"),
        );
        assert_eq!(v1_1.shares_code_with, Some("scp-cloudcontrol-v1.2"));
        let file = generate::api_only(&v1_1, &spec(&v1_1), &v1_2, &spec(&v1_2)).unwrap();
        // The pinned header, as the value the runtime inserts (white space aside).
        let squashed: String = file.split_whitespace().collect();
        assert!(
            squashed.contains(
                "HeaderName::from_static(\"scp-api-version\"),\
                 cloud_apis_runtime::reqwest::header::HeaderValue::from_static(\"cloudcontrol1.1\")"
            ),
            "{file}"
        );
        assert!(
            !file.contains("pub mod types"),
            "only the API value is generated"
        );
        // 1.0 lacks two operations and the detective guardrail fields: it cannot share 1.2's client.
        let err = generate::api_only(&v1_1, &spec(&v1_0), &v1_2, &spec(&v1_2)).unwrap_err();
        assert!(
            err.contains("differs from specs/scp-cloudcontrol-v1.2.json"),
            "{err}"
        );
    }
}
