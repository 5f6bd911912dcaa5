//! Running progenitor over a prepared spec and turning its tokens into the committed files.

use std::io::Write;
use std::process::{Command, Stdio};

use progenitor::{
    CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;
use serde_json::Value;

use crate::model::Model;
use crate::targets::Target;
use crate::transforms::{self, Change, Prepared};

/// The generated client file and httpmock helpers for one target, formatted, and what the generated test cases
/// need to know of them.
pub struct Generated {
    pub client: String,
    pub mock: String,
    /// The operation builders, by progenitor's method name.
    pub builders: std::collections::BTreeMap<String, crate::test_cases::Builder>,
    /// Spec schema name → generated type name.
    pub type_names: std::collections::BTreeMap<String, String>,
}

/// Generates both files of one target from its spec.
pub fn target(target: &Target, spec: &Value) -> Result<Generated, String> {
    let client = transforms::for_client(spec)?;
    let mock = transforms::for_mock(spec)?;
    let (client_tokens, passes) = client_tokens(target, &client)?;
    let mock_tokens = mock_tokens(target, &mock)?;
    let builders = crate::test_cases::builders(&client_tokens)?;
    let type_names = type_names(spec, &client.changes);
    let client_changes: Vec<Change> = client.changes.iter().cloned().chain(passes).collect();
    Ok(Generated {
        client: file(target, "client", &client_changes, client_tokens)?,
        mock: file(target, "httpmock helpers", &mock.changes, mock_tokens)?,
        builders,
        type_names,
    })
}

/// Every component schema of the spec → the name of its generated type, following `short_type_names`.
fn type_names(spec: &Value, changes: &[Change]) -> std::collections::BTreeMap<String, String> {
    let renamed: std::collections::BTreeMap<&str, &str> = changes
        .iter()
        .filter(|c| c.transform == transforms::SHORT_TYPE_NAMES)
        .filter_map(|c| c.detail.split_once(" -> "))
        .collect();
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| {
            // A name can be renamed more than once (`AlertAPI.BulkPatchAlertReq2` → `BulkPatchAlertReq2` →
            // `BulkPatchAlertReq`): follow the chain.
            let mut generated = name.as_str();
            while let Some(next) = renamed.get(generated).filter(|next| **next != generated) {
                generated = next;
            }
            (
                name.clone(),
                crate::naming::type_ident(generated).to_string(),
            )
        })
        .collect()
}

pub(crate) fn settings(target: &Target, prepared: &Prepared) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        .with_inner_type(quote!(cloud_apis_runtime::Runtime))
        .with_hooks(HooksMode::Expected)
        // `secret_strings`: the `x-rust-type` it adds names the runtime crate, which every client depends on.
        .with_crate(transforms::RUNTIME_CRATE, CrateVers::Any, None);
    // `named_types`: each open enum's wrapper schema is the runtime's generic `Open<_>` around the closed enum.
    for open in &prepared.open_enums {
        let known = crate::naming::type_ident(&open.known);
        settings.with_replacement(
            crate::naming::type_ident(&open.wrapper),
            format!(
                "::cloud_apis_runtime::Open<{}::types::{known}>",
                target.module_path
            ),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

pub(crate) fn parse(target: &Target, prepared: &Prepared) -> Result<openapiv3::OpenAPI, String> {
    serde_json::from_value(prepared.doc.clone())
        .map_err(|e| format!("{}: not an OpenAPI 3.0 document: {e}", target.spec))
}

/// progenitor panics (rather than returning an error) on some constructs; turn that into an error naming the spec.
pub(crate) fn catch_panic<T>(
    target: &Target,
    what: &str,
    f: impl FnOnce() -> T,
) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!(
            "{}: progenitor panicked generating the {what}: {message} (a transform may be missing)",
            target.spec
        )
    })
}

fn client_tokens(
    target: &Target,
    prepared: &Prepared,
) -> Result<(proc_macro2::TokenStream, Vec<Change>), String> {
    let spec = parse(target, prepared)?;
    let generated = catch_panic(target, "client", || {
        Generator::new(&settings(target, prepared)).generate_tokens(&spec)
    })?
    .map_err(|e| format!("{}: {e}", target.spec))?;
    let model = Model::of(prepared);
    let (generated, passes) = crate::code_passes::apply(generated, &model)
        .map_err(|e| format!("{}: {e}", target.spec))?;
    let api = api_tokens(target, prepared, &model, &spec, target.module_dir);
    let (page_impls, streams) = crate::page_impls::impls(&prepared.doc);
    let generated = crate::code_passes::with_builder_items(generated, streams)
        .map_err(|e| format!("{}: {e}", target.spec))?;
    let id_impls = prepared
        .id_types
        .iter()
        .map(|name| id_impls(&crate::naming::type_ident(name)));
    let tokens = quote! {
        #generated

        #(#page_impls)*

        #(#id_impls)*

        #api
    };
    Ok((tokens, passes))
}

