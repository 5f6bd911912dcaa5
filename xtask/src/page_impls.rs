//! Generated `CursorPage` / `NumberedPage` impls for every page-shaped schema of a spec.
//!
//! Recognised by shape, so new list operations stream without hand-written code:
//! - cursor page: an object with an array property `results` (items a `$ref`) and a string property `next`;
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

/// Impl blocks for every page schema in `doc` (the transformed spec the client was generated from).
pub fn impls(doc: &Value) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let ty = type_ident(name);
        if let (Some(results), true) = (
            prop(schema, "results"),
            is_type(prop(schema, "next"), "string"),
        ) {
            if let (true, Some(item)) = (is_type(Some(results), "array"), item_ref(results)) {
                let item = type_ident(item);
                let next = if required(schema, "next") {
                    quote!(Some(self.next))
                } else {
                    quote!(self.next)
                };
                out.push(quote! {
                    impl cloud_apis_runtime::pagination::CursorPage for types::#ty {
                        type Item = types::#item;
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
        let code: Vec<String> = impls(&doc)
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
}
