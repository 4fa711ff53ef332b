//! A reviewer's selection on an article page, turned into a quote.
//!
//! The browser sends where the selection starts and ends — a statement id
//! and an offset into that statement's text, in UTF-16 code units as the
//! DOM counts them — and the text it selected. The quote is exactly that
//! passage of the article, white space runs written as one space; it is
//! checked to anchor by FORMAT.md's rules to that very passage, and gets an
//! `occurrence` when the same words occur more than once, so it can never
//! silently attach to other text.

use std::ops::Range;

use serde::Deserialize;

use crate::anchor::{self, AnchorError, QuoteQuery, normalize_quote};
use crate::document::Doc;

/// One end of a selection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// A statement id (`s-…`) on the page.
    pub statement: String,
    /// Offset into the statement's text, in UTF-16 code units.
    pub offset: usize,
}

/// A selection as the review script sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    pub start: Point,
    pub end: Point,
    /// The text the reviewer selected, for the check that the page is
    /// current.
    pub text: String,
}

/// A quote ready for the claims file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub quote: String,
    pub occurrence: Option<usize>,
    /// Byte range of the passage in the article's text.
    pub range: Range<usize>,
    /// The statements the passage overlaps.
    pub statements: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
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
    pub fn is_stale(&self) -> bool {
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
/// `doc`.
pub fn quote_for(doc: &Doc, sel: &Selection) -> Result<Quote, SelectionError> {
    let a = point(doc, &sel.start)?;
    let b = point(doc, &sel.end)?;
    let (start, end) = if a <= b { (a, b) } else { (b, a) };
    let found = quote_range(doc, start..end)?;
    if normalize_quote(&doc.text[found.range.clone()]) != normalize_quote(&sel.text) {
        return Err(SelectionError::TextChanged);
    }
    Ok(found)
}

/// The quote for a whole statement.
pub fn quote_statement(doc: &Doc, statement: usize) -> Result<Quote, SelectionError> {
    quote_range(doc, doc.statements[statement].range.clone())
}

/// The quote for a byte range of the article's text: trimmed, white space
/// collapsed, anchored back to exactly this range.
pub fn quote_range(doc: &Doc, range: Range<usize>) -> Result<Quote, SelectionError> {
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
    use crate::document;

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
