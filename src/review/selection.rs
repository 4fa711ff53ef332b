//! A reviewer's selection on an article page, turned into a quote.
//!
//! The browser sends where the selection starts and ends — a statement id
//! and an offset into that statement's text, in UTF-16 code units as the
//! DOM counts them — and the text it selected. The passage is widened to
//! whole words and trimmed of white space and of punctuation around it that
//! is not part of a quotation ([`snap`]), whatever the browser sent, so a
//! selection that cuts a word ("…the US delegation ha") is quoted as the
//! whole word. The quote is exactly that passage of the article, white
//! space runs written as one space; it is checked to anchor by FORMAT.md's
//! rules to that very passage, and gets an `occurrence` when the same words
//! occur more than once, so it can never silently attach to other text.

use std::ops::Range;

use serde::Deserialize;

use crate::pipeline::anchor::{self, AnchorError, QuoteQuery, normalize_quote};
use crate::pipeline::document::Doc;

/// One end of a selection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Point {
    /// A statement id (`s-…`) on the page.
    pub statement: String,
    /// Offset into the statement's text, in UTF-16 code units.
    pub offset: usize,
}

/// A selection as the review script sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Selection {
    pub start: Point,
    pub end: Point,
    /// The text the reviewer selected, for the check that the page is
    /// current.
    pub text: String,
}

/// A quote ready for the claims file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Quote {
    pub quote: String,
    pub occurrence: Option<usize>,
    /// Byte range of the passage in the article's text.
    pub range: Range<usize>,
    /// The statements the passage overlaps.
    pub statements: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SelectionError {
    /// The page was rendered from another version of the article.
    #[error("statement `{0}` is not in the article any more; reload the page")]
    UnknownStatement(String),
    #[error("the selected text does not match the article any more; reload the page")]
    TextChanged,
    #[error("the selection is empty")]
    Empty,
    #[error("offset {offset} is past the end of statement `{statement}`")]
    OffsetOutOfRange { statement: String, offset: usize },
    #[error("the selected passage does not anchor: {0}")]
    DoesNotAnchor(String),
}

impl SelectionError {
    /// Whether the cause is a page older than the article (HTTP 409).
    pub(crate) fn is_stale(&self) -> bool {
        matches!(
            self,
            SelectionError::UnknownStatement(_) | SelectionError::TextChanged
        )
    }
}

/// Byte offset in `text` of a UTF-16 offset.
fn byte_offset(text: &str, utf16: usize) -> Option<usize> {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return (units == utf16).then_some(i);
        }
        units += c.len_utf16();
    }
    (units == utf16).then_some(text.len())
}

fn point(doc: &Doc, p: &Point) -> Result<usize, SelectionError> {
    let si = doc
        .statement_index(&p.statement)
        .ok_or_else(|| SelectionError::UnknownStatement(p.statement.clone()))?;
    let st = &doc.statements[si];
    let off = byte_offset(doc.statement_text(si), p.offset).ok_or_else(|| {
        SelectionError::OffsetOutOfRange {
            statement: p.statement.clone(),
            offset: p.offset,
        }
    })?;
    Ok(st.range.start + off)
}

/// The quote for a selection on the page of the article whose text is
/// `doc`: the selected passage snapped to whole words ([`snap`]).
pub(crate) fn quote_for(doc: &Doc, sel: &Selection) -> Result<Quote, SelectionError> {
    let a = point(doc, &sel.start)?;
    let b = point(doc, &sel.end)?;
    let (start, end) = if a <= b { (a, b) } else { (b, a) };
    // What the page selected must be what the article says here: else the
    // page is older than the article.
    if normalize_quote(&doc.text[start..end]) != normalize_quote(&sel.text) {
        return Err(SelectionError::TextChanged);
    }
    quote_range(doc, snap(&doc.text, start..end))
}

/// Characters that join two word characters into one word: `don't`,
/// `five-hour`, `U.S`, and between digits `5,000` and `19.5`.
fn joins(c: char, before: char, after: char) -> bool {
    match c {
        '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}' | '.' => {
            before.is_alphanumeric() && after.is_alphanumeric()
        }
        ',' => before.is_ascii_digit() && after.is_ascii_digit(),
        _ => false,
    }
}

/// Whether byte offset `at` of `text` falls inside a word.
fn inside_word(text: &str, at: usize) -> bool {
    let before: Vec<char> = text[..at].chars().rev().take(2).collect();
    let after: Vec<char> = text[at..].chars().take(2).collect();
    let (Some(&a), Some(&b)) = (before.first(), after.first()) else {
        return false;
    };
    (a.is_alphanumeric() && b.is_alphanumeric())
        || (a.is_alphanumeric() && after.get(1).is_some_and(|&n| joins(b, a, n)))
        || (b.is_alphanumeric() && before.get(1).is_some_and(|&p| joins(a, p, b)))
}

