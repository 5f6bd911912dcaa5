//! Property tests: random schema-valid JSON for every component schema of every spec round-trips through the
//! generated Rust type and back to JSON that still validates against the spec (and carries the same data).

use cloud_apis_tests::contract::RoundTrip;
use cloud_apis_tests::generated_cases::round_trips;
use cloud_apis_tests::instance::{with_defaults, Generator, Mode};
use cloud_apis_tests::json_schema::DocumentValidator;
use cloud_apis_tests::normalize::normalized;
use cloud_apis_tests::specs::spec;
use serde_json::json;

/// Random instances per schema (each a different seed).
const CASES: u64 = 40;

fn registry() -> Vec<(&'static str, Vec<(&'static str, RoundTrip)>)> {
    round_trips()
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
    let schemas: usize = registry().iter().map(|(_, types)| types.len()).sum();
    assert_eq!(checked, schemas * CASES as usize);
    // Every spec is in it, Panther with all of its published schemas.
    assert!(schemas >= 195 + 8 + 29 + 32 + 32, "{schemas} schemas");
}
