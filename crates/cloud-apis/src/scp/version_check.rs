//! Asking an SCP service which API versions it serves, and how the pinned one stands.
//!
//! `GET https://{service}.{environment}.samsungsdscloud.com/` (unsigned; the generated `list_versions` operation)
//! answers `{"versions": [{"id": "v1.2", "status": "CURRENT", "not_before": null, ...}]}`. A deprecated version
//! may stop being served once its `not_before` date has arrived.
//!
//! The check never stands in the way of a call: it is a separate request, made when the caller asks. By default
//! ([`VersionPolicy::Warn`]) a deprecated version, one past or near its `not_before` date, or an unreachable list is
//! a warning; with [`VersionPolicy::Strict`] each of them is an error. A version the service does not list is an
//! error either way: no request pinned to it can succeed.

use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::cloudcontrol::{CloudControlVersion, SERVICE};
use super::ScpConfig;

/// How far ahead of a version's `not_before` date the check starts warning.
pub const WARNING_DAYS: i64 = 60;

/// How [`ScpConfig::check_cloudcontrol_version_with`] treats a version on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionPolicy {
    /// Deprecation, a near or passed `not_before` date and an unreachable version list are warnings (logged and
    /// returned in the report).
    #[default]
    Warn,
    /// Each of those is an error (`ErrorKind::Config`), for CI jobs and start-up checks that must not run on a
    /// version the provider is retiring.
    Strict,
}

/// A version's lifecycle status as the service reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionStatus {
    /// The latest version; used when a request names none.
    Current,
    /// Served, not the latest.
    Supported,
    /// Announced, not yet served.
    Planned,
    /// Served until its `not_before` date.
    Deprecated,
    /// A status this crate does not know yet, as sent (control characters removed, capped).
    Other(String),
}

impl From<&str> for VersionStatus {
    fn from(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "CURRENT" => VersionStatus::Current,
            "SUPPORTED" => VersionStatus::Supported,
            "PLANNED" => VersionStatus::Planned,
            "DEPRECATED" => VersionStatus::Deprecated,
            _ => VersionStatus::Other(shown(s)),
        }
    }
}

/// What the service says about the version a client is pinned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionReport {
    /// The pinned version, e.g. `1.1`.
    pub version: String,
    /// Its status, `None` when the service does not list it.
    pub status: Option<VersionStatus>,
    /// The date from which a deprecated version is no longer served.
    pub not_before: Option<NaiveDate>,
    /// Human-readable warnings (also logged with `tracing::warn!`): not listed, deprecated, close to or past
    /// `not_before`.
    pub warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct VersionsDocument {
    versions: Vec<VersionEntry>,
}

#[derive(Debug, Deserialize)]
struct VersionEntry {
    id: String,
    status: String,
    #[serde(default)]
    not_before: Option<String>,
}

/// `2026-02-23` or `20260223`; `-` and empty mean none.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y%m%d"))
        .ok()
}

/// How many listed version ids an error names before it only counts the rest.
const LISTED_IDS: usize = 8;

/// A version id as text an error may carry: control characters (newlines, terminal escapes) removed, capped.
fn shown(id: &str) -> String {
    const CHARS: usize = 40;
    let clean: String = id.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(CHARS) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean,
    }
}

/// The first [`LISTED_IDS`] ids the service lists, then how many more.
fn listed(versions: &[VersionEntry]) -> String {
    let mut text: Vec<String> = versions
        .iter()
        .take(LISTED_IDS)
        .map(|v| shown(&v.id))
        .collect();
    if versions.len() > LISTED_IDS {
        text.push(format!("and {} more", versions.len() - LISTED_IDS));
    }
    text.join(", ")
}

