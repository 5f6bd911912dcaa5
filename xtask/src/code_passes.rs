//! Named rewrites of progenitor's generated client code, applied before it is formatted.
//!
//! The spec transforms (`transforms/`) change what progenitor is asked to generate; these passes change how the
//! generated code reaches the network, where progenitor's own choices are unsafe or lose information. Like the
//! transforms, each is detected by shape (never by operation name), reports what it changed into the generated
//! file's header, and is unit-tested below.
//!
//! | pass | what | why |
//! |---|---|---|
//! | `no_api_version_header` | the `header_map.append("api-version", ..)` progenitor adds to every `send()` is removed, with the capacity it reserved | no provider defines that header; building it and then removing it by name in the runtime cost every request a header insert and a lookup |
//! | `present_query_params` | `.query(&progenitor_client::QueryParam::new(name, &value))` → `.query_param(name, &value)` (`cloud_apis_runtime::QueryExt`) | reqwest's `query` edits the URL (opens its query, then removes it when left empty) even for `None`: a list with six optional filters paid that six times per request |
//! | `checked_path_params` | `encode_path(&x.to_string())` → `cloud_apis_runtime::path_param("x", &x.to_string())?` | progenitor leaves `.`, `..` and `\` in a path parameter, and the URL parser resolves them: `role_delete("..")` would send `DELETE /`. The runtime refuses dot segments and encodes everything but unreserved characters |
//! | `no_redirect_client` | `reqwest::ClientBuilder::new()` in `Client::new` → `cloud_apis_runtime::http_client_builder()` | reqwest follows redirects by default, re-sending `X-API-Key` and every `Scp-*` header (and a 307's body) to whatever origin a server names |
//! | `moved_response_headers` | `ResponseValue::from_response(response)` → `cloud_apis_runtime::response_value(response)`, `ResponseValue::empty(response)` → `cloud_apis_runtime::empty_response(response)` | progenitor copies the header map of every answer it decodes (two allocations per call); the runtime's versions move it out of the response instead |
//! | `merged_status_arms` | in each `send()`'s `match response.status().as_u16()`, arms with the same body become one arm (`400u16 \| 401u16 \| 403u16 => Err(Error::ErrorResponse(..))`) | every arm that reads a body is its own await point, and the compiler gives each its own room in the call's future: an operation with seven documented errors paid for seven body readers (kilobytes copied on every call, large allocations) and seven copies of the same code |
//! | `optional_json_schema` | `#[derive(.., schemars::JsonSchema)]` → `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]` | only users who ask for JSON Schemas of the types should compile schemars and its derive; the client crates' `schemars` feature turns it on |
//! | `optional_bodies` | for each operation `optional_success_bodies` reported: `send()` returns `ResponseValue<Option<T>>` and answers `None` for the body-less success statuses | progenitor has no "this schema or nothing" success type |
//! | `bounded_params` | after each integer parameter with a documented `minimum`/`maximum` is unpacked: `cloud_apis_runtime::in_range("limit", &limit, min, max)?` | progenitor types integers by format only, so `limit(500)` on a list documented as at most 50 would reach the server |
//! | `rebuilt_requests` | `let mut request = client.client.get(url)…build()?; client.pre(..); client.exec(request, &info)` → `let mut request = \|\| client.client.get(url.as_str())…build();` handed to `client.inner.execute(&super::API, &client.client, Requests::Rebuilt(&mut request), &info).await?`; an empty `header_map` is no longer built, a non-empty one is cloned into each build | a request handed over whole must be copied before every attempt in case a retry follows (reqwest consumes what it sends); rebuilt from the builder's own values, the happy path copies nothing. progenitor's `pre` and `post` hooks (no-ops here) are not called |
//! | `recorded_calls` | each builder's `send()` becomes `let mut call = start_call(api, operationId, method); let result = Box::pin(self.exchange(&mut call)).await; finish_call(result, call)` (`api`: the runtime's `speaks` version, else the client's own `API`), progenitor's body kept as the private `exchange(self, call)`, which hands the record to the runtime; a builder whose success is a `ByteStream` also gets `download()`, the same call ending in `finish_download` | progenitor's `Error<E>` cannot say which call failed, how often it was tried, or the status of a documented error whose body was not JSON; `finish_call` returns `cloud_apis_runtime::Error`, built from the runtime's own record of the call; a download keeps that record so a body that breaks off while streaming is still reported as a failure of that call |

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Group, Ident, Literal, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::model::Model;
use crate::transforms::Change;

/// What `recorded_calls` needs to know of each operation: progenitor's method name → (operationId, HTTP method).
pub type Operations = BTreeMap<String, (String, String)>;

/// What `optional_bodies` needs to know: progenitor's method name → the success statuses without a body.
pub type OptionalBodies = BTreeMap<String, Vec<u16>>;

