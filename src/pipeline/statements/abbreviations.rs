//! The words before a full stop that do not end a sentence, per language (titles, initials,
//! `No.` before a number, dotted initialisms, ordinal dates), and the words that usually start
//! one. Word lists and how each kind behaves, apart from the splitter that asks them; the
//! format documentation points here for the full lists.

use super::chars::prev_char;

/// How an abbreviation ending in '.' behaves before a following capitalised word or number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Abbrev {
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
pub(super) fn abbreviation_before(before: &str) -> Option<Abbrev> {
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
pub(crate) struct Language(pub(super) &'static Abbreviations);

impl Default for Language {
    fn default() -> Self {
        Language(&ENGLISH)
    }
}

impl Language {
    /// The language of a BCP 47 tag (`site.toml` `language`): `de-AT`
    /// splits like `de`; a language without lists of its own like English.
    pub(crate) fn of(tag: &str) -> Language {
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
pub(super) struct Abbreviations {
    always: &'static [&'static str],
    before_number: &'static [&'static str],
    unless_starter: &'static [&'static str],
    starters: &'static [&'static str],
    /// A day's number is written as an ordinal (`am 3. Dezember`): a
    /// number of one or two digits and a full stop before one of `months`
    /// does not end a sentence.
    pub(super) ordinal_dates: bool,
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
    pub(super) fn abbreviation_before(&self, before: &str) -> Option<Abbrev> {
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

    pub(super) fn starts_sentence(&self, rest: &str) -> bool {
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
pub(super) fn ordinal_before_month(before: &str, rest: &str, lang: &Abbreviations) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::statements::split_sentences_in;
    use crate::pipeline::statements::tests::sents;

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
}
