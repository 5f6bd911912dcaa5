//! Typed success and error bodies, read as progenitor reads them but without copying the response's headers, and
//! never more of them than the runtime's body limit (a hostile or broken server cannot take all memory).
//!
//! Every generated exchange decodes a documented JSON body through [`response_value`] (the code pass
//! `moved_response_headers` puts it where progenitor writes `ResponseValue::from_response`): progenitor clones the
//! header map (two allocations) because it reads the body from the same response afterwards; the headers can be
//! moved out first, as reading the body does not consult them.

use bytes::{Bytes, BytesMut};
use progenitor_client::{Error, ResponseValue};
use reqwest::Response;
use serde::de::DeserializeOwned;

/// A response's JSON body decoded as `T`, with the response's status and headers.
///
/// ```
/// # tokio_test_block_on(async {
/// let response = reqwest::Response::from(
///     http::Response::builder().header("etag", "\"v2\"").body(r#"{"name":"a"}"#).unwrap(),
/// );
/// let value: progenitor_client::ResponseValue<serde_json::Value> =
///     cloud_apis_runtime::response_value::<_, ()>(response).await.unwrap();
/// assert_eq!(value.headers()["etag"], "\"v2\"");
/// assert_eq!(value.into_inner()["name"], "a");
/// # });
/// # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub async fn response_value<T: DeserializeOwned, E>(
    mut response: Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let limit = response
        .extensions()
        .get::<BodyLimit>()
        .map_or(DEFAULT_RESPONSE_BODY_LIMIT, |limit| limit.0);
    let headers = std::mem::take(response.headers_mut());
    let full = whole_body(&mut response, limit)
        .await
        .map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// How much of a JSON response body is read into memory by default (`RuntimeBuilder::max_response_body`): far
/// more than any real page of a list, far less than a machine's memory.
pub const DEFAULT_RESPONSE_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The body limit of a runtime whose limit is not the default, carried by the response to [`response_value`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// A response body beyond its limit: the source of the reading error [`response_value`] fails with, which the call
/// record turns into [`crate::ErrorKind::ResponseTooLarge`].
#[derive(Debug)]
pub(crate) struct BodyTooLarge {
    pub(crate) limit: usize,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body is longer than the {} bytes read into memory at most",
            self.limit
        )
    }
}

impl std::error::Error for BodyTooLarge {}

/// The whole body, read chunk by chunk and at most `limit` bytes of it: a body of one chunk (the usual JSON answer)
/// is handed on as it is. Unlike `Response::bytes` this needs no queue of frames, and its future is a fraction of
/// the size (every generated exchange holds one). A body announced or found longer than `limit` is not read on.
async fn whole_body(response: &mut Response, limit: usize) -> reqwest::Result<Bytes> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large(limit).await);
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(too_large(limit).await);
    }
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut all = BytesMut::with_capacity(first.len() + second.len());
    all.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if all.len() + chunk.len() > limit {
            return Err(too_large(limit).await);
        }
        all.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok(all.freeze())
}

/// A reading error whose source is [`BodyTooLarge`].
async fn too_large(limit: usize) -> reqwest::Error {
    reqwest_error(BodyTooLarge { limit }).await
}

/// A reqwest error whose source is `error`, for failures the runtime decides on that must travel where only
/// reqwest's errors can (reqwest's errors are made by reqwest alone: this one comes from a body that fails as
/// soon as it is read). The call's record turns it back into its own kind of [`crate::Error`].
pub(crate) async fn reqwest_error<E>(error: E) -> reqwest::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    let failing = futures::stream::once(async move { Err::<Bytes, _>(error) });
    let mut response = Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
    match response.chunk().await {
        Err(error) => error,
        Ok(_) => unreachable!("a body whose only frame is an error fails when read"),
    }
}

/// The runtime's own error of type `E` among the sources of a reqwest error, if it is one.
pub(crate) fn cause<'e, E: std::error::Error + 'static>(
    error: &'e (dyn std::error::Error + 'static),
) -> Option<&'e E> {
    let mut source = Some(error);
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<E>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

/// The limit a reading error reports, when it is one of [`whole_body`]'s.
pub(crate) fn too_large_limit(error: &(dyn std::error::Error + 'static)) -> Option<usize> {
    cause::<BodyTooLarge>(error).map(|too_large| too_large.limit)
}

/// A success without a body, with the response's status and headers.
pub fn empty_response(mut response: Response) -> ResponseValue<()> {
    let status = response.status();
    ResponseValue::new((), status, std::mem::take(response.headers_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &'static str) -> Response {
        Response::from(
            http::Response::builder()
                .status(status)
                .header("x-request-id", "r-1")
                .body(body)
                .unwrap(),
        )
    }

    #[tokio::test]
    async fn reads_what_progenitor_reads() {
        let ours: ResponseValue<serde_json::Value> =
            response_value::<_, ()>(response(200, r#"{"a":1}"#))
                .await
                .unwrap();
        let theirs: ResponseValue<serde_json::Value> =
            ResponseValue::from_response::<()>(response(200, r#"{"a":1}"#))
                .await
                .unwrap();
        assert_eq!(ours.status(), theirs.status());
        assert_eq!(ours.headers(), theirs.headers());
        assert_eq!(ours.into_inner(), theirs.into_inner());

        let empty = empty_response(response(204, ""));
        assert_eq!(empty.status(), 204);
        assert_eq!(empty.headers()["x-request-id"], "r-1");
    }

    #[tokio::test]
    async fn a_body_in_many_chunks_is_read_whole() {
        let chunks: Vec<Result<&'static str, std::io::Error>> = vec![Ok("[1,"), Ok("2,"), Ok("3]")];
        let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
        let response = Response::from(http::Response::new(body));
        let value: ResponseValue<Vec<u8>> = response_value::<_, ()>(response).await.unwrap();
        assert_eq!(value.into_inner(), [1, 2, 3]);
        let empty = Response::from(http::Response::new(""));
        let error = response_value::<Vec<u8>, ()>(empty).await.unwrap_err();
        assert!(matches!(error, Error::InvalidResponsePayload(body, _) if body.is_empty()));
    }

    #[tokio::test]
    async fn a_body_that_is_not_the_documented_json_keeps_its_bytes() {
        let error = response_value::<Vec<u8>, ()>(response(200, "<html>"))
            .await
            .unwrap_err();
        let Error::InvalidResponsePayload(body, _) = error else {
            panic!("expected an invalid payload, got {error:?}")
        };
        assert_eq!(&body[..], b"<html>");
    }
}
