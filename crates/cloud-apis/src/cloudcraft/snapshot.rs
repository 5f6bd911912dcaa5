//! Live snapshots of an AWS or an Azure account, with Cloudcraft's rendering long poll handled (one mechanism for
//! both clouds: [`SnapshotRequest::new`] for AWS, [`SnapshotRequest::azure`] for Azure).
//!
//! While a snapshot renders, Cloudcraft answers `202 {"code": "STILL_PROCESSING", "retry": true}`.
//! [`ClientSnapshotExt::snapshot`]
//! asks again until the document arrives or the request's deadline passes, then gives the blueprint as a typed
//! value (`json`) or the document as a byte stream (`svg`, `png`, `pdf`, `mxGraph`) that can be written to a file
//! or any `AsyncWrite` without holding it in memory.
//!
//! ```no_run
//! # async fn run(cloudcraft: cloud_apis::cloudcraft::Client) -> Result<(), cloud_apis::Error> {
//! use cloud_apis::cloudcraft::{types::SnapshotFormat, ClientSnapshotExt, Snapshot, SnapshotRequest};
//!
//! let accounts = cloudcraft.list_aws_accounts().send().await?.into_inner();
//! let account = &accounts.accounts[0];
//! let request = SnapshotRequest::new(&account.id, "us-east-1", SnapshotFormat::Png)
//!     .exclude(["ec2", "sg"])
//!     .options(|b| b.width(1920).height(1080).grid(true));
//! if let Snapshot::Document(png) = cloudcraft.snapshot(&request).await? {
//!     let bytes = png.save("snapshot.png").await?;
//!     println!("wrote {bytes} bytes");
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use cloud_apis_runtime::{Download, Failure};

use super::{builder, types, Client, ClientInfo};

use crate::{Error, ErrorKind};

/// How long [`snapshot`](ClientSnapshotExt::snapshot) keeps asking by default.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// The pause between two polls by default (each poll is itself a long poll on Cloudcraft's side).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// The largest `json` snapshot read into memory (a diagram of a very large account is tens of MiB).
pub const MAX_JSON_SNAPSHOT_BYTES: usize = 256 << 20;
/// The largest 202 notice read (it is a line of JSON).
const MAX_NOTICE_BYTES: usize = 64 << 10;

/// A cloud whose accounts Cloudcraft can snapshot: [`Aws`] or [`Azure`]. Both share one long poll; this trait
/// says only which generated operation to call.
pub trait Cloud: sealed::Sealed + Send + Sync + 'static {
    /// The ID of an account of this cloud, as registered with Cloudcraft.
    type AccountId: fmt::Display + fmt::Debug + Clone + Send + Sync;
    /// The generated builder of this cloud's snapshot operation.
    type Builder<'c>: Send;
    /// What [`SnapshotRequest::options`] keeps: a change to that builder.
    type Options: ?Sized + Send + Sync;
    /// The path segment after the API root (`aws`, `azure`).
    const PATH: &'static str;
    /// The operation's `operationId`.
    const OPERATION: &'static str;

    /// The snapshot operation's builder for `client`, with the arguments every snapshot has.
    fn builder<'c>(
        client: &'c Client,
        account_id: &Self::AccountId,
        region: &str,
        format: types::SnapshotFormat,
        exclude: Option<String>,
    ) -> Self::Builder<'c>;
    /// Applies the caller's options to the builder.
    fn apply<'c>(options: &Self::Options, builder: Self::Builder<'c>) -> Self::Builder<'c>;
    /// Sends it, keeping the body unread.
    fn download(builder: Self::Builder<'_>)
        -> impl Future<Output = Result<Download, Error>> + Send;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Aws {}
    impl Sealed for super::Azure {}
}

/// Snapshots of AWS accounts (`GET /aws/account/{account_id}/{region}/{format}`).
#[derive(Debug)]
pub enum Aws {}

/// Snapshots of Azure accounts (`GET /azure/account/{account_id}/{region}/{format}`).
#[derive(Debug)]
pub enum Azure {}

