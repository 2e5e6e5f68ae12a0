//! vascalc-web: `vascalc serve`, the local web app.
//!
//! A loopback-only HTTP/1.1 server (axum) that serves embedded pages (HTML shells, plain CSS and
//! JavaScript, no CDN, no bundler) and a JSON API in the vocabulary of `--format json`. Every
//! record operation goes through the same application core as the CLI; food search reads
//! vascalc-nutrition's embedded table directly (it is not record data).
//!
//! Local safety (see [`security`]): the server only binds loopback addresses ([`check_bind`]);
//! a request whose `Host` is not `localhost`, `127.0.0.1` or `[::1]` at the server's port is
//! refused (DNS rebinding); every state-changing request needs a same-origin `Origin` or
//! `Sec-Fetch-Site: same-origin` and the per-launch token in `X-Vascalc-Token` (the pages read it
//! from a `<meta>` tag); bodies are limited to [`BODY_LIMIT`] bytes (a folder upload to its own
//! limits, [`scans::UploadLimits`]); the request log holds the method, the route template, the
//! status and the duration only. Ctrl-C or SIGTERM stop the server gracefully, and it removes its
//! upload folder ([`Server::run`]).
//!
//! ```no_run
//! let options = vascalc_web::Options::default();
//! let server = vascalc_web::Server::bind(options).unwrap();
//! println!("{}", server.url());
//! server.run().unwrap();
//! ```

pub mod assets;
pub mod error;
mod foods;
mod log;
mod meds;
pub mod openapi;
mod pages;
mod paging;
mod record;
pub mod scans;
pub mod security;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use vascalc_nutrition::FoodTable;

pub use error::ApiError;

/// The largest request body accepted (1 MiB); a larger one is refused with 413.
pub const BODY_LIMIT: usize = 1 << 20;

/// The header that carries the per-launch token on state-changing requests.
pub const TOKEN_HEADER: &str = "x-vascalc-token";

/// What `vascalc serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address to listen on; only loopback addresses are accepted.
    pub ip: IpAddr,
    /// The port; 0 takes any free port.
    pub port: u16,
    /// Log one line per request (method, route template, status, duration) to standard error.
    pub log: bool,
    /// The record database (the only file the server opens); None serves foods only.
    pub db: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            log: true,
            db: None,
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to listen on {0}: vascalc serve has no accounts yet, so it listens only on a \
         loopback address (127.0.0.1 or ::1) that no other computer can reach; leave out --bind \
         or use --bind 127.0.0.1"
    )]
    NotLoopback(IpAddr),
    #[error("cannot listen on {addr}: {source}; choose another --port (0 takes any free port)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the per-launch token could not be drawn from the operating system: {0}")]
    Token(String),
    #[error("the food table could not be loaded: {0}")]
    Foods(String),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Refuses any address that is not loopback, with the reason.
pub fn check_bind(ip: IpAddr) -> Result<(), ServeError> {
    if ip.is_loopback() {
        Ok(())
    } else {
        Err(ServeError::NotLoopback(ip))
    }
}

/// What every handler shares.
pub struct State {
    /// The per-launch token, 32 hex digits.
    pub token: String,
    /// The port the server listens on: `Host` and `Origin` must name it.
    pub port: u16,
    pub foods: &'static FoodTable,
    pub log: bool,
    /// The record database, when one was given.
    pub record: Option<record::Record>,
    /// The CT series open for review (a few, in memory).
    pub scans: scans::Sessions,
    /// Folders uploaded for review (a private folder of this launch; limits).
    pub uploads: scans::Uploads,
}

pub type Shared = Arc<State>;

impl State {
    /// A state with a fresh token from the operating system's random source.
    pub fn new(port: u16, log: bool, db: Option<PathBuf>) -> Result<Self, ServeError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| ServeError::Token(e.to_string()))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self::with_token(token, port, log, db)
    }

    /// A state with a given token (tests).
    pub fn with_token(
        token: String,
        port: u16,
        log: bool,
        db: Option<PathBuf>,
    ) -> Result<Self, ServeError> {
        let foods = FoodTable::shipped().map_err(|e| ServeError::Foods(e.to_string()))?;
        Ok(Self {
            token,
            port,
            foods,
            log,
            record: db.map(record::Record::new),
            scans: scans::Sessions::default(),
            uploads: scans::Uploads::default(),
        })
    }

    /// The server ends: closes the open scans and removes the uploads' folder.
    pub fn close(&self) {
        self.scans.clear();
        self.uploads.close();
    }
}

