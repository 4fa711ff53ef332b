//! Where each claim's `[[claim]]` table is in a claims file, found without
//! parsing the whole file.
//!
//! A claims file grows to megabytes (5 MB for 5,000 claims), and a TOML
//! parse of all of it takes longer than a reviewer should wait for a
//! save. An edit of one claim only needs that claim's table: from its
//! `[[claim]]` line to the next one. The lines are classified by a small
//! lexer of TOML's strings and comments (so a `[[claim]]` inside a
//! multi-line summary is not taken for a header), and each section's `id`
//! is read from its own `id = …` line.
//!
//! When the file is anything but a prelude of comments followed by
//! `[[claim]]` tables (and their `[[claim.…]]` subtables), [`split`] gives
//! up and the file is edited whole; callers also check that a section
//! parsed alone holds exactly the claim they expected.

use std::ops::Range;

/// One claim's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// Byte range in the file: from the blank lines and comments before its
    /// `[[claim]]` line (a TOML editor keeps them with the table they
    /// precede) to its last line of TOML.
    pub range: Range<usize>,
    /// The id its `id = …` line gives, if it has one.
    pub id: Option<String>,
    /// Its subtables' names (`evidence`, `source`, `update`…), in order.
    pub tables: Vec<String>,
}

/// The lexer's state at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    /// Inside a `"""` string.
    Basic,
    /// Inside a `'''` string.
    Literal,
}

