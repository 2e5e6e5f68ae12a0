//! What the API tests share: the whole app (middleware included) behind tower's `oneshot`, on a
//! record in a temporary folder named after the test or on none, and requests as the pages send
//! them (same-origin, with the per-launch token). Each test file uses its part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt as _;
use vascalc_web::{State, app};

pub(crate) const TOKEN: &str = "0badc0de0badc0de0badc0de0badc0de";
pub(crate) const PORT: u16 = 7317;
pub(crate) const HOST: &str = "127.0.0.1:7317";
pub(crate) const ORIGIN: &str = "http://127.0.0.1:7317";

/// A response, read whole.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The app on its own runtime; the temporary folder (when there is one) is removed on drop.
pub(crate) struct Server {
    pub(crate) app: Router,
    dir: Option<PathBuf>,
    rt: tokio::runtime::Runtime,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

impl Server {
    /// The app without a record (foods only).
    pub(crate) fn foods_only() -> Self {
        let state = State::with_token(TOKEN.to_string(), PORT, false, None).unwrap();
        Self::of(state, None)
    }

    /// The app on an empty record in a temporary folder named after the test.
    pub(crate) fn new(tag: &str) -> Self {
        Self::with(tag, |_, _| {})
    }

    /// As [`Server::new`], with `adjust` applied to the state (given the temporary folder) first.
    pub(crate) fn with(tag: &str, adjust: impl FnOnce(&mut State, &Path)) -> Self {
        let dir = std::env::temp_dir().join(format!("vascalc-web-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut state =
            State::with_token(TOKEN.to_string(), PORT, false, Some(dir.join("record.db"))).unwrap();
        adjust(&mut state, &dir);
        Self::of(state, Some(dir))
    }

    fn of(state: State, dir: Option<PathBuf>) -> Self {
        Self {
            app: app(Arc::new(state)),
            dir,
            // Handlers run blocking work (SQLite, DICOM) on tokio's blocking pool.
            rt: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap(),
        }
    }

    /// The temporary folder (a server with a record).
    pub(crate) fn dir(&self) -> &Path {
        self.dir
            .as_deref()
            .expect("a server made with Server::new or Server::with")
    }

    pub(crate) fn send(&self, request: Request<Body>) -> Answer {
        self.rt.block_on(async {
            let response = self.app.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec();
            Answer {
                status,
                headers,
                body,
            }
        })
    }

    pub(crate) fn get(&self, uri: &str) -> Answer {
        self.send(
            Request::get(uri)
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
    }

    /// A same-origin write with the token, as the pages send it.
    pub(crate) fn write_raw(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        self.send(
            Request::builder()
                .method(method)
                .uri(uri)
                .header(header::HOST, HOST)
                .header(header::ORIGIN, ORIGIN)
                .header("x-vascalc-token", TOKEN)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
    }

    /// A same-origin JSON write with the token.
    pub(crate) fn write(&self, method: &str, uri: &str, body: &Value) -> Answer {
        self.write_raw(
            method,
            uri,
            "application/json",
            serde_json::to_vec(body).unwrap(),
        )
    }
}
