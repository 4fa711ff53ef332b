//! Property tests (proptest) for the invariants users rely on:
//!
//! * a quote that occurs once anchors to exactly the statements it overlaps;
//! * statement ids of untouched sentences never change when another
//!   sentence is edited, inserted or deleted;
//! * output is byte-identical across two builds and across thread counts;
//! * arbitrary strings in any content field never become markup.
//!
//! Case counts are per property (see `cases`); set PROPTEST_CASES to run
//! more, e.g. `PROPTEST_CASES=2000 cargo test --release --test it properties::`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};

use crosscheck::pipeline::document;
use crosscheck::render;

use crate::checks;

use crate::support;

/// Default case count for a property, overridden by PROPTEST_CASES.
fn cases(default: u32) -> Config {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "talks",
    "ended",
    "without",
    "a",
    "deal",
    "after",
    "five",
    "hours",
    "the",
    "envoy",
    "said",
    "Moscow",
    "Kyiv",
    "officials",
    "rejected",
    "plan",
    "late",
    "on",
    "Tuesday",
    "peace",
    "army",
    "territory",
    "were",
    "not",
    "agreed",
    "“useful”",
    "‘constructive’",
    "don’t",
    "—",
    "–",
    "and",
    "2,000",
    "3.5",
    "per",
    "cent",
    "Zürich",
    "café",
    "naïve",
    "Ωmega",
    "東京",
    "😀",
    "e\u{301}",
    "\u{200b}zero",
    "mixed\u{200d}join",
    "שלום",
    "مرحبا",
    "(in",
    "brackets)",
    "so-called",
    "x",
];

/// One sentence: a capitalised first word, words, a terminator.
fn sentence() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "Talks",
                "Officials",
                "Putin",
                "The",
                "Kyiv",
                "Envoys",
                "Zelensky",
                "Nobody",
                "Europe",
            ][..],
        ),
        prop::collection::vec(prop::sample::select(WORDS), 1..10),
        prop::sample::select(&[".", "!", "?", "."][..]),
    )
        .prop_map(|(first, words, end)| format!("{first} {}{end}", words.join(" ")))
}

/// A document: paragraphs of sentences, some turned into headings or list
/// items.
#[derive(Debug, Clone)]
struct DocSpec {
    blocks: Vec<(u8, Vec<String>)>,
}

impl DocSpec {
    fn markdown(&self) -> String {
        let mut md = String::new();
        for (kind, sentences) in &self.blocks {
            match kind % 6 {
                0 => md.push_str(&format!("## {}\n\n", sentences.join(" "))),
                1 => {
                    for s in sentences {
                        md.push_str(&format!("- {s}\n"));
                    }
                    md.push('\n');
                }
                2 => md.push_str(&format!("> {}\n\n", sentences.join(" "))),
                3 => md.push_str(&format!("{}\n\n", sentences.join("\n"))),
                _ => md.push_str(&format!("{}\n\n", sentences.join(" "))),
            }
        }
        md
    }
}

fn doc_spec() -> impl Strategy<Value = DocSpec> {
    prop::collection::vec((any::<u8>(), prop::collection::vec(sentence(), 1..5)), 1..6)
        .prop_map(|blocks| DocSpec { blocks })
}

// ---------------------------------------------------------------------------
// 1. Anchoring
// ---------------------------------------------------------------------------