/// Follows one line through TOML's strings; returns what is open at its
/// end, and where a comment starts (if one does, outside strings).
fn lex_line(line: &[u8], mut open: Open) -> (Open, Option<usize>) {
    let mut i = 0;
    let n = line.len();
    let run = |at: usize, q: u8| line[at..].iter().take_while(|&&b| b == q).count();
    while i < n {
        match open {
            Open::Basic => match line[i] {
                b'\\' => i += 2,
                b'"' if run(i, b'"') >= 3 => {
                    // Up to two quotes before the closing three are content.
                    i += run(i, b'"').min(5);
                    open = Open::Nothing;
                }
                _ => i += 1,
            },
            Open::Literal => {
                if line[i] == b'\'' && run(i, b'\'') >= 3 {
                    i += run(i, b'\'').min(5);
                    open = Open::Nothing;
                } else {
                    i += 1;
                }
            }
            Open::Nothing => match line[i] {
                b'#' => return (open, Some(i)),
                b'"' if run(i, b'"') >= 3 => {
                    i += 3;
                    open = Open::Basic;
                }
                b'"' => {
                    // A one-line basic string: to its closing quote.
                    i += 1;
                    while i < n && line[i] != b'"' && line[i] != b'\n' {
                        i += if line[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b'\'' if run(i, b'\'') >= 3 => {
                    i += 3;
                    open = Open::Literal;
                }
                b'\'' => {
                    i += 1;
                    while i < n && line[i] != b'\'' && line[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            },
        }
    }
    (open, None)
}

#[derive(Debug, PartialEq, Eq)]
enum Header {
    Claim,
    /// `[[claim.evidence]]`, `[[claim.source]]`, `[[claim.update]]`…
    Sub,
    Other,
}

/// The subtable name of a `[[claim.NAME]]` line.
fn sub_name(code: &str) -> String {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .trim_start_matches("[[claim.")
        .trim_end_matches("]]")
        .to_string()
}

/// Which table a line that starts with `[` opens.
fn header(code: &str) -> Header {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "[[claim]]" {
        Header::Claim
    } else if compact.starts_with("[[claim.")
        && compact.ends_with("]]")
        && compact[8..compact.len() - 2]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Header::Sub
    } else {
        Header::Other
    }
}

/// The id an `id = "…"` line gives.
fn id_of(code: &str) -> Option<String> {
    let (key, _) = code.split_once('=')?;
    if key.trim().trim_matches(['"', '\'']) != "id" {
        return None;
    }
    // The loader's TOML reader, so the id is the one `check` reads.
    let doc = toml::de::DeTable::parse(code).ok()?;
    doc.get_ref()
        .get("id")?
        .get_ref()
        .as_str()
        .map(str::to_string)
}

/// The claims' sections of `text`, in order; `None` when the file is not
/// a prelude of comments and blank lines followed by `[[claim]]` tables.
pub(crate) fn split(text: &str) -> Option<Vec<Section>> {
    let bytes = text.as_bytes();
    let mut sections: Vec<Section> = Vec::new();
    let mut open = Open::Nothing;
    // Whether the current section's keys (before its first subtable) are
    // still being read.
    let mut in_keys = false;
    let mut offset = 0;
    // Where the last line holding TOML (not only a comment) ends.
    let mut code_end = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        let was = open;
        let (now, comment) = lex_line(line.as_bytes(), open);
        open = now;
        if was != Open::Nothing {
            code_end = offset;
            continue;
        }
        let code = match comment {
            Some(c) => &line[..c],
            None => line,
        }
        .trim();
        if code.is_empty() {
            continue;
        }
        let after_code = code_end;
        code_end = offset;
        if code.starts_with('[') {
            match header(code) {
                Header::Claim => {
                    if let Some(last) = sections.last_mut() {
                        last.range.end = after_code;
                    }
                    sections.push(Section {
                        range: after_code..bytes.len(),
                        id: None,
                        tables: Vec::new(),
                    });
                    in_keys = true;
                }
                Header::Sub if !sections.is_empty() => {
                    in_keys = false;
                    if let Some(last) = sections.last_mut() {
                        last.tables.push(sub_name(code));
                    }
                }
                _ => return None,
            }
            continue;
        }
        match sections.last_mut() {
            // Keys before the first claim: a top-level key could be
            // anything (`claim = […]` even).
            None => return None,
            Some(s) if in_keys && s.id.is_none() => s.id = id_of(code),
            Some(_) => {}
        }
    }
    if open != Open::Nothing {
        return None;
    }
    if let Some(last) = sections.last_mut() {
        last.range.end = code_end;
    }
    Some(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Option<Vec<(String, Option<String>)>> {
        split(text).map(|s| {
            s.into_iter()
                .map(|s| (text[s.range].to_string(), s.id))
                .collect()
        })
    }

    #[test]
    fn claims_split_at_their_headers_only() {
        let text = "# prelude\n\n[[claim]]\nid = \"a\"   # first\nsummary = \"\"\"\n[[claim]]\nid = \"not-a-claim\"\n\"\"\"\n\n  [[claim.evidence]]\n  quote = 'it''s # no comment'\n  id = \"x\"\n# about b\n[ [ claim ] ]\n'id' = 'b'\nnote = \"say \\\"[[claim]]\\\"\"\n";
        let got = ids(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.as_deref(), Some("a"));
        // The comments before a header go with the table after them.
        assert!(got[0].0.starts_with("# prelude\n\n[[claim]]\nid = \"a\""));
        assert!(got[0].0.ends_with("  id = \"x\"\n"), "{:?}", got[0].0);
        assert_eq!(got[1].1.as_deref(), Some("b"));
        assert!(got[1].0.starts_with("# about b\n[ [ claim ] ]"));
        assert!(got[1].0.ends_with("\\\"\"\n"), "{:?}", got[1].0);
    }

    #[test]
    fn anything_but_claim_tables_is_left_to_a_whole_parse() {
        for text in [
            "title = \"x\"\n[[claim]]\nid = \"a\"\n",
            "[[claim]]\nid = \"a\"\n[meta]\nx = 1\n",
            "[[claim]]\nid = \"a\"\nsummary = \"\"\"\nnever closed\n",
            "claim = [ { id = \"a\" } ]\n",
        ] {
            assert_eq!(split(text), None, "{text}");
        }
        assert_eq!(split("# only comments\n"), Some(Vec::new()));
        // Up to two quotes before the closing three are content.
        let ok =
            "[[claim]]\nid = \"a\"\nsummary = \"\"\"\nends in \"\"\"\"\"\n[[claim]]\nid = \"b\"\n";
        assert_eq!(split(ok).unwrap().len(), 2);
    }
}
