//! Sign-off fingerprints: an approval records what was approved.
//!
//! A fingerprint (`signoff = "v2:…"` in the claims file) covers the claim's
//! text, its verdict, its summary and every piece of evidence: its article,
//! stance, quote and the text of the statements the quote anchors to.
//! Texts are compared as FORMAT.md matches quotes (white space runs,
//! curly/straight quotes and dashes fold), and the order of the evidence
//! entries does not matter. When any of it changes the recorded
//! fingerprint no longer matches and the approval lapses: `check` warns
//! and says *what* changed, `build` leaves the claim out unless
//! `--drafts`, and its page says so.
//!
//! A `v2` fingerprint is made of parts, so a lapse can be explained:
//!
//! ```text
//! v2:VERDICT:TEXT:SUMMARY:KEY-VALUE,KEY-VALUE,…
//! ```
//!
//! `VERDICT` is the verdict signed off, as written in the claims file;
//! `TEXT` and `SUMMARY` are short hashes of the claim's text and summary;
//! each evidence entry is a hash of its article and quote (`KEY`) and of
//! its stance and anchored statements (`VALUE`), sorted. A changed verdict
//! is therefore known, not guessed: changing the verdict of a signed claim
//! without a `[[claim.update]]` saying so is an error (a verdict never
//! changes silently).
//!
//! `v1` fingerprints (written before the verdict and summary were covered)
//! still verify, by their own rules, until the claim's text or evidence
//! changes; `check` notes them, since they do not protect the verdict.

use std::fmt;

use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::anchor::{Anchor, normalize_quote};
use crate::pipeline::content::{Article, Claim, Status, Verdict};
use crate::pipeline::document::Doc;
use crate::pipeline::graph::{Anchors, Graph, article_index};

/// What `check` and the pages say about a lapsed approval.
pub const LAPSED: &str = "approved, changed since sign-off";

/// The fingerprint of a claim as it stands. `statements(i)` gives the text
/// of the statements evidence `i` anchors to, `None` if it does not anchor.
pub(crate) fn fingerprint(claim: &Claim, statements: impl Fn(usize) -> Option<String>) -> String {
    Print::of(claim, statements).to_string()
}

/// A fingerprint's parts (scheme `v2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Print {
    pub verdict: Verdict,
    text: String,
    summary: String,
    /// `(key, value)` per piece of evidence, sorted.
    evidence: Vec<(String, String)>,
}

fn short(h: blake3::Hash, hex: usize) -> String {
    h.to_hex()[..hex].to_string()
}

fn hash_parts(parts: &[&str]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize()
}

impl Print {
    pub(crate) fn of(claim: &Claim, statements: impl Fn(usize) -> Option<String>) -> Print {
        let mut evidence: Vec<(String, String)> = claim
            .evidence
            .iter()
            .enumerate()
            .map(|(i, ev)| {
                let key = hash_parts(&[&ev.article, &normalize_quote(&ev.quote)]);
                let anchored = statements(i).map(|t| normalize_quote(&t));
                let value = hash_parts(&[
                    ev.stance.as_str(),
                    anchored.as_deref().unwrap_or("\u{1}unanchored"),
                ]);
                (short(key, 8), short(value, 8))
            })
            .collect();
        evidence.sort_unstable();
        let summary = claim.summary.as_deref().map(normalize_quote);
        Print {
            verdict: claim.verdict,
            text: short(hash_parts(&[&normalize_quote(&claim.text)]), 12),
            summary: short(hash_parts(&[summary.as_deref().unwrap_or("")]), 12),
            evidence,
        }
    }

    /// Reads a `v2:` fingerprint; `None` for anything else.
    pub(crate) fn parse(s: &str) -> Option<Print> {
        let rest = s.strip_prefix("v2:")?;
        let mut parts = rest.splitn(4, ':');
        let verdict = Verdict::parse(parts.next()?)?;
        let text = parts.next()?.to_string();
        let summary = parts.next()?.to_string();
        let evidence = match parts.next()? {
            "" => Vec::new(),
            list => list
                .split(',')
                .map(|e| {
                    let (k, v) = e.split_once('-')?;
                    Some((k.to_string(), v.to_string()))
                })
                .collect::<Option<Vec<_>>>()?,
        };
        Some(Print {
            verdict,
            text,
            summary,
            evidence,
        })
    }

