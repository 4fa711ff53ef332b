//! What statements are ranked and aligned with, and the claims proposed
//! for a statement or a passage, each with a stance hint.

use std::collections::BTreeSet;

use super::align::At;
use super::conflicts::{Conflict, conflicts};
use super::rank::{TermId, Terms, Vector, cosine, statement_terms};
use super::rejected::Rejected;
use super::{ClaimSuggestion, MIN_RELATIVE, MIN_SCORE, round};
use crate::pipeline::content::{ArticleIdx, PerArticle, Stance};
use crate::pipeline::site::Site;

/// What statements are ranked with: the site, its `Terms` (built here,
/// or kept up to date by the caller), and for `suggest`'s alignment the
/// stems and vectors of every statement.
pub struct Index<'a> {
    pub(super) site: &'a Site,
    terms: std::borrow::Cow<'a, Terms>,
    /// `[article][statement]` TF-IDF vectors; empty when made
    /// [`Index::with_terms`] (computed per statement then).
    vectors: PerArticle<Vec<Vector>>,
    /// `[article][statement]` content word stems (for alignment).
    pub(super) stems: PerArticle<Vec<BTreeSet<String>>>,
}

impl<'a> Index<'a> {
    /// Everything `suggest` ranks and aligns with, for the whole site.
    pub fn new(site: &'a Site) -> Index<'a> {
        let statement_terms: Vec<Vec<Vec<String>>> = {
            use rayon::prelude::*;
            site.docs.par_iter().map(statement_terms).collect()
        };
        let mut terms = Terms::default();
        terms.update_with(site, Some(&statement_terms));
        let vectors = PerArticle::new(
            statement_terms
                .iter()
                .map(|a| {
                    a.iter()
                        .map(|t| {
                            let ids: Vec<Option<TermId>> = t.iter().map(|x| terms.id(x)).collect();
                            terms.vector(&ids)
                        })
                        .collect()
                })
                .collect(),
        );
        let stems = PerArticle::new(
            statement_terms
                .into_iter()
                .map(|a| {
                    a.into_iter()
                        .map(|t| t.into_iter().filter(|x| !x.contains(' ')).collect())
                        .collect()
                })
                .collect(),
        );
        Index {
            site,
            terms: std::borrow::Cow::Owned(terms),
            vectors,
            stems,
        }
    }

    /// Ranking only (no alignment), with `terms` as they stand: up to date
    /// with `site` ([`Terms::update`]).
    pub(crate) fn with_terms(site: &'a Site, terms: &'a Terms) -> Index<'a> {
        Index {
            site,
            terms: std::borrow::Cow::Borrowed(terms),
            vectors: PerArticle::default(),
            stems: PerArticle::default(),
        }
    }

    /// The claims statement `si` of article `ai` is linked to.
    pub(super) fn linked(&self, ai: ArticleIdx, si: usize) -> BTreeSet<usize> {
        self.site
            .graph
            .links(ai, si)
            .iter()
            .map(|r| r.claim)
            .collect()
    }

    /// How alike two statements are, `(article, statement)` each: the
    /// IDF-weighted Dice overlap of their content words, 0 to 1.
    pub fn similarity(&self, a: At, b: At) -> f64 {
        let (x, y) = (&self.stems[a.0][a.1], &self.stems[b.0][b.1]);
        let w = |t: &String| self.terms.idf(self.terms.id(t));
        let shared: f64 = x.intersection(y).map(w).sum();
        let total: f64 = x.iter().map(w).sum::<f64>() + y.iter().map(w).sum::<f64>();
        if total <= 0.0 {
            0.0
        } else {
            2.0 * shared / total
        }
    }

    /// Claims ranked for a text, best first: `(claim, relative score)`.
    pub fn rank(&self, text: &str) -> Vec<(usize, f64)> {
        self.terms.rank(text)
    }

    /// The vector of statement `si` of article `ai`.
    fn statement_vector(&self, ai: ArticleIdx, si: usize) -> std::borrow::Cow<'_, Vector> {
        match self.vectors.get(ai).and_then(|a| a.get(si)) {
            Some(v) => std::borrow::Cow::Borrowed(v),
            None => std::borrow::Cow::Owned(
                self.terms.text_vector(self.site.doc(ai).statement_text(si)),
            ),
        }
    }

    /// The stance a text (a statement, or a passage of one) probably
    /// takes on claim `ci`, and the conflicts behind a `contradicts`.
    fn stance_hint(&self, text: &str, v: &Vector, ci: usize) -> (Stance, Vec<Conflict>) {
        let (best, sim) = self.terms.claims[ci]
            .parts
            .iter()
            .map(|p| {
                let ids: Vec<Option<TermId>> = p.terms.iter().map(|&t| Some(t)).collect();
                (p, cosine(v, &self.terms.vector(&ids)))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("a claim has its text");
        let base = match best.stance {
            Some(s) if sim >= 0.2 => s,
            _ => Stance::Supports,
        };
        let found = conflicts(text, &best.text, sim >= 0.6);
        if found.is_empty() {
            (base, found)
        } else {
            (base.opposite().unwrap_or(base), found)
        }
    }

    /// The stance `text` probably takes on each of `claims`, and the
    /// conflicts behind a `contradicts`.
    pub(crate) fn hints(&self, text: &str, claims: &[usize]) -> Vec<(Stance, Vec<Conflict>)> {
        let v = self.terms.text_vector(text);
        claims
            .iter()
            .map(|&ci| self.stance_hint(text, &v, ci))
            .collect()
    }
}

/// Claims proposed for statement `si` of article `ai`, best first,
/// leaving out claims it is already linked to and rejected suggestions.
pub fn for_statement(
    index: &Index<'_>,
    rejected: &Rejected,
    ai: ArticleIdx,
    si: usize,
    limit: usize,
) -> Vec<ClaimSuggestion> {
    let site = index.site;
    let text = site.doc(ai).statement_text(si);
    let article = &site.article(ai).id;
    let ranked = index.rank(text);
    let floor = ranked
        .first()
        .map_or(MIN_SCORE, |(_, top)| MIN_SCORE.max(top * MIN_RELATIVE));
    let linked = index.linked(ai, si);
    let wanted: Vec<(usize, f64)> = ranked
        .into_iter()
        .filter(|(ci, s)| {
            *s >= floor
                && !linked.contains(ci)
                && !rejected.contains(&site.claims[*ci].id, article, text)
        })
        .take(limit)
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let v = index.statement_vector(ai, si);
    wanted
        .into_iter()
        .map(|(ci, score)| {
            let (stance, conflicts) = index.stance_hint(text, &v, ci);
            ClaimSuggestion {
                claim: site.claims[ci].id.clone(),
                claim_text: site.claims[ci].text.clone(),
                score: round(score),
                stance,
                conflicts,
            }
        })
        .collect()
}
