//! Stage 2: an article's markdown becomes a [`Doc`]: its plain text (what
//! quotes are matched against), its blocks with inline styling, and its
//! statements with stable ids.
//!
//! Article HTML is never passed through. Every tag in the output is one we
//! generate from markdown structure; raw HTML is reduced to its text.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::pipeline::statements;
use crate::text::escape_html_into;
use crate::url::safe_href;

/// Separates blocks in [`Doc::text`]; white space, so a quote may cross a
/// paragraph break.
pub(crate) const BLOCK_SEPARATOR: &str = "\n\n";

#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The article's rendered text: blocks joined by `BLOCK_SEPARATOR`.
    pub text: String,
    pub blocks: Vec<Block>,
    pub statements: Vec<Statement>,
    /// Every statement's id, one after another (see [`Statement::id`]).
    ids: String,
    runs: Vec<Run>,
    links: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Block {
    /// Element wrapping the block's statements: `p`, `h2`…`h6`, `pre`, or
    /// empty for the text of a tight list item.
    pub tag: &'static str,
    /// Container markup opened before / closed after this block (lists,
    /// items, block quotes). Generated here, never from the article.
    pub open: String,
    pub close: String,
    pub range: Range<usize>,
    pub statements: Range<usize>,
    runs: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// Byte range in [`Doc::text`].
    pub range: Range<usize>,
    pub block: usize,
    /// Byte range of the id in `Doc::ids`: read through [`Doc::statement_id`]
    /// or [`Doc::id_of`]. The ids share one string per article.
    id: Range<usize>,
}

const EM: u8 = 1;
const STRONG: u8 = 2;
const CODE: u8 = 4;
const STRIKE: u8 = 8;
const BREAK: u8 = 16;
const NO_LINK: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    style: u8,
    link: u32,
}

// A site's documents follow its articles' order (see `ArticleIdx`).
crate::pipeline::content::indexed_by_article!(Doc);

impl Doc {
    pub fn statement_text(&self, i: usize) -> &str {
        &self.text[self.statements[i].range.clone()]
    }

    /// The id of statement `i` (FORMAT.md's `s-…`).
    pub fn statement_id(&self, i: usize) -> &str {
        self.id_of(&self.statements[i])
    }

    /// The id of `statement`, one of this doc's.
    pub fn id_of(&self, statement: &Statement) -> &str {
        &self.ids[statement.id.clone()]
    }

    /// Every statement's id, in order.
    pub fn statement_ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.statements.iter().map(|s| self.id_of(s))
    }

    /// Index of the statement with this id.
    pub(crate) fn statement_index(&self, id: &str) -> Option<usize> {
        self.statement_ids().position(|s| s == id)
    }

    /// The statement's text as HTML, inline styling kept, every character
    /// of the article escaped.
    pub fn statement_html(&self, i: usize) -> String {
        let mut out = String::with_capacity(self.statements[i].range.len() + 16);
        self.write_statement_html(i, &mut out);
        out
    }

    /// [`Doc::statement_html`], appended to `out`.
    pub(crate) fn write_statement_html(&self, i: usize, out: &mut String) {
        let st = &self.statements[i];
        let block = &self.blocks[st.block];
        for run in &self.runs[block.runs.clone()] {
            let start = run.start.max(st.range.start);
            let end = run.end.min(st.range.end);
            if start >= end {
                continue;
            }
            if run.style & BREAK != 0 {
                out.push_str("<br>\n");
                continue;
            }
            let link = (run.link != NO_LINK).then(|| &self.links[run.link as usize]);
            if let Some(href) = link {
                out.push_str("<a href=\"");
                escape_html_into(out, href);
                out.push_str("\" rel=\"nofollow noopener noreferrer\">");
            }
            for (flag, tag) in [
                (STRONG, "strong"),
                (EM, "em"),
                (STRIKE, "del"),
                (CODE, "code"),
            ] {
                if run.style & flag != 0 {
                    out.push('<');
                    out.push_str(tag);
                    out.push('>');
                }
            }
            escape_html_into(out, &self.text[start..end]);
            for (flag, tag) in [
                (CODE, "code"),
                (STRIKE, "del"),
                (EM, "em"),
                (STRONG, "strong"),
            ] {
                if run.style & flag != 0 {
                    out.push_str("</");
                    out.push_str(tag);
                    out.push('>');
                }
            }
            if link.is_some() {
                out.push_str("</a>");
            }
        }
    }
}

