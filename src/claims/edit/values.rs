//! The values an edit writes: claim ids, strings in their most readable
//! TOML spelling, and dates (checked, and today's).

use std::collections::HashSet;

use toml_edit::Value;

use super::EditError;
use crate::text::slugify;

/// A claim id made from its text: the first words, slugged, unique.
pub(crate) fn claim_id_for(text: &str, taken: &HashSet<String>) -> String {
    let slug = slugify(text);
    let mut base = String::new();
    for word in slug.split('-').filter(|w| !w.is_empty()) {
        if !base.is_empty() && base.len() + word.len() + 1 > 48 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(word);
    }
    if base.is_empty() {
        base = "claim".into();
    }
    if !taken.contains(&base) && !crate::pipeline::content::is_windows_reserved(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .expect("some suffix is free")
}

/// A string value in the most readable TOML spelling: a basic string, or
/// a multi-line one for text with line breaks.
pub(crate) fn string_value(s: &str) -> Value {
    let repr = if s.contains('\n') {
        multiline_basic(s)
    } else {
        basic(s)
    };
    repr.parse().expect("encoded strings parse")
}

fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A multi-line basic string (`"""…"""`). Quotes stay readable except
/// where the closing delimiter could swallow them: every third quote of a
/// run, and the quotes that end the text (a raw `"` right before `"""`
/// would make four or five, which TOML reads as content plus the
/// delimiter, so those are escaped too).
pub(super) fn multiline_basic(s: &str) -> String {
    let mut out = String::from("\"\"\"\n");
    // Raw quotes at the end of `out`, in the current run.
    let mut quotes = 0;
    for c in s.chars() {
        if c == '"' {
            if quotes == 2 {
                out.push_str("\\\"");
                quotes = 0;
            } else {
                out.push('"');
                quotes += 1;
            }
            continue;
        }
        quotes = 0;
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            // A raw CR would read back as part of a line ending, or not
            // parse at all; escaped, it reads back as itself.
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    // Only raw quotes need escaping here: an escaped one (`\"`) already
    // ends the text safely, and rewriting it was what turned `x """` into
    // `x ""\"`.
    for _ in 0..quotes {
        out.pop();
    }
    for _ in 0..quotes {
        out.push_str("\\\"");
    }
    out.push_str("\"\"\"");
    out
}

/// Refuses anything but a date like `2026-11-20`.
pub(crate) fn check_date(d: &str) -> Result<(), EditError> {
    date_value("date", d).map(drop)
}

pub(super) fn date_value(field: &'static str, d: &str) -> Result<Value, EditError> {
    let b = d.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let month: u32 = d.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    let day: u32 = d.get(8..10).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !ok || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(EditError::invalid(
            field,
            format!("`{d}` is not a date like 2026-11-20"),
        ));
    }
    d.parse()
        .map_err(|_| EditError::invalid(field, format!("`{d}` is not a date")))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_424), "2025-12-02");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn claim_ids_are_slugs_of_the_first_words_and_unique() {
        let taken: HashSet<String> = ["putin-met-witkoff".to_string()].into();
        assert_eq!(
            claim_id_for("Putin met Witkoff.", &taken),
            "putin-met-witkoff-2"
        );
        assert_eq!(
            claim_id_for(
                "The Kremlin meeting between Putin, Witkoff and Kushner lasted about five hours.",
                &HashSet::new()
            ),
            "the-kremlin-meeting-between-putin-witkoff-and"
        );
        assert_eq!(claim_id_for("¿?", &HashSet::new()), "claim");
        // Never a Windows device name.
        assert_eq!(claim_id_for("Con.", &HashSet::new()), "con-2");
    }

    #[test]
    fn strings_are_encoded_so_they_read_back() {
        for s in [
            "plain",
            "with \"quotes\" and \\ back",
            "line\nbreak \"\"\" triple",
            "ends with quote\"",
            "tab\tand \u{7}",
        ] {
            let v = string_value(s);
            assert_eq!(v.as_str(), Some(s), "{v}");
        }
    }
}
