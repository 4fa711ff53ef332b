//! Stage 4: the claim graph. Computed once per build and read by every
//! renderer: which statements each piece of evidence anchors to, and for
//! each statement the claims it bears on.
//!
//! Agreement is derived, not stored: a statement linked to claim C with
//! stance S agrees with every other piece of evidence on C with stance S and
//! contradicts every piece with the opposite stance. Storing those pairs
//! would be quadratic in a claim's evidence.

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::anchor::{self, Anchor, AnchorError, QuoteQuery};
use crate::pipeline::assess::Assessment;
use crate::pipeline::content::{Article, ArticleIdx, Claim, Stance};
use crate::pipeline::document::Doc;
use crate::text::shorten;

/// Anchors of every piece of evidence: `[claim][evidence]`, `None` where it
/// failed (and a diagnostic says why).
pub(crate) type Anchors = Vec<Vec<Option<Anchor>>>;

/// Anchors all evidence, one pass per article, articles in parallel.
pub(crate) fn anchor_evidence(
    articles: &[Article],
    docs: &[Doc],
    claims: &[Claim],
    diags: &mut Diagnostics,
) -> Anchors {
    let index = article_index(articles);
    // Evidence grouped by the article it quotes.
    let mut wanted: Vec<Vec<(usize, usize)>> = vec![Vec::new(); articles.len()];
    for (ci, claim) in claims.iter().enumerate() {
        for (ei, ev) in claim.evidence.iter().enumerate() {
            if let Some(&ai) = index.get(ev.article.as_str()) {
                wanted[ai.get()].push((ci, ei));
            }
        }
    }
    let found: Vec<Vec<Result<Anchor, AnchorError>>> = wanted
        .par_iter()
        .enumerate()
        .map(|(ai, refs)| {
            let ai = ArticleIdx::new(ai);
            let queries: Vec<QuoteQuery<'_>> = refs
                .iter()
                .map(|&(ci, ei)| {
                    let ev = &claims[ci].evidence[ei];
                    QuoteQuery {
                        quote: &ev.quote,
                        occurrence: ev.occurrence,
                    }
                })
                .collect();
            anchor::anchor_all(&docs[ai], &queries)
        })
        .collect();
    let mut anchors: Anchors = claims
        .iter()
        .map(|c| vec![None; c.evidence.len()])
        .collect();
    for ((ai, refs), results) in ArticleIdx::enumerate(&wanted).zip(found) {
        for (&(ci, ei), result) in refs.iter().zip(results) {
            match result {
                Ok(a) => anchors[ci][ei] = Some(a),
                Err(e) => diags.push(anchor_diagnostic(&claims[ci], ei, &articles[ai], e)),
            }
        }
    }
    anchors
}

fn anchor_diagnostic(claim: &Claim, ei: usize, article: &Article, err: AnchorError) -> Diagnostic {
    let ev = &claim.evidence[ei];
    let at = |d: Diagnostic| d.at(&claim.file, ev.quote_span.clone());
    let short = shorten(&ev.quote, 80);
    match err {
        AnchorError::Empty => at(Diagnostic::error(format!(
            "evidence of claim `{}` has an empty quote",
            claim.id
        ))),
        AnchorError::NotFound { closest } => {
            let d = at(Diagnostic::error(format!(
                "quote of claim `{}` not found in article `{}`: \"{short}\"",
                claim.id, article.id
            )))
            .label("no passage of the article matches this quote");
            match closest {
                Some(c) => d.help(format!("closest passage in {}: \"{c}\"", article.file.name)),
                None => d.help(format!("nothing in {} resembles it", article.file.name)),
            }
        }
        AnchorError::Ambiguous { count } => at(Diagnostic::error(format!(
            "quote of claim `{}` occurs {count} times in article `{}`: \"{short}\"",
            claim.id, article.id
        )))
        .label("matches more than one passage")
        .help(format!(
            "quote more of the passage, or add occurrence = N (1 to {count}) to choose one"
        )),
        AnchorError::OccurrenceOutOfRange { occurrence, count } => at(Diagnostic::error(format!(
            "claim `{}` asks for occurrence {occurrence} of a quote found {count} time(s) in article `{}`",
            claim.id, article.id
        )))
        .help(format!("use an occurrence from 1 to {count}")),
    }
}

fn to_u32(n: usize) -> u32 {
    // 4 billion statements or links would need some 100 GB of articles.
    u32::try_from(n).expect("fewer than 2^32 statements and links")
}

/// Article id → index. Fx-hashed: looked up for every piece of evidence
/// on every serve rebuild, where SipHash showed in profiles; ids are the
/// project's own file names, not adversarial keys.
pub(crate) fn article_index(articles: &[Article]) -> FxHashMap<&str, ArticleIdx> {
    ArticleIdx::enumerate(articles)
        .map(|(i, a)| (a.id.as_str(), i))
        .collect()
}

