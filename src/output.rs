//! Stage 6: write the site, touching only what changed, atomically.
//!
//! Beside the output folder (`site/`) lives its staging twin
//! (`.site.crosscheck-stage/`), the previous generation of the site. Each
//! tree holds a manifest (`.crosscheck-manifest`: every file's path, size
//! and hash). A build renders every file, hashes it and compares:
//!
//! * with the site's manifest: when every file is the same and none is
//!   gone, nothing is written at all (a rebuild with nothing changed);
//! * otherwise the staging tree is brought to the new site: a file it
//!   already holds is left alone, a file the current site holds is
//!   hard-linked from it (no bytes written), any other is written to a
//!   temporary name and renamed into place; files of neither are removed.
//!   Then the two trees are exchanged in one atomic rename (`renameat2`
//!   `RENAME_EXCHANGE` on Linux), and the old site becomes the next
//!   build's staging tree.
//!
//! A derived file (a card's PNG, a pure function of its SVG; a page, a
//! pure function of its view, the templates and the catalogue) is recorded
//! in the manifest with a key of what it was made from; a build that asks
//! for the same key keeps the file without making it again.
//!
//! The site itself is never written to, so a failed or interrupted build
//! leaves it exactly as it was, and a finished one appears at once. A file
//! in the staging tree may be a link to the same file of the site, so the
//! staging tree is never written in place either: a changed file is always
//! a new file renamed over the old name. The staging tree's manifest is
//! removed before its first change and written after its last, so a build
//! killed half-way leaves a staging tree the next build knows not to trust
//! (it then checks every file of it). A build holds an advisory lock on
//! `.site.crosscheck-stage.lock` while it works; a second build of the same
//! site waits for it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

mod target;

pub(crate) use target::check_target;

/// One output file, path relative to the site root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Page {
    pub(crate) fn new(path: impl Into<String>, body: impl Into<Vec<u8>>) -> Page {
        Page {
            path: path.into(),
            bytes: body.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site to {path}: {why}")]
    Refused { path: PathBuf, why: String },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Temporary folders of earlier versions (cleaned up when found).
const TMP_PREFIX: &str = ".crosscheck-tmp-";
const LOCK_SUFFIX: &str = ".lock";
/// The manifest at the root of the site and of its staging tree.
pub(crate) const MANIFEST: &str = ".crosscheck-manifest";
/// A file being written into the staging tree, before its rename.
const PART_SUFFIX: &str = ".crosscheck-part";

/// Replaces the folder `out` with exactly `pages`.
#[cfg(test)]
pub(crate) fn write_site(root: &Path, out: &Path, pages: &[Page]) -> Result<Written, OutputError> {
    let staged = StagedSite::new(root, out)?;
    pages.par_iter().try_for_each(|p| staged.write(p))?;
    staged.commit()
}

/// A file's fingerprint in a manifest: its size and 64 bits of its
/// BLAKE3 hash (a change detector, not a security boundary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Print {
    len: u64,
    hash: u64,
}

impl Print {
    fn of(bytes: &[u8]) -> Print {
        let h = blake3::hash(bytes);
        Print {
            len: bytes.len() as u64,
            hash: u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("eight bytes")),
        }
    }
}

/// Path → fingerprint, as read from a tree's manifest.
type Manifest = FxHashMap<String, Print>;

/// Path → key of what a derived file was made from (see
/// [`StagedSite::keep_derived`]).
type Derivations = FxHashMap<String, u64>;

/// Reads the manifest of the tree at `dir`; `None` when it has none (a
/// tree written by an older crosscheck, or one a killed build left).
fn read_manifest(dir: &Path) -> Option<(Manifest, Derivations)> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let mut m = Manifest::default();
    let mut from = Derivations::default();
    for line in text.lines().skip(1) {
        let mut parts = line.splitn(3, ' ');
        let first = parts.next()?;
        if first == "from" {
            let key = u64::from_str_radix(parts.next()?, 16).ok()?;
            from.insert(parts.next()?.to_string(), key);
            continue;
        }
        let hash = u64::from_str_radix(first, 16).ok()?;
        let len = parts.next()?.parse().ok()?;
        m.insert(parts.next()?.to_string(), Print { len, hash });
    }
    Some((m, from))
}

fn manifest_text(files: &[(String, Print)], from: &[(String, u64)]) -> String {
    let mut out = String::with_capacity(40 + files.len() * 80);
    out.push_str("crosscheck manifest 2: hash size path, then: from key path\n");
    for (path, p) in files {
        out.push_str(&format!("{:016x} {} {path}\n", p.hash, p.len));
    }
    for (path, key) in from {
        out.push_str(&format!("from {key:016x} {path}\n"));
    }
    out
}

