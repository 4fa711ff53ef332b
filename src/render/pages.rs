//! The view of each page: small structs built from borrowed data (never
//! the whole graph serialised per page), handed to its Tera template.

use std::fmt::Write as _;

use serde::Serialize;

use super::views::{
    AssessmentView, CountView, Frame, LegendEntry, NavLink, StanceView, VerdictView, count_views,
    frame, legend,
};
use super::{Markdown, markdown};
use crate::assess::Assessment;
use crate::content::{Article, Claim, Stance, Status, Verdict};
use crate::document::{Block, Doc};
use crate::findings::{Alone, Side};
use crate::graph::EvidenceRef;
use crate::site::Site;
use crate::text::escape_html_into;
use crate::text::{excerpt, flat_text};

/// On an article page, how many other sources to list per claim before
/// pointing to the claim page for the rest.
const MAX_SOURCES_LISTED: usize = 8;

/// The index's claims-by-source table has a cell for every (claim, report)
/// pair, so it grows with their product: 5,000 claims × 10,000 reports
/// would be a 10 GB page. Above this many cells it is left out and the
/// index says so; each claim's page still lists every report on it.
pub const MAX_MATRIX_CELLS: usize = 10_000;

/// How many entries each list on the front page shows at most: the full
/// lists have pages of their own, and the front page must stay small at
/// any size of site.
pub const FRONT_PAGE_LIST: usize = 50;

/// How many entries a list on an outlet page shows at most before
/// pointing to the full list (the claims pages, `data.json`).
pub const OUTLET_LIST: usize = 200;

pub(super) fn article_href(site: &Site, root: &str, ai: usize) -> String {
    format!("{root}articles/{}/", site.articles[ai].id)
}

pub(super) fn claim_href(site: &Site, root: &str, ci: usize) -> String {
    format!("{root}claims/{}/", site.claims[ci].id)
}

pub(super) fn outlet_href(site: &Site, root: &str, oi: usize) -> String {
    format!("{root}outlets/{}/", site.findings.outlets[oi].id)
}

pub(super) fn statement_href(site: &Site, root: &str, article: usize, statement: usize) -> String {
    format!(
        "{root}articles/{}/#{}",
        site.articles[article].id,
        site.docs[article].statement_id(statement)
    )
}

// ---------------------------------------------------------------------------
// Summaries shared by several pages
// ---------------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct ArticleSummary<'a> {
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

pub(super) fn article_summary<'a>(site: &'a Site, ai: usize, root: &str) -> ArticleSummary<'a> {
    let a: &Article = &site.articles[ai];
    let statements = site.docs[ai].statements.len();
    let linked = site.graph.linked_count(ai);
    let link = |j: usize| NavLink {
        title: format!("{}: {}", site.articles[j].outlet, site.articles[j].title),
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
pub(super) struct SideView {
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
pub(super) struct ClaimSummary<'a> {
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

pub(super) fn claim_summary<'a>(site: &'a Site, ci: usize, root: &str) -> ClaimSummary<'a> {
    let c: &Claim = &site.claims[ci];
    let sides = &site.findings.claims[ci];
    let mut sources: Vec<usize> = site.graph.evidence[ci].iter().map(|r| r.article).collect();
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
pub(super) struct Capped<T> {
    items: Vec<T>,
    total: usize,
    more: usize,
}

fn capped<T>(total: usize, cap: usize, make: impl FnMut(usize) -> T) -> Capped<T> {
    let shown = total.min(cap);
    Capped {
        items: (0..shown).map(make).collect(),
        total,
        more: total - shown,
    }
}

// ---------------------------------------------------------------------------
// Front page and the full lists
// ---------------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct IndexView<'a> {
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

pub(super) fn index_view(site: &Site) -> IndexView<'_> {
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
            cells: (0..site.articles.len())
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
    let linked_statements = (0..site.articles.len())
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
        articles: capped(site.articles.len(), FRONT_PAGE_LIST, |ai| {
            article_summary(site, ai, root)
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
            (0..site.articles.len())
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
fn matrix_cell(site: &Site, root: &str, ci: usize, ai: usize) -> MatrixCell {
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
        outlet: site.articles[ai].outlet.clone(),
        href: refs
            .first()
            .map(|r| statement_href(site, root, r.article, r.statement)),
    }
}

/// `articles/index.html`, `claims/index.html`, `outlets/index.html`,
/// `disagreements/index.html`: one full list each.
#[derive(Serialize)]
pub(super) struct ListView<'a, T> {
    #[serde(flatten)]
    frame: Frame<'a>,
    items: Vec<T>,
}

pub(super) fn article_list_view(site: &Site) -> ListView<'_, ArticleSummary<'_>> {
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
        items: (0..site.articles.len())
            .map(|ai| article_summary(site, ai, root))
            .collect(),
    }
}

