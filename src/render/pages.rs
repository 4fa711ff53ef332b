//! The view of each page: small structs built from borrowed data (never
//! the whole graph serialised per page), handed to its Tera template.
//!
//! One file per family of pages; what several families show (an article's
//! or a claim's summary) is in `summary`, and the addresses every page
//! links by are here.

mod article;
mod claim;
mod desk;
mod index;
mod outlet;
mod summary;

use crate::pipeline::content::ArticleIdx;
use crate::pipeline::site::Site;

pub(super) use article::article_view;
pub(super) use claim::{claim_view, corrections_view};
pub(super) use desk::{not_found_view, page_view, verdicts_view};
pub(super) use index::{article_list_view, claim_list_view, disagreements_view, index_view};
pub(super) use outlet::{outlet_list_view, outlet_view};
pub(super) use summary::{ClaimSummary, claim_summary};

pub(super) fn article_href(site: &Site, root: &str, ai: ArticleIdx) -> String {
    format!("{root}articles/{}/", site.article(ai).id)
}

pub(super) fn claim_href(site: &Site, root: &str, ci: usize) -> String {
    format!("{root}claims/{}/", site.claims[ci].id)
}

pub(super) fn outlet_href(site: &Site, root: &str, oi: usize) -> String {
    format!("{root}outlets/{}/", site.findings.outlets[oi].id)
}

pub(super) fn statement_href(
    site: &Site,
    root: &str,
    article: ArticleIdx,
    statement: usize,
) -> String {
    format!(
        "{root}articles/{}/#{}",
        site.article(article).id,
        site.doc(article).statement_id(statement)
    )
}
