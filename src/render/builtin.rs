//! The built-in `article.html`, `claim.html` and `index.html` (with the
//! `base.html` and `macros.html` they use) written out in Rust: the pages a
//! site has thousands of, and the one page that lists them all.
//!
//! Tera looks every `{{ value }}` up by name in a JSON tree built from the
//! page's view, about 1,700 instructions a lookup; at 137 lookups a page that
//! and building the tree were a third of a build's instructions. These
//! functions write the same bytes straight from the view structs. They are
//! used only while a project overrides none of those templates; any override
//! sends every page of that kind through Tera, so a custom template always
//! renders as written.
//!
//! The templates in `templates/` stay the reference: a test renders every
//! fixture, the example site and a generated project both ways and requires
//! identical bytes, so a change to a built-in template that is not made here
//! too fails it. Tera's rules the code below follows: `{{ x }}` is escaped
//! with [`crate::document::escape_html_into`], `| safe` is not, macro output
//! is not escaped again, null prints nothing; in an `if`, null, `false`, `0`,
//! `""` and `[]` are false.

use std::fmt::Write as _;

use super::{
    ArticleView, ClaimView, Frame, IndexView, LinkView, SourceLink, StanceView, VerdictView,
};
use crate::document::escape_html_into as esc;

/// Templates whose built-in text decides these pages.
pub const ARTICLE_TEMPLATES: [&str; 3] = ["base.html", "macros.html", "article.html"];
pub const CLAIM_TEMPLATES: [&str; 3] = ["base.html", "macros.html", "claim.html"];
pub const INDEX_TEMPLATES: [&str; 3] = ["base.html", "macros.html", "index.html"];

/// The string, when it is true in a Tera `if`: present and not empty.
fn present(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// `<time datetime="{{ date }}">{{ date }}</time>`.
fn time_element(out: &mut String, date: &str) {
    out.push_str("<time datetime=\"");
    esc(out, date);
    out.push_str("\">");
    esc(out, date);
    out.push_str("</time>");
}

/// `base.html` around a page's `head` and `main` blocks.
fn base(
    out: &mut String,
    f: &Frame,
    head: impl FnOnce(&mut String),
    main: impl FnOnce(&mut String),
) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    esc(out, f.site.language);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if f.page_title != f.site.title {
        esc(out, &f.page_title);
        out.push_str(" · ");
    }
    esc(out, f.site.title);
    out.push_str("</title>\n<meta name=\"description\" content=\"");
    esc(out, &f.description);
    out.push_str(
        "\">\n<meta name=\"generator\" content=\"crosscheck\">\n<link rel=\"stylesheet\" href=\"",
    );
    esc(out, f.root);
    out.push_str("style.css\">\n");
    let canonical = present(f.canonical.as_deref());
    if let Some(canonical) = canonical {
        out.push_str("<link rel=\"canonical\" href=\"");
        esc(out, canonical);
        out.push_str("\">\n");
    }
    out.push_str("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"");
    esc(out, f.root);
    out.push_str("feed.xml\" title=\"");
    esc(out, f.site.title);
    out.push_str(": reviewed claims\">\n<meta property=\"og:type\" content=\"");
    esc(out, f.share.kind);
    out.push_str("\">\n<meta property=\"og:site_name\" content=\"");
    esc(out, f.site.title);
    out.push_str("\">\n<meta property=\"og:title\" content=\"");
    esc(out, &f.page_title);
    out.push_str("\">\n<meta property=\"og:description\" content=\"");
    // `{% if share.description %}…{% else %}{{ description }}{% endif %}`, twice.
    let share_description = present(f.share.description.as_deref()).unwrap_or(&f.description);
    esc(out, share_description);
    out.push_str("\">\n");
    if let Some(canonical) = canonical {
        out.push_str("<meta property=\"og:url\" content=\"");
        esc(out, canonical);
        out.push_str("\">\n");
    }
    let image = present(f.share.image.as_deref());
    let image_alt = f.share.image_alt.as_deref().unwrap_or("");
    if let Some(image) = image {
        out.push_str("<meta property=\"og:image\" content=\"");
        esc(out, image);
        out.push_str("\">\n<meta property=\"og:image:type\" content=\"image/svg+xml\">\n<meta property=\"og:image:width\" content=\"1200\">\n<meta property=\"og:image:height\" content=\"630\">\n<meta property=\"og:image:alt\" content=\"");
        esc(out, image_alt);
        out.push_str("\">\n<meta name=\"twitter:image\" content=\"");
        esc(out, image);
        out.push_str("\">\n<meta name=\"twitter:image:alt\" content=\"");
        esc(out, image_alt);
        out.push_str("\">\n");
    }
    out.push_str("<meta name=\"twitter:card\" content=\"");
    out.push_str(if image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    });
    out.push_str("\">\n<meta name=\"twitter:title\" content=\"");
    esc(out, &f.page_title);
    out.push_str("\">\n<meta name=\"twitter:description\" content=\"");
    esc(out, share_description);
    out.push_str("\">\n<script src=\"");
    esc(out, f.root);
    out.push_str("search.js\" data-root=\"");
    esc(out, f.root);
    out.push_str("\" defer></script>\n");
    head(out);
    out.push_str("\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n<nav aria-label=\"Site\">\n<a class=\"brand\" href=\"");
    esc(out, f.root);
    out.push_str("index.html\">");
    esc(out, f.site.title);
    for (fragment, label) in [
        ("reports", "Reports"),
        ("claims", "Claims"),
        ("matrix", "Claims by source"),
    ] {
        out.push_str("</a>\n<a href=\"");
        esc(out, f.root);
        out.push_str("index.html#");
        out.push_str(fragment);
        out.push_str("\">");
        out.push_str(label);
    }
    out.push_str("</a>\n</nav>\n</header>\n<main id=\"main\">\n");
    main(out);
    out.push_str("\n</main>\n<footer class=\"site-footer\">\n<p>");
    if let Some(publisher) = present(f.site.publisher) {
        out.push_str("A fact-check by ");
        esc(out, publisher);
        out.push_str(". ");
    }
    out.push_str("Every marked statement links to the claim it bears on and to the reports that agree or disagree. <a href=\"");
    esc(out, f.root);
    out.push_str("data.json\">All data as JSON</a>, <a href=\"");
    esc(out, f.root);
    out.push_str("annotations.jsonld\">evidence as Web Annotations</a>, <a href=\"");
    esc(out, f.root);
    out.push_str(
        "feed.xml\">reviewed claims as an Atom feed</a>.</p>\n</footer>\n</body>\n</html>\n",
    );
}

