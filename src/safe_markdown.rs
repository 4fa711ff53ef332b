//! Markdown from the claims file (summaries and notes) as pulldown-cmark
//! events that are safe to turn into HTML: Markdown only, no raw HTML, no
//! images, bounded nesting.
//!
//! * Raw HTML — blocks and inline tags alike — becomes text, so it is shown
//!   as written (`<img src=…>` reads as those characters) and never parsed
//!   by a browser: no tracking pixel, no stray `<a>` or `<img>` that fails
//!   HTML validation. An HTML block becomes a paragraph of its text.
//! * A Markdown image `![alt](src)` becomes a link to the image with the
//!   alt text (or the address, when there is none) as its text: a
//!   fact-check page does not load third-party images on its readers'
//!   behalf.
//! * A link whose target is not `http:`, `https:`, `mailto:` or relative
//!   (the rule of article bodies, [`crate::url::safe_href`]) keeps its
//!   text and loses the link.
//! * Block quotes, lists and inline markup nest at most [`MAX_NESTING`]
//!   levels; deeper levels are flattened into the deepest one, their text
//!   kept. The HTML tree builder that sanitises the result checks element
//!   scope per start tag, so 100,000 nested `>` took a minute or more.
//!
//! The HTML made from these events still goes through ammonia
//! ([`crate::markdown::markdown_html`]), a second line of defence.

use std::collections::VecDeque;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::url::safe_href;

/// How many levels of block quotes, lists (a list and its items count as
/// one level each) and inline markup a summary or note keeps.
pub(crate) const MAX_NESTING: usize = 16;

/// What became of a start tag, so its end is treated the same way.
#[derive(Debug, Clone)]
enum Open {
    /// Passed through as is.
    Kept,
    /// Left out (too deep, or an unsafe link); its content is kept.
    Dropped,
    /// A dropped list item: its end separates it from the next.
    DroppedItem,
    /// An image turned into a link; `text` once its alt text had any.
    ImageLink { url: CowStr<'static>, text: bool },
    /// An HTML block turned into a paragraph.
    HtmlParagraph,
}

/// The safe events of `markdown` (see the module docs).
#[cfg(test)]
pub(crate) fn events(markdown: &str) -> impl Iterator<Item = Event<'_>> {
    filter(pulldown_cmark::Parser::new(markdown))
}

/// [`events`] over events already parsed (and perhaps rewritten: links
/// the generator resolves, such as `claim:ID`, are turned into ordinary
/// relative links first, so they pass).
pub(crate) fn filter<'a>(
    inner: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    SafeEvents {
        inner,
        open: Vec::new(),
        depth: 0,
        queue: VecDeque::new(),
    }
}

struct SafeEvents<'a, I> {
    inner: I,
    open: Vec<Open>,
    /// Kept levels that count towards [`MAX_NESTING`].
    depth: usize,
    queue: VecDeque<Event<'a>>,
}

