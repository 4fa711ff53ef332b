//! The edits the review workflow makes to a claims file: adding evidence,
//! updates and claims, setting and removing fields, signing off. Each is
//! validated before the document is touched, so a refused edit changes
//! nothing.

use std::collections::HashSet;

use toml_edit::{ArrayOfTables, Item, Table, Value};

use super::style::{TableStyle, push_inline, raw_or, restyle, styled_table};
use super::values::{claim_id_for, date_value, string_value};
use super::{ClaimsFile, EditError, Field, NewEvidence, NewUpdate};
use crate::pipeline::content::{Status, Verdict};

impl ClaimsFile {
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
    if !crate::pipeline::content::is_valid_id(&ev.article) {
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
        .all(|c| c.is_whitespace() || crate::pipeline::content::is_forbidden_char(c))
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
