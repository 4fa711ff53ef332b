//! Which candidate boundaries end a sentence. The candidates (UAX #29's and the glued ones)
//! come in order; a boundary is moved to the right side of the quotes around it and dropped
//! after an abbreviation, an initial, a list marker or a lone line break. Apart from where the
//! candidates come from (`uax29`, `glued`) and from the word lists it asks (`abbreviations`).

use std::ops::Range;

use super::abbreviations::{Abbrev, Language, abbreviation_before, ordinal_before_month};
use super::chars::{
    LOOK, is_opening, is_para_sep, is_quote, is_terminator, next_char, prev_char, skip_ws,
};

/// Walks the candidate boundaries of one text in increasing order and decides which to keep.
pub(super) struct Splitter<'t> {
    text: &'t str,
    /// Start of the sentence being built: always at a non-white-space char (or at the end).
    start: usize,
    /// Straight double quotes in `text[start..dq_pos]` have been counted; `dq_open` says whether
    /// that count is odd, i.e. whether a `"` is open. Kept incrementally to stay linear.
    dq_pos: usize,
    dq_open: bool,
    /// End of the white-space run after the last candidate: later candidates before it are the
    /// same boundary (UAX #29 breaks after every line break of a blank-line run).
    ws_until: usize,
    out: Vec<Range<usize>>,
    lang: Language,
}

impl<'t> Splitter<'t> {
    pub(super) fn new(text: &'t str, lang: Language) -> Self {
        let start = skip_ws(text, 0);
        Splitter {
            text,
            start,
            dq_pos: start,
            dq_open: false,
            ws_until: 0,
            out: Vec::new(),
            lang,
        }
    }

    /// `trusted`: the candidate follows a sentence terminator (UAX #29 and glued candidates),
    /// rather than being a mere cut between chunks.
    pub(super) fn consider(&mut self, candidate: usize, trusted: bool) {
        let t = self.text;
        if candidate < self.ws_until || candidate <= self.start || candidate >= t.len() {
            return;
        }
        // A boundary inside white space is the same as one at its end (ranges get trimmed), and
        // deciding at the end means the next sentence's first word is right there.
        let mut b = skip_ws(t, candidate);
        self.ws_until = b;
        if b >= t.len() {
            return;
        }
        // Never cut a run of terminators such as ".…" or "?!" apart.
        if prev_char(t, b).is_some_and(is_terminator) && next_char(t, b).is_some_and(is_terminator)
        {
            return;
        }
        if !prev_char(t, b).is_some_and(char::is_whitespace) {
            b = self.adjust(b);
        }
        if b <= self.start || !self.keep(b, trusted) {
            return;
        }
        self.push_until(b);
        self.start = skip_ws(t, b);
        self.dq_pos = self.start;
        self.dq_open = false;
    }

    pub(super) fn finish(mut self) -> Vec<Range<usize>> {
        self.push_until(self.text.len());
        self.out
    }

    /// Ends the current sentence at `end` (exclusive), trimmed, if anything is left of it.
    fn push_until(&mut self, end: usize) {
        if self.start < end {
            let len = self.text[self.start..end].trim_end().len();
            if len > 0 {
                self.out.push(self.start..self.start + len);
            }
        }
    }

    /// Whether a `"` is open at `pos` (counting from the sentence start).
    fn dq_open_at(&mut self, pos: usize) -> bool {
        if pos > self.dq_pos {
            let quotes = self.text.as_bytes()[self.dq_pos..pos]
                .iter()
                .filter(|&&byte| byte == b'"')
                .count();
            self.dq_open ^= quotes % 2 == 1;
            self.dq_pos = pos;
        }
        self.dq_open
    }