pub(super) fn claim_list_view(site: &Site) -> ListView<'_, ClaimSummary<'_>> {
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

pub(super) fn disagreements_view(site: &Site) -> ListView<'_, ClaimSummary<'_>> {
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

// ---------------------------------------------------------------------------
// Outlets
// ---------------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct OutletSummary {
    id: String,
    name: String,
    href: String,
    articles: usize,
    statements_checked: usize,
    counts: Vec<CountView>,
    alone: usize,
    blind_spots: usize,
}

fn outlet_summary(site: &Site, root: &str, oi: usize) -> OutletSummary {
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

pub(super) fn outlet_list_view(site: &Site) -> ListView<'_, OutletSummary> {
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
pub(super) struct OutletView<'a> {
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

pub(super) fn outlet_view(site: &Site, oi: usize) -> OutletView<'_> {
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

// ---------------------------------------------------------------------------
// Articles
// ---------------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct ArticleView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    article: ArticleSummary<'a>,
    blocks: Vec<BlockView<'a>>,
    /// Id of the first statement with a note (a skip link for keyboards).
    first_linked: Option<&'a str>,
}

/// One passage of an article: the blocks (paragraphs, headings, list items,
/// quotations, ...) up to and including the next one whose statements carry
/// notes, or to the end. Its statements reach the template as finished markup rather than
/// one by one: an article page holds every statement of the article, and a
/// template loop over them was a fifth of a big site's build (Tera looks
/// each field up by name). What a template can change per statement lives
/// in CSS (`.st`, `.st-linked`, `.mark`) and in the notes, which stay data.
#[derive(Serialize)]
struct BlockView<'a> {
    /// Each block's opening markup and every statement in it, each as
    /// `<span class="st" id="…">`, followed by its note marker when it has
    /// a note (see [`block_html`]); a line break, the block's closing markup
    /// and a line break between blocks. Escaped: safe to output as is.
    html: String,
    /// What closes the last block after its notes (the end of a list or quote).
    close: &'a str,
    /// The statements of the last block that carry a note, in order.
    notes: Vec<NoteView<'a>>,
}

/// A statement with a note: what the note beside its block shows.
#[derive(Serialize)]
struct NoteView<'a> {
    id: &'a str,
    /// The statement as HTML, escaped (see `Doc::statement_html`).
    html: String,
    /// The note's number on the page.
    marker: usize,
    /// A short excerpt for the back-link in the note.
    excerpt: String,
    /// One per claim (and stance) the statement bears on; the first leads
    /// the note's one-line summary.
    links: Vec<LinkView>,
    /// Ids of the previous / next statement with a note, for keyboard
    /// navigation from note to note.
    prev_linked: Option<&'a str>,
    next_linked: Option<&'a str>,
}

#[derive(Serialize)]
struct LinkView {
    claim_id: String,
    claim_text: String,
    claim_href: String,
    verdict: VerdictView,
    stance: StanceView,
    assessment: AssessmentView,
    approved: bool,
    /// Other reports with the same stance on the claim, and how many
    /// independent groups they come from.
    agree: Vec<SourceLink>,
    agree_independent: usize,
    contradict: Vec<SourceLink>,
    contradict_independent: usize,
    more_agree: usize,
    more_contradict: usize,
}

#[derive(Serialize)]
struct SourceLink {
    outlet: String,
    title: String,
    href: String,
    /// Statements of that source on the same side.
    count: usize,
}

