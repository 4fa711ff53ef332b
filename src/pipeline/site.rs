//! The pipeline, end to end: load content → split statements → anchor
//! quotes → build the claim graph. Rendering and writing read the result.

use std::path::Path;

use rayon::prelude::*;

use crate::claims::signoff;
use crate::diag::Diagnostics;
use crate::pipeline::content::{
    self, Article, ArticleIdx, Claim, Content, ContentPage, SiteConfig, Status,
};
use crate::pipeline::document::{self, Doc};
use crate::pipeline::findings::Findings;
use crate::pipeline::graph::{self, Graph};
use crate::stages::StageClock;

#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Publish claims that are not approved (marked as drafts).
    pub drafts: bool,
}

/// A compiled fact-check: everything the renderers read.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// The articles and their documents, one for one in the same order,
    /// addressed by [`ArticleIdx`] ([`Site::article`], [`Site::doc`],
    /// [`Site::each_article`]). Two vectors rather than one of pairs:
    /// every stage below takes them as plain slices (findings and the
    /// outlet checks read only the articles, near-copy detection and the
    /// graph's statement table only the documents), the documents are
    /// split in parallel straight into their own vector, and serve keeps
    /// both across rebuilds, replacing a document only when its text
    /// changed.
    pub articles: Vec<Article>,
    pub docs: Vec<Doc>,
    /// The claims that are published: approved ones, or all with `drafts`.
    pub claims: Vec<Claim>,
    /// The desk's own pages (`content/pages/`).
    pub pages: Vec<ContentPage>,
    pub graph: Graph,
    /// Outlets, independence and disagreements, from the graph.
    pub findings: Findings,
    pub options: BuildOptions,
    /// Ids of claims whose approval lapsed: approved, but the evidence
    /// changed since sign-off (see [`crate::claims::signoff`]). They are
    /// treated as in review: published only with `drafts`.
    pub lapsed: Vec<crate::claims::signoff::Lapse>,
}

impl Site {
    /// Article `i`.
    pub fn article(&self, i: ArticleIdx) -> &Article {
        &self.articles[i]
    }

    /// Article `i`'s document.
    pub fn doc(&self, i: ArticleIdx) -> &Doc {
        &self.docs[i]
    }

    /// Every article with its document, in site order.
    pub fn each_article(
        &self,
    ) -> impl DoubleEndedIterator<Item = (ArticleIdx, &Article, &Doc)> + ExactSizeIterator {
        ArticleIdx::enumerate(&self.articles)
            .zip(&self.docs)
            .map(|((i, a), d)| (i, a, d))
    }

    /// The article whose id is `id`: a linear scan, for one-off look-ups
    /// (a request names one article); a loop over many ids builds
    /// `crate::pipeline::graph::article_index` instead.
    pub fn article_idx(&self, id: &str) -> Option<ArticleIdx> {
        ArticleIdx::enumerate(&self.articles).find_map(|(i, a)| (a.id == id).then_some(i))
    }

    /// Every article's index, in site order.
    pub fn article_indices(
        &self,
    ) -> impl DoubleEndedIterator<Item = ArticleIdx> + ExactSizeIterator {
        ArticleIdx::all(self.articles.len())
    }

    /// The lapse of claim `id`'s approval, if it lapsed.
    pub(crate) fn lapse(&self, id: &str) -> Option<&crate::claims::signoff::Lapse> {
        self.lapsed.iter().find(|l| l.claim == id)
    }

    /// The fingerprint of claim `ci` (compiled with drafts, so every claim
    /// is there): what a sign-off records now.
    pub fn fingerprint(&self, ci: usize) -> String {
        let statements = signoff::anchored_statements(&self.graph, &self.docs, ci);
        signoff::fingerprint(&self.claims[ci], statements)
    }

    /// How far review has come (`crosscheck check`'s summary).
    pub fn progress(&self) -> crate::claims::consistency::Progress {
        crate::claims::consistency::progress(
            &self.claims,
            &self.lapsed,
            &self.articles,
            &self.docs,
            &self.graph,
        )
    }

    /// Where claim `ci`'s sign-off stands.
    pub fn signoff_state(&self, ci: usize) -> signoff::SignoffState {
        let statements = signoff::anchored_statements(&self.graph, &self.docs, ci);
        signoff::verify(&self.claims[ci], statements).state
    }
}

/// Loads and compiles the project at `root`. `None` when the content could
/// not be loaded at all; a `Site` may come with errors too (quotes that did
/// not anchor are left out of its graph), so callers that publish must
/// check [`Diagnostics::has_errors`].
pub(crate) fn compile(root: &Path, options: BuildOptions) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let site = content::load(root, &mut diags).and_then(|c| from_content(c, options, &mut diags));
    diags.sort();
    (site, diags)
}

