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
pub struct StagedSite {
    tmp: tempfile::TempDir,
    out: PathBuf,
    /// Folders already created under `tmp`. The folder is new, so a page's
    /// folder is known to be missing until this set says otherwise: each
    /// folder costs one `mkdir` and no page costs a failed `open` first
    /// (15,000 of them in a 10,000-article build).
    made: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
}

impl StagedSite {
    /// Checks that `out` may be replaced and creates the temporary folder.
    pub fn new(root: &Path, out: &Path) -> Result<StagedSite, OutputError> {
        check_target(root, out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        remove_stale_temporaries(&parent);
        let tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .tempdir_in(&parent)
            .map_err(io_err(&parent))?;
        Ok(StagedSite {
            tmp,
            out: out.to_path_buf(),
            made: Default::default(),
        })
    }

    /// The temporary folder the pages go to.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes one page; may be called from many threads at once.
    pub fn write(&self, page: &Page) -> Result<(), OutputError> {
        self.make_parent(&page.path)?;
        let path = self.tmp.path().join(&page.path);
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
            let path = self.tmp.path().join(dir);
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
        let path = self.tmp.path().join(path);
        let file = std::fs::File::create(&path).map_err(io_err(&path))?;
        let mut w = io::BufWriter::with_capacity(1 << 20, file);
        write(&mut w).map_err(io_err(&path))?;
        let file = w.into_inner().map_err(|e| io_err(&path)(e.into_error()))?;
        Ok(file.metadata().map_err(io_err(&path))?.len())
    }

    /// Swaps the written site in for `out` in one atomic rename.
    pub fn commit(self) -> Result<(), OutputError> {
        // From here the folder must survive the guard: keep() disarms it.
        let tmp = self.tmp.keep();
        let result = swap_in(&tmp, &self.out);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
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

/// Temporaries left by builds that were killed: only ours, by prefix.
fn remove_stale_temporaries(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let old_enough = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if name.starts_with(TMP_PREFIX) && old_enough {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Guards against replacing something that is not a site: the project
/// itself, a folder holding it, or a non-empty folder that was not written
/// by crosscheck.
fn check_target(root: &Path, out: &Path) -> Result<(), OutputError> {
    let refuse = |why: &str| {
        Err(OutputError::Refused {
            path: out.to_path_buf(),
            why: why.into(),
        })
    };
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(out));
    if root_abs.starts_with(&out_abs) {
        return refuse("it contains the project itself");
    }
    if out_abs.starts_with(root_abs.join("content"))
        || out_abs.starts_with(root_abs.join("templates"))
    {
        return refuse("it is inside content/ or templates/");
    }
    if out.is_file() {
        return refuse("it is a file");
    }
    if out.is_dir() {
        let mut entries = std::fs::read_dir(out).map_err(io_err(out))?;
        let empty = entries.next().is_none();
        if !empty && !out.join("data.json").is_file() {
            return refuse(
                "it is a non-empty folder without data.json, so not a crosscheck site; remove it or choose another --out",
            );
        }
    }
    Ok(())
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
