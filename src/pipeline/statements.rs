//! Statements: splitting one block's plain text into sentences, and giving each sentence a
//! stable, URL-safe id.
//!
//! Sentence splitting starts from Unicode's default sentence boundaries (UAX #29, via
//! `unicode_segmentation`) and then repairs what news copy does to them:
//!
//! * **Glued sentences** (`...on Wednesday.Putin met...`, `...the talks.“We could...`): UAX #29
//!   never breaks between a lowercase letter, a full stop and an uppercase letter, so extra
//!   candidate boundaries are added where a terminator is directly followed by an opening quote
//!   or by a capitalised word (see `glued_boundary`).
//! * **Opening quotes glued to the previous sentence**: UAX #29 treats every quote after a
//!   terminator as closing, so in `talks.“We` the `“` would end up on the wrong side. Boundaries
//!   are moved back to just before the first quote that actually opens (see
//!   `Splitter::adjust`).
//! * **Abbreviations and initials** (`Mr.`, `U.S.`, `Donald J. Trump`, `No. 10`, ...): UAX #29
//!   breaks after them whenever an uppercase letter follows; those boundaries are dropped again
//!   (see `Splitter::keep`).
//! * **Soft line breaks**: UAX #29 always breaks after a line break; here a line break only ends a
//!   sentence when the line ends with a terminator.
//!
//! Everything runs in time linear in the length of the text: each candidate boundary is looked
//! at once, every look-around is capped at `LOOK` characters, and UAX #29 itself (quadratic on
//! long runs of spaces or quotes after a full stop) only ever sees such runs cut short (see
//! `uax29_chunks`).
//!
//! The parts, one file each: where candidate boundaries come from (`uax29`, `glued`), which of
//! them end a sentence (`splitter`, asking `abbreviations`), the char classes they share
//! (`chars`), and ids (`ids`). The plain definitions the fast paths are checked against are
//! test-only (`reference`).

use std::ops::Range;

mod abbreviations;
mod chars;
mod glued;
mod ids;
#[cfg(test)]
mod reference;
mod splitter;
#[cfg(test)]
mod tests;
mod uax29;

pub(crate) use abbreviations::Language;
pub(crate) use ids::assign_ids_packed;
pub use ids::{assign_ids, statement_id};

use glued::glued_candidates;
use splitter::Splitter;
use uax29::{uax29_bounds, uax29_chunks};

/// Byte ranges of the sentences in one block's plain text, in order, each trimmed of surrounding
/// white space and non-empty. Together they cover every non-white-space character of `text`.
#[must_use]
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    split_sentences_in(text, Language::default())
}

/// [`split_sentences`] knowing the abbreviations of the text's language
/// (see [`Language::of`]).
#[must_use]
pub(crate) fn split_sentences_in(text: &str, lang: Language) -> Vec<Range<usize>> {
    let mut splitter = Splitter::new(text, lang);
    // Two sorted streams of candidate boundaries, merged in order: UAX #29's and ours.
    let mut glued = glued_candidates(text).into_iter().peekable();
    for (chunk_start, chunk) in uax29_chunks(text) {
        uax29_bounds(chunk, |i| {
            let bound = chunk_start + i;
            while let Some(g) = glued.next_if(|&g| g <= bound) {
                splitter.consider(g, true);
            }
            // The start of a chunk is our cut, not a boundary UAX #29 found.
            splitter.consider(bound, i > 0);
        });
    }
    for g in glued {
        splitter.consider(g, true);
    }
    splitter.finish()
}
