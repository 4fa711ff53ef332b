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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// The built-in catalogues, by language code.
pub const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../i18n/en.toml")),
    ("de", include_str!("../i18n/de.toml")),
    ("fr", include_str!("../i18n/fr.toml")),
    ("es", include_str!("../i18n/es.toml")),
    ("uk", include_str!("../i18n/uk.toml")),
    ("ar", include_str!("../i18n/ar.toml")),
];

/// Languages written right to left: pages get `dir="rtl"`.
const RTL: &[&str] = &["ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb"];

const FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The primary subtag of a BCP 47 tag, lowercased: `de-AT` → `de`.
pub fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Whether `lang` is written right to left.
pub fn is_rtl(lang: &str) -> bool {
    RTL.contains(&primary(lang).as_str())
}

/// The stylesheet mirrored for a right-to-left page: `left` and `right`
/// swapped in property names and values, the second and fourth of a
/// four-value `margin` / `padding` swapped, and a `box-shadow`'s horizontal
/// offset negated (what CSSJanus does, for the CSS our templates use).
/// Left-to-right pages keep the stylesheet as written, byte for byte, and
/// a project's own `templates/style.css` is mirrored the same way.
/// Comments are copied unchanged.
pub fn mirror_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while !rest.is_empty() {
        match rest.find("/*") {
            Some(0) => {
                let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            Some(start) => {
                mirror_code(&rest[..start], &mut out);
                rest = &rest[start..];
            }
            None => {
                mirror_code(rest, &mut out);
                rest = "";
            }
        }
    }
    out
}

/// Mirrors CSS without comments, one declaration (up to `;`, `{` or `}`)
/// at a time.
fn mirror_code(code: &str, out: &mut String) {
    for piece in code.split_inclusive([';', '{', '}']) {
        let Some((name, value)) = piece.split_once(':') else {
            out.push_str(piece);
            continue;
        };
        // A selector such as `a:focus` has no declaration to mirror; it
        // ends with `{`.
        if piece.ends_with('{') {
            out.push_str(piece);
            continue;
        }
        let prop = name.trim();
        out.push_str(&swap_sides(name));
        out.push(':');
        let (body, end) = match value.char_indices().last() {
            Some((i, ';' | '}')) => (&value[..i], &value[i..]),
            _ => (value, ""),
        };
        let mirrored = match prop {
            "margin" | "padding" | "border-width" | "border-style" | "border-color" => {
                swap_four(body)
            }
            "box-shadow" => negate_first(body),
            _ => swap_sides(body),
        };
        out.push_str(&mirrored);
        out.push_str(end);
    }
}

/// `left` ↔ `right` as whole words (`margin-left`, `text-align: left`).
fn swap_sides(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "left" => "right",
            "right" => "left",
            w => w,
        });
        word.clear();
    };
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `a b c d` → `a d c b`; other counts are symmetric already.
fn swap_four(body: &str) -> String {
    let parts: Vec<&str> = body.split_whitespace().collect();
    if parts.len() != 4 || body.contains('!') {
        return body.to_string();
    }
    let lead = &body[..body.len() - body.trim_start().len()];
    format!("{lead}{} {} {} {}", parts[0], parts[3], parts[2], parts[1])
}

