//! How a call's context reaches its [`Error`]: the one module that starts a call's record and reads it back.
//!
//! Every generated `send()` is
//!
//! ```ignore
//! let mut call = cloud_apis_runtime::start_call(api, operation, method);
//! let result = Box::pin(self.exchange(&mut call)).await;
//! cloud_apis_runtime::finish_call(result, call)
//! ```
//!
//! where `exchange` is progenitor's request-response code, which hands `&mut call` to
//! [`crate::Runtime::execute`], which every request passes through. The runtime writes what it sees into the
//! record (URL, attempts, status, the provider's message, `Retry-After`, how the transport failed). When the
//! exchange fails, its progenitor error and the record become one [`Error`]. The record never travels in anything a
//! server can write (a header, a body), so a server cannot forge what an error says about the call. It is passed by
//! reference rather than through a task-local, which would be swapped in and out on every poll of the call.

use progenitor_client::{ByteStream, ResponseValue};

use crate::download::Download;
use crate::error::server_text;
use crate::failure::{excerpt, Failure, Transport};
use crate::response::{cause, too_large_limit, BodyTooLarge};
use crate::runtime::LeftOrigin;
use crate::{Api, Error, ErrorKind};

/// The record of one call of `operation` (the spec's `operationId`, sent with HTTP `method`) of `api`, with nothing
/// known yet about how it goes. Recording borrows the three names, so it allocates nothing.
pub fn start_call(api: &Api, operation: &'static str, method: &'static str) -> Failure {
    Failure::call(api.name, operation, method, "")
}

/// The outcome of one operation's exchange: its value, or its failure read with the call's record as an [`Error`].
///
/// Called by every generated `send()`.
pub fn finish_call<T, E>(
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    call: Failure,
) -> Result<ResponseValue<T>, Error>
where
    E: Send + Sync + 'static,
{
    result.map_err(|error| from_exchange(error, call))
}

/// [`finish_call`] for an operation whose success body is a byte stream: the body comes back unread, as a
/// [`Download`] that keeps the call's record for whatever goes wrong while it is read.
///
/// Called by every generated `download()`.
pub fn finish_download<E>(
    result: Result<ResponseValue<ByteStream>, progenitor_client::Error<E>>,
    call: Failure,
) -> Result<Download, Error>
where
    E: Send + Sync + 'static,
{
    match result {
        Ok(response) => Ok(Download::new(response, call)),
        Err(error) => Err(from_exchange(error, call)),
    }
}

/// One progenitor error, read with what the runtime recorded about the call.
fn from_exchange<E: Send + Sync + 'static>(
    error: progenitor_client::Error<E>,
    mut call: Failure,
) -> Error {
    use progenitor_client::Error as P;
    match error {
        P::InvalidRequest(message) => Error::new(ErrorKind::InvalidRequest, call, message),
        P::ErrorResponse(response) => {
            call.status = Some(response.status().as_u16());
            let headers = response.headers().clone();
            Error::new(ErrorKind::Status, call, "")
                .with_headers(headers)
                .with_body(response.into_inner())
        }
        P::UnexpectedResponse(response) => {
            let status = response.status();
            call.status = Some(status.as_u16());
            let headers = response.headers().clone();
            let error = if status.is_success() || status.is_informational() {
                let detail = format!("undocumented status {status}");
                Error::new(ErrorKind::Decode, call, detail)
            } else {
                Error::new(ErrorKind::Status, call, "")
            };
            error.with_headers(headers)
        }
        P::InvalidResponsePayload(body, e) => {
            let body = call.redactions.bytes(body);
            // A documented error status with a body that is not the documented JSON (a proxy's HTML page, an
            // empty 400) is still that status.
            if call.status.is_some_and(|s| s >= 400) {
                if call.message.is_none() && call.excerpt.is_none() {
                    call.excerpt = excerpt(&body);
                }
                return Error::new(ErrorKind::Status, call, "");
            }
            let mut detail = server_text(&e.to_string());
            if let Some(start) = excerpt(&body) {
                detail.push_str(&format!("; body starts with {start:?}"));
            }
            Error::new(ErrorKind::Decode, call, detail)
        }
        P::ResponseBodyError(e) => {
            if let Some(limit) = too_large_limit(&e) {
                return too_large(call, limit);
            }
            call.transport = Some(Transport::of(&e));
            let detail = format!("reading the body: {}", error_chain(&e));
            Error::new(ErrorKind::Transport, call, detail)
        }
        // A redirect a caller's own HTTP client followed to another origin: refused like any redirect.
        P::CommunicationError(e) if cause::<LeftOrigin>(&e).is_some() => {
            Error::new(ErrorKind::Status, call, "")
        }
        P::CommunicationError(e) if call.attempts == 0 => {
            // The request could not even be built (e.g. a base URL that does not parse): nothing was sent.
            Error::new(ErrorKind::InvalidRequest, call, error_chain(&e))
        }
        P::CommunicationError(e) => {
            call.transport.get_or_insert(Transport::of(&e));
            Error::new(ErrorKind::Transport, call, error_chain(&e))
        }
        P::Custom(message) => Error::new(ErrorKind::Other, call, message),
        P::InvalidUpgrade(e) => Error::new(ErrorKind::Other, call, e.to_string()),
    }
}

