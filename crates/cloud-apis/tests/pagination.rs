//! Pagination walks: each way a list ends, on its own, and each way a server could keep a walk going forever.
//!
//! Pages are served from memory (counting the fetches), except one SCP walk over the wire through the generated
//! client.

use std::cell::Cell;

use cloud_apis::pagination::{cursor, cursor_with, numbered, numbered_with, PageLimits};
use cloud_apis::panther::types::RoleListResp as ListResp;
use cloud_apis::scp::cloudcontrol::v1_2::types::GuardrailPageResponse;
use cloud_apis::scp::{Environment, ScpConfig};
use cloud_apis::{Error, ErrorKind};
use futures::TryStreamExt;
use httpmock::MockServer;
use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn ok<T>(value: T) -> Result<ResponseValue<T>, Error> {
    Ok(ResponseValue::new(value, StatusCode::OK, HeaderMap::new()))
}

fn roles(names: &[String], next: Option<String>) -> ListResp {
    let results: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": n, "name": n, "permissions": [], "logTypeAccessKind": "ALLOW_ALL"}))
        .collect();
    let mut page = json!({ "results": results });
    if let Some(next) = next {
        page["next"] = json!(next);
    }
    serde_json::from_value(page).unwrap()
}

fn guardrail(id: &str) -> Value {
    json!({"id": id, "name": id, "created_at": "2025-01-01T00:00:00.000Z", "created_by": "u",
           "modified_at": "2025-01-01T00:00:00.000Z", "modified_by": "u", "description": "d",
           "guidance": "MANDATORY", "service_name": "iam", "srn": "srn:x", "status": "DISABLED",
           "type": "PREVENTIVE"})
}

fn guardrails(ids: &[String], count: i64, page: u64) -> GuardrailPageResponse {
    let items: Vec<Value> = ids.iter().map(|id| guardrail(id)).collect();
    serde_json::from_value(json!({"count": count, "page": page, "size": 2, "guardrails": items}))
        .unwrap()
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

// ---- cursor walks -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_cursor_walk_ends_when_a_page_has_no_next() {
    let fetches = Cell::new(0);
    let items: Vec<_> = cursor(|c: Option<String>| {
        fetches.set(fetches.get() + 1);
        let page = match c.as_deref() {
            None => roles(&names("a", 2), Some("c1".into())),
            Some("c1") => roles(&names("b", 2), Some("c2".into())),
            Some("c2") => roles(&names("c", 1), None),
            other => panic!("unexpected cursor {other:?}"),
        };
        async move { ok(page) }
    })
    .try_collect()
    .await
    .unwrap();
    let ids: Vec<_> = items.iter().map(|r| r.id.clone().unwrap()).collect();
    assert_eq!(ids, ["a0", "a1", "b0", "b1", "c0"]);
    assert_eq!(fetches.get(), 3);
}

#[tokio::test]
async fn a_cursor_given_back_unchanged_stalls() {
    let fetches = Cell::new(0);
    let err = cursor(|c: Option<String>| {
        fetches.set(fetches.get() + 1);
        let page = roles(&names("x", 1), Some(c.unwrap_or_else(|| "same".into())));
        async move { ok(page) }
    })
    .try_collect::<Vec<_>>()
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert!(
        err.to_string().starts_with(
            "pagination stalled: the server returned the cursor \"same\" a second time"
        ),
        "{err}"
    );
    assert_eq!(fetches.get(), 2);
}

#[tokio::test]
async fn a_cursor_cycle_stalls() {
    let fetches = Cell::new(0);
    let err = cursor(|c: Option<String>| {
        fetches.set(fetches.get() + 1);
        // A → B → A → B ...
        let next = match c.as_deref() {
            None | Some("B") => "A",
            _ => "B",
        };
        let page = roles(&names("x", 1), Some(next.into()));
        async move { ok(page) }
    })
    .try_collect::<Vec<_>>()
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert!(err.to_string().contains("\"A\" a second time"), "{err}");
    assert_eq!(fetches.get(), 3);
}

