//! The `cloud-apis` tool's commands for one API: progenitor's clap CLI (`Generator::cli`) over the same prepared
//! spec as the client, rewritten by [`crate::cli_passes`], with the table that places each command in the tool's
//! tree ([`crate::cli_names`]). Written to `crates/cli/src/generated/<target>.rs`.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use progenitor::Generator;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::generate::{catch_panic, file_allowing, parse, settings};
use crate::targets::Target;
use crate::transforms;

/// Where the generated command files live.
pub const DIR: &str = "crates/cli/src/generated";

/// `scp-cloudcontrol-v1.2` → `scp_cloudcontrol_v1_2.rs`.
pub fn file_name(target: &Target) -> String {
    format!("{}.rs", target.name.replace(['-', '.'], "_"))
}

/// The formatted command file of `target`.
pub fn generate(target: &Target, spec: &Value) -> Result<String, String> {
    let prepared = transforms::for_client(spec)?;
    let parsed = parse(target, &prepared)?;
    // Type paths the generated code names (open enums' replacements) must resolve from the tool's crate, through
    // the facade module that re-exports this API's types.
    let seen_from_tool = Target {
        module_path: target.facade_module,
        ..*target
    };
    let tokens = catch_panic(target, "command-line commands", || {
        Generator::new(&settings(&seen_from_tool, &prepared)).cli(&parsed, target.facade_module)
    })?
    .map_err(|e| format!("{}: {e}", target.spec))?;
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("{}: generated CLI does not parse: {e}", target.spec))?;
    let paged: BTreeSet<String> = crate::model::Model::of(&prepared)
        .operations
        .into_iter()
        .filter(|op| op.paging.is_some())
        .map(|op| op.rust_name)
        .collect();
    let open: crate::cli_passes::OpenEnumValues = prepared
        .open_enums
        .iter()
        .map(|open| {
            let values = prepared.doc["components"]["schemas"][&open.known]["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            (crate::naming::type_ident(&open.known).to_string(), values)
        })
        .collect();
    // The spec transforms are the client's (listed in its file's header); this file lists its own passes.
    let mut changes = vec![transforms::Change {
        transform: "spec_transforms",
        detail: format!(
            "the {} listed in {}/{}",
            prepared.changes.len(),
            target.module_dir,
            crate::targets::CLIENT_FILE
        ),
    }];
    changes.extend(
        crate::cli_passes::apply(&mut file, &paged, &open)
            .map_err(|e| format!("{}: {e}", target.spec))?,
    );
    let names = crate::cli_names::command_names(&prepared.doc)?;
    let rows = names.iter().map(|n| {
        let variant = format_ident!(
            "{}",
            crate::naming::snake(&n.operation_id).to_upper_camel_case()
        );
        let (resource, verb, id) = (&n.resource, &n.verb, &n.operation_id);
        quote!((CliCommand::#variant, #resource, #verb, #id))
    });
    let tokens = quote! {
        #file

        /// Every command of this API as `(command, resource, verb, operationId)`: `cloud-apis <provider> <resource>
        /// <verb>`, sorted by resource and verb.
        pub const COMMANDS: &[(CliCommand, &str, &str, &str)] = &[#(#rows),*];
    };
    file_allowing(
        target,
        "command-line commands",
        &changes,
        tokens,
        "unused_mut, unused_variables",
    )
}
