//! Stage 6: write the site. The new site is written to a hidden temporary
//! folder beside the output and swapped in with one atomic rename, so a
//! failed or interrupted build leaves the previous site untouched and no
//! file of an earlier build lingers.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// One output file, path relative to the site root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn new(path: impl Into<String>, body: impl Into<Vec<u8>>) -> Page {
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

const TMP_PREFIX: &str = ".crosscheck-tmp-";
const LOCK_SUFFIX: &str = ".lock";

/// Replaces the folder `out` with exactly `pages`.
pub fn write_site(root: &Path, out: &Path, pages: &[Page]) -> Result<(), OutputError> {
    let staged = StagedSite::new(root, out)?;
    write_tree(staged.dir(), pages)?;
    staged.commit()
}

/// A site being written page by page, so a build need not hold every page
/// in memory: pages go into a hidden temporary folder beside `out` as they
/// are rendered, and [`StagedSite::commit`] swaps that folder in. Dropped
/// without a commit (a page failed to render), the temporary folder is
/// removed and the previous site stays untouched.
///
/// While it lives, the build holds an advisory lock on a file beside the
/// folder (`.crosscheck-tmp-XXXX.lock`); the next build removes any
/// temporary folder whose lock nobody holds (a killed build's), and never
/// one a running build holds.
pub struct StagedSite {
    tmp: PathBuf,
    /// Held until the folder is committed or removed.
    lock: Option<tempfile::NamedTempFile>,
    /// The folder replaced: `--out` resolved through links and `..`.
    out: PathBuf,
    committed: bool,
    /// Folders already created under `tmp`. The folder is new, so a page's
    /// folder is known to be missing until this set says otherwise: each
    /// folder costs one `mkdir` and no page costs a failed `open` first
    /// (15,000 of them in a 10,000-article build).
    made: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
}

impl StagedSite {
    /// Checks that `out` may be replaced (before creating anything) and
    /// creates the temporary folder beside the folder it resolves to.
    pub fn new(root: &Path, out: &Path) -> Result<StagedSite, OutputError> {
        let out = check_target(root, out)?;
        let parent = out
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        remove_stale_temporaries(&parent);
        let (tmp, lock) = locked_temporary(&parent).map_err(io_err(&parent))?;
        Ok(StagedSite {
            tmp,
            lock: Some(lock),
            out,
            committed: false,
            made: Default::default(),
        })
    }

    /// The temporary folder the pages go to.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The folder the site replaces, resolved (see [`check_target`]).
    pub fn target(&self) -> &Path {
        &self.out
    }

    /// Writes one page; may be called from many threads at once.
    pub fn write(&self, page: &Page) -> Result<(), OutputError> {
        self.make_parent(&page.path)?;
        let path = self.tmp.join(&page.path);
        match std::fs::write(&path, &page.bytes) {
            // Another thread recorded the folder and is still creating it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
                }
                std::fs::write(&path, &page.bytes).map_err(io_err(&path))
            }
            r => r.map_err(io_err(&path)),
        }
    }

    /// Creates the folder of `rel` (and its parents) unless an earlier
    /// page did. The lock is held only to check and record the name.
    fn make_parent(&self, rel: &str) -> Result<(), OutputError> {
        let Some((dir, _)) = rel.rsplit_once('/') else {
            return Ok(());
        };
        let new = {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            made.insert(dir.to_string())
        };
        if new {
            let path = self.tmp.join(dir);
            // Tolerates another thread creating a shared parent meanwhile.
            std::fs::create_dir_all(&path).map_err(io_err(&path))?;
        }
        Ok(())
    }

    /// Writes the file at `path` (relative, `/`-separated) through a
    /// buffer, for outputs too large to build in memory first. Returns the
    /// number of bytes written.
    pub fn write_streamed(
        &self,
        path: &str,
        write: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
    ) -> Result<u64, OutputError> {
        self.make_parent(path)?;
        let path = self.tmp.join(path);
        let file = std::fs::File::create(&path).map_err(io_err(&path))?;
        let mut w = io::BufWriter::with_capacity(1 << 20, file);
        write(&mut w).map_err(io_err(&path))?;
        let file = w.into_inner().map_err(|e| io_err(&path)(e.into_error()))?;
        Ok(file.metadata().map_err(io_err(&path))?.len())
    }

    /// Swaps the written site in for `out` in one atomic rename.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let result = swap_in(&self.tmp, &self.out);
        // Swapped in, the folder is the site: not ours to remove.
        self.committed = result.is_ok();
        result
    }
}

impl Drop for StagedSite {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
        // Last: the folder is gone (or is the site) before the lock goes.
        drop(self.lock.take());
    }
}

