//! What the server shows, swapped whole after each rebuild, and how open
//! pages learn about it: server-sent events and a small script that only
//! `serve` injects.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

use super::workspace::Pages;
use crate::text::escape_html;

/// Where the reload script and the event stream are served. Sites cannot
/// have pages there: article and claim ids are `[a-z0-9-]`.
pub(super) const SCRIPT_PATH: &str = "/__crosscheck/live.js";
pub(super) const EVENTS_PATH: &str = "/__crosscheck/events";

/// The reload script. The event stream's URL is relative, so it follows
/// the page's own origin: any host name, any port, IPv6 literals.
pub(super) const SCRIPT: &str = r#"// crosscheck serve: reload this page when the site is rebuilt.
(function () {
  'use strict';
  var me = document.currentScript;
  // The build this page was served from; any other means it is stale.
  var build = me ? me.getAttribute('data-build') : null;
  var source = null;
  function connect() {
    source = new EventSource('/__crosscheck/events');
    function check(e) {
      if (e.data !== build) {
        source.close();
        location.reload();
      }
    }
    // `hello` comes first on every (re)connection: after a rebuild missed
    // while away, or a server restart, the build differs and we reload.
    source.addEventListener('hello', check);
    source.addEventListener('reload', check);
    source.onopen = function () { wait = 1000; };
    source.onerror = function () {
      // Browsers retry by themselves unless the stream was refused (the
      // server restarting, or at its limit of open pages): retry, backing
      // off to half a minute.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, wait);
        wait = Math.min(wait * 2, 30000);
      }
    };
  }
  var wait = 1000;
  connect();
  var overlay = document.getElementById('crosscheck-error-overlay');
  var close = overlay && overlay.querySelector('button');
  if (close) {
    close.addEventListener('click', function () { overlay.remove(); });
  }
})();
"#;

/// One published state of the site.
#[derive(Debug, Clone)]
pub(super) struct Snapshot {
    /// Bumped on every publish; pages carry it so the script can tell a
    /// stale page.
    pub generation: u64,
    /// The pages of the last good build.
    pub pages: Arc<Pages>,
    /// The diagnostics of the latest build, rendered as text, when it
    /// failed: shown over every page.
    pub errors: Option<Arc<str>>,
    /// False until the first build has finished (well or not).
    pub built: bool,
    /// Files of this build still being rendered (see [`Pending`]).
    pub pending: Option<Arc<Pending>>,
}

/// Site-wide files an incremental build renders after open pages were told
/// to reload (index, data.json…). `pages` still holds their previous
/// version; requests for them wait until the build completes, so no one
/// is served a file older than the pages beside it.
#[derive(Debug)]
pub(super) struct Pending {
    paths: HashSet<String>,
    done: watch::Sender<bool>,
}

impl Pending {
    pub(super) fn covers(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// Returns once the build is complete (or abandoned).
    pub(super) async fn wait(&self) {
        let mut rx = self.done.subscribe();
        let _ = rx.wait_for(|done| *done).await;
    }

    /// Lets waiting requests go (they look at the current snapshot).
    pub(super) fn release(&self) {
        self.done.send_replace(true);
    }
}

/// The current snapshot and the channel announcing new ones.
pub(super) struct Store {
    /// Identifies this server process, so pages served by an earlier one
    /// reload after a restart.
    instance: String,
    current: RwLock<Arc<Snapshot>>,
    reloads: broadcast::Sender<u64>,
    shutdown: watch::Sender<bool>,
    /// Slots for open event streams (see `limits.rs`): beyond them, a
    /// quick 503, so open pages cannot use up the server's connections.
    streams: Arc<tokio::sync::Semaphore>,
}

impl Store {
    pub(super) fn new() -> Store {
        Store::with_stream_limit(super::limits::Limits::default().live)
    }

