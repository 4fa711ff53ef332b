//! The built-in search script in the site's language.

use super::Strings;

/// The built-in `search.js` with its English words replaced by the site's
/// `search.*` strings. The script is copied as written for a site whose
/// search strings are the English ones, so English sites stay byte for
/// byte as before; a project's own `search.js`, whose code differs, keeps
/// its own words. Counts use the browser's `Intl.PluralRules` for the
/// site's language with the catalogue's forms.
pub(crate) fn localise_search_js(js: &str, strings: &Strings) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_script_speaks_the_language_and_english_stays_as_written() {
        let js = include_str!("../../templates/search.js");
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
}
