//! Property tests: random schema-valid JSON for every component schema of every spec round-trips through the
//! generated Rust type and back to JSON that still validates against the spec (and carries the same data).

use cloud_apis_tests::instance::{with_defaults, Generator, Mode};
use cloud_apis_tests::json_schema::DocumentValidator;
use cloud_apis_tests::normalize::normalized;
use cloud_apis_tests::specs::spec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Random instances per schema (each a different seed).
const CASES: u64 = 40;

type RoundTrip = fn(Value) -> Result<Value, String>;

fn roundtrip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(typed).map_err(|e| format!("encode: {e}"))
}

/// `spec schema name => generated type`, for one generated `types` module.
macro_rules! types {
    ($module:path; $($name:literal => $ty:ident),* $(,)?) => {{
        use $module as m;
        vec![$(($name, roundtrip::<m::$ty> as RoundTrip)),*]
    }};
}

fn registry() -> Vec<(&'static str, Vec<(&'static str, RoundTrip)>)> {
    // Cloud Control 1.1 and 1.2 share one set of types (and the same schema names).
    let since_1_1 = types!(scp_cloudcontrol_client::v1_2::types;
    "AccountFactoryCreateRequest" => AccountFactoryCreateRequest,
    "ApiVersion" => ApiVersion,
    "ApiVersionList" => ApiVersionList,
    "AccountFactoryCreateResponse" => AccountFactoryCreateResponse,
    "AccountsForGuardrail" => AccountsForGuardrail,
    "BaselineAssignmentAddRequest" => BaselineAssignmentAddRequest,
    "BaselineAssignmentAddResponse" => BaselineAssignmentAddResponse,
    "BaselineAssignmentListResponseV1Dot1" => BaselineAssignmentListResponse,
    "BaselineAssignmentRemoveRequest" => BaselineAssignmentRemoveRequest,
    "BaselineAssignmentRemoveResponse" => BaselineAssignmentRemoveResponse,
    "BaselineAssignmentUpdateRequest" => BaselineAssignmentUpdateRequest,
    "BaselineAssignmentV1Dot1" => BaselineAssignment,
    "Guardrail" => Guardrail,
    "GuardrailAssignmentDetail" => GuardrailAssignmentDetail,
    "GuardrailAssignmentFailCaused" => GuardrailAssignmentFailCaused,
    "GuardrailAssignmentResponse" => GuardrailAssignmentResponse,
    "GuardrailBindingOu" => GuardrailBindingOu,
    "GuardrailDisableRequest" => GuardrailDisableRequest,
    "GuardrailEnableRequest" => GuardrailEnableRequest,
    "GuardrailLinkInfo" => GuardrailLinkInfo,
    "GuardrailPageResponse" => GuardrailPageResponse,
    "GuardrailsForTargetSummary" => GuardrailsForTargetSummary,
    "GuardrailShowResponse" => GuardrailShowResponse,
    "GuardrailSummary" => GuardrailSummary,
    "LandingZoneCreateRequestV1Dot1" => LandingZoneCreateRequest,
    "LandingZoneCreateResponse" => LandingZoneCreateResponse,
    "LandingZoneShowResponseV1Dot1" => LandingZoneShowResponse,
    "LandingZoneUpdateRequest" => LandingZoneUpdateRequest,
    "LandingZoneV1Dot1" => LandingZone,
    "ListGuardrailsForTargetResponse" => ListGuardrailsForTargetResponse,
    "ListTargetsForGuardrailResponse" => ListTargetsForGuardrailResponse,
    "OrganizationUnitsForGuardrail" => OrganizationUnitsForGuardrail,
    );
    vec![
        (
            "panther",
            types!(panther_client::types;
            "AWSCloudAccountAPI.CreateAWSCloudAccount" => CreateAwsCloudAccount,
            "AWSCloudAccountAPI.AWSScanConfig" => AwsScanConfig,
            "AWSCloudAccountAPI.AWSCloudAccount" => AwsCloudAccount,
            "AWSCloudAccountAPI.BadRequestError" => BadRequestError,
            "AWSCloudAccountAPI.ExistsError" => ExistsError,
            "AWSCloudAccountAPI.ServiceError" => ServiceError,
            "AWSCloudAccountAPI.NotFoundError" => NotFoundError,
            "AWSCloudAccountAPI.UnauthorizedError" => UnauthorizedError,
            "AWSCloudAccountAPI.ModifyAWSCloudAccount" => ModifyAwsCloudAccount,
            "RoleAPI.ModifyRole" => ModifyRole,
            "RoleAPI.Role" => Role,
            "RoleAPI.BadRequestError" => BadRequestError,
            "RoleAPI.NotFoundError" => NotFoundError,
            "RoleAPI.UnauthorizedError" => UnauthorizedError,
            "RoleAPI.ExistsError" => ExistsError,
            "RoleAPI.ListResp" => ListResp,
            ),
        ),
        (
            "cloudcraft",
            types!(cloudcraft_client::types;
            "AwsAccount" => AwsAccount,
            "AwsAccountList" => AwsAccountList,
            "AwsAccountCreateRequest" => AwsAccountCreateRequest,
            "AwsAccountUpdateRequest" => AwsAccountUpdateRequest,
            "AwsIamParameters" => AwsIamParameters,
            "SnapshotProcessing" => SnapshotProcessing,
            "Blueprint" => Blueprint,
            "Error" => Error,
            ),
        ),
        (
            "scp-cloudcontrol-v1.0",
            types!(scp_cloudcontrol_client::v1_0::types;
            "AccountFactoryCreateRequest" => AccountFactoryCreateRequest,
            "ApiVersion" => ApiVersion,
            "ApiVersionList" => ApiVersionList,
            "AccountFactoryCreateResponse" => AccountFactoryCreateResponse,
            "AccountsForGuardrail" => AccountsForGuardrail,
            "BaselineAssignment" => BaselineAssignment,
            "BaselineAssignmentAddRequest" => BaselineAssignmentAddRequest,
            "BaselineAssignmentAddResponse" => BaselineAssignmentAddResponse,
            "BaselineAssignmentListResponse" => BaselineAssignmentListResponse,
            "BaselineAssignmentUpdateRequest" => BaselineAssignmentUpdateRequest,
            "Guardrail" => Guardrail,
            "GuardrailAssignmentDetail" => GuardrailAssignmentDetail,
            "GuardrailAssignmentFailCaused" => GuardrailAssignmentFailCaused,
            "GuardrailAssignmentResponse" => GuardrailAssignmentResponse,
            "GuardrailBindingOu" => GuardrailBindingOu,
            "GuardrailDisableRequest" => GuardrailDisableRequest,
            "GuardrailEnableRequest" => GuardrailEnableRequest,
            "GuardrailLinkInfo" => GuardrailLinkInfo,
            "GuardrailPageResponse" => GuardrailPageResponse,
            "GuardrailsForTargetSummary" => GuardrailsForTargetSummary,
            "GuardrailShowResponse" => GuardrailShowResponse,
            "GuardrailSummary" => GuardrailSummary,
            "LandingZone" => LandingZone,
            "LandingZoneCreateRequest" => LandingZoneCreateRequest,
            "LandingZoneCreateResponse" => LandingZoneCreateResponse,
            "LandingZoneShowResponse" => LandingZoneShowResponse,
            "ListGuardrailsForTargetResponse" => ListGuardrailsForTargetResponse,
            "ListTargetsForGuardrailResponse" => ListTargetsForGuardrailResponse,
            "OrganizationUnitsForGuardrail" => OrganizationUnitsForGuardrail,
            ),
        ),
        ("scp-cloudcontrol-v1.1", since_1_1.clone()),
        ("scp-cloudcontrol-v1.2", since_1_1),
    ]
}

