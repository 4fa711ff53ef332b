//! The Tera filters templates put the site's words into pages with:
//! `fill` (placeholders, escaped), `plural` (the form for a count) and
//! `ldate` (a date as the language writes it). The renderer only
//! registers them; what they escape is what keeps a catalogue's or a
//! page's text from becoming markup, so they are read on their own.

use crate::text::escape_html;

/// A catalogue value's text: a string, or the `other` form of a plural
/// message (so a project template that forgets `plural` still reads).
fn message_text(value: &tera::Value) -> tera::Result<String> {
    match value {
        tera::Value::String(s) => Ok(s.clone()),
        tera::Value::Object(forms) => match forms.get("other") {
            Some(tera::Value::String(s)) => Ok(s.clone()),
            _ => Err(tera::Error::msg("not a message of the catalogue")),
        },
        tera::Value::Null => Err(tera::Error::msg(
            "no such message in the catalogue (a misspelt `t.` key?)",
        )),
        other => Ok(other.to_string()),
    }
}

fn arg_text(value: &tera::Value) -> String {
    match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `{{ t.key | fill(name=value) | safe }}`: the message, escaped, with each
/// `{name}` filled in, escaped too. `name_href=URL` makes the filled-in
/// text a link, `name_time=YYYY-MM-DD` a `<time>`, and `name_html=…` is
/// inserted as is (only the output of the templates' own macros goes
/// there). The result is markup, hence the `safe` after it.
pub(super) fn fill_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let message = message_text(value)?;
    let mut out = String::with_capacity(message.len() + 32);
    let mut rest = message.as_str();
    while let Some(open) = rest.find('{') {
        escape_into(&mut out, &rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            escape_into(&mut out, &rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        if let Some(html) = args.get(&format!("{name}_html")) {
            out.push_str(&arg_text(html));
        } else if let Some(v) = args.get(name) {
            // What the page fills in escapes as everything else does.
            let text = escape_html(&arg_text(v));
            if let Some(href) = args.get(&format!("{name}_href")) {
                out.push_str("<a href=\"");
                escape_into(&mut out, &arg_text(href));
                out.push_str("\">");
                out.push_str(&text);
                out.push_str("</a>");
            } else if let Some(iso) = args.get(&format!("{name}_time")) {
                out.push_str("<time datetime=\"");
                escape_into(&mut out, &arg_text(iso));
                out.push_str("\">");
                out.push_str(&text);
                out.push_str("</time>");
            } else {
                out.push_str(&text);
            }
        } else {
            // Not one of this call's placeholders: shown as written.
            escape_into(&mut out, &rest[open..open + close + 2]);
        }
        rest = &after[close + 1..];
    }
    escape_into(&mut out, rest);
    Ok(tera::Value::String(out))
}

/// Escapes `&`, `<`, `>` and `"`: enough for text and double-quoted
/// attributes (every attribute of the templates). An apostrophe stays one,
/// as it does in the templates' own text.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// `{{ t.count.claims | plural(n=3) }}`: the form of a plural message for
/// `n` in the catalogue's language, `{n}` filled in (plain text).
pub(super) fn plural_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let n = args
        .get("n")
        .and_then(tera::Value::as_u64)
        .ok_or_else(|| tera::Error::msg("`plural` needs a count: plural(n=…)"))?;
    let text = match value {
        tera::Value::Object(forms) => {
            let lang = forms.get("_lang").and_then(|l| l.as_str()).unwrap_or("en");
            let form = crate::i18n::plural_category(lang, n as usize);
            forms
                .get(form)
                .or_else(|| forms.get("other"))
                .map(arg_text)
                .unwrap_or_default()
        }
        other => message_text(other)?,
    };
    Ok(tera::Value::String(text.replace("{n}", &n.to_string())))
}

/// `{{ date | ldate(f=t.date) }}`: a `YYYY-MM-DD` date as the language
/// writes it.
pub(super) fn ldate_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let iso = arg_text(value);
    let Some(f) = args.get("f") else {
        return Ok(tera::Value::String(iso));
    };
    let pattern = f.get("pattern").and_then(|p| p.as_str()).unwrap_or("{iso}");
    let months: Vec<&str> = f
        .get("months")
        .and_then(|m| m.as_array())
        .map(|m| m.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    Ok(tera::Value::String(crate::i18n::format_date(
        &iso, pattern, &months,
    )))
}
