//! Markdown the content holds (claim summaries, notes, pages) made into
//! HTML for pages and feeds alike: `claim:ID` and `[^N]` links resolved
//! ([`Markdown`]), then made safe ([`crate::safe_markdown`], then ammonia).
//! Below both [`crate::render`] and [`crate::render::feeds`], so the feeds need
//! nothing from the page renderer.

use crate::pipeline::site::Site;

/// Markdown from the claims file, rendered and sanitised: Markdown only
/// (raw HTML is shown as text, images become links, nesting is bounded:
/// see [`crate::safe_markdown`]), then ammonia as a second line of
/// defence.
#[cfg(test)]
pub(crate) fn markdown_html(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, crate::safe_markdown::events(md));
    sanitise(&html)
}

/// The second fence after Markdown: links and emphasis survive, scripts
/// and handlers do not.
fn sanitise(html: &str) -> String {
    // A sanitiser's configuration is a set of tables (allowed tags,
    // attributes, URL schemes) that took half of this function's time to
    // build; it never changes, so it is built once.
    static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut b = ammonia::Builder::default();
            b.link_rel(Some("nofollow noopener noreferrer"));
            // Markdown images are links by now; no image is ever loaded.
            b.rm_tags(["img"]);
            b
        });
    SANITISER.clean(html).to_string()
}

/// Where links in the content's Markdown lead: `[text](claim:ID)` to
/// that claim's page, `[^N]` to the N-th entry of the claim's Sources list.
#[derive(Debug, Clone)]
pub(crate) struct Markdown {
    /// From the page to the site root (`../../`, or an absolute base URL).
    root: String,
    /// The page holding the Sources list that `[^N]` cites, relative to
    /// the page (`""` on the claim page itself); `None` where there is no
    /// such list, and citations stay as text.
    sources: Option<String>,
}

impl Markdown {
    /// On a claim page: citations point into its own Sources list.
    pub(crate) fn for_claim_page(root: &str) -> Markdown {
        Markdown {
            root: root.to_string(),
            sources: Some(String::new()),
        }
    }

    /// On a page without sources.
    pub(crate) fn for_page(root: &str) -> Markdown {
        Markdown {
            root: root.to_string(),
            sources: None,
        }
    }

    /// Citations point to the Sources list on `page`.
    pub(crate) fn citing(mut self, page: String) -> Markdown {
        self.sources = Some(page);
        self
    }

    /// For the Markdown of claim `ci`, cited from a page other than its own.
    pub(crate) fn at_claim(&self, site: &Site, ci: usize) -> Markdown {
        Markdown {
            root: self.root.clone(),
            sources: Some(format!("{}claims/{}/", self.root, site.claims[ci].id)),
        }
    }
}

/// Markdown from the content, with its links resolved (see [`Markdown`])
/// and made safe as [`markdown_html`] does.
pub(crate) fn markdown(md: &str, links: &Markdown) -> String {
    use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
    // `[^N]` becomes a link to `source:N` first, so the parser sees it
    // where CommonMark sees a link (not in code spans).
    let mut text = String::with_capacity(md.len() + 16);
    let mut last = 0;
    for (n, range) in crate::pipeline::content::citations(md) {
        text.push_str(&md[last..range.start]);
        text.push_str(&format!("[{n}](source:{n})"));
        last = range.end;
    }
    text.push_str(&md[last..]);
    // The generator's own link targets become ordinary relative links
    // before the safety filter sees them: `claim:ID` the claim's page,
    // `source:N` the Sources entry (or plain text where there is none).
    let mut in_citation: Vec<bool> = Vec::new();
    let resolved = pulldown_cmark::Parser::new(&text).filter_map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let citation = dest_url.starts_with("source:");
            in_citation.push(citation);
            let dest_url = if let Some(n) = dest_url.strip_prefix("source:") {
                match &links.sources {
                    Some(page) => CowStr::from(format!("{page}#source-{n}")),
                    None => return None,
                }
            } else if let Some(id) = dest_url.strip_prefix("claim:") {
                CowStr::from(format!("{}claims/{id}/", links.root))
            } else {
                dest_url
            };
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => match in_citation.pop() {
            Some(true) if links.sources.is_none() => None,
            _ => Some(Event::End(TagEnd::Link)),
        },
        // A citation's text is its number: shown as [N].
        Event::Text(t) if in_citation.last() == Some(&true) => {
            Some(Event::Text(CowStr::from(format!("[{t}]"))))
        }
        e => Some(e),
    });
    // Citations are superscript; the filter has turned any raw HTML of the
    // content into text by then, so only these tags are markup.
    let mut citation_links: Vec<bool> = Vec::new();
    let events = crate::safe_markdown::filter(resolved).flat_map(|event| {
        let out: Vec<Event> = match event {
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let cite = dest_url.contains("#source-");
                citation_links.push(cite);
                if cite {
                    vec![Event::Html(CowStr::from("<sup>")), event]
                } else {
                    vec![event]
                }
            }
            Event::End(TagEnd::Link) => {
                if citation_links.pop() == Some(true) {
                    vec![event, Event::Html(CowStr::from("</sup>"))]
                } else {
                    vec![event]
                }
            }
            e => vec![e],
        };
        out
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    sanitise(&html)
}
