//! Generated `CursorPage` / `NumberedPage` impls for every page-shaped schema of a spec, and a `stream()` method on
//! the builder of every list operation that answers with one.
//!
//! Recognised by shape, so new list operations stream without hand-written code:
//! - cursor page: an object with an array property `results` (items a `$ref`, or free-form JSON) and a string
//!   property `next`;
//! - numbered page: an object with integer properties `count`, `page` and `size` and exactly one array property
//!   whose items are a `$ref`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::naming::{snake_ident, type_ident};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

fn prop<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    schema.get("properties")?.get(name)
}

fn is_type(schema: Option<&Value>, ty: &str) -> bool {
    schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some(ty)
}

fn item_ref(array: &Value) -> Option<&str> {
    array
        .pointer("/items/$ref")?
        .as_str()?
        .strip_prefix(SCHEMA_PREFIX)
}

fn required(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v == name))
}

/// Impl blocks for every page schema in `doc` (the transformed spec the client was generated from), for the crate
/// root, and the `stream()` methods of the operations that answer with one, for the generated `builder` module
/// (where a builder's own fields can be read).
pub fn impls(doc: &Value) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let (pages_impls, pages) = page_impls(doc);
    let streams = streams(doc, &pages)
        .into_iter()
        .map(|(_, tokens)| tokens)
        .collect();
    (pages_impls, streams)
}

/// The operationIds whose builders get `stream()`: the list operations that page.
pub fn paged_operations(doc: &Value) -> Vec<String> {
    let (_, pages) = page_impls(doc);
    streams(doc, &pages).into_iter().map(|(id, _)| id).collect()
}

