//! Peak memory of a large download: a 1 GiB blueprint export (and a 1 GiB account snapshot) streamed to a sink
//! through the real client, from an in-process loopback server that sends the bytes from one small buffer.
//!
//! `cargo bench -p cloud-apis --bench large_export` prints the process's peak RSS (`VmHWM`) before and after each
//! download, and fails when a download raised it by more than the budget: memory must stay flat whatever the size.

use std::time::Instant;

use cloud_apis::cloudcraft::types::{ExportBlueprintImageFormat, SnapshotFormat};
use cloud_apis::cloudcraft::{ClientSnapshotExt, CloudcraftConfig, Snapshot, SnapshotRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SIZE: u64 = 1 << 30;
const CHUNK: usize = 64 << 10;
/// What a download may add to the peak RSS.
const BUDGET_MIB: u64 = 32;
const KEY: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE=";

/// The peak resident set size so far, in KiB (Linux).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux)");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number of kB")
}

/// Answers every request with `SIZE` bytes of PNG, chunk by chunk from one buffer.
async fn serve(listener: TcpListener) {
    let chunk = vec![0x5au8; CHUNK];
    loop {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let chunk = chunk.clone();
        tokio::spawn(async move {
            let mut request = vec![0u8; 8192];
            let _ = socket.read(&mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {SIZE}\r\nconnection: close\r\n\r\n"
            );
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut left = SIZE;
            while left > 0 {
                let n = left.min(CHUNK as u64) as usize;
                if socket.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n as u64;
            }
        });
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(serve(listener));
        let client = CloudcraftConfig::new(KEY)
            .protocol("http")
            .host("127.0.0.1")
            .port(port)
            .build()
            .expect("client");
        let mut failed = false;
        println!("| download | bytes | time | peak RSS before | peak RSS after | growth |");
        println!("|---|---|---|---|---|---|");
        for what in ["blueprint export (png)", "account snapshot (png)"] {
            let before = peak_rss_kib();
            let started = Instant::now();
            let download = if what.starts_with("blueprint") {
                client
                    .export_blueprint_image()
                    .blueprint_id("3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c")
                    .format(ExportBlueprintImageFormat::Png)
                    .download()
                    .await
                    .expect("export")
            } else {
                let request = SnapshotRequest::new(
                    "0f6b3c8e-6d1a-4c52-9e7b-2a4d5f8c1b3e",
                    "us-east-1",
                    SnapshotFormat::Png,
                );
                match client.snapshot(&request).await.expect("snapshot") {
                    Snapshot::Document(document) => document,
                    Snapshot::Blueprint(_) => unreachable!("a png is a document"),
                }
            };
            let bytes = download
                .write_to(&mut tokio::io::sink())
                .await
                .expect("download");
            let elapsed = started.elapsed();
            let after = peak_rss_kib();
            let growth = after.saturating_sub(before);
            assert_eq!(bytes, SIZE);
            println!(
                "| {what} | {bytes} | {:.2} s | {:.1} MiB | {:.1} MiB | {:.1} MiB |",
                elapsed.as_secs_f64(),
                before as f64 / 1024.0,
                after as f64 / 1024.0,
                growth as f64 / 1024.0
            );
            failed |= growth > BUDGET_MIB * 1024;
        }
        if failed {
            eprintln!("a download raised the peak RSS by more than {BUDGET_MIB} MiB");
            std::process::exit(1);
        }
    });
}