/// Where one piece of evidence lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceRef {
    pub claim: usize,
    pub evidence: usize,
    pub article: ArticleIdx,
    /// The statements the quote overlaps: `statement..statement_end`.
    pub statement: usize,
    pub statement_end: usize,
    pub stance: Stance,
    /// What the stance means given the claim's verdict.
    pub assessment: Assessment,
    /// Byte range of the matched passage in the article's [`Doc::text`]:
    /// `quote_start..quote_end` (for Web Annotation selectors).
    pub quote_start: usize,
    pub quote_end: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// `[claim][evidence]`, every piece of evidence of the published claims.
    pub evidence: Vec<Vec<EvidenceRef>>,
    /// The evidence overlapping each statement, all articles' statements
    /// one after the other: statement `s` of article `a` owns
    /// `link_refs[link_start[first_statement[a] + s]..link_start[first_statement[a] + s + 1]]`.
    /// One flat array rather than a `Vec` per statement: a big site has
    /// half a million statements, most of them linked to nothing, and
    /// serve rebuilds the graph on every save.
    first_statement: Vec<u32>,
    link_start: Vec<u32>,
    link_refs: Vec<EvidenceRef>,
}

impl Graph {
    /// Builds the graph; evidence that failed to anchor is left out (its
    /// diagnostic has been reported).
    pub fn build(articles: &[Article], docs: &[Doc], claims: &[Claim], anchors: &Anchors) -> Graph {
        Graph::build_reusing(Graph::default(), articles, docs, claims, anchors)
    }