    /// What differs from `signed` (the fingerprint recorded at sign-off)
    /// to `self` (the claim as it stands).
    pub(crate) fn changes_since(&self, signed: &Print) -> Vec<Change> {
        let mut out = Vec::new();
        if self.verdict != signed.verdict {
            out.push(Change::Verdict {
                from: signed.verdict,
                to: self.verdict,
            });
        }
        if self.text != signed.text {
            out.push(Change::Text);
        }
        if self.summary != signed.summary {
            out.push(Change::Summary);
        }
        let keys = |p: &Print| -> Vec<String> { p.evidence.iter().map(|e| e.0.clone()).collect() };
        let (now, then) = (keys(self), keys(signed));
        let added = now.iter().filter(|k| !then.contains(k)).count();
        let removed = then.iter().filter(|k| !now.contains(k)).count();
        let changed = self
            .evidence
            .iter()
            .filter(|(k, v)| signed.evidence.iter().any(|(sk, sv)| sk == k && sv != v))
            .count();
        if added > 0 {
            out.push(Change::EvidenceAdded(added));
        }
        if removed > 0 {
            out.push(Change::EvidenceRemoved(removed));
        }
        if changed > 0 {
            out.push(Change::EvidenceChanged(changed));
        }
        out
    }
}

impl fmt::Display for Print {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v2:{}:{}:{}:", self.verdict, self.text, self.summary)?;
        for (i, (k, v)) in self.evidence.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}-{v}")?;
        }
        Ok(())
    }
}

/// One thing that changed since sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Verdict {
        from: Verdict,
        to: Verdict,
    },
    Text,
    Summary,
    EvidenceAdded(usize),
    EvidenceRemoved(usize),
    /// Same article and quote, but its stance or the quoted statement's
    /// text changed.
    EvidenceChanged(usize),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |n: &usize| if *n == 1 { "piece" } else { "pieces" };
        match self {
            Change::Verdict { from, to } => write!(f, "the verdict ({from} → {to})"),
            Change::Text => f.write_str("the claim's text"),
            Change::Summary => f.write_str("the summary"),
            Change::EvidenceAdded(k) => write!(f, "{k} {} of evidence added", n(k)),
            Change::EvidenceRemoved(k) => write!(f, "{k} {} of evidence removed", n(k)),
            Change::EvidenceChanged(k) => write!(
                f,
                "{k} {} of evidence with a new stance or an edited quoted statement",
                n(k)
            ),
        }
    }
}

/// The `v1` scheme: the claim's text and its evidence, not the verdict or
/// the summary. Kept so that approvals recorded with it still verify.
fn fingerprint_v1(claim: &Claim, statements: impl Fn(usize) -> Option<String>) -> String {
    let mut entries: Vec<[u8; 32]> = claim
        .evidence
        .iter()
        .enumerate()
        .map(|(i, ev)| {
            let mut h = blake3::Hasher::new();
            for part in [
                ev.article.as_str(),
                ev.stance.as_str(),
                &normalize_quote(&ev.quote),
            ] {
                h.update(part.as_bytes());
                h.update(&[0]);
            }
            match statements(i) {
                Some(text) => h.update(normalize_quote(&text).as_bytes()),
                None => h.update(b"\x01unanchored"),
            };
            *h.finalize().as_bytes()
        })
        .collect();
    entries.sort_unstable();
    let mut h = blake3::Hasher::new();
    h.update(normalize_quote(&claim.text).as_bytes());
    h.update(&[0]);
    for e in &entries {
        h.update(e);
    }
    format!("v1:{}", &h.finalize().to_hex()[..32])
}

/// Text of the statements an anchor overlaps, one per line.
pub(crate) fn anchored_text(doc: &Doc, anchor: &Anchor) -> String {
    anchor
        .statements
        .clone()
        .map(|i| doc.statement_text(i))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The statements evidence `ei` of claim `ci` anchors to, given a
/// compiled site's graph and documents (see
/// [`crate::pipeline::site::Site::fingerprint`]).
pub(crate) fn anchored_statements<'a>(
    graph: &'a Graph,
    docs: &'a [Doc],
    ci: usize,
) -> impl Fn(usize) -> Option<String> + 'a {
    let refs = &graph.evidence[ci];
    move |ei| {
        let r = refs.iter().find(|r| r.evidence == ei)?;
        let doc = &docs[r.article];
        Some(
            (r.statement..r.statement_end)
                .map(|i| doc.statement_text(i))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

/// Where a claim's sign-off stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignoffState {
    /// Not approved.
    NotApproved,
    /// Approved by hand, without a recorded fingerprint.
    Unrecorded,
    /// Approved, and the claim is what was approved.
    Current,
    /// Approved, but the claim or its evidence changed since.
    Lapsed,
}

/// A sign-off compared with the claim as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verification {
    pub state: SignoffState,
    /// What changed, when a `v2` fingerprint lapsed (empty for `v1`, whose
    /// parts cannot be told apart).
    pub changes: Vec<Change>,
    /// Recorded with the `v1` scheme, which does not cover the verdict.
    pub old_scheme: bool,
}

