//! The front page (`index.html`) and the full lists (`articles/`,
//! `claims/`, `disagreements/`): the pages that show the whole site at once
//! and so must stay bounded at any size of site.

use serde::Serialize;

use super::outlet::{OutletSummary, outlet_summary};
use super::statement_href;
use super::summary::{
    ArticleSummary, Capped, ClaimSummary, article_summary, capped, claim_summary,
};
use crate::pipeline::assess::Assessment;
use crate::pipeline::content::{ArticleIdx, Verdict};
use crate::pipeline::graph::EvidenceRef;
use crate::pipeline::site::Site;
use crate::render::views::{Frame, VerdictView, frame};

/// The index's claims-by-source table has a cell for every (claim, report)
/// pair, so it grows with their product: 5,000 claims × 10,000 reports
/// would be a 10 GB page. Above this many cells it is left out and the
/// index says so; each claim's page still lists every report on it.
pub(crate) const MAX_MATRIX_CELLS: usize = 10_000;

/// How many entries each list on the front page shows at most: the full
/// lists have pages of their own, and the front page must stay small at
/// any size of site.
pub(crate) const FRONT_PAGE_LIST: usize = 50;

#[derive(Serialize)]
pub(in crate::render) struct IndexView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    /// Claims rated anything but accurate, in claims-file order.
    not_accurate: Capped<ClaimSummary<'a>>,
    /// Claims with reports on both sides, most contested first.
    disagreements: Capped<ClaimSummary<'a>>,
    articles: Capped<ArticleSummary<'a>>,
    claims: Capped<ClaimSummary<'a>>,
    outlets: Capped<OutletSummary>,
    matrix: Vec<MatrixRow<'a>>,
    /// Claims × reports, and whether that is too many to show as a table.
    matrix_cells: usize,
    matrix_omitted: bool,
    matrix_articles: Vec<ArticleSummary<'a>>,
    verdicts: Vec<VerdictCount>,
    claim_count: usize,
    article_count: usize,
    outlet_count: usize,
    total_statements: usize,
    linked_statements: usize,
}

#[derive(Serialize)]
struct VerdictCount {
    verdict: VerdictView,
    count: usize,
}

#[derive(Serialize)]
struct MatrixRow<'a> {
    claim: ClaimSummary<'a>,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixCell {
    /// An assessment's slug, or `mixed` or `silent`.
    slug: &'static str,
    label: &'static str,
    icon: &'static str,
    outlet: String,
    href: Option<String>,
}

pub(in crate::render) fn index_view(site: &Site) -> IndexView<'_> {
    let root = "";
    let not_accurate: Vec<usize> = (0..site.claims.len())
        .filter(|&ci| site.claims[ci].verdict != Verdict::Accurate)
        .collect();
    let disagreements = &site.findings.disagreements;
    let matrix_cells = site.claims.len() * site.articles.len();
    let matrix_omitted = matrix_cells > MAX_MATRIX_CELLS;
    let matrix_rows = if matrix_omitted { 0 } else { site.claims.len() };
    let matrix = (0..matrix_rows)
        .map(|ci| MatrixRow {
            claim: claim_summary(site, ci, root),
            cells: site
                .article_indices()
                .map(|ai| matrix_cell(site, root, ci, ai))
                .collect(),
        })
        .collect();
    let verdicts = Verdict::ALL
        .iter()
        .map(|&v| VerdictCount {
            verdict: VerdictView::new(v, &site.config.strings),
            count: site.claims.iter().filter(|c| c.verdict == v).count(),
        })
        .filter(|v| v.count > 0)
        .collect();
    let total_statements = site.docs.iter().map(|d| d.statements.len()).sum();
    let linked_statements = site
        .article_indices()
        .map(|i| site.graph.linked_count(i))
        .sum();
    let description = site.config.description.clone().unwrap_or_else(|| {
        format!(
            "{} claims checked across {} reports",
            site.claims.len(),
            site.articles.len()
        )
    });
    IndexView {
        frame: frame(site, root, site.config.title.clone(), description).at_page(site, ""),
        not_accurate: capped(not_accurate.len(), FRONT_PAGE_LIST, |k| {
            claim_summary(site, not_accurate[k], root)
        }),
        disagreements: capped(disagreements.len(), FRONT_PAGE_LIST, |k| {
            claim_summary(site, disagreements[k], root)
        }),
        // `capped` counts positions; over the articles they are articles.
        articles: capped(site.articles.len(), FRONT_PAGE_LIST, |ai| {
            article_summary(site, ArticleIdx::new(ai), root)
        }),
        claims: capped(site.claims.len(), FRONT_PAGE_LIST, |ci| {
            claim_summary(site, ci, root)
        }),
        outlets: capped(site.findings.outlets.len(), FRONT_PAGE_LIST, |oi| {
            outlet_summary(site, root, oi)
        }),
        matrix,
        matrix_cells,
        matrix_omitted,
        matrix_articles: if matrix_omitted {
            Vec::new()
        } else {
            site.article_indices()
                .map(|ai| article_summary(site, ai, root))
                .collect()
        },
        verdicts,
        claim_count: site.claims.len(),
        article_count: site.articles.len(),
        outlet_count: site.findings.outlets.len(),
        total_statements,
        linked_statements,
    }
}

