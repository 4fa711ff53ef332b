//! Words and index terms: how `suggest` reads a text (stemmed, stop words
//! marked, numbers kept whole), shared by ranking and conflict hints.

const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "even",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "may",
    "me",
    "meanwhile",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "s",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us_",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yet",
    "however",
    "although",
    "though",
    "according",
    "cited",
    "added",
    "told",
];

pub(super) const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot", "n't",
];

/// One word of a text.
#[derive(Debug, Clone)]
pub(super) struct Word {
    /// As written, possessive `'s` removed.
    pub(super) raw: String,
    pub(super) lower: String,
    pub(super) stem: String,
    pub(super) stop: bool,
    /// Capitalised and not the first word of the text or of a sentence.
    pub(super) capital: bool,
}

fn stemmer() -> frostem::Stemmer {
    frostem::Stemmer::new(frostem::Algorithm::English)
}

/// Splits text into words: letters and digits, with `5,000` and `19.5`
/// kept whole, apostrophes folded and possessives dropped; hyphenated
/// words ("five-hour") are separate words.
pub(super) fn words(text: &str) -> Vec<Word> {
    let stem = stemmer();
    let mut out: Vec<Word> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut sentence_start = true;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            if matches!(c, '.' | '!' | '?' | ':') {
                sentence_start = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let c = chars[i];
            let next_alnum = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            let prev_digit = i > start && chars[i - 1].is_ascii_digit();
            let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if c.is_alphanumeric()
                || (matches!(c, '\'' | '\u{2019}') && next_alnum)
                || (matches!(c, ',' | '.') && prev_digit && next_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        let mut raw: String = chars[start..i]
            .iter()
            .map(|&c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        let mut negated = false;
        for suffix in ["'s", "'S"] {
            if let Some(r) = raw.strip_suffix(suffix) {
                raw = r.to_string();
            }
        }
        if let Some(r) = raw.strip_suffix("n't").or_else(|| raw.strip_suffix("N'T")) {
            raw = r.to_string();
            negated = true;
        }
        let lower = raw.to_lowercase().replace('\'', "");
        let capital = !sentence_start && raw.chars().next().is_some_and(char::is_uppercase);
        sentence_start = false;
        let stop = STOP_WORDS.contains(&lower.as_str());
        let stemmed = if lower.chars().any(|c| c.is_ascii_digit()) {
            lower.replace(',', "")
        } else {
            stem.stem(&lower).into_owned()
        };
        out.push(Word {
            raw,
            lower,
            stem: stemmed,
            stop,
            capital,
        });
        if negated {
            out.push(Word {
                raw: "n't".into(),
                lower: "n't".into(),
                stem: "not".into(),
                stop: false,
                capital: false,
            });
        }
    }
    out
}

/// Index terms of a text: content stems and bigrams of consecutive ones.
pub(super) fn terms(text: &str) -> Vec<String> {
    let content: Vec<String> = words(text)
        .into_iter()
        .filter(|w| !w.stop && !NEGATIONS.contains(&w.lower.as_str()))
        .map(|w| w.stem)
        .collect();
    let mut out = content.clone();
    out.extend(content.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_numbers_whole_and_drop_possessives() {
        let w: Vec<String> = words("Russia’s 5,000 square km; Kyiv's 19.5% five-hour")
            .into_iter()
            .map(|w| w.stem)
            .collect();
        assert_eq!(
            w,
            [
                "russia", "5000", "squar", "km", "kyiv", "19.5", "five", "hour"
            ]
        );
    }
}