/// What a build did to the output, for `-v` and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files whose bytes were written.
    pub written: usize,
    /// Files the staging tree took from the site by a hard link.
    pub linked: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files of the previous site that are gone from the new one.
    pub removed: usize,
    /// Whether the site was replaced (false: nothing had changed).
    pub swapped: bool,
}

/// A site being written page by page, so a build need not hold every page
/// in memory: each page is hashed as it comes and written into the staging
/// tree only when it must be (see the module docs); [`StagedSite::commit`]
/// finishes the staging tree and swaps it in. Dropped without a commit (a
/// page failed to render), it leaves the site untouched.
pub(crate) struct StagedSite {
    /// The folder replaced: `--out` resolved through links and `..`.
    out: PathBuf,
    stage: PathBuf,
    /// Held while the build works on `out` and its staging tree.
    _lock: std::fs::File,
    /// The site's manifest (`None`: no site yet, or one without a manifest).
    site: Option<Manifest>,
    /// The staging tree's manifest (`None`: unknown, every file checked).
    staged: Option<Manifest>,
    /// What the site's and the staging tree's derived files were made from.
    site_from: Derivations,
    staged_from: Derivations,
    /// What the new site's receipt says (see [`StagedSite::set_receipt`]).
    receipt: Option<String>,
    /// Every file of the new site and its fingerprint.
    files: Mutex<Vec<(String, Print)>>,
    /// The new site's derived files and what they were made from.
    files_from: Mutex<Vec<(String, u64)>>,
    /// Whether the staging tree's manifest has been removed (its first
    /// change is due or done).
    dirty: std::sync::Once,
    /// Folders known to exist in the staging tree.
    made: Mutex<FxHashSet<String>>,
    written: std::sync::atomic::AtomicUsize,
}

