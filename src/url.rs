//! URL helpers: which hrefs may be published, and absolute URLs from the
//! site's `base_url`. A leaf: it imports nothing from the crate.

/// An href safe to publish: http(s), mailto, or a relative reference.
/// Anything with another scheme (`javascript:`, `data:`, `vbscript:` …) is
/// refused, including schemes disguised with white space or control
/// characters, which browsers strip before looking at the scheme.
pub(crate) fn safe_href(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(c), p) if p.is_none_or(|p| c < p) => {
            let scheme = cleaned[..c].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto").then(|| url.trim().to_string())
        }
        _ => Some(url.trim().to_string()),
    }
}

/// Whether `base_url` is an absolute `http(s)` URL.
pub(crate) fn is_absolute(base_url: &str) -> bool {
    let lower = base_url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && base_url.len() > 8
}

/// The absolute URL of `path` (relative to the site root), when
/// `base_url` is absolute.
pub(crate) fn absolute_url(base_url: &str, path: &str) -> Option<String> {
    is_absolute(base_url).then(|| format!("{base_url}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_href_allows_web_links_only() {
        assert!(safe_href("https://a.org").is_some());
        assert!(safe_href("../x/#s-1").is_some());
        assert!(safe_href("mailto:a@b.org").is_some());
        assert!(safe_href("javascript:alert(1)").is_none());
        assert!(safe_href(" java\nscript:alert(1)").is_none());
        assert!(safe_href("data:text/html,x").is_none());
        assert!(safe_href("vbscript:x").is_none());
    }

    #[test]
    fn absolute_means_http_or_https_with_a_host() {
        assert!(is_absolute("https://example.org/checks/"));
        assert!(is_absolute("HTTP://example.org/"));
        assert!(!is_absolute("/"));
        assert!(!is_absolute("/sub/"));
        assert!(!is_absolute("https://"));
        assert!(!is_absolute("//example.org/"));
    }
}
