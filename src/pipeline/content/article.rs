//! Articles (`content/articles/ID.md`): the `+++` front matter and the
//! Markdown body after it, and the checks on `derived_from` once every
//! article is known.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::text::{closest, slugify};

use super::fields::{Fields, parse_toml};
use super::validate::{free_id, is_valid_id, is_windows_reserved};

#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub outlet: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    /// An archive snapshot of the original (`archived`).
    pub archived: Option<String>,
    /// The desk wrote the headline because the source had none
    /// (`title_by = "desk"`).
    pub title_by_desk: bool,
    /// Who distributed the report, when not the outlet itself
    /// (`syndicated_by`, e.g. a press-release wire).
    pub syndicated_by: Option<String>,
    /// Articles this one is not independent of (`derived_from`), with the
    /// span of each id in the file.
    pub derived_from: Vec<(String, Range<usize>)>,
    /// Markdown body, after the front matter, with lone bullet markers
    /// joined to their item (see [`join_lone_bullets`]).
    pub body: Body,
    pub file: Arc<SourceFile>,
}

/// An article's Markdown body. Almost always the end of the file exactly
/// as read, so it shares the file's text rather than copying it (47 MB at
/// 10,000 articles); only a body whose lone bullets were joined owns one.
#[derive(Debug, Clone)]
pub enum Body {
    /// The file's text from byte `start` on.
    InFile {
        file: Arc<SourceFile>,
        start: usize,
    },
    Joined(String),
}

impl Article {
    /// Frees the article's Markdown, for a build that reads only the
    /// article's [`crate::pipeline::document::Doc`] once it is split (see
    /// [`crate::pipeline::site::compile_for_build`]). The body reads as empty from
    /// then on; the file keeps its name, and its text too while anything
    /// else holds the file (a warning that will show an excerpt of it).
    pub(crate) fn release_text(&mut self) {
        self.body = Body::Joined(String::new());
        if let Some(file) = Arc::get_mut(&mut self.file) {
            file.release_text();
        }
    }
}

impl std::ops::Deref for Body {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Body::InFile { file, start } => &file.text[*start..],
            Body::Joined(s) => s,
        }
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        **self == **other
    }
}

impl From<String> for Body {
    fn from(s: String) -> Body {
        Body::Joined(s)
    }
}

