//! A binary response body (an image, a PDF, a spreadsheet) not yet read, streamed wherever the caller wants it.
//!
//! Every operation whose success body is a byte stream gets a generated `download()` beside `send()`: it runs the
//! same call and returns a [`Download`], which knows the call it came from, so a body that breaks off half-way or a
//! file that cannot be written is reported like any other failure of that call. Copying is chunk by chunk: memory
//! stays flat whatever the size of the document.

use std::fmt;
use std::path::Path;

use futures::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::failure::{Failure, Transport};
use crate::{Error, ErrorKind};

/// A successful response whose body has not been read yet.
///
/// Reading it is bounded by the client's idle (read) timeout only, not by a total timeout: a large document over a
/// slow link downloads for as long as bytes keep coming.
///
/// ```no_run
/// # async fn run(download: cloud_apis_runtime::Download) -> Result<(), cloud_apis_runtime::Error> {
/// println!("{:?}", download.content_type());
/// let bytes = download.save("diagram.png").await?;
/// println!("wrote {bytes} bytes");
/// # Ok(()) }
/// ```
pub struct Download {
    status: StatusCode,
    headers: HeaderMap,
    body: ByteStream,
    call: Box<Failure>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.call.operation)
            .field("url", &self.call.url)
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .finish_non_exhaustive()
    }
}

impl Download {
    /// A response of the call `call` describes (its URL, attempts and status as the runtime recorded them).
    pub fn new(response: ResponseValue<ByteStream>, mut call: Failure) -> Self {
        let status = response.status();
        call.status = Some(status.as_u16());
        let headers = response.headers().clone();
        Self {
            status,
            headers,
            body: response.into_inner(),
            call: Box::new(call),
        }
    }

    /// The HTTP status (a documented success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type` the service sent (e.g. `image/png`), when it is readable text.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The call this body answers, as an error would describe it.
    pub fn call(&self) -> &Failure {
        &self.call
    }

    /// The raw byte stream.
    pub fn into_stream(self) -> ByteStream {
        self.body
    }

    /// Copies the body into `writer` chunk by chunk and flushes it; returns the number of bytes written. A body that
    /// breaks off is a transport error of the call, a failed write an [`ErrorKind::Other`] naming the call.
    pub async fn write_to<W: AsyncWrite + Unpin>(self, writer: &mut W) -> Result<u64, Error> {
        let call = *self.call;
        let mut stream = self.body.into_inner();
        let mut written = 0u64;
        let write_failed = |e: std::io::Error, written: u64| {
            Error::new(
                ErrorKind::Other,
                call.clone(),
                format!("writing the body after {written} bytes: {e}"),
            )
        };
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| broken_off(&call, &e, written))?;
            let wrote = writer.write_all(&chunk).await;
            wrote.map_err(|e| write_failed(e, written))?;
            written += chunk.len() as u64;
        }
        let flushed = writer.flush().await;
        flushed.map_err(|e| write_failed(e, written))?;
        Ok(written)
    }

    /// Streams the body into a new file at `path` (replacing one that exists); returns the number of bytes written.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::create(path).await.map_err(|e| {
            let detail = format!("creating {}: {e}", path.display());
            Error::new(ErrorKind::Other, (*self.call).clone(), detail)
        })?;
        self.write_to(&mut file).await
    }

    /// The whole body in memory, refusing (as an [`ErrorKind::ResponseTooLarge`] error) one longer than `limit` bytes: for the
    /// small documents a caller means to parse, never for an export of unknown size.
    pub async fn bytes(self, limit: usize) -> Result<Vec<u8>, Error> {
        let call = *self.call;
        let mut stream = self.body.into_inner();
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| broken_off(&call, &e, out.len() as u64))?;
            if out.len() + chunk.len() > limit {
                let detail = crate::response::BodyTooLarge { limit }.to_string();
                return Err(Error::new(ErrorKind::ResponseTooLarge, call, detail));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

/// A body that broke off after `read` bytes, as a transport error naming the call.
fn broken_off(call: &Failure, error: &reqwest::Error, read: u64) -> Error {
    let mut call = call.clone();
    call.transport = Some(Transport::of(error));
    let detail = format!(
        "reading the body after {read} bytes: {}",
        crate::call::error_chain(error)
    );
    Error::new(ErrorKind::Transport, call, detail)
}
