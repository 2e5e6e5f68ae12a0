//! The stylesheet and scripts, embedded in the binary (no file is read at run time, no CDN).
//! Plain CSS and JavaScript: no bundler, no npm in the build.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Routes;
use crate::error::ApiError;

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// Every asset served under `/assets/`.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: CSS,
        body: include_str!("../assets/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: JS,
        body: include_str!("../assets/app.js"),
    },
    Asset {
        name: "food.js",
        content_type: JS,
        body: include_str!("../assets/food.js"),
    },
    Asset {
        name: "dashboard.js",
        content_type: JS,
        body: include_str!("../assets/dashboard.js"),
    },
    Asset {
        name: "cac.js",
        content_type: JS,
        body: include_str!("../assets/cac.js"),
    },
    Asset {
        name: "measures.js",
        content_type: JS,
        body: include_str!("../assets/measures.js"),
    },
    Asset {
        name: "plan.js",
        content_type: JS,
        body: include_str!("../assets/plan.js"),
    },
    Asset {
        name: "review.css",
        content_type: CSS,
        body: include_str!("../assets/review.css"),
    },
    Asset {
        name: "review.js",
        content_type: JS,
        body: include_str!("../assets/review.js"),
    },
];

/// The bytes of JavaScript and CSS a browser may load, all pages together.
pub fn total_bytes() -> usize {
    ASSETS.iter().map(|a| a.body.len()).sum()
}

pub(crate) fn register(r: Routes) -> Routes {
    r.add("/assets/{name}", &["GET"], get(asset))
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(a.content_type),
                ),
                // Embedded in this binary: a new binary may change them, so revalidate.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            a.body,
        )
            .into_response(),
        None => ApiError::not_found(format!("no asset named {name:?}")).into_response(),
    }
}