#[tokio::test]
async fn always_new_cursors_stop_at_the_page_ceiling() {
    let fetches = Cell::new(0u64);
    let err = cursor_with(PageLimits::default().max_pages(5), |_c: Option<String>| {
        fetches.set(fetches.get() + 1);
        let page = roles(&names("x", 1), Some(format!("cursor-{}", fetches.get())));
        async move { ok(page) }
    })
    .try_collect::<Vec<_>>()
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert!(
        err.to_string().contains("after 5 pages, the ceiling"),
        "{err}"
    );
    assert_eq!(fetches.get(), 5);
    assert_eq!(
        PageLimits::default().pages(),
        cloud_apis::pagination::DEFAULT_MAX_PAGES
    );
}

#[tokio::test]
async fn a_failed_page_ends_the_walk_with_its_error() {
    let err = cursor(|c: Option<String>| async move {
        match c {
            None => ok(roles(&names("a", 1), Some("c1".into()))),
            Some(_) => Err(Error::new(
                ErrorKind::Transport,
                Default::default(),
                "connection reset",
            )),
        }
    })
    .try_collect::<Vec<_>>()
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
}

/// The items a walk yields before it fails, and its error.
async fn until_error<T>(walk: impl futures::Stream<Item = Result<T, Error>>) -> (Vec<T>, Error) {
    futures::pin_mut!(walk);
    let mut items = Vec::new();
    loop {
        match walk.try_next().await {
            Ok(Some(item)) => items.push(item),
            Ok(None) => panic!(
                "the walk ended without an error after {} items",
                items.len()
            ),
            Err(error) => return (items, error),
        }
    }
}

#[tokio::test]
async fn a_stalled_cursor_walk_keeps_every_item_it_received() {
    // 50 pages of 2 with always new cursors, and a ceiling of 50 pages: all 100 items, then the error.
    let fetches = Cell::new(0u64);
    let (items, err) = until_error(cursor_with(
        PageLimits::default().max_pages(50),
        |_c: Option<String>| {
            fetches.set(fetches.get() + 1);
            let n = fetches.get();
            let page = roles(&names(&format!("p{n}-"), 2), Some(format!("cursor-{n}")));
            async move { ok(page) }
        },
    ))
    .await;
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert_eq!(items.len(), 100);
    assert_eq!(
        items.last().unwrap().id.as_ref().unwrap().to_string(),
        "p50-1"
    );

    // A repeated cursor: the page that carried it was new, and its items are kept.
    let (items, err) = until_error(cursor(|c: Option<String>| {
        let page = match c.as_deref() {
            None => roles(&names("a", 2), Some("c1".into())),
            _ => roles(&names("b", 2), Some("c1".into())),
        };
        async move { ok(page) }
    }))
    .await;
    assert!(err.to_string().contains("\"c1\" a second time"), "{err}");
    let ids: Vec<_> = items
        .iter()
        .map(|r| r.id.clone().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["a0", "a1", "b0", "b1"]);
}

#[tokio::test]
async fn a_run_of_empty_pages_with_new_cursors_stalls() {
    let fetches = Cell::new(0u32);
    let (items, err) = until_error(cursor(|_c: Option<String>| {
        fetches.set(fetches.get() + 1);
        let n = fetches.get();
        // Items on pages 1 and 3, then nothing but fresh cursors.
        let listed = if n == 1 || n == 3 {
            names(&format!("p{n}-"), 1)
        } else {
            Vec::new()
        };
        let page = roles(&listed, Some(format!("cursor-{n}")));
        async move { ok(page) }
    }))
    .await;
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert!(
        err.to_string().contains(&format!(
            "{} empty pages in a row",
            cloud_apis::pagination::MAX_EMPTY_PAGES
        )),
        "{err}"
    );
    assert_eq!(items.len(), 2);
    // Page 2 was empty, page 3 was not: the run counted from page 4.
    assert_eq!(fetches.get(), 3 + cloud_apis::pagination::MAX_EMPTY_PAGES);
}

