//! Everything a build reads, as one digest, so a build whose inputs are
//! byte for byte those of the build that made the site can stop before
//! loading anything (see `Project::build`).
//!
//! The output is a pure function of the files under `content/` and
//! `templates/`, the program and the build options: nothing else is read
//! (the card fonts are compiled in, no clock or environment variable
//! reaches a page). So the digest covers exactly those: every file's path
//! and bytes (read through the [`crate::input`] rule, so nothing outside
//! the project is read), the program's version and the identity of its
//! executable (size, modification time, inode: a rebuilt binary counts as
//! a new program), and the options. Anything unusual (a file that cannot
//! be read, a link to a folder, a pipe) gives no digest at all: the build
//! then runs in full and reports the problem as it always does.

use std::path::Path;

use rayon::prelude::*;

/// The digest of a build's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Digest([u8; 32]);

impl Digest {
    pub(crate) fn to_hex(self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }

    pub(crate) fn from_hex(hex: &str) -> Option<Digest> {
        blake3::Hash::from_hex(hex)
            .ok()
            .map(|h| Digest(*h.as_bytes()))
    }
}

/// The folders of a project whose files a build reads.
pub(crate) const READ_FOLDERS: [&str; 2] = ["content", "templates"];

/// The digest of what a build of `root` reads, with `options` (any bytes
/// that change the output: the build options, the output folder). `None`
/// when an input cannot be read plainly (see the module docs).
pub(crate) fn digest(root: &Path, options: &[u8]) -> Option<Digest> {
    let rule = crate::input::Project::resolved(root);
    let mut files = Vec::new();
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"crosscheck inputs 1\0");
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(&program_identity()?);
    hasher.update(&(options.len() as u64).to_le_bytes());
    hasher.update(options);
    for folder in READ_FOLDERS {
        let top = root.join(folder);
        match std::fs::symlink_metadata(&top) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                hasher.update(b"absent\0");
                hasher.update(folder.as_bytes());
                continue;
            }
            Err(_) => return None,
            Ok(m) if !m.is_dir() => return None,
            Ok(_) => {}
        }
        for entry in walkdir::WalkDir::new(&top).sort_by_file_name() {
            let entry = entry.ok()?;
            let kind = entry.file_type();
            if kind.is_dir() {
                continue;
            }
            if !kind.is_file() && !kind.is_symlink() {
                return None;
            }
            let rel = entry.path().strip_prefix(root).ok()?.to_str()?.to_owned();
            files.push(rel);
        }
    }
    let hashes: Option<Vec<blake3::Hash>> = files
        .par_iter()
        .map(|rel| {
            let bytes = rule.read(&root.join(rel), false).ok()?;
            Some(blake3::hash(&bytes))
        })
        .collect();
    for (rel, hash) in files.iter().zip(hashes?) {
        hasher.update(&(rel.len() as u64).to_le_bytes());
        hasher.update(rel.as_bytes());
        hasher.update(hash.as_bytes());
    }
    Some(Digest(*hasher.finalize().as_bytes()))
}

/// Which program this is, cheaply: its executable's size, modification
/// time and inode. A rebuilt or reinstalled crosscheck differs in at least
/// one, so its first build runs in full.
fn program_identity() -> Option<Vec<u8>> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let mut id = meta.len().to_le_bytes().to_vec();
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    id.extend_from_slice(&modified.as_nanos().to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        id.extend_from_slice(&meta.ino().to_le_bytes());
        id.extend_from_slice(&meta.dev().to_le_bytes());
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        std::fs::write(dir.path().join("content/site.toml"), "title = \"t\"\n").unwrap();
        std::fs::write(dir.path().join("content/articles/a.md"), "one").unwrap();
        dir
    }

    #[test]
    fn any_byte_of_any_input_changes_the_digest() {
        let dir = project();
        let root = dir.path();
        let before = digest(root, b"").unwrap();
        assert_eq!(
            digest(root, b""),
            Some(before),
            "the same inputs, the same digest"
        );
        assert_ne!(digest(root, b"drafts"), Some(before), "options count");

        std::fs::write(root.join("content/articles/a.md"), "onE").unwrap();
        let edited = digest(root, b"").unwrap();
        assert_ne!(edited, before, "an edit of one byte");

        std::fs::create_dir(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/base.html"), "x").unwrap();
        let templated = digest(root, b"").unwrap();
        assert_ne!(templated, edited, "a template added");

        std::fs::rename(
            root.join("content/articles/a.md"),
            root.join("content/articles/b.md"),
        )
        .unwrap();
        assert_ne!(digest(root, b""), Some(templated), "a file renamed");
    }

    #[cfg(unix)]
    #[test]
    fn an_input_that_cannot_be_read_plainly_gives_no_digest() {
        let dir = project();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let link = dir.path().join("content/articles/x.md");
        std::os::unix::fs::symlink(outside.path().join("secret"), &link).unwrap();
        assert_eq!(digest(dir.path(), b""), None, "a link leaving the project");
        std::fs::remove_file(&link).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &link,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        assert_eq!(digest(dir.path(), b""), None, "a named pipe");
    }
}