/// The router with every route registered, and the list of (method, path) pairs it serves
/// (which the OpenAPI document must describe, and a test checks that it does).
pub struct Routes {
    router: Router<Shared>,
    list: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    /// Registers `path` with the methods it answers (the `methods` list must be exactly the
    /// methods of `handler`: a test sends every method to every route).
    fn add(
        mut self,
        path: &'static str,
        methods: &[&'static str],
        handler: MethodRouter<Shared>,
    ) -> Self {
        self.router = self.router.route(path, handler);
        self.list.extend(methods.iter().map(|m| (*m, path)));
        self
    }

    /// The (method, path) pairs served, in registration order.
    pub fn list(&self) -> &[(&'static str, &'static str)] {
        &self.list
    }
}

/// Every route of the app, without middleware.
pub fn routes() -> Routes {
    use axum::routing::get;
    let r = Routes::new();
    let r = pages::register(r);
    let r = assets::register(r);
    let r = foods::register(r);
    let r = record::register(r);
    let r = meds::register(r);
    let r = scans::register(r);
    r.add("/api/openapi.json", &["GET"], get(openapi::handler))
}

/// The whole app: routes, the JSON fallbacks, the body limit and the security and log layers.
pub fn app(state: Shared) -> Router {
    let routes = routes();
    routes
        .router
        .fallback(error::not_found_fallback)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            log::log,
        ))
        .with_state(state)
}

/// A JSON answer serialised straight from borrowed data (no intermediate `Value`).
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let body = serde_json::to_vec(value).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// How long the server waits, once asked to stop, for the requests under way to finish.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A server bound to its socket, not yet answering.
pub struct Server {
    listener: std::net::TcpListener,
    state: State,
}

impl Server {
    /// Checks the address (loopback only), binds it and draws the per-launch token.
    pub fn bind(options: Options) -> Result<Self, ServeError> {
        check_bind(options.ip)?;
        let addr = SocketAddr::new(options.ip, options.port);
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|source| ServeError::Bind { addr, source })?;
        let port = listener.local_addr()?.port();
        let state = State::new(port, options.log, options.db)?;
        Ok(Self { listener, state })
    }

    /// Keeps uploaded folders under `parent` (default: the system's temporary folder), with
    /// `limits`.
    pub fn uploads(mut self, parent: PathBuf, limits: scans::UploadLimits) -> Self {
        self.state.uploads = scans::Uploads::new(parent, limits);
        self
    }

    /// The address actually bound (the port is known even when 0 was asked for).
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        Ok(self.listener.local_addr()?)
    }

    /// The address to open in a browser: `http://127.0.0.1:PORT/` (or `http://[::1]:PORT/`).
    /// The token is not in it: the pages carry it in a `<meta>` tag.
    pub fn url(&self) -> String {
        match self.listener.local_addr() {
            Ok(a) => format!("http://{a}/"),
            Err(_) => String::from("http://127.0.0.1/"),
        }
    }

    /// Answers requests until Ctrl-C (SIGINT) or SIGTERM, then stops gracefully (see
    /// [`Server::run_until`]).
    pub fn run(self) -> Result<(), ServeError> {
        self.run_until(stop_signal())
    }

    /// Answers requests until `stop` completes; then takes no new connection, lets the requests
    /// under way finish (at most [`SHUTDOWN_GRACE`]), closes the open scans and removes the
    /// uploads' folder.
    pub fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_io()
            .enable_time()
            .build()?;
        self.listener.set_nonblocking(true)?;
        let state = Arc::new(self.state);
        let app = app(state.clone());
        let listener = self.listener;
        let stopping = Arc::new(tokio::sync::Notify::new());
        let notify = stopping.clone();
        let result = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                stop.await;
                notify.notify_one();
            });
            tokio::select! {
                r = serve => r,
                () = async {
                    stopping.notified().await;
                    tokio::time::sleep(SHUTDOWN_GRACE).await;
                } => Ok(()),
            }
        });
        // Blocking work under way (a scan being scored, an upload being written) is not waited
        // for beyond a moment; the uploads' folder is removed after it.
        runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        state.close();
        result?;
        Ok(())
    }
}

/// Completes at Ctrl-C (SIGINT) or, on Unix, SIGTERM; never if neither can be listened to.
async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
