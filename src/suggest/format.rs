//! The report as `crosscheck suggest` prints it: text for people, TOML
//! ready to copy into a claims file, or JSON.

use super::Report;

/// The report for people.
pub(crate) fn to_text(report: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if report.statements.is_empty() {
        out.push_str("No unlinked statement has a likely claim.\n");
    } else {
        let _ = writeln!(out, "Claims for unlinked statements:");
    }
    for s in &report.statements {
        let _ = writeln!(out, "\n{} #{}", s.article, s.statement);
        let _ = writeln!(out, "  \"{}\"", s.text);
        for c in &s.claims {
            let _ = writeln!(
                out,
                "  {:.2}  {:<11} {}  — {}",
                c.score,
                c.stance.as_str(),
                c.claim,
                c.claim_text
            );
            for k in &c.conflicts {
                let _ = writeln!(
                    out,
                    "          differs in {}: \"{}\" vs \"{}\"",
                    k.kind.as_str(),
                    k.a_words,
                    k.b_words
                );
            }
        }
    }
    if !report.groups.is_empty() {
        let _ = writeln!(
            out,
            "\nStatements reporting the same fact in several sources:"
        );
    }
    for (gi, g) in report.groups.iter().enumerate() {
        let _ = writeln!(out, "\ngroup {}:", gi + 1);
        for (mi, m) in g.members.iter().enumerate() {
            let linked = if m.claims.is_empty() {
                "unlinked".to_string()
            } else {
                format!("linked to {}", m.claims.join(", "))
            };
            let _ = writeln!(
                out,
                "  [{}] {} #{} ({linked})\n      \"{}\"",
                mi + 1,
                m.article,
                m.statement,
                m.text
            );
        }
        for p in &g.pairs {
            let kind = if p.near_duplicate {
                "near-duplicate"
            } else {
                "same fact"
            };
            let _ = writeln!(
                out,
                "  [{}] ~ [{}]  {kind}, similarity {:.2}",
                p.a + 1,
                p.b + 1,
                p.similarity
            );
            for k in &p.conflicts {
                let _ = writeln!(
                    out,
                    "      differ in {}: \"{}\" vs \"{}\" — contradicts?",
                    k.kind.as_str(),
                    k.a_words,
                    k.b_words
                );
            }
        }
        for p in &g.proposals {
            let _ = writeln!(
                out,
                "  propose: [{}] {} {}",
                p.member + 1,
                p.stance.as_str(),
                p.claim
            );
        }
        if let Some(t) = &g.new_claim {
            let _ = writeln!(out, "  propose a new claim: \"{t}\"");
        }
    }
    out
}

pub(crate) fn to_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report serialises");
    s.push('\n');
    s
}

/// The report as TOML: `[[statement]]` and `[[group]]` tables, each
/// statement's proposals as evidence entries ready to copy under a claim.
pub(crate) fn to_toml(report: &Report) -> String {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc = DocumentMut::new();
    doc.decor_mut().set_prefix(
        "# crosscheck suggest: proposals only; nothing was written to the claims file.\n",
    );
    let mut statements = ArrayOfTables::new();
    for s in &report.statements {
        let mut t = Table::new();
        t.insert("article", value(s.article.as_str()));
        t.insert("statement", value(s.statement.as_str()));
        t.insert("text", value(s.text.as_str()));
        let mut claims = ArrayOfTables::new();
        for c in &s.claims {
            let mut ct = Table::new();
            ct.insert("claim", value(c.claim.as_str()));
            ct.insert("score", value(c.score));
            ct.insert("stance", value(c.stance.as_str()));
            ct.insert("quote", value(s.text.as_str()));
            for k in &c.conflicts {
                ct.insert(
                    "differs",
                    value(format!(
                        "{}: \"{}\" vs \"{}\"",
                        k.kind.as_str(),
                        k.a_words,
                        k.b_words
                    )),
                );
            }
            claims.push(ct);
        }
        t.insert("claim", Item::ArrayOfTables(claims));
        statements.push(t);
    }
    if !statements.is_empty() {
        doc.insert("statement", Item::ArrayOfTables(statements));
    }
    let mut groups = ArrayOfTables::new();
    for g in &report.groups {
        let mut t = Table::new();
        let mut members = toml_edit::Array::new();
        for m in &g.members {
            members.push(format!("{}#{}", m.article, m.statement));
        }
        t.insert("members", value(members));
        let mut texts = toml_edit::Array::new();
        for m in &g.members {
            texts.push(m.text.as_str());
        }
        t.insert("texts", value(texts));
        if let Some(c) = &g.new_claim {
            t.insert("new_claim", value(c.as_str()));
        }
        let mut proposals = ArrayOfTables::new();
        for p in &g.proposals {
            let m = &g.members[p.member];
            let mut pt = Table::new();
            pt.insert("claim", value(p.claim.as_str()));
            pt.insert("article", value(m.article.as_str()));
            pt.insert("quote", value(m.text.as_str()));
            pt.insert("stance", value(p.stance.as_str()));
            proposals.push(pt);
        }
        for p in &g.pairs {
            for k in &p.conflicts {
                let mut pt = Table::new();
                pt.insert(
                    "between",
                    value(format!(
                        "{}#{} / {}#{}",
                        g.members[p.a].article,
                        g.members[p.a].statement,
                        g.members[p.b].article,
                        g.members[p.b].statement
                    )),
                );
                pt.insert("stance", value("contradicts"));
                pt.insert(
                    "differs",
                    value(format!(
                        "{}: \"{}\" vs \"{}\"",
                        k.kind.as_str(),
                        k.a_words,
                        k.b_words
                    )),
                );
                proposals.push(pt);
            }
        }
        if !proposals.is_empty() {
            t.insert("proposal", Item::ArrayOfTables(proposals));
        }
        groups.push(t);
    }
    if !groups.is_empty() {
        doc.insert("group", Item::ArrayOfTables(groups));
    }
    doc.to_string()
}

/// Output formats of `crosscheck suggest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Toml,
    Json,
}
