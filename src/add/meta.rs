//! A page's metadata: Open Graph and other `<meta>` tags, schema.org
//! JSON-LD, the canonical link and `<title>`; and archive snapshot URLs
//! (Wayback Machine, archive.today), which name the original page.

use dom_query::Document;
use serde_json::Value;
use url::Url;

/// What the page says about itself, each value trimmed and with its white
/// space collapsed; `None` when the page does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub site_name: Option<String>,
    pub author: Option<String>,
    /// As written: an ISO 8601 date or date-time, or anything else.
    pub published: Option<String>,
    /// `<link rel="canonical">`, else `og:url`, else JSON-LD `url`: absolute.
    pub canonical: Option<String>,
    /// A Wayback page's own record of what it archived, from the script
    /// the Wayback Machine inserts: (original URL, timestamp).
    pub wayback: Option<(String, String)>,
}

/// The JSON-LD types that describe an article.
const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "SocialMediaPosting",
];

pub(crate) fn read(doc: &Document, base: Option<&Url>) -> Meta {
    let meta = |attr: &str, key: &str| -> Option<String> {
        doc.select("meta").iter().find_map(|m| {
            let k = m.attr(attr)?;
            if !k.eq_ignore_ascii_case(key) {
                return None;
            }
            clean(&m.attr("content")?)
        })
    };
    let ld = json_ld(doc);
    let title = meta("property", "og:title")
        .or_else(|| ld.as_ref().and_then(|a| a.headline.clone()))
        .or_else(|| meta("name", "twitter:title"))
        .or_else(|| doc.select("title").iter().find_map(|t| clean(&t.text())))
        .or_else(|| doc.select("h1").iter().find_map(|t| clean(&t.text())));
    let site_name = meta("property", "og:site_name")
        .or_else(|| ld.as_ref().and_then(|a| a.publisher.clone()))
        .or_else(|| meta("name", "application-name"));
    let author = ld
        .as_ref()
        .and_then(|a| a.author.clone())
        .or_else(|| meta("name", "author"))
        .or_else(|| meta("property", "article:author").filter(|a| !is_url_like(a)))
        .or_else(|| meta("name", "dc.creator"))
        .or_else(|| byline(doc))
        .and_then(|a| clean_author(&a));
    let published = meta("property", "article:published_time")
        .or_else(|| ld.as_ref().and_then(|a| a.published.clone()))
        .or_else(|| meta("itemprop", "datePublished"))
        .or_else(|| meta("name", "date"))
        .or_else(|| meta("name", "dc.date.issued"));
    let canonical = doc
        .select("link[rel]")
        .iter()
        .find(|l| {
            l.attr("rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|l| l.attr("href"))
        .and_then(|h| absolute(&h, base))
        .or_else(|| meta("property", "og:url").and_then(|u| absolute(&u, base)))
        .or_else(|| {
            ld.as_ref()
                .and_then(|a| a.url.as_deref())
                .and_then(|u| absolute(u, base))
        });
    let mut title = title;
    if let (Some(t), Some(site)) = (&title, &site_name) {
        title = Some(strip_site_suffix(t, site));
    }
    Meta {
        title,
        site_name,
        author,
        published,
        canonical,
        wayback: wombat(doc),
    }
}

/// The first JSON-LD article on the page.
#[derive(Debug, Default)]
struct LdArticle {
    headline: Option<String>,
    publisher: Option<String>,
    author: Option<String>,
    published: Option<String>,
    url: Option<String>,
}

fn json_ld(doc: &Document) -> Option<LdArticle> {
    for script in doc.select("script").iter() {
        let is_ld = script
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let text = script.text();
        let text = text
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>");
        // Pages often ship broken JSON-LD; it is one source among several.
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let mut nodes = Vec::new();
        flatten(&value, &mut nodes);
        let lookup = |v: &Value| -> Value {
            // `{"@id": "…"}` points at another node of the graph.
            match v.get("@id").and_then(Value::as_str) {
                Some(id) if v.as_object().is_some_and(|o| o.len() == 1) => nodes
                    .iter()
                    .find(|n| n.get("@id").and_then(Value::as_str) == Some(id))
                    .map(|n| (*n).clone())
                    .unwrap_or_else(|| v.clone()),
                _ => v.clone(),
            }
        };
        let Some(article) = nodes.iter().find(|n| has_type(n, ARTICLE_TYPES)) else {
            continue;
        };
        let string = |key: &str| article.get(key).and_then(Value::as_str).and_then(clean);
        let names = |v: &Value| -> Option<String> {
            let list: Vec<String> = match v {
                Value::Array(items) => items.iter().filter_map(|i| name_of(&lookup(i))).collect(),
                other => name_of(&lookup(other)).into_iter().collect(),
            };
            let mut unique: Vec<String> = Vec::new();
            for n in list {
                if !unique.contains(&n) {
                    unique.push(n);
                }
            }
            (!unique.is_empty()).then(|| unique.join(", "))
        };
        return Some(LdArticle {
            headline: string("headline").or_else(|| string("name")),
            publisher: article.get("publisher").and_then(names),
            author: article.get("author").and_then(names),
            published: string("datePublished"),
            url: string("url").or_else(|| {
                article
                    .get("mainEntityOfPage")
                    .and_then(|m| m.as_str().or_else(|| m.get("@id").and_then(Value::as_str)))
                    .and_then(clean)
            }),
        });
    }
    None
}

fn flatten<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        Value::Object(o) => {
            out.push(v);
            if let Some(graph) = o.get("@graph") {
                flatten(graph, out);
            }
        }
        _ => {}
    }
}

fn has_type(v: &Value, types: &[&str]) -> bool {
    let matches = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        types.contains(&t)
    };
    match v.get("@type") {
        Some(Value::String(t)) => matches(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Object(o) => o.get("name").and_then(Value::as_str).and_then(clean),
        _ => None,
    }
}

/// A byline printed on the page (`rel="author"`, `itemprop="author"`, a
/// `byline` class), for pages whose metadata names no author.
fn byline(doc: &Document) -> Option<String> {
    for sel in [
        "[itemprop=author] [itemprop=name]",
        "[itemprop=author]",
        "a[rel~=author]",
        ".byline .author",
        ".byline",
        ".author-name",
    ] {
        if let Some(text) = doc
            .select(sel)
            .iter()
            .find_map(|n| clean(&n.text()).filter(|t| t.chars().count() <= 100))
        {
            return Some(text);
        }
    }
    None
}

/// "By Jane Doe" → "Jane Doe"; refuses what is not a name.
fn clean_author(a: &str) -> Option<String> {
    let a = a.trim();
    let lower = a.to_lowercase();
    let a = if lower.starts_with("by ") {
        a[3..].trim()
    } else {
        a
    };
    (!a.is_empty() && !is_url_like(a) && a.chars().count() <= 200).then(|| a.to_string())
}

fn is_url_like(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("//")
}

/// `<title>Headline | Outlet</title>` → `Headline`.
fn strip_site_suffix(title: &str, site: &str) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some(head) = title.strip_suffix(site).and_then(|h| h.strip_suffix(sep)) {
            if !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
    }
    title.to_string()
}

