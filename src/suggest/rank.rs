//! Term statistics and BM25 ranking of claims for a text, kept up to date
//! with each compile of the site for the cost of what changed.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::words::{NEGATIONS, terms, words};
use crate::pipeline::content::{ArticleIdx, PerArticle, Stance};
use crate::pipeline::site::Site;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// An interned term (see [`Terms`]).
pub(super) type TermId = u32;

/// A TF-IDF vector, L2-normalised, by term.
pub(super) type Vector = HashMap<TermId, f64>;

pub(super) fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(t, w)| large.get(t).map(|v| w * v))
        .sum()
}

/// One part of a claim's document: its text or one quote.
#[derive(Debug, Clone)]
pub(super) struct Part {
    /// `None` for the claim's text.
    pub(super) stance: Option<Stance>,
    pub(super) text: String,
    pub(super) terms: Vec<TermId>,
}

/// What ranking knows of one article: how many of its statements hold
/// each term.
#[derive(Debug, Clone)]
struct ArticleTerms {
    /// Of the article's text: unchanged text, unchanged terms.
    hash: blake3::Hash,
    statements: u64,
    df: Vec<(TermId, u32)>,
}

/// What ranking knows of one claim: its document (text and quotes).
#[derive(Debug, Clone)]
pub(super) struct ClaimTerms {
    /// Of its text and its quotes with their stances.
    key: blake3::Hash,
    /// The distinct terms of its text (counted in the document
    /// frequencies, as a statement's are).
    text_terms: Vec<TermId>,
    /// Term counts of the whole document, and its length.
    counts: Vec<(TermId, f64)>,
    len: f64,
    pub(super) parts: Vec<Part>,
    /// The distinct content stems of its text (see [`Terms::near_duplicates`]).
    stems: Vec<TermId>,
}

/// Term statistics of a site: document frequencies over every statement
/// and claim text, and each claim's document, made of its text and its
/// quotes. Everything claims are ranked with; [`Terms::update`] brings it
/// up to date with a newer compile of the site for the cost of what
/// changed (articles whose text changed, claims whose text or quotes did),
/// with exactly the figures a fresh [`Terms::new`] would have.
#[derive(Debug, Clone, Default)]
pub(crate) struct Terms {
    vocab: HashMap<String, TermId>,
    /// Statements and claim texts holding each term.
    df: Vec<u32>,
    /// Statements and claim texts counted.
    n: u64,
    articles: HashMap<String, ArticleTerms>,
    /// In the site's order.
    pub(super) claims: Vec<ClaimTerms>,
    avg_len: f64,
    /// Term → the claims whose document holds it, with its count there.
    postings: HashMap<TermId, Vec<(u32, f64)>>,
}

fn claim_key(claim: &crate::pipeline::content::Claim) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    let mut put = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    put(&claim.text);
    for ev in &claim.evidence {
        put(&ev.quote);
        put(ev.stance.as_str());
    }
    h.finalize()
}

/// Articles whose terms are found at once: their term lists are held in
/// memory only that long.
const ARTICLE_BATCH: usize = 256;

impl Terms {
    /// The statistics of `site`.
    pub(crate) fn new(site: &Site) -> Terms {
        let mut t = Terms::default();
        t.update(site);
        t
    }

    fn intern(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.vocab.get(term) {
            return id;
        }
        let id = self.df.len() as TermId;
        self.vocab.insert(term.to_string(), id);
        self.df.push(0);
        id
    }

    /// An interned term, if any statement, claim or quote ever had it.
    pub(super) fn id(&self, term: &str) -> Option<TermId> {
        self.vocab.get(term).copied()
    }