/// The `API` value and `SPEC_JSON` of one target: what the runtime, the sandbox and the tests know of it.
/// `code_dir` is where the client code lives (the shared target's for a version that shares it).
fn api_tokens(
    target: &Target,
    prepared: &Prepared,
    model: &Model,
    spec: &openapiv3::OpenAPI,
    code_dir: &str,
) -> proc_macro2::TokenStream {
    let name = target.name;
    let spec_path = target.spec;
    let version = spec.info.version.clone();
    let generated_path = format!("{code_dir}/{}", crate::targets::CLIENT_FILE);
    // From the generated file's directory back to the workspace root, then to the spec.
    let depth = target.module_dir.split('/').count();
    let spec_from_here = format!("{}{}", "../".repeat(depth), target.spec);
    let pinned = prepared.pinned_headers.iter().map(|h| {
        let name = h.name.to_ascii_lowercase();
        let value = &h.value;
        quote!((
            cloud_apis_runtime::reqwest::header::HeaderName::from_static(#name),
            cloud_apis_runtime::reqwest::header::HeaderValue::from_static(#value)
        ))
    });
    // The model is sorted by method name: the runtime finds an operation by binary search on every request.
    let operations = model.operations.iter().map(|op| {
        let (rust_name, id, method) = (&op.rust_name, &op.id, &op.method);
        let (streams, authenticated) = (op.streams_body, op.authenticated);
        quote!(cloud_apis_runtime::ApiOperation {
            rust_name: #rust_name, operation_id: #id, method: #method, streams_body: #streams,
            authenticated: #authenticated
        })
    });
    let pinned_count = prepared.pinned_headers.len();
    quote! {
        /// The pinned headers as values, made once (a `static`: header values cannot live in a constant).
        static PINNED_HEADERS: [(
            cloud_apis_runtime::reqwest::header::HeaderName,
            cloud_apis_runtime::reqwest::header::HeaderValue
        ); #pinned_count] = [#(#pinned),*];

        /// What the runtime needs to know about this API; see [`cloud_apis_runtime::Api`].
        pub const API: cloud_apis_runtime::Api = cloud_apis_runtime::Api {
            name: #name,
            version: #version,
            spec: #spec_path,
            generated: #generated_path,
            pinned_headers: &PINNED_HEADERS,
            operations: &[#(#operations),*],
            // Each client crate says where its provider's error bodies keep the message (`error_message` at the
            // crate root): provider knowledge stays with the provider.
            error_message: crate::error_message,
        };

        /// The spec this client was generated from, as checked in (for sandboxes and conformance checks; a
        /// program that does not use it does not carry it).
        pub const SPEC_JSON: &str = include_str!(#spec_from_here);
    }
}

/// A version that shares another target's generated client (`Target::shares_code_with`): only its own `API`
/// value and `SPEC_JSON`, after checking that the two prepared specs differ in nothing but `info` and the pinned
/// header's allowed value, i.e. that the shared client really is this version's client.
pub fn api_only(
    target: &Target,
    spec: &Value,
    shared: &Target,
    shared_spec: &Value,
) -> Result<String, String> {
    let own = transforms::for_client(spec)?;
    let theirs = transforms::for_client(shared_spec)?;
    let comparable = |prepared: &Prepared| {
        let mut doc = prepared.doc.clone();
        if let Some(map) = doc.as_object_mut() {
            map.remove("info");
        }
        if let Some(params) = doc
            .pointer_mut("/components/parameters")
            .and_then(Value::as_object_mut)
        {
            let pinned: Vec<String> = prepared
                .pinned_headers
                .iter()
                .map(|h| h.name.to_ascii_lowercase())
                .collect();
            params.retain(|_, p| {
                let name = p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                !pinned.contains(&name)
            });
        }
        doc
    };
    if comparable(&own) != comparable(&theirs) {
        return Err(format!(
            "{} differs from {} in more than its version, so it cannot share its generated client; remove \
             `shares_code_with` from its target",
            target.spec, shared.spec
        ));
    }
    let parsed = parse(target, &own)?;
    let tokens = api_tokens(target, &own, &Model::of(&own), &parsed, shared.module_dir);
    let change = Change {
        transform: "shares_code_with",
        detail: format!(
            "operations and schemas equal to {}'s, whose generated client and types this version uses",
            shared.spec
        ),
    };
    file(target, "runtime description", &[change], tokens)
}

/// What an `id_types` identifier needs beyond typify's string newtype to flow from one call into the next.
fn id_impls(id: &proc_macro2::Ident) -> proc_macro2::TokenStream {
    let missing = format!("the response carried no {id} to pass on");
    quote! {
        impl ::std::convert::From<&str> for types::#id {
            fn from(value: &str) -> Self {
                Self(value.to_string())
            }
        }
        impl ::std::cmp::PartialEq<str> for types::#id {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl ::std::cmp::PartialEq<&str> for types::#id {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl ::std::convert::From<&types::#id> for types::#id {
            fn from(value: &types::#id) -> Self {
                value.clone()
            }
        }
        /// An id read from an optional response field goes straight into the next call; a missing one fails that
        /// call before anything is sent.
        impl ::std::convert::TryFrom<::std::option::Option<types::#id>> for types::#id {
            type Error = &'static str;
            fn try_from(value: ::std::option::Option<types::#id>) -> Result<Self, &'static str> {
                value.ok_or(#missing)
            }
        }
        impl ::std::convert::TryFrom<&::std::option::Option<types::#id>> for types::#id {
            type Error = &'static str;
            fn try_from(value: &::std::option::Option<types::#id>) -> Result<Self, &'static str> {
                value.clone().ok_or(#missing)
            }
        }
    }
}

fn mock_tokens(target: &Target, prepared: &Prepared) -> Result<proc_macro2::TokenStream, String> {
    let spec = parse(target, prepared)?;
    catch_panic(target, "httpmock helpers", || {
        Generator::new(&settings(target, prepared)).httpmock(&spec, target.module_path)
    })?
    .map_err(|e| format!("{}: {e}", target.spec))
}

/// Header + formatted code.
fn file(
    target: &Target,
    what: &str,
    changes: &[Change],
    tokens: proc_macro2::TokenStream,
) -> Result<String, String> {
    file_allowing(target, what, changes, tokens, "")
}

/// [`file()`], allowing `more_lints` (`unused_mut, unused_variables`) beyond what every generated file allows.
pub(crate) fn file_allowing(
    target: &Target,
    what: &str,
    changes: &[Change],
    tokens: proc_macro2::TokenStream,
    more_lints: &str,
) -> Result<String, String> {
    let mut header = format!(
        "// @generated by `cargo xtask regen` from {spec}: the {what} of the {name} API.\n\
         // DO NOT EDIT. Change the spec (or the xtask) and run `cargo xtask regen`.\n",
        spec = target.spec,
        name = target.name,
    );
    if changes.is_empty() {
        header.push_str("//\n// No spec transforms were needed.\n");
    } else {
        header.push_str("//\n// Spec transforms applied in memory before generation (see xtask/src/transforms/):\n");
        for change in changes {
            header.push_str(&format!("// - {}: {}\n", change.transform, change.detail));
        }
    }
    // rustfmt straight from the token text: prettyplease would print multi-line `#[doc]` strings as indented
    // block comments, which rustdoc then reads as indented code blocks (and runs as doctests).
    // Until it settles: rustfmt leaves a method chain it cannot fit (a long help text) as printed in one pass and
    // lays it out in the next, so one pass would not agree with `cargo fmt --check`.
    let more = if more_lints.is_empty() {
        String::new()
    } else {
        format!("#![allow({more_lints})]\n")
    };
    let mut code = rustfmt(&tokens.to_string())?;
    for _ in 0..3 {
        let again = rustfmt(&code)?;
        if again == code {
            break;
        }
        code = again;
    }
    Ok(format!(
        "{header}\n#![allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, dead_code)]\n{more}\n{code}"
    ))
}

/// Formats with the toolchain's rustfmt so that `cargo fmt --check` agrees with the committed files.
pub(crate) fn rustfmt(code: &str) -> Result<String, String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("running rustfmt: {e} (install it with `rustup component add rustfmt`)")
        })?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(code.as_bytes())
        .map_err(|e| format!("writing to rustfmt: {e}"))?;
    let output = child
        .wait_with_output()
        .map_err(|e| format!("waiting for rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt output is not UTF-8: {e}"))
}
