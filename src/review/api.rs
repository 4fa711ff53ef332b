//! The HTTP review API of `crosscheck serve --review`, as an axum
//! [`Router`] that serve merges into its own.
//!
//! Every endpoint lives under `/__crosscheck/review/api/` and answers JSON. Each
//! request must
//!
//! - carry the per-run secret token in the `X-Crosscheck-Token` header (the
//!   review script reads it from the page it was injected into);
//! - name the preview itself in `Host` — an IP address or `localhost`, so
//!   no DNS rebinding — and, when the browser sends one, in `Origin` (no
//!   other web page can write through the reviewer's browser);
//!
//! and is refused with 403 otherwise. Bodies are at most [`BODY_LIMIT`]
//! bytes of JSON with exactly the documented fields; anything else is a 400
//! with a message, and the claims file is untouched. Writes name the
//! `version` of the claims files the page was loaded with and are refused
//! with 409 when the files changed since.
//!
//! | method | path | body | does |
//! | --- | --- | --- | --- |
//! | GET | `state[?article=ID]` | | version, claims with evidence and sign-off state; with `article`, suggestions for its unlinked statements |
//! | POST | `evidence` | `version, claim, article, selection, stance, note?` | adds the selection as evidence |
//! | POST | `claims` | `version, text, verdict?, evidence?` | creates a claim (id from its text), optionally with the selection as evidence |
//! | PATCH | `claims/{id}` | `version, verdict?, summary?, status?` | changes fields |
//! | DELETE | `claims/{id}/evidence/{n}` | `version` | removes evidence `n` (0-based, file order) |
//! | POST | `claims/{id}/signoff` | `version, fingerprint?, reviewer?, date?` | approves with reviewer, date and fingerprint |
//! | POST | `suggestions/accept` | `version, article, statement, claim, stance` | adds the whole statement as evidence |
//! | POST | `suggestions/reject` | `article, statement, claim` | remembers the rejection in `content/review/rejected.toml` |

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::claims::signoff::{self, SignoffState};
use crate::content::{Stance, Status, Verdict};
use crate::review::ClaimsFiles;
use crate::review::edit::{self, EditError, Field, NewEvidence};
use crate::review::rejected::{self, Rejected};
use crate::review::selection::{self, Selection, SelectionError};
use crate::site::{self, BuildOptions, Site};

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The header carrying the secret token.
pub const TOKEN_HEADER: &str = "x-crosscheck-token";
/// Where the API and the review assets are served (serve itself uses
/// other paths under `/__crosscheck/`).
pub const PREFIX: &str = "/__crosscheck/review";

/// The review script and style, embedded in the binary.
pub const SCRIPT: &str = include_str!("review.js");
pub const STYLE: &str = include_str!("review.css");

/// How the API is set up for one run of serve.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    pub root: PathBuf,
    /// The per-run secret; see [`new_token`].
    pub token: String,
    /// Default reviewer name for sign-off (`--reviewer`).
    pub reviewer: Option<String>,
    /// Host names (without port) the preview may be reached by besides IP
    /// addresses and `localhost`.
    pub hosts: Vec<String>,
}

/// A fresh random token: 32 bytes from the operating system, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to hashing what varies per run.
        use std::hash::{BuildHasher, Hasher};
        let mut h = blake3::Hasher::new();
        for _ in 0..4 {
            let mut s = std::collections::hash_map::RandomState::new().build_hasher();
            s.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            h.update(&s.finish().to_le_bytes());
        }
        h.update(&std::process::id().to_le_bytes());
        bytes = *h.finalize().as_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tags that load the review script into a page, carrying the token.
pub fn script_tags(token: &str) -> String {
    format!(
        "<link rel=\"stylesheet\" href=\"{PREFIX}/review.css\">\n<script src=\"{PREFIX}/review.js\" data-crosscheck-token=\"{token}\" defer></script>\n"
    )
}

