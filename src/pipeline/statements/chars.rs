//! What every part of the sentence splitter asks of a char: whether it ends a sentence, opens
//! or closes a quote, or separates lines, and how far any look-around may go ([`LOOK`]). One
//! definition of each, shared by the candidate finders and the splitter that judges them.

/// Cap (in characters) on every look-behind and look-ahead, so that adversarial input (a million
/// quotes after a full stop, say) cannot make splitting quadratic. Real abbreviations, words and
/// quote runs are far shorter.
pub(super) const LOOK: usize = 64;

/// Sentence terminators: those of UAX #29 that matter in practice, plus the ellipsis character.
pub(super) fn is_terminator(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '.' | '!' | '?')
    } else {
        OTHER_TERMINATORS.contains(&c)
    }
}

#[rustfmt::skip]
const OTHER_TERMINATORS: &[char] = &[
    '…', '‼', '‽', '⁇', '⁈', '⁉', '⸮', '⸼', '。', '．', '！', '？', '｡', '﹒', '﹖', '﹗', '؟', '۔',
    '܀', '܁', '܂', '߹', '।', '॥', '၊', '။', '։', '።', '፧', '፨', '᙮', '᠃', '᠉', '᥄', '᥅', '꓿',
    '꘎', '꘏', '꛳', '꛷',
];

/// Quotes and brackets that open.
pub(super) fn is_opening(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '(' | '[' | '{')
    } else {
        matches!(
            c,
            '“' | '‘' | '„' | '‚' | '‛' | '‟' | '«' | '‹' | '「' | '『' | '（' | '〈' | '《'
        )
    }
}

/// Any quote or bracket, opening, closing or straight (ambiguous).
pub(super) fn is_quote(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}')
    } else {
        is_opening(c) || matches!(c, '”' | '’' | '»' | '›' | '」' | '』' | '）' | '〉' | '》')
    }
}

/// Line and paragraph separators (UAX #29's `Sep` class).
pub(super) fn is_para_sep(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

pub(super) fn prev_char(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

pub(super) fn next_char(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// First position at or after `i` that is not white space.
pub(super) fn skip_ws(s: &str, i: usize) -> usize {
    s[i..]
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(s.len(), |(j, _)| i + j)
}

/// First position at or after `i` that is not a quote or bracket (looking at most [`LOOK`] chars).
pub(super) fn skip_quotes(s: &str, i: usize) -> usize {
    let mut pos = i;
    for c in s[i..].chars().take(LOOK) {
        if !is_quote(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

/// The first index at or after `from` of a byte outside ASCII or in `stops` (`bytes.len()` if
/// none), looking at eight bytes at a time: most of an article is ASCII between the few bytes
/// sentence splitting has to look at.
pub(super) fn skip_ascii_except<const N: usize>(
    bytes: &[u8],
    from: usize,
    stops: [u8; N],
) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // The high bit of each byte at or above 0x80, and of the lowest byte equal to a stop
        // (`x` is below 0x80 in the other ASCII bytes, so only a borrow from a zero byte below
        // can mark one of them).
        let mut mask = word & HIGH;
        for stop in stops {
            let x = word ^ (ONES * u64::from(stop));
            mask |= x.wrapping_sub(ONES) & HIGH;
        }
        if mask != 0 {
            return i + (mask.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() || stops.contains(&b) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_eight_bytes_at_a_time_stops_where_a_byte_at_a_time_does() {
        // Each stop (and its neighbours, and bytes outside ASCII) at every offset against the
        // words, alone and after another stop whose borrow must not hide it.
        let stops = [b'.', b'!', b'?', b'\n', b'\r'];
        for hazard in [
            ".", "!", "?", "\n", "\r", "-", "/", " ", ">", "@", "\x0b", "\x0e", "é", "’", ".!",
            "\n.",
        ] {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    let text = format!("{}{hazard}{}", "ab".repeat(before), "c".repeat(after));
                    let bytes = text.as_bytes();
                    for from in 0..=bytes.len() {
                        let want = (from..bytes.len())
                            .find(|&i| !bytes[i].is_ascii() || stops.contains(&bytes[i]))
                            .unwrap_or(bytes.len());
                        assert_eq!(
                            skip_ascii_except(bytes, from, stops),
                            want,
                            "{text:?} from {from}"
                        );
                    }
                }
            }
        }
    }
}
