//! Reading the generated client code back, to check it against the specs it came from.

use syn::{ImplItem, Item, ReturnType, Type};

/// One operation method of a generated `Client`, as its code and docs describe it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClientMethod {
    /// Upper-case HTTP method from the method's doc (`Sends a `GET` request to ...`).
    pub http_method: String,
    /// Path template from the method's doc.
    pub path: String,
    /// The Rust method name.
    pub name: String,
}

/// Every `impl Client` method that returns an operation builder, with the request its docs say it sends.
pub fn client_methods(source: &str) -> Vec<ClientMethod> {
    let file = syn::parse_file(source).expect("generated code parses");
    let mut out = Vec::new();
    for item in file.items {
        let Item::Impl(block) = item else { continue };
        let is_client = block.trait_.is_none()
            && matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        for member in block.items {
            let ImplItem::Fn(f) = member else { continue };
            let returns_builder = matches!(&f.sig.output, ReturnType::Type(_, ty)
                if matches!(&**ty, Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == "builder")));
            if !returns_builder {
                continue;
            }
            let docs: String = f
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .filter_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some(s.value()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            let (http_method, path) = sends(&docs).unwrap_or_default();
            out.push(ClientMethod {
                http_method,
                path,
                name: f.sig.ident.to_string(),
            });
        }
    }
    out.sort();
    out
}

/// Parses progenitor's "Sends a `METHOD` request to `PATH`" doc line.
fn sends(docs: &str) -> Option<(String, String)> {
    let rest = &docs[docs.find("Sends a `")? + "Sends a `".len()..];
    let (method, rest) = rest.split_once('`')?;
    let rest = rest.strip_prefix(" request to `")?;
    let (path, _) = rest.split_once('`')?;
    Some((method.to_string(), path.to_string()))
}
