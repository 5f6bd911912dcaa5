//! The two pagination schemes of the APIs here, as traits the code generator implements for every page type.
//!
//! `cargo xtask regen` recognises page schemas by shape and emits the impls next to the generated types, so a new
//! list operation gets streaming for free; the facade turns either kind of page into a `Stream` of items.

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
