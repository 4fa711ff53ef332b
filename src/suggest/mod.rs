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

pub mod rejected;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::content::Stance;
use crate::site::Site;
use rejected::Rejected;

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
pub const MIN_SCORE: f64 = 0.04;
/// Claims scoring below this fraction of the statement's best claim are
/// not proposed: they are rarely right when a much better one exists.
pub const MIN_RELATIVE: f64 = 0.4;
/// Statements of different articles at or above this similarity (see
/// [`Index::similarity`]) are aligned.
pub const ALIGN_SIMILARITY: f64 = 0.3;
/// Word-trigram overlap (Jaccard) from which an aligned pair counts as a
/// near-duplicate (wire copy).
pub const NEAR_DUPLICATE: f64 = 0.45;

const K1: f64 = 1.2;
const B: f64 = 0.75;

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "even",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "may",
    "me",
    "meanwhile",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "s",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us_",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yet",
    "however",
    "although",
    "though",
    "according",
    "cited",
    "added",
    "told",
];

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot", "n't",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const NUMBER_WORDS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("dozen", 12.0),
    ("dozens", 24.0),
    ("hundreds", 200.0),
    ("thousand", 1000.0),
    ("thousands", 2000.0),
    ("million", 1e6),
    ("millions", 2e6),
    ("billion", 1e9),
    ("half", 0.5),
];

const TIME_UNITS: &[&str] = &[
    "second", "minut", "hour", "day", "week", "month", "year", "decad",
];

/// Words that qualify a title: "former President".
const TITLE_MODIFIERS: &[&str] = &[
    "former", "ex", "late", "acting", "deputy", "vice", "outgoing", "incoming", "interim",
];

const TITLES: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "chancellor",
    "envoy",
    "adviser",
    "advisor",
    "aide",
    "spokesman",
    "spokeswoman",
    "king",
    "queen",
    "governor",
    "senator",
    "ambassador",
    "general",
    "mayor",
    "leader",
    "commander",
];

/// One word of a text.
#[derive(Debug, Clone)]
struct Word {
    /// As written, possessive `'s` removed.
    raw: String,
    lower: String,
    stem: String,
    stop: bool,
    /// Capitalised and not the first word of the text or of a sentence.
    capital: bool,
}

fn stemmer() -> frostem::Stemmer {
    frostem::Stemmer::new(frostem::Algorithm::English)
}

