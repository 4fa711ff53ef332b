//! Inputs found by the fuzz targets (fuzz/fuzz_targets/), replayed through
//! the same checks (fuzz/checks.rs). One folder per target under
//! tests/fixtures/fuzz-regressions/: `article/`, `claims/`, `split/`,
//! `anchor/`, `templates/` and `review_strings/` hold raw fuzz inputs;
//! `whole_build/` holds project folders.
//! Files named `slow-*` were slow units: they must also finish in time.

use crate::checks;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz-regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Debug builds are much slower than the fuzzers' release builds; the
/// budget is generous, but catches a return of the quadratic paths.
const BUDGET: Duration = Duration::from_secs(20);

fn replay(target: &str, check: impl Fn(&Path)) -> usize {
    let files = inputs(target);
    for f in &files {
        let started = Instant::now();
        check(f);
        let took = started.elapsed();
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("slow-") {
            assert!(took < BUDGET, "{name} took {took:?}");
        }
        eprintln!("{target}/{name}: ok in {took:?}");
    }
    files.len()
}

#[test]
fn article_regressions() {
    replay("article", |f| {
        checks::check_article(&std::fs::read(f).unwrap())
    });
}

#[test]
fn claims_regressions() {
    replay("claims", |f| {
        checks::check_claims(&std::fs::read(f).unwrap())
    });
}

#[test]
fn split_regressions() {
    replay("split", |f| {
        checks::check_split(&String::from_utf8_lossy(&std::fs::read(f).unwrap()))
    });
}

#[test]
fn anchor_regressions() {
    replay("anchor", |f| {
        let (markdown, quotes) = checks::anchor_input(&std::fs::read(f).unwrap());
        checks::check_anchor(&markdown, &quotes);
    });
}

#[test]
fn templates_regressions() {
    replay("templates", |f| {
        checks::check_templates(&std::fs::read(f).unwrap())
    });
}

#[test]
fn review_strings_regressions() {
    replay("review_strings", |f| {
        checks::check_review_string(&String::from_utf8_lossy(&std::fs::read(f).unwrap()))
    });
}

#[test]
fn whole_build_regressions() {
    replay("whole_build", |dir| {
        checks::check_build(dir);
    });
}

/// The anchoring itself (not the fuzz oracle) on the slow units.
#[test]
fn anchoring_slow_units_is_fast() {
    for f in inputs("anchor") {
        let (markdown, quotes) = checks::anchor_input(&std::fs::read(&f).unwrap());
        let doc = crosscheck::pipeline::document::parse(&markdown);
        let queries: Vec<_> = quotes
            .iter()
            .map(|q| crosscheck::pipeline::anchor::QuoteQuery {
                quote: q,
                occurrence: None,
            })
            .collect();
        let started = Instant::now();
        let _ = crosscheck::pipeline::anchor::anchor_all(&doc, &queries);
        let took = started.elapsed();
        eprintln!(
            "anchor_all on {}: {took:?} ({} quotes, longest {} bytes)",
            f.display(),
            quotes.len(),
            quotes.iter().map(String::len).max().unwrap_or(0)
        );
        // Was 0.4-0.7 s in release (edit distance on a 1,700-byte quote
        // that matches nowhere); now well under a millisecond.
        assert!(took < Duration::from_secs(2), "{took:?}");
    }
}
