//! Streams over paginated list operations, generic over every operation whose page type the generator recognised.
//! Every such operation's builder also has `stream()`, which walks the list with the documented page size:
//! `client.role_list().stream()`.
//!
//! A walk stops when the list ends; a server that would keep it going forever (a cursor it already gave, a page
//! that repeats an earlier one, more pages than [`PageLimits::max_pages`]) ends it with an
//! [`crate::ErrorKind::PaginationStalled`] error instead.
//!
//! ```no_run
//! # async fn run(scp: cloud_apis::scp::cloudcontrol::v1_1::Client) -> Result<(), cloud_apis::Error> {
//! use futures::TryStreamExt;
//!
//! let guardrails: Vec<_> = cloud_apis::pagination::numbered(50, |page, size| {
//!     scp.list_guardrails().page(page).size(size).send()
//! })
//! .try_collect()
//! .await?;
//! # Ok(()) }
//! ```

pub use cloud_apis_runtime::pagination::*;
