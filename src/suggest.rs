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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::content::Stance;
use crate::review::rejected::Rejected;
use crate::site::Site;

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

fn counts(terms: &[String]) -> HashMap<String, f64> {
    let mut m = HashMap::new();
    for t in terms {
        *m.entry(t.clone()).or_insert(0.0) += 1.0;
    }
    m
}

// ---------------------------------------------------------------------------
// Index
// ---------------------------------------------------------------------------

/// A TF-IDF vector, L2-normalised.
type Vector = HashMap<String, f64>;

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(t, w)| large.get(t).map(|v| w * v))
        .sum()
}

/// One part of a claim's document: its text or one quote.
#[derive(Debug)]
struct Part {
    vector: Vector,
    /// `None` for the claim's text.
    stance: Option<Stance>,
    text: String,
}

/// Everything suggest ranks with, built once per site.
pub struct Index<'a> {
    site: &'a Site,
    idf: HashMap<String, f64>,
    /// Per claim: term counts of the whole document and its length.
    docs: Vec<(HashMap<String, f64>, f64)>,
    avg_len: f64,
    parts: Vec<Vec<Part>>,
    /// `[article][statement]` TF-IDF vectors.
    vectors: Vec<Vec<Vector>>,
    /// `[article][statement]` linked claims.
    linked: Vec<Vec<BTreeSet<usize>>>,
    /// `[article][statement]` content word stems.
    stems: Vec<Vec<BTreeSet<String>>>,
}

impl<'a> Index<'a> {
    pub fn new(site: &'a Site) -> Index<'a> {
        let statement_terms: Vec<Vec<Vec<String>>> = site
            .docs
            .iter()
            .map(|d| {
                (0..d.statements.len())
                    .map(|i| terms(d.statement_text(i)))
                    .collect()
            })
            .collect();
        let claim_terms: Vec<Vec<String>> = site.claims.iter().map(|c| terms(&c.text)).collect();
        // Document frequencies over every statement and claim text.
        let mut df: HashMap<String, f64> = HashMap::new();
        let mut n = 0.0;
        for t in statement_terms.iter().flatten().chain(claim_terms.iter()) {
            n += 1.0;
            let unique: HashSet<&String> = t.iter().collect();
            for term in unique {
                *df.entry(term.clone()).or_insert(0.0) += 1.0;
            }
        }
        let idf: HashMap<String, f64> = df
            .into_iter()
            .map(|(t, d)| (t, (1.0 + (n - d + 0.5) / (d + 0.5)).ln()))
            .collect();
        let default_idf = (1.0 + (n + 0.5) / 0.5_f64).ln();
        let vector = |t: &[String]| -> Vector {
            let mut v: Vector = counts(t)
                .into_iter()
                .map(|(term, tf)| {
                    let w = (1.0 + tf.ln()) * idf.get(&term).copied().unwrap_or(default_idf);
                    (term, w)
                })
                .collect();
            let norm = v.values().map(|w| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                v.values_mut().for_each(|w| *w /= norm);
            }
            v
        };
        let mut docs = Vec::with_capacity(site.claims.len());
        let mut parts = Vec::with_capacity(site.claims.len());
        for (ci, claim) in site.claims.iter().enumerate() {
            let mut all = claim_terms[ci].clone();
            let mut ps = vec![Part {
                vector: vector(&claim_terms[ci]),
                stance: None,
                text: claim.text.clone(),
            }];
            for ev in &claim.evidence {
                let t = terms(&ev.quote);
                all.extend(t.iter().cloned());
                ps.push(Part {
                    vector: vector(&t),
                    stance: Some(ev.stance),
                    text: ev.quote.clone(),
                });
            }
            let len = all.len() as f64;
            docs.push((counts(&all), len));
            parts.push(ps);
        }
        let avg_len = if docs.is_empty() {
            1.0
        } else {
            docs.iter().map(|d| d.1).sum::<f64>() / docs.len() as f64
        };
        let vectors = statement_terms
            .iter()
            .map(|a| a.iter().map(|t| vector(t)).collect())
            .collect();
        let stems = statement_terms
            .iter()
            .map(|a| {
                a.iter()
                    .map(|t| t.iter().filter(|x| !x.contains(' ')).cloned().collect())
                    .collect()
            })
            .collect();
        let linked = (0..site.articles.len())
            .map(|ai| {
                (0..site.docs[ai].statements.len())
                    .map(|si| {
                        site.graph
                            .links(ai, si)
                            .iter()
                            .map(|r| r.claim)
                            .collect::<BTreeSet<usize>>()
                    })
                    .collect()
            })
            .collect();
        Index {
            site,
            idf,
            docs,
            avg_len: avg_len.max(1.0),
            parts,
            vectors,
            linked,
            stems,
        }
    }

    /// How alike two statements are, `(article, statement)` each: the
    /// IDF-weighted Dice overlap of their content words, 0 to 1.
    pub fn similarity(&self, a: (usize, usize), b: (usize, usize)) -> f64 {
        let (x, y) = (&self.stems[a.0][a.1], &self.stems[b.0][b.1]);
        let w = |t: &String| self.idf.get(t).copied().unwrap_or(0.0);
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
        let q: BTreeSet<String> = terms(text).into_iter().collect();
        let idf = |t: &str| self.idf.get(t).copied().unwrap_or(0.0);
        let best: f64 = q.iter().map(|t| idf(t) * (K1 + 1.0)).sum();
        if best <= 0.0 {
            return Vec::new();
        }
        let mut scored: Vec<(usize, f64)> = self
            .docs
            .iter()
            .enumerate()
            .map(|(ci, (tf, len))| {
                let norm = K1 * (1.0 - B + B * len / self.avg_len);
                let s: f64 = q
                    .iter()
                    .filter_map(|t| {
                        let f = *tf.get(t)?;
                        Some(idf(t) * f * (K1 + 1.0) / (f + norm))
                    })
                    .sum();
                (ci, s / best)
            })
            .filter(|(_, s)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    /// The stance a statement probably takes on a claim, and the conflicts
    /// behind a `contradicts`.
    fn stance_hint(&self, ai: usize, si: usize, ci: usize) -> (Stance, Vec<Conflict>) {
        let v = &self.vectors[ai][si];
        let text = self.site.docs[ai].statement_text(si);
        let (best, sim) = self.parts[ci]
            .iter()
            .map(|p| (p, cosine(v, &p.vector)))
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
    ranked
        .into_iter()
        .filter(|(ci, s)| {
            *s >= floor
                && !index.linked[ai][si].contains(ci)
                && !rejected.contains(&site.claims[*ci].id, article, text)
        })
        .take(limit)
        .map(|(ci, score)| {
            let (stance, conflicts) = index.stance_hint(ai, si, ci);
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
            if !index.linked[ai][si].is_empty() {
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
                claims: index.linked[ai][si]
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
                    if index.linked[ta][ts].contains(&ci) {
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
    Rejected(#[from] crate::review::EditError),
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
