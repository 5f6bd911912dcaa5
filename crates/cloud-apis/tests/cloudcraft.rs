//! Cloudcraft's facade against the sandbox (and httpmock where a server must misbehave): safe blueprint edits,
//! downloads, Azure snapshots through the shared long poll, the credential check, and the Azure secret kept out of
//! `Debug`.

use std::time::Duration;

use cloud_apis::cloudcraft::types::{
    AzureAccountCreateRequest, BlueprintId, ExportBlueprintBudgetFormat,
    ExportBlueprintImageFormat, SnapshotFormat,
};
use cloud_apis::cloudcraft::{
    etag, Client, ClientBlueprintExt, ClientCredentialsExt, ClientSnapshotExt, CloudcraftConfig,
    Snapshot, SnapshotRequest, EDIT_ATTEMPTS,
};
use cloud_apis::HttpOptions;
use cloud_apis_sandbox::{Sandbox, CLOUDCRAFT_API_KEY};

/// The blueprint the sandbox is seeded with.
const BLUEPRINT: &str = "3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c";
const AZURE_ACCOUNT: &str = "d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a";

fn client_for(sandbox: &Sandbox, key: &str) -> Client {
    let addr = sandbox.cloudcraft_addr();
    CloudcraftConfig::new(key)
        .protocol("http")
        .host(addr.ip().to_string())
        .port(addr.port())
        // No retries: every refusal is seen as it was answered.
        .http(HttpOptions::default().retry(cloud_apis::RetryPolicy::disabled()))
        .build()
        .unwrap()
}

/// A 404, told apart by `is_not_found`, whose message names the operation.
fn assert_not_found(error: &cloud_apis::Error, operation: &str) {
    assert!(error.is_not_found(), "{error}");
    assert!(error.to_string().contains(operation), "{error}");
}

fn id() -> BlueprintId {
    BLUEPRINT.into()
}

async fn tags(client: &Client) -> Vec<String> {
    let blueprint = client
        .get_blueprint()
        .blueprint_id(id())
        .send()
        .await
        .unwrap();
    blueprint.into_inner().tags.unwrap_or_default()
}

/// Someone else's unconditional write (no `If-Match`) of the blueprint's current diagram, changed by `change`, made
/// from inside an edit's closure, i.e. between the edit's read and its write.
fn write_meanwhile(
    other: &Client,
    change: impl FnOnce(
        cloud_apis::cloudcraft::types::builder::BlueprintUpdateRequest,
    ) -> cloud_apis::cloudcraft::types::builder::BlueprintUpdateRequest,
) {
    tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async {
            let theirs = other
                .get_blueprint()
                .blueprint_id(id())
                .send()
                .await
                .unwrap();
            let request = cloud_apis::cloudcraft::types::BlueprintUpdateRequest::builder()
                .data(theirs.into_inner().data.unwrap_or_default());
            let request = change(request);
            other
                .update_blueprint()
                .blueprint_id(id())
                .body(request)
                .send()
                .await
                .unwrap();
        })
    });
}

/// Someone else's change lands between the edit's read and its write: the write is refused (412), the edit reads
/// the new version, applies the change again, and both changes survive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_never_overwrites_a_concurrent_change() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let other = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let mut calls = 0;
    let edited = client
        .edit_blueprint(&id(), |blueprint| {
            calls += 1;
            if calls == 1 {
                // The concurrent writer: tags the blueprint without If-Match, after our read.
                write_meanwhile(&other, |request| {
                    request.tags(Some(vec!["production".into(), "theirs".into()]))
                });
            }
            blueprint
                .tags
                .get_or_insert_with(Vec::new)
                .push("ours".into());
        })
        .await
        .unwrap();
    assert_eq!(edited.attempts, 2);
    assert_eq!(calls, 2);
    assert_eq!(tags(&client).await, ["production", "theirs", "ours"]);
    // The tag it returns is the current version: a write with it goes through.
    let current = client
        .get_blueprint()
        .blueprint_id(id())
        .send()
        .await
        .unwrap();
    assert_eq!(etag(current.headers()), edited.etag.as_deref());
    assert_eq!(sandbox.violations(), Vec::<String>::new());
}