/// Parses an article body and splits it into statements, as English.
pub fn parse(markdown: &str) -> Doc {
    parse_in(markdown, statements::Language::default())
}

/// Parses an article body and splits it into statements, knowing the
/// abbreviations of its language (`site.toml` `language`).
pub(crate) fn parse_in(markdown: &str, lang: statements::Language) -> Doc {
    let mut b = Builder::default();
    // The text is the markdown less its markup: reserving that much up front
    // spares the copies (and the unused half of the last doubling) of growing
    // it a push at a time.
    b.doc.text.reserve(markdown.len());
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    for event in parser {
        b.event(event);
    }
    b.finish_block();
    b.flush_closers();
    let mut doc = b.doc;
    split_statements(&mut doc, lang);
    doc
}

fn split_statements(doc: &mut Doc, lang: statements::Language) {
    let mut ranges = Vec::new();
    for (bi, block) in doc.blocks.iter_mut().enumerate() {
        let first = ranges.len();
        let text = &doc.text[block.range.clone()];
        if block.tag == "pre" {
            let trimmed = text.trim();
            if !trimmed.is_empty() {
                let start =
                    block.range.start + (trimmed.as_ptr() as usize - text.as_ptr() as usize);
                ranges.push((start..start + trimmed.len(), bi));
            }
        } else {
            for r in statements::split_sentences_in(text, lang) {
                ranges.push((block.range.start + r.start..block.range.start + r.end, bi));
            }
        }
        block.statements = first..ranges.len();
    }
    let (ids, id_ranges) =
        statements::assign_ids_packed(ranges.iter().map(|(r, _)| &doc.text[r.clone()]));
    doc.ids = ids;
    doc.statements = ranges
        .into_iter()
        .zip(id_ranges)
        .map(|((range, block), id)| Statement { range, block, id })
        .collect();
}