// ---- numbered walks -----------------------------------------------------------------------------------------

#[tokio::test]
async fn a_numbered_walk_ends_at_a_short_page() {
    // `count` says 100, so only the short page can end this walk.
    let fetches = Cell::new(0);
    let items: Vec<_> = numbered(2, |page, size| {
        fetches.set(fetches.get() + 1);
        assert_eq!(size, 2);
        let ids = match page {
            0 => names("a", 2),
            1 => names("b", 2),
            2 => names("c", 1),
            _ => panic!("fetched page {page} after a short page"),
        };
        async move { ok(guardrails(&ids, 100, page)) }
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(fetches.get(), 3);
}

#[tokio::test]
async fn a_numbered_walk_ends_at_the_count() {
    // Every page is full and distinct, so only `count` can end this walk.
    let fetches = Cell::new(0);
    let items: Vec<_> = numbered(2, |page, _size| {
        fetches.set(fetches.get() + 1);
        let ids = names(&format!("p{page}-"), 2);
        async move { ok(guardrails(&ids, 4, page)) }
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(fetches.get(), 2);
}

#[tokio::test]
async fn a_numbered_walk_ends_at_an_empty_page() {
    let fetches = Cell::new(0);
    let items: Vec<_> = numbered(2, |page, _size| {
        fetches.set(fetches.get() + 1);
        let ids = if page < 2 {
            names(&format!("p{page}-"), 2)
        } else {
            vec![]
        };
        async move { ok(guardrails(&ids, 100, page)) }
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(fetches.get(), 3);
}

#[tokio::test]
async fn a_server_that_ignores_page_stalls() {
    let fetches = Cell::new(0);
    let err = numbered(2, |_page, _size| {
        fetches.set(fetches.get() + 1);
        let ids = names("same", 2);
        async move { ok(guardrails(&ids, 1_000_000_000_000_000, 0)) }
    })
    .try_collect::<Vec<_>>()
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert_eq!(
        err.to_string(),
        "pagination stalled: page 1 repeats page 0: the server seems to ignore `page`"
    );
    assert_eq!(fetches.get(), 2);
}

#[tokio::test]
async fn an_endless_count_stops_at_the_page_ceiling() {
    let fetches = Cell::new(0u64);
    let err = numbered_with(PageLimits::default().max_pages(7), 2, |page, _size| {
        fetches.set(fetches.get() + 1);
        let ids = names(&format!("p{page}-"), 2);
        async move { ok(guardrails(&ids, 1_000_000_000_000_000, page)) }
    })
    .try_collect::<Vec<_>>()
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaginationStalled);
    assert!(
        err.to_string().contains("after 7 pages, the ceiling"),
        "{err}"
    );
    assert_eq!(fetches.get(), 7);
}

#[tokio::test]
async fn a_stalled_numbered_walk_keeps_every_new_item() {
    let (items, err) = until_error(numbered_with(
        PageLimits::default().max_pages(7),
        2,
        |page, _size| {
            let ids = names(&format!("p{page}-"), 2);
            async move { ok(guardrails(&ids, 1_000_000_000_000_000, page)) }
        },
    ))
    .await;
    assert!(
        err.to_string().contains("after 7 pages, the ceiling"),
        "{err}"
    );
    assert_eq!(items.len(), 14);
    assert_eq!(items.last().unwrap().id.to_string(), "p6-1");

    // A repeated page brings nothing new: the first page's items, then the error.
    let (items, err) = until_error(numbered(2, |_page, _size| {
        let ids = names("same", 2);
        async move { ok(guardrails(&ids, 1_000_000_000_000_000, 0)) }
    }))
    .await;
    assert!(err.to_string().contains("repeats page 0"), "{err}");
    assert_eq!(items.len(), 2);
}

/// One mock per page of `sizes` items (pages 0, 1, ...): guardrails `g<page>-<i>` of `count`, answered only to
/// requests for that page, of page size `size`, carrying `filter` when given.
async fn guardrail_pages<'a>(
    server: &'a MockServer,
    count: usize,
    size: usize,
    sizes: &[usize],
    filter: Option<(&str, &str)>,
) -> Vec<httpmock::Mock<'a>> {
    let mut mocks = Vec::new();
    for (page, n) in sizes.iter().enumerate() {
        let items: Vec<_> = (0..*n)
            .map(|i| guardrail(&format!("g{page}-{i}")))
            .collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    let mut when = when
                        .path("/v1/guardrails")
                        .query_param("page", page.to_string())
                        .query_param("size", size.to_string());
                    if let Some((name, value)) = filter {
                        when = when.query_param(name, value);
                    }
                    let _ = when;
                    then.status(200).json_body(
                        json!({"count": count, "page": page, "size": size, "guardrails": items}),
                    );
                })
                .await,
        );
    }
    mocks
}

