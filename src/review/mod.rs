//! The reviewer workflow: turn a browser selection into a quote
//! (`selection`), edit one claim's table of the claims files
//! (`sections`, over the lossless editor [`crate::claims::edit`]), sign
//! off (`crosscheck signoff`, `sign`; what a sign-off covers is
//! [`crate::claims::signoff`]) and the HTTP API of `serve --review`
//! ([`api`]). Rejected suggestions are [`crate::suggest::rejected`].
//!
//! The claims file stays the single source of truth: every change is a
//! small, reviewable edit of it, and nothing else the user wrote changes.

pub mod api;
pub(crate) mod sections;
pub(crate) mod selection;
pub(crate) mod sign;

/// Sign-off and consistency are the core's ([`crate::claims`]); review
/// mode uses them as every command does.
pub use crate::claims::{consistency, signoff};

use std::collections::HashSet;
use std::ops::{Deref, DerefMut, Range};
use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::pipeline::content::{self, ContentFiles};

pub(crate) use crate::claims::edit;

pub use crate::claims::edit::{ClaimsFile, EditError, Field, NewEvidence, NewUpdate};

/// The claims files of a project as read for one edit, and the combined
/// version a client must send back to write.
#[derive(Debug, Clone)]
pub struct ClaimsFiles {
    root: PathBuf,
    /// `(path, name relative to the root, bytes)`, in loading order.
    files: Vec<(PathBuf, String, Vec<u8>)>,
    /// Where each file is written: its path, or for a link within the
    /// project the file it leads to (so the link stays a link).
    real: Vec<PathBuf>,
}

impl ClaimsFiles {
    /// Reads every claims file of the project (none yet is fine), under
    /// the input rule: a claims file that may not be read refuses every
    /// edit, as it fails the build.
    pub fn read(root: &Path) -> Result<ClaimsFiles, EditError> {
        let (found, _) = ContentFiles::discover_claims(root);
        let project = crate::input::Project::new(root);
        let mut files = Vec::with_capacity(found.len());
        let mut real = Vec::with_capacity(found.len());
        for path in found {
            let name = content::display_path(root, &path);
            real.push(project.check(&path, false)?);
            let bytes = project.read(&path, false)?;
            files.push((path, name, bytes));
        }
        Ok(ClaimsFiles {
            root: root.to_path_buf(),
            files,
            real,
        })
    }

    /// One version for all claims files together: any change to any of
    /// them makes a page's edits stale.
    pub fn version(&self) -> String {
        let mut v = crate::compiled::ClaimsVersion::default();
        for (_, name, bytes) in &self.files {
            v.add(name, bytes);
        }
        v.finish()
    }

    /// Refuses with [`EditError::Conflict`] unless `version` is current.
    pub fn check_version(&self, version: &str) -> Result<(), EditError> {
        let current = self.version();
        if version == current {
            Ok(())
        } else {
            Err(EditError::Conflict {
                path: "the claims file".into(),
                found: current,
            })
        }
    }

    /// Claim `id`'s table, parsed for editing: on its own where the file
    /// allows (`sections`), else the whole file.
    pub fn file_of(&self, id: &str) -> Result<Edit, EditError> {
        for (fi, (_, name, bytes)) in self.files.iter().enumerate() {
            if let Some(sections) = split(bytes) {
                let mut found = sections.iter().filter(|s| s.id.as_deref() == Some(id));
                match (found.next(), found.next()) {
                    (None, _) if sections.iter().all(|s| s.id.is_some()) => continue,
                    (Some(s), None) => {
                        if let Some(edit) = self.section(fi, &sections, s, Some(id))? {
                            return Ok(edit);
                        }
                    }
                    _ => {}
                }
            }
            let f = ClaimsFile::parse(name.clone(), bytes.clone())?;
            if f.has_claim(id) {
                return Ok(Edit {
                    file: fi,
                    range: None,
                    doc: f,
                });
            }
        }
        Err(EditError::UnknownClaim(id.to_string()))
    }