/// One integer parameter with a documented range.
#[derive(Debug, Clone)]
pub struct Bounded {
    /// As the spec names it (for the error).
    pub name: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// What `bounded_params` needs to know: progenitor's method name → its bounded integer parameters.
pub type BoundedParams = BTreeMap<String, Vec<Bounded>>;

/// Applies every pass to a generated client, in order; returns the rewritten code and what changed.
pub fn apply(tokens: TokenStream, model: &Model) -> Result<(TokenStream, Vec<Change>), String> {
    let by_name = |op: &crate::model::Operation| op.rust_name.clone();
    let operations: Operations = model
        .operations
        .iter()
        .map(|op| (by_name(op), (op.id.clone(), op.method.clone())))
        .collect();
    let optional: OptionalBodies = model
        .operations
        .iter()
        .filter(|op| !op.bodiless_successes.is_empty())
        .map(|op| (by_name(op), op.bodiless_successes.clone()))
        .collect();
    let bounded: BoundedParams = model
        .operations
        .iter()
        .map(|op| {
            let params = op.bounded().map(|p| {
                let (min, max) = p.range.unwrap_or_default();
                Bounded {
                    name: p.name.clone(),
                    min,
                    max,
                }
            });
            (by_name(op), params.collect::<Vec<_>>())
        })
        .filter(|(_, params)| !params.is_empty())
        .collect();
    let (operations, optional, bounded) = (&operations, &optional, &bounded);
    let mut changes = Vec::new();
    let tokens = no_api_version_header(tokens, &mut changes)?;
    let tokens = present_query_params(tokens, &mut changes)?;
    let tokens = checked_path_params(tokens, &mut changes);
    let tokens = no_redirect_client(tokens, &mut changes);
    let tokens = optional_json_schema(tokens, &mut changes);
    let tokens = optional_bodies(tokens, optional, &mut changes)?;
    let tokens = bounded_params_pass(tokens, bounded, &mut changes)?;
    let tokens = moved_response_headers(tokens, &mut changes)?;
    let tokens = merged_status_arms(tokens, &mut changes)?;
    let tokens = rebuilt_requests(tokens, operations.len(), &mut changes)?;
    let tokens = recorded_calls(tokens, operations, &mut changes)?;
    Ok((tokens, changes))
}

fn change(transform: &'static str, detail: impl Into<String>) -> Change {
    Change {
        transform,
        detail: detail.into(),
    }
}

/// Rewrites every token tree, descending into groups; `rule` sees each level's trees and returns the new ones.
fn rewrite(
    tokens: TokenStream,
    rule: &mut dyn FnMut(Vec<TokenTree>) -> Vec<TokenTree>,
) -> TokenStream {
    let trees: Vec<TokenTree> = tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let inner = rewrite(group.stream(), rule);
                let mut rebuilt = Group::new(group.delimiter(), inner);
                rebuilt.set_span(group.span());
                TokenTree::Group(rebuilt)
            }
            other => other,
        })
        .collect();
    rule(trees).into_iter().collect()
}

fn is_ident(tree: &TokenTree, name: &str) -> bool {
    matches!(tree, TokenTree::Ident(i) if i == name)
}

fn is_punct(tree: &TokenTree, c: char) -> bool {
    matches!(tree, TokenTree::Punct(p) if p.as_char() == c)
}

