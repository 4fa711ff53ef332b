//! A site in each built-in language other than English
//! (`tests/fixtures/i18n/LANG`): its pages, feeds and cards speak the
//! language, with the right `lang`, direction and dates, and a project's
//! `content/i18n/LANG.toml` takes over the built-in words.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::*;
use scraper::{Html, Node};

const LANGUAGES: &[&str] = &["de", "fr", "es", "uk", "ar"];

fn built(lang: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(&fixture(&format!("i18n/{lang}")), &out);
    assert!(o.status.success(), "{lang}: build failed: {}", stderr(&o));
    assert!(
        stderr(&o).contains(" 0 warnings"),
        "{lang}: the fixture builds with warnings: {}",
        stderr(&o)
    );
    (dir, out)
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every string of a catalogue, by dotted key (`verdict.accurate`,
/// `assess_counted.holds-up.one`, `date.months.3`).
fn catalogue(lang: &str) -> Vec<(String, String)> {
    fn walk(prefix: &str, item: &toml_edit::Item, out: &mut Vec<(String, String)>) {
        let key = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        if let Some(t) = item.as_table_like() {
            for (k, v) in t.iter() {
                walk(&key(k), v, out);
            }
        } else if let Some(items) = item.as_array() {
            for (i, v) in items.iter().enumerate() {
                if let Some(s) = v.as_str() {
                    out.push((key(&i.to_string()), s.to_string()));
                }
            }
        } else if let Some(s) = item.as_str() {
            out.push((prefix.to_string(), s.to_string()));
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("i18n")
        .join(format!("{lang}.toml"));
    let doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let mut out = Vec::new();
    walk("", doc.as_item(), &mut out);
    out
}

/// The English words a page in `lang` must not show: the literal parts
/// of each English message around its `{placeholders}`, trimmed of
/// punctuation. Left out, as not English in particular: a message the
/// language's catalogue keeps as it is (a brand, a pattern such as
/// `{iso}`), a part with fewer than four letters ("of", "by": they would
/// match inside any text), and a part the language's own catalogue also
/// uses as a whole word (French "Verdict", "Note").
fn english_ui_words(lang: &str) -> BTreeSet<String> {
    let own = catalogue(lang);
    let own_text: Vec<String> = own.iter().map(|(_, v)| v.to_lowercase()).collect();
    let mut words = BTreeSet::new();
    for (key, english) in catalogue("en") {
        if own.iter().any(|(k, v)| *k == key && *v == english) {
            continue;
        }
        for part in placeholder_split(&english) {
            let part = part.trim_matches(|c: char| {
                c.is_whitespace()
                    || (c.is_ascii_punctuation() && c != '\'')
                    || "“”‘’…·—–".contains(c)
            });
            if part.chars().filter(|c| c.is_alphabetic()).count() < 4 {
                continue;
            }
            let lower = part.to_lowercase();
            if own_text.iter().any(|t| contains_word(t, &lower)) {
                continue;
            }
            words.insert(part.to_string());
        }
    }
    words
}

fn placeholder_split(message: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        parts.push(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    parts.push(rest);
    parts
}

/// `needle` in `haystack` not as part of a longer word.
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What a reader sees or hears of an HTML, feed or card file: its text
/// outside scripts and styles, and the attributes browsers show or read
/// out. Addresses are left out: they spell folder names (`claims/`,
/// `outlets/`), not words of the page.
fn shown_text(source: &str, xml: bool) -> String {
    let doc = if xml {
        Html::parse_fragment(source)
    } else {
        Html::parse_document(source)
    };
    let mut out = String::new();
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Text(t) => {
                let hidden = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "script" | "style" | "loc" | "id"))
                });
                if !hidden {
                    out.push_str(t);
                    out.push('\n');
                }
            }
            Node::Element(e) => {
                for attr in [
                    "title",
                    "aria-label",
                    "alt",
                    "placeholder",
                    "content",
                    "label",
                ] {
                    if let Some(v) = e.attr(attr) {
                        out.push_str(v);
                        out.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    out.split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with('/') && !w.contains(".html"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shown_files(out: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let xml = match path.extension().and_then(|e| e.to_str()) {
                Some("html") => false,
                Some("xml" | "svg") => true,
                _ => continue,
            };
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((name, shown_text(&text, xml)));
        }
    }
    files.sort();
    files
}

#[test]
fn pages_feeds_and_cards_show_no_english_ui_words() {
    for lang in LANGUAGES {
        let words = english_ui_words(lang);
        assert!(
            words.len() > 100,
            "{lang}: the English words to look for were not found: {words:?}"
        );
        let (_d, out) = built(lang);
        let files = shown_files(&out);
        assert!(files.len() > 15, "{lang}: only {} files", files.len());
        let mut found = Vec::new();
        for (name, text) in &files {
            for w in &words {
                if contains_word(text, w) {
                    found.push(format!("{name}: {w:?}"));
                }
            }
        }
        // The search box is built by search.js in the browser: its words
        // are the script's string literals.
        let script = read(&out, "search.js");
        for (key, english) in catalogue("en") {
            if key.starts_with("search.") {
                let literal = english.split('{').next().unwrap_or_default().trim();
                if literal.len() > 3 && script.contains(literal) {
                    found.push(format!("search.js: {literal:?}"));
                }
            }
        }
        assert!(
            found.is_empty(),
            "{lang}: English on the pages:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn a_template_word_left_in_english_is_caught() {
    // The check above must see a string a template hard-codes instead of
    // taking it from the catalogue: build the German fixture with an
    // embed template that says "Read the full fact-check" in English.
    let dir = Project::fixture("i18n/de");
    let embed = include_str!("../../templates/embed.html");
    let english = regex_free_replace(embed, "{{ t.embed.read_full }}", "Read the full fact-check");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/embed.html"), english).unwrap();
    let out = dir.path().join("site");
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let words = english_ui_words("de");
    let text = shown_text(&read(&out, "claims/river-level/embed.html"), false);
    assert!(
        words.iter().any(|w| contains_word(&text, w)),
        "the hard-coded English went unnoticed: {text}"
    );
}

fn regex_free_replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "templates/embed.html has no {from}");
    text.replace(from, to)
}

#[test]
fn html_lang_direction_and_claimreview_language() {
    for lang in LANGUAGES {
        let (_d, out) = built(lang);
        for rel in [
            "index.html",
            "claims/river-level/index.html",
            "articles/zeitung/index.html",
            "404.html",
            "claims/river-level/embed.html",
        ] {
            let doc = Html::parse_document(&read(&out, rel));
            let html = doc.select(&sel("html")).next().unwrap();
            assert_eq!(html.value().attr("lang"), Some(*lang), "{lang} {rel}");
            let dir = html.value().attr("dir");
            if *lang == "ar" {
                assert_eq!(dir, Some("rtl"), "{rel}");
            } else {
                assert_eq!(dir, None, "{lang} {rel}");
            }
        }
        let claim = Html::parse_document(&read(&out, "claims/river-level/index.html"));
        let review = claim
            .select(&sel("script[type=\"application/ld+json\"]"))
            .filter_map(|s| serde_json::from_str::<serde_json::Value>(&s.inner_html()).ok())
            .find(|v| v["@type"] == "ClaimReview")
            .unwrap_or_else(|| panic!("{lang}: no ClaimReview"));
        assert_eq!(review["inLanguage"], *lang);
        let own_word = catalogue(lang)
            .into_iter()
            .find(|(k, _)| k == "verdict.accurate")
            .unwrap()
            .1;
        assert_eq!(
            review["reviewRating"]["alternateName"],
            own_word.as_str(),
            "{lang}"
        );
        let style = read(&out, "style.css");
        let brand = ".brand { font-weight: 700; color: var(--fg); text-decoration: none; margin-";
        let mirrored = style.contains(&format!("{brand}left: auto; }}"));
        assert_eq!(mirrored, *lang == "ar", "{lang}: the stylesheet's sides");
    }
}

#[test]
fn dates_are_written_in_the_language() {
    // The German article was published on 2 December 2026.
    let expected = [
        ("de", "2. Dezember 2026"),
        ("fr", "2 décembre 2026"),
        ("es", "2 de diciembre de 2026"),
        ("uk", "2 грудня 2026 р."),
        ("ar", "2 ديسمبر 2026"),
    ];
    for (lang, date) in expected {
        let (_d, out) = built(lang);
        let doc = Html::parse_document(&read(&out, "articles/zeitung/index.html"));
        let times: Vec<String> = doc
            .select(&sel("time[datetime=\"2026-12-02\"]"))
            .map(|t| t.text().collect())
            .collect();
        assert!(!times.is_empty(), "{lang}: no date on the article page");
        assert!(times.iter().all(|t| t == date), "{lang}: {times:?}");
    }
}

#[test]
fn a_project_override_changes_the_page() {
    let dir = Project::fixture("i18n/de");
    std::fs::create_dir_all(dir.path().join("content/i18n")).unwrap();
    std::fs::write(
        dir.path().join("content/i18n/de.toml"),
        "[verdict]\naccurate = \"Stimmt genau\"\n",
    )
    .unwrap();
    let out = dir.path().join("site");
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(" 0 warnings"), "{}", stderr(&o));
    let claim = read(&out, "claims/river-level/index.html");
    assert!(
        claim.contains("Stimmt genau"),
        "the override is not on the claim page"
    );
    let built_in = catalogue("de")
        .into_iter()
        .find(|(k, _)| k == "verdict.accurate")
        .unwrap()
        .1;
    let doc = Html::parse_document(&claim);
    let badge: String = doc
        .select(&sel(".verdict"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        badge.trim().ends_with("Stimmt genau") && !badge.contains(&built_in),
        "the verdict badge says {badge:?}"
    );
}

#[test]
fn an_unknown_override_key_is_an_error_naming_file_line_and_column() {
    let dir = Project::fixture("i18n/de");
    std::fs::create_dir_all(dir.path().join("content/i18n")).unwrap();
    std::fs::write(
        dir.path().join("content/i18n/de.toml"),
        "[verdict]\naccurate = \"Stimmt\"\n\n[verdikt]\naccurate = \"X\"\n",
    )
    .unwrap();
    let o = check(dir.path());
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("content/i18n/de.toml:5:1") && err.contains("verdikt.accurate"),
        "{err}"
    );
    assert!(err.contains("verdict.accurate"), "no suggestion: {err}");
    let out = dir.path().join("site");
    let o = build(dir.path(), &out);
    assert!(!o.status.success(), "built despite the unknown key");
    assert!(!out.exists(), "a site was written");
}

#[test]
fn another_languages_override_is_named_as_not_read() {
    let dir = Project::fixture("i18n/de");
    std::fs::create_dir_all(dir.path().join("content/i18n")).unwrap();
    std::fs::write(
        dir.path().join("content/i18n/fr.toml"),
        "[verdict]\naccurate = \"Exact\"\n",
    )
    .unwrap();
    let out = dir.path().join("site");
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("content/i18n/fr.toml is not read"), "{err}");
    assert!(!err.contains("content/i18n is not read"), "{err}");
}
