//! The HTTP side: every page comes from the in-memory snapshot, looked up
//! by a normalised path. Nothing is read from disk by URL, so no request
//! can reach a file outside the site.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::live::{self, Snapshot, Store};

/// Extra HTML for served pages, given the page's path relative to the site
/// root (`articles/x/index.html`); inserted before `</body>`.
pub(crate) type InjectFn = dyn Fn(&str) -> String + Send + Sync;

#[derive(Clone)]
pub(super) struct App {
    pub store: Arc<Store>,
    pub inject: Option<Arc<InjectFn>>,
}

/// The server's routes: the live-reload endpoints, `extra` (merged as is),
/// then every other GET answered from the snapshot; every request of
/// every route first passes the `Host` check ([`super::check_host`]),
/// with `hosts` the names allowed besides IP addresses and `localhost`.
pub(super) fn router(app: App, extra: Option<Router>, hosts: Vec<String>) -> Router {
    let store = app.store.clone();
    let mut router = Router::new().route(live::SCRIPT_PATH, get(script)).route(
        live::EVENTS_PATH,
        get(move || {
            let store = store.clone();
            async move { store.events() }
        }),
    );
    if let Some(extra) = extra {
        router = router.merge(extra);
    }
    let hosts = Arc::new(hosts);
    router
        .fallback(move |method: Method, uri: Uri| {
            let app = app.clone();
            async move { page(&app, &method, &uri).await }
        })
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let hosts = hosts.clone();
                async move {
                    match super::check_host(&hosts, req.headers()) {
                        Ok(_) => next.run(req).await,
                        Err(message) => {
                            let mut r =
                                (StatusCode::FORBIDDEN, format!("{message}\n")).into_response();
                            set(&mut r, header::CONTENT_TYPE, "text/plain; charset=utf-8");
                            r
                        }
                    }
                }
            },
        ))
}

async fn script() -> Response {
    let mut r = live::SCRIPT.into_response();
    set(
        &mut r,
        header::CONTENT_TYPE,
        "text/javascript; charset=utf-8",
    );
    set(&mut r, header::CACHE_CONTROL, "no-store");
    r
}

fn set(r: &mut Response, name: header::HeaderName, value: &'static str) {
    r.headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

/// A request path made safe to look up: percent-decoded segments, empty
/// ones dropped. `None` (answered 404) for anything that could mean
/// another place: `.` or `..` segments (plain or encoded), backslashes,
/// NUL, invalid UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct SitePath {
    /// Relative to the site root, `/`-separated; empty for the root.
    pub key: String,
    /// Whether the request path ended with `/`.
    pub slash: bool,
}

pub(super) fn site_path(raw: &str) -> Option<SitePath> {
    let rest = raw.strip_prefix('/')?;
    let mut segments = Vec::new();
    for seg in rest.split('/') {
        let decoded = percent_decode_str(seg).decode_utf8().ok()?;
        if decoded.contains(['\\', '\0', '/']) || decoded == ".." || decoded == "." {
            return None;
        }
        if !decoded.is_empty() {
            segments.push(decoded.into_owned());
        }
    }
    Some(SitePath {
        key: segments.join("/"),
        slash: raw.ends_with('/'),
    })
}

/// Characters escaped when a path goes back into a `Location` header.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

pub(super) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// What a request path resolves to in one snapshot.
enum Resolved {
    /// The first build is still running.
    Building,
    /// No build has succeeded yet.
    Failed,
    File(String),
    Redirect(String),
    NotFound,
}

fn resolve(snap: &Snapshot, uri: &Uri) -> Resolved {
    if !snap.built {
        return Resolved::Building;
    }
    if snap.pages.is_empty() {
        return Resolved::Failed;
    }
    let Some(path) = site_path(uri.path()) else {
        return Resolved::NotFound;
    };
    let index = if path.key.is_empty() {
        "index.html".to_string()
    } else {
        format!("{}/index.html", path.key)
    };
    if !path.key.is_empty() && !path.slash {
        if snap.pages.contains_key(&path.key) {
            return Resolved::File(path.key);
        }
        if snap.pages.contains_key(&index) {
            // Pages link relatively (`../../style.css`): they must be
            // fetched as folders.
            let mut location = format!("/{}/", utf8_percent_encode(&path.key, PATH));
            if let Some(q) = uri.query() {
                location.push('?');
                location.push_str(q);
            }
            return Resolved::Redirect(location);
        }
        return Resolved::NotFound;
    }
    if snap.pages.contains_key(&index) {
        Resolved::File(index)
    } else {
        Resolved::NotFound
    }
}

