//! Statement ids: a slug of a sentence's first words and a short hash of its normalised text,
//! numbered where a sentence repeats within an article. Apart from splitting because an id
//! depends only on a sentence's text, never on how the sentence was found.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::text::{is_ascii_space, printable_ascii_spaces};

/// Stable, URL-safe id for a statement, derived only from its normalised text:
/// "s-" + slug of its first (up to) 5 words (ASCII lowercase letters/digits, other chars dropped
/// or folded: é→e etc. where easy; words joined by '-'; slug at most 40 chars, cut at a word
/// boundary; empty slug allowed) + "-" + first 6 hex chars of blake3(normalised text).
/// Normalised text = lowercase, curly/straight quotes and apostrophes unified (‘’‚‛′ → ', “”„‟″ → "),
/// hyphen/en dash/em dash and friends (‐‑‒–—―) → '-', runs of white space → one space, trimmed.
/// Example shape: "s-putin-met-late-tuesday-with-3fa2c1" (if slug empty: "s-3fa2c1").
#[must_use]
pub fn statement_id(text: &str) -> String {
    let mut id = String::with_capacity(ID_MAX);
    push_statement_id(text, &mut IdScratch::default(), &mut id);
    id
}

/// Buffers [`push_statement_id`] works in, kept across the statements of an article so that an
/// id costs no allocation of its own.
#[derive(Debug, Default)]
pub(crate) struct IdScratch {
    normalised: String,
    slug: String,
    word: String,
}

/// Appends [`statement_id`] of `text` to `out`.
pub(crate) fn push_statement_id(text: &str, scratch: &mut IdScratch, out: &mut String) {
    normalise_into(text, &mut scratch.normalised);
    let hash = blake3::hash(scratch.normalised.as_bytes());
    slug_into(&scratch.normalised, &mut scratch.slug, &mut scratch.word);
    out.push_str("s-");
    if !scratch.slug.is_empty() {
        out.push_str(&scratch.slug);
        out.push('-');
    }
    // The first HASH_CHARS hex digits, without formatting all 64.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    const _: () = assert!(HASH_CHARS % 2 == 0);
    for &byte in &hash.as_bytes()[..HASH_CHARS / 2] {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
}

/// The longest id [`statement_id`] gives (a repeat's "-2" and so on come on top).
const ID_MAX: usize = 2 + SLUG_MAX + 1 + HASH_CHARS;

/// Ids for all statements of one article, in order: statement_id of each, and when the same id
/// occurs again in the same article the later ones get "-2", "-3", … appended (first keeps the bare id),
/// so ids stay unique within an article and editing one sentence never changes another's id
/// (except the numbering among exact duplicates of the same sentence).
#[must_use]
pub fn assign_ids<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let (ids, ranges) = assign_ids_packed(texts);
    ranges.into_iter().map(|r| ids[r].to_string()).collect()
}

/// [`assign_ids`], written one after another into one string: that string and the range of
/// each statement's id in it, in order. One string per article instead of one per statement
/// (over 500,000 of them in a 10,000-article build).
pub(crate) fn assign_ids_packed<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> (String, Vec<Range<usize>>) {
    let mut scratch = IdScratch::default();
    let texts = texts.into_iter();
    // Room for the longest ids: growing the string as it fills copied it
    // several times per article.
    let mut ids = String::with_capacity(texts.size_hint().0 * ID_MAX);
    let mut ranges: Vec<Range<usize>> = texts
        .map(|text| {
            let start = ids.len();
            push_statement_id(text, &mut scratch, &mut ids);
            start..ids.len()
        })
        .collect();
    // A bare id always ends in "-" + 6 hex digits, and a numbered one in "-" + a decimal number
    // after those, so a numbered id can never collide with a bare one (or another numbered one).
    // Repeats within one article are rare: count only when there are any.
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    let mut repeated = Vec::new();
    for (i, range) in ranges.iter().enumerate() {
        let count = seen.entry(&ids[range.clone()]).or_insert(0);
        *count += 1;
        if *count > 1 {
            repeated.push((i, *count));
        }
    }
    if repeated.is_empty() {
        return (ids, ranges);
    }
    // Rare: the ids are laid out again with the numbers in place.
    let bare = std::mem::take(&mut ids);
    ids.reserve(bare.len() + 4 * repeated.len());
    let mut repeated = repeated.into_iter().peekable();
    for (i, range) in ranges.iter_mut().enumerate() {
        let start = ids.len();
        ids.push_str(&bare[range.clone()]);
        if let Some((_, count)) = repeated.next_if(|&(r, _)| r == i) {
            ids.push('-');
            ids.push_str(&count.to_string());
        }
        *range = start..ids.len();
    }
    (ids, ranges)
}