/// The `CursorPage` / `NumberedPage` impls, and each page schema's kind.
fn page_impls(doc: &Value) -> (Vec<TokenStream>, Vec<(String, Kind)>) {
    let mut out = Vec::new();
    let mut pages: Vec<(String, Kind)> = Vec::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return (out, pages);
    };
    for (name, schema) in schemas {
        let ty = type_ident(name);
        if let (Some(results), true) = (
            prop(schema, "results"),
            is_type(prop(schema, "next"), "string"),
        ) {
            // Items of a named schema, or free-form JSON (`items: {}`, e.g. Panther's alert events).
            let item = match item_ref(results) {
                Some(item) => {
                    let item = type_ident(item);
                    Some(quote!(types::#item))
                }
                None if results.get("items") == Some(&serde_json::json!({})) => {
                    Some(quote!(::serde_json::Value))
                }
                None => None,
            };
            if let (true, Some(item)) = (is_type(Some(results), "array"), item) {
                let next = if required(schema, "next") {
                    quote!(Some(self.next))
                } else {
                    quote!(self.next)
                };
                pages.push((name.clone(), Kind::Cursor(item.clone())));
                out.push(quote! {
                    impl cloud_apis_runtime::pagination::CursorPage for types::#ty {
                        type Item = #item;
                        fn into_parts(self) -> (Vec<Self::Item>, Option<String>) {
                            (self.results, #next)
                        }
                    }
                });
                continue;
            }
        }
        let numbered = ["count", "page", "size"]
            .iter()
            .all(|p| is_type(prop(schema, p), "integer"));
        if !numbered {
            continue;
        }
        let arrays: Vec<(&String, &str)> = schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, p)| is_type(Some(p), "array"))
            .filter_map(|(n, p)| item_ref(p).map(|item| (n, item)))
            .collect();
        if let [(field, item)] = arrays.as_slice() {
            let field_ident = snake_ident(field);
            let item = type_ident(item);
            let items = if required(schema, field) {
                quote!(self.#field_ident)
            } else {
                quote!(self.#field_ident.unwrap_or_default())
            };
            let count = if required(schema, "count") {
                quote!(self.count)
            } else {
                quote!(self.count.unwrap_or_default())
            };
            pages.push((name.clone(), Kind::Numbered(item.clone())));
            out.push(quote! {
                impl cloud_apis_runtime::pagination::NumberedPage for types::#ty {
                    type Item = types::#item;
                    fn into_parts(self) -> (Vec<Self::Item>, i64) {
                        (#items, #count)
                    }
                }
            });
        }
    }
    (out, pages)
}

/// Which scheme a page schema follows, and its item type.
enum Kind {
    Cursor(TokenStream),
    Numbered(proc_macro2::Ident),
}

/// `stream()` on the builder of every operation whose 200 body is a page and whose query parameters drive it
/// (`cursor`; `page` and `size`).
fn streams(doc: &Value, pages: &[(String, Kind)]) -> Vec<(String, TokenStream)> {
    let mut out = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flatten().map(|(_, item)| item) {
        let Some(op) = item.get("get") else { continue };
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some(page) = op
            .pointer("/responses/200/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
        else {
            continue;
        };
        let Some((_, kind)) = pages.iter().find(|(name, _)| name == page) else {
            continue;
        };
        let query = |name: &str| {
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|p| p["in"] == "query" && p["name"] == name)
        };
        let builder = type_ident(id);
        let stream = match kind {
            Kind::Cursor(item) if query("cursor").is_some() => quote! {
                /// Every item of every page, each page fetched as the stream is read, with this builder's other
                /// parameters and `cursor` set from the previous page's `next`. A server that repeats a cursor
                /// ends the stream with `ErrorKind::PaginationStalled` (see `cloud_apis_runtime::pagination`).
                pub fn stream(
                    self,
                ) -> impl cloud_apis_runtime::pagination::Stream<
                    Item = Result<#item, cloud_apis_runtime::Error>,
                > + 'a {
                    cloud_apis_runtime::pagination::cursor(move |cursor| match cursor {
                        Some(cursor) => self.clone().cursor(cursor).send(),
                        None => self.clone().send(),
                    })
                }
            },
            Kind::Numbered(item) if query("page").is_some() => {
                let Some(size_param) = query("size") else {
                    continue;
                };
                // The documented default page size, or 20.
                let size = size_param
                    .pointer("/schema/default")
                    .and_then(Value::as_u64)
                    .unwrap_or(20);
                // A required `size` is a `Result<T, String>` field, an optional one a `Result<Option<T>, String>`.
                let (given, unset) = if size_param["required"] == true {
                    (quote!(Ok(size)), quote!(false))
                } else {
                    (
                        quote!(Ok(Some(size))),
                        quote!(matches!(self.size, Ok(None))),
                    )
                };
                quote! {
                    /// Every item of every page, each page fetched as the stream is read, with this builder's
                    /// other parameters, `page` counting from 0, and pages of the `size` set on this builder (the
                    /// documented default when none is). A server that serves the same page twice ends the stream
                    /// with `ErrorKind::PaginationStalled` (see `cloud_apis_runtime::pagination`).
                    pub fn stream(
                        self,
                    ) -> impl cloud_apis_runtime::pagination::Stream<
                        Item = Result<types::#item, cloud_apis_runtime::Error>,
                    > + 'a {
                        let size = match &self.size {
                            #given => u64::try_from(*size).unwrap_or(#size),
                            _ => #size,
                        };
                        // Only an unset size is filled in: a size set on the builder is sent as it is, and one
                        // that did not convert still fails the first request.
                        let fill_size = #unset;
                        cloud_apis_runtime::pagination::numbered(size, move |page, size| {
                            let request = self.clone().page(page);
                            if fill_size { request.size(size) } else { request }.send()
                        })
                    }
                }
            }
            _ => continue,
        };
        out.push((
            id.to_string(),
            quote! {
                impl<'a> #builder<'a> {
                    #stream
                }
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_both_page_shapes_and_nothing_else() {
        let doc = json!({"components": {"schemas": {
            "RoleAPI.ListResp": {"type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/RoleAPI.Role"}},
                "next": {"type": "string"}
            }},
            "GuardrailPageResponse": {"type": "object", "required": ["count", "page", "size", "guardrails"], "properties": {
                "count": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"},
                "guardrails": {"type": "array", "items": {"$ref": "#/components/schemas/GuardrailSummary"}},
                "sort": {"type": "array", "items": {"type": "string"}}
            }},
            "Unpaged": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/X"}}
            }}
        }}});
        let (pages, streams) = impls(&doc);
        assert!(streams.is_empty(), "no operation answers with a page");
        let code: Vec<String> = pages
            .iter()
            .map(|t| t.to_string().replace(' ', ""))
            .collect();
        assert_eq!(code.len(), 2, "{code:#?}");
        assert!(code
            .iter()
            .any(|c| c.contains("CursorPagefortypes::RoleApiListResp")
                && c.contains("typeItem=types::RoleApiRole")
                && c.contains("(self.results,self.next)")));
        assert!(code.iter().any(
            |c| c.contains("NumberedPagefortypes::GuardrailPageResponse")
                && c.contains("typeItem=types::GuardrailSummary")
                && c.contains("(self.guardrails,self.count)")
        ));
    }

    #[test]
    fn a_numbered_stream_keeps_the_size_set_on_its_builder() {
        let doc = json!({
            "components": {"schemas": {
                "GuardrailPageResponse": {"type": "object", "properties": {
                    "count": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"},
                    "guardrails": {"type": "array", "items": {"$ref": "#/components/schemas/GuardrailSummary"}}
                }}
            }},
            "paths": {"/v1/guardrails": {"get": {
                "operationId": "ListGuardrails",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "size", "in": "query", "schema": {"type": "integer", "default": 20}}
                ],
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/GuardrailPageResponse"
                }}}}}
            }}}
        });
        let (_, streams) = impls(&doc);
        let code = streams[0].to_string().replace(' ', "");
        // Inside the builder module (no `builder::` prefix), reading the builder's own `size`.
        assert!(code.starts_with("impl<'a>ListGuardrails<'a>"), "{code}");
        assert!(
            code.contains(
                "matchself.size{Ok(Some(size))=>u64::try_from(*size).unwrap_or(20u64),_=>20u64,}"
            ) || code.contains(
                "match&self.size{Ok(Some(size))=>u64::try_from(*size).unwrap_or(20u64),_=>20u64,}"
            ),
            "{code}"
        );
        assert!(
            code.contains("letfill_size=matches!(self.size,Ok(None));"),
            "{code}"
        );
        assert_eq!(paged_operations(&doc), ["ListGuardrails"]);
    }
}
