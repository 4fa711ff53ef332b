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
//! | GET | `state[?article=ID&claims=all\|cited\|none][?claim=ID]` | | version, claims with evidence, sign-off state and what changed since; with `article`, suggestions for its unlinked statements |
//! | POST | `rank` | `article, selection \| statement, filter?, limit?` | the quote a selection makes, and the claims ranked for it |
//! | POST | `evidence` | `version, claim, article, selection, stance, note?` | adds the selection as evidence |
//! | POST | `claims` | `version, text, verdict?, evidence?, allow_similar?` | creates a claim (id from its text), optionally with the selection as evidence; 422 when a claim says the same |
//! | PATCH | `claims/{id}` | `version, verdict?, summary?, status?, update?` | changes fields; a signed-off verdict changes only with an update note |
//! | DELETE | `claims/{id}/evidence/{n}` | `version` | removes evidence `n` (0-based, file order) |
//! | POST | `claims/{id}/signoff` | `version, fingerprint?, reviewer?, date?, update?` | approves with reviewer, date and fingerprint |
//! | POST | `suggestions/accept` | `version, article, statement, claim, stance` | adds the whole statement as evidence |
//! | POST | `suggestions/reject` | `article, statement, claim` | remembers the rejection in `content/review/rejected.toml` |
//!
//! # Where the answers come from
//!
//! Run inside `serve`, the API reads the site serve compiled last (a
//! [`SiteCell`]), once it is the site of the claims files on disk (it waits
//! for a rebuild in progress), and ranks with term statistics kept up to
//! date with each compile ([`Terms::update`]). Writes never wait for a
//! rebuild: they edit the claim's own table in the file
//! ([`super::sections`]), read the articles they quote from the compiled
//! site when the file on disk is the one compiled (else from the file), and
//! compute a sign-off's fingerprint from the claim as the file has it.
//! Without a cell (the API on its own), each read compiles the project
//! from disk.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

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

use crate::claims::edit::{self, EditError, Field, NewEvidence, NewUpdate};
use crate::claims::signoff::{self, Change, Print, SignoffState};
use crate::compiled::SiteCell;
use crate::content::{self, Article, Claim, Stance, Status, Verdict};
use crate::diag::Diagnostics;
use crate::document::{self, Doc};
use crate::review::ClaimsFiles;
use crate::review::selection::{self, Selection, SelectionError};
use crate::site::{self, BuildOptions, Site};
use crate::suggest::rejected::{self, Rejected};
use crate::suggest::{Index, Terms};

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

/// How long a read waits for the preview to compile the claims files on
/// disk (a rebuild after a save) before it compiles them itself.
const VIEW_PATIENCE: Duration = Duration::from_secs(30);

/// Claims offered for a selection at most.
const RANK_LIMIT: usize = 40;

/// How the API is set up for one run of serve.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    /// The project folder, resolved ([`crate::project::Project::root`]).
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

/// The tags that load the review script into a page, carrying the token
/// and the reviewer's name (shown in the panel's "Review mode" marker).
pub fn script_tags(token: &str, reviewer: Option<&str>) -> String {
    let name = reviewer
        .map(|r| format!(" data-reviewer=\"{}\"", crate::text::escape_html(r)))
        .unwrap_or_default();
    format!(
        "<link rel=\"stylesheet\" href=\"{PREFIX}/review.css\">\n<script src=\"{PREFIX}/review.js\" data-crosscheck-token=\"{token}\"{name} defer></script>\n"
    )
}

/// Extra HTML for each served page, given its path in the site.
pub type Inject = dyn Fn(&str) -> String + Send + Sync;

/// Review mode for one run of `crosscheck serve`: routes to merge into
/// the server's, HTML for every page it serves (the review script with a
/// fresh token), and the cell the server publishes each compiled site to.
pub struct ReviewMode {
    pub routes: Router,
    pub inject: Arc<Inject>,
    pub cell: Arc<SiteCell>,
}

