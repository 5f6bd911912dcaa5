//! Safe edits of a blueprint: read it with its `ETag`, change it, write it back only if nobody changed it meanwhile.
//!
//! Cloudcraft versions every blueprint: `GET /blueprint/{id}` answers an `ETag`, and `PUT` with `If-Match: <etag>`
//! is refused with `412 Precondition Failed` when the blueprint has changed since ([`Error::is_precondition_failed`]).
//! [`ClientBlueprintExt::edit_blueprint`] does the whole read-modify-write and, on a 412, reads the new version and
//! applies the change again (a few times at most), so a concurrent edit is never overwritten.
//!
//! ```no_run
//! # async fn run(cloudcraft: cloud_apis::cloudcraft::Client) -> Result<(), cloud_apis::Error> {
//! use cloud_apis::cloudcraft::{types::BlueprintId, ClientBlueprintExt};
//!
//! let id: BlueprintId = "3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c".into();
//! let edited = cloudcraft
//!     .edit_blueprint(&id, |blueprint| {
//!         blueprint.tags.get_or_insert_with(Vec::new).push("reviewed".into());
//!     })
//!     .await?;
//! println!("now at version {:?}", edited.etag);
//! # Ok(()) }
//! ```

use std::future::Future;

use cloud_apis_runtime::Failure;
use reqwest::header::{HeaderMap, ETAG};

use super::{types, Client, ClientInfo};
use crate::{Error, ErrorKind};

/// How many times [`ClientBlueprintExt::edit_blueprint`] reads, changes and writes before it gives up on a
/// blueprint that keeps changing under it (the last 412 is returned).
pub const EDIT_ATTEMPTS: u32 = 3;

/// A blueprint as written by [`ClientBlueprintExt::edit_blueprint`].
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    /// The blueprint as the edit left it (the version that was written).
    pub blueprint: types::Blueprint,
    /// The new version's `ETag`, to pass as `If-Match` to a later update.
    pub etag: Option<String>,
    /// How many read-change-write rounds it took (more than 1 when someone else changed the blueprint meanwhile).
    pub attempts: u32,
}

/// The `ETag` of a response (the blueprint version it read or wrote), when it sent one that is text.
///
/// ```
/// use reqwest::header::{HeaderMap, HeaderValue, ETAG};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(ETAG, HeaderValue::from_static("\"5d41402a\""));
/// assert_eq!(cloud_apis::cloudcraft::etag(&headers), Some("\"5d41402a\""));
/// ```
pub fn etag(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(ETAG)?
        .to_str()
        .ok()
        .filter(|tag| !tag.is_empty())
}

/// The `ETag` of a response if it names exactly one version (a strong tag, `"..."`), else why not: `If-Match`
/// with `*` matches any version, a weak tag (`W/"..."`) is refused by `If-Match` comparison, and a list or an empty
/// tag names no single version. Writing with any of them could overwrite someone else's change.
fn strong_etag(headers: &HeaderMap) -> Result<&str, String> {
    let Some(value) = headers.get(ETAG) else {
        return Err("came without an ETag".into());
    };
    let tag = value.to_str().unwrap_or_default().trim();
    let opaque = tag
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|inner| !inner.is_empty())
        .filter(|inner| {
            inner
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b))
        });
    match opaque {
        Some(_) => Ok(tag),
        None => {
            let shown = cloud_apis_runtime::failure::one_line(
                &String::from_utf8_lossy(value.as_bytes()),
                80,
            );
            let kind = if tag == "*" {
                "the wildcard `*`, which matches any version"
            } else if tag.starts_with("W/") {
                "a weak tag, which `If-Match` never matches"
            } else if tag.contains(',') {
                "a list of tags, not one version"
            } else {
                "not one strong tag naming a version"
            };
            Err(format!("came with ETag {shown:?}, {kind}"))
        }
    }
}

