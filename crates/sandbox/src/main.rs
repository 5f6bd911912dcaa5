//! `cargo run -p cloud-apis-sandbox [PORT]`: serves the sandbox until Ctrl-C, Panther on PORT (default 8089),
//! Cloudcraft on PORT+1 and SCP on PORT+2, all on 127.0.0.1. (`cloud-apis sandbox` does the same.)

use cloud_apis_sandbox::Sandbox;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "8089".into());
    let port: u16 = arg.parse().map_err(|e| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{arg}: {e}"))
    })?;
    let sandbox = Sandbox::start_at_port(port).await?;
    println!("cloud-apis sandbox running; point the clients at it with:\n");
    for (name, value) in sandbox.environment() {
        println!("  export {name}={value}");
    }
    println!("\nCtrl-C stops it.");
    tokio::signal::ctrl_c().await
}
