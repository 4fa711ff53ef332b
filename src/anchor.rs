//! Stage 3: anchor quotes in articles, by FORMAT.md's matching rules.
//!
//! Both the article text and the quote are normalised (white-space runs →
//! one space, curly and straight quotes → straight, dashes → `-`, invisible
//! format characters dropped) and matched exactly. All quotes of one article
//! are found in a single Aho-Corasick pass, so anchoring is linear in the
//! article's length however many quotes it has.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::document::Doc;

/// How one character reads for matching; `None` drops it.
#[inline]
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
        '\u{2010}'..='\u{2015}' => '-',
        // Invisible characters that sneak into copy-pasted text.
        '\u{00ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => return None,
        c => c,
    })
}

/// The ASCII chars `char::is_whitespace` accepts (`u8::is_ascii_whitespace` leaves out U+000B).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Normalised text with a map back to byte offsets of the original.
#[derive(Debug, Default)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`: the original start of the char it came from.
    starts: Vec<u32>,
    /// For each byte of `text`: the original end of the char it came from.
    ends: Vec<u32>,
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let mut n = Normalized {
            text: String::with_capacity(original.len()),
            starts: Vec::with_capacity(original.len()),
            ends: Vec::with_capacity(original.len()),
        };
        let mut in_space = false;
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII other than white space maps to itself byte for byte, so runs of it (most of
            // any text) are copied whole instead of pushed a char at a time.
            let run = bytes[i..]
                .iter()
                .position(|&b| !b.is_ascii() || is_ascii_space(b))
                .unwrap_or(bytes.len() - i);
            if run > 0 {
                let end = i + run;
                n.text.push_str(&original[i..end]);
                n.starts.extend(i as u32..end as u32);
                n.ends.extend(i as u32 + 1..=end as u32);
                in_space = false;
                i = end;
                continue;
            }
            let c = original[i..]
                .chars()
                .next()
                .expect("i is at a char boundary");
            let (start, end) = (i as u32, (i + c.len_utf8()) as u32);
            i += c.len_utf8();
            if c.is_whitespace() {
                if in_space {
                    // Extend the space's span over the whole run.
                    if let Some(e) = n.ends.last_mut() {
                        *e = end;
                    }
                } else {
                    n.push(' ', start, end);
                    in_space = true;
                }
                continue;
            }
            if let Some(f) = fold(c) {
                n.push(f, start, end);
                in_space = false;
            }
        }
        n
    }

    #[cfg(test)]
    fn reference(original: &str) -> Self {
        let mut n = Normalized::default();
        let mut in_space = false;
        for (i, c) in original.char_indices() {
            let end = (i + c.len_utf8()) as u32;
            if c.is_whitespace() {
                if in_space {
                    if let Some(e) = n.ends.last_mut() {
                        *e = end;
                    }
                } else {
                    n.push(' ', i as u32, end);
                    in_space = true;
                }
                continue;
            }
            if let Some(f) = fold(c) {
                n.push(f, i as u32, end);
                in_space = false;
            }
        }
        n
    }

    fn push(&mut self, c: char, start: u32, end: u32) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(start);
            self.ends.push(end);
        }
    }

    /// The original byte range a normalised range came from.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let at = self.starts.get(r.start).copied().unwrap_or(0) as usize;
            return at..at;
        }
        self.starts[r.start] as usize..self.ends[r.end - 1] as usize
    }
}

/// A quote normalised for matching (trimmed; may be empty).
pub fn normalize_quote(quote: &str) -> String {
    Normalized::new(quote.trim()).text.trim().to_string()
}

/// A quote anchored in its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Byte range of the matched passage in [`Doc::text`].
    pub range: Range<usize>,
    /// Indices of the statements the passage overlaps.
    pub statements: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorError {
    Empty,
    NotFound {
        closest: Option<String>,
    },
    /// Found `count` times without an `occurrence` to choose one.
    Ambiguous {
        count: usize,
    },
    OccurrenceOutOfRange {
        occurrence: usize,
        count: usize,
    },
}

/// One quote to find: the text and, optionally, which match (1-based).
#[derive(Debug, Clone, Copy)]
pub struct QuoteQuery<'a> {
    pub quote: &'a str,
    pub occurrence: Option<usize>,
}