pub(super) fn article_view(site: &Site, ai: usize) -> ArticleView<'_> {
    let root = "../../";
    let doc = &site.docs[ai];
    let a = &site.articles[ai];
    let mut marker = 0;
    let mut blocks: Vec<BlockView> = Vec::new();
    // Markup of the blocks since the last one with notes, which reach the template as
    // one passage: it looks up three values per passage, and most blocks have no note.
    let mut pending = String::new();
    // Where the last note-less block's markup ends in `pending`, and its close.
    let mut trailing = None;
    for b in &doc.blocks {
        let mut notes = Vec::new();
        let mut markers = Vec::with_capacity(b.statements.len());
        for si in b.statements.clone() {
            let refs = site.graph.statement_links(ai, si);
            if refs.is_empty() {
                markers.push(None);
                continue;
            }
            marker += 1;
            markers.push(Some(marker));
            notes.push(NoteView {
                id: doc.statement_id(si),
                html: doc.statement_html(si),
                marker,
                excerpt: excerpt(doc.statement_text(si), 60),
                links: refs.iter().map(|r| link_view(site, root, r)).collect(),
                prev_linked: None,
                next_linked: None,
            });
        }
        block_html(
            &mut pending,
            doc,
            b,
            &markers,
            site.config.strings.get("article.note_mark"),
        );
        if notes.is_empty() {
            trailing = Some((pending.len(), &b.close));
            // What the default template writes between blocks, so a page's bytes do
            // not depend on where the passages break.
            pending.push('\n');
            pending.push_str(&b.close);
            pending.push('\n');
        } else {
            trailing = None;
            blocks.push(BlockView {
                html: std::mem::take(&mut pending),
                close: &b.close,
                notes,
            });
        }
    }
    if let Some((html_end, close)) = trailing {
        pending.truncate(html_end);
        blocks.push(BlockView {
            html: pending,
            close,
            notes: Vec::new(),
        });
    }
    let linked: Vec<&str> = blocks.iter().flat_map(|b| &b.notes).map(|n| n.id).collect();
    for (k, n) in blocks.iter_mut().flat_map(|b| &mut b.notes).enumerate() {
        n.prev_linked = k.checked_sub(1).map(|p| linked[p]);
        n.next_linked = linked.get(k + 1).copied();
    }
    let strings = &site.config.strings;
    let byline = match &a.author {
        Some(author) => crate::i18n::fill(
            strings.get("article.byline"),
            &[("outlet", &a.outlet), ("author", author)],
        ),
        None => a.outlet.clone(),
    };
    ArticleView {
        frame: frame(
            site,
            root,
            a.title.clone(),
            crate::i18n::fill(
                strings.get("article.description"),
                &[("title", &a.title), ("byline", &byline)],
            ),
        )
        .at_page(site, &format!("articles/{}/", a.id))
        .shared_as(site, None)
        .share_description(article_share_description(site, ai)),
        article: article_summary(site, ai, root),
        first_linked: linked.first().copied(),
        blocks,
    }
}

/// Appends the markup of one block up to its notes to `out`: the container
/// markup that opens it, then each statement as an element with its id, a note marker after
/// each statement that has a note (`markers`, one per statement of the
/// block), and the white space that followed it in the article, so the page
/// shows the text as published and a passage copied from it is a valid
/// quote. The review script finds statements by this markup (`span.st[id]`).
/// `note_label` is the marker's accessible name, `{marker}` its number.
pub(super) fn block_html(
    out: &mut String,
    doc: &Doc,
    block: &Block,
    markers: &[Option<usize>],
    note_label: &str,
) {
    let text_len = block.range.len();
    out.reserve(block.open.len() + text_len + text_len / 2 + 64);
    out.push_str(&block.open);
    if !block.tag.is_empty() {
        out.push('<');
        out.push_str(block.tag);
        out.push('>');
    }
    for (si, marker) in block.statements.clone().zip(markers) {
        let id = doc.statement_id(si);
        out.push_str(if marker.is_some() {
            "<span class=\"st st-linked\" id=\""
        } else {
            "<span class=\"st\" id=\""
        });
        escape_html_into(out, id);
        out.push_str("\">");
        doc.write_statement_html(si, out);
        out.push_str("</span>");
        if let Some(m) = marker {
            out.push_str("<a class=\"mark\" href=\"#n-");
            escape_html_into(out, id);
            out.push_str("\" aria-label=\"");
            escape_html_into(out, &note_label.replace("{marker}", &m.to_string()));
            let _ = write!(out, "\">{m}</a>");
        }
        if let Some(next) = doc
            .statements
            .get(si + 1)
            .filter(|n| n.block == doc.statements[si].block)
        {
            escape_html_into(
                out,
                &doc.text[doc.statements[si].range.end..next.range.start],
            );
        }
    }
    if !block.tag.is_empty() {
        out.push_str("</");
        out.push_str(block.tag);
        out.push('>');
    }
}