impl StagedSite {
    /// Checks that `out` may be replaced (before creating anything), locks
    /// it and reads the manifests.
    pub(crate) fn new(root: &Path, out: &Path) -> Result<StagedSite, OutputError> {
        let out = check_target(root, out)?;
        let parent = out
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        remove_stale_temporaries(&parent);
        let name = out
            .file_name()
            .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
        let stage = parent.join(format!(".{name}.crosscheck-stage"));
        let lock_path = parent.join(format!(".{name}.crosscheck-stage{LOCK_SUFFIX}"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        lock_exclusive(&lock, true).map_err(io_err(&lock_path))?;
        if stage.exists() && !stage.is_dir() {
            return Err(OutputError::Refused {
                path: stage,
                why: "it is where the site's staging folder goes, and it is not a folder".into(),
            });
        }
        std::fs::create_dir_all(&stage).map_err(io_err(&stage))?;
        // The temporary of a receipt whose writing was interrupted.
        let mut part = receipt_path(&out).into_os_string();
        part.push(PART_SUFFIX);
        let _ = std::fs::remove_file(part);
        let (site, site_from) = match out.is_dir().then(|| read_manifest(&out)).flatten() {
            Some((m, f)) => (Some(m), f),
            None => (None, Derivations::default()),
        };
        let (staged, staged_from) = match read_manifest(&stage) {
            Some((m, f)) => (Some(m), f),
            None => (None, Derivations::default()),
        };
        // The staging tree's folders exist: no `mkdir` for them.
        let made: FxHashSet<String> = staged
            .iter()
            .flat_map(|m| m.keys())
            .flat_map(|p| {
                let mut dirs = Vec::new();
                let mut rest = p.as_str();
                while let Some((d, _)) = rest.rsplit_once('/') {
                    dirs.push(d.to_string());
                    rest = d;
                }
                dirs
            })
            .collect();
        Ok(StagedSite {
            out,
            stage,
            _lock: lock,
            site,
            staged,
            site_from,
            staged_from,
            receipt: None,
            files: Mutex::new(Vec::new()),
            files_from: Mutex::new(Vec::new()),
            dirty: std::sync::Once::new(),
            made: Mutex::new(made),
            written: Default::default(),
        })
    }

    /// A line of text kept beside the new site once it is in place, bound
    /// to it (see [`read_receipt`]): what the build that made it read.
    /// `None` leaves the previous receipt, which stops applying if the
    /// site changes.
    pub(crate) fn set_receipt(&mut self, receipt: Option<String>) {
        debug_assert!(receipt.as_deref().is_none_or(|r| !r.contains('\n')));
        self.receipt = receipt;
    }

    /// Before the staging tree's first change: it is no longer what its
    /// manifest says.
    fn touch(&self) -> Result<(), OutputError> {
        let mut result = Ok(());
        self.dirty.call_once(|| {
            let m = self.stage.join(MANIFEST);
            if let Err(e) = std::fs::remove_file(&m) {
                if e.kind() != io::ErrorKind::NotFound {
                    result = Err(io_err(&m)(e));
                }
            }
        });
        result
    }

    /// Adds one page to the new site; may be called from many threads at
    /// once. Written to the staging tree only if neither the site nor the
    /// staging tree already holds these bytes.
    pub(crate) fn write(&self, page: &Page) -> Result<(), OutputError> {
        let print = Print::of(&page.bytes);
        let in_site = self
            .site
            .as_ref()
            .and_then(|m| m.get(&page.path))
            .is_some_and(|p| *p == print);
        let in_stage = self
            .staged
            .as_ref()
            .and_then(|m| m.get(&page.path))
            .is_some_and(|p| *p == print);
        if !in_site && !in_stage {
            self.touch()?;
            self.make_parent(&page.path)?;
            replace_file(&self.stage.join(&page.path), |path| {
                std::fs::write(path, &page.bytes)
            })?;
            self.written
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((page.path.clone(), print));
        Ok(())
    }

    /// A derived file: one whose bytes are a pure function of `key` (a
    /// card's PNG, of its SVG and the rasteriser). When the site or the
    /// staging tree holds `path` made from the same key, it is kept as it
    /// is without being made again, and its size is returned; `None`: make
    /// it and hand it to [`StagedSite::write_derived`].
    pub(crate) fn keep_derived(&self, path: &str, key: u64) -> Option<u64> {
        let held = |m: &Option<Manifest>, from: &Derivations| {
            (from.get(path) == Some(&key))
                .then(|| m.as_ref().and_then(|m| m.get(path)).copied())
                .flatten()
        };
        let print =
            held(&self.site, &self.site_from).or_else(|| held(&self.staged, &self.staged_from))?;
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), print));
        self.files_from
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), key));
        Some(print.len)
    }

    /// [`StagedSite::write`] for a derived file made from `key`.
    pub(crate) fn write_derived(&self, page: &Page, key: u64) -> Result<(), OutputError> {
        self.write(page)?;
        self.files_from
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((page.path.clone(), key));
        Ok(())
    }

    /// Creates the folder of `rel` (and its parents) in the staging tree
    /// unless it is known to exist.
    fn make_parent(&self, rel: &str) -> Result<(), OutputError> {
        let Some((dir, _)) = rel.rsplit_once('/') else {
            return Ok(());
        };
        let new = {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            made.insert(dir.to_string())
        };
        if new {
            let path = self.stage.join(dir);
            // Tolerates another thread creating a shared parent meanwhile.
            std::fs::create_dir_all(&path).map_err(io_err(&path))?;
        }
        Ok(())
    }

    /// Finishes the staging tree and swaps it in for the site, unless the
    /// new site is the site as it is (then nothing is touched).
    pub(crate) fn commit(self) -> Result<Written, OutputError> {
        let mut files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()));
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut from =
            std::mem::take(&mut *self.files_from.lock().unwrap_or_else(|e| e.into_inner()));
        from.sort_unstable();
        let same = |m: Option<&Manifest>, path: &str, p: &Print| {
            m.and_then(|m| m.get(path)).is_some_and(|q| q == p)
        };
        let written = self.written.load(std::sync::atomic::Ordering::Relaxed);
        let site_unchanged = written == 0
            && self.site.as_ref().is_some_and(|m| {
                m.len() == files.len() && files.iter().all(|(path, p)| same(Some(m), path, p))
            })
            && self.site_from.len() == from.len()
            && from
                .iter()
                .all(|(path, k)| self.site_from.get(path) == Some(k));
        if site_unchanged {
            if let Some(receipt) = &self.receipt {
                if let Some(print) = site_print(&self.out) {
                    // A receipt is only a shortcut for the next build: one
                    // that cannot be written makes that build run in full.
                    let _ = write_receipt(&self.out, print, receipt);
                }
            }
            return Ok(Written {
                unchanged: files.len(),
                ..Written::default()
            });
        }
        let mut out = Written {
            written,
            swapped: true,
            ..Written::default()
        };
        // Files the site holds as they should be: linked into the staging
        // tree unless it has them already.
        let to_link: Vec<&(String, Print)> = files
            .iter()
            .filter(|(path, p)| {
                same(self.site.as_ref(), path, p) && !same(self.staged.as_ref(), path, p)
            })
            .collect();
        if !to_link.is_empty() {
            self.touch()?;
        }
        to_link.par_iter().try_for_each(|(path, _)| {
            self.make_parent(path)?;
            let from = self.out.join(path);
            replace_file(&self.stage.join(path), |tmp| {
                // A host without hard links gets a copy.
                std::fs::hard_link(&from, tmp).or_else(|_| std::fs::copy(&from, tmp).map(|_| ()))
            })
        })?;
        out.linked = to_link.len();
        out.unchanged = files.len() - out.written - out.linked;
        // What the staging tree holds beyond the new site goes.
        let keep: FxHashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let extra: Vec<String> = match &self.staged {
            Some(m) => m
                .keys()
                .filter(|p| !keep.contains(p.as_str()))
                .cloned()
                .collect(),
            None => files_under(&self.stage)
                .into_iter()
                .filter(|p| p != MANIFEST && !keep.contains(p.as_str()))
                .collect(),
        };
        if !extra.is_empty() {
            self.touch()?;
        }
        for rel in &extra {
            let path = self.stage.join(rel);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err(&path)(e)),
                _ => {}
            }
            remove_empty_parents(&self.stage, rel);
        }
        out.removed = match &self.site {
            Some(m) => m.keys().filter(|p| !keep.contains(p.as_str())).count(),
            None => 0,
        };
        // The manifest last: the staging tree is now exactly the new site.
        let manifest = self.stage.join(MANIFEST);
        let manifest_bytes = manifest_text(&files, &from);
        replace_file(&manifest, |tmp| std::fs::write(tmp, &manifest_bytes))?;
        swap_in(&self.stage, &self.out)?;
        if let Some(receipt) = &self.receipt {
            let _ = write_receipt(&self.out, blake3::hash(manifest_bytes.as_bytes()), receipt);
        }
        Ok(out)
    }
}

