//! The plain definitions the fast paths are checked against, a char at a time: UAX #29 over
//! every char, chunk cuts, glued candidates, the splitter over UAX #29's own boundaries,
//! normalising and slugs. Test-only, so a build carries none of it.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::Language;
use super::chars::{LOOK, is_para_sep, is_terminator};
use super::glued::{glued_candidate_after, glued_candidates};
use super::ids::{SLUG_MAX, SLUG_WORDS, add_slug_word, fold, normalise_char};
use super::splitter::Splitter;
use super::uax29::uax29_chunks;

/// The original [`split_sentences`], running UAX #29 over every char: the fast path must give
/// the same ranges for every input.
pub(super) fn split_sentences_reference(text: &str) -> Vec<Range<usize>> {
    let mut splitter = Splitter::new(text, Language::default());
    let mut glued = glued_candidates(text).into_iter().peekable();
    for (chunk_start, chunk) in uax29_chunks(text) {
        for (i, _) in chunk.split_sentence_bound_indices() {
            let bound = chunk_start + i;
            while let Some(g) = glued.next_if(|&g| g <= bound) {
                splitter.consider(g, true);
            }
            splitter.consider(bound, i > 0);
        }
    }
    for g in glued {
        splitter.consider(g, true);
    }
    splitter.finish()
}

/// The plain definition of [`chunk_cuts`], a char at a time.
pub(super) fn chunk_cuts_reference(text: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut run = 0;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || is_terminator(c) || is_para_sep(c) {
            run = 0;
        } else {
            run += 1;
            if run == LOOK {
                cuts.push(i + c.len_utf8());
                run = 0;
            }
        }
    }
    cuts
}

/// The plain definition of [`glued_candidates`], a char at a time.
pub(super) fn glued_candidates_reference(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_terminator(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut last = c;
        while let Some((i, d)) = chars.next_if(|&(_, d)| is_terminator(d)) {
            end = i + d.len_utf8();
            last = d;
        }
        glued_candidate_after(text, start, end, last, &mut out);
    }
    out
}

/// The original [`normalise_into`], a char at a time (checks the whole-run fast path).
pub(super) fn normalise_reference(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        normalise_char(c, &mut out, &mut space);
    }
    out
}

/// The original [`slug_into`], a char at a time (checks the byte-wise one).
pub(super) fn slug_reference(normalised: &str) -> String {
    let mut slug = String::with_capacity(SLUG_MAX);
    let mut word = String::with_capacity(SLUG_MAX);
    let mut in_word = false;
    let mut words = 0;
    let mut chars = normalised.chars().peekable();
    let mut prev = ' ';
    loop {
        let c = chars.next();
        let joins = match c {
            // An apostrophe inside a word vanishes; elsewhere it separates.
            Some('\'') => in_word,
            Some('.') => prev.is_alphabetic() && chars.peek().is_some_and(|c| c.is_alphabetic()),
            Some(c) => c.is_alphanumeric() || ('\u{300}'..='\u{36F}').contains(&c),
            None => false,
        };
        if let (true, Some(c)) = (joins, c) {
            in_word = true;
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            } else if let Some(folded) = fold(c) {
                word.push_str(folded);
            }
        } else if in_word {
            in_word = false;
            words += 1;
            if !add_slug_word(&mut slug, &mut word) || words == SLUG_WORDS {
                break;
            }
        }
        match c {
            Some(c) => prev = c,
            None => break,
        }
    }
    slug
}

/// What `uax29_bounds` must give: UAX #29 run over every char of `text`.
pub(super) fn uax29_full(text: &str) -> Vec<usize> {
    text.split_sentence_bound_indices()
        .map(|(i, _)| i)
        .collect()
}