pub fn parse_article(file: Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Article> {
    parse_article_among(file, &|_| false, diags)
}

/// [`parse_article`], knowing which other article ids exist (`taken`), so
/// that advice to rename a file never names one of them.
pub(crate) fn parse_article_among(
    file: Arc<SourceFile>,
    taken: &dyn Fn(&str) -> bool,
    diags: &mut Diagnostics,
) -> Option<Article> {
    let stem = Path::new(&file.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ok = true;
    if !is_valid_id(&stem) {
        let slug = slugify(&stem);
        let id = free_id(&stem, taken);
        let help = if id != slug && !slug.is_empty() && taken(&slug) {
            format!("rename it to `{id}.md` (`{slug}` is taken by content/articles/{slug}.md)")
        } else {
            format!("rename it to `{id}.md`")
        };
        diags.push(
            Diagnostic::error(format!(
                "article file name `{stem}` is not a valid id: use lowercase letters, digits and `-`"
            ))
            .in_file(&file)
            .help(help),
        );
        ok = false;
    } else if is_windows_reserved(&stem) {
        diags.push(
            Diagnostic::warning(format!(
                "article id `{stem}` is a device name on Windows: the file and the site's folder articles/{stem}/ cannot be checked out or hosted there"
            ))
            .in_file(&file)
            .help(format!("rename it to `{}.md`", free_id(&format!("{stem}-article"), taken))),
        );
    }
    let text = &file.text;
    let (fm_range, body_start) = split_front_matter(&file, diags)?;
    let doc = parse_toml(&file, fm_range.start, &text[fm_range.clone()], diags)?;
    let header = 0..3;
    let mut f = Fields::new(&file, fm_range.start, &doc, header, "front matter", diags);
    let title = f.req_str("title");
    let outlet = f.req_str("outlet");
    let url = f.opt_str("url");
    let author = f.opt_str("author");
    let published = f.opt_date("published");
    let archived = f.opt_url("archived");
    let title_by_desk = f.opt_keyword("title_by", parse_desk, "desk") == Some(());
    let syndicated_by = f.opt_str("syndicated_by");
    let derived_from = f.opt_str_list("derived_from");
    f.unknown_keys(&[
        "title",
        "outlet",
        "url",
        "archived",
        "author",
        "published",
        "title_by",
        "syndicated_by",
        "derived_from",
    ]);
    let body = match join_lone_bullets(&text[body_start..]) {
        std::borrow::Cow::Borrowed(_) => Body::InFile {
            file: Arc::clone(&file),
            start: body_start,
        },
        std::borrow::Cow::Owned(joined) => Body::Joined(joined),
    };
    if !ok {
        return None;
    }
    Some(Article {
        id: stem,
        title: title?,
        outlet: outlet?,
        url,
        author,
        published,
        archived,
        title_by_desk,
        syndicated_by,
        derived_from,
        body,
        file,
    })
}

fn parse_desk(s: &str) -> Option<()> {
    (s == "desk").then_some(())
}

/// Finds the `+++` front matter. Returns the TOML's byte range and where the
/// body starts.
pub(super) fn split_front_matter(
    file: &Arc<SourceFile>,
    diags: &mut Diagnostics,
) -> Option<(Range<usize>, usize)> {
    let text = &*file.text;
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "+++" {
        diags.push(
            Diagnostic::error("article has no front matter: it must start with a `+++` line")
                .at(file, 0..first_line_end)
                .help("start the file with:\n+++\ntitle = \"…\"\noutlet = \"…\"\n+++"),
        );
        return None;
    }
    let fm_start = (first_line_end + 1).min(text.len());
    let mut pos = fm_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "+++" {
            return Some((fm_start..pos, (end + 1).min(text.len())));
        }
        pos = end + 1;
    }
    diags.push(
        Diagnostic::error("front matter is never closed: no `+++` line after the opening one")
            .at(file, 0..3)
            .label("opened here")
            .help("add a line with just `+++` after the front matter"),
    );
    None
}

/// Some copy writes a bullet as a lone `-` line with the item text on the
/// next line; CommonMark would read that as an empty item (or a setext
/// underline). Join them so the item keeps its text.
pub(crate) fn join_lone_bullets(body: &str) -> std::borrow::Cow<'_, str> {
    if !body.split('\n').any(is_lone_bullet) {
        return std::borrow::Cow::Borrowed(body);
    }
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out = String::with_capacity(body.len() + 16);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let marker = line.trim();
        let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
        if matches!(marker, "-" | "*" | "+" | "•")
            && !next.is_empty()
            && !matches!(next, "-" | "*" | "+" | "•")
        {
            // A list may not interrupt a paragraph in every case; a blank
            // line before the first item keeps it a list.
            let after_joined_item = i >= 2 && is_lone_bullet(lines[i - 2]);
            if i > 0 && !lines[i - 1].trim().is_empty() && !after_joined_item {
                out.push('\n');
            }
            out.push_str("- ");
            out.push_str(next);
            out.push('\n');
            i += 2;
            continue;
        }
        out.push_str(line);
        if i + 1 < lines.len() {
            out.push('\n');
        }
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

fn is_lone_bullet(line: &str) -> bool {
    matches!(line.trim(), "-" | "*" | "+" | "•")
}

/// Every `derived_from` id must name an article, and not the article
/// itself.
pub(crate) fn check_derived_from(articles: &[Article], diags: &mut Diagnostics) {
    if articles.iter().all(|a| a.derived_from.is_empty()) {
        return;
    }
    let article_ids: rustc_hash::FxHashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    for a in articles {
        for (id, span) in &a.derived_from {
            if *id == a.id {
                diags.push(
                    Diagnostic::error(format!("article `{}` is derived from itself", a.id))
                        .at(&a.file, span.clone())
                        .help("`derived_from` lists the other articles this one depends on"),
                );
            } else if !article_ids.contains(id.as_str()) {
                let mut d = Diagnostic::error(format!(
                    "`derived_from` of article `{}` names unknown article `{id}`",
                    a.id
                ))
                .at(&a.file, span.clone())
                .label("no content/articles/ file has this id");
                if let Some(g) = closest(id, articles.iter().map(|a| a.id.as_str())) {
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
    fn lone_bullets_join_their_item() {
        let body = "Demands such as:\n-\nrestrictions on the army\n-\nDonbas\nUkraine objects.\n";
        let out = join_lone_bullets(body);
        assert_eq!(
            out,
            "Demands such as:\n\n- restrictions on the army\n- Donbas\nUkraine objects.\n"
        );
    }

    #[test]
    fn a_body_without_lone_bullets_shares_the_files_text() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nFirst - not a bullet.\n\n- a list\n";
        let a = parse_article(SourceFile::new("content/articles/a.md", text), &mut d).unwrap();
        assert!(matches!(a.body, Body::InFile { .. }), "{:?}", a.body);
        assert_eq!(&*a.body, "First - not a bullet.\n\n- a list\n");
        let joined = "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nList:\n-\nitem\n";
        let b = parse_article(SourceFile::new("content/articles/b.md", joined), &mut d).unwrap();
        assert_eq!(&*b.body, "List:\n\n- item\n");
        assert!(d.is_empty(), "{}", d.render(false));
    }

    #[test]
    fn derived_from_must_name_another_article_that_exists() {
        let mut d = Diagnostics::default();
        let front = |id: &str, derived: &str| {
            let text = format!(
                "+++\ntitle = \"T\"\noutlet = \"O\"\nderived_from = [{derived}]\n+++\nBody.\n"
            );
            parse_article(
                SourceFile::new(format!("content/articles/{id}.md"), text),
                &mut Diagnostics::default(),
            )
            .unwrap()
        };
        let articles = vec![
            front("wire-report", ""),
            front("copy", "\"wire-report\""),
            front("self", "\"self\""),
            front("typo", "\"wire-reprot\""),
        ];
        check_derived_from(&articles, &mut d);
        let out = d.render(false);
        assert_eq!(d.len(), 2, "{out}");
        assert!(
            out.contains("article `self` is derived from itself"),
            "{out}"
        );
        assert!(
            out.contains("`derived_from` of article `typo` names unknown article `wire-reprot`"),
            "{out}"
        );
        assert!(out.contains("did you mean `wire-report`?"), "{out}");
        assert!(!out.contains("`copy`"), "{out}");
    }

    #[test]
    fn an_archive_snapshot_is_an_optional_front_matter_field() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\noutlet = \"O\"\nurl = \"https://o.example/a\"\n\
archived = \"https://web.archive.org/web/20251203101500/https://o.example/a\"\n+++\nBody.\n";
        let a = parse_article(SourceFile::new("content/articles/a.md", text), &mut d).unwrap();
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(
            a.archived.as_deref(),
            Some("https://web.archive.org/web/20251203101500/https://o.example/a")
        );
        let without = "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nBody.\n";
        let b = parse_article(SourceFile::new("content/articles/b.md", without), &mut d).unwrap();
        assert_eq!(b.archived, None);
    }

    #[test]
    fn front_matter_error_points_into_the_file() {
        let f = SourceFile::new(
            "content/articles/a.md",
            "+++\ntitle = \"T\"\noutlet = = 3\n+++\nbody",
        );
        let mut d = Diagnostics::default();
        assert!(parse_article(f, &mut d).is_none());
        let e = d.iter().next().unwrap();
        assert!(
            e.location()
                .unwrap()
                .starts_with("content/articles/a.md:3:"),
            "{:?}",
            e.location()
        );
    }
}