/// Hex digits of the blake3 hash in an id: 24 bits, plenty next to the slug within one article.
const HASH_CHARS: usize = 6;
/// Words of the text that make up the slug, at most.
pub(super) const SLUG_WORDS: usize = 5;
/// Length of the slug (ASCII, so bytes) at most.
pub(super) const SLUG_MAX: usize = 40;

/// [`normalise_into`], as a string.
#[cfg(test)]
pub(super) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

/// The text ids are derived from: see [`statement_id`]. Also drops invisible characters that
/// sloppy copy carries (soft hyphen, zero-width space, word joiner, BOM). Written into `out`
/// (cleared first).
fn normalise_into(text: &str, out: &mut String) {
    out.clear();
    let mut space = false;
    let mut rest = text;
    while !rest.is_empty() {
        // Runs of ASCII other than white space, and the single spaces between them (most of
        // any sentence), only need lowercasing, so they are copied whole rather than matched a
        // char at a time.
        let bytes = rest.as_bytes();
        let mut run = 0;
        while let Some(&b) = bytes.get(run) {
            // Eight bytes at once while they are printable ASCII with single spaces, none
            // first in the run; a space last in the word is left for the next byte to decide
            // (the byte before it is not a space).
            if let Some(word) = bytes.get(run..run + 8) {
                let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
                if let Some(Some(ends_in_space)) = printable_ascii_spaces(word, run == 0) {
                    run += if ends_in_space { 7 } else { 8 };
                    continue;
                }
            }
            let plain = |b: u8| b.is_ascii() && !is_ascii_space(b);
            if plain(b) || (b == b' ' && run > 0 && bytes.get(run + 1).is_some_and(|&n| plain(n))) {
                run += 1;
            } else {
                break;
            }
        }
        if run > 0 {
            if space {
                out.push(' ');
                space = false;
            }
            let from = out.len();
            out.push_str(&rest[..run]);
            out[from..].make_ascii_lowercase();
            rest = &rest[run..];
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().expect("rest is not empty");
        rest = chars.as_str();
        normalise_char(c, out, &mut space);
    }
}

/// One char of [`normalise_into`]: white space is remembered in `space` and written as one space
/// before the next char kept.
pub(super) fn normalise_char(c: char, out: &mut String, space: &mut bool) {
    if c.is_whitespace() {
        *space = !out.is_empty();
        return;
    }
    if matches!(c, '\u{AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}') {
        return;
    }
    if *space {
        out.push(' ');
        *space = false;
    }
    match c {
        '‘' | '’' | '‚' | '‛' | '′' => out.push('\''),
        '“' | '”' | '„' | '‟' | '″' => out.push('"'),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '⸺' | '⸻' | '﹘' | '﹣' | '－' => {
            out.push('-')
        }
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => out.extend(c.to_lowercase()),
    }
}

/// Slug of the first [`SLUG_WORDS`] words of normalised text. Words are runs of letters and
/// digits; apostrophes vanish (`putin's` → `putins`) and so does a full stop between two letters
/// (`u.s.` → `us`); everything else separates words. Non-ASCII letters are folded to ASCII where
/// that is easy and dropped otherwise (a word of only such letters counts but adds nothing).
/// Written into `slug` (cleared first, and left ASCII); `word` is scratch space.
fn slug_into(normalised: &str, slug: &mut String, word: &mut String) {
    // Bytes rather than chars, and ASCII letters and digits (most of any slug) tested first:
    // this runs for every statement. Only ASCII is ever pushed.
    let bytes = normalised.as_bytes();
    let char_at = |i: usize| match bytes.get(i) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => normalised[i..].chars().next(),
        None => None,
    };
    slug.clear();
    word.clear();
    let mut in_word = false;
    let mut words = 0;
    let mut prev = ' ';
    let mut i = 0;
    loop {
        let c = char_at(i);
        let next = i + c.map_or(0, char::len_utf8);
        let joins = match c {
            Some(c) if c.is_ascii_alphanumeric() => true,
            // An apostrophe inside a word vanishes; elsewhere it separates.
            Some('\'') => in_word,
            Some('.') => prev.is_alphabetic() && char_at(next).is_some_and(char::is_alphabetic),
            Some(c) => {
                !c.is_ascii() && (c.is_alphanumeric() || ('\u{300}'..='\u{36F}').contains(&c))
            }
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
            if !add_slug_word(slug, word) || words == SLUG_WORDS {
                break;
            }
        }
        match c {
            Some(c) => prev = c,
            None => break,
        }
        i = next;
    }
}

