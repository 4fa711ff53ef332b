//! What the claim graph means for a reader, computed once per build after
//! the graph: the outlets and how their reporting held up, which reports
//! are independent of which, and where the reports disagree.
//!
//! Every figure here counts *independent groups* where it counts
//! agreement: two reports of one wire text agreeing are one source, not
//! two. An article's group is fixed by the `derived_from` front matter
//! (see [`independence_groups`]).

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::assess::Counts;
use crate::pipeline::content::{Article, ArticleIdx, Claim, PerArticle, Stance};
use crate::pipeline::graph::{self, Graph};
use crate::text::slugify;

/// An outlet: every article whose `outlet` has the same id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlet {
    /// From the outlet's name (see [`outlet_id`]): stable while the name is.
    pub id: String,
    /// As the first of its articles (in id order) spells it.
    pub name: String,
    /// Its articles, in site order.
    pub articles: Vec<ArticleIdx>,
    /// Every piece of evidence from its articles, by assessment.
    pub counts: Counts,
    /// Statements of its articles linked to at least one published claim.
    pub statements_checked: usize,
    /// Claims it is alone on (see [`Alone`]), in claim order.
    pub alone: Vec<(usize, Alone)>,
    /// Claims other outlets have evidence on and it has none, in claim order.
    pub blind_spots: Vec<usize>,
}

/// Why an outlet is alone on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alone {
    /// No other outlet has evidence on the claim.
    OnlySource,
    /// It is the only outlet taking its side (supports or contradicts)
    /// while another takes the other side.
    OnlyOnItsSide(Stance),
}

/// How the reports line up on one claim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimSides {
    /// Per stance (in [`Stance::ALL`] order): the reports taking it.
    pub sides: [Side; 3],
    /// Reports both support and contradict the claim.
    pub disagreement: bool,
}

/// The reports on one side of a claim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// Articles, in site order, no repeats.
    pub articles: Vec<ArticleIdx>,
    /// How many independence groups those articles come from.
    pub independent: usize,
    /// Their outlets, in outlet order, no repeats.
    pub outlets: Vec<usize>,
}

impl ClaimSides {
    pub fn side(&self, stance: Stance) -> &Side {
        &self.sides[stance_index(stance)]
    }
}

fn stance_index(stance: Stance) -> usize {
    Stance::ALL
        .iter()
        .position(|&s| s == stance)
        .expect("every stance is in ALL")
}

/// Everything a reader-facing summary needs, read by every renderer.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Sorted by id.
    pub outlets: Vec<Outlet>,
    /// Article → outlet index.
    pub article_outlet: PerArticle<usize>,
    /// Article → its group's representative article (see
    /// [`independence_groups`]).
    pub group: PerArticle<ArticleIdx>,
    /// Article → its evidence by assessment.
    pub article_counts: PerArticle<Counts>,
    /// Claim index → the sides reports take.
    pub claims: Vec<ClaimSides>,
    /// Claims with reports on both sides, most contested first (see
    /// [`Findings::build`]).
    pub disagreements: Vec<usize>,
    /// Article → the articles it declares it derives from, and the
    /// articles that declare they derive from it (site order).
    pub derived_from: PerArticle<Vec<ArticleIdx>>,
    pub copied_by: PerArticle<Vec<ArticleIdx>>,
}

/// Each outlet name's [`outlet_id`], worked out once per name: a site has
/// thousands of articles from a few outlets, and serve compiles the
/// findings on every save.
fn outlet_ids(articles: &[Article]) -> rustc_hash::FxHashMap<&str, String> {
    let mut ids: rustc_hash::FxHashMap<&str, String> = Default::default();
    for a in articles {
        ids.entry(a.outlet.as_str())
            .or_insert_with(|| outlet_id(&a.outlet));
    }
    ids
}

