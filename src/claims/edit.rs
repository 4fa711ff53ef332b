//! Editing a claims file without losing anything the user wrote.
//!
//! Every change goes through [`toml_edit::DocumentMut`], so comments, key
//! order, quoting styles and spacing of everything else survive. On top of
//! that, the bytes of every line the edit did not touch are copied from the
//! file as it was: line endings (CRLF, or a mix), a byte-order mark, and the
//! few spellings toml_edit would normalise (`[[ claim ]]`) stay as they are.
//!
//! Writes are optimistic: every edit names the version of the
//! file the reviewer saw, and is refused with [`EditError::Conflict`] when
//! the file on disk is no longer that one. The write itself is atomic (a
//! temporary file in the same folder, fsync, rename, fsync of the folder).
//!
//! This file holds the errors, what an edit asks for, and the file as
//! read: its lines, and how they are put back around the edited ones
//! ([`ClaimsFile::to_bytes`]). The edits themselves are in `ops`, the
//! copying of the file's formatting onto new entries in `style`, the TOML
//! spelling of new values in `values`, and the atomic write in `write`.

mod ops;
mod style;
mod values;
mod write;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use crate::pipeline::content::{Stance, Status, Verdict};

pub(crate) use values::check_date;

pub(crate) use values::{string_value, today};
pub use write::write_atomic;

/// Why an edit was refused. The file is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// `found`: the version on disk now.
    #[error("{path} changed on disk since this page was loaded.")]
    Conflict { path: String, found: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML, fix it by hand first: {message}")]
    Parse { path: String, message: String },
    #[error("{path} cannot be edited safely: {why}")]
    Unsafe { path: String, why: String },
    #[error("no claim `{0}`")]
    UnknownClaim(String),
    #[error("claim `{claim}` has no evidence number {index} (it has {count})")]
    UnknownEvidence {
        claim: String,
        index: usize,
        count: usize,
    },
    #[error("{field}: {why}")]
    Invalid { field: &'static str, why: String },
    /// The file may not be read at all (see [`crate::input`]).
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
}

impl EditError {
    fn invalid(field: &'static str, why: impl Into<String>) -> Self {
        EditError::Invalid {
            field,
            why: why.into(),
        }
    }
}

/// The version of a file's bytes: what a client saw and must send back.
pub(crate) fn version_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// A new piece of evidence, validated by the caller against the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    pub article: String,
    pub quote: String,
    pub stance: Stance,
    pub note: Option<String>,
    pub occurrence: Option<usize>,
}

/// A new `[[claim.update]]`: what changed and why, published with the
/// claim (and, with `verdict_before`, saying the verdict changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpdate {
    /// An ISO date `YYYY-MM-DD`, written as a TOML date.
    pub date: String,
    /// Markdown.
    pub note: String,
    pub verdict_before: Option<Verdict>,
}

/// A claim field the review workflow changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Verdict(Verdict),
    Status(Status),
    /// `None` or an empty text removes the key.
    Summary(Option<String>),
    Reviewer(Option<String>),
    /// An ISO date `YYYY-MM-DD`, written as a TOML date.
    Reviewed(Option<String>),
    Signoff(Option<String>),
}

impl Field {
    fn key(&self) -> &'static str {
        match self {
            Field::Verdict(_) => "verdict",
            Field::Status(_) => "status",
            Field::Summary(_) => "summary",
            Field::Reviewer(_) => "reviewer",
            Field::Reviewed(_) => "reviewed",
            Field::Signoff(_) => "signoff",
        }
    }
}

/// One claims file, parsed for editing.
#[derive(Debug, Clone)]
pub struct ClaimsFile {
    /// Shown in messages (relative to the project root where possible).
    name: String,
    /// The bytes as read.
    original: Vec<u8>,
    bom: bool,
    /// The original lines (after the BOM), each with its own line ending.
    lines: Vec<String>,
    /// Whether new lines end in CRLF (most of the file's lines do).
    crlf: bool,
    doc: DocumentMut,
    /// toml_edit's rendering of the unedited document, line for line
    /// parallel to `lines` (modulo line endings and normalised spellings).
    baseline: Vec<String>,
    /// For a claim's table edited on its own: other tables of its file
    /// whose `[[claim.KEY]]` subtables set the style of new ones, by KEY
    /// (the last such table in the file, as when it is edited whole).
    donors: Vec<(String, ClaimsFile)>,
}

