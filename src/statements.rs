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

use rustc_hash::FxHashMap;
use std::ops::Range;

use crate::text::{is_ascii_space, printable_ascii_spaces};
use unicode_segmentation::UnicodeSegmentation;

/// Byte ranges of the sentences in one block's plain text, in order, each trimmed of surrounding
/// white space and non-empty. Together they cover every non-white-space character of `text`.
#[must_use]
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    split_sentences_in(text, Language::default())
}

/// [`split_sentences`] knowing the abbreviations of the text's language
/// (see [`Language::of`]).
#[must_use]
pub fn split_sentences_in(text: &str, lang: Language) -> Vec<Range<usize>> {
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

/// The original [`split_sentences`], running UAX #29 over every char: the fast path must give
/// the same ranges for every input.
#[cfg(test)]
fn split_sentences_reference(text: &str) -> Vec<Range<usize>> {
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
pub struct IdScratch {
    normalised: String,
    slug: String,
    word: String,
}

/// Appends [`statement_id`] of `text` to `out`.
pub fn push_statement_id(text: &str, scratch: &mut IdScratch, out: &mut String) {
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
pub fn assign_ids_packed<'a>(
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

// ---------------------------------------------------------------------------------------------
// Sentence splitting
// ---------------------------------------------------------------------------------------------

/// Cap (in characters) on every look-behind and look-ahead, so that adversarial input (a million
/// quotes after a full stop, say) cannot make splitting quadratic. Real abbreviations, words and
/// quote runs are far shorter.
const LOOK: usize = 64;

/// Walks the candidate boundaries of one text in increasing order and decides which to keep.
struct Splitter<'t> {
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
    fn new(text: &'t str, lang: Language) -> Self {
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
    fn consider(&mut self, candidate: usize, trusted: bool) {
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

    fn finish(mut self) -> Vec<Range<usize>> {
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

/// How an abbreviation ending in '.' behaves before a following capitalised word or number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbrev {
    /// Never ends a sentence: titles (`Mr.`, `Gen.`), `vs.`, `e.g.`, `i.e.`.
    Always,
    /// Does not end a sentence before a number: `No. 10`, `Dec. 3`, `p. 5`.
    BeforeNumber,
    /// A single-letter initial (`Donald J. Trump`, `J. K. Rowling`): continues before an uppercase
    /// word that is not a common sentence starter.
    Initial,
    /// Dotted initialisms (`U.S.`, `U.K.`, `a.m.`) and name suffixes (`Jr.`, `St.`, `Inc.`).
    /// `U.S. President Trump` is one sentence but `...in the U.S. The talks...` is two, and the
    /// only cheap tell is the next word: we keep going unless it is a common sentence starter
    /// (The/A/It/He/But/In/...: see [`STARTERS`]). Wrong for `...to the U.S. Putin said...`,
    /// which stays one sentence.
    UnlessStarter,
}

/// Titles: never end a sentence (first letter must be uppercase: `Mr`, `MR`).
const TITLES: &[&str] = &[
    "Adm", "Brig", "Capt", "Cmdr", "Col", "Cpl", "Det", "Dr", "Fr", "Gen", "Gov", "Hon", "Insp",
    "Lt", "Maj", "Messrs", "Mr", "Mrs", "Ms", "Mx", "Pres", "Prof", "Pvt", "Rep", "Rev", "Sen",
    "Sgt", "Supt",
];
/// Never end a sentence, in any case.
const CONNECTIVES: &[&str] = &["vs", "cf", "viz"];
/// Do not end a sentence before a number (first letter uppercase, except the lowercase ones).
const BEFORE_NUMBER: &[&str] = &[
    "No", "Nos", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "Vol", "Art", "Fig", "Sec", "p", "pp", "approx", "ca",
];
/// Name suffixes and the like: see [`Abbrev::UnlessStarter`].
const SUFFIXES: &[&str] = &[
    "Jr", "Sr", "St", "Inc", "Ltd", "Co", "Corp", "Bros", "Mt", "Ft", "Ave", "Blvd", "Rd", "Esq",
];
/// Words that commonly start a sentence; after an ambiguous abbreviation they mean "new sentence".
#[rustfmt::skip]
const STARTERS: &[&str] = &[
    "A", "About", "According", "After", "Ahead", "All", "Also", "Although", "An", "And", "Another",
    "As", "At", "Because", "Before", "Both", "But", "By", "During", "Each", "Earlier", "Even",
    "For", "From", "He", "Her", "Here", "His", "How", "However", "I", "If", "In", "Instead", "It",
    "Its", "Last", "Later", "Many", "Meanwhile", "Most", "My", "No", "Not", "Now", "Of", "On",
    "One", "Or", "Our", "She", "Since", "So", "Some", "Still", "That", "The", "Their", "Then",
    "There", "These", "They", "This", "Those", "Though", "To", "Under", "Until", "We", "What",
    "When", "Where", "Which", "While", "Who", "Why", "With", "Yet", "You", "Your",
];

/// The length in bytes of the longest entry of [`TITLES`], [`BEFORE_NUMBER`] and [`SUFFIXES`].
const LONGEST_ENTRY: usize = {
    let lists: [&[&str]; 3] = [TITLES, BEFORE_NUMBER, SUFFIXES];
    let mut longest = 0;
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            if lists[l][i].len() > longest {
                longest = lists[l][i].len();
            }
            i += 1;
        }
        l += 1;
    }
    longest
};

/// Matches a word against a list entry: exactly, or in any case with the same initial capital
/// when the entry is capitalised (so `MR` matches `Mr`, but `rep` does not match `Rep`).
fn in_list(list: &[&str], word: &str) -> bool {
    // Most words before a full stop are longer than any entry: skip the scan for them.
    if word.len() > LONGEST_ENTRY {
        return false;
    }
    let Some(first) = word.as_bytes().first() else {
        return false;
    };
    list.iter().any(|&entry| {
        // Either test needs the same first byte (a capitalised entry matches only a
        // capitalised word): most entries fail here.
        entry.as_bytes()[0] == *first
            && (word == entry
                || (entry.starts_with(|c: char| c.is_ascii_uppercase())
                    && word.starts_with(|c: char| c.is_ascii_uppercase())
                    && word.eq_ignore_ascii_case(entry)))
    })
}

/// Where the trailing run of letters of `before` starts; `None` when the
/// run is longer than an abbreviation can be.
fn trailing_word_start(before: &str) -> Option<usize> {
    let mut word_start = before.len();
    for (count, c) in before.chars().rev().enumerate() {
        if !c.is_alphabetic() {
            break;
        }
        if count == 12 {
            return None;
        }
        word_start -= c.len_utf8();
    }
    Some(word_start)
}

/// Classifies the word just before a final '.' (`before` is the text up to, not including, it).
fn abbreviation_before(before: &str) -> Option<Abbrev> {
    let word_start = trailing_word_start(before)?;
    let word = &before[word_start..];
    let mut word_chars = word.chars();
    let first = word_chars.next()?;
    let single = word_chars.next().is_none();
    let preceding = prev_char(before, word_start);

    if single && preceding == Some('.') {
        // The last letter of a dotted abbreviation: "U.S.", "a.m.", "e.g.", "Ph.D.".
        let dotted = &before[..word_start - 1];
        let prev_letter = prev_char(dotted, dotted.len());
        let before_prev = prev_letter.and_then(|c| prev_char(dotted, dotted.len() - c.len_utf8()));
        let is_eg_ie = matches!(
            (
                prev_letter.map(|c| c.to_ascii_lowercase()),
                first.to_ascii_lowercase()
            ),
            (Some('e'), 'g') | (Some('i'), 'e')
        ) && !before_prev.is_some_and(char::is_alphabetic);
        return Some(if is_eg_ie {
            Abbrev::Always
        } else {
            Abbrev::UnlessStarter
        });
    }
    if preceding.is_some_and(char::is_alphanumeric) {
        // e.g. "1990s." or "x2." -- not an abbreviation.
        return None;
    }
    if in_list(TITLES, word) || CONNECTIVES.iter().any(|a| word.eq_ignore_ascii_case(a)) {
        return Some(Abbrev::Always);
    }
    if in_list(BEFORE_NUMBER, word) {
        return Some(Abbrev::BeforeNumber);
    }
    if in_list(SUFFIXES, word) {
        return Some(Abbrev::UnlessStarter);
    }
    if single && first.is_uppercase() {
        return Some(Abbrev::Initial);
    }
    None
}

/// The language a text is written in, as far as splitting it into
/// sentences goes: the abbreviations that do not end a sentence and the
/// words that usually start one. English is the default; every language
/// also knows the English lists (news copy quotes `Dr.` and `U.S.`
/// whatever its language).
#[derive(Debug, Clone, Copy)]
pub struct Language(&'static Abbreviations);

impl Default for Language {
    fn default() -> Self {
        Language(&ENGLISH)
    }
}

impl Language {
    /// The language of a BCP 47 tag (`site.toml` `language`): `de-AT`
    /// splits like `de`; a language without lists of its own like English.
    pub fn of(tag: &str) -> Language {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        let lists = LANGUAGES
            .iter()
            .find(|(code, _)| primary.eq_ignore_ascii_case(code))
            .map_or(&ENGLISH, |(_, l)| l);
        Language(lists)
    }
}

/// One language's abbreviations, matched exactly (case included: German
/// `z` and Ukrainian `м` are lowercase, `Nr` and `Sra` capitalised), and
/// its common sentence starters. Checked before the English lists, so a
/// language may class a shared word differently (Spanish `Sr.` is always
/// a title; in English it is also a name suffix, `John Smith Sr.`).
#[derive(Debug)]
struct Abbreviations {
    always: &'static [&'static str],
    before_number: &'static [&'static str],
    unless_starter: &'static [&'static str],
    starters: &'static [&'static str],
    /// A day's number is written as an ordinal (`am 3. Dezember`): a
    /// number of one or two digits and a full stop before one of `months`
    /// does not end a sentence.
    ordinal_dates: bool,
    months: &'static [&'static str],
}

