//! Consistency checks and review progress for `crosscheck check`.
//!
//! Warnings, never errors: a verdict at odds with its evidence may be
//! right (the evidence may be the claim's own source being wrong), but a
//! reviewer should look. Approved claims missing reviewer or date are
//! already errors of the loader.

use std::fmt;

use crate::claims::signoff::Lapse;
use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::content::{Article, ArticleIdx, Claim, ContentPage, Stance, Status, Verdict};
use crate::pipeline::document::Doc;
use crate::pipeline::graph::Graph;

/// Warnings for verdicts at odds with their evidence, claims with no
/// evidence, and a site without the pages IFCN asks for. The claims
/// should be those of a site compiled with drafts, so every claim counts.
pub fn check(claims: &[Claim], pages: &[ContentPage]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for claim in claims {
        let count = |s: Stance| claim.evidence.iter().filter(|e| e.stance == s).count();
        let (supports, contradicts) = (count(Stance::Supports), count(Stance::Contradicts));
        let at = |d: Diagnostic| d.at(&claim.file, claim.span.clone());
        if claim.evidence.is_empty() {
            diags.push(
                at(Diagnostic::warning(format!(
                    "claim `{}` has no evidence",
                    claim.id
                )))
                .help("link statements to it (crosscheck suggest lists candidates), or remove it"),
            );
            continue;
        }
        let odd = match claim.verdict {
            Verdict::Accurate | Verdict::MostlyAccurate if supports == 0 && contradicts > 0 => {
                Some("only contradicting evidence")
            }
            Verdict::Inaccurate if contradicts == 0 && supports > 0 => {
                Some("only supporting evidence")
            }
            _ => None,
        };
        if claim.verdict != Verdict::Unverified && claim.sources.is_empty() && !claim.basis_reports
        {
            diags.push(
                at(Diagnostic::warning(format!(
                    "claim `{}`: verdict rests on the public record but names no source",
                    claim.id
                )))
                .help(
                    "add a [[claim.source]] for each outside fact the verdict uses (cite it in the summary with [^1]), or basis = \"reports\" when the verdict is about the reports' own texts",
                ),
            );
        }
        if let Some(why) = odd {
            diags.push(
                at(Diagnostic::warning(format!(
                    "claim `{}` is rated {} but has {why} ({supports} supporting, {contradicts} contradicting)",
                    claim.id,
                    claim.verdict.as_str(),
                )))
                .help("check the verdict and the stance of each piece of evidence"),
            );
        }
    }
    // IFCN: a public methodology and an open corrections policy.
    for (id, what) in [
        ("methodology", "how claims are chosen and rated"),
        ("corrections", "the corrections policy"),
    ] {
        if !pages.iter().any(|p| p.id == id) {
            diags.push(
                Diagnostic::warning(format!(
                    "the site has no {id} page (content/pages/{id}.md): readers cannot see {what}"
                ))
                .help(format!(
                    "write content/pages/{id}.md (crosscheck init scaffolds one); fact-checkers signing the IFCN code publish it"
                )),
            );
        }
    }
    diags
}

/// How far the review has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub draft: usize,
    pub in_review: usize,
    /// Approved, sign-off current or recorded by hand.
    pub approved: usize,
    /// Approved, but the claim changed since sign-off.
    pub lapsed: usize,
    /// Approved without a recorded fingerprint (by hand): a change to the
    /// claim does not lapse the approval.
    pub unrecorded: usize,
    /// Claims naming at least one outside source, and all claims.
    pub sourced: usize,
    pub claims: usize,
    /// `(article id, unlinked statements, all statements)`.
    pub unlinked: Vec<(String, usize, usize)>,
}

/// How far review has come, from a compiled site's parts (see
/// [`crate::pipeline::site::Site::progress`]).
pub(crate) fn progress(
    claims: &[Claim],
    lapsed: &[Lapse],
    articles: &[Article],
    docs: &[Doc],
    graph: &Graph,
) -> Progress {
    let mut p = Progress {
        draft: 0,
        in_review: 0,
        approved: 0,
        lapsed: 0,
        unrecorded: claims
            .iter()
            .filter(|c| c.status == Status::Approved && c.signoff.is_none())
            .count(),
        sourced: claims.iter().filter(|c| !c.sources.is_empty()).count(),
        claims: claims.len(),
        unlinked: Vec::new(),
    };
    for c in claims {
        if lapsed.iter().any(|l| l.claim == c.id) {
            p.lapsed += 1;
            continue;
        }
        match c.status {
            Status::Draft => p.draft += 1,
            Status::InReview => p.in_review += 1,
            Status::Approved => p.approved += 1,
        }
    }
    p.unlinked = ArticleIdx::enumerate(articles)
        .map(|(i, a)| {
            let total = docs[i].statements.len();
            (a.id.clone(), total - graph.linked_count(i), total)
        })
        .collect();
    p
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "review progress:")?;
        writeln!(
            f,
            "  claims: {} approved, {} lapsed ({}), {} in review, {} draft",
            self.approved,
            self.lapsed,
            crate::claims::signoff::LAPSED,
            self.in_review,
            self.draft
        )?;
        if self.unrecorded > 0 {
            writeln!(
                f,
                "  sign-off: {} approved without a fingerprint, so a change to them would not lapse the approval (record one: crosscheck signoff --all-approved)",
                self.unrecorded
            )?;
        }
        writeln!(
            f,
            "  sources: {} of {} claims name an outside source",
            self.sourced, self.claims
        )?;
        let width = self
            .unlinked
            .iter()
            .map(|r| r.0.len())
            .max()
            .unwrap_or(0)
            .max(7);
        writeln!(f, "  unlinked statements per article:")?;
        let (mut un, mut all) = (0, 0);
        for (id, u, t) in &self.unlinked {
            un += u;
            all += t;
            writeln!(f, "    {id:<width$}  {u:>5} of {t}")?;
        }
        writeln!(f, "    {:<width$}  {un:>5} of {all}", "total")
    }
}
