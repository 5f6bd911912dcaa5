//! Workspace automation. `cargo xtask regen [--check]` turns `specs/` into the generated provider crates.
//!
//! The pipeline for each registered API ([`targets::TARGETS`]):
//! 1. read the spec from `specs/` (never modified);
//! 2. apply the named, documented transforms in [`transforms`] to an in-memory copy, for what progenitor cannot
//!    generate from the faithful spec;
//! 3. read the prepared spec's operations into one [`model`], which everything emitted per operation reads;
//! 4. run progenitor (builder interface, `schemars::JsonSchema` derives, hooks into `cloud-apis-runtime`) for the
//!    client and, separately, for its typed httpmock helpers;
//! 5. rewrite how the generated code reaches the network ([`code_passes`]: checked path parameters, no
//!    redirects, one recorded error type);
//! 6. format the code and write it under `crates/`, with a do-not-edit header naming the spec.
//!
//! `--check` does steps 1–6 in memory and fails with a diff when the committed files differ.

mod bench;
mod build_times;
mod cli;
mod cli_names;
mod cli_passes;
mod code_passes;
mod generate;
mod model;
mod naming;
mod page_impls;
mod regen;
mod targets;
mod test_cases;
mod transforms;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask regen [--check] | build-times [WORKSPACE] | bench [--quick]

  regen           regenerate every client crate from specs/
  regen --check   regenerate in memory; exit 1 with a diff if committed files are stale
  build-times     cold release build time of a program using one provider, and all of them
                  (of another checkout of this workspace when WORKSPACE is given, for a before/after)
  bench           the sdk bench's table (the SDK against raw reqwest, signing, memory), then instructions per
                  call counted by callgrind when valgrind is installed";

/// Prints a command's table, or its error.
fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let check = match args.as_slice() {
        ["regen"] => false,
        ["regen", "--check"] => true,
        ["build-times", rest @ ..] if rest.len() <= 1 => {
            let root = rest.first().map_or_else(workspace_root, PathBuf::from);
            return report(build_times::run(&root));
        }
        ["bench", rest @ ..] if rest.iter().all(|a| *a == "--quick") => {
            return report(bench::run(&workspace_root(), !rest.is_empty()));
        }
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    let started = std::time::Instant::now();
    match regen::run(&root, check) {
        Ok(report) => {
            print!("{report}");
            eprintln!("regen finished in {:.1?}", started.elapsed());
            if report.is_stale() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}