/// [`slug_into`], as a string.
#[cfg(test)]
pub(super) fn slug(normalised: &str) -> String {
    let (mut slug, mut word) = (String::new(), String::new());
    slug_into(normalised, &mut slug, &mut word);
    slug
}

/// Ends a word of [`slug_into`]: appends `word` (emptied) to `slug` when it fits; false when it
/// does not, which ends the slug. An empty word (no ASCII in it) adds nothing.
pub(super) fn add_slug_word(slug: &mut String, word: &mut String) -> bool {
    if !word.is_empty() {
        if slug.is_empty() {
            // A single over-long first word is cut rather than lost (words
            // are ASCII, so any length is a char boundary).
            word.truncate(SLUG_MAX);
            slug.push_str(word);
        } else if slug.len() + 1 + word.len() <= SLUG_MAX {
            slug.push('-');
            slug.push_str(word);
        } else {
            return false;
        }
        word.clear();
    }
    true
}

/// ASCII for common accented lowercase Latin letters and ligatures.
pub(super) fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the id shape and returns (slug, hash).
    fn parts(id: &str) -> (&str, &str) {
        let rest = id.strip_prefix("s-").expect("s- prefix");
        let (slug, hash) = rest.rsplit_once('-').unwrap_or(("", rest));
        assert_eq!(hash.len(), 6, "{id}");
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{id}"
        );
        assert!(slug.len() <= SLUG_MAX, "{id}");
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{id}"
        );
        assert!(
            !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
            "{id}"
        );
        (slug, hash)
    }

    #[test]
    fn id_shape_and_determinism() {
        let text = "Putin met late Tuesday with Trump’s special envoy Steve Witkoff.";
        let id = statement_id(text);
        assert_eq!(parts(&id).0, "putin-met-late-tuesday-with");
        assert_eq!(id, statement_id(text));
        let expected_hash = blake3::hash(
            "putin met late tuesday with trump's special envoy steve witkoff.".as_bytes(),
        )
        .to_hex();
        assert_eq!(parts(&id).1, &expected_hash[..6]);
        assert_eq!(
            statement_id("Share"),
            format!("s-share-{}", &blake3::hash(b"share").to_hex()[..6])
        );
    }

    #[test]
    fn id_normalisation() {
        let base = statement_id("“It’s Russia’s goal — to withdraw,” Zelenskyy said.");
        for variant in [
            "\"It's Russia's goal - to withdraw,\" Zelenskyy said.",
            "  “It’s   Russia’s goal – to\nwithdraw,”\tZelenskyy said. ",
            "„IT‛S RUSSIA′S GOAL ― TO WITHDRAW,‟ ZELENSKYY SAID.",
            "“It’s Russia’s goal ‐ to with\u{AD}draw,” Zelenskyy said.",
        ] {
            assert_eq!(statement_id(variant), base, "{variant}");
        }
        for different in [
            "“It’s Russia’s aim — to withdraw,” Zelenskyy said.",
            "“It’s Russia’s goal — to withdraw,” Zelensky said.",
            "“It’s Russia’s goal — to withdraw,” Zelenskyy said",
            "“Its Russia’s goal — to withdraw,” Zelenskyy said.",
        ] {
            assert_ne!(statement_id(different), base, "{different}");
        }
    }

    #[test]
    fn slug_folding_and_limits() {
        let slug = |t: &str| parts(&statement_id(t)).0.to_owned();
        assert_eq!(
            slug("Türkiye’s café in Zaporizhia"),
            "turkiyes-cafe-in-zaporizhia"
        );
        assert_eq!(
            slug("U.S. President Donald Trump said"),
            "us-president-donald-trump-said"
        );
        assert_eq!(
            slug("Five-Hour Meeting Ends With No Breakthrough"),
            "five-hour-meeting-ends-with"
        );
        assert_eq!(slug("Straße Œuvre Łódź ﬁne"), "strasse-oeuvre-lodz-fine");
        assert_eq!(slug("Cafe\u{301} e\u{301}te\u{301}"), "cafe-ete");
        assert_eq!(slug("19.5% of 2025 — data"), "19-5-of-2025-data");
        // Words without ASCII count but add nothing; no letters at all gives an empty slug.
        assert_eq!(slug("Путин met Trump"), "met-trump");
        assert_eq!(slug("Путин сказал мало слов сегодня. Trump"), "");
        assert_eq!(slug("“” — …"), "");
        assert!(statement_id("").starts_with("s-") && statement_id("").len() == 8);
        // Cut at a word boundary, at most 40 chars.
        assert_eq!(
            slug("Internationalisation counterproductiveness notwithstanding"),
            "internationalisation"
        );
        assert_eq!(
            slug("Antidisestablishmentarianism incomprehensibilities"),
            "antidisestablishmentarianism"
        );
        // A single over-long first word is cut rather than dropped.
        assert_eq!(slug(&"x".repeat(100)), "x".repeat(40));
    }

    #[test]
    fn ids_do_not_depend_on_position() {
        let a = "Russia Claims Gains on the Battlefield";
        let b = "Kyiv denied this.";
        let c = "Putin hinted otherwise.";
        let first = assign_ids([a, b, c]);
        let second = assign_ids([c, a, b]);
        assert_eq!(first[0], second[1]);
        assert_eq!(first[1], second[2]);
        assert_eq!(first[2], second[0]);
        assert_eq!(first[0], statement_id(a));
    }

    #[test]
    fn editing_one_sentence_changes_only_its_id() {
        let before = [
            "The talks lasted five hours.",
            "No deal was reached.",
            "Both sides met.",
        ];
        let after = [
            "The talks lasted five hours.",
            "No deal was reached yet.",
            "Both sides met.",
        ];
        let (x, y) = (assign_ids(before), assign_ids(after));
        assert_eq!(x[0], y[0]);
        assert_ne!(x[1], y[1]);
        assert_eq!(x[2], y[2]);
    }

    #[test]
    fn duplicates_get_numbered_suffixes() {
        let ids = assign_ids(["Share", "Hello.", "Share", "share", "Hello.", "Share"]);
        let share = statement_id("Share");
        let hello = statement_id("Hello.");
        assert_eq!(
            ids,
            [
                share.clone(),
                hello.clone(),
                format!("{share}-2"),
                format!("{share}-3"), // same normalised text, so the same id
                format!("{hello}-2"),
                format!("{share}-4"),
            ]
        );
        // Removing the first duplicate renumbers only the duplicates.
        let ids2 = assign_ids(["Hello.", "Share", "share", "Hello."]);
        assert_eq!(
            ids2,
            [
                hello.clone(),
                share.clone(),
                format!("{share}-2"),
                format!("{hello}-2")
            ]
        );
        assert!(assign_ids(std::iter::empty::<&str>()).is_empty());
    }

    #[test]
    fn ids_are_unique_within_an_article() {
        let texts: Vec<String> = (0..300).map(|i| format!("Sentence {}.", i % 17)).collect();
        let ids = assign_ids(texts.iter().map(String::as_str));
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }
}
