//! The one `Host` check of every request `serve` answers (pages, the
//! reload stream, the review API): the preview is reached by an IP
//! address, `localhost`, or a name the user allowed (`--allow-host`).
//!
//! A web page on another site can make the browser of someone running a
//! preview send requests here by rebinding its own domain name to
//! 127.0.0.1 (DNS rebinding); the browser then treats our answers as that
//! site's, readable by its scripts — drafts, and in review mode the page
//! carrying the review token. Such requests still carry that domain name
//! as `Host`, and are refused.

use axum::http::{HeaderMap, header};

/// The name part of a `Host` value: `localhost` of `localhost:8000`,
/// `::1` of `[::1]:8000`.
pub(crate) fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// The request's `Host`, lower-cased, when it names the preview itself;
/// otherwise a short message saying why not.
pub(crate) fn check_host(allowed: &[String], headers: &HeaderMap) -> Result<String, String> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let name = host_name(&host);
    let own_name = name == "localhost"
        || name.parse::<std::net::IpAddr>().is_ok()
        || allowed.iter().any(|h| h.eq_ignore_ascii_case(name));
    if host.is_empty() {
        return Err("requests must name the preview in a Host header".into());
    }
    if !own_name {
        return Err(format!(
            "this preview answers requests addressed to an IP address or localhost, not `{host}` (start serve with --allow-host {name} to reach it by that name)"
        ));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::HOST, HeaderValue::from_str(h).unwrap());
        m
    }

    #[test]
    fn own_names_pass_others_do_not() {
        for ok in [
            "127.0.0.1:1111",
            "localhost:8000",
            "LOCALHOST",
            "[::1]:80",
            "10.0.0.5",
        ] {
            assert!(check_host(&[], &with_host(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
        ] {
            assert!(check_host(&[], &with_host(bad)).is_err(), "{bad}");
        }
        assert!(check_host(&[], &HeaderMap::new()).is_err());
        let allowed = vec!["preview.lan".to_string()];
        assert!(check_host(&allowed, &with_host("Preview.LAN:1111")).is_ok());
    }
}
