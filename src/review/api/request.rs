//! What every API request goes through: the Host, Origin and token guard,
//! bodies read as exactly the documented JSON, field values parsed, and
//! errors answered as statuses with a message for people.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::source::Api;
use super::{BODY_LIMIT, ReviewConfig, TOKEN_HEADER};
use crate::claims::edit::EditError;
use crate::pipeline::content::{ArticleIdx, Stance, Status, Verdict};
use crate::pipeline::site::Site;
use crate::review::selection::SelectionError;

/// Why a request failed, as the HTTP status and a message for people.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A new claim would say what existing ones say (`POST claims`).
    #[error("{message}")]
    Similar { message: String, similar: Value },
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Similar { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = json!({ "error": self.to_string(), "status": status.as_u16() });
        if let ApiError::Similar { similar, .. } = self {
            body["similar"] = similar;
        }
        (status, axum::Json(body)).into_response()
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        let msg = e.to_string();
        match e {
            EditError::Conflict { .. } => ApiError::Conflict(msg),
            EditError::UnknownClaim(_) | EditError::UnknownEvidence { .. } => {
                ApiError::NotFound(msg)
            }
            EditError::Invalid { .. } => ApiError::BadRequest(msg),
            EditError::Read { .. }
            | EditError::Input(_)
            | EditError::Write { .. }
            | EditError::Parse { .. }
            | EditError::Unsafe { .. } => ApiError::Internal(msg),
        }
    }
}

impl From<SelectionError> for ApiError {
    fn from(e: SelectionError) -> Self {
        if e.is_stale() {
            ApiError::Conflict(e.to_string())
        } else {
            ApiError::BadRequest(e.to_string())
        }
    }
}

/// Host, Origin and token checks for every API request.
pub(super) async fn guard(State(api): State<Arc<Api>>, req: Request, next: Next) -> Response {
    match check_request(&api.config, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The preview is reached by an IP address or `localhost` (or a name the
/// user allowed): the check serve makes of every request
/// ([`crate::host::check_host`]), made again here so the API is safe on
/// any server.
fn check_request(config: &ReviewConfig, headers: &HeaderMap) -> Result<(), ApiError> {
    let host = crate::host::check_host(&config.hosts, headers).map_err(ApiError::Forbidden)?;
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
        if origin != format!("http://{host}") {
            return Err(ApiError::Forbidden(format!(
                "requests from `{origin}` may not use the review API"
            )));
        }
    }
    let token = headers
        .get(TOKEN_HEADER)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if !constant_time_eq(token, config.token.as_bytes()) {
        return Err(ApiError::Forbidden(
            "missing or wrong review token: reload the page served by crosscheck serve --review"
                .into(),
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The body as JSON of type `T`: at most [`BODY_LIMIT`] bytes, exactly
/// the fields `T` has.
pub(super) async fn read_json<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::BadRequest(format!(
            "the request body is larger than {} KiB",
            BODY_LIMIT / 1024
        ))
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("malformed request: {e}")))
}

/// Runs blocking file work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("review task failed: {e}")))?
}

pub(super) fn parse_stance(s: &str) -> Result<Stance, ApiError> {
    Stance::parse(s).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "unknown stance `{s}`: use supports, contradicts or mentions"
        ))
    })
}

pub(super) fn parse_verdict(s: &str) -> Result<Verdict, ApiError> {
    Verdict::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
        ApiError::BadRequest(format!("unknown verdict `{s}`: use {}", all.join(", ")))
    })
}

pub(super) fn parse_status(s: &str) -> Result<Status, ApiError> {
    Status::parse(s).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "unknown status `{s}`: use draft, in-review or approved"
        ))
    })
}

pub(super) fn article_index(site: &Site, id: &str) -> Result<ArticleIdx, ApiError> {
    site.article_idx(id)
        .ok_or_else(|| ApiError::NotFound(format!("no article `{id}`")))
}

pub(super) fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// Reads the body as `T`, runs `f` under the write lock on a blocking
/// thread, and answers its JSON or its error.
pub(super) async fn respond<T, F>(api: Arc<Api>, body: Body, f: F) -> Response
where
    T: DeserializeOwned + Send + 'static,
    F: FnOnce(&Api, &std::path::Path, T) -> Result<Value, ApiError> + Send + 'static,
{
    let req: T = match read_json(body).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let _lock = api.write.lock().await;
    let api = api.clone();
    match blocking(move || f(&api, &api.config.root.clone(), req)).await {
        Ok(v) => ok(v),
        Err(e) => e.into_response(),
    }
}
