//! `crosscheck suggest`: ranked proposals of evidence the claims file
//! lacks. Never writes anything.
//!
//! - **Claims for unlinked statements.** Every claim is a document made of
//!   its text and its existing quotes; a statement is a query. Terms are
//!   stemmed words (Snowball English, stop words dropped) and bigrams of
//!   consecutive content words; ranking is BM25 with IDF estimated over
//!   every statement and claim. The score shown is the BM25 score divided
//!   by the best score the statement could get (every term matched), so it
//!   reads from 0 to 1 whatever the statement's length. A stance hint
//!   comes from the claim's closest part: the stance of the most similar
//!   quote (or `supports` for the claim's text), flipped when the two
//!   differ in a number, date, weekday, title or negation.
//! - **Cross-source alignment.** Statements of different articles that
//!   share enough of their content words (IDF-weighted Dice overlap of
//!   stems) report the same fact; near-duplicates (wire copy: many shared
//!   word trigrams) are marked. Aligned statements are grouped, with the claim one
//!   of them is linked to (for the others) or a proposed claim text.
//! - **Conflict hints.** Aligned statements that differ in a number or
//!   unit ("five minutes" / "five hours"), date, weekday, title ("former
//!   President" / "President"), negation, or — for near-duplicates — a
//!   named entity are flagged, proposing `contradicts`, with the words
//!   that differ.
//!
//! Each job has its own file: splitting text into words and index terms
//! (`words`), the term statistics claims are ranked with (`rank`), what
//! statements are ranked and aligned with (`index`), differences between
//! two texts (`conflicts`), grouping statements across sources (`align`),
//! and the report as text, TOML or JSON (`format`); `rejected` remembers
//! what a reviewer turned down.

mod align;
mod conflicts;
mod format;
mod index;
mod rank;
pub mod rejected;
mod words;

use serde::Serialize;

use crate::pipeline::content::{ArticleIdx, Stance};
use crate::pipeline::site::Site;
use rejected::Rejected;

pub use align::aligned_pairs;
pub use conflicts::{Conflict, ConflictKind, conflicts};
pub use format::Format;
pub(crate) use format::{to_json, to_text, to_toml};
pub use index::{Index, for_statement};
pub(crate) use rank::Terms;

/// What to suggest for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only statements of this article (alignment still looks at all).
    pub article: Option<String>,
    /// Claims proposed per statement.
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            article: None,
            limit: 3,
        }
    }
}

/// Claims below this relative score are not proposed.
pub(crate) const MIN_SCORE: f64 = 0.04;
/// Claims scoring below this fraction of the statement's best claim are
/// not proposed: they are rarely right when a much better one exists.
pub(crate) const MIN_RELATIVE: f64 = 0.4;
/// Statements of different articles at or above this similarity (see
/// [`Index::similarity`]) are aligned.
pub(crate) const ALIGN_SIMILARITY: f64 = 0.3;
/// Word-trigram overlap (Jaccard) from which an aligned pair counts as a
/// near-duplicate (wire copy).
pub(crate) const NEAR_DUPLICATE: f64 = 0.45;

/// A claim proposed for a statement.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimSuggestion {
    pub claim: String,
    pub claim_text: String,
    /// 0 to 1: how much of the statement's weight the claim matches.
    pub score: f64,
    /// The stance the statement probably takes.
    pub stance: Stance,
    /// Why `contradicts`, when a conflict was found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

/// Claims proposed for one unlinked statement.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatementSuggestions {
    pub article: String,
    pub statement: String,
    pub text: String,
    pub claims: Vec<ClaimSuggestion>,
}

/// A statement in an aligned group.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Member {
    pub article: String,
    pub statement: String,
    pub text: String,
    /// Claims it is linked to now.
    pub claims: Vec<String>,
}

/// Two aligned statements (indices into the group's members).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AlignedPair {
    pub a: usize,
    pub b: usize,
    /// See [`Index::similarity`].
    pub similarity: f64,
    pub near_duplicate: bool,
    /// Differences that suggest they contradict each other.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

/// A proposal for a member of a group: link it to a claim.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Proposal {
    pub member: usize,
    pub claim: String,
    pub stance: Stance,
}

/// Statements of different articles that report the same fact.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Group {
    pub members: Vec<Member>,
    pub pairs: Vec<AlignedPair>,
    /// Links the group's other members have and these lack.
    pub proposals: Vec<Proposal>,
    /// When no member is linked to any claim: a claim text to create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_claim: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Report {
    pub statements: Vec<StatementSuggestions>,
    pub groups: Vec<Group>,
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// All suggestions for a site (compile it with drafts so every claim is
/// a candidate).
pub(crate) fn suggest(site: &Site, rejected: &Rejected, opts: &Options) -> Report {
    let index = Index::new(site);
    let wanted = |ai: ArticleIdx| {
        opts.article
            .as_deref()
            .is_none_or(|a| site.article(ai).id == a)
    };
    let mut statements = Vec::new();
    for ai in site.article_indices().filter(|&ai| wanted(ai)) {
        for si in 0..site.doc(ai).statements.len() {
            if !site.graph.links(ai, si).is_empty() {
                continue;
            }
            let claims = for_statement(&index, rejected, ai, si, opts.limit);
            if claims.is_empty() {
                continue;
            }
            statements.push(StatementSuggestions {
                article: site.article(ai).id.clone(),
                statement: site.doc(ai).statement_id(si).to_string(),
                text: flat(site.doc(ai).statement_text(si)),
                claims,
            });
        }
    }
    let groups = align::align(&index, rejected)
        .into_iter()
        .filter(|g| {
            g.members
                .iter()
                .any(|m| opts.article.as_deref().is_none_or(|a| m.article == a))
        })
        .collect();
    Report { statements, groups }
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why `crosscheck suggest` could not run.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("the content could not be loaded")]
    Content(crate::diag::Diagnostics),
    #[error("no article `{0}`")]
    UnknownArticle(String),
    #[error(transparent)]
    Rejected(#[from] crate::claims::edit::EditError),
}

/// Runs `crosscheck suggest` on `project`, compiled through the front
/// door like every command: the report in `format`, and the diagnostics
/// of loading (shown as warnings; evidence that does not anchor is simply
/// not counted as a link).
pub fn run(
    project: &crate::project::Project,
    opts: &Options,
    format: Format,
) -> Result<(String, crate::diag::Diagnostics), SuggestError> {
    let root = project.root();
    let (site, diags) = project.compile(crate::pipeline::site::BuildOptions { drafts: true });
    let Some(site) = site else {
        return Err(SuggestError::Content(diags));
    };
    if let Some(a) = &opts.article {
        if !site.articles.iter().any(|x| x.id == *a) {
            return Err(SuggestError::UnknownArticle(a.clone()));
        }
    }
    let rejected = Rejected::load(root)?;
    let report = suggest(&site, &rejected, opts);
    let out = match format {
        Format::Text => to_text(&report),
        Format::Toml => to_toml(&report),
        Format::Json => to_json(&report),
    };
    Ok((out, diags))
}
