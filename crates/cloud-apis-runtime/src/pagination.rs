//! Pagination: the two schemes of the APIs here as traits the code generator implements for every page type, and
//! the walks that turn either kind of page into a `Stream` of items.
//!
//! `cargo xtask regen` recognises page schemas by shape and emits the impls next to the generated types, plus a
//! `stream()` method on every list operation's builder whose response is a page, so a new list operation streams
//! with no hand-written code.
//!
//! A walk stops when the list ends; a server that would keep it going forever (a cursor it already gave, a page
//! that repeats an earlier one, [`MAX_EMPTY_PAGES`] empty pages in a row, more pages than
//! [`PageLimits::max_pages`]) ends it with an [`ErrorKind::PaginationStalled`] error instead, after every item it
//! received (a repeated page's items excepted: they were given already).

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};

use futures::stream::{self, TryStreamExt};
/// The stream type the walks return, re-exported so generated code can name it.
pub use futures::Stream;
use progenitor_client::ResponseValue;
use serde::Serialize;

use crate::{Error, ErrorKind};

/// Bounds on one paginated walk.
///
/// ```
/// let limits = cloud_apis_runtime::pagination::PageLimits::default().max_pages(50);
/// assert_eq!(limits.pages(), 50);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    max_pages: u64,
}

/// How many pages a walk fetches at most by default.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

