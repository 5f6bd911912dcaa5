//! One contract per operation of every spec: the call, with its arguments taken from the spec-derived case.
//! The harness (`crate::contract`) checks the request and every documented response; the path-parameter property
//! test reuses the same calls.

use crate::contract::{bytes, json, Contract};

/// One contract: the spec, the operation, whether it answers JSON (`json`) or a byte stream (`bytes`), and the
/// builder call with its arguments taken from the case `c`.
macro_rules! contract {
    ($spec:expr, $op:literal, json, |$k:ident, $c:ident| $call:expr) => {
        Contract {
            spec: $spec,
            operation_id: $op,
            call: |$k, $c| {
                let _ = &$c;
                Box::pin(async move { json($call.send().await) })
            },
        }
    };
    ($spec:expr, $op:literal, bytes, |$k:ident, $c:ident| $call:expr) => {
        Contract {
            spec: $spec,
            operation_id: $op,
            call: |$k, $c| {
                let _ = &$c;
                Box::pin(async move { bytes($call.send().await).await })
            },
        }
    };
}

/// The operations Cloud Control added in 1.1 (and keeps in 1.2), for one version's client and types.
macro_rules! scp_since_1_1_contracts {
    ($spec:literal, $client:ident, $types:path) => {{
        use $types as t;
        vec![
            contract!($spec, "RemoveBaselineAssignment", json, |k, c| k
                .$client
                .remove_baseline_assignment()
                .accept_language(c.str("Accept-Language"))
                .assignment_id(c.str("assignment_id"))
                .body(c.body::<t::BaselineAssignmentRemoveRequest>())),
            contract!($spec, "SetLandingZone", json, |k, c| k
                .$client
                .set_landing_zone()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))
                .body(c.body::<t::LandingZoneUpdateRequest>())),
        ]
    }};
}

/// The 14 operations both Cloud Control versions share; they differ in client, types and the landing zone
/// request type.
macro_rules! scp_shared_contracts {
    ($spec:literal, $client:ident, $types:path, $landing_zone_create:ident) => {{
        use $types as t;
        vec![
            contract!($spec, "ListVersions", json, |k, c| k
                .$client
                .list_versions()),
            contract!($spec, "AddBaselineAssignment", json, |k, c| k
                .$client
                .add_baseline_assignment()
                .accept_language(c.str("Accept-Language"))
                .assignment_id(c.str("assignment_id"))
                .body(c.body::<t::BaselineAssignmentAddRequest>())),
            contract!($spec, "UpdateBaselineAssignment", json, |k, c| k
                .$client
                .update_baseline_assignment()
                .accept_language(c.str("Accept-Language"))
                .assignment_id(c.str("assignment_id"))
                .body(c.body::<t::BaselineAssignmentUpdateRequest>())),
            contract!($spec, "CreateAccountFactoryAccount", json, |k, c| k
                .$client
                .create_account_factory_account()
                .accept_language(c.str("Accept-Language"))
                .body(c.body::<t::AccountFactoryCreateRequest>())),
            contract!($spec, "CreateLandingZone", json, |k, c| k
                .$client
                .create_landing_zone()
                .accept_language(c.str("Accept-Language"))
                .body(c.body::<t::$landing_zone_create>())),
            contract!($spec, "DeleteLandingZone", json, |k, c| k
                .$client
                .delete_landing_zone()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))),
            contract!($spec, "ShowLandingZone", json, |k, c| k
                .$client
                .show_landing_zone()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))),
            contract!($spec, "DisableGuardrailBindings", json, |k, c| k
                .$client
                .disable_guardrail_bindings()
                .accept_language(c.str("Accept-Language"))
                .body(c.body::<t::GuardrailDisableRequest>())),
            contract!($spec, "EnableGuardrailBindings", json, |k, c| k
                .$client
                .enable_guardrail_bindings()
                .accept_language(c.str("Accept-Language"))
                .body(c.body::<t::GuardrailEnableRequest>())),
            contract!($spec, "ListBaselineAssignments", json, |k, c| k
                .$client
                .list_baseline_assignments()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))
                .resource_type(c.str("resource_type"))
                .assignment_id(c.str("assignment_id"))
                .status(c.str("status"))),
            contract!($spec, "ListGuardrails", json, |k, c| k
                .$client
                .list_guardrails()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))
                .size(c.i64("size") as u64)
                .page(c.i64("page"))
                .sort(c.str("sort"))
                .name(c.str("name"))
                .exclude_unit_id(c.str("exclude_unit_id"))
                .guidance(c.str("guidance"))
                .service_name(c.str("service_name"))
                .status(c.str("status"))),
            contract!($spec, "ListGuardrailsForTarget", json, |k, c| k
                .$client
                .list_guardrails_for_target()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))
                .size(c.i64("size") as u64)
                .page(c.i64("page"))
                .sort(c.str("sort"))
                .target_id(c.str("target_id"))
                .name(c.str("name"))),
            contract!($spec, "ListTargetsForGuardrail", json, |k, c| k
                .$client
                .list_targets_for_guardrail()
                .accept_language(c.str("Accept-Language"))
                .landing_zone_id(c.str("landing_zone_id"))
                .size(c.i64("size") as u64)
                .page(c.i64("page"))
                .sort(c.str("sort"))
                .guardrail_id(c.str("guardrail_id"))
                .target_type(c.str("target_type"))
                .name(c.str("name"))),
            contract!($spec, "ShowGuardrail", json, |k, c| k
                .$client
                .show_guardrail()
                .accept_language(c.str("Accept-Language"))
                .guardrail_id(c.str("guardrail_id"))
                .landing_zone_id(c.str("landing_zone_id"))),
        ]
    }};
}

