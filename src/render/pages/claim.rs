//! A claim's page (its evidence by assessment, sources, updates and
//! schema.org ClaimReview) and the corrections page, which lists every
//! claim's updates.

use serde::Serialize;

use super::statement_href;
use super::summary::{ClaimSummary, claim_summary};
use crate::pipeline::assess::Assessment;
use crate::pipeline::site::Site;
use crate::render::views::{AssessmentView, Frame, StanceView, VerdictView, frame};
use crate::render::{Markdown, markdown};
use crate::text::flat_text;

#[derive(Serialize)]
pub(in crate::render) struct ClaimView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    claim: ClaimSummary<'a>,
    summary_html: Option<String>,
    reviewer: Option<&'a str>,
    reviewed: Option<&'a str>,
    /// Evidence by assessment, in [`Assessment::ALL`] order.
    groups: Vec<EvidenceGroup>,
    sources: Vec<SourceView>,
    /// Newest first.
    updates: Vec<UpdateView>,
    jsonld: String,
    card: CardView,
}

#[derive(Serialize)]
struct CardView {
    /// Relative to the claim page.
    href: &'static str,
    /// The PNG of the same card, relative to the claim page.
    png_href: &'static str,
    alt: String,
    width: u32,
    height: u32,
    /// The `<iframe>` code that embeds the verdict elsewhere, when the
    /// site's address is known (see [`crate::render::embed::embed_src`]).
    embed_snippet: Option<String>,
    /// Whether that code works on this site's host only (`base_url` is a
    /// path, not a full address).
    embed_same_host: bool,
    /// The oEmbed discovery link's target, when `base_url` is absolute.
    oembed: Option<String>,
}

#[derive(Serialize)]
struct EvidenceGroup {
    assessment: AssessmentView,
    items: Vec<EvidenceView>,
}

#[derive(Serialize)]
struct EvidenceView {
    quote: String,
    stance: StanceView,
    outlet: String,
    article_title: String,
    article_href: String,
    href: String,
    note_html: Option<String>,
    /// Fragment id of this evidence on the claim page (`ev-N`, N counting
    /// the claim's evidence from 1 in file order).
    anchor: String,
}

#[derive(Serialize)]
pub(in crate::render) struct SourceView {
    /// Its number, as the summary cites it (`[^N]`).
    number: usize,
    title: String,
    url: Option<String>,
    publisher: Option<String>,
    date: Option<String>,
    archived: Option<String>,
    /// The snapshot's date, for Robust Links' `data-versiondate`, when the
    /// archive's address gives it (the Wayback Machine's does).
    archived_date: Option<String>,
    note_html: Option<String>,
}

#[derive(Serialize)]
pub(in crate::render) struct UpdateView {
    date: String,
    note_html: String,
    verdict_before: Option<VerdictView>,
    verdict_after: Option<VerdictView>,
}

pub(in crate::render) fn source_views(site: &Site, ci: usize, md: &Markdown) -> Vec<SourceView> {
    site.claims[ci]
        .sources
        .iter()
        .enumerate()
        .map(|(k, s)| SourceView {
            number: k + 1,
            title: s.title.clone(),
            url: s.url.clone(),
            publisher: s.publisher.clone(),
            date: s.date.clone(),
            archived: s.archived.clone(),
            archived_date: s.archived.as_deref().and_then(wayback_date),
            note_html: s.note.as_deref().map(|n| markdown(n, md)),
        })
        .collect()
}

/// The date of a Wayback Machine snapshot, from its address
/// (`https://web.archive.org/web/20251203104512/https://…` → `2025-12-03`).
pub(crate) fn wayback_date(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://web.archive.org/web/")
        .or_else(|| url.strip_prefix("http://web.archive.org/web/"))?;
    let stamp: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if stamp.len() < 8 {
        return None;
    }
    Some(format!("{}-{}-{}", &stamp[..4], &stamp[4..6], &stamp[6..8]))
}