/// Compares `claim`'s recorded sign-off with the claim as it stands.
pub(crate) fn verify(claim: &Claim, statements: impl Fn(usize) -> Option<String>) -> Verification {
    let unchanged = |state| Verification {
        state,
        changes: Vec::new(),
        old_scheme: false,
    };
    let recorded = match (&claim.status, &claim.signoff) {
        (Status::Approved, Some(s)) => s,
        (Status::Approved, None) => return unchanged(SignoffState::Unrecorded),
        _ => return unchanged(SignoffState::NotApproved),
    };
    if recorded.starts_with("v1:") {
        let current = fingerprint_v1(claim, statements);
        return Verification {
            state: if *recorded == current {
                SignoffState::Current
            } else {
                SignoffState::Lapsed
            },
            changes: Vec::new(),
            old_scheme: true,
        };
    }
    let now = Print::of(claim, statements);
    match Print::parse(recorded) {
        Some(signed) if signed == now => unchanged(SignoffState::Current),
        Some(signed) => Verification {
            state: SignoffState::Lapsed,
            changes: now.changes_since(&signed),
            old_scheme: false,
        },
        // Not a fingerprint crosscheck wrote: it cannot vouch for anything.
        None => unchanged(SignoffState::Lapsed),
    }
}

/// An approval that lapsed, and what changed since it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lapse {
    pub claim: String,
    /// Empty when the fingerprint cannot tell (`v1`, or not crosscheck's).
    pub changes: Vec<Change>,
}