fn anchoring_property(spec: &DocSpec, start: usize, len: usize) -> Result<(), TestCaseError> {
    let md = spec.markdown();
    let doc = document::parse(&md);
    let text = &doc.text;
    prop_assume!(!text.is_empty());
    let mut s = start % text.len();
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (s + 1 + len % 120).min(text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    let quote = text[s..e].to_string();
    // check_anchor compares with an independent normaliser: a quote that
    // occurs once must anchor, its passage must normalise to the quote and
    // its statements must be exactly those whose text it overlaps.
    checks::check_anchor(&md, std::slice::from_ref(&quote));
    Ok(())
}

#[test]
fn a_quote_occurring_once_anchors_to_exactly_the_statements_it_overlaps() {
    let mut runner = proptest::test_runner::TestRunner::new(cases(256));
    let once = std::cell::Cell::new(0u32);
    runner
        .run(
            &(doc_spec(), any::<usize>(), any::<usize>()),
            |(spec, start, len)| {
                anchoring_property(&spec, start, len)?;
                // Count the cases that exercised the "occurs once" branch.
                let doc = document::parse(&spec.markdown());
                if !doc.text.is_empty() {
                    let hay = checks::reference_normalize(&doc.text);
                    let mut s = start % doc.text.len();
                    while !doc.text.is_char_boundary(s) {
                        s -= 1;
                    }
                    let mut e = (s + 1 + len % 120).min(doc.text.len());
                    while !doc.text.is_char_boundary(e) {
                        e += 1;
                    }
                    let needle = checks::reference_normalize(&doc.text[s..e])
                        .trim()
                        .to_string();
                    if !needle.is_empty() && hay.matches(&needle).count() == 1 {
                        once.set(once.get() + 1);
                    }
                }
                Ok(())
            },
        )
        .unwrap();
    eprintln!(
        "anchoring: {} cases, {} with a quote occurring once",
        runner.config().cases,
        once.get()
    );
    assert!(once.get() > 0, "no case exercised a unique quote");
}

// ---------------------------------------------------------------------------
// 2. Stable statement ids
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Edit {
    Change(usize, String),
    Insert(usize, String),
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), sentence()).prop_map(|(i, s)| Edit::Change(i, s)),
        (any::<usize>(), sentence()).prop_map(|(i, s)| Edit::Insert(i, s)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

/// Statement text → id, for every statement of the parsed document.
fn ids_by_text(md: &str) -> BTreeMap<String, String> {
    let doc = document::parse(md);
    (0..doc.statements.len())
        .map(|i| {
            (
                doc.statement_text(i).to_string(),
                doc.statement_id(i).to_string(),
            )
        })
        .collect()
}

#[test]
fn editing_one_sentence_never_changes_another_sentences_id() {
    let mut runner = proptest::test_runner::TestRunner::new(cases(256));
    runner
        .run(&(doc_spec(), edit()), |(spec, edit)| {
            // Sentences must be distinct: exact duplicates are numbered, and
            // their numbering is the documented exception.
            let all: Vec<&String> = spec.blocks.iter().flat_map(|(_, s)| s).collect();
            let norm = |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            let distinct: BTreeSet<String> = all.iter().map(|s| norm(s)).collect();
            prop_assume!(distinct.len() == all.len());
            let total = all.len();
            let mut after = spec.clone();
            // Locate sentence k of the flattened list.
            let locate = |spec: &DocSpec, k: usize| {
                let mut k = k;
                for (bi, (_, s)) in spec.blocks.iter().enumerate() {
                    if k < s.len() {
                        return (bi, k);
                    }
                    k -= s.len();
                }
                unreachable!()
            };
            let touched: Option<String> = match &edit {
                Edit::Change(i, s) => {
                    prop_assume!(!distinct.contains(&norm(s)));
                    let (b, j) = locate(&spec, i % total);
                    Some(std::mem::replace(&mut after.blocks[b].1[j], s.clone()))
                }
                Edit::Insert(i, s) => {
                    prop_assume!(!distinct.contains(&norm(s)));
                    let (b, j) = locate(&spec, i % total);
                    after.blocks[b].1.insert(j, s.clone());
                    None
                }
                Edit::Delete(i) => {
                    let (b, j) = locate(&spec, i % total);
                    prop_assume!(after.blocks[b].1.len() > 1);
                    Some(after.blocks[b].1.remove(j))
                }
            };
            let before_ids = ids_by_text(&spec.markdown());
            let after_ids = ids_by_text(&after.markdown());
            for s in all
                .iter()
                .filter(|s| Some(s.as_str()) != touched.as_deref())
            {
                let text = s.trim();
                let b = before_ids.get(text);
                let a = after_ids.get(text);
                prop_assert!(
                    b.is_some(),
                    "sentence {text:?} is not a statement before the edit: {before_ids:?}"
                );
                prop_assert_eq!(
                    b,
                    a,
                    "id of untouched sentence {:?} changed after {:?}",
                    text,
                    edit
                );
            }
            Ok(())
        })
        .unwrap();
    eprintln!("stable ids: {} cases", runner.config().cases);
}

// ---------------------------------------------------------------------------
// Projects for the build properties
// ---------------------------------------------------------------------------

/// Strings meant to break out of wherever they land.
fn hostile() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(
        &[
            "<",
            ">",
            "&",
            "\"",
            "'",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "\" onmouseover=\"alert(1)",
            "' onfocus='x",
            "javascript:alert(1)",
            "</title>",
            "</textarea>",
            "<!--",
            "-->",
            "]]>",
            "<![CDATA[",
            "{{ site }}",
            "{% raw %}",
            "\u{202e}",
            "\u{200f}",
            "é",
            "😀",
            "e\u{301}",
            "a",
            " ",
            "  ",
            "\n",
            "`",
            "*",
            "_",
            "\\",
            "[x](javascript:alert(1))",
            "<x-evil>",
            "&amp;",
            "&lt;x-evil&gt;",
            "<style>*{}</style>",
            "<iframe src=//x>",
            "\u{2028}",
            "\u{7}",
            "\u{0}",
            "\u{fffe}",
            "<a href=\"data:text/html,x\">d</a>",
            "<svg onload=alert(1)>",
            "</script>",
            "</svg>",
            "&#x3C;x-evil>",
        ][..],
    );
    (prop::collection::vec(fragments, 0..8), "\\PC{0,6}").prop_map(|(parts, tail)| {
        let mut s = parts.concat();
        s.push_str(&tail);
        s
    })
}