/// Every operation's contract.
pub fn contracts() -> Vec<Contract> {
    let mut contracts = vec![
        contract!("panther", "aws cloud account#create", json, |k, c| k
            .panther
            .aws_cloud_account_create()
            .body(c.body::<panther_client::types::CreateAwsCloudAccount>())),
        contract!("panther", "aws cloud account#get", json, |k, c| k
            .panther
            .aws_cloud_account_get()
            .id(c.str("id"))),
        contract!("panther", "aws cloud account#put", json, |k, c| k
            .panther
            .aws_cloud_account_put()
            .id(c.str("id"))
            .body(c.body::<panther_client::types::ModifyAwsCloudAccount>())),
        contract!("panther", "aws cloud account#delete", json, |k, c| k
            .panther
            .aws_cloud_account_delete()
            .id(c.str("id"))),
        contract!("panther", "role#create", json, |k, c| k
            .panther
            .role_create()
            .body(c.body::<panther_client::types::ModifyRole>())),
        contract!("panther", "role#list", json, |k, c| k
            .panther
            .role_list()
            .name_contains(c.str("name-contains"))
            .name(c.str("name"))
            .id(c.strings("id"))
            .ids(c.str("ids"))
            .sort_dir(c.str("sort-dir"))),
        contract!("panther", "role#get", json, |k, c| k
            .panther
            .role_get()
            .id(c.str("id"))),
        contract!("panther", "role#update", json, |k, c| k
            .panther
            .role_update()
            .id(c.str("id"))
            .body(c.body::<panther_client::types::ModifyRole>())),
        contract!("panther", "role#delete", json, |k, c| k
            .panther
            .role_delete()
            .id(c.str("id"))),
        contract!("cloudcraft", "listAwsAccounts", json, |k, c| k
            .cloudcraft
            .list_aws_accounts()),
        contract!("cloudcraft", "createAwsAccount", json, |k, c| k
            .cloudcraft
            .create_aws_account()
            .body(
                c.body::<cloudcraft_client::types::AwsAccountCreateRequest>()
            )),
        contract!("cloudcraft", "getAwsIamParameters", json, |k, c| k
            .cloudcraft
            .get_aws_iam_parameters()),
        contract!("cloudcraft", "updateAwsAccount", json, |k, c| k
            .cloudcraft
            .update_aws_account()
            .account_id(c.str("account_id"))
            .body(
                c.body::<cloudcraft_client::types::AwsAccountUpdateRequest>()
            )),
        contract!("cloudcraft", "deleteAwsAccount", json, |k, c| k
            .cloudcraft
            .delete_aws_account()
            .account_id(c.str("account_id"))),
        contract!("cloudcraft", "snapshotAwsAccount", bytes, |k, c| k
            .cloudcraft
            .snapshot_aws_account()
            .account_id(c.str("account_id"))
            .region(c.str("region"))
            .format(c.str("format"))
            .filter(c.str("filter"))
            .exclude(c.strings("exclude").join(","))
            .label(c.bool("label"))
            .autoconnect(c.bool("autoconnect"))
            .scale(c.f64("scale") as f32)
            .width(c.i64("width"))
            .height(c.i64("height"))
            .grid(c.bool("grid"))
            .transparent(c.bool("transparent"))
            .landscape(c.bool("landscape"))
            .paper_size(c.str("paperSize"))
            .projection(c.str("projection"))
            .theme(c.str("theme"))),
    ];
    contracts.extend(scp_shared_contracts!(
        "scp-cloudcontrol-v1.0",
        scp_v1_0,
        scp_cloudcontrol_client::v1_0::types,
        LandingZoneCreateRequest
    ));
    contracts.extend(scp_shared_contracts!(
        "scp-cloudcontrol-v1.1",
        scp_v1_1,
        scp_cloudcontrol_client::v1_1::types,
        LandingZoneCreateRequest
    ));
    contracts.extend(scp_since_1_1_contracts!(
        "scp-cloudcontrol-v1.1",
        scp_v1_1,
        scp_cloudcontrol_client::v1_1::types
    ));
    // 1.2 keeps every 1.1 operation and schema.
    contracts.extend(scp_shared_contracts!(
        "scp-cloudcontrol-v1.2",
        scp_v1_2,
        scp_cloudcontrol_client::v1_2::types,
        LandingZoneCreateRequest
    ));
    contracts.extend(scp_since_1_1_contracts!(
        "scp-cloudcontrol-v1.2",
        scp_v1_2,
        scp_cloudcontrol_client::v1_2::types
    ));
    contracts
}
