//! `crosscheck suggest` measured on hand-labelled pairs from the seed
//! articles (tests/fixtures/suggest-labels.toml).
//!
//! The evaluation removes every piece of evidence on the labelled
//! statements from a copy of the example claims, so they are unlinked, and
//! checks that suggest proposes the labelled claim again:
//!
//! - recall@5: labelled pairs whose claim is among the statement's first
//!   five proposals (`--limit 5`);
//! - precision: proposals at the default limit that are right, counting as
//!   right every claim the desk's claims file linked to the statement.
//!
//! Alignment is measured on the labelled aligned pairs (recall) and on all
//! pairs found in the seed (precision: both statements share a claim in
//! the desk's claims file).

use std::collections::{BTreeSet, HashSet};

use crosscheck::diag::Diagnostics;
use crosscheck::pipeline::anchor::normalize_quote;
use crosscheck::pipeline::content::{self, ArticleIdx, Content};
use crosscheck::pipeline::site::{self, BuildOptions, Site};
use crosscheck::suggest::rejected::Rejected;
use crosscheck::suggest::{self, ConflictKind, Index};

use crate::support::{Project, repo, snapshot};

fn load() -> Content {
    let mut d = Diagnostics::default();
    content::load(repo(), &mut d).expect("example content loads")
}

fn compile(c: Content) -> Site {
    let mut d = Diagnostics::default();
    let site = site::from_content(c, BuildOptions { drafts: true }, &mut d).unwrap();
    assert!(!d.has_errors(), "{}", d.render(false));
    site
}

struct Labels {
    pairs: Vec<(String, String, String)>,
    aligned: Vec<((String, String), (String, String))>,
}

