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
//! and is refused with 403 otherwise. Bodies are at most `BODY_LIMIT`
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
//! date with each compile
//! (`Terms::update`). Writes never wait
//! for a rebuild: they edit the claim's own table in the file
//! (`super::sections`), read the articles they quote from the compiled
//! site when the file on disk is the one compiled (else from the file), and
//! compute a sign-off's fingerprint from the claim as the file has it.
//! Without a cell (the API on its own), each read compiles the project
//! from disk, through [`Project::compile`] like every command.
//!
//! The parts: where the answers come from (`source`), what every request
//! goes through — the guard, bodies, errors as answers — (`request`), the
//! reads (`read`) and the JSON claims are shown as (`json`), and the
//! writes (`write`).

mod json;
mod read;
mod request;
mod source;
mod write;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Router, middleware};

use crate::compiled::SiteCell;
use crate::project::Project;
use read::{get_state, rank};
use request::guard;
use source::Api;
use write::{
    accept_suggestion, add_evidence, create_claim, reject_suggestion, remove_evidence, sign_off,
    update_claim,
};

pub(crate) use request::ApiError;

/// Largest request body accepted.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
/// The header carrying the secret token.
pub(crate) const TOKEN_HEADER: &str = "x-crosscheck-token";
/// Where the API and the review assets are served (serve itself uses
/// other paths under `/__crosscheck/`).
pub(crate) const PREFIX: &str = "/__crosscheck/review";

/// The review script and style, embedded in the binary.
pub(crate) const SCRIPT: &str = include_str!("../review.js");
pub(crate) const STYLE: &str = include_str!("../review.css");

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
pub(crate) fn script_tags(token: &str, reviewer: Option<&str>) -> String {
    let name = reviewer
        .map(|r| format!(" data-reviewer=\"{}\"", crate::text::escape_html(r)))
        .unwrap_or_default();
    format!(
        "<link rel=\"stylesheet\" href=\"{PREFIX}/review.css\">\n<script src=\"{PREFIX}/review.js\" data-crosscheck-token=\"{token}\"{name} defer></script>\n"
    )
}

/// Extra HTML for each served page, given its path in the site.
pub(crate) type Inject = dyn Fn(&str) -> String + Send + Sync;

/// Review mode for one run of `crosscheck serve`: routes to merge into
/// the server's, HTML for every page it serves (the review script with a
/// fresh token), and the cell the server publishes each compiled site to.
pub(crate) struct ReviewMode {
    pub routes: Router,
    pub inject: Arc<Inject>,
    pub cell: Arc<SiteCell>,
}

impl ReviewMode {
    /// Review mode for `project`, served on `bind` and reached
    /// by `hosts` besides IP addresses and `localhost`. The reviewer name
    /// comes from `reviewer`, else `$CROSSCHECK_REVIEWER`.
    pub(crate) fn new(
        project: &Project,
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
        let api = Api::new(config, Ok(project.clone()), Some(cell.clone()));
        api.keep_terms_current();
        ReviewMode {
            routes: routes(api),
            inject: Arc::new(move |_path: &str| tags.clone()),
            cell,
        }
    }
}

/// The review API and its assets on their own, compiling the project
/// from disk for every read (serve's review mode uses `ReviewMode`).
pub fn router(config: ReviewConfig) -> Router {
    let project = open(&config);
    routes(Api::new(config, project, None))
}

/// [`router`], reading the sites `cell` receives.
pub fn router_with_cell(config: ReviewConfig, cell: Arc<SiteCell>) -> Router {
    let project = open(&config);
    routes(Api::new(config, project, Some(cell)))
}

/// The project at `config.root`, for the API's reads that compile from
/// disk; when it cannot be opened, those reads answer why.
fn open(config: &ReviewConfig) -> Result<Project, String> {
    Project::open(&config.root).map_err(|e| e.to_string())
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