/// Trims and collapses white space; `None` when nothing is left.
pub(crate) fn clean(s: &str) -> Option<String> {
    let out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!out.is_empty()).then_some(out)
}

fn absolute(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// `__wm.wombat("https://original/…","20251203101500", …)`, which the
/// Wayback Machine puts in every page it replays.
fn wombat(doc: &Document) -> Option<(String, String)> {
    doc.select("script").iter().find_map(|s| {
        let text = s.text();
        let at = text.find("__wm.wombat(")?;
        let mut rest = &text[at + "__wm.wombat(".len()..];
        let mut strings = Vec::new();
        for _ in 0..2 {
            rest = rest.trim_start().trim_start_matches(',').trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let end = rest[1..].find(quote)?;
            strings.push(rest[1..1 + end].to_string());
            rest = &rest[end + 2..];
        }
        let ts = strings.pop()?;
        let original = strings.pop()?;
        (ts.bytes().all(|b| b.is_ascii_digit()) && !ts.is_empty() && is_url_like(&original))
            .then_some((original, ts))
    })
}

/// An archive snapshot and the page it preserves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// The snapshot as readers should open it.
    pub archived: String,
    /// The archived page's own URL, when the snapshot's URL names it.
    pub original: Option<String>,
}

const ARCHIVE_TODAY_HOSTS: &[&str] = &[
    "archive.today",
    "archive.ph",
    "archive.is",
    "archive.li",
    "archive.vn",
    "archive.fo",
    "archive.md",
];

/// Recognises a Wayback Machine (`web.archive.org/web/TIMESTAMP/URL`) or
/// archive.today (`archive.ph/…`) snapshot URL.
pub(crate) fn snapshot(url: &str) -> Option<Snapshot> {
    let parsed = Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    // The original is everything after the timestamp, query included, as
    // written: not re-parsed through `parsed.path()`, which would merge
    // the two URLs' query strings.
    // ASCII lowercasing keeps byte offsets: the host is found in `url`
    // whatever its case.
    let at = url.to_ascii_lowercase().find(parsed.host_str()?)?;
    let after_host = &url[at + parsed.host_str()?.len()..];
    let after_host = after_host.trim_start_matches(|c: char| c == ':' || c.is_ascii_digit());
    if host == "web.archive.org" {
        let rest = after_host.strip_prefix("/web/")?;
        let (stamp, original) = rest.split_once('/')?;
        // `20251203101500id_`, `20251203101500if_`: replay modes of the
        // same capture.
        let ts: String = stamp.chars().take_while(char::is_ascii_digit).collect();
        if ts.is_empty() {
            return None;
        }
        let original = fix_collapsed_scheme(original);
        return Some(Snapshot {
            archived: format!("https://web.archive.org/web/{ts}/{original}"),
            original: is_url_like(&original).then_some(original),
        });
    }
    if ARCHIVE_TODAY_HOSTS.contains(&host) {
        let path = after_host.trim_start_matches('/');
        if path.is_empty() {
            return None;
        }
        // `archive.ph/2025.12.03-101500/https://…`, or a short id such as
        // `archive.ph/AbCdE`, which does not name the original.
        let original = path.split_once('/').and_then(|(stamp, rest)| {
            let rest = fix_collapsed_scheme(rest);
            (stamp.starts_with(|c: char| c.is_ascii_digit()) && is_url_like(&rest)).then_some(rest)
        });
        return Some(Snapshot {
            archived: url.to_string(),
            original,
        });
    }
    None
}

