//! Sign-off fingerprints: an approval records what was approved.
//!
//! The fingerprint is a hash of the claim's text and, for every piece of
//! evidence, its article, stance, quote and the text of the statements the
//! quote anchors to. Texts are compared as FORMAT.md matches quotes (white
//! space runs, curly/straight quotes and dashes fold), and the order of the
//! evidence entries does not matter. When any of it changes — the claim is
//! reworded, evidence is added, removed or flips stance, a quoted sentence
//! of an article is edited — the recorded fingerprint no longer matches and
//! the approval lapses: `check` warns, `build` leaves the claim out unless
//! `--drafts`, and its page says so.

use crate::anchor::{Anchor, normalize_quote};
use crate::content::{Article, Claim, Status};
use crate::diag::{Diagnostic, Diagnostics};
use crate::document::Doc;
use crate::graph::{Anchors, article_index};
use crate::site::Site;

/// What `check` and the pages say about a lapsed approval.
pub const LAPSED: &str = "approved, evidence changed since sign-off";

/// Version tag of the fingerprint scheme, so it can evolve.
const SCHEME: &str = "v1";

/// The fingerprint of a claim as it stands. `statements(i)` gives the text
/// of the statements evidence `i` anchors to, `None` if it does not anchor.
pub fn fingerprint(claim: &Claim, statements: impl Fn(usize) -> Option<String>) -> String {
    let mut entries: Vec<[u8; 32]> = claim
        .evidence
        .iter()
        .enumerate()
        .map(|(i, ev)| {
            let mut h = blake3::Hasher::new();
            for part in [
                ev.article.as_str(),
                ev.stance.as_str(),
                &normalize_quote(&ev.quote),
            ] {
                h.update(part.as_bytes());
                h.update(&[0]);
            }
            match statements(i) {
                Some(text) => h.update(normalize_quote(&text).as_bytes()),
                None => h.update(b"\x01unanchored"),
            };
            *h.finalize().as_bytes()
        })
        .collect();
    entries.sort_unstable();
    let mut h = blake3::Hasher::new();
    h.update(normalize_quote(&claim.text).as_bytes());
    h.update(&[0]);
    for e in &entries {
        h.update(e);
    }
    format!("{SCHEME}:{}", &h.finalize().to_hex()[..32])
}

/// Text of the statements an anchor overlaps, one per line.
pub fn anchored_text(doc: &Doc, anchor: &Anchor) -> String {
    anchor
        .statements
        .clone()
        .map(|i| doc.statement_text(i))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fingerprint of claim `ci` of a compiled site (compiled with
/// drafts, so every claim is there).
pub fn for_site(site: &Site, ci: usize) -> String {
    let claim = &site.claims[ci];
    let refs = &site.graph.evidence[ci];
    fingerprint(claim, |ei| {
        let r = refs.iter().find(|r| r.evidence == ei)?;
        let doc = &site.docs[r.article];
        Some(
            (r.statement..r.statement_end)
                .map(|i| doc.statement_text(i))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// Where a claim's sign-off stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignoffState {
    /// Not approved.
    NotApproved,
    /// Approved by hand, without a recorded fingerprint.
    Unrecorded,
    /// Approved, and the evidence is what was approved.
    Current,
    /// Approved, but the claim or its evidence changed since.
    Lapsed,
}

impl SignoffState {
    pub fn of(claim: &Claim, current: &str) -> SignoffState {
        match (&claim.status, &claim.signoff) {
            (Status::Approved, None) => SignoffState::Unrecorded,
            (Status::Approved, Some(s)) if s == current => SignoffState::Current,
            (Status::Approved, Some(_)) => SignoffState::Lapsed,
            _ => SignoffState::NotApproved,
        }
    }
}

/// Checks every approved claim with a recorded fingerprint against its
/// evidence as anchored now; returns the ids of those whose approval
/// lapsed, with a warning for each.
pub fn lapsed_claims(
    articles: &[Article],
    docs: &[Doc],
    claims: &[Claim],
    anchors: &Anchors,
    diags: &mut Diagnostics,
) -> Vec<String> {
    // Most claims have no sign-off: build the index only when one does.
    let mut index = None;
    let mut out = Vec::new();
    for (ci, claim) in claims.iter().enumerate() {
        if claim.status != Status::Approved || claim.signoff.is_none() {
            continue;
        }
        let index = &*index.get_or_insert_with(|| article_index(articles));
        let current = fingerprint(claim, |ei| {
            let anchor = anchors.get(ci)?.get(ei)?.as_ref()?;
            let ai = *index.get(claim.evidence[ei].article.as_str())?;
            Some(anchored_text(&docs[ai], anchor))
        });
        if SignoffState::of(claim, &current) == SignoffState::Lapsed {
            diags.push(
                Diagnostic::warning(format!("claim `{}`: {LAPSED}", claim.id))
                    .at(&claim.file, claim.span.clone())
                    .label("the fingerprint recorded at sign-off no longer matches")
                    .help(
                        "the claim's text, its evidence or a quoted statement changed: review it and sign off again (crosscheck serve --review); until then it is published only with --drafts",
                    ),
            );
            out.push(claim.id.clone());
        }
    }
    out
}
