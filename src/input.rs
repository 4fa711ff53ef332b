//! One rule for every file crosscheck reads from a project (`site.toml`,
//! articles, claims files, templates, rejected suggestions):
//!
//! * it must be a **regular file**: a folder, a named pipe (FIFO), a
//!   socket or a device is an error naming the file and what it is. Files
//!   are opened non-blocking and checked again once open, so a FIFO never
//!   blocks a build or the preview, even if it replaces a file in between;
//! * a **symbolic link** is followed only when it resolves inside the
//!   project folder (the link itself, or a linked folder on the way);
//!   a link that leaves the project, loops or leads nowhere is an error
//!   naming the link and where it leads. Nothing outside the project is
//!   ever read, so no error excerpt or preview overlay can show it;
//! * in the folders crosscheck lists (`content/`, `content/articles/`,
//!   `content/claims/`), every entry is accounted for: the files it reads,
//!   editor temporaries and hidden files (skipped, as documented), and
//!   everything else is an error (a content file's name with an upper-case
//!   extension) or a warning (files and folders crosscheck does not read).
//!
//! This module is a leaf: it knows paths and files, not content.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file may not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(
        "{name} is a symbolic link to {}, outside the project folder: crosscheck follows links only within the project",
        .target.display()
    )]
    Outside { name: String, target: PathBuf },
    #[error(
        "{name} is inside a linked folder that leads outside the project folder (to {}): crosscheck follows links only within the project",
        .target.display()
    )]
    OutsideFolder { name: String, target: PathBuf },
    #[error("{name} is a symbolic link that loops (it never leads to a file)")]
    Loop { name: String },
    #[error("{name} is a symbolic link to {}, which does not exist", .target.display())]
    Dangling { name: String, target: PathBuf },
    #[error("{name} is a folder, not a file")]
    Folder { name: String },
    #[error("{name} is a {kind}, not a regular file: crosscheck reads only regular files")]
    Special { name: String, kind: &'static str },
    #[error("cannot read {name}: {source}")]
    Io { name: String, source: io::Error },
}

impl InputError {
    /// The file does not exist (which callers may treat as "none").
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, InputError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }

    /// Advice for people.
    pub(crate) fn help(&self) -> Option<&'static str> {
        match self {
            InputError::Outside { .. } | InputError::OutsideFolder { .. } => Some(
                "copy the file into the project (or link to a file inside it) instead of linking out",
            ),
            InputError::Loop { .. } | InputError::Dangling { .. } => {
                Some("point the link at a file, or delete it")
            }
            InputError::Special { .. } => Some("replace it with a regular file"),
            InputError::Folder { .. } | InputError::Io { .. } => None,
        }
    }
}

/// A project folder, resolved once, against which files are checked.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    /// As given: names in messages are relative to it.
    root: PathBuf,
    /// Resolved through links: what "inside the project" means.
    real: PathBuf,
}

/// A problem with an entry of a listed folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListingProblem {
    pub path: PathBuf,
    pub error: bool,
    pub message: String,
    pub help: Option<String>,
}

/// The entries of a listed folder that crosscheck reads, and the problems
/// with the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Listing {
    /// Entries named `*.EXT`, sorted, whatever their type: reading one
    /// that is not a regular file (or a link within the project to one)
    /// reports why.
    pub files: Vec<PathBuf>,
    pub problems: Vec<ListingProblem>,
}

impl Project {
    /// The rule for the folder at `root`, resolved here (for the library's
    /// functions that take a bare path; the commands resolve it once, in
    /// [`crate::project::Project::open`], and use [`Project::resolved`]).
    pub(crate) fn new(root: &Path) -> Project {
        let real = std::fs::canonicalize(root)
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        Project {
            root: root.to_path_buf(),
            real,
        }
    }

    /// The rule for a folder already resolved through links.
    pub(crate) fn resolved(root: &Path) -> Project {
        Project {
            root: root.to_path_buf(),
            real: root.to_path_buf(),
        }
    }

    /// The folder resolved through links.
    pub(crate) fn real(&self) -> &Path {
        &self.real
    }