impl Lapse {
    /// "the verdict (accurate → misleading), the summary", or a general
    /// phrase when the parts are not known.
    pub(crate) fn what(&self) -> String {
        if self.changes.is_empty() {
            return "the claim or its evidence".into();
        }
        self.changes
            .iter()
            .map(Change::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks every approved claim with a recorded fingerprint against the
/// claim as it stands; returns those whose approval lapsed,
/// with a warning for each saying what changed, and an error for each
/// whose verdict changed without an update recording it.
pub(crate) fn lapsed_claims(
    articles: &[Article],
    docs: &[Doc],
    claims: &[Claim],
    anchors: &Anchors,
    diags: &mut Diagnostics,
) -> Vec<Lapse> {
    // Most claims have no sign-off: build the index only when one does.
    let mut index = None;
    let mut out = Vec::new();
    for (ci, claim) in claims.iter().enumerate() {
        if claim.status != Status::Approved || claim.signoff.is_none() {
            continue;
        }
        let index = &*index.get_or_insert_with(|| article_index(articles));
        let v = verify(claim, |ei| {
            let anchor = anchors.get(ci)?.get(ei)?.as_ref()?;
            let ai = *index.get(claim.evidence[ei].article.as_str())?;
            Some(anchored_text(&docs[ai], anchor))
        });
        if v.old_scheme && v.state == SignoffState::Current {
            diags.push(
                Diagnostic::warning(format!(
                    "claim `{}` was signed off with an older fingerprint (v1) that does not cover its verdict or summary",
                    claim.id
                ))
                .at(&claim.file, claim.span.clone())
                .help("sign it off again (crosscheck signoff ID) so a changed verdict lapses the approval"),
            );
        }
        if v.state != SignoffState::Lapsed {
            continue;
        }
        let what = if v.changes.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                v.changes
                    .iter()
                    .map(Change::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        diags.push(
            Diagnostic::warning(format!("claim `{}`: {LAPSED}{what}", claim.id))
                .at(&claim.file, claim.span.clone())
                .label("the fingerprint recorded at sign-off no longer matches")
                .help(
                    "review it and sign off again (crosscheck signoff ID, or serve --review); until then it is published only with --drafts",
                ),
        );
        for c in &v.changes {
            if let Change::Verdict { from, to } = c {
                let recorded = claim
                    .updates
                    .iter()
                    .any(|u| u.verdict_before == Some(*from));
                if !recorded {
                    diags.push(
                        Diagnostic::error(format!(
                            "claim `{}`: the verdict was changed from {from} to {to} after sign-off, with no update saying so",
                            claim.id
                        ))
                        .at(&claim.file, claim.span.clone())
                        .label("a signed-off verdict never changes silently")
                        .help(format!(
                            "add an update to the claim:\n  [[claim.update]]\n  date = YYYY-MM-DD\n  verdict_before = \"{from}\"\n  note = \"Why the verdict changed.\""
                        )),
                    );
                }
            }
        }
        out.push(Lapse {
            claim: claim.id.clone(),
            changes: v.changes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;
    use crate::pipeline::content::{Evidence, Stance, Update};

    fn claim() -> Claim {
        Claim {
            id: "c".into(),
            text: "The talks lasted five hours.".into(),
            verdict: Verdict::Accurate,
            summary: Some("All reports agree.".into()),
            summary_span: None,
            status: Status::Approved,
            reviewer: Some("R".into()),
            reviewed: Some("2026-01-01".into()),
            signoff: None,
            basis_reports: false,
            sources: Vec::new(),
            updates: Vec::new(),
            evidence: vec![Evidence {
                article: "a".into(),
                quote: "five hours".into(),
                stance: Stance::Supports,
                note: None,
                occurrence: None,
                article_span: 0..0,
                quote_span: 0..0,
            }],
            file: SourceFile::new("content/claims.toml", ""),
            span: 0..0,
        }
    }

    fn statements(_: usize) -> Option<String> {
        Some("The talks lasted five hours.".into())
    }

    fn signed(c: &Claim) -> Claim {
        let mut s = c.clone();
        s.signoff = Some(fingerprint(c, statements));
        s
    }

    #[test]
    fn the_fingerprint_changes_with_the_verdict_and_the_summary() {
        let c = claim();
        let base = fingerprint(&c, statements);
        let mut v = c.clone();
        v.verdict = Verdict::MostlyAccurate;
        assert_ne!(fingerprint(&v, statements), base);
        let mut s = c.clone();
        s.summary = Some("Four reports agree.".into());
        assert_ne!(fingerprint(&s, statements), base);
        // Re-wrapping or straightening quotes changes nothing.
        let mut w = c.clone();
        w.summary = Some("All  reports\nagree.".into());
        assert_eq!(fingerprint(&w, statements), base);
        assert_eq!(Print::parse(&base), Some(Print::of(&c, statements)));
    }

    #[test]
    fn a_lapse_says_what_changed() {
        let mut c = signed(&claim());
        assert_eq!(verify(&c, statements).state, SignoffState::Current);
        c.verdict = Verdict::MostlyAccurate;
        c.summary = None;
        c.evidence[0].stance = Stance::Mentions;
        let v = verify(&c, statements);
        assert_eq!(v.state, SignoffState::Lapsed);
        assert_eq!(
            v.changes,
            [
                Change::Verdict {
                    from: Verdict::Accurate,
                    to: Verdict::MostlyAccurate
                },
                Change::Summary,
                Change::EvidenceChanged(1)
            ]
        );
        let mut more = signed(&claim());
        more.evidence.push(more.evidence[0].clone());
        more.evidence[1].quote = "lasted".into();
        assert_eq!(
            verify(&more, statements).changes,
            [Change::EvidenceAdded(1)]
        );
    }

    #[test]
    fn old_fingerprints_still_verify_until_the_claim_changes() {
        let mut c = claim();
        c.signoff = Some(fingerprint_v1(&c, statements));
        let v = verify(&c, statements);
        assert_eq!((v.state, v.old_scheme), (SignoffState::Current, true));
        // v1 never covered the verdict: a verdict change alone keeps it.
        c.verdict = Verdict::Misleading;
        assert_eq!(verify(&c, statements).state, SignoffState::Current);
        c.text = "The talks lasted four hours.".into();
        assert_eq!(verify(&c, statements).state, SignoffState::Lapsed);
    }

    #[test]
    fn a_verdict_changed_after_sign_off_needs_an_update() {
        let mut c = signed(&claim());
        c.verdict = Verdict::Inaccurate;
        let doc = crate::pipeline::document::parse("The talks lasted five hours.");
        let article = {
            let mut d = Diagnostics::default();
            let f = SourceFile::new(
                "content/articles/a.md",
                "+++\ntitle = \"A\"\noutlet = \"O\"\n+++\nThe talks lasted five hours.\n",
            );
            crate::pipeline::content::parse_article(f, &mut d).unwrap()
        };
        let run = |c: &Claim| {
            let mut d = Diagnostics::default();
            let anchors = crate::pipeline::graph::anchor_evidence(
                std::slice::from_ref(&article),
                std::slice::from_ref(&doc),
                std::slice::from_ref(c),
                &mut d,
            );
            let lapsed = lapsed_claims(
                std::slice::from_ref(&article),
                std::slice::from_ref(&doc),
                std::slice::from_ref(c),
                &anchors,
                &mut d,
            );
            (lapsed, d)
        };
        let (lapsed, d) = run(&c);
        assert_eq!(lapsed.len(), 1);
        assert_eq!(lapsed[0].what(), "the verdict (accurate → inaccurate)");
        let errors: Vec<&str> = d
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            errors,
            [
                "claim `c`: the verdict was changed from accurate to inaccurate after sign-off, with no update saying so"
            ]
        );
        c.updates.push(Update {
            date: "2026-02-01".into(),
            note: "New record.".into(),
            verdict_before: Some(Verdict::Accurate),
            span: 0..0,
        });
        let (lapsed, d) = run(&c);
        assert_eq!(lapsed.len(), 1, "still lapsed: sign off again");
        assert!(!d.has_errors(), "{}", d.render(false));
    }
}