const ENGLISH: Abbreviations = Abbreviations {
    always: &[],
    before_number: &[],
    unless_starter: &[],
    starters: &[],
    ordinal_dates: false,
    months: &[],
};

/// The lists of each language with lists of its own, by primary subtag.
#[rustfmt::skip]
const LANGUAGES: &[(&str, Abbreviations)] = &[
    ("de", Abbreviations {
        // z. B., d. h., u. a., v. a., bzw., vgl., ggf., sog., Hr.
        always: &["z", "d", "u", "v", "bzw", "vgl", "ggf", "evtl", "sog", "inkl", "zzgl", "Hr",
            "Hrn", "Dipl", "Ing", "geb", "Bzw", "Vgl"],
        // Nr. 4, S. 12, Abs. 2, Bd. 3, Kap. 5, Tel. 030
        before_number: &["Nr", "S", "Abs", "Bd", "Kap", "Tel", "Ziff", "Jan", "Febr", "Aug",
            "Sept", "Okt", "Nov", "Dez"],
        // 10 Mio. Euro, 19. Jh. sowie, usw. – which do end sentences too.
        unless_starter: &["a", "Mio", "Mrd", "Tsd", "usw", "etc", "Jh", "Str", "Chr", "Co"],
        starters: &["Aber", "Als", "Am", "Auch", "Auf", "Aus", "Außerdem", "Bei", "Bis", "Da",
            "Dabei", "Damit", "Danach", "Dann", "Das", "Dass", "Dem", "Den", "Der", "Des", "Deshalb",
            "Die", "Diese", "Dieser", "Dieses", "Doch", "Ein", "Eine", "Einen", "Einer", "Er", "Es",
            "Für", "Gestern", "Heute", "Ich", "Im", "In", "Insgesamt", "Jetzt", "Laut", "Man",
            "Mit", "Nach", "Nun", "Seit", "Sie", "So", "Trotzdem", "Um", "Und", "Unter", "Vor",
            "Während", "Was", "Wer", "Wie", "Wir", "Wo", "Zudem", "Zum", "Zur", "Über"],
        ordinal_dates: true,
        months: &["Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli",
            "August", "September", "Oktober", "November", "Dezember"],
    }),
    ("fr", Abbreviations {
        // M. Le Maire (never an initial: "Le" starts French sentences), MM. Dupont et
        // Martin, Mme. / Mlle. (the point is optional), av. J.-C., p. ex., cf.
        always: &["M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Mgr", "Pr", "av", "ex"],
        // env. 300, art. 49, n. 3, le 3 déc. 2026
        before_number: &["env", "art", "chap", "no", "janv", "févr", "avr", "juil", "sept",
            "oct", "nov", "déc", "vol", "fig"],
        unless_starter: &["etc", "apr", "St", "Ste"],
        starters: &["Après", "Au", "Aucun", "Aucune", "Aux", "Avant", "Ce", "Ces", "Cette",
            "Cependant", "Comme", "Dans", "De", "Depuis", "Des", "Du", "Elle", "Elles", "En",
            "Enfin", "Ensuite", "Et", "Il", "Ils", "La", "Le", "Les", "Lors", "Mais", "Nous", "On",
            "Or", "Par", "Pour", "Pourtant", "Puis", "Quand", "Selon", "Si", "Sur", "Toutefois",
            "Un", "Une"],
        ordinal_dates: false,
        months: &[],
    }),
    ("es", Abbreviations {
        // Sr. / Sra. / Srta. García, Dña., Dra., Lic., EE. UU., p. ej., Ud.
        always: &["Sr", "Sra", "Srta", "Sres", "Sras", "Dña", "Dra", "Lic", "Ing", "Excmo",
            "Excma", "Gral", "EE", "Ud", "Uds", "Vd", "Vds", "ej", "Av", "Avda"],
        // núm. 4, pág. 12, aprox. 300, art. 5, el 3 dic. 2026
        before_number: &["núm", "pág", "págs", "art", "aprox", "cap", "tel", "ene", "feb",
            "abr", "jun", "jul", "ago", "sept", "oct", "nov", "dic", "vol"],
        // ...en EE. UU. El presidente... ends there; EE. UU. Trump does not.
        unless_starter: &["UU", "etc", "Cía", "Hnos"],
        starters: &["Además", "Al", "Ante", "Antes", "Así", "Aunque", "Ayer", "Como", "Con",
            "Cuando", "Del", "Desde", "Después", "Durante", "El", "Ella", "Ellos", "En", "Entre",
            "Esa", "Ese", "Eso", "Esta", "Este", "Esto", "Estos", "Hasta", "Hoy", "La", "Las",
            "Lo", "Los", "Luego", "Mientras", "Ni", "No", "Para", "Pero", "Por", "Según", "Si",
            "Sin", "Sobre", "Su", "Sus", "También", "Tras", "Un", "Una", "Y"],
        ordinal_dates: false,
        months: &[],
    }),
    ("uk", Abbreviations {
        // вул. Хрещатик, просп. Перемоги, пл. Ринок, ім. Шевченка, проф. Іваненко,
        // т. зв., див., напр.
        always: &["вул", "просп", "пл", "бульв", "пров", "ім", "проф", "акад", "доц", "гр",
            "т", "зв", "див", "напр", "Вул", "Див"],
        before_number: &["п", "ч", "рис", "табл"],
        // м. Київ but 6 м. Потім; у 2025 р. Верховна Рада but 2026 р. Потім; ст. 12 and
        // XX ст.; 300 тис. гривень; та ін.; і т. д.
        unless_starter: &["м", "с", "смт", "р", "рр", "ст", "обл", "тис", "млн", "млрд", "грн",
            "ін", "д", "км"],
        starters: &["А", "Але", "Близько", "В", "Вже", "Від", "Він", "Вона", "Вони", "Воно",
            "Вчора", "Де", "Для", "До", "Його", "За", "Згідно", "Згодом", "Зокрема", "З", "Зі",
            "І", "Її", "Їх", "Коли", "Крім", "Ми", "На", "Навіть", "Наразі", "Однак", "Після",
            "Потім", "Понад", "Про", "Проте", "Раніше", "Серед", "Сьогодні", "Також", "Та",
            "Тому", "Тоді", "У", "Усі", "Утім", "Уже", "Хоча", "Це", "Цей", "Ці", "Ця", "Через",
            "Що", "Щоб", "Як", "Якщо"],
        ordinal_dates: false,
        months: &[],
    }),
    ("ar", Abbreviations {
        // د. (doctor) and أ. (professor) before a name; Arabic has no capitals, so
        // without the list any full stop before a word ends the sentence.
        always: &["د", "أ"],
        before_number: &["ص"],
        unless_starter: &[],
        starters: &[],
        ordinal_dates: false,
        months: &[],
    }),
];

