//! Conflict hints: what two texts reporting the same fact differ in (a
//! number or unit, date, weekday, title, negation, or a named entity in
//! near-identical copy).

use std::collections::BTreeSet;

use serde::Serialize;

use super::words::{NEGATIONS, Word, words};

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const NUMBER_WORDS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("dozen", 12.0),
    ("dozens", 24.0),
    ("hundreds", 200.0),
    ("thousand", 1000.0),
    ("thousands", 2000.0),
    ("million", 1e6),
    ("millions", 2e6),
    ("billion", 1e9),
    ("half", 0.5),
];

const TIME_UNITS: &[&str] = &[
    "second", "minut", "hour", "day", "week", "month", "year", "decad",
];

/// Words that qualify a title: "former President".
const TITLE_MODIFIERS: &[&str] = &[
    "former", "ex", "late", "acting", "deputy", "vice", "outgoing", "incoming", "interim",
];

const TITLES: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "chancellor",
    "envoy",
    "adviser",
    "advisor",
    "aide",
    "spokesman",
    "spokeswoman",
    "king",
    "queen",
    "governor",
    "senator",
    "ambassador",
    "general",
    "mayor",
    "leader",
    "commander",
];

/// What kind of difference a conflict hint rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictKind {
    Number,
    Date,
    Weekday,
    Title,
    Negation,
    Entity,
}

impl ConflictKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Number => "number",
            ConflictKind::Date => "date",
            ConflictKind::Weekday => "weekday",
            ConflictKind::Title => "title",
            ConflictKind::Negation => "negation",
            ConflictKind::Entity => "named entity",
        }
    }
}

/// Two texts differ: `a` says `a_words` where `b` says `b_words`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    pub a_words: String,
    pub b_words: String,
}

fn number_value(w: &Word) -> Option<f64> {
    if w.lower.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return w.lower.replace(',', "").parse().ok();
    }
    NUMBER_WORDS
        .iter()
        .find(|(n, _)| *n == w.lower)
        .map(|(_, v)| *v)
}

/// `(number, unit stem, words as written)` for each number in the text.
fn quantities(ws: &[Word]) -> Vec<(f64, String, String)> {
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let Some(n) = number_value(w) else { continue };
        // The unit: the next word that is not itself a number or a stop
        // word ("five hours", "14,000 civilians", "28-point plan").
        let unit = ws[i + 1..]
            .iter()
            .take(2)
            .find(|u| number_value(u).is_none() && !u.stop);
        let (unit, shown) = match unit {
            Some(u) => (u.stem.clone(), format!("{} {}", w.raw, u.raw)),
            None => (String::new(), w.raw.clone()),
        };
        // Years stand apart from counts.
        if unit.is_empty() && (1900.0..=2100.0).contains(&n) && !w.lower.contains([',', '.']) {
            continue;
        }
        out.push((n, unit, shown));
    }
    out
}

fn years(ws: &[Word]) -> BTreeSet<String> {
    ws.iter()
        .filter(|w| {
            w.lower.len() == 4
                && w.lower.chars().all(|c| c.is_ascii_digit())
                && (1900..=2100).contains(&w.lower.parse::<u32>().unwrap_or(0))
        })
        .map(|w| w.raw.clone())
        .collect()
}

fn set_of(ws: &[Word], list: &[&str]) -> BTreeSet<String> {
    ws.iter()
        .filter(|w| list.contains(&w.lower.as_str()))
        .map(|w| w.raw.clone())
        .collect()
}

/// Title mentions: `(title, modifier or "")`, e.g. ("president", "former").
fn titles(ws: &[Word]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if !TITLES.contains(&w.lower.as_str()) {
            continue;
        }
        let modifier = ws[i.saturating_sub(2)..i]
            .iter()
            .rev()
            .find(|m| TITLE_MODIFIERS.contains(&m.lower.as_str()));
        match modifier {
            Some(m) => out.push((
                w.lower.clone(),
                m.lower.clone(),
                format!("{} {}", m.raw, w.raw),
            )),
            None => out.push((w.lower.clone(), String::new(), w.raw.clone())),
        }
    }
    out
}