    /// Places a boundary that follows `terminator quote*` correctly within the quotes: closing
    /// quotes and brackets stay with the sentence they close, the first opening one starts the
    /// next sentence. UAX #29 puts all of them before its boundary (`talks.“|We`), and glued
    /// candidates come in right after the terminator (`talks.|“We`); both end up at `talks.|“We`.
    fn adjust(&mut self, b: usize) -> usize {
        let t = self.text;
        let mut run_start = b;
        let mut walked = 0;
        loop {
            match prev_char(t, run_start) {
                Some(c) if is_terminator(c) => break,
                Some(c) if is_quote(c) && walked < LOOK => {
                    run_start -= c.len_utf8();
                    walked += 1;
                }
                _ => return b,
            }
        }
        let from = run_start.max(self.start);
        let mut dq_open = self.dq_open_at(from);
        for (i, c) in t[from..].char_indices().take(LOOK) {
            let opens = match c {
                // A straight double quote closes one that is open, otherwise it opens.
                '"' => {
                    dq_open = !dq_open;
                    dq_open
                }
                // Mostly an apostrophe; as a quote it opens only if a word follows directly.
                '\'' => next_char(t, from + i + 1).is_some_and(char::is_alphanumeric),
                c if is_opening(c) => true,
                c if is_quote(c) => false,
                _ => return from + i,
            };
            if opens {
                return from + i;
            }
        }
        // Give up on absurdly long runs: leave UAX #29's boundary where it was.
        b
    }

    /// Decides whether the current sentence really ends at `b` (a non-white-space position whose
    /// preceding text is not all white space).
    fn keep(&self, b: usize, trusted: bool) -> bool {
        let t = self.text;
        let prev = t[self.start..b].trim_end();
        let gap = &t[self.start + prev.len()..b];
        let line_break = gap.chars().any(is_para_sep);

        // A numbered-list marker left in the text ("1. HOME") is not a sentence.
        if let Some(num) = prev.strip_suffix('.') {
            if (1..=3).contains(&num.len()) && num.bytes().all(|c| c.is_ascii_digit()) {
                return false;
            }
        }

        let (core, closed) = strip_trailing_quotes(prev);
        let term = core.chars().next_back().unwrap_or(' ');
        if !is_terminator(term) {
            // A line break alone never ends a sentence. Otherwise UAX #29 saw a terminator we do
            // not know (one followed by combining marks, say); trust it.
            return trusted && !line_break;
        }

        // Like UAX #29 does after a full stop (rule SB8), a lowercase start continues the
        // sentence, whatever the terminator: `“Why?” he asked.`, `etc. and`, `U.S.\nand`.
        let first = t[b..]
            .chars()
            .take(LOOK)
            .find(|&c| !is_opening(c) && !matches!(c, '"' | '\''));
        if first.is_some_and(char::is_lowercase) {
            return false;
        }

        if term != '.' || closed {
            return true;
        }
        let before = &core[..core.len() - 1];
        let lang = self.lang.0;
        if lang.ordinal_dates && ordinal_before_month(before, &t[b..], lang) {
            return false;
        }
        match lang
            .abbreviation_before(before)
            .or_else(|| abbreviation_before(before))
        {
            None => true,
            Some(Abbrev::Always) => false,
            Some(Abbrev::BeforeNumber) => !next_char(t, b).is_some_and(|c| c.is_ascii_digit()),
            Some(Abbrev::Initial) => {
                !next_char(t, b).is_some_and(char::is_uppercase) || lang.starts_sentence(&t[b..])
            }
            Some(Abbrev::UnlessStarter) => {
                !next_char(t, b).is_some_and(char::is_alphanumeric) || lang.starts_sentence(&t[b..])
            }
        }
    }
}

/// Splits `s` into the part before its trailing quotes/brackets and whether there were any.
fn strip_trailing_quotes(s: &str) -> (&str, bool) {
    let mut end = s.len();
    for c in s.chars().rev().take(LOOK) {
        if !is_quote(c) {
            break;
        }
        end -= c.len_utf8();
    }
    (&s[..end], end < s.len())
}

#[cfg(test)]
mod tests {
    use crate::pipeline::statements::tests::sents;

    // --- quotes -----------------------------------------------------------------------------

    #[test]
    fn quoted_sentence_with_attribution_is_one_statement() {
        let text = "“The discussion was very useful, constructive and very substantive and lasted \
                    for not five minutes but five hours,” Ushakov said, as cited by the New York \
                    Times.";
        assert_eq!(sents(text), [text]);
        let text = "“So far, we haven’t found a compromise,” Ushakov said, noting that some \
                    American proposals were “open for discussion.”";
        assert_eq!(sents(text), [text]);
    }