#[derive(Default)]
struct Builder {
    doc: Doc,
    /// Markup for containers opened since the last block was emitted.
    pending_open: String,
    /// Closers for containers that ended after the last block, waiting for
    /// it to be finished.
    pending_close: String,
    current: Option<usize>,
    style: u8,
    link_stack: Vec<u32>,
    container_depth_item: Vec<bool>,
    heading: Option<&'static str>,
    in_code: bool,
    html: Option<String>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(html) = &mut self.html {
                    html.push_str(&t);
                } else {
                    self.push_text(&t, self.style)
                }
            }
            Event::Code(t) => self.push_text(&t, self.style | CODE),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(&t, self.style | CODE),
            Event::SoftBreak => self.push_text("\n", self.style),
            Event::HardBreak => self.push_text("\n", BREAK),
            Event::Html(h) => self.html.get_or_insert_with(String::new).push_str(&h),
            // Inline tags are dropped; the text between them stays text.
            Event::InlineHtml(_) => {}
            Event::FootnoteReference(r) => self.push_text(&format!("[{r}]"), self.style),
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                // The first paragraph of a loose list item continues the
                // item's (empty) block.
                if !self.current_is_empty() {
                    self.finish_block();
                }
                self.begin_block("p");
            }
            Tag::Heading { level, .. } => {
                self.finish_block();
                // The page title is the one h1; article headings sit below it.
                let tag = match level as u8 {
                    1 | 2 => "h2",
                    3 => "h3",
                    4 => "h4",
                    5 => "h5",
                    _ => "h6",
                };
                self.heading = Some(tag);
                self.begin_block(tag);
            }
            Tag::CodeBlock(_) => {
                self.finish_block();
                self.in_code = true;
                self.begin_block("pre");
            }
            Tag::HtmlBlock => {
                self.finish_block();
                self.html = Some(String::new());
            }
            Tag::BlockQuote(_) => {
                self.finish_block();
                self.open("<blockquote>");
            }
            Tag::List(start) => {
                self.finish_block();
                match start {
                    None => self.open("<ul>"),
                    Some(1) => self.open("<ol>"),
                    Some(n) => self.open(&format!("<ol start=\"{n}\">")),
                }
            }
            Tag::Item => {
                self.finish_block();
                self.open("<li>");
                self.container_depth_item.push(true);
            }
            Tag::Emphasis => self.style |= EM,
            Tag::Strong => self.style |= STRONG,
            Tag::Strikethrough => self.style |= STRIKE,
            Tag::Link { dest_url, .. } => {
                let idx = match safe_href(&dest_url) {
                    Some(href) => {
                        self.doc.links.push(href);
                        (self.doc.links.len() - 1) as u32
                    }
                    None => NO_LINK,
                };
                self.link_stack.push(idx);
            }
            // Alt text arrives as text events; images themselves are not
            // loaded from third-party hosts.
            Tag::Image { .. } => self.link_stack.push(NO_LINK),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => {
                self.heading = None;
                self.in_code = false;
                self.finish_block();
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    let text = html_to_text(&html);
                    if !text.trim().is_empty() {
                        self.begin_block("p");
                        self.push_text(text.trim(), 0);
                        self.finish_block();
                    }
                }
            }
            TagEnd::BlockQuote(_) => {
                self.finish_block();
                self.close("<blockquote>", "</blockquote>");
            }
            TagEnd::List(ordered) => {
                self.finish_block();
                if ordered {
                    self.close("<ol", "</ol>");
                } else {
                    self.close("<ul>", "</ul>");
                }
            }
            TagEnd::Item => {
                self.finish_block();
                self.container_depth_item.pop();
                self.close("<li>", "</li>");
            }
            TagEnd::Emphasis => self.style &= !EM,
            TagEnd::Strong => self.style &= !STRONG,
            TagEnd::Strikethrough => self.style &= !STRIKE,
            TagEnd::Link | TagEnd::Image => {
                self.link_stack.pop();
            }
            _ => {}
        }
    }

    fn current_is_empty(&self) -> bool {
        match self.current {
            Some(i) => self.doc.blocks[i].range.is_empty(),
            None => true,
        }
    }

    fn open(&mut self, markup: &str) {
        self.flush_closers();
        self.pending_open.push_str(markup);
    }

    /// Closes a container. If nothing was emitted inside it, its opener is
    /// still pending and is simply withdrawn.
    fn close(&mut self, opener_prefix: &str, closer: &str) {
        if let Some(pos) = self.pending_open.rfind(opener_prefix) {
            let tail = &self.pending_open[pos..];
            if tail.matches('<').count() == 1 && tail.ends_with('>') {
                self.pending_open.truncate(pos);
                return;
            }
        }
        self.pending_close.push_str(closer);
    }

    fn flush_closers(&mut self) {
        if self.pending_close.is_empty() {
            return;
        }
        if let Some(last) = self.doc.blocks.last_mut() {
            last.close.push_str(&self.pending_close);
        }
        self.pending_close.clear();
    }

    fn begin_block(&mut self, tag: &'static str) {
        self.flush_closers();
        if !self.doc.text.is_empty() {
            self.doc.text.push_str(BLOCK_SEPARATOR);
        }
        let start = self.doc.text.len();
        self.doc.blocks.push(Block {
            tag,
            open: std::mem::take(&mut self.pending_open),
            close: String::new(),
            range: start..start,
            statements: 0..0,
            runs: self.doc.runs.len()..self.doc.runs.len(),
        });
        self.current = Some(self.doc.blocks.len() - 1);
    }

    fn finish_block(&mut self) {
        let Some(i) = self.current.take() else { return };
        if !self.doc.blocks[i].range.is_empty() {
            return;
        }
        // Nothing was written: withdraw the block but keep the container
        // markup it carried for the next one.
        let block = self.doc.blocks.pop().expect("current block exists");
        if self.doc.text.ends_with(BLOCK_SEPARATOR) {
            self.doc
                .text
                .truncate(self.doc.text.len() - BLOCK_SEPARATOR.len());
        }
        self.pending_open.insert_str(0, &block.open);
    }

    fn push_text(&mut self, text: &str, style: u8) {
        if text.is_empty() {
            return;
        }
        if self.current.is_none() {
            // Text straight inside a list item (a tight list).
            let tag = if self.container_depth_item.last() == Some(&true) {
                ""
            } else {
                "p"
            };
            self.begin_block(tag);
        }
        let i = self.current.expect("block just begun");
        let link = self.link_stack.last().copied().unwrap_or(NO_LINK);
        let start = self.doc.text.len();
        self.doc.text.push_str(text);
        let end = self.doc.text.len();
        let block = &mut self.doc.blocks[i];
        block.range.end = end;
        let runs_len = self.doc.runs.len();
        if let Some(last) = self.doc.runs.last_mut() {
            if block.runs.end == runs_len
                && !block.runs.is_empty()
                && last.end == start
                && last.style == style
                && last.link == link
                && style & BREAK == 0
            {
                last.end = end;
                return;
            }
        }
        self.doc.runs.push(Run {
            start,
            end,
            style,
            link,
        });
        block.runs.end = self.doc.runs.len();
    }
}