/// What a link preview of an article page says.
fn article_share_description(site: &Site, ai: usize) -> String {
    let a = &site.articles[ai];
    let c = &site.findings.article_counts[ai];
    crate::i18n::fill(
        site.config.strings.get("article.share"),
        &[
            ("outlet", &a.outlet),
            ("linked", &site.graph.linked_count(ai).to_string()),
            ("statements", &site.docs[ai].statements.len().to_string()),
            ("holds", &c.holds_up.to_string()),
            ("not", &c.does_not_hold_up.to_string()),
            ("unsettled", &c.unsettled.to_string()),
        ],
    )
}

/// Sources on one side, one entry per article, first statement linked.
fn group_by_source(site: &Site, root: &str, refs: &[EvidenceRef]) -> Vec<SourceLink> {
    let mut out: Vec<SourceLink> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for r in refs {
        if let Some(pos) = seen.iter().position(|&a| a == r.article) {
            out[pos].count += 1;
            continue;
        }
        seen.push(r.article);
        let a = &site.articles[r.article];
        out.push(SourceLink {
            outlet: a.outlet.clone(),
            title: a.title.clone(),
            href: statement_href(site, root, r.article, r.statement),
            count: 1,
        });
    }
    out
}

fn link_view(site: &Site, root: &str, r: &EvidenceRef) -> LinkView {
    let c = &site.claims[r.claim];
    let (agree, contradict) = site.graph.related(r);
    let independent = |refs: &[EvidenceRef]| {
        site.findings
            .independent_count(refs.iter().map(|r| r.article))
    };
    let (agree_independent, contradict_independent) =
        (independent(&agree), independent(&contradict));
    let mut agree = group_by_source(site, root, &agree);
    let mut contradict = group_by_source(site, root, &contradict);
    let more_agree = agree.len().saturating_sub(MAX_SOURCES_LISTED);
    let more_contradict = contradict.len().saturating_sub(MAX_SOURCES_LISTED);
    agree.truncate(MAX_SOURCES_LISTED);
    contradict.truncate(MAX_SOURCES_LISTED);
    LinkView {
        claim_id: c.id.clone(),
        claim_text: c.text.clone(),
        claim_href: format!("{root}claims/{}/", c.id),
        verdict: VerdictView::new(c.verdict, &site.config.strings),
        stance: StanceView::new(r.stance, &site.config.strings),
        assessment: AssessmentView::new(r.assessment, c.verdict, &site.config.strings),
        approved: c.status == Status::Approved,
        agree,
        agree_independent,
        contradict,
        contradict_independent,
        more_agree,
        more_contradict,
    }
}

// ---------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct ClaimView<'a> {
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
    /// site's address is known (see [`super::embed::embed_src`]).
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
pub(super) struct SourceView {
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
pub(super) struct UpdateView {
    date: String,
    note_html: String,
    verdict_before: Option<VerdictView>,
    verdict_after: Option<VerdictView>,
}

pub(super) fn source_views(site: &Site, ci: usize, md: &Markdown) -> Vec<SourceView> {
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
pub fn wayback_date(url: &str) -> Option<String> {
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
pub(super) fn update_views(site: &Site, ci: usize, md: &Markdown) -> Vec<UpdateView> {
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

pub(super) fn claim_view(site: &Site, ci: usize) -> ClaimView<'_> {
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
                    let a = &site.articles[r.article];
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
                    crate::card::alt_text(site, ci),
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
            alt: crate::card::alt_text(site, ci),
            width: crate::card::WIDTH,
            height: crate::card::HEIGHT,
            embed_snippet: super::embed::snippet(site, ci),
            embed_same_host: !crate::url::is_absolute(&site.config.base_url),
            oembed: super::embed::oembed_url(site, ci),
        },
    }
}

/// The schema.org ClaimReview of claim `ci`, safe inside `<script>`.
pub(super) fn claim_review_jsonld(site: &Site, ci: usize) -> String {
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
            let a = &site.articles[r.article];
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
    super::script_safe_json(&review)
}

// ---------------------------------------------------------------------------
// The verdict scale, the desk's pages, corrections, 404
// ---------------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct ScaleEntry {
    verdict: VerdictView,
    meaning: &'static str,
    /// Claims of the site with this verdict.
    count: usize,
}