/// A Cloud Control 1.2 client of `server`.
fn cloudcontrol(server: &MockServer) -> cloud_apis::scp::cloudcontrol::v1_2::Client {
    ScpConfig::new("AK", "SK", Environment::Samsung)
        .base_url(server.base_url())
        .cloudcontrol_v1_2()
        .unwrap()
}

#[tokio::test]
async fn scp_pages_are_walked_over_the_wire() {
    let server = MockServer::start_async().await;
    let mocks = guardrail_pages(&server, 5, 2, &[2, 2, 1], None).await;
    let client = cloudcontrol(&server);
    let all: Vec<_> = numbered(2, |page, size| {
        client.list_guardrails().page(page).size(size).send()
    })
    .try_collect()
    .await
    .unwrap();
    let ids: Vec<_> = all.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["g0-0", "g0-1", "g1-0", "g1-1", "g2-0"]);
    for mock in &mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn a_list_builder_streams_every_page_keeping_its_own_parameters() {
    let server = MockServer::start_async().await;
    // 45 guardrails at the documented default page size (20): pages 0, 1 and 2, each with the caller's filter.
    let mocks = guardrail_pages(&server, 45, 20, &[20, 20, 5], Some(("name", "mfa"))).await;
    let client = cloudcontrol(&server);
    let all: Vec<_> = client
        .list_guardrails()
        .name("mfa")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 45);
    assert_eq!(all[0].id, "g0-0");
    assert_eq!(all[44].id, "g2-4");
    for mock in &mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn a_list_builder_streams_pages_of_the_size_set_on_it() {
    let server = MockServer::start_async().await;
    // 5 guardrails in pages of the caller's 2: pages 0, 1 and 2, and never the default size.
    let mocks = guardrail_pages(&server, 5, 2, &[2, 2, 1], None).await;
    let client = cloudcontrol(&server);
    let all: Vec<_> = client
        .list_guardrails()
        .size(2u64)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    for mock in &mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
    // A size that does not convert is not replaced by the default: the first request is refused unsent.
    let err = client
        .list_guardrails()
        .size(0u64)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), cloud_apis::ErrorKind::InvalidRequest, "{err}");
}

/// A required enum query parameter reaches the server as the spec spells it (`target_type=OU`), next to the
/// required id; an absent optional filter adds nothing.
#[tokio::test]
async fn a_required_enum_query_parameter_is_sent() {
    use cloud_apis::scp::cloudcontrol::v1_2::types::TargetType;
    let server = MockServer::start_async().await;
    let targets = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/v1/guardrail-bindings/targets")
                .query_param("guardrail_id", "g-1")
                .query_param("target_type", "OU")
                .query_param_missing("landing_zone_id");
            then.status(409)
                .header("content-type", "application/json")
                .body(r#"{"errors": [{"code": "conflict", "detail": "seen"}]}"#);
        })
        .await;
    let err = cloudcontrol(&server)
        .list_targets_for_guardrail()
        .guardrail_id("g-1")
        .target_type(TargetType::Ou)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409), "{err}");
    targets.assert_async().await;
}
