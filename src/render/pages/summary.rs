//! What several pages show of one article or one claim (a row in a list, a
//! claim in a matrix or a correction), kept apart from any one page so
//! every page draws an article or claim the same way.

use serde::Serialize;

use super::{article_href, claim_href, outlet_href};
use crate::pipeline::content::{Article, ArticleIdx, Claim, Stance, Status};
use crate::pipeline::findings::Side;
use crate::pipeline::site::Site;
use crate::render::views::{CountView, NavLink, StanceView, VerdictView, count_views};

#[derive(Serialize)]
pub(in crate::render) struct ArticleSummary<'a> {
    id: &'a str,
    title: &'a str,
    /// The desk wrote the headline (the source had none).
    title_by_desk: bool,
    outlet: &'a str,
    outlet_href: String,
    syndicated_by: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<&'a str>,
    url: Option<&'a str>,
    archived: Option<&'a str>,
    href: String,
    statements: usize,
    linked: usize,
    linked_percent: usize,
    /// Its evidence by assessment.
    counts: Vec<CountView>,
    /// The articles it declares itself derived from.
    derived_from: Vec<NavLink>,
    /// Articles declared derived from it.
    copied_by: Vec<NavLink>,
}

pub(in crate::render) fn article_summary<'a>(
    site: &'a Site,
    ai: ArticleIdx,
    root: &str,
) -> ArticleSummary<'a> {
    let a: &Article = site.article(ai);
    let statements = site.doc(ai).statements.len();
    let linked = site.graph.linked_count(ai);
    let link = |j: ArticleIdx| NavLink {
        title: format!("{}: {}", site.article(j).outlet, site.article(j).title),
        href: article_href(site, root, j),
    };
    let derived_from = site.findings.derived_from[ai]
        .iter()
        .map(|&j| link(j))
        .collect();
    let copied_by = site.findings.copied_by[ai]
        .iter()
        .map(|&j| link(j))
        .collect();
    ArticleSummary {
        id: &a.id,
        title: &a.title,
        title_by_desk: a.title_by_desk,
        outlet: &a.outlet,
        outlet_href: outlet_href(site, root, site.findings.article_outlet[ai]),
        syndicated_by: a.syndicated_by.as_deref(),
        author: a.author.as_deref(),
        published: a.published.as_deref(),
        url: a
            .url
            .as_deref()
            .and_then(|u| crate::url::safe_href(u).map(|_| u)),
        archived: a.archived.as_deref(),
        href: article_href(site, root, ai),
        statements,
        linked,
        linked_percent: (linked * 100).checked_div(statements).unwrap_or(0),
        counts: count_views(&site.findings.article_counts[ai], &site.config.strings),
        derived_from,
        copied_by,
    }
}

/// The reports on one side of a claim, for a line such as "Supported by 3
/// reports (2 independent): A, B, C".
#[derive(Serialize)]
pub(in crate::render) struct SideView {
    stance: StanceView,
    reports: usize,
    independent: usize,
    outlets: Vec<NavLink>,
}

fn side_view(site: &Site, root: &str, stance: Stance, side: &Side) -> SideView {
    SideView {
        stance: StanceView::new(stance, &site.config.strings),
        reports: side.articles.len(),
        independent: side.independent,
        outlets: side
            .outlets
            .iter()
            .map(|&oi| NavLink {
                title: site.findings.outlets[oi].name.clone(),
                href: outlet_href(site, root, oi),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub(in crate::render) struct ClaimSummary<'a> {
    id: &'a str,
    text: &'a str,
    href: String,
    verdict: VerdictView,
    status: &'static str,
    status_label: &'static str,
    approved: bool,
    /// Approved, but the claim changed since sign-off: what changed.
    lapsed: Option<String>,
    /// Supports, contradicts, mentions: the reports on each side.
    sides: Vec<SideView>,
    /// Reports both support and contradict it.
    disagreement: bool,
    /// Distinct reports with evidence on it.
    sources: usize,
}

pub(in crate::render) fn claim_summary<'a>(
    site: &'a Site,
    ci: usize,
    root: &str,
) -> ClaimSummary<'a> {
    let c: &Claim = &site.claims[ci];
    let sides = &site.findings.claims[ci];
    let mut sources: Vec<ArticleIdx> = site.graph.evidence[ci].iter().map(|r| r.article).collect();
    sources.sort_unstable();
    sources.dedup();
    ClaimSummary {
        id: &c.id,
        text: &c.text,
        href: claim_href(site, root, ci),
        verdict: VerdictView::new(c.verdict, &site.config.strings),
        status: c.status.as_str(),
        status_label: site.config.strings.get2("status", c.status.as_str()),
        approved: c.status == Status::Approved,
        lapsed: site.lapse(&c.id).map(|l| l.what()),
        sides: Stance::ALL
            .iter()
            .map(|&s| side_view(site, root, s, sides.side(s)))
            .collect(),
        disagreement: sides.disagreement,
        sources: sources.len(),
    }
}

/// A list shown in part, with how many more there are.
#[derive(Serialize)]
pub(in crate::render) struct Capped<T> {
    items: Vec<T>,
    total: usize,
    more: usize,
}

pub(super) fn capped<T>(total: usize, cap: usize, make: impl FnMut(usize) -> T) -> Capped<T> {
    let shown = total.min(cap);
    Capped {
        items: (0..shown).map(make).collect(),
        total,
        more: total - shown,
    }
}
