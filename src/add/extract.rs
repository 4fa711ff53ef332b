//! A page's main text as CommonMark.
//!
//! Three passes: the page is stripped of what is never article text
//! (navigation, share bars, cookie banners, reading times, view counters,
//! related links, the Wayback Machine's toolbar), by element and by
//! class or id; dom_smoothie (a port of Mozilla's Readability) picks the
//! article out of what is left; the article is stripped again (media,
//! links that lead nowhere, cruft inside it) and written as Markdown by
//! dom_query's serialiser, which escapes the text so none of it becomes
//! Markdown or HTML syntax.

use dom_query::{Document, NodeRef};
use pulldown_cmark::{Event, Options, Parser};
use url::Url;

use super::meta;

/// Elements that are never article text.
const DROP_ELEMENTS: &str = "template, iframe, noscript, svg, canvas, video, audio, object, \
     embed, select, input, textarea, button, script, style, link, \
     #wm-ipp-base, #wm-ipp-print, #wm-ipp, #donato";

/// Elements that are not article text either, unless a page misuses one
/// to wrap everything (ASP.NET pages put the whole page in a `<form>`).
const DROP_UNLESS_WRAPPER: &str = "nav, aside, footer, form, dialog, [hidden], \
     [aria-hidden=true], [role=navigation], [role=complementary], [role=contentinfo], \
     [role=dialog], [role=alertdialog], [role=search], [role=toolbar]";

/// Parts of a class, id or aria-label that mark cruft, matched anywhere in
/// the lowercased value.
const CRUFT_NAME_PARTS: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "onetrust",
    "newsletter",
    "breadcrumb",
    "share",
    "sharing",
    "social",
    "related",
    "sponsor",
    "advert",
    "promo",
    "subscribe",
    "signup",
    "read-time",
    "reading-time",
    "readtime",
    "readingtime",
    "min-read",
    "view-count",
    "viewcount",
    "post-views",
    "page-views",
    "views-count",
    "popup",
    "toolbar",
    "most-read",
    "most-popular",
    "mostread",
    "trending",
    "more-stories",
    "read-more",
    "readmore",
    "also-read",
    "recommend",
    "byline",
    "author-bio",
    "comments",
    "disqus",
];

/// Whole class or id tokens (split at anything but letters and digits)
/// that mark cruft; too short to match as parts.
const CRUFT_TOKENS: &[&str] = &["ad", "ads", "tags", "views", "meta", "modal"];

/// Extracts the main text of `html` as Markdown. `base` resolves relative
/// links (the page's own URL); without it they are dropped.
pub(crate) fn markdown(doc: Document, base: Option<&Url>) -> Option<String> {
    clean_page(&doc);
    let config = dom_smoothie::Config::default();
    let base_str = base.map(Url::as_str);
    let mut readability =
        dom_smoothie::Readability::with_document(doc, base_str, Some(config)).ok()?;
    let article = readability.parse().ok()?;
    let content = Document::from(article.content.to_string());
    clean_article(&content, base);
    let md = content.md(None).to_string();
    let md = tidy(&md);
    (!md.trim().is_empty()).then_some(md)
}

/// Removes what is never article text, before Readability scores the page.
fn clean_page(doc: &Document) {
    doc.select(DROP_ELEMENTS).remove();
    let total = doc.select("body").text().chars().count().max(1);
    for node in doc.select(DROP_UNLESS_WRAPPER).nodes() {
        if !holds_the_article(node, total) {
            node.remove_from_parent();
        }
    }
    // A page header holds the logo and the menu; an article's own header
    // holds its headline, which is kept.
    for header in doc.select("header").nodes() {
        if !header.is("header:has(h1)") {
            header.remove_from_parent();
        }
    }
    remove_cruft(doc);
}

/// Removes, inside the extracted article, what Readability kept but is not
/// text: media with their captions (a caption describes a picture the
/// article file will not have, and often ends in a photo credit), cruft
/// it let through, links that lead nowhere once the text is on another
/// site.
fn clean_article(doc: &Document, base: Option<&Url>) {
    doc.select("img, picture, source, svg, video, audio, iframe, object, embed, canvas, map, button, input, form, figcaption")
        .remove();
    remove_cruft(doc);
    for a in doc.select("a").nodes() {
        a.remove_attr("title");
        let Some(href) = a.attr("href") else {
            continue;
        };
        match link_target(&href, base) {
            Some(url) => a.set_attr("href", &url),
            // Without its href the link is written as its text.
            None => a.remove_attr("href"),
        }
    }
}