/// Turns review mode on for a run of `crosscheck serve`: the API and
/// assets are merged into its routes and every page it serves loads the
/// review script with a fresh token. The reviewer name comes from
/// `reviewer`, else `$CROSSCHECK_REVIEWER`.
pub fn enable(options: &mut crate::serve::ServeOptions, reviewer: Option<String>) {
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    let token = new_token();
    let reviewer = reviewer
        .or_else(|| std::env::var("CROSSCHECK_REVIEWER").ok())
        .filter(|r| !r.trim().is_empty());
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: review mode on {}: anyone who can open the preview can edit the claims file",
            options.bind
        );
    }
    eprintln!(
        "review mode: select text on an article page to link it to a claim; changes are written to the claims file{}",
        match &reviewer {
            Some(r) => format!(" (signing off as {r})"),
            None => " (give --reviewer NAME to sign off)".into(),
        }
    );
    let config = ReviewConfig {
        root,
        token: token.clone(),
        reviewer,
        hosts: options.hosts.clone(),
    };
    let extra = router(config);
    options.extra_routes = Some(match options.extra_routes.take() {
        Some(r) => r.merge(extra),
        None => extra,
    });
    let tags = script_tags(&token);
    let previous = options.inject_html.take();
    options.inject_html = Some(Arc::new(move |path: &str| {
        let mut html = previous.as_ref().map(|p| p(path)).unwrap_or_default();
        html.push_str(&tags);
        html
    }));
}

struct Api {
    config: ReviewConfig,
    /// One write at a time, so two tabs cannot interleave edits.
    write: tokio::sync::Mutex<()>,
}

/// The review API and its assets, ready to merge into serve's router.
pub fn router(config: ReviewConfig) -> Router {
    let api = Arc::new(Api {
        config,
        write: tokio::sync::Mutex::new(()),
    });
    let guarded = Router::new()
        .route("/state", get(get_state))
        .route("/evidence", post(add_evidence))
        .route("/claims", post(create_claim))
        .route("/claims/{id}", patch(update_claim))
        .route(
            "/claims/{id}/evidence/{index}",
            axum::routing::delete(remove_evidence),
        )
        .route("/claims/{id}/signoff", post(sign_off))
        .route("/suggestions/accept", post(accept_suggestion))
        .route("/suggestions/reject", post(reject_suggestion))
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .layer(middleware::from_fn_with_state(api.clone(), guard))
        .with_state(api);
    Router::new()
        .nest(&format!("{PREFIX}/api"), guarded)
        .route(&format!("{PREFIX}/review.js"), get(script))
        .route(&format!("{PREFIX}/review.css"), get(style))
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Why a request failed, as the HTTP status and a message for people.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
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
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = json!({ "error": self.to_string(), "status": status.as_u16() });
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
async fn guard(State(api): State<Arc<Api>>, req: Request, next: Next) -> Response {
    match check_request(&api.config, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The preview is reached by an IP address or `localhost` (or a name the
/// user allowed): the check serve makes of every request
/// ([`crate::serve::check_host`]), made again here so the API is safe on
/// any server.
fn check_request(config: &ReviewConfig, headers: &HeaderMap) -> Result<(), ApiError> {
    let host = crate::serve::check_host(&config.hosts, headers).map_err(ApiError::Forbidden)?;
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
async fn read_json<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
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
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("review task failed: {e}")))?
}

fn compile(root: &std::path::Path) -> Result<Site, ApiError> {
    let (site, diags) = site::compile(root, BuildOptions { drafts: true });
    site.ok_or_else(|| {
        ApiError::Internal(format!(
            "the content cannot be loaded:\n{}",
            diags.render(false)
        ))
    })
}

fn parse_stance(s: &str) -> Result<Stance, ApiError> {
    Stance::parse(s).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "unknown stance `{s}`: use supports, contradicts or mentions"
        ))
    })
}

fn parse_verdict(s: &str) -> Result<Verdict, ApiError> {
    Verdict::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
        ApiError::BadRequest(format!("unknown verdict `{s}`: use {}", all.join(", ")))
    })
}

fn parse_status(s: &str) -> Result<Status, ApiError> {
    Status::parse(s).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "unknown status `{s}`: use draft, in-review or approved"
        ))
    })
}

fn article_index(site: &Site, id: &str) -> Result<usize, ApiError> {
    site.articles
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("no article `{id}`")))
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// Reads the claims files and checks the client's version.
fn files_at(root: &std::path::Path, version: &str) -> Result<ClaimsFiles, ApiError> {
    let files = ClaimsFiles::read(root)?;
    files.check_version(version)?;
    Ok(files)
}

