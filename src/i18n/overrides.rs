//! A project's `content/i18n/LANG.toml` over the built-in catalogue: what
//! it may change (the keys, shapes and placeholders of the English
//! catalogue), and the resolved strings with every problem found.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::catalogue::{Flat, Message, builtin_flat, english, flatten};
use super::{Strings, primary, template_value};
use crate::diag::{Diagnostic, Diagnostics, SourceFile};

impl Strings {
    /// The built-in strings of `lang` with the project's `override_file`
    /// (`content/i18n/LANG.toml`) on top, and what is wrong with it.
    pub fn resolve(lang: &str, override_file: Option<&Arc<SourceFile>>) -> (Strings, Diagnostics) {
        let mut diags = Diagnostics::default();
        let reference = english();
        let base = builtin_flat(&primary(lang));
        let mut messages: HashMap<String, Message> = reference
            .iter()
            .map(|(k, (m, _))| {
                let m = base
                    .and_then(|b| b.get(k))
                    .map_or_else(|| m.clone(), |(m, _)| m.clone());
                (k.clone(), m)
            })
            .collect();
        if let Some(file) = override_file
            && let Some(flat) = flatten(file, &mut diags)
        {
            check_override(file, &flat, reference, &mut diags);
            let mut missing = Vec::new();
            for k in reference.keys() {
                match flat.get(k) {
                    Some((m, _)) if shape(m) == shape(&reference[k].0) => {
                        messages.insert(k.clone(), m.clone());
                    }
                    Some(_) => {}
                    None if base.is_none() => missing.push(k.as_str()),
                    None => {}
                }
            }
            if !missing.is_empty() {
                diags.push(
                    Diagnostic::warning(format!(
                        "{} has no built-in catalogue and {} leaves out {} key{}: {} (shown in English)",
                        lang,
                        file.name,
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" },
                        missing.join(", ")
                    ))
                    .in_file(file)
                    .help("copy the keys from a built-in catalogue (README → Languages) and translate them"),
                );
            }
        }
        let value = Arc::new(template_value(&messages, lang));
        (
            Strings {
                lang: lang.to_string(),
                messages,
                value,
            },
            diags,
        )
    }
}

pub(super) fn shape(m: &Message) -> &'static str {
    match m {
        Message::Text(_) => "a string",
        Message::Plural(_) => "a table of plural forms",
        Message::List(_) => "an array of strings",
    }
}

/// The placeholders a message at `key` may use: those of the English one,
/// or for `date.pattern` any part of a date.
pub(super) fn allowed_placeholders(key: &str, english: &Message) -> BTreeSet<String> {
    if key == "date.pattern" {
        ["d", "month", "y", "iso"].map(String::from).into()
    } else {
        placeholders(english)
    }
}

/// `{name}` placeholders of a message.
pub(super) fn placeholders(m: &Message) -> BTreeSet<String> {
    let texts: Vec<&str> = match m {
        Message::Text(s) => vec![s],
        Message::Plural(forms) => forms.iter().map(|(_, t)| *t).collect(),
        Message::List(_) => vec![],
    };
    let mut out = BTreeSet::new();
    for t in texts {
        let mut rest = t;
        while let Some(i) = rest.find('{') {
            rest = &rest[i + 1..];
            if let Some(j) = rest.find('}') {
                let name = &rest[..j];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.insert(name.to_string());
                }
                rest = &rest[j + 1..];
            }
        }
    }
    out
}

fn check_override(file: &Arc<SourceFile>, flat: &Flat, reference: &Flat, diags: &mut Diagnostics) {
    let known: Vec<&str> = reference.keys().map(String::as_str).collect();
    for (key, (m, span)) in flat {
        let Some((want, _)) = reference.get(key) else {
            let mut d = Diagnostic::error(format!("unknown key `{key}` in {}", file.name))
                .at(file, span.clone())
                .label("not a key of the catalogue");
            if let Some(near) = known
                .iter()
                .filter(|k| strsim::jaro_winkler(k, key) > 0.85)
                .max_by(|a, b| {
                    strsim::jaro_winkler(a, key).total_cmp(&strsim::jaro_winkler(b, key))
                })
            {
                d = d.help(format!("did you mean `{near}`?"));
            } else {
                d = d.help("the keys are those of the built-in catalogues (README → Languages)");
            }
            diags.push(d);
            continue;
        };
        if shape(m) != shape(want) {
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` in {} must be {}, not {}",
                    file.name,
                    shape(want),
                    shape(m)
                ))
                .at(file, span.clone())
                .label(format!("expected {}", shape(want))),
            );
            continue;
        }
        if let Message::List(items) = m
            && items.len() != 12
        {
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` in {} must name 12 months, not {}",
                    file.name,
                    items.len()
                ))
                .at(file, span.clone())
                .label("January to December"),
            );
            continue;
        }
        let allowed = allowed_placeholders(key, want);
        let extra: Vec<String> = placeholders(m)
            .difference(&allowed)
            .map(|p| format!("{{{p}}}"))
            .collect();
        if !extra.is_empty() {
            let allowed: Vec<String> = allowed.iter().map(|p| format!("{{{p}}}")).collect();
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` in {} uses {} which this message does not fill",
                    file.name,
                    extra.join(", ")
                ))
                .at(file, span.clone())
                .label("would be shown as written")
                .help(if allowed.is_empty() {
                    "this message has no placeholders".to_string()
                } else {
                    format!("this message fills {}", allowed.join(", "))
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_replaces_strings_and_names_unknown_keys_with_their_place() {
        let file = SourceFile::new(
            "content/i18n/de.toml",
            "[verdict]\naccurate = \"Stimmt\"\nacurate2 = \"x\"\n[nav]\nclaims = { other = \"x\" }\n",
        );
        let (s, diags) = Strings::resolve("de", Some(&file));
        assert_eq!(s.get("verdict.accurate"), "Stimmt");
        assert_eq!(s.get("verdict.inaccurate"), "Falsch");
        let text = diags.render(false);
        assert_eq!(diags.error_count(), 2, "{text}");
        assert!(text.contains("unknown key `verdict.acurate2`"), "{text}");
        assert!(text.contains("content/i18n/de.toml:3:1"), "{text}");
        assert!(
            text.contains("`nav.claims` in content/i18n/de.toml must be a string"),
            "{text}"
        );
    }

    #[test]
    fn an_override_for_a_language_without_a_catalogue_warns_of_missing_keys() {
        let file = SourceFile::new("content/i18n/it.toml", "[verdict]\naccurate = \"Vero\"\n");
        let (s, diags) = Strings::resolve("it", Some(&file));
        assert_eq!(s.get("verdict.accurate"), "Vero");
        assert_eq!(s.get("verdict.inaccurate"), "Inaccurate");
        assert_eq!(diags.error_count(), 0);
        assert_eq!(diags.warning_count(), 1);
        assert!(diags.render(false).contains("verdict.inaccurate"));
    }

    #[test]
    fn an_unknown_placeholder_is_an_error() {
        let file = SourceFile::new(
            "content/i18n/fr.toml",
            "[count]\nclaims = { one = \"{x} affirmation\", other = \"{n} affirmations\" }\n",
        );
        let (_, diags) = Strings::resolve("fr", Some(&file));
        assert!(
            diags.render(false).contains("uses {x}"),
            "{}",
            diags.render(false)
        );
    }
}
