//! Watching the project: notify's full debouncer on `content/` and
//! `templates/` (recursively) and on the project root (not recursively, so
//! that a `content/` or `templates/` folder created, removed or renamed
//! after start is seen and watched).
//!
//! inotify (Linux) and FSEvents (macOS) watch folders, not files, so a
//! big site costs one watch per folder and no file descriptors per file.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{
    Config, EventHandler, EventKind, RecommendedWatcher, RecursiveMode, Watcher, WatcherKind,
};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use super::workspace::{Changes, is_article_path};

/// How long a file must be quiet before its events are passed on. Editors
/// write a save (temp file, rename, attribute changes) within a
/// millisecond or two, and a file still open for writing holds up the
/// rebuild anyway ([`WRITE_PATIENCE`]); longer would only add to the
/// save-to-reload time, of which this and [`TICK`] were a third at
/// 10,000 articles.
pub(super) const DEBOUNCE: Duration = Duration::from_millis(5);

/// How often the debouncer checks for quiet files. It wakes this often
/// while serving (a few microseconds each time), so not much more often
/// than needed.
pub(super) const TICK: Duration = Duration::from_millis(2);

/// How long a file written to but not closed holds up a rebuild.
pub(super) const WRITE_PATIENCE: Duration = Duration::from_millis(1000);

/// When the newest raw event under `content/` or `templates/` happened:
/// the builder waits until the debouncer must have passed on everything up
/// to it, so a burst of saves across several files (which the debouncer
/// emits per file, possibly over several ticks) becomes one rebuild.
#[derive(Debug)]
pub(super) struct Stamp {
    origin: Instant,
    /// Nanoseconds after `origin`, plus one; 0 = no event yet.
    last: AtomicU64,
    /// Files written to and not closed yet: a big file saved in place
    /// (truncate, write, close) takes a while, and is read only once done.
    writing: Mutex<HashMap<PathBuf, Instant>>,
    content: PathBuf,
    templates: PathBuf,
}

impl Stamp {
    pub(super) fn new(root: &Path) -> Stamp {
        Stamp {
            origin: Instant::now(),
            last: AtomicU64::new(0),
            writing: Mutex::new(HashMap::new()),
            content: root.join("content"),
            templates: root.join("templates"),
        }
    }

