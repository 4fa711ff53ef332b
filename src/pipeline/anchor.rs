//! Stage 3: anchor quotes in articles, by FORMAT.md's matching rules.
//!
//! Both the article text and the quote are normalised (white-space runs →
//! one space, curly and straight quotes → straight, dashes → `-`, invisible
//! format characters dropped) and matched exactly. An article's text is
//! normalised once; each of its quotes is then a vectorised substring search
//! over it (see [`anchor_all`]).

use std::ops::Range;

use crate::pipeline::document::Doc;
use crate::text::{is_ascii_space, printable_ascii_spaces};

#[cfg(test)]
mod reference;

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

/// Normalised text with a map back to byte offsets of the original.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub text: String,
    /// How `text` maps onto the original, in order, covering all of `text`.
    /// Most text is copied as it is (words and single spaces), so one piece
    /// stands for a whole stretch of it, and a piece per byte (two `u32`
    /// maps) was most of anchoring's cost.
    pieces: Vec<Piece>,
}

/// A stretch of [`Normalized::text`] starting at byte `at`, from the
/// original's `from..to`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    at: u32,
    from: u32,
    to: u32,
    /// The stretch is the original's bytes unchanged (byte `at + k` is the
    /// original's `from + k`), rather than one char standing for all of
    /// `from..to` (a white-space run, a folded quote or dash).
    copied: bool,
}