/// A claim's updates, newest first, each saying what the verdict was
/// changed from and to: the verdict after an update is the one before the
/// next newer update that changed it, or the current verdict.
pub(in crate::render) fn update_views(site: &Site, ci: usize, md: &Markdown) -> Vec<UpdateView> {
    let strings = &site.config.strings;
    let c = &site.claims[ci];
    let mut order: Vec<usize> = (0..c.updates.len()).collect();
    // Newest first; updates of one day in reverse file order (the later
    // entry is taken as the later change).
    order.sort_by(|&a, &b| c.updates[b].date.cmp(&c.updates[a].date).then(b.cmp(&a)));
    let mut after = c.verdict;
    order
        .into_iter()
        .map(|k| {
            let u = &c.updates[k];
            let view = UpdateView {
                date: u.date.clone(),
                note_html: markdown(&u.note, md),
                verdict_before: u.verdict_before.map(|v| VerdictView::new(v, strings)),
                verdict_after: u.verdict_before.map(|_| VerdictView::new(after, strings)),
            };
            if let Some(before) = u.verdict_before {
                after = before;
            }
            view
        })
        .collect()
}

pub(in crate::render) fn claim_view(site: &Site, ci: usize) -> ClaimView<'_> {
    let root = "../../";
    let c = &site.claims[ci];
    let md = Markdown::for_claim_page(root);
    let groups = Assessment::ALL
        .iter()
        .map(|&assessment| EvidenceGroup {
            assessment: AssessmentView::new(assessment, c.verdict, &site.config.strings),
            items: site.graph.evidence[ci]
                .iter()
                .filter(|r| r.assessment == assessment)
                .map(|r| {
                    let ev = &c.evidence[r.evidence];
                    let a = site.article(r.article);
                    EvidenceView {
                        quote: flat_text(&ev.quote).into_owned(),
                        stance: StanceView::new(r.stance, &site.config.strings),
                        outlet: a.outlet.clone(),
                        article_title: a.title.clone(),
                        article_href: format!("{root}articles/{}/", a.id),
                        href: statement_href(site, root, r.article, r.statement),
                        note_html: ev.note.as_deref().map(|n| markdown(n, &md)),
                        anchor: format!("ev-{}", r.evidence + 1),
                    }
                })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    let strings = &site.config.strings;
    let description = crate::i18n::fill(
        strings.get("claim.description"),
        &[
            ("verdict", strings.get2("verdict", c.verdict.as_str())),
            ("claim", &c.text),
        ],
    );
    ClaimView {
        frame: frame(site, root, c.text.clone(), description)
            .at_page(site, &format!("claims/{}/", c.id))
            .shared_as(
                site,
                Some((
                    format!("claims/{}/card.png", c.id),
                    crate::render::card::alt_text(site, ci),
                )),
            ),
        claim: claim_summary(site, ci, root),
        summary_html: c.summary.as_deref().map(|s| markdown(s, &md)),
        reviewer: c.reviewer.as_deref(),
        reviewed: c.reviewed.as_deref(),
        groups,
        sources: source_views(site, ci, &md),
        updates: update_views(site, ci, &md),
        jsonld: claim_review_jsonld(site, ci),
        card: CardView {
            href: "card.svg",
            png_href: "card.png",
            alt: crate::render::card::alt_text(site, ci),
            width: crate::render::card::WIDTH,
            height: crate::render::card::HEIGHT,
            embed_snippet: crate::render::embed::snippet(site, ci),
            embed_same_host: !crate::url::is_absolute(&site.config.base_url),
            oembed: crate::render::embed::oembed_url(site, ci),
        },
    }
}

/// The schema.org ClaimReview of claim `ci`, safe inside `<script>`.
pub(in crate::render) fn claim_review_jsonld(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    let base = &site.config.base_url;
    let publisher = site
        .config
        .publisher
        .as_deref()
        .unwrap_or(&site.config.title);
    let mut seen = Vec::new();
    let appearances: Vec<serde_json::Value> = site.graph.evidence[ci]
        .iter()
        .filter(|r| {
            let new = !seen.contains(&r.article);
            seen.push(r.article);
            new
        })
        .map(|r| {
            let a = site.article(r.article);
            let url = a
                .url
                .clone()
                .unwrap_or_else(|| format!("{base}articles/{}/", a.id));
            serde_json::json!({
                "@type": "CreativeWork",
                "url": url,
                "headline": a.title,
                "author": {"@type": "Organization", "name": a.outlet},
            })
        })
        .collect();
    // Disputed and unverified are not points on the 1–5 scale: their rating
    // carries the verdict's name only.
    let rating = match c.verdict.rating() {
        Some(value) => serde_json::json!({
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": site.config.strings.get2("verdict", c.verdict.as_str()),
        }),
        None => serde_json::json!({
            "@type": "Rating",
            "alternateName": site.config.strings.get2("verdict", c.verdict.as_str()),
            "name": site.config.strings.get2("verdict", c.verdict.as_str()),
        }),
    };
    let mut review = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("{base}claims/{}/", c.id),
        "claimReviewed": c.text,
        "author": {"@type": "Organization", "name": publisher},
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "appearance": appearances,
        },
    });
    if let Some(date) = &c.reviewed {
        review["datePublished"] = serde_json::Value::String(date.clone());
    }
    if let Some(latest) = c.updates.iter().map(|u| &u.date).max() {
        review["dateModified"] = serde_json::Value::String(latest.clone());
    }
    if !c.sources.is_empty() {
        let citations: Vec<serde_json::Value> = c
            .sources
            .iter()
            .map(|s| {
                let mut cite = serde_json::json!({"@type": "CreativeWork", "name": s.title});
                if let Some(url) = &s.url {
                    cite["url"] = url.clone().into();
                }
                if let Some(p) = &s.publisher {
                    cite["publisher"] = serde_json::json!({"@type": "Organization", "name": p});
                }
                if let Some(d) = &s.date {
                    cite["datePublished"] = d.clone().into();
                }
                if let Some(a) = &s.archived {
                    cite["archivedAt"] = a.clone().into();
                }
                cite
            })
            .collect();
        review["citation"] = citations.into();
    }
    if let Some(lang) = Some(&site.config.language).filter(|l| !l.is_empty()) {
        review["inLanguage"] = lang.clone().into();
    }
    crate::render::script_safe_json(&review)
}

