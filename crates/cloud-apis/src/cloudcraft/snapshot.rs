//! Live snapshots of an AWS account, with Cloudcraft's rendering long poll handled.
//!
//! While a snapshot renders, Cloudcraft answers `202 {"code": "STILL_PROCESSING", "retry": true}`.
//! [`ClientSnapshotExt::snapshot`]
//! asks again until the document arrives or the request's deadline passes, then gives the blueprint as a typed
//! value (`json`) or the document as a byte stream (`svg`, `png`, `pdf`, `mxGraph`) that can be written to a file
//! or any `AsyncWrite` without holding it in memory.
//!
//! ```no_run
//! # async fn run(cloudcraft: cloud_apis::cloudcraft::Client) -> Result<(), cloud_apis::Error> {
//! use cloud_apis::cloudcraft::{types::SnapshotAwsAccountFormat, ClientSnapshotExt, Snapshot, SnapshotRequest};
//!
//! let accounts = cloudcraft.list_aws_accounts().send().await?.into_inner();
//! let account = &accounts.accounts[0];
//! let request = SnapshotRequest::new(&account.id, "us-east-1", SnapshotAwsAccountFormat::Png)
//!     .exclude(["ec2", "sg"])
//!     .options(|b| b.width(1920).height(1080).grid(true));
//! if let Snapshot::Document(png) = cloudcraft.snapshot(&request).await? {
//!     let bytes = png.save("snapshot.png").await?;
//!     println!("wrote {bytes} bytes");
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use cloud_apis_runtime::{Failure, Transport};
use futures::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{builder, types, ByteStream, Client, ClientInfo};
use crate::{Error, ErrorKind};

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
    account_id: types::AwsAccountId,
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
    /// A snapshot of `account_id` (an [`AwsAccount`](types::AwsAccount)'s `id`, or its text) in `region`,
    /// rendered as `format`.
    pub fn new(
        account_id: impl Into<types::AwsAccountId>,
        region: impl Into<String>,
        format: types::SnapshotAwsAccountFormat,
    ) -> Self {
        Self {
            account_id: account_id.into(),
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
            .account_id(&self.account_id)
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
///
/// Reading it is bounded by the client's idle timeout only (no total timeout): a large document over a slow link
/// downloads for as long as bytes keep coming.
pub struct SnapshotDocument {
    content_type: Option<String>,
    body: ByteStream,
    call: Box<Failure>,
}

impl fmt::Debug for SnapshotDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotDocument")
            .field("content_type", &self.content_type)
            .field("url", &self.call.url)
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

    /// Copies the document into `writer` chunk by chunk; returns the number of bytes written. A failure names the
    /// snapshot call (a broken download is a transport error, a failed write an I/O error of yours).
    pub async fn write_to<W: AsyncWrite + Unpin>(self, writer: &mut W) -> Result<u64, Error> {
        let call = *self.call;
        let mut stream = self.body.into_inner();
        let mut written = 0u64;
        let local = |what: &str, e: std::io::Error| {
            Error::new(
                ErrorKind::Other,
                call.clone(),
                format!("{what} the snapshot: {e}"),
            )
        };
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                broken_off(
                    &call,
                    &e,
                    format!("reading the document after {written} bytes"),
                )
            })?;
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| local("writing", e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| local("writing", e))?;
        Ok(written)
    }

    /// Streams the document into a new file at `path`; returns the number of bytes written.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::create(path).await.map_err(|e| {
            Error::new(
                ErrorKind::Other,
                (*self.call).clone(),
                format!("creating {}: {e}", path.display()),
            )
        })?;
        self.write_to(&mut file).await
    }
}

/// A body that broke off while `doing`, as a transport error naming the call.
fn broken_off(call: &Failure, error: &reqwest::Error, doing: String) -> Error {
    let mut call = call.clone();
    call.transport = Some(Transport::of(error));
    Error::new(ErrorKind::Transport, call, format!("{doing}: {error}"))
}

