//! The anchors kept between builds: each quote found in an article's
//! current text is not searched for again, and a build anchors only the
//! evidence it has not anchored yet, in only the articles it quotes.

use std::collections::{BTreeSet, HashMap};

use super::Workspace;
use crate::diag::Diagnostics;
use crate::pipeline::anchor::Anchor;
use crate::pipeline::content::{Claim, Evidence};
use crate::pipeline::graph::{self, Anchors};

/// Anchors already found, per article (dropped when its text changes) and
/// quote. Failures are not kept: they are rare, and their diagnostics
/// point into the claims file, whose spans move with every edit.
#[derive(Debug, Default)]
pub(super) struct AnchorCache {
    by_article: HashMap<String, QuoteAnchors>,
}

/// Anchors in one article by quote, then by `occurrence`.
type QuoteAnchors = HashMap<String, Vec<(Option<usize>, Anchor)>>;

impl AnchorCache {
    fn get(&self, ev: &Evidence) -> Option<&Anchor> {
        self.by_article
            .get(&ev.article)?
            .get(&ev.quote)?
            .iter()
            .find(|(o, _)| *o == ev.occurrence)
            .map(|(_, a)| a)
    }

    fn insert(&mut self, ev: &Evidence, anchor: Anchor) {
        let list = self
            .by_article
            .entry(ev.article.clone())
            .or_default()
            .entry(ev.quote.clone())
            .or_default();
        if !list.iter().any(|(o, _)| *o == ev.occurrence) {
            list.push((ev.occurrence, anchor));
        }
    }

    pub(super) fn forget(&mut self, article: &str) {
        self.by_article.remove(article);
    }
}

impl Workspace {
    /// Every quote anchored: from the last compile where neither the claims
    /// nor the article's text changed, else from the cache where the quote
    /// was found in the same text before, otherwise found now (and cached).
    pub(super) fn anchor(&mut self, diags: &mut Diagnostics) -> Anchors {
        let stale = std::mem::take(&mut self.stale);
        let mut missing: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut missing_count = 0;
        let reuse = self.matrix.take().filter(|m| m.len() == self.claims.len());
        let mut anchors: Anchors = match reuse {
            Some(mut m) => {
                for (ci, c) in self.claims.iter().enumerate() {
                    let mut miss = Vec::new();
                    for (ei, ev) in c.evidence.iter().enumerate() {
                        // Failures are tried again: they are not cached.
                        if m[ci][ei].is_none() || stale.contains(&ev.article) {
                            m[ci][ei] = self.anchors.get(ev).cloned();
                            if m[ci][ei].is_none() {
                                miss.push(ei);
                            }
                        }
                    }
                    if !miss.is_empty() {
                        missing_count += miss.len();
                        missing.push((ci, miss));
                    }
                }
                m
            }
            None => {
                let mut m = Vec::with_capacity(self.claims.len());
                for (ci, c) in self.claims.iter().enumerate() {
                    let row: Vec<Option<Anchor>> = c
                        .evidence
                        .iter()
                        .map(|ev| self.anchors.get(ev).cloned())
                        .collect();
                    let miss: Vec<usize> = (0..row.len()).filter(|&ei| row[ei].is_none()).collect();
                    if !miss.is_empty() {
                        missing_count += miss.len();
                        missing.push((ci, miss));
                    }
                    m.push(row);
                }
                m
            }
        };
        let total: usize = self.claims.iter().map(|c| c.evidence.len()).sum();
        if missing_count > 0 && missing_count == total {
            // First build, or everything moved: no subset to carve out.
            anchors = graph::anchor_evidence(&self.articles, &self.docs, &self.claims, diags);
            for (c, row) in self.claims.iter().zip(&anchors) {
                for (ev, a) in c.evidence.iter().zip(row) {
                    if let Some(a) = a {
                        self.anchors.insert(ev, a.clone());
                    }
                }
            }
        } else if missing_count > 0 {
            // Anchor only the missing evidence, in only the articles it
            // quotes: copies of those claims holding just that evidence (the
            // diagnostics name the claim and point at the quote, so they
            // read as from the original), and of those articles.
            let subset: Vec<Claim> = missing
                .iter()
                .map(|(ci, eis)| {
                    let c = &self.claims[*ci];
                    Claim {
                        evidence: eis.iter().map(|&ei| c.evidence[ei].clone()).collect(),
                        ..claim_without_evidence(c)
                    }
                })
                .collect();
            let quoted: BTreeSet<&str> = subset
                .iter()
                .flat_map(|c| c.evidence.iter().map(|e| e.article.as_str()))
                .collect();
            let (mut articles, mut docs) = (Vec::new(), Vec::new());
            for id in quoted {
                if let Ok(i) = self.position(&format!("content/articles/{id}.md")) {
                    articles.push(self.articles[i].clone());
                    docs.push(self.docs[i].clone());
                }
            }
            let found = graph::anchor_evidence(&articles, &docs, &subset, diags);
            for ((ci, eis), row) in missing.iter().zip(found) {
                for (&ei, a) in eis.iter().zip(row) {
                    if let Some(a) = a {
                        self.anchors
                            .insert(&self.claims[*ci].evidence[ei], a.clone());
                        anchors[*ci][ei] = Some(a);
                    }
                }
            }
        }
        self.matrix = Some(anchors.clone());
        anchors
    }
}

/// A copy of a claim's fields, without its evidence.
fn claim_without_evidence(c: &Claim) -> Claim {
    Claim {
        id: c.id.clone(),
        text: c.text.clone(),
        verdict: c.verdict,
        summary: c.summary.clone(),
        summary_span: c.summary_span.clone(),
        status: c.status,
        reviewer: c.reviewer.clone(),
        reviewed: c.reviewed.clone(),
        signoff: c.signoff.clone(),
        basis_reports: c.basis_reports,
        sources: c.sources.clone(),
        updates: c.updates.clone(),
        evidence: Vec::new(),
        file: c.file.clone(),
        span: c.span.clone(),
    }
}
