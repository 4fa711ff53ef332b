//! The pipeline, end to end: load content → split statements → anchor
//! quotes → build the claim graph. Rendering and writing read the result.

use std::path::Path;

use rayon::prelude::*;

use crate::content::{self, Article, Claim, Content, SiteConfig, Status};
use crate::diag::Diagnostics;
use crate::document::{self, Doc};
use crate::graph::{self, Graph};
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
    pub articles: Vec<Article>,
    pub docs: Vec<Doc>,
    /// The claims that are published: approved ones, or all with `drafts`.
    pub claims: Vec<Claim>,
    pub graph: Graph,
    pub options: BuildOptions,
    /// Ids of claims whose approval lapsed: approved, but the evidence
    /// changed since sign-off (see [`crate::review::signoff`]). They are
    /// treated as in review: published only with `drafts`.
    pub lapsed: Vec<String>,
}

/// Loads and compiles the project at `root`. `None` when the content could
/// not be loaded at all; a `Site` may come with errors too (quotes that did
/// not anchor are left out of its graph), so callers that publish must
/// check [`Diagnostics::has_errors`].
pub fn compile(root: &Path, options: BuildOptions) -> (Option<Site>, Diagnostics) {
    compile_timed(root, options, &mut StageClock::off())
}

/// [`compile`], marking each stage on `clock`.
pub fn compile_timed(
    root: &Path,
    options: BuildOptions,
    clock: &mut StageClock,
) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let content = content::load(root, &mut diags);
    clock.mark("load");
    let site = content.map(|c| from_content_timed(c, options, &mut diags, clock));
    diags.sort();
    (site, diags)
}

/// Compiles loaded content. Every claim is validated, published or not, so
/// a draft's broken quote is caught before anyone approves it.
pub fn from_content(
    content: Content,
    options: BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Site> {
    Some(from_content_timed(
        content,
        options,
        diags,
        &mut StageClock::off(),
    ))
}

fn from_content_timed(
    content: Content,
    options: BuildOptions,
    diags: &mut Diagnostics,
    clock: &mut StageClock,
) -> Site {
    let docs: Vec<Doc> = content
        .articles
        .par_iter()
        .map(|a| document::parse(&a.body))
        .collect();
    clock.mark("split");
    let anchors = graph::anchor_evidence(&content.articles, &docs, &content.claims, diags);
    clock.mark("anchor");
    let site = assemble(content, docs, anchors, options, diags);
    clock.mark("graph");
    site
}

/// The stages after splitting and anchoring: sign-off lapses, the
/// publishing filter and the claim graph. Separate so that `serve`, which
/// keeps docs and anchors across rebuilds, compiles exactly as `build` does.
/// `docs` and `anchors` must be those of `content` (same order).
pub fn assemble(
    content: Content,
    docs: Vec<Doc>,
    anchors: graph::Anchors,
    options: BuildOptions,
    diags: &mut Diagnostics,
) -> Site {
    let lapsed = crate::review::signoff::lapsed_claims(
        &content.articles,
        &docs,
        &content.claims,
        &anchors,
        diags,
    );
    let mut claims = Vec::with_capacity(content.claims.len());
    let mut kept = Vec::with_capacity(content.claims.len());
    for (mut claim, anchors) in content.claims.into_iter().zip(anchors) {
        if lapsed.contains(&claim.id) {
            claim.status = Status::InReview;
        }
        if options.drafts || claim.status == Status::Approved {
            kept.push(anchors);
            claims.push(claim);
        }
    }
    let graph = Graph::build(&content.articles, &docs, &claims, &kept);
    Site {
        config: content.config,
        articles: content.articles,
        docs,
        claims,
        graph,
        options,
        lapsed,
    }
}

/// Statements linked to a claim, per article: `(id, linked, total)`.
pub fn coverage(site: &Site) -> Vec<(&str, usize, usize)> {
    site.articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                a.id.as_str(),
                site.graph.linked_count(i),
                site.docs[i].statements.len(),
            )
        })
        .collect()
}
