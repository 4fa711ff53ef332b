//! UAX #29 sentence boundaries, fast. The text is cut into chunks so `unicode_segmentation`'s
//! quadratic worst case never runs, and within a chunk only the few short pieces that can hold
//! a boundary go through the rules (most of them through a table-free copy of the rules). The
//! result is exactly `unicode_segmentation`'s, which `reference` checks; apart because this is
//! a fifth of a build and the argument that it is exact is its own.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::chars::{LOOK, is_para_sep, is_terminator, skip_ascii_except};

/// Pieces of `text` to run UAX #29 on separately, with their offsets.
///
/// `unicode_segmentation`'s sentence rule SB8 looks ahead from every char of a `. Close* Sp*`
/// run, which is quadratic in the run's length (`"ab."` + 10,000 spaces takes seconds). So the
/// text is cut inside any run of [`LOOK`] chars that are neither letters, digits, terminators
/// nor line breaks, which real prose never has. Such a cut is offered as an untrusted candidate
/// boundary: inside white space it works like UAX #29's own break after the white space, and
/// elsewhere it is dropped unless the text before it ends a sentence.
pub(super) fn uax29_chunks(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let cuts = chunk_cuts(text);
    let ends = cuts.clone().into_iter().chain(std::iter::once(text.len()));
    std::iter::once(0)
        .chain(cuts)
        .zip(ends)
        .map(move |(start, end)| (start, &text[start..end]))
}

/// Where [`uax29_chunks`] cuts: after each [`LOOK`]th char of a run of chars that are neither
/// letters, digits, terminators nor line breaks. Byte at a time over ASCII (what prose mostly
/// is), decoding only the rest: this runs over every char of every article.
pub(super) fn chunk_cuts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    if every_window_has_alphanumeric(bytes) {
        return Vec::new();
    }
    let mut cuts = Vec::new();
    let mut run = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let ends_run = if b.is_ascii() {
            i += 1;
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'!' | b'?' | b'\n' | b'\r')
        } else {
            let c = text[i..].chars().next().expect("i is at a char boundary");
            i += c.len_utf8();
            c.is_alphanumeric() || is_terminator(c) || is_para_sep(c)
        };
        if ends_run {
            run = 0;
        } else {
            run += 1;
            if run == LOOK {
                cuts.push(i);
                run = 0;
            }
        }
    }
    cuts
}

/// Bytes per window of [`every_window_has_alphanumeric`]: a run of [`LOOK`] chars is at least
/// `LOOK` bytes long, so it holds a whole aligned window when windows are at most half that.
pub(super) const CUT_WINDOW: usize = LOOK / 2;

/// Whether every whole [`CUT_WINDOW`]-byte window of `bytes` (at a multiple of its size) holds
/// an ASCII letter or digit. Then [`chunk_cuts`] has nothing to cut: a run of `LOOK` chars
/// with no letter or digit would contain such a window, and an ASCII byte is a whole char.
/// Prose has a letter within the first few bytes of every window, so this reads a fraction of
/// the text where the full scan reads every byte.
fn every_window_has_alphanumeric(bytes: &[u8]) -> bool {
    bytes
        .chunks_exact(CUT_WINDOW)
        .all(|window| window.iter().any(u8::is_ascii_alphanumeric))
}