/// Anchors every quote of one article in one pass over its text.
pub fn anchor_all(doc: &Doc, queries: &[QuoteQuery<'_>]) -> Vec<Result<Anchor, AnchorError>> {
    if queries.is_empty() {
        return Vec::new();
    }
    let norm = Normalized::new(&doc.text);
    let patterns: Vec<String> = queries.iter().map(|q| normalize_quote(q.quote)).collect();
    // Matches per pattern: the first two starts and the one asked for.
    let mut counts = vec![0usize; patterns.len()];
    let mut chosen: Vec<Option<Range<usize>>> = vec![None; patterns.len()];
    let searchable: Vec<(usize, &str)> = patterns
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| (i, p.as_str()))
        .collect();
    if !searchable.is_empty() {
        // A handful of quotes per article: building a DFA for them costs
        // more than the one search saves, so ask for the contiguous NFA
        // (same matches, a fraction of the construction time).
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(searchable.iter().map(|(_, p)| p))
            .expect("patterns are plain strings");
        for m in ac.find_overlapping_iter(&norm.text) {
            let qi = searchable[m.pattern().as_usize()].0;
            counts[qi] += 1;
            let want = queries[qi].occurrence.unwrap_or(1);
            if counts[qi] == want {
                chosen[qi] = Some(m.start()..m.end());
            }
        }
    }
    patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if p.is_empty() {
                return Err(AnchorError::Empty);
            }
            let count = counts[i];
            match (count, queries[i].occurrence) {
                (0, _) => Err(AnchorError::NotFound {
                    closest: closest_passage(&doc.text, queries[i].quote),
                }),
                (n, None) if n > 1 => Err(AnchorError::Ambiguous { count: n }),
                (n, Some(o)) if o > n => Err(AnchorError::OccurrenceOutOfRange {
                    occurrence: o,
                    count: n,
                }),
                _ => {
                    let range = norm.original_range(chosen[i].clone().expect("match recorded"));
                    Ok(Anchor {
                        statements: overlapping_statements(doc, &range),
                        range,
                    })
                }
            }
        })
        .collect()
}

/// Statements whose text overlaps `range` (statements are in text order).
pub fn overlapping_statements(doc: &Doc, range: &Range<usize>) -> Range<usize> {
    let sts = &doc.statements;
    let first = sts.partition_point(|s| s.range.end <= range.start);
    let end = sts.partition_point(|s| s.range.start < range.end);
    first..end.max(first)
}

/// Quotes longer than this (bytes, normalised) skip the edit-distance
/// ranking in [`closest_passage`].
const LONG_QUOTE: usize = 400;