/// Where a link in the article should point: an absolute http(s) URL, with
/// a Wayback Machine snapshot link turned back into the page it archived;
/// `None` for fragments, other schemes and links that cannot be resolved.
fn link_target(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.starts_with('#') {
        return None;
    }
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let url = url.to_string();
    match meta::snapshot(&url) {
        Some(meta::Snapshot {
            original: Some(original),
            ..
        }) if url.contains("web.archive.org") => Some(original),
        _ => Some(url),
    }
}

fn remove_cruft(doc: &Document) {
    let total = doc.select("body").text().chars().count().max(1);
    for node in doc.select("[class], [id], [aria-label]").nodes() {
        if is_cruft_element(node) && standalone(node) && !holds_the_article(node, total) {
            node.remove_from_parent();
        }
    }
    // Blocks whose whole text is a reading time, a view counter, a row of
    // share buttons, an advertisement label; and the same as a lone inline
    // element between blocks. An inline element inside a sentence ("<a>X</a>
    // said on Tuesday") is never judged alone.
    for node in doc
        .select("p, li, div, section, ul, ol, h2, h3, h4, h5, h6, span, small, time, a, strong, em, b, i")
        .nodes()
    {
        if !standalone(node) {
            continue;
        }
        if let Some(text) = short_text(node, 120) {
            if is_cruft_text(&text) {
                node.remove_from_parent();
            }
        }
    }
    // "Related" or "Read more" headings, with the list of links under them.
    for heading in doc.select("h2, h3, h4, h5, h6").nodes() {
        let Some(text) = short_text(heading, 60) else {
            continue;
        };
        if !is_related_heading(&text.replace(" · ", " ")) {
            continue;
        }
        if let Some(next) = next_element(heading) {
            if next.is("ul, ol, div, section") && link_density(&next) > 0.5 {
                next.remove_from_parent();
            }
        }
        heading.remove_from_parent();
    }
}

/// Elements whose text runs on as prose: what is inside them is part of a
/// sentence.
const TEXT_BLOCKS: &[&str] = &[
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
    "pre",
    "code",
    "label",
    "q",
    "cite",
];

const INLINE: &[&str] = &[
    "span", "small", "time", "a", "strong", "em", "b", "i", "abbr", "sup", "sub", "font", "u", "s",
    "mark",
];

/// The element's tag name, lowercase (html5ever's), or "" for other nodes.
/// Matching names is much cheaper than `NodeRef::is`, which parses its
/// selector on every call: this runs for every element of the page.
fn name_in(node: &NodeRef, names: &[&str]) -> bool {
    node.node_name().is_some_and(|n| names.contains(&&*n))
}

/// A block element, or an inline one that stands alone: not inside a
/// paragraph-like block and with no text of its own siblings around it.
fn standalone(node: &NodeRef) -> bool {
    if !name_in(node, INLINE) {
        return true;
    }
    if node.ancestors_it(None).any(|a| name_in(&a, TEXT_BLOCKS)) {
        return false;
    }
    let parent_has_text = node.parent().is_some_and(|p| {
        p.children()
            .iter()
            .any(|c| c.is_text() && !c.text().trim().is_empty())
    });
    !parent_has_text
}

fn is_cruft_element(node: &NodeRef) -> bool {
    if name_in(node, &["html", "body", "main", "article"]) {
        return false;
    }
    ["class", "id", "aria-label"].iter().any(|attr| {
        node.attr(attr).is_some_and(|v| {
            let v = v.to_lowercase();
            CRUFT_NAME_PARTS.iter().any(|p| v.contains(p))
                || v.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|t| CRUFT_TOKENS.contains(&t))
        })
    })
}

/// True for an element that holds the article (or most of the page): a
/// wrapper whose class happens to say "share" must not take the text with
/// it.
fn holds_the_article(node: &NodeRef, total: usize) -> bool {
    if node.is(":has(article, main, [itemprop=articleBody])") {
        return true;
    }
    let own = short_text(node, total * 2 / 5).map_or(total, |t| t.chars().count());
    own * 5 >= total * 2 && own > 280
}

/// The node's text nodes joined by ` · ` (so that "4 min read" and "11
/// views" in two spans read as two pieces) with white space collapsed, or
/// `None` when it is longer than `max` characters (found without building
/// the whole text).
fn short_text(node: &NodeRef, max: usize) -> Option<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut len = 0;
    for d in node.descendants_it() {
        if d.is_text() {
            if let Some(t) = meta::clean(&d.text()) {
                len += t.chars().count();
                if len > max {
                    return None;
                }
                pieces.push(t);
            }
        }
    }
    Some(pieces.join(" · "))
}

fn next_element<'a>(node: &NodeRef<'a>) -> Option<NodeRef<'a>> {
    let mut next = node.next_sibling();
    while let Some(n) = next {
        if n.is_element() {
            return Some(n);
        }
        next = n.next_sibling();
    }
    None
}

