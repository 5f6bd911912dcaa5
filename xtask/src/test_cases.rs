//! `tests/src/generated_cases.rs`: for every operation of every spec, the contract call (which builder method
//! takes which spec parameter, read from the generated builders' signatures), and for every component schema the
//! generated type it round-trips through. The tests crate runs them; a new operation or schema needs no
//! hand-written test code.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::targets::Target;

/// Where the generated cases go, relative to the workspace root.
pub const FILE: &str = "tests/src/generated_cases.rs";

/// One builder setter: its name and the type its `TryInto` bound names.
#[derive(Clone)]
struct Setter {
    name: String,
    ty: syn::Type,
}

/// One operation's builder, as generated: its setters and whether it answers a byte stream.
#[derive(Clone, Default)]
pub struct Builder {
    setters: Vec<Setter>,
    bytes: bool,
}

/// Every operation builder of a generated client, by progenitor's method name.
pub fn builders(client: &TokenStream) -> Result<BTreeMap<String, Builder>, String> {
    let mut file: syn::File = syn::parse2(client.clone())
        .map_err(|e| format!("test cases: the client does not parse: {e}"))?;
    let mut out = BTreeMap::new();
    for block in crate::code_passes::builder_impls(&mut file) {
        let mut builder = Builder::default();
        let mut operation = None;
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident == "exchange" {
                let body: TokenStream = f.block.stmts.iter().map(|s| quote!(#s)).collect();
                operation = crate::code_passes::operation_literal(body);
                builder.bytes = crate::code_passes::success_type(&f.sig.output)
                    .is_some_and(|t| crate::code_passes::is_byte_stream(&t));
                continue;
            }
            if let Some(ty) = setter_type(f) {
                builder.setters.push(Setter {
                    name: f.sig.ident.to_string(),
                    ty,
                });
            }
        }
        if let Some(operation) = operation {
            out.insert(operation, builder);
        }
    }
    Ok(out)
}

/// `T` of a `pub fn x<V>(mut self, value: V) -> Self where V: TryInto<T>` setter.
fn setter_type(f: &syn::ImplItemFn) -> Option<syn::Type> {
    let clause = f.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(p) = p else {
            return None;
        };
        p.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            let last = t.path.segments.last().filter(|s| s.ident == "TryInto")?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            }
        })
    })
}

/// One target's part of the file.
pub struct TargetCases<'a> {
    pub target: &'a Target,
    /// The checked-in spec.
    pub spec: &'a Value,
    /// The builders of the client this target uses (its own, or the shared one's).
    pub builders: &'a BTreeMap<String, Builder>,
    /// Rust path of the types module this target uses.
    pub types: String,
    /// Spec schema name → generated type name.
    pub type_names: &'a BTreeMap<String, String>,
}

/// The crate-qualified path of a target's module (`crate::v1_0` in `scp-cloudcontrol-client` →
/// `scp_cloudcontrol_client::v1_0`).
pub fn module_path(target: &Target) -> String {
    let krate = target
        .module_dir
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .replace('-', "_");
    target.module_path.replacen("crate", &krate, 1)
}

/// The field of the tests' `Clients` that holds this target's client (`scp-cloudcontrol-v1.0` → `scp_v1_0`).
fn client_field(target: &Target) -> syn::Ident {
    let field = match target.module_path.strip_prefix("crate::") {
        Some(version) => format!("scp_{version}"),
        None => target.name.to_string(),
    };
    syn::Ident::new(&field, proc_macro2::Span::call_site())
}

/// `ty` as seen from outside the client crate: `types::X` and `crate::types::X` become `<types path>::X`.
fn qualified(ty: &syn::Type, types: &str) -> syn::Type {
    let text = quote!(#ty).to_string();
    let tokens: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let after_path = out.last().is_some_and(|t| t == "::");
        if tokens[i] == "crate" && tokens.get(i + 2) == Some(&"types") {
            out.push(types.to_string());
            i += 3;
        } else if tokens[i] == "types" && !after_path {
            out.push(types.to_string());
            i += 1;
        } else {
            out.push(tokens[i].to_string());
            i += 1;
        }
    }
    syn::parse_str(&out.join(" ")).expect("a qualified type parses")
}