/// A body longer than `limit` bytes, as the call's error.
pub(crate) fn too_large(call: Failure, limit: usize) -> Error {
    let detail = format!(
        "{}; raise the limit with `HttpOptions::max_response_body` if this answer is expected",
        BodyTooLarge { limit }
    );
    Error::new(ErrorKind::ResponseTooLarge, call, detail)
}

/// An error and its sources, as one line.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    server_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};

    const API: Api = Api {
        name: "panther",
        version: "1.0",
        spec: "specs/panther.json",
        generated: "crates/panther-client/src/generated.rs",
        pinned_headers: &[],
        operations: &[],
        error_message: |_| (None, None),
    };

    #[test]
    fn what_the_runtime_notes_reaches_the_error() {
        let mut call = start_call(&API, "role#get", "GET");
        call.url = "https://example.com/roles/r-1".into();
        call.attempts = 2;
        call.status = Some(502);
        call.excerpt = Some("<html>bad gateway</html>".into());
        let result =
            Err::<ResponseValue<()>, _>(progenitor_client::Error::<()>::InvalidResponsePayload(
                "<html>bad gateway</html>".into(),
                serde_json::from_str::<()>("<").unwrap_err(),
            ));
        let error = finish_call(result, call).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Status);
        assert_eq!(error.attempts(), 2);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
        assert_eq!(
            error.to_string(),
            "panther `role#get` (GET https://example.com/roles/r-1) failed with HTTP 502 Bad Gateway after 2 \
             attempts; response body: \"<html>bad gateway</html>\""
        );
    }

    #[test]
    fn a_request_refused_before_sending_says_nothing_was_sent() {
        let result = Err::<ResponseValue<()>, _>(progenitor_client::Error::<()>::InvalidRequest(
            "id was not initialized".into(),
        ));
        let error = finish_call(result, start_call(&API, "role#get", "GET")).unwrap_err();
        assert_eq!(error.attempts(), 0);
        assert_eq!(
            error.to_string(),
            "invalid request, nothing was sent: panther `role#get`: id was not initialized"
        );
    }

    #[tokio::test]
    async fn a_download_keeps_the_call_it_came_from() {
        let mut call = start_call(&API, "export", "GET");
        call.url = "https://example.com/export.png".into();
        call.attempts = 1;
        let chunks = vec![
            Ok(bytes::Bytes::from_static(b"\x89PNG")),
            Ok(bytes::Bytes::from_static(b"rest")),
        ];
        let body = ByteStream::new(Box::pin(stream::iter(chunks)));
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
        let result = Ok::<_, progenitor_client::Error<()>>(ResponseValue::new(
            body,
            reqwest::StatusCode::OK,
            headers,
        ));
        let download = finish_download(result, call).unwrap();
        assert_eq!(download.content_type(), Some("image/png"));
        assert_eq!(download.call().url, "https://example.com/export.png");
        assert_eq!(download.call().status, Some(200));
        let mut out = Vec::new();
        assert_eq!(download.write_to(&mut out).await.unwrap(), 8);
        assert_eq!(out, b"\x89PNGrest");
    }

    #[tokio::test]
    async fn a_download_read_into_memory_is_bounded() {
        let download = Download::new(
            ResponseValue::new(
                ByteStream::new(Box::pin(stream::iter(vec![Ok(bytes::Bytes::from(
                    vec![0u8; 64],
                ))]))),
                reqwest::StatusCode::OK,
                HeaderMap::new(),
            ),
            Failure::call("cloudcraft", "export", "GET", "https://example.com/x"),
        );
        let error = download.bytes(10).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ResponseTooLarge);
        assert!(
            error.to_string().contains("longer than the 10 bytes"),
            "{error}"
        );
    }
}
