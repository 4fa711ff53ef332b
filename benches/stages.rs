//! Regression benchmarks for the hot stages of a build: splitting an article
//! into statements, anchoring quotes, parsing a claims file, rendering one
//! page.
//!
//!     cargo bench --bench stages
//!
//! Input: `benches/corpus/`, 30 articles and 15 claims written by
//! `../shared/bench/gen_corpus.py --articles 30` (checked in, so figures
//! stay comparable however the generator or the example content change).
//! Run it before and after a change to `content`, `document`, `statements`, `anchor`,
//! `graph` or `render`; see bench/README.md.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crosscheck::Project;
use crosscheck::pipeline::anchor::{self, QuoteQuery};
use crosscheck::pipeline::content::ArticleIdx;
use crosscheck::pipeline::document::{self, Doc};
use crosscheck::pipeline::site::{BuildOptions, Site};
use crosscheck::render::{self, Job, Renderer};
use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus")
}

/// Every article body of the corpus joined: one long article (~20,000
/// words) with headings, lists, emphasis, links and curly quotes.
static LONG_ARTICLE: LazyLock<String> = LazyLock::new(|| {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus().join("content/articles"))
        .expect("benches/corpus/content/articles")
        .map(|e| e.expect("readable").path())
        .collect();
    paths.sort();
    let mut out = String::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("article");
        // Drop the +++ front matter.
        let body = text
            .splitn(3, "+++")
            .nth(2)
            .expect("article has front matter");
        out.push_str(body.trim());
        out.push_str("\n\n");
    }
    out
});

static LONG_DOC: LazyLock<Doc> = LazyLock::new(|| document::parse(&LONG_ARTICLE));

/// Quotes to anchor in the long article: every third statement, each
/// unique in the text (as the claims file requires without `occurrence`).
static QUOTES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let doc = &*LONG_DOC;
    let all: Vec<&str> = (0..doc.statements.len())
        .map(|i| doc.statement_text(i))
        .collect();
    all.iter()
        .step_by(3)
        .filter(|s| s.len() > 30 && doc.text.matches(**s).count() == 1)
        .map(|s| s.to_string())
        .collect()
});

static SITE: LazyLock<(Site, Renderer)> = LazyLock::new(|| {
    let root = corpus();
    let project = Project::open(&root).expect("the corpus is a folder");
    let (site, diags) = project.compile(BuildOptions::default());
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let renderer = match Renderer::new(&root) {
        Ok(r) => r,
        Err(d) => panic!("{}", d.render(false)),
    };
    (site.expect("corpus compiles"), renderer)
});

/// The article with the most statements linked to a claim: the heaviest
/// page to render.
fn busiest_article(site: &Site) -> ArticleIdx {
    site.article_indices()
        .max_by_key(|&i| (site.graph.linked_count(i), std::cmp::Reverse(i)))
        .expect("corpus has articles")
}

#[divan::bench]
fn split_long_article(bencher: Bencher) {
    let md = &*LONG_ARTICLE;
    bencher
        .counter(BytesCount::of_str(md))
        .bench(|| document::parse(black_box(md)));
}

#[divan::bench]
fn split_sentences_long_article(bencher: Bencher) {
    let text = &LONG_DOC.text;
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| crosscheck::pipeline::statements::split_sentences(black_box(text)));
}

#[divan::bench]
fn anchor_many_quotes(bencher: Bencher) {
    let doc = &*LONG_DOC;
    let queries: Vec<QuoteQuery<'_>> = QUOTES
        .iter()
        .map(|q| QuoteQuery {
            quote: q,
            occurrence: None,
        })
        .collect();
    bencher.counter(ItemsCount::new(queries.len())).bench(|| {
        let found = anchor::anchor_all(black_box(doc), black_box(&queries));
        debug_assert!(found.iter().all(Result::is_ok));
        found
    });
}

/// The first `n` quotes: anchoring searches once per quote, so its cost
/// should grow gently with `n` (a typical article carries two or three).
#[divan::bench(args = [2, 8, 32, 128])]
fn anchor_n_quotes(bencher: Bencher, n: usize) {
    let doc = &*LONG_DOC;
    let queries: Vec<QuoteQuery<'_>> = QUOTES[..n]
        .iter()
        .map(|q| QuoteQuery {
            quote: q,
            occurrence: None,
        })
        .collect();
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| anchor::anchor_all(black_box(doc), black_box(&queries)));
}

#[divan::bench]
fn compile_corpus(bencher: Bencher) {
    let project = Project::open(&corpus()).expect("the corpus is a folder");
    bencher.bench(|| black_box(&project).compile(BuildOptions::default()));
}

/// The corpus's claims file twenty times over (300 claims, 1,020 pieces of
/// evidence): parsing a big claims file runs beside loading every article,
/// and for a newsroom's archive it is the longest single task of the load.
#[divan::bench]
fn parse_claims_file(bencher: Bencher) {
    let one = std::fs::read_to_string(corpus().join("content/claims.toml")).expect("claims.toml");
    let text = one.repeat(20);
    let file = crosscheck::diag::SourceFile::new("content/claims.toml", text.as_str());
    bencher.counter(BytesCount::new(text.len())).bench(|| {
        let mut diags = crosscheck::diag::Diagnostics::default();
        let claims = crosscheck::pipeline::content::parse_claims(black_box(&file), &mut diags);
        assert!(!diags.has_errors());
        claims
    });
}

#[divan::bench]
fn render_article_page(bencher: Bencher) {
    let (site, renderer) = &*SITE;
    let job = Job::Article(busiest_article(site));
    bencher.bench(|| render::render_job(site, renderer, black_box(job)).expect("renders"));
}

#[divan::bench]
fn render_claim_page(bencher: Bencher) {
    let (site, renderer) = &*SITE;
    let job = Job::Claim(0);
    bencher.bench(|| render::render_job(site, renderer, black_box(job)).expect("renders"));
}

#[divan::bench]
fn render_data_json(bencher: Bencher) {
    let (site, _) = &*SITE;
    bencher.bench(|| render::data_json(black_box(site)));
}

/// The verdict card's SVG rasterised to PNG: the costliest file per claim
/// (parse, shape, fill, palette, deflate).
#[divan::bench]
fn render_card_png(bencher: Bencher) {
    let (site, renderer) = &*SITE;
    let job = Job::CardPng(0);
    bencher.bench(|| render::render_job(site, renderer, black_box(job)).expect("renders"));
}