/// The text content of an HTML fragment; scripts and styles are dropped
/// with their content.
fn html_to_text(html: &str) -> String {
    let cleaned = ammonia::Builder::empty().clean(html).to_string();
    unescape_basic(&cleaned)
}

fn unescape_basic(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Doc) -> Vec<&str> {
        (0..doc.statements.len())
            .map(|i| doc.statement_text(i))
            .collect()
    }

    #[test]
    fn headings_paragraphs_and_list_items_are_statements() {
        let doc = parse("## Talks End\n\nFirst one. Second one.\n\n- item one\n- item two\n");
        assert_eq!(
            texts(&doc),
            [
                "Talks End",
                "First one.",
                "Second one.",
                "item one",
                "item two"
            ]
        );
        assert_eq!(doc.blocks[0].tag, "h2");
        assert_eq!(doc.blocks[2].open, "<ul><li>");
        assert_eq!(doc.blocks[3].close, "</li></ul>");
    }

    #[test]
    fn statement_ids_are_read_back_per_statement() {
        // Repeats take the path that lays the ids out again with numbers.
        let doc = parse("Talks ended. No deal.\n\n- Talks ended.\n- talks ended.\n\nA last one.");
        let talks = statements::statement_id("Talks ended.");
        let ids: Vec<&str> = doc.statement_ids().collect();
        assert_eq!(
            ids,
            [
                talks.as_str(),
                statements::statement_id("No deal.").as_str(),
                format!("{talks}-2").as_str(),
                format!("{talks}-3").as_str(),
                statements::statement_id("A last one.").as_str(),
            ]
        );
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(doc.statement_id(i), *id);
            assert_eq!(doc.statement_index(id), Some(i));
        }
        assert_eq!(doc.statement_index(&format!("{talks}-4")), None);
    }

    #[test]
    fn text_joins_blocks_with_white_space() {
        let doc = parse("One.\n\nTwo.");
        assert_eq!(doc.text, "One.\n\nTwo.");
    }

    #[test]
    fn inline_styles_survive_and_text_is_escaped() {
        let doc = parse("A *b* <i>c</i> & [link](https://x.org/?a=1&b=2).");
        assert_eq!(doc.text, "A b c & link.");
        assert_eq!(
            doc.statement_html(0),
            "A <em>b</em> c &amp; <a href=\"https://x.org/?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\">link</a>."
        );
    }

    #[test]
    fn raw_html_never_becomes_markup() {
        let doc = parse(
            "<script>alert(1)</script>\n\n<div onclick=\"x()\">Hello <b>there</b></div>\n\n[x](javascript:alert(1)) [y](JaVa\tScRiPt:alert(1)) [z](data:text/html,hi)\n",
        );
        let html: String = (0..doc.statements.len())
            .map(|i| doc.statement_html(i))
            .collect();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("href"), "{html}");
        assert!(doc.text.contains("Hello there"));
        assert!(!doc.text.contains("alert(1)</"));
    }

    #[test]
    fn nested_and_empty_containers_balance() {
        let doc = parse("> quoted *text*\n\n1. a\n   - b\n2. \n\ntail\n");
        let mut html = String::new();
        for b in &doc.blocks {
            html.push_str(&b.open);
            html.push_str(&b.close);
        }
        let opens = html.matches("<li>").count();
        let closes = html.matches("</li>").count();
        assert_eq!(opens, closes, "{html}");
        assert_eq!(
            html.matches("<blockquote>").count(),
            html.matches("</blockquote>").count()
        );
        assert_eq!(
            html.matches("<ol").count(),
            html.matches("</ol>").count(),
            "{html}"
        );
    }
}
