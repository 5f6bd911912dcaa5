//! `cloud-apis sandbox`: the bundled sandbox, so the whole tool can be tried with no account.

use clap::{value_parser, Arg, ArgMatches, Command};
use cloud_apis_sandbox::Sandbox;

/// The command.
pub fn command() -> Command {
    Command::new("sandbox")
        .about("Serve the offline sandbox of all three APIs on 127.0.0.1 and print the environment that points the tool at it")
        .arg(
            Arg::new("port")
                .long("port")
                .value_parser(value_parser!(u16))
                .default_value("8089")
                .help("Panther's port; Cloudcraft gets the next one and SCP the one after (0: any free ports)"),
        )
}

/// Serves until Ctrl-C.
pub async fn run(matches: &ArgMatches) -> anyhow::Result<()> {
    let port = *matches.get_one::<u16>("port").expect("has a default");
    let sandbox = Sandbox::start_at_port(port).await?;
    println!(
        "# cloud-apis sandbox: run these in another shell, then try `cloud-apis panther role list`"
    );
    for (name, value) in sandbox.environment() {
        println!("export {name}={value}");
    }
    println!("# Ctrl-C stops it.");
    use std::io::Write as _;
    std::io::stdout().flush()?;
    tokio::signal::ctrl_c().await?;
    Ok(())
}
