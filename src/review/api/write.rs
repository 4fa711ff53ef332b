//! The writes: evidence added or removed, claims created, changed and
//! signed off, suggestions accepted or rejected. Each edits only the
//! claim's own table, refused when the claims files changed since the
//! page was loaded; the watcher's rebuild publishes the result.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::request::{ApiError, parse_stance, parse_status, parse_verdict, respond};
use super::source::Api;
use crate::claims::edit::{self, Field, NewEvidence, NewUpdate};
use crate::claims::signoff::Print;
use crate::pipeline::content::{Claim, Status, Verdict};
use crate::review::ClaimsFiles;
use crate::review::selection::{self, Selection, SelectionError};
use crate::suggest::rejected;

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
pub(super) fn unrecorded_verdict_change(claim: &Claim, new_verdict: Verdict) -> Option<Verdict> {
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

pub(super) async fn add_evidence(State(api): State<Arc<Api>>, body: Body) -> Response {
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

pub(super) async fn create_claim(State(api): State<Arc<Api>>, body: Body) -> Response {
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

pub(super) async fn update_claim(
    State(api): State<Arc<Api>>,
    Path(id): Path<String>,
    body: Body,
) -> Response {
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

pub(super) async fn remove_evidence(
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

pub(super) async fn sign_off(
    State(api): State<Arc<Api>>,
    Path(id): Path<String>,
    body: Body,
) -> Response {
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

pub(super) async fn accept_suggestion(State(api): State<Arc<Api>>, body: Body) -> Response {
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

pub(super) async fn reject_suggestion(State(api): State<Arc<Api>>, body: Body) -> Response {
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
