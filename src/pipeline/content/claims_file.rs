//! Claims files (`content/claims.toml`, `content/claims/*.toml`): each
//! `[[claim]]` with its sources, updates and evidence, the citations and
//! claim links in its Markdown, and the checks across claims once all are
//! read. The biggest input there is, so apart from the others.

use std::ops::Range;
use std::sync::Arc;

use toml::de::DeTable;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::text::{closest, slugify};

use super::fields::{Fields, parse_toml, table_entries};
use super::keywords::{Stance, Status, Verdict};
use super::validate::{MAX_ID_LEN, is_valid_id, is_windows_reserved};

#[derive(Debug, Clone)]
pub struct Claim {
    pub id: String,
    pub text: String,
    pub verdict: Verdict,
    pub summary: Option<String>,
    /// Span of the `summary` value in `file` (for problems inside it).
    pub summary_span: Option<Range<usize>>,
    pub status: Status,
    pub reviewer: Option<String>,
    pub reviewed: Option<String>,
    /// Fingerprint recorded at sign-off (see the review workflow).
    pub signoff: Option<String>,
    /// `basis = "reports"`: the verdict is about the reports' own texts, so
    /// the quoted evidence is its source.
    pub basis_reports: bool,
    /// Outside sources the verdict rests on (`[[claim.source]]`), cited
    /// from the summary as `[^1]`, `[^2]`…
    pub sources: Vec<Source>,
    /// Corrections and verdict changes (`[[claim.update]]`), in file order.
    pub updates: Vec<Update>,
    pub evidence: Vec<Evidence>,
    pub file: Arc<SourceFile>,
    /// Span of the claim's `id` value (or its table header) in `file`.
    pub span: Range<usize>,
}

/// An outside source of a claim's verdict: a document, transcript,
/// dataset or broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    /// `http(s)`; may be left out when publisher and date identify it.
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    /// An archive snapshot of `url`.
    pub archived: Option<String>,
    pub note: Option<String>,
    /// The `[[claim.source]]` table in the claims file.
    pub span: Range<usize>,
}

/// One correction or verdict change of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub date: String,
    pub note: String,
    /// The verdict before this update, when it changed the verdict.
    pub verdict_before: Option<Verdict>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Evidence {
    pub article: String,
    pub quote: String,
    pub stance: Stance,
    pub note: Option<String>,
    pub occurrence: Option<usize>,
    pub article_span: Range<usize>,
    pub quote_span: Range<usize>,
}

