//! The machine-readable outputs of FORMAT.md: `data.json` (the site, its
//! articles, claims with their evidence, and outlets) and, per article,
//! `articles/ID/data.json` with its statements (FORMAT.md's
//! `statements_url` shape). Serialised from the typed structs below, which
//! are the whole definition of both files.
//!
//! The statements are most of the data (every sentence of every article);
//! kept out of `data.json`, a one-article edit rewrites one small file
//! rather than the whole site's data, and no consumer has to read a
//! 100 MB file to get the claims.

use std::borrow::Cow;

use serde::Serialize;

use crate::pipeline::assess::{Assessment, Counts};
use crate::pipeline::content::{ArticleIdx, Stance, Status, Verdict};
use crate::pipeline::site::Site;
use crate::shallow_json;
use crate::text::flat_text;

/// `data.json`: `{"site", "articles", "claims", "outlets"}`. The writer
/// streams these four parts item by item ([`write_data_json`]); the test
/// holds its bytes to this whole document's.
#[cfg(test)]
#[derive(Serialize)]
pub(crate) struct Data<'a> {
    pub site: DataSite<'a>,
    pub articles: Vec<DataArticle<'a>>,
    pub claims: Vec<DataClaim<'a>>,
    pub outlets: Vec<DataOutlet<'a>>,
}

#[derive(Serialize)]
pub(crate) struct DataSite<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub language: &'a str,
    pub base_url: &'a str,
    /// The date the facts were checked against the public record.
    pub as_of: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct DataArticle<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// `"desk"` when the desk wrote the headline.
    pub title_by: Option<&'static str>,
    pub outlet: &'a str,
    pub outlet_id: &'a str,
    pub syndicated_by: Option<&'a str>,
    pub url: Option<&'a str>,
    pub archived: Option<&'a str>,
    pub author: Option<&'a str>,
    pub published: Option<&'a str>,
    pub path: String,
    /// Where its statements are: `articles/ID/data.json`, holding
    /// [`ArticleStatements`].
    pub statements_url: String,
    /// The articles it declares it derives from.
    pub derived_from: Vec<&'a str>,
    /// The id of the article that stands for its independence group.
    pub independence_group: &'a str,
    /// Its statements linked to a claim.
    pub statements_checked: usize,
    /// Its evidence by assessment.
    pub counts: Counts,
}

#[derive(Serialize)]
pub(crate) struct DataClaim<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub verdict: Verdict,
    /// The point on the 1–5 scale; `null` for disputed and unverified.
    pub rating: Option<u8>,
    pub status: Status,
    pub reviewer: Option<&'a str>,
    pub reviewed: Option<&'a str>,
    /// `"reports"` when the verdict is about the reports' own texts.
    pub basis: Option<&'static str>,
    pub path: String,
    pub sources: Vec<DataSource<'a>>,
    pub updates: Vec<DataUpdate<'a>>,
    pub evidence: Vec<DataEvidence<'a>>,
}

#[derive(Serialize)]
pub(crate) struct DataSource<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub date: Option<&'a str>,
    pub archived: Option<&'a str>,
    pub note: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct DataUpdate<'a> {
    pub date: &'a str,
    pub note: &'a str,
    pub verdict_before: Option<Verdict>,
}

#[derive(Serialize)]
pub(crate) struct DataEvidence<'a> {
    pub article: &'a str,
    pub quote: &'a str,
    pub stance: Stance,
    pub assessment: Assessment,
    pub statements: Vec<&'a str>,
    pub href: String,
}

#[derive(Serialize)]
pub(crate) struct DataOutlet<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub path: String,
    pub articles: Vec<&'a str>,
    pub statements_checked: usize,
    pub counts: Counts,
}

/// `articles/ID/data.json`.
#[derive(Serialize)]
pub(crate) struct ArticleStatements<'a> {
    pub statements: Vec<DataStatement<'a>>,
}

#[derive(Serialize)]
pub(crate) struct DataStatement<'a> {
    pub id: &'a str,
    pub text: Cow<'a, str>,
    pub claims: Vec<DataLink<'a>>,
}

#[derive(Serialize)]
pub(crate) struct DataLink<'a> {
    pub claim: &'a str,
    pub stance: Stance,
    pub assessment: Assessment,
}

/// How deep `data.json` is pretty-printed: down to the evidence, sources
/// and updates of each claim, so each of those is one line.
const DATA_JSON_DEPTH: usize = 4;
/// The statements file: one statement per line.
const STATEMENTS_DEPTH: usize = 2;

pub(crate) fn site_data(site: &Site) -> DataSite<'_> {
    let c = &site.config;
    DataSite {
        title: &c.title,
        description: c.description.as_deref(),
        publisher: c.publisher.as_deref(),
        language: &c.language,
        base_url: &c.base_url,
        as_of: c.as_of.as_deref(),
    }
}

pub(super) fn article_data(site: &Site, ai: ArticleIdx) -> DataArticle<'_> {
    let a = site.article(ai);
    let f = &site.findings;
    DataArticle {
        id: &a.id,
        title: &a.title,
        title_by: a.title_by_desk.then_some("desk"),
        outlet: &a.outlet,
        outlet_id: &f.outlet_of(ai).id,
        syndicated_by: a.syndicated_by.as_deref(),
        url: a.url.as_deref(),
        archived: a.archived.as_deref(),
        author: a.author.as_deref(),
        published: a.published.as_deref(),
        path: format!("articles/{}/", a.id),
        statements_url: statements_path(site, ai),
        derived_from: a.derived_from.iter().map(|(id, _)| id.as_str()).collect(),
        independence_group: &site.article(f.group[ai]).id,
        statements_checked: site.graph.linked_count(ai),
        counts: f.article_counts[ai],
    }
}