/// Implements [`Cloud`] for one cloud from its generated operation: the builders share their argument names.
macro_rules! cloud {
    ($cloud:ty, $id:ty, $builder:ident, $method:ident, $path:literal, $operation:literal) => {
        impl Cloud for $cloud {
            type AccountId = $id;
            type Builder<'c> = builder::$builder<'c>;
            type Options =
                dyn for<'c> Fn(builder::$builder<'c>) -> builder::$builder<'c> + Send + Sync;
            const PATH: &'static str = $path;
            const OPERATION: &'static str = $operation;

            fn builder<'c>(
                client: &'c Client,
                account_id: &Self::AccountId,
                region: &str,
                format: types::SnapshotFormat,
                exclude: Option<String>,
            ) -> Self::Builder<'c> {
                let builder = client
                    .$method()
                    .account_id(account_id)
                    .region(region)
                    .format(format);
                match exclude {
                    Some(exclude) => builder.exclude(exclude),
                    None => builder,
                }
            }

            fn apply<'c>(options: &Self::Options, builder: Self::Builder<'c>) -> Self::Builder<'c> {
                options(builder)
            }

            fn download(
                builder: Self::Builder<'_>,
            ) -> impl Future<Output = Result<Download, Error>> + Send {
                builder.download()
            }
        }

        impl SnapshotRequest<$cloud> {
            /// Any other documented option, set on the generated builder: `|b| b.width(1920).theme(...)`.
            pub fn options(
                mut self,
                options: impl for<'c> Fn(builder::$builder<'c>) -> builder::$builder<'c>
                    + Send
                    + Sync
                    + 'static,
            ) -> Self {
                self.options = Some(Box::new(options));
                self
            }
        }
    };
}

cloud!(
    Aws,
    types::AwsAccountId,
    SnapshotAwsAccount,
    snapshot_aws_account,
    "aws",
    "snapshotAwsAccount"
);
cloud!(
    Azure,
    types::AzureAccountId,
    SnapshotAzureAccount,
    snapshot_azure_account,
    "azure",
    "snapshotAzureAccount"
);

/// One snapshot to render: cloud, account, region, format, rendering options, and how long to wait for it.
pub struct SnapshotRequest<C: Cloud = Aws> {
    account_id: C::AccountId,
    region: String,
    format: types::SnapshotFormat,
    exclude: Vec<String>,
    options: Option<Box<C::Options>>,
    deadline: Duration,
    poll_interval: Duration,
}

impl<C: Cloud> fmt::Debug for SnapshotRequest<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotRequest")
            .field("cloud", &C::PATH)
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

impl SnapshotRequest<Aws> {
    /// A snapshot of the AWS account `account_id` (an [`AwsAccount`](types::AwsAccount)'s `id`, or its text) in
    /// `region`, rendered as `format`.
    pub fn new(
        account_id: impl Into<types::AwsAccountId>,
        region: impl Into<String>,
        format: types::SnapshotFormat,
    ) -> Self {
        Self::of(account_id.into(), region.into(), format)
    }
}

impl SnapshotRequest<Azure> {
    /// A snapshot of the Azure account `account_id` (an [`AzureAccount`](types::AzureAccount)'s `id`) in `region`
    /// (e.g. `eastus`), rendered as `format`.
    ///
    /// ```
    /// use cloud_apis::cloudcraft::{types::SnapshotFormat, SnapshotRequest};
    ///
    /// let request = SnapshotRequest::azure("d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a", "eastus", SnapshotFormat::Svg)
    ///     .options(|b| b.grid(true));
    /// assert!(format!("{request:?}").contains("azure"));
    /// ```
    pub fn azure(
        account_id: impl Into<types::AzureAccountId>,
        region: impl Into<String>,
        format: types::SnapshotFormat,
    ) -> Self {
        Self::of(account_id.into(), region.into(), format)
    }
}