/// Calls `found` with each position `chunk.split_sentence_bound_indices()` yields, in order,
/// while running UAX #29 (a table look-up and a state update per char: a fifth of a build) only
/// over the few short pieces of `chunk` where it can find a boundary.
///
/// Why that is exact. Call `p` a *seam* when `chunk[p - 1]` is an ASCII letter (UAX #29's Upper
/// or Lower) and `chunk[p]` is ASCII but not `.`. In `unicode_segmentation`'s `SentenceBreaks`
/// (rules SB1–SB11 over the last four "state parts" plus SB8's look-ahead):
/// * There is no boundary at a seam: only SB4 and SB11 break, and both need the part just
///   before to be a line break, terminator, close or space, not a letter.
/// * Nothing before a seam affects a decision after it. Looking back, the rules skip only
///   line-break, space and close parts before testing a part for a terminator, so they stop at
///   the letter at `p - 1` and see "not a terminator" there, as they would see at the start of
///   the text. SB7 (letter, `.`, uppercase) would look past it but needs `chunk[p]` to be `.`;
///   SB5 (Extend/Format keep the previous state) needs a non-ASCII `chunk[p]`.
/// * Nothing after a seam affects a decision before it: SB8 looks ahead only up to the first
///   letter (and `chunk[p - 1]` is one), the other rules at the next char only.
///
/// So the boundaries between consecutive seams are exactly those UAX #29 finds in that piece
/// alone (less the piece's own start). And a piece has none unless it holds a line break or a
/// terminator (SB4, SB11), all of which are CR, LF, `.`, `!`, `?` or non-ASCII: other pieces are
/// skipped. `split_sentences_reference` and the tests below check this against the real thing.
pub(super) fn uax29_bounds(chunk: &str, mut found: impl FnMut(usize)) {
    if chunk.is_empty() {
        return;
    }
    found(0);
    let bytes = chunk.as_bytes();
    // Pieces end where an ASCII letter is followed by an ASCII char other than '.'. Only those
    // holding a char outside ASCII or a terminator or line break can hold a boundary; the
    // others are stepped over eight bytes at a time.
    let is_cut = |j: usize| {
        j > 0 && bytes[j - 1].is_ascii_alphabetic() && bytes[j].is_ascii() && bytes[j] != b'.'
    };
    let mut done = 0; // 0 or a cut: the pieces before it are done
    loop {
        let may_break = skip_ascii_except(bytes, done, [b'.', b'!', b'?', b'\n', b'\r']);
        if may_break == bytes.len() {
            break;
        }
        let mut start = may_break;
        while start > done && !is_cut(start) {
            start -= 1;
        }
        let mut end = may_break + 1;
        while end < bytes.len() && !is_cut(end) {
            end += 1;
        }
        uax29_piece(chunk, start..end, &mut found);
        done = end;
    }
}

fn uax29_piece(chunk: &str, piece: Range<usize>, found: &mut impl FnMut(usize)) {
    let start = piece.start;
    let text = &chunk[piece];
    // Most pieces are a few chars around a full stop (`e. T`, `y,” s`) of classes known
    // without a table search, where the rules are a few tests each; `unicode_segmentation`
    // pays a search per char. Long pieces and rarer chars keep its code (and with it its
    // worst case).
    'simple: {
        if text.len() > SIMPLE_PIECE_MAX {
            break 'simple;
        }
        let mut classes = [(0u8, Sb::Other); SIMPLE_PIECE_MAX];
        let mut n = 0;
        for (i, c) in text.char_indices() {
            let Some(class) = sb_class(c) else {
                break 'simple;
            };
            // A piece's offsets fit a byte: it is at most SIMPLE_PIECE_MAX bytes long.
            classes[n] = (i as u8, class);
            n += 1;
        }
        uax29_simple(&classes[..n], |i| found(start + i));
        return;
    }
    for (i, _) in text.split_sentence_bound_indices().skip(1) {
        found(start + i);
    }
}

/// Longest piece [`uax29_simple`] is used for: its look-arounds rescan a run each time.
const SIMPLE_PIECE_MAX: usize = 128;
const _: () = assert!(SIMPLE_PIECE_MAX <= 256);

/// UAX #29 sentence classes (SentenceBreakProperty.txt), those the rules tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sb {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

