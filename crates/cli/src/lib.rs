//! The `cloud-apis` command-line tool: every operation of Panther, Cloudcraft and SCP Cloud Control from a shell.
//!
//! `cloud-apis <provider> <resource> <verb> [--args]`. The operations are generated from `specs/` by
//! `cargo xtask regen` ([`generated`]), placed in the tree by [`tree`], and every call goes through the `cloud-apis`
//! library ([`providers`]): the same environment variables, authentication, version pinning, retries, timeouts and
//! one-sentence errors. [`output`] prints what comes back; [`exit`] turns failures into exit codes.

pub mod exit;
pub mod generated;
pub mod json_body;
pub mod output;
pub mod providers;
pub mod sandbox;
pub mod tree;

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use output::{Layout, Output};

/// The whole command tree; `args` (the command line) selects the Cloud Control version whose commands it holds.
pub fn command(args: &[String]) -> Command {
    Command::new("cloud-apis")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Panther, Cloudcraft and Samsung Cloud Platform Cloud Control from a shell")
        .after_help(exit::CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .global(true)
                .help_heading("Output")
                .help("Write a binary body (image, PDF, spreadsheet) to FILE instead of stdout"),
        )
        .arg(
            Arg::new("pretty")
                .long("pretty")
                .action(ArgAction::SetTrue)
                .global(true)
                .help_heading("Output")
                .conflicts_with("compact")
                .help("Indent JSON (the default on a terminal)"),
        )
        .arg(
            Arg::new("compact")
                .long("compact")
                .action(ArgAction::SetTrue)
                .global(true)
                .help_heading("Output")
                .help("One line of JSON (the default when stdout is not a terminal)"),
        )
        .subcommands(providers::commands(providers::cloudcontrol_version(args)))
        .subcommand(sandbox::command())
        .subcommand(
            Command::new("completions")
                .about("Print the shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        )
}

/// Runs the command `matches` chose (`args`: the command line it was parsed from).
pub async fn run(matches: ArgMatches, args: &[String]) -> anyhow::Result<()> {
    let layout = if matches.get_flag("pretty") {
        Some(Layout::Pretty)
    } else if matches.get_flag("compact") {
        Some(Layout::Compact)
    } else {
        None
    };
    let file = matches.get_one::<PathBuf>("output").cloned();
    match matches.subcommand() {
        Some(("sandbox", m)) => sandbox::run(m).await,
        Some(("completions", m)) => {
            let shell = *m
                .get_one::<clap_complete::Shell>("shell")
                .expect("required");
            clap_complete::generate(
                shell,
                &mut command(args),
                "cloud-apis",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Some((provider, m)) => providers::run(provider, m, Output::new(layout, file)).await,
        None => unreachable!("a subcommand is required"),
    }
}