/// The passage of `text` most like `quote`, for "did you mean" messages.
///
/// Windows of the quote's length in words are ranked by how many of the
/// quote's words they share (one sliding pass), then the best few by edit
/// distance. Cheap enough for the error path on very long articles.
pub fn closest_passage(text: &str, quote: &str) -> Option<String> {
    let norm_quote = normalize_quote(quote).to_lowercase();
    let qwords: Vec<&str> = norm_quote.split(' ').filter(|w| !w.is_empty()).collect();
    if qwords.is_empty() {
        return None;
    }
    let words: Vec<(usize, usize)> = word_spans(text);
    if words.is_empty() {
        return None;
    }
    let k = qwords.len().min(words.len());
    let qset: std::collections::HashSet<String> = qwords.iter().map(|w| strip_punct(w)).collect();
    let hits: Vec<u32> = words
        .iter()
        .map(|&(s, e)| u32::from(qset.contains(&strip_punct(&text[s..e].to_lowercase()))))
        .collect();
    let mut score: u32 = hits[..k].iter().sum();
    let mut scored = vec![(score, 0usize)];
    for start in 1..=words.len() - k {
        score = score + hits[start + k - 1] - hits[start - 1];
        scored.push((score, start));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // Edit distance is quadratic in the quote's length (a pasted paragraph
    // took seconds per quote): rank long quotes by shared words alone.
    if norm_quote.len() > LONG_QUOTE {
        let (score, start) = scored[0];
        if (score as usize) * 5 < k {
            return None;
        }
        let passage = &text[words[start].0..words[start + k - 1].1];
        return Some(passage.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let similarity = |first: usize, last: usize| {
        let passage = &text[words[first].0..words[last].1];
        strsim::normalized_levenshtein(&normalize_quote(passage).to_lowercase(), &norm_quote)
    };
    let (sim, start) = scored
        .iter()
        .take(8)
        .map(|&(_, start)| (similarity(start, start + k - 1), start))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))?;
    if sim < 0.2 {
        return None;
    }
    // The quote may have lost or gained a word or two: let the window's
    // edges move so the passage is whole.
    let (mut best, mut first, mut last) = (sim, start, start + k - 1);
    for f in start.saturating_sub(2)..=(start + 2).min(words.len() - 1) {
        for l in (start + k - 1).saturating_sub(2)..=(start + k + 1).min(words.len() - 1) {
            if l < f {
                continue;
            }
            let s = similarity(f, l);
            if s > best {
                (best, first, last) = (s, f, l);
            }
        }
    }
    Some(
        text[words[first].0..words[last].1]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn strip_punct(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document;

    fn same_as_reference(text: &str) {
        let (fast, slow) = (Normalized::new(text), Normalized::reference(text));
        assert_eq!(
            (fast.text, fast.starts, fast.ends),
            (slow.text, slow.starts, slow.ends),
            "{text:?}"
        );
    }

    #[test]
    fn normalized_ascii_runs_match_char_by_char() {
        for text in [
            "",
            " ",
            "Putin met  Witkoff\t\x0b\x0c\r\n on “Tuesday” — 5\u{ad} hours\u{200b}.",
            "\u{a0}\u{2028} é à  x",
            "abc",
            " \x0b",
        ] {
            same_as_reference(text);
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/articles");
        for entry in std::fs::read_dir(dir).expect("articles") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("article");
            same_as_reference(&text);
            same_as_reference(&document::parse(&text).text);
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn normalized_matches_reference(text in "\\PC{0,80}|[ a-z\t\x0b\x0c\r\n\u{a0}“”—\u{ad}]{0,80}") {
                let (fast, slow) = (Normalized::new(&text), Normalized::reference(&text));
                prop_assert_eq!((fast.text, fast.starts, fast.ends), (slow.text, slow.starts, slow.ends));
            }
        }
    }

    fn q(quote: &str) -> QuoteQuery<'_> {
        QuoteQuery {
            quote,
            occurrence: None,
        }
    }

    fn one(doc: &Doc, quote: &str) -> Result<Anchor, AnchorError> {
        anchor_all(doc, &[q(quote)]).remove(0)
    }

    #[test]
    fn normalisation_folds_quotes_dashes_and_space() {
        let doc = document::parse("He said “it’s over” — and left.\n\nNext  line.");
        let a = one(&doc, "said \"it's over\" - and").unwrap();
        assert_eq!(&doc.text[a.range.clone()], "said “it’s over” — and");
        assert_eq!(a.statements, 0..1);
    }

    #[test]
    fn quotes_may_span_statements_and_paragraph_breaks() {
        let doc = document::parse(
            "First sentence here. Second one here.\n\nThird paragraph starts. Fourth.",
        );
        let a = one(&doc, "here. Second one here. Third paragraph").unwrap();
        assert_eq!(a.statements, 0..3);
        let texts: Vec<&str> = a
            .statements
            .clone()
            .map(|i| doc.statement_text(i))
            .collect();
        assert_eq!(
            texts,
            [
                "First sentence here.",
                "Second one here.",
                "Third paragraph starts."
            ]
        );
    }

    #[test]
    fn occurrence_picks_the_nth_match() {
        let doc = document::parse("Talks failed. Then talks failed again.");
        assert_eq!(
            one(&doc, "talks failed"),
            Ok(Anchor {
                range: 19..31,
                statements: 1..2
            })
        );
        assert_eq!(
            one(&doc, "failed"),
            Err(AnchorError::Ambiguous { count: 2 })
        );
        let r = anchor_all(
            &doc,
            &[QuoteQuery {
                quote: "failed",
                occurrence: Some(2),
            }],
        )
        .remove(0)
        .unwrap();
        assert_eq!(r.statements, 1..2);
        let r = anchor_all(
            &doc,
            &[QuoteQuery {
                quote: "failed",
                occurrence: Some(3),
            }],
        )
        .remove(0);
        assert_eq!(
            r,
            Err(AnchorError::OccurrenceOutOfRange {
                occurrence: 3,
                count: 2
            })
        );
    }

    #[test]
    fn not_found_offers_the_closest_passage() {
        let doc = document::parse(
            "The talks stretched for nearly five hours, ending after midnight. Ushakov spoke later.",
        );
        match one(&doc, "talks stretched for almost five hours") {
            Err(AnchorError::NotFound { closest: Some(c) }) => {
                assert_eq!(c, "talks stretched for nearly five hours,")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn matching_is_case_sensitive_and_otherwise_exact() {
        let doc = document::parse("Putin met Witkoff.");
        assert!(matches!(
            one(&doc, "putin met"),
            Err(AnchorError::NotFound { .. })
        ));
        assert!(one(&doc, "  Putin   met ").is_ok());
        assert_eq!(one(&doc, "   "), Err(AnchorError::Empty));
    }

    #[test]
    fn zero_width_characters_do_not_break_a_match() {
        let doc = document::parse("Pok\u{200b}rovsk was captured.");
        let a = one(&doc, "Pokrovsk was").unwrap();
        assert_eq!(&doc.text[a.range], "Pok\u{200b}rovsk was");
    }
}