fn labels() -> Labels {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/suggest-labels.toml")).unwrap();
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    let s = |t: &dyn toml_edit::TableLike, k: &str| -> String {
        t.get(k).and_then(|v| v.as_str()).unwrap().to_string()
    };
    let pairs = doc["pair"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .map(|t| (s(t, "article"), s(t, "statement"), s(t, "claim")))
        .collect();
    let aligned = doc["aligned"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .map(|t| {
            let side = |k: &str| {
                let x = t[k].as_inline_table().unwrap();
                (s(x, "article"), s(x, "statement"))
            };
            (side("a"), side("b"))
        })
        .collect();
    Labels { pairs, aligned }
}

/// The one statement of `article` containing `passage`.
fn statement(site: &Site, article: &str, passage: &str) -> (ArticleIdx, usize) {
    let ai = site
        .article_idx(article)
        .unwrap_or_else(|| panic!("no article {article}"));
    let p = normalize_quote(passage);
    let found: Vec<usize> = (0..site.docs[ai].statements.len())
        .filter(|&si| normalize_quote(site.docs[ai].statement_text(si)).contains(&p))
        .collect();
    assert_eq!(found.len(), 1, "label {passage:?} in {article}: {found:?}");
    (ai, found[0])
}

fn linked(site: &Site, at: (ArticleIdx, usize)) -> BTreeSet<String> {
    site.graph
        .links(at.0, at.1)
        .iter()
        .map(|r| site.claims[r.claim].id.clone())
        .collect()
}

#[test]
fn suggest_recovers_removed_evidence() {
    let labels = labels();
    assert!(labels.pairs.len() >= 30, "at least 30 labelled pairs");
    let original = load();
    let full = compile(original.clone());
    // Where each label is, and that the desk's file agrees with it.
    let mut evaluated: BTreeSet<(ArticleIdx, usize)> = BTreeSet::new();
    for (article, passage, claim) in &labels.pairs {
        let at = statement(&full, article, passage);
        assert!(
            linked(&full, at).contains(claim),
            "label ({passage:?}, {claim}) is not a link of the example claims"
        );
        evaluated.insert(at);
    }
    // Remove every piece of evidence touching a labelled statement.
    let mut stripped = original.clone();
    let mut removed = 0;
    for (ci, refs) in full.graph.evidence.iter().enumerate() {
        let drop: HashSet<usize> = refs
            .iter()
            .filter(|r| {
                (r.statement..r.statement_end).any(|si| evaluated.contains(&(r.article, si)))
            })
            .map(|r| r.evidence)
            .collect();
        removed += drop.len();
        let mut i = 0;
        stripped.claims[ci].evidence.retain(|_| {
            i += 1;
            !drop.contains(&(i - 1))
        });
    }
    let site = compile(stripped);
    let index = Index::new(&site);
    let none = Rejected::default();

    let mut hits = 0;
    let mut misses = Vec::new();
    for (article, passage, claim) in &labels.pairs {
        let (ai, si) = statement(&site, article, passage);
        assert!(
            linked(&site, (ai, si)).is_empty(),
            "{passage:?} still linked"
        );
        let top5 = suggest::for_statement(&index, &none, ai, si, 5);
        if std::env::var("SUGGEST_DEBUG").is_ok() {
            let r = index.rank(site.docs[ai].statement_text(si));
            let pos = r.iter().position(|(ci, _)| site.claims[*ci].id == *claim);
            println!(
                "DEBUG {claim}: rank {pos:?} score {:?} top {:?}",
                pos.map(|p| r[p].1),
                &r.iter()
                    .take(3)
                    .map(|(c, s)| (site.claims[*c].id.clone(), (s * 1000.0).round() / 1000.0))
                    .collect::<Vec<_>>()
            );
        }
        if top5.iter().any(|s| s.claim == *claim) {
            hits += 1;
        } else {
            misses.push(format!(
                "{claim} for {passage:?}: got {:?}",
                top5.iter().map(|s| &s.claim).collect::<Vec<_>>()
            ));
        }
    }
    let (mut right, mut shown, mut right_first, mut firsts) = (0, 0, 0, 0);
    for &(ai, si) in &evaluated {
        let truth = linked(&full, (ai, si));
        let top = suggest::for_statement(&index, &none, ai, si, suggest::Options::default().limit);
        for (rank, s) in top.iter().enumerate() {
            shown += 1;
            let ok = truth.contains(&s.claim);
            right += usize::from(ok);
            if rank == 0 {
                firsts += 1;
                right_first += usize::from(ok);
            }
        }
    }
    let recall = hits as f64 / labels.pairs.len() as f64;
    let precision = right as f64 / shown.max(1) as f64;
    let precision1 = right_first as f64 / firsts.max(1) as f64;
    println!(
        "suggest on {} labelled pairs ({} statements, {removed} evidence entries removed):",
        labels.pairs.len(),
        evaluated.len()
    );
    println!(
        "  recall@5          {recall:.3} ({hits}/{})",
        labels.pairs.len()
    );
    println!("  precision@1       {precision1:.3} ({right_first}/{firsts})");
    println!(
        "  precision (limit {}) {precision:.3} ({right}/{shown})",
        suggest::Options::default().limit
    );
    for m in &misses {
        println!("  missed: {m}");
    }
    // Floors set from what the method achieves on these labels (recall@5
    // 0.955, precision@1 0.953, precision 0.609 when they were set), a
    // little below, so a regression fails. `SUGGEST_DEBUG=1` prints the
    // rank and score of every labelled claim.
    assert!(recall >= 0.90, "recall@5 {recall:.3} below the floor");
    assert!(
        precision1 >= 0.88,
        "precision@1 {precision1:.3} below the floor"
    );
    assert!(
        precision >= 0.55,
        "precision {precision:.3} below the floor"
    );
}

#[test]
fn suggest_aligns_statements_reporting_the_same_fact() {
    let labels = labels();
    assert!(labels.aligned.len() >= 10, "at least 10 aligned pairs");
    let site = compile(load());
    let index = Index::new(&site);
    let found: HashSet<((ArticleIdx, usize), (ArticleIdx, usize))> = suggest::aligned_pairs(&index)
        .into_iter()
        .map(|(a, b, _)| (a.min(b), a.max(b)))
        .collect();
    let mut hits = 0;
    let mut misses = Vec::new();
    for ((aa, ap), (ba, bp)) in &labels.aligned {
        let (a, b) = (statement(&site, aa, ap), statement(&site, ba, bp));
        if std::env::var("SUGGEST_DEBUG").is_ok() {
            println!("DEBUG cos {:.3} {ap:?} ~ {bp:?}", index.similarity(a, b));
        }
        if found.contains(&(a.min(b), a.max(b))) {
            hits += 1;
        } else {
            misses.push(format!("{ap:?} ~ {bp:?}"));
        }
    }
    let share = found
        .iter()
        .filter(|(a, b)| !linked(&site, *a).is_disjoint(&linked(&site, *b)))
        .count();
    let recall = hits as f64 / labels.aligned.len() as f64;
    let precision = share as f64 / found.len().max(1) as f64;
    println!("alignment on {} labelled pairs:", labels.aligned.len());
    println!("  recall     {recall:.3} ({hits}/{})", labels.aligned.len());
    println!(
        "  precision  {precision:.3} ({share}/{} pairs found share a claim)",
        found.len()
    );
    for m in &misses {
        println!("  missed: {m}");
    }
    // Achieved: recall 0.833, precision 0.820. "Precision" here is the
    // share of found pairs that the claims file links to a common claim;
    // the example links only what is worth checking, so a right alignment
    // of two unlinked statements counts against it.
    assert!(
        recall >= 0.75,
        "alignment recall {recall:.3} below the floor"
    );
    assert!(
        precision >= 0.8,
        "alignment precision {precision:.3} below the floor"
    );
}

#[test]
fn conflict_hints_name_the_differing_words_in_seed_statements() {
    let site = compile(load());
    let text = |article: &str, passage: &str| {
        let (ai, si) = statement(&site, article, passage);
        site.docs[ai].statement_text(si).to_string()
    };
    let former = text(
        "news-portal-kremlin-lack-of-progress",
        "former President Trump commented to his cabinet",
    );
    let president = text(
        "unnamed-site-no-territory-agreement",
        "US President Donald Trump",
    );
    let c = suggest::conflicts(&former, &president, false);
    assert!(
        c.iter().any(|c| c.kind == ConflictKind::Title
            && c.a_words == "former President"
            && c.b_words == "President"),
        "{c:?}"
    );
    let tuesday = text("news-site-no-progress-five-hours", "Putin met late Tuesday");
    let wednesday = text(
        "news-site-no-progress-five-hours",
        "the Kremlin said on Wednesday",
    );
    let c = suggest::conflicts(&tuesday, &wednesday, false);
    assert!(
        c.iter().any(|c| c.kind == ConflictKind::Weekday
            && c.a_words == "Tuesday"
            && c.b_words == "Wednesday"),
        "{c:?}"
    );
}

#[test]
fn suggest_never_writes_and_honours_rejections() {
    let dir = Project::fixture("review-project");
    let before = snapshot(dir.path());
    let project = crosscheck::Project::open(dir.path()).unwrap();
    let opts = suggest::Options {
        article: Some("paper-b".into()),
        limit: 3,
    };
    let (out, _) = suggest::run(&project, &opts, suggest::Format::Json).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let proposed = |r: &serde_json::Value, statement: &str, claim: &str| {
        r["statements"].as_array().unwrap().iter().any(|s| {
            s["text"].as_str().unwrap().contains(statement)
                && s["claims"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["claim"] == claim)
        })
    };
    assert!(
        proposed(
            &report,
            "Putin met the envoys on Wednesday",
            "met-on-tuesday"
        ),
        "{out}"
    );
    // The stance hint sees the weekday conflict.
    let s = report["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["text"].as_str().unwrap().contains("Wednesday"))
        .unwrap();
    let c = s["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["claim"] == "met-on-tuesday")
        .unwrap();
    assert_eq!(c["stance"], "contradicts", "{c}");
    assert_eq!(c["conflicts"][0]["kind"], "weekday", "{c}");
    assert_eq!(snapshot(dir.path()), before, "suggest wrote something");

    crosscheck::suggest::rejected::add(
        dir.path(),
        "met-on-tuesday",
        "paper-b",
        "Putin met the envoys on  Wednesday.",
        Some("A. Reviewer"),
        "2026-11-21",
    )
    .unwrap();
    let (out, _) = suggest::run(&project, &opts, suggest::Format::Json).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(!proposed(&report, "Wednesday", "met-on-tuesday"), "{out}");
    let toml = suggest::run(&project, &opts, suggest::Format::Toml)
        .unwrap()
        .0;
    assert!(toml.parse::<toml_edit::DocumentMut>().is_ok(), "{toml}");
    let text = suggest::run(&project, &opts, suggest::Format::Text)
        .unwrap()
        .0;
    assert!(text.contains("paper-b"), "{text}");
}
