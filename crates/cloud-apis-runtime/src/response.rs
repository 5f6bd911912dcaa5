//! Typed success and error bodies, read as progenitor reads them but without copying the response's headers.
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
    let headers = std::mem::take(response.headers_mut());
    let full = whole_body(&mut response)
        .await
        .map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// The whole body, read chunk by chunk: a body of one chunk (the usual JSON answer) is handed on as it is. Unlike
/// `Response::bytes` this needs no queue of frames, and its future is a fraction of the size (every generated
/// exchange holds one).
async fn whole_body(response: &mut Response) -> reqwest::Result<Bytes> {
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut all = BytesMut::with_capacity(first.len() + second.len());
    all.extend_from_slice(&first);
    all.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        all.extend_from_slice(&chunk);
    }
    Ok(all.freeze())
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
