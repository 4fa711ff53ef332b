//! Getting a page: fetching an `http(s)://` URL, or reading a saved file,
//! and decoding it to text.
//!
//! Redirects are followed here rather than by ureq, one hop at a time, so
//! that every hop's scheme is checked, a loop is named as a loop, and the
//! error says which URL of the chain failed.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use url::Url;

use super::AddError;

/// What a fetch may take, end to end, across redirects: body included.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Environment variable overriding [`DEFAULT_TIMEOUT`], in seconds
/// (decimals allowed): for slow links, and for tests.
pub(crate) const TIMEOUT_ENV: &str = "CROSSCHECK_ADD_TIMEOUT";
/// The largest page accepted, after decompression. A news article's HTML
/// is rarely over 2 MB; anything past this is not a page worth keeping.
pub(crate) const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Redirects followed before giving up.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// A page's bytes decoded to text, and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub html: String,
    /// The URL the page was finally fetched from (after redirects); `None`
    /// for a saved file.
    pub url: Option<Url>,
}

/// How long a fetch may take: [`TIMEOUT_ENV`] when set to a positive number
/// of seconds, else [`DEFAULT_TIMEOUT`].
pub(crate) fn timeout_from_env() -> Result<Duration, AddError> {
    parse_timeout(std::env::var(TIMEOUT_ENV).ok().as_deref())
}

fn parse_timeout(value: Option<&str>) -> Result<Duration, AddError> {
    match value {
        None => Ok(DEFAULT_TIMEOUT),
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or(AddError::BadTimeout {
                value: v.to_string(),
            }),
    }
}

/// Parses a SOURCE that looks like a URL; only http and https are fetched.
pub(crate) fn parse_url(source: &str) -> Result<Url, AddError> {
    let url = Url::parse(source).map_err(|e| AddError::BadUrl {
        url: source.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AddError::Scheme {
            url: source.to_string(),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(AddError::BadUrl {
            url: source.to_string(),
            reason: "no host name".into(),
        });
    }
    Ok(url)
}

/// Fetches `url`, following up to [`MAX_REDIRECTS`] redirects, all within
/// `timeout`.
pub(crate) fn fetch(url: &Url, timeout: Duration) -> Result<Page, AddError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!(
            "crosscheck/",
            env!("CARGO_PKG_VERSION"),
            " (fact-check article import)"
        ))
        .build()
        .into();
    let deadline = Instant::now() + timeout;
    let mut chain: Vec<Url> = vec![url.clone()];
    loop {
        let current = chain.last().expect("never empty").clone();
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(AddError::Timeout {
                url: current.to_string(),
                timeout,
            });
        }
        let response = agent
            .get(current.as_str())
            .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
            .config()
            .timeout_global(Some(remaining))
            .build()
            .call()
            .map_err(|e| request_error(&current, e, timeout))?;
        let status = response.status();
        if status.is_redirection() && status != ureq::http::StatusCode::NOT_MODIFIED {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| AddError::Status {
                    url: current.to_string(),
                    status: status.as_u16(),
                    reason: format!("{} without a Location header", reason(status)),
                })?;
            let next = current.join(location).map_err(|e| AddError::BadRedirect {
                url: current.to_string(),
                target: location.to_string(),
                reason: e.to_string(),
            })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(AddError::BadRedirect {
                    url: current.to_string(),
                    target: next.to_string(),
                    reason: "only http:// and https:// are followed".into(),
                });
            }
            if chain.contains(&next) {
                chain.push(next);
                return Err(AddError::RedirectLoop {
                    url: url.to_string(),
                    chain: chain.iter().map(Url::to_string).collect(),
                });
            }
            if chain.len() > MAX_REDIRECTS {
                return Err(AddError::TooManyRedirects {
                    url: url.to_string(),
                    limit: MAX_REDIRECTS,
                });
            }
            chain.push(next);
            continue;
        }
        if !status.is_success() {
            return Err(AddError::Status {
                url: current.to_string(),
                status: status.as_u16(),
                reason: reason(status),
            });
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = response.into_body();
        if body.content_length().is_some_and(|n| n > MAX_BYTES) {
            return Err(AddError::TooLarge {
                url: current.to_string(),
                limit: MAX_BYTES,
            });
        }
        // One byte past the limit tells "exactly the limit" from "more".
        let mut bytes = Vec::new();
        body.as_reader()
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(&current, e, timeout))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(AddError::TooLarge {
                url: current.to_string(),
                limit: MAX_BYTES,
            });
        }
        check_html(current.as_ref(), content_type.as_deref(), &bytes)?;
        let html = decode(&bytes, content_type.as_deref().and_then(charset_param));
        return Ok(Page {
            html,
            url: Some(current),
        });
    }
}