/// A blueprint that changes on every round: after EDIT_ATTEMPTS refusals the 412 itself is the answer, told
/// apart by `is_precondition_failed`, and nothing of ours was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_gives_up_with_a_precondition_failure_when_the_blueprint_keeps_changing() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let other = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let mut calls = 0;
    let error = client
        .edit_blueprint(&id(), |blueprint| {
            calls += 1;
            write_meanwhile(&other, |request| {
                request.name(Some(format!("theirs {calls}")))
            });
            blueprint.name = Some("ours".into());
        })
        .await
        .unwrap_err();
    assert!(error.is_precondition_failed(), "{error}");
    assert_eq!(calls, EDIT_ATTEMPTS);
    let message = error.to_string();
    assert!(
        message.contains("updateBlueprint") && message.contains("412"),
        "{message}"
    );
    let name = client
        .get_blueprint()
        .blueprint_id(id())
        .send()
        .await
        .unwrap()
        .into_inner()
        .name;
    assert_eq!(
        name.as_deref(),
        Some(format!("theirs {EDIT_ATTEMPTS}").as_str())
    );
}

/// A blueprint mock server whose `GET` answers the blueprint with `etag` (none when `None`).
async fn blueprint_server(etag: Option<&str>) -> (httpmock::MockServer, Client) {
    let server = httpmock::MockServer::start_async().await;
    let body = serde_json::json!({
        "id": BLUEPRINT, "name": "web app", "data": {"grid": "standard"}, "tags": ["a"],
        "readAccess": ["team/readers"], "writeAccess": ["team/writers"],
    });
    server
        .mock_async(|when, then| {
            when.method("GET").path(format!("/blueprint/{BLUEPRINT}"));
            let then = then.status(200).header("content-type", "application/json");
            let then = match etag {
                Some(tag) => then.header("etag", tag),
                None => then,
            };
            then.body(body.to_string());
        })
        .await;
    let client = CloudcraftConfig::new(CLOUDCRAFT_API_KEY)
        .protocol("http")
        .host("127.0.0.1")
        .port(server.port())
        .build()
        .unwrap();
    (server, client)
}

/// A blueprint read without an `ETag` naming one version (none at all, `*`, a weak tag, a list, an empty tag) gets
/// no write: `If-Match` with it, or no `If-Match`, would be an unconditional overwrite of someone else's change.
#[tokio::test]
async fn a_blueprint_whose_etag_names_no_single_version_is_not_written_back() {
    for (tag, why) in [
        (None, "came without an ETag"),
        (Some("*"), "the wildcard `*`, which matches any version"),
        (Some("W/\"v1\""), "a weak tag"),
        (Some("\"v1\", \"v2\""), "a list of tags"),
        (Some("\"\""), "not one strong tag"),
    ] {
        let (server, client) = blueprint_server(tag).await;
        let write = server
            .mock_async(|when, then| {
                when.method("PUT");
                then.status(204);
            })
            .await;
        let mut edited = false;
        let error = client
            .edit_blueprint(&id(), |_| edited = true)
            .await
            .unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.contains(&format!("blueprint {BLUEPRINT} ")),
            "{shown}"
        );
        assert!(
            shown.contains(why) && shown.contains("nothing was written"),
            "{shown}"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(error.attempts(), 1);
        assert!(!edited, "{tag:?}");
        assert_eq!(write.calls_async().await, 0, "{tag:?}");
    }
}

/// An edit writes the whole blueprint back: a `PUT` replaces what it names, so leaving out the name or the access
/// grants would erase them.
#[tokio::test]
async fn an_edit_of_the_tags_sends_back_name_diagram_and_access_grants() {
    let (server, client) = blueprint_server(Some("\"v1\"")).await;
    let write = server
        .mock_async(|when, then| {
            when.method("PUT")
                .path(format!("/blueprint/{BLUEPRINT}"))
                .header("if-match", "\"v1\"")
                .json_body(serde_json::json!({
                    "name": "web app", "data": {"grid": "standard"}, "tags": ["a", "reviewed"],
                    "readAccess": ["team/readers"], "writeAccess": ["team/writers"],
                }));
            then.status(204).header("etag", "\"v2\"");
        })
        .await;
    let edited = client
        .edit_blueprint(&id(), |b| {
            b.tags.get_or_insert_with(Vec::new).push("reviewed".into())
        })
        .await
        .unwrap();
    write.assert_async().await;
    assert_eq!(edited.etag.as_deref(), Some("\"v2\""));
}

