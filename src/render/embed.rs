//! The embeddable verdict: `claims/ID/embed.html`, a page made to be shown
//! in an `<iframe>` on someone else's site (self-contained: its CSS inline,
//! no script, no request for anything else), and `claims/ID/oembed.json`,
//! its [oEmbed](https://oembed.com/) description, for sites that turn a
//! pasted link into an embed.
//!
//! oEmbed consumers fetch the JSON from anywhere and insert its `html`
//! into their own pages, so every address in it must be absolute: the JSON
//! and its discovery link are written only when `base_url` is an absolute
//! `http(s)` URL. The page and its copy-paste snippet exist either way.

use serde::Serialize;

use super::pages::{ClaimSummary, claim_summary};
use super::views::{AssessmentView, SiteView};
use crate::pipeline::assess::Assessment;
use crate::pipeline::content::{Stance, Status};
use crate::pipeline::site::Site;
use crate::url::{absolute_url, is_absolute};

/// The iframe's width in CSS pixels: a column of an article page. The
/// page reflows narrower (`max-width: 100%` in the snippet).
pub(crate) const WIDTH: u32 = 560;

#[derive(Serialize)]
pub(super) struct EmbedView<'a> {
    site: SiteView<'a>,
    claim: ClaimSummary<'a>,
    /// The claim page, relative to the embed (`./`).
    page_href: &'static str,
    /// One entry per stance some report takes.
    sides: Vec<EmbedSide>,
    reviewer: Option<&'a str>,
    reviewed: Option<&'a str>,
    // The catalogue, `t`, comes from the renderer's `Scratch`, as on pages.
}

/// The reports taking one stance on the claim, with what that makes of
/// them: "▼ Does not hold up — Asserted by 3 reports (2 independent):
/// A, B".
#[derive(Serialize)]
struct EmbedSide {
    assessment: AssessmentView,
    /// "Asserted by 3 reports (2 independent)".
    phrase: String,
    /// Outlet names, in outlet order, at most [`MAX_OUTLETS`].
    outlets: Vec<String>,
    /// How many outlets are not named.
    more: usize,
}

/// How many outlets a side names: the embed is a small box, and the claim
/// page lists them all.
const MAX_OUTLETS: usize = 4;

fn sides(site: &Site, ci: usize) -> Vec<EmbedSide> {
    let verdict = site.claims[ci].verdict;
    let findings = &site.findings.claims[ci];
    Stance::ALL
        .iter()
        .filter(|&&s| !findings.side(s).articles.is_empty())
        .map(|&s| {
            let side = findings.side(s);
            EmbedSide {
                assessment: AssessmentView::new(
                    Assessment::of(s, verdict),
                    verdict,
                    &site.config.strings,
                ),
                phrase: crate::render::card::side_phrase(&site.config.strings, s, side, true),
                outlets: side
                    .outlets
                    .iter()
                    .take(MAX_OUTLETS)
                    .map(|&oi| site.findings.outlets[oi].name.clone())
                    .collect(),
                more: side.outlets.len().saturating_sub(MAX_OUTLETS),
            }
        })
        .collect()
}

pub(super) fn embed_view(site: &Site, ci: usize) -> EmbedView<'_> {
    let c = &site.claims[ci];
    let cfg = &site.config;
    EmbedView {
        site: SiteView::new(cfg),
        claim: claim_summary(site, ci, "../../"),
        page_href: "./",
        sides: sides(site, ci),
        reviewer: c
            .reviewer
            .as_deref()
            .filter(|_| c.status == Status::Approved),
        reviewed: c
            .reviewed
            .as_deref()
            .filter(|_| c.status == Status::Approved),
    }
}