fn link_density(node: &NodeRef) -> f64 {
    let all = node.text().chars().filter(|c| !c.is_whitespace()).count();
    if all == 0 {
        return 0.0;
    }
    let linked: usize = node
        .descendants_it()
        .filter(|d| name_in(d, &["a"]))
        .map(|a| a.text().chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    linked as f64 / all as f64
}

const SHARE_WORDS: &[&str] = &[
    "share",
    "share this",
    "share this article",
    "share this story",
    "share article",
    "share on",
    "shares",
    "tweet",
    "post",
    "email",
    "e-mail",
    "mail",
    "print",
    "copy",
    "copy link",
    "link copied",
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "whatsapp",
    "telegram",
    "reddit",
    "pinterest",
    "messenger",
    "viber",
    "threads",
    "bluesky",
    "mastodon",
    "vk",
    "flipboard",
    "comments",
    "comment",
    "follow us",
    "follow",
    "save",
    "listen",
    "listen to this article",
    "gift this article",
];

const LABELS: &[&str] = &[
    "advertisement",
    "advertising",
    "ad",
    "sponsored",
    "sponsored content",
    "skip to content",
    "skip to main content",
    "read more",
    "continue reading",
    "read next",
    "related",
    "related articles",
    "related stories",
    "related news",
    "related posts",
    "more stories",
    "more from",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "most read",
    "most popular",
    "trending",
    "tags",
    "topics",
    "subscribe",
    "sign up",
    "back to top",
];

/// A short text that is only a reading time, a view count, share button
/// labels, a label such as "Advertisement", or several of them joined by
/// separators ("4 min read · 11 Views").
pub(crate) fn is_cruft_text(text: &str) -> bool {
    let lower = text.to_lowercase();
    let pieces: Vec<&str> = lower
        .split(['·', '|', '•', '/', '—', '–', '\u{2022}'])
        .flat_map(|p| p.split(" - "))
        .map(|p| p.trim_matches(|c: char| c.is_whitespace() || c == ':' || c == ','))
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.is_empty() {
        return false;
    }
    // "Share Tweet Email" in one text node.
    if pieces.iter().flat_map(|p| p.split_whitespace()).all(|w| {
        SHARE_WORDS.contains(&w) || matches!(w, "this" | "on" | "via" | "article" | "story")
    }) {
        return true;
    }
    pieces.iter().all(|p| {
        is_reading_time(p)
            || is_view_count(p)
            || LABELS.contains(p)
            || SHARE_WORDS.contains(p)
            || share_on(p)
    })
}

fn share_on(p: &str) -> bool {
    [
        "share on ",
        "share via ",
        "share to ",
        "share with ",
        "follow us on ",
    ]
    .iter()
    .any(|prefix| {
        p.strip_prefix(prefix)
            .is_some_and(|rest| SHARE_WORDS.contains(&rest))
    })
}

/// "4 min read", "4-minute read", "reading time: 4 minutes", "5 mins".
fn is_reading_time(p: &str) -> bool {
    let p = p
        .strip_prefix("reading time")
        .or_else(|| p.strip_prefix("read time"))
        .or_else(|| p.strip_prefix("estimated reading time"))
        .unwrap_or(p)
        .trim_start_matches([':', ' '])
        .trim_start_matches("about ")
        .trim_start_matches("approx. ")
        .trim_start_matches("~");
    let (number, rest) = split_number(p);
    if number.is_empty() {
        return false;
    }
    let rest = rest.trim_start_matches(['-', ' ', '\u{a0}']);
    let rest = ["minutes", "minute", "mins", "min.", "min"]
        .iter()
        .find_map(|u| rest.strip_prefix(u));
    rest.is_some_and(|r| matches!(r.trim(), "" | "read" | "reading" | "to read" | "of reading"))
}

/// "11 views", "1.2k views", "views: 1,024", "👁 530".
fn is_view_count(p: &str) -> bool {
    let p = p.trim_start_matches(['👁', '\u{fe0f}', ' ']);
    if let Some(rest) = ["views", "view", "reads", "visits"]
        .iter()
        .find_map(|w| p.strip_prefix(w))
    {
        let (n, tail) = split_number(rest.trim_start_matches([':', ' ']));
        return !n.is_empty() && tail.trim().is_empty();
    }
    let (n, rest) = split_number(p);
    if n.is_empty() {
        return false;
    }
    let rest = rest.trim_start_matches(['k', 'm', 'K', 'M']).trim();
    rest.is_empty() && p.starts_with('👁')
        || matches!(rest, "views" | "view" | "reads" | "visits" | "times viewed")
}

/// Splits a leading number (digits with `,` `.` or spaces inside) off `p`.
fn split_number(p: &str) -> (&str, &str) {
    let end = p
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || (*i > 0 && matches!(c, ',' | '.' | '\u{a0}' | '\u{202f}'))
        })
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let number = p[..end].trim_end_matches([',', '.']);
    (number, &p[number.len()..])
}