/// Exports stream into any writer; the call a download came from names its failures.
#[tokio::test]
async fn exports_and_budgets_download_into_any_writer() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let png = client
        .export_blueprint_image()
        .blueprint_id(id())
        .format(ExportBlueprintImageFormat::Png)
        .width(640)
        .height(360)
        .download()
        .await
        .unwrap();
    assert_eq!(png.content_type(), Some("image/png"));
    assert!(
        png.call().url.ends_with("/png?height=360&width=640"),
        "{}",
        png.call().url
    );
    let mut bytes = Vec::new();
    let written = png.write_to(&mut bytes).await.unwrap();
    assert_eq!(written as usize, bytes.len());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 640);

    let csv = client
        .export_blueprint_budget()
        .blueprint_id(id())
        .format(ExportBlueprintBudgetFormat::Csv)
        .download()
        .await
        .unwrap()
        .bytes(1 << 20)
        .await
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with("category,type,region,count,unitPrice,cost,"),
        "{csv}"
    );
    let path = std::env::temp_dir().join(format!("cloud-apis-budget-{}.xlsx", std::process::id()));
    let saved = client
        .export_blueprint_budget()
        .blueprint_id(id())
        .format(ExportBlueprintBudgetFormat::Xlsx)
        .download()
        .await
        .unwrap()
        .save(&path)
        .await
        .unwrap();
    let xlsx = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(saved as usize, xlsx.len());
    assert_eq!(&xlsx[..4], b"PK\x03\x04");

    let missing = client
        .export_blueprint_image()
        .blueprint_id("00000000-0000-4000-8000-000000000000")
        .format(ExportBlueprintImageFormat::Svg)
        .download()
        .await
        .unwrap_err();
    assert_not_found(&missing, "exportBlueprintImage");
}

/// Azure snapshots go through the same long poll as AWS: 202s first, then the document.
#[tokio::test]
async fn an_azure_snapshot_polls_like_an_aws_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let request = SnapshotRequest::azure(AZURE_ACCOUNT, "eastus", SnapshotFormat::Svg)
        .options(|b| b.width(500).grid(true))
        .poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_secs(20));
    let Snapshot::Document(svg) = client.snapshot(&request).await.unwrap() else {
        panic!("an SVG is a document");
    };
    assert_eq!(svg.content_type(), Some("image/svg+xml"));
    assert!(svg.call().attempts >= 1);
    let svg = String::from_utf8(svg.bytes(1 << 20).await.unwrap()).unwrap();
    assert!(
        svg.contains("width=\"500\"") && svg.contains("eastus"),
        "{svg}"
    );

    let json = SnapshotRequest::azure(AZURE_ACCOUNT, "eastus", SnapshotFormat::Json)
        .poll_interval(Duration::from_millis(10));
    let Snapshot::Blueprint(diagram) = client.snapshot(&json).await.unwrap() else {
        panic!("json is a diagram");
    };
    assert!(!diagram.nodes.is_empty());

    let unknown = SnapshotRequest::azure(
        "00000000-0000-4000-8000-000000000000",
        "eastus",
        SnapshotFormat::Png,
    );
    let error = client.snapshot(&unknown).await.unwrap_err();
    assert_not_found(&error, "snapshotAzureAccount");
}

/// The credential check answers the key's user, and a refused key is told apart.
#[tokio::test]
async fn the_credential_check_names_the_user_or_says_the_key_was_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let user = client_for(&sandbox, CLOUDCRAFT_API_KEY)
        .check_credentials()
        .await
        .unwrap();
    assert_eq!(user.email.as_str(), "sandbox@example.com");
    let wrong = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE=";
    let refused = client_for(&sandbox, wrong)
        .check_credentials()
        .await
        .unwrap_err();
    assert!(refused.is_unauthorized(), "{refused}");
    assert!(!refused.to_string().contains(wrong));
}

/// An Azure client secret reaches the service and comes back, yet no `Debug` of a request or an account shows it.
#[tokio::test]
async fn the_azure_client_secret_is_sent_but_never_shown() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox, CLOUDCRAFT_API_KEY);
    let secret = "Qx58Q~never-shown-1234567890abcdefghij";
    let request = AzureAccountCreateRequest {
        name: "Staging".into(),
        application_id: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d".into(),
        directory_id: "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e".into(),
        subscription_id: "9c0d1e2f-3a4b-4c5d-ae6f-7a8b9c0d1e2f".into(),
        client_secret: secret.into(),
        read_access: None,
        write_access: None,
    };
    assert!(!format!("{request:?}").contains(secret));
    let created = client
        .create_azure_account()
        .body(request)
        .send()
        .await
        .unwrap()
        .into_inner();
    let echoed = created.client_secret.as_ref().map(|s| s.expose());
    assert_eq!(echoed, Some(secret));
    for shown in [format!("{created:?}"), format!("{created:#?}")] {
        assert!(
            !shown.contains(secret) && shown.contains("[REDACTED]"),
            "{shown}"
        );
    }
    let listed = client
        .list_azure_accounts()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(listed.accounts.iter().any(|a| a.id == created.id));
}
