//! Ids flow from one call's result into the next call as they are (`id_types`), and a missing one is refused
//! before anything is sent.

use cloud_apis::panther::types::{Role, RoleId};
use cloud_apis::ErrorKind;
use httpmock::prelude::*;
use serde_json::json;

mod support;
use support::clients::panther;

#[tokio::test]
async fn an_id_from_a_list_is_the_next_calls_path_parameter() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/roles");
        then.status(200).json_body(json!({"results": [
            {"id": "r/1 ü", "name": "Analyst", "permissions": ["AlertRead"], "logTypeAccessKind": "ALLOW_ALL"}
        ]}));
    });
    let get = server.mock(|when, then| {
        when.method(GET).path("/roles/r%2F1%20%C3%BC");
        then.status(200).json_body(json!(
            {"id": "r/1 ü", "name": "Analyst", "permissions": ["AlertRead"], "logTypeAccessKind": "ALLOW_ALL"}
        ));
    });
    let client = panther(&server.base_url(), cloud_apis::RetryPolicy::disabled());
    let listed = client.role_list().send().await.unwrap().into_inner();
    // By reference or by value, `Option<RoleId>` or `RoleId`: no unwrapping, no parsing.
    let role = client
        .role_get()
        .id(&listed.results[0].id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(role.id.as_ref().unwrap(), "r/1 ü");
    client
        .role_get()
        .id(role.id.clone().unwrap())
        .send()
        .await
        .unwrap();
    client.role_get().id(role.id).send().await.unwrap();
    get.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_missing_id_fails_the_call_before_sending() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let role: Role = serde_json::from_value(json!(
        {"name": "No id", "permissions": [], "logTypeAccessKind": "ALLOW_ALL"}
    ))
    .unwrap();
    assert_eq!(role.id, None::<RoleId>);
    let client = panther(&server.base_url(), cloud_apis::RetryPolicy::disabled());
    let err = client.role_get().id(&role.id).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("role#get"), "{err}");
    println!("{err}");
    assert!(err.to_string().contains("RoleId` for id"), "{err}");
    assert_eq!(any.calls_async().await, 0);
}

/// One concept, one type: the status an alert carries is the status the alert list filters by, so a value read
/// from one call goes into the next as it is.
#[tokio::test]
async fn the_status_an_alert_carries_filters_the_alert_list() {
    use cloud_apis::panther::types::{Alert, AlertStatus};
    let server = MockServer::start_async().await;
    let filtered = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/alerts")
                .query_param("status", "TRIAGED")
                .query_param("status", "OPEN");
            then.status(200).json_body(json!({"results": []}));
        })
        .await;
    // An alert as Panther answers it; its status goes into the filter as it is.
    let alert: Alert = serde_json::from_value(json!({
        "id": "a-1", "title": "t", "status": "TRIAGED", "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z", "type": "RULE"
    }))
    .unwrap();
    panther(&server.base_url(), cloud_apis::RetryPolicy::disabled())
        .alert_list()
        .status(vec![alert.status.clone(), AlertStatus::Open.into()])
        .send()
        .await
        .unwrap();
    filtered.assert_async().await;
}