    #[test]
    fn multi_sentence_quote_keeps_closing_quote_with_last_sentence() {
        let text = "“We could agree on some things, and the president confirmed this to his \
                    interlocutors,” Ushakov said. “Other things provoked criticism, and the \
                    president also made no secret of our critical and even negative attitude \
                    toward a number of proposals. But the main thing is that a very useful \
                    discussion took place.”";
        assert_eq!(
            sents(text),
            [
                "“We could agree on some things, and the president confirmed this to his \
                 interlocutors,” Ushakov said.",
                "“Other things provoked criticism, and the president also made no secret of our \
                 critical and even negative attitude toward a number of proposals.",
                "But the main thing is that a very useful discussion took place.”",
            ]
        );
    }

    #[test]
    fn question_or_exclamation_in_quote_followed_by_lowercase_continues() {
        let text = "“Why?” he asked. “Help!” she cried.";
        assert_eq!(sents(text), ["“Why?” he asked.", "“Help!” she cried."]);
        assert_eq!(sents("Really? Yes! Fine."), ["Really?", "Yes!", "Fine."]);
    }

    #[test]
    fn ellipsis_in_quote_splits_before_a_capital_both_spellings() {
        let dots = "commented on the outcome: \"We have not come up with a compromise version \
                    yet... A lot of work lies ahead.\" He added more.";
        assert_eq!(
            sents(dots),
            [
                "commented on the outcome: \"We have not come up with a compromise version yet...",
                "A lot of work lies ahead.\"",
                "He added more.",
            ]
        );
        let char = dots.replace("...", "…");
        assert_eq!(
            sents(&char),
            [
                "commented on the outcome: \"We have not come up with a compromise version yet…",
                "A lot of work lies ahead.\"",
                "He added more.",
            ]
        );
        // Before a lowercase word an ellipsis never splits, in either spelling.
        assert_eq!(
            sents("We waited... and waited."),
            ["We waited... and waited."]
        );
        assert_eq!(sents("We waited… and waited."), ["We waited… and waited."]);
        // Mixed runs of terminators stay together.
        assert_eq!(sents("What?… Nothing."), ["What?…", "Nothing."]);
        assert_eq!(sents("Wait.… Nothing."), ["Wait.…", "Nothing."]);
    }

    // --- sloppy copy, headings, line breaks ---------------------------------------------------

    #[test]
    fn list_markers_are_not_sentences() {
        assert_eq!(sents("1. HOME"), ["1. HOME"]);
        assert_eq!(
            sents("12. Kremlin indicates lack of progress"),
            ["12. Kremlin indicates lack of progress"]
        );
        // But a year at the end of a sentence is not a list marker.
        assert_eq!(
            sents("It started in 2022. Nobody expected it."),
            ["It started in 2022.", "Nobody expected it."]
        );
    }

    #[test]
    fn missing_apostrophes_and_glued_words_do_not_confuse() {
        let text = "He emphasized the need for Kyivs involvement in peace talks and clear \
                    security assurances, including NATO membershipa point rejected by Russia and \
                    previously ruled out by Trump. Russias Defense Ministry posted a video.";
        assert_eq!(
            sents(text),
            [
                "He emphasized the need for Kyivs involvement in peace talks and clear security \
                 assurances, including NATO membershipa point rejected by Russia and previously \
                 ruled out by Trump.",
                "Russias Defense Ministry posted a video.",
            ]
        );
    }

    #[test]
    fn headings_and_list_items_without_terminator_are_one_statement() {
        for text in [
            "Five-Hour Meeting Ends With No Breakthrough",
            "restrictions on the size of Ukraine’s army",
            "Ukraine: ‘Putin Does Not Want Peace’",
            "Putin, US envoy fail to reach Ukraine peace deal—Kremlin",
            "-",
        ] {
            assert_eq!(sents(text), [text], "{text}");
        }
        assert_eq!(sents("  Legal Disclaimer:\n"), ["Legal Disclaimer:"]);
    }

    #[test]
    fn line_break_alone_never_ends_a_sentence() {
        let text = "Ukraine considers these\nterms unacceptable.";
        assert_eq!(sents(text), [text]);
        let text = "Russia Claims Gains\r\non the Battlefield\n\nand More";
        assert_eq!(sents(text), [text]);
        assert_eq!(
            sents("The talks ended.\nPutin left.\r\n  Trump\nstayed.  "),
            ["The talks ended.", "Putin left.", "Trump\nstayed."]
        );
        assert_eq!(
            sents("He left for the U.S.\nand stayed."),
            ["He left for the U.S.\nand stayed."]
        );
        assert_eq!(
            sents("It ended.\u{2029}New one."),
            ["It ended.", "New one."]
        );
    }
}
