//! Claims files re-parsed a claim at a time.
//!
//! A fact-check's claims file grows to megabytes (5 MB for 5,000 claims),
//! and parsing it whole takes longer than the rest of a rebuild. A claims
//! file is a sequence of `[[claim]]` tables, so serve splits it at those
//! header lines and parses only the sections whose text changed, reusing
//! the claims of the others (their spans moved to where the section now
//! starts, their file the new one).
//!
//! This equals parsing the whole file only when the split points are real
//! table headers and nothing spans two sections. Serve therefore falls back
//! to parsing the whole file whenever it cannot be sure:
//!
//! * a line that opens any other table (`[meta]`, `[claim.x]`…), or a
//!   top-level `claim = …` before the first header: tables could then be
//!   defined twice across sections, which only a whole parse reports;
//! * any section with an error: a string, array or table left open at the
//!   end of a section (so spanning the next header) is an error in that
//!   section alone, and errors are reported exactly as `check` does.
//!
//! The split of a file is recorded with its claims: a section's claims are
//! the ones whose header lies in it, in order.

use std::ops::Range;
use std::sync::Arc;

use crate::diag::{Diagnostics, SourceFile};
use crate::pipeline::content::{self, Claim, Evidence};

/// A hash of what pages show of a claim: 32 bytes of blake3 (not the
/// sign-off fingerprint of `claims::signoff`, which names what a reviewer
/// approved).
pub(super) type Print = [u8; 32];

/// A hash of everything about a claim that a page can show. The
/// destructuring is exhaustive on purpose: a field added to [`Claim`] or
/// [`Evidence`] must be considered here, or edits to it would not
/// re-render the pages showing it.
pub(super) fn shown_print(claim: &Claim) -> Print {
    let Claim {
        id,
        text,
        verdict,
        summary,
        summary_span: _,
        status,
        reviewer,
        reviewed,
        signoff,
        basis_reports,
        sources,
        updates,
        evidence,
        file,
        span: _,
    } = claim;
    let mut h = blake3::Hasher::new();
    let mut put = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    put(id);
    put(text);
    put(verdict.as_str());
    put(summary.as_deref().unwrap_or("\0"));
    put(status.as_str());
    put(reviewer.as_deref().unwrap_or("\0"));
    put(reviewed.as_deref().unwrap_or("\0"));
    put(signoff.as_deref().unwrap_or("\0"));
    put(if *basis_reports { "reports" } else { "\0" });
    put(&file.name);
    for source in sources {
        let crate::pipeline::content::Source {
            title,
            url,
            publisher,
            date,
            archived,
            note,
            span: _,
        } = source;
        put(title);
        for field in [url, publisher, date, archived, note] {
            put(field.as_deref().unwrap_or("\0"));
        }
    }
    put("\0updates");
    for update in updates {
        let crate::pipeline::content::Update {
            date,
            note,
            verdict_before,
            span: _,
        } = update;
        put(date);
        put(note);
        put(verdict_before.map_or("\0", |v| v.as_str()));
    }
    put("\0evidence");
    for ev in evidence {
        let Evidence {
            article,
            quote,
            stance,
            note,
            occurrence,
            article_span: _,
            quote_span: _,
        } = ev;
        put(article);
        put(quote);
        put(stance.as_str());
        put(note.as_deref().unwrap_or("\0"));
        put(&occurrence.map_or_else(String::new, |o| o.to_string()));
    }
    *h.finalize().as_bytes()
}

/// One section of a claims file: the prelude before the first `[[claim]]`
/// line, or one `[[claim]]` table up to the next.
#[derive(Debug, Clone)]
pub(super) struct Section {
    pub hash: blake3::Hash,
    pub range: Range<usize>,
    /// How many claims it yielded (in file order).
    pub claims: usize,
    /// The problems found in it (warnings: a section with errors makes
    /// the file be parsed whole), spans in the file as it was.
    pub diags: Diagnostics,
    /// Its claims. ids and shown prints.
    pub prints: Vec<(String, Print)>,
}

/// A claims file parsed: its claims, the problems found, and its sections
/// when it can be parsed by section next time.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub claims: Vec<Claim>,
    pub diags: Diagnostics,
    pub sections: Option<Vec<Section>>,
    /// The claims. ids and shown prints, in order.
    pub prints: Vec<(String, Print)>,
}