impl Abbreviations {
    /// Like [`abbreviation_before`], from this language's lists only.
    fn abbreviation_before(&self, before: &str) -> Option<Abbrev> {
        let word_start = trailing_word_start(before)?;
        let word = &before[word_start..];
        if word.is_empty() || prev_char(before, word_start).is_some_and(char::is_alphanumeric) {
            return None;
        }
        if self.always.contains(&word) {
            Some(Abbrev::Always)
        } else if self.before_number.contains(&word) {
            Some(Abbrev::BeforeNumber)
        } else if self.unless_starter.contains(&word) {
            Some(Abbrev::UnlessStarter)
        } else {
            None
        }
    }

    fn starts_sentence(&self, rest: &str) -> bool {
        starts_sentence(rest) || self.starters.contains(&first_word(rest))
    }
}

/// The letters `rest` starts with (at most 16).
fn first_word(rest: &str) -> &str {
    let len: usize = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .take(16)
        .map(char::len_utf8)
        .sum();
    &rest[..len]
}

/// `before` ends with a day's number (one or two digits after a space or
/// the start) and `rest` starts with a month: `am 3.| Dezember`.
fn ordinal_before_month(before: &str, rest: &str, lang: &Abbreviations) -> bool {
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    (1..=2).contains(&digits)
        && prev_char(before, before.len() - digits).is_none_or(char::is_whitespace)
        && lang.months.contains(&first_word(rest))
}