/// A non-blank hostile string (required fields must not be blank).
fn hostile_required() -> impl Strategy<Value = String> {
    hostile().prop_map(|s| format!("T{s}"))
}

#[derive(Debug, Clone)]
struct ProjectSpec {
    site_title: String,
    description: String,
    publisher: String,
    articles: Vec<ArticleSpec>,
    claims: Vec<ClaimSpec>,
}

#[derive(Debug, Clone)]
struct ArticleSpec {
    title: String,
    outlet: String,
    author: String,
    body: DocSpec,
    extra: String,
}

#[derive(Debug, Clone)]
struct ClaimSpec {
    text: String,
    summary: String,
    note: String,
    quote_pick: usize,
}

fn article_spec() -> impl Strategy<Value = ArticleSpec> {
    (
        hostile_required(),
        hostile_required(),
        hostile_required(),
        doc_spec(),
        hostile(),
    )
        .prop_map(|(title, outlet, author, body, extra)| ArticleSpec {
            title,
            outlet,
            author,
            body,
            extra,
        })
}

fn claim_spec() -> impl Strategy<Value = ClaimSpec> {
    (
        hostile_required(),
        hostile_required(),
        hostile_required(),
        any::<usize>(),
    )
        .prop_map(|(text, summary, note, quote_pick)| ClaimSpec {
            text,
            summary,
            note,
            quote_pick,
        })
}

fn project_spec() -> impl Strategy<Value = ProjectSpec> {
    (
        hostile_required(),
        hostile_required(),
        hostile_required(),
        prop::collection::vec(article_spec(), 1..4),
        prop::collection::vec(claim_spec(), 0..4),
    )
        .prop_map(
            |(site_title, description, publisher, articles, claims)| ProjectSpec {
                site_title,
                description,
                publisher,
                articles,
                claims,
            },
        )
}

/// Writes the project; each claim quotes a whole statement of an article
/// (unique statements only), so the project is valid.
fn write_project(dir: &Path, spec: &ProjectSpec) {
    use checks::toml_string as q;
    let content = dir.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(
        content.join("site.toml"),
        format!(
            "title = {}\ndescription = {}\npublisher = {}\nbase_url = \"https://fc.example/\"\n",
            q(&spec.site_title),
            q(&spec.description),
            q(&spec.publisher)
        ),
    )
    .unwrap();
    let mut quotable: Vec<(String, String)> = Vec::new();
    for (i, a) in spec.articles.iter().enumerate() {
        let id = format!("a{i}");
        // Hostile text in the body too, as its own paragraph.
        let body = format!("{}\n\n{}\n", a.body.markdown(), a.extra);
        std::fs::write(
            content.join("articles").join(format!("{id}.md")),
            format!(
                "+++\ntitle = {}\noutlet = {}\nauthor = {}\nurl = \"https://news.example/{i}?a=1&b=<2>\"\npublished = 2026-01-0{}\n+++\n{body}",
                q(&a.title),
                q(&a.outlet),
                q(&a.author),
                i + 1
            ),
        )
        .unwrap();
        let doc = document::parse(&a.body.markdown());
        let norm_text = checks::reference_normalize(&doc.text);
        for si in 0..doc.statements.len() {
            let t = doc.statement_text(si);
            let n = checks::reference_normalize(t).trim().to_string();
            if !n.is_empty() && norm_text.matches(&n).count() == 1 {
                quotable.push((id.clone(), t.to_string()));
            }
        }
    }
    let mut claims = String::new();
    for (i, c) in spec.claims.iter().enumerate() {
        claims.push_str(&format!(
            "[[claim]]\nid = \"c{i}\"\ntext = {}\nverdict = \"misleading\"\nsummary = {}\nstatus = \"approved\"\nreviewer = {}\nreviewed = 2026-02-01\n",
            q(&c.text),
            q(&c.summary),
            q(&c.note),
        ));
        if !quotable.is_empty() {
            let (article, quote) = &quotable[c.quote_pick % quotable.len()];
            claims.push_str(&format!(
                "\n  [[claim.evidence]]\n  article = \"{article}\"\n  quote = {}\n  stance = \"supports\"\n  note = {}\n",
                q(quote),
                q(&c.note)
            ));
        }
        claims.push('\n');
    }
    std::fs::write(content.join("claims.toml"), claims).unwrap();
}

fn build_pages(root: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::support::render(&crate::support::compile(root), root)
}

fn build_with_threads(root: &Path, threads: usize) -> BTreeMap<String, Vec<u8>> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| build_pages(root))
}

// ---------------------------------------------------------------------------
// 3. Determinism
// ---------------------------------------------------------------------------

