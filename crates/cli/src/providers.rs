//! The provider commands: their connection flags (named after the library's environment variables, which they
//! override), how each builds its client through the `cloud-apis` facade, and which generated commands run.

use clap::{Arg, ArgMatches, Command};
use cloud_apis::cloudcraft::{
    self, ClientSnapshotExt, CloudcraftConfig, Snapshot, SnapshotRequest,
};
use cloud_apis::panther::{self, PantherConfig};
use cloud_apis::scp::cloudcontrol::CloudControlVersion;
use cloud_apis::scp::{self, ScpConfig};

use crate::generated;
use crate::output::{CliConfig, Output};
use crate::tree;

/// A connection setting: its flag, the environment variable it overrides, whether it is a secret, and its help.
struct Setting {
    flag: &'static str,
    var: &'static str,
    secret: bool,
    help: &'static str,
}

const PANTHER: &[Setting] = &[
    Setting {
        flag: "api-host",
        var: panther::ENV_API_HOST,
        secret: false,
        help: "API host (`api.acme.runpanther.net`, taken as https) or base URL",
    },
    Setting {
        flag: "api-token",
        var: panther::ENV_API_TOKEN,
        secret: true,
        help: "API token",
    },
];

const CLOUDCRAFT: &[Setting] = &[
    Setting {
        flag: "api-key",
        var: cloudcraft::ENV_API_KEY,
        secret: true,
        help: "API key",
    },
    Setting {
        flag: "protocol",
        var: cloudcraft::ENV_PROTOCOL,
        secret: false,
        help: "`https` (default) or `http` (loopback only)",
    },
    Setting {
        flag: "host",
        var: cloudcraft::ENV_HOST,
        secret: false,
        help: "API host (default api.cloudcraft.co)",
    },
    Setting {
        flag: "port",
        var: cloudcraft::ENV_PORT,
        secret: false,
        help: "API port",
    },
    Setting {
        flag: "timeout",
        var: cloudcraft::ENV_TIMEOUT,
        secret: false,
        help: "Request timeout in seconds",
    },
    Setting {
        flag: "max-retries",
        var: cloudcraft::ENV_MAX_RETRIES,
        secret: false,
        help: "Retries after the first attempt",
    },
];

const SCP: &[Setting] = &[
    Setting {
        flag: "access-key",
        var: scp::ENV_ACCESS_KEY,
        secret: false,
        help: "Access key",
    },
    Setting {
        flag: "secret-key",
        var: scp::ENV_SECRET_KEY,
        secret: true,
        help: "Secret key the requests are signed with",
    },
    Setting {
        flag: "account-id",
        var: scp::ENV_ACCOUNT_ID,
        secret: false,
        help: "Account id, sent and signed as Scp-AccountId",
    },
    Setting {
        flag: "environment",
        var: scp::ENV_ENVIRONMENT,
        secret: false,
        help: "`s` (Samsung), `g` (Sovereign) or `e` (Enterprise)",
    },
    Setting {
        flag: "base-url",
        var: scp::ENV_BASE_URL,
        secret: false,
        help: "Base URL replacing the environment's host (a proxy, the sandbox)",
    },
];

/// The flags of `settings`, each identified by its variable's name.
fn flags(settings: &'static [Setting]) -> Vec<Arg> {
    settings
        .iter()
        .map(|s| {
            let help = if s.secret {
                format!(
                    "{} [env: {}; prefer the variable: flags show in process listings]",
                    s.help, s.var
                )
            } else {
                format!("{} [env: {}]", s.help, s.var)
            };
            Arg::new(s.var)
                .long(s.flag)
                .value_name(s.var)
                .help(help)
                .help_heading("Connection")
                .global(true)
        })
        .collect()
}

/// A variable's value: its flag when given, else the process environment.
fn lookup(matches: &ArgMatches) -> impl Fn(&str) -> Option<String> + '_ {
    |name| {
        matches
            .try_get_one::<String>(name)
            .ok()
            .flatten()
            .cloned()
            .or_else(|| std::env::var(name).ok())
    }
}

/// The Cloud Control versions `--api-version` accepts.
const CLOUDCONTROL_VERSIONS: [CloudControlVersion; 3] = [
    CloudControlVersion::V1_0,
    CloudControlVersion::V1_1,
    CloudControlVersion::V1_2,
];

/// The version whose number is `number`, the current one when absent.
fn cloudcontrol_version_named(number: Option<&str>) -> CloudControlVersion {
    CLOUDCONTROL_VERSIONS
        .into_iter()
        .find(|v| Some(v.number()) == number)
        .unwrap_or_else(CloudControlVersion::latest)
}