/// Splits `text` into sections, or `None` when a section-wise parse could
/// differ from a whole one (see the module docs).
pub(super) fn split(text: &str) -> Option<Vec<Range<usize>>> {
    // Called on every save of a claims file of possibly megabytes.
    let delims = Delimiters::new();
    if delims.basic.find(text.as_bytes()).is_none()
        && delims.literal.find(text.as_bytes()).is_none()
    {
        return split_without_multiline_strings(text);
    }
    split_by_lines(text, &delims)
}

/// [`split`] of a file without multi-line strings, where only lines that
/// start with `[` and the lines before the first one matter: found by
/// jumping from `[` to `[` instead of walking 30 lines per claim.
fn split_without_multiline_strings(text: &str) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut in_prelude = true;
    for at in memchr::memchr_iter(b'[', bytes) {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        if !bytes[line_start..at]
            .iter()
            .all(|&b| b == b' ' || b == b'\t')
        {
            continue;
        }
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i + 1);
        match table_header(without_comment(&text[line_start..line_end]).trim()) {
            Header::Claim => {
                if in_prelude && prelude_defines_claim(&text[..line_start]) {
                    return None;
                }
                starts.push(line_start);
                in_prelude = false;
            }
            Header::Evidence if !in_prelude => {}
            _ => return None,
        }
    }
    if in_prelude && prelude_defines_claim(text) {
        return None;
    }
    starts.push(text.len());
    starts.dedup();
    Some(starts.windows(2).map(|w| w[0]..w[1]).collect())
}

/// Whether a line before the first `[[claim]]` sets a top-level `claim`.
fn prelude_defines_claim(prelude: &str) -> bool {
    prelude.split_inclusive('\n').any(|line| {
        let code = without_comment(line).trim();
        !code.starts_with('[') && {
            let key = code.split(['=', '.']).next().unwrap_or("").trim();
            key.trim_matches(['"', '\'']) == "claim"
        }
    })
}

/// [`split`], line by line, following multi-line strings.
fn split_by_lines(text: &str, delims: &Delimiters) -> Option<Vec<Range<usize>>> {
    let mut starts = vec![0];
    let mut offset = 0;
    let mut in_prelude = true;
    // The multi-line string open at the start of a line, if any, by its
    // delimiter. Approximate (an escaped `\"""` fools it), which only ever
    // adds a fallback: a wrong split makes a section that does not parse.
    let mut open: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let was_open = open.is_some();
        open = multiline_state(line, open, delims);
        if was_open {
            offset += line.len();
            continue;
        }
        let code = without_comment(line).trim();
        if code.starts_with('[') {
            match table_header(code) {
                Header::Claim => {
                    starts.push(offset);
                    in_prelude = false;
                }
                Header::Evidence if !in_prelude => {}
                // A `[`-line inside a multi-line string (a markdown link in a
                // summary) lands here too: a needless but harmless fallback.
                _ => return None,
            }
        } else if in_prelude && prelude_defines_claim(line) {
            return None;
        }
        offset += line.len();
    }
    starts.push(text.len());
    starts.dedup();
    Some(starts.windows(2).map(|w| w[0]..w[1]).collect())
}

#[derive(Debug, PartialEq, Eq)]
enum Header {
    Claim,
    Evidence,
    Other,
}

/// Which table a `[`-line opens, white space inside the brackets ignored.
fn table_header(code: &str) -> Header {
    let named = |name: &str| {
        let mut want = name.bytes();
        let mut got = code.bytes().filter(|b| !b.is_ascii_whitespace());
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    };
    if code == "[[claim]]" || named("[[claim]]") {
        Header::Claim
    } else if code == "[[claim.evidence]]" || named("[[claim.evidence]]") {
        Header::Evidence
    } else {
        Header::Other
    }
}

fn without_comment(line: &str) -> &str {
    match memchr::memchr(b'#', line.as_bytes()) {
        Some(i) => &line[..i],
        None => line,
    }
}

struct Delimiters {
    basic: memchr::memmem::Finder<'static>,
    literal: memchr::memmem::Finder<'static>,
}

impl Delimiters {
    fn new() -> Self {
        Delimiters {
            basic: memchr::memmem::Finder::new("\"\"\""),
            literal: memchr::memmem::Finder::new("'''"),
        }
    }

