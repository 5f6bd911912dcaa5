//! The `<resource> <verb>` levels of the tool, built from a generated `COMMANDS` table: each resource is a
//! subcommand whose subcommands are its operations, each the generated `clap::Command` under its verb.

use std::collections::BTreeMap;

use clap::{ArgMatches, Command};

/// One subcommand per resource of `commands`, its verbs beneath it.
pub fn resources<C: Copy>(
    commands: &'static [(C, &'static str, &'static str)],
    command: fn(C) -> Command,
) -> Vec<Command> {
    let mut by_resource: BTreeMap<&str, Vec<Command>> = BTreeMap::new();
    for &(cmd, resource, verb) in commands {
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

/// The generated command `matches` chose (`<resource> <verb>`), and the verb's own matches.
pub fn chosen<'m, C: Copy>(
    commands: &'static [(C, &'static str, &'static str)],
    matches: &'m ArgMatches,
) -> anyhow::Result<(C, &'m ArgMatches)> {
    let (resource, matches) = matches
        .subcommand()
        .ok_or_else(|| anyhow::anyhow!("no resource given"))?;
    let (verb, matches) = matches
        .subcommand()
        .ok_or_else(|| anyhow::anyhow!("no command given for {resource}"))?;
    commands
        .iter()
        .find(|(_, r, v)| *r == resource && *v == verb)
        .map(|(cmd, _, _)| (*cmd, matches))
        .ok_or_else(|| anyhow::anyhow!("unknown command {resource} {verb}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[(u8, &str, &str)] =
        &[(1, "role", "get"), (2, "role", "list"), (3, "user", "get")];

    fn command(id: u8) -> Command {
        Command::new("").about(format!("operation {id}"))
    }

    #[test]
    fn commands_group_under_their_resource_and_are_found_again() {
        let tree = Command::new("t").subcommands(resources(TABLE, command));
        let names: Vec<&str> = tree.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names, ["role", "user"]);
        let matches = tree.try_get_matches_from(["t", "role", "list"]).unwrap();
        let (id, _) = chosen(TABLE, &matches).unwrap();
        assert_eq!(id, 2);
    }
}
