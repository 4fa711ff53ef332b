//! The site around the pages: init, search, feeds, sharing, annotations,
//! verdict cards and the command line's output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scraper::Html;
use serde_json::Value;

use crate::support::{self, compile, crosscheck, example, render, repo, sel, text};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const BASE: &str = "https://example.org/checks/";

/// The first Atom child element of `n` named `name`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
}

fn html(pages: &BTreeMap<String, Vec<u8>>, path: &str) -> Html {
    Html::parse_document(&text(pages, path))
}

fn ids(doc: &Html) -> BTreeSet<String> {
    doc.select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

fn meta(doc: &Html, key: &str) -> Option<String> {
    let by_property = sel(&format!("meta[property=\"{key}\"]"));
    let by_name = sel(&format!("meta[name=\"{key}\"]"));
    doc.select(&by_property)
        .chain(doc.select(&by_name))
        .next()
        .and_then(|e| e.value().attr("content").map(str::to_string))
}

/// Resolves a root-relative link (`articles/ID/#s-…`) against the pages:
/// the page must exist and hold the fragment's id.
fn assert_link_resolves(pages: &BTreeMap<String, Vec<u8>>, href: &str) {
    let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    assert!(pages.contains_key(&file), "{href}: no {file}");
    if !fragment.is_empty() {
        assert!(
            ids(&html(pages, &file)).contains(fragment),
            "{href}: no id {fragment} in {file}"
        );
    }
}

/// Writes a small project with hostile text everywhere.
fn hostile_project(dir: &Path, base_url: &str) {
    std::fs::create_dir_all(dir.join("content/articles")).unwrap();
    std::fs::write(
        dir.join("content/site.toml"),
        format!(
            "title = \"Checks </title><script>alert(1)</script> & co\"\nbase_url = \"{base_url}\"\npublisher = \"Desk \\\"<b>\\\"\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("content/articles/evil.md"),
        "+++\ntitle = \"<img src=x onerror=alert(1)> news\"\noutlet = \"Outlet ]]> <svg onload=alert(1)>\"\nurl = \"https://example.com/a?x=1&y=2\"\npublished = 2025-01-02\n+++\nThe mayor said `<script>alert(1)</script>` & left. Nothing else happened here. Écoles fermées à 8 h.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/claims.toml"),
        r#"[[claim]]
id = "evil-claim"
text = "The mayor said </text><script>alert('x')</script> & \"left\" ]]>"
verdict = "misleading"
summary = "Because <script>alert(2)</script> **bold**"
status = "approved"
reviewer = "R <i>"
reviewed = 2025-02-03

  [[claim.evidence]]
  article = "evil"
  quote = "The mayor said <script>alert(1)</script> & left."
  stance = "supports"
  note = "<script>alert(3)</script>"

  [[claim.evidence]]
  article = "evil"
  quote = "Écoles fermées"
  stance = "contradicts"
"#,
    )
    .unwrap();
}

#[test]
fn init_then_check_then_build_succeed_on_the_scaffold() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("new-project");
    let out = crosscheck().arg("init").arg(&proj).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check = crosscheck()
        .args(["check", "--root"])
        .arg(&proj)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(stderr.contains("0 error(s), 0 warning(s)"), "{stderr}");
    let build = crosscheck()
        .args(["build", "--root"])
        .arg(&proj)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let site = proj.join("site");
    for f in [
        "index.html",
        "articles/harbour-gazette-bridge/index.html",
        "claims/bridge-reopens-monday/index.html",
        "claims/bridge-reopens-monday/card.svg",
        "search-index.json",
        "feed.xml",
        "annotations.jsonld",
        "404.html",
        "robots.txt",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data.json")).unwrap()).unwrap();
    assert_eq!(data["claims"].as_array().unwrap().len(), 1);
    assert_eq!(
        data["claims"][0]["evidence"].as_array().unwrap().len(),
        2,
        "one claim with two pieces of evidence"
    );
    // Again without --force: the folder is not empty now.
    let again = crosscheck().arg("init").arg(&proj).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[test]
fn init_force_adds_to_a_folder_but_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "mine").unwrap();
    let out = crosscheck()
        .args(["init", "--force"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "mine"
    );
    let again = crosscheck()
        .args(["init", "--force"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));
}

#[test]
fn search_index_has_every_claim_and_linked_statement_and_its_links_resolve() {
    let (site, pages) = example(None);
    let index: Value = serde_json::from_str(&text(&pages, "search-index.json")).unwrap();
    let claims: Vec<&str> = index["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = site.claims.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(claims, expected);
    for c in &index["claims"].as_array().unwrap()[..] {
        assert!(index["verdicts"][c[2].as_str().unwrap()].is_array());
        assert_link_resolves(&pages, &format!("claims/{}/", c[0].as_str().unwrap()));
    }
    let articles = index["articles"].as_array().unwrap();
    let mut listed = BTreeSet::new();
    for s in index["statements"].as_array().unwrap() {
        let ai = s[0].as_u64().unwrap() as usize;
        let article = articles[ai][0].as_str().unwrap();
        let sid = s[1].as_str().unwrap();
        assert_link_resolves(&pages, &format!("articles/{article}/#{sid}"));
        let pairs = s[3].as_array().unwrap();
        assert!(!pairs.is_empty() && pairs.len() % 2 == 0);
        for pair in pairs.chunks(2) {
            assert!((pair[0].as_u64().unwrap() as usize) < claims.len());
            assert!(index["stances"][pair[1].as_u64().unwrap() as usize].is_array());
        }
        listed.insert((article.to_string(), sid.to_string()));
    }
    // Every statement linked to a claim, and no other.
    let mut linked = BTreeSet::new();
    for (ai, _, doc) in site.each_article() {
        for (si, id) in doc.statement_ids().enumerate() {
            if !site.graph.statement_links(ai, si).is_empty() {
                linked.insert((site.articles[ai].id.clone(), id.to_string()));
            }
        }
    }
    assert!(!linked.is_empty());
    assert_eq!(listed, linked);
}

#[test]
fn every_page_loads_the_search_script_with_its_root_and_has_no_search_box_without_it() {
    let (_, pages) = example(None);
    for (path, root) in [
        ("index.html", ""),
        (
            "articles/unnamed-site-no-territory-agreement/index.html",
            "../../",
        ),
        ("claims/meeting-lasted-five-hours/index.html", "../../"),
    ] {
        let doc = html(&pages, path);
        let script = doc
            .select(&sel("script[src]"))
            .find(|s| s.value().attr("src").unwrap().ends_with("search.js"))
            .expect("search.js included");
        assert_eq!(
            script.value().attr("src"),
            Some(&*format!("{root}search.js"))
        );
        assert_eq!(script.value().attr("data-root"), Some(root));
        assert!(script.value().attr("defer").is_some());
        // The box is made by the script: none in the HTML.
        assert!(doc.select(&sel("input")).next().is_none(), "{path}");
    }
    let js = text(&pages, "search.js");
    assert!(!js.contains("innerHTML") && !js.contains("insertAdjacentHTML"));
    assert!(js.contains("search-index.json"));
}

#[test]
fn sitemap_lists_every_page_with_an_absolute_base_url_only() {
    let (site, pages) = example(Some(BASE));
    let xml = text(&pages, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let locs: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    let html_pages: BTreeSet<String> = pages
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| format!("{BASE}{}", p.trim_end_matches("index.html")))
        .collect();
    // The front page, the lists and explanations (reports, claims, outlets,
    // disagreements, verdicts, corrections), every article, claim, outlet
    // and desk page.
    assert_eq!(
        html_pages.len(),
        7 + site.articles.len()
            + site.claims.len()
            + site.findings.outlets.len()
            + site.pages.len()
    );
    assert_eq!(locs, html_pages);
    assert!(text(&pages, "robots.txt").contains(&format!("Sitemap: {BASE}sitemap.xml")));

    let (_, relative) = example(None);
    assert!(!relative.contains_key("sitemap.xml"));
    let robots = text(&relative, "robots.txt");
    assert!(robots.starts_with("User-agent: *") && !robots.contains("Sitemap"));
}

#[test]
fn atom_feed_parses_with_an_entry_per_reviewed_claim() {
    for base in [None, Some(BASE)] {
        let (site, pages) = example(base);
        let xml = text(&pages, "feed.xml");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().namespace(), Some(ATOM));
        assert_eq!(feed.tag_name().name(), "feed");
        let reviewed: Vec<&crosscheck::pipeline::content::Claim> = site
            .claims
            .iter()
            .filter(|c| c.status == crosscheck::pipeline::content::Status::Approved)
            .collect();
        let entries: Vec<roxmltree::Node> = feed
            .children()
            .filter(|n| n.has_tag_name((ATOM, "entry")))
            .collect();
        assert_eq!(entries.len(), reviewed.len());
        let newest = reviewed
            .iter()
            .filter_map(|c| c.reviewed.clone())
            .max()
            .unwrap();
        assert_eq!(
            child(feed, "updated").unwrap().text(),
            Some(&*format!("{newest}T00:00:00Z"))
        );
        for key in ["title", "id", "author"] {
            assert!(child(feed, key).is_some(), "feed has no {key}");
        }
        let mut ids = BTreeSet::new();
        let mut dates = Vec::new();
        for e in &entries {
            let id = child(*e, "id").unwrap().text().unwrap();
            assert!(
                id.starts_with("urn:uuid:") || id.starts_with(BASE),
                "{id} is not absolute"
            );
            assert!(ids.insert(id.to_string()), "duplicate id {id}");
            let title = child(*e, "title").unwrap().text().unwrap();
            let claim = reviewed
                .iter()
                .find(|c| c.text == title)
                .expect("entry titled by claim");
            let href = child(*e, "link").unwrap().attribute("href").unwrap();
            let rel = href.strip_prefix(base.unwrap_or("")).unwrap();
            assert_eq!(rel, format!("claims/{}/", claim.id));
            assert_link_resolves(&pages, rel);
            let category = child(*e, "category").unwrap();
            assert_eq!(category.attribute("term"), Some(claim.verdict.as_str()));
            dates.push(child(*e, "updated").unwrap().text().unwrap().to_string());
        }
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first");
    }
}

#[test]
fn claim_and_article_pages_carry_open_graph_and_twitter_meta() {
    let (site, pages) = example(Some(BASE));
    for (ci, claim) in site.claims.iter().enumerate() {
        let doc = html(&pages, &format!("claims/{}/index.html", claim.id));
        let verdict = claim.verdict.label();
        assert_eq!(meta(&doc, "og:type").as_deref(), Some("article"));
        assert_eq!(meta(&doc, "og:title").as_deref(), Some(claim.text.as_str()));
        let description = meta(&doc, "og:description").unwrap();
        assert!(description.contains(verdict), "{description}");
        // Twitter's card reads the og: title and description; only the
        // card kind and image are its own.
        assert_eq!(meta(&doc, "twitter:description"), None);
        let page = format!("{BASE}claims/{}/", claim.id);
        assert_eq!(meta(&doc, "og:url"), Some(page.clone()));
        // The PNG: the networks that show previews do not render SVG.
        assert_eq!(meta(&doc, "og:image"), Some(format!("{page}card.png")));
        assert_eq!(meta(&doc, "twitter:image"), Some(format!("{page}card.png")));
        assert_eq!(meta(&doc, "og:image:type").as_deref(), Some("image/png"));
        assert_eq!(meta(&doc, "og:image:width").as_deref(), Some("1200"));
        assert_eq!(meta(&doc, "og:image:height").as_deref(), Some("630"));
        assert!(pages.contains_key(&format!("claims/{}/card.png", claim.id)));
        assert_eq!(
            meta(&doc, "twitter:card").as_deref(),
            Some("summary_large_image")
        );
        assert!(meta(&doc, "og:image:alt").unwrap().contains(verdict));
        let canonical = doc.select(&sel("link[rel=canonical]")).next().unwrap();
        assert_eq!(canonical.value().attr("href"), Some(page.as_str()));
        // The card is on the page, and it is an image of this verdict.
        let img = doc.select(&sel("img[src=\"card.svg\"]")).next().unwrap();
        assert!(img.value().attr("alt").unwrap().contains(verdict));
        let svg = text(&pages, &format!("claims/{}/card.svg", claim.id));
        assert!(svg.contains(&format!("{} {}", claim.verdict.icon(), verdict)));
        // How the reports line up, in the claim page's words.
        let sides = crosscheck::render::card::sides_phrases(&site, ci);
        let findings = &site.findings.claims[ci];
        let supports = findings.side(crosscheck::pipeline::content::Stance::Supports);
        if !supports.articles.is_empty() {
            let n = supports.articles.len();
            assert!(
                sides[0].starts_with(&format!("Asserted by {n} report")),
                "{sides:?}"
            );
        }
        for phrase in &sides {
            assert!(svg.contains(phrase.as_str()), "{phrase} not on the card");
        }
    }
    let article = &site.articles[0];
    let doc = html(&pages, &format!("articles/{}/index.html", article.id));
    assert_eq!(meta(&doc, "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta(&doc, "og:title").as_deref(),
        Some(article.title.as_str())
    );
    assert!(meta(&doc, "og:description").unwrap().contains("hold up"));
    assert_eq!(meta(&doc, "twitter:card").as_deref(), Some("summary"));

    // A relative base_url: no absolute URLs are invented.
    let (site, pages) = example(None);
    let doc = html(&pages, &format!("claims/{}/index.html", site.claims[0].id));
    assert!(
        meta(&doc, "og:description")
            .unwrap()
            .contains(site.claims[0].verdict.label())
    );
    assert!(meta(&doc, "og:url").is_none() && meta(&doc, "og:image").is_none());
    assert!(doc.select(&sel("link[rel=canonical]")).next().is_none());
}

/// Every annotation of a site, reached as a client would: from the
/// collection's `first` page through each page's `next` (relative links
/// resolved against the file holding them).
fn annotation_items(pages: &BTreeMap<String, Vec<u8>>) -> Vec<Value> {
    let json: Value = serde_json::from_str(&text(pages, "annotations.jsonld")).unwrap();
    assert_eq!(json["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(json["type"], "AnnotationCollection");
    let mut items = Vec::new();
    // Absolute when base_url is; else relative to the file holding the link.
    let site_path = |link: &str, dir: &str| match link.find("://") {
        Some(_) => link[link.find("annotations/").unwrap()..].to_string(),
        None => format!("{dir}{link}").replace("annotations/../", ""),
    };
    let mut next = json["first"].as_str().map(|l| site_path(l, ""));
    let mut seen = 0;
    while let Some(path) = next {
        let page: Value = serde_json::from_str(&text(pages, &path)).unwrap();
        assert_eq!(page["type"], "AnnotationPage");
        assert!(
            page["partOf"]
                .as_str()
                .unwrap()
                .ends_with("annotations.jsonld")
        );
        assert_eq!(page["startIndex"], items.len());
        let these = page["items"].as_array().unwrap();
        assert!(these.len() <= crosscheck::render::annotations::PER_PAGE);
        items.extend(these.iter().cloned());
        next = page["next"].as_str().map(|n| site_path(n, "annotations/"));
        seen += 1;
        assert!(seen < 10_000, "a loop of pages");
    }
    assert_eq!(json["total"], items.len());
    items
}

#[test]
fn annotations_round_trip_to_the_article_text() {
    let (site, pages) = example(None);
    let items = &annotation_items(&pages);
    let evidence: usize = site.graph.evidence.iter().map(Vec::len).sum();
    assert_eq!(items.len(), evidence);
    let mut ids = BTreeSet::new();
    for (item, r) in items.iter().zip(site.graph.evidence.iter().flatten()) {
        assert_eq!(item["type"], "Annotation");
        assert!(ids.insert(item["id"].as_str().unwrap().to_string()));
        let article = &site.articles[r.article];
        let expected_source = article
            .url
            .clone()
            .unwrap_or_else(|| format!("../articles/{}/", article.id));
        assert_eq!(item["target"]["source"], expected_source.as_str());
        let text = &site.docs[r.article].text;
        let selectors = item["target"]["selector"].as_array().unwrap();
        let quote = selectors
            .iter()
            .find(|s| s["type"] == "TextQuoteSelector")
            .unwrap();
        let (exact, prefix, suffix) = (
            quote["exact"].as_str().unwrap(),
            quote["prefix"].as_str().unwrap(),
            quote["suffix"].as_str().unwrap(),
        );
        let joined = format!("{prefix}{exact}{suffix}");
        assert!(text.contains(&joined), "{joined:?} not in {}", article.id);
        let position = selectors
            .iter()
            .find(|s| s["type"] == "TextPositionSelector")
            .unwrap();
        let start = position["start"].as_u64().unwrap() as usize;
        let end = position["end"].as_u64().unwrap() as usize;
        let sliced: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(sliced, exact);
        let before: String = text.chars().take(start).collect();
        assert!(before.ends_with(prefix));
        // The body names the claim, the stance and the verdict.
        let claim = &site.claims[r.claim];
        let bodies = item["body"].as_array().unwrap();
        let values: Vec<&str> = bodies.iter().filter_map(|b| b["value"].as_str()).collect();
        assert!(values.contains(&&*format!("stance:{}", r.stance.as_str())));
        assert!(values.contains(&&*format!("verdict:{}", claim.verdict.as_str())));
        assert!(values.contains(&&*format!("assessment:{}", r.assessment.as_str())));
        assert!(values.iter().any(|v| v.contains(&claim.text)));
        // Links are relative to the page, one folder below the root.
        let link = bodies.iter().find(|b| b["purpose"] == "linking").unwrap();
        assert_eq!(link["source"], format!("../claims/{}/", claim.id).as_str());
        // The id's fragment exists on the claim page.
        let id = item["id"].as_str().unwrap();
        assert_link_resolves(&pages, id.strip_prefix("../").unwrap());
    }
}

#[test]
fn article_notes_link_to_the_next_and_previous_checked_statement() {
    let (site, pages) = example(None);
    let article = &site.articles[0];
    let path = format!("articles/{}/index.html", article.id);
    let doc = html(&pages, &path);
    let page_ids = ids(&doc);
    let marked: Vec<String> = doc
        .select(&sel(".notes .note-body[id^=\"n-\"]"))
        .map(|li| li.value().attr("id").unwrap()[2..].to_string())
        .collect();
    assert!(marked.len() > 2);
    let nexts: Vec<String> = doc
        .select(&sel(".note-nav a[rel=next]"))
        .map(|a| a.value().attr("href").unwrap()[1..].to_string())
        .collect();
    assert_eq!(nexts, marked[1..].to_vec());
    for id in nexts {
        assert!(page_ids.contains(&id));
    }
    let first = doc
        .select(&sel(".article-header a[href^=\"#\"]"))
        .next()
        .unwrap();
    assert_eq!(
        first.value().attr("href").map(|h| &h[1..]),
        Some(marked[0].as_str())
    );
}

#[test]
fn hostile_text_stays_text_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    hostile_project(dir.path(), BASE);
    let site = compile(dir.path());
    let pages = render(&site, dir.path());
    // XML outputs parse, and the text comes back exactly.
    let claim_text = &site.claims[0].text;
    for path in ["feed.xml", "sitemap.xml", "claims/evil-claim/card.svg"] {
        let xml = text(&pages, path);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            !doc.descendants().any(|n| n.has_tag_name("script")),
            "{path}"
        );
    }
    let feed_xml = text(&pages, "feed.xml");
    let feed = roxmltree::Document::parse(&feed_xml).unwrap();
    let entry_title = feed
        .descendants()
        .find(|n| {
            n.has_tag_name((ATOM, "title")) && n.parent().unwrap().has_tag_name((ATOM, "entry"))
        })
        .unwrap();
    assert_eq!(entry_title.text(), Some(claim_text.as_str()));
    let content = feed
        .descendants()
        .find(|n| n.has_tag_name((ATOM, "content")))
        .unwrap()
        .text()
        .unwrap();
    assert!(!content.contains("<script") && content.contains("<strong>bold</strong>"));
    let svg = text(&pages, "claims/evil-claim/card.svg");
    let card = roxmltree::Document::parse(&svg).unwrap();
    let shown: String = card
        .descendants()
        .filter(|n| n.has_tag_name("tspan"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(shown, *claim_text, "the card shows the claim verbatim");
    // HTML pages: no element or attribute smuggled in through the text.
    for path in [
        "index.html",
        "articles/evil/index.html",
        "claims/evil-claim/index.html",
        "404.html",
    ] {
        let doc = html(&pages, path);
        let scripts: Vec<_> = doc.select(&sel("script")).collect();
        assert!(
            scripts.iter().all(|s| s
                .value()
                .attr("src")
                .is_some_and(|s| s.ends_with("search.js"))
                || s.value().attr("type") == Some("application/ld+json")),
            "{path}"
        );
        assert!(
            doc.select(&sel("[onerror], [onload], svg, img[src=x]"))
                .next()
                .is_none()
        );
    }
    let doc = html(&pages, "claims/evil-claim/index.html");
    assert_eq!(meta(&doc, "og:title").as_deref(), Some(claim_text.as_str()));
    // JSON outputs round-trip the text.
    let index: Value = serde_json::from_str(&text(&pages, "search-index.json")).unwrap();
    assert_eq!(index["claims"][0][1], claim_text.as_str());
    let items = annotation_items(&pages);
    assert_eq!(
        items[0]["target"]["source"],
        "https://example.com/a?x=1&y=2"
    );
    assert_eq!(
        items[1]["target"]["selector"][0]["exact"], "Écoles fermées",
        "positions count characters, not bytes"
    );
}

#[test]
fn rebuilds_are_byte_identical_and_the_404_page_links_from_base_url() {
    let (site, first) = example(None);
    let second = render(&site, repo());
    assert_eq!(first, second);
    let doc = html(&first, "404.html");
    let home = doc.select(&sel("main a")).next().unwrap();
    assert_eq!(home.value().attr("href"), Some("/index.html"));
    let css = doc.select(&sel("link[rel=stylesheet]")).next().unwrap();
    assert_eq!(css.value().attr("href"), Some("/style.css"));
    let (_, absolute) = example(Some(BASE));
    let doc = html(&absolute, "404.html");
    let css = doc.select(&sel("link[rel=stylesheet]")).next().unwrap();
    assert_eq!(css.value().attr("href"), Some(&*format!("{BASE}style.css")));
}

#[test]
fn build_output_is_one_summary_line_quiet_is_silent_and_no_color_is_plain() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("p");
    assert!(
        crosscheck()
            .arg("init")
            .arg(&proj)
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = crosscheck()
        .args(["build", "--root"])
        .arg(&proj)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "colour despite NO_COLOR and a pipe"
    );
    for part in [
        "built 15 pages",
        "1 articles",
        "1 claims",
        "2 evidence",
        "0 warnings",
    ] {
        assert!(stderr.contains(part), "{part} not in {stderr}");
    }
    let quiet = crosscheck()
        .args(["build", "--quiet", "--root"])
        .arg(&proj)
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty() && quiet.stdout.is_empty());
    let verbose = crosscheck()
        .args(["build", "-v", "--root"])
        .arg(&proj)
        .output()
        .unwrap();
    let v = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        v.contains("search-index.json") && v.contains("no sitemap.xml"),
        "{v}"
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = crosscheck().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("crosscheck") && script.contains("init"),
            "{shell}"
        );
    }
    let bad = crosscheck().args(["completions", "cmd"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn article_templates_get_a_passage_per_run_of_blocks_ending_where_notes_go() {
    let dir = support::Project::fixture("basic");
    let root = dir.path();
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/article.html"),
        "{% for block in blocks %}<section data-notes=\"{{ block.notes | length }}\">\
         {{ block.html | safe }}{{ block.close | safe }}</section>{% endfor %}",
    )
    .unwrap();
    let site = compile(root);
    let pages = render(&site, root);
    let (mut passages_seen, mut blocks_seen) = (0, 0);
    for (ai, article, _) in site.each_article() {
        let doc = html(&pages, &format!("articles/{}/index.html", article.id));
        let sections: Vec<_> = doc.select(&sel("section")).collect();
        let notes: Vec<usize> = sections
            .iter()
            .map(|s| s.value().attr("data-notes").unwrap().parse().unwrap())
            .collect();
        let noted_blocks = site.docs[ai]
            .blocks
            .iter()
            .filter(|b| {
                b.statements
                    .clone()
                    .any(|si| !site.graph.statement_links(ai, si).is_empty())
            })
            .count();
        // One passage per block with notes, plus the blocks after the last of them.
        let trailing = usize::from(notes.last().is_some_and(|&n| n == 0));
        assert_eq!(sections.len(), noted_blocks + trailing, "{}", article.id);
        assert!(notes[..noted_blocks].iter().all(|&n| n > 0), "{notes:?}");
        // Every statement is in exactly one passage, in the article's order.
        let spans: Vec<String> = doc
            .select(&sel("section span.st"))
            .map(|s| s.value().attr("id").unwrap().to_string())
            .collect();
        let expected: Vec<String> = site.docs[ai].statement_ids().map(str::to_string).collect();
        assert_eq!(spans, expected, "{}", article.id);
        passages_seen += sections.len();
        blocks_seen += site.docs[ai].blocks.len();
    }
    // Blocks without notes were merged into passages.
    assert!(
        passages_seen < blocks_seen,
        "{passages_seen} of {blocks_seen}"
    );
}

#[test]
fn annotations_are_paged_with_links_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(content.join("site.toml"), "title = \"Many\"\n").unwrap();
    let n = 2 * crosscheck::render::annotations::PER_PAGE + 7;
    let body: String = (0..n)
        .map(|i| format!("Sentence number {i} is here.\n\n"))
        .collect();
    std::fs::write(
        content.join("articles/a.md"),
        format!("+++\ntitle = \"A\"\noutlet = \"O\"\n+++\n{body}"),
    )
    .unwrap();
    let mut claims = String::from(
        "[[claim]]\nid = \"c\"\ntext = \"C\"\nverdict = \"unverified\"\nstatus = \"approved\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n",
    );
    for i in 0..n {
        claims.push_str(&format!(
            "[[claim.evidence]]\narticle = \"a\"\nquote = \"Sentence number {i} is here.\"\nstance = \"mentions\"\n"
        ));
    }
    std::fs::write(content.join("claims.toml"), claims).unwrap();
    let site = compile(dir.path());
    let pages = render(&site, dir.path());
    let items = annotation_items(&pages);
    assert_eq!(items.len(), n);
    assert_eq!(crosscheck::render::annotations::page_count(&site), 3);
    // Back from the last page to the first.
    let last: Value = serde_json::from_str(&text(&pages, "annotations/3.jsonld")).unwrap();
    assert_eq!(last["prev"], "../annotations/2.jsonld");
    assert!(last.get("next").is_none());
    let first: Value = serde_json::from_str(&text(&pages, "annotations/1.jsonld")).unwrap();
    assert!(first.get("prev").is_none());
    let collection: Value = serde_json::from_str(&text(&pages, "annotations.jsonld")).unwrap();
    assert_eq!(collection["last"], "annotations/3.jsonld");
    for page in [
        "annotations/1.jsonld",
        "annotations/2.jsonld",
        "annotations/3.jsonld",
    ] {
        assert!(
            pages[page].len() < 400_000,
            "{page}: {} bytes",
            pages[page].len()
        );
    }
}
