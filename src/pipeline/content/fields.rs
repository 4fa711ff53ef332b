//! The TOML field reader every content file goes through: a table of
//! `toml`'s spanned tree read field by field, each problem reported at its
//! span and none stopping the next. Apart from the files that use it so
//! that a rule for a kind of value (a date, a URL, a keyword) is written
//! once.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::text::closest;

use super::files::{is_forbidden_char, may_need_cleaning};
use super::validate::is_web_url;

/// A TOML value with its span, relative to the text that was parsed.
pub(super) type Item<'i> = Spanned<DeValue<'i>>;

pub(super) fn parse_toml<'i>(
    file: &Arc<SourceFile>,
    offset: usize,
    text: &'i str,
    diags: &mut Diagnostics,
) -> Option<DeTable<'i>> {
    match DeTable::parse(text) {
        Ok(doc) => Some(doc.into_inner()),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            diags.push(
                Diagnostic::error(format!("invalid TOML: {message}"))
                    .at(
                        file,
                        offset + span.start..offset + span.end.max(span.start + 1),
                    )
                    .label(message),
            );
            None
        }
    }
}

/// Reads typed fields out of one TOML table, reporting each problem with
/// its span.
pub(super) struct Fields<'a> {
    file: &'a Arc<SourceFile>,
    offset: usize,
    table: &'a DeTable<'a>,
    /// Where the table starts, absolute in the file: missing keys point here.
    table_span: Range<usize>,
    what: String,
    pub(super) diags: &'a mut Diagnostics,
    pub(super) failed: bool,
}

impl<'a> Fields<'a> {
    pub(super) fn new(
        file: &'a Arc<SourceFile>,
        offset: usize,
        table: &'a DeTable<'a>,
        table_span: Range<usize>,
        what: impl Into<String>,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Fields {
            file,
            offset,
            table,
            table_span,
            what: what.into(),
            diags,
            failed: false,
        }
    }

    /// An item's span in the file.
    fn span_of(&self, item: &Item<'_>) -> Range<usize> {
        let s = item.span();
        self.offset + s.start..self.offset + s.end
    }

    fn error_at(&mut self, item: &Item<'_>, msg: String) {
        let span = self.span_of(item);
        self.diags.push(Diagnostic::error(msg).at(self.file, span));
        self.failed = true;
    }

    pub(super) fn missing(&mut self, key: &str) {
        let span = self.table_span.clone();
        self.diags.push(
            Diagnostic::error(format!("{} is missing required field `{key}`", self.what))
                .at(self.file, span)
                .label(format!("`{key}` expected in this table")),
        );
        self.failed = true;
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Item<'a>> {
        self.table.get(key)
    }

    pub(super) fn req_str(&mut self, key: &str) -> Option<String> {
        let v = self.opt_str_spanned(key);
        if v.is_none() && self.get(key).is_none() {
            self.missing(key);
        }
        v.map(|(s, _)| s)
    }

    pub(super) fn req_str_spanned(&mut self, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.opt_str_spanned(key);
        if v.is_none() && self.get(key).is_none() {
            self.missing(key);
        }
        v
    }

    pub(super) fn opt_str(&mut self, key: &str) -> Option<String> {
        self.opt_str_spanned(key).map(|(s, _)| s)
    }

