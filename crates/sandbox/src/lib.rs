//! A local stand-in for the Panther, Cloudcraft and SCP Cloud Control APIs.
//!
//! One HTTP server on loopback, state in memory, seeded with a few realistic records. It behaves as the services
//! are documented: it checks credentials (Panther's `X-API-Key`, Cloudcraft's bearer key, SCP's request signature
//! recomputed with the same algorithm inside a timestamp window), routes SCP requests by `Scp-Api-Version`
//! (missing = latest, unknown = 400), validates request bodies against the spec-generated types (400 in the
//! provider's error shape), answers 404 for unknown ids and 409 for duplicates, and renders Cloudcraft snapshots
//! after a `202 STILL_PROCESSING` first poll. Panther's 96 operations are served by a resource engine derived from
//! its spec (`resources`): no Panther operation has a handler of its own.
//!
//! ```no_run
//! # async fn run() {
//! let sandbox = cloud_apis_sandbox::Sandbox::start().await.unwrap();
//! let panther = cloud_apis::panther::PantherConfig::new(sandbox.panther_url(), cloud_apis_sandbox::PANTHER_TOKEN)
//!     .build()
//!     .unwrap();
//! # let _ = panther;
//! # }
//! ```

mod budget;
mod cloudcraft;
mod conformance;
mod panther;
mod render;
mod reply;
mod resources;
mod scp;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use conformance::{conform, parse, Audit, Specs};
use reply::Provider;
use tokio::net::TcpListener;

/// The API token the sandbox's Panther accepts.
pub const PANTHER_TOKEN: &str = "sandbox-panther-token";
/// The API key the sandbox's Cloudcraft accepts (44 base64 characters, like a real one).
pub const CLOUDCRAFT_API_KEY: &str = "c2FuZGJveC1jbG91ZGNyYWZ0LWFwaS1rZXktMDAwMDA=";
/// The access key the sandbox's SCP accepts.
pub const SCP_ACCESS_KEY: &str = "sandbox-access-key";
/// The secret key the sandbox's SCP verifies signatures with.
pub const SCP_SECRET_KEY: &str = "sandbox-secret-key";
/// How far an SCP request's timestamp may be from the sandbox's clock.
pub const SCP_TIMESTAMP_WINDOW_MS: i64 = 5 * 60 * 1000;

/// A running sandbox: one loopback port per provider (so each base URL is a bare `http://host:port`, as the real
/// services' are). Dropping it does not stop the servers; they live as long as the runtime that started them.
#[derive(Clone)]
pub struct Sandbox {
    panther: SocketAddr,
    cloudcraft: SocketAddr,
    scp: SocketAddr,
    audit: Audit,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("panther", &self.panther)
            .field("cloudcraft", &self.cloudcraft)
            .field("scp", &self.scp)
            .finish_non_exhaustive()
    }
}

/// Everything the sandbox remembers.
pub(crate) struct State {
    pub panther: resources::Store,
    pub cloudcraft: cloudcraft::Store,
    pub scp: scp::Store,
}

pub(crate) type Shared = Arc<Mutex<State>>;

/// The state, even after a handler panicked while holding it: one bad request must not take the sandbox down.
pub(crate) trait Locked {
    fn locked(&self) -> MutexGuard<'_, State>;
}

impl Locked for Shared {
    fn locked(&self) -> MutexGuard<'_, State> {
        self.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sandbox {
    /// Starts the sandbox on free loopback ports, in the current tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let any: SocketAddr = "127.0.0.1:0".parse().expect("a socket address");
        Self::start_on([any; 3]).await
    }

    /// Starts the sandbox on 127.0.0.1: Panther on `port`, Cloudcraft on the next port and SCP on the one after
    /// (`0`: a free port for each).
    pub async fn start_at_port(port: u16) -> std::io::Result<Self> {
        let at = |offset: u16| {
            let port = if port == 0 {
                0
            } else {
                port.saturating_add(offset)
            };
            SocketAddr::from(([127, 0, 0, 1], port))
        };
        Self::start_on([at(0), at(1), at(2)]).await
    }

