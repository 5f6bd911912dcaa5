//! The Rust names progenitor gives spec names, in one place for the generator and the tests.

use heck::ToSnakeCase;

/// The method or field name progenitor derives from a spec name: every run of characters other than letters,
/// digits and `_` is a word break, then snake case (`aws cloud account#create` → `aws_cloud_account_create`,
/// `getAwsIamParameters` → `get_aws_iam_parameters`, `paperSize` → `paper_size`).
///
/// ```
/// assert_eq!(cloud_apis_spec::naming::snake("role#list"), "role_list");
/// assert_eq!(cloud_apis_spec::naming::snake("IAMRoleV2"), "iam_role_v2");
/// ```
pub fn snake(name: &str) -> String {
    cleaned(name).to_snake_case()
}

/// `name` with apostrophes dropped and other punctuation as `-` (a word break), as progenitor sanitizes.
pub fn cleaned(name: &str) -> String {
    name.replace('\'', "")
        .replace(|c: char| !c.is_alphanumeric() && c != '_', "-")
}

#[cfg(test)]
mod tests {
    use super::snake;

    #[test]
    fn names_follow_progenitor() {
        assert_eq!(
            snake("aws cloud account#create"),
            "aws_cloud_account_create"
        );
        assert_eq!(snake("getAwsIamParameters"), "get_aws_iam_parameters");
        assert_eq!(
            snake("ListTargetsForGuardrail"),
            "list_targets_for_guardrail"
        );
        assert_eq!(snake("AddBaselineAssignment"), "add_baseline_assignment");
        assert_eq!(snake("name-contains"), "name_contains");
    }
}