impl ReviewMode {
    /// Review mode for `project`, served on `bind` and reached
    /// by `hosts` besides IP addresses and `localhost`. The reviewer name
    /// comes from `reviewer`, else `$CROSSCHECK_REVIEWER`.
    pub fn new(
        project: &crate::project::Project,
        reviewer: Option<String>,
        hosts: Vec<String>,
        bind: IpAddr,
    ) -> ReviewMode {
        let root = project.root().to_path_buf();
        let token = new_token();
        let reviewer = reviewer
            .or_else(|| std::env::var("CROSSCHECK_REVIEWER").ok())
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if !bind.is_loopback() {
            eprintln!(
                "warning: review mode on {bind}: anyone who can open the preview can edit the claims file"
            );
        }
        eprintln!(
            "review mode: select text on an article page and press Alt+Shift+R (or r) to link it to a claim; changes are written to the claims file{}",
            match &reviewer {
                Some(r) => format!(" (signing off as {r})"),
                None => " (give --reviewer NAME to sign off)".into(),
            }
        );
        let tags = script_tags(&token, reviewer.as_deref());
        let config = ReviewConfig {
            root,
            token,
            reviewer,
            hosts,
        };
        let cell = SiteCell::new();
        let api = Api::new(config, Some(cell.clone()));
        api.keep_terms_current();
        ReviewMode {
            routes: routes(api),
            inject: Arc::new(move |_path: &str| tags.clone()),
            cell,
        }
    }
}

/// The API's state for one run.
struct Api {
    config: ReviewConfig,
    /// One write at a time, so two tabs cannot interleave edits.
    write: tokio::sync::Mutex<()>,
    /// The preview's compiled sites; `None`: compile from disk per read.
    cell: Option<Arc<SiteCell>>,
    /// Term statistics of the site of one generation of the cell.
    terms: std::sync::Mutex<Option<(u64, Arc<Terms>)>>,
    /// `state`'s claims, as JSON, for one generation of the cell.
    claims_json: std::sync::Mutex<Option<(u64, Arc<str>)>>,
}

impl Api {
    fn new(config: ReviewConfig, cell: Option<Arc<SiteCell>>) -> Arc<Api> {
        Arc::new(Api {
            config,
            write: tokio::sync::Mutex::new(()),
            cell,
            terms: std::sync::Mutex::new(None),
            claims_json: std::sync::Mutex::new(None),
        })
    }

    /// Brings the term statistics up to date after every compile, in the
    /// background, so the first request after a rebuild finds them ready.
    fn keep_terms_current(self: &Arc<Api>) {
        let Some(cell) = self.cell.clone() else {
            return;
        };
        let api = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("crosscheck-review-terms".into())
            .spawn(move || {
                let mut seen = 0;
                loop {
                    let Some(c) = cell.wait_for(Duration::from_secs(3600), |c| c.generation > seen)
                    else {
                        continue;
                    };
                    seen = c.generation;
                    let Some(api) = api.upgrade() else {
                        return;
                    };
                    api.terms_for(c.generation, &c.site);
                }
            });
        if let Err(e) = spawned {
            eprintln!("warning: review mode ranks claims on demand only: {e}");
        }
    }

    /// The term statistics of `site`, the cell's generation `generation`.
    fn terms_for(&self, generation: u64, site: &Site) -> Arc<Terms> {
        let mut held = self
            .terms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match held.as_mut() {
            Some((g, t)) if *g == generation => t.clone(),
            // A later generation is being served already: keep it.
            Some((g, _)) if *g > generation => Arc::new(Terms::new(site)),
            Some((g, t)) => {
                Arc::make_mut(t).update(site);
                *g = generation;
                t.clone()
            }
            None => {
                let t = Arc::new(Terms::new(site));
                *held = Some((generation, t.clone()));
                t
            }
        }
    }