fn negation_words(ws: &[Word]) -> Vec<String> {
    ws.iter()
        .filter(|w| NEGATIONS.contains(&w.lower.as_str()))
        .map(|w| w.raw.clone())
        .collect()
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// Differences between two texts that report the same fact. `close` says
/// the texts are near-identical, which makes a named-entity substitution
/// meaningful.
pub fn conflicts(a: &str, b: &str, close: bool) -> Vec<Conflict> {
    let (wa, wb) = (words(a), words(b));
    let mut out = Vec::new();
    let mut push = |kind, a_words: String, b_words: String| {
        let c = Conflict {
            kind,
            a_words,
            b_words,
        };
        if !out.contains(&c) {
            out.push(c);
        }
    };

    // Numbers: the same unit with different numbers, or the same number
    // with different time units ("five minutes" / "five hours").
    let (qa, qb) = (quantities(&wa), quantities(&wb));
    let units: BTreeSet<&str> = qa
        .iter()
        .filter(|q| !q.1.is_empty())
        .map(|q| q.1.as_str())
        .filter(|u| qb.iter().any(|q| q.1 == *u))
        .collect();
    for unit in units {
        let na: Vec<&(f64, String, String)> = qa.iter().filter(|q| q.1 == unit).collect();
        let nb: Vec<&(f64, String, String)> = qb.iter().filter(|q| q.1 == unit).collect();
        let disjoint = na.iter().all(|x| nb.iter().all(|y| x.0 != y.0));
        if disjoint {
            push(
                ConflictKind::Number,
                na.iter()
                    .map(|q| q.2.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                nb.iter()
                    .map(|q| q.2.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }
    let is_time = |u: &str| TIME_UNITS.iter().any(|t| u.starts_with(t));
    for x in qa.iter().filter(|q| is_time(&q.1)) {
        let ta: BTreeSet<&str> = qa
            .iter()
            .filter(|q| q.0 == x.0 && is_time(&q.1))
            .map(|q| q.1.as_str())
            .collect();
        let tb: Vec<&(f64, String, String)> =
            qb.iter().filter(|q| q.0 == x.0 && is_time(&q.1)).collect();
        if !tb.is_empty() && tb.iter().all(|q| !ta.contains(q.1.as_str())) {
            push(
                ConflictKind::Number,
                x.2.clone(),
                tb.iter()
                    .map(|q| q.2.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }

    // Dates: years and months.
    for (xa, xb) in [
        (years(&wa), years(&wb)),
        (set_of(&wa, MONTHS), set_of(&wb, MONTHS)),
    ] {
        let lower = |s: &BTreeSet<String>| -> BTreeSet<String> {
            s.iter().map(|x| x.to_lowercase()).collect()
        };
        if !xa.is_empty() && !xb.is_empty() && lower(&xa).is_disjoint(&lower(&xb)) {
            // "may" is also a verb: only capitalised month names count.
            let real = |s: &BTreeSet<String>| s.iter().all(|m| m != "may");
            if real(&xa) && real(&xb) {
                push(ConflictKind::Date, join(&xa), join(&xb));
            }
        }
    }

    // Weekdays.
    let (da, db) = (set_of(&wa, WEEKDAYS), set_of(&wb, WEEKDAYS));
    let lower =
        |s: &BTreeSet<String>| -> BTreeSet<String> { s.iter().map(|x| x.to_lowercase()).collect() };
    if !da.is_empty() && !db.is_empty() && lower(&da).is_disjoint(&lower(&db)) {
        push(ConflictKind::Weekday, join(&da), join(&db));
    }

    // Titles: the same title, qualified differently.
    let (ta, tb) = (titles(&wa), titles(&wb));
    for (title, modifier, shown) in &ta {
        let others: Vec<&(String, String, String)> = tb.iter().filter(|t| t.0 == *title).collect();
        if others.is_empty() || others.iter().any(|t| t.1 == *modifier) {
            continue;
        }
        // Only when one side has a modifier the other lacks everywhere.
        let a_has = ta.iter().any(|t| t.0 == *title && t.1 == *modifier);
        let b_has = tb.iter().any(|t| t.0 == *title && t.1 == *modifier);
        if a_has && !b_has {
            push(ConflictKind::Title, shown.clone(), others[0].2.clone());
        }
    }
    for (title, modifier, shown) in &tb {
        if modifier.is_empty() {
            continue;
        }
        let others: Vec<&(String, String, String)> = ta.iter().filter(|t| t.0 == *title).collect();
        if !others.is_empty() && others.iter().all(|t| t.1 != *modifier) {
            push(ConflictKind::Title, others[0].2.clone(), shown.clone());
        }
    }

    // Negation: one says it, the other denies it.
    let (na, nb) = (negation_words(&wa), negation_words(&wb));
    if na.len() % 2 != nb.len() % 2 {
        let show = |v: &[String]| {
            if v.is_empty() {
                "(no negation)".to_string()
            } else {
                v.join(", ")
            }
        };
        push(ConflictKind::Negation, show(&na), show(&nb));
    }

    // Named entities swapped in otherwise identical wording.
    if close {
        for (x, y) in substitutions(&wa, &wb) {
            let ent = |ws: &[&Word]| {
                ws.iter().any(|w| {
                    let l = w.lower.as_str();
                    w.capital
                        && !w.stop
                        && ![WEEKDAYS, MONTHS, TITLES, TITLE_MODIFIERS]
                            .iter()
                            .any(|list| list.contains(&l))
                })
            };
            if ent(&x) && ent(&y) {
                let show = |ws: &[&Word]| {
                    ws.iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                push(ConflictKind::Entity, show(&x), show(&y));
            }
        }
    }
    out
}

/// Short substitutions in a word-level diff of two texts: the runs of
/// words of `a` replaced by runs of `b` (at most three words each).
fn substitutions<'w>(a: &'w [Word], b: &'w [Word]) -> Vec<(Vec<&'w Word>, Vec<&'w Word>)> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 || n * m > 40_000 {
        return Vec::new();
    }
    // Longest common subsequence over lowercase words.
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i].lower == b[j].lower {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut xa, mut xb): (Vec<&Word>, Vec<&Word>) = (Vec::new(), Vec::new());
    let mut flush = |xa: &mut Vec<&'w Word>, xb: &mut Vec<&'w Word>| {
        if !xa.is_empty() && !xb.is_empty() && xa.len() <= 3 && xb.len() <= 3 {
            out.push((xa.clone(), xb.clone()));
        }
        xa.clear();
        xb.clear();
    };
    while i < n && j < m {
        if a[i].lower == b[j].lower {
            flush(&mut xa, &mut xb);
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            xa.push(&a[i]);
            i += 1;
        } else {
            xb.push(&b[j]);
            j += 1;
        }
    }
    xa.extend(a[i..].iter());
    xb.extend(b[j..].iter());
    flush(&mut xa, &mut xb);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(a: &str, b: &str) -> Vec<(ConflictKind, String, String)> {
        conflicts(a, b, true)
            .into_iter()
            .map(|c| (c.kind, c.a_words, c.b_words))
            .collect()
    }

    #[test]
    fn minutes_against_hours_is_a_number_conflict() {
        assert_eq!(
            kinds(
                "The meeting lasted five minutes.",
                "The meeting lasted five hours."
            ),
            [(
                ConflictKind::Number,
                "five minutes".to_string(),
                "five hours".to_string()
            )]
        );
        // Saying both is no conflict with saying one.
        assert!(
            kinds(
                "It lasted not five minutes but five hours.",
                "A five-hour meeting."
            )
            .iter()
            .all(|k| k.0 != ConflictKind::Number)
        );
        assert_eq!(
            kinds("more than 14,000 civilians", "over 12,000 civilians"),
            [(
                ConflictKind::Number,
                "14,000 civilians".to_string(),
                "12,000 civilians".to_string()
            )]
        );
    }

    #[test]
    fn titles_weekdays_dates_and_negation() {
        assert_eq!(
            kinds(
                "Former President Trump commented to his cabinet.",
                "President Donald Trump commented to his cabinet."
            ),
            [(
                ConflictKind::Title,
                "Former President".to_string(),
                "President".to_string()
            )]
        );
        assert_eq!(
            kinds("Putin met them on Tuesday.", "Putin met them on Wednesday."),
            [(
                ConflictKind::Weekday,
                "Tuesday".to_string(),
                "Wednesday".to_string()
            )]
        );
        assert_eq!(
            kinds("The war began in 2014.", "The war began in 2022."),
            [(ConflictKind::Date, "2014".to_string(), "2022".to_string())]
        );
        assert_eq!(
            kinds(
                "Russia agreed to the plan.",
                "Russia didn't agree to the plan."
            ),
            [(
                ConflictKind::Negation,
                "(no negation)".to_string(),
                "n't".to_string()
            )]
        );
    }

    #[test]
    fn swapped_names_in_copy_are_entity_conflicts() {
        assert_eq!(
            kinds(
                "Zelensky met with French President Emmanuel Macron in Paris.",
                "Zelensky met with French President Emmanuel Macron in Dublin."
            ),
            [(
                ConflictKind::Entity,
                "Paris".to_string(),
                "Dublin".to_string()
            )]
        );
        assert!(kinds("Talks were useful.", "Talks were useful.").is_empty());
    }
}