/// `https:/news.example/a` (slashes merged by some proxies and copy-paste)
/// → `https://news.example/a`; a bare `news.example/a` gets `http://`.
fn fix_collapsed_scheme(s: &str) -> String {
    for scheme in ["https:", "http:"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            return format!("{scheme}//{}", rest.trim_start_matches('/'));
        }
    }
    if s.contains('.') && !s.starts_with('/') {
        return format!("http://{s}");
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wayback_urls_name_the_original() {
        let s = snapshot("https://web.archive.org/web/20251203101500/https://news.example/a?b=1")
            .unwrap();
        assert_eq!(s.original.as_deref(), Some("https://news.example/a?b=1"));
        assert_eq!(
            s.archived,
            "https://web.archive.org/web/20251203101500/https://news.example/a?b=1"
        );
        // A replay mode and merged slashes come out as the plain snapshot.
        let s =
            snapshot("http://web.archive.org/web/20251203101500id_/https:/news.example/a").unwrap();
        assert_eq!(
            s.archived,
            "https://web.archive.org/web/20251203101500/https://news.example/a"
        );
        assert!(snapshot("https://web.archive.org/about/").is_none());
        assert!(snapshot("https://news.example/web/2025/x").is_none());
    }

    #[test]
    fn archive_today_long_form_names_the_original_and_short_ids_do_not() {
        let s = snapshot("https://archive.ph/2025.12.03-101500/https://news.example/a").unwrap();
        assert_eq!(s.original.as_deref(), Some("https://news.example/a"));
        let s = snapshot("https://archive.ph/AbCdE").unwrap();
        assert_eq!(s.archived, "https://archive.ph/AbCdE");
        assert_eq!(s.original, None);
    }

    #[test]
    fn metadata_prefers_open_graph_then_json_ld_then_the_title() {
        let html = r##"<html><head><title>Talks end | The Wire</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"Organization","@id":"#org","name":"The Wire Ltd"},
 {"@type":["NewsArticle"],"headline":"LD headline","datePublished":"2025-12-03T10:00:00Z",
  "publisher":{"@id":"#org"},"author":[{"@type":"Person","name":"Ann Lee"},{"name":"Bo Chan"}]}]}</script>
</head><body><h1>H1</h1></body></html>"##;
        let m = read(&Document::from(html), None);
        assert_eq!(m.title.as_deref(), Some("LD headline"));
        assert_eq!(m.site_name.as_deref(), Some("The Wire Ltd"));
        assert_eq!(m.author.as_deref(), Some("Ann Lee, Bo Chan"));
        assert_eq!(m.published.as_deref(), Some("2025-12-03T10:00:00Z"));
        let og = html.replace(
            "<title>",
            r#"<meta property="og:title" content=" OG   title "><meta property="og:site_name" content="Wire"><title>"#,
        );
        let m = read(&Document::from(og.as_str()), None);
        assert_eq!(m.title.as_deref(), Some("OG title"));
        assert_eq!(m.site_name.as_deref(), Some("Wire"));
        let bare = "<html><head><title>Talks end | The Wire</title>\
<meta property=\"og:site_name\" content=\"The Wire\"></head><body><p class=byline>By Cy Dee</p></body></html>";
        let m = read(&Document::from(bare), None);
        assert_eq!(m.title.as_deref(), Some("Talks end"));
        assert_eq!(m.author.as_deref(), Some("Cy Dee"));
    }

    #[test]
    fn broken_json_ld_is_skipped_not_fatal() {
        let html = r#"<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",}</script>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Second"}</script>"#;
        let m = read(&Document::from(html), None);
        assert_eq!(m.title.as_deref(), Some("Second"));
    }

    #[test]
    fn the_canonical_link_is_resolved_against_the_page() {
        let base = Url::parse("https://news.example/world/story?utm=x").unwrap();
        let html = r#"<link rel="canonical" href="/world/story"><meta property="og:url" content="https://other.example/">"#;
        let m = read(&Document::from(html), Some(&base));
        assert_eq!(
            m.canonical.as_deref(),
            Some("https://news.example/world/story")
        );
        let js = r#"<link rel="canonical" href="javascript:alert(1)">"#;
        assert_eq!(read(&Document::from(js), Some(&base)).canonical, None);
    }
}
