//! Hostile content: the corpus in tests/fixtures/hostile/ plus inputs
//! generated here (too big to commit). Every input goes through the real
//! binary. Valid input must build, and the site must pass the link and
//! anchor checks (every evidence href resolves to an element id, every
//! statement has one) and contain no markup but ours; invalid input must
//! fail with a clear error. Nothing may panic or overflow the stack.
//!
//! Each test prints one row of the results table in docs/reliability.md
//! (`cargo test --test it hostile:: -- --nocapture --test-threads=1`); set
//! CROSSCHECK_BIN to time a release binary.

use crate::support::{self, Project};

use crate::checks;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn build(root: &Path, out: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let o = Command::new(support::bin_under_test())
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (o, started.elapsed())
}

fn row(input: &str, outcome: &str, time: Duration) {
    eprintln!("| {input} | {outcome} | {:.2} s |", time.as_secs_f64());
}

/// No panic, no crash by signal (a stack overflow aborts).
fn assert_no_crash(o: &Output, what: &str) {
    let err = support::stderr(o);
    assert!(
        o.status.code().is_some(),
        "{what}: killed by a signal ({:?}): {err}",
        o.status
    );
    assert_ne!(o.status.code(), Some(101), "{what}: panicked: {err}");
    assert!(!err.contains("panicked"), "{what}: panicked: {err}");
}

/// A new project with a site.toml.
fn project() -> Project {
    let p = Project::empty();
    std::fs::create_dir_all(p.path().join("content/articles")).unwrap();
    p.write(
        "content/site.toml",
        "title = \"Hostile\"\nbase_url = \"https://fc.example/\"\n",
    );
    p
}

fn article(root: &Path, id: &str, body: &str) {
    std::fs::write(
        root.join("content/articles").join(format!("{id}.md")),
        format!("+++\ntitle = \"Article {id}\"\noutlet = \"Outlet\"\n+++\n{body}"),
    )
    .unwrap();
}

fn claims(root: &Path, text: &str) {
    std::fs::write(root.join("content/claims.toml"), text).unwrap();
}

/// One approved claim with evidence quoting `quotes` of `article`.
fn claim_quoting(article: &str, quotes: &[String]) -> String {
    let mut s = String::from(
        "[[claim]]\nid = \"the-claim\"\ntext = \"The claim.\"\nverdict = \"accurate\"\nstatus = \"approved\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n\n",
    );
    for (i, q) in quotes.iter().enumerate() {
        let stance = ["supports", "contradicts", "mentions"][i % 3];
        s.push_str(&format!(
            "  [[claim.evidence]]\n  article = \"{article}\"\n  quote = {}\n  stance = \"{stance}\"\n\n",
            checks::toml_string(q)
        ));
    }
    s
}

/// Checks a built site: links and anchors resolve, and the HTML pages
/// (up to `max_pages` of them, index and data first) hold no script but
/// ours, no event handler, no javascript:/data: link.
fn check_site(out: &Path, max_pages: usize) -> usize {
    let pages = support::snapshot(out);
    checks::check_links(&pages);
    let mut checked = 0;
    for (path, bytes) in pages
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .take(max_pages)
    {
        let html = std::str::from_utf8(bytes).expect("UTF-8");
        let doc = scraper::Html::parse_document(html);
        // An embed carries its CSS inline, in one <style> of its own.
        let mut styles = usize::from(path.ends_with("/embed.html"));
        for node in doc.tree.nodes() {
            let Some(el) = node.value().as_element() else {
                continue;
            };
            let name = el.name();
            if name == "style" && styles > 0 {
                styles -= 1;
                continue;
            }
            assert!(
                !matches!(
                    name,
                    "iframe" | "object" | "embed" | "style" | "x-evil" | "svg" | "u" | "circle"
                ),
                "{path}: <{name}> from content"
            );
            // The templates' own notes, legends and embed code are the
            // only <details>.
            if name == "details" {
                assert!(
                    el.has_class("note", scraper::CaseSensitivity::CaseSensitive)
                        || el.has_class("legend-box", scraper::CaseSensitivity::CaseSensitive)
                        || el.has_class("embed-code", scraper::CaseSensitivity::CaseSensitive),
                    "{path}: <details> from content"
                );
            }
            // The one image is the template's verdict card.
            if name == "img" {
                assert_eq!(
                    el.attr("src"),
                    Some("card.svg"),
                    "{path}: <img> from content"
                );
            }
            if name == "script" {
                assert!(
                    el.attr("type") == Some("application/ld+json")
                        || el.attr("src").is_some_and(|s| s.ends_with("search.js")),
                    "{path}: unexpected <script>"
                );
            }
            for (attr, value) in el.attrs() {
                assert!(
                    !attr.starts_with("on") && attr != "style",
                    "{path}: {attr}={value:?} on <{name}>"
                );
                if matches!(attr, "href" | "src") {
                    let v: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    assert!(
                        !v.starts_with("javascript:")
                            && !v.starts_with("data:")
                            && !v.starts_with("vbscript:"),
                        "{path}: {attr}={value:?}"
                    );
                }
            }
        }
        checked += 1;
    }
    checked
}