    /// [`Graph::build`] into the buffers of `spare`, a graph no longer
    /// needed. Serve builds the graph on every save: the statement tables
    /// of 10,000 articles are megabytes, and allocating them afresh (then
    /// freeing the old ones, which hands the pages back to the kernel)
    /// cost from one to twenty milliseconds before the page could reload.
    pub(crate) fn build_reusing(
        spare: Graph,
        articles: &[Article],
        docs: &[Doc],
        claims: &[Claim],
        anchors: &Anchors,
    ) -> Graph {
        let Graph {
            mut evidence,
            mut first_statement,
            link_start: mut counts,
            mut link_refs,
        } = spare;
        let index = article_index(articles);
        first_statement.clear();
        first_statement.reserve(docs.len() + 1);
        let mut total = 0usize;
        for d in docs {
            first_statement.push(to_u32(total));
            total += d.statements.len();
        }
        first_statement.push(to_u32(total));
        // The old lists' allocations are reused claim by claim.
        evidence.truncate(claims.len());
        evidence.iter_mut().for_each(Vec::clear);
        evidence.resize_with(claims.len(), Vec::new);
        // Counting sort into the flat array: count per statement, then
        // place, in claim and evidence order.
        counts.clear();
        counts.resize(total + 1, 0);
        for (ci, claim) in claims.iter().enumerate() {
            let refs = &mut evidence[ci];
            refs.reserve(claim.evidence.len());
            for (ei, ev) in claim.evidence.iter().enumerate() {
                let (Some(&ai), Some(anchor)) = (index.get(ev.article.as_str()), &anchors[ci][ei])
                else {
                    continue;
                };
                let r = EvidenceRef {
                    claim: ci,
                    evidence: ei,
                    article: ai,
                    statement: anchor.statements.start,
                    statement_end: anchor.statements.end,
                    stance: ev.stance,
                    assessment: Assessment::of(ev.stance, claim.verdict),
                    quote_start: anchor.range.start,
                    quote_end: anchor.range.end,
                };
                let base = first_statement[ai.get()] as usize;
                for si in anchor.statements.clone() {
                    counts[base + si + 1] += 1;
                }
                refs.push(r);
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        // `counts[g]` is now where statement g's links start; used as each
        // statement's cursor while placing, it ends where the next one's
        // start, and one shift puts the starts back.
        let mut link_start = counts;
        link_refs.clear();
        if let Some(&placeholder) = evidence.iter().flatten().next() {
            link_refs.resize(link_start[total] as usize, placeholder);
        }
        for r in evidence.iter().flatten() {
            let base = first_statement[r.article.get()] as usize;
            for si in r.statement..r.statement_end {
                let slot = &mut link_start[base + si];
                link_refs[*slot as usize] = *r;
                *slot += 1;
            }
        }
        for g in (1..total + 1).rev() {
            link_start[g] = link_start[g - 1];
        }
        link_start[0] = 0;
        Graph {
            evidence,
            first_statement,
            link_start,
            link_refs,
        }
    }

    /// The evidence overlapping statement `statement` of article `article`,
    /// in claim order.
    pub fn links(&self, article: ArticleIdx, statement: usize) -> &[EvidenceRef] {
        let article = article.get();
        let g = self.first_statement[article] as usize + statement;
        debug_assert!(g < self.first_statement[article + 1] as usize);
        &self.link_refs[self.link_start[g] as usize..self.link_start[g + 1] as usize]
    }

    /// [`Graph::links`] of every statement of an article, in order.
    pub fn article_links(&self, article: ArticleIdx) -> impl Iterator<Item = &[EvidenceRef]> + '_ {
        let article = article.get();
        let (from, to) = (
            self.first_statement[article] as usize,
            self.first_statement[article + 1] as usize,
        );
        (from..to).map(move |g| {
            &self.link_refs[self.link_start[g] as usize..self.link_start[g + 1] as usize]
        })
    }

    /// Evidence on the same claim from *other* articles that agrees with
    /// (same stance) or contradicts (opposite stance) `r`.
    pub fn related(&self, r: &EvidenceRef) -> (Vec<EvidenceRef>, Vec<EvidenceRef>) {
        let mut agree = Vec::new();
        let mut contradict = Vec::new();
        if r.stance == Stance::Mentions {
            return (agree, contradict);
        }
        for other in &self.evidence[r.claim] {
            if other.article == r.article {
                continue;
            }
            if other.stance == r.stance {
                agree.push(*other);
            } else if Some(other.stance) == r.stance.opposite() {
                contradict.push(*other);
            }
        }
        (agree, contradict)
    }

    /// Links of one statement, one per (claim, stance).
    pub fn statement_links(&self, article: ArticleIdx, statement: usize) -> Vec<EvidenceRef> {
        let mut out: Vec<EvidenceRef> = Vec::new();
        for r in self.links(article, statement) {
            if !out
                .iter()
                .any(|o| o.claim == r.claim && o.stance == r.stance)
            {
                out.push(*r);
            }
        }
        out
    }

    /// Statements of an article linked to at least one claim.
    pub fn linked_count(&self, article: ArticleIdx) -> usize {
        self.article_links(article)
            .filter(|l| !l.is_empty())
            .count()
    }

    /// Statements of an article that other sources agree with / contradict.
    pub fn agreement_counts(&self, article: ArticleIdx) -> (usize, usize) {
        let mut agreed = 0;
        let mut contradicted = 0;
        for links in self.article_links(article) {
            let (mut a, mut c) = (false, false);
            for r in links {
                let (ag, co) = self.related(r);
                a |= !ag.is_empty();
                c |= !co.is_empty();
            }
            agreed += usize::from(a);
            contradicted += usize::from(c);
        }
        (agreed, contradicted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;
    use crate::pipeline::content::{Evidence, Status, Verdict};
    use crate::pipeline::document;

    fn article(id: &str) -> Article {
        Article {
            id: id.into(),
            title: id.into(),
            outlet: id.into(),
            url: None,
            author: None,
            published: None,
            archived: None,
            title_by_desk: false,
            syndicated_by: None,
            derived_from: Vec::new(),
            body: String::new().into(),
            file: SourceFile::new(format!("content/articles/{id}.md"), ""),
        }
    }

    fn ev(article: &str, quote: &str, stance: Stance) -> Evidence {
        Evidence {
            article: article.into(),
            quote: quote.into(),
            stance,
            note: None,
            occurrence: None,
            article_span: 0..0,
            quote_span: 0..0,
        }
    }

    fn claim(id: &str, evidence: Vec<Evidence>) -> Claim {
        Claim {
            id: id.into(),
            text: id.into(),
            verdict: Verdict::Disputed,
            summary: None,
            summary_span: None,
            status: Status::Approved,
            reviewer: None,
            reviewed: None,
            signoff: None,
            basis_reports: false,
            sources: Vec::new(),
            updates: Vec::new(),
            evidence,
            file: SourceFile::new("content/claims.toml", "x"),
            span: 0..0,
        }
    }

    #[test]
    fn stances_agree_and_contradict_across_sources_only() {
        let articles = vec![article("a"), article("b"), article("c")];
        let docs = vec![
            document::parse("Pokrovsk was captured. Other news."),
            document::parse("Kyiv denied the city fell. Fighting goes on."),
            document::parse("Moscow says it took Pokrovsk. It also says it took Pokrovsk."),
        ];
        let claims = vec![claim(
            "pokrovsk",
            vec![
                ev("a", "Pokrovsk was captured", Stance::Supports),
                ev("b", "Kyiv denied the city fell", Stance::Contradicts),
                ev("c", "Moscow says it took Pokrovsk", Stance::Supports),
                ev("c", "Fighting", Stance::Mentions).clone(),
            ],
        )];
        let mut claims = claims;
        claims[0].evidence[3].article = "b".into();
        claims[0].evidence[3].quote = "Fighting goes on".into();
        let mut d = Diagnostics::default();
        let anchors = anchor_evidence(&articles, &docs, &claims, &mut d);
        assert!(!d.has_errors(), "{}", d.render(false));
        let g = Graph::build(&articles, &docs, &claims, &anchors);
        let at = ArticleIdx::new;
        let a0 = g.statement_links(at(0), 0);
        assert_eq!(a0.len(), 1);
        let (agree, contra) = g.related(&a0[0]);
        assert_eq!(agree.iter().map(|r| r.article).collect::<Vec<_>>(), [at(2)]);
        assert_eq!(
            contra.iter().map(|r| r.article).collect::<Vec<_>>(),
            [at(1)]
        );
        // A mention neither agrees nor contradicts.
        let b1 = g.statement_links(at(1), 1);
        assert_eq!(g.related(&b1[0]), (vec![], vec![]));
        assert_eq!(g.linked_count(at(0)), 1);
        assert_eq!(g.agreement_counts(at(1)), (0, 1));
    }

    #[test]
    fn failed_anchors_name_claim_article_quote_and_closest_passage() {
        let articles = vec![article("a")];
        let docs = vec![document::parse(
            "The talks stretched for nearly five hours.",
        )];
        let mut c = claim(
            "long",
            vec![ev("a", "talks lasted nearly five hours", Stance::Supports)],
        );
        c.file = SourceFile::new(
            "content/claims.toml",
            "quote = \"talks lasted nearly five hours\"\n",
        );
        c.evidence[0].quote_span = 8..40;
        let mut d = Diagnostics::default();
        anchor_evidence(&articles, &docs, &[c], &mut d);
        let e = d.iter().next().unwrap();
        let out = e.render(false);
        assert!(out.starts_with("content/claims.toml:1:9:"), "{out}");
        assert!(
            out.contains("claim `long`") && out.contains("article `a`"),
            "{out}"
        );
        assert!(out.contains("closest passage in content/articles/a.md: \"talks stretched for nearly five hours.\""), "{out}");
    }

    /// Every statement's links, article by article, and every claim's evidence.
    fn shape(g: &Graph, docs: &[Doc]) -> (Vec<Vec<EvidenceRef>>, Vec<Vec<Vec<EvidenceRef>>>) {
        let links = (0..docs.len())
            .map(|a| {
                g.article_links(ArticleIdx::new(a))
                    .map(<[_]>::to_vec)
                    .collect()
            })
            .collect();
        (g.evidence.clone(), links)
    }

    #[test]
    fn a_graph_built_into_an_older_ones_buffers_is_the_graph_built_afresh() {
        let articles = vec![article("a"), article("b")];
        let big = vec![
            document::parse("One. Two. Three. Four. Five. Six."),
            document::parse("Seven. Eight. Nine. Ten."),
        ];
        let claims = vec![
            claim(
                "x",
                vec![
                    ev("a", "Two. Three.", Stance::Supports),
                    ev("b", "Nine.", Stance::Contradicts),
                ],
            ),
            claim("y", vec![ev("a", "Three.", Stance::Mentions)]),
            claim("z", vec![ev("b", "Seven.", Stance::Supports)]),
        ];
        let mut d = Diagnostics::default();
        let anchors = anchor_evidence(&articles, &big, &claims, &mut d);
        assert!(!d.has_errors(), "{}", d.render(false));
        let old = Graph::build(&articles, &big, &claims, &anchors);

        // The next save: fewer statements, fewer claims, links elsewhere.
        let small = vec![
            document::parse("Two. One."),
            document::parse("Ten. Nine. Eight."),
        ];
        let claims = vec![
            claim("x", vec![ev("b", "Nine. Eight.", Stance::Supports)]),
            claim(
                "y",
                vec![
                    ev("a", "Two.", Stance::Contradicts),
                    ev("b", "Ten.", Stance::Mentions),
                ],
            ),
        ];
        let anchors = anchor_evidence(&articles, &small, &claims, &mut d);
        assert!(!d.has_errors(), "{}", d.render(false));
        let fresh = Graph::build(&articles, &small, &claims, &anchors);
        let reused = Graph::build_reusing(old, &articles, &small, &claims, &anchors);
        assert_eq!(shape(&reused, &small), shape(&fresh, &small));
        let at = ArticleIdx::new;
        assert_eq!(reused.linked_count(at(1)), 3);
        assert_eq!(reused.statement_links(at(0), 0)[0].claim, 1);
        assert!(reused.statement_links(at(0), 1).is_empty());
    }
}
