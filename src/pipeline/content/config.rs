//! `content/site.toml`: the site's title, address, language and date, and
//! the words its pages show in that language. Apart because it is read
//! first and alone: without it nothing else is built.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::input::is_editor_temp;

use super::fields::{Fields, parse_toml};
use super::files::{display_path, read_source};

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub language: String,
    /// The date the facts were checked against the public record.
    pub as_of: Option<String>,
    /// The words pages show, in `language` (with the project's
    /// `content/i18n/LANG.toml` on top).
    #[serde(skip)]
    pub strings: crate::i18n::Strings,
}

pub(crate) fn load_site_config(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<SiteConfig> {
    // Only a missing file is "missing": a folder, a FIFO or a link out of
    // the project is refused by the reader, saying so.
    if std::fs::symlink_metadata(path).is_err() {
        diags.push(
            Diagnostic::error(format!("missing {}", display_path(root, path)))
                .help("create it with at least: title = \"…\""),
        );
        return None;
    }
    let file = read_source(root, path, diags)?;
    let mut config = parse_site_config(&file, diags)?;
    config.strings = load_strings(root, &config.language, diags);
    Some(config)
}

/// The strings of `language`: the built-in catalogue with
/// `content/i18n/LANG.toml` on top when the project has one (read under
/// the input rule, like every other file of the project).
pub(crate) fn load_strings(
    root: &Path,
    language: &str,
    diags: &mut Diagnostics,
) -> crate::i18n::Strings {
    let code = crate::i18n::primary(language);
    let builtin = crate::i18n::BUILTIN.iter().any(|(c, _)| *c == code);
    let path = root
        .join("content")
        .join("i18n")
        .join(format!("{code}.toml"));
    // Another language's file is most likely meant for this site (a
    // wrong code, or `language` changed since): say it is left out.
    if let Ok(entries) = std::fs::read_dir(root.join("content").join("i18n")) {
        let mut others: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| *n != format!("{code}.toml") && !is_editor_temp(Path::new(n)))
            .collect();
        others.sort();
        for name in others {
            diags.push(
                Diagnostic::warning(format!(
                    "content/i18n/{name} is not read: the site's language is `{language}`, whose strings are in content/i18n/{code}.toml"
                ))
                .help("set `language` in content/site.toml, or rename the file"),
            );
        }
    }
    let file = if std::fs::symlink_metadata(&path).is_ok() {
        read_source(root, &path, diags)
    } else {
        None
    };
    if file.is_none() && !builtin {
        diags.push(
            Diagnostic::warning(format!(
                "no built-in strings for language `{language}`: pages show English words"
            ))
            .help(format!(
                "write content/i18n/{code}.toml with the keys of a built-in catalogue (README → Languages), or use one of: {}",
                crate::i18n::BUILTIN.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
            )),
        );
    }
    let (strings, d) = crate::i18n::Strings::resolve(language, file.as_ref());
    diags.extend(d);
    strings
}

pub(crate) fn parse_site_config(
    file: &Arc<SourceFile>,
    diags: &mut Diagnostics,
) -> Option<SiteConfig> {
    let doc = parse_toml(file, 0, &file.text, diags)?;
    let mut f = Fields::new(file, 0, &doc, 0..0, "site.toml", diags);
    let title = f.req_str("title");
    let base_url = match f.opt_str_spanned("base_url") {
        None => "/".to_string(),
        Some((url, span)) => match check_base_url(&url) {
            Ok(()) => url,
            Err(why) => {
                f.diags.push(
                    Diagnostic::error(format!("`base_url` {why}: `{url}`"))
                        .at(file, span)
                        .label("links of 404.html, the feed and canonical links start with this")
                        .help("write a path such as \"/\" or \"/factchecks/\", or an absolute URL such as \"https://example.org/factchecks/\""),
                );
                // Keep going with the default, so every other problem is
                // reported too; the error stops the build.
                "/".to_string()
            }
        },
    };
    let description = f.opt_str("description");
    let publisher = f.opt_str("publisher");
    let language = f.opt_str("language").unwrap_or_else(|| "en".into());
    let as_of = f.opt_date("as_of");
    f.unknown_keys(&[
        "title",
        "base_url",
        "description",
        "publisher",
        "language",
        "as_of",
    ]);
    let base_url = if base_url.ends_with('/') {
        base_url
    } else {
        format!("{base_url}/")
    };
    Some(SiteConfig {
        title: title?,
        base_url,
        description,
        publisher,
        strings: crate::i18n::Strings::builtin(&language),
        language,
        as_of,
    })
}

/// `base_url` starts every link of the 404 page and of the feed, and the
/// canonical and Open Graph URLs, so it may only be a path on this host
/// (`/`, `/factchecks/`) or an absolute `http(s)` URL. Anything else could
/// point those links elsewhere: `javascript:…`, `data:…`, a
/// protocol-relative `//other.host/`, or `/\other.host/` (browsers read a
/// backslash as a slash).
pub(crate) fn check_base_url(url: &str) -> Result<(), &'static str> {
    // RFC 3986 path characters; `%` only as an escape.
    fn path_ok(path: &str) -> bool {
        let b = path.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' => {
                    let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
                    if !(hex(i + 1) && hex(i + 2)) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                c if c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&c) => {}
                _ => return false,
            }
            i += 1;
        }
        true
    }
    let lower = url.to_ascii_lowercase();
    let after_scheme = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s).map(|_| &url[s.len()..]));
    if let Some(rest) = after_scheme {
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host_ok = !host.is_empty()
            && !host.starts_with(':')
            && host
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-.:[]".contains(&c));
        if !host_ok {
            return Err("is not an absolute http(s) URL with a host name");
        }
        if !path_ok(path) {
            return Err(
                "holds characters a URL path cannot have (only letters, digits, `-._~!$&'()*+,;=:@/` and %-escapes)",
            );
        }
        return Ok(());
    }
    if url.starts_with("//") {
        return Err("is a protocol-relative URL: it names another host");
    }
    if !url.starts_with('/') {
        return Err("must be a path starting with `/` or an absolute http(s) URL");
    }
    if !path_ok(url) {
        return Err(
            "holds characters a URL path cannot have (only letters, digits, `-._~!$&'()*+,;=:@/` and %-escapes)",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_is_a_path_or_an_absolute_web_url() {
        for ok in [
            "/",
            "/factchecks/moscow/",
            "/a%20b/",
            "https://example.org",
            "https://example.org/factchecks/",
            "HTTP://localhost:8080/x/",
            "https://[::1]:8443/",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(document.domain)//",
            "//evil.example/",
            "/\\evil.example/",
            "data:text/html,x",
            "factchecks/",
            "",
            "https://",
            "https:///x",
            "https://user@evil.example/",
            "https://example.org/a b/",
            "/a\"onmouseover=\"x/",
            "/%zz/",
            "/x?y#z",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }
}
