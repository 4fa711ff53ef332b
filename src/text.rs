//! Text helpers every stage shares: escaping for HTML and XML, white
//! space flattened, excerpts, ids suggested for names, "did you mean".
//! A leaf: it imports nothing from the crate.

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape_html_into(out: &mut String, s: &str) {
    // pulldown-cmark's escaper writes the same five entities, 16 bytes at a
    // time where the CPU allows (this runs over every byte of every page).
    pulldown_cmark_escape::escape_html(out, s).expect("writing to a String cannot fail");
}

/// `escape_html_into` a new string.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_html_into(&mut out, s);
    out
}

/// Escapes text for XML content and attributes, dropping code points XML
/// 1.0 forbids (the loader already drops them; this is a second fence).
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` with every run of white space made one space and none at either
/// end: `text.split_whitespace().collect::<Vec<_>>().join(" ")` without the
/// vector, and borrowed when `text` is already so (most statements: this
/// runs for every statement of the site, for `data.json` and the search
/// index).
pub(crate) fn flat_text(text: &str) -> std::borrow::Cow<'_, str> {
    if is_flat(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut flat = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    std::borrow::Cow::Owned(flat)
}

/// Whether [`flat_text`] would leave `text` as it is: white space only as
/// single spaces between other chars.
pub(crate) fn is_flat(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut after_space = true; // no space at the start
    let mut i = 0;
    // Eight bytes at a time while they are printable ASCII (this runs over
    // every statement twice, for `data.json` and the search index); a byte
    // at a time otherwise, decoding only chars outside ASCII (to find
    // Unicode's white space).
    while let Some(&b) = bytes.get(i) {
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if let Some(ends_in_space) = printable_ascii_spaces(word, after_space) {
                let Some(ends_in_space) = ends_in_space else {
                    return false;
                };
                after_space = ends_in_space;
                i += 8;
                continue;
            }
        }
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
            i += 1;
        } else if b.is_ascii() {
            if is_ascii_space(b) {
                return false;
            }
            after_space = false;
            i += 1;
        } else {
            let c = text[i..].chars().next().expect("i is at a char boundary");
            if c.is_whitespace() {
                return false;
            }
            after_space = false;
            i += c.len_utf8();
        }
    }
    !after_space || text.is_empty()
}

/// The first `max` characters of `text` with white space flattened, cut
/// back to a word boundary and marked `…` when anything was left out.
/// Computed for every statement of every page, so built in one pass over
/// the words it keeps, with one allocation.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let mut flat = String::with_capacity(text.len().min(4 * max + 4));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max {
            break;
        }
    }
    if chars <= max {
        return flat;
    }
    let end = flat.char_indices().nth(max).map_or(flat.len(), |(i, _)| i);
    flat.truncate(end);
    if let Some(space) = flat.rfind(' ') {
        flat.truncate(space);
    }
    flat.push('…');
    flat
}

/// `s` with white space flattened (see [`flat_text`]) and, when longer
/// than `max` characters, cut there and marked `…`, even mid-word: for
/// quoting a passage in a message. Pages use [`excerpt`], which cuts back
/// to a word boundary.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    let s = flat_text(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

/// The ASCII chars `char::is_whitespace` accepts (`u8::is_ascii_whitespace` leaves out U+000B).
pub(crate) fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// For eight bytes of text (the first in the lowest byte) that are all
/// printable ASCII: `Some(None)` when they hold two spaces in a row (or
/// start with one and `after_space`), else `Some(Some(whether the last is a
/// space))`. `None` when any byte is outside `0x20..=0x7F`.
pub(crate) fn printable_ascii_spaces(word: u64, after_space: bool) -> Option<Option<bool>> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // A byte at or above 0x80, or below 0x20 (exact as a whole: a borrow
    // only spreads above a byte that is itself below 0x20).
    if (word | (word.wrapping_sub(ONES * 0x20) & !word)) & HIGH != 0 {
        return None;
    }
    // The high bit of each byte that is a space, exactly (no borrows).
    let x = word ^ (ONES * 0x20);
    let spaces = !(((x & LOW7) + LOW7) | x | LOW7);
    let doubled = spaces & (spaces << 8) != 0 || (after_space && spaces & 0x80 != 0);
    Some((!doubled).then_some(spaces >> 63 != 0))
}

/// Suggests an id for a name that is not one.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The candidate most like `word`, if any is reasonably close.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_and_drops_forbidden_code_points() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\u{fffe}"),
            "a&lt;b&gt;&amp;&quot;c&apos;"
        );
    }

    #[test]
    fn excerpt_and_flat_text_match_the_plain_definitions() {
        fn excerpt_ref(text: &str, max: usize) -> String {
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if flat.chars().count() <= max {
                return flat;
            }
            let cut: String = flat.chars().take(max).collect();
            let cut = cut
                .rsplit_once(' ')
                .map_or(cut.as_str(), |(a, _)| a)
                .to_string();
            format!("{cut}…")
        }
        let samples = [
            "",
            "   ",
            "One.",
            "  Talks  ended\n\tafter five hours, “without” a deal — officials said. ",
            "Ünïcödé wörds ünd ëmojis 🎉 everywhere in this rather long sentence of text here",
            "Averyveryverylongwordwithoutanyspacesatallthatgoesonandonforeverandever and more",
            "exactly sixty characters long text here, counted to the end!",
            " ",
            "a ",
            " a",
            "a  b",
            "a\u{a0}b",
            "a \u{2003}b",
            "already flat, with “quotes” and — dashes",
            "a\x0bb",
            "a\x0cb",
            "a\rb",
            "a\u{85}b",
            "a\u{2028}b",
            "ends with é ",
        ];
        for text in samples {
            for max in [0, 1, 5, 10, 59, 60, 61, 200] {
                assert_eq!(excerpt(text, max), excerpt_ref(text, max), "{text:?} {max}");
            }
            let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = flat_text(text);
            assert_eq!(got, want, "{text:?}");
            // Borrowed exactly when nothing changes.
            assert_eq!(
                matches!(got, std::borrow::Cow::Borrowed(_)),
                want == text,
                "{text:?}"
            );
        }
    }

    #[test]
    fn shorten_flattens_and_cuts_mid_word() {
        assert_eq!(shorten("  a\n b  ", 10), "a b");
        assert_eq!(shorten("abcdef ghi", 4), "abcd…");
        assert_eq!(shorten("ab cd", 5), "ab cd");
    }

    #[test]
    fn flat_text_checks_eight_bytes_at_a_time_as_it_does_one() {
        // Each hazard at every offset against the eight-byte words, and
        // next to the bytes whose borrows a word-wide test could misread.
        let hazards = [
            "  ", " \t", "\t", "\n", "\x0b", "\x0c", "\r", "\u{a0}", "\u{2003}", " !", "! ",
            "\x1f", "\x7f", "\x21 ", " \x21", "é", " é", "é ",
        ];
        for hazard in hazards {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    for text in [
                        format!("{}{hazard}{}", "a".repeat(before), "b".repeat(after)),
                        format!("{}{hazard}{}", "a b".repeat(before), " c".repeat(after)),
                    ] {
                        let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
                        assert_eq!(is_flat(&text), want == text, "{text:?}");
                    }
                }
            }
        }
    }
}