/// An outlet's id: its name as a slug (`"The Evening Post"` →
/// `the-evening-post`), so it stays the same from build to build.
pub(crate) fn outlet_id(name: &str) -> String {
    let slug = slugify(name);
    // A name in a script the slug cannot spell (Cyrillic, Arabic…) keeps
    // only its digits or nothing: "Радіо 1" and "Вісник 1" would both be
    // `1`, one outlet. Such names are told apart by a hash of the name.
    if !name.chars().any(|c| c.is_ascii_alphabetic()) && name.chars().any(char::is_alphabetic) {
        let key = name.trim().to_lowercase();
        let hash = blake3::hash(key.as_bytes()).to_hex();
        return format!("outlet-{}", &hash[..8]);
    }
    if slug.is_empty() {
        "outlet".to_string()
    } else {
        slug
    }
}

/// Each article's independence group, as the index of the group's
/// representative: articles linked by `derived_from` (in either
/// direction, transitively) are one group. The representative is the
/// first article of the group (in site order) that derives from no other
/// member — the original the others copy — or the first member when every
/// member derives from another. Names that are no article's id are
/// ignored here (`check_derived_from` reports them).
pub(crate) fn independence_groups(articles: &[Article]) -> PerArticle<ArticleIdx> {
    if articles.iter().all(|a| a.derived_from.is_empty()) {
        // Every article is its own group (and saves serve an index of
        // every id on every save).
        return PerArticle::new(ArticleIdx::enumerate(articles).map(|(i, _)| i).collect());
    }
    let index = graph::article_index(articles);
    // Union-find over plain positions: the index only names articles again
    // in the result.
    let mut parent: Vec<usize> = (0..articles.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (i, a) in articles.iter().enumerate() {
        for (id, _) in &a.derived_from {
            if let Some(&j) = index.get(id.as_str()) {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j.get()));
                if ri != rj {
                    parent[ri.max(rj)] = ri.min(rj);
                }
            }
        }
    }
    let roots: Vec<usize> = (0..articles.len()).map(|i| find(&mut parent, i)).collect();
    // Per root, its first article that derives from none.
    let mut representative: Vec<Option<usize>> = vec![None; articles.len()];
    for (i, a) in articles.iter().enumerate() {
        let derives = a
            .derived_from
            .iter()
            .any(|(id, _)| index.get(id.as_str()).is_some_and(|&j| j.get() != i));
        if !derives {
            representative[roots[i]].get_or_insert(i);
        }
    }
    PerArticle::new(
        roots
            .iter()
            .map(|&r| ArticleIdx::new(representative[r].unwrap_or(r)))
            .collect(),
    )
}