/// Where the receipt of the build that made the site at `out` (resolved)
/// is kept: beside it, like the staging tree, so the published folder holds
/// nothing that depends on the machine that built it.
fn receipt_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    out.parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
        .join(format!(".{name}.crosscheck-receipt"))
}

/// The fingerprint of the site at `out` (resolved): the hash of its
/// manifest, which names every file's hash. `None`: no manifest.
fn site_print(out: &Path) -> Option<blake3::Hash> {
    std::fs::read(out.join(MANIFEST))
        .ok()
        .map(|m| blake3::hash(&m))
}

/// Records `receipt` for the site at `out` whose manifest hashes to
/// `print`, so it stops applying as soon as the site changes. Written
/// atomically, under the build's lock.
fn write_receipt(out: &Path, print: blake3::Hash, receipt: &str) -> Result<(), OutputError> {
    replace_file(&receipt_path(out), |tmp| {
        std::fs::write(tmp, format!("{} {receipt}\n", print.to_hex()))
    })
}

/// The receipt of the build that made the site at `out` (resolved), if it
/// is still the site that build made.
pub(crate) fn read_receipt(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(receipt_path(out)).ok()?;
    let (print, receipt) = text.trim_end_matches('\n').split_once(' ')?;
    (blake3::Hash::from_hex(print).ok()? == site_print(out)?).then(|| receipt.to_string())
}

/// Puts a new file at `path` without writing to the file there (which may
/// be a link to the live site's): `make` creates it under a temporary name
/// beside it, then it is renamed over.
fn replace_file(path: &Path, make: impl Fn(&Path) -> io::Result<()>) -> Result<(), OutputError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(PART_SUFFIX);
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    match make(&tmp) {
        // Another thread recorded the folder and is still creating it.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            }
            make(&tmp).map_err(io_err(path))?;
        }
        r => r.map_err(io_err(path))?,
    }
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

/// Every file under `dir`, relative, `/`-separated.
fn files_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            Some(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect()
}

/// Removes the folders of `rel` under `dir` that are now empty, deepest
/// first (an article gone leaves no empty `articles/ID/`).
fn remove_empty_parents(dir: &Path, rel: &str) {
    let mut rest = rel;
    while let Some((parent, _)) = rest.rsplit_once('/') {
        if std::fs::remove_dir(dir.join(parent)).is_err() {
            break;
        }
        rest = parent;
    }
}