fn new_version(root: &std::path::Path) -> Result<String, ApiError> {
    Ok(ClaimsFiles::read(root)?.version())
}

// ---------------------------------------------------------------------------
// GET state
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct StateQuery {
    article: Option<String>,
}

async fn get_state(State(api): State<Arc<Api>>, Query(q): Query<StateQuery>) -> Response {
    let root = api.config.root.clone();
    let reviewer = api.config.reviewer.clone();
    let result = blocking(move || state(&root, reviewer, q.article.as_deref())).await;
    match result {
        Ok(v) => ok(v),
        Err(e) => e.into_response(),
    }
}

fn state(
    root: &std::path::Path,
    reviewer: Option<String>,
    article: Option<&str>,
) -> Result<Value, ApiError> {
    // The version first: what the page may write against.
    let version = ClaimsFiles::read(root)?.version();
    let site = compile(root)?;
    let claims: Vec<Value> = site
        .claims
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let fingerprint = signoff::for_site(&site, ci);
            let state = if site.lapse(&c.id).is_some() {
                SignoffState::Lapsed
            } else {
                SignoffState::for_site(&site, ci)
            };
            let status = if state == SignoffState::Lapsed {
                Status::Approved
            } else {
                c.status
            };
            let evidence: Vec<Value> = c
                .evidence
                .iter()
                .enumerate()
                .map(|(ei, e)| {
                    let r = site.graph.evidence[ci].iter().find(|r| r.evidence == ei);
                    let statements: Vec<&str> = r
                        .map(|r| {
                            (r.statement..r.statement_end)
                                .map(|si| site.docs[r.article].statement_id(si))
                                .collect()
                        })
                        .unwrap_or_default();
                    json!({
                        "index": ei,
                        "article": e.article,
                        "quote": e.quote,
                        "stance": e.stance,
                        "note": e.note,
                        "occurrence": e.occurrence,
                        "anchored": r.is_some(),
                        "statements": statements,
                    })
                })
                .collect();
            json!({
                "id": c.id,
                "text": c.text,
                "verdict": c.verdict,
                "summary": c.summary,
                "status": status,
                "reviewer": c.reviewer,
                "reviewed": c.reviewed,
                "signoff": state,
                "fingerprint": fingerprint,
                "file": c.file.name,
                "evidence": evidence,
            })
        })
        .collect();
    let mut out = json!({
        "version": version,
        "reviewer": reviewer,
        "today": edit::today(),
        "verdicts": Verdict::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        "claims": claims,
    });
    if let Some(article) = article {
        let ai = article_index(&site, article)?;
        let rejected = Rejected::load(root)?;
        let index = crate::suggest::Index::new(&site);
        let doc = &site.docs[ai];
        let linked: Vec<bool> = site
            .graph
            .article_links(ai)
            .map(|l| !l.is_empty())
            .collect();
        let suggestions: Vec<Value> = (0..doc.statements.len())
            .filter(|&si| !linked[si])
            .filter_map(|si| {
                let claims = crate::suggest::for_statement(&index, &rejected, ai, si, 3);
                (!claims.is_empty()).then(|| {
                    json!({
                        "statement": doc.statement_id(si),
                        "claims": claims,
                    })
                })
            })
            .collect();
        out["article"] = json!(article);
        out["suggestions"] = json!(suggestions);
        out["linked"] = json!(
            doc.statements
                .iter()
                .zip(&linked)
                .filter(|(_, l)| **l)
                .map(|(s, _)| doc.id_of(s))
                .collect::<Vec<_>>()
        );
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddEvidence {
    version: String,
    claim: String,
    article: String,
    selection: Selection,
    stance: String,
    #[serde(default)]
    note: Option<String>,
}

async fn add_evidence(State(api): State<Arc<Api>>, body: Body) -> Response {
    respond(api, body, |root, req: AddEvidence| {
        let stance = parse_stance(&req.stance)?;
        let files = files_at(root, &req.version)?;
        let site = compile(root)?;
        let ai = article_index(&site, &req.article)?;
        let q = selection::quote_for(&site.docs[ai], &req.selection)?;
        let mut file = files.file_of(&req.claim)?;
        let index = file.add_evidence(
            &req.claim,
            &NewEvidence {
                article: req.article.clone(),
                quote: q.quote.clone(),
                stance,
                note: req.note,
                occurrence: q.occurrence,
            },
        )?;
        files.commit(&file)?;
        Ok(json!({
            "version": new_version(root)?,
            "claim": req.claim,
            "index": index,
            "quote": q.quote,
            "occurrence": q.occurrence,
            "file": file.name(),
        }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectionEvidence {
    article: String,
    selection: Selection,
    stance: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateClaim {
    version: String,
    text: String,
    #[serde(default)]
    verdict: Option<String>,
    #[serde(default)]
    evidence: Option<SelectionEvidence>,
}

async fn create_claim(State(api): State<Arc<Api>>, body: Body) -> Response {
    respond(api, body, |root, req: CreateClaim| {
        let verdict = match &req.verdict {
            Some(v) => parse_verdict(v)?,
            None => Verdict::Unverified,
        };
        let files = files_at(root, &req.version)?;
        let evidence = match &req.evidence {
            Some(e) => {
                let stance = parse_stance(&e.stance)?;
                let site = compile(root)?;
                let ai = article_index(&site, &e.article)?;
                let q = selection::quote_for(&site.docs[ai], &e.selection)?;
                Some(NewEvidence {
                    article: e.article.clone(),
                    quote: q.quote,
                    stance,
                    note: e.note.clone(),
                    occurrence: q.occurrence,
                })
            }
            None => None,
        };
        let taken = files.all_ids()?;
        let mut file = files.main_file()?;
        let id = file.create_claim(&req.text, verdict, &taken, evidence.as_ref())?;
        if let Some(dir) = root.join(file.name()).parent() {
            std::fs::create_dir_all(dir).map_err(|e| ApiError::Internal(e.to_string()))?;
        }
        files.commit(&file)?;
        Ok(json!({ "version": new_version(root)?, "id": id, "file": file.name() }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateClaim {
    version: String,
    #[serde(default)]
    verdict: Option<String>,
    /// `""` removes the summary.
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

async fn update_claim(State(api): State<Arc<Api>>, Path(id): Path<String>, body: Body) -> Response {
    respond(api, body, move |root, req: UpdateClaim| {
        let mut fields = Vec::new();
        if let Some(v) = &req.verdict {
            fields.push(Field::Verdict(parse_verdict(v)?));
        }
        if let Some(s) = &req.summary {
            fields.push(Field::Summary(Some(s.clone())));
        }
        if let Some(s) = &req.status {
            let status = parse_status(s)?;
            if status == Status::Approved {
                return Err(ApiError::BadRequest(
                    "approve a claim by signing it off (POST claims/{id}/signoff), which records reviewer, date and fingerprint".into(),
                ));
            }
            fields.push(Field::Status(status));
        }
        if fields.is_empty() {
            return Err(ApiError::BadRequest(
                "nothing to change: give verdict, summary or status".into(),
            ));
        }
        let files = files_at(root, &req.version)?;
        let mut file = files.file_of(&id)?;
        for f in fields {
            file.set_field(&id, f)?;
        }
        files.commit(&file)?;
        Ok(json!({ "version": new_version(root)?, "claim": id }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionOnly {
    version: String,
}

async fn remove_evidence(
    State(api): State<Arc<Api>>,
    Path((id, index)): Path<(String, usize)>,
    body: Body,
) -> Response {
    respond(api, body, move |root, req: VersionOnly| {
        let files = files_at(root, &req.version)?;
        let mut file = files.file_of(&id)?;
        let quote = file.remove_evidence(&id, index)?;
        files.commit(&file)?;
        Ok(json!({ "version": new_version(root)?, "claim": id, "removed": quote }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignOff {
    version: String,
    /// The fingerprint the page showed: refused if the evidence changed.
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(default)]
    reviewer: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

async fn sign_off(State(api): State<Arc<Api>>, Path(id): Path<String>, body: Body) -> Response {
    let default_reviewer = api.config.reviewer.clone();
    respond(api, body, move |root, req: SignOff| {
        let reviewer = req
            .reviewer
            .filter(|r| !r.trim().is_empty())
            .or(default_reviewer)
            .ok_or_else(|| {
                ApiError::BadRequest(
                    "sign-off needs a reviewer name: start serve with --reviewer NAME or type it in"
                        .into(),
                )
            })?;
        let files = files_at(root, &req.version)?;
        let site = compile(root)?;
        let ci = site
            .claims
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| ApiError::NotFound(format!("no claim `{id}`")))?;
        let claim = &site.claims[ci];
        let anchored = site.graph.evidence[ci].len();
        if anchored < claim.evidence.len() {
            return Err(ApiError::BadRequest(format!(
                "{} of the evidence of `{id}` does not anchor in its article; fix it before signing off",
                claim.evidence.len() - anchored
            )));
        }
        let fingerprint = signoff::for_site(&site, ci);
        if req.fingerprint.as_ref().is_some_and(|f| *f != fingerprint) {
            return Err(ApiError::Conflict(
                "the claim or its evidence changed since the page was loaded; reload and review it again".into(),
            ));
        }
        let date = req.date.unwrap_or_else(edit::today);
        let mut file = files.file_of(&id)?;
        file.sign_off(&id, reviewer.trim(), &date, &fingerprint)?;
        files.commit(&file)?;
        Ok(json!({
            "version": new_version(root)?,
            "claim": id,
            "fingerprint": fingerprint,
            "reviewer": reviewer.trim(),
            "reviewed": date,
        }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Accept {
    version: String,
    article: String,
    statement: String,
    claim: String,
    stance: String,
}

async fn accept_suggestion(State(api): State<Arc<Api>>, body: Body) -> Response {
    respond(api, body, |root, req: Accept| {
        let stance = parse_stance(&req.stance)?;
        let files = files_at(root, &req.version)?;
        let site = compile(root)?;
        let ai = article_index(&site, &req.article)?;
        let doc = &site.docs[ai];
        let si = doc.statement_index(&req.statement).ok_or_else(|| {
            ApiError::from(SelectionError::UnknownStatement(req.statement.clone()))
        })?;
        let q = selection::quote_statement(doc, si)?;
        let mut file = files.file_of(&req.claim)?;
        let index = file.add_evidence(
            &req.claim,
            &NewEvidence {
                article: req.article.clone(),
                quote: q.quote.clone(),
                stance,
                note: None,
                occurrence: q.occurrence,
            },
        )?;
        files.commit(&file)?;
        Ok(json!({
            "version": new_version(root)?,
            "claim": req.claim,
            "index": index,
            "quote": q.quote,
        }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reject {
    article: String,
    statement: String,
    claim: String,
}

async fn reject_suggestion(State(api): State<Arc<Api>>, body: Body) -> Response {
    let reviewer = api.config.reviewer.clone();
    respond(api, body, move |root, req: Reject| {
        let site = compile(root)?;
        let ai = article_index(&site, &req.article)?;
        let doc = &site.docs[ai];
        let si = doc.statement_index(&req.statement).ok_or_else(|| {
            ApiError::from(SelectionError::UnknownStatement(req.statement.clone()))
        })?;
        if !site.claims.iter().any(|c| c.id == req.claim) {
            return Err(ApiError::NotFound(format!("no claim `{}`", req.claim)));
        }
        rejected::add(
            root,
            &req.claim,
            &req.article,
            doc.statement_text(si),
            reviewer.as_deref(),
            &edit::today(),
        )?;
        Ok(json!({ "rejected": true, "file": rejected::FILE }))
    })
    .await
}

/// Reads the body as `T`, runs `f` under the write lock on a blocking
/// thread, and answers its JSON or its error.
async fn respond<T, F>(api: Arc<Api>, body: Body, f: F) -> Response
where
    T: DeserializeOwned + Send + 'static,
    F: FnOnce(&std::path::Path, T) -> Result<Value, ApiError> + Send + 'static,
{
    let req: T = match read_json(body).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let _lock = api.write.lock().await;
    let root = api.config.root.clone();
    match blocking(move || f(&root, req)).await {
        Ok(v) => ok(v),
        Err(e) => e.into_response(),
    }
}