/// The closing mark of an opening quotation mark or bracket.
fn closing_of(c: char) -> Option<char> {
    Some(match c {
        '“' => '”',
        '‘' => '’',
        '«' => '»',
        '„' => '“',
        '"' => '"',
        '(' => ')',
        '[' => ']',
        _ => return None,
    })
}

/// The opening mark of a closing quotation mark or bracket.
fn opening_of(c: char) -> Option<char> {
    Some(match c {
        '”' => '“',
        '’' => '‘',
        '»' => '«',
        '"' => '"',
        ')' => '(',
        ']' => '[',
        _ => return None,
    })
}

/// `range` of `text` (char boundaries) widened to whole words, then trimmed
/// of white space and of the punctuation around it that is not part of a
/// quotation: a leading comma or dash goes, and so does a quotation mark or
/// bracket whose other half is not selected; a closing mark whose opening
/// one is selected stays, and so does the full stop, question or
/// exclamation mark that ends a sentence. Empty when nothing is left.
pub(crate) fn snap(text: &str, range: Range<usize>) -> Range<usize> {
    let (mut start, mut end) = (range.start, range.end);
    if start >= end {
        return start..start;
    }
    while start > 0 && inside_word(text, start) {
        start -= text[..start].chars().next_back().map_or(1, char::len_utf8);
    }
    while end < text.len() && inside_word(text, end) {
        end += text[end..].chars().next().map_or(1, char::len_utf8);
    }
    loop {
        let inner = &text[start..end];
        let Some(first) = inner.chars().next() else {
            return start..start;
        };
        let last = inner.chars().next_back().unwrap_or(first);
        let drop_first = first.is_whitespace()
            || matches!(
                first,
                ',' | ';' | ':' | '.' | '!' | '?' | '…' | '–' | '—' | '-' | '/' | '·'
            )
            || match closing_of(first) {
                Some(close) => !inner[first.len_utf8()..].contains(close),
                None => opening_of(first).is_some() || first == '\'',
            };
        if drop_first {
            start += first.len_utf8();
            continue;
        }
        if end - start <= first.len_utf8() {
            break;
        }
        let drop_last = last.is_whitespace()
            || matches!(last, ',' | ';' | ':' | '–' | '—' | '-' | '/' | '·')
            || match opening_of(last) {
                Some(open) => !inner[..inner.len() - last.len_utf8()].contains(open),
                None => closing_of(last).is_some() || last == '\'',
            };
        if drop_last {
            end -= last.len_utf8();
            continue;
        }
        break;
    }
    start..end
}

/// The quote for a whole statement.
pub(crate) fn quote_statement(doc: &Doc, statement: usize) -> Result<Quote, SelectionError> {
    quote_range(doc, doc.statements[statement].range.clone())
}

