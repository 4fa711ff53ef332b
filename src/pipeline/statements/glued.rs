//! Candidate boundaries UAX #29 never offers: sentences glued without a space
//! (`Wednesday.Putin`, `talks.“We`) and an ellipsis char before white space. Our own
//! heuristic, apart from the UAX #29 pass, with the tests of what it must leave alone.

use super::chars::{
    LOOK, is_opening, is_quote, is_terminator, next_char, skip_ascii_except, skip_quotes,
};

/// Candidate boundaries UAX #29 does not produce, in increasing order:
/// * glued sentences (`Wednesday.Putin`, `talks.“We`), see [`glued_boundary`];
/// * an ellipsis character followed by white space (`yet… A lot`), so that `…` behaves like
///   `...`, after which UAX #29 breaks (unless a lowercase word follows, see
///   [`Splitter::keep`](super::splitter::Splitter::keep)).
pub(super) fn glued_candidates(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Every char of every article passes here: ASCII other than terminators is skipped eight
    // bytes at a time.
    loop {
        i = skip_ascii_except(bytes, i, [b'.', b'!', b'?']);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            let c = text[i..].chars().next().expect("i is at a char boundary");
            if !is_terminator(c) {
                i += c.len_utf8();
                continue;
            }
            c
        };
        let start = i;
        let mut end = start + c.len_utf8();
        let mut last = c;
        while let Some(d) = text[end..].chars().next().filter(|&d| is_terminator(d)) {
            end += d.len_utf8();
            last = d;
        }
        glued_candidate_after(text, start, end, last, &mut out);
        i = end;
    }
    out
}

/// The candidate, if any, after the terminator run `text[start..end]` ending in `last`.
pub(super) fn glued_candidate_after(
    text: &str,
    start: usize,
    end: usize,
    last: char,
    out: &mut Vec<usize>,
) {
    if glued_boundary(text, start, end) {
        out.push(end);
    } else if last == '…' {
        let after_quotes = skip_quotes(text, end);
        if next_char(text, after_quotes).is_some_and(char::is_whitespace) {
            out.push(after_quotes);
        }
    }
}

