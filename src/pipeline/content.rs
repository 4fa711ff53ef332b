//! Stage 1: load content. Reads `content/site.toml`, `content/articles/*.md`
//! and the claims files into plain data, validating every field and
//! collecting every problem with its location.
//!
//! TOML is read into `toml`'s spanned tree (`DeTable`) rather than through
//! serde, so that every key and value keeps its span (errors point into the
//! file, not into a slice of it) and one bad field does not hide the next.
//! The tree borrows its strings from the file: a 5 MB claims file parses in
//! less than half the time toml_edit's document takes, in a tenth of the
//! memory. Writing back (review) keeps toml_edit, which preserves layout.
//!
//! The parts, one file each: which files make up the content and reading
//! them as clean text (`files`), the TOML field reader every file goes
//! through (`fields`), and one file per kind of input: `site.toml`
//! (`config`), articles (`article`), the desk's pages (`page`) and claims
//! files (`claims_file`), with the keywords claims use (`keywords`: verdict,
//! stance, status) and the rules ids and URLs follow (`validate`).

use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::input::Project;

mod article;
mod article_idx;
mod claims_file;
mod config;
mod fields;
mod files;
mod keywords;
mod page;
mod validate;

pub use article::parse_article;
pub(crate) use article::{Article, check_derived_from, parse_article_among};
pub(crate) use article_idx::indexed_by_article;
pub use article_idx::{ArticleIdx, PerArticle};
pub use claims_file::{Claim, check_claim_references, parse_claims};
pub(crate) use claims_file::{Evidence, Source, Update, citations};
pub(crate) use config::{SiteConfig, load_site_config};
pub(crate) use files::{
    ContentFiles, display_path, input_diagnostic, listing_diagnostics, read_source, read_source_in,
};
pub use files::{is_forbidden_char, source_from_bytes};
pub use keywords::{Stance, Status, Verdict};
pub(crate) use page::{ContentPage, load_pages};
pub use validate::is_valid_id;
pub(crate) use validate::is_windows_reserved;

/// Everything under `content/`, loaded and validated field by field.
#[derive(Debug, Clone)]
pub struct Content {
    pub config: SiteConfig,
    pub articles: Vec<Article>,
    pub claims: Vec<Claim>,
    /// `content/pages/*.md`, by id.
    pub pages: Vec<ContentPage>,
}

/// Loads all content. Returns `None` when the site config is unusable;
/// otherwise whatever could be loaded, with every problem in `diags`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Content> {
    let files = ContentFiles::discover(root);
    if !root.join("content").is_dir() {
        diags.push(
            Diagnostic::error(format!(
                "no content/ folder in {}",
                if root.as_os_str().is_empty() { Path::new(".") } else { root }.display()
            ))
            .help("run crosscheck in a project folder, pass --root DIR, or create one with `crosscheck init`"),
        );
        return None;
    }
    diags.extend(files.diagnostics());
    let project = Project::new(root);
    let config = load_site_config(root, &files.site, diags);
    let taken: std::collections::HashSet<String> = files
        .articles
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    // A big claims file takes as long to parse as thousands of articles:
    // parse it beside them rather than after.
    let (results, (claims, claims_diags)) = rayon::join(
        || -> Vec<(Option<Article>, Diagnostics)> {
            files
                .articles
                .par_iter()
                .map(|path| {
                    let mut d = Diagnostics::default();
                    let a = read_source_in(&project, path, true, &mut d)
                        .and_then(|f| parse_article_among(f, &|id| taken.contains(id), &mut d));
                    (a, d)
                })
                .collect()
        },
        || {
            let mut d = Diagnostics::default();
            let mut claims = Vec::new();
            for path in &files.claims {
                // `content/claims.toml` is not in a listed folder.
                let listed = path.parent() != Some(&root.join("content"));
                if let Some(f) = read_source_in(&project, path, listed, &mut d) {
                    claims.extend(parse_claims(&f, &mut d));
                }
            }
            (claims, d)
        },
    );
    let mut articles = Vec::with_capacity(results.len());
    for (a, d) in results {
        diags.extend(d);
        articles.extend(a);
    }
    diags.extend(claims_diags);
    // Evidence may name an article whose file failed to load: that file's
    // own error says what is wrong, so only truly unknown ids are reported.
    let known: Vec<String> = files
        .articles
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    check_claim_references(&claims, &known, diags);
    let pages = load_pages(root, &files.pages, diags);
    Some(Content {
        config: config?,
        articles,
        claims,
        pages,
    })
}
