//! A fault-injecting loopback HTTP/1.1 server: it answers with a fixed script of actions, one per connection, in
//! order, and records every request that reaches it (and how many body bytes it managed to send). Each action is
//! a normal reply or a fault: a connection closed or reset before any response byte, a body cut short, a body
//! trickled or endless, no answer at all.

#![allow(dead_code)]

pub mod clients;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One canned response.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::bytes(status, "application/json", body.to_string().into_bytes())
    }

    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body,
        }
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Status line and headers, announcing `length` body bytes (none: no length, the body ends at close).
    fn head(&self, length: Option<usize>) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} Scripted\r\nconnection: close\r\n", self.status);
        if let Some(length) = length {
            head.push_str(&format!("content-length: {length}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// What the server does with one connection.
#[derive(Clone, Debug)]
pub enum Action {
    /// Answer normally.
    Reply(Reply),
    /// Read the request, then close without sending a byte.
    Close,
    /// Read the request, then reset the connection (RST) without sending a byte.
    Reset,
    /// Announce the whole body, send only `sent` bytes of it, then reset.
    Partial { reply: Reply, sent: usize },
    /// Send the head, then the body `chunk` bytes at a time, pausing `every` between chunks.
    Trickle {
        reply: Reply,
        chunk: usize,
        every: Duration,
    },
    /// Send the head (no length) and `prefix`, then `fill` bytes forever, until the client goes away.
    Endless {
        reply: Reply,
        prefix: Vec<u8>,
        fill: u8,
    },
    /// Wait `delay`, then answer.
    Delay(Duration, Reply),
    /// Never answer; hold the connection open until the client gives up.
    Hang,
    /// Answer `status` repeating everything the request carried (every header, and `extra`) in every place a
    /// provider's error could hold text: each provider's message field, SCP's code and detail, a header and the
    /// redirect `Location`.
    Echo { status: u16, extra: String },
}

impl From<Reply> for Action {
    fn from(reply: Reply) -> Self {
        Action::Reply(reply)
    }
}

/// What the server saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct ScriptedServer {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    written: Arc<AtomicU64>,
}

impl ScriptedServer {
    /// Serves `script` in order, one action per connection (each handled on its own task, so a hanging one does
    /// not hold up the next); once it is exhausted, every further request gets a 500.
    pub async fn start<A: Into<Action>>(script: Vec<A>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let written = Arc::new(AtomicU64::new(0));
        let script: Arc<Mutex<std::collections::VecDeque<Action>>> =
            Arc::new(Mutex::new(script.into_iter().map(Into::into).collect()));
        let (log, counter) = (seen.clone(), written.clone());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let (log, counter, script) = (log.clone(), counter.clone(), script.clone());
                tokio::spawn(async move {
                    serve(socket, log, counter, script).await;
                });
            }
        });
        Self {
            base_url,
            seen,
            written,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Body bytes the server managed to write, over all connections.
    pub fn body_bytes_written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut socket: TcpStream,
    log: Arc<Mutex<Vec<Seen>>>,
    written: Arc<AtomicU64>,
    script: Arc<Mutex<std::collections::VecDeque<Action>>>,
) {
    let Some(seen) = read_request(&mut socket).await else {
        return;
    };
    log.lock().unwrap().push(seen.clone());
    let action = script.lock().unwrap().pop_front().unwrap_or_else(|| {
        Reply::json(500, serde_json::json!({"message": "script exhausted"})).into()
    });
    let count = |n: usize| {
        written.fetch_add(n as u64, Ordering::SeqCst);
    };
    match action {
        Action::Reply(reply) => {
            let _ = socket.write_all(&reply.head(Some(reply.body.len()))).await;
            if socket.write_all(&reply.body).await.is_ok() {
                count(reply.body.len());
            }
            let _ = socket.shutdown().await;
        }
        Action::Delay(delay, reply) => {
            tokio::time::sleep(delay).await;
            let _ = socket.write_all(&reply.head(Some(reply.body.len()))).await;
            let _ = socket.write_all(&reply.body).await;
            let _ = socket.shutdown().await;
        }
        Action::Close => {
            let _ = socket.shutdown().await;
        }
        Action::Reset => {
            let _ = socket.set_zero_linger();
            drop(socket);
        }
        Action::Partial { reply, sent } => {
            let _ = socket.write_all(&reply.head(Some(reply.body.len()))).await;
            let _ = socket.write_all(&reply.body[..sent]).await;
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = socket.set_zero_linger();
            drop(socket);
        }
        Action::Trickle {
            reply,
            chunk,
            every,
        } => {
            let _ = socket.write_all(&reply.head(Some(reply.body.len()))).await;
            for piece in reply.body.chunks(chunk.max(1)) {
                if socket.write_all(piece).await.is_err() {
                    return;
                }
                count(piece.len());
                tokio::time::sleep(every).await;
            }
            let _ = socket.shutdown().await;
        }
        Action::Endless {
            reply,
            prefix,
            fill,
        } => {
            let _ = socket.write_all(&reply.head(None)).await;
            if socket.write_all(&prefix).await.is_err() {
                return;
            }
            count(prefix.len());
            let block = vec![fill; 64 * 1024];
            // Bounded so a broken client cannot keep the test running forever: 1 GiB at most.
            for _ in 0..(16 * 1024) {
                if socket.write_all(&block).await.is_err() {
                    return;
                }
                count(block.len());
            }
        }
        Action::Echo { status, extra } => {
            let dump: Vec<String> = seen
                .headers
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .chain([extra])
                .collect();
            let dump = dump.join(" ");
            let body = serde_json::json!({
                "message": dump, "error": dump,
                "errors": [{"code": dump, "detail": dump}],
            });
            let location = format!("https://evil.example/?{}", dump.replace(' ', "&"));
            let reply = Reply::json(status, body)
                .header("x-echo", &dump)
                .header("location", &location);
            let _ = socket.write_all(&reply.head(Some(reply.body.len()))).await;
            let _ = socket.write_all(&reply.body).await;
            let _ = socket.shutdown().await;
        }
        Action::Hang => {
            // Wait until the client closes its side (read returns 0 or fails), or 60 s.
            let mut buf = [0u8; 64];
            let _ = tokio::time::timeout(Duration::from_secs(60), socket.read(&mut buf)).await;
        }
    }
}

async fn read_request(socket: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}