fn type_text(ty: &syn::Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

/// The argument expression for one parameter: what the case holds, in the form the setter takes.
fn argument(name: &str, schema: &Value, ty: &syn::Type) -> TokenStream {
    let text = type_text(ty);
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    let string_like = text.ends_with("::String") || text == "String" || text.contains("::types::");
    if let Some(item) = text
        .strip_prefix("::std::vec::Vec<")
        .or_else(|| text.strip_prefix("Vec<"))
        .and_then(|t| t.strip_suffix('>'))
    {
        if item.ends_with("String") {
            return quote!(c.strings(#name));
        }
        let item: syn::Type = syn::parse_str(item).expect("a type");
        return quote!(c.list::<#item>(#name));
    }
    if let Some(inner) = text
        .strip_prefix("::cloud_apis_runtime::Open<")
        .and_then(|t| t.strip_suffix('>'))
    {
        // An open enum (`named_types`): parsed by the client, documented values only.
        let inner: syn::Type = syn::parse_str(inner).expect("a type");
        return quote!(c.text::<#inner>(#name));
    }
    if is_array && string_like {
        // A delimited array (`delimited_query_arrays`): one comma-joined value.
        return quote!(c.strings(#name).join(","));
    }
    if string_like {
        return quote!(c.str(#name));
    }
    quote!(c.value::<#ty>(#name))
}

/// One operation's contract, and the request body type it converts a spec body into (if any).
fn contract(
    target: &Target,
    types: &str,
    op_id: &str,
    op: &Value,
    doc: &Value,
    builder: &Builder,
) -> Result<(TokenStream, Option<syn::Type>), String> {
    let spec_name = target.name;
    let client = client_field(target);
    let method = crate::naming::snake_ident(op_id);
    let mut calls = Vec::new();
    for param in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let param = cloud_apis_spec::resolve(doc, param);
        let name = param["name"].as_str().unwrap_or_default();
        let snake = crate::naming::snake(name);
        let Some(setter) = builder
            .setters
            .iter()
            .find(|s| s.name == snake || s.name == format!("{snake}_"))
        else {
            // A header the runtime pins (`pin_single_value_headers`) has no setter.
            continue;
        };
        let setter_ident = syn::Ident::new(&setter.name, proc_macro2::Span::call_site());
        let schema = cloud_apis_spec::resolve(doc, &param["schema"]);
        let arg = argument(name, schema, &qualified(&setter.ty, types));
        calls.push(quote!(.#setter_ident(#arg)));
    }
    let mut body = None;
    if op.get("requestBody").is_some() {
        let setter = builder
            .setters
            .iter()
            .find(|s| s.name == "body")
            .ok_or_else(|| format!("test cases: {op_id} has a body but its builder no `body`"))?;
        let ty = qualified(&setter.ty, types);
        calls.push(quote!(.body(c.body::<#ty>())));
        body = Some(ty);
    }
    let outcome = if builder.bytes {
        quote!(bytes(call.send().await).await)
    } else {
        quote!(json(call.send().await))
    };
    let contract = quote! {
        Contract {
            spec: #spec_name,
            operation_id: #op_id,
            call: |k, c| {
                let _ = &c;
                Box::pin(async move {
                    let call = k.#client.#method() #(#calls)*;
                    #outcome
                })
            },
        }
    };
    Ok((contract, body))
}

/// The whole file.
pub fn file(targets: &[TargetCases<'_>]) -> Result<String, String> {
    let mut contracts = Vec::new();
    let mut bodies: BTreeSet<String> = BTreeSet::new();
    let mut registries = Vec::new();
    for cases in targets {
        let doc = cases.spec;
        for (_, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if !crate::transforms::HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let op_id = op["operationId"].as_str().unwrap_or_default();
                let builder = cases
                    .builders
                    .get(&crate::naming::snake(op_id))
                    .ok_or_else(|| {
                        format!("test cases: {}: no builder for {op_id}", cases.target.name)
                    })?;
                let (call, body) = contract(cases.target, &cases.types, op_id, op, doc, builder)?;
                contracts.push(call);
                if let Some(body) = body {
                    bodies.insert(quote!(#body).to_string());
                }
            }
        }
        let module: syn::Path = syn::parse_str(&cases.types).map_err(|e| e.to_string())?;
        let spec_name = cases.target.name;
        let entries = cases.type_names.iter().map(|(schema, ty)| {
            let ty = syn::Ident::new(ty, proc_macro2::Span::call_site());
            quote!((#schema, roundtrip::<#module::#ty> as RoundTrip))
        });
        registries.push(quote!((#spec_name, vec![#(#entries),*])));
    }
    let bodies = bodies
        .iter()
        .map(|b| syn::parse_str::<syn::Type>(b).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let tokens = quote! {
        use crate::contract::{bytes, json, spec_bodies, Contract, RoundTrip, roundtrip};

        /// One contract per operation of every spec.
        pub fn contracts() -> Vec<Contract> {
            vec![#(#contracts),*]
        }

        /// `(spec, [(component schema, round trip through its generated type)])` for every spec.
        pub fn round_trips() -> Vec<(&'static str, Vec<(&'static str, RoundTrip)>)> {
            vec![#(#registries),*]
        }

        spec_bodies!(#(#bodies),*);
    };
    let code = crate::generate::rustfmt(&tokens.to_string())?;
    Ok(format!(
        "// @generated by `cargo xtask regen` from specs/ and the generated clients' builders.\n\
         // DO NOT EDIT. Change the specs (or the xtask) and run `cargo xtask regen`.\n\n{code}"
    ))
}