    /// Starts the sandbox's Panther, Cloudcraft and SCP servers on these addresses (port 0 picks a free one).
    /// Loopback addresses only: the sandbox has well-known credentials.
    pub async fn start_on(addrs: [SocketAddr; 3]) -> std::io::Result<Self> {
        let panther_spec = parse(panther_client::SPEC_JSON);
        let panther_engine = panther::engine(panther_spec.clone());
        let cloudcraft_spec = parse(cloudcraft_client::SPEC_JSON);
        let cloudcraft_engine = cloudcraft::engine(cloudcraft_spec.clone());
        let state: Shared = Arc::new(Mutex::new(State {
            panther: panther::seeded(&panther_engine),
            cloudcraft: cloudcraft::seeded(&cloudcraft_engine),
            scp: scp::Store::seeded(),
        }));
        let audit = Audit::default();
        let checked = |router: Router, specs: Arc<Specs>| {
            router.layer(axum::middleware::from_fn_with_state(specs, conform))
        };
        // The specs the generated clients were built from; SCP's versions are told apart by the
        // `Scp-Api-Version` each one pins.
        let panther_specs =
            Specs::new(Provider::Panther, vec![(None, panther_spec)], audit.clone());
        let cloudcraft_specs = Specs::new(
            Provider::Cloudcraft,
            vec![(None, cloudcraft_spec)],
            audit.clone(),
        );
        let scp_versions = scp_cloudcontrol_client::VERSIONS
            .iter()
            .map(|(api, spec)| (api.pinned_header("scp-api-version"), parse(spec)))
            .collect();
        let scp_specs = Specs::new(Provider::Scp, scp_versions, audit.clone());
        let panther = serve(
            addrs[0],
            checked(
                panther::router(state.clone(), panther_engine),
                panther_specs,
            ),
        )
        .await?;
        let cloudcraft = serve(
            addrs[1],
            checked(
                cloudcraft::router(state.clone(), cloudcraft_engine),
                cloudcraft_specs,
            ),
        )
        .await?;
        let scp = serve(addrs[2], checked(scp::router(state), scp_specs)).await?;
        Ok(Self {
            panther,
            cloudcraft,
            scp,
            audit,
        })
    }

    /// Every answer so far that broke its spec (an undocumented status, a body that does not validate), as
    /// sentences. The sandbox's own tests require it to stay empty.
    pub fn violations(&self) -> Vec<String> {
        self.audit.violations()
    }

    /// Base URL of its Panther API.
    pub fn panther_url(&self) -> String {
        format!("http://{}", self.panther)
    }

    /// Base URL of its Cloudcraft API.
    pub fn cloudcraft_url(&self) -> String {
        format!("http://{}", self.cloudcraft)
    }

    /// The address of its Cloudcraft API (for `CloudcraftConfig::host` / `port`).
    pub fn cloudcraft_addr(&self) -> SocketAddr {
        self.cloudcraft
    }

    /// Base URL of its SCP Cloud Control API.
    pub fn scp_url(&self) -> String {
        format!("http://{}", self.scp)
    }

    /// The environment variables that point the `cloud-apis` clients (and the `cloud-apis` tool) at this sandbox,
    /// with the credentials it accepts, one provider after another.
    ///
    /// ```no_run
    /// # async fn run() {
    /// let sandbox = cloud_apis_sandbox::Sandbox::start().await.unwrap();
    /// for (name, value) in sandbox.environment() {
    ///     println!("export {name}={value}");
    /// }
    /// # }
    /// ```
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PANTHER_API_HOST", self.panther_url()),
            ("PANTHER_API_TOKEN", PANTHER_TOKEN.into()),
            ("CLOUDCRAFT_PROTOCOL", "http".into()),
            ("CLOUDCRAFT_HOST", self.cloudcraft.ip().to_string()),
            ("CLOUDCRAFT_PORT", self.cloudcraft.port().to_string()),
            ("CLOUDCRAFT_API_KEY", CLOUDCRAFT_API_KEY.into()),
            ("SCP_BASE_URL", self.scp_url()),
            ("SCP_ACCESS_KEY", SCP_ACCESS_KEY.into()),
            ("SCP_SECRET_KEY", SCP_SECRET_KEY.into()),
        ]
    }
}

async fn serve(addr: SocketAddr, app: Router) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(bound)
}
