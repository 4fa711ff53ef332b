//! Invariants shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the
//! regression tests that replay what they found (`tests/it/fuzz_regressions.rs`
//! includes this file with `#[path]`). Every check panics on a violation, so
//! libFuzzer records the input as a crash.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use crosscheck::diag::Diagnostics;
use crosscheck::pipeline::anchor::{self, AnchorError, QuoteQuery};
use crosscheck::pipeline::content;
use crosscheck::pipeline::document::{self, Doc};
use crosscheck::pipeline::site::BuildOptions;
use crosscheck::pipeline::statements;
use crosscheck::render;

/// Ranges into `text`: in bounds, on char boundaries, non-empty, not just
/// white space, strictly increasing and non-overlapping.
pub fn check_ranges(text: &str, ranges: &[Range<usize>]) {
    let mut prev_end = 0;
    for (i, r) in ranges.iter().enumerate() {
        assert!(r.start < r.end, "range {i} {r:?} is empty or reversed");
        assert!(
            r.end <= text.len(),
            "range {i} {r:?} past the end ({})",
            text.len()
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "range {i} {r:?} splits a character"
        );
        assert!(
            r.start >= prev_end,
            "range {i} {r:?} overlaps or precedes the previous one (ended at {prev_end})"
        );
        assert!(
            !text[r.clone()].trim().is_empty(),
            "range {i} {r:?} is only white space: {:?}",
            &text[r.clone()]
        );
        prev_end = r.end;
    }
}

/// A statement id is safe as an HTML id and URL fragment.
pub fn check_id(id: &str) {
    assert!(
        id.starts_with("s-"),
        "statement id {id:?} lacks the s- prefix"
    );
    assert!(
        id.len() > 2
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "statement id {id:?} is not [a-z0-9-]"
    );
}

/// The sentence splitter on arbitrary text.
pub fn check_split(text: &str) {
    let ranges = statements::split_sentences(text);
    check_ranges(text, &ranges);
    // Together the sentences cover every non-white-space character, and
    // each is trimmed.
    for r in &ranges {
        let s = &text[r.clone()];
        assert_eq!(s.trim(), s, "sentence {r:?} is not trimmed");
    }
    let mut covered = ranges.iter().peekable();
    for (i, c) in text.char_indices() {
        while covered.next_if(|r| r.end <= i).is_some() {}
        if !c.is_whitespace() {
            assert!(
                covered.peek().is_some_and(|r| r.start <= i),
                "character {c:?} at {i} is in no sentence"
            );
        }
    }
    let texts: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
    let ids = statements::assign_ids(texts.iter().copied());
    assert_eq!(
        ids.len(),
        texts.len(),
        "assign_ids returned a different count"
    );
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for (t, id) in texts.iter().zip(&ids) {
        check_id(id);
        // Ids come from the text alone: the first occurrence of a text gets
        // its plain id, whatever surrounds it.
        let plain = statements::statement_id(t);
        check_id(&plain);
        assert!(
            id == &plain || id.starts_with(&format!("{plain}-")),
            "id {id:?} of {t:?} is not derived from statement_id {plain:?}"
        );
    }
    // Deterministic.
    assert_eq!(statements::split_sentences(text), ranges);
    assert_eq!(statements::assign_ids(texts.iter().copied()), ids);
}

/// Container markup of the blocks (lists, items, quotes) plus each block's
/// own element nest properly.
pub fn check_block_markup(doc: &Doc) {
    let mut stack: Vec<String> = Vec::new();
    let feed = |markup: &str, stack: &mut Vec<String>| {
        let mut rest = markup;
        while let Some(lt) = rest.find('<') {
            let gt = rest[lt..].find('>').expect("tag closes") + lt;
            let tag = &rest[lt + 1..gt];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack
                    .pop()
                    .unwrap_or_else(|| panic!("closing </{name}> with nothing open in {markup:?}"));
                assert_eq!(open, name, "</{name}> closes <{open}> in {markup:?}");
            } else {
                let name = tag.split(' ').next().unwrap().to_string();
                assert!(
                    matches!(name.as_str(), "ul" | "ol" | "li" | "blockquote"),
                    "unexpected container <{name}>"
                );
                stack.push(name);
            }
            rest = &rest[gt + 1..];
        }
        assert!(rest.trim().is_empty(), "text in container markup: {rest:?}");
    };
    for b in &doc.blocks {
        feed(&b.open, &mut stack);
        feed(&b.close, &mut stack);
    }
    assert!(stack.is_empty(), "containers left open: {stack:?}");
}

