//! `cloud-apis`: every operation of Panther, Cloudcraft and SCP Cloud Control from a shell (see the library's docs).

use std::process::ExitCode;

use cloud_apis_cli::{command, exit, run};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // Usage errors (an unknown flag, a value that does not parse) exit with 2 before anything is sent.
    let matches = command(&args).get_matches_from(&args);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(matches, &args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if exit::closed_stdout(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::code(&e))
        }
    }
}