    fn find(&self, delim: &str, hay: &str) -> Option<usize> {
        if delim == "\"\"\"" {
            self.basic.find(hay.as_bytes())
        } else {
            self.literal.find(hay.as_bytes())
        }
    }
}

/// Whether a multi-line string is open after `line`, given the one open
/// before it.
fn multiline_state<'a>(
    line: &str,
    mut open: Option<&'a str>,
    delims: &Delimiters,
) -> Option<&'a str> {
    let mut rest = line;
    loop {
        match open {
            Some(delim) => match delims.find(delim, rest) {
                Some(i) => {
                    rest = &rest[i + 3..];
                    open = None;
                }
                None => return open,
            },
            None => {
                let code = without_comment(rest).as_bytes();
                let basic = delims.basic.find(code);
                let literal = delims.literal.find(code);
                let (i, delim) = match (basic, literal) {
                    (Some(b), Some(l)) if l < b => (l, "'''"),
                    (Some(b), _) => (b, "\"\"\""),
                    (None, Some(l)) => (l, "'''"),
                    (None, None) => return None,
                };
                rest = &rest[i + 3..];
                open = Some(delim);
            }
        }
    }
}

/// Parses a claims file whole, as the loader does, recording its sections
/// if it can be parsed by section next time.
pub(super) fn parse_whole(file: &Arc<SourceFile>) -> Parsed {
    let mut diags = Diagnostics::default();
    let claims = content::parse_claims(file, &mut diags);
    let prints: Vec<(String, Print)> = claims
        .iter()
        .map(|c| (c.id.clone(), shown_print(c)))
        .collect();
    let sections = (!diags.has_errors())
        .then(|| split(&file.text))
        .flatten()
        .and_then(|ranges| sections_of(&file.text, ranges, &prints, &claims, &diags));
    Parsed {
        claims,
        diags,
        sections,
        prints,
    }
}

/// Which claims and problems each section yielded, by where they are;
/// `None` if a claim falls outside the sections' order or a problem has no
/// place (then parse whole).
fn sections_of(
    text: &str,
    ranges: Vec<Range<usize>>,
    prints: &[(String, Print)],
    claims: &[Claim],
    diags: &Diagnostics,
) -> Option<Vec<Section>> {
    let mut sections: Vec<Section> = ranges
        .into_iter()
        .map(|r| Section {
            hash: blake3::hash(text[r.clone()].as_bytes()),
            range: r,
            claims: 0,
            diags: Diagnostics::default(),
            prints: Vec::new(),
        })
        .collect();
    let mut current = 0;
    for (c, print) in claims.iter().zip(prints) {
        while current < sections.len() && !sections[current].range.contains(&c.span.start) {
            current += 1;
        }
        let section = sections.get_mut(current)?;
        section.claims += 1;
        section.prints.push(print.clone());
    }
    for d in diags.iter() {
        let at = d.span.as_ref()?.start;
        let i = sections.partition_point(|s| s.range.end <= at);
        sections.get_mut(i)?.diags.push(d.clone());
    }
    Some(sections)
}

/// Moves a problem found at `from` to `to` in `file`.
fn relocate_diag(d: &mut crate::diag::Diagnostic, from: usize, to: usize, file: &Arc<SourceFile>) {
    if let Some(span) = &d.span {
        d.span = Some(span.start - from + to..span.end - from + to);
    }
    if d.file.is_some() {
        d.file = Some(file.clone());
    }
}

