//! Editing a claims file without losing anything the user wrote.
//!
//! Every change goes through [`toml_edit::DocumentMut`], so comments, key
//! order, quoting styles and spacing of everything else survive. On top of
//! that, the bytes of every line the edit did not touch are copied from the
//! file as it was: line endings (CRLF, or a mix), a byte-order mark, and the
//! few spellings toml_edit would normalise (`[[ claim ]]`) stay as they are.
//!
//! Writes are optimistic: every edit names the [version](version_of) of the
//! file the reviewer saw, and is refused with [`EditError::Conflict`] when
//! the file on disk is no longer that one. The write itself is atomic (a
//! temporary file in the same folder, fsync, rename, fsync of the folder).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{
    ArrayOfTables, Decor, DocumentMut, InlineTable, Item, Key, RawString, Table, Value,
};

use crate::content::{Stance, Status, Verdict};
use crate::text::slugify;

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
pub fn version_of(bytes: &[u8]) -> String {
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

    /// Reads and parses a claims file.
    pub fn open(path: &Path, name: impl Into<String>) -> Result<ClaimsFile, EditError> {
        let name = name.into();
        let bytes = crate::input::read_regular(path).map_err(|e| EditError::Read {
            path: name.clone(),
            source: e.into(),
        })?;
        ClaimsFile::parse(name, bytes)
    }

    pub fn name(&self) -> &str {
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

    /// Version of the file as read.
    pub fn version(&self) -> String {
        version_of(&self.original)
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
    pub fn top_level_keys(&self) -> impl Iterator<Item = &str> {
        self.doc.as_table().iter().map(|(k, _)| k)
    }

    pub fn has_claim(&self, id: &str) -> bool {
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

    /// Appends an evidence entry to claim `claim`, after its last one, in
    /// the style of the evidence already in the file. Returns its index.
    pub fn add_evidence(&mut self, claim: &str, ev: &NewEvidence) -> Result<usize, EditError> {
        validate_evidence(ev)?;
        let style = self.sub_table_style(claim, "evidence");
        let table = self.claim_mut(claim)?;
        let entries: Vec<(&str, Value)> = evidence_values(ev);
        match table.get_mut("evidence") {
            Some(Item::ArrayOfTables(aot)) => {
                let mut t = styled_table(&style, &entries);
                t.set_position(None);
                aot.push(t);
                Ok(aot.len() - 1)
            }
            Some(Item::Value(Value::Array(arr))) => {
                push_inline(arr, &entries);
                Ok(arr.len() - 1)
            }
            Some(_) => Err(EditError::Unsafe {
                path: self.name.clone(),
                why: format!(
                    "`evidence` of claim `{claim}` is neither [[claim.evidence]] tables nor an array"
                ),
            }),
            None => {
                let mut aot = ArrayOfTables::new();
                aot.push(styled_table(&style, &entries));
                table.insert("evidence", Item::ArrayOfTables(aot));
                Ok(0)
            }
        }
    }

    /// How `[[claim.KEY]]` tables look: the claim's own last one, else any
    /// in the file, else (for updates) like evidence tables, else two-space
    /// indented after a blank line.
    fn sub_table_style(&self, claim: &str, key: &str) -> TableStyle {
        let tables_of = |t: &Table, key: &str| -> Option<Table> {
            t.get(key)
                .and_then(Item::as_array_of_tables)
                .and_then(|a| a.iter().last().cloned())
        };
        let claims: Vec<&Table> = self
            .claims()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let own = |key: &str| {
            claims
                .iter()
                .find(|t| t.get("id").and_then(Item::as_str) == Some(claim))
                .and_then(|t| tables_of(t, key))
        };
        let any = |key: &str| {
            claims
                .iter()
                .rev()
                .find_map(|t| tables_of(t, key))
                .or_else(|| {
                    let (_, donor) = self.donors.iter().find(|(k, _)| k == key)?;
                    let theirs: Vec<&Table> = donor.claims()?.iter().collect();
                    theirs.iter().rev().find_map(|t| tables_of(t, key))
                })
        };
        let found = own(key).or_else(|| any(key)).or_else(|| {
            if key == "evidence" {
                None
            } else {
                own("evidence").or_else(|| any("evidence"))
            }
        });
        match found {
            Some(t) => TableStyle::of(&t),
            None => TableStyle {
                prefix: "\n  ".into(),
                indent: "  ".into(),
                key_suffix: " ".into(),
                value_prefix: " ".into(),
            },
        }
    }

    /// Appends a `[[claim.update]]` entry to claim `claim`: after its last
    /// update, else before its first evidence table (where the desk's
    /// files keep them), else after the claim's last table; in the style
    /// of the updates (or evidence) already in the file. Returns its index
    /// among the claim's updates.
    pub fn add_update(&mut self, claim: &str, up: &NewUpdate) -> Result<usize, EditError> {
        let entries = validate_update(up)?;
        let style = self.sub_table_style(claim, "update");
        let name = self.name.clone();
        let table = self.claim_mut(claim)?;
        match table.get_mut("update") {
            Some(Item::ArrayOfTables(aot)) => {
                let mut t = styled_table(&style, &entries);
                // Unpositioned, it follows the claim's last update.
                t.set_position(None);
                aot.push(t);
                Ok(aot.len() - 1)
            }
            Some(Item::Value(Value::Array(arr))) => {
                push_inline(arr, &entries);
                Ok(arr.len() - 1)
            }
            Some(_) => Err(EditError::Unsafe {
                path: name,
                why: format!(
                    "`update` of claim `{claim}` is neither [[claim.update]] tables nor an array"
                ),
            }),
            None => {
                // Tables are written in order of position, ties in the
                // order they are visited (the claim's own header and
                // subtables before this new key): one less than the first
                // evidence table's puts it right before that table.
                let first_evidence = table
                    .get("evidence")
                    .and_then(Item::as_array_of_tables)
                    .and_then(|a| a.iter().filter_map(Table::position).min());
                let mut t = styled_table(&style, &entries);
                t.set_position(first_evidence.map(|p| p - 1));
                let mut aot = ArrayOfTables::new();
                aot.push(t);
                table.insert("update", Item::ArrayOfTables(aot));
                Ok(0)
            }
        }
    }

    /// Adds a claim after the last one. Its id is made from `text`, unique
    /// among `taken` (the ids of every claims file) and this file's ids.
    pub fn create_claim(
        &mut self,
        text: &str,
        verdict: Verdict,
        taken: &HashSet<String>,
        evidence: Option<&NewEvidence>,
    ) -> Result<String, EditError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EditError::invalid("text", "a claim needs its text"));
        }
        if text.chars().count() > 1000 {
            return Err(EditError::invalid(
                "text",
                "a claim's text is at most 1000 characters",
            ));
        }
        if let Some(ev) = evidence {
            validate_evidence(ev)?;
        }
        let mut taken = taken.clone();
        taken.extend(self.claim_ids());
        let id = claim_id_for(text, &taken);
        let style = match self.claims().and_then(|a| a.iter().last()) {
            Some(last) => TableStyle::of(last),
            None => TableStyle {
                prefix: if self.doc.as_table().is_empty() && self.lines.is_empty() {
                    String::new()
                } else {
                    "\n".into()
                },
                indent: String::new(),
                key_suffix: " ".into(),
                value_prefix: " ".into(),
            },
        };
        let entries = vec![
            ("id", string_value(&id)),
            ("text", string_value(text)),
            ("verdict", string_value(verdict.as_str())),
            ("status", string_value(Status::Draft.as_str())),
        ];
        let table = styled_table(&style, &entries);
        match self.doc.get_mut("claim") {
            Some(Item::ArrayOfTables(aot)) => aot.push(table),
            Some(_) => {
                return Err(EditError::Unsafe {
                    path: self.name.clone(),
                    why: "its claims are not written as [[claim]] tables".into(),
                });
            }
            None => {
                let mut aot = ArrayOfTables::new();
                aot.push(table);
                self.doc.insert("claim", Item::ArrayOfTables(aot));
            }
        }
        if let Some(ev) = evidence {
            self.add_evidence(&id, ev)?;
        }
        Ok(id)
    }

    /// Sets (or removes) one field of a claim, keeping the value's comment
    /// and, where the new value allows it, its quoting style.
    pub fn set_field(&mut self, claim: &str, field: Field) -> Result<(), EditError> {
        let key = field.key();
        let new: Option<Value> = match &field {
            Field::Verdict(v) => Some(string_value(v.as_str())),
            Field::Status(s) => Some(string_value(s.as_str())),
            Field::Summary(s) | Field::Reviewer(s) | Field::Signoff(s) => {
                match s.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(s) => {
                        if s.chars().count() > 20_000 {
                            return Err(EditError::invalid(key, "at most 20000 characters"));
                        }
                        if key != "summary" && s.contains('\n') {
                            return Err(EditError::invalid(key, "must be one line"));
                        }
                        Some(string_value(s))
                    }
                }
            }
            Field::Reviewed(d) => match d.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(d) => Some(date_value("reviewed", d)?),
            },
        };
        let style = TableStyle::of_values(self.claim_mut(claim)?);
        let table = self.claim_mut(claim)?;
        match (new, table.get_mut(key)) {
            (None, Some(_)) => {
                table.remove(key);
            }
            (None, None) => {}
            (Some(v), Some(Item::Value(old))) => {
                let v = restyle(old, v);
                *old = v;
            }
            (Some(_), Some(_)) => {
                return Err(EditError::Unsafe {
                    path: self.name.clone(),
                    why: format!("`{key}` of claim `{claim}` is not a plain value"),
                });
            }
            (Some(v), None) => {
                let (k, v) = style.key_value(key, v);
                table.insert_formatted(&k, Item::Value(v));
            }
        }
        Ok(())
    }

    /// Removes evidence number `index` (0-based, file order) of a claim.
    /// Returns the removed entry's quote.
    pub fn remove_evidence(&mut self, claim: &str, index: usize) -> Result<String, EditError> {
        let name = self.name.clone();
        let table = self.claim_mut(claim)?;
        let out_of_range = |count| EditError::UnknownEvidence {
            claim: claim.to_string(),
            index,
            count,
        };
        match table.get_mut("evidence") {
            Some(Item::ArrayOfTables(aot)) => {
                if index >= aot.len() {
                    return Err(out_of_range(aot.len()));
                }
                let removed = aot.remove(index);
                if aot.is_empty() {
                    table.remove("evidence");
                }
                Ok(removed
                    .get("quote")
                    .and_then(Item::as_str)
                    .unwrap_or_default()
                    .to_string())
            }
            Some(Item::Value(Value::Array(arr))) => {
                if index >= arr.len() {
                    return Err(out_of_range(arr.len()));
                }
                let first_prefix = arr.get(0).map(|v| raw_or(v.decor().prefix(), ""));
                let was_last = index + 1 == arr.len();
                let removed = arr.remove(index);
                if arr.is_empty() {
                    table.remove("evidence");
                } else if index == 0 {
                    if let (Some(first), Some(p)) = (arr.get_mut(0), first_prefix) {
                        first.decor_mut().set_prefix(p);
                    }
                } else if was_last {
                    let closing = raw_or(removed.decor().suffix(), "");
                    if let Some(last) = arr.iter_mut().last() {
                        last.decor_mut().set_suffix(closing);
                    }
                }
                Ok(removed
                    .as_inline_table()
                    .and_then(|t| t.get("quote"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string())
            }
            None => Err(out_of_range(0)),
            Some(_) => Err(EditError::Unsafe {
                path: name,
                why: format!("`evidence` of claim `{claim}` is not a list of tables"),
            }),
        }
    }

    /// Records a sign-off: status approved, reviewer, date and fingerprint.
    pub fn sign_off(
        &mut self,
        claim: &str,
        reviewer: &str,
        date: &str,
        fingerprint: &str,
    ) -> Result<(), EditError> {
        if reviewer.trim().is_empty() {
            return Err(EditError::invalid(
                "reviewer",
                "sign-off needs the reviewer's name (serve --reviewer NAME)",
            ));
        }
        self.set_field(claim, Field::Status(Status::Approved))?;
        self.set_field(claim, Field::Reviewer(Some(reviewer.to_string())))?;
        self.set_field(claim, Field::Reviewed(Some(date.to_string())))?;
        self.set_field(claim, Field::Signoff(Some(fingerprint.to_string())))
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

fn raw_or(raw: Option<&RawString>, default: &str) -> String {
    raw.and_then(RawString::as_str)
        .unwrap_or(default)
        .to_string()
}

/// The formatting of a table and its keys, copied from an existing one.
#[derive(Debug, Clone)]
struct TableStyle {
    /// Decor before the header: blank lines and indentation, no comments.
    prefix: String,
    /// Indentation of each key.
    indent: String,
    key_suffix: String,
    value_prefix: String,
}

impl TableStyle {
    fn of(t: &Table) -> TableStyle {
        let raw = t
            .decor()
            .prefix()
            .and_then(RawString::as_str)
            .unwrap_or("\n");
        let prefix = if raw.contains('#') {
            let indent = raw.rsplit('\n').next().unwrap_or("");
            format!("\n{indent}")
        } else {
            raw.to_string()
        };
        TableStyle {
            prefix,
            ..TableStyle::of_values(t)
        }
    }

    /// The most common key indentation and spacing around `=` among the
    /// table's keys.
    fn of_values(t: &Table) -> TableStyle {
        let decor_str = |d: Option<&RawString>, default: &str| -> String {
            d.and_then(RawString::as_str).unwrap_or(default).to_string()
        };
        let mut votes: Vec<((String, String, String), usize)> = Vec::new();
        for (k, item) in t.iter() {
            let (Some(key), Some(value)) = (t.key(k), item.as_value()) else {
                continue;
            };
            let prefix = decor_str(key.leaf_decor().prefix(), "");
            let style = (
                prefix.rsplit('\n').next().unwrap_or("").to_string(),
                decor_str(key.leaf_decor().suffix(), " "),
                decor_str(value.decor().prefix(), " "),
            );
            match votes.iter_mut().find(|(s, _)| *s == style) {
                Some((_, n)) => *n += 1,
                None => votes.push((style, 1)),
            }
        }
        // The first of the most common, so ties go to the earlier key.
        let best = votes
            .iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map(|(s, _)| s.clone());
        let (indent, key_suffix, value_prefix) =
            best.unwrap_or_else(|| (String::new(), " ".into(), " ".into()));
        TableStyle {
            prefix: String::new(),
            indent,
            key_suffix,
            value_prefix,
        }
    }

    fn key_value(&self, key: &str, value: Value) -> (Key, Value) {
        let k = Key::new(key)
            .with_leaf_decor(Decor::new(self.indent.as_str(), self.key_suffix.as_str()));
        let v = value.decorated(self.value_prefix.as_str(), "");
        (k, v)
    }
}

fn styled_table(style: &TableStyle, entries: &[(&str, Value)]) -> Table {
    let mut t = Table::new();
    t.decor_mut().set_prefix(style.prefix.as_str());
    t.decor_mut().set_suffix("");
    for (key, value) in entries {
        let (k, v) = style.key_value(key, value.clone());
        t.insert_formatted(&k, Item::Value(v));
    }
    t
}

/// Appends an inline table to an inline evidence array, formatted like
/// the array's last element.
fn push_inline(arr: &mut toml_edit::Array, entries: &[(&str, Value)]) {
    let last = arr.iter().last();
    let decor = last
        .map(|v| v.decor().clone())
        .unwrap_or_else(|| Decor::new(" ", ""));
    let (key_prefix, value_prefix) = last
        .and_then(Value::as_inline_table)
        .and_then(|t| {
            let (k, _) = t.iter().next()?;
            let key = t.key(k)?;
            let v = t.get(k)?;
            Some((
                key.leaf_decor()
                    .prefix()
                    .and_then(RawString::as_str)
                    .unwrap_or(" ")
                    .to_string(),
                v.decor()
                    .prefix()
                    .and_then(RawString::as_str)
                    .unwrap_or(" ")
                    .to_string(),
            ))
        })
        .unwrap_or_else(|| (" ".into(), " ".into()));
    let mut t = InlineTable::new();
    let n = entries.len();
    for (i, (key, value)) in entries.iter().enumerate() {
        let k = Key::new(*key).with_leaf_decor(Decor::new(key_prefix.as_str(), " "));
        let suffix = if i + 1 == n { " " } else { "" };
        t.insert_formatted(&k, value.clone().decorated(value_prefix.as_str(), suffix));
    }
    let mut v = Value::InlineTable(t);
    // `a, b ]`: the space before `]` moves from the old last element to
    // the new one; the new one is spaced like the elements before it.
    let between = if arr.len() >= 2 {
        arr.get(arr.len() - 2)
            .and_then(|v| v.decor().suffix().and_then(RawString::as_str))
            .unwrap_or("")
            .to_string()
    } else {
        String::new()
    };
    let closing = decor
        .suffix()
        .and_then(RawString::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(last) = arr.iter_mut().last() {
        last.decor_mut().set_suffix(between);
    }
    *v.decor_mut() = Decor::new(
        decor.prefix().and_then(RawString::as_str).unwrap_or(" "),
        closing,
    );
    arr.push_formatted(v);
}

fn evidence_values(ev: &NewEvidence) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("article", string_value(&ev.article)),
        ("quote", string_value(&ev.quote)),
        ("stance", string_value(ev.stance.as_str())),
    ];
    if let Some(note) = ev.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        out.push(("note", string_value(note)));
    }
    if let Some(n) = ev.occurrence {
        out.push(("occurrence", Value::from(n as i64)));
    }
    out
}

fn validate_evidence(ev: &NewEvidence) -> Result<(), EditError> {
    if !crate::content::is_valid_id(&ev.article) {
        return Err(EditError::invalid("article", "not an article id"));
    }
    if ev.quote.trim().is_empty() {
        return Err(EditError::invalid("quote", "the quote is empty"));
    }
    if ev.quote.chars().count() > 5000 {
        return Err(EditError::invalid("quote", "at most 5000 characters"));
    }
    if ev.note.as_ref().is_some_and(|n| n.chars().count() > 5000) {
        return Err(EditError::invalid("note", "at most 5000 characters"));
    }
    if ev.occurrence == Some(0) {
        return Err(EditError::invalid("occurrence", "counts from 1"));
    }
    Ok(())
}

/// The keys of a new update, in the order FORMAT.md lists them.
fn validate_update(up: &NewUpdate) -> Result<Vec<(&'static str, Value)>, EditError> {
    let note = up.note.trim();
    // The loader drops what HTML forbids: a note of nothing else is none.
    if note
        .chars()
        .all(|c| c.is_whitespace() || crate::content::is_forbidden_char(c))
    {
        return Err(EditError::invalid(
            "note",
            "an update says what changed and why: write a note",
        ));
    }
    if note.chars().count() > 5000 {
        return Err(EditError::invalid("note", "at most 5000 characters"));
    }
    let mut out = vec![
        ("date", date_value("date", up.date.trim())?),
        ("note", string_value(note)),
    ];
    if let Some(v) = up.verdict_before {
        out.push(("verdict_before", string_value(v.as_str())));
    }
    Ok(out)
}

/// A claim id made from its text: the first words, slugged, unique.
pub fn claim_id_for(text: &str, taken: &HashSet<String>) -> String {
    let slug = slugify(text);
    let mut base = String::new();
    for word in slug.split('-').filter(|w| !w.is_empty()) {
        if !base.is_empty() && base.len() + word.len() + 1 > 48 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(word);
    }
    if base.is_empty() {
        base = "claim".into();
    }
    if !taken.contains(&base) && !crate::content::is_windows_reserved(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .expect("some suffix is free")
}

/// A string value in the most readable TOML spelling: a basic string, or
/// a multi-line one for text with line breaks.
pub fn string_value(s: &str) -> Value {
    let repr = if s.contains('\n') {
        multiline_basic(s)
    } else {
        basic(s)
    };
    repr.parse().expect("encoded strings parse")
}

fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A multi-line basic string (`"""…"""`). Quotes stay readable except
/// where the closing delimiter could swallow them: every third quote of a
/// run, and the quotes that end the text (a raw `"` right before `"""`
/// would make four or five, which TOML reads as content plus the
/// delimiter, so those are escaped too).
fn multiline_basic(s: &str) -> String {
    let mut out = String::from("\"\"\"\n");
    // Raw quotes at the end of `out`, in the current run.
    let mut quotes = 0;
    for c in s.chars() {
        if c == '"' {
            if quotes == 2 {
                out.push_str("\\\"");
                quotes = 0;
            } else {
                out.push('"');
                quotes += 1;
            }
            continue;
        }
        quotes = 0;
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            // A raw CR would read back as part of a line ending, or not
            // parse at all; escaped, it reads back as itself.
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    // Only raw quotes need escaping here: an escaped one (`\"`) already
    // ends the text safely, and rewriting it was what turned `x """` into
    // `x ""\"`.
    for _ in 0..quotes {
        out.pop();
    }
    for _ in 0..quotes {
        out.push_str("\\\"");
    }
    out.push_str("\"\"\"");
    out
}

/// The new value in the old value's quoting style where it can be written
/// so (a literal string stays literal), with the old comment and spacing.
fn restyle(old: &Value, new: Value) -> Value {
    let decor = old.decor().clone();
    let old_repr = match old {
        Value::String(f) => f.as_repr().and_then(|r| r.as_raw().as_str()).unwrap_or(""),
        _ => "",
    };
    let mut v = match new.as_str() {
        Some(s) if old_repr.starts_with("'''") => {
            if !s.contains("'''") && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                format!("'''\n{s}'''").parse().unwrap_or(new)
            } else {
                new
            }
        }
        Some(s) if old_repr.starts_with('\'') => {
            if !s.contains('\'') && !s.chars().any(|c| c.is_control() && c != '\t') {
                format!("'{s}'").parse().unwrap_or(new)
            } else {
                new
            }
        }
        Some(s) if old_repr.starts_with("\"\"\"") => multiline_basic(s).parse().unwrap_or(new),
        _ => new,
    };
    *v.decor_mut() = decor;
    v
}

/// Refuses anything but a date like `2026-11-20`.
pub fn check_date(d: &str) -> Result<(), EditError> {
    date_value("date", d).map(drop)
}

fn date_value(field: &'static str, d: &str) -> Result<Value, EditError> {
    let b = d.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let month: u32 = d.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    let day: u32 = d.get(8..10).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !ok || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(EditError::invalid(
            field,
            format!("`{d}` is not a date like 2026-11-20"),
        ));
    }
    d.parse()
        .map_err(|_| EditError::invalid(field, format!("`{d}` is not a date")))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Writes `bytes` to `path` atomically, provided the file still has the
/// bytes `expected` (what the edit was based on): a temporary file in the
/// same folder is written and fsynced, renamed over the file, and the
/// folder fsynced. The file's permissions are kept.
pub fn write_atomic(
    path: &Path,
    name: &str,
    expected: &[u8],
    bytes: &[u8],
) -> Result<(), EditError> {
    let write_err = |source| EditError::Write {
        path: name.to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".crosscheck-edit-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    // Never blocks, and refuses anything but a regular file.
    let current = crate::input::read_regular(path).map_err(std::io::Error::from);
    match &current {
        Ok(now) if now.as_slice() == expected => {}
        Ok(now) => {
            return Err(EditError::Conflict {
                path: name.to_string(),
                found: version_of(now),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expected.is_empty() => {}
        Err(_) => {
            return Err(EditError::Conflict {
                path: name.to_string(),
                found: "missing".into(),
            });
        }
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        // Makes the rename durable; not all platforms allow it on folders.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_424), "2025-12-02");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn claim_ids_are_slugs_of_the_first_words_and_unique() {
        let taken: HashSet<String> = ["putin-met-witkoff".to_string()].into();
        assert_eq!(
            claim_id_for("Putin met Witkoff.", &taken),
            "putin-met-witkoff-2"
        );
        assert_eq!(
            claim_id_for(
                "The Kremlin meeting between Putin, Witkoff and Kushner lasted about five hours.",
                &HashSet::new()
            ),
            "the-kremlin-meeting-between-putin-witkoff-and"
        );
        assert_eq!(claim_id_for("¿?", &HashSet::new()), "claim");
        // Never a Windows device name.
        assert_eq!(claim_id_for("Con.", &HashSet::new()), "con-2");
    }

    #[test]
    fn strings_are_encoded_so_they_read_back() {
        for s in [
            "plain",
            "with \"quotes\" and \\ back",
            "line\nbreak \"\"\" triple",
            "ends with quote\"",
            "tab\tand \u{7}",
        ] {
            let v = string_value(s);
            assert_eq!(v.as_str(), Some(s), "{v}");
        }
    }
}