/// The class of ASCII chars and of the others common in news copy (curly quotes, dashes,
/// Latin letters with accents, currency signs); `None` for the rest, left to
/// `unicode_segmentation`. A test checks every char this answers for against it.
pub(super) fn sb_class(c: char) -> Option<Sb> {
    Some(match c {
        '\r' => Sb::Cr,
        '\n' => Sb::Lf,
        '\t' | '\u{B}' | '\u{C}' | ' ' | '\u{A0}' => Sb::Sp,
        'a'..='z' => Sb::Lower,
        'A'..='Z' => Sb::Upper,
        '0'..='9' => Sb::Numeric,
        '.' => Sb::ATerm,
        '!' | '?' => Sb::STerm,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '«' | '»' | '‘' | '’' | '“' | '”' => {
            Sb::Close
        }
        ',' | '-' | ':' | ';' | '–' | '—' => Sb::SContinue,
        '\u{0}'..='\u{7F}' | '€' | '£' | '°' | '×' | '÷' | '…' => Sb::Other,
        'À'..='ſ' if c.is_lowercase() => Sb::Lower,
        'À'..='ſ' if c.is_uppercase() => Sb::Upper,
        _ => return None,
    })
}

/// The positions after the first where UAX #29 (rules SB3–SB11, as `unicode_segmentation`
/// implements them) puts a sentence boundary in a text given as its chars' byte offsets
/// and classes, in order: what `split_sentence_bound_indices().skip(1)` yields for it.
/// Tests compare the two.
pub(super) fn uax29_simple(chars: &[(u8, Sb)], mut found: impl FnMut(usize)) {
    let class = |i: usize| chars[i].1;
    let para = |c: Sb| matches!(c, Sb::Cr | Sb::Lf);
    let saterm = |c: Sb| matches!(c, Sb::ATerm | Sb::STerm);
    for i in 1..chars.len() {
        let (before, after) = (class(i - 1), class(i));
        let at_i = usize::from(chars[i].0);
        if before == Sb::Cr && after == Sb::Lf {
            continue; // SB3
        }
        if para(before) {
            found(at_i); // SB4
            continue;
        }
        // What precedes `i`: `term Close* Sp*`, with `spaces` telling whether any Sp.
        let mut j = i;
        while j > 0 && class(j - 1) == Sb::Sp {
            j -= 1;
        }
        let spaces = j < i;
        while j > 0 && class(j - 1) == Sb::Close {
            j -= 1;
        }
        if j == 0 || !saterm(class(j - 1)) {
            continue; // SB998
        }
        let (term, at) = (class(j - 1), j - 1);
        if term == Sb::ATerm && at + 1 == i {
            if after == Sb::Numeric {
                continue; // SB6
            }
            if after == Sb::Upper && at > 0 && matches!(class(at - 1), Sb::Upper | Sb::Lower) {
                continue; // SB7
            }
        }
        if term == Sb::ATerm {
            // SB8: a lowercase letter comes before any letter, separator or terminator.
            let next = chars[i..]
                .iter()
                .map(|&(_, c)| c)
                .find(|&c| matches!(c, Sb::Upper | Sb::Lower) || para(c) || saterm(c));
            if next == Some(Sb::Lower) {
                continue;
            }
        }
        if matches!(after, Sb::SContinue | Sb::ATerm | Sb::STerm) {
            continue; // SB8a
        }
        if !spaces && matches!(after, Sb::Close | Sb::Sp | Sb::Cr | Sb::Lf) {
            continue; // SB9
        }
        if matches!(after, Sb::Sp | Sb::Cr | Sb::Lf) {
            continue; // SB10
        }
        found(at_i); // SB11
    }
}

/// [`uax29_bounds`] of `text`, as a list.
#[cfg(test)]
pub(super) fn uax29_fast(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    uax29_bounds(text, |i| out.push(i));
    out
}

