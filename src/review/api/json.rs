//! The JSON a claim is shown as in the review panel: its evidence with
//! where each quote anchors, its sign-off state and what changed since.

use serde_json::{Value, json};

use super::write::unrecorded_verdict_change;
use crate::claims::signoff::{Change, Print, SignoffState};
use crate::pipeline::content::{Claim, Status};
use crate::pipeline::site::Site;

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
pub(super) fn claim_json(site: &Site, ci: usize) -> Value {
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
                        .map(|si| site.doc(r.article).statement_id(si))
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
pub(super) fn with_claims(out: &Value, claims: &str) -> String {
    let head = out.to_string();
    let head = head.strip_suffix('}').unwrap_or(&head);
    let sep = if head.len() > 1 { "," } else { "" };
    format!("{head}{sep}\"claims\":{claims}}}")
}
