//! The real `cloud-apis` binary against the sandbox: every resource of every provider, paging, downloads, errors
//! and their exit codes, help text, completions and the `sandbox` command itself.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::OnceLock;

use assert_cmd::Command;
use clap::Command as ClapCommand;
use serde_json::Value;

/// The environment pointing at one sandbox, shared by the tests that leave its records as they are.
fn sandbox_env() -> &'static Vec<(&'static str, String)> {
    static ENV: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    ENV.get_or_init(start_sandbox)
}

/// A new sandbox, serving on its own runtime for the rest of the test process; its environment.
fn start_sandbox() -> Vec<(&'static str, String)> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async {
            let sandbox = cloud_apis_sandbox::Sandbox::start()
                .await
                .expect("sandbox starts");
            tx.send(sandbox.environment()).expect("test waits");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("sandbox environment")
}

/// Every variable the tool reads, so that the caller's own environment cannot leak into a test.
const VARIABLES: &[&str] = &[
    "PANTHER_API_HOST",
    "PANTHER_API_TOKEN",
    "CLOUDCRAFT_API_KEY",
    "CLOUDCRAFT_PROTOCOL",
    "CLOUDCRAFT_HOST",
    "CLOUDCRAFT_PORT",
    "CLOUDCRAFT_TIMEOUT",
    "CLOUDCRAFT_MAX_RETRIES",
    "SCP_ACCESS_KEY",
    "SCP_SECRET_KEY",
    "SCP_ACCOUNT_ID",
    "SCP_ENVIRONMENT",
    "SCP_BASE_URL",
];

/// The binary with only the shared sandbox's environment.
fn cli() -> Command {
    cli_with(sandbox_env())
}