/// Creates the lock file `.crosscheck-tmp-XXXX.lock` in `parent`, locks
/// it, then the folder `.crosscheck-tmp-XXXX` beside it. The lock comes
/// first, so no other build ever sees the folder unlocked.
fn locked_temporary(parent: &Path) -> io::Result<(PathBuf, tempfile::NamedTempFile)> {
    loop {
        let lock = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .suffix(LOCK_SUFFIX)
            .tempfile_in(parent)?;
        lock_exclusive(lock.as_file(), true)?;
        let name = lock
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let dir = parent.join(name.trim_end_matches(LOCK_SUFFIX));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok((dir, lock)),
            // A folder of that name without its lock: try another name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
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

/// Writes pages under `dir`: folders first (each once), then files in
/// parallel.
pub fn write_tree(dir: &Path, pages: &[Page]) -> Result<(), OutputError> {
    let dirs: BTreeSet<&str> = pages
        .iter()
        .filter_map(|p| p.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for d in dirs {
        let path = dir.join(d);
        std::fs::create_dir_all(&path).map_err(io_err(&path))?;
    }
    pages.par_iter().try_for_each(|p| {
        let path = dir.join(&p.path);
        std::fs::write(&path, &p.bytes).map_err(io_err(&path))
    })
}

fn swap_in(tmp: &Path, out: &Path) -> Result<(), OutputError> {
    if !out.exists() {
        return std::fs::rename(tmp, out).map_err(io_err(out));
    }
    exchange(tmp, out).map_err(io_err(out))?;
    // `tmp` now holds the previous site.
    std::fs::remove_dir_all(tmp).map_err(io_err(tmp))
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

/// Where `out` really is, worked out before anything is created: made
/// absolute, the part that exists resolved through every symbolic link
/// (`canonicalize`), then the rest appended with `.` and `..` resolved
/// lexically (that part does not exist yet, so it holds no link). This is
/// the folder `create_dir_all` + rename would end up replacing:
/// `x/nothere/../precious` is `x/precious`.
pub fn resolve_target(out: &Path) -> io::Result<PathBuf> {
    use std::path::Component;
    let abs = std::path::absolute(out)?;
    let parts: Vec<Component<'_>> = abs.components().collect();
    let mut existing = parts.len();
    while existing > 0 {
        let prefix: PathBuf = parts[..existing].iter().collect();
        match std::fs::metadata(&prefix) {
            Ok(_) => break,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                // A link whose target is missing exists itself: the
                // rename would replace the link, not what it names.
                if std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.is_symlink()) {
                    let target = std::fs::read_link(&prefix).unwrap_or_default();
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!(
                            "{} is a symbolic link to {}, which does not exist",
                            prefix.display(),
                            target.display()
                        ),
                    ));
                }
                existing -= 1;
            }
            Err(e) => return Err(e),
        }
    }
    let base: PathBuf = parts[..existing.max(1)].iter().collect();
    let mut resolved = std::fs::canonicalize(&base)?;
    for part in &parts[existing.max(1)..] {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Ok(resolved)
}

/// Guards against replacing something that is not a site: the project
/// itself, a folder holding it, a folder inside its `content/` or
/// `templates/`, or a non-empty folder that was not written by crosscheck.
/// Paths are compared resolved ([`resolve_target`]), so neither `..` nor a
/// link gets around a rule. A link as `out` (a deploy folder) is
/// followed: the folder it leads to is the one replaced, atomically, and
/// the link stays. Returns the resolved folder.
pub fn check_target(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let out_res = resolve_target(out).map_err(io_err(out))?;
    let via = if std::fs::symlink_metadata(out).is_ok_and(|m| m.is_symlink()) {
        format!(" (the link leads to {})", out_res.display())
    } else {
        String::new()
    };
    let refuse = |why: &str| {
        Err(OutputError::Refused {
            path: out.to_path_buf(),
            why: format!("{why}{via}"),
        })
    };
    let root_res = resolve_target(root).map_err(io_err(root))?;
    if root_res.starts_with(&out_res) {
        return refuse("it contains the project itself");
    }
    for inside in ["content", "templates"] {
        let lexical = root_res.join(inside);
        let real = resolve_target(&lexical).unwrap_or_else(|_| lexical.clone());
        if out_res.starts_with(&lexical) || out_res.starts_with(&real) {
            return refuse("it is inside content/ or templates/");
        }
    }
    if out_res.is_file() {
        return refuse("it is a file");
    }
    if out_res.is_dir() {
        let mut entries = std::fs::read_dir(&out_res).map_err(io_err(out))?;
        let empty = entries.next().is_none();
        if !empty && !out_res.join("data.json").is_file() {
            return refuse(
                "it is a non-empty folder without data.json, so not a crosscheck site; remove it or choose another --out",
            );
        }
    }
    Ok(out_res)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(leftovers, vec![std::ffi::OsString::from("site")]);
    }

    #[test]
    fn refuses_folders_that_are_not_sites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let e = write_site(&dir.path().join("proj"), dir.path(), &[]).unwrap_err();
        assert!(e.to_string().contains("contains the project"), "{e}");
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("thesis.tex"), "mine").unwrap();
        let e = write_site(dir.path(), &other, &[]).unwrap_err();
        assert!(e.to_string().contains("not a crosscheck site"), "{e}");
        assert_eq!(
            std::fs::read_to_string(other.join("thesis.tex")).unwrap(),
            "mine"
        );
    }
}