/// Whether the terminator run `text[start..end]` ends a sentence glued to the next one, i.e.
/// there is no space after it, and:
/// * the word before it has 2+ letters, one of them lowercase (so `U.S.A`, `J.R.R.Tolkien`, `e.g.`
///   and numbers like `19.5` are left alone), and is not part of a URL or e-mail address;
/// * after optional closing quotes/brackets comes an opening quote or bracket and then a word,
///   or a capitalised word of 2+ letters (uppercase then lowercase: `Putin`, `It`, not `NET` in
///   `ASP.NET`) that is not followed by `.com`-like text (so `www.Reuters.com` stays whole).
fn glued_boundary(text: &str, start: usize, end: usize) -> bool {
    let mut letters = 0;
    let mut lowercase = false;
    for c in text[..start].chars().rev().take(LOOK) {
        if c.is_alphabetic() {
            letters += 1;
            lowercase |= c.is_lowercase();
        } else if c == '/' || c == '@' {
            return false;
        } else if !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-')) {
            break;
        }
    }
    if letters < 2 || !lowercase {
        return false;
    }

    let mut opener = false;
    let mut pos = end;
    for c in text[end..].chars().take(LOOK) {
        if !is_quote(c) {
            break;
        }
        opener |= is_opening(c) || matches!(c, '"' | '\'');
        pos += c.len_utf8();
    }
    let mut rest = text[pos..].chars();
    match rest.next() {
        Some(c) if c.is_alphanumeric() && opener => true,
        Some(c) if c.is_uppercase() => {
            if !rest.next().is_some_and(char::is_lowercase) {
                return false;
            }
            // Skip the rest of the word, then reject ".com"-like continuations.
            let mut after = rest.take(LOOK).skip_while(|c| c.is_alphanumeric());
            !(after.next() == Some('.')
                && after
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::statements::tests::sents;

    // --- seed mess: sentences glued without a space ----------------------------------------

    #[test]
    fn glued_full_stop_before_capitalised_word() {
        let text = "Russia and the United States made no progress toward a possible peace deal, \
                    the Kremlin said on Wednesday.Putin met late Tuesday with Trump’s special \
                    envoy Steve Witkoff, Kremlin aide Yuri Ushakov said.";
        assert_eq!(
            sents(text),
            [
                "Russia and the United States made no progress toward a possible peace deal, \
                 the Kremlin said on Wednesday.",
                "Putin met late Tuesday with Trump’s special envoy Steve Witkoff, Kremlin aide \
                 Yuri Ushakov said.",
            ]
        );
    }

    #[test]
    fn glued_after_quote_attribution_and_before_opening_quote() {
        let text = "“The discussion was very useful, constructive and very substantive and lasted \
                    for not five minutes but five hours,” Ushakov said, as cited by the New York \
                    Times.During the meeting, Putin reviewed the US proposals outlined in four \
                    documents sent to the Kremlin ahead of the talks.“We could agree on some \
                    things, and the president confirmed this to his interlocutors,” Ushakov said.";
        assert_eq!(
            sents(text),
            [
                "“The discussion was very useful, constructive and very substantive and lasted \
                 for not five minutes but five hours,” Ushakov said, as cited by the New York \
                 Times.",
                "During the meeting, Putin reviewed the US proposals outlined in four documents \
                 sent to the Kremlin ahead of the talks.",
                "“We could agree on some things, and the president confirmed this to his \
                 interlocutors,” Ushakov said.",
            ]
        );
    }

    #[test]
    fn glued_after_reuters_before_possessive() {
        let text = "Ukraine’s foreign minister, Andrii Sybiha, said the remarks highlighted that \
                    Putin was not prepared to end the war, as cited by Reuters.Trump’s peace plan \
                    calls on Europe to shoulder most of the financing.";
        assert_eq!(
            sents(text),
            [
                "Ukraine’s foreign minister, Andrii Sybiha, said the remarks highlighted that \
                 Putin was not prepared to end the war, as cited by Reuters.",
                "Trump’s peace plan calls on Europe to shoulder most of the financing.",
            ]
        );
    }

    #[test]
    fn glued_before_multi_sentence_quote() {
        let text = "European governments were not consulted during its initial drafting.“Our \
                    people are over in Russia right now to see if we can get it settled. Not an \
                    easy situation, let me tell you. What a mess,” Trump said in Washington on \
                    Tuesday.";
        assert_eq!(
            sents(text),
            [
                "European governments were not consulted during its initial drafting.",
                "“Our people are over in Russia right now to see if we can get it settled.",
                "Not an easy situation, let me tell you.",
                "What a mess,” Trump said in Washington on Tuesday.",
            ]
        );
    }

    #[test]
    fn glued_after_long_sentence_before_quote() {
        let text = "Ukraine, however, continues to control roughly 5,000 square kilometres of the \
                    territory that Russia says is its own, and nearly all countries recognise \
                    Donbas as part of Ukraine.“But there’s still a lot of work to be done, both \
                    in Washington and in Moscow. That’s what’s been agreed upon. And contacts \
                    will continue,” Ushakov said.";
        assert_eq!(
            sents(text),
            [
                "Ukraine, however, continues to control roughly 5,000 square kilometres of the \
                 territory that Russia says is its own, and nearly all countries recognise \
                 Donbas as part of Ukraine.",
                "“But there’s still a lot of work to be done, both in Washington and in Moscow.",
                "That’s what’s been agreed upon.",
                "And contacts will continue,” Ushakov said.",
            ]
        );
    }

    #[test]
    fn closing_quote_glued_to_next_sentence_stays_behind() {
        let text = "But the main thing is that a very useful discussion took place.”Ushakov said \
                    Putin conveyed “a series of important signals” to Trump.";
        assert_eq!(
            sents(text),
            [
                "But the main thing is that a very useful discussion took place.”",
                "Ushakov said Putin conveyed “a series of important signals” to Trump.",
            ]
        );
    }

    #[test]
    fn glued_straight_quotes_use_quote_parity() {
        // Opening: no quote is open before it.
        assert_eq!(
            sents("ahead of the talks.\"We could agree,\" he said."),
            ["ahead of the talks.", "\"We could agree,\" he said."]
        );
        // Closing: it closes the quote opened earlier in the sentence.
        assert_eq!(
            sents("He said \"stop.\"Then he left."),
            ["He said \"stop.\"", "Then he left."]
        );
        // Glued question and exclamation marks.
        assert_eq!(sents("Really?Yes!Good."), ["Really?", "Yes!", "Good."]);
    }

    #[test]
    fn glued_heuristic_leaves_initialisms_urls_and_code_alone() {
        for text in [
            "The U.S.A.Today is a paper.",
            "J.R.R.Tolkien wrote it.",
            "Go to www.Reuters.com for more.",
            "Go to https://news.Example.org/World for more.",
            "Mail press@Kremlin.Ru for more.",
            "Built on ASP.NET and more.",
            "It was a.B test.",
            "See e.g.Russia and more.",
        ] {
            assert_eq!(sents(text), [text], "{text}");
        }
    }
}