    fn idf_of(&self, d: u32) -> f64 {
        let n = self.n as f64;
        let d = f64::from(d);
        (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
    }

    /// The IDF ranking uses: 0 for a term no statement or claim text has.
    pub(super) fn idf(&self, id: Option<TermId>) -> f64 {
        match id.map(|i| self.df[i as usize]) {
            Some(d) if d > 0 => self.idf_of(d),
            _ => 0.0,
        }
    }

    /// The IDF vectors use: a term no statement or claim text has weighs
    /// as much as the rarest.
    fn vector_idf(&self, id: Option<TermId>) -> f64 {
        self.idf_of(id.map_or(0, |i| self.df[i as usize]))
    }

    /// The TF-IDF vector of a list of terms (`None`: a term never seen,
    /// which weighs in the norm but matches nothing).
    pub(super) fn vector(&self, terms: &[Option<TermId>]) -> Vector {
        let mut tf: HashMap<Option<TermId>, f64> = HashMap::new();
        for t in terms {
            *tf.entry(*t).or_insert(0.0) += 1.0;
        }
        let weighted: Vec<(Option<TermId>, f64)> = tf
            .into_iter()
            .map(|(t, f)| (t, (1.0 + f.ln()) * self.vector_idf(t)))
            .collect();
        let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        weighted
            .into_iter()
            .filter_map(|(t, w)| Some((t?, if norm > 0.0 { w / norm } else { w })))
            .collect()
    }

    /// The vector of a text.
    pub(super) fn text_vector(&self, text: &str) -> Vector {
        let ids: Vec<Option<TermId>> = terms(text).iter().map(|t| self.id(t)).collect();
        self.vector(&ids)
    }

    /// Brings the statistics up to date with `site`.
    pub(crate) fn update(&mut self, site: &Site) {
        self.update_with(site, None);
    }

    /// [`Terms::update`], given every statement's terms when the caller
    /// has them already.
    pub(super) fn update_with(&mut self, site: &Site, known: Option<&[Vec<Vec<String>>]>) {
        use rayon::prelude::*;
        use std::borrow::Cow;
        // Articles: those whose text changed, came or went.
        let hashes: PerArticle<blake3::Hash> = PerArticle::new(
            site.docs
                .par_iter()
                .map(|d| blake3::hash(d.text.as_bytes()))
                .collect(),
        );
        let present: HashSet<&str> = site.articles.iter().map(|a| a.id.as_str()).collect();
        let gone: Vec<String> = self
            .articles
            .keys()
            .filter(|id| !present.contains(id.as_str()))
            .cloned()
            .collect();
        for id in gone {
            if let Some(old) = self.articles.remove(&id) {
                self.forget_article(&old);
            }
        }
        let changed: Vec<ArticleIdx> = site
            .article_indices()
            .filter(|&ai| {
                self.articles
                    .get(&site.article(ai).id)
                    .is_none_or(|t| t.hash != hashes[ai])
            })
            .collect();
        for batch in changed.chunks(ARTICLE_BATCH) {
            let found: Vec<Cow<'_, [Vec<String>]>> = match known {
                Some(k) => batch
                    .iter()
                    .map(|&ai| Cow::Borrowed(&k[ai.get()][..]))
                    .collect(),
                None => batch
                    .par_iter()
                    .map(|&ai| Cow::Owned(statement_terms(site.doc(ai))))
                    .collect(),
            };
            for (&ai, statements) in batch.iter().zip(found) {
                let t = self.count_article(hashes[ai], &statements);
                if let Some(old) = self.articles.insert(site.article(ai).id.clone(), t) {
                    self.forget_article(&old);
                }
            }
        }
        // Claims: reused by their text and quotes, wherever they moved.
        let mut pool: HashMap<blake3::Hash, Vec<ClaimTerms>> = HashMap::new();
        for c in std::mem::take(&mut self.claims) {
            pool.entry(c.key).or_default().push(c);
        }
        let mut claims = Vec::with_capacity(site.claims.len());
        for claim in &site.claims {
            let key = claim_key(claim);
            let kept = pool.get_mut(&key).and_then(Vec::pop);
            claims.push(match kept {
                Some(c) => c,
                None => {
                    let c = self.claim_terms(key, claim);
                    for &t in &c.text_terms {
                        self.df[t as usize] += 1;
                    }
                    c
                }
            });
        }
        for c in pool.into_values().flatten() {
            for &t in &c.text_terms {
                self.df[t as usize] -= 1;
            }
        }
        self.claims = claims;
        self.n =
            self.articles.values().map(|a| a.statements).sum::<u64>() + self.claims.len() as u64;
        self.avg_len = if self.claims.is_empty() {
            1.0
        } else {
            self.claims.iter().map(|c| c.len).sum::<f64>() / self.claims.len() as f64
        }
        .max(1.0);
        self.postings.clear();
        for (ci, c) in self.claims.iter().enumerate() {
            for &(t, f) in &c.counts {
                self.postings.entry(t).or_default().push((ci as u32, f));
            }
        }
    }

    fn forget_article(&mut self, old: &ArticleTerms) {
        for &(t, k) in &old.df {
            self.df[t as usize] -= k;
        }
    }

