//! Discovery files: `sitemap.xml`, `robots.txt` and the Atom feed of
//! claims (`feed.xml`), plus the URL helpers the page heads use for
//! canonical and Open Graph links.
//!
//! Standards that require absolute URLs (sitemap `<loc>`, Atom `<id>`,
//! canonical, `og:url`, `og:image`) get them only when `base_url` in
//! site.toml is absolute (`https://…`). With a path such as the default
//! `/`, the sitemap is not written (a sitemap of relative URLs is invalid),
//! feed links stay relative to the feed (valid Atom: they resolve against
//! the feed's own address) and feed ids are stable `urn:uuid:` names
//! derived from the site title and the claim id.

use crate::i18n::fill;
use crate::pipeline::content::{Claim, Status};
use crate::pipeline::site::Site;
use crate::text::xml_escape;
use crate::url::{absolute_url, is_absolute};

/// Every HTML page of the site, as paths relative to the root, in a fixed
/// order: the index and the site-wide pages, articles, claims, outlets,
/// the desk's pages.
pub(crate) fn page_paths(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = [
        "",
        "articles/",
        "claims/",
        "outlets/",
        "disagreements/",
        "verdicts/",
        "corrections/",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    paths.extend(site.articles.iter().map(|a| format!("articles/{}/", a.id)));
    paths.extend(site.claims.iter().map(|c| format!("claims/{}/", c.id)));
    paths.extend(
        site.findings
            .outlets
            .iter()
            .map(|o| format!("outlets/{}/", o.id)),
    );
    paths.extend(site.pages.iter().map(|p| format!("pages/{}/", p.id)));
    paths
}

/// `sitemap.xml`, or `None` when `base_url` is not absolute.
pub(crate) fn sitemap(site: &Site) -> Option<String> {
    if !is_absolute(&site.config.base_url) {
        return None;
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let lastmod = |path: &str| -> Option<String> {
        let id = path.strip_prefix("claims/")?.strip_suffix('/')?;
        site.claims
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| {
                c.updates
                    .iter()
                    .map(|u| &u.date)
                    .max()
                    .or(c.reviewed.as_ref())
            })
            .cloned()
    };
    for path in page_paths(site) {
        let url = absolute_url(&site.config.base_url, &path).expect("base_url is absolute");
        out.push_str("<url><loc>");
        out.push_str(&xml_escape(&url));
        out.push_str("</loc>");
        if let Some(date) = lastmod(&path) {
            out.push_str("<lastmod>");
            out.push_str(&xml_escape(&date));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    Some(out)
}

/// `robots.txt`: everything may be crawled; names the sitemap when there
/// is one. (Crawlers read robots.txt only at a host's root.)
pub(crate) fn robots(site: &Site) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = absolute_url(&site.config.base_url, "sitemap.xml") {
        out.push_str(&format!("\nSitemap: {url}\n"));
    }
    out
}

/// An RFC 4122 version-5-shaped UUID from a hash of `name`: stable across
/// builds, distinct per site and claim.
fn stable_uuid(name: &str) -> String {
    let h = blake3::hash(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `YYYY-MM-DD` as an RFC 3339 timestamp at midnight UTC.
fn timestamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// Claims in the feed: those with a review date (every approved claim),
/// newest first, ties by id.
pub(crate) fn feed_claims(site: &Site) -> Vec<&Claim> {
    let mut claims: Vec<&Claim> = site
        .claims
        .iter()
        .filter(|c| c.reviewed.is_some() && c.status == Status::Approved)
        .collect();
    claims.sort_by(|a, b| b.reviewed.cmp(&a.reviewed).then_with(|| a.id.cmp(&b.id)));
    claims
}

/// How many of the newest reviewed claims the feed carries: a feed is read
/// for what is new, and every claim is on the site and in `data.json`.
pub(crate) const FEED_ENTRIES: usize = 100;

/// The Atom feed (RFC 4287) of the newest reviewed claims. `updated` is
/// the newest review date, never the clock, so rebuilds are byte-identical.
pub(crate) fn atom(site: &Site) -> String {
    let c = &site.config;
    let mut claims = feed_claims(site);
    claims.truncate(FEED_ENTRIES);
    let updated = claims
        .first()
        .and_then(|c| c.reviewed.as_deref())
        .or_else(|| {
            site.articles
                .iter()
                .filter_map(|a| a.published.as_deref())
                .max()
        })
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), timestamp);
    let author = c.publisher.as_deref().unwrap_or(&c.title);
    let link =
        |path: &str| absolute_url(&site.config.base_url, path).unwrap_or_else(|| path.to_string());
    let home = absolute_url(&site.config.base_url, "").unwrap_or_else(|| "./".to_string());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.language)
    ));
    out.push_str(&format!("<title>{}</title>\n", xml_escape(&c.title)));
    if let Some(d) = &c.description {
        out.push_str(&format!("<subtitle>{}</subtitle>\n", xml_escape(d)));
    }
    let feed_id = absolute_url(&site.config.base_url, "feed.xml")
        .unwrap_or_else(|| stable_uuid(&format!("crosscheck feed\n{}", c.title)));
    out.push_str(&format!("<id>{}</id>\n", xml_escape(&feed_id)));
    out.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&link("feed.xml"))
    ));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&home)
    ));
    out.push_str(&format!("<updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(author)
    ));
    out.push_str("<generator>crosscheck</generator>\n");
    for claim in claims {
        let path = format!("claims/{}/", claim.id);
        let id = absolute_url(&site.config.base_url, &path).unwrap_or_else(|| {
            stable_uuid(&format!("crosscheck claim\n{}\n{}", c.title, claim.id))
        });
        let date = timestamp(claim.reviewed.as_deref().expect("feed claims are reviewed"));
        let strings = &c.strings;
        let esc = crate::text::escape_html;
        let verdict = strings.get2("verdict", claim.verdict.as_str());
        let verdict_line = esc(&fill(strings.get("feed.verdict"), &[("verdict", verdict)]));
        let mut html = match claim.verdict.rating() {
            Some(r) => format!(
                "<p><strong>{verdict_line}</strong> {}.</p>",
                esc(&fill(
                    strings.get("feed.rating"),
                    &[("rating", &r.to_string())]
                ))
            ),
            None => format!("<p><strong>{verdict_line}</strong>.</p>"),
        };
        if let Some(summary) = &claim.summary {
            html.push_str(&crate::markdown::markdown(
                summary,
                &feed_links(site, claim),
            ));
        }
        if let Some(reviewer) = &claim.reviewer {
            html.push_str(&format!(
                "<p>{}</p>",
                esc(&fill(
                    strings.get("claim.reviewed_by"),
                    &[("reviewer", reviewer)]
                ))
            ));
        }
        out.push_str("<entry>\n");
        out.push_str(&format!("<title>{}</title>\n", xml_escape(&claim.text)));
        out.push_str(&format!("<id>{}</id>\n", xml_escape(&id)));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&link(&path))
        ));
        out.push_str(&format!(
            "<link rel=\"enclosure\" type=\"image/png\" href=\"{}\"/>\n",
            xml_escape(&link(&format!("{path}card.png")))
        ));
        out.push_str(&format!("<published>{date}</published>\n"));
        out.push_str(&format!("<updated>{date}</updated>\n"));
        out.push_str(&format!(
            "<category term=\"{}\" label=\"{}\"/>\n",
            xml_escape(claim.verdict.as_str()),
            xml_escape(verdict)
        ));
        out.push_str(&format!(
            "<summary>{}: {}</summary>\n",
            xml_escape(verdict),
            xml_escape(&claim.text)
        ));
        out.push_str(&format!(
            "<content type=\"html\">{}</content>\n",
            xml_escape(&html)
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Links in a feed entry's Markdown: absolute when the site has an
/// absolute `base_url`, else relative to the feed at the site root.
fn feed_links(site: &Site, claim: &Claim) -> crate::markdown::Markdown {
    let root = absolute_url(&site.config.base_url, "").unwrap_or_default();
    crate::markdown::Markdown::for_page(&root).citing(format!("{root}claims/{}/", claim.id))
}

/// The Atom feed of corrections and updates (`corrections.xml`): one entry
/// per `[[claim.update]]` of a published claim, newest first. Like
/// `feed.xml`, its dates come from the content, never the clock.
pub(crate) fn corrections_atom(site: &Site) -> String {
    let c = &site.config;
    let link =
        |path: &str| absolute_url(&site.config.base_url, path).unwrap_or_else(|| path.to_string());
    let mut entries: Vec<(&Claim, usize)> = site
        .claims
        .iter()
        .flat_map(|claim| (0..claim.updates.len()).map(move |k| (claim, k)))
        .collect();
    entries.sort_by(|a, b| {
        b.0.updates[b.1]
            .date
            .cmp(&a.0.updates[a.1].date)
            .then_with(|| a.0.id.cmp(&b.0.id))
            .then(b.1.cmp(&a.1))
    });
    entries.truncate(FEED_ENTRIES);
    let updated = entries
        .first()
        .map(|(claim, k)| claim.updates[*k].date.as_str())
        .or(c.as_of.as_deref())
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), timestamp);
    let author = c.publisher.as_deref().unwrap_or(&c.title);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.language)
    ));
    out.push_str(&format!(
        "<title>{}</title>\n",
        xml_escape(&fill(
            c.strings.get("footer.corrections_feed_title"),
            &[("site", &c.title)]
        ))
    ));
    let feed_id = absolute_url(&site.config.base_url, "corrections.xml")
        .unwrap_or_else(|| stable_uuid(&format!("crosscheck corrections\n{}", c.title)));
    out.push_str(&format!("<id>{}</id>\n", xml_escape(&feed_id)));
    out.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&link("corrections.xml"))
    ));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&link("corrections/"))
    ));
    out.push_str(&format!("<updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(author)
    ));
    out.push_str("<generator>crosscheck</generator>\n");
    for (claim, k) in entries {
        let u = &claim.updates[k];
        let path = format!("claims/{}/", claim.id);
        let id = stable_uuid(&format!(
            "crosscheck update\n{}\n{}\n{}\n{k}",
            c.title, claim.id, u.date
        ));
        let date = timestamp(&u.date);
        let mut html = String::new();
        if let Some(before) = u.verdict_before {
            html.push_str(&format!(
                "<p><strong>{}</strong></p>",
                crate::text::escape_html(&fill(
                    c.strings.get("feed.changed"),
                    &[
                        ("before", c.strings.get2("verdict", before.as_str())),
                        ("after", c.strings.get2("verdict", claim.verdict.as_str())),
                    ]
                ))
            ));
        }
        html.push_str(&crate::markdown::markdown(
            &u.note,
            &feed_links(site, claim),
        ));
        out.push_str("<entry>\n");
        out.push_str(&format!(
            "<title>{}</title>\n",
            xml_escape(&fill(
                c.strings.get("feed.updated"),
                &[("claim", &claim.text)]
            ))
        ));
        out.push_str(&format!("<id>{}</id>\n", xml_escape(&id)));
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&link(&path))
        ));
        out.push_str(&format!("<updated>{date}</updated>\n"));
        out.push_str(&format!(
            "<content type=\"html\">{}</content>\n",
            xml_escape(&html)
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuids_are_well_formed_and_distinct() {
        let a = stable_uuid("x");
        assert_eq!(a, stable_uuid("x"));
        assert_ne!(a, stable_uuid("y"));
        let hex = a.strip_prefix("urn:uuid:").unwrap();
        let parts: Vec<&str> = hex.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'));
    }
}