impl Findings {
    pub fn build(articles: &[Article], claims: &[Claim], graph: &Graph) -> Findings {
        let group = independence_groups(articles);
        let mut by_id: BTreeMap<String, Vec<ArticleIdx>> = BTreeMap::new();
        let id_of = outlet_ids(articles);
        for (i, a) in ArticleIdx::enumerate(articles) {
            let id = &id_of[a.outlet.as_str()];
            match by_id.get_mut(id.as_str()) {
                Some(members) => members.push(i),
                None => {
                    by_id.insert(id.clone(), vec![i]);
                }
            }
        }
        let mut article_outlet = PerArticle::new(vec![0; articles.len()]);
        let mut outlets: Vec<Outlet> = by_id
            .into_iter()
            .enumerate()
            .map(|(oi, (id, members))| {
                for &ai in &members {
                    article_outlet[ai] = oi;
                }
                let first = members
                    .iter()
                    .min_by_key(|&&ai| &articles[ai].id)
                    .copied()
                    .expect("an outlet has an article");
                Outlet {
                    id,
                    name: articles[first].outlet.clone(),
                    articles: members,
                    counts: Counts::default(),
                    statements_checked: 0,
                    alone: Vec::new(),
                    blind_spots: Vec::new(),
                }
            })
            .collect();

        let mut article_counts = PerArticle::new(vec![Counts::default(); articles.len()]);
        let mut sides = Vec::with_capacity(claims.len());
        // Sorted, deduplicated independence groups of `articles` (those of
        // outlet `only`, if given), into a buffer reused from claim to
        // claim: serve compiles the findings of every claim on every save.
        let groups_into =
            |out: &mut Vec<ArticleIdx>, articles: &[ArticleIdx], only: Option<usize>| {
                out.clear();
                out.extend(
                    articles
                        .iter()
                        .filter(|&&a| only.is_none_or(|o| article_outlet[a] == o))
                        .map(|&a| group[a]),
                );
                out.sort_unstable();
                out.dedup();
            };
        let (mut all, mut every, mut every_group, mut own) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut side_groups: [Vec<ArticleIdx>; 3] = Default::default();
        for (ci, refs) in graph.evidence.iter().enumerate() {
            let mut cs = ClaimSides::default();
            for r in refs {
                article_counts[r.article].add(r.assessment);
                outlets[article_outlet[r.article]].counts.add(r.assessment);
                let side = &mut cs.sides[stance_index(r.stance)];
                if !side.articles.contains(&r.article) {
                    side.articles.push(r.article);
                }
            }
            for (side, groups) in cs.sides.iter_mut().zip(&mut side_groups) {
                side.articles.sort_unstable();
                groups_into(groups, &side.articles, None);
                side.independent = groups.len();
                side.outlets = side.articles.iter().map(|&a| article_outlet[a]).collect();
                side.outlets.sort_unstable();
                side.outlets.dedup();
            }
            cs.disagreement = !cs.side(Stance::Supports).articles.is_empty()
                && !cs.side(Stance::Contradicts).articles.is_empty();
            // Which outlets are alone on it (counting independence groups:
            // a copy of an outlet's own report by another outlet does not
            // keep it company), and which miss it.
            all.clear();
            all.extend(cs.sides.iter().flat_map(|s| s.outlets.iter().copied()));
            all.sort_unstable();
            all.dedup();
            every.clear();
            every.extend(cs.sides.iter().flat_map(|s| s.articles.iter().copied()));
            every.sort_unstable();
            every.dedup();
            groups_into(&mut every_group, &every, None);
            for &oi in &all {
                groups_into(&mut own, &every, Some(oi));
                if every_group.iter().all(|g| own.contains(g)) {
                    outlets[oi].alone.push((ci, Alone::OnlySource));
                    continue;
                }
                for stance in [Stance::Supports, Stance::Contradicts] {
                    let side = &cs.side(stance).articles;
                    let other = stance
                        .opposite()
                        .expect("supports and contradicts have one");
                    groups_into(&mut own, side, Some(oi));
                    if !own.is_empty()
                        && side_groups[stance_index(stance)]
                            .iter()
                            .all(|g| own.contains(g))
                        && !cs.side(other).articles.is_empty()
                    {
                        outlets[oi].alone.push((ci, Alone::OnlyOnItsSide(stance)));
                    }
                }
            }
            if !all.is_empty() {
                for (oi, outlet) in outlets.iter_mut().enumerate() {
                    if all.binary_search(&oi).is_err() {
                        outlet.blind_spots.push(ci);
                    }
                }
            }
            sides.push(cs);
        }
        for (ai, _) in ArticleIdx::enumerate(articles) {
            outlets[article_outlet[ai]].statements_checked += graph.linked_count(ai);
        }
        // Most contested first: the smaller independent side, then the
        // larger, then the claims file's order.
        let mut disagreements: Vec<usize> = (0..sides.len())
            .filter(|&ci| sides[ci].disagreement)
            .collect();
        disagreements.sort_by_key(|&ci| {
            let s = sides[ci].side(Stance::Supports).independent;
            let c = sides[ci].side(Stance::Contradicts).independent;
            (std::cmp::Reverse(s.min(c)), std::cmp::Reverse(s.max(c)), ci)
        });
        let index = if articles.iter().any(|a| !a.derived_from.is_empty()) {
            graph::article_index(articles)
        } else {
            Default::default()
        };
        let derived_from: PerArticle<Vec<ArticleIdx>> = PerArticle::new(
            ArticleIdx::enumerate(articles)
                .map(|(i, a)| {
                    a.derived_from
                        .iter()
                        .filter_map(|(id, _)| index.get(id.as_str()).copied())
                        .filter(|&j| j != i)
                        .collect()
                })
                .collect(),
        );
        let mut copied_by = PerArticle::new(vec![Vec::new(); articles.len()]);
        for (i, from) in derived_from.iter() {
            for &j in from {
                copied_by[j].push(i);
            }
        }
        Findings {
            outlets,
            article_outlet,
            group,
            article_counts,
            claims: sides,
            disagreements,
            derived_from,
            copied_by,
        }
    }