    pub(super) fn opt_str_spanned(&mut self, key: &str) -> Option<(String, Range<usize>)> {
        let item = self.get(key)?;
        // TOML escapes (`\u0007`) can spell characters HTML and XML forbid:
        // drop them, as `source_from_bytes` does for the file's own text.
        let cleaned = item.get_ref().as_str().map(|s| {
            // Nearly every value is plain text: copy it whole rather than
            // char by char.
            if !may_need_cleaning(s.as_bytes()) {
                return s.to_string();
            }
            let kept: String = s.chars().filter(|&c| !is_forbidden_char(c)).collect();
            if kept.len() != s.len() {
                let span = self.span_of(item);
                self.diags.push(
                    Diagnostic::warning(format!(
                        "dropped control or non-character code point(s) from `{key}` in {}: HTML forbids them",
                        self.what
                    ))
                    .at(self.file, span),
                );
            }
            kept
        });
        match cleaned.as_deref() {
            Some(s) if s.trim().is_empty() => {
                self.error_at(item, format!("`{key}` in {} is empty", self.what));
                None
            }
            Some(s) => Some((s.to_string(), self.span_of(item))),
            None => {
                self.error_at(
                    item,
                    format!(
                        "`{key}` in {} must be a string, found {}",
                        self.what,
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    /// A date: a TOML date (`2026-11-20`) or a string holding one.
    pub(super) fn opt_date(&mut self, key: &str) -> Option<String> {
        let item = self.get(key)?;
        if let Some(dt) = item.get_ref().as_datetime() {
            if let Some(date) = dt.date {
                return Some(date.to_string());
            }
        }
        if let Some(s) = item.get_ref().as_str() {
            if is_iso_date(s) {
                return Some(s.to_string());
            }
        }
        self.error_at(
            item,
            format!("`{key}` in {} must be a date like 2026-11-20", self.what),
        );
        None
    }

    pub(super) fn opt_keyword<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let (s, _) = self.opt_str_spanned(key)?;
        match parse(&s) {
            Some(v) => Some(v),
            None => {
                let item = self.get(key).expect("present");
                let guess = closest(&s, allowed.split(", "));
                let span = self.span_of(item);
                let mut d = Diagnostic::error(format!("unknown {key} `{s}` in {}", self.what))
                    .at(self.file, span)
                    .label(format!("allowed: {allowed}"));
                if let Some(g) = guess {
                    d = d.help(format!("did you mean `{g}`?"));
                }
                self.diags.push(d);
                self.failed = true;
                None
            }
        }
    }

    /// An absolute `http:` or `https:` URL.
    pub(super) fn opt_url(&mut self, key: &str) -> Option<String> {
        let (url, _) = self.opt_str_spanned(key)?;
        if is_web_url(&url) {
            return Some(url);
        }
        let item = self.get(key).expect("present");
        let span = self.span_of(item);
        self.diags.push(
            Diagnostic::error(format!(
                "`{key}` in {} must be an http or https URL, found `{}`",
                self.what,
                url.chars().take(80).collect::<String>()
            ))
            .at(self.file, span)
            .label("not an http(s) URL")
            .help("write the full address, starting with https:// (or leave the field out)"),
        );
        self.failed = true;
        None
    }

    /// A list of strings, each with its span in the file.
    pub(super) fn opt_str_list(&mut self, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(item) = self.get(key) else {
            return Vec::new();
        };
        let Some(array) = item.get_ref().as_array() else {
            self.error_at(
                item,
                format!(
                    "`{key}` in {} must be a list of strings, like [\"an-id\"]",
                    self.what
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(array.len());
        for v in array.iter() {
            match v.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => out.push((s.to_string(), self.span_of(v))),
                _ => self.error_at(
                    v,
                    format!(
                        "`{key}` in {} must hold non-empty strings, found {}",
                        self.what,
                        type_name(v)
                    ),
                ),
            }
        }
        out
    }

    pub(super) fn opt_bool(&mut self, key: &str) -> Option<bool> {
        let item = self.get(key)?;
        match item.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.error_at(
                    item,
                    format!("`{key}` in {} must be true or false", self.what),
                );
                None
            }
        }
    }

    pub(super) fn opt_positive(&mut self, key: &str) -> Option<usize> {
        let item = self.get(key)?;
        let n = item
            .get_ref()
            .as_integer()
            .and_then(|n| usize::from_str_radix(n.as_str(), n.radix()).ok());
        match n {
            Some(n) if n >= 1 => Some(n),
            _ => {
                self.error_at(item, format!("`{key}` must be a whole number from 1 up"));
                None
            }
        }
    }

    /// Keys nobody reads are usually typos: warn, suggesting the nearest.
    pub(super) fn unknown_keys(&mut self, known: &[&str]) {
        let unknown: Vec<(String, Range<usize>)> = self
            .table
            .iter()
            .map(|(k, item)| (k.get_ref().as_ref(), item))
            .filter(|(k, _)| !known.contains(k))
            .map(|(k, item)| (k.to_string(), self.span_of(item)))
            .collect();
        for (key, span) in unknown {
            let mut d =
                Diagnostic::warning(format!("unknown key `{key}` in {} is ignored", self.what))
                    .at(self.file, span);
            if let Some(g) = closest(&key, known.iter().copied()) {
                d = d.help(format!("did you mean `{g}`?"));
            }
            self.diags.push(d);
        }
    }
}

fn type_name(item: &Item<'_>) -> &'static str {
    match item.get_ref() {
        DeValue::Table(_) => "a table",
        DeValue::Array(a) if !a.is_empty() && a.iter().all(|v| v.get_ref().is_table()) => {
            "an array of tables"
        }
        v => v.type_str(),
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The entries of an array of tables (`[[x]]` or `x = [{…}]`), each with
/// the span of its header (or inline table).
pub(super) fn table_entries<'a>(
    item: &'a Item<'a>,
) -> Option<Vec<(&'a DeTable<'a>, Range<usize>)>> {
    item.get_ref()
        .as_array()?
        .iter()
        .map(|v| v.get_ref().as_table().map(|t| (t, v.span())))
        .collect()
}
