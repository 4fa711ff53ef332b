//! `crosscheck serve`: a live preview while editing.
//!
//! Three parts, each in its own thread or runtime:
//!
//! * the watcher (`watch`): notify's debouncer on `content/`,
//!   `templates/` and the project root, feeding a channel;
//! * the builder (a plain thread): coalesces a burst of saves into one
//!   batch, runs an incremental rebuild ([`workspace`]), and publishes the
//!   result as one immutable snapshot (`live::Store`) before announcing it;
//! * the HTTP server (axum routes on hyper and tokio, within the limits
//!   of `limits.rs`, every request's `Host` checked by [`crate::host`]): answers
//!   every request from the current snapshot, in memory. Nothing is
//!   written to disk: `site/` and any other output folder are never
//!   touched.
//!
//! # Extending the server (review mode)
//!
//! [`ServeOptions::extra_routes`] is merged into the router as is: its
//! routes take precedence over site pages. Serve itself answers
//! `/__crosscheck/live.js` and `/__crosscheck/events`; review mode
//! (`crate::review::api::enable`) lives under `/__crosscheck/review/`.
//! [`ServeOptions::inject_html`] adds HTML to every page served, before
//! `</body>` and after the reload script, given the page's path in the site
//! (`articles/ID/index.html`; empty for the pages serve makes itself).
//! [`ServeOptions::site_cell`] receives every site the builder compiles
//! ([`crate::compiled`]), so such routes can read the project from memory.
//! A review mode that writes content files needs nothing else: the watcher
//! sees its writes, and open pages reload with the result like after any
//! other save.

mod claims;
mod http;
pub(crate) mod limits;
mod listen;
mod live;
mod watch;
pub(crate) mod workspace;

use std::collections::HashSet;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify_debouncer_full::DebounceEventResult;

pub(crate) use crate::host::check_host;
pub(crate) use http::InjectFn;
pub(crate) use limits::Limits;
pub(crate) use listen::ListenError;
pub(crate) use watch::WatchError;

use crate::diag::{Diagnostic, Diagnostics};
use crate::project::Project;
use crate::term::{self, Paint, Verbosity};
use live::Store;
use watch::{Stamp, Watch};
use workspace::{Changes, Early, Later, Outcome, Workspace};

/// How long a continuous stream of changes, or a file being written, may
/// delay a rebuild.
const MAX_COALESCE: Duration = watch::WRITE_PATIENCE;