/// The Cloud Control version `args` select with `--api-version` (the current one when absent), read before the
/// command tree is built because the versions have different commands.
pub fn cloudcontrol_version(args: &[String]) -> CloudControlVersion {
    let mut value = None;
    for (i, arg) in args.iter().enumerate() {
        if let Some(v) = arg.strip_prefix("--api-version=") {
            value = Some(v);
        } else if arg == "--api-version" {
            value = args.get(i + 1).map(String::as_str);
        }
    }
    cloudcontrol_version_named(value)
}

/// A command whose subcommands are required, with the connection flags of `settings`.
fn group(name: &'static str, about: &'static str, settings: &'static [Setting]) -> Command {
    Command::new(name)
        .about(about)
        .args(flags(settings))
        .subcommand_required(true)
        .arg_required_else_help(true)
}

/// The three provider commands; Cloud Control's operations are those of `version`.
pub fn commands(version: CloudControlVersion) -> Vec<Command> {
    use generated::scp_cloudcontrol_v1_2 as v12;
    use generated::{cloudcraft as cc, panther as pa, scp_cloudcontrol_v1_0 as v10};
    let panther = group(
        "panther",
        "Panther REST API: alerts, detections, log sources, users, roles, tokens, cloud accounts",
        PANTHER,
    )
    .subcommands(tree::resources(
        pa::COMMANDS,
        pa::Cli::<Output>::get_command,
    ));
    let cloudcraft = group(
        "cloudcraft",
        "Cloudcraft API: blueprints and their exports, AWS and Azure accounts and their snapshots",
        CLOUDCRAFT,
    )
    .subcommands(tree::resources(
        cc::COMMANDS,
        cc::Cli::<Output>::get_command,
    ));
    let operations = match version {
        CloudControlVersion::V1_0 => {
            tree::resources(v10::COMMANDS, v10::Cli::<Output>::get_command)
        }
        _ => tree::resources(v12::COMMANDS, v12::Cli::<Output>::get_command),
    };
    let cloudcontrol = group(
        "cloudcontrol",
        "Cloud Control: landing zones, account factory, guardrails, baseline assignments",
        &[],
    )
    .arg(
        Arg::new("api-version")
            .long("api-version")
            .value_parser(CLOUDCONTROL_VERSIONS.map(CloudControlVersion::number))
            .default_value(CloudControlVersion::latest().number())
            .global(true)
            .help_heading("Connection")
            .help("API version, sent as Scp-Api-Version (1.0 and 1.1 are deprecated)"),
    )
    .subcommands(operations);
    let scp = group(
        "scp",
        "Samsung Cloud Platform: every request signed and version-pinned",
        SCP,
    )
    .subcommand(cloudcontrol);
    vec![panther, cloudcraft, scp]
}

/// `--json-body-template` asked for: the operation's body is printed from `spec`, with no client (and so no
/// credentials) needed.
fn template<C>(
    chosen: &tree::Chosen<'_, C>,
    spec: &str,
    output: &Output,
) -> Option<anyhow::Result<()>> {
    let asked = chosen
        .matches
        .try_get_one::<bool>("json-body-template")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false);
    asked.then(|| output.body_template(spec, chosen.operation_id))
}

/// Runs a generated command of `$module` (answering `--json-body-template` from `$spec` before any client is
/// built), with the client `$client` builds.
macro_rules! run_generated {
    ($module:path, $matches:expr, $spec:expr, $output:expr, $client:expr) => {{
        use $module as generated_api;
        let chosen = tree::chosen(generated_api::COMMANDS, $matches)?;
        if let Some(done) = template(&chosen, $spec, &$output) {
            return done;
        }
        crate::json_body::check(chosen.matches, $spec, chosen.operation_id)?;
        let client = $client;
        generated_api::Cli::new(client, $output)
            .execute(chosen.command, chosen.matches)
            .await
    }};
}

/// Runs the provider command `name` chose.
pub async fn run(name: &str, matches: &ArgMatches, output: Output) -> anyhow::Result<()> {
    match name {
        "panther" => run_generated!(
            generated::panther,
            matches,
            panther::SPEC_JSON,
            output,
            PantherConfig::from_lookup(lookup(matches))?.build()?
        ),
        "cloudcraft" => {
            use generated::cloudcraft::{Cli, CliCommand, COMMANDS};
            let chosen = tree::chosen(COMMANDS, matches)?;
            if let Some(done) = template(&chosen, cloudcraft::SPEC_JSON, &output) {
                return done;
            }
            crate::json_body::check(chosen.matches, cloudcraft::SPEC_JSON, chosen.operation_id)?;
            let client = CloudcraftConfig::from_lookup(lookup(matches))?.build()?;
            let args = chosen.matches;
            match chosen.command {
                CliCommand::SnapshotAwsAccount => snapshot_aws(&client, args, &output).await,
                CliCommand::SnapshotAzureAccount => snapshot_azure(&client, args, &output).await,
                command => Cli::new(client, output).execute(command, args).await,
            }
        }
        "scp" => {
            let (_, cloudcontrol) = matches
                .subcommand()
                .ok_or_else(|| anyhow::anyhow!("no SCP service given"))?;
            let version = cloudcontrol_version_named(
                cloudcontrol
                    .get_one::<String>("api-version")
                    .map(String::as_str),
            );
            run_cloudcontrol(matches, version, cloudcontrol, output).await
        }
        other => anyhow::bail!("unknown provider {other}"),
    }
}

