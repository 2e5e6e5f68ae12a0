//! Local safety for a loopback server without accounts.
//!
//! - **Host** (DNS rebinding): a page on `evil.example` whose name is re-pointed at 127.0.0.1
//!   reaches this server with `Host: evil.example`. Only `localhost`, `127.0.0.1` and `[::1]` at
//!   the server's own port are answered; any other `Host` (or none) gets 421.
//! - **Cross-site requests** (CSRF, OWASP's "verifying origin with standard headers"): a request
//!   that can change the record (POST, PUT, PATCH, DELETE) needs a same-origin `Origin`
//!   (`http://` + the request's `Host`) or `Sec-Fetch-Site: same-origin`, and neither may say
//!   otherwise; and the per-launch token in `X-Vascalc-Token`, which only pages served by this
//!   launch know. Otherwise 403 with the reason.
//! - Every answer carries a Content-Security-Policy that allows only this origin's scripts,
//!   styles and images (no inline script), and may not be framed.

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::{Shared, TOKEN_HEADER};

/// The policy every answer carries.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// Whether `host` (a `Host` header value) names this computer at `port`.
pub fn local_host(host: &str, port: u16) -> bool {
    let (name, explicit_port) = if let Some(rest) = host.strip_prefix('[') {
        // [::1] or [::1]:PORT
        let Some(end) = rest.find(']') else {
            return false;
        };
        let name = &host[..end + 2];
        let after = &rest[end + 1..];
        let p = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return false,
        };
        (name, p)
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    let name_ok = name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]";
    let port_ok = match explicit_port {
        // Digits only: "+80" or " 80" are not ports.
        Some(p) => !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse() == Ok(port),
        None => port == 80,
    };
    name_ok && port_ok
}

fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Byte-wise comparison whose time does not depend on where the first difference is.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a state-changing request is refused, or `None` when it may go on. `host` is the
/// request's (already checked) `Host`.
pub fn refuse_write(headers: &HeaderMap, host: &str, token: &str) -> Option<&'static str> {
    let origin = headers.get(ORIGIN).map(HeaderValue::as_bytes);
    let fetch_site = headers.get("sec-fetch-site").map(HeaderValue::as_bytes);
    if let Some(o) = origin {
        let expected = format!("http://{host}");
        if !o.eq_ignore_ascii_case(expected.as_bytes()) {
            return Some("the request comes from another site (its Origin is not this server)");
        }
    }
    if let Some(s) = fetch_site
        && s != b"same-origin"
    {
        return Some("the request comes from another site (Sec-Fetch-Site is not same-origin)");
    }
    if origin.is_none() && fetch_site.is_none() {
        return Some(
            "a request that changes the record needs an Origin or Sec-Fetch-Site header naming \
             this server; browsers send one",
        );
    }
    match headers.get(TOKEN_HEADER) {
        None => Some(
            "a request that changes the record needs the X-Vascalc-Token header: the token is in \
             the page's <meta name=\"vascalc-token\"> and changes at every launch",
        ),
        Some(t) if !same_secret(t.as_bytes(), token.as_bytes()) => {
            Some("the X-Vascalc-Token header does not match this launch's token; reload the page")
        }
        Some(_) => None,
    }
}

/// The middleware: checks `Host`, then (for state-changing methods) origin and token, and adds
/// the security headers to every answer.
pub async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let mut response = if !local_host(host, state.port) {
        ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "misdirected",
            format!(
                "this server answers only requests addressed to localhost, 127.0.0.1 or [::1] \
                 at port {} (the Host header names another server)",
                state.port
            ),
        )
        .into_response()
    } else if let Some(reason) = changes_state(request.method())
        .then(|| refuse_write(request.headers(), host, &state.token))
        .flatten()
    {
        ApiError::forbidden(reason).into_response()
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_hosts_at_the_port_are_accepted() {
        for h in [
            "localhost:8080",
            "LocalHost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
        ] {
            assert!(local_host(h, 8080), "{h}");
        }
        assert!(local_host("localhost", 80));
        assert!(local_host("[::1]", 80));
    }

    #[test]
    fn foreign_or_malformed_hosts_are_refused() {
        for h in [
            "",
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example:8080",
            "127.0.0.2:8080",
            "0.0.0.0:8080",
            "localhost:8081",
            "localhost:+8080",
            "localhost:",
            "localhost",
            "[::1]x:8080",
            "[::2]:8080",
            "[::1:8080",
            "127.0.0.1:8080:1",
        ] {
            assert!(!local_host(h, 8080), "{h:?}");
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn writes_need_same_origin_and_the_token() {
        let host = "127.0.0.1:8080";
        let ok = headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("x-vascalc-token", "t0k"),
        ]);
        assert_eq!(refuse_write(&ok, host, "t0k"), None);
        let fetch = headers(&[
            ("sec-fetch-site", "same-origin"),
            ("x-vascalc-token", "t0k"),
        ]);
        assert_eq!(refuse_write(&fetch, host, "t0k"), None);
        let cases = [
            headers(&[("x-vascalc-token", "t0k")]),
            headers(&[("origin", "http://127.0.0.1:8080")]),
            headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("x-vascalc-token", "t0x"),
            ]),
            headers(&[
                ("origin", "http://evil.example"),
                ("x-vascalc-token", "t0k"),
            ]),
            headers(&[("origin", "null"), ("x-vascalc-token", "t0k")]),
            headers(&[
                ("origin", "http://localhost:8080"),
                ("x-vascalc-token", "t0k"),
            ]),
            headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "cross-site"),
                ("x-vascalc-token", "t0k"),
            ]),
            headers(&[("sec-fetch-site", "same-site"), ("x-vascalc-token", "t0k")]),
        ];
        for h in &cases {
            assert!(refuse_write(h, host, "t0k").is_some(), "{h:?}");
        }
    }

    #[test]
    fn secret_comparison() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"ab"));
    }
}
