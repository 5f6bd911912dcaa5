//! The `<resource> <verb>` levels of the tool, built from a generated `COMMANDS` table: each resource is a
//! subcommand whose subcommands are its operations, each the generated `clap::Command` under its verb.

use std::collections::BTreeMap;

use clap::{ArgMatches, Command};

/// A generated `COMMANDS` table: `(command, resource, verb, operationId)`.
pub type Commands<C> = &'static [(C, &'static str, &'static str, &'static str)];

/// One subcommand per resource of `commands`, its verbs beneath it.
pub fn resources<C: Copy>(commands: Commands<C>, command: fn(C) -> Command) -> Vec<Command> {
    let mut by_resource: BTreeMap<&str, Vec<Command>> = BTreeMap::new();
    for &(cmd, resource, verb, _) in commands {
        by_resource
            .entry(resource)
            .or_default()
            .push(command(cmd).name(verb));
    }
    by_resource
        .into_iter()
        .map(|(resource, verbs)| {
            let names: Vec<&str> = verbs.iter().map(|v| v.get_name()).collect();
            Command::new(resource)
                .about(names.join(", "))
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(verbs)
        })
        .collect()
}

/// What `matches` chose: a generated command, its operationId and the verb's own matches.
#[derive(Debug, Clone, Copy)]
pub struct Chosen<'m, C> {
    pub command: C,
    pub operation_id: &'static str,
    pub matches: &'m ArgMatches,
}

/// The generated command `matches` chose (`<resource> <verb>`).
pub fn chosen<'m, C: Copy>(
    commands: Commands<C>,
    matches: &'m ArgMatches,
) -> anyhow::Result<Chosen<'m, C>> {
    let (resource, matches) = matches
        .subcommand()
        .ok_or_else(|| anyhow::anyhow!("no resource given"))?;
    let (verb, matches) = matches
        .subcommand()
        .ok_or_else(|| anyhow::anyhow!("no command given for {resource}"))?;
    commands
        .iter()
        .find(|(_, r, v, _)| *r == resource && *v == verb)
        .map(|&(command, _, _, operation_id)| Chosen {
            command,
            operation_id,
            matches,
        })
        .ok_or_else(|| anyhow::anyhow!("unknown command {resource} {verb}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: Commands<u8> = &[
        (1, "role", "get", "role#get"),
        (2, "role", "list", "role#list"),
        (3, "user", "get", "user#get"),
    ];

    fn command(id: u8) -> Command {
        Command::new("").about(format!("operation {id}"))
    }

    #[test]
    fn commands_group_under_their_resource_and_are_found_again() {
        let tree = Command::new("t").subcommands(resources(TABLE, command));
        let names: Vec<&str> = tree.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names, ["role", "user"]);
        let matches = tree.try_get_matches_from(["t", "role", "list"]).unwrap();
        let chosen = chosen(TABLE, &matches).unwrap();
        assert_eq!((chosen.command, chosen.operation_id), (2, "role#list"));
    }
}