/// Where article `ai`'s statements are written.
pub(super) fn statements_path(site: &Site, ai: ArticleIdx) -> String {
    format!("articles/{}/data.json", site.article(ai).id)
}

pub(crate) fn claim_data(site: &Site, ci: usize) -> DataClaim<'_> {
    let c = &site.claims[ci];
    DataClaim {
        id: &c.id,
        text: &c.text,
        verdict: c.verdict,
        rating: c.verdict.rating(),
        status: c.status,
        reviewer: c.reviewer.as_deref(),
        reviewed: c.reviewed.as_deref(),
        basis: c.basis_reports.then_some("reports"),
        path: format!("claims/{}/", c.id),
        sources: c
            .sources
            .iter()
            .map(|s| DataSource {
                title: &s.title,
                url: s.url.as_deref(),
                publisher: s.publisher.as_deref(),
                date: s.date.as_deref(),
                archived: s.archived.as_deref(),
                note: s.note.as_deref(),
            })
            .collect(),
        updates: c
            .updates
            .iter()
            .map(|u| DataUpdate {
                date: &u.date,
                note: &u.note,
                verdict_before: u.verdict_before,
            })
            .collect(),
        evidence: site.graph.evidence[ci]
            .iter()
            .map(|r| {
                let doc = site.doc(r.article);
                DataEvidence {
                    article: &c.evidence[r.evidence].article,
                    quote: &c.evidence[r.evidence].quote,
                    stance: r.stance,
                    assessment: r.assessment,
                    statements: (r.statement..r.statement_end)
                        .map(|si| doc.statement_id(si))
                        .collect(),
                    href: super::pages::statement_href(site, "", r.article, r.statement),
                }
            })
            .collect(),
    }
}

pub(crate) fn outlet_data(site: &Site, oi: usize) -> DataOutlet<'_> {
    let o = &site.findings.outlets[oi];
    DataOutlet {
        id: &o.id,
        name: &o.name,
        path: format!("outlets/{}/", o.id),
        articles: o
            .articles
            .iter()
            .map(|&ai| site.article(ai).id.as_str())
            .collect(),
        statements_checked: o.statements_checked,
        counts: o.counts,
    }
}

pub(super) fn statements_data(site: &Site, ai: ArticleIdx) -> ArticleStatements<'_> {
    let doc = site.doc(ai);
    ArticleStatements {
        statements: doc
            .statements
            .iter()
            .enumerate()
            .map(|(si, s)| DataStatement {
                id: doc.id_of(s),
                text: flat_text(doc.statement_text(si)),
                claims: site
                    .graph
                    .statement_links(ai, si)
                    .iter()
                    .map(|r| DataLink {
                        claim: &site.claims[r.claim].id,
                        stance: r.stance,
                        assessment: r.assessment,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `data.json` in memory.
pub fn data_json(site: &Site) -> String {
    let mut buf = Vec::new();
    write_data_json(site, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// Writes `data.json` to `w` a few hundred items at a time, each batch
/// serialised in parallel: the bytes are those of
/// `shallow_json::to_string(&Data {…}, DATA_JSON_DEPTH)`.
pub(crate) fn write_data_json(site: &Site, w: &mut impl std::io::Write) -> std::io::Result<()> {
    w.write_all(b"{\n  \"site\": ")?;
    w.write_all(&shallow_json::item(&site_data(site), 1, DATA_JSON_DEPTH))?;
    w.write_all(b",\n  \"articles\": ")?;
    // `write_array` counts positions; over the articles they are articles.
    shallow_json::write_array(w, site.articles.len(), 2, |ai| {
        shallow_json::item(&article_data(site, ArticleIdx::new(ai)), 2, DATA_JSON_DEPTH)
    })?;
    w.write_all(b",\n  \"claims\": ")?;
    shallow_json::write_array(w, site.claims.len(), 2, |ci| {
        shallow_json::item(&claim_data(site, ci), 2, DATA_JSON_DEPTH)
    })?;
    w.write_all(b",\n  \"outlets\": ")?;
    shallow_json::write_array(w, site.findings.outlets.len(), 2, |oi| {
        shallow_json::item(&outlet_data(site, oi), 2, DATA_JSON_DEPTH)
    })?;
    w.write_all(b"\n}\n")
}

/// `articles/ID/data.json`.
pub(crate) fn statements_json(site: &Site, ai: ArticleIdx) -> String {
    let mut s = shallow_json::to_string(&statements_data(site, ai), STATEMENTS_DEPTH);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_json_is_the_typed_document_laid_out_shallow() {
        let (projects, _hazards) = super::super::test_projects();
        for root in projects {
            let (site, diags) = crate::pipeline::site::compile(
                &root,
                crate::pipeline::site::BuildOptions::default(),
            );
            let site = site
                .filter(|_| !diags.has_errors())
                .unwrap_or_else(|| panic!("{}: {diags:?}", root.display()));
            let whole = Data {
                site: site_data(&site),
                articles: site
                    .article_indices()
                    .map(|ai| article_data(&site, ai))
                    .collect(),
                claims: (0..site.claims.len())
                    .map(|ci| claim_data(&site, ci))
                    .collect(),
                outlets: (0..site.findings.outlets.len())
                    .map(|oi| outlet_data(&site, oi))
                    .collect(),
            };
            let mut want = shallow_json::to_string(&whole, DATA_JSON_DEPTH);
            want.push('\n');
            assert_eq!(data_json(&site), want, "{}", root.display());
        }
    }
}