impl Default for PageLimits {
    fn default() -> Self {
        Self {
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

impl PageLimits {
    /// Fetch at most `pages` pages (at least 1); a list that goes on beyond them ends the walk with an error.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The page ceiling.
    pub fn pages(&self) -> u64 {
        self.max_pages
    }

    fn ceiling(&self) -> String {
        format!(
            "the list goes on after {} pages, the ceiling; raise it with `PageLimits::max_pages`",
            self.max_pages
        )
    }
}

fn stalled(detail: String) -> Error {
    Error::new(ErrorKind::PaginationStalled, Default::default(), detail)
}

/// Every item of a cursor-paginated list (Panther), within [`PageLimits::default`]; see [`cursor_with`].
pub fn cursor<'a, P, F, Fut>(fetch: F) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P: CursorPage + 'a,
    P::Item: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + 'a,
{
    cursor_with(PageLimits::default(), fetch)
}

/// Every item of a cursor-paginated list: calls `fetch(None)`, then `fetch(Some(next))` while pages carry a
/// `next` cursor. A cursor the server already gave (an exact repeat or a longer cycle), [`MAX_EMPTY_PAGES`] empty
/// pages in a row, or a page beyond `limits` ends the stream with [`ErrorKind::PaginationStalled`], after the
/// items of the last page fetched.
pub fn cursor_with<'a, P, F, Fut>(
    limits: PageLimits,
    mut fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P: CursorPage + 'a,
    P::Item: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + 'a,
{
    struct Walk {
        next: Option<String>,
        seen: HashSet<String>,
        pages: u64,
        empty_in_a_row: u32,
    }
    let start = Walk {
        next: None,
        seen: HashSet::new(),
        pages: 0,
        empty_in_a_row: 0,
    };
    pages(start, move |mut walk: Walk| {
        let request = fetch(walk.next.clone());
        async move {
            let (items, next) = request.await?.into_inner().into_parts();
            walk.pages += 1;
            let Some(next) = next else {
                return Ok(Page::last(items));
            };
            walk.empty_in_a_row = if items.is_empty() {
                walk.empty_in_a_row + 1
            } else {
                0
            };
            // Every cursor handed out so far is in `seen`, the one just sent included.
            if !walk.seen.insert(next.clone()) {
                let detail = format!(
                    "the server returned the cursor {:?} a second time, so pages would repeat forever",
                    crate::failure::one_line(&next, 80)
                );
                return Ok(Page::stalled(items, detail));
            }
            if walk.empty_in_a_row >= MAX_EMPTY_PAGES {
                let detail = format!(
                    "the server sent {MAX_EMPTY_PAGES} empty pages in a row, each with a new cursor, so the list \
                     would never end"
                );
                return Ok(Page::stalled(items, detail));
            }
            if walk.pages >= limits.max_pages {
                return Ok(Page::stalled(items, limits.ceiling()));
            }
            walk.next = Some(next);
            Ok(Page::more(items, walk))
        }
    })
}

/// How many empty pages in a row, each with a new cursor, end a walk as stalled: a list that goes on has items.
pub const MAX_EMPTY_PAGES: u32 = 5;

/// Every item of a numbered list (SCP), within [`PageLimits::default`]; see [`numbered_with`].
pub fn numbered<'a, P, F, Fut>(
    size: u64,
    fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P: NumberedPage + 'a,
    P::Item: Serialize + 'a,
    F: FnMut(u64, u64) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + 'a,
{
    numbered_with(PageLimits::default(), size, fetch)
}

/// Every item of a numbered list: calls `fetch(page, size)` from page 0 until `count` items were seen, a page
/// comes back short or empty. A page that repeats an earlier one (a server ignoring `page`) or a page beyond
/// `limits` (a `count` that never comes) ends the stream with [`ErrorKind::PaginationStalled`], after the items of
/// the last new page fetched.
pub fn numbered_with<'a, P, F, Fut>(
    limits: PageLimits,
    size: u64,
    mut fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + 'a
where
    P: NumberedPage + 'a,
    P::Item: Serialize + 'a,
    F: FnMut(u64, u64) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + 'a,
{
    struct Walk {
        page: u64,
        seen_items: u64,
        fingerprints: HashMap<u64, u64>,
    }
    let size = size.max(1);
    let start = Walk {
        page: 0,
        seen_items: 0,
        fingerprints: HashMap::new(),
    };
    pages(start, move |mut walk: Walk| {
        let request = fetch(walk.page, size);
        async move {
            let (items, count) = request.await?.into_inner().into_parts();
            walk.seen_items = walk.seen_items.saturating_add(items.len() as u64);
            let count = u64::try_from(count).unwrap_or(0);
            let more = !items.is_empty() && (items.len() as u64) >= size && walk.seen_items < count;
            if !more {
                return Ok(Page::last(items));
            }
            if let Some(earlier) = walk.fingerprints.insert(fingerprint(&items), walk.page) {
                // The items of a repeated page were all given already: only the error follows.
                let detail = format!(
                    "page {} repeats page {earlier}: the server seems to ignore `page`",
                    walk.page
                );
                return Ok(Page::stalled(Vec::new(), detail));
            }
            if walk.page + 1 >= limits.max_pages {
                return Ok(Page::stalled(items, limits.ceiling()));
            }
            walk.page += 1;
            Ok(Page::more(items, walk))
        }
    })
}

/// One page of a walk and what follows it: another request, the end, or the error that stalls the walk (after
/// the page's items, which were received and are not lost).
struct Page<I, W> {
    items: Vec<I>,
    then: Then<W>,
}

enum Then<W> {
    More(W),
    End,
    Stalled(String),
}

impl<I, W> Page<I, W> {
    fn more(items: Vec<I>, walk: W) -> Self {
        Self {
            items,
            then: Then::More(walk),
        }
    }

    fn last(items: Vec<I>) -> Self {
        Self {
            items,
            then: Then::End,
        }
    }

    fn stalled(items: Vec<I>, detail: String) -> Self {
        Self {
            items,
            then: Then::Stalled(detail),
        }
    }
}

/// The stream of a walk: `step` fetches one page from a state; every item is yielded, then the walk goes on, ends,
/// or ends in the error of a failed request or a stalled walk.
fn pages<'a, I, W, F, Fut>(start: W, mut step: F) -> impl Stream<Item = Result<I, Error>> + 'a
where
    I: 'a,
    W: 'a,
    F: FnMut(W) -> Fut + 'a,
    Fut: Future<Output = Result<Page<I, W>, Error>> + 'a,
{
    enum State<W> {
        Fetch(W),
        Fail(Error),
        Done,
    }
    stream::unfold(State::Fetch(start), move |state| {
        let request = match state {
            State::Fetch(walk) => Ok(step(walk)),
            State::Fail(error) => Err(Some(error)),
            State::Done => Err(None),
        };
        async move {
            let page = match request {
                Ok(request) => request.await,
                Err(Some(error)) => return Some((Err(error), State::Done)),
                Err(None) => return None,
            };
            match page {
                Err(error) => Some((Err(error), State::Done)),
                Ok(Page { items, then }) => {
                    let next = match then {
                        Then::More(walk) => State::Fetch(walk),
                        Then::End => State::Done,
                        Then::Stalled(detail) => State::Fail(stalled(detail)),
                    };
                    Some((Ok(items), next))
                }
            }
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

/// A hash of a page's items as JSON, to recognise a page served twice.
fn fingerprint<T: Serialize>(items: &[T]) -> u64 {
    let mut hasher = DefaultHasher::new();
    serde_json::to_vec(items)
        .unwrap_or_default()
        .hash(&mut hasher);
    hasher.finish()
}

/// A page of a cursor-paginated list (Panther): `{"results": [...], "next": "<token>"}`, where the next page is
/// requested with `cursor=<token>` until `next` is absent.
pub trait CursorPage {
    /// One listed item.
    type Item;
    /// The page's items and the cursor of the next page, if any.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

/// A page of a numbered list (SCP): `{"count": total, "page": n, "size": m, "<items>": [...]}`, requested with
/// `page=n&size=m`.
pub trait NumberedPage {
    /// One listed item.
    type Item;
    /// The page's items and the total count across all pages.
    fn into_parts(self) -> (Vec<Self::Item>, i64);
}