    /// The outlet of article `ai`.
    pub fn outlet_of(&self, ai: ArticleIdx) -> &Outlet {
        &self.outlets[self.article_outlet[ai]]
    }

    /// How many independence groups `articles` come from.
    pub fn independent_count(&self, articles: impl IntoIterator<Item = ArticleIdx>) -> usize {
        let mut groups: Vec<ArticleIdx> = articles.into_iter().map(|a| self.group[a]).collect();
        groups.sort_unstable();
        groups.dedup();
        groups.len()
    }
}

/// Outlet names that differ but give the same id are one outlet: say so,
/// since it is more likely a spelling slip than two outlets.
pub(crate) fn check_outlet_names(articles: &[Article], diags: &mut Diagnostics) {
    let id_of = outlet_ids(articles);
    let mut seen: BTreeMap<&str, &Article> = BTreeMap::new();
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for a in sorted {
        let id = id_of[a.outlet.as_str()].as_str();
        match seen.get(id) {
            Some(first) if first.outlet != a.outlet => diags.push(
                Diagnostic::warning(format!(
                    "outlet \"{}\" of article `{}` is counted as the same outlet as \"{}\" (article `{}`)",
                    a.outlet, a.id, first.outlet, first.id
                ))
                .in_file(&a.file)
                .help("spell the outlet the same way in both articles, or make the names differ by more than case and punctuation"),
            ),
            Some(_) => {}
            None => {
                seen.insert(id, a);
            }
        }
    }
}

/// Words too common to say two sentences are one.
const STOP_WORDS: &[&str] = &[
    "about", "after", "also", "and", "are", "been", "before", "both", "but", "could", "each",
    "for", "from", "had", "has", "have", "her", "here", "his", "into", "its", "more", "most",
    "not", "only", "other", "over", "said", "says", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "they", "this", "very", "was", "were", "what", "when", "where",
    "which", "while", "who", "whom", "will", "with", "would", "just",
];

