//! Reading a catalogue (built in, or a project's `content/i18n/LANG.toml`)
//! into messages by dotted key, each problem reported with its place.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// The built-in catalogues, by language code.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.toml")),
    ("de", include_str!("../../i18n/de.toml")),
    ("fr", include_str!("../../i18n/fr.toml")),
    ("es", include_str!("../../i18n/es.toml")),
    ("uk", include_str!("../../i18n/uk.toml")),
    ("ar", include_str!("../../i18n/ar.toml")),
];

const FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Strings live as long as the program: views hold `&'static str`.
/// Each distinct string is kept once, however many builds use it.
pub(super) fn intern(s: &str) -> &'static str {
    static POOL: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut pool = POOL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&s) = pool.get(s) {
        return s;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    pool.insert(leaked);
    leaked
}

/// One message of a catalogue.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Message {
    Text(&'static str),
    /// `(form, text)`, `other` always present.
    Plural(Vec<(&'static str, &'static str)>),
    /// `date.months`: twelve names.
    List(Vec<&'static str>),
}

/// A catalogue flattened to dotted keys (`claim.verdict`).
pub(super) type Flat = BTreeMap<String, (Message, std::ops::Range<usize>)>;

/// The catalogue of `code`, parsed once.
pub(super) fn builtin_flat(code: &str) -> Option<&'static Flat> {
    static CACHE: OnceLock<Vec<(&'static str, Flat)>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(code, text)| {
                let file = SourceFile::new(format!("(built-in) i18n/{code}.toml"), *text);
                let mut diags = Diagnostics::default();
                let flat = flatten(&file, &mut diags).unwrap_or_default();
                debug_assert!(diags.is_empty(), "{code}: {}", diags.render(false));
                (*code, flat)
            })
            .collect()
    });
    all.iter().find(|(c, _)| *c == code).map(|(_, f)| f)
}

pub(super) fn english() -> &'static Flat {
    builtin_flat("en").expect("the English catalogue is built in")
}

/// Parses a catalogue into dotted keys, reporting each problem with its
/// place in the file.
pub(super) fn flatten(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Flat> {
    let doc = match DeTable::parse(&file.text) {
        Ok(doc) => doc.into_inner(),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            diags.push(
                Diagnostic::error(format!("invalid TOML in {}: {message}", file.name))
                    .at(file, span.start..span.end.max(span.start + 1))
                    .label(message),
            );
            return None;
        }
    };
    let mut out = Flat::new();
    walk(file, &doc, "", &mut out, diags);
    Some(out)
}

fn walk(
    file: &Arc<SourceFile>,
    table: &DeTable,
    prefix: &str,
    out: &mut Flat,
    diags: &mut Diagnostics,
) {
    for (k, item) in table {
        let key = format!("{prefix}{}", k.get_ref());
        let span = k.span();
        match item.get_ref() {
            DeValue::String(s) => {
                out.insert(key, (Message::Text(intern(s)), span));
            }
            DeValue::Array(items) => {
                let mut list = Vec::new();
                for v in items.iter() {
                    match v.get_ref().as_str() {
                        Some(s) => list.push(intern(s)),
                        None => diags.push(
                            Diagnostic::error(format!(
                                "`{key}` in {} holds a value that is not a string",
                                file.name
                            ))
                            .at(file, v.span())
                            .label("expected a string"),
                        ),
                    }
                }
                out.insert(key, (Message::List(list), span));
            }
            DeValue::Table(t)
                if !t.is_empty() && t.keys().all(|f| FORMS.contains(&f.get_ref().as_ref())) =>
            {
                let mut forms = Vec::new();
                for (f, v) in t {
                    match v.get_ref().as_str() {
                        Some(s) => forms.push((intern(f.get_ref()), intern(s))),
                        None => diags.push(
                            Diagnostic::error(format!(
                                "plural form `{key}.{}` in {} is not a string",
                                f.get_ref(),
                                file.name
                            ))
                            .at(file, v.span())
                            .label("expected a string"),
                        ),
                    }
                }
                if !forms.iter().any(|(f, _)| *f == "other") {
                    diags.push(
                        Diagnostic::error(format!("plural message `{key}` in {} has no `other` form", file.name))
                            .at(file, span.clone())
                            .label("`other` is the form every language has")
                            .help("write `other = \"…\"`; `zero`, `one`, `two`, `few` and `many` are optional"),
                    );
                }
                out.insert(key, (Message::Plural(forms), span));
            }
            DeValue::Table(t) => walk(file, t, &format!("{key}."), out, diags),
            _ => diags.push(
                Diagnostic::error(format!("`{key}` in {} must be a string", file.name))
                    .at(file, item.span())
                    .label("expected a string"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::forms::plural_category;
    use crate::i18n::overrides::{allowed_placeholders, placeholders, shape};
    #[test]
    fn every_catalogue_has_exactly_the_english_keys_and_shapes() {
        let en = english();
        for (code, text) in BUILTIN {
            let file = SourceFile::new(format!("i18n/{code}.toml"), *text);
            let mut diags = Diagnostics::default();
            let flat = flatten(&file, &mut diags).expect("parses");
            assert!(diags.is_empty(), "{code}: {}", diags.render(false));
            let missing: Vec<_> = en.keys().filter(|k| !flat.contains_key(*k)).collect();
            let extra: Vec<_> = flat.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            assert!(extra.is_empty(), "{code} has unknown {extra:?}");
            for (k, (m, _)) in &flat {
                let want = &en[k].0;
                assert_eq!(shape(m), shape(want), "{code}: {k}");
                // A translation fills what the English message fills (a
                // placeholder left out would drop a number or a name).
                if k == "date.pattern" {
                    assert!(placeholders(m).is_subset(&allowed_placeholders(k, want)));
                } else {
                    assert_eq!(
                        placeholders(m),
                        placeholders(want),
                        "{code}: {k} placeholders"
                    );
                }
                if let Message::List(l) = m {
                    assert_eq!(l.len(), 12, "{code}: {k}");
                }
                if let Message::Plural(forms) = m {
                    // Every form the language's rules can pick is written.
                    for n in 0..200 {
                        let cat = plural_category(code, n);
                        assert!(
                            forms.iter().any(|(f, _)| *f == cat),
                            "{code}: {k} lacks the `{cat}` form (for {n})"
                        );
                    }
                }
            }
        }
    }
}