impl Normalized {
    pub(crate) fn new(original: &str) -> Self {
        let mut n = Normalized {
            text: String::with_capacity(original.len()),
            pieces: Vec::new(),
        };
        let mut in_space = false;
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII other than white space maps to itself, and so does a space that is
            // the whole of its white-space run: a stretch of those (most of any text) is
            // copied whole instead of looked at a char at a time.
            let mut end = i;
            let mut space = in_space;
            while let Some(&b) = bytes.get(end) {
                if let Some(word) = bytes.get(end..end + 8) {
                    let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
                    if let Some(Some(ends_in_space)) = printable_ascii_spaces(word, space) {
                        space = ends_in_space;
                        end += 8;
                        continue;
                    }
                }
                if b == b' ' {
                    if space {
                        break;
                    }
                    space = true;
                } else if !b.is_ascii() || is_ascii_space(b) {
                    break;
                } else {
                    space = false;
                }
                end += 1;
            }
            if end > i {
                n.copy(original, i, end);
                in_space = space;
                i = end;
                continue;
            }
            let c = original[i..]
                .chars()
                .next()
                .expect("i is at a char boundary");
            let (start, end) = (i, i + c.len_utf8());
            i = end;
            if c.is_whitespace() {
                if in_space {
                    n.extend_space(end);
                } else {
                    n.push(' ', start, end);
                    in_space = true;
                }
                continue;
            }
            match fold(c) {
                Some(f) if f == c => n.copy(original, start, end),
                Some(f) => n.push(f, start, end),
                None => continue,
            }
            in_space = false;
        }
        n
    }

    /// Appends `original[from..to]` unchanged.
    fn copy(&mut self, original: &str, from: usize, to: usize) {
        let at = self.text.len() as u32;
        self.text.push_str(&original[from..to]);
        let (from, to) = (from as u32, to as u32);
        if let Some(last) = self.pieces.last_mut()
            && last.copied
            && last.to == from
        {
            last.to = to;
            return;
        }
        self.pieces.push(Piece {
            at,
            from,
            to,
            copied: true,
        });
    }

    /// Appends `c` standing for `original[from..to]`.
    fn push(&mut self, c: char, from: usize, to: usize) {
        self.pieces.push(Piece {
            at: self.text.len() as u32,
            from: from as u32,
            to: to as u32,
            copied: false,
        });
        self.text.push(c);
    }

    /// The last char of `text` is a space: let it stand for the original
    /// up to `to` (the rest of a white-space run).
    fn extend_space(&mut self, to: usize) {
        let last = self.pieces.last_mut().expect("a space was pushed");
        if last.copied {
            // The space was copied as one with the text before it: split it off.
            last.to -= 1;
            let from = last.to;
            if last.to == last.from {
                self.pieces.pop();
            }
            self.pieces.push(Piece {
                at: self.text.len() as u32 - 1,
                from,
                to: to as u32,
                copied: false,
            });
        } else {
            last.to = to as u32;
        }
    }

    /// The piece holding byte `b` of `text`.
    fn piece(&self, b: usize) -> &Piece {
        let k = self.pieces.partition_point(|p| p.at as usize <= b);
        &self.pieces[k - 1]
    }

    /// Where in the original the char at byte `b` of `text` starts.
    fn original_start(&self, b: usize) -> usize {
        let p = self.piece(b);
        if p.copied {
            (p.from as usize) + b - p.at as usize
        } else {
            p.from as usize
        }
    }

    /// Where in the original the char whose last byte is `b` of `text` ends.
    fn original_end(&self, b: usize) -> usize {
        let p = self.piece(b);
        if p.copied {
            (p.from as usize) + b - p.at as usize + 1
        } else {
            p.to as usize
        }
    }

    /// The original byte range a normalised range (on char boundaries) came from.
    pub(crate) fn original_range(&self, r: Range<usize>) -> Range<usize> {
        if r.start >= self.text.len() {
            return 0..0;
        }
        if r.is_empty() {
            let at = self.original_start(r.start);
            return at..at;
        }
        self.original_start(r.start)..self.original_end(r.end - 1)
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

/// Anchors every quote of one article, normalising its text once.
pub fn anchor_all(doc: &Doc, queries: &[QuoteQuery<'_>]) -> Vec<Result<Anchor, AnchorError>> {
    if queries.is_empty() {
        return Vec::new();
    }
    let norm = Normalized::new(&doc.text);
    let patterns: Vec<String> = queries.iter().map(|q| normalize_quote(q.quote)).collect();
    // Per pattern: how often it occurs, and the occurrence asked for.
    let mut counts = vec![0usize; patterns.len()];
    let mut chosen: Vec<Option<Range<usize>>> = vec![None; patterns.len()];
    for (qi, p) in patterns.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        let want = queries[qi].occurrence.unwrap_or(1);
        for_each_occurrence(&norm.text, p, |m| {
            counts[qi] += 1;
            if counts[qi] == want {
                chosen[qi] = Some(m);
            }
        });
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

/// Calls `found` with every occurrence of `pattern` (not empty) in `text`,
/// overlapping ones included, in text order.
///
/// A vectorised substring search per quote. One Aho-Corasick pass for all of
/// an article's quotes (what this replaced) scans a byte at a time: it cost
/// twice as much even at 460 quotes in one article (`cargo bench --bench
/// stages -- anchor_`, see bench/README.md), and articles carry two or three.
fn for_each_occurrence(text: &str, pattern: &str, mut found: impl FnMut(Range<usize>)) {
    let finder = memchr::memmem::Finder::new(pattern.as_bytes());
    let hay = text.as_bytes();
    let mut from = 0;
    while let Some(i) = finder.find(&hay[from..]) {
        let start = from + i;
        found(start..start + pattern.len());
        // The next occurrence may overlap this one.
        from = start + 1;
    }
}

/// Statements whose text overlaps `range` (statements are in text order).
pub(crate) fn overlapping_statements(doc: &Doc, range: &Range<usize>) -> Range<usize> {
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
pub(crate) fn closest_passage(text: &str, quote: &str) -> Option<String> {
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
    use crate::pipeline::document;

    /// The piece map answers as the per-byte maps of the plain definition do,
    /// at every char boundary.
    fn same_as_reference(text: &str) {
        let fast = Normalized::new(text);
        let (slow_text, starts, ends) = Normalized::reference(text);
        assert_eq!(fast.text, slow_text, "{text:?}");
        for (b, _) in slow_text.char_indices() {
            assert_eq!(
                fast.original_start(b),
                starts[b] as usize,
                "start of {b} in {text:?}"
            );
        }
        for (b, c) in slow_text.char_indices() {
            let last = b + c.len_utf8() - 1;
            assert_eq!(
                fast.original_end(last),
                ends[last] as usize,
                "end of {b} in {text:?}"
            );
        }
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

    #[test]
    fn normalized_eight_bytes_at_a_time_match_char_by_char() {
        // Each hazard at every offset against the eight-byte words.
        for hazard in [
            "  ", " \t", "\t", "\n", "\r\n", "\x0b", "\u{a0}", "é", " é", "\x1f", "\x7f", "\u{ad}",
            "“",
        ] {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    same_as_reference(&format!(
                        "{}{hazard}{}",
                        "a".repeat(before),
                        "b".repeat(after)
                    ));
                    same_as_reference(&format!(
                        "{}{hazard}{}",
                        "a b".repeat(before),
                        " c".repeat(after)
                    ));
                }
            }
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn normalized_matches_reference(text in "\\PC{0,80}|[ a-z\t\x0b\x0c\r\n\u{a0}“”—\u{ad}é]{0,80}") {
                same_as_reference(&text);
            }

            /// Every occurrence is found, overlapping ones included (`aa` in `aaaa`
            /// three times), in text order: the same as trying every position.
            #[test]
            fn every_occurrence_is_found_as_trying_every_position_would(
                text in "[ab é]{0,60}",
                quote in "[ab]{1,3}|[ab é]{1,4}",
            ) {
                let mut found = Vec::new();
                for_each_occurrence(&text, &quote, |m| found.push(m));
                let every: Vec<Range<usize>> = (0..text.len())
                    .filter(|&i| text.is_char_boundary(i) && text[i..].starts_with(quote.as_str()))
                    .map(|i| i..i + quote.len())
                    .collect();
                prop_assert_eq!(found, every);
            }
        }

        #[test]
        fn overlapping_occurrences_all_count() {
            let mut found = Vec::new();
            for_each_occurrence("aaaa", "aa", |m| found.push(m));
            assert_eq!(found, [0..2, 1..3, 2..4]);
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