/// [`compile`] for a build that only renders the result: each article's
/// Markdown is freed as soon as it is split (see [`Article::release_text`]),
/// so the memory of the sources is reused for the documents instead of
/// adding to it (a quarter less peak memory at 50,000 articles when it was
/// measured). Marks each stage on `clock`.
pub(crate) fn compile_for_build(
    root: &Path,
    options: BuildOptions,
    clock: &mut StageClock,
) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let content = content::load(root, &mut diags);
    clock.mark("load");
    let site = content.map(|mut content| {
        let docs = split(&mut content.articles, &content.config.language, true);
        clock.mark("split");
        anchor_and_assemble(content, docs, options, &mut diags, clock)
    });
    diags.sort();
    (site, diags)
}

/// Compiles loaded content. Every claim is validated, published or not, so
/// a draft's broken quote is caught before anyone approves it.
pub fn from_content(
    mut content: Content,
    options: BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Site> {
    let docs = split(&mut content.articles, &content.config.language, false);
    Some(anchor_and_assemble(
        content,
        docs,
        options,
        diags,
        &mut StageClock::off(),
    ))
}

/// Each article's document, in parallel; with `free_markdown`, the article's
/// Markdown is dropped as soon as its document is made.
fn split(articles: &mut [Article], language: &str, free_markdown: bool) -> Vec<Doc> {
    let lang = crate::pipeline::statements::Language::of(language);
    articles
        .par_iter_mut()
        .map(|a| {
            let doc = document::parse_in(&a.body, lang);
            if free_markdown {
                a.release_text();
            }
            doc
        })
        .collect()
}

fn anchor_and_assemble(
    content: Content,
    docs: Vec<Doc>,
    options: BuildOptions,
    diags: &mut Diagnostics,
    clock: &mut StageClock,
) -> Site {
    let anchors = graph::anchor_evidence(&content.articles, &docs, &content.claims, diags);
    clock.mark("anchor");
    let site = assemble(content, docs, anchors, options, Graph::default(), diags);
    clock.mark("graph");
    site
}

/// The stages after splitting and anchoring: sign-off lapses, the
/// publishing filter and the claim graph. Separate so that `serve`, which
/// keeps docs and anchors across rebuilds, compiles exactly as `build` does.
/// `docs` and `anchors` must be those of `content` (same order). The graph
/// is built into `spare`'s buffers (serve passes the previous build's).
pub(crate) fn assemble(
    content: Content,
    docs: Vec<Doc>,
    anchors: graph::Anchors,
    options: BuildOptions,
    spare: Graph,
    diags: &mut Diagnostics,
) -> Site {
    let lapsed = crate::claims::signoff::lapsed_claims(
        &content.articles,
        &docs,
        &content.claims,
        &anchors,
        diags,
    );
    let mut claims = Vec::with_capacity(content.claims.len());
    let mut kept = Vec::with_capacity(content.claims.len());
    for (mut claim, anchors) in content.claims.into_iter().zip(anchors) {
        if lapsed.iter().any(|l| l.claim == claim.id) {
            claim.status = Status::InReview;
        }
        if options.drafts || claim.status == Status::Approved {
            kept.push(anchors);
            claims.push(claim);
        }
    }
    content::check_derived_from(&content.articles, diags);
    crate::pipeline::findings::check_outlet_names(&content.articles, diags);
    let graph = Graph::build_reusing(spare, &content.articles, &docs, &claims, &kept);
    let findings = Findings::build(&content.articles, &claims, &graph);
    Site {
        config: content.config,
        articles: content.articles,
        docs,
        claims,
        pages: content.pages,
        graph,
        findings,
        options,
        lapsed,
    }
}

/// Statements linked to a claim, per article: `(id, linked, total)`.
pub fn coverage(site: &Site) -> Vec<(&str, usize, usize)> {
    site.each_article()
        .map(|(i, a, d)| {
            (
                a.id.as_str(),
                site.graph.linked_count(i),
                d.statements.len(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_compiles_what_compile_does_and_frees_the_markdown() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (kept, kept_diags) = compile(root, BuildOptions::default());
        let (built, built_diags) =
            compile_for_build(root, BuildOptions::default(), &mut StageClock::off());
        let (kept, built) = (kept.unwrap(), built.unwrap());
        assert_eq!(kept_diags.len(), built_diags.len());
        assert_eq!(kept.articles.len(), built.articles.len());
        for (i, (k, b)) in kept.docs.iter().zip(&built.docs).enumerate() {
            assert_eq!(k.text, b.text, "{}", kept.articles[i].id);
            assert!(k.statement_ids().eq(b.statement_ids()));
        }
        assert_eq!(kept.graph.evidence, built.graph.evidence);
        for (k, b) in kept.articles.iter().zip(&built.articles) {
            assert!(!k.body.is_empty() && !k.file.text.is_empty());
            assert!(b.body.is_empty() && b.file.text.is_empty(), "{}", b.id);
            assert_eq!(k.file.name, b.file.name);
        }
    }
}