    /// A store that serves at most `streams` event streams at once.
    pub(super) fn with_stream_limit(streams: usize) -> Store {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let seed = format!("{}:{}", now.as_nanos(), std::process::id());
        let instance = blake3::hash(seed.as_bytes()).to_hex()[..8].to_string();
        Store {
            instance,
            current: RwLock::new(Arc::new(Snapshot {
                generation: 0,
                pages: Arc::default(),
                errors: None,
                built: false,
                pending: None,
            })),
            reloads: broadcast::channel(16).0,
            shutdown: watch::channel(false).0,
            streams: Arc::new(tokio::sync::Semaphore::new(streams)),
        }
    }

    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The id pages served from `snapshot` carry.
    pub(super) fn build_id(&self, snapshot: &Snapshot) -> String {
        format!("{}-{}", self.instance, snapshot.generation)
    }

    /// Makes new pages (or a new error) current, then tells open pages.
    /// Requests see either the old snapshot or the new one, never a mix,
    /// and the event goes out only once the new one is in place.
    pub(super) fn publish(&self, pages: Arc<Pages>, errors: Option<Arc<str>>) -> u64 {
        self.swap(pages, errors, None)
    }

    /// Publishes the first part of an incremental build: `pages` are in
    /// place except the files at `deferred`, which requests wait for until
    /// [`Store::complete`] (or [`Store::abandon`]).
    pub(super) fn publish_early(&self, pages: Arc<Pages>, deferred: Vec<String>) -> Arc<Pending> {
        let pending = Arc::new(Pending {
            paths: deferred.into_iter().collect(),
            done: watch::channel(false).0,
        });
        self.swap(pages, None, Some(pending.clone()));
        pending
    }

    /// Completes the build `pending` belongs to: same generation (open
    /// pages already reloaded), every file in place.
    pub(super) fn complete(&self, pages: Arc<Pages>, pending: &Pending) {
        {
            let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
            *current = Arc::new(Snapshot {
                generation: current.generation,
                pages,
                errors: None,
                built: true,
                pending: None,
            });
        }
        pending.release();
    }

    /// The rest of the build failed: publish that (as a new build, so
    /// pages reload to show it) and let waiting requests go.
    pub(super) fn abandon(&self, pages: Arc<Pages>, errors: Arc<str>, pending: &Pending) {
        self.publish(pages, Some(errors));
        pending.release();
    }

    fn swap(
        &self,
        pages: Arc<Pages>,
        errors: Option<Arc<str>>,
        pending: Option<Arc<Pending>>,
    ) -> u64 {
        let generation = {
            let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
            let generation = current.generation + 1;
            *current = Arc::new(Snapshot {
                generation,
                pages,
                errors,
                built: true,
                pending,
            });
            generation
        };
        // No page open is fine.
        let _ = self.reloads.send(generation);
        generation
    }

    /// Ends every event stream, so the server can shut down.
    pub(super) fn shut_down(&self) {
        let _ = self.shutdown.send(true);
    }

    /// The event stream for one open page: `hello` with the current build,
    /// then `reload` with each new one; a quick `503` when every stream
    /// slot is taken (the page's script retries later, backing off).
    pub(super) fn events(self: &Arc<Self>) -> Response {
        match self.streams.clone().try_acquire_owned() {
            Ok(slot) => self.stream(slot).into_response(),
            Err(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                [
                    (header::RETRY_AFTER, "10"),
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                ],
                "too many open pages: this one will not reload by itself until some are closed\n",
            )
                .into_response(),
        }
    }

