//! The words pages, feeds and cards show, in the site's language
//! (`site.toml` `language`).
//!
//! Each supported language has a built-in catalogue (`i18n/LANG.toml`,
//! compiled in); English is the reference, and every other catalogue has
//! exactly its keys (a unit test). A project may override any string in
//! `content/i18n/LANG.toml`, with the same keys: an unknown key, a value of
//! the wrong shape or a placeholder the English string does not have is an
//! error (a typo would otherwise leave the built-in wording on a published
//! fact-check without a word); for a language without a built-in
//! catalogue, each key the override leaves out is shown in English and
//! `check` warns about them.
//!
//! A message may hold `{name}` placeholders (filled by the `fill` template
//! filter or [`fill`]); a *plural* message is a table of CLDR forms
//! (`zero`, `one`, `two`, `few`, `many`, `other`; `other` required) of
//! which [`plural_category`] picks one for a count.
//!
//! A leaf module: it imports nothing of the pipeline.
//!
//! The parts, each in `src/i18n/`: `catalogue` reads catalogues (the
//! built-in ones, kept as data in the repository's `i18n/`, and a
//! project's), `overrides` lays a project's over the built-in one and
//! checks it, `forms` puts counts, dates and names into messages, `rtl`
//! mirrors the stylesheet for right-to-left languages, and `search_js`
//! puts the site's words into the search script.

mod catalogue;
mod forms;
mod overrides;
mod rtl;
mod search_js;

use std::collections::HashMap;
use std::sync::Arc;

use catalogue::{Message, intern};
use forms::form;

pub(crate) use catalogue::BUILTIN;
pub(crate) use forms::{fill, format_date, plural_category};
pub(crate) use rtl::{is_rtl, mirror_css};
pub(crate) use search_js::localise_search_js;

/// The primary subtag of a BCP 47 tag, lowercased: `de-AT` → `de`.
pub(crate) fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The resolved strings of one site: built-in catalogue, project
/// overrides on top, English where neither has a key.
#[derive(Debug, Clone)]
pub struct Strings {
    lang: String,
    messages: HashMap<String, Message>,
    /// The same, as the `t` object templates read.
    value: Arc<serde_json::Value>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings::builtin("en")
    }
}

impl Strings {
    /// The built-in strings of `lang` (English for a language without a
    /// catalogue).
    pub fn builtin(lang: &str) -> Strings {
        Strings::resolve(lang, None).0
    }

    /// The site's language tag, as written in `site.toml`.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    pub fn is_rtl(&self) -> bool {
        is_rtl(&self.lang)
    }

    /// The message at `key`. Every key the code asks for is in the English
    /// catalogue (a unit test), so the fallback is the key itself only for
    /// a key that does not exist.
    pub fn get(&self, key: &str) -> &'static str {
        match self.messages.get(key) {
            Some(Message::Text(s)) => s,
            Some(Message::Plural(forms)) => form(forms, "other"),
            _ => intern(key),
        }
    }

    /// `group.name`, for keys made of two parts (`verdict.accurate`).
    pub fn get2(&self, group: &str, name: &str) -> &'static str {
        self.get(&format!("{group}.{name}"))
    }

    /// The plural message at `key` for `n`, with `{n}` filled in.
    pub fn plural(&self, key: &str, n: usize) -> String {
        let text = match self.messages.get(key) {
            Some(Message::Plural(forms)) => form(forms, plural_category(&self.lang, n)),
            Some(Message::Text(s)) => s,
            _ => key,
        };
        text.replace("{n}", &n.to_string())
    }

    /// A date `YYYY-MM-DD` as the language writes it (`date.pattern` with
    /// `{d}`, `{month}`, `{y}`, `{iso}`); anything else is returned as is.
    pub fn date(&self, iso: &str) -> String {
        let pattern = self.get("date.pattern");
        let months = match self.messages.get("date.months") {
            Some(Message::List(m)) => m.as_slice(),
            _ => &[],
        };
        format_date(iso, pattern, months)
    }

    /// The `t` object of every template.
    pub fn template_value(&self) -> &serde_json::Value {
        &self.value
    }
}

/// The nested object templates read as `t`; a plural message is an object
/// of its forms with `_lang`, for the `plural` filter.
fn template_value(messages: &HashMap<String, Message>, lang: &str) -> serde_json::Value {
    use serde_json::{Map, Value};
    let mut root = Map::new();
    let mut keys: Vec<&String> = messages.keys().collect();
    keys.sort();
    for key in keys {
        let mut node = &mut root;
        let mut parts: Vec<&str> = key.split('.').collect();
        let last = parts.pop().unwrap_or_default();
        for p in parts {
            node = match node
                .entry(p.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                Value::Object(m) => m,
                _ => unreachable!("a catalogue key is a leaf or a group, never both"),
            };
        }
        let v = match &messages[key] {
            Message::Text(s) => Value::String(s.to_string()),
            Message::List(items) => {
                Value::Array(items.iter().map(|s| Value::String(s.to_string())).collect())
            }
            Message::Plural(forms) => {
                let mut m: Map<String, Value> = forms
                    .iter()
                    .map(|(f, t)| (f.to_string(), Value::String(t.to_string())))
                    .collect();
                m.insert("_lang".into(), Value::String(lang.to_string()));
                Value::Object(m)
            }
        };
        node.insert(last.to_string(), v);
    }
    Value::Object(root)
}