/// Whether a tag counts as a level of nesting.
fn nests(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

impl<'a, I: Iterator<Item = Event<'a>>> SafeEvents<'a, I> {
    fn start(&mut self, tag: Tag<'a>) -> Option<Event<'a>> {
        let counts = nests(&tag);
        // A list needs room for its items too, so a list is never kept
        // with its items dropped (text straight inside `<ul>`).
        let room = match tag {
            Tag::List(_) => 2,
            _ => 1,
        };
        let parent_dropped_list = matches!(tag, Tag::Item)
            && matches!(self.open.last(), Some(Open::Dropped | Open::DroppedItem));
        if counts && (self.depth + room > MAX_NESTING || parent_dropped_list) {
            self.open.push(if matches!(tag, Tag::Item) {
                Open::DroppedItem
            } else {
                Open::Dropped
            });
            return None;
        }
        let (open, event) = match tag {
            Tag::HtmlBlock => (Open::HtmlParagraph, Event::Start(Tag::Paragraph)),
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => match safe_href(&dest_url) {
                Some(_) => (
                    Open::Kept,
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                ),
                None => {
                    self.open.push(Open::Dropped);
                    return None;
                }
            },
            Tag::Image {
                dest_url, title, ..
            } => match safe_href(&dest_url) {
                Some(_) => (
                    Open::ImageLink {
                        url: CowStr::from(dest_url.to_string()),
                        text: false,
                    },
                    Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id: CowStr::Borrowed(""),
                    }),
                ),
                None => {
                    self.open.push(Open::Dropped);
                    return None;
                }
            },
            tag => (Open::Kept, Event::Start(tag)),
        };
        if counts {
            self.depth += 1;
        }
        self.open.push(open);
        Some(event)
    }

    fn end(&mut self, tag: TagEnd) -> Option<Event<'a>> {
        let counts = matches!(
            tag,
            TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
        );
        match self.open.pop() {
            Some(Open::Dropped) => None,
            Some(Open::DroppedItem) => Some(Event::SoftBreak),
            Some(Open::HtmlParagraph) => Some(Event::End(TagEnd::Paragraph)),
            Some(Open::ImageLink { url, text }) => {
                self.depth -= 1;
                if !text {
                    // A link needs a name: the address, when there is no
                    // alt text.
                    self.queue.push_back(Event::End(TagEnd::Link));
                    return Some(Event::Text(url));
                }
                Some(Event::End(TagEnd::Link))
            }
            Some(Open::Kept) | None => {
                if counts {
                    self.depth = self.depth.saturating_sub(1);
                }
                Some(Event::End(tag))
            }
        }
    }

    /// Notes that the innermost image has alt text.
    fn saw_text(&mut self, text: &str) {
        for open in self.open.iter_mut().rev() {
            if let Open::ImageLink { text: seen, .. } = open {
                *seen |= !text.trim().is_empty();
                break;
            }
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for SafeEvents<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                return Some(e);
            }
            let event = match self.inner.next()? {
                Event::Start(tag) => self.start(tag),
                Event::End(tag) => self.end(tag),
                // Shown as written, never parsed.
                Event::Html(t) | Event::InlineHtml(t) | Event::Text(t) => {
                    self.saw_text(&t);
                    Some(Event::Text(t))
                }
                Event::Code(c) => {
                    self.saw_text(&c);
                    Some(Event::Code(c))
                }
                e => Some(e),
            };
            if let Some(e) = event {
                return Some(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events(md));
        out
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let out = html(
            "A <img src=\"https://tracker.example/p.gif\"> pixel and <a rel=x>no href</a>.\n\n<div onclick=\"x\">\nblock\n</div>\n",
        );
        assert!(
            !out.contains("<img") && !out.contains("<a") && !out.contains("<div"),
            "{out}"
        );
        assert!(
            out.contains("&lt;img src=\"https://tracker.example/p.gif\"&gt;"),
            "{out}"
        );
        assert!(
            out.contains("<p>&lt;div onclick=\"x\"&gt;\nblock\n&lt;/div&gt;\n</p>"),
            "{out}"
        );
    }

    #[test]
    fn images_become_links_to_the_image() {
        assert_eq!(
            html("![the chart](https://example.org/c.png)"),
            "<p><a href=\"https://example.org/c.png\">the chart</a></p>\n"
        );
        assert_eq!(
            html("![](https://example.org/c.png)"),
            "<p><a href=\"https://example.org/c.png\">https://example.org/c.png</a></p>\n"
        );
        assert_eq!(html("![x](javascript:alert(1))"), "<p>x</p>\n");
    }

    #[test]
    fn unsafe_links_keep_their_text_only() {
        assert_eq!(html("[x](javascript:alert(1)) [y]()"), "<p>x y</p>\n");
        assert_eq!(
            html("[ok](https://a.org/)"),
            "<p><a href=\"https://a.org/\">ok</a></p>\n"
        );
    }

    #[test]
    fn nesting_is_bounded_and_balanced() {
        for md in [
            ">".repeat(100_000) + " deep",
            "- ".repeat(5_000) + "deep",
            "1. > ".repeat(5_000) + "deep",
            "*".repeat(10_000) + "deep" + &"*".repeat(10_000),
        ] {
            let out = html(&md);
            assert!(out.contains("deep"), "{}", &out[..200.min(out.len())]);
            let mut depth = 0i64;
            let mut deepest = 0;
            for tag in ["blockquote", "ul", "ol", "li", "em", "strong"] {
                let opens = out.matches(&format!("<{tag}>")).count()
                    + out.matches(&format!("<{tag} ")).count();
                assert_eq!(opens, out.matches(&format!("</{tag}>")).count(), "{tag}");
            }
            for piece in out.split('<').skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| *c != '>' && *c != ' ')
                    .collect();
                match name.as_str() {
                    "blockquote" | "ul" | "ol" | "li" | "em" | "strong" => depth += 1,
                    "/blockquote" | "/ul" | "/ol" | "/li" | "/em" | "/strong" => depth -= 1,
                    _ => {}
                }
                deepest = deepest.max(depth);
            }
            assert!(deepest as usize <= MAX_NESTING, "{deepest} levels");
            assert_eq!(depth, 0);
        }
    }
}