/// What report `ai` does with claim `ci`, as the reader needs it: did it
/// get it right.
fn matrix_cell(site: &Site, root: &str, ci: usize, ai: ArticleIdx) -> MatrixCell {
    let refs: Vec<&EvidenceRef> = site.graph.evidence[ci]
        .iter()
        .filter(|r| r.article == ai)
        .collect();
    let verdict = site.claims[ci].verdict;
    let has = |a: Assessment| refs.iter().any(|r| r.assessment == a);
    let strings = &site.config.strings;
    let (slug, label, icon) = if has(Assessment::HoldsUp) && has(Assessment::DoesNotHoldUp) {
        ("mixed", strings.get("assess.both"), "±")
    } else if let Some(r) = refs
        .iter()
        .find(|r| r.assessment != Assessment::Reports)
        .or(refs.first())
    {
        (
            r.assessment.as_str(),
            strings.get2("assess", r.assessment.label_key(verdict)),
            r.assessment.icon(),
        )
    } else {
        ("silent", strings.get("assess.silent"), "–")
    };
    MatrixCell {
        slug,
        label,
        icon,
        outlet: site.article(ai).outlet.clone(),
        href: refs
            .first()
            .map(|r| statement_href(site, root, r.article, r.statement)),
    }
}

/// `articles/index.html`, `claims/index.html`, `outlets/index.html`,
/// `disagreements/index.html`: one full list each.
#[derive(Serialize)]
pub(in crate::render) struct ListView<'a, T> {
    #[serde(flatten)]
    pub(super) frame: Frame<'a>,
    pub(super) items: Vec<T>,
}

pub(in crate::render) fn article_list_view(site: &Site) -> ListView<'_, ArticleSummary<'_>> {
    let root = "../";
    ListView {
        frame: frame(
            site,
            root,
            site.config.strings.get("articles.title").into(),
            crate::i18n::fill(
                site.config.strings.get("articles.description"),
                &[("n", &site.articles.len().to_string())],
            ),
        )
        .at_page(site, "articles/"),
        items: site
            .article_indices()
            .map(|ai| article_summary(site, ai, root))
            .collect(),
    }
}

pub(in crate::render) fn claim_list_view(site: &Site) -> ListView<'_, ClaimSummary<'_>> {
    let root = "../";
    ListView {
        frame: frame(
            site,
            root,
            site.config.strings.get("claims.title").into(),
            crate::i18n::fill(
                site.config.strings.get("claims.description"),
                &[(
                    "claims",
                    &site
                        .config
                        .strings
                        .plural("count.claims", site.claims.len()),
                )],
            ),
        )
        .at_page(site, "claims/"),
        items: (0..site.claims.len())
            .map(|ci| claim_summary(site, ci, root))
            .collect(),
    }
}

pub(in crate::render) fn disagreements_view(site: &Site) -> ListView<'_, ClaimSummary<'_>> {
    let root = "../";
    ListView {
        frame: frame(
            site,
            root,
            site.config.strings.get("disagreements.title").into(),
            crate::i18n::fill(
                site.config.strings.get("disagreements.description"),
                &[(
                    "claims",
                    &site
                        .config
                        .strings
                        .plural("count.claims", site.findings.disagreements.len()),
                )],
            ),
        )
        .at_page(site, "disagreements/"),
        items: site
            .findings
            .disagreements
            .iter()
            .map(|&ci| claim_summary(site, ci, root))
            .collect(),
    }
}