/// Reads a saved page from disk.
pub(crate) fn read_file(path: &Path) -> Result<Page, AddError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| AddError::Read {
        path: name.clone(),
        source: e,
    })?;
    if meta.len() > MAX_BYTES {
        return Err(AddError::TooLarge {
            url: name,
            limit: MAX_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| AddError::Read {
        path: name.clone(),
        source: e,
    })?;
    let is_mhtml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("mhtml") || e.eq_ignore_ascii_case("mht"));
    if is_mhtml {
        let part = super::mhtml::main_html(&bytes).map_err(|reason| AddError::Mhtml {
            path: name.clone(),
            reason,
        })?;
        return Ok(Page {
            html: part.html,
            url: part.location,
        });
    }
    check_html(&name, None, &bytes)?;
    Ok(Page {
        html: decode(&bytes, None),
        url: None,
    })
}

fn reason(status: ureq::http::StatusCode) -> String {
    match status.canonical_reason() {
        Some(r) => format!("{} {r}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn request_error(url: &Url, e: ureq::Error, timeout: Duration) -> AddError {
    let url_s = url.to_string();
    match e {
        ureq::Error::Timeout(_) => AddError::Timeout {
            url: url_s,
            timeout,
        },
        ureq::Error::HostNotFound => AddError::Dns {
            url: url_s,
            host: url.host_str().unwrap_or_default().to_string(),
        },
        ureq::Error::Tls(detail) => AddError::Tls {
            url: url_s,
            detail: detail.to_string(),
        },
        ureq::Error::Rustls(detail) => AddError::Tls {
            url: url_s,
            detail: detail.to_string(),
        },
        ureq::Error::Io(io) => io_error(url, io, timeout),
        ureq::Error::BodyExceedsLimit(_) => AddError::TooLarge {
            url: url_s,
            limit: MAX_BYTES,
        },
        ureq::Error::ConnectionFailed => AddError::Connect {
            url: url_s,
            detail: "connection failed".into(),
        },
        other => AddError::Connect {
            url: url_s,
            detail: other.to_string(),
        },
    }
}

fn io_error(url: &Url, io: std::io::Error, timeout: Duration) -> AddError {
    use std::io::ErrorKind;
    match io.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => AddError::Timeout {
            url: url.to_string(),
            timeout,
        },
        _ => AddError::Connect {
            url: url.to_string(),
            detail: io.to_string(),
        },
    }
}

/// ureq reports its own errors through the body reader as `io::Error`s
/// wrapping a `ureq::Error`.
fn read_error(url: &Url, io: std::io::Error, timeout: Duration) -> AddError {
    if io.get_ref().is_some_and(|e| e.is::<ureq::Error>()) {
        let inner = io.into_inner().expect("checked");
        let e = *inner.downcast::<ureq::Error>().expect("checked");
        return request_error(url, e, timeout);
    }
    io_error(url, io, timeout)
}

/// The `charset` parameter of a Content-Type value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

/// Refuses what is not an HTML page, by its Content-Type when it has one
/// and by its first bytes (a PDF served as `text/html` is still a PDF).
fn check_html(source: &str, content_type: Option<&str>, bytes: &[u8]) -> Result<(), AddError> {
    let mime = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|m| !m.is_empty());
    let sniffed = sniff(bytes);
    if let Some(what) = sniffed {
        return Err(AddError::NotHtml {
            url: source.to_string(),
            what: what.to_string(),
        });
    }
    match mime.as_deref() {
        None | Some("text/html" | "application/xhtml+xml") => {}
        // Servers label pages loosely; a body that starts like markup is
        // read as a page.
        Some("text/plain" | "application/octet-stream") if looks_like_html(bytes) => {}
        Some(m) => {
            return Err(AddError::NotHtml {
                url: source.to_string(),
                what: m.to_string(),
            });
        }
    }
    if !looks_like_html(bytes) {
        return Err(AddError::NotHtml {
            url: source.to_string(),
            what: "a file that does not start like an HTML page".into(),
        });
    }
    Ok(())
}

/// Formats recognised by their first bytes, for a clear "not HTML".
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "a PDF document (application/pdf)"),
        (b"PK\x03\x04", "a ZIP archive (perhaps a Word or EPUB file)"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1f\x8b", "a gzip file"),
    ];
    SIGNATURES
        .iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, what)| *what)
}