    /// The site of the claims files on disk now, and their version: the
    /// preview's when it compiled exactly these files (waiting for a
    /// rebuild in progress), else compiled from disk.
    fn view(&self) -> Result<View, ApiError> {
        let root = &self.config.root;
        if let Some(cell) = &self.cell {
            let deadline = Instant::now() + VIEW_PATIENCE;
            loop {
                let version = ClaimsFiles::read(root)?.version();
                // A save may come meanwhile: look at the files again now
                // and then.
                let step = deadline
                    .saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(500));
                let found = cell.wait_for(step, |c| {
                    c.claims_version.as_deref() == Some(version.as_str())
                });
                if let Some(c) = found {
                    return Ok(View {
                        site: c.site.clone(),
                        generation: Some(c.generation),
                        version,
                    });
                }
                if cell.has_no_site() || Instant::now() >= deadline {
                    break;
                }
            }
        }
        let version = ClaimsFiles::read(root)?.version();
        Ok(View {
            site: Arc::new(self.compile()?),
            generation: None,
            version,
        })
    }

    /// Loads and compiles the project from disk: what the preview's site
    /// saves. Counted in the cell ([`SiteCell::disk_compiles`]).
    fn compile(&self) -> Result<Site, ApiError> {
        if let Some(cell) = &self.cell {
            cell.count_disk_compile();
        }
        let (site, diags) = site::compile(&self.config.root, BuildOptions { drafts: true });
        site.ok_or_else(|| {
            ApiError::Internal(format!(
                "the content cannot be loaded:\n{}",
                diags.render(false)
            ))
        })
    }

    /// The term statistics of a view's site.
    fn terms(&self, view: &View) -> Arc<Terms> {
        match view.generation {
            Some(g) => self.terms_for(g, &view.site),
            None => Arc::new(Terms::new(&view.site)),
        }
    }

    /// Article `id` and its text as the file on disk has it now: the
    /// preview's compiled doc when the file is the one compiled, else the
    /// file parsed on its own.
    fn article(&self, id: &str) -> Result<ArticleDoc, ApiError> {
        if !content::is_valid_id(id) {
            return Err(ApiError::NotFound(format!("no article `{id}`")));
        }
        let root = &self.config.root;
        let path = root
            .join("content")
            .join("articles")
            .join(format!("{id}.md"));
        let project = crate::input::Project::new(root);
        let bytes = project.read(&path, false).map_err(|e| {
            if e.is_not_found() {
                ApiError::NotFound(format!("no article `{id}`"))
            } else {
                ApiError::Internal(e.to_string())
            }
        })?;
        let mut d = Diagnostics::default();
        let file = content::source_from_bytes(project.name(&path), bytes, &mut d)
            .ok_or_else(|| ApiError::BadRequest(d.render(false)))?;
        if let Some(c) = self.cell.as_ref().and_then(|cell| cell.current()) {
            if let Some(ai) = c.site.articles.iter().position(|a| a.id == id) {
                if c.site.articles[ai].file.text == file.text {
                    return Ok(ArticleDoc::Shared(c.site.clone(), ai));
                }
            }
        }
        let article = content::parse_article(file, &mut d).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "article `{id}` has errors; fix them first:\n{}",
                d.render(false)
            ))
        })?;
        // Split as the site does, or statement ids would not match its pages.
        let language = match self.cell.as_ref().and_then(|cell| cell.current()) {
            Some(c) => c.site.config.language.clone(),
            None => {
                let site_toml = root.join("content").join("site.toml");
                content::load_site_config(root, &site_toml, &mut Diagnostics::default())
                    .map_or_else(|| "en".to_string(), |c| c.language)
            }
        };
        let doc = document::parse_in(&article.body, crate::statements::Language::of(&language));
        Ok(ArticleDoc::Fresh(Box::new((article, doc))))
    }

    /// The fingerprint of `claim` as the claims file has it, its evidence
    /// anchored in the articles on disk. Refused when some of it does not
    /// anchor: a sign-off vouches for every piece.
    fn fingerprint_of(&self, claim: &Claim) -> Result<String, ApiError> {
        let mut ids: Vec<&str> = claim.evidence.iter().map(|e| e.article.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut articles = Vec::with_capacity(ids.len());
        let mut docs = Vec::with_capacity(ids.len());
        for id in &ids {
            let a = self.article(id).map_err(|e| match e {
                ApiError::NotFound(m) => ApiError::BadRequest(format!(
                    "`{}` cannot be signed off: its evidence names {m}",
                    claim.id
                )),
                e => e,
            })?;
            articles.push(a.article().clone());
            docs.push(a.doc().clone());
        }
        let mut d = Diagnostics::default();
        let anchors =
            crate::graph::anchor_evidence(&articles, &docs, std::slice::from_ref(claim), &mut d);
        let row = &anchors[0];
        let missing = row.iter().filter(|a| a.is_none()).count();
        if missing > 0 {
            return Err(ApiError::BadRequest(format!(
                "{missing} of the evidence of `{}` is not found in its article; fix it before signing off",
                claim.id
            )));
        }
        Ok(signoff::fingerprint(claim, |ei| {
            let anchor = row.get(ei)?.as_ref()?;
            let ai = ids
                .binary_search(&claim.evidence[ei].article.as_str())
                .ok()?;
            Some(signoff::anchored_text(&docs[ai], anchor))
        }))
    }
}

