//! The Rust names progenitor and typify give spec names (their `sanitize`, for the names our specs use).

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::{Ident, Span};

fn cleaned(name: &str) -> String {
    name.replace('\'', "")
        .replace(|c: char| !c.is_alphanumeric() && c != '_', "-")
}

/// A type name: `RoleAPI.ListResp` → `RoleApiListResp`.
pub fn type_ident(name: &str) -> Ident {
    Ident::new(&cleaned(name).to_pascal_case(), Span::call_site())
}

/// A field or method name: `aws cloud account#create` → `aws_cloud_account_create`.
pub fn snake(name: &str) -> String {
    cleaned(name).to_snake_case()
}

/// [`snake`] as an identifier.
pub fn snake_ident(name: &str) -> Ident {
    Ident::new(&snake(name), Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_generated_code() {
        assert_eq!(
            type_ident("RoleAPI.ListResp").to_string(),
            "RoleApiListResp"
        );
        assert_eq!(
            type_ident("GuardrailSummary").to_string(),
            "GuardrailSummary"
        );
        assert_eq!(
            snake("aws cloud account#create"),
            "aws_cloud_account_create"
        );
        assert_eq!(snake("getAwsIamParameters"), "get_aws_iam_parameters");
        assert_eq!(
            snake("ListGuardrailsForTarget"),
            "list_guardrails_for_target"
        );
    }
}
