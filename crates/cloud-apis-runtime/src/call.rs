//! How a call's context reaches its [`Error`]: the one module that records it and reads it back.
//!
//! Every generated `send()` is `record_call(&API, operation, method, exchange)`, where `exchange` is progenitor's
//! request-response code. `record_call` runs it inside a task-local [`Failure`] record; the runtime's
//! [`crate::Runtime::execute`], which every request passes through, writes what it sees into that record (URL,
//! attempts, status, the provider's message, `Retry-After`, how the transport failed). When the exchange fails,
//! its progenitor error and the record become one [`Error`]. The record never travels in anything a server can
//! write (a header, a body), so a server cannot forge what an error says about the call.

use std::cell::RefCell;
use std::future::Future;

use progenitor_client::{ByteStream, ResponseValue};

use crate::download::Download;
use crate::error::server_text;
use crate::failure::{excerpt, Failure, Transport};
use crate::{Api, Error, ErrorKind};

tokio::task_local! {
    // Boxed: the scope swaps the value in and out of the thread on every poll; a pointer is cheaper to swap.
    static CALL: Box<RefCell<Failure>>;
}

/// Updates the record of the call being made, if the request runs inside [`record_call`].
pub(crate) fn note(update: impl FnOnce(&mut Failure)) {
    let _ = CALL.try_with(|record| update(&mut record.borrow_mut()));
}

/// Reads the record of the call being made; `None` outside [`record_call`].
pub(crate) fn read<T>(read: impl FnOnce(&Failure) -> T) -> Option<T> {
    CALL.try_with(|record| read(&record.borrow())).ok()
}

/// Runs one operation's exchange with a call record and turns its failure into an [`Error`].
///
/// Called by every generated `send()`, with its exchange boxed (the future is large: moving it by value through
/// the layers costs more than one allocation); `operation` is the spec's `operationId` and `method` its HTTP method.
pub async fn record_call<T, E, F>(
    api: &Api,
    operation: &'static str,
    method: &'static str,
    exchange: F,
) -> Result<ResponseValue<T>, Error>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: Send + Sync + 'static,
{
    let (result, record) = recorded(api, operation, method, exchange).await;
    result.map_err(|error| from_exchange(error, record))
}

/// [`record_call`] for an operation whose success body is a byte stream: the body comes back unread, as a
/// [`Download`] that keeps the call's record for whatever goes wrong while it is read.
///
/// Called by every generated `download()`.
pub async fn record_download<E, F>(
    api: &Api,
    operation: &'static str,
    method: &'static str,
    exchange: F,
) -> Result<Download, Error>
where
    F: Future<Output = Result<ResponseValue<ByteStream>, progenitor_client::Error<E>>>,
    E: Send + Sync + 'static,
{
    match recorded(api, operation, method, exchange).await {
        (Ok(response), record) => Ok(Download::new(response, record)),
        (Err(error), record) => Err(from_exchange(error, record)),
    }
}

/// The exchange's outcome and what the runtime recorded about it.
async fn recorded<T, E, F>(
    api: &Api,
    operation: &'static str,
    method: &'static str,
    exchange: F,
) -> (
    Result<ResponseValue<T>, progenitor_client::Error<E>>,
    Failure,
)
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let record = Box::new(RefCell::new(Failure::call(api.name, operation, method, "")));
    CALL.scope(record, async {
        let result = exchange.await;
        (result, CALL.with(|record| record.take()))
    })
    .await
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
            call.transport = Some(Transport::of(&e));
            let detail = format!("reading the body: {}", error_chain(&e));
            Error::new(ErrorKind::Transport, call, detail)
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

    #[tokio::test]
    async fn what_the_runtime_notes_reaches_the_error() {
        let result = record_call(&API, "role#get", "GET", async {
            note(|r| {
                r.url = "https://example.com/roles/r-1".into();
                r.attempts = 2;
                r.status = Some(502);
                r.excerpt = Some("<html>bad gateway</html>".into());
            });
            Err::<ResponseValue<()>, _>(progenitor_client::Error::<()>::InvalidResponsePayload(
                "<html>bad gateway</html>".into(),
                serde_json::from_str::<()>("<").unwrap_err(),
            ))
        })
        .await;
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Status);
        assert_eq!(error.attempts(), 2);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
        assert_eq!(
            error.to_string(),
            "panther `role#get` (GET https://example.com/roles/r-1) failed with HTTP 502 Bad Gateway after 2 \
             attempts; response body: \"<html>bad gateway</html>\""
        );
    }

    #[tokio::test]
    async fn notes_outside_a_call_go_nowhere() {
        note(|r| r.attempts = 9); // no record in scope: ignored, no panic
        let result = record_call(&API, "role#get", "GET", async {
            Err::<ResponseValue<()>, _>(progenitor_client::Error::<()>::InvalidRequest(
                "id was not initialized".into(),
            ))
        })
        .await;
        let error = result.unwrap_err();
        assert_eq!(error.attempts(), 0);
        assert_eq!(
            error.to_string(),
            "invalid request, nothing was sent: panther `role#get`: id was not initialized"
        );
    }

    #[tokio::test]
    async fn a_download_keeps_the_call_it_came_from() {
        let download = record_download(&API, "export", "GET", async {
            note(|r| {
                r.url = "https://example.com/export.png".into();
                r.attempts = 1;
            });
            let chunks = vec![
                Ok(bytes::Bytes::from_static(b"\x89PNG")),
                Ok(bytes::Bytes::from_static(b"rest")),
            ];
            let body = ByteStream::new(Box::pin(stream::iter(chunks)));
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
            Ok::<_, progenitor_client::Error<()>>(ResponseValue::new(
                body,
                reqwest::StatusCode::OK,
                headers,
            ))
        })
        .await
        .unwrap();
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
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(
            error.to_string().contains("longer than the 10 bytes"),
            "{error}"
        );
    }
}
