//! The Rust names progenitor and typify give spec names (their `sanitize`, for the names our specs use).

use cloud_apis_spec::naming::cleaned;
pub use cloud_apis_spec::naming::snake;
use heck::ToPascalCase;
use proc_macro2::{Ident, Span};

/// A type name: `RoleAPI.ListResp` → `RoleApiListResp`.
pub fn type_ident(name: &str) -> Ident {
    Ident::new(&cleaned(name).to_pascal_case(), Span::call_site())
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