/// Blueprint operations made of several calls, as methods of [`Client`] (import the trait).
pub trait ClientBlueprintExt {
    /// Reads the blueprint with its `ETag`, lets `edit` change it, and writes it back with `If-Match`, so the write
    /// is refused (412) if someone changed the blueprint in between. After such a refusal it reads the new version
    /// and calls `edit` again, up to [`EDIT_ATTEMPTS`] rounds in all; `edit` should therefore be a change to apply
    /// (add a tag, move a node), not a value computed from an earlier read.
    ///
    /// What is written is the blueprint's diagram, name, tags and access grants. A blueprint read without an `ETag`
    /// that names exactly one version (a strong tag: not `*`, not weak, not a list, not empty) is not written at
    /// all, and the error names it: an unconditional write could overwrite someone else's change.
    fn edit_blueprint<F>(
        &self,
        id: &types::BlueprintId,
        edit: F,
    ) -> impl Future<Output = Result<Edited, Error>> + Send
    where
        F: FnMut(&mut types::Blueprint) + Send;
}

impl ClientBlueprintExt for Client {
    fn edit_blueprint<F>(
        &self,
        id: &types::BlueprintId,
        edit: F,
    ) -> impl Future<Output = Result<Edited, Error>> + Send
    where
        F: FnMut(&mut types::Blueprint) + Send,
    {
        read_modify_write(self, id, edit)
    }
}

async fn read_modify_write<F>(
    client: &Client,
    id: &types::BlueprintId,
    mut edit: F,
) -> Result<Edited, Error>
where
    F: FnMut(&mut types::Blueprint) + Send,
{
    let mut attempts = 0;
    loop {
        attempts += 1;
        let read = client.get_blueprint().blueprint_id(id).send().await?;
        let version = match strong_etag(read.headers()) {
            Ok(version) => version.to_string(),
            Err(why) => {
                let url = format!("{}/blueprint/{id}", client.baseurl());
                let call = Failure {
                    status: Some(read.status().as_u16()),
                    attempts: 1,
                    ..Failure::call("cloudcraft", "getBlueprint", "GET", &url)
                };
                let detail =
                    format!("blueprint {id} {why}, so it cannot be written back safely; nothing was written");
                return Err(Error::new(ErrorKind::Decode, call, detail));
            }
        };
        let mut blueprint = read.into_inner();
        edit(&mut blueprint);
        let written = client
            .update_blueprint()
            .blueprint_id(id)
            .if_match(version)
            .body(update_of(&blueprint))
            .send()
            .await;
        match written {
            Ok(written) => {
                let etag = etag(written.headers()).map(str::to_string);
                return Ok(Edited {
                    blueprint,
                    etag,
                    attempts,
                });
            }
            Err(error) if error.is_precondition_failed() && attempts < EDIT_ATTEMPTS => {
                tracing::debug!(%id, attempts, "blueprint changed since it was read; reading it again");
            }
            Err(error) => return Err(error),
        }
    }
}

/// The update that writes `blueprint` back as it is.
fn update_of(blueprint: &types::Blueprint) -> types::BlueprintUpdateRequest {
    types::BlueprintUpdateRequest {
        data: blueprint.data.clone().unwrap_or_default(),
        name: blueprint.name.clone(),
        tags: blueprint.tags.clone(),
        read_access: blueprint.read_access.clone(),
        write_access: blueprint.write_access.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn tag_of(value: &'static str) -> Result<String, String> {
        let mut headers = HeaderMap::new();
        headers.insert(ETAG, HeaderValue::from_static(value));
        strong_etag(&headers).map(str::to_string)
    }

    #[test]
    fn only_a_strong_tag_names_a_version() {
        assert_eq!(tag_of("\"5d41402a\"").unwrap(), "\"5d41402a\"");
        for (tag, why) in [
            ("*", "wildcard"),
            ("W/\"5d41402a\"", "weak"),
            ("\"a\", \"b\"", "list"),
            ("\"\"", "not one strong tag"),
            ("", "not one strong tag"),
            ("5d41402a", "not one strong tag"),
            ("\"a\"b\"", "not one strong tag"),
        ] {
            let err = tag_of(tag).unwrap_err();
            assert!(err.contains(why), "{tag:?}: {err}");
        }
        assert_eq!(
            strong_etag(&HeaderMap::new()).unwrap_err(),
            "came without an ETag"
        );
    }
}