    fn record(&self, event: &notify::Event) {
        // Editors write swap and backup files while one types: not saves.
        let relevant = changes_content(&event.kind)
            && event.paths.iter().any(|p| {
                (p.starts_with(&self.content) || p.starts_with(&self.templates))
                    && !crate::input::is_editor_temp(p)
            });
        if relevant || event.need_rescan() {
            let now = self.origin.elapsed().as_nanos() as u64 + 1;
            self.last.fetch_max(now, Ordering::Relaxed);
        }
        if relevant {
            let mut writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
            match event.kind {
                EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
                    let now = Instant::now();
                    writing.extend(event.paths.iter().map(|p| (p.clone(), now)));
                }
                EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Remove(_)
                | EventKind::Modify(ModifyKind::Name(_)) => {
                    for p in &event.paths {
                        writing.remove(p);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether anything under `content/` or `templates/` changed after
    /// `since`.
    pub(super) fn changed_since(&self, since: Instant) -> bool {
        match self.last.load(Ordering::Relaxed) {
            0 => false,
            n => self.origin + Duration::from_nanos(n - 1) > since,
        }
    }

    /// When the debouncer will have passed on every event seen so far, and
    /// every file being written was closed (`None`: no event yet).
    pub(super) fn settled_at(&self) -> Option<Instant> {
        let last = match self.last.load(Ordering::Relaxed) {
            0 => return None,
            n => self.origin + Duration::from_nanos(n - 1),
        };
        let quiet = last + DEBOUNCE + 2 * TICK;
        // A writer quiet for this long is not finishing a save (a log kept
        // open, a crashed editor): stop waiting for it.
        let now = Instant::now();
        let writing = {
            let mut w = self.writing.lock().unwrap_or_else(|e| e.into_inner());
            w.retain(|_, at| now.duration_since(*at) < WRITE_PATIENCE);
            !w.is_empty()
        };
        // Still being written: look again a tick later (the builder bounds
        // the wait, for a writer that never closes).
        Some(if writing {
            quiet.max(now + TICK)
        } else {
            quiet
        })
    }
}

thread_local! {
    /// Hands the stamp to [`StampedWatcher::new`], which the debouncer
    /// calls on this thread with no way to pass extra arguments.
    static NEXT_STAMP: RefCell<Option<Arc<Stamp>>> = const { RefCell::new(None) };
}

/// The platform watcher, with every raw event recorded in a [`Stamp`]
/// before the debouncer sees it.
pub(super) struct StampedWatcher(RecommendedWatcher);

impl Watcher for StampedWatcher {
    fn new<F: EventHandler>(mut handler: F, config: Config) -> notify::Result<Self> {
        let stamp = NEXT_STAMP
            .with(|s| s.borrow_mut().take())
            .ok_or_else(|| notify::Error::generic("watcher created without a stamp"))?;
        let inner = RecommendedWatcher::new(
            move |e: notify::Result<notify::Event>| {
                if let Ok(event) = &e {
                    stamp.record(event);
                }
                handler.handle_event(e);
            },
            config,
        )?;
        Ok(StampedWatcher(inner))
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// The running watcher. Dropping it stops watching.
pub(super) struct Watch {
    debouncer: Debouncer<StampedWatcher, RecommendedCache>,
    root: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot watch {}: {source}", path.display())]
pub(crate) struct WatchError {
    pub path: PathBuf,
    #[source]
    pub source: notify::Error,
}

impl WatchError {
    /// Advice for the errors people can fix.
    pub(crate) fn help(&self) -> Option<&'static str> {
        match self.source.kind {
            notify::ErrorKind::MaxFilesWatch => Some(
                "the system's limit on watched folders is reached; raise it, e.g. `sudo sysctl fs.inotify.max_user_watches=524288`",
            ),
            _ => None,
        }
    }
}

impl Watch {
    /// Starts watching `root` (absolute); debounced events go to `tx`.
    pub(super) fn start(
        root: &Path,
        stamp: Arc<Stamp>,
        tx: Sender<DebounceEventResult>,
    ) -> Result<Watch, WatchError> {
        NEXT_STAMP.with(|s| *s.borrow_mut() = Some(stamp));
        let debouncer = notify_debouncer_full::new_debouncer_opt::<_, StampedWatcher, _>(
            DEBOUNCE,
            Some(TICK),
            move |result: DebounceEventResult| {
                // The builder may be gone while the process shuts down.
                let _ = tx.send(result);
            },
            RecommendedCache::new(),
            Config::default(),
        )
        .map_err(|source| WatchError {
            path: root.to_path_buf(),
            source,
        });
        NEXT_STAMP.with(|s| s.borrow_mut().take());
        let mut watch = Watch {
            debouncer: debouncer?,
            root: root.to_path_buf(),
        };
        watch.add(root, RecursiveMode::NonRecursive)?;
        watch.rewatch()?;
        Ok(watch)
    }

    fn add(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), WatchError> {
        self.debouncer
            .watch(path, mode)
            .map_err(|source| WatchError {
                path: path.to_path_buf(),
                source,
            })
    }

    /// (Re)watches `content/` and `templates/` if they exist: after start,
    /// and whenever one of them appears, is replaced or renamed in.
    pub(super) fn rewatch(&mut self) -> Result<(), WatchError> {
        for dir in ["content", "templates"] {
            let path = self.root.join(dir);
            // A folder that was replaced keeps no watch; forget the old one
            // so the new folder is walked and watched afresh.
            let _ = self.debouncer.unwatch(&path);
            if path.is_dir() {
                match self.add(&path, RecursiveMode::Recursive) {
                    Ok(()) => {}
                    // Gone again between the check and the watch: the
                    // root's watch will report it.
                    Err(e) if matches!(e.source.kind, notify::ErrorKind::PathNotFound) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

/// What a path that changed means for the build. `rewatch` is set when a
/// watched folder itself appeared, vanished or was renamed.
pub(super) fn classify(root: &Path, path: &Path, changes: &mut Changes, rewatch: &mut bool) {
    let Ok(rel) = path.strip_prefix(root) else {
        return;
    };
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().unwrap_or("\0"),
            _ => "\0",
        })
        .collect();
    let temp = crate::input::is_editor_temp(path);
    match parts.as_slice() {
        ["content"] => {
            changes.rescan = true;
            *rewatch = true;
        }
        ["templates"] => {
            changes.templates = true;
            *rewatch = true;
        }
        ["templates", ..] if !temp => changes.templates = true,
        ["content", "site.toml"] => changes.config = true,
        ["content", "claims.toml"] | ["content", "claims"] => changes.claims = true,
        ["content", "claims", name] if name.ends_with(".toml") && !temp => changes.claims = true,
        ["content", "articles"] => changes.rescan = true,
        ["content", "pages"] => changes.pages = true,
        ["content", "pages", name] if name.ends_with(".md") && !temp => changes.pages = true,
        ["content", "articles", _] if is_article_path(root, path) => {
            changes.articles.insert(path.to_path_buf());
        }
        // Not an article (`X.MD`, `notes.txt`, a folder): reported, so
        // the folder is listed again.
        ["content", "articles", _] | ["content", _] if !temp => changes.listing = true,
        _ => {}
    }
}

/// Whether an event can mean new content. Opening and reading a file are
/// events too (the builder's own reads among them, which would otherwise
/// trigger rebuilds forever), and so are attribute changes (atime, a
/// touch): none changes what a file says.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Turns a debounced batch into changes.
pub(super) fn changes_of(root: &Path, result: DebounceEventResult, rewatch: &mut bool) -> Changes {
    let mut changes = Changes::default();
    match result {
        Ok(events) => {
            for e in events {
                if e.need_rescan() {
                    // The kernel dropped events: trust nothing.
                    changes.merge(Changes::everything());
                    *rewatch = true;
                }
                if !changes_content(&e.kind) {
                    continue;
                }
                for p in &e.paths {
                    classify(root, p, &mut changes, rewatch);
                }
            }
        }
        Err(errors) => {
            for e in errors {
                eprintln!("warning: file watcher: {e}");
            }
            changes.merge(Changes::everything());
            *rewatch = true;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classified(rel: &str) -> (Changes, bool) {
        let root = Path::new("/p");
        let mut c = Changes::default();
        let mut rewatch = false;
        classify(root, &root.join(rel), &mut c, &mut rewatch);
        (c, rewatch)
    }

    #[test]
    fn paths_map_to_the_work_they_cause() {
        let (c, _) = classified("content/articles/a-b.md");
        assert_eq!(
            c.articles.into_iter().collect::<Vec<_>>(),
            [PathBuf::from("/p/content/articles/a-b.md")]
        );
        assert!(classified("content/claims.toml").0.claims);
        assert!(classified("content/claims/more.toml").0.claims);
        assert!(classified("content/claims").0.claims);
        assert!(classified("content/site.toml").0.config);
        assert!(classified("templates/base.html").0.templates);
        assert!(classified("templates/partials/x.html").0.templates);
        let (c, rewatch) = classified("templates");
        assert!(c.templates && rewatch);
        let (c, rewatch) = classified("content");
        assert!(c.rescan && rewatch);
        assert!(classified("content/articles").0.rescan);
    }

    #[test]
    fn editor_temp_files_and_other_folders_are_ignored() {
        for rel in [
            "content/articles/.a.md.swp",
            "content/articles/a.md~",
            "content/articles/#a.md#",
            "content/articles/.#a.md",
            "content/articles/a.md.tmp",
            "content/articles/a.md___jb_tmp___",
            "content/articles/4913",
            "content/articles/sub/a.md",
            "content/claims/.c.toml.swp",
            "templates/.base.html.swp",
            "site/index.html",
            "site",
            ".crosscheck-tmp-abc",
            "README.md",
        ] {
            let (c, rewatch) = classified(rel);
            assert!(c.is_empty() && !rewatch, "{rel} caused {c:?}");
        }
        let mut c = Changes::default();
        let mut rewatch = false;
        classify(
            Path::new("/p"),
            Path::new("/elsewhere/content/a.md"),
            &mut c,
            &mut rewatch,
        );
        assert!(c.is_empty());
    }

    #[test]
    fn other_entries_of_content_folders_are_listed_again() {
        // Reported as problems (see `crate::input`), so they must be seen.
        for rel in [
            "content/articles/notes.txt",
            "content/articles/X.MD",
            "content/articles/drafts",
            "content/notes.txt",
        ] {
            let (c, _) = classified(rel);
            assert!(c.listing && c.articles.is_empty(), "{rel} caused {c:?}");
        }
    }

    #[test]
    fn reads_and_attribute_changes_are_not_changes() {
        use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
        ] {
            assert!(!changes_content(&kind), "{kind:?}");
        }
        for kind in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Any,
        ] {
            assert!(changes_content(&kind), "{kind:?}");
        }
    }

    #[test]
    fn stamp_waits_for_a_file_being_written_to_be_closed() {
        use notify::event::DataChange;
        let stamp = Stamp::new(Path::new("/p"));
        let path = PathBuf::from("/p/content/claims.toml");
        let event = |kind| notify::Event::new(kind).add_path(path.clone());
        stamp.record(&event(EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        std::thread::sleep(DEBOUNCE + 3 * TICK);
        assert!(
            stamp.settled_at().unwrap() > Instant::now(),
            "settled while the file is still open for writing"
        );
        stamp.record(&event(EventKind::Access(AccessKind::Close(
            AccessMode::Write,
        ))));
        let at = stamp.settled_at().unwrap();
        assert!(at <= Instant::now() + DEBOUNCE + 2 * TICK);
    }

    #[test]
    fn stamp_waits_past_the_debounce() {
        let stamp = Stamp::new(Path::new("/p"));
        assert!(stamp.settled_at().is_none());
        let before = Instant::now();
        stamp.record(&notify::Event::new(notify::EventKind::Any).add_path("/p/README".into()));
        assert!(stamp.settled_at().is_none(), "outside content/ is no event");
        stamp.record(
            &notify::Event::new(notify::EventKind::Any)
                .add_path("/p/content/articles/.a.md.swp".into()),
        );
        assert!(stamp.settled_at().is_none(), "a swap file is no save");
        stamp.record(
            &notify::Event::new(notify::EventKind::Any).add_path("/p/content/articles/a.md".into()),
        );
        let at = stamp.settled_at().unwrap();
        assert!(at >= before + DEBOUNCE + 2 * TICK);
        assert!(at <= Instant::now() + DEBOUNCE + 2 * TICK);
        assert!(stamp.changed_since(before));
        assert!(!stamp.changed_since(Instant::now()));
    }
}
