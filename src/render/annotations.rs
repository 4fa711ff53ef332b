//! `annotations.jsonld`: every piece of published evidence as a W3C Web
//! Annotation (<https://www.w3.org/TR/annotation-model/>), so annotation
//! tools can load the fact-check.
//!
//! `annotations.jsonld` is an `AnnotationCollection` with the `total` and
//! the `first` and `last` of its pages, `annotations/N.jsonld`: each an
//! `AnnotationPage` of at most [`PER_PAGE`] annotations with `partOf`,
//! `startIndex`, `prev` and `next`, so no file is larger than a few hundred
//! KB whatever the size of the site. Each annotation:
//!
//! - `target.source`: the article's original `url` when the article has
//!   one, else its page on this site;
//! - `target.selector`: a `TextQuoteSelector` (`exact` is the passage the
//!   quote matched, as it reads in the article; `prefix`/`suffix` are up to
//!   `CONTEXT_CHARS` characters around it) and a `TextPositionSelector`
//!   (`start`/`end` count Unicode code points into the article's text as
//!   crosscheck extracts it: markdown removed, blocks separated by a blank
//!   line);
//! - `body`: a plain-text comment naming the stance, the claim and its
//!   verdict; `stance:…`, `verdict:…` and `assessment:…` tags; a link to the claim page;
//!   the evidence note, when there is one, as markdown.
//!
//! Ids and links are relative to the file that holds them unless
//! `base_url` is absolute.

#[cfg(test)]
use serde::Serialize;
use serde_json::json;

use crate::pipeline::site::Site;
use crate::shallow_json;
use crate::url::absolute_url;

/// How deep a page is pretty-printed: each annotation is one line.
const ANNOTATIONS_DEPTH: usize = 2;

/// Annotations per page: about 1 KB each, so a page is about 250 KB.
pub const PER_PAGE: usize = 250;

/// Where page `n` (from 1) of the collection is, relative to the root.
pub(crate) fn page_path(n: usize) -> String {
    format!("annotations/{n}.jsonld")
}

/// How many pages the site's annotations take.
pub fn page_count(site: &Site) -> usize {
    evidence_count(site).div_ceil(PER_PAGE)
}

fn evidence_count(site: &Site) -> usize {
    site.graph.evidence.iter().map(Vec::len).sum()
}

/// A link to `path` (relative to the root) from a file `depth` folders
/// below it: absolute when `base_url` is.
fn link_from(site: &Site, depth: usize, path: &str) -> String {
    absolute_url(&site.config.base_url, path)
        .unwrap_or_else(|| format!("{}{path}", "../".repeat(depth)))
}

/// How many characters of context the quote selector carries each side.
pub(crate) const CONTEXT_CHARS: usize = 32;

/// The `n` characters of `text` that end at byte `end`.
fn chars_before(text: &str, end: usize, n: usize) -> &str {
    let head = &text[..end];
    let start = head
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if n == 0 { "" } else { &head[start..] }
}

/// The `n` characters of `text` that start at byte `start`.
fn chars_after(text: &str, start: usize, n: usize) -> &str {
    let tail = &text[start..];
    let end = tail.char_indices().nth(n).map_or(tail.len(), |(i, _)| i);
    &tail[..end]
}

// One annotation, written straight from borrowed data rather than built as a
// `serde_json::Value` first (building and dropping that tree was half of this file's
// cost), and by hand rather than by serde (`write_json`; the serde shape is the test's
// reference). Fields are in alphabetical order, as a `Value` map would write them.
#[cfg_attr(test, derive(Serialize))]
struct Annotation<'a> {
    body: Vec<Body<'a>>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    created: Option<String>,
    creator: Creator<'a>,
    id: String,
    motivation: &'static str,
    target: Target<'a>,
    #[cfg_attr(test, serde(rename = "type"))]
    kind: &'static str,
}

/// The fields of every kind of body an annotation carries, those a kind
/// lacks left out.
#[cfg_attr(test, derive(Serialize))]
struct Body<'a> {
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    format: Option<&'static str>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    language: Option<&'a str>,
    purpose: &'static str,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    source: Option<String>,
    #[cfg_attr(test, serde(rename = "type"))]
    kind: &'static str,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    value: Option<String>,
}

impl Default for Body<'_> {
    fn default() -> Self {
        Body {
            format: None,
            language: None,
            purpose: "",
            source: None,
            kind: "TextualBody",
            value: None,
        }
    }
}

#[cfg_attr(test, derive(Serialize))]
struct Creator<'a> {
    name: &'a str,
    #[cfg_attr(test, serde(rename = "type"))]
    kind: &'static str,
}

