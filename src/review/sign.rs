//! `crosscheck signoff`: sign claims off from the command line, for
//! editors who work in their text editor (and for the example project).
//!
//! It records what review mode's sign-off records — status `approved`,
//! `reviewer`, `reviewed` and the `signoff` fingerprint of the claim as it
//! stands — with the same lossless writer, after the same checks: every
//! piece of evidence anchors, and a verdict changed since the last
//! sign-off comes with an update note (`--update`), written as a
//! `[[claim.update]]`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::claims::edit::{self, EditError, NewUpdate};
use crate::claims::signoff::{Print, SignoffState};
use crate::diag::Diagnostics;
use crate::pipeline::content::Status;
use crate::pipeline::site::BuildOptions;
use crate::project::Project;
use crate::review::ClaimsFiles;

/// What to sign off, and as whom.
#[derive(Debug, Clone)]
pub(crate) struct SignOptions {
    /// The project, opened by the command line like every command's.
    pub project: Project,
    /// Claim ids to sign off.
    pub claims: Vec<String>,
    /// Also every claim that is approved already (recording a fingerprint
    /// where there is none, renewing one that lapsed).
    pub all_approved: bool,
    pub reviewer: String,
    /// `YYYY-MM-DD`; today when `None`.
    pub date: Option<String>,
    /// The update note for claims whose verdict changed since they were
    /// signed off.
    pub update: Option<String>,
}

/// What was done to one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed {
    pub claim: String,
    pub file: String,
    pub fingerprint: String,
    /// An update note was written with it.
    pub update: bool,
    /// It was signed off already with this very fingerprint, by this
    /// reviewer: nothing was written.
    pub unchanged: bool,
}

/// Why nothing was signed off. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignError {
    #[error("the content could not be loaded")]
    Content(Diagnostics),
    #[error("name the claims to sign off, or give --all-approved")]
    NothingToSign,
    #[error("no claim {}", .0.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))]
    UnknownClaims(Vec<String>),
    /// Claims that cannot be signed off as they stand, each with why.
    #[error("{}", .0.iter().map(|(c, why)| format!("claim `{c}`: {why}")).collect::<Vec<_>>().join("\n"))]
    Refused(Vec<(String, String)>),
    #[error("the claims files changed while signing off; run it again")]
    Changed,
    #[error(transparent)]
    Edit(#[from] EditError),
}

impl SignError {
    /// Whether the content (not the command line or the disk) is at fault.
    pub(crate) fn is_content(&self) -> bool {
        matches!(
            self,
            SignError::Content(_) | SignError::Refused(_) | SignError::UnknownClaims(_)
        )
    }

    /// Whether the command line is at fault.
    pub(crate) fn is_usage(&self) -> bool {
        matches!(
            self,
            SignError::NothingToSign | SignError::Edit(EditError::Invalid { .. })
        )
    }
}

/// Signs off the claims `opts` names: all or none (every problem with any
/// of them is reported, and then nothing is written).
/// A claim to sign: its index, what is reported back, and the update note to add first.
type Planned = (usize, Signed, Option<NewUpdate>);

pub(crate) fn run(opts: &SignOptions) -> Result<Vec<Signed>, SignError> {
    let root: &Path = opts.project.root();
    if opts.claims.is_empty() && !opts.all_approved {
        return Err(SignError::NothingToSign);
    }
    let reviewer = opts.reviewer.trim();
    let date = opts.date.clone().unwrap_or_else(edit::today);
    edit::check_date(&date)?;
    let before = ClaimsFiles::read(root)?;
    let (site, diags) = opts.project.compile(BuildOptions { drafts: true });
    let Some(site) = site else {
        return Err(SignError::Content(diags));
    };
    let files = ClaimsFiles::read(root)?;
    if files.version() != before.version() {
        return Err(SignError::Changed);
    }
    let unknown: Vec<String> = opts
        .claims
        .iter()
        .filter(|id| !site.claims.iter().any(|c| c.id == **id))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(SignError::UnknownClaims(unknown));
    }
    // The site marks lapsed approvals as in review; the files say approved.
    let approved_in_file = |ci: usize| {
        site.claims[ci].status == Status::Approved || site.lapse(&site.claims[ci].id).is_some()
    };
    let mut wanted: Vec<usize> = (0..site.claims.len())
        .filter(|&ci| {
            opts.claims.contains(&site.claims[ci].id) || (opts.all_approved && approved_in_file(ci))
        })
        .collect();
    wanted.dedup();
    let note = opts
        .update
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut refused = Vec::new();
    let mut plan: Vec<(usize, Signed, Option<NewUpdate>)> = Vec::new();
    for ci in wanted {
        let claim = &site.claims[ci];
        let missing = claim.evidence.len() - site.graph.evidence[ci].len();
        if missing > 0 {
            refused.push((
                claim.id.clone(),
                format!("{missing} of its evidence is not found in its article (see crosscheck check); fix it first"),
            ));
            continue;
        }
        let fingerprint = site.fingerprint(ci);
        let status = if approved_in_file(ci) {
            Status::Approved
        } else {
            claim.status
        };
        let signed_verdict = (status == Status::Approved)
            .then(|| claim.signoff.as_deref().and_then(Print::parse))
            .flatten()
            .map(|p| p.verdict)
            .filter(|v| *v != claim.verdict)
            .filter(|v| !claim.updates.iter().any(|u| u.verdict_before == Some(*v)));
        let update = match (signed_verdict, note) {
            (Some(v), None) => {
                refused.push((
                    claim.id.clone(),
                    format!(
                        "its verdict changed from {v} to {} since it was signed off; say why with --update NOTE (published with the claim)",
                        claim.verdict
                    ),
                ));
                continue;
            }
            (signed, Some(n)) => Some(NewUpdate {
                date: date.clone(),
                note: n.to_string(),
                verdict_before: signed,
            }),
            (None, None) => None,
        };
        let unchanged = update.is_none()
            && site.signoff_state(ci) == SignoffState::Current
            && claim.signoff.as_deref() == Some(fingerprint.as_str())
            && claim.reviewer.as_deref() == Some(reviewer)
            && claim.reviewed.as_deref() == Some(date.as_str());
        plan.push((
            ci,
            Signed {
                claim: claim.id.clone(),
                file: claim.file.name.clone(),
                fingerprint,
                update: update.is_some(),
                unchanged,
            },
            update,
        ));
    }
    if !refused.is_empty() {
        return Err(SignError::Refused(refused));
    }
    // One edit per file, all its claims in it.
    let mut by_file: BTreeMap<&str, Vec<&Planned>> = BTreeMap::new();
    for p in plan.iter().filter(|p| !p.1.unchanged) {
        by_file.entry(p.1.file.as_str()).or_default().push(p);
    }
    let mut edits = Vec::new();
    for (name, claims) in by_file {
        let mut e = files.whole(name)?;
        for (_, s, update) in claims {
            if let Some(u) = update {
                e.add_update(&s.claim, u)?;
            }
            e.sign_off(&s.claim, reviewer, &date, &s.fingerprint)?;
        }
        edits.push(e);
    }
    for e in &edits {
        files.commit(e)?;
    }
    Ok(plan.into_iter().map(|p| p.1).collect())
}