/// A statement's content words, folded so light rewording still matches:
/// lower case, at least three letters, stop words dropped, cut to five
/// characters ("diplomatic" and "diplomacy" are one word here), hashed.
fn word_set(text: &str) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut out: Vec<u64> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| {
            let stem: String = w.chars().take(5).collect();
            let mut h = rustc_hash::FxHasher::default();
            stem.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Statements this short say too little to be told apart.
const MIN_WORDS: usize = 4;
/// Two statements match when they share at least this many words…
const MIN_SHARED: usize = 4;
/// …and at least this share of the shorter one's words.
const MIN_OVERLAP: f64 = 0.5;
/// Two articles are near-copies when at least this share of one's
/// statements, and at least [`MIN_MATCHED`] of them, match a statement of
/// the other. On the example, the one rewrite pair scores 0.58 and every
/// independent pair 0.19 or less.
pub(crate) const NEAR_COPY_SHARE: f64 = 0.5;
/// Two short reports of one event share a sentence or two by nature.
const MIN_MATCHED: usize = 3;
/// Words in more statements than this are common vocabulary: they never
/// make two statements candidates for a match (which keeps this linear
/// in practice on big sites).
const RARE_WORD_MAX: usize = 64;

/// Pairs of articles `(a, b, share)` with `a < b` that share most of their
/// statements (see [`NEAR_COPY_SHARE`]): the share is of the article with
/// the larger matched fraction.
pub(crate) fn near_copies(
    docs: &[crate::pipeline::document::Doc],
) -> Vec<(ArticleIdx, ArticleIdx, f64)> {
    use rustc_hash::FxHashMap;
    // (article, statement) → words, for statements long enough to compare.
    let words: Vec<Vec<Vec<u64>>> = docs
        .iter()
        .map(|d| {
            (0..d.statements.len())
                .map(|i| word_set(d.statement_text(i)))
                .collect()
        })
        .collect();
    let mut postings: FxHashMap<u64, Vec<(u32, u32)>> = FxHashMap::default();
    for (ai, sts) in words.iter().enumerate() {
        for (si, w) in sts.iter().enumerate().filter(|(_, w)| w.len() >= MIN_WORDS) {
            for &word in w {
                postings
                    .entry(word)
                    .or_default()
                    .push((ai as u32, si as u32));
            }
        }
    }
    // Statement pairs across articles sharing rare words, and how many.
    // (article, statement) pairs and how many rare words they share.
    type At = (u32, u32);
    let mut shared: FxHashMap<(At, At), usize> = FxHashMap::default();
    for list in postings.values().filter(|l| l.len() <= RARE_WORD_MAX) {
        for (k, &x) in list.iter().enumerate() {
            for &y in &list[k + 1..] {
                if x.0 != y.0 {
                    *shared.entry((x.min(y), x.max(y))).or_default() += 1;
                }
            }
        }
    }
    let overlap = |a: &[u64], b: &[u64]| {
        let common = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
        (common, common as f64 / a.len().min(b.len()) as f64)
    };
    // Per article pair, the statements of each side that match.
    let mut matched: FxHashMap<(u32, u32), (Vec<u32>, Vec<u32>)> = FxHashMap::default();
    for (&(x, y), _) in shared.iter().filter(|(_, n)| **n >= 2) {
        let (wx, wy) = (
            &words[x.0 as usize][x.1 as usize],
            &words[y.0 as usize][y.1 as usize],
        );
        let (common, share) = overlap(wx, wy);
        if common >= MIN_SHARED && share >= MIN_OVERLAP {
            let e = matched.entry((x.0, y.0)).or_default();
            e.0.push(x.1);
            e.1.push(y.1);
        }
    }
    let comparable = |ai: usize| words[ai].iter().filter(|w| w.len() >= MIN_WORDS).count();
    let mut out: Vec<(ArticleIdx, ArticleIdx, f64)> = matched
        .into_iter()
        .filter_map(|((a, b), (mut sa, mut sb))| {
            let (a, b) = (a as usize, b as usize);
            sa.sort_unstable();
            sa.dedup();
            sb.sort_unstable();
            sb.dedup();
            let side = |matched: usize, of: usize| {
                if matched >= MIN_MATCHED {
                    matched as f64 / of.max(1) as f64
                } else {
                    0.0
                }
            };
            let share = side(sa.len(), comparable(a)).max(side(sb.len(), comparable(b)));
            (share >= NEAR_COPY_SHARE).then_some((ArticleIdx::new(a), ArticleIdx::new(b), share))
        })
        .collect();
    out.sort_by_key(|x| (x.0, x.1));
    out
}

/// `check`'s warning for every pair of near-copies that no `derived_from`
/// declares: their agreement would otherwise count as two sources.
pub(crate) fn check_independence(
    articles: &[Article],
    docs: &[crate::pipeline::document::Doc],
    findings: &Findings,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for (a, b, share) in near_copies(docs) {
        if findings.group[a] == findings.group[b] {
            continue;
        }
        let (x, y) = (&articles[a], &articles[b]);
        diags.push(
            Diagnostic::warning(format!(
                "articles `{}` and `{}` share {:.0}% of their statements, but neither declares it derives from the other",
                x.id,
                y.id,
                share * 100.0
            ))
            .in_file(&y.file)
            .help(format!(
                "if one is a copy or rewrite of the other (or both of one wire story), add derived_from = [\"{}\"] to the front matter of {} (or the reverse), so their agreement counts once",
                x.id, y.file.name
            )),
        );
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;
    use crate::pipeline::content::{Evidence, Status, Verdict};
    use crate::pipeline::document;

    fn at(positions: &[usize]) -> Vec<ArticleIdx> {
        positions.iter().map(|&i| ArticleIdx::new(i)).collect()
    }

    /// Each article's group, as positions.
    fn groups(articles: &[Article]) -> Vec<usize> {
        independence_groups(articles)
            .iter()
            .map(|(_, g)| g.get())
            .collect()
    }

    #[test]
    fn outlets_named_in_another_script_stay_apart() {
        let (a, b) = (outlet_id("Радіо 1"), outlet_id("Вісник 1"));
        assert_ne!(a, b);
        assert!(a.starts_with("outlet-") && a.is_ascii(), "{a}");
        assert_eq!(outlet_id("радіо 1"), a, "the id ignores case");
        assert_ne!(outlet_id("إذاعة"), outlet_id("صحيفة"));
        assert_eq!(outlet_id("The Evening Post"), "the-evening-post");
    }

    fn article(id: &str, outlet: &str, derived: &[&str]) -> Article {
        Article {
            id: id.into(),
            title: id.into(),
            outlet: outlet.into(),
            url: None,
            author: None,
            published: None,
            archived: None,
            title_by_desk: false,
            syndicated_by: None,
            derived_from: derived.iter().map(|d| (d.to_string(), 0..0)).collect(),
            body: String::new().into(),
            file: SourceFile::new(format!("content/articles/{id}.md"), ""),
        }
    }

    fn claim(id: &str, verdict: Verdict, evidence: &[(&str, &str, Stance)]) -> Claim {
        Claim {
            id: id.into(),
            text: id.into(),
            verdict,
            summary: None,
            summary_span: None,
            status: Status::Approved,
            reviewer: None,
            reviewed: None,
            signoff: None,
            basis_reports: false,
            sources: Vec::new(),
            updates: Vec::new(),
            evidence: evidence
                .iter()
                .map(|(article, quote, stance)| Evidence {
                    article: article.to_string(),
                    quote: quote.to_string(),
                    stance: *stance,
                    note: None,
                    occurrence: None,
                    article_span: 0..0,
                    quote_span: 0..0,
                })
                .collect(),
            file: SourceFile::new("content/claims.toml", ""),
            span: 0..0,
        }
    }

    fn findings(articles: &[Article], texts: &[&str], claims: &[Claim]) -> Findings {
        let docs: Vec<_> = texts.iter().map(|t| document::parse(t)).collect();
        let mut d = Diagnostics::default();
        let anchors = graph::anchor_evidence(articles, &docs, claims, &mut d);
        assert!(!d.has_errors(), "{}", d.render(false));
        let g = Graph::build(articles, &docs, claims, &anchors);
        Findings::build(articles, claims, &g)
    }

    #[test]
    fn a_declared_copy_counts_once_among_the_independent() {
        let articles = vec![
            article("wire", "Wire", &[]),
            article("copy", "Copy Daily", &["wire"]),
            article("own", "Own Post", &[]),
        ];
        assert_eq!(groups(&articles), [0, 0, 2]);
        let claims = vec![claim(
            "c",
            Verdict::Accurate,
            &[
                ("wire", "It rained.", Stance::Supports),
                ("copy", "It rained.", Stance::Supports),
                ("own", "It rained.", Stance::Supports),
            ],
        )];
        let f = findings(
            &articles,
            &["It rained.", "It rained.", "It rained."],
            &claims,
        );
        let side = f.claims[0].side(Stance::Supports);
        assert_eq!(side.articles, at(&[0, 1, 2]));
        assert_eq!(side.independent, 2);
    }

    #[test]
    fn rewritten_reports_are_near_copies_and_independent_ones_are_not() {
        let docs: Vec<_> = [
            "Weeks of intensive diplomacy preceded the Moscow talks with the envoys. The US delegation has not released comments since departing Moscow. Ushakov said a lot of work lies ahead for both governments. Zelensky expects a briefing from the US team after the talks.",
            "The Moscow talks with the envoys followed weeks of intense diplomatic efforts. Following the Moscow meeting, the US delegation has not released any public comments. A lot of work lies ahead for both governments, Ushakov said. Zelensky said he expects the US team to brief him.",
            "Fishermen in Lisbon landed a record catch of sardines. Prices at the harbour market fell sharply. Restaurants expect a busy weekend.",
        ]
        .iter()
        .map(|t| crate::pipeline::document::parse(t))
        .collect();
        let pairs = near_copies(&docs);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].0.get(), pairs[0].1.get()), (0, 1));
        assert!(pairs[0].2 >= NEAR_COPY_SHARE);
    }

    #[test]
    fn the_original_represents_its_group_whatever_the_order() {
        let articles = vec![
            article("a-copy", "A", &["z-original"]),
            article("b-copy", "B", &["a-copy"]),
            article("z-original", "Z", &[]),
        ];
        assert_eq!(groups(&articles), [2, 2, 2]);
        // A loop has no original: its first member stands for it.
        let looped = vec![article("a", "A", &["b"]), article("b", "B", &["a"])];
        assert_eq!(groups(&looped), [0, 0]);
    }

    #[test]
    fn outlets_count_assessments_and_find_what_they_are_alone_on_and_miss() {
        let articles = vec![
            article("a1", "The Post", &[]),
            article("a2", "the post", &[]),
            article("b", "Courier", &[]),
            article("c", "Gazette", &[]),
        ];
        let texts = [
            "Sky is green.",
            "Sky is blue.",
            "Sky is blue.",
            "Grass grows.",
        ];
        let claims = vec![
            claim(
                "sky-blue",
                Verdict::Accurate,
                &[
                    ("a1", "Sky is green.", Stance::Contradicts),
                    ("b", "Sky is blue.", Stance::Supports),
                    ("a2", "Sky is blue.", Stance::Supports),
                    ("c", "Grass grows.", Stance::Mentions),
                ],
            ),
            claim(
                "grass",
                Verdict::Disputed,
                &[("c", "Grass grows.", Stance::Supports)],
            ),
        ];
        let f = findings(&articles, &texts, &claims);
        let ids: Vec<&str> = f.outlets.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["courier", "gazette", "the-post"]);
        let post = &f.outlets[2];
        assert_eq!(post.articles, at(&[0, 1]));
        assert_eq!(post.name, "The Post");
        assert_eq!(post.counts.holds_up, 1);
        assert_eq!(post.counts.does_not_hold_up, 1);
        assert_eq!(post.statements_checked, 2);
        assert_eq!(post.blind_spots, [1]);
        let gazette = &f.outlets[1];
        assert_eq!(gazette.alone, [(1, Alone::OnlySource)]);
        assert_eq!(gazette.counts.unsettled, 1);
        assert_eq!(gazette.counts.reports, 1);
        // Courier supports too, but nobody besides The Post contradicts.
        assert_eq!(post.alone, [(0, Alone::OnlyOnItsSide(Stance::Contradicts))]);
        assert!(f.claims[0].disagreement);
        assert_eq!(f.disagreements, [0]);
    }
}