    fn count_article(&mut self, hash: blake3::Hash, statements: &[Vec<String>]) -> ArticleTerms {
        let mut df: HashMap<TermId, u32> = HashMap::new();
        for st in statements {
            let unique: HashSet<&String> = st.iter().collect();
            for term in unique {
                let id = self.intern(term);
                *df.entry(id).or_insert(0) += 1;
            }
        }
        let mut df: Vec<(TermId, u32)> = df.into_iter().collect();
        df.sort_unstable();
        for &(t, k) in &df {
            self.df[t as usize] += k;
        }
        ArticleTerms {
            hash,
            statements: statements.len() as u64,
            df,
        }
    }

    fn claim_terms(
        &mut self,
        key: blake3::Hash,
        claim: &crate::pipeline::content::Claim,
    ) -> ClaimTerms {
        let text = terms(&claim.text);
        let text_ids: Vec<TermId> = text.iter().map(|t| self.intern(t)).collect();
        let mut text_terms = text_ids.clone();
        text_terms.sort_unstable();
        text_terms.dedup();
        let mut stems: Vec<TermId> = text
            .iter()
            .zip(&text_ids)
            .filter(|(t, _)| !t.contains(' '))
            .map(|(_, &id)| id)
            .collect();
        stems.sort_unstable();
        stems.dedup();
        let mut all = text_ids.clone();
        let mut parts = vec![Part {
            stance: None,
            text: claim.text.clone(),
            terms: text_ids,
        }];
        for ev in &claim.evidence {
            let ids: Vec<TermId> = terms(&ev.quote).iter().map(|t| self.intern(t)).collect();
            all.extend(&ids);
            parts.push(Part {
                stance: Some(ev.stance),
                text: ev.quote.clone(),
                terms: ids,
            });
        }
        let mut counts: HashMap<TermId, f64> = HashMap::new();
        for &t in &all {
            *counts.entry(t).or_insert(0.0) += 1.0;
        }
        let mut counts: Vec<(TermId, f64)> = counts.into_iter().collect();
        counts.sort_unstable_by_key(|c| c.0);
        ClaimTerms {
            key,
            text_terms,
            counts,
            len: all.len() as f64,
            parts,
            stems,
        }
    }