#[test]
fn output_is_byte_identical_across_builds_and_thread_counts() {
    let mut runner = proptest::test_runner::TestRunner::new(cases(24));
    runner
        .run(&project_spec(), |spec| {
            let dir = tempfile::tempdir().unwrap();
            write_project(dir.path(), &spec);
            let one = build_with_threads(dir.path(), 1);
            let again = build_with_threads(dir.path(), 1);
            let many = build_with_threads(dir.path(), 8);
            prop_assert!(one == again, "two builds differ");
            let differing: Vec<&String> =
                one.keys().filter(|k| one.get(*k) != many.get(*k)).collect();
            prop_assert!(
                one.len() == many.len() && differing.is_empty(),
                "1 vs 8 threads differ: {differing:?}"
            );
            Ok(())
        })
        .unwrap();
    eprintln!(
        "determinism (library, 1 vs 8 threads): {} cases",
        runner.config().cases
    );
}

/// The same through the binary, with RAYON_NUM_THREADS, including the
/// files as written to disk.
#[test]
fn binary_output_is_identical_with_one_or_many_threads() {
    let mut runner = proptest::test_runner::TestRunner::new(Config {
        // Three full builds through the binary per case: at most 10.
        cases: cases(3).cases.min(10),
        ..cases(3)
    });
    runner
        .run(&project_spec(), |spec| {
            let dir = tempfile::tempdir().unwrap();
            write_project(dir.path(), &spec);
            let mut snaps = Vec::new();
            for threads in ["1", "8", "8"] {
                let out = dir.path().join(format!("site-{}", snaps.len()));
                let o = support::crosscheck()
                    .args(["build", "--quiet", "--root"])
                    .arg(dir.path())
                    .arg("--out")
                    .arg(&out)
                    .env("RAYON_NUM_THREADS", threads)
                    .output()
                    .unwrap();
                prop_assert!(o.status.success(), "{}", support::stderr(&o));
                snaps.push(support::snapshot(&out));
            }
            prop_assert!(
                snaps[0] == snaps[1] && snaps[1] == snaps[2],
                "outputs differ"
            );
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------
// 4. Escaping
// ---------------------------------------------------------------------------

/// Element and attribute names the templates write, plus what sanitised
/// markdown (summaries, notes) may hold.
fn allowed_markup() -> (BTreeSet<String>, BTreeSet<String>) {
    let mut elements = BTreeSet::new();
    let mut attributes = BTreeSet::new();
    for (_, text) in render::DEFAULT_TEMPLATES {
        for (i, _) in text.match_indices('<') {
            let name: String = text[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !name.is_empty() {
                elements.insert(name.to_ascii_lowercase());
            }
        }
        // Attributes: the words inside each tag, up to `=` (boolean ones
        // such as `defer` included; Tera words like `if` are harmless).
        for (i, _) in text.match_indices('<') {
            let Some(len) = text[i..].find('>') else {
                continue;
            };
            for word in text[i..i + len].split_whitespace().skip(1) {
                let name = word.split('=').next().unwrap_or("");
                if name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
                {
                    attributes.insert(name.to_string());
                }
            }
        }
    }
    // Sanitised markdown: ammonia's default allowlist.
    let b = ammonia::Builder::default();
    elements.extend(b.clone_tags().into_iter().map(String::from));
    attributes.extend(b.clone_generic_attributes().into_iter().map(String::from));
    for (_, attrs) in b.clone_tag_attributes() {
        attributes.extend(attrs.into_iter().map(String::from));
    }
    // Statement HTML and the document's containers.
    for e in [
        "strong",
        "em",
        "del",
        "code",
        "br",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "span",
        "sup",
    ] {
        elements.insert(e.into());
    }
    for a in [
        "href",
        "rel",
        "start",
        "id",
        "class",
        "value",
        "title",
        "aria-label",
    ] {
        attributes.insert(a.into());
    }
    // Never allowed, whatever the templates do.
    for bad in ["script-evil", "x-evil", "iframe"] {
        elements.remove(bad);
    }
    attributes.retain(|a| !a.starts_with("on") && a != "style");
    (elements, attributes)
}

/// Every `<` outside script and style elements starts a tag, a comment or
/// a doctype: none is a bare, unescaped `<` in text or attribute values.
fn check_raw_lt(path: &str, html: &str) {
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let at = i + off;
        let after = &html[at + 1..];
        let next = after.chars().next();
        assert!(
            next.is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!'),
            "{path}: bare `<` before {:?}",
            &after[..after.len().min(40)]
        );
        i = at + 1;
        // Script and style content is raw text: skip to its end tag.
        for raw in ["script", "style"] {
            if after.starts_with(raw) {
                let close = format!("</{raw}>");
                let end = after
                    .find(&close)
                    .unwrap_or_else(|| panic!("{path}: unclosed <{raw}>"));
                i = at + 1 + end + close.len();
            }
        }
    }
}

fn text_of(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// What a string becomes once read from a TOML file: characters HTML
/// forbids are dropped (FORMAT.md; `content::is_forbidden_char`).
fn as_published(s: &str) -> String {
    s.chars()
        .filter(|c| !crosscheck::pipeline::content::is_forbidden_char(*c))
        .collect()
}

fn check_page_markup(
    path: &str,
    html: &str,
    allowed: &(BTreeSet<String>, BTreeSet<String>),
) -> Result<scraper::Html, TestCaseError> {
    check_raw_lt(path, html);
    let doc = scraper::Html::parse_document(html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        prop_assert!(
            allowed.0.contains(name),
            "{path}: unexpected element <{name}>"
        );
        for (attr, value) in el.attrs() {
            prop_assert!(
                allowed.1.contains(attr),
                "{path}: unexpected attribute {attr}={value:?} on <{name}>"
            );
            if matches!(attr, "href" | "src" | "action" | "xlink:href") {
                let v = value.trim().to_ascii_lowercase();
                prop_assert!(
                    !v.starts_with("javascript:")
                        && !v.starts_with("data:")
                        && !v.starts_with("vbscript:"),
                    "{path}: dangerous {attr}={value:?}"
                );
            }
        }
        if name == "script" {
            let ok = el.attr("type") == Some("application/ld+json")
                || el.attr("src").is_some_and(|s| s.ends_with("search.js"));
            prop_assert!(
                ok,
                "{path}: unexpected script {:?}",
                el.attrs().collect::<Vec<_>>()
            );
        }
    }
    Ok(doc)
}

#[test]
fn arbitrary_strings_in_any_field_never_become_markup() {
    let allowed = allowed_markup();
    let mut runner = proptest::test_runner::TestRunner::new(cases(64));
    runner
        .run(&project_spec(), |spec| {
            let dir = tempfile::tempdir().unwrap();
            write_project(dir.path(), &spec);
            let pages = build_pages(dir.path());
            checks::check_links(&pages);
            for (path, bytes) in &pages {
                if path.ends_with(".png") {
                    continue; // the card's pixels; its text is checked in card.svg
                }
                let text = std::str::from_utf8(bytes).expect("UTF-8 output");
                if path.ends_with(".html") {
                    let doc = check_page_markup(path, text, &allowed)?;
                    // Text round-trips: the page title and headings hold
                    // exactly what the content said.
                    let titles = text_of(&doc, "title");
                    prop_assert_eq!(titles.len(), 1);
                    prop_assert!(
                        titles[0].contains(&as_published(&spec.site_title)),
                        "{}: <title> {:?}",
                        path,
                        titles[0]
                    );
                    for ld in text_of(&doc, "script[type=\"application/ld+json\"]") {
                        let v: serde_json::Value = serde_json::from_str(&ld)
                            .map_err(|e| TestCaseError::fail(format!("{path}: JSON-LD: {e}")))?;
                        if let Some(ci) = path
                            .strip_prefix("claims/c")
                            .and_then(|p| p.split('/').next())
                            .and_then(|n| n.parse::<usize>().ok())
                        {
                            prop_assert_eq!(
                                v["claimReviewed"].as_str().map(String::from),
                                Some(as_published(&spec.claims[ci].text))
                            );
                        }
                    }
                    if let Some(ai) = path
                        .strip_prefix("articles/a")
                        .and_then(|p| p.split('/').next())
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        let a = &spec.articles[ai];
                        prop_assert_eq!(
                            text_of(&doc, "h1"),
                            vec![as_published(&a.title)],
                            "{}",
                            path
                        );
                        prop_assert_eq!(
                            text_of(&doc, "p.kicker"),
                            vec![as_published(&a.outlet)],
                            "{}",
                            path
                        );
                        let meta = text_of(&doc, "p.meta").concat();
                        prop_assert!(
                            meta.contains(&as_published(&a.author)),
                            "{}: author {:?} not in {:?}",
                            path,
                            a.author,
                            meta
                        );
                    }
                    if let Some(ci) = path
                        .strip_prefix("claims/c")
                        .and_then(|p| p.split('/').next())
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        prop_assert_eq!(
                            text_of(&doc, "h1"),
                            vec![as_published(&spec.claims[ci].text)],
                            "{}",
                            path
                        );
                    }
                } else if path.ends_with(".xml") || path.ends_with(".svg") {
                    let parsed = roxmltree::Document::parse(text);
                    prop_assert!(
                        parsed.is_ok(),
                        "{}: not well-formed XML: {:?}",
                        path,
                        parsed.err()
                    );
                    let parsed = parsed.unwrap();
                    for n in parsed.descendants().filter(|n| n.is_element()) {
                        let name = n.tag_name().name();
                        prop_assert!(
                            !name.contains("evil") && name != "script",
                            "{}: <{}> in XML",
                            path,
                            name
                        );
                        for a in n.attributes() {
                            prop_assert!(
                                !a.name().starts_with("on"),
                                "{}: {} attribute",
                                path,
                                a.name()
                            );
                        }
                    }
                } else if path.ends_with(".json") || path.ends_with(".jsonld") {
                    let v: Result<serde_json::Value, _> = serde_json::from_str(text);
                    prop_assert!(v.is_ok(), "{}: invalid JSON", path);
                }
            }
            Ok(())
        })
        .unwrap();
    eprintln!("escaping: {} cases", runner.config().cases);
}

// ---------------------------------------------------------------------------
// 5. Splitter invariants on arbitrary text (the fuzz target's checks)
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn sentence_ranges_are_in_bounds_ordered_and_cover_the_text(
        text in prop_oneof![
            "\\PC{0,200}",
            prop::collection::vec(sentence(), 0..8).prop_map(|s| s.join(" ")),
            prop::collection::vec(prop::sample::select(&[".", "!", "?", "\"", "“", "”", "'", " ", "\n", "Mr", "U", "S", "A", "a", "…", ")", "("][..]), 0..40).prop_map(|v| v.concat()),
        ]
    ) {
        checks::check_split(&text);
    }
}

// ---------------------------------------------------------------------------
// 6. Review writes read back as written (the `review_strings` fuzz target's
//    checks)
// ---------------------------------------------------------------------------

/// Strings made of what TOML's string syntaxes treat specially.
fn tricky_string() -> impl Strategy<Value = String> {
    let fragments = &[
        "\"",
        "\"\"",
        "\"\"\"",
        "'",
        "''",
        "'''",
        "\\",
        "\\\"",
        "\\n",
        "\n",
        "\r",
        "\r\n",
        "\t",
        " ",
        "x",
        "é",
        "“",
        "\u{0}",
        "\u{7}",
        "\u{7f}",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
        "#",
        "=",
        "[[claim]]",
        "{",
        "}",
        "$",
    ][..];
    prop_oneof![
        prop::collection::vec(prop::sample::select(fragments), 0..24).prop_map(|v| v.concat()),
        any::<String>(),
        (
            "\\PC{0,30}",
            prop::collection::vec(prop::sample::select(&["\"", "'", "\\"][..]), 1..6)
        )
            .prop_map(|(s, tail)| format!("{s}{}", tail.concat())),
    ]
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn strings_written_by_the_review_api_read_back_identical(s in tricky_string()) {
        checks::check_review_string(&s);
    }
}

#[test]
fn a_summary_ending_in_three_quotes_reads_back_identical() {
    // The reported case: a summary in a `"""` string, edited to end in `"""`.
    for s in ["x \"\"\"", "x \"", "x \"\"", "\"\"\"\"", "a\"\"\"b\"\"\""] {
        checks::check_review_string(s);
    }
}

// ---------------------------------------------------------------------------
// 7. A new [[claim.update]] adds its lines and nothing else
// ---------------------------------------------------------------------------

/// One claim of a generated claims file: how its keys are spaced, and
/// which of sources, updates and evidence (as tables or inline) it has.
#[derive(Debug, Clone)]
struct EditClaim {
    spacing: &'static str,
    indent: &'static str,
    comment: bool,
    sources: usize,
    updates: usize,
    evidence: usize,
    inline_evidence: bool,
}

fn edit_claim() -> impl Strategy<Value = EditClaim> {
    (
        prop::sample::select(&[" = ", "=", "   =   "][..]),
        prop::sample::select(&["", "  ", "\t"][..]),
        any::<bool>(),
        0..2usize,
        0..3usize,
        0..3usize,
        any::<bool>(),
    )
        .prop_map(
            |(spacing, indent, comment, sources, updates, evidence, inline_evidence)| EditClaim {
                spacing,
                indent,
                comment,
                sources,
                updates,
                evidence,
                inline_evidence,
            },
        )
}

fn edit_file(claims: &[EditClaim]) -> String {
    let mut out = String::from("# generated\n");
    for (ci, c) in claims.iter().enumerate() {
        let kv = |k: &str, v: &str| format!("{}{k}{}{v}\n", c.indent, c.spacing);
        out.push_str("\n[[claim]]\n");
        out.push_str(&kv("id", &format!("\"c{ci}\"")));
        out.push_str(&kv("text", "'Claim text.'"));
        out.push_str(&kv("verdict", "\"accurate\""));
        if c.inline_evidence {
            out.push_str(&kv(
                "evidence",
                "[ { article = \"a\", quote = \"one\", stance = \"supports\" } ]",
            ));
        }
        for s in 0..c.sources {
            out.push_str(&format!(
                "\n  [[claim.source]]\n  title = \"Source {s}\"\n  url = \"https://example.org/{s}\"\n"
            ));
        }
        for u in 0..c.updates {
            out.push_str(&format!(
                "\n    [[claim.update]]\n    date = 2026-01-0{}\n    note = \"Old {u}.\"\n",
                u + 1
            ));
        }
        if !c.inline_evidence {
            for e in 0..c.evidence {
                if c.comment {
                    out.push_str("\n  # a comment on the evidence");
                }
                out.push_str(&format!(
                    "\n  [[claim.evidence]]\n  article = \"a\"\n  quote = \"q{e}\"\n  stance = \"mentions\"\n"
                ));
            }
        }
    }
    out.push_str("\n# the end\n");
    out
}

fn loaded(text: &[u8]) -> (Vec<crosscheck::pipeline::content::Claim>, usize) {
    let mut d = crosscheck::diag::Diagnostics::default();
    let file =
        crosscheck::pipeline::content::source_from_bytes("c.toml".into(), text.to_vec(), &mut d)
            .expect("UTF-8");
    let claims = crosscheck::pipeline::content::parse_claims(&file, &mut d);
    (claims, d.error_count())
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn a_new_update_adds_one_block_of_lines_and_reads_back(
        claims in prop::collection::vec(edit_claim(), 1..4),
        target in 0..3usize,
        note in tricky_string(),
        before in prop::option::of(prop::sample::select(crosscheck::pipeline::content::Verdict::ALL)),
        crlf in any::<bool>(),
    ) {
        use crosscheck::review::{ClaimsFile, EditError, NewUpdate};
        let target = target % claims.len();
        let mut text = edit_file(&claims);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let (old_claims, old_errors) = loaded(text.as_bytes());
        prop_assert_eq!(old_errors, 0, "{}", text);
        let mut f = ClaimsFile::parse("c.toml", text.clone().into_bytes()).unwrap();
        let up = NewUpdate { date: "2026-12-07".into(), note: note.clone(), verdict_before: before };
        let id = format!("c{target}");
        match f.add_update(&id, &up) {
            Err(EditError::Invalid { field: "note", .. }) => {
                let kept = note.chars().filter(|&c| !crosscheck::pipeline::content::is_forbidden_char(c)).collect::<String>();
                prop_assert!(kept.trim().is_empty() || note.trim().chars().count() > 5000);
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("refused: {e}"))),
            Ok(i) => prop_assert_eq!(i, claims[target].updates),
        }
        let bytes = f.to_bytes();
        let new = String::from_utf8(bytes.clone()).unwrap();
        // Every original line is still there, byte for byte and in order,
        // and the new lines are one block.
        let a: Vec<&str> = text.split_inclusive('\n').collect();
        let b: Vec<&str> = new.split_inclusive('\n').collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
        prop_assert_eq!(prefix + suffix, a.len(), "original lines changed:\n{}\n---\n{}", text, new);
        prop_assert!(b[prefix..b.len() - suffix].concat().contains("[[claim.update]]"));
        // The loader reads the same claims, the target with one update more,
        // last, as written.
        let (new_claims, new_errors) = loaded(&bytes);
        prop_assert_eq!(new_errors, 0, "{}", new);
        prop_assert_eq!(new_claims.len(), old_claims.len());
        for (o, n) in old_claims.iter().zip(&new_claims) {
            prop_assert_eq!(&o.evidence.iter().map(|e| &e.quote).collect::<Vec<_>>(), &n.evidence.iter().map(|e| &e.quote).collect::<Vec<_>>());
            prop_assert_eq!(o.sources.len(), n.sources.len());
            if o.id == id {
                prop_assert_eq!(n.updates.len(), o.updates.len() + 1);
                let last = n.updates.last().unwrap();
                let kept: String = note.trim().chars().filter(|&c| !crosscheck::pipeline::content::is_forbidden_char(c)).collect();
                // The loader reads CRLF as LF, as it does everywhere.
                prop_assert_eq!(last.note.replace("\r\n", "\n"), kept.replace("\r\n", "\n"));
                prop_assert_eq!(last.verdict_before, before);
                prop_assert_eq!(last.date.as_str(), "2026-12-07");
                for (x, y) in o.updates.iter().zip(&n.updates) {
                    prop_assert_eq!(&x.note, &y.note);
                }
            } else {
                prop_assert_eq!(o.updates.len(), n.updates.len());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 8. An edit of one claim's table alone writes what an edit of the whole
//    file would
// ---------------------------------------------------------------------------

/// A claims file of `claims`, with summaries that would fool a line-based
/// split (a `[[claim]]` line inside a multi-line string) and comments
/// between claims.
fn tricky_file(claims: &[EditClaim], crlf: bool, bom: bool) -> String {
    let mut out = edit_file(claims);
    out = out.replace(
        "verdict = \"accurate\"\n",
        "verdict = \"accurate\"\nsummary = \"\"\"\nWhat a claims file looks like:\n[[claim]]\nid = \"fake\"\n# not a comment \"\"\\\"\n\"\"\"\n",
    );
    out = out.replace(
        "\n[[claim]]\nid = \"c1\"",
        "\n# --- the second claim ---\n\n[[claim]]\nid = \"c1\"",
    );
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    if bom {
        out.insert(0, '\u{feff}');
    }
    out
}

#[derive(Debug, Clone)]
enum ClaimOp {
    Evidence(String),
    Summary(String),
    Verdict,
    Remove(usize),
    Update(String),
    SignOff,
    Create(String),
}

fn claim_op() -> impl Strategy<Value = ClaimOp> {
    prop_oneof![
        tricky_string().prop_map(ClaimOp::Evidence),
        tricky_string().prop_map(ClaimOp::Summary),
        Just(ClaimOp::Verdict),
        (0..3usize).prop_map(ClaimOp::Remove),
        tricky_string().prop_map(ClaimOp::Update),
        Just(ClaimOp::SignOff),
        "[A-Za-z ]{1,30}".prop_map(ClaimOp::Create),
    ]
}

fn apply_op(
    f: &mut crosscheck::review::ClaimsFile,
    id: &str,
    op: &ClaimOp,
) -> Result<(), crosscheck::review::EditError> {
    use crosscheck::pipeline::content::{Stance, Status, Verdict};
    use crosscheck::review::{Field, NewEvidence, NewUpdate};
    match op {
        ClaimOp::Evidence(q) => f
            .add_evidence(
                id,
                &NewEvidence {
                    article: "a".into(),
                    quote: q.clone(),
                    stance: Stance::Contradicts,
                    note: Some(q.clone()),
                    occurrence: None,
                },
            )
            .map(drop),
        ClaimOp::Summary(s) => f.set_field(id, Field::Summary(Some(s.clone()))),
        ClaimOp::Verdict => f.set_field(id, Field::Verdict(Verdict::Misleading)),
        ClaimOp::Remove(i) => f.remove_evidence(id, *i).map(drop),
        ClaimOp::Update(n) => f
            .add_update(
                id,
                &NewUpdate {
                    date: "2026-12-07".into(),
                    note: n.clone(),
                    verdict_before: Some(Verdict::Accurate),
                },
            )
            .map(drop),
        ClaimOp::SignOff => {
            f.set_field(id, Field::Status(Status::InReview))?;
            f.sign_off(id, "R", "2026-12-07", "v2:x")
        }
        ClaimOp::Create(text) => f
            .create_claim(text, Verdict::Unverified, &Default::default(), None)
            .map(drop),
    }
}

proptest! {
    #![proptest_config(cases(192))]

    #[test]
    fn a_claims_table_edited_alone_writes_what_a_whole_file_edit_would(
        claims in prop::collection::vec(edit_claim(), 1..4),
        target in 0..3usize,
        op in claim_op(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        use crosscheck::review::{ClaimsFile, ClaimsFiles};
        let target = target % claims.len();
        let text = tricky_file(&claims, crlf, bom);
        let id = format!("c{target}");
        let mut whole = ClaimsFile::parse("content/claims.toml", text.clone().into_bytes()).unwrap();
        let expected = apply_op(&mut whole, &id, &op).map(|()| whole.to_bytes());

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let path = dir.path().join("content/claims.toml");
        std::fs::write(&path, &text).unwrap();
        let files = ClaimsFiles::read(dir.path()).unwrap();
        let mut edit = match op {
            ClaimOp::Create(_) => files.main_file().unwrap(),
            _ => files.file_of(&id).unwrap(),
        };
        prop_assert!(edit.is_section(), "edited whole:\n{}", text);
        let got = apply_op(&mut edit, &id, &op);
        match (expected, got) {
            (Ok(want), Ok(())) => {
                let version = files.version_after(&edit);
                match files.commit(&edit) {
                    Ok(()) => {
                        let written = std::fs::read(&path).unwrap();
                        prop_assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&want));
                        prop_assert_eq!(ClaimsFiles::read(dir.path()).unwrap().version(), version);
                    }
                    // Refused as unsafe: then a whole-file edit leaves more
                    // problems too.
                    Err(e) => {
                        let problems = |b: &[u8]| {
                            let mut d = crosscheck::diag::Diagnostics::default();
                            let f = crosscheck::pipeline::content::source_from_bytes("c".into(), b.to_vec(), &mut d).unwrap();
                            crosscheck::pipeline::content::parse_claims(&f, &mut d);
                            d.error_count()
                        };
                        prop_assert!(problems(&want) > problems(text.as_bytes()), "refused ({e}) what a whole edit writes cleanly");
                        prop_assert_eq!(std::fs::read(&path).unwrap(), text.as_bytes().to_vec());
                    }
                }
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => return Err(TestCaseError::fail(format!("whole {:?} vs table {:?}", a.map(drop), b))),
        }
    }
}
