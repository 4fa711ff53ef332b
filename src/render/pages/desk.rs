//! The pages about the desk's method rather than the reports: the verdict
//! scale, the desk's own Markdown pages (where the scale can be generated
//! in place) and the 404 page.

use std::fmt::Write as _;

use serde::Serialize;

use crate::pipeline::content::{Stance, Verdict};
use crate::pipeline::site::Site;
use crate::render::views::{Frame, LegendEntry, StanceView, VerdictView, frame, legend};
use crate::render::{Markdown, markdown};
use crate::text::{escape_html_into, excerpt};

#[derive(Serialize)]
pub(in crate::render) struct ScaleEntry {
    verdict: VerdictView,
    meaning: &'static str,
    /// Claims of the site with this verdict.
    count: usize,
}

#[derive(Serialize)]
pub(in crate::render) struct StanceEntry {
    stance: StanceView,
    explanation: &'static str,
}

pub(in crate::render) fn verdict_scale(site: &Site) -> Vec<ScaleEntry> {
    Verdict::ALL
        .iter()
        .map(|&v| ScaleEntry {
            verdict: VerdictView::new(v, &site.config.strings),
            meaning: site.config.strings.get2("meaning", v.as_str()),
            count: site.claims.iter().filter(|c| c.verdict == v).count(),
        })
        .collect()
}

fn stances(strings: &crate::i18n::Strings) -> Vec<StanceEntry> {
    Stance::ALL
        .iter()
        .map(|&s| StanceEntry {
            stance: StanceView::new(s, strings),
            explanation: strings.get2("stance_explanation", s.as_str()),
        })
        .collect()
}

#[derive(Serialize)]
pub(in crate::render) struct VerdictsView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    scale: Vec<ScaleEntry>,
    legend: Vec<LegendEntry>,
    stances: Vec<StanceEntry>,
}

pub(in crate::render) fn verdicts_view(site: &Site) -> VerdictsView<'_> {
    let root = "../";
    VerdictsView {
        frame: frame(
            site,
            root,
            site.config.strings.get("verdicts.title").into(),
            site.config.strings.get("verdicts.description").into(),
        )
        .at_page(site, "verdicts/"),
        scale: verdict_scale(site),
        legend: legend(&site.config.strings),
        stances: stances(&site.config.strings),
    }
}

#[derive(Serialize)]
pub(in crate::render) struct PageView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    id: &'a str,
    title: &'a str,
    /// The page's Markdown, rendered, with the verdict scale where the
    /// text asks for it.
    body_html: String,
}

/// The line a desk page writes where the generated verdict scale goes.
pub(crate) const VERDICT_SCALE_PLACEHOLDER: &str = "{{ verdict_scale }}";

pub(in crate::render) fn page_view(site: &Site, pi: usize) -> PageView<'_> {
    let root = "../../";
    let p = &site.pages[pi];
    let md = Markdown::for_page(root);
    let mut body_html = String::new();
    // The scale is generated, so it never drifts from what the site uses.
    let mut rest = p.body.as_str();
    while let Some(at) = find_placeholder_line(rest) {
        body_html.push_str(&markdown(&rest[..at.start], &md));
        body_html.push_str(&verdict_scale_html(site));
        rest = &rest[at.end..];
    }
    body_html.push_str(&markdown(rest, &md));
    let description = excerpt(&p.body, 150);
    PageView {
        frame: frame(site, root, p.title.clone(), description)
            .at_page(site, &format!("pages/{}/", p.id)),
        id: &p.id,
        title: &p.title,
        body_html,
    }
}

/// The byte range of the first line holding only the placeholder.
fn find_placeholder_line(text: &str) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == VERDICT_SCALE_PLACEHOLDER {
            return Some(start..start + line.len());
        }
        start += line.len();
    }
    None
}

fn verdict_scale_html(site: &Site) -> String {
    let mut out = String::from("<dl class=\"scale\">\n");
    for e in verdict_scale(site) {
        out.push_str("<dt><span class=\"verdict verdict-");
        out.push_str(e.verdict.slug);
        out.push_str("\"><span class=\"icon\" aria-hidden=\"true\">");
        out.push_str(e.verdict.icon);
        out.push_str("</span> ");
        out.push_str(e.verdict.label);
        out.push_str("</span>");
        match e.verdict.rating {
            Some(r) => {
                let _ = write!(out, " <span class=\"rating\">rated {r} of 5</span>");
            }
            None => out.push_str(" <span class=\"rating\">not on the 1–5 scale</span>"),
        }
        out.push_str("</dt>\n<dd>");
        escape_html_into(&mut out, e.meaning);
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n");
    out
}

#[derive(Serialize)]
pub(in crate::render) struct NotFoundView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
}

pub(in crate::render) fn not_found_view(site: &Site) -> NotFoundView<'_> {
    NotFoundView {
        frame: frame(
            site,
            &site.config.base_url,
            site.config.strings.get("not_found.title").to_string(),
            site.config.strings.get("not_found.description").to_string(),
        ),
    }
}
