//! The rules ids and web addresses follow, whatever file they come from:
//! what an id may be (it names a file or folder of the site), names
//! Windows reserves, a free id for a file name that is not one, and what
//! counts as an http(s) URL. Shared by the parsers and by the commands
//! that write content (`add`, review mode).

use crate::text::slugify;

/// The longest claim id, in characters. An id names a folder of the site
/// (`claims/ID/`), and file systems refuse names over 255 bytes; 100
/// leaves room and is far longer than an id needs to be.
pub(crate) const MAX_ID_LEN: usize = 100;

/// Names Windows reserves for devices, in any case and with any
/// extension: a file or folder so named cannot be created there, so a site
/// with `claims/con/` cannot be checked out or hosted on Windows.
pub(crate) fn is_windows_reserved(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id).to_ascii_lowercase();
    match stem.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        s if s.len() == 4 && (s.starts_with("com") || s.starts_with("lpt")) => {
            matches!(s.as_bytes()[3], b'1'..=b'9')
        }
        _ => false,
    }
}

/// An id for a file name that is not one: its slug, or the slug with the
/// first free `-2`, `-3`… when `taken` says the slug is already an id.
pub(crate) fn free_id(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut base = slugify(name);
    if base.is_empty() {
        base = "article".into();
    }
    if !taken(&base) && !is_windows_reserved(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

/// Article ids are file stems: lowercase letters, digits and `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `url` is an absolute `http:` or `https:` URL with a host.
pub(crate) fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}
