//! One error type for every API answer that is not a success.
//!
//! The body is always JSON: `{"error": KIND, "reason": TEXT}` plus `"field"` when one input field
//! is at fault (422). Kinds: `invalid` (422), `bad_request` (400), `forbidden` (403),
//! `misdirected` (421), `not_found` (404), `method_not_allowed` (405), `conflict` (409),
//! `too_large` (413), `unsupported_media_type` (415), `storage` and `internal` (500).

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An API error: the status, a kind, the reason in words and, for invalid input, the field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    #[serde(rename = "error")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
    /// The value is implausible but may be confirmed (an implausible dose): sending the request
    /// again with `confirm` records it. Serialised only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_confirmation: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, reason: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            field: None,
            reason: reason.into(),
            needs_confirmation: false,
        }
    }

    /// 422: `field` holds a value that is not acceptable, for `reason`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", reason)
        }
    }

    pub fn not_found(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", reason)
    }

    pub fn conflict(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", reason)
    }

    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", reason)
    }

    pub fn internal(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", reason)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

/// A path that no route serves: JSON under `/api/`, a small HTML page elsewhere.
pub async fn not_found_fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        ApiError::not_found("no such API route; the routes are listed at /api/openapi.json")
            .into_response()
    } else {
        crate::pages::not_found().into_response()
    }
}

/// A route that exists but does not answer this method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not answer this method; see /api/openapi.json",
    )
}

/// `Json<T>` whose rejections are [`ApiError`]s (bad JSON 400, wrong shape 422, no JSON content
/// type 415, over the body limit 413).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let status = rejection.status();
    let kind = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        _ => "bad_request",
    };
    let reason = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the request body is larger than the limit of {} bytes",
            crate::BODY_LIMIT
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "send the body as JSON with Content-Type: application/json".to_string()
        }
        _ => rejection.body_text(),
    };
    let mut e = ApiError::new(status, kind, reason);
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        e.field = Some(field_of(&e.reason));
    }
    e
}

/// The field serde names in "missing field `x`" / "unknown field `x`", or "body".
fn field_of(text: &str) -> String {
    for marker in ["field `", "variant `"] {
        if let Some(start) = text.find(marker) {
            let rest = &text[start + marker.len()..];
            if let Some(end) = rest.find('`') {
                return rest[..end].to_string();
            }
        }
    }
    // "foo.bar: invalid type …" (path-aware messages)
    "body".to_string()
}

/// `Query<T>` whose rejections are [`ApiError`]s (422 naming the parameter when serde does).
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    let text = rejection.body_text();
    let field = field_of(&text);
    let field = if field == "body" {
        "query".to_string()
    } else {
        field
    };
    ApiError::invalid(field, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_field_names_are_found() {
        assert_eq!(
            field_of("missing field `value` at line 1 column 2"),
            "value"
        );
        assert_eq!(field_of("unknown field `valu`, expected `value`"), "valu");
        assert_eq!(field_of("expected value at line 1 column 1"), "body");
    }

    #[test]
    fn invalid_serialises_field_and_reason() {
        let e = ApiError::invalid("q", "the search query is empty");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["error"], "invalid");
        assert_eq!(v["field"], "q");
        assert_eq!(v["reason"], "the search query is empty");
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
