//! Named rewrites of progenitor's generated client code, applied before it is formatted.
//!
//! The spec transforms (`transforms/`) change what progenitor is asked to generate; these passes change how the
//! generated code reaches the network, where progenitor's own choices are unsafe or lose information. Like the
//! transforms, each is detected by shape (never by operation name), reports what it changed into the generated
//! file's header, and is unit-tested below.
//!
//! | pass | what | why |
//! |---|---|---|
//! | `checked_path_params` | `encode_path(&x.to_string())` → `cloud_apis_runtime::path_param("x", &x.to_string())?` | progenitor leaves `.`, `..` and `\` in a path parameter, and the URL parser resolves them: `role_delete("..")` would send `DELETE /`. The runtime refuses dot segments and encodes everything but unreserved characters |
//! | `no_redirect_client` | `reqwest::ClientBuilder::new()` in `Client::new` → `cloud_apis_runtime::http_client_builder()` | reqwest follows redirects by default, re-sending `X-API-Key` and every `Scp-*` header (and a 307's body) to whatever origin a server names |
//! | `optional_json_schema` | `#[derive(.., schemars::JsonSchema)]` → `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]` | only users who ask for JSON Schemas of the types should compile schemars and its derive; the client crates' `schemars` feature turns it on |
//! | `recorded_calls` | each builder's `send()` becomes `record_call(api, operationId, method, self.exchange())` (`api`: the runtime's `speaks` version, else the client's own `API`), progenitor's body kept as the private `exchange()` | progenitor's `Error<E>` cannot say which call failed, how often it was tried, or the status of a documented error whose body was not JSON; `record_call` returns `cloud_apis_runtime::Error`, built from the runtime's own record of the call |

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Group, Ident, Literal, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::transforms::Change;

/// What `recorded_calls` needs to know of each operation: progenitor's method name → (operationId, HTTP method).
pub type Operations = BTreeMap<String, (String, String)>;

/// Applies every pass to a generated client, in order; returns the rewritten code and what changed.
pub fn apply(
    tokens: TokenStream,
    operations: &Operations,
) -> Result<(TokenStream, Vec<Change>), String> {
    let mut changes = Vec::new();
    let tokens = checked_path_params(tokens, &mut changes);
    let tokens = no_redirect_client(tokens, &mut changes);
    let tokens = optional_json_schema(tokens, &mut changes);
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

/// Wraps each builder's `send()` in `cloud_apis_runtime::record_call`.
fn recorded_calls(
    tokens: TokenStream,
    operations: &Operations,
    changes: &mut Vec<Change>,
) -> Result<TokenStream, String> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("recorded_calls: generated code does not parse: {e}"))?;
    let mut wrapped = 0;
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            wrapped += wrap_send(block, operations)?;
        }
    }
    if wrapped != operations.len() {
        return Err(format!(
            "recorded_calls: wrapped {wrapped} send() methods, but the spec has {} operations",
            operations.len()
        ));
    }
    changes.push(change(
        "recorded_calls",
        format!("{wrapped} operations return cloud_apis_runtime::Error through record_call"),
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
    let send: syn::ImplItemFn = syn::parse2(quote! {
        #(#attrs)*
        pub async fn send(self) -> Result<ResponseValue<#success>, cloud_apis_runtime::Error> {
            let api = self.client.inner.api_or(&super::API);
            cloud_apis_runtime::record_call(api, #operation_id, #method, self.exchange()).await
        }
    })
    .map_err(|e| format!("recorded_calls: {e}"))?;
    block.items.insert(index, syn::ImplItem::Fn(exchange));
    block.items.insert(index, syn::ImplItem::Fn(send));
    Ok(1)
}

/// The string after `operation_id :` anywhere in the statements.
fn operation_literal(stream: TokenStream) -> Option<String> {
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
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
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
                r#"pubasyncfnsend(self)->Result<ResponseValue<types::Role>,cloud_apis_runtime::Error>{letapi=self.client.inner.api_or(&super::API);cloud_apis_runtime::record_call(api,"role#get","GET",self.exchange()).await}"#
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "asyncfnexchange(self)->Result<ResponseValue<types::Role>,Error<types::Error>>"
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