    /// Parses section `own` of file `fi` alone, if it holds claim `id` (or
    /// for a new claim, `None`: any one claim) and nothing else.
    fn section(
        &self,
        fi: usize,
        all: &[sections::Section],
        own: &sections::Section,
        id: Option<&str>,
    ) -> Result<Option<Edit>, EditError> {
        let (_, name, bytes) = &self.files[fi];
        let range = own.range.clone();
        let parse = |r: Range<usize>| ClaimsFile::parse(name.clone(), bytes[r].to_vec());
        let mut doc = parse(range.clone())?;
        let ids = doc.claim_ids();
        let only_claims = doc.top_level_keys().all(|k| k == "claim");
        let right = match id {
            Some(id) => ids == [id],
            None => ids.len() == 1,
        };
        if !(only_claims && right) {
            return Ok(None);
        }
        // New subtables copy the file's last ones of their kind when the
        // claim has none (as an edit of the whole file would).
        for key in ["evidence", "update"] {
            if own.tables.iter().any(|t| t == key) {
                continue;
            }
            let donor = all
                .iter()
                .rev()
                .find(|s| s.range != own.range && s.tables.iter().any(|t| t == key));
            if let Some(d) = donor {
                doc.add_style_donor(key, parse(d.range.clone())?);
            }
        }
        Ok(Some(Edit {
            file: fi,
            range: Some(range),
            doc,
        }))
    }

    /// The claims file named `name` (relative to the root), parsed whole
    /// for editing.
    pub(crate) fn whole(&self, name: &str) -> Result<Edit, EditError> {
        let fi = self
            .files
            .iter()
            .position(|(_, n, _)| n == name)
            .ok_or_else(|| EditError::Unsafe {
                path: name.to_string(),
                why: "it is not one of the project's claims files".into(),
            })?;
        let (_, name, bytes) = &self.files[fi];
        Ok(Edit {
            file: fi,
            range: None,
            doc: ClaimsFile::parse(name.clone(), bytes.clone())?,
        })
    }

    /// Where new claims go: after the last claim of `content/claims.toml`
    /// (created if the project has none).
    pub fn main_file(&self) -> Result<Edit, EditError> {
        let main = self.root.join("content").join("claims.toml");
        let Some(fi) = self.files.iter().position(|(p, _, _)| *p == main) else {
            return Ok(Edit {
                file: usize::MAX,
                range: None,
                doc: ClaimsFile::parse("content/claims.toml", Vec::new())?,
            });
        };
        let (_, name, bytes) = &self.files[fi];
        if let Some(sections) = split(bytes) {
            if let Some(last) = sections.last() {
                if let Some(edit) = self.section(fi, &sections, last, None)? {
                    return Ok(edit);
                }
            }
        }
        Ok(Edit {
            file: fi,
            range: None,
            doc: ClaimsFile::parse(name.clone(), bytes.clone())?,
        })
    }

    /// Every claim id in every file (also those that fail to load).
    pub(crate) fn all_ids(&self) -> Result<HashSet<String>, EditError> {
        let mut ids = HashSet::new();
        for (_, name, bytes) in &self.files {
            match split(bytes) {
                Some(sections) if sections.iter().all(|s| s.id.is_some()) => {
                    ids.extend(sections.into_iter().filter_map(|s| s.id));
                }
                _ => ids.extend(ClaimsFile::parse(name.clone(), bytes.clone())?.claim_ids()),
            }
        }
        Ok(ids)
    }