/// The binary with only `env`.
fn cli_with(env: &[(&'static str, String)]) -> Command {
    let mut cmd = Command::cargo_bin("cloud-apis").expect("the binary is built");
    for name in VARIABLES {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let output = cli().args(args).output().expect("the binary runs");
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The stdout of a command that must have succeeded.
fn stdout_of(output: std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// Values tried for a required argument without possible values, in order, until its parser accepts one: a
/// well-formed id the sandbox does not know, a short name, a number.
const PLAUSIBLE: [&str; 3] = ["00000000-0000-0000-0000-000000000000", "sandbox", "1"];

/// The first value to try for `arg`: its first possible value, else the first plausible one.
fn value_for(arg: &clap::Arg) -> String {
    arg.get_possible_values()
        .first()
        .map_or(PLAUSIBLE[0], |v| v.get_name())
        .to_string()
}

/// Every command (its words after the binary's name) of a provider's tree, resource by resource.
fn every_command(provider: &[&str]) -> Vec<(Vec<String>, ClapCommand)> {
    let args: Vec<String> = provider.iter().map(|s| s.to_string()).collect();
    let mut tree: ClapCommand = cloud_apis_cli::command(&args);
    for name in provider.iter().take_while(|a| !a.starts_with('-')) {
        tree = tree
            .find_subcommand(name)
            .expect("provider command")
            .clone();
    }
    let mut out = Vec::new();
    for resource in tree.get_subcommands() {
        for verb in resource.get_subcommands() {
            let mut line = args.clone();
            line.push(resource.get_name().to_string());
            line.push(verb.get_name().to_string());
            out.push((line, verb.clone()));
        }
    }
    out
}

const PROVIDERS: [&[&str]; 4] = [
    &["panther"],
    &["cloudcraft"],
    &["scp", "cloudcontrol"],
    &["scp", "cloudcontrol", "--api-version", "1.0"],
];

#[test]
fn every_body_template_is_a_body_the_command_sends() {
    // Its own sandbox: these calls create and change records.
    let env = start_sandbox();
    let dir = tempdir().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    let mut templates = 0;
    for provider in PROVIDERS {
        for (line, verb) in every_command(provider) {
            if verb
                .get_arguments()
                .all(|a| a.get_id() != "json-body-template")
            {
                continue;
            }
            // No credentials needed, nor the command's required flags.
            let template = cli_with(&[])
                .args(&line)
                .arg("--json-body-template")
                .output()
                .unwrap();
            assert!(
                template.status.success(),
                "{line:?}: {}",
                String::from_utf8_lossy(&template.stderr)
            );
            let body: Value = serde_json::from_slice(&template.stdout)
                .unwrap_or_else(|e| panic!("{line:?}: {e}"));
            let file = dir.join(format!("body-{templates}.json"));
            std::fs::write(&file, body.to_string()).unwrap();
            let mut call = line.clone();
            call.extend([
                "--json-body".to_string(),
                file.to_str().unwrap().to_string(),
            ]);
            let call = with_required_arguments(call, &verb);
            let output = cli_with(&env).args(&call).output().unwrap();
            // Sent and answered: the body parsed into the generated type (a local failure would be 1 or 2).
            let code = output.status.code().unwrap();
            assert!(
                matches!(code, 0 | 4 | 8),
                "{call:?} exited with {code}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            templates += 1;
        }
    }
    assert!(templates > 40, "{templates} commands take a body");
}

/// One read command of each resource (`list`, then `get`/`show`, then a `list-*` or `get-*` verb; a resource
/// with none of them, its first verb), with its required arguments filled in.
fn one_command_per_resource(provider: &[&str]) -> Vec<Vec<String>> {
    let preference = |verb: &str| match verb {
        "list" => 0,
        "get" | "show" => 1,
        v if v.starts_with("list-") || v.starts_with("get-") => 2,
        _ => 3,
    };
    let mut chosen: std::collections::BTreeMap<String, (Vec<String>, ClapCommand)> =
        Default::default();
    for (line, verb) in every_command(provider) {
        let resource = line[line.len() - 2].clone();
        let better = chosen
            .get(&resource)
            .is_none_or(|(_, best)| preference(verb.get_name()) < preference(best.get_name()));
        if better {
            chosen.insert(resource, (line, verb));
        }
    }
    chosen
        .into_values()
        .map(|(line, verb)| with_required_arguments(line, &verb))
        .collect()
}

/// `line` with every argument clap reports missing (required ones, and body fields required without
/// `--json-body`) filled in, each with the first value its parser accepts.
fn with_required_arguments(mut line: Vec<String>, verb: &ClapCommand) -> Vec<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let flag = |usage: &str| usage.split_whitespace().next().unwrap().to_string();
    loop {
        let full: Vec<String> = std::iter::once("cloud-apis".to_string())
            .chain(line.clone())
            .collect();
        let Err(error) = cloud_apis_cli::command(&full).try_get_matches_from(&full) else {
            return line;
        };
        match (error.kind(), error.get(ContextKind::InvalidArg)) {
            (ErrorKind::MissingRequiredArgument, Some(ContextValue::Strings(missing))) => {
                for usage in missing.clone() {
                    let long = flag(&usage);
                    let arg = verb
                        .get_arguments()
                        .find(|a| a.get_long() == long.strip_prefix("--"))
                        .unwrap();
                    line.extend([long, value_for(arg)]);
                }
            }
            (ErrorKind::ValueValidation, Some(ContextValue::String(usage))) => {
                let at = line.iter().position(|w| *w == flag(usage)).unwrap() + 1;
                let tried = PLAUSIBLE.iter().position(|v| *v == line[at]);
                match tried.and_then(|i| PLAUSIBLE.get(i + 1)) {
                    Some(next) => line[at] = next.to_string(),
                    None => panic!("{line:?}: {error}"),
                }
            }
            _ => panic!("{line:?}: {error}"),
        }
    }
}

#[test]
fn one_command_of_every_resource_of_every_provider_reaches_the_service() {
    use cloud_apis_cli::generated::{
        cloudcraft, panther, scp_cloudcontrol_v1_0, scp_cloudcontrol_v1_2,
    };
    fn resources<C>(table: &[(C, &str, &str, &str)]) -> BTreeSet<String> {
        table.iter().map(|row| row.1.to_string()).collect()
    }
    let expected = [
        resources(panther::COMMANDS),
        resources(cloudcraft::COMMANDS),
        resources(scp_cloudcontrol_v1_2::COMMANDS),
        resources(scp_cloudcontrol_v1_0::COMMANDS),
    ];
    for (provider, expected) in PROVIDERS.into_iter().zip(expected) {
        let mut tested = BTreeSet::new();
        for line in one_command_per_resource(provider) {
            tested.insert(line[provider.len()].clone());
            let args: Vec<&str> = line.iter().map(String::as_str).collect();
            let run = run(&args);
            // Answered: a body (0), or the service's own error (unknown id 4, a refused request 8). Never a usage
            // error (2), refused credentials (3) or a transport failure (7).
            match run.code {
                0 => {
                    serde_json::from_str::<Value>(&run.stdout)
                        .unwrap_or_else(|e| panic!("{line:?}: {e}: {}", run.stdout));
                }
                4 | 8 => assert!(
                    run.stderr.contains("failed with HTTP 4"),
                    "{line:?}: {}",
                    run.stderr
                ),
                other => panic!("{line:?} exited with {other}: {}", run.stderr),
            }
        }
        assert_eq!(tested, expected, "{provider:?}");
    }
}

#[test]
fn panther_lists_roles_as_compact_json_when_piped() {
    let run = run(&["panther", "role", "list"]);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let roles = json(&run);
    let ids: Vec<&str> = roles["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"role-admin"), "{ids:?}");
    let pretty = run_pretty();
    assert!(pretty.lines().count() > 5, "{pretty}");
    assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), roles);
}

fn run_pretty() -> String {
    run(&["panther", "role", "list", "--pretty"]).stdout
}

#[test]
fn all_streams_every_page_as_json_lines() {
    const LIST: &[&str] = &["scp", "cloudcontrol", "guardrail", "list", "--size", "2"];
    let first = json(&run(LIST));
    let count = first["count"].as_u64().unwrap();
    assert_eq!(first["guardrails"].as_array().unwrap().len(), 2);
    assert!(count > 2, "the sandbox holds more than one page: {first}");
    let run = run(&[LIST, &["--all"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: BTreeSet<String> = run
        .stdout
        .lines()
        .map(|line| {
            let item: Value = serde_json::from_str(line).unwrap();
            item["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len() as u64, count, "{}", run.stdout);
    assert_eq!(run.stdout.lines().count() as u64, count);
}

#[test]
fn a_snapshot_is_long_polled_and_streamed_to_a_png_file() {
    let accounts = json(&run(&["cloudcraft", "aws-account", "list"]));
    let id = accounts["accounts"][0]["id"].as_str().unwrap().to_string();
    let dir = tempdir();
    let path = dir.join("snapshot.png");
    let path_text = path.to_str().unwrap();
    let run = run(&[
        "cloudcraft",
        "aws-account",
        "snapshot",
        "--account-id",
        &id,
        "--region",
        "us-east-1",
        "--format",
        "png",
        "-o",
        path_text,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "a download prints nothing on stdout");
    let png = std::fs::read(&path).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{:?}",
        &png[..8.min(png.len())]
    );
}

#[test]
fn a_blueprint_image_streams_to_stdout_when_piped() {
    let blueprints = json(&run(&["cloudcraft", "blueprint", "list"]));
    let id = blueprints["blueprints"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let output = cli()
        .args([
            "cloudcraft",
            "blueprint",
            "export-image",
            "--blueprint-id",
            &id,
            "--format",
            "svg",
        ])
        .output()
        .unwrap();
    assert!(stdout_of(output).contains("<svg"));
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cloud-apis-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn errors_are_one_sentence_with_an_exit_code_by_kind() {
    let not_found = run(&["panther", "role", "get", "--id", "no-such-role"]);
    assert_eq!(not_found.code, 4);
    assert_eq!(not_found.stderr.lines().count(), 1, "{}", not_found.stderr);
    assert!(
        not_found
            .stderr
            .starts_with("error: panther `role#get` (GET http://127.0.0.1:")
            && not_found.stderr.contains("failed with HTTP 404 Not Found"),
        "{}",
        not_found.stderr
    );
    assert_eq!(not_found.stdout, "");

    let dot_dot = run(&["panther", "role", "get", "--id", ".."]);
    assert_eq!(dot_dot.code, 2);
    assert!(
        dot_dot.stderr.contains("nothing was sent"),
        "{}",
        dot_dot.stderr
    );

    let bad_enum = run(&[
        "cloudcraft",
        "blueprint",
        "export-image",
        "--blueprint-id",
        "x",
        "--format",
        "gif",
    ]);
    assert_eq!(bad_enum.code, 2);
    assert!(
        bad_enum
            .stderr
            .contains("[possible values: svg, png, pdf, mxGraph]"),
        "{}",
        bad_enum.stderr
    );

    let wrong_token = run(&["panther", "role", "list", "--api-token", "not-the-token"]);
    assert_eq!(
        wrong_token.code, 3,
        "the flag wins over the environment: {}",
        wrong_token.stderr
    );
    assert!(
        !wrong_token.stderr.contains("not-the-token"),
        "{}",
        wrong_token.stderr
    );

    let missing = cli()
        .env_remove("PANTHER_API_TOKEN")
        .args(["panther", "role", "list"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "error: PANTHER_API_TOKEN is not set\n"
    );
}

#[test]
fn the_cloudcontrol_version_selects_its_own_commands() {
    // `remove` exists from 1.1 on: 1.0's tree refuses it before anything is sent.
    let args = [
        "scp",
        "cloudcontrol",
        "baseline-assignment",
        "remove",
        "--help",
    ];
    assert_eq!(run(&args).code, 0);
    let old = run(&[
        "scp",
        "cloudcontrol",
        "--api-version",
        "1.0",
        "baseline-assignment",
        "remove",
    ]);
    assert_eq!(old.code, 2, "{}", old.stderr);
    let deprecated = run(&[
        "scp",
        "cloudcontrol",
        "--api-version",
        "1.1",
        "version",
        "list",
    ]);
    assert_eq!(deprecated.code, 0, "{}", deprecated.stderr);
    assert!(
        deprecated.stderr.contains("1.1 is deprecated"),
        "{}",
        deprecated.stderr
    );
}

#[test]
fn help_comes_from_the_spec() {
    let help = run(&["cloudcraft", "aws-account", "snapshot", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.starts_with("Snapshot AWS account"),
        "{}",
        help.stdout
    );
    assert!(help.stdout.contains("--format <format>"), "{}", help.stdout);
    assert!(help
        .stdout
        .contains("[possible values: json, svg, png, pdf, mxGraph]"));
    assert!(
        help.stdout.contains("STILL_PROCESSING"),
        "the long description: {}",
        help.stdout
    );
    let listing = run(&["panther", "api-token", "--help"]);
    assert!(listing.stdout.contains("rotate"), "{}", listing.stdout);
    let top = run(&["--help"]);
    assert!(top.stdout.contains("Exit codes:"), "{}", top.stdout);
}

#[test]
fn completions_cover_the_generated_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let run = run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("guardrail-binding"), "{shell}");
        assert!(run.stdout.contains("get-iam-parameters"), "{shell}");
    }
}

#[test]
fn the_sandbox_command_prints_an_environment_the_tool_works_with() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cloud-apis"))
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut env = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some((name, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            env.push((name.to_string(), value.to_string()));
        }
        if line.contains("Ctrl-C") {
            break;
        }
    }
    let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
    let output = cli_with(&[])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(["scp", "cloudcontrol", "version", "list"])
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(names.len(), 9, "{names:?}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let versions: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(versions.to_string().contains("1.2"), "{versions}");
}

#[test]
fn every_readme_example_works_against_the_sandbox() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let block = readme
        .split("<!-- cli-examples")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the README's marked block of CLI examples");
    let dir = tempdir().join("readme");
    std::fs::create_dir_all(&dir).unwrap();
    let mut ran = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "cloud-apis", "{line}");
        let output = cli().current_dir(&dir).args(&words[1..]).output().unwrap();
        assert!(
            output.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 5, "{block}");
    let png = std::fs::read(dir.join("snapshot.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn service_and_transport_failures_have_their_own_exit_codes() {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/roles");
        then.status(429)
            .header("content-type", "application/json")
            .body(r#"{"message":"slow down"}"#);
    });
    server.mock(|when, then| {
        when.path("/users");
        then.status(503)
            .header("content-type", "application/json")
            .body(r#"{"message":"down for maintenance"}"#);
    });
    let panther = |host: &str, args: &[&str]| {
        let output = cli()
            .env("PANTHER_API_HOST", host)
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = panther(&server.base_url(), &["panther", "role", "list"]);
    assert_eq!(code, 5, "{stderr}");
    assert!(
        stderr.contains("HTTP 429") && stderr.contains("slow down"),
        "{stderr}"
    );
    let (code, stderr) = panther(&server.base_url(), &["panther", "user", "list"]);
    assert_eq!(code, 6, "{stderr}");
    assert!(
        stderr.contains("after 3 attempts") && stderr.contains("down for maintenance"),
        "{stderr}"
    );
    // Nothing listens on port 1.
    let (code, stderr) = panther("http://127.0.0.1:1", &["panther", "role", "list"]);
    assert_eq!(code, 7, "{stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
}

#[test]
fn all_walks_pages_of_the_size_given() {
    // Real records (from the sandbox), served in pages of 2 by a server that answers only that page size.
    let sandbox = json(&run(&[
        "scp",
        "cloudcontrol",
        "guardrail",
        "list",
        "--size",
        "5",
    ]));
    let records = sandbox["guardrails"].as_array().unwrap().clone();
    assert_eq!(records.len(), 5);
    let server = httpmock::MockServer::start();
    let mocks: Vec<_> = records
        .chunks(2)
        .enumerate()
        .map(|(page, items)| {
            server.mock(|when, then| {
                when.path("/v1/guardrails")
                    .query_param("page", page.to_string())
                    .query_param("size", "2");
                then.status(200).json_body(
                    serde_json::json!({"count": 5, "page": page, "size": 2, "guardrails": items}),
                );
            })
        })
        .collect();
    let output = cli_with(&[
        ("SCP_BASE_URL", server.base_url()),
        ("SCP_ACCESS_KEY", "ak".into()),
        ("SCP_SECRET_KEY", "sk".into()),
    ])
    .args([
        "scp",
        "cloudcontrol",
        "guardrail",
        "list",
        "--size",
        "2",
        "--all",
    ])
    .output()
    .unwrap();
    assert_eq!(stdout_of(output).lines().count(), 5);
    for mock in &mocks {
        assert_eq!(mock.calls(), 1);
    }
}

#[test]
fn a_bad_json_body_is_invalid_input_named_in_one_line_and_nothing_is_sent() {
    let server = httpmock::MockServer::start();
    let anything = server.mock(|when, then| {
        when.any_request();
        then.status(201).body("{}");
    });
    let dir = tempdir();
    let not_json = dir.join("not-json.json");
    std::fs::write(&not_json, "{name: Analyst").unwrap();
    let wrong_shape = dir.join("wrong-shape.json");
    std::fs::write(&wrong_shape, r#"{"name": 5, "permissions": []}"#).unwrap();
    let missing = dir.join("missing.json");
    for (file, why) in [
        (
            &not_json,
            "is not JSON: key must be a string at line 1 column 2",
        ),
        (
            &wrong_shape,
            "does not fit the operation's body: /name: 5 is not of type",
        ),
        (&missing, "cannot be read: No such file or directory"),
    ] {
        let output = cli()
            .env("PANTHER_API_HOST", server.base_url())
            .args(["panther", "role", "create", "--json-body"])
            .arg(file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let expected = format!(
            "error: invalid request, nothing was sent: --json-body {}: {why}",
            file.display()
        );
        assert!(stderr.starts_with(&expected), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    anything.assert_calls(0);
}