fn evaluate(document: &VersionsDocument, version: &str, today: NaiveDate) -> VersionReport {
    let entry = document
        .versions
        .iter()
        .find(|v| v.id.trim_start_matches(['v', 'V']) == version);
    let mut report = VersionReport {
        version: version.to_string(),
        status: entry.map(|e| VersionStatus::from(e.status.as_str())),
        not_before: entry
            .and_then(|e| e.not_before.as_deref())
            .and_then(parse_date),
        warnings: Vec::new(),
    };
    let Some(status) = &report.status else {
        report.warnings.push(format!(
            "{SERVICE} {version} is not among the versions the service lists ({})",
            listed(&document.versions)
        ));
        return report;
    };
    if *status == VersionStatus::Deprecated {
        report
            .warnings
            .push(format!("{SERVICE} {version} is DEPRECATED"));
    }
    if *status == VersionStatus::Planned {
        report
            .warnings
            .push(format!("{SERVICE} {version} is PLANNED, not served yet"));
    }
    if let Some(date) = report.not_before {
        let days = (date - today).num_days();
        if days <= 0 && *status == VersionStatus::Deprecated {
            report.warnings.push(format!(
                "{SERVICE} {version} is no longer supported since {date} (not_before)"
            ));
        } else if days <= WARNING_DAYS && *status == VersionStatus::Deprecated {
            report.warnings.push(format!(
                "{SERVICE} {version} stops being supported on {date}, in {days} days"
            ));
        }
    }
    report
}