    /// Claims ranked for a text, best first: `(claim index, relative
    /// score)`, the BM25 score divided by the best the text could get.
    pub(crate) fn rank(&self, text: &str) -> Vec<(usize, f64)> {
        let q: BTreeSet<String> = terms(text).into_iter().collect();
        let ids: Vec<Option<TermId>> = q.iter().map(|t| self.id(t)).collect();
        let best: f64 = ids.iter().map(|&t| self.idf(t) * (K1 + 1.0)).sum();
        if best <= 0.0 {
            return Vec::new();
        }
        let norms: Vec<f64> = self
            .claims
            .iter()
            .map(|c| K1 * (1.0 - B + B * c.len / self.avg_len))
            .collect();
        // Summed term by term in the query's order, as a claim at a time
        // would be.
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for &t in &ids {
            let idf = self.idf(t);
            let Some(list) = t.and_then(|t| self.postings.get(&t)) else {
                continue;
            };
            for &(ci, f) in list {
                *scores.entry(ci).or_insert(0.0) += idf * f * (K1 + 1.0) / (f + norms[ci as usize]);
            }
        }
        let mut scored: Vec<(usize, f64)> = scores
            .into_iter()
            .map(|(ci, s)| (ci as usize, s / best))
            .filter(|(_, s)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    /// Claims whose text says what `text` says: the same content words
    /// (stemmed, stop words dropped, in any order), or the same words
    /// when it has no content words. Creating such a claim again is
    /// usually a mistake.
    pub(crate) fn near_duplicates(&self, site: &Site, text: &str) -> Vec<usize> {
        let folded = |s: &str| -> Vec<String> { words(s).into_iter().map(|w| w.lower).collect() };
        // Index terms leave negations out: "did not end" is not "ended".
        let negations = |s: &str| {
            words(s)
                .iter()
                .filter(|w| NEGATIONS.contains(&w.lower.as_str()) || w.stem == "not")
                .count()
        };
        let negated = negations(text);
        let mine: Option<Vec<TermId>> = terms(text)
            .iter()
            .filter(|t| !t.contains(' '))
            .map(|t| self.id(t))
            .collect();
        let mine = mine.map(|mut v| {
            v.sort_unstable();
            v.dedup();
            v
        });
        let plain = folded(text);
        (0..self.claims.len())
            .filter(|&ci| match &mine {
                Some(m) if !m.is_empty() => {
                    *m == self.claims[ci].stems && negations(&site.claims[ci].text) == negated
                }
                _ => !plain.is_empty() && folded(&site.claims[ci].text) == plain,
            })
            .collect()
    }
}

/// Every statement's index terms.
pub(super) fn statement_terms(doc: &crate::pipeline::document::Doc) -> Vec<Vec<String>> {
    (0..doc.statements.len())
        .map(|i| terms(doc.statement_text(i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/serve-basic"
        ));
        for e in walkdir::WalkDir::new(from) {
            let e = e.unwrap();
            let to = dir.path().join(e.path().strip_prefix(from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
        dir
    }

    fn compiled(root: &std::path::Path) -> Site {
        crate::pipeline::site::compile(root, crate::pipeline::site::BuildOptions { drafts: true })
            .0
            .unwrap()
    }

    /// Every statement and claim text of `site`, and some made-up ones.
    fn queries(site: &Site) -> Vec<String> {
        let mut q: Vec<String> = site
            .docs
            .iter()
            .flat_map(|d| (0..d.statements.len()).map(|i| d.statement_text(i).to_string()))
            .chain(site.claims.iter().map(|c| c.text.clone()))
            .collect();
        q.push("dockworkers strike port talks".into());
        q.push("nothing in common whatsoever".into());
        q
    }

    fn same_ranking(a: &Terms, b: &Terms, site: &Site) {
        for text in queries(site) {
            assert_eq!(a.rank(&text), b.rank(&text), "ranked differently: {text}");
        }
        assert_eq!(a.n, b.n);
        assert_eq!(a.avg_len, b.avg_len);
        for (term, &id) in &b.vocab {
            let theirs = a.id(term).map_or(0, |i| a.df[i as usize]);
            assert_eq!(theirs, b.df[id as usize], "df of {term:?}");
        }
    }

    #[test]
    fn terms_brought_up_to_date_rank_exactly_as_terms_built_afresh() {
        let dir = fixture_copy();
        let root = dir.path();
        let mut kept = Terms::new(&compiled(root));
        let edit = |path: &str, from: &str, to: &str| {
            let p = root.join(path);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.contains(from), "{path} lacks {from:?}");
            std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        };
        // An article's text, a claim's text, a new article, an article
        // removed, claims reordered: after each, the kept statistics are
        // those of the site as it is.
        edit(
            "content/articles/coastal-gazette-talks.md",
            "broke down.",
            "broke down. Dockworkers vowed to keep the port closed until Thursday.",
        );
        let site = compiled(root);
        kept.update(&site);
        same_ranking(&kept, &Terms::new(&site), &site);
        edit(
            "content/claims.toml",
            "About 1,200 workers joined the strike.",
            "Some 1,200 dock workers joined the walkout.",
        );
        let claims = std::fs::read_to_string(root.join("content/claims.toml")).unwrap();
        let first = claims.find("[[claim]]").unwrap();
        let second = first + 1 + claims[first + 1..].find("[[claim]]").unwrap();
        let reordered = format!(
            "{}{}\n{}",
            &claims[..first],
            &claims[second..],
            &claims[first..second]
        );
        std::fs::write(root.join("content/claims.toml"), reordered).unwrap();
        std::fs::write(
            root.join("content/articles/metro-bulletin.md"),
            "+++\ntitle = \"Strike ends\"\noutlet = \"Metro Bulletin\"\n+++\nThe strike ended on Friday. Ships left the port.\n",
        )
        .unwrap();
        std::fs::remove_file(root.join("content/articles/daily-ledger-port.md")).unwrap();
        let site = compiled(root);
        kept.update(&site);
        same_ranking(&kept, &Terms::new(&site), &site);
    }

    #[test]
    fn near_duplicate_claim_texts_are_found_and_negations_kept_apart() {
        let dir = fixture_copy();
        let site = compiled(dir.path());
        let terms = Terms::new(&site);
        let c = &site.claims[0];
        let found = |t: &str| -> Vec<&str> {
            terms
                .near_duplicates(&site, t)
                .into_iter()
                .map(|i| site.claims[i].id.as_str())
                .collect()
        };
        assert_eq!(found(&c.text), [c.id.as_str()]);
        let shouted = format!("  {}!!", c.text.to_uppercase().trim_end_matches('.'));
        assert_eq!(found(&shouted), [c.id.as_str()]);
        let negated = format!("It is not true that {}", c.text);
        assert!(found(&negated).is_empty(), "{negated}");
        assert!(found("Something else entirely happened.").is_empty());
    }
}
