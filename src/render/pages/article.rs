//! An article's page: its text as published, statement by statement, with
//! a note beside each statement that bears on a claim. The biggest pages of
//! a site, so their markup is written directly rather than through a
//! template loop.

use std::fmt::Write as _;

use serde::Serialize;

use super::statement_href;
use super::summary::{ArticleSummary, article_summary};
use crate::pipeline::content::{ArticleIdx, Status};
use crate::pipeline::document::{Block, Doc};
use crate::pipeline::graph::EvidenceRef;
use crate::pipeline::site::Site;
use crate::render::views::{AssessmentView, Frame, StanceView, VerdictView, frame};
use crate::text::{escape_html_into, excerpt};

/// On an article page, how many other sources to list per claim before
/// pointing to the claim page for the rest.
const MAX_SOURCES_LISTED: usize = 8;

#[derive(Serialize)]
pub(in crate::render) struct ArticleView<'a> {
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

pub(in crate::render) fn article_view(site: &Site, ai: ArticleIdx) -> ArticleView<'_> {
    let root = "../../";
    let doc = site.doc(ai);
    let a = site.article(ai);
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
pub(in crate::render) fn block_html(
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
fn article_share_description(site: &Site, ai: ArticleIdx) -> String {
    let a = site.article(ai);
    let c = &site.findings.article_counts[ai];
    crate::i18n::fill(
        site.config.strings.get("article.share"),
        &[
            ("outlet", &a.outlet),
            ("linked", &site.graph.linked_count(ai).to_string()),
            ("statements", &site.doc(ai).statements.len().to_string()),
            ("holds", &c.holds_up.to_string()),
            ("not", &c.does_not_hold_up.to_string()),
            ("unsettled", &c.unsettled.to_string()),
        ],
    )
}

/// Sources on one side, one entry per article, first statement linked.
fn group_by_source(site: &Site, root: &str, refs: &[EvidenceRef]) -> Vec<SourceLink> {
    let mut out: Vec<SourceLink> = Vec::new();
    let mut seen: Vec<ArticleIdx> = Vec::new();
    for r in refs {
        if let Some(pos) = seen.iter().position(|&a| a == r.article) {
            out[pos].count += 1;
            continue;
        }
        seen.push(r.article);
        let a = site.article(r.article);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_markup_keeps_the_text_as_published_and_marks_noted_statements() {
        let doc = crate::pipeline::document::parse(
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