/// A whole small body (a 202 notice, a blueprint), or a transport error naming the call.
async fn collect(body: ByteStream, call: &Failure) -> Result<Vec<u8>, Error> {
    let mut stream = body.into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| broken_off(call, &e, "reading the body".into()))?;
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// What one poll brought.
enum Poll {
    Rendered(Snapshot),
    StillProcessing(String),
}

async fn poll(client: &Client, request: &SnapshotRequest, polls: u32) -> Result<Poll, Error> {
    let response = request.build(client).send().await?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let call = request.failure(client, status, polls);
    let body = response.into_inner();
    if status == 202 {
        let bytes = collect(body, &call).await?;
        let processing: types::SnapshotProcessing = serde_json::from_slice(&bytes)
            .map_err(|e| Error::new(ErrorKind::Decode, call, format!("202 body: {e}")))?;
        return Ok(Poll::StillProcessing(processing.message));
    }
    if request.format == types::SnapshotAwsAccountFormat::Json {
        let bytes = collect(body, &call).await?;
        let blueprint = serde_json::from_slice(&bytes)
            .map_err(|e| Error::new(ErrorKind::Decode, call, format!("blueprint: {e}")))?;
        return Ok(Poll::Rendered(Snapshot::Blueprint(blueprint)));
    }
    Ok(Poll::Rendered(Snapshot::Document(SnapshotDocument {
        content_type,
        body,
        call: Box::new(call),
    })))
}

/// Operations of the Cloudcraft client made of several calls, as methods of [`Client`] (import the trait).
pub trait ClientSnapshotExt {
    /// Renders a snapshot, polling again while Cloudcraft answers 202, until the document arrives or the request's
    /// deadline passes. (The raw `snapshot_aws_account` returns the 202 "still processing" answer as a success.)
    ///
    /// The deadline bounds everything up to the document's first bytes (a poll in flight is abandoned when it
    /// passes), so the call returns within the deadline whatever the server does; the document itself then streams
    /// for as long as it keeps coming (see [`SnapshotDocument`]). A blueprint (`json`) is read within the deadline.
    fn snapshot(
        &self,
        request: &SnapshotRequest,
    ) -> impl std::future::Future<Output = Result<Snapshot, Error>> + Send;
}

impl ClientSnapshotExt for Client {
    fn snapshot(
        &self,
        request: &SnapshotRequest,
    ) -> impl std::future::Future<Output = Result<Snapshot, Error>> + Send {
        render(self, request)
    }
}

async fn render(client: &Client, request: &SnapshotRequest) -> Result<Snapshot, Error> {
    let started = Instant::now();
    let deadline = started + request.deadline;
    let mut polls = 0u32;
    loop {
        polls += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let outcome = tokio::time::timeout(remaining, poll(client, request, polls)).await;
        let still_running = |status: Option<u16>, detail: String| {
            let call = Failure {
                status,
                ..request.failure(client, 202, polls)
            };
            let detail = format!("{detail}; ask again later or raise the deadline");
            Error::new(ErrorKind::Deadline, call, detail)
        };
        let message = match outcome {
            Ok(Ok(Poll::Rendered(snapshot))) => return Ok(snapshot),
            Ok(Ok(Poll::StillProcessing(message))) => message,
            Ok(Err(error)) => return Err(error),
            Err(_) => {
                return Err(still_running(
                    None,
                    format!(
                        "no rendered snapshot after {:.0?} and {polls} polls (the last one was still waiting for \
                         an answer)",
                        started.elapsed()
                    ),
                ))
            }
        };
        if Instant::now() + request.poll_interval >= deadline {
            return Err(still_running(
                Some(202),
                format!(
                    "the render is still running after {:.0?} and {polls} polls (Cloudcraft: {:?})",
                    started.elapsed(),
                    cloud_apis_runtime::failure::one_line(&message, 200)
                ),
            ));
        }
        tracing::debug!(polls, message = %message, "snapshot still rendering");
        tokio::time::sleep(request.poll_interval).await;
    }
}
