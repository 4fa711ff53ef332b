//! The search index, `search-index.json`: what the search box (the
//! dependency-free `search.js`) fetches the first time it is used.
//!
//! Kept lean: arrays instead of objects, statement text only for statements
//! linked to a claim, article bodies left out. Shape (version 1):
//!
//! ```json
//! {"v": 1,
//!  "verdicts": {"accurate": ["Accurate", "✔"], "…": ["…", "…"]},
//!  "stances": [["supports", "Supports"], ["contradicts", "Contradicts"], ["mentions", "Mentions"]],
//!  "articles": [["article-id", "Title", "Outlet"]],
//!  "claims": [["claim-id", "Claim text", "verdict-slug"]],
//!  "statements": [[articleIndex, "s-1a2b3c", "Statement text", [claimIndex, stanceIndex]]]}
//! ```
//!
//! A statement's last element lists `claimIndex, stanceIndex` pairs, one
//! per claim it bears on. Links are built by the script relative to the
//! page's root: `claims/ID/`, `articles/ID/#STATEMENT`.

use serde::Serialize;
use serde_json::{Value, json};

use crate::pipeline::content::{Stance, Verdict};
use crate::pipeline::site::Site;

/// File name of the index at the site root.
pub(crate) const INDEX_PATH: &str = "search-index.json";

#[derive(Serialize)]
struct Index<'a> {
    v: u8,
    verdicts: serde_json::Map<String, Value>,
    stances: Vec<[&'static str; 2]>,
    articles: Vec<[&'a str; 3]>,
    claims: Vec<[&'a str; 3]>,
    statements: Vec<(usize, &'a str, std::borrow::Cow<'a, str>, Vec<usize>)>,
}

/// Builds `search-index.json` (compact JSON, one trailing newline).
pub(crate) fn index_json(site: &Site) -> String {
    let verdicts = Verdict::ALL
        .iter()
        .map(|v| {
            (
                v.as_str().to_string(),
                json!([site.config.strings.get2("verdict", v.as_str()), v.icon()]),
            )
        })
        .collect();
    let stances = Stance::ALL
        .iter()
        .map(|s| [s.as_str(), site.config.strings.get2("stance", s.as_str())])
        .collect();
    let stance_index = |s: Stance| Stance::ALL.iter().position(|&x| x == s).unwrap_or(0);
    let articles = site
        .articles
        .iter()
        .map(|a| [a.id.as_str(), a.title.as_str(), a.outlet.as_str()])
        .collect();
    let claims = site
        .claims
        .iter()
        .map(|c| [c.id.as_str(), c.text.as_str(), c.verdict.as_str()])
        .collect();
    let mut statements = Vec::new();
    for (ai, _, doc) in site.each_article() {
        for (si, st) in doc.statements.iter().enumerate() {
            let links = site.graph.statement_links(ai, si);
            if links.is_empty() {
                continue;
            }
            let pairs = links
                .iter()
                .flat_map(|r| [r.claim, stance_index(r.stance)])
                .collect();
            statements.push((
                // The page's script looks the article up by its position.
                ai.get(),
                doc.id_of(st),
                crate::text::flat_text(doc.statement_text(si)),
                pairs,
            ));
        }
    }
    let index = Index {
        v: 1,
        verdicts,
        stances,
        articles,
        claims,
        statements,
    };
    let mut out = serde_json::to_string(&index).expect("the index serialises");
    out.push('\n');
    out
}