    /// Writes an edit: only if it leaves the file (or the claim's table,
    /// for an edit of one) with no more problems than before, atomically,
    /// and only if the file on disk is still the one that was read.
    pub fn commit(&self, edit: &Edit) -> Result<(), EditError> {
        let file = &edit.doc;
        let new = file.to_bytes();
        let before = problems(file.name(), file.original().to_vec());
        let after = problems(file.name(), new.clone());
        if after > before {
            return Err(EditError::Unsafe {
                path: file.name().to_string(),
                why: "the edit would leave the file with errors; it was not written".into(),
            });
        }
        let Some((_, name, bytes)) = self.files.get(edit.file) else {
            let path = self.root.join(file.name());
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| EditError::Write {
                    path: file.name().to_string(),
                    source,
                })?;
            }
            return edit::write_atomic(&path, file.name(), file.original(), &new);
        };
        let whole = match &edit.range {
            None => new,
            Some(r) => {
                let mut whole = Vec::with_capacity(bytes.len() + new.len() - r.len());
                whole.extend_from_slice(&bytes[..r.start]);
                whole.extend_from_slice(&new);
                whole.extend_from_slice(&bytes[r.end..]);
                whole
            }
        };
        edit::write_atomic(&self.real[edit.file], name, bytes, &whole)
    }

    /// The version the files will have once `edit` is committed.
    pub fn version_after(&self, edit: &Edit) -> String {
        let new = edit.doc.to_bytes();
        let mut v = crate::compiled::ClaimsVersion::default();
        let mut written = false;
        for (fi, (_, name, bytes)) in self.files.iter().enumerate() {
            if fi != edit.file {
                v.add(name, bytes);
                continue;
            }
            written = true;
            match &edit.range {
                None => v.add(name, &new),
                Some(r) => {
                    let mut whole = bytes[..r.start].to_vec();
                    whole.extend_from_slice(&new);
                    whole.extend_from_slice(&bytes[r.end..]);
                    v.add(name, &whole);
                }
            }
        }
        if !written {
            // A new content/claims.toml: the first file, as discovered.
            let mut first = crate::compiled::ClaimsVersion::default();
            first.add(edit.doc.name(), &new);
            for (_, name, bytes) in &self.files {
                first.add(name, bytes);
            }
            return first.finish();
        }
        v.finish()
    }
}

/// The sections of a claims file's bytes (after a byte-order mark, whose
/// bytes stay before the first section).
fn split(bytes: &[u8]) -> Option<Vec<sections::Section>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (skip, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (3, rest),
        None => (0, text),
    };
    let mut found = sections::split(body)?;
    for s in &mut found {
        s.range = s.range.start + skip..s.range.end + skip;
    }
    Some(found)
}

/// An edit in progress: claim tables parsed on their own, or a whole file.
#[derive(Debug, Clone)]
pub struct Edit {
    /// Index into [`ClaimsFiles`]' files (`usize::MAX` for a file that
    /// does not exist yet).
    file: usize,
    /// The bytes of the file the edit replaces; `None`: all of them.
    range: Option<Range<usize>>,
    doc: ClaimsFile,
}

impl Edit {
    /// The claim `id` as the loader reads it from the bytes being edited
    /// (before the edit), if it reads one.
    pub(crate) fn loaded(&self, id: &str) -> Option<content::Claim> {
        let mut d = Diagnostics::default();
        let f = content::source_from_bytes(
            self.doc.name().to_string(),
            self.doc.original().to_vec(),
            &mut d,
        )?;
        content::parse_claims(&f, &mut d)
            .into_iter()
            .find(|c| c.id == id)
    }

    /// Whether only the claim's own table is edited (not its whole file).
    pub fn is_section(&self) -> bool {
        self.range.is_some()
    }
}

impl Deref for Edit {
    type Target = ClaimsFile;
    fn deref(&self) -> &ClaimsFile {
        &self.doc
    }
}

impl DerefMut for Edit {
    fn deref_mut(&mut self) -> &mut ClaimsFile {
        &mut self.doc
    }
}

/// Errors the loader finds in a claims file's bytes.
fn problems(name: &str, bytes: Vec<u8>) -> usize {
    let mut d = Diagnostics::default();
    if let Some(f) = content::source_from_bytes(name.to_string(), bytes, &mut d) {
        content::parse_claims(&f, &mut d);
    }
    d.error_count()
}