/// A parsed document: statements inside their blocks, blocks in order,
/// ids valid and unique, every statement renders to safe HTML.
pub fn check_doc(doc: &Doc) {
    let ranges: Vec<Range<usize>> = doc.statements.iter().map(|s| s.range.clone()).collect();
    check_ranges(&doc.text, &ranges);
    let mut ids = BTreeSet::new();
    for (i, s) in doc.statements.iter().enumerate() {
        let id = doc.id_of(s);
        check_id(id);
        assert!(ids.insert(id), "duplicate statement id {id}");
        let b = &doc.blocks[s.block];
        assert!(
            b.range.start <= s.range.start && s.range.end <= b.range.end,
            "statement {i} {:?} outside its block {:?}",
            s.range,
            b.range
        );
        assert!(
            b.statements.contains(&i),
            "block does not list statement {i}"
        );
        let html = doc.statement_html(i);
        check_statement_html(&html);
    }
    let mut prev = 0;
    for b in &doc.blocks {
        assert!(b.range.start >= prev && b.range.end <= doc.text.len());
        assert!(doc.text.is_char_boundary(b.range.start) && doc.text.is_char_boundary(b.range.end));
        prev = b.range.end;
        assert!(
            matches!(b.tag, "" | "p" | "pre" | "h2" | "h3" | "h4" | "h5" | "h6"),
            "{}",
            b.tag
        );
    }
    check_block_markup(doc);
}

/// Statement HTML holds only the tags the generator writes; every other
/// `<` is escaped.
pub fn check_statement_html(html: &str) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt..];
        let ok = [
            "<br>",
            "<strong>",
            "</strong>",
            "<em>",
            "</em>",
            "<del>",
            "</del>",
            "<code>",
            "</code>",
            "</a>",
        ]
        .iter()
        .find(|t| after.starts_with(*t))
        .map(|t| t.len())
        .or_else(|| {
            // <a href="…" rel="nofollow noopener noreferrer">, href escaped.
            let tail = after.strip_prefix("<a href=\"")?;
            let end = tail.find('"')?;
            let href = &tail[..end];
            assert!(!href.contains(['<', '>', '\'']), "unescaped href {href:?}");
            let rest = tail[end..].strip_prefix("\" rel=\"nofollow noopener noreferrer\">")?;
            Some(after.len() - rest.len())
        });
        let Some(len) = ok else {
            panic!(
                "unexpected markup in statement HTML at {:?}",
                &after[..after.len().min(60)]
            );
        };
        rest = &after[len..];
    }
    assert!(
        !rest.contains('>'),
        "unescaped > in statement HTML: {html:?}"
    );
}

fn render_diags(diags: &Diagnostics) {
    // Rendering slices source text by span: must never panic.
    let _ = diags.render(false);
    let _ = diags.render(true);
    for d in diags.iter() {
        let _ = d.location();
    }
}

/// Front matter + article parsing + document parsing, from raw bytes.
pub fn check_article(bytes: &[u8]) {
    let mut diags = Diagnostics::default();
    let file = content::source_from_bytes(
        "content/articles/fuzz.md".into(),
        bytes.to_vec(),
        &mut diags,
    );
    if let Some(file) = file {
        // The whole text as markdown too: article bodies reach the parser
        // only after the front matter, so this covers more of it.
        check_doc(&document::parse(&file.text));
        if let Some(article) = content::parse_article(file, &mut diags) {
            assert!(!article.title.trim().is_empty() && !article.outlet.trim().is_empty());
            assert!(content::is_valid_id(&article.id));
            check_doc(&document::parse(&article.body));
        } else {
            assert!(diags.has_errors(), "article refused without an error");
        }
    } else {
        assert!(diags.has_errors(), "bytes refused without an error");
    }
    render_diags(&diags);
}

