//! The small values every page's view is made of: verdicts, stances,
//! assessments, links, and the frame common to every page.

use serde::Serialize;

use crate::i18n::Strings;
use crate::pipeline::assess::{Assessment, Counts};
use crate::pipeline::content::{Stance, Verdict};
use crate::pipeline::site::Site;

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub language: &'a str,
    /// Written right to left: `dir="rtl"`.
    pub rtl: bool,
    /// The date the facts were checked against the public record.
    pub as_of: Option<&'a str>,
}

impl<'a> SiteView<'a> {
    pub(crate) fn new(c: &'a crate::pipeline::content::SiteConfig) -> SiteView<'a> {
        SiteView {
            title: &c.title,
            description: c.description.as_deref(),
            publisher: c.publisher.as_deref(),
            language: &c.language,
            rtl: c.strings.is_rtl(),
            as_of: c.as_of.as_deref(),
        }
    }
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

impl VerdictView {
    pub(crate) fn new(v: Verdict, s: &Strings) -> Self {
        VerdictView {
            slug: v.as_str(),
            label: s.get2("verdict", v.as_str()),
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

impl StanceView {
    pub(crate) fn new(s: Stance, t: &Strings) -> Self {
        StanceView {
            slug: s.as_str(),
            label: t.get2("stance", s.as_str()),
            icon: s.icon(),
            verb: t.get2("stance_verb", s.as_str()),
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
    pub(crate) fn new(a: Assessment, verdict: Verdict, s: &Strings) -> AssessmentView {
        AssessmentView {
            slug: a.as_str(),
            label: s.get2("assess", a.label_key(verdict)),
            icon: a.icon(),
        }
    }

    /// Without a verdict to qualify the label (counts, legends).
    pub(crate) fn plain(a: Assessment, s: &Strings) -> AssessmentView {
        AssessmentView {
            slug: a.as_str(),
            label: s.get2("assess", a.as_str()),
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
    /// The count and what follows it: "3 hold up", "1 does not hold up"…
    pub counted: String,
}

pub(super) fn count_views(counts: &Counts, s: &Strings) -> Vec<CountView> {
    Assessment::ALL
        .iter()
        .map(|&a| CountView {
            assessment: AssessmentView::plain(a, s),
            count: counts.get(a),
            counted: s.plural(&format!("assess_counted.{}", a.as_str()), counts.get(a)),
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
    // The catalogue, `t` (`t.nav.claims`), is not here: it is the same on
    // every page, so the renderer puts it into each worker's context once
    // (`render::Scratch`) instead of copying it into every page's.
}

#[derive(Serialize)]
pub(super) struct LegendEntry {
    pub assessment: AssessmentView,
    pub explanation: &'static str,
}

pub(super) fn legend(s: &Strings) -> Vec<LegendEntry> {
    Assessment::ALL
        .iter()
        .map(|&a| LegendEntry {
            assessment: AssessmentView::plain(a, s),
            explanation: s.get2("assess_explanation", a.as_str()),
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
    pub(crate) fn at_page(mut self, site: &Site, path: &str) -> Self {
        self.canonical = crate::url::absolute_url(&site.config.base_url, path);
        self
    }

    pub(crate) fn share_description(mut self, description: String) -> Self {
        self.share.description = Some(description);
        self
    }

    /// Marks the page as an article for Open Graph, with an optional image
    /// (a path relative to the root).
    pub(crate) fn shared_as(mut self, site: &Site, image: Option<(String, String)>) -> Self {
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
    let link = |p: &crate::pipeline::content::ContentPage| NavLink {
        title: p.title.clone(),
        href: format!("{root}pages/{}/", p.id),
    };
    Frame {
        site: SiteView::new(c),
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
        legend: legend(&c.strings),
    }
}
