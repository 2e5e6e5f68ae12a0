//! The request log: one line per request on standard error with the method, the route template
//! (`/api/foods/{id}`, never the path itself nor its query: they may hold a food, a name or a
//! value), the status and the duration. Every answer also carries `Server-Timing: app;dur=MS`,
//! the server's own time, which the benchmarks read.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::Shared;

/// The log line of one request.
pub(crate) fn line(method: &str, route: &str, status: u16, micros: u128) -> String {
    format!(
        "{method} {route} {status} {}.{:03} ms",
        micros / 1000,
        micros % 1000
    )
}

#[expect(
    clippy::print_stderr,
    reason = "the request log of `vascalc serve`, written only when the binary turns it on (`state.log`)"
)]
pub(crate) async fn log(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_string(), |m| m.as_str().to_string());
    let mut response = next.run(request).await;
    let micros = start.elapsed().as_micros();
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={}.{:03}", micros / 1000, micros % 1000))
    {
        response.headers_mut().insert("server-timing", v);
    }
    if state.log {
        eprintln!(
            "{}",
            line(method.as_str(), &route, response.status().as_u16(), micros)
        );
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_holds_method_route_status_duration() {
        assert_eq!(
            super::line("GET", "/api/foods/{id}", 200, 1234),
            "GET /api/foods/{id} 200 1.234 ms"
        );
    }
}