impl<C: Cloud> SnapshotRequest<C> {
    fn of(account_id: C::AccountId, region: String, format: types::SnapshotFormat) -> Self {
        Self {
            account_id,
            region,
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

    fn build<'c>(&self, client: &'c Client) -> C::Builder<'c> {
        let exclude = (!self.exclude.is_empty()).then(|| self.exclude.join(","));
        let b = C::builder(client, &self.account_id, &self.region, self.format, exclude);
        match &self.options {
            Some(options) => C::apply(options, b),
            None => b,
        }
    }

    /// The call as an error describes it when no answer arrived to describe it.
    fn failure(&self, client: &Client, status: Option<u16>, attempts: u32) -> Failure {
        let url = format!(
            "{}/{}/account/{}/{}/{}",
            client.baseurl(),
            C::PATH,
            self.account_id,
            self.region,
            self.format
        );
        Failure {
            status,
            attempts,
            ..Failure::call("cloudcraft", C::OPERATION, "GET", &url)
        }
    }
}

/// A rendered snapshot.
#[derive(Debug)]
pub enum Snapshot {
    /// `format=json`: the account as a Cloudcraft diagram (boxed: it is large, a document handle is not).
    Blueprint(Box<types::BlueprintData>),
    /// Any other format: the document, streamed.
    Document(Download),
}

/// What one poll brought.
enum Poll {
    Rendered(Snapshot),
    StillProcessing(String),
}

async fn poll<C: Cloud>(client: &Client, request: &SnapshotRequest<C>) -> Result<Poll, Error> {
    let download = C::download(request.build(client)).await?;
    let call = download.call().clone();
    if download.status() == reqwest::StatusCode::ACCEPTED {
        let bytes = download.bytes(MAX_NOTICE_BYTES).await?;
        let processing: types::SnapshotProcessing = serde_json::from_slice(&bytes)
            .map_err(|e| Error::new(ErrorKind::Decode, call, format!("202 body: {e}")))?;
        return Ok(Poll::StillProcessing(processing.message));
    }
    if request.format == types::SnapshotFormat::Json {
        let bytes = download.bytes(MAX_JSON_SNAPSHOT_BYTES).await?;
        let diagram: Box<types::BlueprintData> = serde_json::from_slice(&bytes)
            .map_err(|e| Error::new(ErrorKind::Decode, call, format!("diagram: {e}")))?;
        return Ok(Poll::Rendered(Snapshot::Blueprint(diagram)));
    }
    Ok(Poll::Rendered(Snapshot::Document(download)))
}

/// Operations of the Cloudcraft client made of several calls, as methods of [`Client`] (import the trait).
pub trait ClientSnapshotExt {
    /// Renders a snapshot, polling again while Cloudcraft answers 202, until the document arrives or the request's
    /// deadline passes. (The raw `snapshot_aws_account` returns the 202 "still processing" answer as a success.)
    ///
    /// The deadline bounds everything up to the document's first bytes (a poll in flight is abandoned when it
    /// passes), so the call returns within the deadline whatever the server does; the document itself then streams
    /// for as long as it keeps coming (see [`Download`]). A blueprint (`json`) is read within the deadline.
    fn snapshot<C: Cloud>(
        &self,
        request: &SnapshotRequest<C>,
    ) -> impl Future<Output = Result<Snapshot, Error>> + Send;
}

impl ClientSnapshotExt for Client {
    fn snapshot<C: Cloud>(
        &self,
        request: &SnapshotRequest<C>,
    ) -> impl Future<Output = Result<Snapshot, Error>> + Send {
        render(self, request)
    }
}

async fn render<C: Cloud>(
    client: &Client,
    request: &SnapshotRequest<C>,
) -> Result<Snapshot, Error> {
    let started = Instant::now();
    let deadline = started + request.deadline;
    let mut polls = 0u32;
    loop {
        polls += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let outcome = tokio::time::timeout(remaining, poll(client, request)).await;
        let still_running = |status: Option<u16>, detail: String| {
            let call = request.failure(client, status, polls);
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