/// Whether `rest` (starting at a non-white-space char) begins with a common sentence starter.
fn starts_sentence(rest: &str) -> bool {
    // No starter is anywhere near 16 letters long.
    let len: usize = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .take(16)
        .map(char::len_utf8)
        .sum();
    STARTERS.contains(&&rest[..len])
}

/// Pieces of `text` to run UAX #29 on separately, with their offsets.
///
/// `unicode_segmentation`'s sentence rule SB8 looks ahead from every char of a `. Close* Sp*`
/// run, which is quadratic in the run's length (`"ab."` + 10,000 spaces takes seconds). So the
/// text is cut inside any run of [`LOOK`] chars that are neither letters, digits, terminators
/// nor line breaks, which real prose never has. Such a cut is offered as an untrusted candidate
/// boundary: inside white space it works like UAX #29's own break after the white space, and
/// elsewhere it is dropped unless the text before it ends a sentence.
fn uax29_chunks(text: &str) -> impl Iterator<Item = (usize, &str)> {
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
fn chunk_cuts(text: &str) -> Vec<usize> {
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
const CUT_WINDOW: usize = LOOK / 2;

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

/// The plain definition of [`chunk_cuts`], a char at a time.
#[cfg(test)]
fn chunk_cuts_reference(text: &str) -> Vec<usize> {
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
fn uax29_bounds(chunk: &str, mut found: impl FnMut(usize)) {
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

/// The first index at or after `from` of a byte outside ASCII or in `stops` (`bytes.len()` if
/// none), looking at eight bytes at a time: most of an article is ASCII between the few bytes
/// sentence splitting has to look at.
fn skip_ascii_except<const N: usize>(bytes: &[u8], from: usize, stops: [u8; N]) -> usize {
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
enum Sb {
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
fn sb_class(c: char) -> Option<Sb> {
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
fn uax29_simple(chars: &[(u8, Sb)], mut found: impl FnMut(usize)) {
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

/// Candidate boundaries UAX #29 does not produce, in increasing order:
/// * glued sentences (`Wednesday.Putin`, `talks.“We`), see [`glued_boundary`];
/// * an ellipsis character followed by white space (`yet… A lot`), so that `…` behaves like
///   `...`, after which UAX #29 breaks (unless a lowercase word follows, see [`Splitter::keep`]).
fn glued_candidates(text: &str) -> Vec<usize> {
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
fn glued_candidate_after(text: &str, start: usize, end: usize, last: char, out: &mut Vec<usize>) {
    if glued_boundary(text, start, end) {
        out.push(end);
    } else if last == '…' {
        let after_quotes = skip_quotes(text, end);
        if next_char(text, after_quotes).is_some_and(char::is_whitespace) {
            out.push(after_quotes);
        }
    }
}

/// The plain definition of [`glued_candidates`], a char at a time.
#[cfg(test)]
fn glued_candidates_reference(text: &str) -> Vec<usize> {
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

/// Sentence terminators: those of UAX #29 that matter in practice, plus the ellipsis character.
fn is_terminator(c: char) -> bool {
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
fn is_opening(c: char) -> bool {
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
fn is_quote(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}')
    } else {
        is_opening(c) || matches!(c, '”' | '’' | '»' | '›' | '」' | '』' | '）' | '〉' | '》')
    }
}

/// Line and paragraph separators (UAX #29's `Sep` class).
fn is_para_sep(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn prev_char(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

fn next_char(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// First position at or after `i` that is not white space.
fn skip_ws(s: &str, i: usize) -> usize {
    s[i..]
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(s.len(), |(j, _)| i + j)
}

/// First position at or after `i` that is not a quote or bracket (looking at most [`LOOK`] chars).
fn skip_quotes(s: &str, i: usize) -> usize {
    let mut pos = i;
    for c in s[i..].chars().take(LOOK) {
        if !is_quote(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

/// Hex digits of the blake3 hash in an id: 24 bits, plenty next to the slug within one article.
const HASH_CHARS: usize = 6;
/// Words of the text that make up the slug, at most.
const SLUG_WORDS: usize = 5;
/// Length of the slug (ASCII, so bytes) at most.
const SLUG_MAX: usize = 40;

/// [`normalise_into`], as a string.
#[cfg(test)]
fn normalise(text: &str) -> String {
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
fn normalise_char(c: char, out: &mut String, space: &mut bool) {
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

/// The original [`normalise_into`], a char at a time (checks the whole-run fast path).
#[cfg(test)]
fn normalise_reference(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        normalise_char(c, &mut out, &mut space);
    }
    out
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
fn slug(normalised: &str) -> String {
    let (mut slug, mut word) = (String::new(), String::new());
    slug_into(normalised, &mut slug, &mut word);
    slug
}

/// Ends a word of [`slug_into`]: appends `word` (emptied) to `slug` when it fits; false when it
/// does not, which ends the slug. An empty word (no ASCII in it) adds nothing.
fn add_slug_word(slug: &mut String, word: &mut String) -> bool {
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

/// The original [`slug_into`], a char at a time (checks the byte-wise one).
#[cfg(test)]
fn slug_reference(normalised: &str) -> String {
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

/// ASCII for common accented lowercase Latin letters and ligatures.
fn fold(c: char) -> Option<&'static str> {
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

    /// The sentences of `text` as strings, after checking the range invariants.
    fn sents(text: &str) -> Vec<&str> {
        let ranges = split_sentences(text);
        check_invariants(text, &ranges);
        ranges.into_iter().map(|r| &text[r]).collect()
    }

    /// Ranges are non-empty, trimmed, increasing, non-overlapping, and cover every
    /// non-white-space char of `text`.
    fn check_invariants(text: &str, ranges: &[Range<usize>]) {
        let mut covered_until = 0;
        for r in ranges {
            assert!(r.start < r.end, "empty range {r:?} in {text:?}");
            assert!(
                r.start >= covered_until,
                "overlap/order {ranges:?} in {text:?}"
            );
            let s = text.get(r.clone()).expect("range on char boundaries");
            assert_eq!(s, s.trim(), "untrimmed {s:?} in {text:?}");
            assert!(
                text[covered_until..r.start]
                    .chars()
                    .all(char::is_whitespace),
                "non-white-space between sentences of {text:?}: {ranges:?}"
            );
            covered_until = r.end;
        }
        assert!(
            text[covered_until..].chars().all(char::is_whitespace),
            "uncovered tail of {text:?}: {ranges:?}"
        );
    }

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

    // --- abbreviations of other languages --------------------------------------------------

    fn sents_in(lang: &str, text: &str) -> Vec<String> {
        split_sentences_in(text, Language::of(lang))
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    /// Each case: a text in `lang` and the sentences it holds. Every one
    /// splits wrongly without the language's lists (checked too), so each
    /// case shows an abbreviation the lists are for.
    fn assert_splits(lang: &str, cases: &[(&str, &[&str])]) {
        for (text, expected) in cases {
            assert_eq!(sents_in(lang, text), *expected, "{lang}: {text}");
            assert_ne!(
                sents(text),
                *expected,
                "{lang}: English splits this right already: {text}"
            );
        }
    }

    /// Cases UAX #29 or the English lists already get right, which the
    /// language's lists must not break.
    fn assert_still_splits(lang: &str, cases: &[(&str, &[&str])]) {
        for (text, expected) in cases {
            assert_eq!(sents_in(lang, text), *expected, "{lang}: {text}");
        }
    }

    #[test]
    fn german_abbreviations_and_ordinal_dates() {
        assert_splits(
            "de",
            &[
                (
                    "Betroffen sind z. B. Brücken und Schulen. Die Feuerwehr war vor Ort.",
                    &[
                        "Betroffen sind z. B. Brücken und Schulen.",
                        "Die Feuerwehr war vor Ort.",
                    ],
                ),
                (
                    "Das Hochwasser erreichte am 3. Dezember seinen Höchststand. Es regnete weiter.",
                    &[
                        "Das Hochwasser erreichte am 3. Dezember seinen Höchststand.",
                        "Es regnete weiter.",
                    ],
                ),
                (
                    "Der Schaden liegt bei über 10 Mio. Euro, so die Stadt. Die Zahl ist vorläufig.",
                    &[
                        "Der Schaden liegt bei über 10 Mio. Euro, so die Stadt.",
                        "Die Zahl ist vorläufig.",
                    ],
                ),
                (
                    "Die Kosten steigen bzw. Gebühren werden erhöht, u. a. Parkgebühren. Die Stadt prüft das.",
                    &[
                        "Die Kosten steigen bzw. Gebühren werden erhöht, u. a. Parkgebühren.",
                        "Die Stadt prüft das.",
                    ],
                ),
            ],
        );
        assert_still_splits(
            "de",
            &[
                (
                    "Der Pegel Nr. 4 zeigte 6,2 Meter. Danach sank das Wasser.",
                    &[
                        "Der Pegel Nr. 4 zeigte 6,2 Meter.",
                        "Danach sank das Wasser.",
                    ],
                ),
                (
                    "Das steht im Bericht auf S. 12 unten. Er wurde am Montag veröffentlicht.",
                    &[
                        "Das steht im Bericht auf S. 12 unten.",
                        "Er wurde am Montag veröffentlicht.",
                    ],
                ),
            ],
        );
        // "Dr." and "Prof." are English titles too; a year ends a sentence.
        assert_eq!(
            sents_in(
                "de",
                "Dr. Anna Weber sprach mit Prof. Klaus Richter. Es waren 300. Die Lage ist ernst."
            ),
            [
                "Dr. Anna Weber sprach mit Prof. Klaus Richter.",
                "Es waren 300.",
                "Die Lage ist ernst."
            ]
        );
        assert_eq!(
            sents_in("de", "Die Zahl stieg auf 10 Mio. Die Stadt reagierte."),
            ["Die Zahl stieg auf 10 Mio.", "Die Stadt reagierte."]
        );
    }

    #[test]
    fn french_abbreviations() {
        assert_splits(
            "fr",
            &[
                (
                    "MM. Dupont et Martin ont signé le texte. Le conseil a voté jeudi.",
                    &[
                        "MM. Dupont et Martin ont signé le texte.",
                        "Le conseil a voté jeudi.",
                    ],
                ),
                (
                    "Selon Mme. Lefèvre, la digue a tenu. Elle a été renforcée en 2019.",
                    &[
                        "Selon Mme. Lefèvre, la digue a tenu.",
                        "Elle a été renforcée en 2019.",
                    ],
                ),
            ],
        );
        assert_still_splits(
            "fr",
            &[
                (
                    "La crue a touché env. 300 maisons. Les pompiers sont intervenus.",
                    &[
                        "La crue a touché env. 300 maisons.",
                        "Les pompiers sont intervenus.",
                    ],
                ),
                (
                    "Le rapport du 3 déc. 2026 le confirme. Il a été publié en ligne.",
                    &[
                        "Le rapport du 3 déc. 2026 le confirme.",
                        "Il a été publié en ligne.",
                    ],
                ),
            ],
        );
        assert_eq!(
            sents_in("fr", "M. Le Maire a parlé. Le préfet aussi."),
            ["M. Le Maire a parlé.", "Le préfet aussi."]
        );
    }

    #[test]
    fn spanish_abbreviations() {
        assert_splits(
            "es",
            &[
                (
                    "La Sra. López confirmó la cifra. El alcalde no respondió.",
                    &[
                        "La Sra. López confirmó la cifra.",
                        "El alcalde no respondió.",
                    ],
                ),
                (
                    "Los EE. UU. Enviaron ayuda el martes. La ONU también.",
                    &["Los EE. UU. Enviaron ayuda el martes.", "La ONU también."],
                ),
                (
                    "El río subió aprox. 6 metros, según la Dra. Ruiz. Los datos son oficiales.",
                    &[
                        "El río subió aprox. 6 metros, según la Dra. Ruiz.",
                        "Los datos son oficiales.",
                    ],
                ),
                (
                    "La ayuda llegó desde EE. UU. El presidente lo anunció.",
                    &["La ayuda llegó desde EE. UU.", "El presidente lo anunció."],
                ),
            ],
        );
        assert_eq!(
            sents_in("es", "El Sr. García lo negó. Nadie más habló."),
            ["El Sr. García lo negó.", "Nadie más habló."]
        );
    }

    #[test]
    fn ukrainian_abbreviations() {
        assert_splits(
            "uk",
            &[
                (
                    "Вода піднялася на 6 метрів у м. Вишгород. Мешканців евакуювали.",
                    &[
                        "Вода піднялася на 6 метрів у м. Вишгород.",
                        "Мешканців евакуювали.",
                    ],
                ),
                (
                    "У 2025 р. Верховна Рада ухвалила закон. Він набув чинності.",
                    &[
                        "У 2025 р. Верховна Рада ухвалила закон.",
                        "Він набув чинності.",
                    ],
                ),
                (
                    "Це передбачає ст. 12 Закону про воду. Проте його не виконали.",
                    &[
                        "Це передбачає ст. 12 Закону про воду.",
                        "Проте його не виконали.",
                    ],
                ),
                (
                    "Пункт обігріву відкрили на вул. Хрещатик. Там чергують рятувальники.",
                    &[
                        "Пункт обігріву відкрили на вул. Хрещатик.",
                        "Там чергують рятувальники.",
                    ],
                ),
            ],
        );
        assert_still_splits(
            "uk",
            &[
                (
                    "Про це повідомили 2 грудня 2026 р. Потім мер скасував рішення.",
                    &[
                        "Про це повідомили 2 грудня 2026 р.",
                        "Потім мер скасував рішення.",
                    ],
                ),
                (
                    "Рівень води сягнув 6 м. Потім він почав спадати.",
                    &["Рівень води сягнув 6 м.", "Потім він почав спадати."],
                ),
            ],
        );
    }

    #[test]
    fn arabic_titles() {
        assert_splits(
            "ar",
            &[(
                "قال د. أحمد حسن إن المياه ارتفعت. وأكدت البلدية ذلك.",
                &["قال د. أحمد حسن إن المياه ارتفعت.", "وأكدت البلدية ذلك."],
            )],
        );
    }

    #[test]
    fn a_language_tag_picks_its_lists_and_unknown_ones_split_as_english() {
        let text = "Der Pegel Nr. 4 stieg.";
        assert_eq!(sents_in("de-AT", text), [text]);
        assert_eq!(sents_in("DE", text), [text]);
        assert_eq!(sents_in("nl", text), sents(text));
        assert_eq!(sents_in("en", text), sents(text));
    }

    // --- abbreviations, initials, numbers -------------------------------------------------

    #[test]
    fn dotted_abbreviations_numbers_and_domains_do_not_split() {
        for text in [
            "The U.S. and the U.S.A. agreed, e.g. on trade, i.e. on steel, at 9 a.m. sharp.",
            "Russian forces control 19.5 percent, not 3.14, of the land.",
            "Version v1.2 was posted on example.com and on Reuters.com yesterday.",
            "It rose by 0.5% in Q3.",
        ] {
            assert_eq!(sents(text), [text], "{text}");
        }
    }

    #[test]
    fn titles_never_end_a_sentence() {
        let text = "Mr. Smith met Mrs. Jones, Ms. Lee, Dr. Who, Prof. Xavier, Sen. Warren, \
                    Rep. Cole, Gov. Newsom, Gen. Milley, Lt. Dan, Col. Mustard, Sgt. Pepper \
                    and MR. Bean in Moscow.";
        assert_eq!(sents(text), [text]);
        let text = "It was Russia vs. Ukraine, cf. Table 2.";
        assert_eq!(sents(text), [text]);
    }

    #[test]
    fn every_listed_abbreviation_is_recognised_whatever_its_length() {
        for (list, kind) in [
            (TITLES, Abbrev::Always),
            (BEFORE_NUMBER, Abbrev::BeforeNumber),
            (SUFFIXES, Abbrev::UnlessStarter),
        ] {
            for entry in list {
                let before = format!("with {entry}");
                // Single capital letters are initials first; none is listed.
                assert_eq!(abbreviation_before(&before), Some(kind), "{entry}");
            }
        }
        assert_eq!(abbreviation_before("the Messrsx"), None);
    }

    #[test]
    fn suffixes_continue_unless_a_sentence_starter_follows() {
        let text = "Martin Luther King Jr. Day and Ken Griffey Sr. Field are in St. Petersburg.";
        assert_eq!(sents(text), [text]);
        assert_eq!(
            sents("He works for Acme Inc. The company is in St. Louis."),
            ["He works for Acme Inc.", "The company is in St. Louis."]
        );
    }

    #[test]
    fn number_abbreviations_continue_before_numbers_only() {
        let text = "He lives at No. 10 and left on Dec. 3 or Sept. 12, see p. 5 and Vol. 2.";
        assert_eq!(sents(text), [text]);
        assert_eq!(
            sents("He was born in Dec. The war had ended."),
            ["He was born in Dec.", "The war had ended."]
        );
        assert_eq!(
            sents("He said No. Then he left."),
            ["He said No.", "Then he left."]
        );
    }

    #[test]
    fn etc_ends_a_sentence_only_before_a_capital() {
        let text = "Ports, ships, tankers, etc. were hit.";
        assert_eq!(sents(text), [text]);
        assert_eq!(
            sents("Ports, ships, tankers, etc. They were all hit."),
            ["Ports, ships, tankers, etc.", "They were all hit."]
        );
    }

    #[test]
    fn dotted_initialisms_before_names_and_before_sentence_starters() {
        let text = "U.S. President Donald Trump met U.K. Prime Minister Keir Starmer, U.N. \
                    Secretary-General António Guterres and E.U. officials.";
        assert_eq!(sents(text), [text]);
        assert_eq!(
            sents("Witkoff flew back to the U.S. The talks will continue."),
            ["Witkoff flew back to the U.S.", "The talks will continue."]
        );
        assert_eq!(
            sents("The envoys returned to the U.S. But nothing was agreed."),
            ["The envoys returned to the U.S.", "But nothing was agreed."]
        );
        assert_eq!(
            sents("They met at 9 a.m. It lasted five hours."),
            ["They met at 9 a.m.", "It lasted five hours."]
        );
        // Known limitation: a name after "U.S." does not start a new sentence.
        assert_eq!(
            sents("He went to the U.S. Putin stayed."),
            ["He went to the U.S. Putin stayed."]
        );
        // A quote after an initialism does start one.
        assert_eq!(
            sents("He went to the U.S. “We will talk,” he said."),
            ["He went to the U.S.", "“We will talk,” he said."]
        );
    }

    #[test]
    fn single_letter_initials() {
        for text in [
            "Donald J. Trump met Vladimir Putin.",
            "J. K. Rowling wrote it.",
            "J.R.R. Tolkien wrote it.",
            "It was written by George R. R. Martin in 1996.",
        ] {
            assert_eq!(sents(text), [text], "{text}");
        }
        assert_eq!(
            sents("They chose plan B. The others left."),
            ["They chose plan B.", "The others left."]
        );
        assert_eq!(
            sents("Since World War I. It was the worst."),
            ["Since World War I.", "It was the worst."]
        );
    }

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

    #[test]
    fn empty_and_white_space_only_give_nothing() {
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\t\r\n \u{2029}\u{a0}").is_empty());
    }

    #[test]
    fn seed_paragraph_end_to_end() {
        // A whole paragraph of a seed article, glued sentences and all.
        let text = "“The discussion was very useful, constructive and very substantive and \
                    lasted for not five minutes but five hours,” Ushakov said, as cited by the \
                    New York Times.During the meeting, Putin reviewed the US proposals \
                    outlined in four documents sent to the Kremlin ahead of the talks.“We \
                    could agree on some things, and the president confirmed this to his \
                    interlocutors,” Ushakov said. “Other things provoked criticism, and the \
                    president also made no secret of our critical and even negative attitude \
                    toward a number of proposals. But the main thing is that a very useful \
                    discussion took place.”Ushakov said Putin conveyed “a series of important \
                    signals” and personal greetings to Trump during the talks, though both \
                    sides agreed not to reveal specifics to the media. He also confirmed that \
                    the discussions touched on the “territorial problem”, the Kremlin’s term \
                    for Russia’s claims over the entire Donbas region. Ukraine, however, \
                    continues to control roughly 5,000 square kilometres of the territory that \
                    Russia says is its own, and nearly all countries recognise Donbas as part \
                    of Ukraine.“But there’s still a lot of work to be done, both in Washington \
                    and in Moscow. That’s what’s been agreed upon. And contacts will \
                    continue,” Ushakov said. A 28-point US peace proposal unveiled last month \
                    faced criticism from Ukraine and several European governments for leaning \
                    too heavily toward Moscow. US officials later said some elements had been \
                    adjusted after feedback from Kyiv and European partners.Ahead of Tuesday’s \
                    talks, Putin struck a hardline tone, saying Russia would continue to push \
                    forward on the battlefield and portraying Ukraine’s leadership as \
                    weakened. Shortly before meeting Witkoff at the Kremlin, he insisted \
                    Russia did not seek a war with Europe but warned that if one began, it \
                    would “end so swiftly” that no one would remain for Moscow to negotiate \
                    with. He also threatened to cut off Ukraine’s access to the sea in \
                    retaliation for drone attacks on tankers from Russia’s “shadow fleet” in \
                    the Black Sea. Ukraine’s foreign minister, Andrii Sybiha, said the remarks \
                    highlighted that Putin was not prepared to end the war, as cited by \
                    Reuters.Trump’s peace plan calls on Europe to shoulder most of the \
                    financing and security guarantees for a postwar Ukraine, even though \
                    European governments were not consulted during its initial drafting.“Our \
                    people are over in Russia right now to see if we can get it settled. Not \
                    an easy situation, let me tell you. What a mess,” Trump said in Washington \
                    on Tuesday.";
        assert_eq!(
            sents(text),
            [
                "“The discussion was very useful, constructive and very substantive and lasted \
                 for not five minutes but five hours,” Ushakov said, as cited by the New York \
                 Times.",
                "During the meeting, Putin reviewed the US proposals outlined in four \
                 documents sent to the Kremlin ahead of the talks.",
                "“We could agree on some things, and the president confirmed this to his \
                 interlocutors,” Ushakov said.",
                "“Other things provoked criticism, and the president also made no secret of \
                 our critical and even negative attitude toward a number of proposals.",
                "But the main thing is that a very useful discussion took place.”",
                "Ushakov said Putin conveyed “a series of important signals” and personal \
                 greetings to Trump during the talks, though both sides agreed not to reveal \
                 specifics to the media.",
                "He also confirmed that the discussions touched on the “territorial problem”, \
                 the Kremlin’s term for Russia’s claims over the entire Donbas region.",
                "Ukraine, however, continues to control roughly 5,000 square kilometres of the \
                 territory that Russia says is its own, and nearly all countries recognise \
                 Donbas as part of Ukraine.",
                "“But there’s still a lot of work to be done, both in Washington and in \
                 Moscow.",
                "That’s what’s been agreed upon.",
                "And contacts will continue,” Ushakov said.",
                "A 28-point US peace proposal unveiled last month faced criticism from Ukraine \
                 and several European governments for leaning too heavily toward Moscow.",
                "US officials later said some elements had been adjusted after feedback from \
                 Kyiv and European partners.",
                "Ahead of Tuesday’s talks, Putin struck a hardline tone, saying Russia would \
                 continue to push forward on the battlefield and portraying Ukraine’s \
                 leadership as weakened.",
                "Shortly before meeting Witkoff at the Kremlin, he insisted Russia did not \
                 seek a war with Europe but warned that if one began, it would “end so \
                 swiftly” that no one would remain for Moscow to negotiate with.",
                "He also threatened to cut off Ukraine’s access to the sea in retaliation for \
                 drone attacks on tankers from Russia’s “shadow fleet” in the Black Sea.",
                "Ukraine’s foreign minister, Andrii Sybiha, said the remarks highlighted that \
                 Putin was not prepared to end the war, as cited by Reuters.",
                "Trump’s peace plan calls on Europe to shoulder most of the financing and \
                 security guarantees for a postwar Ukraine, even though European governments \
                 were not consulted during its initial drafting.",
                "“Our people are over in Russia right now to see if we can get it settled.",
                "Not an easy situation, let me tell you.",
                "What a mess,” Trump said in Washington on Tuesday.",
            ]
        );
    }

    #[test]
    fn odd_inputs_never_panic_and_keep_invariants() {
        let odd = [
            "",
            " ",
            "\n",
            "\u{2029}",
            ".",
            "....",
            "?!?!",
            "…",
            "“”",
            "”“",
            "\"",
            "'",
            "a.B",
            "U.S.",
            "U.S",
            "e.g.",
            "Mr.",
            "Mr. ",
            "J.",
            "1.",
            "1. ",
            ".a",
            ". A",
            ".“",
            ".“a",
            ".\"",
            "a.\"",
            "a.\"\"\"B",
            "ab.’’’’Cd",
            "ab.“",
            "ab.“ ",
            "x… ",
            "x…",
            "…\u{301} A",
            "👍🏽. 👍🏽.👍🏽",
            "👨‍👩‍👧. Family!",
            "e\u{301}.E\u{301}te\u{301}. Ok",
            "a\u{301}.\u{301}B",
            "مرحبا. كيف حالك؟ أنا بخير.",
            "שלום. מה שלומך?",
            "これはペンです。あれは本です。",
            "Это тест. Ещё один.",
            "ab.\u{200B}Cd",
            "\u{feff}Hi.",
            "ab.«Cd»",
            "ab.(Cd)",
            "a\r\n\r\nb",
            "Mr.\n\nSmith",
            "U.S.\u{a0}President",
            "St.",
            " .  . ",
            "“.”.“.”",
            "Ab.Ab.Ab.Ab",
            "Dr.Who.What",
            "x.'y",
            "Yes.'Tis",
            "Ab.'Cd'",
            "ab.\"\"Cd",
        ];
        for text in odd {
            check_invariants(text, &split_sentences(text));
        }
        // Every substring (cut at char boundaries) of a mixed string, as a cheap fuzz.
        let mixed = "Mr. J. “Hi.”Ok? a.m. U.S.A.\n… Z. e.g. 3.14 — Путин сказал. 🎉 ¿Qué?";
        for (i, _) in mixed.char_indices() {
            for (j, _) in mixed[i..].char_indices() {
                let text = &mixed[i..i + j];
                check_invariants(text, &split_sentences(text));
            }
        }
    }

    #[test]
    fn long_runs_of_spaces_quotes_or_symbols_split_like_short_ones() {
        let pad = " ".repeat(200);
        assert_eq!(
            sents(&format!("The talks ended.{pad}Putin left.")),
            ["The talks ended.", "Putin left."]
        );
        assert_eq!(
            sents(&format!("The talks ended.{pad}and Putin left.")),
            [format!("The talks ended.{pad}and Putin left.")]
        );
        let text = format!("Wait{pad}here.");
        assert_eq!(sents(&text), [text.as_str()]);
        let text = format!("Party {} time. Next", "🎉".repeat(150));
        assert_eq!(sents(&text), [&text[..text.len() - 5], "Next"]);
        let text = format!("Sign here. {} Then leave.", "_".repeat(150));
        assert_eq!(sents(&text), ["Sign here.", &text[11..]]);
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

    #[test]
    fn pathological_inputs_stay_fast() {
        // Each would take far longer if some step were quadratic: `unicode_segmentation` alone
        // needs ~15 s (debug build) for "ab." followed by 12,000 spaces.
        let n = 100_000;
        for text in [
            format!("ab.{}Cd", " ".repeat(n)),
            format!("ab.{}Cd", "”".repeat(n / 3)),
            format!("ab.{}Cd", ")".repeat(n)),
            format!("ab.{}Cd", "⟩".repeat(n / 3)),
            format!("a. {}", "7".repeat(n)),
            format!("e{}. Ab", "\u{301}".repeat(n / 2)),
            format!("x{}", " ".repeat(n)),
            "U.S. ".repeat(n / 5),
            "Mr. ".repeat(n / 4),
            "a\n".repeat(n / 2),
            ".".repeat(n),
            "“".repeat(n / 3),
            "\"a.\"B".repeat(n / 5),
            "ab.“".repeat(n / 6),
            "x… ".repeat(n / 5),
            "Ab.Cd.".repeat(n / 6),
        ] {
            let start = std::time::Instant::now();
            check_invariants(&text, &split_sentences(&text));
            let secs = start.elapsed().as_secs_f64();
            assert!(secs < 10.0, "{secs:.1} s on {:?}…", &text[..20]);
        }
    }

    // --- ids ------------------------------------------------------------------------------------

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

    // -----------------------------------------------------------------------------------------
    // The UAX #29 fast path (`uax29_bounds`) against running UAX #29 over everything
    // -----------------------------------------------------------------------------------------

    fn uax29_fast(text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        uax29_bounds(text, |i| out.push(i));
        out
    }

    fn uax29_full(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(i, _)| i)
            .collect()
    }

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

    /// [`uax29_simple`] on `text`, or `None` if a char of it has no known class.
    fn uax29_simple_bounds(text: &str) -> Option<Vec<usize>> {
        let chars: Option<Vec<(u8, Sb)>> = text
            .char_indices()
            .map(|(i, c)| Some((u8::try_from(i).ok()?, sb_class(c)?)))
            .collect();
        let mut out = Vec::new();
        uax29_simple(&chars?, |i| out.push(i));
        Some(out)
    }

    fn uax29_full_after_start(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .skip(1)
            .map(|(i, _)| i)
            .collect()
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
            let doc = crate::document::parse(&markdown);
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