fn expect_success(root: &Path, input: &str, max_pages: usize) -> PathBuf {
    let out = root.join("site");
    let (o, t) = build(root, &out);
    assert_no_crash(&o, input);
    assert!(
        o.status.success(),
        "{input}: build failed: {}",
        support::stderr(&o)
    );
    let pages = check_site(&out, max_pages);
    let files = support::snapshot(&out).len();
    row(
        input,
        &format!("builds; {files} files, links resolve, {pages} pages checked for markup"),
        t,
    );
    out
}

fn expect_error(root: &Path, input: &str, message: &str) {
    let out = root.join("site");
    let (o, t) = build(root, &out);
    assert_no_crash(&o, input);
    let err = support::stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{input}: {err}");
    assert!(
        err.contains(message),
        "{input}: expected {message:?} in: {err}"
    );
    assert!(!out.exists(), "{input}: a site was written");
    row(input, &format!("clear error: `{message}`"), t);
}

// ---------------------------------------------------------------------------
// The committed corpus
// ---------------------------------------------------------------------------

#[test]
fn hostile_fixture_project_builds_safely() {
    let dir = Project::fixture("hostile");
    let out = expect_success(
        dir.path(),
        "tests/fixtures/hostile (raw HTML, scripts, handlers, javascript:/data: links, RTL, combining marks, emoji, zero-width chars in quotes, CRLF+BOM, empty body)",
        usize::MAX,
    );
    let data: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data.json")).unwrap()).unwrap();
    // Every claim kept every piece of evidence (quotes with zero-width
    // characters, RTL text and emoji all anchored).
    let evidence: usize = data["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["evidence"].as_array().unwrap().len())
        .sum();
    assert_eq!(evidence, 8);
    // Text survives as text.
    let raw = std::fs::read_to_string(out.join("articles/raw-html/index.html")).unwrap();
    assert!(raw.contains("Clickable text stays text."));
    assert!(raw.contains("a literal &lt;script&gt; entity and a bare &lt; sign"));
    let empty = std::fs::read_to_string(out.join("articles/empty/index.html")).unwrap();
    assert!(empty.contains("0 of 0 statements"));
    let crlf = std::fs::read_to_string(out.join("articles/crlf-bom/index.html")).unwrap();
    assert!(!crlf.contains('\r') && !crlf.contains('\u{feff}'));
}

// ---------------------------------------------------------------------------
// Generated inputs
// ---------------------------------------------------------------------------

#[test]
fn five_megabyte_article() {
    let dir = project();
    let mut body = String::with_capacity(5 << 20);
    let mut i = 0;
    while body.len() < 5 << 20 {
        body.push_str(&format!(
            "Paragraph {i} opens with a sentence about the talks. Officials said sentence {i} is unique. A third one closes paragraph {i}.\n\n"
        ));
        i += 1;
    }
    article(dir.path(), "huge", &body);
    let last = i - 1;
    claims(
        dir.path(),
        &claim_quoting(
            "huge",
            &[
                format!("Officials said sentence {last} is unique."),
                "sentence 0 is unique".into(),
            ],
        ),
    );
    expect_success(
        dir.path(),
        &format!("5 MB article ({i} paragraphs, {} statements)", 3 * i),
        3,
    );
}

#[test]
fn five_megabyte_single_line_without_spaces() {
    let dir = project();
    let body = "x".repeat(5 << 20);
    article(dir.path(), "line", &body);
    claims(dir.path(), "");
    expect_success(dir.path(), "5 MB article on one line, no white space", 3);
}

#[test]
fn empty_article_file_is_a_clear_error() {
    let dir = project();
    std::fs::write(dir.path().join("content/articles/empty.md"), "").unwrap();
    expect_error(
        dir.path(),
        "empty article file (0 bytes)",
        "article has no front matter",
    );
}

#[test]
fn ten_thousand_tiny_articles() {
    let dir = project();
    for i in 0..10_000 {
        article(dir.path(), &format!("a{i}"), &format!("Tiny {i}.\n"));
    }
    let mut c = String::new();
    for i in (0..10_000).step_by(100) {
        c.push_str(&format!(
            "[[claim]]\nid = \"c{i}\"\ntext = \"Claim {i}.\"\nstatus = \"approved\"\nverdict = \"accurate\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n\n  [[claim.evidence]]\n  article = \"a{i}\"\n  quote = \"Tiny {i}.\"\n  stance = \"supports\"\n\n"
        ));
    }
    claims(dir.path(), &c);
    expect_success(dir.path(), "10,000 tiny articles, 100 claims", 20);
}

#[test]
fn claim_with_a_thousand_pieces_of_evidence() {
    let dir = project();
    let mut body = String::new();
    let mut quotes = Vec::new();
    for i in 0..1000 {
        let s = format!("Witness number {i} described the scene.");
        body.push_str(&s);
        body.push(if i % 10 == 9 { '\n' } else { ' ' });
        if i % 10 == 9 {
            body.push('\n');
        }
        quotes.push(s);
    }
    article(dir.path(), "witnesses", &body);
    claims(dir.path(), &claim_quoting("witnesses", &quotes));
    let out = expect_success(
        dir.path(),
        "one claim with 1,000 pieces of evidence",
        usize::MAX,
    );
    let data: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data.json")).unwrap()).unwrap();
    assert_eq!(
        data["claims"][0]["evidence"].as_array().unwrap().len(),
        1000
    );
}

/// Deep nesting: no stack overflow, links resolve. Parsing 10,000 nested
/// elements is quadratic in html5ever (scraper), which takes tens of
/// seconds in a debug build, so these pages are scanned for foreign markup
/// instead of parsed.
fn nested(case: &str, body: String) {
    let dir = project();
    article(dir.path(), "deep", &body);
    claims(
        dir.path(),
        &claim_quoting("deep", &["innermost words".into()]),
    );
    let out = expect_success(dir.path(), case, 0);
    // Article HTML never passes through: the divs are text.
    scan_for_foreign_markup(&out, &["<div><b>", "<b>"]);
}

/// No script or handler anywhere, nor any of `also`.
fn scan_for_foreign_markup(out: &Path, also: &[&str]) {
    for (path, bytes) in support::snapshot(out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for bad in ["<script>", " onerror=", " onclick="].iter().chain(also) {
            assert!(!html.contains(bad), "{path}: {bad} from content");
        }
    }
}

#[test]
fn ten_thousand_nested_block_quotes() {
    nested(
        "10,000 nested `>` block quotes",
        format!("{}innermost words\n", "> ".repeat(10_000)),
    );
}

#[test]
fn ten_thousand_nested_list_levels() {
    nested(
        "10,000 nested list levels (`- - - …`)",
        format!("{}innermost words\n", "- ".repeat(10_000)),
    );
}

#[test]
fn ten_thousand_nested_ordered_lists_and_quotes() {
    nested(
        "10,000 nested `1. > ` list + quote levels",
        format!("{}innermost words\n", "1. > ".repeat(5_000)),
    );
}

#[test]
fn ten_thousand_nested_emphasis_and_links() {
    nested(
        "10,000 nested emphasis markers and 10,000 `[` brackets",
        format!(
            "{}innermost words{}\n\n{}x\n",
            "*".repeat(10_000),
            "*".repeat(10_000),
            "[".repeat(10_000)
        ),
    );
}

#[test]
fn ten_thousand_nested_html_elements() {
    nested(
        "10,000 nested raw `<div>` elements (an HTML block)",
        format!(
            "<div>\n{}innermost words{}\n</div>\n",
            "<div><b>".repeat(10_000),
            "</b></div>".repeat(10_000)
        ),
    );
}

#[test]
fn deeply_nested_markdown_in_a_claim_summary_and_note() {
    let dir = project();
    article(dir.path(), "plain", "Plain words here.\n");
    let deep = format!("{}deep{}", "> ".repeat(10_000), "");
    let html = format!(
        "{}deep{}",
        "<div><i>".repeat(10_000),
        "</i></div>".repeat(10_000)
    );
    claims(
        dir.path(),
        &format!(
            "[[claim]]\nid = \"c\"\ntext = \"C.\"\nsummary = {}\nstatus = \"approved\"\nverdict = \"accurate\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n\n  [[claim.evidence]]\n  article = \"plain\"\n  quote = \"Plain words\"\n  stance = \"supports\"\n  note = {}\n",
            checks::toml_string(&deep),
            checks::toml_string(&html)
        ),
    );
    let out = expect_success(
        dir.path(),
        "claim summary with 10,000 nested `>`, note with 10,000 nested HTML elements",
        0,
    );
    // Summaries and notes are sanitised markdown: <div> and <i> may stay.
    scan_for_foreign_markup(&out, &[]);
}

#[test]
fn deeply_nested_toml_is_a_clear_error() {
    let dir = project();
    article(dir.path(), "plain", "Plain words here.\n");
    claims(
        dir.path(),
        &format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let out = dir.path().join("site");
    let (o, t) = build(dir.path(), &out);
    assert_no_crash(&o, "nested TOML arrays");
    let err = support::stderr(&o);
    // toml_edit limits nesting: a parse error, or (if it parses) a warning.
    let outcome = if o.status.success() {
        "builds (unknown key warned)".to_string()
    } else {
        assert!(err.contains("claims.toml"), "{err}");
        "clear error: invalid TOML in content/claims.toml".to_string()
    };
    row("claims file with 10,000 nested TOML arrays", &outcome, t);
    let dir = project();
    std::fs::write(
        dir.path().join("content/articles/deep.md"),
        format!(
            "+++\ntitle = \"T\"\noutlet = \"O\"\nx = {}1{}\n+++\nBody.\n",
            "{a=".repeat(10_000),
            "}".repeat(10_000)
        ),
    )
    .unwrap();
    let (o, t) = build(dir.path(), &out);
    assert_no_crash(&o, "nested TOML inline tables");
    let outcome = if o.status.success() {
        "builds (unknown key warned)"
    } else {
        "clear error: invalid TOML in the front matter"
    };
    row("front matter with 10,000 nested inline tables", outcome, t);
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let dir = project();
    std::fs::write(
        dir.path().join("content/articles/bad.md"),
        b"+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nLatin-1 caf\xe9.\n",
    )
    .unwrap();
    expect_error(
        dir.path(),
        "article in Latin-1 (invalid UTF-8)",
        "is not valid UTF-8",
    );
}

#[test]
fn control_characters_are_dropped_with_a_warning() {
    let dir = project();
    std::fs::write(
        dir.path().join("content/articles/ctl.md"),
        "+++\ntitle = \"Bell\\u0007 and NUL\\u0000 in TOML escapes\"\noutlet = \"O\\uFFFE\"\n+++\nNUL \0 and bell \x07 and DEL \x7f in the body.\n",
    )
    .unwrap();
    claims(
        dir.path(),
        "[[claim]]\nid = \"c\"\ntext = \"Escape \\u0008 in a claim\"\nstatus = \"approved\"\nverdict = \"accurate\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n",
    );
    let out = expect_success(
        dir.path(),
        "control characters and noncharacters in the body and in TOML escapes",
        usize::MAX,
    );
    for (path, bytes) in support::snapshot(&out) {
        if path.ends_with(".png") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let bad = text
            .chars()
            .find(|c| crosscheck::pipeline::content::is_forbidden_char(*c));
        assert!(bad.is_none(), "{path} contains {bad:?}");
        if path.ends_with(".xml") || path.ends_with(".svg") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
}

#[test]
fn unclosed_front_matter_is_a_clear_error() {
    let dir = project();
    std::fs::write(
        dir.path().join("content/articles/open.md"),
        "+++\ntitle = \"T\"\n",
    )
    .unwrap();
    expect_error(
        dir.path(),
        "front matter never closed",
        "front matter is never closed",
    );
}

#[test]
fn bad_article_file_name_is_a_clear_error() {
    let dir = project();
    std::fs::write(
        dir.path().join("content/articles/Bad Name.md"),
        "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nBody.\n",
    )
    .unwrap();
    expect_error(
        dir.path(),
        "article file named `Bad Name.md`",
        "is not a valid id",
    );
}

#[test]
fn quote_found_nowhere_is_a_clear_error() {
    let dir = project();
    article(dir.path(), "a", "Talks ended without a deal.\n");
    claims(
        dir.path(),
        &claim_quoting("a", &["Talks ended with a deal".into()]),
    );
    expect_error(
        dir.path(),
        "quote that matches nowhere",
        "Talks ended without a deal",
    );
}
