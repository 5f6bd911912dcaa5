//! Live snapshots of an AWS account, with Cloudcraft's rendering long poll handled.
//!
//! While a snapshot renders, Cloudcraft answers `202 {"code": "STILL_PROCESSING", "retry": true}`. [`snapshot`]
//! asks again until the document arrives or the request's deadline passes, then gives the blueprint as a typed
//! value (`json`) or the document as a byte stream (`svg`, `png`, `pdf`, `mxGraph`) that can be written to a file
//! or any `AsyncWrite` without holding it in memory.
//!
//! ```no_run
//! # async fn run(cloudcraft: cloud_apis::cloudcraft::Client, account: uuid::Uuid) -> Result<(), cloud_apis::Error> {
//! use cloud_apis::cloudcraft::{snapshot, types::SnapshotAwsAccountFormat, Snapshot, SnapshotRequest};
//!
//! let request = SnapshotRequest::new(account, "us-east-1", SnapshotAwsAccountFormat::Png)
//!     .exclude(["ec2", "sg"])
//!     .options(|b| b.width(1920).height(1080).grid(true));
//! if let Snapshot::Document(png) = snapshot(&cloudcraft, &request).await? {
//!     let bytes = png.save("snapshot.png").await?;
//!     println!("wrote {bytes} bytes");
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use cloud_apis_runtime::Failure;
use futures::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use uuid::Uuid;

use super::{builder, types, ByteStream, Client, ClientInfo};
use crate::Error;

/// How long [`snapshot`] keeps asking by default.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// The pause between two polls by default (each poll is itself a long poll on Cloudcraft's side).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);

type Options = Box<
    dyn for<'c> Fn(builder::SnapshotAwsAccount<'c>) -> builder::SnapshotAwsAccount<'c>
        + Send
        + Sync,
>;

/// One snapshot to render: account, region, format, rendering options, and how long to wait for it.
pub struct SnapshotRequest {
    account_id: Uuid,
    region: String,
    format: types::SnapshotAwsAccountFormat,
    exclude: Vec<String>,
    options: Option<Options>,
    deadline: Duration,
    poll_interval: Duration,
}

impl fmt::Debug for SnapshotRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotRequest")
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("format", &self.format)
            .field("exclude", &self.exclude)
            .field("options", &self.options.is_some())
            .field("deadline", &self.deadline)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

impl SnapshotRequest {
    /// A snapshot of `account_id` (the Cloudcraft account id) in `region`, rendered as `format`.
    pub fn new(
        account_id: Uuid,
        region: impl Into<String>,
        format: types::SnapshotAwsAccountFormat,
    ) -> Self {
        Self {
            account_id,
            region: region.into(),
            format,
            exclude: Vec::new(),
            options: None,
            deadline: DEFAULT_DEADLINE,
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }

    /// Component types to leave out (sent as one comma-separated `exclude`, as the API documents).
    pub fn exclude<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude.extend(types.into_iter().map(Into::into));
        self
    }

    /// Any other documented option, set on the generated builder: `|b| b.width(1920).theme(...)`.
    pub fn options(
        mut self,
        options: impl for<'c> Fn(builder::SnapshotAwsAccount<'c>) -> builder::SnapshotAwsAccount<'c>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.options = Some(Box::new(options));
        self
    }

    /// Give up (with [`crate::ErrorKind::Deadline`]) when the render is still running after this long.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The pause between polls.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    fn build<'c>(&self, client: &'c Client) -> builder::SnapshotAwsAccount<'c> {
        let mut b = client
            .snapshot_aws_account()
            .account_id(self.account_id)
            .region(self.region.as_str())
            .format(self.format);
        if !self.exclude.is_empty() {
            b = b.exclude(self.exclude.join(","));
        }
        match &self.options {
            Some(options) => options(b),
            None => b,
        }
    }

    fn failure(&self, client: &Client, status: u16, attempts: u32) -> Failure {
        let url = format!(
            "{}/aws/account/{}/{}/{}",
            client.baseurl(),
            self.account_id,
            self.region,
            self.format
        );
        Failure {
            status: Some(status),
            attempts,
            ..Failure::call("cloudcraft", "snapshotAwsAccount", "GET", &url)
        }
    }
}

/// A rendered snapshot.
#[derive(Debug)]
pub enum Snapshot {
    /// `format=json`: the account as a Cloudcraft blueprint.
    Blueprint(types::Blueprint),
    /// Any other format: the document, streamed.
    Document(SnapshotDocument),
}

/// A rendered document (SVG, PNG, PDF or mxGraph XML), not yet read.
pub struct SnapshotDocument {
    content_type: Option<String>,
    body: ByteStream,
}

impl fmt::Debug for SnapshotDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotDocument")
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl SnapshotDocument {
    /// The `Content-Type` the service sent (e.g. `image/png`).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The raw byte stream.
    pub fn into_stream(self) -> ByteStream {
        self.body
    }

    /// Copies the document into `writer` chunk by chunk; returns the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin>(self, writer: &mut W) -> Result<u64, Error> {
        let mut stream = self.body.into_inner();
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Error::other(format!("reading the snapshot: {e}")))?;
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::other(format!("writing the snapshot: {e}")))?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::other(format!("writing the snapshot: {e}")))?;
        Ok(written)
    }

    /// Streams the document into a new file at `path`; returns the number of bytes written.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| Error::other(format!("creating {}: {e}", path.display())))?;
        self.write_to(&mut file).await
    }
}

async fn collect(body: ByteStream) -> Result<Vec<u8>, String> {
    let mut stream = body.into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// Renders a snapshot, polling again while Cloudcraft answers 202, until the document arrives or the request's
/// deadline passes.
pub async fn snapshot(client: &Client, request: &SnapshotRequest) -> Result<Snapshot, Error> {
    let started = Instant::now();
    let mut polls = 0u32;
    loop {
        polls += 1;
        let response = request.build(client).send().await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.into_inner();
        if status == 202 {
            let bytes = collect(body)
                .await
                .map_err(|e| Error::transport(request.failure(client, status, polls), e))?;
            let processing: types::SnapshotProcessing =
                serde_json::from_slice(&bytes).map_err(|e| {
                    Error::decode(
                        request.failure(client, status, polls),
                        format!("202 body: {e}"),
                    )
                })?;
            let elapsed = started.elapsed();
            if elapsed + request.poll_interval > request.deadline {
                return Err(Error::deadline(
                    request.failure(client, status, polls),
                    format!(
                        "the render is still running after {:.0?} and {polls} polls (Cloudcraft: {:?}); \
                         ask again later or raise the deadline",
                        elapsed, processing.message
                    ),
                ));
            }
            tracing::debug!(polls, message = %processing.message, "snapshot still rendering");
            tokio::time::sleep(request.poll_interval).await;
            continue;
        }
        if request.format == types::SnapshotAwsAccountFormat::Json {
            let bytes = collect(body)
                .await
                .map_err(|e| Error::transport(request.failure(client, status, polls), e))?;
            let blueprint = serde_json::from_slice(&bytes).map_err(|e| {
                Error::decode(
                    request.failure(client, status, polls),
                    format!("blueprint: {e}"),
                )
            })?;
            return Ok(Snapshot::Blueprint(blueprint));
        }
        return Ok(Snapshot::Document(SnapshotDocument { content_type, body }));
    }
}
