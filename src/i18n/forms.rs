//! Putting values into messages: the plural form for a count (CLDR), a
//! date by the language's pattern, and `{name}` placeholders.

use super::primary;

/// The CLDR cardinal plural category of a whole number `n` in `lang`
/// (CLDR 44 rules for integers; the `many` of French and Spanish for
/// exact millions is left out, as pages never count that high in words).
/// Languages not listed follow English.
pub(crate) fn plural_category(lang: &str, n: usize) -> &'static str {
    let (n10, n100) = (n % 10, n % 100);
    match primary(lang).as_str() {
        "fr" => {
            if n <= 1 {
                "one"
            } else {
                "other"
            }
        }
        "uk" | "ru" | "be" => {
            if n10 == 1 && n100 != 11 {
                "one"
            } else if (2..=4).contains(&n10) && !(12..=14).contains(&n100) {
                "few"
            } else {
                "many"
            }
        }
        "ar" => match n {
            0 => "zero",
            1 => "one",
            2 => "two",
            _ if (3..=10).contains(&n100) => "few",
            _ if (11..=99).contains(&n100) => "many",
            _ => "other",
        },
        _ => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// `iso` (`YYYY-MM-DD`) by `pattern`; other text unchanged.
pub(crate) fn format_date(iso: &str, pattern: &str, months: &[&str]) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let parsed = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            match (m.parse::<usize>(), d.parse::<usize>()) {
                (Ok(m @ 1..=12), Ok(d @ 1..=31)) => months.get(m - 1).map(|name| (*y, *name, d)),
                _ => None,
            }
        }
        _ => None,
    };
    match parsed {
        Some((y, month, d)) => pattern
            .replace("{iso}", iso)
            .replace("{d}", &d.to_string())
            .replace("{month}", month)
            .replace("{y}", y),
        None => iso.to_string(),
    }
}

pub(super) fn form(forms: &[(&'static str, &'static str)], category: &str) -> &'static str {
    forms
        .iter()
        .find(|(f, _)| *f == category)
        .or_else(|| forms.iter().find(|(f, _)| *f == "other"))
        .map_or("", |(_, t)| t)
}

/// Fills `{name}` placeholders of `message`.
pub(crate) fn fill(message: &str, args: &[(&str, &str)]) -> String {
    let mut out = message.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Strings;
    #[test]
    fn plural_categories_follow_cldr() {
        let uk: Vec<_> = [1, 2, 5, 11, 12, 21, 22, 25, 101, 111]
            .iter()
            .map(|&n| plural_category("uk", n))
            .collect();
        assert_eq!(
            uk,
            [
                "one", "few", "many", "many", "many", "one", "few", "many", "one", "many"
            ]
        );
        let ar: Vec<_> = [0, 1, 2, 3, 10, 11, 99, 100, 102, 103]
            .iter()
            .map(|&n| plural_category("ar", n))
            .collect();
        assert_eq!(
            ar,
            [
                "zero", "one", "two", "few", "few", "many", "many", "other", "other", "few"
            ]
        );
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("de", 0), "other");
        assert_eq!(plural_category("en-GB", 1), "one");
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = "2026-12-06";
        assert_eq!(Strings::builtin("en").date(d), "2026-12-06");
        assert_eq!(Strings::builtin("de").date(d), "6. Dezember 2026");
        assert_eq!(Strings::builtin("fr").date(d), "6 décembre 2026");
        assert_eq!(Strings::builtin("es").date(d), "6 de diciembre de 2026");
        assert_eq!(Strings::builtin("uk").date(d), "6 грудня 2026 р.");
        assert_eq!(Strings::builtin("ar").date(d), "6 ديسمبر 2026");
        assert_eq!(Strings::builtin("de").date("not a date"), "not a date");
    }
}