pub fn parse_claims(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Vec<Claim> {
    let Some(doc) = parse_toml(file, 0, &file.text, diags) else {
        return Vec::new();
    };
    let root = &doc;
    for (key, item) in root.iter() {
        let key = key.get_ref().as_ref();
        if key != "claim" {
            let span = item.span();
            diags.push(
                Diagnostic::warning(format!(
                    "unknown top-level key `{key}` in a claims file is ignored"
                ))
                .at(file, span)
                .help("claims are written as [[claim]] tables"),
            );
        }
    }
    let Some(item) = root.get("claim") else {
        return Vec::new();
    };
    let Some(entries) = table_entries(item) else {
        diags.push(
            Diagnostic::error("`claim` must be an array of tables: write each claim as [[claim]]")
                .at(file, item.span()),
        );
        return Vec::new();
    };
    entries
        .into_iter()
        .filter_map(|(table, span)| parse_claim(file, table, span, diags))
        .collect()
}

fn parse_reports(s: &str) -> Option<()> {
    (s == "reports").then_some(())
}

fn parse_claim(
    file: &Arc<SourceFile>,
    table: &DeTable<'_>,
    header: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Claim> {
    let id_hint = table
        .get("id")
        .and_then(|v| v.get_ref().as_str())
        .unwrap_or("?")
        .to_string();
    let mut f = Fields::new(
        file,
        0,
        table,
        header.clone(),
        format!("claim `{id_hint}`"),
        diags,
    );
    let id = f.req_str_spanned("id");
    if let Some((id, span)) = &id {
        if !is_valid_id(id) {
            f.diags.push(
                Diagnostic::error(format!(
                    "claim id `{id}` is not valid: use lowercase letters, digits and `-`"
                ))
                .at(file, span.clone())
                .help(format!("for example `{}`", slugify(id))),
            );
            f.failed = true;
        }
        let len = id.chars().count();
        if len > MAX_ID_LEN {
            f.diags.push(
                Diagnostic::error(format!(
                    "claim id is {len} characters long; ids are at most {MAX_ID_LEN} (the id names the claim's folder, claims/ID/)"
                ))
                .at(file, span.clone())
                .help("shorten it: the first few words of the claim are enough"),
            );
            f.failed = true;
        }
        if is_windows_reserved(id) {
            f.diags.push(
                Diagnostic::warning(format!(
                    "claim id `{id}` is a device name on Windows: the site's folder claims/{id}/ cannot be checked out or hosted there"
                ))
                .at(file, span.clone())
                .help(format!("for example `{id}-claim`")),
            );
        }
    }
    let text = f.req_str("text");
    let verdict = match f.get("verdict") {
        Some(_) => f.opt_keyword("verdict", Verdict::parse, &Verdict::allowed()),
        None => Some(Verdict::Unverified),
    };
    let summary = f.opt_str_spanned("summary");
    let status = match f.get("status") {
        Some(_) => f.opt_keyword("status", Status::parse, &Status::allowed()),
        None => Some(Status::Draft),
    };
    let reviewer = f.opt_str("reviewer");
    let reviewed = f.opt_date("reviewed");
    let signoff = f.opt_str("signoff");
    let basis_reports = f.opt_keyword("basis", parse_reports, "reports") == Some(());
    f.unknown_keys(&[
        "id", "text", "verdict", "summary", "status", "reviewer", "reviewed", "signoff", "basis",
        "source", "update", "evidence",
    ]);
    if status == Some(Status::Approved) {
        for (key, present) in [
            ("reviewer", reviewer.is_some()),
            ("reviewed", reviewed.is_some()),
        ] {
            if !present && f.get(key).is_none() {
                f.diags.push(
                    Diagnostic::error(format!(
                        "claim `{id_hint}` is approved but has no `{key}`: sign-off needs who and when"
                    ))
                    .at(file, header.clone())
                    .help("add reviewer = \"Name\" and reviewed = YYYY-MM-DD, or set status = \"in-review\""),
                );
                f.failed = true;
            }
        }
    }
    let mut failed = f.failed;
    let evidence = sub_tables(
        file,
        table,
        "evidence",
        &id_hint,
        &mut failed,
        diags,
        |t, span, d| parse_evidence(file, t, span, &id_hint, d),
    );
    let sources = sub_tables(
        file,
        table,
        "source",
        &id_hint,
        &mut failed,
        diags,
        |t, span, d| parse_source(file, t, span, &id_hint, d),
    );
    let updates = sub_tables(
        file,
        table,
        "update",
        &id_hint,
        &mut failed,
        diags,
        |t, span, d| parse_update(file, t, span, &id_hint, d),
    );
    if let Some((summary, span)) = &summary {
        let what = format!("the summary of claim `{id_hint}`");
        failed |= !check_citations(file, summary, span, sources.len(), &what, diags);
    }
    for (i, ev) in evidence.iter().enumerate() {
        if let Some(note) = &ev.note {
            let what = format!("the note of evidence {} of claim `{id_hint}`", i + 1);
            failed |= !check_citations(file, note, &ev.quote_span, sources.len(), &what, diags);
        }
    }
    if failed {
        return None;
    }
    let (id, span) = id?;
    let (summary, summary_span) = match summary {
        Some((s, span)) => (Some(s), Some(span)),
        None => (None, None),
    };
    Some(Claim {
        id,
        text: text?,
        verdict: verdict?,
        summary,
        summary_span,
        status: status?,
        reviewer,
        reviewed,
        signoff,
        basis_reports,
        sources,
        updates,
        evidence,
        file: file.clone(),
        span,
    })
}

/// The `[[claim.KEY]]` tables of a claim, each parsed by `parse`; sets
/// `failed` when any is wrong.
#[allow(clippy::too_many_arguments)]
fn sub_tables<T>(
    file: &Arc<SourceFile>,
    table: &DeTable<'_>,
    key: &str,
    claim: &str,
    failed: &mut bool,
    diags: &mut Diagnostics,
    mut parse: impl FnMut(&DeTable<'_>, Range<usize>, &mut Diagnostics) -> Option<T>,
) -> Vec<T> {
    let Some(item) = table.get(key) else {
        return Vec::new();
    };
    let Some(entries) = table_entries(item) else {
        diags.push(
            Diagnostic::error(format!(
                "`{key}` of claim `{claim}` must be written as [[claim.{key}]] tables"
            ))
            .at(file, item.span()),
        );
        *failed = true;
        return Vec::new();
    };
    let mut out = Vec::with_capacity(entries.len());
    for (t, span) in entries {
        match parse(t, span, diags) {
            Some(v) => out.push(v),
            None => *failed = true,
        }
    }
    out
}

fn parse_source(
    file: &Arc<SourceFile>,
    table: &DeTable<'_>,
    header: Range<usize>,
    claim: &str,
    diags: &mut Diagnostics,
) -> Option<Source> {
    let mut f = Fields::new(
        file,
        0,
        table,
        header.clone(),
        format!("a source of claim `{claim}`"),
        diags,
    );
    let title = f.req_str("title");
    let url = f.opt_url("url");
    let publisher = f.opt_str("publisher");
    let date = f.opt_date("date");
    let archived = f.opt_url("archived");
    let note = f.opt_str("note");
    f.unknown_keys(&["title", "url", "publisher", "date", "archived", "note"]);
    if f.get("url").is_none() && (publisher.is_none() || date.is_none()) {
        f.diags.push(
            Diagnostic::error(format!(
                "a source of claim `{claim}` has no `url`, so it needs `publisher` and `date` to identify it"
            ))
            .at(file, header.clone())
            .help("give the source's address (url = \"https://…\"), or who published it and when (publisher = \"…\", date = YYYY-MM-DD)"),
        );
        f.failed = true;
    }
    if f.failed {
        return None;
    }
    Some(Source {
        title: title?,
        url,
        publisher,
        date,
        archived,
        note,
        span: header,
    })
}

fn parse_update(
    file: &Arc<SourceFile>,
    table: &DeTable<'_>,
    header: Range<usize>,
    claim: &str,
    diags: &mut Diagnostics,
) -> Option<Update> {
    let mut f = Fields::new(
        file,
        0,
        table,
        header.clone(),
        format!("an update of claim `{claim}`"),
        diags,
    );
    let date = match f.get("date") {
        Some(_) => f.opt_date("date"),
        None => {
            f.missing("date");
            None
        }
    };
    let note = f.req_str("note");
    let verdict_before = match f.get("verdict_before") {
        Some(_) => f.opt_keyword("verdict_before", Verdict::parse, &Verdict::allowed()),
        None => None,
    };
    f.unknown_keys(&["date", "note", "verdict_before"]);
    if f.failed {
        return None;
    }
    Some(Update {
        date: date?,
        note: note?,
        verdict_before,
        span: header,
    })
}

/// The source numbers a Markdown text cites with `[^N]`, with each
/// citation's byte range in the text.
pub(crate) fn citations(md: &str) -> Vec<(usize, Range<usize>)> {
    let mut out = Vec::new();
    let bytes = md.as_bytes();
    let mut from = 0;
    while let Some(i) = md[from..].find("[^").map(|i| from + i) {
        let digits = bytes[i + 2..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = i + 2 + digits;
        if digits > 0 && bytes.get(end) == Some(&b']') {
            if let Ok(n) = md[i + 2..end].parse::<usize>() {
                out.push((n, i..end + 1));
            }
        }
        from = i + 2;
    }
    out
}

/// Every `[^N]` in `md` must name one of the claim's `sources`. Reports
/// each one that does not at `span` (the Markdown value in the file).
fn check_citations(
    file: &Arc<SourceFile>,
    md: &str,
    span: &Range<usize>,
    sources: usize,
    what: &str,
    diags: &mut Diagnostics,
) -> bool {
    let mut ok = true;
    for (n, _) in citations(md) {
        if n == 0 || n > sources {
            let have = match sources {
                0 => "it has no [[claim.source]]".to_string(),
                1 => "it has one source, [^1]".to_string(),
                n => format!("it has {n} sources, [^1] to [^{n}]"),
            };
            diags.push(
                Diagnostic::error(format!("{what} cites source [^{n}], but {have}"))
                .at(file, span.clone())
                .label(format!("[^{n}] cited here"))
                .help("add a [[claim.source]] table for it (sources are numbered in file order), or fix the number"),
            );
            ok = false;
        }
    }
    ok
}

/// The claim ids a Markdown text links to with `claim:ID`.
pub(crate) fn claim_links(md: &str) -> Vec<String> {
    pulldown_cmark::Parser::new(md)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                dest_url.strip_prefix("claim:").map(str::to_string)
            }
            _ => None,
        })
        .collect()
}

fn parse_evidence(
    file: &Arc<SourceFile>,
    table: &DeTable<'_>,
    header: Range<usize>,
    claim: &str,
    diags: &mut Diagnostics,
) -> Option<Evidence> {
    let mut f = Fields::new(
        file,
        0,
        table,
        header,
        format!("evidence of claim `{claim}`"),
        diags,
    );
    let article = f.req_str_spanned("article");
    let quote = f.req_str_spanned("quote");
    let stance = match f.get("stance") {
        Some(_) => f.opt_keyword("stance", Stance::parse, &Stance::allowed()),
        None => {
            f.missing("stance");
            None
        }
    };
    let note = f.opt_str("note");
    let occurrence = f.opt_positive("occurrence");
    f.unknown_keys(&["article", "quote", "stance", "note", "occurrence"]);
    if f.failed {
        return None;
    }
    let (article, article_span) = article?;
    let (quote, quote_span) = quote?;
    Some(Evidence {
        article,
        quote,
        stance: stance?,
        note,
        occurrence,
        article_span,
        quote_span,
    })
}

/// Cross-file checks: duplicate claim ids, evidence naming unknown articles.
pub fn check_claim_references(claims: &[Claim], article_ids: &[String], diags: &mut Diagnostics) {
    // Hashed rather than ordered: serve runs this on every claims edit.
    let mut seen: std::collections::HashMap<&str, &Claim> =
        std::collections::HashMap::with_capacity(claims.len());
    for claim in claims {
        if let Some(first) = seen.get(claim.id.as_str()) {
            let (line, col) = first.file.line_col(first.span.start);
            diags.push(
                Diagnostic::error(format!("duplicate claim id `{}`", claim.id))
                    .at(&claim.file, claim.span.clone())
                    .label("defined again here")
                    .help(format!("first defined at {}:{line}:{col}", first.file.name)),
            );
        } else {
            seen.insert(&claim.id, claim);
        }
    }
    for claim in claims {
        let notes = claim.evidence.iter().filter_map(|e| {
            e.note
                .as_deref()
                .map(|n| (n, e.quote_span.clone(), "an evidence note"))
        });
        let summary = claim
            .summary
            .as_deref()
            .zip(claim.summary_span.clone())
            .map(|(s, span)| (s, span, "the summary"));
        for (md, span, what) in summary.into_iter().chain(notes) {
            for target in claim_links(md) {
                if seen.contains_key(target.as_str()) {
                    continue;
                }
                let mut d = Diagnostic::error(format!(
                    "{what} of claim `{}` links to unknown claim `{target}`",
                    claim.id
                ))
                .at(&claim.file, span.clone())
                .label(format!("[…](claim:{target}) names no claim"));
                if let Some(g) = closest(&target, seen.keys().copied()) {
                    d = d.help(format!("did you mean `{g}`?"));
                }
                diags.push(d);
            }
        }
    }
    let ids: std::collections::HashSet<&str> = article_ids.iter().map(String::as_str).collect();
    for claim in claims {
        for ev in &claim.evidence {
            if !ids.contains(ev.article.as_str()) {
                let mut d = Diagnostic::error(format!(
                    "evidence of claim `{}` names unknown article `{}`",
                    claim.id, ev.article
                ))
                .at(&claim.file, ev.article_span.clone())
                .label("no content/articles/ file has this id");
                if let Some(g) = closest(&ev.article, article_ids.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean `{g}`?"));
                }
                diags.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_claim_problems_are_reported_at_once() {
        let f = SourceFile::new(
            "content/claims.toml",
            r#"[[claim]]
id = "a"
text = "A"
verdict = "maybe"

[[claim]]
id = "b"
status = "approved"
verdict = "accurate"

  [[claim.evidence]]
  article = "x"
  quote = "q"
  stance = "agrees"
"#,
        );
        let mut d = Diagnostics::default();
        let claims = parse_claims(&f, &mut d);
        assert!(claims.is_empty());
        let msgs: Vec<String> = d
            .iter()
            .map(|d| format!("{} {}", d.location().unwrap(), d.message))
            .collect();
        let joined = msgs.join("\n");
        assert!(
            joined.contains("content/claims.toml:4:11 unknown verdict `maybe`"),
            "{joined}"
        );
        assert!(joined.contains("missing required field `text`"), "{joined}");
        assert!(
            joined.contains("approved but has no `reviewer`"),
            "{joined}"
        );
        assert!(
            joined.contains("content/claims.toml:14:12 unknown stance `agrees`"),
            "{joined}"
        );
    }

    #[test]
    fn unknown_verdict_lists_allowed_values() {
        let f = SourceFile::new(
            "c.toml",
            "[[claim]]\nid = \"a\"\ntext = \"A\"\nverdict = \"acurate\"\n",
        );
        let mut d = Diagnostics::default();
        parse_claims(&f, &mut d);
        let e = d.iter().next().unwrap();
        let out = e.render(false);
        assert!(
            out.contains("accurate, mostly-accurate, misleading, inaccurate, disputed, unverified"),
            "{out}"
        );
        assert!(out.contains("did you mean `accurate`?"), "{out}");
    }
}
