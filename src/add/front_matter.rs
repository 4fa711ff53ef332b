//! The article file `add` writes: TOML front matter, serialised by
//! toml_edit so every value is quoted and escaped as TOML requires, then
//! the Markdown body.

use toml_edit::{Date, Datetime, DocumentMut, value};

/// An article's front matter, as FORMAT.md describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    pub title: String,
    pub outlet: String,
    pub url: Option<String>,
    pub archived: Option<String>,
    pub author: Option<String>,
    pub published: Option<Date>,
}

/// The whole article file: `+++`, the front matter, `+++`, the body.
pub(crate) fn render(fm: &FrontMatter, body: &str) -> String {
    let mut doc = DocumentMut::new();
    doc["title"] = value(fm.title.as_str());
    doc["outlet"] = value(fm.outlet.as_str());
    if let Some(url) = &fm.url {
        doc["url"] = value(url.as_str());
    }
    if let Some(archived) = &fm.archived {
        doc["archived"] = value(archived.as_str());
    }
    if let Some(author) = &fm.author {
        doc["author"] = value(author.as_str());
    }
    if let Some(date) = fm.published {
        doc["published"] = value(Datetime {
            date: Some(date),
            time: None,
            offset: None,
        });
    }
    let mut out = String::with_capacity(body.len() + 256);
    out.push_str("+++\n");
    out.push_str(&doc.to_string());
    out.push_str("+++\n");
    out.push_str(body);
    out
}

/// The calendar date at the start of an ISO 8601 date or date-time
/// (`2025-12-03`, `2025-12-03T18:30:00+03:00`): the day as the publisher
/// wrote it, in the publisher's time zone.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if b.len() > 10 && !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u16>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(Date {
        year,
        month: month as u8,
        day: day as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_by_the_serialiser() {
        let fm = FrontMatter {
            title: "He said \"no\" \\ then left\u{7}".replace('\u{7}', ""),
            outlet: "O'Brien's \"Wire\"".into(),
            url: Some("https://x.example/a?b=\"c\"".into()),
            archived: None,
            author: Some("Ann \u{1F600} Lee".into()),
            published: parse_date("2025-12-03T23:30:00-05:00"),
        };
        let text = render(&fm, "Body.\n");
        let toml_text = text
            .strip_prefix("+++\n")
            .and_then(|t| t.split_once("+++\n"))
            .unwrap()
            .0;
        let parsed: DocumentMut = toml_text.parse().unwrap();
        assert_eq!(parsed["title"].as_str(), Some(fm.title.as_str()));
        assert_eq!(parsed["outlet"].as_str(), Some(fm.outlet.as_str()));
        assert_eq!(parsed["url"].as_str(), fm.url.as_deref());
        assert_eq!(parsed["published"].to_string().trim(), "2025-12-03");
        assert!(text.ends_with("+++\nBody.\n"), "{text}");
    }

    #[test]
    fn only_real_calendar_dates_are_kept() {
        assert_eq!(
            parse_date("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("December 3, 2025"), None);
        assert_eq!(parse_date("2025-12-031"), None);
        assert!(parse_date("2025-12-03 10:00").is_some());
    }
}