/// What `crosscheck serve` was asked to do.
pub(crate) struct ServeOptions {
    /// The project, its folder resolved once by [`Project::open`].
    pub project: Project,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port; `None` for the default ([`DEFAULT_PORT`], or the next free
    /// one), `Some(0)` for any free port.
    pub port: Option<u16>,
    /// Open the site in a browser once the server listens.
    pub open: bool,
    /// More routes, merged into the server's (see the module docs).
    pub extra_routes: Option<axum::Router>,
    /// More HTML for every served page (see the module docs).
    pub inject_html: Option<Arc<InjectFn>>,
    /// Host names (without port) the preview may be reached by besides IP
    /// addresses and `localhost` (`--allow-host`); requests naming any
    /// other host get 403 (see [`crate::host`]).
    pub hosts: Vec<String>,
    /// Connection, stream and time limits (see `limits.rs`).
    pub limits: Limits,
    /// Where every compiled site is published for readers other than the
    /// pages (the review API), as soon as it is compiled.
    pub site_cell: Option<Arc<crate::compiled::SiteCell>>,
}

impl ServeOptions {
    pub(crate) fn new(project: Project) -> ServeOptions {
        ServeOptions {
            project,
            bind: IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            port: None,
            open: false,
            extra_routes: None,
            inject_html: None,
            hosts: Vec::new(),
            limits: Limits::from_env(),
            site_cell: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ServeError {
    #[error(transparent)]
    Listen(#[from] ListenError),
    #[error(transparent)]
    Watch(#[from] WatchError),
    #[error("cannot start the server: {0}")]
    Runtime(#[source] io::Error),
    #[error("the server stopped: {0}")]
    Server(#[source] io::Error),
}

impl ServeError {
    /// Advice for the errors people can fix.
    pub(crate) fn help(&self) -> Option<String> {
        match self {
            ServeError::Listen(e) => e.help(),
            ServeError::Watch(e) => e.help().map(str::to_string),
            _ => None,
        }
    }
}

/// Serves the project until Ctrl-C.
pub(crate) fn run(options: ServeOptions) -> Result<(), ServeError> {
    let root = options.project.root().to_path_buf();
    let bound = listen::bind(options.bind, options.port)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("crosscheck-http")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    bound
        .listener
        .set_nonblocking(true)
        .map_err(ServeError::Runtime)?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(bound.listener).map_err(ServeError::Runtime)?
    };
    // Watch before the first build reads anything, so no save is missed.
    let stamp = Arc::new(Stamp::new(&root));
    let (tx, rx) = std::sync::mpsc::channel();
    let watch = Watch::start(&root, stamp.clone(), tx)?;

    let url = listen::url(bound.addr);
    let term = term::get();
    if let Some(busy) = bound.busy {
        eprintln!("port {busy} is busy; using {} instead", bound.addr.port());
    }
    eprintln!(
        "serving {} {}",
        term.paint(Paint::Cyan, &url),
        term.paint(Paint::Dim, "(drafts included; Ctrl-C to stop)")
    );
    if options.open {
        // Only now: the port is ours, so the browser cannot land on
        // another server that held it.
        if let Err(e) = listen::open_browser(&url) {
            eprintln!("warning: could not open a browser: {e}");
        }
    }

    let store = Arc::new(Store::with_stream_limit(options.limits.live));
    let builder_store = store.clone();
    let workspace = match options.site_cell {
        Some(cell) => Workspace::with_cell(&options.project, cell),
        None => Workspace::new(&options.project),
    };
    std::thread::Builder::new()
        .name("crosscheck-build".into())
        .spawn(move || builder(root, workspace, builder_store, rx, watch, stamp))
        .map_err(ServeError::Runtime)?;

    let app = http::App {
        store: store.clone(),
        inject: options.inject_html,
    };
    let router = http::router(app, options.extra_routes, options.hosts);
    runtime
        .block_on(limits::serve(
            listener,
            router,
            options.limits,
            async move {
                stop_signal().await;
                // Open event streams would hold the shutdown forever.
                store.shut_down();
            },
        ))
        .map_err(ServeError::Server)
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The builder thread: the first build, then one rebuild per burst of
/// changes, each published whole.
fn builder(
    root: PathBuf,
    mut workspace: Workspace,
    store: Arc<Store>,
    rx: Receiver<DebounceEventResult>,
    mut watch: Watch,
    stamp: Arc<Stamp>,
) {
    let mut reporter = Reporter::default();
    let outcome = workspace.rebuild(&Changes::everything());
    reporter.report(&store, &outcome, None, true);
    // Site-wide files a build left for the next one, and their waiters.
    let mut unfinished: Option<Arc<live::Pending>> = None;
    while let Ok(first) = rx.recv() {
        let mut rewatch = false;
        let mut changes = watch::changes_of(&root, first, &mut rewatch);
        // The debouncer passes each file on once it is quiet, so the files
        // of one burst can arrive over several ticks: wait until it must
        // have passed on everything seen so far, then build once.
        let started = Instant::now();
        loop {
            let now = Instant::now();
            let settled = stamp.settled_at().unwrap_or(now);
            if settled <= now || now - started >= MAX_COALESCE {
                while let Ok(more) = rx.try_recv() {
                    changes.merge(watch::changes_of(&root, more, &mut rewatch));
                }
                break;
            }
            match rx.recv_timeout(settled - now) {
                Ok(more) => changes.merge(watch::changes_of(&root, more, &mut rewatch)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if rewatch {
            if let Err(e) = watch.rewatch() {
                term::get().error(&e.to_string());
            }
        }
        // Nothing to rebuild, unless site-wide files are owed: requests
        // are waiting for them.
        if changes.is_empty() && unfinished.is_none() {
            continue;
        }
        let building = Instant::now();
        // Site-wide files may be left for the next build when more saves
        // came in meanwhile, but never twice in a row: requests for them
        // wait, and must not wait for as long as someone keeps saving.
        let may_leave = unfinished.is_none();
        let mut early: Option<(Arc<live::Pending>, Duration)> = None;
        let showing_errors = reporter.errors.is_some();
        let owed = unfinished.is_some();
        let outcome = workspace.rebuild_with(&changes, &mut |e: &Early| {
            // Open pages reload now; the big site-wide files follow.
            if e.changed > 0 || showing_errors || owed {
                let pending = store.publish_early(e.pages.clone(), e.deferred.clone());
                early = Some((pending, e.elapsed));
            }
            // Left only when owed to waiters: published early, so the next
            // build (due: more saves came in) picks them up.
            if early.is_some() && may_leave && stamp.changed_since(building) {
                Later::NextBuild
            } else {
                Later::Now
            }
        });
        let previous = unfinished.take();
        unfinished = reporter.report(&store, &outcome, early, false);
        // Requests held for files an earlier build left unfinished look
        // again: at this build's files, or its own pending ones.
        if let Some(p) = previous {
            p.release();
        }
    }
}

/// The diagnostics shown over pages: every error, and the first few
/// warnings (a big project can have hundreds; `check` lists them all).
const OVERLAY_WARNINGS: usize = 10;

/// Identifies a diagnostic across rebuilds, whatever its span (edits move
/// spans, and rendering excerpts of a big file is slow).
type DiagKey = (bool, String, Option<String>);

fn diag_key(d: &Diagnostic) -> DiagKey {
    (
        d.is_error(),
        d.message.clone(),
        d.file.as_ref().map(|f| f.name.clone()),
    )
}

/// Publishes outcomes and says what happened, one line per rebuild.
#[derive(Default)]
struct Reporter {
    /// The errors being shown over pages, if any.
    errors: Option<Arc<str>>,
    /// The diagnostics of the previous build: only new ones are printed.
    known: HashSet<DiagKey>,
}

impl Reporter {
    fn overlay(diags: &Diagnostics) -> Arc<str> {
        let mut shown = Diagnostics::default();
        let mut warnings = 0;
        for d in diags.iter() {
            if d.is_error() {
                shown.push(d.clone());
            } else {
                warnings += 1;
                if warnings <= OVERLAY_WARNINGS {
                    shown.push(d.clone());
                }
            }
        }
        let mut text = shown.render(false);
        if warnings > OVERLAY_WARNINGS {
            text.push_str(&format!(
                "… and {} more warnings: `crosscheck check` lists them all.\n",
                warnings - OVERLAY_WARNINGS
            ));
        }
        text.into()
    }

    /// Publishes `outcome` and prints its line. Returns the pending files
    /// when the build left its site-wide files for the next one.
    fn report(
        &mut self,
        store: &Store,
        outcome: &Outcome,
        early: Option<(Arc<live::Pending>, Duration)>,
        first: bool,
    ) -> Option<Arc<live::Pending>> {
        let term = term::get();
        let errors = (!outcome.ok()).then(|| Reporter::overlay(&outcome.diagnostics));
        let visible = first || outcome.changed > 0 || errors != self.errors || early.is_some();
        let mut left = None;
        match (&early, &errors) {
            (Some((pending, _)), None) if outcome.rendered.unfinished => {
                left = Some(pending.clone());
            }
            (Some((pending, _)), None) => store.complete(outcome.pages.clone(), pending),
            (Some((pending, _)), Some(e)) => {
                store.abandon(outcome.pages.clone(), e.clone(), pending)
            }
            (None, _) if visible => {
                store.publish(outcome.pages.clone(), errors.clone());
            }
            (None, _) => {}
        }
        self.errors = errors;

        // New problems only: the same warnings are not repeated per save.
        let mut new = Diagnostics::default();
        let mut known = HashSet::with_capacity(outcome.diagnostics.len());
        for d in outcome.diagnostics.iter() {
            let key = diag_key(d);
            if !self.known.contains(&key) {
                new.push(d.clone());
            }
            known.insert(key);
        }
        self.known = known;
        if !new.is_empty() && (term.verbosity > Verbosity::Quiet || new.has_errors()) {
            eprint!("{}", new.render(term.color));
        }

        let ms = term::duration(outcome.elapsed);
        let r = outcome.rendered;
        if !first && !visible && outcome.what == workspace::NOTHING {
            // Saved without a change (a touch, "save all"): not news.
            term.detail(&format!("checked in {ms}: no file changed"));
            return left;
        }
        if !outcome.ok() {
            let n = outcome.diagnostics.error_count();
            let what = if first {
                "build failed".to_string()
            } else {
                format!("rebuild failed ({})", outcome.what)
            };
            term.error(&format!(
                "{what} in {ms}: {n} error{}; {}",
                if n == 1 { "" } else { "s" },
                if outcome.pages.is_empty() {
                    "pages show the errors until the next good save"
                } else {
                    "serving the last good pages with the errors over them"
                }
            ));
        } else if first {
            term.success(&format!(
                "built {} files ({} articles, {} claims) in {ms}",
                r.files, r.articles, r.claims
            ));
        } else {
            let scope = if r.all {
                format!("all {} files", r.files)
            } else {
                format!(
                    "{} article{}, {} claim{}, {} files in all",
                    r.articles,
                    if r.articles == 1 { "" } else { "s" },
                    r.claims,
                    if r.claims == 1 { "" } else { "s" },
                    r.files
                )
            };
            let timing = match &early {
                Some((_, at)) if r.unfinished => format!(
                    "rebuilt in {ms} (pages reloaded after {}; site-wide files left for the next build)",
                    term::duration(*at)
                ),
                Some((_, at)) => format!(
                    "rebuilt in {ms} (pages reloaded after {})",
                    term::duration(*at)
                ),
                None => format!("rebuilt in {ms}"),
            };
            let effect = if visible {
                format!("{} changed", outcome.changed)
            } else {
                "nothing visible changed".to_string()
            };
            term.success(&format!("{timing}: {} → {scope}; {effect}", outcome.what));
        }
        if term.verbosity >= Verbosity::Verbose {
            let phases: Vec<String> = outcome
                .phases
                .iter()
                .map(|(name, d)| format!("{name} {}", term::duration(*d)))
                .collect();
            term.detail(&phases.join(", "));
        }
        left
    }
}