#[cfg_attr(test, derive(Serialize))]
struct Target<'a> {
    selector: (QuoteSelector<'a>, PositionSelector),
    source: String,
}

#[cfg_attr(test, derive(Serialize))]
struct QuoteSelector<'a> {
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    #[cfg_attr(test, serde(rename = "type"))]
    kind: &'static str,
}

#[cfg_attr(test, derive(Serialize))]
struct PositionSelector {
    end: usize,
    start: usize,
    #[cfg_attr(test, serde(rename = "type"))]
    kind: &'static str,
}

impl Annotation<'_> {
    /// The bytes `serde_json::to_string` makes of the annotation, written
    /// eight bytes at a time where it can (see [`shallow_json::write_str`]):
    /// this file repeats every quote with its context.
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut a = shallow_json::Object::new(out);
        let body = a.key("body");
        body.push(b'[');
        for (i, b) in self.body.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            shallow_json::Object::new(body)
                .opt_str("format", b.format)
                .opt_str("language", b.language)
                .str("purpose", b.purpose)
                .opt_str("source", b.source.as_deref())
                .str("type", b.kind)
                .opt_str("value", b.value.as_deref())
                .end();
        }
        body.push(b']');
        a.opt_str("created", self.created.as_deref());
        shallow_json::Object::new(a.key("creator"))
            .str("name", self.creator.name)
            .str("type", self.creator.kind)
            .end();
        a.str("id", &self.id).str("motivation", self.motivation);
        let target = a.key("target");
        let mut t = shallow_json::Object::new(target);
        let selector = t.key("selector");
        let (quote, position) = &self.target.selector;
        selector.push(b'[');
        shallow_json::Object::new(selector)
            .str("exact", quote.exact)
            .str("prefix", quote.prefix)
            .str("suffix", quote.suffix)
            .str("type", quote.kind)
            .end();
        selector.push(b',');
        shallow_json::Object::new(selector)
            .num("end", position.end)
            .num("start", position.start)
            .str("type", position.kind)
            .end();
        selector.push(b']');
        t.str("source", &self.target.source).end();
        a.str("type", self.kind).end();
    }
}

/// `annotations.jsonld`: the collection, naming its pages.
pub(crate) fn collection_jsonld(site: &Site) -> String {
    let link = |path: &str| link_from(site, 0, path);
    let pages = page_count(site);
    let mut collection = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": link("annotations.jsonld"),
        "type": "AnnotationCollection",
        "label": format!("{}: evidence", site.config.title),
        "total": evidence_count(site),
    });
    if pages > 0 {
        collection["first"] = link(&page_path(1)).into();
        collection["last"] = link(&page_path(pages)).into();
    }
    let mut out = shallow_json::to_string(&collection, 1);
    out.push('\n');
    out
}

/// Page `n` (from 1) of the collection, one annotation per line.
pub(crate) fn page_jsonld(site: &Site, n: usize) -> String {
    page(site, n, |a, out| a.write_json(out))
}