/// What `uax29_simple` must give: [`uax29_full`] less the start of the text.
pub(super) fn uax29_full_after_start(text: &str) -> Vec<usize> {
    text.split_sentence_bound_indices()
        .skip(1)
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::statements::ids::{normalise, slug};
    use crate::pipeline::statements::split_sentences;
    use crate::pipeline::statements::uax29::{chunk_cuts, uax29_fast, uax29_simple_bounds};

    fn assert_same_split(text: &str) {
        assert_eq!(
            normalise(text),
            normalise_reference(text),
            "normalised {text:?}"
        );
        let normalised = normalise_reference(text);
        assert_eq!(
            slug(&normalised),
            slug_reference(&normalised),
            "slug of {text:?}"
        );
        assert_eq!(
            uax29_fast(text),
            uax29_full(text),
            "UAX #29 bounds of {text:?}"
        );
        assert_eq!(
            chunk_cuts(text),
            chunk_cuts_reference(text),
            "chunk cuts of {text:?}"
        );
        assert_eq!(
            glued_candidates(text),
            glued_candidates_reference(text),
            "glued candidates of {text:?}"
        );
        assert_eq!(
            split_sentences(text),
            split_sentences_reference(text),
            "sentences of {text:?}"
        );
    }

    #[test]
    fn uax29_fast_path_matches_for_every_ascii_pair_in_context() {
        // Every ASCII char pair, between every ASCII letter and a few tails (a lowercase word
        // far ahead, SB8's look-ahead, included).
        let tails = ["", " x", " X", ". 12 and", "\n", "? ", "’ y"];
        for a in 0..128u8 {
            for b in 0..128u8 {
                for l in [b'a', b'Q', b'.', b' '] {
                    for tail in tails {
                        let text = format!("{}{}{}{}", l as char, a as char, b as char, tail);
                        assert_same_split(&text);
                    }
                }
            }
        }
    }

    #[test]
    fn fast_path_matches_reference_on_examples() {
        for text in [
            "Putin met Witkoff on Tuesday. The talks lasted five hours.",
            "He said. 5 apples were sold. x. 5 apples.",
            "U.S. President Trump said... “We will see.” And then? No!",
            "Mr. J. K. Rowling vs. Dr. No. 10 at 3 p.m. on Dec. 3.",
            "talks.“We could not agree,” he said.Putin met late Tuesday.",
            "Line one\nline two.\n\nNew paragraph\u{2029}Next. é. É. ab.\u{301}Cd",
            "a.\u{AD}B c.\u{301} d.' (e) ‘F’ ab.)  g",
        ] {
            assert_same_split(text);
        }
    }

    mod fast_path_props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4096))]

            #[test]
            fn fast_path_matches_reference_on_arbitrary_text(
                text in prop_oneof![
                    "\\PC{0,120}",
                    "[a-zA-Z0-9 .!?,;:'\"()\\n\\r-]{0,120}",
                    prop::collection::vec(
                        prop::sample::select(&[
                            ".", "!", "?", "\"", "“", "”", "'", "’", " ", "  ", "\n", "\r\n", "Mr",
                            "U", "S", "A", "a", "the", "The", "5", "…", ")", "(", "\u{301}",
                            "\u{AD}", "\u{2029}", "。", "é", "É", "x.y", "e.g.", "—", ",", "\t",
                        ][..]),
                        0..60,
                    ).prop_map(|v| v.concat()),
                ]
            ) {
                prop_assert_eq!(uax29_fast(&text), uax29_full(&text));
                if text.len() <= 255 {
                    if let Some(simple) = uax29_simple_bounds(&text) {
                        prop_assert_eq!(simple, uax29_full_after_start(&text));
                    }
                }
                prop_assert_eq!(chunk_cuts(&text), chunk_cuts_reference(&text));
                prop_assert_eq!(glued_candidates(&text), glued_candidates_reference(&text));
                prop_assert_eq!(split_sentences(&text), split_sentences_reference(&text));
                prop_assert_eq!(normalise(&text), normalise_reference(&text));
                let normalised = normalise_reference(&text);
                prop_assert_eq!(slug(&normalised), slug_reference(&normalised));
            }
        }
    }

    /// Every block of every article under `dir` (and each whole file, raw markdown included).
    fn assert_same_split_on_articles(dir: &std::path::Path) -> usize {
        let mut blocks = 0;
        for entry in std::fs::read_dir(dir).expect("articles folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let markdown = std::fs::read_to_string(&path).expect("article");
            assert_same_split(&markdown);
            let doc = crate::pipeline::document::parse(&markdown);
            for block in &doc.blocks {
                assert_same_split(&doc.text[block.range.clone()]);
                blocks += 1;
            }
        }
        blocks
    }

    #[test]
    fn fast_path_matches_reference_on_committed_articles() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/articles");
        assert!(assert_same_split_on_articles(&dir) > 50);
    }

    /// `CROSSCHECK_SPLIT_CORPUS=/tmp/cc-bench/c1000 cargo test --lib -- --ignored corpus`:
    /// a generated benchmark corpus (`bench/README.md`), too big to commit.
    #[test]
    #[ignore = "needs a generated corpus"]
    fn fast_path_matches_reference_on_corpus() {
        let root = std::env::var("CROSSCHECK_SPLIT_CORPUS")
            .unwrap_or_else(|_| "/tmp/cc-bench/c1000".to_owned());
        let blocks =
            assert_same_split_on_articles(&std::path::Path::new(&root).join("content/articles"));
        eprintln!("{blocks} blocks identical");
        assert!(blocks > 0);
    }
}