/// `encode_path(&NAME.to_string())` → `cloud_apis_runtime::path_param("NAME", &NAME.to_string())?`.
fn checked_path_params(tokens: TokenStream, changes: &mut Vec<Change>) -> TokenStream {
    let mut names = Vec::new();
    let tokens = rewrite(tokens, &mut |trees| {
        let mut out = Vec::with_capacity(trees.len());
        let mut iter = trees.into_iter().peekable();
        while let Some(tree) = iter.next() {
            let argument = match (&tree, iter.peek()) {
                (t, Some(TokenTree::Group(g)))
                    if is_ident(t, "encode_path") && g.delimiter() == Delimiter::Parenthesis =>
                {
                    path_argument(g.stream())
                }
                _ => None,
            };
            match argument {
                Some(name) => {
                    let group = iter.next().expect("peeked");
                    let TokenTree::Group(group) = group else {
                        unreachable!()
                    };
                    let inner = group.stream();
                    let literal = Literal::string(&name.to_string());
                    out.extend(quote!(cloud_apis_runtime::path_param(#literal, #inner)?));
                    names.push(name.to_string());
                }
                None => out.push(tree),
            }
        }
        out
    });
    names.sort();
    names.dedup();
    if !names.is_empty() {
        changes.push(change(
            "checked_path_params",
            format!(
                "path parameters {} refuse `.`/`..` and are fully percent-encoded",
                names.join(", ")
            ),
        ));
    }
    tokens
}

/// Moves `schemars::JsonSchema` out of every `#[derive(..)]` into a `cfg_attr` on the `schemars` feature.
fn optional_json_schema(tokens: TokenStream, changes: &mut Vec<Change>) -> TokenStream {
    let mut moved = 0usize;
    let tokens = rewrite(tokens, &mut |trees| {
        let mut out = Vec::with_capacity(trees.len());
        let mut iter = trees.into_iter().peekable();
        while let Some(tree) = iter.next() {
            let attribute = match (&tree, iter.peek()) {
                (t, Some(TokenTree::Group(g)))
                    if is_punct(t, '#') && g.delimiter() == Delimiter::Bracket =>
                {
                    without_json_schema(g.stream())
                }
                _ => None,
            };
            match attribute {
                Some(derive) => {
                    iter.next();
                    out.extend(quote! {
                        #[#derive]
                        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                    });
                    moved += 1;
                }
                None => out.push(tree),
            }
        }
        out
    });
    if moved > 0 {
        changes.push(change(
            "optional_json_schema",
            format!("{moved} types derive schemars::JsonSchema only with the `schemars` feature"),
        ));
    }
    tokens
}

/// `derive(A, schemars::JsonSchema, B)` → `derive(A, B)`; `None` for any other attribute.
fn without_json_schema(attribute: TokenStream) -> Option<TokenStream> {
    let trees: Vec<TokenTree> = attribute.into_iter().collect();
    let [derive, TokenTree::Group(list)] = trees.as_slice() else {
        return None;
    };
    if !is_ident(derive, "derive") || list.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let text: String = list.stream().to_string().split_whitespace().collect();
    let kept: Vec<&str> = text
        .split(',')
        .filter(|path| {
            !path.is_empty() && !matches!(*path, "schemars::JsonSchema" | "::schemars::JsonSchema")
        })
        .collect();
    if kept.len() == text.split(',').filter(|p| !p.is_empty()).count() {
        return None;
    }
    let kept: TokenStream = kept.join(", ").parse().expect("derive paths re-parse");
    Some(quote!(derive(#kept)))
}

/// The parameter name in `& NAME . to_string ()`.
fn path_argument(stream: TokenStream) -> Option<Ident> {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    match trees.as_slice() {
        [amp, TokenTree::Ident(name), dot, to_string, TokenTree::Group(call)]
            if is_punct(amp, '&')
                && is_punct(dot, '.')
                && is_ident(to_string, "to_string")
                && call.stream().is_empty() =>
        {
            Some(name.clone())
        }
        _ => None,
    }
}

/// `reqwest::ClientBuilder::new()` → `cloud_apis_runtime::http_client_builder()`.
fn no_redirect_client(tokens: TokenStream, changes: &mut Vec<Change>) -> TokenStream {
    let mut count = 0;
    let tokens = rewrite(tokens, &mut |trees| {
        let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
        let mut i = 0;
        while i < trees.len() {
            let window = &trees[i..];
            let matches = window.len() >= 8
                && is_ident(&window[0], "reqwest")
                && is_punct(&window[1], ':')
                && is_punct(&window[2], ':')
                && is_ident(&window[3], "ClientBuilder")
                && is_punct(&window[4], ':')
                && is_punct(&window[5], ':')
                && is_ident(&window[6], "new")
                && matches!(&window[7], TokenTree::Group(g) if g.stream().is_empty());
            if matches {
                out.extend(quote!(cloud_apis_runtime::http_client_builder()));
                count += 1;
                i += 8;
            } else {
                out.push(trees[i].clone());
                i += 1;
            }
        }
        out
    });
    if count > 0 {
        changes.push(change(
            "no_redirect_client",
            "Client::new builds a reqwest client that never follows redirects",
        ));
    }
    tokens
}

/// Every impl block of the generated `builder` module (one per operation builder).
pub(crate) fn builder_impls(file: &mut syn::File) -> Vec<&mut syn::ItemImpl> {
    builder_items(file)
        .into_iter()
        .flat_map(|items| items.iter_mut())
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })
        .collect()
}

/// The items of the generated `builder` module.
/// `tokens` with `items` added to its `builder` module (impls that read a builder's private fields).
pub(crate) fn with_builder_items(
    tokens: TokenStream,
    items: Vec<TokenStream>,
) -> Result<TokenStream, String> {
    if items.is_empty() {
        return Ok(tokens);
    }
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let module = builder_items(&mut file).ok_or("generated code has no `builder` module")?;
    for item in items {
        module.push(syn::parse2(item).map_err(|e| format!("a builder item does not parse: {e}"))?);
    }
    Ok(quote!(#file))
}

fn builder_items(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "builder" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// Removes progenitor's `api-version` header from every `send()`, and the capacity it reserved.
fn no_api_version_header(
    tokens: TokenStream,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut removed = 0;
    let tokens = edit_sends(tokens, "no_api_version_header", |_, send| {
        let before = send.block.stmts.len();
        send.block.stmts.retain(|stmt| {
            let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
                return true;
            };
            let args = &call.args;
            !(call.method == "append" && quote!(#args).to_string().contains("\"api-version\""))
        });
        if send.block.stmts.len() == before {
            return Ok(());
        }
        removed += 1;
        let stmts = &send.block.stmts;
        let still_appends = quote!(#(#stmts)*)
            .to_string()
            .contains("header_map . append");
        // `HeaderMap::with_capacity(Nusize)` counted the header: reserve one less (none: no allocation), and a map
        // nothing is added to any more is not `mut`.
        for stmt in &mut send.block.stmts {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            if let syn::Pat::Ident(binding) = &mut local.pat {
                if binding.ident == "header_map" && !still_appends {
                    binding.mutability = None;
                }
            }
            let Some(init) = &mut local.init else {
                continue;
            };
            let syn::Expr::Call(call) = init.expr.as_mut() else {
                continue;
            };
            let function = &call.func;
            if !quote!(#function).to_string().ends_with("with_capacity") {
                continue;
            }
            if let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            })) = call.args.first_mut()
            {
                let count: usize = n.base10_parse().map_err(|e| e.to_string())?;
                *n = syn::LitInt::new(&format!("{}usize", count.saturating_sub(1)), n.span());
            }
        }
        Ok(())
    })?;
    if removed > 0 {
        changes.push(change(
            "no_api_version_header",
            format!("{removed} operations no longer build progenitor's `api-version` header"),
        ));
    }
    Ok(tokens)
}

/// `.query(&progenitor_client::QueryParam::new(NAME, &VALUE))` → `.query_param(NAME, &VALUE)`, the runtime's
/// `QueryExt` method, which adds nothing (and edits no URL) for an absent value.
fn present_query_params(
    tokens: TokenStream,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut count = 0;
    let tokens = rewrite(tokens, &mut |trees| {
        let mut out = Vec::with_capacity(trees.len());
        let mut i = 0;
        while i < trees.len() {
            if let (true, Some(TokenTree::Group(call))) =
                (is_ident(&trees[i], "query"), trees.get(i + 1))
            {
                let inner: Vec<TokenTree> = call.stream().into_iter().collect();
                let prefix = quote!(&progenitor_client::QueryParam::new).to_string();
                let head: TokenStream = inner
                    .iter()
                    .take(inner.len().saturating_sub(1))
                    .cloned()
                    .collect();
                if call.delimiter() == Delimiter::Parenthesis && head.to_string() == prefix {
                    if let Some(TokenTree::Group(args)) = inner.last() {
                        out.push(TokenTree::Ident(Ident::new("query_param", trees[i].span())));
                        out.push(TokenTree::Group(args.clone()));
                        count += 1;
                        i += 2;
                        continue;
                    }
                }
            }
            out.push(trees[i].clone());
            i += 1;
        }
        out
    });
    if count == 0 {
        return Ok(tokens);
    }
    // The trait's method needs the trait in scope in the builder module.
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("present_query_params: generated code does not parse: {e}"))?;
    if let Some(items) = builder_items(&mut file) {
        items.insert(
            0,
            syn::parse_quote!(
                use cloud_apis_runtime::QueryExt as _;
            ),
        );
    }
    changes.push(change(
        "present_query_params",
        format!("{count} query parameters are added only when present"),
    ));
    Ok(quote!(#file))
}

/// The `send()` of every builder in the generated `builder` module.
fn builder_sends(file: &mut syn::File) -> Vec<&mut syn::ImplItemFn> {
    builder_impls(file)
        .into_iter()
        .flat_map(|block| block.items.iter_mut())
        .filter_map(|member| match member {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some() => Some(f),
            _ => None,
        })
        .collect()
}

/// Parses the generated code and calls `edit` with each builder's `send()` and its operation's method name.
fn edit_sends(
    tokens: TokenStream,
    pass: &str,
    mut edit: impl FnMut(&str, &mut syn::ImplItemFn) -> Result<(), String>,
) -> Result<TokenStream, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("{pass}: generated code does not parse: {e}"))?;
    for send in builder_sends(&mut file) {
        let body: TokenStream = send.block.stmts.iter().map(|s| quote!(#s)).collect();
        if let Some(rust_name) = operation_literal(body) {
            edit(&rust_name, send)?;
        }
    }
    Ok(quote!(#file))
}

/// `ResponseValue<T>` → `ResponseValue<Option<T>>` in the return type, and an arm answering `None` for each
/// body-less success status.
fn optional_bodies(
    tokens: TokenStream,
    optional: &OptionalBodies,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    if optional.is_empty() {
        return Ok(tokens);
    }
    let mut done = Vec::new();
    let tokens = edit_sends(tokens, "optional_bodies", |rust_name, send| {
        let Some(statuses) = optional.get(rust_name) else {
            return Ok(());
        };
        let what = |e: &str| format!("optional_bodies: {rust_name}: {e}");
        let success = success_type(&send.sig.output).ok_or_else(|| what("no ResponseValue<_>"))?;
        let output = &mut send.sig.output;
        let rewritten = quote!(#output).to_string().replacen(
            &quote!(ResponseValue<#success>).to_string(),
            &quote!(ResponseValue<Option<#success>>).to_string(),
            1,
        );
        *output = syn::parse_str(&rewritten).map_err(|e| what(&e.to_string()))?;
        let Some(syn::Stmt::Expr(syn::Expr::Match(matched), _)) = send.block.stmts.last_mut()
        else {
            return Err(what("send() does not end in a match on the status"));
        };
        let fallback = matched
            .arms
            .len()
            .checked_sub(1)
            .ok_or_else(|| what("no arms"))?;
        for status in statuses.iter().rev() {
            let code = Literal::u16_suffixed(*status);
            let arm: syn::Arm =
                syn::parse2(quote!(#code => ResponseValue::empty(response).map(|()| None),))
                    .map_err(|e| what(&e.to_string()))?;
            matched.arms.insert(fallback, arm);
        }
        done.push(rust_name.to_string());
        Ok(())
    })?;
    if done.len() != optional.len() {
        return Err(format!(
            "optional_bodies: rewrote {done:?}, but the spec names {:?}",
            optional.keys().collect::<Vec<_>>()
        ));
    }
    changes.push(change(
        "optional_bodies",
        format!("{} return ResponseValue<Option<_>>", done.join(", ")),
    ));
    Ok(tokens)
}

/// Inserts `cloud_apis_runtime::in_range(..)?` after each bounded parameter is unpacked in `send()`.
fn bounded_params_pass(
    tokens: TokenStream,
    bounded: &BoundedParams,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    if bounded.is_empty() {
        return Ok(tokens);
    }
    let mut checked = Vec::new();
    let tokens = edit_sends(tokens, "bounded_params", |rust_name, send| {
        for param in bounded.get(rust_name).into_iter().flatten() {
            let snake = crate::naming::snake(&param.name);
            let position = send.block.stmts.iter().position(|stmt| {
                let syn::Stmt::Local(local) = stmt else {
                    return false;
                };
                let syn::Pat::Ident(binding) = &local.pat else {
                    return false;
                };
                binding.ident == snake || binding.ident == format!("{snake}_")
            });
            let Some(position) = position else {
                return Err(format!(
                    "bounded_params: {rust_name}: `{}` is never unpacked",
                    param.name
                ));
            };
            let syn::Stmt::Local(local) = &send.block.stmts[position] else {
                unreachable!()
            };
            let syn::Pat::Ident(binding) = &local.pat else {
                unreachable!()
            };
            let ident = &binding.ident;
            let name = &param.name;
            let bound = |b: Option<i64>| match b {
                Some(b) => {
                    let b = Literal::i128_suffixed(i128::from(b));
                    quote!(Some(#b))
                }
                None => quote!(None),
            };
            let (min, max) = (bound(param.min), bound(param.max));
            let check: syn::Stmt = syn::parse2(quote! {
                cloud_apis_runtime::in_range(#name, &#ident, #min, #max)?;
            })
            .map_err(|e| format!("bounded_params: {e}"))?;
            send.block.stmts.insert(position + 1, check);
            checked.push(format!("{rust_name}.{name}"));
        }
        Ok(())
    })?;
    let expected: usize = bounded.values().map(Vec::len).sum();
    if checked.len() != expected {
        return Err(format!(
            "bounded_params: checked {checked:?}, but the spec has {expected} bounded parameters"
        ));
    }
    changes.push(change(
        "bounded_params",
        format!(
            "{} are checked against their documented range before sending",
            checked.join(", ")
        ),
    ));
    Ok(tokens)
}

/// progenitor's body readers → the runtime's, which move the headers instead of copying them.
fn moved_response_headers(
    tokens: TokenStream,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut text = tokens.to_string();
    let mut count = 0;
    for (theirs, ours) in [
        (
            "ResponseValue :: from_response (response)",
            "cloud_apis_runtime :: response_value (response)",
        ),
        (
            "ResponseValue :: empty (response)",
            "cloud_apis_runtime :: empty_response (response)",
        ),
    ] {
        count += text.matches(theirs).count();
        text = text.replace(theirs, ours);
    }
    if count > 0 {
        changes.push(change(
            "moved_response_headers",
            format!("{count} response readers move the headers instead of copying them"),
        ));
    }
    text.parse()
        .map_err(|e| format!("moved_response_headers: rewritten code does not parse: {e}"))
}

/// Status arms with identical bodies become one arm (see the table).
fn merged_status_arms(
    tokens: TokenStream,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut merged = 0;
    let tokens = edit_sends(tokens, "merged_status_arms", |_, send| {
        for stmt in &mut send.block.stmts {
            let syn::Stmt::Expr(syn::Expr::Match(by_status), _) = stmt else {
                continue;
            };
            let scrutinee = &by_status.expr;
            if text_of(scrutinee) != "response.status().as_u16()" {
                continue;
            }
            let mut arms: Vec<syn::Arm> = Vec::with_capacity(by_status.arms.len());
            for arm in std::mem::take(&mut by_status.arms) {
                let body = text_of(&arm.body);
                let same = arms.iter_mut().find(|kept| {
                    kept.guard.is_none()
                        && arm.guard.is_none()
                        && !matches!(arm.pat, syn::Pat::Wild(_))
                        && !matches!(kept.pat, syn::Pat::Wild(_))
                        && text_of(&kept.body) == body
                });
                match same {
                    Some(kept) => {
                        let (first, next) = (&kept.pat, &arm.pat);
                        kept.pat = syn::parse_quote!(#first | #next);
                        merged += 1;
                    }
                    None => arms.push(arm),
                }
            }
            by_status.arms = arms;
        }
        Ok(())
    })?;
    if merged > 0 {
        changes.push(change(
            "merged_status_arms",
            format!("{merged} status arms joined an identical one"),
        ));
    }
    Ok(tokens)
}

/// Each `send()` hands the runtime a closure that builds its request, instead of one built request (see the table).
fn rebuilt_requests(
    tokens: TokenStream,
    operations: usize,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut rewritten = 0;
    let tokens = edit_sends(tokens, "rebuilt_requests", |rust_name, send| {
        rebuild_request(send).map_err(|e| format!("rebuilt_requests: {rust_name}: {e}"))?;
        rewritten += 1;
        Ok(())
    })?;
    if rewritten != operations {
        return Err(format!(
            "rebuilt_requests: rewrote {rewritten} send() methods, but the spec has {operations} operations"
        ));
    }
    changes.push(change(
        "rebuilt_requests",
        format!("{rewritten} operations build their request per attempt instead of copying it for a retry"),
    ));
    Ok(tokens)
}

fn rebuild_request(send: &mut syn::ImplItemFn) -> Result<(), String> {
    let stmts = &mut send.block.stmts;
    // The header map of the operation's header parameters: not built at all when nothing is ever added to it.
    let header_map = stmts.iter().position(|s| {
        let t = text_of(s);
        t.starts_with("letheader_map=") || t.starts_with("letmutheader_map=")
    });
    let empty_headers = header_map.is_some_and(|at| {
        let t = text_of(&stmts[at]);
        t.contains("with_capacity(0usize)") && !t.starts_with("letmut")
    });
    let build_at = stmts
        .iter()
        .position(|s| text_of(s).starts_with("#[allow(unused_mut)]letmutrequest="))
        .ok_or("no `let mut request = …build()?`")?;
    let syn::Stmt::Local(local) = &mut stmts[build_at] else {
        unreachable!("a let statement")
    };
    let init = local
        .init
        .as_mut()
        .ok_or("`let mut request` without a value")?;
    let syn::Expr::Try(built) = init.expr.as_mut() else {
        return Err("the request is not `…build()?`".into());
    };
    let mut chain = (*built.expr).clone();
    let mut found_headers = false;
    let mut found_url = false;
    edit_chain(&mut chain, &mut |call| {
        if call.method == "headers" && text_of(&call.args) == "header_map" {
            found_headers = true;
            return Some(if empty_headers {
                (*call.receiver).clone()
            } else {
                call.args = syn::parse_quote!(header_map.clone());
                syn::Expr::MethodCall(call.clone())
            });
        }
        if text_of(&call.receiver) == "client.client" && text_of(&call.args) == "url" {
            found_url = true;
            call.args = syn::parse_quote!(url.as_str());
        }
        None
    });
    if !found_url || header_map.is_some() != found_headers {
        return Err("the request chain does not start at `client.client.METHOD(url)` or lacks `.headers(header_map)`".into());
    }
    local.attrs.clear();
    *init.expr = syn::parse_quote!(|| #chain);
    let pre = stmts
        .iter()
        .position(|s| text_of(s) == "client.pre(&mutrequest,&info).await?;")
        .ok_or("no `client.pre(&mut request, &info)`")?;
    stmts.remove(pre);
    let exec = stmts
        .iter()
        .position(|s| text_of(s) == "letresult=client.exec(request,&info).await;")
        .ok_or("no `client.exec(request, &info)`")?;
    let tail = ["client.post(&result,&info).await?;", "letresponse=result?;"];
    if stmts.len() < exec + 3 || (0..2).any(|i| text_of(&stmts[exec + 1 + i]) != tail[i]) {
        return Err(
            "`client.exec` is not followed by `client.post(&result, &info)` and `result?`".into(),
        );
    }
    // progenitor's `post` hook is a no-op here, as `pre` is; without it the call's future keeps no room for the
    // result beside the response.
    stmts.splice(
        exec..exec + 3,
        [syn::parse_quote! {
            let response = client
                .inner
                .execute(
                    &super::API,
                    &client.client,
                    cloud_apis_runtime::Requests::Rebuilt(&mut request),
                    &info,
                    Some(call),
                )
                .await?;
        }],
    );
    if let (true, Some(at)) = (empty_headers, header_map) {
        stmts.remove(at);
    }
    Ok(())
}

fn text_of(tokens: &impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

/// Calls `edit` on each method call of a chain `a.b(..).c(..)`, outermost first; a call it returns a replacement
/// for is replaced.
fn edit_chain(
    expr: &mut syn::Expr,
    edit: &mut dyn FnMut(&mut syn::ExprMethodCall) -> Option<syn::Expr>,
) {
    let syn::Expr::MethodCall(call) = expr else {
        return;
    };
    if let Some(replacement) = edit(call) {
        *expr = replacement;
        return edit_chain(expr, edit);
    }
    edit_chain(&mut call.receiver, edit);
}

/// Each builder's `send()` keeps a call record (`cloud_apis_runtime::start_call`/`finish_call`).
fn recorded_calls(
    tokens: TokenStream,
    operations: &Operations,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("recorded_calls: generated code does not parse: {e}"))?;
    let mut wrapped = 0;
    for block in builder_impls(&mut file) {
        wrapped += wrap_send(block, operations)?;
    }
    if wrapped != operations.len() {
        return Err(format!(
            "recorded_calls: wrapped {wrapped} send() methods, but the spec has {} operations",
            operations.len()
        ));
    }
    changes.push(change(
        "recorded_calls",
        format!("{wrapped} operations return cloud_apis_runtime::Error from their call's record"),
    ));
    Ok(quote!(#file))
}

fn wrap_send(block: &mut syn::ItemImpl, operations: &Operations) -> Result<usize, String> {
    let Some(index) = block.items.iter().position(
        |item| matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some()),
    ) else {
        return Ok(0);
    };
    let syn::ImplItem::Fn(mut exchange) = block.items.remove(index) else {
        unreachable!()
    };
    let rust_name = operation_literal(exchange.block.stmts.iter().map(|s| quote!(#s)).collect())
        .ok_or("recorded_calls: a send() without an OperationInfo literal")?;
    let (operation_id, method) = operations
        .get(&rust_name)
        .ok_or_else(|| format!("recorded_calls: {rust_name} is not an operation of the spec"))?;
    let success = success_type(&exchange.sig.output).ok_or_else(|| {
        format!("recorded_calls: {rust_name}: send() does not return Result<ResponseValue<_>, _>")
    })?;
    let attrs = std::mem::take(&mut exchange.attrs);
    exchange.vis = syn::Visibility::Inherited;
    exchange.sig.ident = format_ident!("exchange");
    // The call's record, which the runtime writes into (`rebuilt_requests` hands it to `execute`).
    exchange
        .sig
        .inputs
        .push(syn::parse_quote!(call: &mut cloud_apis_runtime::Failure));
    let send: syn::ImplItemFn = syn::parse2(quote! {
        #(#attrs)*
        pub async fn send(self) -> Result<ResponseValue<#success>, cloud_apis_runtime::Error> {
            let api = self.client.inner.api_or(&super::API);
            let mut call = cloud_apis_runtime::start_call(api, #operation_id, #method);
            let result = Box::pin(self.exchange(&mut call)).await;
            cloud_apis_runtime::finish_call(result, call)
        }
    })
    .map_err(|e| format!("recorded_calls: {e}"))?;
    block.items.insert(index, syn::ImplItem::Fn(exchange));
    if is_byte_stream(&success) {
        let download: syn::ImplItemFn = syn::parse2(quote! {
            /// Sends the request like `send()` and gives the body unread, as a
            /// [`cloud_apis_runtime::Download`] to stream into a file or any `AsyncWrite` with flat memory.
            pub async fn download(self) -> Result<cloud_apis_runtime::Download, cloud_apis_runtime::Error> {
                let api = self.client.inner.api_or(&super::API);
                let mut call = cloud_apis_runtime::start_call(api, #operation_id, #method);
                let result = Box::pin(self.exchange(&mut call)).await;
                cloud_apis_runtime::finish_download(result, call)
            }
        })
        .map_err(|e| format!("recorded_calls: {e}"))?;
        block.items.insert(index, syn::ImplItem::Fn(download));
    }
    block.items.insert(index, syn::ImplItem::Fn(send));
    Ok(1)
}

/// Whether a success type is progenitor's untyped body (`ByteStream`): a binary document.
pub(crate) fn is_byte_stream(ty: &syn::Type) -> bool {
    quote!(#ty).to_string() == "ByteStream"
}

/// The string after `operation_id :` anywhere in the statements.
pub(crate) fn operation_literal(stream: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(g) => {
                if let Some(found) = operation_literal(g.stream()) {
                    return Some(found);
                }
            }
            t if is_ident(t, "operation_id") => {
                if let (Some(colon), Some(TokenTree::Literal(lit))) =
                    (trees.get(i + 1), trees.get(i + 2))
                {
                    if is_punct(colon, ':') {
                        let text = lit.to_string();
                        return Some(text.trim_matches('"').to_string());
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// `T` in `-> Result<ResponseValue<T>, Error<E>>`.
pub(crate) fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = ty.as_ref() else {
        return None;
    };
    let result = path.path.segments.last().filter(|s| s.ident == "Result")?;
    let syn::PathArguments::AngleBracketed(args) = &result.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Path(value))) = args.args.first() else {
        return None;
    };
    let value = value
        .path
        .segments
        .last()
        .filter(|s| s.ident == "ResponseValue")?;
    let syn::PathArguments::AngleBracketed(inner) = &value.arguments else {
        return None;
    };
    match inner.args.first() {
        Some(syn::GenericArgument::Type(t)) => Some(t.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations() -> Operations {
        Operations::from([(
            "role_get".to_string(),
            ("role#get".to_string(), "GET".to_string()),
        )])
    }

    fn generated() -> TokenStream {
        quote! {
            impl Client {
                pub fn new(baseurl: &str, inner: Runtime) -> Self {
                    let client = reqwest::ClientBuilder::new().connect_timeout(dur);
                    Self::new_with_client(baseurl, client.build().unwrap(), inner)
                }
            }
            pub mod builder {
                impl<'a> RoleGet<'a> {
                    #[doc = "Sends a `GET` request to `/roles/{id}`"]
                    pub async fn send(self) -> Result<ResponseValue<types::Role>, Error<types::Error>> {
                        let Self { client, id } = self;
                        let url = format!("{}/roles/{}", client.baseurl, encode_path(&id.to_string()),);
                        let info = OperationInfo { operation_id: "role_get" };
                        client.exec(request, &info).await
                    }
                }
            }
        }
    }

    fn squash(tokens: &TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn query_parameters_go_through_query_param() {
        let code = quote! {
            pub mod builder {
                impl<'a> List<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let request = client.client.get(url)
                            .query(&progenitor_client::QueryParam::new("cursor", &cursor))
                            .query(&progenitor_client::QueryParam::new("limit", &limit))
                            .query(&other)
                            .build()?;
                        client.exec(request, &info).await
                    }
                }
            }
        };
        let mut changes = Vec::new();
        let out = squash(&present_query_params(code, &mut changes).unwrap());
        assert!(
            out.contains(
                r#".query_param("cursor",&cursor).query_param("limit",&limit).query(&other)"#
            ),
            "{out}"
        );
        assert!(
            out.contains("pubmodbuilder{usecloud_apis_runtime::QueryExtas_;"),
            "{out}"
        );
        assert_eq!(
            changes[0].detail,
            "2 query parameters are added only when present"
        );
    }

    #[test]
    fn the_api_version_header_is_never_built() {
        let code = quote! {
            pub mod builder {
                impl<'a> Get<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        header_map.append("If-Match", value.to_string().try_into()?);
                        let info = OperationInfo { operation_id: "get" };
                        client.exec(request, &info).await
                    }
                }
            }
        };
        let mut changes = Vec::new();
        let out = squash(&no_api_version_header(code, &mut changes).unwrap());
        assert!(!out.contains("api-version"), "{out}");
        assert!(
            out.contains("letmutheader_map=::reqwest::header::HeaderMap::with_capacity(1usize)"),
            "{out}"
        );
        assert!(out.contains(r#"header_map.append("If-Match""#), "{out}");
        assert_eq!(
            changes[0].detail,
            "1 operations no longer build progenitor's `api-version` header"
        );
        let only_version = quote! {
            pub mod builder {
                impl<'a> List<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        let info = OperationInfo { operation_id: "list" };
                        client.exec(request, &info).await
                    }
                }
            }
        };
        let out = squash(&no_api_version_header(only_version, &mut changes).unwrap());
        assert!(
            out.contains("letheader_map=::reqwest::header::HeaderMap::with_capacity(0usize)"),
            "{out}"
        );
    }

    /// A `send()` as progenitor writes it, with `header_map` built as given.
    fn progenitor_send(header_map: TokenStream) -> TokenStream {
        quote! {
            pub mod builder {
                impl<'a> RoleUpdate<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Role>, Error<types::Error>> {
                        let url = format!("{}/roles/{}", client.baseurl, id);
                        #header_map
                        #[allow(unused_mut)]
                        let mut request = client
                            .client
                            .put(url)
                            .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
                            .json(&body)
                            .headers(header_map)
                            .build()?;
                        let info = OperationInfo { operation_id: "role_update" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        client.post(&result, &info).await?;
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            204u16 => Ok(ResponseValue::empty(response)),
                            400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                            404u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                            409u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn requests_are_rebuilt_per_attempt_not_handed_over_whole() {
        let mut changes = Vec::new();
        let with_headers = progenitor_send(quote! {
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append("If-Match", value.to_string().try_into()?);
        });
        let out = squash(&rebuilt_requests(with_headers, 1, &mut changes).unwrap());
        assert!(
            out.contains(
                "letmutrequest=||client.client.put(url.as_str()).header(::reqwest::header::ACCEPT,\
                 ::reqwest::header::HeaderValue::from_static(\"application/json\")).json(&body)\
                 .headers(header_map.clone()).build();"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "letresponse=client.inner.execute(&super::API,&client.client,\
                 cloud_apis_runtime::Requests::Rebuilt(&mutrequest),&info,Some(call),).await?;matchresponse"
            ),
            "{out}"
        );
        for gone in [
            "client.pre(",
            "client.exec(",
            "build()?",
            "#[allow(unused_mut)]",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains(r#"header_map.append("If-Match""#), "{out}");
        assert_eq!(changes[0].transform, "rebuilt_requests");

        // A header map nothing is ever added to is not built at all.
        let empty = progenitor_send(quote! {
            let header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
        });
        let out = squash(&rebuilt_requests(empty, 1, &mut changes).unwrap());
        assert!(!out.contains("header_map"), "{out}");
        assert!(out.contains(".json(&body).build();"), "{out}");

        // A send() of another shape fails generation instead of keeping the copy.
        let err = rebuilt_requests(generated(), 1, &mut changes).unwrap_err();
        assert!(err.contains("role_get: no `let mut request"), "{err}");
    }

    #[test]
    fn bodies_are_read_without_copying_headers_and_identical_arms_are_one() {
        let mut changes = Vec::new();
        let code = progenitor_send(quote! {
            let header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
        });
        let code = moved_response_headers(code, &mut changes).unwrap();
        let out = squash(&merged_status_arms(code, &mut changes).unwrap());
        assert!(!out.contains("ResponseValue::from_response"), "{out}");
        assert!(
            out.contains("200u16=>cloud_apis_runtime::response_value(response).await,"),
            "{out}"
        );
        assert!(
            out.contains("204u16=>Ok(cloud_apis_runtime::empty_response(response)),"),
            "{out}"
        );
        assert!(
            out.contains(
                "400u16|404u16|409u16=>Err(Error::ErrorResponse(cloud_apis_runtime::response_value(response).await?)),\
                 _=>Err(Error::UnexpectedResponse(response)),"
            ),
            "{out}"
        );
        assert_eq!(
            changes
                .iter()
                .map(|c| c.detail.as_str())
                .collect::<Vec<_>>(),
            [
                "5 response readers move the headers instead of copying them",
                "2 status arms joined an identical one"
            ]
        );
    }

    #[test]
    fn path_parameters_go_through_the_runtime_check() {
        let mut changes = Vec::new();
        let out = squash(&checked_path_params(generated(), &mut changes));
        assert!(
            out.contains(r#"cloud_apis_runtime::path_param("id",&id.to_string())?"#),
            "{out}"
        );
        assert!(!out.contains("encode_path("), "{out}");
        assert_eq!(changes[0].transform, "checked_path_params");
        assert!(changes[0].detail.contains("path parameters id"));
    }

    #[test]
    fn client_new_never_follows_redirects() {
        let mut changes = Vec::new();
        let out = squash(&no_redirect_client(generated(), &mut changes));
        assert!(
            out.contains("cloud_apis_runtime::http_client_builder().connect_timeout(dur)"),
            "{out}"
        );
        assert!(!out.contains("ClientBuilder::new"), "{out}");
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn send_is_recorded_and_keeps_progenitors_exchange() {
        let mut changes = Vec::new();
        let out = squash(&recorded_calls(generated(), &operations(), &mut changes).unwrap());
        assert!(
            out.contains(
                r#"pubasyncfnsend(self)->Result<ResponseValue<types::Role>,cloud_apis_runtime::Error>{letapi=self.client.inner.api_or(&super::API);letmutcall=cloud_apis_runtime::start_call(api,"role#get","GET");letresult=Box::pin(self.exchange(&mutcall)).await;cloud_apis_runtime::finish_call(result,call)}"#
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "asyncfnexchange(self,call:&mutcloud_apis_runtime::Failure)->Result<ResponseValue<types::Role>,Error<types::Error>>"
            ),
            "{out}"
        );
        assert!(!out.contains("pubasyncfnexchange"), "{out}");
        // The doc comment stays on the public method.
        let send_at = out.find("pubasyncfnsend").unwrap();
        let doc_at = out.find("Sendsa`GET`request").unwrap();
        assert!(doc_at < send_at);
    }

    #[test]
    fn a_binary_operation_also_gets_download_and_a_json_one_does_not() {
        let code = quote! {
            pub mod builder {
                impl<'a> Export<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<types::Error>> {
                        let info = OperationInfo { operation_id: "export" };
                        client.exec(request, &info).await
                    }
                }
            }
        };
        let ops = Operations::from([("export".into(), ("exportImage".into(), "GET".into()))]);
        let out = squash(&recorded_calls(code, &ops, &mut Vec::new()).unwrap());
        assert!(
            out.contains(
                r#"pubasyncfndownload(self)->Result<cloud_apis_runtime::Download,cloud_apis_runtime::Error>{letapi=self.client.inner.api_or(&super::API);letmutcall=cloud_apis_runtime::start_call(api,"exportImage","GET");letresult=Box::pin(self.exchange(&mutcall)).await;cloud_apis_runtime::finish_download(result,call)}"#
            ),
            "{out}"
        );
        let json = squash(&recorded_calls(generated(), &operations(), &mut Vec::new()).unwrap());
        assert!(!json.contains("fndownload"), "{json}");
    }

    #[test]
    fn an_operation_missing_from_the_spec_fails_generation() {
        let mut changes = Vec::new();
        let err = recorded_calls(generated(), &Operations::new(), &mut changes).unwrap_err();
        assert!(err.contains("role_get is not an operation"), "{err}");
        let mut two = operations();
        two.insert("role_list".into(), ("role#list".into(), "GET".into()));
        let err = recorded_calls(generated(), &two, &mut changes).unwrap_err();
        assert!(
            err.contains("wrapped 1 send() methods, but the spec has 2"),
            "{err}"
        );
    }

    #[test]
    fn json_schema_derives_move_behind_the_feature_and_nothing_else_changes() {
        let code = quote! {
            #[derive(::serde::Serialize, Clone, schemars::JsonSchema, PartialEq)]
            #[serde(untagged)]
            pub enum A { X(String) }
            #[derive(Debug)]
            pub struct B;
        };
        let mut changes = Vec::new();
        let out = optional_json_schema(code, &mut changes).to_string();
        let expected = quote! {
            #[derive(::serde::Serialize, Clone, PartialEq)]
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
            #[serde(untagged)]
            pub enum A { X(String) }
            #[derive(Debug)]
            pub struct B;
        };
        assert_eq!(out, expected.to_string());
        assert_eq!(
            changes[0].detail,
            "1 types derive schemars::JsonSchema only with the `schemars` feature"
        );
    }
}
