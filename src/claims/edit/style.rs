//! New entries formatted like the file's own: a new table, key or inline
//! table copies the indentation, spacing and quoting of its neighbours, so
//! an edit reads as if the desk had typed it.

use toml_edit::{Decor, InlineTable, Item, Key, RawString, Table, Value};

use super::values::multiline_basic;

pub(super) fn raw_or(raw: Option<&RawString>, default: &str) -> String {
    raw.and_then(RawString::as_str)
        .unwrap_or(default)
        .to_string()
}

/// The formatting of a table and its keys, copied from an existing one.
#[derive(Debug, Clone)]
pub(super) struct TableStyle {
    /// Decor before the header: blank lines and indentation, no comments.
    pub(super) prefix: String,
    /// Indentation of each key.
    pub(super) indent: String,
    pub(super) key_suffix: String,
    pub(super) value_prefix: String,
}

impl TableStyle {
    pub(super) fn of(t: &Table) -> TableStyle {
        let raw = t
            .decor()
            .prefix()
            .and_then(RawString::as_str)
            .unwrap_or("\n");
        let prefix = if raw.contains('#') {
            let indent = raw.rsplit('\n').next().unwrap_or("");
            format!("\n{indent}")
        } else {
            raw.to_string()
        };
        TableStyle {
            prefix,
            ..TableStyle::of_values(t)
        }
    }

    /// The most common key indentation and spacing around `=` among the
    /// table's keys.
    pub(super) fn of_values(t: &Table) -> TableStyle {
        let decor_str = |d: Option<&RawString>, default: &str| -> String {
            d.and_then(RawString::as_str).unwrap_or(default).to_string()
        };
        let mut votes: Vec<((String, String, String), usize)> = Vec::new();
        for (k, item) in t.iter() {
            let (Some(key), Some(value)) = (t.key(k), item.as_value()) else {
                continue;
            };
            let prefix = decor_str(key.leaf_decor().prefix(), "");
            let style = (
                prefix.rsplit('\n').next().unwrap_or("").to_string(),
                decor_str(key.leaf_decor().suffix(), " "),
                decor_str(value.decor().prefix(), " "),
            );
            match votes.iter_mut().find(|(s, _)| *s == style) {
                Some((_, n)) => *n += 1,
                None => votes.push((style, 1)),
            }
        }
        // The first of the most common, so ties go to the earlier key.
        let best = votes
            .iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map(|(s, _)| s.clone());
        let (indent, key_suffix, value_prefix) =
            best.unwrap_or_else(|| (String::new(), " ".into(), " ".into()));
        TableStyle {
            prefix: String::new(),
            indent,
            key_suffix,
            value_prefix,
        }
    }

    pub(super) fn key_value(&self, key: &str, value: Value) -> (Key, Value) {
        let k = Key::new(key)
            .with_leaf_decor(Decor::new(self.indent.as_str(), self.key_suffix.as_str()));
        let v = value.decorated(self.value_prefix.as_str(), "");
        (k, v)
    }
}

pub(super) fn styled_table(style: &TableStyle, entries: &[(&str, Value)]) -> Table {
    let mut t = Table::new();
    t.decor_mut().set_prefix(style.prefix.as_str());
    t.decor_mut().set_suffix("");
    for (key, value) in entries {
        let (k, v) = style.key_value(key, value.clone());
        t.insert_formatted(&k, Item::Value(v));
    }
    t
}

/// Appends an inline table to an inline evidence array, formatted like
/// the array's last element.
pub(super) fn push_inline(arr: &mut toml_edit::Array, entries: &[(&str, Value)]) {
    let last = arr.iter().last();
    let decor = last
        .map(|v| v.decor().clone())
        .unwrap_or_else(|| Decor::new(" ", ""));
    let (key_prefix, value_prefix) = last
        .and_then(Value::as_inline_table)
        .and_then(|t| {
            let (k, _) = t.iter().next()?;
            let key = t.key(k)?;
            let v = t.get(k)?;
            Some((
                key.leaf_decor()
                    .prefix()
                    .and_then(RawString::as_str)
                    .unwrap_or(" ")
                    .to_string(),
                v.decor()
                    .prefix()
                    .and_then(RawString::as_str)
                    .unwrap_or(" ")
                    .to_string(),
            ))
        })
        .unwrap_or_else(|| (" ".into(), " ".into()));
    let mut t = InlineTable::new();
    let n = entries.len();
    for (i, (key, value)) in entries.iter().enumerate() {
        let k = Key::new(*key).with_leaf_decor(Decor::new(key_prefix.as_str(), " "));
        let suffix = if i + 1 == n { " " } else { "" };
        t.insert_formatted(&k, value.clone().decorated(value_prefix.as_str(), suffix));
    }
    let mut v = Value::InlineTable(t);
    // `a, b ]`: the space before `]` moves from the old last element to
    // the new one; the new one is spaced like the elements before it.
    let between = if arr.len() >= 2 {
        arr.get(arr.len() - 2)
            .and_then(|v| v.decor().suffix().and_then(RawString::as_str))
            .unwrap_or("")
            .to_string()
    } else {
        String::new()
    };
    let closing = decor
        .suffix()
        .and_then(RawString::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(last) = arr.iter_mut().last() {
        last.decor_mut().set_suffix(between);
    }
    *v.decor_mut() = Decor::new(
        decor.prefix().and_then(RawString::as_str).unwrap_or(" "),
        closing,
    );
    arr.push_formatted(v);
}

/// The new value in the old value's quoting style where it can be written
/// so (a literal string stays literal), with the old comment and spacing.
pub(super) fn restyle(old: &Value, new: Value) -> Value {
    let decor = old.decor().clone();
    let old_repr = match old {
        Value::String(f) => f.as_repr().and_then(|r| r.as_raw().as_str()).unwrap_or(""),
        _ => "",
    };
    let mut v = match new.as_str() {
        Some(s) if old_repr.starts_with("'''") => {
            if !s.contains("'''") && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                format!("'''\n{s}'''").parse().unwrap_or(new)
            } else {
                new
            }
        }
        Some(s) if old_repr.starts_with('\'') => {
            if !s.contains('\'') && !s.chars().any(|c| c.is_control() && c != '\t') {
                format!("'{s}'").parse().unwrap_or(new)
            } else {
                new
            }
        }
        Some(s) if old_repr.starts_with("\"\"\"") => multiline_basic(s).parse().unwrap_or(new),
        _ => new,
    };
    *v.decor_mut() = decor;
    v
}