/// Claims file parsing, from raw bytes.
pub fn check_claims(bytes: &[u8]) {
    let mut diags = Diagnostics::default();
    let Some(file) =
        content::source_from_bytes("content/claims.toml".into(), bytes.to_vec(), &mut diags)
    else {
        assert!(diags.has_errors());
        render_diags(&diags);
        return;
    };
    let claims = content::parse_claims(&file, &mut diags);
    for c in &claims {
        assert!(content::is_valid_id(&c.id), "claim id {:?}", c.id);
        assert!(!c.text.trim().is_empty());
        assert!(c.span.end <= file.text.len());
        for e in &c.evidence {
            assert!(!e.quote.trim().is_empty() && !e.article.trim().is_empty());
            assert!(e.quote_span.end <= file.text.len() && e.article_span.end <= file.text.len());
            assert!(e.occurrence.is_none_or(|o| o >= 1));
        }
    }
    content::check_claim_references(&claims, &["a".to_string(), "b-1".to_string()], &mut diags);
    render_diags(&diags);
}

/// FORMAT.md's matching rules, written independently of `anchor`: drop
/// invisible characters, fold quotes and dashes, collapse white space.
pub fn reference_normalize(s: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{00ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => continue,
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
            '\u{2010}'..='\u{2015}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

fn count_overlapping(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    hay.char_indices()
        .filter(|(i, _)| hay[*i..].starts_with(needle))
        .count()
}

/// Anchors `quotes` in the document parsed from `markdown` and checks each
/// result against the reference normaliser: a quote found once anchors,
/// its passage normalises to the quote, and it covers exactly the
/// statements it overlaps; otherwise the right error.
pub fn check_anchor(markdown: &str, quotes: &[String]) {
    let doc = document::parse(markdown);
    check_doc(&doc);
    let queries: Vec<QuoteQuery<'_>> = quotes
        .iter()
        .map(|q| QuoteQuery {
            quote: q,
            occurrence: None,
        })
        .collect();
    let results = anchor::anchor_all(&doc, &queries);
    assert_eq!(results.len(), quotes.len());
    let hay = reference_normalize(&doc.text);
    for (q, r) in quotes.iter().zip(results) {
        let needle = reference_normalize(q).trim().to_string();
        let count = count_overlapping(&hay, &needle);
        match r {
            Ok(a) => {
                assert!(!needle.is_empty(), "empty quote {q:?} anchored");
                assert_eq!(count, 1, "quote {q:?} anchored but occurs {count} times");
                assert!(a.range.end <= doc.text.len());
                assert!(
                    doc.text.is_char_boundary(a.range.start)
                        && doc.text.is_char_boundary(a.range.end)
                );
                let passage = &doc.text[a.range.clone()];
                assert_eq!(
                    reference_normalize(passage).trim(),
                    needle,
                    "passage {passage:?} does not normalise to quote {q:?}"
                );
                let want: Vec<usize> = doc
                    .statements
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.range.start < a.range.end && a.range.start < s.range.end)
                    .map(|(i, _)| i)
                    .collect();
                let got: Vec<usize> = a.statements.clone().collect();
                assert_eq!(got, want, "quote {q:?} at {:?}: wrong statements", a.range);
            }
            Err(AnchorError::Empty) => assert!(needle.is_empty(), "quote {q:?} called empty"),
            Err(AnchorError::NotFound { .. }) => {
                assert_eq!(count, 0, "quote {q:?} not found but occurs {count} times");
                assert!(!needle.is_empty());
            }
            Err(AnchorError::Ambiguous { count: n }) => {
                assert!(
                    count > 1 && n == count,
                    "quote {q:?} ambiguous ({n}) but occurs {count} times"
                );
            }
            Err(e) => panic!("unexpected {e:?} without an occurrence"),
        }
    }
}

/// Whole build of the project at `root`: compile, render, and when the
/// content is valid check that every evidence href of data.json resolves
/// to an element id of the article page and every statement has an id.
/// Returns the pages (path → bytes) when the build succeeded.
pub fn check_build(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let project = crosscheck::Project::open(root).expect("the fuzz project is a folder");
    let (site, mut diags) = project.compile(BuildOptions { drafts: true });
    let renderer = render::Renderer::new(root);
    let result = match (site, renderer) {
        (Some(site), Ok(renderer)) if !diags.has_errors() => {
            for doc in &site.docs {
                check_doc(doc);
            }
            match render::render_site(&site, &renderer) {
                Ok(pages) => Some(pages.into_iter().map(|p| (p.path, p.bytes)).collect()),
                Err(d) => {
                    diags.extend(d);
                    None
                }
            }
        }
        (_, r) => {
            assert!(diags.has_errors() || r.is_err(), "no site and no error");
            None
        }
    };
    render_diags(&diags);
    if let Some(pages) = &result {
        check_links(pages);
    }
    result
}

/// Every statement of data.json is an element id on its article page, and
/// every evidence href points at one.
pub fn check_links(pages: &BTreeMap<String, Vec<u8>>) {
    let data: serde_json::Value =
        serde_json::from_slice(pages.get("data.json").expect("data.json written"))
            .expect("data.json parses");
    // Element ids per page, collected once (pages may be megabytes).
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut has_id = |path: &str, id: &str| -> bool {
        ids.entry(path.to_string())
            .or_insert_with(|| {
                let bytes = pages
                    .get(path)
                    .unwrap_or_else(|| panic!("{path} not written"));
                let html = std::str::from_utf8(bytes).expect("pages are UTF-8");
                html.match_indices(" id=\"")
                    .filter_map(|(i, m)| {
                        let rest = &html[i + m.len()..];
                        rest.find('"').map(|end| rest[..end].to_string())
                    })
                    .collect()
            })
            .contains(id)
    };
    for a in data["articles"].as_array().expect("articles") {
        let path = format!("{}index.html", a["path"].as_str().unwrap());
        let url = a["statements_url"].as_str().expect("statements_url");
        let statements: serde_json::Value = serde_json::from_slice(
            pages
                .get(url)
                .unwrap_or_else(|| panic!("{url} not written")),
        )
        .expect("the statements file parses");
        for s in statements["statements"].as_array().unwrap() {
            let id = s["id"].as_str().unwrap();
            check_id(id);
            assert!(has_id(&path, id), "statement {id} has no element in {path}");
        }
    }
    for c in data["claims"].as_array().expect("claims") {
        let _ = has_id(&format!("{}index.html", c["path"].as_str().unwrap()), "");
        for e in c["evidence"].as_array().unwrap() {
            let href = e["href"].as_str().unwrap();
            let (page, frag) = href
                .split_once('#')
                .unwrap_or_else(|| panic!("href {href} has no fragment"));
            assert!(
                has_id(&format!("{page}index.html"), frag),
                "href {href} does not resolve"
            );
        }
    }
}

/// Writes a TOML basic string.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Decodes an anchor fuzz input: `MARKDOWN \0 SELECTORS \0 RAW-QUOTE`.
/// Each 4 bytes of SELECTORS (u16 start, u16 length, little-endian, taken
/// modulo the text's length) select a substring of the parsed document's
/// text, snapped outwards to character boundaries.
pub fn anchor_input(data: &[u8]) -> (String, Vec<String>) {
    let mut parts = data.splitn(3, |&b| b == 0);
    let markdown = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let selectors = parts.next().unwrap_or_default();
    let raw = parts
        .next()
        .map(|r| String::from_utf8_lossy(r).into_owned());
    let text = document::parse(&markdown).text;
    let mut quotes = Vec::new();
    if !text.is_empty() {
        for sel in selectors.chunks_exact(4).take(16) {
            let start = u16::from_le_bytes([sel[0], sel[1]]) as usize % text.len();
            let len = u16::from_le_bytes([sel[2], sel[3]]) as usize % (text.len() - start + 1);
            let mut s = start;
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            let mut e = start + len;
            while !text.is_char_boundary(e) {
                e += 1;
            }
            quotes.push(text[s..e].to_string());
        }
    }
    quotes.extend(raw);
    (markdown, quotes)
}

/// Claims files the review checks edit: the claim's `summary` absent or in
/// each TOML string style, with a comment and an evidence table around it,
/// LF and CRLF. The line `summary = …` (if any) is line 4 of each.
const REVIEW_FILES: &[&str] = &[
    "# top comment\n[[claim]]\nid = \"c\"\ntext = \"T\"\n  # keep me\n\n  [[claim.evidence]]\n  article = \"a\"\n  quote = \"q\"\n  stance = \"supports\"\n",
    "# top comment\n[[claim]]\nid = \"c\"\nsummary = \"old \\\"one\\\"\"  # why\ntext = \"T\"\n\n  [[claim.evidence]]\n  article = \"a\"\n  quote = \"q\"\n  stance = \"supports\"\n",
    "# top comment\n[[claim]]\nid = \"c\"\nsummary = 'old literal'\ntext = \"T\"\n",
    "# top comment\n[[claim]]\nid = \"c\"\nsummary = \"\"\"\nold \"\"\\\" multi\nline\"\"\"\ntext = \"T\"\n",
    "# top comment\n[[claim]]\nid = \"c\"\nsummary = '''\nold literal\nmulti'''\ntext = \"T\"\n",
];

/// Any string written through the review edit path (`set_field` of a
/// summary or reviewer, a new evidence's quote and note, a new claim's
/// text) reads back as exactly that string with the `toml` crate's parser
/// and with crosscheck's loader, and every line the edit did not touch
/// keeps its bytes.
pub fn check_review_string(s: &str) {
    use crosscheck::claims::edit::{ClaimsFile, EditError, Field, NewEvidence};
    for (fi, base) in REVIEW_FILES.iter().enumerate() {
        for crlf in [false, true] {
            let original = if crlf {
                base.replace('\n', "\r\n")
            } else {
                base.to_string()
            };
            let parse = || ClaimsFile::parse("c.toml", original.clone().into_bytes()).unwrap();
            let expect = |v: &str| {
                if crlf {
                    v.replace('\n', "\r\n")
                } else {
                    v.to_string()
                }
            };
            let trimmed = s.trim();

            // The summary: trimmed, removed when empty, at most 20,000 chars.
            let mut f = parse();
            match f.set_field("c", Field::Summary(Some(s.to_string()))) {
                Err(EditError::Invalid { .. }) => {
                    assert!(trimmed.chars().count() > 20_000, "refused {s:?}");
                }
                Err(e) => panic!("file {fi}: summary {s:?} refused: {e}"),
                Ok(()) => {
                    let bytes = f.to_bytes();
                    let got = read_back(&bytes, &["summary"]);
                    let want = (!trimmed.is_empty()).then(|| expect(trimmed));
                    assert_eq!(
                        got, want,
                        "file {fi} crlf {crlf}: summary {s:?} read back wrong"
                    );
                    check_untouched(original.as_bytes(), &bytes, "summary", fi);
                    check_loader_reads(&bytes, trimmed, |c| c.summary.clone());
                }
            }

            // One-line fields keep their rule: no line breaks.
            let mut f = parse();
            match f.set_field("c", Field::Reviewer(Some(s.to_string()))) {
                Err(EditError::Invalid { .. }) => {
                    assert!(
                        trimmed.contains('\n') || trimmed.chars().count() > 20_000,
                        "refused {s:?}"
                    );
                }
                Err(e) => panic!("reviewer {s:?} refused: {e}"),
                Ok(()) => {
                    let got = read_back(&f.to_bytes(), &["reviewer"]);
                    let want = (!trimmed.is_empty()).then(|| trimmed.to_string());
                    assert_eq!(got, want, "reviewer {s:?} read back wrong");
                }
            }

            if fi > 0 {
                continue;
            }
            // New evidence: the quote as given, the note trimmed.
            let mut f = parse();
            let ev = NewEvidence {
                article: "a".into(),
                quote: s.to_string(),
                stance: crosscheck::pipeline::content::Stance::Mentions,
                note: Some(s.to_string()),
                occurrence: None,
            };
            match f.add_evidence("c", &ev) {
                Err(EditError::Invalid { .. }) => {
                    assert!(
                        s.trim().is_empty() || s.chars().count() > 5000,
                        "refused {s:?}"
                    );
                }
                Err(e) => panic!("evidence {s:?} refused: {e}"),
                Ok(i) => {
                    let bytes = f.to_bytes();
                    assert_eq!(
                        read_evidence(&bytes, i, "quote"),
                        Some(expect(s)),
                        "quote {s:?} read back wrong"
                    );
                    let note = (!trimmed.is_empty()).then(|| expect(trimmed));
                    assert_eq!(read_evidence(&bytes, i, "note"), note, "note {s:?}");
                    assert!(
                        bytes.starts_with(original.as_bytes()),
                        "adding evidence changed the lines before it"
                    );
                }
            }
        }
    }
}

/// `claim[0].KEY` as the `toml` crate's parser reads the file.
fn read_back(bytes: &[u8], path: &[&str]) -> Option<String> {
    let text = std::str::from_utf8(bytes).expect("written as UTF-8");
    let doc = toml::de::DeTable::parse(text)
        .unwrap_or_else(|e| panic!("written file is not TOML ({e}):\n{text}"))
        .into_inner();
    let claim = doc
        .get("claim")?
        .get_ref()
        .as_array()?
        .first()?
        .get_ref()
        .as_table()?;
    let mut item = claim.get(path[0])?;
    for key in &path[1..] {
        item = item.get_ref().as_table()?.get(*key)?;
    }
    Some(
        item.get_ref()
            .as_str()
            .unwrap_or_else(|| panic!("{path:?} is not a string"))
            .to_string(),
    )
}

fn read_evidence(bytes: &[u8], index: usize, key: &str) -> Option<String> {
    let text = std::str::from_utf8(bytes).expect("written as UTF-8");
    let doc = toml::de::DeTable::parse(text)
        .unwrap_or_else(|e| panic!("written file is not TOML ({e}):\n{text}"))
        .into_inner();
    let claim = doc
        .get("claim")?
        .get_ref()
        .as_array()?
        .first()?
        .get_ref()
        .as_table()?;
    let ev = claim.get("evidence")?.get_ref().as_array()?.get(index)?;
    let v = ev.get_ref().as_table()?.get(key)?;
    Some(v.get_ref().as_str().expect("a string").to_string())
}

/// Every line of `before` but the edited key's (the `summary = …` line of
/// the fixture and any continuation lines of its value) is in `after`
/// byte for byte, in order: the edit touched that entry only.
fn check_untouched(before: &[u8], after: &[u8], key: &str, fi: usize) {
    let before = String::from_utf8_lossy(before);
    let after = String::from_utf8_lossy(after);
    let lines: Vec<&str> = before.split_inclusive('\n').collect();
    let at = lines.iter().position(|l| l.starts_with(key));
    let (head, tail) = match at {
        Some(i) => {
            // The old value ends on the line holding its closing delimiter.
            let end = (i..lines.len())
                .find(|&j| {
                    let l = lines[j].trim_end();
                    j > i && (l.ends_with("\"\"\"") || l.ends_with("'''"))
                        || (j == i && !l.ends_with("\"\"\"") && !l.ends_with("'''"))
                })
                .unwrap_or(i);
            (&lines[..i], &lines[end + 1..])
        }
        // A new key goes after the claim's last key: the first four lines
        // stay, and so does everything from the comment on.
        None => (&lines[..4], &lines[4..]),
    };
    let head: String = head.concat();
    let tail: String = tail.concat();
    assert!(
        after.starts_with(&head)
            && after.ends_with(&tail)
            && after.len() >= head.len() + tail.len(),
        "file {fi}: lines the edit did not touch changed:\n--- before\n{before}\n--- after\n{after}"
    );
}

/// crosscheck's own loader reads the value back too (less the code points
/// HTML forbids, which it drops with a warning).
fn check_loader_reads(
    bytes: &[u8],
    want: &str,
    get: impl Fn(&crosscheck::pipeline::content::Claim) -> Option<String>,
) {
    let mut d = Diagnostics::default();
    let Some(file) = content::source_from_bytes("c.toml".into(), bytes.to_vec(), &mut d) else {
        panic!("written file is not UTF-8");
    };
    let claims = content::parse_claims(&file, &mut d);
    let kept: String = want
        .chars()
        .filter(|&c| !content::is_forbidden_char(c))
        .collect();
    if kept.trim().is_empty() {
        return;
    }
    assert_eq!(claims.len(), 1, "{}", d.render(false));
    assert_eq!(get(&claims[0]).as_deref(), Some(kept.as_str()));
}

/// Template names a `templates` fuzz input's parts are written to, in
/// order: the built-in names (so they replace the built-in templates) and
/// two more to include.
pub const TEMPLATE_NAMES: &[&str] = &[
    "base.html",
    "macros.html",
    "claim.html",
    "a.html",
    "article.html",
    "index.html",
    "404.html",
    "b.html",
];

struct TemplateProject {
    dir: tempfile::TempDir,
    site: crosscheck::Site,
}

static TEMPLATE_PROJECT: std::sync::OnceLock<std::sync::Mutex<TemplateProject>> =
    std::sync::OnceLock::new();

/// Random template text and include graphs: `data` split at NUL bytes
/// into templates named after [`TEMPLATE_NAMES`]. Loading them either
/// fails with diagnostics that render, or every page renders (or fails
/// with a diagnostic); nothing panics, aborts or recurses without end.
pub fn check_templates(data: &[u8]) {
    let project = TEMPLATE_PROJECT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(
            if Path::new(env!("CARGO_MANIFEST_DIR")).ends_with("fuzz") {
                "../tests/fixtures/basic"
            } else {
                "tests/fixtures/basic"
            },
        );
        copy_tree(&fixture.join("content"), &dir.path().join("content"));
        let (site, diags) = crosscheck::Project::open(dir.path())
            .expect("a temp folder")
            .compile(BuildOptions { drafts: true });
        let site = site.unwrap_or_else(|| panic!("fixture compiles: {}", diags.render(false)));
        std::sync::Mutex::new(TemplateProject { dir, site })
    });
    let project = project.lock().unwrap_or_else(|e| e.into_inner());
    let templates = project.dir.path().join("templates");
    let _ = std::fs::remove_dir_all(&templates);
    std::fs::create_dir_all(&templates).expect("templates folder");
    for (i, part) in data
        .split(|&b| b == 0)
        .take(TEMPLATE_NAMES.len())
        .enumerate()
    {
        let text = String::from_utf8_lossy(part);
        std::fs::write(templates.join(TEMPLATE_NAMES[i]), text.as_bytes()).expect("write");
    }
    match render::Renderer::new(project.dir.path()) {
        Err(diags) => {
            assert!(
                diags.has_errors(),
                "a refused template set comes with an error"
            );
            render_diags(&diags);
        }
        Ok(renderer) => {
            if let Err(diags) = render::render_site(&project.site, &renderer) {
                render_diags(&diags);
            }
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("fixture").flatten() {
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}