async fn page(app: &App, method: &Method, uri: &Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
        set(&mut r, header::ALLOW, "GET, HEAD");
        return r;
    }
    let mut snap = app.store.snapshot();
    let mut resolved = resolve(&snap, uri);
    // A file rendered after the reload went out: wait for this build's
    // version rather than serve the previous one. A build may leave it to
    // the next (which never leaves it again), so this waits at most twice;
    // the bound only guards against a bug turning into a hang.
    for _ in 0..4 {
        let Some(pending) = snap.pending.clone() else {
            break;
        };
        let file = match &resolved {
            Resolved::File(path) => Some(path.as_str()),
            Resolved::NotFound => Some("404.html"),
            _ => None,
        };
        if !file.is_some_and(|f| pending.covers(f)) {
            break;
        }
        pending.wait().await;
        snap = app.store.snapshot();
        resolved = resolve(&snap, uri);
    }
    match resolved {
        Resolved::Building => {
            let body = "<!DOCTYPE html>\n<meta charset=\"utf-8\"><title>Building…</title>\n<body><p>crosscheck is building the site; this page reloads when it is ready.</p>\n</body>\n";
            html(
                app,
                &snap,
                StatusCode::SERVICE_UNAVAILABLE,
                "",
                body.as_bytes(),
            )
        }
        Resolved::Failed => {
            // No build has succeeded: every address shows why.
            let body = "<!DOCTYPE html>\n<meta charset=\"utf-8\"><title>Build failed</title>\n<body><h1>The site does not build yet</h1>\n</body>\n";
            html(
                app,
                &snap,
                StatusCode::INTERNAL_SERVER_ERROR,
                "",
                body.as_bytes(),
            )
        }
        Resolved::File(path) => file(app, &snap, &path, &snap.pages[&path]),
        Resolved::Redirect(location) => {
            let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Resolved::NotFound => not_found(app, &snap),
    }
}

fn file(app: &App, snap: &Snapshot, path: &str, body: &bytes::Bytes) -> Response {
    let ct = content_type(path);
    if ct.starts_with("text/html") {
        return html(app, snap, StatusCode::OK, path, body);
    }
    let mut r = Response::new(Body::from(body.clone()));
    set(&mut r, header::CONTENT_TYPE, ct);
    set(&mut r, header::CACHE_CONTROL, "no-cache");
    r
}

fn not_found(app: &App, snap: &Snapshot) -> Response {
    // The site's own 404 page when it has one; it links with absolute
    // paths, as it is served at any depth.
    match snap.pages.get("404.html") {
        Some(body) => html(app, snap, StatusCode::NOT_FOUND, "404.html", body),
        None => {
            let body = "<!DOCTYPE html>\n<meta charset=\"utf-8\"><title>Not found</title>\n<body><h1>Not found</h1><p>There is no page at this address. <a href=\"/\">Home</a></p>\n</body>\n";
            html(app, snap, StatusCode::NOT_FOUND, "", body.as_bytes())
        }
    }
}

/// An HTML response with the overlay (when the latest build failed), the
/// reload script and any extra HTML inserted before `</body>`.
fn html(app: &App, snap: &Snapshot, status: StatusCode, path: &str, body: &[u8]) -> Response {
    let mut snippet = String::new();
    if let Some(errors) = &snap.errors {
        snippet.push_str(&live::overlay(errors));
    }
    snippet.push_str(&live::script_tag(&app.store.build_id(snap)));
    if let Some(inject) = &app.inject {
        snippet.push_str(&inject(path));
    }
    let mut r = Response::new(Body::from(live::inject(body, &snippet)));
    *r.status_mut() = status;
    set(&mut r, header::CONTENT_TYPE, "text/html; charset=utf-8");
    // Pages change under the same URL with every save.
    set(&mut r, header::CACHE_CONTROL, "no-store");
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_site_are_refused() {
        for raw in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/articles/..%5c..%5cCargo.toml",
            "/articles/..\\x",
            "/a/%00/b",
            "/a/%2f../b",
            "/./index.html",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_path(raw), None, "{raw}");
        }
    }

    #[test]
    fn paths_inside_normalise() {
        assert_eq!(
            site_path("//etc/passwd"),
            Some(SitePath {
                key: "etc/passwd".into(),
                slash: false
            })
        );
        assert_eq!(
            site_path("/articles/a-b/"),
            Some(SitePath {
                key: "articles/a-b".into(),
                slash: true
            })
        );
        assert_eq!(
            site_path("/"),
            Some(SitePath {
                key: String::new(),
                slash: true
            })
        );
        assert_eq!(site_path("/caf%C3%A9").unwrap().key, "café");
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("data.json"), "application/json");
        assert_eq!(content_type("claims/x/card.svg"), "image/svg+xml");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