impl ClaimsFile {
    /// Parses `bytes` for editing; `name` is used in messages.
    pub fn parse(name: impl Into<String>, bytes: Vec<u8>) -> Result<ClaimsFile, EditError> {
        let name = name.into();
        let text = std::str::from_utf8(&bytes).map_err(|e| EditError::Parse {
            path: name.clone(),
            message: format!("not UTF-8 ({e})"),
        })?;
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let crlf_count = lines.iter().filter(|l| l.ends_with("\r\n")).count();
        let lf_count = lines.iter().filter(|l| l.ends_with('\n')).count();
        let crlf = crlf_count * 2 > lf_count;
        let lf_text: String = lines.iter().map(|l| lf_line(l)).collect();
        let doc: DocumentMut =
            lf_text
                .parse()
                .map_err(|e: toml_edit::TomlError| EditError::Parse {
                    path: name.clone(),
                    message: e.message().to_string(),
                })?;
        let rendered = doc.to_string();
        let baseline: Vec<String> = rendered.split_inclusive('\n').map(str::to_string).collect();
        if baseline.len() != lines.len() {
            return Err(EditError::Unsafe {
                path: name,
                why:
                    "the TOML editor would change its layout (line count differs); edit it by hand"
                        .into(),
            });
        }
        Ok(ClaimsFile {
            name,
            original: bytes,
            bom,
            lines,
            crlf,
            doc,
            baseline,
            donors: Vec::new(),
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The bytes the file had when it was read.
    pub fn original(&self) -> &[u8] {
        &self.original
    }

    /// The document, for edits of files that are not claims files (the
    /// same guarantees hold: untouched lines keep their bytes).
    pub(crate) fn document_mut(&mut self) -> &mut DocumentMut {
        &mut self.doc
    }

    /// Ids of the claims written as `[[claim]]` tables, in file order.
    pub fn claim_ids(&self) -> Vec<String> {
        self.claims()
            .map(|aot| {
                aot.iter()
                    .filter_map(|t| t.get("id").and_then(Item::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Another part of the same file whose `[[claim.KEY]]` subtables are
    /// the file's last, to copy the style of when this part has none.
    pub(crate) fn add_style_donor(&mut self, key: &str, donor: ClaimsFile) {
        self.donors.push((key.to_string(), donor));
    }

    /// The document's top-level keys (`claim`, for a claims file).
    pub(crate) fn top_level_keys(&self) -> impl Iterator<Item = &str> {
        self.doc.as_table().iter().map(|(k, _)| k)
    }

    pub(crate) fn has_claim(&self, id: &str) -> bool {
        self.claim_ids().iter().any(|c| c == id)
    }

    fn claims(&self) -> Option<&ArrayOfTables> {
        self.doc.get("claim").and_then(Item::as_array_of_tables)
    }

    fn claim_mut(&mut self, id: &str) -> Result<&mut Table, EditError> {
        let not_editable = || EditError::Unsafe {
            path: self.name.clone(),
            why: "its claims are not written as [[claim]] tables".into(),
        };
        let Some(item) = self.doc.get_mut("claim") else {
            return Err(EditError::UnknownClaim(id.to_string()));
        };
        if item.is_value() {
            return Err(not_editable());
        }
        let aot = item.as_array_of_tables_mut().ok_or_else(not_editable)?;
        aot.iter_mut()
            .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
            .ok_or_else(|| EditError::UnknownClaim(id.to_string()))
    }

    /// The file's new bytes: edited lines from toml_edit, every other line
    /// exactly as it was read.
    pub fn to_bytes(&self) -> Vec<u8> {
        let edited = self.doc.to_string();
        let new: Vec<&str> = edited.split_inclusive('\n').collect();
        let old = &self.baseline;
        let prefix = old
            .iter()
            .zip(&new)
            .take_while(|(a, b)| a.as_str() == **b)
            .count();
        let max_suffix = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a.as_str() == **b)
            .count();
        let ending = if self.crlf { "\r\n" } else { "\n" };
        let mut lines: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(new.len());
        lines.extend(self.lines[..prefix].iter().map(|l| l.as_str().into()));
        for l in &new[prefix..new.len() - suffix] {
            lines.push(match l.strip_suffix('\n') {
                Some(body) if self.crlf => format!("{body}\r\n").into(),
                _ => (*l).into(),
            });
        }
        lines.extend(
            self.lines[self.lines.len() - suffix..]
                .iter()
                .map(|l| l.as_str().into()),
        );
        let mut out = String::with_capacity(self.original.len() + 256);
        if self.bom {
            out.push('\u{feff}');
        }
        let n = lines.len();
        for (i, l) in lines.iter().enumerate() {
            out.push_str(l);
            // The file's last line may have had no line ending; one that
            // is no longer last needs one.
            if i + 1 < n && !l.ends_with('\n') {
                out.push_str(ending);
            }
        }
        out.into_bytes()
    }
}

/// A line with a CRLF ending converted to LF.
fn lf_line(l: &str) -> std::borrow::Cow<'_, str> {
    match l.strip_suffix("\r\n") {
        Some(body) => format!("{body}\n").into(),
        None => l.into(),
    }
}