/// Starts (after a BOM and white space) with `<`: a doctype, a tag or a
/// comment.
fn looks_like_html(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let b = if b.starts_with(b"\xff\xfe") || b.starts_with(b"\xfe\xff") {
        // UTF-16: decode a little to look.
        return decode(&bytes[..bytes.len().min(512)], None)
            .trim_start()
            .starts_with('<');
    } else {
        b
    };
    b.iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| c == b'<')
}

/// Decodes a page as a browser would: a byte-order mark wins, then the
/// HTTP charset, then a `<meta charset>` in the first 1024 bytes, then
/// UTF-8 when the bytes are valid UTF-8, else windows-1252 (HTML's
/// default for legacy pages).
pub(crate) fn decode(bytes: &[u8], http_charset: Option<&str>) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let declared = http_charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(1024)]));
    let encoding = match declared {
        // A page that says UTF-16 in ASCII bytes is not UTF-16 (HTML
        // spec): read it as UTF-8.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::WINDOWS_1252,
    };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…;
/// charset=…">`, looked for in the page's first bytes.
fn meta_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<meta") {
        rest = &rest[i + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(j) = tag.find("charset") {
            let after = tag[j + 7..].trim_start();
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let end = value
                    .find(|c: char| {
                        c == '"' || c == '\'' || c == ';' || c.is_whitespace() || c == '/'
                    })
                    .unwrap_or(value.len());
                if let Some(e) = encoding_rs::Encoding::for_label(&value.as_bytes()[..end]) {
                    return Some(e);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_are_fetched() {
        assert!(parse_url("https://news.example/a").is_ok());
        assert!(parse_url("http://news.example/a").is_ok());
        for bad in [
            "ftp://news.example/a",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            let e = parse_url(bad).unwrap_err();
            assert!(matches!(e, AddError::Scheme { .. }), "{bad}: {e}");
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn pdf_and_images_are_not_pages() {
        let e = check_html("x.html", Some("text/html"), b"%PDF-1.7\n...").unwrap_err();
        assert!(e.to_string().contains("PDF"), "{e}");
        let e = check_html("u", Some("application/pdf"), b"whatever").unwrap_err();
        assert!(e.to_string().contains("application/pdf"), "{e}");
        assert!(check_html("u", Some("text/html; charset=utf-8"), b"\n <!doctype html>").is_ok());
        assert!(check_html("u", Some("text/plain"), b"just words").is_err());
    }

    #[test]
    fn legacy_encodings_are_decoded_as_declared() {
        // "Привет" in windows-1251, declared in a meta tag.
        let mut page = b"<html><head><meta charset=\"windows-1251\"></head><body>".to_vec();
        page.extend_from_slice(&[0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
        assert!(decode(&page, None).contains("Привет"));
        // The HTTP header wins over nothing.
        assert_eq!(decode(&[0xe9], Some("iso-8859-1")), "é");
        // Undeclared and not UTF-8: windows-1252.
        assert_eq!(decode(b"caf\xe9", None), "café");
        assert_eq!(decode("café".as_bytes(), None), "café");
        assert_eq!(charset_param("text/html; Charset=\"UTF-8\""), Some("UTF-8"));
    }

    #[test]
    fn network_failures_say_what_failed_and_name_the_url() {
        let url = Url::parse("https://news.example/a").unwrap();
        let t = Duration::from_secs(30);
        let dns = request_error(&url, ureq::Error::HostNotFound, t).to_string();
        assert_eq!(
            dns,
            "https://news.example/a: cannot resolve the host name `news.example` (DNS)"
        );
        let tls = request_error(&url, ureq::Error::Tls("certificate expired"), t).to_string();
        assert!(
            tls.starts_with("https://news.example/a: TLS (https) failed"),
            "{tls}"
        );
        let timeout = request_error(&url, ureq::Error::Timeout(ureq::Timeout::Global), t);
        assert!(timeout.to_string().contains("within 30"), "{timeout}");
    }

    #[test]
    fn the_timeout_is_a_positive_number_of_seconds() {
        assert_eq!(parse_timeout(None).unwrap(), DEFAULT_TIMEOUT);
        assert_eq!(
            parse_timeout(Some("0.25")).unwrap(),
            Duration::from_millis(250)
        );
        for bad in ["0", "-1", "soon", "inf"] {
            let e = parse_timeout(Some(bad)).unwrap_err();
            assert!(e.to_string().contains(TIMEOUT_ENV), "{e}");
        }
    }
}
