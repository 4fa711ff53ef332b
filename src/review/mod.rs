//! The reviewer workflow: edit the claims file safely ([`edit`]), turn a
//! browser selection into a quote ([`selection`]), sign off with a
//! fingerprint that lapses when the evidence changes ([`signoff`]),
//! consistency checks for `crosscheck check` ([`consistency`]), rejected
//! suggestions ([`rejected`]) and the HTTP API of `serve --review` ([`api`]).
//!
//! The claims file stays the single source of truth: every change is a
//! small, reviewable edit of it, and nothing else the user wrote changes.

pub mod api;
pub mod edit;
pub mod rejected;
pub mod selection;

/// Sign-off and consistency are the core's ([`crate::claims`]); review
/// mode uses them as every command does.
pub use crate::claims::{consistency, signoff};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::content::{self, ContentFiles};
use crate::diag::Diagnostics;

pub use edit::{ClaimsFile, EditError, Field, NewEvidence, NewUpdate};

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
        let mut h = blake3::Hasher::new();
        for (_, name, bytes) in &self.files {
            h.update(name.as_bytes());
            h.update(&[0]);
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        h.finalize().to_hex()[..16].to_string()
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

    /// The file holding claim `id`, parsed for editing.
    pub fn file_of(&self, id: &str) -> Result<ClaimsFile, EditError> {
        for (_, name, bytes) in &self.files {
            let f = ClaimsFile::parse(name.clone(), bytes.clone())?;
            if f.has_claim(id) {
                return Ok(f);
            }
        }
        Err(EditError::UnknownClaim(id.to_string()))
    }

    /// The file new claims go to: `content/claims.toml` (created if the
    /// project has none).
    pub fn main_file(&self) -> Result<ClaimsFile, EditError> {
        let main = self.root.join("content").join("claims.toml");
        match self.files.iter().find(|(p, _, _)| *p == main) {
            Some((_, name, bytes)) => ClaimsFile::parse(name.clone(), bytes.clone()),
            None => ClaimsFile::parse("content/claims.toml", Vec::new()),
        }
    }

    /// Every claim id in every file (also those that fail to load).
    pub fn all_ids(&self) -> Result<HashSet<String>, EditError> {
        let mut ids = HashSet::new();
        for (_, name, bytes) in &self.files {
            ids.extend(ClaimsFile::parse(name.clone(), bytes.clone())?.claim_ids());
        }
        Ok(ids)
    }

    /// Writes an edited file: only if the edit leaves it a claims file
    /// with no more problems than before, atomically, and only if the file
    /// on disk is still the one that was read.
    pub fn commit(&self, file: &ClaimsFile) -> Result<(), EditError> {
        let new = file.to_bytes();
        let before = problems(file.name(), file.original().to_vec());
        let after = problems(file.name(), new.clone());
        if after > before {
            return Err(EditError::Unsafe {
                path: file.name().to_string(),
                why: "the edit would leave the file with errors; it was not written".into(),
            });
        }
        let path = self
            .files
            .iter()
            .position(|(_, name, _)| name == file.name())
            .map(|i| self.real[i].clone())
            .unwrap_or_else(|| self.root.join(file.name()));
        edit::write_atomic(&path, file.name(), file.original(), &new)
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
