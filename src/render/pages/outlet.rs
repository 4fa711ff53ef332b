//! The outlets' pages: the list of outlets and each outlet's page (its
//! reports, the claims it is alone on, its blind spots).

use serde::Serialize;

use super::index::ListView;
use super::outlet_href;
use super::summary::{
    ArticleSummary, Capped, ClaimSummary, article_summary, capped, claim_summary,
};
use crate::pipeline::content::Stance;
use crate::pipeline::findings::Alone;
use crate::pipeline::site::Site;
use crate::render::views::{CountView, Frame, count_views, frame};

/// How many entries a list on an outlet page shows at most before
/// pointing to the full list (the claims pages, `data.json`).
pub(crate) const OUTLET_LIST: usize = 200;

#[derive(Serialize)]
pub(in crate::render) struct OutletSummary {
    id: String,
    name: String,
    href: String,
    articles: usize,
    statements_checked: usize,
    counts: Vec<CountView>,
    alone: usize,
    blind_spots: usize,
}

pub(super) fn outlet_summary(site: &Site, root: &str, oi: usize) -> OutletSummary {
    let o = &site.findings.outlets[oi];
    OutletSummary {
        id: o.id.clone(),
        name: o.name.clone(),
        href: outlet_href(site, root, oi),
        articles: o.articles.len(),
        statements_checked: o.statements_checked,
        counts: count_views(&o.counts, &site.config.strings),
        alone: o.alone.len(),
        blind_spots: o.blind_spots.len(),
    }
}

pub(in crate::render) fn outlet_list_view(site: &Site) -> ListView<'_, OutletSummary> {
    let root = "../";
    ListView {
        frame: frame(
            site,
            root,
            site.config.strings.get("outlets.title").into(),
            site.config.strings.get("outlets.description").into(),
        )
        .at_page(site, "outlets/"),
        items: (0..site.findings.outlets.len())
            .map(|oi| outlet_summary(site, root, oi))
            .collect(),
    }
}

#[derive(Serialize)]
pub(in crate::render) struct OutletView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    outlet: OutletSummary,
    articles: Capped<ArticleSummary<'a>>,
    alone: Capped<AloneView<'a>>,
    blind_spots: Capped<ClaimSummary<'a>>,
}

#[derive(Serialize)]
struct AloneView<'a> {
    claim: ClaimSummary<'a>,
    /// "the only source", "the only outlet that asserts it"…
    why: &'static str,
}

pub(in crate::render) fn outlet_view(site: &Site, oi: usize) -> OutletView<'_> {
    let root = "../../";
    let o = &site.findings.outlets[oi];
    let summary = outlet_summary(site, root, oi);
    let strings = &site.config.strings;
    let description = crate::i18n::fill(
        strings.get("outlet.description"),
        &[
            ("outlet", &o.name),
            (
                "statements",
                &strings.plural("count.statements", o.statements_checked),
            ),
            ("holds", &o.counts.holds_up.to_string()),
            ("not", &o.counts.does_not_hold_up.to_string()),
        ],
    );
    OutletView {
        frame: frame(site, root, o.name.clone(), description)
            .at_page(site, &format!("outlets/{}/", o.id)),
        outlet: summary,
        articles: capped(o.articles.len(), OUTLET_LIST, |k| {
            article_summary(site, o.articles[k], root)
        }),
        alone: capped(o.alone.len(), OUTLET_LIST, |k| {
            let (ci, why) = o.alone[k];
            AloneView {
                claim: claim_summary(site, ci, root),
                why: site.config.strings.get(match why {
                    Alone::OnlySource => "outlet.alone_only_source",
                    Alone::OnlyOnItsSide(Stance::Supports) => "outlet.alone_only_asserts",
                    Alone::OnlyOnItsSide(_) => "outlet.alone_only_contradicts",
                }),
            }
        }),
        blind_spots: capped(o.blind_spots.len(), OUTLET_LIST, |k| {
            claim_summary(site, o.blind_spots[k], root)
        }),
    }
}
