//! The reads: `GET state` (claims, sign-off state, suggestions for an
//! article's unlinked statements) and `POST rank` (claims for a
//! selection). Neither touches the claims files.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::{claim_json, with_claims};
use super::request::{ApiError, article_index, blocking, ok, read_json};
use super::source::Api;
use crate::claims::edit;
use crate::pipeline::content::Verdict;
use crate::pipeline::site::Site;
use crate::review::selection::{self, Selection, SelectionError};
use crate::suggest::Index;
use crate::suggest::rejected::Rejected;

/// Claims offered for a selection at most.
const RANK_LIMIT: usize = 40;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StateQuery {
    article: Option<String>,
    claim: Option<String>,
    /// Which claims: `all` (the default), `cited` (those citing the
    /// article, or the one claim), `none`.
    claims: Option<String>,
}

pub(super) async fn get_state(
    State(api): State<Arc<Api>>,
    Query(q): Query<StateQuery>,
) -> Response {
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
        let doc = site.doc(ai);
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

pub(super) async fn rank(State(api): State<Arc<Api>>, body: Body) -> Response {
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
    let doc = site.doc(ai);
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
