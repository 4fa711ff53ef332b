//! The small values every page's view is made of: verdicts, stances,
//! assessments, links, and the frame common to every page.

use serde::Serialize;

use crate::assess::{Assessment, Counts};
use crate::content::{Stance, Verdict};
use crate::site::Site;

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub language: &'a str,
    /// The date the facts were checked against the public record.
    pub as_of: Option<&'a str>,
}

#[derive(Serialize, Clone, Copy)]
pub(super) struct VerdictView {
    pub slug: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
    /// The point on ClaimReview's 1–5 scale; `None` for verdicts that are
    /// not on it (disputed, unverified).
    pub rating: Option<u8>,
}

impl From<Verdict> for VerdictView {
    fn from(v: Verdict) -> Self {
        VerdictView {
            slug: v.as_str(),
            label: v.label(),
            icon: v.icon(),
            rating: v.rating(),
        }
    }
}

#[derive(Serialize, Clone, Copy)]
pub(super) struct StanceView {
    pub slug: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
    /// What the report does, as a verb phrase: "asserts", "asserts the
    /// opposite of", "reports".
    pub verb: &'static str,
}

impl From<Stance> for StanceView {
    fn from(s: Stance) -> Self {
        StanceView {
            slug: s.as_str(),
            label: s.label(),
            icon: s.icon(),
            verb: s.verb(),
        }
    }
}

#[derive(Serialize, Clone, Copy)]
pub(super) struct AssessmentView {
    pub slug: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
}

impl AssessmentView {
    pub fn new(a: Assessment, verdict: Verdict) -> AssessmentView {
        AssessmentView {
            slug: a.as_str(),
            label: a.label(verdict),
            icon: a.icon(),
        }
    }

    /// Without a verdict to qualify the label (counts, legends).
    pub fn plain(a: Assessment) -> AssessmentView {
        AssessmentView {
            slug: a.as_str(),
            label: a.name(),
            icon: a.icon(),
        }
    }
}

/// Counts by assessment, for templates: `[{assessment, count}]`, every
/// assessment in order.
#[derive(Serialize)]
pub(super) struct CountView {
    pub assessment: AssessmentView,
    pub count: usize,
    /// What follows the count: "hold up", "does not hold up"…
    pub counted: &'static str,
}

pub(super) fn count_views(counts: &Counts) -> Vec<CountView> {
    Assessment::ALL
        .iter()
        .map(|&a| CountView {
            assessment: AssessmentView::plain(a),
            count: counts.get(a),
            counted: a.counted(counts.get(a)),
        })
        .collect()
}

#[derive(Serialize, Clone)]
pub(super) struct NavLink {
    pub title: String,
    pub href: String,
}

/// Common to every page.
#[derive(Serialize)]
pub(super) struct Frame<'a> {
    pub site: SiteView<'a>,
    /// Relative prefix from this page to the site root (`base_url` on the
    /// 404 page, which is served at any depth).
    pub root: &'a str,
    pub page_title: String,
    pub description: String,
    /// This page's absolute URL (canonical link, `og:url`), when
    /// `base_url` is absolute.
    pub canonical: Option<String>,
    /// Open Graph and Twitter card data.
    pub share: ShareView,
    /// The desk's pages linked from the header (`nav = true`).
    pub nav_pages: Vec<NavLink>,
    /// Every desk page, for the footer.
    pub footer_pages: Vec<NavLink>,
    /// What each assessment means, for the legend pages show.
    pub legend: Vec<LegendEntry>,
}

#[derive(Serialize)]
pub(super) struct LegendEntry {
    pub assessment: AssessmentView,
    pub explanation: &'static str,
}

pub(super) fn legend() -> Vec<LegendEntry> {
    Assessment::ALL
        .iter()
        .map(|&a| LegendEntry {
            assessment: AssessmentView::plain(a),
            explanation: a.explanation(),
        })
        .collect()
}

#[derive(Serialize, Default)]
pub(super) struct ShareView {
    /// `og:type`: `website` or `article`.
    pub kind: &'static str,
    /// Absolute URL of the image (`og:image`), when `base_url` is absolute.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// `og:description` when it differs from the page's description.
    pub description: Option<String>,
}

impl Frame<'_> {
    /// Sets what depends on the page's own path (relative to the root).
    pub fn at_page(mut self, site: &Site, path: &str) -> Self {
        self.canonical = crate::url::absolute_url(&site.config.base_url, path);
        self
    }

    pub fn share_description(mut self, description: String) -> Self {
        self.share.description = Some(description);
        self
    }

    /// Marks the page as an article for Open Graph, with an optional image
    /// (a path relative to the root).
    pub fn shared_as(mut self, site: &Site, image: Option<(String, String)>) -> Self {
        self.share.kind = "article";
        if let Some((path, alt)) = image {
            self.share.image = crate::url::absolute_url(&site.config.base_url, &path);
            self.share.image_alt = Some(alt);
        }
        self
    }
}

pub(super) fn frame<'a>(
    site: &'a Site,
    root: &'a str,
    page_title: String,
    description: String,
) -> Frame<'a> {
    let c = &site.config;
    let link = |p: &crate::content::ContentPage| NavLink {
        title: p.title.clone(),
        href: format!("{root}pages/{}/", p.id),
    };
    Frame {
        site: SiteView {
            title: &c.title,
            description: c.description.as_deref(),
            publisher: c.publisher.as_deref(),
            language: &c.language,
            as_of: c.as_of.as_deref(),
        },
        root,
        page_title,
        description,
        canonical: None,
        share: ShareView {
            kind: "website",
            ..ShareView::default()
        },
        nav_pages: site.pages.iter().filter(|p| p.nav).map(link).collect(),
        footer_pages: site.pages.iter().map(link).collect(),
        legend: legend(),
    }
}

/// `n thing` or `n things`.
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