#[test]
fn the_registry_covers_every_component_schema() {
    for (spec_name, types) in registry() {
        let raw = spec(spec_name).raw();
        let mut expected: Vec<&str> = raw["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed: Vec<&str> = types.iter().map(|(name, _)| *name).collect();
        expected.sort_unstable();
        listed.sort_unstable();
        assert_eq!(
            listed, expected,
            "{spec_name}: add the new schema to the registry"
        );
    }
}

#[test]
fn random_instances_round_trip_through_the_generated_types() {
    let mut checked = 0;
    for (spec_name, types) in registry() {
        let raw = spec(spec_name).raw();
        let validator = DocumentValidator::new(&raw);
        for (name, roundtrip) in types {
            let schema = json!({"$ref": format!("#/components/schemas/{name}")});
            for seed in 0..CASES {
                let mode = if seed == 0 {
                    Mode::Examples
                } else {
                    Mode::Random
                };
                let value = Generator::new(&raw, mode, seed).instance(&schema);
                validator.validate(&schema, &value).unwrap_or_else(|e| {
                    panic!("{spec_name} {name} seed {seed}: generator produced {value}: {e:?}")
                });
                let back = roundtrip(value.clone())
                    .unwrap_or_else(|e| panic!("{spec_name} {name} seed {seed}: {e}\n{value}"));
                if let Err(errors) = validator.validate(&schema, &back) {
                    panic!("{spec_name} {name} seed {seed}: round trip no longer validates: {errors:?}\nin:  {value}\nout: {back}");
                }
                assert_eq!(
                    normalized(&back),
                    normalized(&with_defaults(&raw, &schema, &value)),
                    "{spec_name} {name} seed {seed}: the round trip changed the data"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, (16 + 8 + 29 + 32 + 32) * CASES as usize);
}
