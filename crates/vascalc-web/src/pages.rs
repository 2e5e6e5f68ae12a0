//! The pages: a server-rendered HTML shell per page (navigation, headings, labelled controls
//! with stable ids) whose script fetches the JSON API. The per-launch token is in
//! `<meta name="vascalc-token">`, which only same-origin scripts can read.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::{Routes, Shared};

/// The pages in the navigation: (path, label).
pub(crate) const NAV: &[(&str, &str)] = &[
    ("/", "Dashboard"),
    ("/cac", "CAC over time"),
    ("/food", "Food log"),
    ("/measures", "Labs, vitals, activity, medicines"),
    ("/plan", "Plan"),
    ("/report", "Report for your clinician"),
    ("/review", "Review a CT scan"),
];

pub(crate) fn register(r: Routes) -> Routes {
    r.add("/", &["GET"], get(dashboard))
        .add("/cac", &["GET"], get(cac))
        .add("/food", &["GET"], get(food))
        .add("/measures", &["GET"], get(measures))
        .add("/plan", &["GET"], get(plan))
        .add("/report", &["GET"], get(crate::record::report))
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page around `body`: `current` is the path of the page (marked in the navigation), `script`
/// the page's own script under /assets/.
pub(crate) fn shell(
    token: &str,
    current: &str,
    title: &str,
    script: Option<&str>,
    body: &str,
) -> String {
    let mut nav = String::new();
    for (path, label) in NAV {
        let aria = if *path == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        nav.push_str(&format!("<li><a href=\"{path}\"{aria}>{label}</a></li>"));
    }
    let script = script.map_or_else(String::new, |s| {
        format!("<script src=\"/assets/{s}\" defer></script>")
    });
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"vascalc-token\" content=\"{token}\">\
         <title>{title} · vascalc</title>\
         <link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"/assets/app.css\">\
         <script src=\"/assets/app.js\" defer></script>{script}</head>\
         <body><a class=\"skip\" href=\"#main\">Skip to the content</a>\
         <header><span class=\"brand\">vascalc</span>\
         <nav aria-label=\"Pages\"><ul>{nav}</ul></nav></header>\
         <main id=\"main\" tabindex=\"-1\"><h1>{title}</h1>{body}</main>\
         <footer><p>vascalc informs; it does not prescribe. Every number names its source.</p>\
         </footer></body></html>\n",
        token = escape(token),
        title = escape(title),
    )
}

pub(crate) fn html(status: StatusCode, page: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        page,
    )
        .into_response()
}

/// The 404 page (no token: it offers no action).
pub(crate) fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        shell(
            "",
            "",
            "Not found",
            None,
            "<p>There is no page here. The pages are listed above.</p>",
        ),
    )
}

/// A page: its path, title, script and body.
fn page(state: &Shared, path: &str, title: &str, script: &str, body: &str) -> Response {
    html(
        StatusCode::OK,
        shell(&state.token, path, title, Some(script), body),
    )
}

async fn dashboard(State(state): State<Shared>) -> Response {
    page(
        &state,
        "/",
        "Dashboard",
        "dashboard.js",
        include_str!("../assets/dashboard.html"),
    )
}

async fn cac(State(state): State<Shared>) -> Response {
    page(
        &state,
        "/cac",
        "CAC over time",
        "cac.js",
        include_str!("../assets/cac.html"),
    )
}

async fn food(State(state): State<Shared>) -> Response {
    page(
        &state,
        "/food",
        "Food log",
        "food.js",
        include_str!("../assets/food.html"),
    )
}

async fn measures(State(state): State<Shared>) -> Response {
    page(
        &state,
        "/measures",
        "Labs, vitals, activity, medicines",
        "measures.js",
        include_str!("../assets/measures.html"),
    )
}

async fn plan(State(state): State<Shared>) -> Response {
    page(
        &state,
        "/plan",
        "Plan",
        "plan.js",
        include_str!("../assets/plan.html"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_shell_carries_the_token_and_marks_the_page() {
        let page = shell("abc123", "/food", "Food log", Some("food.js"), "<p>x</p>");
        assert!(page.contains("<meta name=\"vascalc-token\" content=\"abc123\">"));
        assert!(page.contains("<a href=\"/food\" aria-current=\"page\">"));
        assert!(page.contains("<script src=\"/assets/food.js\" defer></script>"));
        assert!(page.contains("<html lang=\"en\">"));
    }
}
