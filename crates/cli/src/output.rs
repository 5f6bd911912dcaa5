//! What a command prints: JSON bodies on stdout (pretty on a terminal, compact otherwise), every page of a list as
//! JSON lines, binary bodies streamed to `-o FILE` or stdout, and progress on stderr when it is a terminal.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use cloud_apis::cloudcraft::Download;
use futures::{Stream, StreamExt};
use serde::Serialize;

/// How the generated commands hand over what they received (`crates/cli/src/generated/`).
pub trait CliConfig {
    /// A JSON body.
    fn item<T: Serialize>(&self, value: T) -> anyhow::Result<()>;
    /// A binary body, streamed.
    fn download(&self, download: Download) -> impl Future<Output = anyhow::Result<()>>;
    /// `--json-body-template`: a body for the operation `operation_id` of `spec` (the checked-in spec's text).
    fn body_template(&self, spec: &str, operation_id: &str) -> anyhow::Result<()>;
    /// Every item of every page (`--all`).
    fn all<T, S>(&self, items: S) -> impl Future<Output = anyhow::Result<()>>
    where
        T: Serialize,
        S: Stream<Item = Result<T, cloud_apis::Error>>;
}

/// Whether JSON is indented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Pretty,
    Compact,
}

/// The tool's output settings.
#[derive(Debug, Clone)]
pub struct Output {
    /// How single JSON bodies are laid out.
    pub layout: Layout,
    /// Where binary bodies go; stdout when `None`.
    pub file: Option<PathBuf>,
    /// Whether progress is shown (stderr is a terminal).
    pub progress: bool,
}

impl Output {
    /// Pretty JSON when stdout is a terminal unless `layout` says otherwise; progress when stderr is one.
    pub fn new(layout: Option<Layout>, file: Option<PathBuf>) -> Self {
        let terminal = std::io::stdout().is_terminal();
        Self {
            layout: layout.unwrap_or(if terminal {
                Layout::Pretty
            } else {
                Layout::Compact
            }),
            file,
            progress: std::io::stderr().is_terminal(),
        }
    }

    /// Shows `message` on stderr's current line (a terminal only).
    pub fn progress(&self, message: &str) {
        if self.progress {
            eprint!("\r\x1b[2K{message}");
        }
    }

    /// Clears the progress line.
    pub fn progress_done(&self) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
    }

    /// Awaits `work`, showing `what` and the seconds elapsed on stderr meanwhile (a terminal only).
    pub async fn waiting<T>(&self, what: &str, work: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let mut work = std::pin::pin!(work);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                done = &mut work => {
                    self.progress_done();
                    return done;
                }
                _ = tick.tick() => self.progress(&format!("{what}… {} s", started.elapsed().as_secs())),
            }
        }
    }
}

/// Binary content that would garble a terminal.
fn binary(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    !(essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("xml")
        || essence.ends_with("+xml"))
}

/// A value of the JSON request body of `operation_id` in `spec`, with what its schema requires: the schema's
/// defaults and examples, else the first enum value, the minimum, a string of the allowed length and pattern.
pub fn body_template(spec: &str, operation_id: &str) -> anyhow::Result<serde_json::Value> {
    use cloud_apis_spec::conformance::Spec;
    use serde_json::Value;
    let doc: Value = serde_json::from_str(spec).context("the built-in spec is not JSON")?;
    let schema = crate::json_body::request_schema(&doc, operation_id)?;
    let spec = Spec::new(doc);
    let made = cloud_apis_spec::example::Examples::new(&spec, &|_, _| None).make(&schema);
    Ok(made)
}

impl CliConfig for Output {
    fn body_template(&self, spec: &str, operation_id: &str) -> anyhow::Result<()> {
        let template = body_template(spec, operation_id)?;
        // Indented whatever stdout is: it is meant to be edited.
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &template).context("writing to stdout")?;
        writeln!(out).context("writing to stdout")
    }

    fn item<T: Serialize>(&self, value: T) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        match self.layout {
            Layout::Pretty => serde_json::to_writer_pretty(&mut out, &value),
            Layout::Compact => serde_json::to_writer(&mut out, &value),
        }
        .context("writing the response to stdout")?;
        writeln!(out).context("writing the response to stdout")?;
        out.flush().context("writing the response to stdout")
    }

    async fn download(&self, download: Download) -> anyhow::Result<()> {
        match &self.file {
            Some(path) if path.as_os_str() != "-" => {
                let what = format!("writing {}", path.display());
                let written = self.waiting(&what, download.save(path)).await?;
                if self.progress {
                    eprintln!("wrote {written} bytes to {}", path.display());
                }
            }
            _ => {
                if std::io::stdout().is_terminal() && binary(download.content_type()) {
                    anyhow::bail!(
                        "refusing to write a binary body ({}) to the terminal; pass -o FILE, or redirect stdout",
                        download.content_type().unwrap_or("no content type")
                    );
                }
                download.write_to(&mut tokio::io::stdout()).await?;
            }
        }
        Ok(())
    }

    async fn all<T, S>(&self, items: S) -> anyhow::Result<()>
    where
        T: Serialize,
        S: Stream<Item = Result<T, cloud_apis::Error>>,
    {
        let mut items = std::pin::pin!(items);
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut count = 0u64;
        while let Some(item) = items.next().await {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    self.progress_done();
                    out.flush().context("writing to stdout")?;
                    return Err(e.into());
                }
            };
            serde_json::to_writer(&mut out, &item).context("writing to stdout")?;
            writeln!(out).context("writing to stdout")?;
            count += 1;
            // Each line reaches a pipe reader as soon as its page has arrived.
            out.flush().context("writing to stdout")?;
            self.progress(&format!("{count} items"));
        }
        self.progress_done();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_template_has_what_the_schema_requires() {
        let spec = serde_json::json!({"paths": {"/roles": {"post": {
            "operationId": "role#create",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                "required": ["name", "permissions"],
                "properties": {
                    "name": {"type": "string", "example": "Analyst"},
                    "permissions": {"type": "array", "minItems": 1,
                        "items": {"type": "string", "enum": ["AlertRead", "AlertModify"]}},
                    "note": {"type": "string"}}}}}}}}}});
        let template = body_template(&spec.to_string(), "role#create").unwrap();
        assert_eq!(
            template,
            serde_json::json!({"name": "Analyst", "permissions": ["AlertRead"]})
        );
        let err = body_template(&spec.to_string(), "role#list").unwrap_err();
        assert_eq!(err.to_string(), "the spec has no operation role#list");
    }

    #[test]
    fn only_text_like_bodies_go_to_a_terminal() {
        assert!(binary(Some("image/png")));
        assert!(binary(Some("application/pdf")));
        assert!(binary(None));
        assert!(!binary(Some("image/svg+xml")));
        assert!(!binary(Some("text/csv; charset=utf-8")));
        assert!(!binary(Some("application/json")));
    }
}