#[derive(Serialize)]
pub(in crate::render) struct CorrectionsView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    /// Every update of every published claim, newest first.
    entries: Vec<CorrectionEntry<'a>>,
}

#[derive(Serialize)]
pub(in crate::render) struct CorrectionEntry<'a> {
    claim: ClaimSummary<'a>,
    update: UpdateView,
}

/// Every update of every claim, newest first (ties: claims-file order).
pub(in crate::render) fn all_updates(site: &Site, root: &str) -> Vec<(usize, UpdateView)> {
    let md = Markdown::for_page(root);
    let mut out: Vec<(usize, UpdateView)> = (0..site.claims.len())
        .flat_map(|ci| {
            update_views(site, ci, &md.at_claim(site, ci))
                .into_iter()
                .map(move |u| (ci, u))
        })
        .collect();
    out.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(a.0.cmp(&b.0)));
    out
}

pub(in crate::render) fn corrections_view(site: &Site) -> CorrectionsView<'_> {
    let root = "../";
    CorrectionsView {
        frame: frame(
            site,
            root,
            site.config.strings.get("corrections.title").into(),
            site.config.strings.get("corrections.description").into(),
        )
        .at_page(site, "corrections/"),
        entries: all_updates(site, root)
            .into_iter()
            .map(|(ci, update)| CorrectionEntry {
                claim: claim_summary(site, ci, root),
                update,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wayback_addresses_give_their_snapshot_date() {
        assert_eq!(
            wayback_date("https://web.archive.org/web/20251203104512/https://example.org/a"),
            Some("2025-12-03".into())
        );
        assert_eq!(wayback_date("https://archive.ph/abcd"), None);
        assert_eq!(
            wayback_date("https://web.archive.org/web/2025/https://x"),
            None
        );
    }
}