/// The quote for a byte range of the article's text: trimmed, white space
/// collapsed, anchored back to exactly this range.
pub(crate) fn quote_range(doc: &Doc, range: Range<usize>) -> Result<Quote, SelectionError> {
    let raw = &doc.text[range.clone()];
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(SelectionError::Empty);
    }
    let start = range.start + lead;
    let end = start + trimmed.len();
    let quote = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
    if normalize_quote(&quote).is_empty() {
        return Err(SelectionError::Empty);
    }
    let first = anchor::anchor_all(
        doc,
        &[QuoteQuery {
            quote: &quote,
            occurrence: None,
        }],
    )
    .remove(0);
    let (anchor, occurrence) = match first {
        Ok(a) => (a, None),
        Err(AnchorError::Ambiguous { count }) => {
            let queries: Vec<QuoteQuery<'_>> = (1..=count)
                .map(|n| QuoteQuery {
                    quote: &quote,
                    occurrence: Some(n),
                })
                .collect();
            anchor::anchor_all(doc, &queries)
                .into_iter()
                .enumerate()
                .filter_map(|(i, r)| r.ok().map(|a| (a, i + 1)))
                // The match of the selected passage itself: the one that
                // overlaps it and starts nearest to it (an invisible
                // character may precede the first letter).
                .filter(|(a, _)| a.range.start < end && start < a.range.end)
                .min_by_key(|(a, _)| a.range.start.abs_diff(start))
                .map(|(a, n)| (a, Some(n)))
                .ok_or_else(|| {
                    SelectionError::DoesNotAnchor("no occurrence covers the selection".into())
                })?
        }
        Err(e) => return Err(SelectionError::DoesNotAnchor(format!("{e:?}"))),
    };
    let overlaps = anchor.range.start < end && start < anchor.range.end;
    if !overlaps {
        return Err(SelectionError::DoesNotAnchor(
            "the quote anchors elsewhere".into(),
        ));
    }
    Ok(Quote {
        quote,
        occurrence,
        range: anchor.range.clone(),
        statements: anchor.statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::document;

    fn sel(doc: &Doc, si: usize, from: usize, sj: usize, to: usize, text: &str) -> Selection {
        Selection {
            start: Point {
                statement: doc.statement_id(si).to_string(),
                offset: from,
            },
            end: Point {
                statement: doc.statement_id(sj).to_string(),
                offset: to,
            },
            text: text.into(),
        }
    }

    #[test]
    fn a_selection_inside_one_statement_is_quoted_exactly() {
        let doc = document::parse("The talks stretched for “nearly” five hours. Ushakov spoke.");
        let q = quote_for(
            &doc,
            &sel(&doc, 0, 4, 0, 43, "talks stretched for “nearly” five hours"),
        )
        .unwrap();
        assert_eq!(q.quote, "talks stretched for “nearly” five hours");
        assert_eq!(q.occurrence, None);
        assert_eq!(q.statements, 0..1);
    }

    #[test]
    fn repeated_words_get_the_occurrence_of_the_selected_one() {
        let doc = document::parse("Talks failed. Then talks failed again. And talks failed.");
        // "talks failed" in the third statement.
        let q = quote_for(&doc, &sel(&doc, 2, 4, 2, 16, "talks failed")).unwrap();
        assert_eq!(q.quote, "talks failed");
        assert_eq!(q.occurrence, Some(2));
        assert_eq!(q.statements, 2..3);
        let again = anchor::anchor_all(
            &doc,
            &[QuoteQuery {
                quote: &q.quote,
                occurrence: q.occurrence,
            }],
        )
        .remove(0)
        .unwrap();
        assert_eq!(again.range, q.range);
    }

    #[test]
    fn selections_across_statements_and_paragraphs_collapse_white_space() {
        let doc = document::parse("First one here.\n\nSecond   one\nhere. Third.");
        let q = quote_for(&doc, &sel(&doc, 0, 6, 1, 12, "one here.\n\nSecond one")).unwrap();
        assert_eq!(q.quote, "one here. Second one");
        assert_eq!(q.statements, 0..2);
    }

    #[test]
    fn offsets_count_utf16_units_like_the_dom() {
        let doc = document::parse("Emoji 🎉 then Kyiv said no.");
        // "🎉" is two UTF-16 units: "then" starts at 9.
        let q = quote_for(&doc, &sel(&doc, 0, 9, 0, 18, "then Kyiv")).unwrap();
        assert_eq!(q.quote, "then Kyiv");
    }

    fn snapped(text: &str, from: &str) -> String {
        let at = text.find(from).unwrap();
        text[snap(text, at..at + from.len())].to_string()
    }

    #[test]
    fn selections_snap_to_whole_words_and_lose_stray_punctuation() {
        let t = "Officials said the US delegation had left, “for now”, on Tuesday. Talks (in Moscow) lasted 5,000 minutes—the U.S. envoy’s view.";
        assert_eq!(snapped(t, "he US delegation ha"), "the US delegation had");
        assert_eq!(
            snapped(t, "US delegation had left, "),
            "US delegation had left"
        );
        assert_eq!(snapped(t, ", “for now”, "), "“for now”");
        assert_eq!(snapped(t, "“for now"), "for now");
        assert_eq!(snapped(t, "for now”, on"), "for now”, on");
        assert_eq!(snapped(t, "now”, on Tuesday. "), "now”, on Tuesday.");
        assert_eq!(snapped(t, "(in Moscow) las"), "(in Moscow) lasted");
        assert_eq!(snapped(t, "Moscow) lasted 5,0"), "Moscow) lasted 5,000");
        assert_eq!(snapped(t, ",000 minutes—"), "5,000 minutes");
        assert_eq!(snapped(t, "S. envoy"), "U.S. envoy’s");
        assert_eq!(snapped(t, "alk"), "Talks");
        assert_eq!(snapped(t, "—"), "");
    }

    #[test]
    fn a_mid_word_selection_is_quoted_as_whole_words() {
        let doc = document::parse("Officials said the US delegation had left early.");
        let q = quote_for(&doc, &sel(&doc, 0, 17, 0, 35, "e US delegation ha")).unwrap();
        assert_eq!(q.quote, "the US delegation had");
    }

    #[test]
    fn a_stale_page_is_detected() {
        let doc = document::parse("Putin met Witkoff.");
        let mut s = sel(&doc, 0, 0, 0, 5, "Trump");
        assert_eq!(quote_for(&doc, &s), Err(SelectionError::TextChanged));
        s.start.statement = "s-000000".into();
        assert!(quote_for(&doc, &s).unwrap_err().is_stale());
        let s = sel(&doc, 0, 0, 0, 99, "x");
        assert!(matches!(
            quote_for(&doc, &s),
            Err(SelectionError::OffsetOutOfRange { .. })
        ));
        let s = sel(&doc, 0, 5, 0, 6, " ");
        assert_eq!(quote_for(&doc, &s), Err(SelectionError::Empty));
    }
}