#[derive(Serialize)]
pub(super) struct StanceEntry {
    stance: StanceView,
    explanation: &'static str,
}

pub(super) fn verdict_scale(site: &Site) -> Vec<ScaleEntry> {
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
pub(super) struct VerdictsView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    scale: Vec<ScaleEntry>,
    legend: Vec<LegendEntry>,
    stances: Vec<StanceEntry>,
}

pub(super) fn verdicts_view(site: &Site) -> VerdictsView<'_> {
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
pub(super) struct PageView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    id: &'a str,
    title: &'a str,
    /// The page's Markdown, rendered, with the verdict scale where the
    /// text asks for it.
    body_html: String,
}

/// The line a desk page writes where the generated verdict scale goes.
pub const VERDICT_SCALE_PLACEHOLDER: &str = "{{ verdict_scale }}";

pub(super) fn page_view(site: &Site, pi: usize) -> PageView<'_> {
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
pub(super) struct CorrectionsView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    /// Every update of every published claim, newest first.
    entries: Vec<CorrectionEntry<'a>>,
}

#[derive(Serialize)]
pub(super) struct CorrectionEntry<'a> {
    claim: ClaimSummary<'a>,
    update: UpdateView,
}

/// Every update of every claim, newest first (ties: claims-file order).
pub(super) fn all_updates(site: &Site, root: &str) -> Vec<(usize, UpdateView)> {
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

pub(super) fn corrections_view(site: &Site) -> CorrectionsView<'_> {
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

#[derive(Serialize)]
pub(super) struct NotFoundView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
}

pub(super) fn not_found_view(site: &Site) -> NotFoundView<'_> {
    NotFoundView {
        frame: frame(
            site,
            &site.config.base_url,
            site.config.strings.get("not_found.title").to_string(),
            site.config.strings.get("not_found.description").to_string(),
        ),
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

    #[test]
    fn block_markup_keeps_the_text_as_published_and_marks_noted_statements() {
        let doc = crate::document::parse(
            "Talks ended *late* & 2 < 3.  Kim said \"no\".Then left.\n\n- One item. Two.\n",
        );
        let first = &doc.blocks[0];
        let n = first.statements.len();
        assert_eq!(n, 3, "{:?}", doc.statements);
        let mut markers = vec![None; n];
        markers[1] = Some(7);
        let mut html = String::new();
        block_html(&mut html, &doc, first, &markers, "Note {marker}");
        let ids: Vec<&str> = (0..n).map(|i| doc.statement_id(i)).collect();
        assert_eq!(
            html,
            format!(
                "<p><span class=\"st\" id=\"{}\">Talks ended <em>late</em> &amp; 2 &lt; 3.</span>  \
                 <span class=\"st st-linked\" id=\"{}\">Kim said &quot;no&quot;.</span>\
                 <a class=\"mark\" href=\"#n-{}\" aria-label=\"Note 7\">7</a>\
                 <span class=\"st\" id=\"{}\">Then left.</span></p>",
                ids[0], ids[1], ids[1], ids[2]
            )
        );
        // A tight list item has no element of its own: its container opens it.
        let item = &doc.blocks[1];
        let mut html = String::new();
        block_html(
            &mut html,
            &doc,
            item,
            &vec![None; item.statements.len()],
            "Note {marker}",
        );
        assert!(html.starts_with(&item.open), "{html}");
        assert!(html.ends_with("Two.</span>"), "{html}");
    }
}
