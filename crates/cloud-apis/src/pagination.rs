//! Streams over paginated list operations, generic over every operation whose page type the generator recognised
//! (see `cloud_apis_runtime::pagination`).
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

use std::future::Future;

use cloud_apis_runtime::pagination::{CursorPage, NumberedPage};
use futures::stream::{self, Stream, TryStreamExt};
use progenitor_client::ResponseValue;

use crate::{Error, ErrorKind};

/// Every item of a cursor-paginated list (Panther): calls `fetch(None)`, then `fetch(Some(next))` while pages
/// carry a `next` cursor. A server that hands back the cursor it was given ends the stream with an error instead
/// of looping forever.
pub fn cursor<'a, P, E, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P: CursorPage + 'a,
    P::Item: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, progenitor_client::Error<E>>> + 'a,
    E: 'a,
{
    stream::try_unfold(Some(None::<String>), move |state| {
        let request = state.map(|cursor| (cursor.clone(), fetch(cursor)));
        async move {
            let Some((cursor, request)) = request else {
                return Ok::<_, Error>(None);
            };
            let (items, next) = request.await?.into_inner().into_parts();
            if next.is_some() && next == cursor {
                return Err(Error::other(format!(
                    "pagination stalled: the server returned the cursor it was given ({:?})",
                    next.unwrap_or_default()
                )));
            }
            Ok(Some((items, next.map(Some))))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

/// Every item of a numbered list (SCP): calls `fetch(page, size)` from page 0 until `count` items were seen or a
/// page comes back short.
pub fn numbered<'a, P, E, F, Fut>(
    size: i64,
    mut fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P: NumberedPage + 'a,
    P::Item: 'a,
    F: FnMut(i64, i64) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, progenitor_client::Error<E>>> + 'a,
    E: 'a,
{
    let size = size.max(1);
    // State: the next page to fetch and the items seen so far; `None` once done.
    stream::try_unfold(Some((0i64, 0i64)), move |state| {
        let request = state.map(|(page, seen)| (page, seen, fetch(page, size)));
        async move {
            let Some((page, seen, request)) = request else {
                return Ok::<_, Error>(None);
            };
            let (items, count) = request.await?.into_inner().into_parts();
            let seen = seen + items.len() as i64;
            let more = !items.is_empty() && (items.len() as i64) >= size && seen < count;
            Ok(Some((items, more.then_some((page + 1, seen)))))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

impl Error {
    pub(crate) fn other(detail: String) -> Self {
        Error::bare_kind(ErrorKind::Other, detail)
    }
}