/// The iframe's height in CSS pixels for claim `ci`: the frame around the
/// text plus the lines the claim and the sides wrap to at [`WIDTH`],
/// estimated as the verdict card estimates them (on the generous side, so
/// the page does not scroll at that width).
pub(crate) fn height(site: &Site, ci: usize) -> u32 {
    // Pixels of the fixed parts (padding, kicker, verdict line, sign-off
    // and link back), then per line of the claim (20 px type, 1.3 line
    // height) and of the sides (15 px type, 1.45).
    const FRAME: f32 = 158.0;
    const CLAIM_LINE: f32 = 26.0;
    const SIDE_LINE: f32 = 22.0;
    // Lines are counted against a width a tenth narrower than the frame's:
    // `system-ui` is the reader's own font, and on Debian and Ubuntu that is
    // DejaVu Sans, about a tenth wider than the card's Noto Sans.
    let text_width = (WIDTH - 2 * 18 - 6) as f32 * 0.9;
    let c = &site.claims[ci];
    let claim_lines = crate::render::card::wrap(&c.text, text_width / 20.0, usize::MAX)
        .0
        .len();
    // The sides are in regular type, a fifth narrower than the bold the
    // estimate is made for.
    let side_lines: usize = sides(site, ci)
        .iter()
        .map(|s| {
            let mut text = format!(
                "{} {} {}: {}",
                s.assessment.icon,
                s.assessment.label,
                s.phrase,
                s.outlets.join(", ")
            );
            if s.more > 0 {
                text.push(' ');
                text.push_str(&crate::i18n::fill(
                    site.config.strings.get("article.and_more"),
                    &[("n", &s.more.to_string())],
                ));
            }
            crate::render::card::wrap(&text, text_width / 15.0 * 1.2, usize::MAX)
                .0
                .len()
        })
        .sum::<usize>()
        .max(1);
    let draft = if c.status == Status::Approved && site.lapse(&c.id).is_none() {
        0.0
    } else {
        30.0
    };
    (FRAME + draft + claim_lines as f32 * CLAIM_LINE + side_lines as f32 * SIDE_LINE).ceil() as u32
}

/// Where the embed lives, for the snippet and oEmbed: absolute when
/// `base_url` is, else from the host's root when `base_url` is a path
/// (`/`, `/factchecks/`: the snippet then works on that host only), else
/// `None` (a relative `base_url` says nothing about where the site is).
pub(crate) fn embed_src(site: &Site, ci: usize) -> Option<String> {
    let base = &site.config.base_url;
    (is_absolute(base) || base.starts_with('/'))
        .then(|| format!("{base}claims/{}/embed.html", site.claims[ci].id))
}

/// The `<iframe>` that shows claim `ci`'s embed, as a publisher pastes it.
/// Everything in it is escaped; the title names the claim for screen
/// readers (an iframe without one is announced as "frame").
pub(crate) fn snippet(site: &Site, ci: usize) -> Option<String> {
    let src = embed_src(site, ci)?;
    let c = &site.claims[ci];
    let esc = crate::text::escape_html;
    Some(format!(
        "<iframe src=\"{}\" width=\"{WIDTH}\" height=\"{}\" style=\"border:0;max-width:100%\" \
         loading=\"lazy\" title=\"{}\"></iframe>",
        esc(&src),
        height(site, ci),
        esc(&crate::i18n::fill(
            site.config.strings.get("embed.title"),
            &[("claim", &c.text)]
        )),
    ))
}

/// `claims/ID/oembed.json` (oEmbed 1.0, type `rich`). Written only when
/// `base_url` is absolute (see the module's documentation).
pub(super) fn oembed_json(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    let cfg = &site.config;
    let mut json = serde_json::json!({
        "version": "1.0",
        "type": "rich",
        "title": c.text,
        "provider_name": cfg.publisher.as_deref().unwrap_or(&cfg.title),
        "provider_url": cfg.base_url,
        "html": snippet(site, ci).unwrap_or_default(),
        "width": WIDTH,
        "height": height(site, ci),
        "thumbnail_url": absolute_url(&site.config.base_url, &format!("claims/{}/card.png", c.id)),
        "thumbnail_width": crate::render::card::WIDTH,
        "thumbnail_height": crate::render::card::HEIGHT,
    });
    if let Some(p) = &cfg.publisher {
        json["author_name"] = serde_json::Value::String(p.clone());
    }
    let mut out = serde_json::to_string_pretty(&json).expect("JSON values serialise");
    out.push('\n');
    out
}

/// The address of claim `ci`'s oEmbed JSON, for the discovery link.
pub(crate) fn oembed_url(site: &Site, ci: usize) -> Option<String> {
    absolute_url(
        &site.config.base_url,
        &format!("claims/{}/oembed.json", site.claims[ci].id),
    )
}