/// Splits text into words: letters and digits, with `5,000` and `19.5`
/// kept whole, apostrophes folded and possessives dropped; hyphenated
/// words ("five-hour") are separate words.
fn words(text: &str) -> Vec<Word> {
    let stem = stemmer();
    let mut out: Vec<Word> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut sentence_start = true;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            if matches!(c, '.' | '!' | '?' | ':') {
                sentence_start = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let c = chars[i];
            let next_alnum = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            let prev_digit = i > start && chars[i - 1].is_ascii_digit();
            let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if c.is_alphanumeric()
                || (matches!(c, '\'' | '\u{2019}') && next_alnum)
                || (matches!(c, ',' | '.') && prev_digit && next_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        let mut raw: String = chars[start..i]
            .iter()
            .map(|&c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        let mut negated = false;
        for suffix in ["'s", "'S"] {
            if let Some(r) = raw.strip_suffix(suffix) {
                raw = r.to_string();
            }
        }
        if let Some(r) = raw.strip_suffix("n't").or_else(|| raw.strip_suffix("N'T")) {
            raw = r.to_string();
            negated = true;
        }
        let lower = raw.to_lowercase().replace('\'', "");
        let capital = !sentence_start && raw.chars().next().is_some_and(char::is_uppercase);
        sentence_start = false;
        let stop = STOP_WORDS.contains(&lower.as_str());
        let stemmed = if lower.chars().any(|c| c.is_ascii_digit()) {
            lower.replace(',', "")
        } else {
            stem.stem(&lower).into_owned()
        };
        out.push(Word {
            raw,
            lower,
            stem: stemmed,
            stop,
            capital,
        });
        if negated {
            out.push(Word {
                raw: "n't".into(),
                lower: "n't".into(),
                stem: "not".into(),
                stop: false,
                capital: false,
            });
        }
    }
    out
}

/// Index terms of a text: content stems and bigrams of consecutive ones.
fn terms(text: &str) -> Vec<String> {
    let content: Vec<String> = words(text)
        .into_iter()
        .filter(|w| !w.stop && !NEGATIONS.contains(&w.lower.as_str()))
        .map(|w| w.stem)
        .collect();
    let mut out = content.clone();
    out.extend(content.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out
}

// ---------------------------------------------------------------------------
// Index
// ---------------------------------------------------------------------------

/// An interned term (see [`Terms`]).
type TermId = u32;

/// A TF-IDF vector, L2-normalised, by term.
type Vector = HashMap<TermId, f64>;

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(t, w)| large.get(t).map(|v| w * v))
        .sum()
}

/// One part of a claim's document: its text or one quote.
#[derive(Debug, Clone)]
struct Part {
    /// `None` for the claim's text.
    stance: Option<Stance>,
    text: String,
    terms: Vec<TermId>,
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
struct ClaimTerms {
    /// Of its text and its quotes with their stances.
    key: blake3::Hash,
    /// The distinct terms of its text (counted in the document
    /// frequencies, as a statement's are).
    text_terms: Vec<TermId>,
    /// Term counts of the whole document, and its length.
    counts: Vec<(TermId, f64)>,
    len: f64,
    parts: Vec<Part>,
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
pub struct Terms {
    vocab: HashMap<String, TermId>,
    /// Statements and claim texts holding each term.
    df: Vec<u32>,
    /// Statements and claim texts counted.
    n: u64,
    articles: HashMap<String, ArticleTerms>,
    /// In the site's order.
    claims: Vec<ClaimTerms>,
    avg_len: f64,
    /// Term → the claims whose document holds it, with its count there.
    postings: HashMap<TermId, Vec<(u32, f64)>>,
}

fn claim_key(claim: &crate::content::Claim) -> blake3::Hash {
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
    pub fn new(site: &Site) -> Terms {
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
    fn id(&self, term: &str) -> Option<TermId> {
        self.vocab.get(term).copied()
    }

    fn idf_of(&self, d: u32) -> f64 {
        let n = self.n as f64;
        let d = f64::from(d);
        (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
    }

    /// The IDF ranking uses: 0 for a term no statement or claim text has.
    fn idf(&self, id: Option<TermId>) -> f64 {
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
    fn vector(&self, terms: &[Option<TermId>]) -> Vector {
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
    fn text_vector(&self, text: &str) -> Vector {
        let ids: Vec<Option<TermId>> = terms(text).iter().map(|t| self.id(t)).collect();
        self.vector(&ids)
    }

    /// Brings the statistics up to date with `site`.
    pub fn update(&mut self, site: &Site) {
        self.update_with(site, None);
    }

    /// [`Terms::update`], given every statement's terms when the caller
    /// has them already.
    fn update_with(&mut self, site: &Site, known: Option<&[Vec<Vec<String>>]>) {
        use rayon::prelude::*;
        use std::borrow::Cow;
        // Articles: those whose text changed, came or went.
        let hashes: Vec<blake3::Hash> = site
            .docs
            .par_iter()
            .map(|d| blake3::hash(d.text.as_bytes()))
            .collect();
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
        let changed: Vec<usize> = (0..site.articles.len())
            .filter(|&ai| {
                self.articles
                    .get(&site.articles[ai].id)
                    .is_none_or(|t| t.hash != hashes[ai])
            })
            .collect();
        for batch in changed.chunks(ARTICLE_BATCH) {
            let found: Vec<Cow<'_, [Vec<String>]>> = match known {
                Some(k) => batch.iter().map(|&ai| Cow::Borrowed(&k[ai][..])).collect(),
                None => batch
                    .par_iter()
                    .map(|&ai| Cow::Owned(statement_terms(&site.docs[ai])))
                    .collect(),
            };
            for (&ai, statements) in batch.iter().zip(found) {
                let t = self.count_article(hashes[ai], &statements);
                if let Some(old) = self.articles.insert(site.articles[ai].id.clone(), t) {
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

    fn claim_terms(&mut self, key: blake3::Hash, claim: &crate::content::Claim) -> ClaimTerms {
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
    pub fn rank(&self, text: &str) -> Vec<(usize, f64)> {
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
    pub fn near_duplicates(&self, site: &Site, text: &str) -> Vec<usize> {
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
fn statement_terms(doc: &crate::document::Doc) -> Vec<Vec<String>> {
    (0..doc.statements.len())
        .map(|i| terms(doc.statement_text(i)))
        .collect()
}

/// What statements are ranked with: the site, its [`Terms`] (built here,
/// or kept up to date by the caller), and for `suggest`'s alignment the
/// stems and vectors of every statement.
pub struct Index<'a> {
    site: &'a Site,
    terms: std::borrow::Cow<'a, Terms>,
    /// `[article][statement]` TF-IDF vectors; empty when made
    /// [`Index::with_terms`] (computed per statement then).
    vectors: Vec<Vec<Vector>>,
    /// `[article][statement]` content word stems (for alignment).
    stems: Vec<Vec<BTreeSet<String>>>,
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
        let vectors = statement_terms
            .iter()
            .map(|a| {
                a.iter()
                    .map(|t| {
                        let ids: Vec<Option<TermId>> = t.iter().map(|x| terms.id(x)).collect();
                        terms.vector(&ids)
                    })
                    .collect()
            })
            .collect();
        let stems = statement_terms
            .into_iter()
            .map(|a| {
                a.into_iter()
                    .map(|t| t.into_iter().filter(|x| !x.contains(' ')).collect())
                    .collect()
            })
            .collect();
        Index {
            site,
            terms: std::borrow::Cow::Owned(terms),
            vectors,
            stems,
        }
    }

    /// Ranking only (no alignment), with `terms` as they stand: up to date
    /// with `site` ([`Terms::update`]).
    pub fn with_terms(site: &'a Site, terms: &'a Terms) -> Index<'a> {
        Index {
            site,
            terms: std::borrow::Cow::Borrowed(terms),
            vectors: Vec::new(),
            stems: Vec::new(),
        }
    }

    /// The claims statement `si` of article `ai` is linked to.
    fn linked(&self, ai: usize, si: usize) -> BTreeSet<usize> {
        self.site
            .graph
            .links(ai, si)
            .iter()
            .map(|r| r.claim)
            .collect()
    }

    /// How alike two statements are, `(article, statement)` each: the
    /// IDF-weighted Dice overlap of their content words, 0 to 1.
    pub fn similarity(&self, a: (usize, usize), b: (usize, usize)) -> f64 {
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
    fn statement_vector(&self, ai: usize, si: usize) -> std::borrow::Cow<'_, Vector> {
        match self.vectors.get(ai).and_then(|a| a.get(si)) {
            Some(v) => std::borrow::Cow::Borrowed(v),
            None => std::borrow::Cow::Owned(
                self.terms
                    .text_vector(self.site.docs[ai].statement_text(si)),
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
    pub fn hints(&self, text: &str, claims: &[usize]) -> Vec<(Stance, Vec<Conflict>)> {
        let v = self.terms.text_vector(text);
        claims
            .iter()
            .map(|&ci| self.stance_hint(text, &v, ci))
            .collect()
    }

    /// Claims ranked for a passage (a reviewer's selection), best first,
    /// each with a stance hint: up to `limit` of those scoring at least
    /// [`MIN_SCORE`].
    pub fn for_text(&self, text: &str, limit: usize) -> Vec<ClaimSuggestion> {
        let v = self.terms.text_vector(text);
        self.rank(text)
            .into_iter()
            .filter(|(_, s)| *s >= MIN_SCORE)
            .take(limit)
            .map(|(ci, score)| {
                let (stance, conflicts) = self.stance_hint(text, &v, ci);
                ClaimSuggestion {
                    claim: self.site.claims[ci].id.clone(),
                    claim_text: self.site.claims[ci].text.clone(),
                    score: round(score),
                    stance,
                    conflicts,
                }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Conflicts
// ---------------------------------------------------------------------------

/// What kind of difference a conflict hint rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictKind {
    Number,
    Date,
    Weekday,
    Title,
    Negation,
    Entity,
}

impl ConflictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Number => "number",
            ConflictKind::Date => "date",
            ConflictKind::Weekday => "weekday",
            ConflictKind::Title => "title",
            ConflictKind::Negation => "negation",
            ConflictKind::Entity => "named entity",
        }
    }
}

/// Two texts differ: `a` says `a_words` where `b` says `b_words`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    pub a_words: String,
    pub b_words: String,
}

fn number_value(w: &Word) -> Option<f64> {
    if w.lower.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return w.lower.replace(',', "").parse().ok();
    }
    NUMBER_WORDS
        .iter()
        .find(|(n, _)| *n == w.lower)
        .map(|(_, v)| *v)
}

/// `(number, unit stem, words as written)` for each number in the text.
fn quantities(ws: &[Word]) -> Vec<(f64, String, String)> {
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let Some(n) = number_value(w) else { continue };
        // The unit: the next word that is not itself a number or a stop
        // word ("five hours", "14,000 civilians", "28-point plan").
        let unit = ws[i + 1..]
            .iter()
            .take(2)
            .find(|u| number_value(u).is_none() && !u.stop);
        let (unit, shown) = match unit {
            Some(u) => (u.stem.clone(), format!("{} {}", w.raw, u.raw)),
            None => (String::new(), w.raw.clone()),
        };
        // Years stand apart from counts.
        if unit.is_empty() && (1900.0..=2100.0).contains(&n) && !w.lower.contains([',', '.']) {
            continue;
        }
        out.push((n, unit, shown));
    }
    out
}

fn years(ws: &[Word]) -> BTreeSet<String> {
    ws.iter()
        .filter(|w| {
            w.lower.len() == 4
                && w.lower.chars().all(|c| c.is_ascii_digit())
                && (1900..=2100).contains(&w.lower.parse::<u32>().unwrap_or(0))
        })
        .map(|w| w.raw.clone())
        .collect()
}

fn set_of(ws: &[Word], list: &[&str]) -> BTreeSet<String> {
    ws.iter()
        .filter(|w| list.contains(&w.lower.as_str()))
        .map(|w| w.raw.clone())
        .collect()
}

/// Title mentions: `(title, modifier or "")`, e.g. ("president", "former").
fn titles(ws: &[Word]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if !TITLES.contains(&w.lower.as_str()) {
            continue;
        }
        let modifier = ws[i.saturating_sub(2)..i]
            .iter()
            .rev()
            .find(|m| TITLE_MODIFIERS.contains(&m.lower.as_str()));
        match modifier {
            Some(m) => out.push((
                w.lower.clone(),
                m.lower.clone(),
                format!("{} {}", m.raw, w.raw),
            )),
            None => out.push((w.lower.clone(), String::new(), w.raw.clone())),
        }
    }
    out
}

fn negation_words(ws: &[Word]) -> Vec<String> {
    ws.iter()
        .filter(|w| NEGATIONS.contains(&w.lower.as_str()))
        .map(|w| w.raw.clone())
        .collect()
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// Differences between two texts that report the same fact. `close` says
/// the texts are near-identical, which makes a named-entity substitution
/// meaningful.
pub fn conflicts(a: &str, b: &str, close: bool) -> Vec<Conflict> {
    let (wa, wb) = (words(a), words(b));
    let mut out = Vec::new();
    let mut push = |kind, a_words: String, b_words: String| {
        let c = Conflict {
            kind,
            a_words,
            b_words,
        };
        if !out.contains(&c) {
            out.push(c);
        }
    };

    // Numbers: the same unit with different numbers, or the same number
    // with different time units ("five minutes" / "five hours").
    let (qa, qb) = (quantities(&wa), quantities(&wb));
    let units: BTreeSet<&str> = qa
        .iter()
        .filter(|q| !q.1.is_empty())
        .map(|q| q.1.as_str())
        .filter(|u| qb.iter().any(|q| q.1 == *u))
        .collect();
    for unit in units {
        let na: Vec<&(f64, String, String)> = qa.iter().filter(|q| q.1 == unit).collect();
        let nb: Vec<&(f64, String, String)> = qb.iter().filter(|q| q.1 == unit).collect();
        let disjoint = na.iter().all(|x| nb.iter().all(|y| x.0 != y.0));
        if disjoint {
            push(
                ConflictKind::Number,
                na.iter()
                    .map(|q| q.2.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                nb.iter()
                    .map(|q| q.2.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }
    let is_time = |u: &str| TIME_UNITS.iter().any(|t| u.starts_with(t));
    for x in qa.iter().filter(|q| is_time(&q.1)) {
        let ta: BTreeSet<&str> = qa
            .iter()
            .filter(|q| q.0 == x.0 && is_time(&q.1))
            .map(|q| q.1.as_str())
            .collect();
        let tb: Vec<&(f64, String, String)> =
            qb.iter().filter(|q| q.0 == x.0 && is_time(&q.1)).collect();
        if !tb.is_empty() && tb.iter().all(|q| !ta.contains(q.1.as_str())) {
            push(
                ConflictKind::Number,
                x.2.clone(),
                tb.iter()
                    .map(|q| q.2.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }

    // Dates: years and months.
    for (xa, xb) in [
        (years(&wa), years(&wb)),
        (set_of(&wa, MONTHS), set_of(&wb, MONTHS)),
    ] {
        let lower = |s: &BTreeSet<String>| -> BTreeSet<String> {
            s.iter().map(|x| x.to_lowercase()).collect()
        };
        if !xa.is_empty() && !xb.is_empty() && lower(&xa).is_disjoint(&lower(&xb)) {
            // "may" is also a verb: only capitalised month names count.
            let real = |s: &BTreeSet<String>| s.iter().all(|m| m != "may");
            if real(&xa) && real(&xb) {
                push(ConflictKind::Date, join(&xa), join(&xb));
            }
        }
    }

    // Weekdays.
    let (da, db) = (set_of(&wa, WEEKDAYS), set_of(&wb, WEEKDAYS));
    let lower =
        |s: &BTreeSet<String>| -> BTreeSet<String> { s.iter().map(|x| x.to_lowercase()).collect() };
    if !da.is_empty() && !db.is_empty() && lower(&da).is_disjoint(&lower(&db)) {
        push(ConflictKind::Weekday, join(&da), join(&db));
    }

    // Titles: the same title, qualified differently.
    let (ta, tb) = (titles(&wa), titles(&wb));
    for (title, modifier, shown) in &ta {
        let others: Vec<&(String, String, String)> = tb.iter().filter(|t| t.0 == *title).collect();
        if others.is_empty() || others.iter().any(|t| t.1 == *modifier) {
            continue;
        }
        // Only when one side has a modifier the other lacks everywhere.
        let a_has = ta.iter().any(|t| t.0 == *title && t.1 == *modifier);
        let b_has = tb.iter().any(|t| t.0 == *title && t.1 == *modifier);
        if a_has && !b_has {
            push(ConflictKind::Title, shown.clone(), others[0].2.clone());
        }
    }
    for (title, modifier, shown) in &tb {
        if modifier.is_empty() {
            continue;
        }
        let others: Vec<&(String, String, String)> = ta.iter().filter(|t| t.0 == *title).collect();
        if !others.is_empty() && others.iter().all(|t| t.1 != *modifier) {
            push(ConflictKind::Title, others[0].2.clone(), shown.clone());
        }
    }

    // Negation: one says it, the other denies it.
    let (na, nb) = (negation_words(&wa), negation_words(&wb));
    if na.len() % 2 != nb.len() % 2 {
        let show = |v: &[String]| {
            if v.is_empty() {
                "(no negation)".to_string()
            } else {
                v.join(", ")
            }
        };
        push(ConflictKind::Negation, show(&na), show(&nb));
    }

    // Named entities swapped in otherwise identical wording.
    if close {
        for (x, y) in substitutions(&wa, &wb) {
            let ent = |ws: &[&Word]| {
                ws.iter().any(|w| {
                    let l = w.lower.as_str();
                    w.capital
                        && !w.stop
                        && ![WEEKDAYS, MONTHS, TITLES, TITLE_MODIFIERS]
                            .iter()
                            .any(|list| list.contains(&l))
                })
            };
            if ent(&x) && ent(&y) {
                let show = |ws: &[&Word]| {
                    ws.iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                push(ConflictKind::Entity, show(&x), show(&y));
            }
        }
    }
    out
}

/// Short substitutions in a word-level diff of two texts: the runs of
/// words of `a` replaced by runs of `b` (at most three words each).
fn substitutions<'w>(a: &'w [Word], b: &'w [Word]) -> Vec<(Vec<&'w Word>, Vec<&'w Word>)> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 || n * m > 40_000 {
        return Vec::new();
    }
    // Longest common subsequence over lowercase words.
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i].lower == b[j].lower {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut xa, mut xb): (Vec<&Word>, Vec<&Word>) = (Vec::new(), Vec::new());
    let mut flush = |xa: &mut Vec<&'w Word>, xb: &mut Vec<&'w Word>| {
        if !xa.is_empty() && !xb.is_empty() && xa.len() <= 3 && xb.len() <= 3 {
            out.push((xa.clone(), xb.clone()));
        }
        xa.clear();
        xb.clear();
    };
    while i < n && j < m {
        if a[i].lower == b[j].lower {
            flush(&mut xa, &mut xb);
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            xa.push(&a[i]);
            i += 1;
        } else {
            xb.push(&b[j]);
            j += 1;
        }
    }
    xa.extend(a[i..].iter());
    xb.extend(b[j..].iter());
    flush(&mut xa, &mut xb);
    out
}

/// Jaccard overlap of word trigrams: 1 for identical wording.
fn shingle_overlap(a: &str, b: &str) -> f64 {
    let grams = |t: &str| -> HashSet<String> {
        let w: Vec<String> = words(t).into_iter().map(|w| w.lower).collect();
        if w.len() < 3 {
            return w.into_iter().collect();
        }
        w.windows(3).map(|x| x.join(" ")).collect()
    };
    let (ga, gb) = (grams(a), grams(b));
    let union = ga.union(&gb).count();
    if union == 0 {
        return 0.0;
    }
    ga.intersection(&gb).count() as f64 / union as f64
}

// ---------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------

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
pub struct StatementSuggestions {
    pub article: String,
    pub statement: String,
    pub text: String,
    pub claims: Vec<ClaimSuggestion>,
}

/// A statement in an aligned group.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub article: String,
    pub statement: String,
    pub text: String,
    /// Claims it is linked to now.
    pub claims: Vec<String>,
}

/// Two aligned statements (indices into the group's members).
#[derive(Debug, Clone, Serialize)]
pub struct AlignedPair {
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
pub struct Proposal {
    pub member: usize,
    pub claim: String,
    pub stance: Stance,
}

/// Statements of different articles that report the same fact.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub members: Vec<Member>,
    pub pairs: Vec<AlignedPair>,
    /// Links the group's other members have and these lack.
    pub proposals: Vec<Proposal>,
    /// When no member is linked to any claim: a claim text to create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_claim: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub statements: Vec<StatementSuggestions>,
    pub groups: Vec<Group>,
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Claims proposed for statement `si` of article `ai`, best first,
/// leaving out claims it is already linked to and rejected suggestions.
pub fn for_statement(
    index: &Index<'_>,
    rejected: &Rejected,
    ai: usize,
    si: usize,
    limit: usize,
) -> Vec<ClaimSuggestion> {
    let site = index.site;
    let text = site.docs[ai].statement_text(si);
    let article = &site.articles[ai].id;
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

/// All suggestions for a site (compile it with drafts so every claim is
/// a candidate).
pub fn suggest(site: &Site, rejected: &Rejected, opts: &Options) -> Report {
    let index = Index::new(site);
    let wanted = |ai: usize| {
        opts.article
            .as_deref()
            .is_none_or(|a| site.articles[ai].id == a)
    };
    let mut statements = Vec::new();
    for ai in (0..site.articles.len()).filter(|&ai| wanted(ai)) {
        for si in 0..site.docs[ai].statements.len() {
            if !site.graph.links(ai, si).is_empty() {
                continue;
            }
            let claims = for_statement(&index, rejected, ai, si, opts.limit);
            if claims.is_empty() {
                continue;
            }
            statements.push(StatementSuggestions {
                article: site.articles[ai].id.clone(),
                statement: site.docs[ai].statement_id(si).to_string(),
                text: flat(site.docs[ai].statement_text(si)),
                claims,
            });
        }
    }
    let groups = align(&index, rejected)
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

/// A statement: `(article index, statement index)`.
pub type At = (usize, usize);

/// Aligned statement pairs across articles: `(a, b, similarity)`.
///
/// Only pairs that share a word which is not among the most common ones
/// are compared (an inverted index), so this stays fast on large sites;
/// a pair sharing nothing but very common words is never similar enough.
pub fn aligned_pairs(index: &Index<'_>) -> Vec<(At, At, f64)> {
    let all: Vec<At> = (0..index.stems.len())
        .flat_map(|ai| (0..index.stems[ai].len()).map(move |si| (ai, si)))
        .collect();
    let cap = (all.len() / 10).max(50);
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, &(ai, si)) in all.iter().enumerate() {
        for t in &index.stems[ai][si] {
            postings.entry(t.as_str()).or_default().push(i);
        }
    }
    let mut candidates: BTreeSet<(usize, usize)> = BTreeSet::new();
    for list in postings.values().filter(|l| l.len() <= cap) {
        for (k, &i) in list.iter().enumerate() {
            for &j in &list[k + 1..] {
                if all[i].0 != all[j].0 {
                    candidates.insert((i.min(j), i.max(j)));
                }
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|(i, j)| {
            let c = index.similarity(all[i], all[j]);
            (c >= ALIGN_SIMILARITY).then_some((all[i], all[j], c))
        })
        .collect()
}

/// Groups of aligned statements with something to propose: a claim some
/// members are linked to and others not, a new claim when none is
/// linked, or a conflict between members.
fn align(index: &Index<'_>, rejected: &Rejected) -> Vec<Group> {
    let site = index.site;
    let pairs = aligned_pairs(index);
    // Union-find over statements.
    let mut parent: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
    fn find(p: &mut HashMap<(usize, usize), (usize, usize)>, x: (usize, usize)) -> (usize, usize) {
        let up = *p.entry(x).or_insert(x);
        if up == x {
            return x;
        }
        let root = find(p, up);
        p.insert(x, root);
        root
    }
    for (a, b, _) in &pairs {
        let (ra, rb) = (find(&mut parent, *a), find(&mut parent, *b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut components: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    let keys: Vec<(usize, usize)> = parent.keys().copied().collect();
    for k in keys {
        let r = find(&mut parent, k);
        components.entry(r).or_default().push(k);
    }
    let mut groups = Vec::new();
    for (_, mut members) in components {
        members.sort_unstable();
        let pos = |x: &(usize, usize)| members.iter().position(|m| m == x).expect("member");
        let member_views: Vec<Member> = members
            .iter()
            .map(|&(ai, si)| Member {
                article: site.articles[ai].id.clone(),
                statement: site.docs[ai].statement_id(si).to_string(),
                text: flat(site.docs[ai].statement_text(si)),
                claims: index
                    .linked(ai, si)
                    .iter()
                    .map(|&ci| site.claims[ci].id.clone())
                    .collect(),
            })
            .collect();
        let mut group_pairs = Vec::new();
        for (a, b, c) in pairs.iter().filter(|(a, _, _)| members.contains(a)) {
            let (ta, tb) = (
                site.docs[a.0].statement_text(a.1),
                site.docs[b.0].statement_text(b.1),
            );
            let near = shingle_overlap(ta, tb) >= NEAR_DUPLICATE;
            group_pairs.push(AlignedPair {
                a: pos(a),
                b: pos(b),
                similarity: round(*c),
                near_duplicate: near,
                conflicts: conflicts(ta, tb, near),
            });
        }
        // Links some members have: propose them for the others, with the
        // linked member's stance, or the opposite where the pair conflicts.
        let mut proposals: Vec<Proposal> = Vec::new();
        for p in &group_pairs {
            for (from, to) in [(p.a, p.b), (p.b, p.a)] {
                let (fa, fs) = members[from];
                let (ta, ts) = members[to];
                let ranked = index.rank(site.docs[ta].statement_text(ts));
                for r in site.graph.links(fa, fs) {
                    let ci = r.claim;
                    if index.linked(ta, ts).contains(&ci) {
                        continue;
                    }
                    // Only claims the statement itself is about.
                    if !ranked.iter().any(|&(c, s)| c == ci && s >= MIN_SCORE) {
                        continue;
                    }
                    let claim = &site.claims[ci].id;
                    let text = site.docs[ta].statement_text(ts);
                    if rejected.contains(claim, &site.articles[ta].id, text) {
                        continue;
                    }
                    let stance = if p.conflicts.is_empty() {
                        r.stance
                    } else {
                        r.stance.opposite().unwrap_or(r.stance)
                    };
                    if !proposals
                        .iter()
                        .any(|x| x.member == to && x.claim == *claim)
                    {
                        proposals.push(Proposal {
                            member: to,
                            claim: claim.clone(),
                            stance,
                        });
                    }
                }
            }
        }
        let none_linked = member_views.iter().all(|m| m.claims.is_empty());
        let new_claim = none_linked.then(|| {
            member_views
                .iter()
                .map(|m| m.text.clone())
                .min_by_key(|t| t.len())
                .unwrap_or_default()
        });
        let conflicting = group_pairs.iter().any(|p| !p.conflicts.is_empty());
        if proposals.is_empty() && new_claim.is_none() && !conflicting {
            continue;
        }
        groups.push(Group {
            members: member_views,
            pairs: group_pairs,
            proposals,
            new_claim,
        });
    }
    groups
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// The report for people.
pub fn to_text(report: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if report.statements.is_empty() {
        out.push_str("No unlinked statement has a likely claim.\n");
    } else {
        let _ = writeln!(out, "Claims for unlinked statements:");
    }
    for s in &report.statements {
        let _ = writeln!(out, "\n{} #{}", s.article, s.statement);
        let _ = writeln!(out, "  \"{}\"", s.text);
        for c in &s.claims {
            let _ = writeln!(
                out,
                "  {:.2}  {:<11} {}  — {}",
                c.score,
                c.stance.as_str(),
                c.claim,
                c.claim_text
            );
            for k in &c.conflicts {
                let _ = writeln!(
                    out,
                    "          differs in {}: \"{}\" vs \"{}\"",
                    k.kind.as_str(),
                    k.a_words,
                    k.b_words
                );
            }
        }
    }
    if !report.groups.is_empty() {
        let _ = writeln!(
            out,
            "\nStatements reporting the same fact in several sources:"
        );
    }
    for (gi, g) in report.groups.iter().enumerate() {
        let _ = writeln!(out, "\ngroup {}:", gi + 1);
        for (mi, m) in g.members.iter().enumerate() {
            let linked = if m.claims.is_empty() {
                "unlinked".to_string()
            } else {
                format!("linked to {}", m.claims.join(", "))
            };
            let _ = writeln!(
                out,
                "  [{}] {} #{} ({linked})\n      \"{}\"",
                mi + 1,
                m.article,
                m.statement,
                m.text
            );
        }
        for p in &g.pairs {
            let kind = if p.near_duplicate {
                "near-duplicate"
            } else {
                "same fact"
            };
            let _ = writeln!(
                out,
                "  [{}] ~ [{}]  {kind}, similarity {:.2}",
                p.a + 1,
                p.b + 1,
                p.similarity
            );
            for k in &p.conflicts {
                let _ = writeln!(
                    out,
                    "      differ in {}: \"{}\" vs \"{}\" — contradicts?",
                    k.kind.as_str(),
                    k.a_words,
                    k.b_words
                );
            }
        }
        for p in &g.proposals {
            let _ = writeln!(
                out,
                "  propose: [{}] {} {}",
                p.member + 1,
                p.stance.as_str(),
                p.claim
            );
        }
        if let Some(t) = &g.new_claim {
            let _ = writeln!(out, "  propose a new claim: \"{t}\"");
        }
    }
    out
}

pub fn to_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report serialises");
    s.push('\n');
    s
}

/// The report as TOML: `[[statement]]` and `[[group]]` tables, each
/// statement's proposals as evidence entries ready to copy under a claim.
pub fn to_toml(report: &Report) -> String {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc = DocumentMut::new();
    doc.decor_mut().set_prefix(
        "# crosscheck suggest: proposals only; nothing was written to the claims file.\n",
    );
    let mut statements = ArrayOfTables::new();
    for s in &report.statements {
        let mut t = Table::new();
        t.insert("article", value(s.article.as_str()));
        t.insert("statement", value(s.statement.as_str()));
        t.insert("text", value(s.text.as_str()));
        let mut claims = ArrayOfTables::new();
        for c in &s.claims {
            let mut ct = Table::new();
            ct.insert("claim", value(c.claim.as_str()));
            ct.insert("score", value(c.score));
            ct.insert("stance", value(c.stance.as_str()));
            ct.insert("quote", value(s.text.as_str()));
            for k in &c.conflicts {
                ct.insert(
                    "differs",
                    value(format!(
                        "{}: \"{}\" vs \"{}\"",
                        k.kind.as_str(),
                        k.a_words,
                        k.b_words
                    )),
                );
            }
            claims.push(ct);
        }
        t.insert("claim", Item::ArrayOfTables(claims));
        statements.push(t);
    }
    if !statements.is_empty() {
        doc.insert("statement", Item::ArrayOfTables(statements));
    }
    let mut groups = ArrayOfTables::new();
    for g in &report.groups {
        let mut t = Table::new();
        let mut members = toml_edit::Array::new();
        for m in &g.members {
            members.push(format!("{}#{}", m.article, m.statement));
        }
        t.insert("members", value(members));
        let mut texts = toml_edit::Array::new();
        for m in &g.members {
            texts.push(m.text.as_str());
        }
        t.insert("texts", value(texts));
        if let Some(c) = &g.new_claim {
            t.insert("new_claim", value(c.as_str()));
        }
        let mut proposals = ArrayOfTables::new();
        for p in &g.proposals {
            let m = &g.members[p.member];
            let mut pt = Table::new();
            pt.insert("claim", value(p.claim.as_str()));
            pt.insert("article", value(m.article.as_str()));
            pt.insert("quote", value(m.text.as_str()));
            pt.insert("stance", value(p.stance.as_str()));
            proposals.push(pt);
        }
        for p in &g.pairs {
            for k in &p.conflicts {
                let mut pt = Table::new();
                pt.insert(
                    "between",
                    value(format!(
                        "{}#{} / {}#{}",
                        g.members[p.a].article,
                        g.members[p.a].statement,
                        g.members[p.b].article,
                        g.members[p.b].statement
                    )),
                );
                pt.insert("stance", value("contradicts"));
                pt.insert(
                    "differs",
                    value(format!(
                        "{}: \"{}\" vs \"{}\"",
                        k.kind.as_str(),
                        k.a_words,
                        k.b_words
                    )),
                );
                proposals.push(pt);
            }
        }
        if !proposals.is_empty() {
            t.insert("proposal", Item::ArrayOfTables(proposals));
        }
        groups.push(t);
    }
    if !groups.is_empty() {
        doc.insert("group", Item::ArrayOfTables(groups));
    }
    doc.to_string()
}

/// Output formats of `crosscheck suggest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Toml,
    Json,
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

/// Runs `crosscheck suggest` on the project at `root`: the report in
/// `format`, and the diagnostics of loading (shown as warnings; evidence
/// that does not anchor is simply not counted as a link).
pub fn run(
    root: &std::path::Path,
    opts: &Options,
    format: Format,
) -> Result<(String, crate::diag::Diagnostics), SuggestError> {
    let (site, diags) = crate::site::compile(root, crate::site::BuildOptions { drafts: true });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(a: &str, b: &str) -> Vec<(ConflictKind, String, String)> {
        conflicts(a, b, true)
            .into_iter()
            .map(|c| (c.kind, c.a_words, c.b_words))
            .collect()
    }

    #[test]
    fn minutes_against_hours_is_a_number_conflict() {
        assert_eq!(
            kinds(
                "The meeting lasted five minutes.",
                "The meeting lasted five hours."
            ),
            [(
                ConflictKind::Number,
                "five minutes".to_string(),
                "five hours".to_string()
            )]
        );
        // Saying both is no conflict with saying one.
        assert!(
            kinds(
                "It lasted not five minutes but five hours.",
                "A five-hour meeting."
            )
            .iter()
            .all(|k| k.0 != ConflictKind::Number)
        );
        assert_eq!(
            kinds("more than 14,000 civilians", "over 12,000 civilians"),
            [(
                ConflictKind::Number,
                "14,000 civilians".to_string(),
                "12,000 civilians".to_string()
            )]
        );
    }

    #[test]
    fn titles_weekdays_dates_and_negation() {
        assert_eq!(
            kinds(
                "Former President Trump commented to his cabinet.",
                "President Donald Trump commented to his cabinet."
            ),
            [(
                ConflictKind::Title,
                "Former President".to_string(),
                "President".to_string()
            )]
        );
        assert_eq!(
            kinds("Putin met them on Tuesday.", "Putin met them on Wednesday."),
            [(
                ConflictKind::Weekday,
                "Tuesday".to_string(),
                "Wednesday".to_string()
            )]
        );
        assert_eq!(
            kinds("The war began in 2014.", "The war began in 2022."),
            [(ConflictKind::Date, "2014".to_string(), "2022".to_string())]
        );
        assert_eq!(
            kinds(
                "Russia agreed to the plan.",
                "Russia didn't agree to the plan."
            ),
            [(
                ConflictKind::Negation,
                "(no negation)".to_string(),
                "n't".to_string()
            )]
        );
    }

    #[test]
    fn swapped_names_in_copy_are_entity_conflicts() {
        assert_eq!(
            kinds(
                "Zelensky met with French President Emmanuel Macron in Paris.",
                "Zelensky met with French President Emmanuel Macron in Dublin."
            ),
            [(
                ConflictKind::Entity,
                "Paris".to_string(),
                "Dublin".to_string()
            )]
        );
        assert!(kinds("Talks were useful.", "Talks were useful.").is_empty());
    }

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
        crate::site::compile(root, crate::site::BuildOptions { drafts: true })
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

    #[test]
    fn words_keep_numbers_whole_and_drop_possessives() {
        let w: Vec<String> = words("Russia’s 5,000 square km; Kyiv's 19.5% five-hour")
            .into_iter()
            .map(|w| w.stem)
            .collect();
        assert_eq!(
            w,
            [
                "russia", "5000", "squar", "km", "kyiv", "19.5", "five", "hour"
            ]
        );
    }
}
