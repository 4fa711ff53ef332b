//! Suggestions a reviewer rejected, remembered in
//! `content/review/rejected.toml` so they do not come back.
//!
//! ```toml
//! [[rejected]]
//! claim = "meeting-lasted-five-hours"
//! article = "news-site-no-progress-five-hours"
//! statement = "Putin met late Tuesday with Trump’s special envoy …"
//! reviewer = "A. Reviewer"
//! date = 2026-11-21
//! ```
//!
//! The statement is recorded by its text, not its id, so the entry
//! survives changes to the statement splitter; it is matched as quotes are
//! (white space, quotes and dashes fold). Delete an entry to see the
//! suggestion again. The file is not a claims file: the loader never reads
//! it, and `crosscheck suggest` and review mode only filter with it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, Item, Table, Value};

use crate::claims::edit::{self, ClaimsFile, EditError, string_value};
use crate::pipeline::anchor::normalize_quote;

/// Where rejected suggestions are kept, relative to the project root.
pub(crate) const FILE: &str = "content/review/rejected.toml";

const HEADER: &str = "# Suggestions rejected in review mode (crosscheck serve --review).\n\
# `crosscheck suggest` and the review panel do not offer them again;\n\
# delete an entry to see its suggestion again.\n";

pub(crate) fn path(root: &Path) -> PathBuf {
    root.join(FILE)
}

/// The file's bytes and where to write it (the file a link within the
/// project leads to), under the input rule; `None` when there is none.
fn read(root: &Path) -> Result<Option<(PathBuf, Vec<u8>)>, EditError> {
    let project = crate::input::Project::new(root);
    let path = path(root);
    let real = match project.check(&path, false) {
        Ok(real) => real,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(Some((real, project.read(&path, false)?)))
}

/// The rejected (claim, article, statement) triples.
#[derive(Debug, Clone, Default)]
pub struct Rejected {
    entries: HashSet<(String, String, String)>,
}

impl Rejected {
    /// Reads the file; a missing file means nothing was rejected.
    pub(crate) fn load(root: &Path) -> Result<Rejected, EditError> {
        let bytes = match read(root) {
            Ok(Some((_, b))) => b,
            Ok(None) => return Ok(Rejected::default()),
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(&bytes);
        let doc: toml_edit::DocumentMut =
            text.parse()
                .map_err(|e: toml_edit::TomlError| EditError::Parse {
                    path: FILE.into(),
                    message: e.message().to_string(),
                })?;
        let mut entries = HashSet::new();
        if let Some(aot) = doc.get("rejected").and_then(Item::as_array_of_tables) {
            for t in aot.iter() {
                let get = |k: &str| t.get(k).and_then(Item::as_str).map(str::to_string);
                if let (Some(c), Some(a), Some(s)) =
                    (get("claim"), get("article"), get("statement"))
                {
                    entries.insert((c, a, normalize_quote(&s)));
                }
            }
        }
        Ok(Rejected { entries })
    }

    pub(crate) fn contains(&self, claim: &str, article: &str, statement: &str) -> bool {
        self.entries.contains(&(
            claim.to_string(),
            article.to_string(),
            normalize_quote(statement),
        ))
    }
}

/// Records a rejection (once: rejecting again changes nothing).
pub fn add(
    root: &Path,
    claim: &str,
    article: &str,
    statement: &str,
    reviewer: Option<&str>,
    date: &str,
) -> Result<(), EditError> {
    if Rejected::load(root)?.contains(claim, article, statement) {
        return Ok(());
    }
    let (path, bytes) = read(root)?.unwrap_or_else(|| (path(root), Vec::new()));
    let fresh = bytes.is_empty();
    let mut file = ClaimsFile::parse(FILE, bytes)?;
    let doc = file.document_mut();
    if fresh {
        doc.decor_mut().set_prefix(HEADER);
    }
    let mut t = Table::new();
    t.decor_mut().set_prefix("\n");
    t.insert("claim", Item::Value(string_value(claim)));
    t.insert("article", Item::Value(string_value(article)));
    t.insert(
        "statement",
        Item::Value(string_value(
            &statement.split_whitespace().collect::<Vec<_>>().join(" "),
        )),
    );
    if let Some(r) = reviewer.filter(|r| !r.trim().is_empty()) {
        t.insert("reviewer", Item::Value(string_value(r.trim())));
    }
    if let Ok(d) = date.parse::<Value>() {
        t.insert("date", Item::Value(d));
    }
    match doc.get_mut("rejected") {
        Some(Item::ArrayOfTables(aot)) => aot.push(t),
        Some(_) => {
            return Err(EditError::Unsafe {
                path: FILE.into(),
                why: "`rejected` is not written as [[rejected]] tables".into(),
            });
        }
        None => {
            let mut aot = ArrayOfTables::new();
            aot.push(t);
            doc.insert("rejected", Item::ArrayOfTables(aot));
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| EditError::Write {
            path: FILE.into(),
            source,
        })?;
    }
    let original = file.original().to_vec();
    edit::write_atomic(&path, FILE, &original, &file.to_bytes())
}