/// [`page_jsonld`], each annotation written (on one line) by `write`.
fn page(site: &Site, n: usize, write: impl Fn(&Annotation, &mut Vec<u8>) + Sync) -> String {
    let mut out = Vec::new();
    write_page(site, n, &mut out, write).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

fn write_page(
    site: &Site,
    n: usize,
    w: &mut impl std::io::Write,
    write: impl Fn(&Annotation, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    // Pages sit one folder below the root.
    let link = |path: &str| link_from(site, 1, path);
    let creator = site
        .config
        .publisher
        .as_deref()
        .unwrap_or(&site.config.title);
    let start = (n - 1) * PER_PAGE;
    let evidence: Vec<(usize, &crate::pipeline::graph::EvidenceRef)> = site
        .graph
        .evidence
        .iter()
        .enumerate()
        .flat_map(|(ci, refs)| refs.iter().map(move |r| (ci, r)))
        .skip(start)
        .take(PER_PAGE)
        .collect();
    // Each annotation is serialised as soon as it is built, a batch at a
    // time in parallel, so the whole collection never exists as a `Value`
    // tree (several times the size of the file).
    let annotation_item = |i: usize| {
        let (ci, r) = evidence[i];
        let claim = &site.claims[ci];
        let claim_path = format!("claims/{}/", claim.id);
        let article = site.article(r.article);
        let doc = site.doc(r.article);
        let ev = &claim.evidence[r.evidence];
        let text = &doc.text;
        let exact = &text[r.quote_start..r.quote_end];
        let start = text[..r.quote_start].chars().count();
        let end = start + exact.chars().count();
        let source = article
            .url
            .as_deref()
            .and_then(crate::url::safe_href)
            .unwrap_or_else(|| link(&format!("articles/{}/", article.id)));
        let strings = &site.config.strings;
        let comment = crate::i18n::fill(
            strings.get("annotation.comment"),
            &[
                ("stance", strings.get2("stance", ev.stance.as_str())),
                ("claim", &claim.text),
                ("verdict", strings.get2("verdict", claim.verdict.as_str())),
            ],
        );
        let mut body = vec![
            Body {
                format: Some("text/plain"),
                language: Some(&site.config.language),
                purpose: "assessing",
                value: Some(comment),
                ..Body::default()
            },
            Body {
                purpose: "tagging",
                value: Some(format!("stance:{}", ev.stance.as_str())),
                ..Body::default()
            },
            Body {
                purpose: "tagging",
                value: Some(format!("verdict:{}", claim.verdict.as_str())),
                ..Body::default()
            },
            Body {
                purpose: "tagging",
                value: Some(format!("assessment:{}", r.assessment.as_str())),
                ..Body::default()
            },
            Body {
                purpose: "linking",
                source: Some(link(&claim_path)),
                kind: "SpecificResource",
                ..Body::default()
            },
        ];
        if let Some(note) = &ev.note {
            body.push(Body {
                format: Some("text/markdown"),
                purpose: "commenting",
                value: Some(note.clone()),
                ..Body::default()
            });
        }
        let annotation = Annotation {
            body,
            created: claim
                .reviewed
                .as_ref()
                .map(|date| format!("{date}T00:00:00Z")),
            creator: Creator {
                name: creator,
                kind: "Organization",
            },
            id: link(&format!("{claim_path}#ev-{}", r.evidence + 1)),
            motivation: "assessing",
            target: Target {
                selector: (
                    QuoteSelector {
                        exact,
                        prefix: chars_before(text, r.quote_start, CONTEXT_CHARS),
                        suffix: chars_after(text, r.quote_end, CONTEXT_CHARS),
                        kind: "TextQuoteSelector",
                    },
                    PositionSelector {
                        end,
                        start,
                        kind: "TextPositionSelector",
                    },
                ),
                source,
            },
            kind: "Annotation",
        };
        // An element of `items`, an array two levels deep: below
        // ANNOTATIONS_DEPTH, so on one line.
        let mut out = Vec::with_capacity(1024);
        write(&annotation, &mut out);
        out
    };
    let pages = page_count(site);
    let mut page = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": link(&page_path(n)),
        "type": "AnnotationPage",
        "partOf": link("annotations.jsonld"),
        "startIndex": start,
    });
    if n > 1 {
        page["prev"] = link(&page_path(n - 1)).into();
    }
    if n < pages {
        page["next"] = link(&page_path(n + 1)).into();
    }
    page["items"] = json!([]);
    let skeleton = shallow_json::to_string(&page, ANNOTATIONS_DEPTH);
    // Splice the items in where serde_json wrote the empty array: the one
    // `"items": []` among the page's keys (a string value cannot hold it:
    // its quotes would be escaped).
    let marker = "\n  \"items\": []";
    let at = skeleton.find(marker).expect("the page has an items key") + marker.len() - 2;
    w.write_all(&skeleton.as_bytes()[..at])?;
    shallow_json::write_array(w, evidence.len(), 2, annotation_item)?;
    w.write_all(&skeleton.as_bytes()[at + 2..])?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_the_bytes_serde_json_makes_of_them() {
        let mut annotations = 0;
        let (projects, _hazards) = crate::render::test_projects();
        for root in projects {
            let (site, diags) = crate::pipeline::site::compile(
                &root,
                crate::pipeline::site::BuildOptions::default(),
            );
            let site = site
                .filter(|_| !diags.has_errors())
                .unwrap_or_else(|| panic!("{}: {diags:?}", root.display()));
            for n in 1..=page_count(&site) {
                let by_serde = page(&site, n, |a, out| {
                    shallow_json::write_item(out, a, 2, ANNOTATIONS_DEPTH).unwrap();
                });
                assert_eq!(page_jsonld(&site, n), by_serde, "{}", root.display());
            }
            annotations += evidence_count(&site);
        }
        assert!(annotations > 50, "{annotations}");
    }

    #[test]
    fn context_counts_characters_not_bytes() {
        let t = "ééé quote ààà";
        let start = t.find("quote").unwrap();
        let end = start + "quote".len();
        assert_eq!(chars_before(t, start, 2), "é ");
        assert_eq!(chars_after(t, end, 2), " à");
        assert_eq!(chars_before(t, start, 100), "ééé ");
        assert_eq!(chars_after(t, end, 100), " ààà");
        assert_eq!(chars_before(t, start, 0), "");
    }
}