    /// `path` relative to the project, `/`-separated, for messages.
    pub(crate) fn name(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Checks `path` under the rule and returns the path to open (the
    /// link's target for a link). `parent_checked` says the folder holding
    /// it is known to be inside the project (it was listed), which spares
    /// resolving its path again.
    pub(crate) fn check(&self, path: &Path, parent_checked: bool) -> Result<PathBuf, InputError> {
        let name = || self.name(path);
        let meta = std::fs::symlink_metadata(path).map_err(|source| InputError::Io {
            name: name(),
            source,
        })?;
        let (meta, open) = if meta.file_type().is_symlink() {
            let real = match std::fs::canonicalize(path) {
                Ok(r) => r,
                Err(e) if is_loop(&e) => return Err(InputError::Loop { name: name() }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(InputError::Dangling {
                        name: name(),
                        target: std::fs::read_link(path).unwrap_or_default(),
                    });
                }
                Err(source) => {
                    return Err(InputError::Io {
                        name: name(),
                        source,
                    });
                }
            };
            if !real.starts_with(&self.real) {
                return Err(InputError::Outside {
                    name: name(),
                    target: real,
                });
            }
            let meta = std::fs::metadata(&real).map_err(|source| InputError::Io {
                name: name(),
                source,
            })?;
            (meta, real)
        } else {
            if !parent_checked {
                let real = std::fs::canonicalize(path).map_err(|source| InputError::Io {
                    name: name(),
                    source,
                })?;
                if !real.starts_with(&self.real) {
                    return Err(InputError::OutsideFolder {
                        name: name(),
                        target: real,
                    });
                }
            }
            (meta, path.to_path_buf())
        };
        if meta.is_dir() {
            return Err(InputError::Folder { name: name() });
        }
        if !meta.is_file() {
            return Err(InputError::Special {
                name: name(),
                kind: kind_of(&meta.file_type()),
            });
        }
        Ok(open)
    }

    /// Reads a file under the rule (see [`Project::check`]).
    pub(crate) fn read(&self, path: &Path, parent_checked: bool) -> Result<Vec<u8>, InputError> {
        let open = self.check(path, parent_checked)?;
        read_regular(&open).map_err(|e| match e {
            ReadError::Special(kind) => InputError::Special {
                name: self.name(path),
                kind,
            },
            ReadError::Io(source) => InputError::Io {
                name: self.name(path),
                source,
            },
        })
    }

    /// Checks a folder crosscheck lists: `Ok(None)` when it does not exist,
    /// an error when it is not a folder, cannot be read or leads outside
    /// the project.
    fn check_folder(&self, dir: &Path) -> Result<Option<std::fs::ReadDir>, ListingProblem> {
        let problem = |message: String, help: Option<&str>| ListingProblem {
            path: dir.to_path_buf(),
            error: true,
            message,
            help: help.map(str::to_string),
        };
        let name = self.name(dir);
        match std::fs::symlink_metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(problem(format!("cannot read {name}: {e}"), None)),
            Ok(_) => {}
        }
        let real = match std::fs::canonicalize(dir) {
            Ok(r) => r,
            Err(e) if is_loop(&e) => {
                return Err(problem(
                    format!("{name} is a symbolic link that loops"),
                    Some("point the link at a folder, or delete it"),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(problem(
                    format!("{name} is a symbolic link to a folder that does not exist"),
                    Some("point the link at a folder, or delete it"),
                ));
            }
            Err(e) => return Err(problem(format!("cannot read {name}: {e}"), None)),
        };
        if !real.starts_with(&self.real) {
            return Err(problem(
                format!(
                    "{name} leads outside the project folder (to {}): crosscheck follows links only within the project",
                    real.display()
                ),
                Some("move the folder into the project"),
            ));
        }
        if !real.is_dir() {
            return Err(problem(
                format!("{name} is not a folder"),
                Some("it must be a folder of content files"),
            ));
        }
        std::fs::read_dir(dir)
            .map(Some)
            .map_err(|e| problem(format!("cannot read {name}: {e}"), None))
    }

    /// Lists `dir` for files named `*.EXT` (see [`Listing`]); `what` names
    /// them in messages ("articles"). `known` are the other names expected
    /// there: not reported, but a name that differs from one only in case
    /// is an error. With no `ext`, nothing is listed and every entry not
    /// `known` is reported (`what` then says what the folder holds).
    pub(crate) fn list(
        &self,
        dir: &Path,
        ext: Option<&str>,
        what: &str,
        known: &[&str],
        is_editor_temp: &dyn Fn(&Path) -> bool,
    ) -> Listing {
        let mut listing = Listing::default();
        let entries = match self.check_folder(dir) {
            Ok(Some(entries)) => entries,
            Ok(None) => return listing,
            Err(p) => {
                listing.problems.push(p);
                return listing;
            }
        };
        let dir_name = self.name(dir);
        let mut names: Vec<(String, PathBuf, Option<std::fs::FileType>)> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    listing.problems.push(ListingProblem {
                        path: dir.to_path_buf(),
                        error: true,
                        message: format!("cannot read {dir_name}: {e}"),
                        help: None,
                    });
                    continue;
                }
            };
            let path = entry.path();
            if is_editor_temp(&path) {
                continue;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                listing.problems.push(ListingProblem {
                    path: path.clone(),
                    error: true,
                    message: format!(
                        "{}: a file name in {dir_name} is not valid UTF-8",
                        path.display()
                    ),
                    help: Some("rename it".into()),
                });
                continue;
            };
            names.push((name, path, entry.file_type().ok()));
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        let lower: std::collections::HashSet<&str> =
            names.iter().map(|(n, ..)| n.as_str()).collect();
        for (name, path, kind) in &names {
            if known.contains(&name.as_str()) {
                continue;
            }
            if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
                listing.problems.push(ListingProblem {
                    path: path.clone(),
                    error: true,
                    message: format!(
                        "{dir_name}/{name} is named like {dir_name}/{k} but in another case: crosscheck reads `{k}` only"
                    ),
                    help: Some(format!("rename it to `{k}`")),
                });
                continue;
            }
            let extension = Path::new(name).extension().and_then(|e| e.to_str());
            let Some(ext) = ext else {
                listing.problems.push(ListingProblem {
                    path: path.clone(),
                    error: false,
                    message: format!("{dir_name}/{name} is not read: {what}"),
                    help: None,
                });
                continue;
            };
            match extension {
                Some(e) if e == ext => listing.files.push(path.clone()),
                Some(e) if e.eq_ignore_ascii_case(ext) => {
                    let stem = &name[..name.len() - e.len() - 1];
                    let sibling = format!("{}.{ext}", stem.to_ascii_lowercase());
                    let help = if lower.contains(sibling.as_str()) {
                        format!(
                            "{dir_name}/{sibling} has the same id: merge the two and delete this one"
                        )
                    } else {
                        format!("rename it to `{sibling}`")
                    };
                    listing.problems.push(ListingProblem {
                        path: path.clone(),
                        error: true,
                        message: format!(
                            "{dir_name}/{name} has an upper-case extension: {what} are read from `*.{ext}` files only"
                        ),
                        help: Some(help),
                    });
                }
                _ => {
                    let folder = kind.is_some_and(|k| k.is_dir());
                    listing.problems.push(ListingProblem {
                        path: path.clone(),
                        error: false,
                        message: if folder {
                            format!(
                                "{dir_name}/{name}/ is not read: {what} are read from `{dir_name}/*.{ext}`, not from folders in it"
                            )
                        } else {
                            format!(
                                "{dir_name}/{name} is not read: {what} are `*.{ext}` files"
                            )
                        },
                        help: None,
                    });
                }
            }
        }
        listing
    }
}