impl ScpConfig {
    /// Asks Cloud Control which versions it serves and reports on `version` (what the corresponding client is
    /// pinned to), with [`VersionPolicy::Warn`]: warnings are logged with `tracing::warn!` and returned in the
    /// report; only a version the service does not list is an error.
    ///
    /// ```no_run
    /// # async fn run(scp: cloud_apis::scp::ScpConfig) -> Result<(), cloud_apis::Error> {
    /// use cloud_apis::scp::cloudcontrol::CloudControlVersion;
    /// let report = scp.check_cloudcontrol_version(CloudControlVersion::latest()).await?;
    /// for warning in &report.warnings {
    ///     eprintln!("{warning}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_cloudcontrol_version(
        &self,
        version: CloudControlVersion,
    ) -> Result<VersionReport, crate::Error> {
        self.check_cloudcontrol_version_with(version, VersionPolicy::Warn)
            .await
    }

    /// [`check_cloudcontrol_version`](Self::check_cloudcontrol_version) with a chosen policy;
    /// [`VersionPolicy::Strict`] turns every warning into an error.
    pub async fn check_cloudcontrol_version_with(
        &self,
        version: CloudControlVersion,
        policy: VersionPolicy,
    ) -> Result<VersionReport, crate::Error> {
        self.check_cloudcontrol_version_on(version, policy, Utc::now().date_naive())
            .await
    }

    pub(crate) async fn check_cloudcontrol_version_on(
        &self,
        version: CloudControlVersion,
        policy: VersionPolicy,
        today: NaiveDate,
    ) -> Result<VersionReport, crate::Error> {
        // The version list is the same whichever version a client pins; it is unsigned (`security: []`).
        let listed = match self.cloudcontrol_v1_2()?.list_versions().send().await {
            Ok(listed) => listed,
            Err(error) if policy == VersionPolicy::Warn => {
                let warning = format!("could not read the {SERVICE} version list: {error}");
                tracing::warn!(service = SERVICE, "{warning}");
                return Ok(VersionReport {
                    version: version.number().to_string(),
                    status: None,
                    not_before: None,
                    warnings: vec![warning],
                });
            }
            Err(error) => return Err(error),
        };
        let document = VersionsDocument {
            versions: listed
                .into_inner()
                .versions
                .into_iter()
                .map(|v| VersionEntry {
                    id: v.id,
                    status: v.status.to_string(),
                    not_before: v.not_before,
                })
                .collect(),
        };
        let report = evaluate(&document, version.number(), today);
        let refuse = |detail: String| {
            crate::Error::new(crate::ErrorKind::Config, Default::default(), detail)
        };
        if report.status.is_none() {
            return Err(refuse(report.warnings.join("; ")));
        }
        if policy == VersionPolicy::Strict && !report.warnings.is_empty() {
            return Err(refuse(format!(
                "{} (strict version check)",
                report.warnings.join("; ")
            )));
        }
        for warning in &report.warnings {
            tracing::warn!(service = SERVICE, version = %report.version, "{warning}");
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(value: serde_json::Value) -> VersionsDocument {
        serde_json::from_value(value).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_current_version_has_no_warnings() {
        let d = doc(json!({"versions": [{"id": "v1.1", "status": "CURRENT", "not_before": null}]}));
        let report = evaluate(&d, "1.1", day("2026-11-22"));
        assert_eq!(report.status, Some(VersionStatus::Current));
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }

    #[test]
    fn deprecated_versions_warn_and_count_down_to_not_before() {
        let d = doc(json!({"versions": [
            {"id": "v1.0", "status": "DEPRECATED", "not_before": "20251231"},
            {"id": "v1.1", "status": "DEPRECATED", "not_before": "2026-06-30"}
        ]}));
        let far = evaluate(&d, "1.1", day("2026-01-01"));
        assert_eq!(far.warnings, ["cloudcontrol 1.1 is DEPRECATED"]);
        let near = evaluate(&d, "1.1", day("2026-05-31"));
        assert_eq!(near.not_before, Some(day("2026-06-30")));
        assert!(
            near.warnings[1].contains("in 30 days"),
            "{:?}",
            near.warnings
        );
        let past = evaluate(&d, "1.0", day("2026-11-22"));
        assert!(
            past.warnings[1].contains("no longer supported since 2025-12-31"),
            "{:?}",
            past.warnings
        );
    }

    #[test]
    fn unknown_statuses_are_kept_and_unlisted_versions_warn() {
        let d = doc(json!({"versions": [{"id": "v1.2", "status": "BETA"}]}));
        assert_eq!(
            evaluate(&d, "1.2", day("2026-11-22")).status,
            Some(VersionStatus::Other("BETA".into()))
        );
        let missing = evaluate(&d, "1.1", day("2026-11-22"));
        assert_eq!(missing.status, None);
        assert!(missing.warnings[0].contains("not among the versions the service lists (v1.2)"));
    }

    #[test]
    fn hostile_version_lists_make_a_short_clean_error() {
        let mut versions = vec![json!({"id": "v9\r\n\u{1b}[2Jcleared\u{7}", "status": "CURRENT"})];
        versions
            .extend((0..100_000).map(|i| json!({"id": format!("v0.{i}"), "status": "SUPPORTED"})));
        let d = doc(json!({ "versions": versions }));
        let missing = evaluate(&d, "1.2", day("2026-11-22"));
        let warning = &missing.warnings[0];
        assert!(warning.len() < 400, "{} bytes", warning.len());
        assert!(!warning.chars().any(char::is_control), "{warning:?}");
        assert!(
            warning.ends_with(
                "(v9[2Jcleared, v0.0, v0.1, v0.2, v0.3, v0.4, v0.5, v0.6, and 99993 more)"
            ),
            "{warning}"
        );
        let long = doc(
            json!({"versions": [{"id": "v".repeat(500), "status": "x\u{1b}[31m".repeat(100)}]}),
        );
        let report = evaluate(&long, "1.2", day("2026-11-22"));
        assert!(
            report.warnings[0].contains(&format!("{}…", "v".repeat(40))),
            "{:?}",
            report.warnings
        );
        let odd = evaluate(
            &doc(json!({"versions": [{"id": "v1.2", "status": "BETA\n\u{1b}[31m"}]})),
            "1.2",
            day("2026-11-22"),
        );
        assert_eq!(odd.status, Some(VersionStatus::Other("BETA[31m".into())));
    }
}