/// Parses `file`, a new version of a claims file last parsed into
/// `old_claims` by `old_sections`: sections with the same text reuse their
/// claims, the others are parsed alone. `None` when it must be parsed
/// whole (see the module docs).
pub(super) fn parse_sections(
    file: &Arc<SourceFile>,
    old_sections: &[Section],
    old_claims: Vec<Claim>,
) -> Option<Parsed> {
    let ranges = split(&file.text)?;
    // Old sections by text, with their claims.
    let mut old: std::collections::HashMap<blake3::Hash, (&Section, Range<usize>)> =
        std::collections::HashMap::new();
    let mut first = 0;
    for s in old_sections {
        old.entry(s.hash).or_insert((s, first..first + s.claims));
        first += s.claims;
    }
    if first != old_claims.len() {
        return None;
    }
    // Moved out as reused; a section repeated word for word gets copies.
    let mut old_claims: Vec<Option<Claim>> = old_claims.into_iter().map(Some).collect();
    let mut claims = Vec::new();
    let mut prints = Vec::new();
    let mut diags = Diagnostics::default();
    let mut sections = Vec::with_capacity(ranges.len());
    for range in ranges {
        let text = &file.text[range.clone()];
        let hash = blake3::hash(text.as_bytes());
        let before = claims.len();
        let mut section_diags = Diagnostics::default();
        // A section repeated word for word finds its claims taken by the
        // first copy: it is parsed like a new one.
        let reuse = old
            .get(&hash)
            .filter(|(_, which)| old_claims[which.clone()].iter().all(Option::is_some));
        match reuse {
            Some((old_section, which)) => {
                let from = old_section.range.start;
                for slot in &mut old_claims[which.clone()] {
                    let mut c = slot.take().expect("checked above");
                    relocate(&mut c, from, range.start, file);
                    claims.push(c);
                }
                prints.extend(old_section.prints.iter().cloned());
                for d in old_section.diags.iter() {
                    let mut d = d.clone();
                    relocate_diag(&mut d, from, range.start, file);
                    section_diags.push(d);
                }
            }
            None => {
                let part = SourceFile::new(file.name.clone(), text);
                let mut d = Diagnostics::default();
                let parsed = content::parse_claims(&part, &mut d);
                if d.has_errors() {
                    return None;
                }
                for mut c in parsed {
                    relocate(&mut c, 0, range.start, file);
                    prints.push((c.id.clone(), shown_print(&c)));
                    claims.push(c);
                }
                for mut x in d {
                    relocate_diag(&mut x, 0, range.start, file);
                    section_diags.push(x);
                }
            }
        }
        diags.extend(section_diags.clone());
        sections.push(Section {
            hash,
            range,
            claims: claims.len() - before,
            diags: section_diags,
            prints: prints[prints.len() - (claims.len() - before)..].to_vec(),
        });
    }
    Some(Parsed {
        claims,
        diags,
        sections: Some(sections),
        prints,
    })
}

