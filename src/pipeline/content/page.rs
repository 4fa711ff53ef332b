//! The desk's own pages (`content/pages/ID.md`): methodology, about,
//! corrections policy. Front matter like an article's, with fields of
//! their own.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::text::slugify;

use super::article::split_front_matter;
use super::fields::{Fields, parse_toml};
use super::files::read_source;
use super::validate::is_valid_id;

/// A page of the desk's own (`content/pages/ID.md`): methodology, about,
/// corrections policy…
#[derive(Debug, Clone)]
pub struct ContentPage {
    pub id: String,
    pub title: String,
    /// Also linked from the header (every page is linked from the footer).
    pub nav: bool,
    /// Markdown, after the front matter.
    pub body: String,
    pub file: Arc<SourceFile>,
}

/// Loads `content/pages/*.md`.
pub(crate) fn load_pages(
    root: &Path,
    paths: &[PathBuf],
    diags: &mut Diagnostics,
) -> Vec<ContentPage> {
    paths
        .iter()
        .filter_map(|path| parse_page(read_source(root, path, diags)?, diags))
        .collect()
}

pub(crate) fn parse_page(file: Arc<SourceFile>, diags: &mut Diagnostics) -> Option<ContentPage> {
    let stem = Path::new(&file.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_valid_id(&stem) {
        diags.push(
            Diagnostic::error(format!(
                "page file name `{stem}` is not a valid id: use lowercase letters, digits and `-`"
            ))
            .in_file(&file)
            .help(format!("rename it to `{}.md`", slugify(&stem))),
        );
        return None;
    }
    let (fm_range, body_start) = split_front_matter(&file, diags)?;
    let doc = parse_toml(&file, fm_range.start, &file.text[fm_range.clone()], diags)?;
    let mut f = Fields::new(
        &file,
        fm_range.start,
        &doc,
        0..3,
        "page front matter",
        diags,
    );
    let title = f.req_str("title");
    let nav = f.opt_bool("nav").unwrap_or(false);
    f.unknown_keys(&["title", "nav"]);
    if f.failed {
        return None;
    }
    Some(ContentPage {
        id: stem,
        title: title?,
        nav,
        body: file.text[body_start..].to_string(),
        file,
    })
}