/// The horizontal offset of each shadow negated: `1px 0 0 red` →
/// `-1px 0 0 red`; `none` and zero offsets stay.
fn negate_first(body: &str) -> String {
    body.split(',')
        .map(|shadow| {
            let trimmed = shadow.trim_start();
            let lead = &shadow[..shadow.len() - trimmed.len()];
            let first = trimmed.split_whitespace().next().unwrap_or("");
            let starts_number = first.starts_with(|c: char| c.is_ascii_digit() || c == '.');
            let zero = first
                .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .trim_matches(['0', '.'])
                .is_empty();
            if let Some(neg) = first.strip_prefix('-') {
                format!("{lead}{neg}{}", &trimmed[first.len()..])
            } else if starts_number && !zero {
                format!("{lead}-{trimmed}")
            } else {
                shadow.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The built-in `search.js` with its English words replaced by the site's
/// `search.*` strings. The script is copied as written for a site whose
/// search strings are the English ones, so English sites stay byte for
/// byte as before; a project's own `search.js`, whose code differs, keeps
/// its own words. Counts use the browser's `Intl.PluralRules` for the
/// site's language with the catalogue's forms.
pub fn localise_search_js(js: &str, strings: &Strings) -> String {
    let english = Strings::builtin("en");
    let keys = [
        "form",
        "label",
        "placeholder",
        "results",
        "loading",
        "failed",
        "failed_file",
        "claim",
        "report",
        "statement",
        "none",
        "count",
        "more",
    ];
    let same = keys.iter().all(|k| {
        let key = format!("search.{k}");
        strings.messages.get(&key) == english.messages.get(&key)
    });
    if same {
        return js.to_string();
    }
    let lit = |k: &str| serde_json::Value::from(strings.get(&format!("search.{k}"))).to_string();
    let forms = strings.value["search"]["count"].to_string();
    let lang = serde_json::Value::from(strings.lang()).to_string();
    let swaps: [(&str, String); 12] = [
        ("'Search this fact-check'", lit("form")),
        ("'Search claims and statements'", lit("label")),
        ("'Search claims, verdicts, statements…'", lit("placeholder")),
        ("'Search results'", lit("results")),
        ("'Loading the search index…'", lit("loading")),
        (
            "'The search index could not be loaded' +\n            (location.protocol === 'file:' ? ' (search works when the site is served over HTTP).' : '.')",
            format!(
                "(location.protocol === 'file:' ? {} : {})",
                lit("failed_file"),
                lit("failed")
            ),
        ),
        ("kind = 'Claim';", format!("kind = {};", lit("claim"))),
        ("kind = 'Report';", format!("kind = {};", lit("report"))),
        (
            "kind = 'Statement';",
            format!("kind = {};", lit("statement")),
        ),
        ("'No results.'", lit("none")),
        (
            "hits.length + ' results; the first ' + MAX_RESULTS + ' are shown.'",
            format!(
                "{}.replace('{{n}}', hits.length).replace('{{max}}', MAX_RESULTS)",
                lit("more")
            ),
        ),
        (
            "hits.length + (hits.length === 1 ? ' result.' : ' results.')",
            format!(
                "(function (f, n) {{ var c = 'other'; try {{ c = new Intl.PluralRules({lang}).select(n); }} catch (e) {{}} return (f[c] || f.other).replace('{{n}}', n); }})({forms}, hits.length)"
            ),
        ),
    ];
    let mut out = js.to_string();
    for (from, to) in swaps {
        out = out.replace(from, &to);
    }
    out
}

/// The CLDR cardinal plural category of a whole number `n` in `lang`
/// (CLDR 44 rules for integers; the `many` of French and Spanish for
/// exact millions is left out, as pages never count that high in words).
/// Languages not listed follow English.
pub fn plural_category(lang: &str, n: usize) -> &'static str {
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

/// Strings live as long as the program: views hold `&'static str`.
/// Each distinct string is kept once, however many builds use it.
fn intern(s: &str) -> &'static str {
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
enum Message {
    Text(&'static str),
    /// `(form, text)`, `other` always present.
    Plural(Vec<(&'static str, &'static str)>),
    /// `date.months`: twelve names.
    List(Vec<&'static str>),
}

/// A catalogue flattened to dotted keys (`claim.verdict`).
type Flat = BTreeMap<String, (Message, std::ops::Range<usize>)>;

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

/// The catalogue of `code`, parsed once.
fn builtin_flat(code: &str) -> Option<&'static Flat> {
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

fn english() -> &'static Flat {
    builtin_flat("en").expect("the English catalogue is built in")
}

impl Strings {
    /// The built-in strings of `lang` (English for a language without a
    /// catalogue).
    pub fn builtin(lang: &str) -> Strings {
        Strings::resolve(lang, None).0
    }

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

/// `iso` (`YYYY-MM-DD`) by `pattern`; other text unchanged.
pub fn format_date(iso: &str, pattern: &str, months: &[&str]) -> String {
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

fn form(forms: &[(&'static str, &'static str)], category: &str) -> &'static str {
    forms
        .iter()
        .find(|(f, _)| *f == category)
        .or_else(|| forms.iter().find(|(f, _)| *f == "other"))
        .map_or("", |(_, t)| t)
}

fn shape(m: &Message) -> &'static str {
    match m {
        Message::Text(_) => "a string",
        Message::Plural(_) => "a table of plural forms",
        Message::List(_) => "an array of strings",
    }
}

/// The placeholders a message at `key` may use: those of the English one,
/// or for `date.pattern` any part of a date.
fn allowed_placeholders(key: &str, english: &Message) -> BTreeSet<String> {
    if key == "date.pattern" {
        ["d", "month", "y", "iso"].map(String::from).into()
    } else {
        placeholders(english)
    }
}

/// `{name}` placeholders of a message.
fn placeholders(m: &Message) -> BTreeSet<String> {
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

/// Parses a catalogue into dotted keys, reporting each problem with its
/// place in the file.
fn flatten(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Flat> {
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

/// Fills `{name}` placeholders of `message`.
pub fn fill(message: &str, args: &[(&str, &str)]) -> String {
    let mut out = message.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn search_script_speaks_the_language_and_english_stays_as_written() {
        let js = include_str!("../templates/search.js");
        assert_eq!(localise_search_js(js, &Strings::builtin("en")), js);
        let english = Strings::builtin("en");
        for lang in ["de", "fr", "es", "uk", "ar"] {
            let out = localise_search_js(js, &Strings::builtin(lang));
            for key in ["form", "label", "placeholder", "results", "loading", "none"] {
                let en = english.get(&format!("search.{key}"));
                assert!(!out.contains(en), "{lang}: {en:?} left in search.js");
            }
            for english_code in [
                "kind = 'Claim'",
                "' results.'",
                "are shown.",
                "could not be loaded",
            ] {
                assert!(
                    !out.contains(english_code),
                    "{lang}: {english_code:?} left in search.js"
                );
            }
            let own = Strings::builtin(lang);
            assert!(
                out.contains(&serde_json::Value::from(own.get("search.placeholder")).to_string())
            );
            assert!(
                out.contains(&format!("new Intl.PluralRules(\"{lang}\")")),
                "{lang}"
            );
        }
    }

    #[test]
    fn mirrored_stylesheet_swaps_sides_and_keeps_comments() {
        let css = "/* the right edge */\n.brand { margin-right: auto; }\n\
                   .skip:focus { left: 1rem; z-index: 10; }\n\
                   .m th { text-align: left; box-shadow: 1px 0 0 var(--line); }\n\
                   .n { padding: .1rem .4rem .3rem .9rem; border-left-color: red }\n\
                   .o { box-shadow: 0 0 0 5px var(--bg); margin: 0 auto; }";
        assert_eq!(
            mirror_css(css),
            "/* the right edge */\n.brand { margin-left: auto; }\n\
             .skip:focus { right: 1rem; z-index: 10; }\n\
             .m th { text-align: right; box-shadow: -1px 0 0 var(--line); }\n\
             .n { padding: .1rem .9rem .3rem .4rem; border-right-color: red }\n\
             .o { box-shadow: 0 0 0 5px var(--bg); margin: 0 auto; }"
        );
    }

    #[test]
    fn mirrored_builtin_stylesheet_has_no_physical_side_left_unswapped() {
        let css = include_str!("../templates/style.css");
        let mirrored = mirror_css(css);
        assert_eq!(
            mirror_css(&mirrored),
            css,
            "mirroring twice gives the original"
        );
        assert_eq!(
            css.matches("margin-right").count(),
            mirrored.matches("margin-left").count()
        );
        assert!(mirrored.contains(".brand { font-weight: 700; color: var(--fg); text-decoration: none; margin-left: auto; }"));
    }
    use super::*;

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