/// `macros::verdict`.
fn verdict(out: &mut String, v: &VerdictView) {
    out.push_str("<span class=\"verdict verdict-");
    esc(out, v.slug);
    out.push_str("\"><span class=\"icon\" aria-hidden=\"true\">");
    esc(out, v.icon);
    out.push_str("</span> ");
    esc(out, v.label);
    out.push_str("</span>");
}

/// `macros::stance`.
fn stance(out: &mut String, s: &StanceView) {
    out.push_str("<span class=\"stance stance-");
    esc(out, s.slug);
    out.push_str("\"><span class=\"icon\" aria-hidden=\"true\">");
    esc(out, s.icon);
    out.push_str("</span> ");
    esc(out, s.label);
    out.push_str("</span>");
}

/// `article.html`.
pub fn article(v: &ArticleView) -> String {
    let size: usize = v
        .blocks
        .iter()
        .map(|b| b.html.len() + 2048 * b.notes.len())
        .sum();
    let mut out = String::with_capacity(size + 4096);
    base(&mut out, &v.frame, |_| {}, |out| article_main(out, v));
    out
}

fn article_main(out: &mut String, v: &ArticleView) {
    let a = &v.article;
    out.push_str(
        "\n<article class=\"article\">\n<header class=\"article-header\">\n<p class=\"kicker\">",
    );
    esc(out, a.outlet);
    out.push_str("</p>\n<h1>");
    esc(out, a.title);
    out.push_str("</h1>\n<p class=\"meta\">");
    if let Some(author) = present(a.author) {
        out.push_str("By ");
        esc(out, author);
        out.push_str(" · ");
    }
    if let Some(published) = present(a.published) {
        time_element(out, published);
        out.push_str(" · ");
    }
    if let Some(url) = present(a.url) {
        out.push_str("<a href=\"");
        esc(out, url);
        out.push_str("\" rel=\"nofollow noopener noreferrer\">Read the original at ");
        esc(out, a.outlet);
        out.push_str("</a>");
    } else {
        out.push_str("Original address not recorded");
    }
    let _ = write!(
        out,
        "</p>\n<p class=\"coverage\">{} of {} statements are linked to a claim; each carries a note number. {} are corroborated and {} contradicted by other reports.",
        a.linked, a.statements, a.agreed, a.contradicted
    );
    if let Some(first_linked) = present(v.first_linked) {
        out.push_str(" <a class=\"jump\" href=\"#");
        esc(out, first_linked);
        out.push_str("\">Go to the first checked statement</a>.");
    }
    out.push_str("</p>\n</header>\n<div class=\"article-body\">\n");
    for block in &v.blocks {
        out.push_str(&block.html);
        out.push('\n');
        if !block.notes.is_empty() {
            out.push_str("<div class=\"notes\" role=\"note\" aria-label=\"Claims on the passage above\">\n<ol>\n");
            for s in &block.notes {
                out.push_str("<li id=\"n-");
                esc(out, s.id);
                let _ = write!(
                    out,
                    "\" value=\"{}\">\n<a class=\"back\" href=\"#",
                    s.marker
                );
                esc(out, s.id);
                out.push_str("\">“");
                esc(out, &s.excerpt);
                out.push_str("”</a>\n<ul class=\"links\">\n");
                for l in &s.links {
                    link(out, l);
                }
                out.push_str("</ul>\n");
                let (prev, next) = (present(s.prev_linked), present(s.next_linked));
                if prev.is_some() || next.is_some() {
                    out.push_str("<p class=\"note-nav\">");
                    if let Some(prev_linked) = prev {
                        out.push_str("<a href=\"#");
                        esc(out, prev_linked);
                        out.push_str("\" rel=\"prev\">↑ Previous checked statement</a>");
                    }
                    if let Some(next_linked) = next {
                        out.push_str("<a href=\"#");
                        esc(out, next_linked);
                        out.push_str("\" rel=\"next\">Next checked statement ↓</a>");
                    }
                    out.push_str("</p>\n");
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ol>\n</div>\n");
        }
        out.push_str(block.close);
        out.push('\n');
    }
    out.push_str("</div>\n</article>\n");
}

/// One claim in a statement's note.
fn link(out: &mut String, l: &LinkView) {
    out.push_str("<li class=\"link stance-");
    esc(out, l.stance.slug);
    out.push_str("\">");
    stance(out, &l.stance);
    out.push_str(" <a href=\"");
    esc(out, &l.claim_href);
    out.push_str("\">");
    esc(out, &l.claim_text);
    out.push_str("</a> — verdict ");
    verdict(out, &l.verdict);
    if !l.approved {
        out.push_str(" <span class=\"badge draft\">Draft — not reviewed</span>");
    }
    out.push('\n');
    if !l.agree.is_empty() {
        out.push_str("<p class=\"rel agree\"><span class=\"icon\" aria-hidden=\"true\">✔</span> Agrees with: ");
        sources(out, &l.agree, l.more_agree, &l.claim_href);
    }
    out.push('\n');
    if !l.contradict.is_empty() {
        out.push_str("<p class=\"rel contra\"><span class=\"icon\" aria-hidden=\"true\">✘</span> Contradicted by: ");
        sources(out, &l.contradict, l.more_contradict, &l.claim_href);
    }
    out.push_str("\n</li>\n");
}

/// The sources on one side of a claim, then how many more the claim page lists.
fn sources(out: &mut String, list: &[SourceLink], more: usize, claim_href: &str) {
    for (i, x) in list.iter().enumerate() {
        out.push_str("<a href=\"");
        esc(out, &x.href);
        out.push_str("\" title=\"");
        esc(out, &x.title);
        out.push_str("\">");
        esc(out, &x.outlet);
        out.push_str("</a>");
        if x.count > 1 {
            let _ = write!(out, " ({} statements)", x.count);
        }
        if i + 1 < list.len() {
            out.push_str(", ");
        }
    }
    if more > 0 {
        out.push_str(" and <a href=\"");
        esc(out, claim_href);
        let _ = write!(out, "\">{more} more</a>");
    }
    out.push_str("</p>");
}

/// `claim.html`.
pub fn claim(v: &ClaimView) -> String {
    let mut out = String::with_capacity(8192 + v.jsonld.len() * 2);
    base(
        &mut out,
        &v.frame,
        |out| {
            out.push_str("<script type=\"application/ld+json\">\n");
            out.push_str(&v.jsonld);
            out.push_str("\n</script>");
        },
        |out| claim_main(out, v),
    );
    out
}

fn claim_main(out: &mut String, v: &ClaimView) {
    let c = &v.claim;
    out.push_str("\n<article class=\"claim\">\n");
    if c.lapsed {
        out.push_str("<p class=\"banner draft lapsed\" role=\"note\"><strong>Approved, evidence changed since sign-off.</strong> ");
        if let Some(reviewer) = present(v.reviewer) {
            esc(out, reviewer);
            out.push_str(" signed off this verdict");
            if let Some(reviewed) = present(v.reviewed) {
                out.push_str(" on ");
                esc(out, reviewed);
            }
            out.push_str(", but");
        } else {
            out.push_str("This verdict was signed off, but");
        }
        // The template's line break before its `elif`.
        out.push_str(
            " the claim or its evidence has changed since; it needs to be reviewed again.</p>\n",
        );
    } else if !c.approved {
        out.push_str("<p class=\"banner draft\" role=\"note\"><strong>Draft — not reviewed.</strong> Status: ");
        esc(out, c.status_label);
        out.push_str(". This verdict has not been signed off.</p>");
    }
    out.push_str("\n<p class=\"kicker\">Claim</p>\n<h1>");
    esc(out, c.text);
    out.push_str("</h1>\n<p class=\"verdict-line\">Verdict: <strong>");
    verdict(out, &c.verdict);
    let _ = writeln!(
        out,
        "</strong> <span class=\"rating\">(rating {} of 5)</span></p>",
        c.verdict.rating
    );
    if let Some(summary) = present(v.summary_html.as_deref()) {
        out.push_str("<div class=\"summary\">");
        out.push_str(summary);
        out.push_str("</div>");
    }
    out.push_str("\n<p class=\"signoff\">");
    if c.approved {
        out.push_str("Reviewed by ");
        esc(out, v.reviewer.unwrap_or(""));
        if let Some(reviewed) = present(v.reviewed) {
            out.push_str(" on ");
            time_element(out, reviewed);
        }
        out.push('.');
    } else {
        out.push_str("Not signed off yet.");
    }
    out.push_str("</p>\n<section class=\"evidence\" aria-labelledby=\"evidence-h\">\n<h2 id=\"evidence-h\">What the reports say</h2>\n");
    if v.groups.is_empty() {
        out.push_str("<p>No evidence recorded yet.</p>");
    }
    out.push('\n');
    for g in &v.groups {
        out.push_str("<section class=\"group stance-");
        esc(out, g.stance.slug);
        out.push_str("\" aria-labelledby=\"g-");
        esc(out, g.stance.slug);
        out.push_str("\">\n<h3 id=\"g-");
        esc(out, g.stance.slug);
        out.push_str("\">");
        stance(out, &g.stance);
        let _ = write!(
            out,
            " <span class=\"count\">({})</span></h3>\n<ul>\n",
            g.items.len()
        );
        for e in &g.items {
            out.push_str("<li id=\"");
            esc(out, &e.anchor);
            out.push_str("\">\n<blockquote><p><a href=\"");
            esc(out, &e.href);
            out.push_str("\">");
            esc(out, &e.quote);
            out.push_str("</a></p></blockquote>\n<p class=\"source\">— ");
            esc(out, &e.outlet);
            out.push_str(", <a href=\"");
            esc(out, &e.article_href);
            out.push_str("\">");
            esc(out, &e.article_title);
            out.push_str("</a></p>\n");
            if let Some(note) = present(e.note_html.as_deref()) {
                out.push_str("<div class=\"note\">");
                out.push_str(note);
                out.push_str("</div>");
            }
            out.push_str("\n</li>\n");
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</section>\n<section class=\"share\" aria-labelledby=\"share-h\">\n<h2 id=\"share-h\">Share this fact-check</h2>\n<figure class=\"card-figure\">\n<img src=\"");
    esc(out, v.card.href);
    let _ = write!(
        out,
        "\" width=\"{}\" height=\"{}\" alt=\"",
        v.card.width, v.card.height
    );
    esc(out, &v.card.alt);
    out.push_str("\" loading=\"lazy\">\n<figcaption>The verdict card shown when this page is shared. <a href=\"");
    esc(out, v.card.href);
    out.push_str(
        "\" download>Download it (SVG)</a>.</figcaption>\n</figure>\n</section>\n</article>\n",
    );
}

/// `index.html`.
pub fn index(v: &IndexView) -> String {
    let cells = v.matrix.len() * (v.articles.len() + 1);
    let mut out =
        String::with_capacity(4096 + 1024 * (v.articles.len() + v.claims.len()) + 256 * cells);
    base(&mut out, &v.frame, |_| {}, |out| index_main(out, v));
    out
}

fn index_main(out: &mut String, v: &IndexView) {
    let site = &v.frame.site;
    out.push_str("\n<h1>");
    esc(out, site.title);
    out.push_str("</h1>\n");
    if let Some(description) = present(site.description) {
        out.push_str("<p class=\"lede\">");
        esc(out, description);
        out.push_str("</p>");
    }
    let _ = writeln!(
        out,
        "\n<p class=\"stats\">{} claims checked across {} reports. {} of {} statements are linked to a claim.</p>",
        v.claims.len(),
        v.articles.len(),
        v.linked_statements,
        v.total_statements
    );
    if !v.verdicts.is_empty() {
        out.push_str("\n<ul class=\"verdict-summary\" aria-label=\"Verdicts\">\n");
        for count in &v.verdicts {
            out.push_str("<li>");
            verdict(out, &count.verdict);
            let _ = writeln!(out, " <span class=\"count\">{}</span></li>", count.count);
        }
        out.push_str("</ul>\n");
    }
    out.push_str("\n\n<section id=\"reports\" aria-labelledby=\"reports-h\">\n<h2 id=\"reports-h\">Reports</h2>\n<ul class=\"cards\">\n");
    for a in &v.articles {
        out.push_str("<li class=\"card\">\n<h3><a href=\"");
        esc(out, &a.href);
        out.push_str("\">");
        esc(out, a.title);
        out.push_str("</a></h3>\n<p class=\"meta\">");
        esc(out, a.outlet);
        if let Some(author) = present(a.author) {
            out.push_str(" · ");
            esc(out, author);
        }
        if let Some(published) = present(a.published) {
            out.push_str(" · ");
            time_element(out, published);
        }
        let _ = write!(
            out,
            "</p>\n<p class=\"counts\">{} of {} statements linked ({}%).\n\
             <span class=\"agree\"><span class=\"icon\" aria-hidden=\"true\">✔</span> {} corroborated</span>,\n\
             <span class=\"contra\"><span class=\"icon\" aria-hidden=\"true\">✘</span> {} contradicted</span> by other reports.</p>\n</li>\n",
            a.linked, a.statements, a.linked_percent, a.agreed, a.contradicted
        );
    }
    out.push_str("</ul>\n</section>\n\n<section id=\"claims\" aria-labelledby=\"claims-h\">\n<h2 id=\"claims-h\">Claims</h2>\n<ol class=\"claim-list\">\n");
    for c in &v.claims {
        out.push_str("<li>\n<a href=\"");
        esc(out, &c.href);
        out.push_str("\">");
        esc(out, c.text);
        out.push_str("</a>\n");
        verdict(out, &c.verdict);
        if !c.approved {
            out.push_str(" <span class=\"badge draft\">Draft — not reviewed</span>");
        }
        // Tera's `pluralize`: "s" unless exactly one.
        let plural = if c.sources == 1 { "" } else { "s" };
        let _ = write!(
            out,
            "\n<span class=\"evidence-counts\">{} report{plural}: {} support, {} contradict, {} mention</span>\n</li>\n",
            c.sources, c.supports, c.contradicts, c.mentions
        );
    }
    out.push_str("</ol>\n</section>\n\n<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n<h2 id=\"matrix-h\">Claims by source</h2>\n");
    if v.matrix_omitted {
        let _ = writeln!(
            out,
            "<p class=\"legend\">With {} claims and {} reports, a table of every pair ({} cells) is too large for one page: each claim's page lists what every report says about it.</p>",
            v.claims.len(),
            v.articles.len(),
            v.matrix_cells
        );
    } else {
        out.push_str(concat!(
            "<p class=\"legend\" id=\"matrix-legend\">Each cell says what a report does with a claim:\n",
            "<span class=\"swatch cell-supports\"><span class=\"icon\" aria-hidden=\"true\">✔</span> Supports</span>\n",
            "<span class=\"swatch cell-contradicts\"><span class=\"icon\" aria-hidden=\"true\">✘</span> Contradicts</span>\n",
            "<span class=\"swatch cell-mixed\"><span class=\"icon\" aria-hidden=\"true\">±</span> Supports and contradicts</span>\n",
            "<span class=\"swatch cell-mentions\"><span class=\"icon\" aria-hidden=\"true\">•</span> Mentions</span>\n",
            "<span class=\"swatch cell-silent\"><span class=\"icon\" aria-hidden=\"true\">–</span> Silent</span></p>\n",
            "<p class=\"matrix-hint\">Scroll the table sideways to see every report.</p>\n",
            "<div class=\"matrix-wrap\" role=\"region\" aria-label=\"Claims by source table, scrolls sideways\" tabindex=\"0\">\n",
            "<table class=\"matrix\" aria-describedby=\"matrix-legend\">\n",
            "<thead>\n",
            "<tr><th scope=\"col\">Claim</th><th scope=\"col\">Verdict</th>",
        ));
        for a in &v.articles {
            out.push_str("<th scope=\"col\"><a href=\"");
            esc(out, &a.href);
            out.push_str("\">");
            esc(out, a.outlet);
            out.push_str("</a><span class=\"sub\">");
            esc(out, a.title);
            out.push_str("</span></th>");
        }
        out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in &v.matrix {
            out.push_str("<tr>\n<th scope=\"row\"><a href=\"");
            esc(out, &row.claim.href);
            out.push_str("\">");
            esc(out, row.claim.text);
            out.push_str("</a></th>\n<td>");
            verdict(out, &row.claim.verdict);
            out.push_str("</td>\n");
            for cell in &row.cells {
                out.push_str("<td class=\"cell cell-");
                esc(out, cell.slug);
                out.push_str("\">");
                let href = present(cell.href.as_deref());
                if let Some(href) = href {
                    out.push_str("<a href=\"");
                    esc(out, href);
                    out.push_str("\" title=\"");
                    esc(out, cell.label);
                    out.push_str(": ");
                    esc(out, &cell.outlet);
                    out.push_str("\">");
                }
                out.push_str("<span class=\"icon\" aria-hidden=\"true\">");
                esc(out, cell.icon);
                out.push_str("</span> ");
                esc(out, cell.label);
                if href.is_some() {
                    out.push_str("</a>");
                }
                out.push_str("</td>");
            }
            out.push_str("\n</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::{Path, PathBuf};

    use crate::render::{Renderer, render_site};
    use crate::site::{BuildOptions, compile};

    /// Every project the repository has whose templates are the built-in
    /// ones: the example site and the test fixtures.
    pub(in crate::render) fn projects() -> Vec<PathBuf> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = vec![repo.to_path_buf()];
        for entry in std::fs::read_dir(repo.join("tests/fixtures")).unwrap() {
            let path = entry.unwrap().path();
            if path.join("content/site.toml").is_file() {
                out.push(path);
            }
        }
        out.sort();
        out
    }

    /// A claim with more sources on each side than an article page lists.
    fn crowded_project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("articles")).unwrap();
        std::fs::write(content.join("site.toml"), "title = \"Crowded\"\n").unwrap();
        let mut claims = String::from(
            "[[claim]]\nid = \"bridge\"\ntext = \"The bridge opened on Monday.\"\nverdict = \"disputed\"\n",
        );
        for i in 0..2 * (super::super::MAX_SOURCES_LISTED + 2) {
            let (day, stance) = if i % 2 == 0 {
                ("Monday", "supports")
            } else {
                ("Tuesday", "contradicts")
            };
            let body = format!("The bridge opened on {day}. Traffic was light.\n");
            std::fs::write(
                content.join(format!("articles/outlet-{i}.md")),
                format!("+++\ntitle = \"Bridge {i}\"\noutlet = \"Outlet {i}\"\n+++\n{body}"),
            )
            .unwrap();
            claims.push_str(&format!(
                "[[claim.evidence]]\narticle = \"outlet-{i}\"\nquote = \"The bridge opened on {day}.\"\nstance = \"{stance}\"\n"
            ));
        }
        // Claims without evidence, enough that the claims-by-source table is left out.
        for i in 0..=super::super::MAX_MATRIX_CELLS / 20 {
            claims.push_str(&format!(
                "[[claim]]\nid = \"open-{i}\"\ntext = \"Open question {i}.\"\nverdict = \"unverified\"\n"
            ));
        }
        std::fs::write(content.join("claims.toml"), claims).unwrap();
        dir
    }

    /// Every page, with and without drafts, rendered by the code above and
    /// by Tera from the built-in templates, byte for byte; and every branch of those templates taken
    /// somewhere, so the comparison covers each of them.
    #[test]
    fn pages_are_the_bytes_tera_makes_of_the_built_in_templates() {
        let mut seen = String::new();
        let mut compared = 0;
        let crowded = crowded_project();
        let mut projects = projects();
        projects.push(crowded.path().to_path_buf());
        let builds = projects
            .into_iter()
            .flat_map(|root| [false, true].map(|drafts| (root.clone(), BuildOptions { drafts })));
        for (root, options) in builds {
            let (site, diags) = compile(&root, options);
            let site = site
                .filter(|_| !diags.has_errors())
                .unwrap_or_else(|| panic!("{}: {diags:?}", root.display()));
            let fast = Renderer::new(&root).unwrap();
            assert!(
                fast.builtin.article && fast.builtin.claim && fast.builtin.index,
                "{} overrides a template",
                root.display()
            );
            let fast = render_site(&site, &fast).unwrap();
            let tera = render_site(&site, &Renderer::new(&root).unwrap().tera_only()).unwrap();
            assert_eq!(fast.len(), tera.len());
            for (a, b) in fast.iter().zip(&tera) {
                assert_eq!(a.path, b.path);
                let (a, b) = (
                    String::from_utf8_lossy(&a.bytes),
                    String::from_utf8_lossy(&b.bytes),
                );
                if a != b {
                    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
                    panic!(
                        "{}: {} differs from Tera's at line {line:?}:\n{a}",
                        root.display(),
                        fast.iter().find(|p| p.bytes == a.as_bytes()).unwrap().path
                    );
                }
                if b.starts_with("<!DOCTYPE") {
                    compared += 1;
                    seen.push_str(&b);
                }
            }
        }
        assert!(compared > 50, "only {compared} pages compared");
        for branch in [
            "<link rel=\"canonical\"",
            "<meta property=\"og:image\"",
            "A fact-check by ",
            "banner draft lapsed",
            "<p class=\"banner draft\" role=\"note\">",
            "<div class=\"summary\">",
            "<div class=\"note\">",
            "Original address not recorded",
            "Read the original at",
            "<time datetime=",
            "<span class=\"badge draft\">",
            "<p class=\"rel agree\">",
            "<p class=\"rel contra\">",
            " statements)",
            " more</a>",
            "rel=\"prev\"",
            "rel=\"next\"",
            "No evidence recorded yet.",
            "Not signed off yet.",
            "Go to the first checked statement",
            "&lt;script&gt;",
            "<p class=\"lede\">",
            "<ul class=\"verdict-summary\"",
            " report: ",
            " reports: ",
            "is too large for one page",
            "<table class=\"matrix\"",
            "<td class=\"cell cell-silent\"><span",
            "<td class=\"cell cell-supports\"><a href=",
            "<td class=\"cell cell-mixed\">",
            " · <time datetime=",
        ] {
            assert!(
                seen.contains(branch),
                "no page takes the branch writing {branch:?}"
            );
        }
    }
}