fn is_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe (FIFO)";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
    }
    let _ = t;
    "special file"
}

/// Why [`read_regular`] failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not a regular file (found once open): its kind.
    Special(&'static str),
    Io(io::Error),
}

/// Reads a file that must be regular, without ever blocking: opened
/// non-blocking (a FIFO opens at once instead of waiting for a writer),
/// then checked by its open handle, so a file swapped for a FIFO or a
/// device after any earlier check is refused too.
pub(crate) fn read_regular(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut file = open_nonblocking(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::Special(if meta.is_dir() {
            "folder"
        } else {
            kind_of(&meta.file_type())
        }));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes).map_err(ReadError::Io)?;
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Special(kind) => write!(f, "it is a {kind}, not a regular file"),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> io::Error {
        match e {
            ReadError::Io(e) => e,
            special => io::Error::other(special.to_string()),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mkfifo(path: &Path) {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
    }

    #[test]
    fn the_rule_for_one_file() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "root:x:0:0").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let p = Project::new(root);
        std::fs::write(root.join("ok.md"), "ok").unwrap();
        symlink(root.join("ok.md"), root.join("inside.md")).unwrap();
        symlink(outside.path().join("secret"), root.join("out.md")).unwrap();
        symlink(root.join("loop.md"), root.join("loop.md")).unwrap();
        symlink(root.join("gone"), root.join("dangling.md")).unwrap();
        symlink("/dev/zero", root.join("zero.md")).unwrap();
        mkfifo(&root.join("fifo.md"));
        std::fs::create_dir(root.join("dir.md")).unwrap();
        symlink(outside.path(), root.join("linked")).unwrap();

        assert_eq!(p.read(&root.join("ok.md"), false).unwrap(), b"ok");
        assert_eq!(p.read(&root.join("inside.md"), true).unwrap(), b"ok");
        let err = |name: &str, trusted: bool| p.read(&root.join(name), trusted).unwrap_err();
        assert!(matches!(err("out.md", true), InputError::Outside { .. }));
        assert!(matches!(err("loop.md", true), InputError::Loop { .. }));
        assert!(matches!(
            err("dangling.md", true),
            InputError::Dangling { .. }
        ));
        assert!(matches!(err("zero.md", true), InputError::Outside { .. }));
        assert!(matches!(
            err("fifo.md", true),
            InputError::Special {
                kind: "named pipe (FIFO)",
                ..
            }
        ));
        assert!(matches!(err("dir.md", true), InputError::Folder { .. }));
        assert!(matches!(
            err("linked/secret", false),
            InputError::OutsideFolder { .. }
        ));
        let msg = err("out.md", true).to_string();
        assert!(msg.starts_with("out.md is a symbolic link to "), "{msg}");
        assert!(!msg.contains("root:x"), "{msg}");
    }

    #[test]
    fn a_fifo_never_blocks_even_when_read_directly() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("claims.toml");
        mkfifo(&fifo);
        assert!(matches!(
            read_regular(&fifo),
            Err(ReadError::Special("named pipe (FIFO)"))
        ));
    }

    #[test]
    fn listing_accounts_for_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let articles = root.join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        for name in ["a.md", "b.md", "X.MD", "notes.txt", ".hidden.md", "c.md~"] {
            std::fs::write(articles.join(name), "x").unwrap();
        }
        std::fs::write(articles.join("a.Md"), "x").unwrap();
        std::fs::create_dir(articles.join("drafts")).unwrap();
        std::fs::create_dir(articles.join("folder.md")).unwrap();
        let p = Project::new(root);
        let temp = |p: &Path| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with('.') || n.ends_with('~')
        };
        let l = p.list(&articles, Some("md"), "articles", &[], &temp);
        let names: Vec<String> = l
            .files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.md", "b.md", "folder.md"]);
        let msgs: Vec<(bool, &str)> = l
            .problems
            .iter()
            .map(|p| (p.error, p.message.as_str()))
            .collect();
        assert_eq!(
            msgs,
            [
                (
                    true,
                    "content/articles/X.MD has an upper-case extension: articles are read from `*.md` files only"
                ),
                (
                    true,
                    "content/articles/a.Md has an upper-case extension: articles are read from `*.md` files only"
                ),
                (
                    false,
                    "content/articles/drafts/ is not read: articles are read from `content/articles/*.md`, not from folders in it"
                ),
                (
                    false,
                    "content/articles/notes.txt is not read: articles are `*.md` files"
                ),
            ]
        );
        assert_eq!(
            l.problems[1].help.as_deref(),
            Some("content/articles/a.md has the same id: merge the two and delete this one")
        );
        // Not a folder, or unreadable: an error, not an empty listing.
        std::fs::remove_dir_all(&articles).unwrap();
        std::fs::write(&articles, "oops").unwrap();
        let l = p.list(&articles, Some("md"), "articles", &[], &temp);
        assert!(l.files.is_empty());
        assert_eq!(l.problems[0].message, "content/articles is not a folder");
    }
}
/// Editor backup, swap and lock files that sit beside real content.
pub fn is_editor_temp(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains(".tmp.")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        // Vim's probe that a folder is writable, made and removed at once.
        || name == "4913"
}