    fn stream(
        self: &Arc<Self>,
        slot: tokio::sync::OwnedSemaphorePermit,
    ) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        // Subscribe before reading the current build: a publish in between
        // is then seen twice (harmless), never missed.
        let rx = self.reloads.subscribe();
        let hello = self.build_id(&self.snapshot());
        let state = EventState {
            store: self.clone(),
            rx,
            shutdown: self.shutdown.subscribe(),
            hello: Some(hello),
            _slot: slot,
        };
        let stream = futures_util::stream::unfold(state, |mut s| async move {
            if let Some(hello) = s.hello.take() {
                let event = Event::default()
                    .event("hello")
                    .data(hello)
                    .retry(Duration::from_millis(500));
                return Some((Ok(event), s));
            }
            loop {
                tokio::select! {
                    r = s.rx.recv() => match r {
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                            let id = s.store.build_id(&s.store.snapshot());
                            return Some((Ok(Event::default().event("reload").data(id)), s));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    r = s.shutdown.changed() => {
                        if r.is_err() || *s.shutdown.borrow() {
                            return None;
                        }
                    }
                }
            }
        });
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
    }
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

struct EventState {
    store: Arc<Store>,
    rx: broadcast::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
    hello: Option<String>,
    /// Held while the stream is open.
    _slot: tokio::sync::OwnedSemaphorePermit,
}

/// The overlay shown over every page while the latest build is broken.
pub(super) fn overlay(errors: &str) -> String {
    format!(
        concat!(
            "<div id=\"crosscheck-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0;",
            "z-index:2147483647;overflow:auto;margin:0;padding:1.5rem 2rem;background:rgba(24,8,8,.94);",
            "color:#fbe9e9;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">",
            "<p style=\"margin:0 0 1rem;font:600 17px/1.4 system-ui,sans-serif;color:#fff\">",
            "crosscheck: the last change broke the build. Underneath is the last good version; ",
            "this goes away with the next good save.</p>",
            "<pre style=\"margin:0;white-space:pre-wrap;font:inherit;background:none;color:inherit;border:0;padding:0\">{}</pre>",
            "<button type=\"button\" style=\"position:absolute;top:1rem;right:1.5rem;font:14px system-ui,sans-serif\">Hide</button>",
            "</div>\n"
        ),
        escape_html(errors)
    )
}

/// The tag that loads the reload script; `build` is the page's build id.
pub(super) fn script_tag(build: &str) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\"></script>\n",
        escape_html(build)
    )
}

/// Inserts `snippet` before the page's last `</body>` (or at its end).
pub(super) fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = inject(page, "<script></script>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>&lt;/body&gt;</p><script></script></BODY></html>"
        );
        assert_eq!(inject(b"<p>x", "<s>"), b"<p>x<s>");
    }

    #[test]
    fn overlay_escapes_the_diagnostics() {
        let html = overlay("content/claims.toml:3:9: unknown verdict `<script>alert(1)</script>`");
        assert!(html.contains("content/claims.toml:3:9"));
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn publish_replaces_the_snapshot_and_announces_it() {
        let store = Store::new();
        let mut rx = store.reloads.subscribe();
        assert!(!store.snapshot().built);
        let mut pages = Pages::new();
        pages.insert("index.html".into(), bytes::Bytes::from_static(b"x"));
        let g = store.publish(Arc::new(pages), None);
        assert_eq!(rx.try_recv().unwrap(), g);
        let snap = store.snapshot();
        assert!(snap.built && snap.pages.contains_key("index.html"));
        assert!(store.build_id(&snap).ends_with(&format!("-{g}")));
    }

    #[tokio::test]
    async fn deferred_files_are_waited_for_until_complete() {
        let store = Arc::new(Store::new());
        let mut rx = store.reloads.subscribe();
        let mut pages = Pages::new();
        pages.insert("data.json".into(), bytes::Bytes::from_static(b"old"));
        let pages = Arc::new(pages);
        let pending = store.publish_early(pages.clone(), vec!["data.json".into()]);
        let g = rx.try_recv().unwrap();
        let snap = store.snapshot();
        let p = snap.pending.clone().unwrap();
        assert!(p.covers("data.json") && !p.covers("index.html"));
        let waiter = tokio::spawn({
            let store = store.clone();
            async move {
                p.wait().await;
                store.snapshot().pages["data.json"].clone()
            }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "served before the build completed");
        let mut done = (*pages).clone();
        done.insert("data.json".into(), bytes::Bytes::from_static(b"new"));
        store.complete(Arc::new(done), &pending);
        assert_eq!(&waiter.await.unwrap()[..], b"new");
        // Completing is the same build: no second reload.
        assert_eq!(store.snapshot().generation, g);
        assert!(rx.try_recv().is_err());
        assert!(store.snapshot().pending.is_none());
    }
}