/// An exclusive advisory lock on `file`: waiting for it (`wait`), or
/// failing with `WouldBlock` when another process holds it.
#[cfg(unix)]
fn lock_exclusive(file: &std::fs::File, wait: bool) -> io::Result<()> {
    use rustix::fs::{FlockOperation, flock};
    let op = if wait {
        FlockOperation::LockExclusive
    } else {
        FlockOperation::NonBlockingLockExclusive
    };
    flock(file, op).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn lock_exclusive(file: &std::fs::File, wait: bool) -> io::Result<()> {
    if wait {
        file.lock()
    } else {
        file.try_lock()
            .map_err(|_| io::ErrorKind::WouldBlock.into())
    }
}

/// Exchanges the staging tree and the site; the first time, when there is
/// no site yet, the staging tree becomes it.
fn swap_in(stage: &Path, out: &Path) -> Result<(), OutputError> {
    if !out.exists() {
        return std::fs::rename(stage, out).map_err(io_err(out));
    }
    exchange(stage, out).map_err(io_err(out))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Without an atomic exchange the old site is moved aside first; an
/// interruption between the two renames leaves it beside the output.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

/// Temporaries left by builds that were killed: only ours, by prefix, and
/// only those whose lock no running build holds. A folder without a lock
/// file (made by a crosscheck without locks, or left by a clean-up that
/// was itself killed) goes once it is an hour old.
fn remove_stale_temporaries(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(TMP_PREFIX) {
            continue;
        }
        let path = e.path();
        if let Some(folder) = name.strip_suffix(LOCK_SUFFIX) {
            // A lock whose folder is gone: a clean-up killed half-way.
            // (A minute's grace: a starting build creates its lock just
            // before its folder.)
            let aged = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 60);
            if aged && !parent.join(folder).exists() {
                if let Ok(f) = std::fs::File::open(&path) {
                    if lock_exclusive(&f, false).is_ok() {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
            continue;
        }
        let lock_path = parent.join(format!("{name}{LOCK_SUFFIX}"));
        match std::fs::File::open(&lock_path) {
            Ok(lock) => {
                // Held: a build is writing there right now.
                if lock_exclusive(&lock, false).is_err() {
                    continue;
                }
                if std::fs::remove_dir_all(&path).is_ok() {
                    let _ = std::fs::remove_file(&lock_path);
                }
            }
            Err(_) => {
                let old_enough = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 3600);
                if old_enough {
                    let _ = std::fs::remove_dir_all(&path);
                }
            }
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_file_is_kept_only_under_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let png = Page::new("c/card.png", "pixels");
        for _ in 0..2 {
            // Twice: the second time the staging tree has a manifest too.
            let staged = StagedSite::new(dir.path(), &out).unwrap();
            staged.write(&Page::new("data.json", "{}")).unwrap();
            staged.write_derived(&png, 7).unwrap();
            staged.commit().unwrap();
        }
        let staged = StagedSite::new(dir.path(), &out).unwrap();
        assert_eq!(staged.keep_derived("c/card.png", 8), None, "another key");
        assert_eq!(staged.keep_derived("c/other.png", 7), None, "another file");
        assert_eq!(staged.keep_derived("c/card.png", 7), Some(6));
        staged.write(&Page::new("data.json", "{}")).unwrap();
        let written = staged.commit().unwrap();
        assert!(!written.swapped, "keeping every file changes nothing");
        assert_eq!(std::fs::read(out.join("c/card.png")).unwrap(), b"pixels");

        // Made under a new key: the same bytes, the new key recorded.
        let staged = StagedSite::new(dir.path(), &out).unwrap();
        staged.write(&Page::new("data.json", "{}")).unwrap();
        staged.write_derived(&png, 8).unwrap();
        staged.commit().unwrap();
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(
            manifest.contains(&format!("from {:016x} c/card.png", 8)),
            "{manifest}"
        );
        let staged = StagedSite::new(dir.path(), &out).unwrap();
        assert_eq!(staged.keep_derived("c/card.png", 9), None);
        assert_eq!(staged.keep_derived("c/card.png", 8), Some(6));
    }

    #[test]
    fn replaces_the_site_and_drops_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_site(
            dir.path(),
            &out,
            &[Page::new("data.json", "{}"), Page::new("a/index.html", "a")],
        )
        .unwrap();
        write_site(
            dir.path(),
            &out,
            &[
                Page::new("data.json", "{1}"),
                Page::new("b/index.html", "b"),
            ],
        )
        .unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "b"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        let mut leftovers: Vec<String> = leftovers
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        leftovers.sort();
        assert_eq!(
            leftovers,
            [
                ".site.crosscheck-stage",
                ".site.crosscheck-stage.lock",
                "site"
            ]
        );
        // The staging tree holds the previous generation, nothing else.
        let stage = dir.path().join(".site.crosscheck-stage");
        assert!(stage.join("a/index.html").exists());
        assert!(!stage.join("b").exists());
    }
}
