//! MHTML ("Save as single file" in Chromium browsers): a MIME
//! `multipart/related` message whose first `text/html` part is the page.
//! mail-parser undoes the transfer encoding (quoted-printable, base64) and
//! the part's charset.

use mail_parser::{MessageParser, MimeHeaders, PartType};
use url::Url;

pub(crate) struct MainPart {
    pub html: String,
    /// Where the page was saved from (`Snapshot-Content-Location`, else the
    /// HTML part's `Content-Location`), when it is an http(s) URL.
    pub location: Option<Url>,
}

/// The page inside an MHTML file, or why there is none.
pub(crate) fn main_html(bytes: &[u8]) -> Result<MainPart, String> {
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| "not a MIME message".to_string())?;
    let part = message
        .html_part(0)
        .ok_or_else(|| "it holds no text/html part".to_string())?;
    let html = match &part.body {
        PartType::Html(h) | PartType::Text(h) => h.to_string(),
        _ => return Err("its text/html part is not text".into()),
    };
    let location = message
        .header_raw("Snapshot-Content-Location")
        .map(str::trim)
        .or_else(|| part.content_location())
        .and_then(|l| Url::parse(l.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    Ok(MainPart { html, location })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_is_decoded_and_the_snapshot_location_kept() {
        let mhtml = "From: <Saved by Blink>\r\n\
Snapshot-Content-Location: https://news.example/story\r\n\
Subject: Story\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"----B\"\r\n\
\r\n\
------B\r\n\
Content-Type: text/html\r\n\
Content-ID: <frame-1@mhtml.blink>\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
Content-Location: https://news.example/story\r\n\
\r\n\
<html><head><meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3DUTF-8\"></head><body><p>Caf=C3=A9 talks =\r\n\
ended.</p></body></html>\r\n\
------B\r\n\
Content-Type: image/png\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Location: https://news.example/logo.png\r\n\
\r\n\
iVBORw0KGgo=\r\n\
------B--\r\n";
        let part = main_html(mhtml.as_bytes()).unwrap();
        assert!(
            part.html.contains("<p>Café talks ended.</p>"),
            "{}",
            part.html
        );
        assert_eq!(
            part.location.unwrap().as_str(),
            "https://news.example/story"
        );
        assert!(main_html(b"just text, no MIME").is_err());
    }
}