fn is_related_heading(text: &str) -> bool {
    let t = text.to_lowercase();
    let t = t.trim_end_matches([':', '.']).trim();
    LABELS.contains(&t)
        || t.starts_with("related ")
        || t.starts_with("more from ")
        || t.starts_with("more on ")
        || t.starts_with("read also")
        || t.starts_with("also read")
        || t.starts_with("see also")
}

/// Makes the Markdown one the loader reads as intended: no HTML at all
/// (the serialiser escapes the page's text, but a `<br>` can come out of
/// link bodies), no more than one blank line in a row, a final newline.
fn tidy(md: &str) -> String {
    let mut text = md.replace("<br>", " ");
    // Whatever the parser would still read as HTML is escaped, one
    // offending `<` at a time (bounded: each pass escapes one).
    for _ in 0..1000 {
        let html_at = Parser::new_ext(&text, Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
            .find_map(|(event, range)| {
                matches!(event, Event::Html(_) | Event::InlineHtml(_))
                    .then(|| text[range.clone()].find('<').map(|i| range.start + i))
                    .flatten()
            });
        match html_at {
            Some(i) => text.insert(i, '\\'),
            None => break,
        }
    }
    let mut out = String::with_capacity(text.len() + 1);
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end_matches([' ', '\t']);
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_times_view_counts_and_share_rows_are_cruft() {
        for t in [
            "4 min read",
            "4 MIN READ",
            "4-minute read",
            "Reading time: 6 minutes",
            "11 Views",
            "1,204 views",
            "Views: 530",
            "4 min read · 11 Views",
            "Share",
            "Share on Facebook",
            "Facebook Twitter WhatsApp",
            "Facebook | X | Email",
            "Advertisement",
            "Related articles",
            "Share this article",
        ] {
            assert!(is_cruft_text(t), "{t}");
        }
        for t in [
            "The talks lasted 5 minutes.",
            "He read for 4 minutes before the vote.",
            "Views differ on the plan.",
            "Share prices fell.",
            "11 people were hurt",
            "Twitter users were quick to respond",
            "2025",
        ] {
            assert!(!is_cruft_text(t), "{t}");
        }
    }

    #[test]
    fn markdown_is_never_read_as_html() {
        let out = tidy("A <b>bold</b> claim\n\n<div>x</div>\n");
        for (event, _) in Parser::new(&out).into_offset_iter() {
            assert!(
                !matches!(event, Event::Html(_) | Event::InlineHtml(_)),
                "{out}"
            );
        }
        assert!(out.contains("claim"), "{out}");
        assert_eq!(tidy("a  \n\n\n\nb"), "a\n\nb\n");
    }

    #[test]
    fn a_form_wrapping_the_whole_page_keeps_the_article() {
        let para = "The talks in Moscow ended on Tuesday without agreement, officials said. ";
        let html = format!(
            "<html><body><form id=\"aspnetForm\"><nav><a href=\"/\">Home</a></nav>\
             <div class=\"content\"><h1>Talks</h1><p>{}</p><p>{}</p></div>\
             <form class=\"search\"><p>Search the site for more</p></form></form></body></html>",
            para.repeat(4),
            para.repeat(3)
        );
        let md = markdown(Document::from(html), None).unwrap();
        assert!(md.contains("The talks in Moscow ended"), "{md}");
        assert!(
            !md.contains("Home") && !md.contains("Search the site"),
            "{md}"
        );
    }

    #[test]
    fn links_lead_to_the_web_or_become_text() {
        let base = Url::parse("https://news.example/world/").unwrap();
        assert_eq!(
            link_target("../about", Some(&base)).as_deref(),
            Some("https://news.example/about")
        );
        assert_eq!(link_target("#top", Some(&base)), None);
        assert_eq!(link_target("javascript:void(0)", Some(&base)), None);
        assert_eq!(link_target("mailto:a@b.c", Some(&base)), None);
        assert_eq!(link_target("/relative", None), None);
        assert_eq!(
            link_target(
                "/web/20251203101500/https://other.example/x",
                Url::parse("https://web.archive.org/web/20251203101500/https://news.example/")
                    .ok()
                    .as_ref()
            )
            .as_deref(),
            Some("https://other.example/x")
        );
    }
}