#[allow(deprecated)]
async fn run_cloudcontrol(
    scp: &ArgMatches,
    version: CloudControlVersion,
    matches: &ArgMatches,
    output: Output,
) -> anyhow::Result<()> {
    use cloud_apis::scp::cloudcontrol::{v1_0, v1_1, v1_2};
    if version != CloudControlVersion::latest() {
        eprintln!(
            "warning: Cloud Control {} is deprecated by Samsung; {} is current",
            version.number(),
            CloudControlVersion::latest().number()
        );
    }
    let config = || ScpConfig::from_lookup(lookup(scp));
    match version {
        CloudControlVersion::V1_0 => run_generated!(
            generated::scp_cloudcontrol_v1_0,
            matches,
            v1_0::SPEC_JSON,
            output,
            config()?.cloudcontrol_v1_0()?
        ),
        // 1.1 has 1.2's operations and schemas: 1.2's commands, over a client that speaks 1.1.
        CloudControlVersion::V1_1 => run_generated!(
            generated::scp_cloudcontrol_v1_2,
            matches,
            v1_1::SPEC_JSON,
            output,
            config()?.cloudcontrol_v1_1()?
        ),
        CloudControlVersion::V1_2 => run_generated!(
            generated::scp_cloudcontrol_v1_2,
            matches,
            v1_2::SPEC_JSON,
            output,
            config()?.cloudcontrol_v1_2()?
        ),
    }
}

/// Cloudcraft's snapshots go through the facade's long poll ([`ClientSnapshotExt`]), which asks again while the
/// service answers `202 STILL_PROCESSING`, within its deadline; the generated arguments set every option.
macro_rules! snapshot_command {
    ($name:ident, $cloud:ty, $new:path, $id:ty, $operation:ident, $args:ident) => {
        async fn $name(
            client: &cloudcraft::Client,
            args: &ArgMatches,
            output: &Output,
        ) -> anyhow::Result<()> {
            use generated::cloudcraft::Cli;
            // Applied once here so that a bad argument fails before the first request; the same arguments are
            // then applied to every poll.
            Cli::<Output>::$args(client.$operation(), args)?;
            let required = |name: &str| anyhow::anyhow!("--{name} is required");
            let account = args
                .get_one::<$id>("account-id")
                .ok_or_else(|| required("account-id"))?;
            let region = args
                .get_one::<String>("region")
                .ok_or_else(|| required("region"))?;
            let format = *args
                .get_one::<cloudcraft::types::SnapshotFormat>("format")
                .ok_or_else(|| required("format"))?;
            let matches = args.clone();
            let request: SnapshotRequest<$cloud> = $new(account.clone(), region.clone(), format)
                .options(move |builder| {
                    Cli::<Output>::$args(builder, &matches)
                        .expect("the same arguments were applied once already")
                });
            let snapshot = output
                .waiting("rendering the snapshot", client.snapshot(&request))
                .await?;
            match snapshot {
                Snapshot::Blueprint(diagram) => output.item(diagram),
                Snapshot::Document(download) => output.download(download).await,
            }
        }
    };
}

snapshot_command!(
    snapshot_aws,
    cloudcraft::Aws,
    SnapshotRequest::new,
    cloudcraft::types::AwsAccountId,
    snapshot_aws_account,
    args_snapshot_aws_account
);
snapshot_command!(
    snapshot_azure,
    cloudcraft::Azure,
    SnapshotRequest::azure,
    cloudcraft::types::AzureAccountId,
    snapshot_azure_account,
    args_snapshot_azure_account
);

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_cloudcontrol_version_is_read_before_parsing() {
        assert_eq!(
            cloudcontrol_version(&args(&["scp", "cloudcontrol", "guardrail", "list"])),
            CloudControlVersion::V1_2
        );
        assert_eq!(
            cloudcontrol_version(&args(&["--api-version", "1.0"])),
            CloudControlVersion::V1_0
        );
        assert_eq!(
            cloudcontrol_version(&args(&["--api-version=1.1"])),
            CloudControlVersion::V1_1
        );
    }

    #[test]
    fn flags_override_the_environment_by_variable_name() {
        let cmd = Command::new("t").args(flags(PANTHER));
        let matches = cmd
            .try_get_matches_from(["t", "--api-host", "flag.example"])
            .unwrap();
        let lookup = lookup(&matches);
        assert_eq!(
            lookup(panther::ENV_API_HOST).as_deref(),
            Some("flag.example")
        );
        assert_eq!(lookup("CLOUD_APIS_TEST_SURELY_UNSET"), None);
    }
}