/// A site to answer from and the version of the claims files it is of.
struct View {
    site: Arc<Site>,
    /// The cell's generation; `None` when compiled for this request.
    generation: Option<u64>,
    version: String,
}

/// An article and its doc: the compiled site's, or parsed for a request.
enum ArticleDoc {
    Shared(Arc<Site>, usize),
    Fresh(Box<(Article, Doc)>),
}

impl ArticleDoc {
    fn article(&self) -> &Article {
        match self {
            ArticleDoc::Shared(site, ai) => &site.articles[*ai],
            ArticleDoc::Fresh(b) => &b.0,
        }
    }

    fn doc(&self) -> &Doc {
        match self {
            ArticleDoc::Shared(site, ai) => &site.docs[*ai],
            ArticleDoc::Fresh(b) => &b.1,
        }
    }
}

/// The review API and its assets on their own, compiling the project
/// from disk for every read (serve's review mode uses [`ReviewMode`]).
pub fn router(config: ReviewConfig) -> Router {
    routes(Api::new(config, None))
}

/// [`router`], reading the sites `cell` receives.
pub fn router_with_cell(config: ReviewConfig, cell: Arc<SiteCell>) -> Router {
    routes(Api::new(config, Some(cell)))
}

fn routes(api: Arc<Api>) -> Router {
    let guarded = Router::new()
        .route("/state", get(get_state))
        .route("/rank", post(rank))
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
async fn guard(State(api): State<Arc<Api>>, req: Request, next: Next) -> Response {
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

/// The verdict a claim was signed off with, when the recorded fingerprint
/// says (scheme `v2`) and it is not the verdict now, and no update records
/// the change yet: re-signing it, or changing the verdict again, needs an
/// update note saying why.
fn unrecorded_verdict_change(claim: &Claim, new_verdict: Verdict) -> Option<Verdict> {
    if claim.status != Status::Approved {
        return None;
    }
    let signed = Print::parse(claim.signoff.as_deref()?)?.verdict;
    let recorded = claim
        .updates
        .iter()
        .any(|u| u.verdict_before == Some(signed));
    (signed != new_verdict && !recorded).then_some(signed)
}

// ---------------------------------------------------------------------------
// GET state
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateQuery {
    article: Option<String>,
    claim: Option<String>,
    /// Which claims: `all` (the default), `cited` (those citing the
    /// article, or the one claim), `none`.
    claims: Option<String>,
}

async fn get_state(State(api): State<Arc<Api>>, Query(q): Query<StateQuery>) -> Response {
    match blocking(move || state(&api, q)).await {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// A change since sign-off, for the panel.
fn change_json(c: &Change) -> Value {
    let mut v = json!({ "text": c.to_string() });
    match c {
        Change::Verdict { from, to } => {
            v["kind"] = json!("verdict");
            v["from"] = json!(from);
            v["to"] = json!(to);
        }
        Change::Text => v["kind"] = json!("text"),
        Change::Summary => v["kind"] = json!("summary"),
        Change::EvidenceAdded(n) => {
            v["kind"] = json!("evidence-added");
            v["count"] = json!(n);
        }
        Change::EvidenceRemoved(n) => {
            v["kind"] = json!("evidence-removed");
            v["count"] = json!(n);
        }
        Change::EvidenceChanged(n) => {
            v["kind"] = json!("evidence-changed");
            v["count"] = json!(n);
        }
    }
    v
}

/// Claim `ci` of a site, as the panel shows it.
fn claim_json(site: &Site, ci: usize) -> Value {
    let c = &site.claims[ci];
    let fingerprint = site.fingerprint(ci);
    let lapse = site.lapse(&c.id);
    let state = if lapse.is_some() {
        SignoffState::Lapsed
    } else {
        site.signoff_state(ci)
    };
    // The site's copy of a lapsed claim is in review; the file says approved.
    let status = if state == SignoffState::Lapsed {
        Status::Approved
    } else {
        c.status
    };
    let file_claim = Claim {
        status,
        ..c.clone()
    };
    let needs_update = unrecorded_verdict_change(&file_claim, c.verdict);
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
                "number": ei + 1,
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
        "changes": lapse.map(|l| l.changes.iter().map(change_json).collect::<Vec<_>>()),
        "signed_verdict": c.signoff.as_deref().and_then(Print::parse).map(|p| p.verdict),
        "needs_update_note": needs_update.is_some(),
        "updates": c.updates.len(),
        "file": c.file.name,
        "evidence": evidence,
    })
}

/// `out` with `"claims": claims` (JSON text) added.
fn with_claims(out: &Value, claims: &str) -> String {
    let head = out.to_string();
    let head = head.strip_suffix('}').unwrap_or(&head);
    let sep = if head.len() > 1 { "," } else { "" };
    format!("{head}{sep}\"claims\":{claims}}}")
}

fn state(api: &Api, q: StateQuery) -> Result<String, ApiError> {
    let view = api.view()?;
    let site = &view.site;
    let mut out = json!({
        "version": view.version,
        "reviewer": api.config.reviewer,
        "today": edit::today(),
        "verdicts": Verdict::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
    });
    let which = q.claims.as_deref().unwrap_or("all");
    if !matches!(which, "all" | "cited" | "none") {
        return Err(ApiError::BadRequest(format!(
            "claims={which}: use all, cited or none"
        )));
    }
    let mut cited: Vec<usize> = Vec::new();
    if let Some(id) = &q.claim {
        let ci = site
            .claims
            .iter()
            .position(|c| c.id == *id)
            .ok_or_else(|| ApiError::NotFound(format!("no claim `{id}`")))?;
        cited.push(ci);
    }
    if let Some(article) = &q.article {
        let ai = article_index(site, article)?;
        let rejected = Rejected::load(&api.config.root)?;
        let terms = api.terms(&view);
        let index = Index::with_terms(site, &terms);
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
        cited.extend(
            site.claims
                .iter()
                .enumerate()
                .filter(|(_, c)| c.evidence.iter().any(|e| e.article == *article))
                .map(|(ci, _)| ci),
        );
    }
    out["claim_count"] = json!(site.claims.len());
    match which {
        "none" => Ok(with_claims(&out, "[]")),
        "cited" => {
            cited.sort_unstable();
            cited.dedup();
            let list: Vec<Value> = cited.iter().map(|&ci| claim_json(site, ci)).collect();
            Ok(with_claims(&out, &Value::Array(list).to_string()))
        }
        _ => {
            let all = |site: &Site| -> Arc<str> {
                let list: Vec<Value> = (0..site.claims.len())
                    .map(|ci| claim_json(site, ci))
                    .collect();
                Value::Array(list).to_string().into()
            };
            let claims = match view.generation {
                Some(g) => {
                    let mut cache = api
                        .claims_json
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match cache.as_ref() {
                        Some((cg, json)) if *cg == g => json.clone(),
                        _ => {
                            let json = all(site);
                            *cache = Some((g, json.clone()));
                            json
                        }
                    }
                }
                None => all(site),
            };
            Ok(with_claims(&out, &claims))
        }
    }
}

// ---------------------------------------------------------------------------
// POST rank: claims for a selection
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RankRequest {
    article: String,
    /// What the reviewer selected…
    #[serde(default)]
    selection: Option<Selection>,
    /// …or the whole statement with this id.
    #[serde(default)]
    statement: Option<String>,
    /// Words every claim offered must contain (in its id or text).
    #[serde(default)]
    filter: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

async fn rank(State(api): State<Arc<Api>>, body: Body) -> Response {
    let req: RankRequest = match read_json(body).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    match blocking(move || rank_claims(&api, req)).await {
        Ok(v) => ok(v),
        Err(e) => e.into_response(),
    }
}

fn rank_claims(api: &Api, req: RankRequest) -> Result<Value, ApiError> {
    let view = api.view()?;
    let site = &view.site;
    let ai = article_index(site, &req.article)?;
    let doc = &site.docs[ai];
    let q = match (&req.selection, &req.statement) {
        (Some(sel), None) => selection::quote_for(doc, sel)?,
        (None, Some(st)) => {
            let si = doc
                .statement_index(st)
                .ok_or_else(|| ApiError::from(SelectionError::UnknownStatement(st.clone())))?;
            selection::quote_statement(doc, si)?
        }
        _ => {
            return Err(ApiError::BadRequest(
                "give either a selection or a statement".into(),
            ));
        }
    };
    let terms = api.terms(&view);
    let index = Index::with_terms(site, &terms);
    let linked: std::collections::BTreeSet<usize> = q
        .statements
        .clone()
        .flat_map(|si| site.graph.links(ai, si).iter().map(|r| r.claim))
        .collect();
    let limit = req.limit.unwrap_or(RANK_LIMIT).clamp(1, 200);
    let scores: std::collections::HashMap<usize, f64> = index.rank(&q.quote).into_iter().collect();
    let filter: Vec<String> = req
        .filter
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let mut chosen: Vec<usize> = if filter.is_empty() {
        let mut best: Vec<usize> = scores
            .iter()
            .filter(|(_, s)| **s >= crate::suggest::MIN_SCORE)
            .map(|(ci, _)| *ci)
            .collect();
        best.extend(linked.iter().copied());
        best
    } else {
        (0..site.claims.len())
            .filter(|&ci| {
                let c = &site.claims[ci];
                let hay = format!("{} {}", c.id, c.text).to_lowercase();
                filter.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    };
    chosen.sort_unstable();
    chosen.dedup();
    let score = |ci: &usize| scores.get(ci).copied().unwrap_or(0.0);
    chosen.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.cmp(b)));
    let total = chosen.len();
    chosen.truncate(limit);
    let hints = index.hints(&q.quote, &chosen);
    let claims: Vec<Value> = chosen
        .iter()
        .zip(hints)
        .map(|(&ci, (stance, conflicts))| {
            let c = &site.claims[ci];
            json!({
                "id": c.id,
                "text": c.text,
                "verdict": c.verdict,
                "score": (score(&ci) * 1000.0).round() / 1000.0,
                "linked": linked.contains(&ci),
                "stance": stance,
                "conflicts": conflicts,
            })
        })
        .collect();
    Ok(json!({
        "version": view.version,
        "quote": q.quote,
        "occurrence": q.occurrence,
        "statements": q.statements.clone().map(|si| doc.statement_id(si)).collect::<Vec<_>>(),
        "claims": claims,
        "more": total.saturating_sub(claims.len()),
    }))
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
    respond(api, body, |api, root, req: AddEvidence| {
        let stance = parse_stance(&req.stance)?;
        let files = files_at(root, &req.version)?;
        let article = api.article(&req.article)?;
        let q = selection::quote_for(article.doc(), &req.selection)?;
        let mut edit = files.file_of(&req.claim)?;
        let index = edit.add_evidence(
            &req.claim,
            &NewEvidence {
                article: req.article.clone(),
                quote: q.quote.clone(),
                stance,
                note: req.note,
                occurrence: q.occurrence,
            },
        )?;
        files.commit(&edit)?;
        Ok(json!({
            "version": files.version_after(&edit),
            "claim": req.claim,
            "index": index,
            "quote": q.quote,
            "occurrence": q.occurrence,
            "file": edit.name(),
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
    /// Create it even when a claim already says the same.
    #[serde(default)]
    allow_similar: bool,
}

async fn create_claim(State(api): State<Arc<Api>>, body: Body) -> Response {
    respond(api, body, |api, root, req: CreateClaim| {
        let verdict = match &req.verdict {
            Some(v) => parse_verdict(v)?,
            None => Verdict::Unverified,
        };
        let files = files_at(root, &req.version)?;
        let evidence = match &req.evidence {
            Some(e) => {
                let stance = parse_stance(&e.stance)?;
                let article = api.article(&e.article)?;
                let q = selection::quote_for(article.doc(), &e.selection)?;
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
        if !req.allow_similar {
            let view = api.view()?;
            let terms = api.terms(&view);
            let similar: Vec<Value> = terms
                .near_duplicates(&view.site, &req.text)
                .into_iter()
                .map(|ci| {
                    let c = &view.site.claims[ci];
                    json!({ "id": c.id, "text": c.text, "verdict": c.verdict })
                })
                .collect();
            if let Some(first) = similar.first() {
                return Err(ApiError::Similar {
                    message: format!(
                        "A claim already says this: “{}” ({}). Add the quote to it, or create the new claim anyway.",
                        first["text"].as_str().unwrap_or(""),
                        first["id"].as_str().unwrap_or("")
                    ),
                    similar: Value::Array(similar),
                });
            }
        }
        let taken = files.all_ids()?;
        let mut edit = files.main_file()?;
        let id = edit.create_claim(&req.text, verdict, &taken, evidence.as_ref())?;
        files.commit(&edit)?;
        Ok(json!({ "version": files.version_after(&edit), "id": id, "file": edit.name() }))
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
    /// A note for a new `[[claim.update]]`: what changed and why. Needed
    /// to change the verdict of a claim signed off with another.
    #[serde(default)]
    update: Option<String>,
}

async fn update_claim(State(api): State<Arc<Api>>, Path(id): Path<String>, body: Body) -> Response {
    respond(api, body, move |_api, root, req: UpdateClaim| {
        let mut fields = Vec::new();
        let verdict = req.verdict.as_deref().map(parse_verdict).transpose()?;
        if let Some(v) = verdict {
            fields.push(Field::Verdict(v));
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
        let note = req.update.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if fields.is_empty() && note.is_none() {
            return Err(ApiError::BadRequest(
                "nothing to change: give verdict, summary, status or an update note".into(),
            ));
        }
        let files = files_at(root, &req.version)?;
        let mut edit = files.file_of(&id)?;
        let claim = edit.loaded(&id);
        let mut verdict_before = None;
        if let (Some(new), Some(claim)) = (verdict, &claim) {
            if new != claim.verdict {
                verdict_before = Some(claim.verdict);
            }
            if let Some(signed) = unrecorded_verdict_change(claim, new) {
                if note.is_none() {
                    return Err(ApiError::BadRequest(format!(
                        "`{id}` was signed off as {signed}: say why the verdict changes to {new} in an update note, which is published with the claim"
                    )));
                }
                verdict_before = Some(signed);
            }
        }
        if let Some(note) = note {
            edit.add_update(
                &id,
                &NewUpdate {
                    date: edit::today(),
                    note: note.to_string(),
                    verdict_before,
                },
            )?;
        }
        for f in fields {
            edit.set_field(&id, f)?;
        }
        files.commit(&edit)?;
        Ok(json!({ "version": files.version_after(&edit), "claim": id }))
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
    respond(api, body, move |_api, root, req: VersionOnly| {
        let files = files_at(root, &req.version)?;
        let mut edit = files.file_of(&id)?;
        let quote = edit.remove_evidence(&id, index)?;
        files.commit(&edit)?;
        Ok(json!({ "version": files.version_after(&edit), "claim": id, "removed": quote }))
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
    /// The update note a verdict changed since the last sign-off needs.
    #[serde(default)]
    update: Option<String>,
}

async fn sign_off(State(api): State<Arc<Api>>, Path(id): Path<String>, body: Body) -> Response {
    respond(api, body, move |api, root, req: SignOff| {
        let reviewer = req
            .reviewer
            .filter(|r| !r.trim().is_empty())
            .or_else(|| api.config.reviewer.clone())
            .ok_or_else(|| {
                ApiError::BadRequest(
                    "sign-off needs a reviewer name: start serve with --reviewer NAME or type it in"
                        .into(),
                )
            })?;
        let files = files_at(root, &req.version)?;
        let mut edit = files.file_of(&id)?;
        let claim = edit.loaded(&id).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`{id}` has errors in {}; fix them before signing off",
                edit.name()
            ))
        })?;
        let fingerprint = api.fingerprint_of(&claim)?;
        if req.fingerprint.as_ref().is_some_and(|f| *f != fingerprint) {
            return Err(ApiError::Conflict(
                "The claim or its evidence changed since this page was loaded.".into(),
            ));
        }
        let date = req.date.unwrap_or_else(edit::today);
        let note = req.update.as_deref().map(str::trim).filter(|n| !n.is_empty());
        match (unrecorded_verdict_change(&claim, claim.verdict), note) {
            (Some(signed), None) => {
                return Err(ApiError::BadRequest(format!(
                    "The verdict changed from {signed} to {} since `{id}` was signed off: say why in an update note, which is published with the claim.",
                    claim.verdict
                )));
            }
            (signed, Some(note)) => {
                edit.add_update(
                    &id,
                    &NewUpdate {
                        date: date.clone(),
                        note: note.to_string(),
                        verdict_before: signed,
                    },
                )?;
            }
            (None, None) => {}
        }
        edit.sign_off(&id, reviewer.trim(), &date, &fingerprint)?;
        files.commit(&edit)?;
        Ok(json!({
            "version": files.version_after(&edit),
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
    respond(api, body, |api, root, req: Accept| {
        let stance = parse_stance(&req.stance)?;
        let files = files_at(root, &req.version)?;
        let article = api.article(&req.article)?;
        let doc = article.doc();
        let si = doc.statement_index(&req.statement).ok_or_else(|| {
            ApiError::from(SelectionError::UnknownStatement(req.statement.clone()))
        })?;
        let q = selection::quote_statement(doc, si)?;
        let mut edit = files.file_of(&req.claim)?;
        let index = edit.add_evidence(
            &req.claim,
            &NewEvidence {
                article: req.article.clone(),
                quote: q.quote.clone(),
                stance,
                note: None,
                occurrence: q.occurrence,
            },
        )?;
        files.commit(&edit)?;
        Ok(json!({
            "version": files.version_after(&edit),
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
    respond(api, body, move |api, root, req: Reject| {
        let article = api.article(&req.article)?;
        let doc = article.doc();
        let si = doc.statement_index(&req.statement).ok_or_else(|| {
            ApiError::from(SelectionError::UnknownStatement(req.statement.clone()))
        })?;
        if !ClaimsFiles::read(root)?.all_ids()?.contains(&req.claim) {
            return Err(ApiError::NotFound(format!("no claim `{}`", req.claim)));
        }
        rejected::add(
            root,
            &req.claim,
            &req.article,
            doc.statement_text(si),
            api.config.reviewer.as_deref(),
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