/// [`uax29_simple`] on `text`, or `None` if a char of it has no known class.
#[cfg(test)]
pub(super) fn uax29_simple_bounds(text: &str) -> Option<Vec<usize>> {
    let chars: Option<Vec<(u8, Sb)>> = text
        .char_indices()
        .map(|(i, c)| Some((u8::try_from(i).ok()?, sb_class(c)?)))
        .collect();
    let mut out = Vec::new();
    uax29_simple(&chars?, |i| out.push(i));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::statements::reference::{
        chunk_cuts_reference, uax29_full, uax29_full_after_start,
    };

    /// One of each UAX #29 sentence class that matters to the seams (Lower, Upper, Numeric,
    /// ATerm, STerm, Sp, CR, LF, Sep, Close, SContinue, OLetter, Extend, Format, Other), ASCII
    /// and not.
    const ALPHABET: &[char] = &[
        'a', 'B', '7', '.', '!', ' ', '\n', '\r', '"', ',', '’', '…', '\u{301}', '\u{AD}', 'é',
        '。', '\u{2029}', '(', '#', '\u{2024}', 'ß', '\t',
    ];

    #[test]
    fn uax29_fast_path_matches_on_every_short_string() {
        // Every string of up to four chars of the alphabet: all the seam contexts there are.
        for_every_string(ALPHABET, 4, |text| {
            assert_eq!(uax29_fast(text), uax29_full(text), "{text:?}");
        });
    }

    /// Calls `check` with every string of up to `max_len` chars of `alphabet`.
    fn for_every_string(alphabet: &[char], max_len: u32, mut check: impl FnMut(&str)) {
        let n = alphabet.len();
        let mut text = String::new();
        for len in 0..=max_len {
            for mut code in 0..n.pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(alphabet[code % n]);
                    code /= n;
                }
                check(&text);
            }
        }
    }

    #[test]
    fn simple_rules_match_unicode_segmentation_on_every_short_string() {
        // One byte of each ASCII sentence class, twice for the terminators; every string of
        // up to five of them.
        const CLASSES: &[char] = &[
            'a', 'B', '7', '.', '!', '?', ' ', '\n', '\r', '"', ',', '#', '\t',
        ];
        for_every_string(CLASSES, 5, |text| {
            assert_eq!(
                uax29_simple_bounds(text),
                Some(uax29_full_after_start(text)),
                "{text:?}"
            );
        });
        // Every char with a class of its own in contexts that exercise every rule, so a
        // char given the wrong class shows up.
        let classified = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| sb_class(c).is_some());
        for c in classified {
            for context in [
                "x.{} Y",
                "X.{}y",
                "a. ({}) b",
                "a?{}  C",
                "{}.\r\nD",
                "U.S.{}A. b",
                "a.{}",
                "a{}. b",
                "a. {}",
                "a.\"{}\" b",
                "a{}B",
                "{}",
                "a.{}7",
                "a.{}a",
                "A{}.B",
                "a. {}a",
                "a.{} b",
                "a!{} B",
                "a.) {} b",
                "a.{}\nb",
            ] {
                let text = context.replace("{}", &c.to_string());
                assert_eq!(
                    uax29_simple_bounds(&text),
                    Some(uax29_full_after_start(&text)),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn runs_just_long_enough_to_cut_are_cut_wherever_they_fall() {
        // A run of exactly LOOK chars, at every offset against the windows the quick check
        // reads, in ASCII and in two-byte chars: each must still be cut.
        for filler in ["_", "—", " "] {
            for offset in 0..=2 * CUT_WINDOW {
                let text = format!("{}{}x", "a".repeat(offset), filler.repeat(LOOK));
                let cuts = chunk_cuts(&text);
                assert_eq!(cuts, chunk_cuts_reference(&text), "{text:?}");
                assert_eq!(cuts.len(), 1, "{text:?}");
                let short = format!("{}{}x", "a".repeat(offset), filler.repeat(LOOK - 1));
                assert!(chunk_cuts(&short).is_empty(), "{short:?}");
            }
        }
    }

    #[test]
    fn chunks_are_cut_in_long_runs_the_same_byte_or_char_at_a_time() {
        for text in [
            format!("ab.{}Cd", " ".repeat(300)),
            format!("ab.{}Cd", "”".repeat(100)),
            format!("Party {} time. Next", "🎉".repeat(150)),
            format!("x{}y{}", "_ ".repeat(70), "—".repeat(65)),
        ] {
            let cuts = chunk_cuts(&text);
            assert!(!cuts.is_empty(), "{text:?}");
            assert_eq!(cuts, chunk_cuts_reference(&text), "{text:?}");
        }
    }
}