/// Moves a claim parsed with its section at `from` to `to` in `file`. The
/// destructuring is exhaustive on purpose: a span added to [`Claim`] or
/// [`Evidence`] must be moved here too.
fn relocate(claim: &mut Claim, from: usize, to: usize, file: &Arc<SourceFile>) {
    let shift = |r: &mut Range<usize>| {
        *r = r.start - from + to..r.end - from + to;
    };
    let Claim {
        id: _,
        text: _,
        verdict: _,
        summary: _,
        summary_span,
        status: _,
        reviewer: _,
        reviewed: _,
        signoff: _,
        basis_reports: _,
        sources,
        updates,
        evidence,
        file: claim_file,
        span,
    } = claim;
    shift(span);
    if let Some(s) = summary_span {
        shift(s);
    }
    for source in sources {
        shift(&mut source.span);
    }
    for update in updates {
        shift(&mut update.span);
    }
    *claim_file = file.clone();
    for ev in evidence {
        let Evidence {
            article: _,
            quote: _,
            stance: _,
            note: _,
            occurrence: _,
            article_span,
            quote_span,
        } = ev;
        shift(article_span);
        shift(quote_span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# prelude\nextra = 1\n\n[[claim]]\nid = \"a\"\ntext = \"A\"\nsummary = \"\"\"\nmulti\nline\n\"\"\"\n\n  [[claim.evidence]]\n  article = \"x\"\n  quote = \"q\"\n  stance = \"supports\"\n\n[[claim]] # second\nid = \"b\"\ntext = \"B\"\nunknown = 2\n";

    fn source(text: &str) -> Arc<SourceFile> {
        SourceFile::new("content/claims.toml", text)
    }

    #[test]
    fn splits_at_claim_headers_only() {
        let ranges = split(FILE).unwrap();
        assert_eq!(ranges.len(), 3);
        assert!(FILE[ranges[1].clone()].starts_with("[[claim]]\nid = \"a\""));
        assert!(FILE[ranges[2].clone()].starts_with("[[claim]] # second"));
        assert_eq!(ranges.last().unwrap().end, FILE.len());
    }

    #[test]
    fn anything_else_is_parsed_whole() {
        assert!(split("[meta]\nx = 1\n[[claim]]\nid = \"a\"\n").is_none());
        assert!(split("[[claim]]\nid = \"a\"\n[claim.more]\nx = 1\n").is_none());
        assert!(split("claim = [{ id = \"a\" }]\n[[claim]]\nid = \"b\"\n").is_none());
        assert!(split("\"claim\".x = 1\n").is_none());
        assert!(split("[[claim.evidence]]\narticle = \"x\"\n").is_none());
    }

    #[test]
    fn headers_inside_multi_line_strings_are_not_split_points() {
        let text =
            "[[claim]]\nid = \"a\"\nsummary = \"\"\"\n[[claim]]\n\"\"\"\n\n[[claim]]\nid = \"b\"\n";
        // No prelude: the first section starts with the first claim.
        let ranges = split(text).unwrap();
        assert_eq!(ranges.len(), 2, "{ranges:?}");
        assert!(text[ranges[1].clone()].starts_with("[[claim]]\nid = \"b\""));
        let text = "[[claim]]\nid = 'a'\nnote = '''one ''' \n[[claim]]\nid = 'b'\n";
        assert_eq!(split(text).unwrap().len(), 2);
    }

    #[test]
    fn the_fast_split_agrees_with_the_line_by_line_one() {
        let delims = Delimiters::new();
        let cases = [
            FILE.replace("\"\"\"\nmulti\nline\n\"\"\"", "\"one line\""),
            "[[claim]]\nid = \"a\"\nquote = \"[sic] it [[claim]]\"\n  [[ claim ]]  # x\nid = \"b\"\n".into(),
            "# [[claim]]\nx = 1\n\t[[claim]]\nid = \"a\"\n[[claim.evidence]]\n".into(),
            "[[claim]]\nids = [\n  [1],\n]\n".into(),
            "x = 1\nclaim.y = 2\n[[claim]]\n".into(),
            "[[claim]]".into(),
            "".into(),
            "no headers\n".into(),
            "[[claim]]\n[[claim]]\n".into(),
        ];
        for text in cases {
            assert_eq!(
                split_without_multiline_strings(&text),
                split_by_lines(&text, &delims),
                "{text:?}"
            );
        }
    }

    fn view(claims: &[Claim]) -> Vec<String> {
        claims
            .iter()
            .map(|c| {
                format!(
                    "{} {:?} {:?} {}",
                    c.id,
                    c.span,
                    c.evidence
                        .iter()
                        .map(|e| e.quote_span.clone())
                        .collect::<Vec<_>>(),
                    c.file.text.len()
                )
            })
            .collect()
    }

    #[test]
    fn sections_reparse_equals_a_whole_parse() {
        let first = parse_whole(&source(FILE));
        let sections = first.sections.clone().unwrap();
        assert_eq!(
            sections.iter().map(|s| s.claims).collect::<Vec<_>>(),
            [0, 1, 1]
        );
        // Claim a grows by a line: b moves, and is reused with its warning.
        let edited = FILE.replace(
            "text = \"A\"\n",
            "text = \"A\"\nreviewer = \"R\"\nbogus = 1\n",
        );
        let file = source(&edited);
        let by_section = parse_sections(&file, &sections, first.claims.clone()).unwrap();
        let whole = parse_whole(&file);
        assert_eq!(view(&by_section.claims), view(&whole.claims));
        assert_eq!(by_section.diags.render(false), whole.diags.render(false));
        let rendered = whole.diags.render(false);
        assert!(
            rendered.contains("bogus")
                && rendered.contains("unknown")
                && rendered.contains("extra")
        );
        assert!(
            by_section
                .claims
                .iter()
                .all(|c| Arc::ptr_eq(&c.file, &file))
        );
    }

    #[test]
    fn an_error_in_a_section_means_a_whole_parse() {
        let first = parse_whole(&source(FILE));
        let sections = first.sections.clone().unwrap();
        // A multi-line string left open swallows the next header.
        let broken = FILE.replace("line\n\"\"\"\n", "line\n");
        assert!(parse_sections(&source(&broken), &sections, first.claims.clone()).is_none());
        let whole = parse_whole(&source(&broken));
        assert!(whole.diags.has_errors() && whole.sections.is_none());
    }
}
