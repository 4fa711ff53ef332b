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

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::input::{InputError, ListingProblem, Project, is_editor_temp};
use crate::text::{closest, slugify};

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub language: String,
    /// The date the facts were checked against the public record.
    pub as_of: Option<String>,
    /// The words pages show, in `language` (with the project's
    /// `content/i18n/LANG.toml` on top).
    #[serde(skip)]
    pub strings: crate::i18n::Strings,
}

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
    /// article's [`crate::document::Doc`] once it is split (see
    /// [`crate::site::compile_for_build`]). The body reads as empty from
    /// then on; the file keeps its name, and its text too while anything
    /// else holds the file (a warning that will show an excerpt of it).
    pub fn release_text(&mut self) {
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

macro_rules! keyword_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The keyword as written in the claims file.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The name readers see.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            fn allowed() -> String {
                [$($text),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum!(Verdict {
    Accurate = "accurate" / "Accurate",
    MostlyAccurate = "mostly-accurate" / "Mostly accurate",
    Misleading = "misleading" / "Misleading",
    Inaccurate = "inaccurate" / "Inaccurate",
    Disputed = "disputed" / "Disputed",
    Unverified = "unverified" / "Unverified",
});

keyword_enum!(Stance {
    Supports = "supports" / "Supports",
    Contradicts = "contradicts" / "Contradicts",
    Mentions = "mentions" / "Mentions",
});

keyword_enum!(Status {
    Draft = "draft" / "Draft",
    InReview = "in-review" / "In review",
    Approved = "approved" / "Approved",
});

impl Verdict {
    /// ClaimReview `ratingValue` on the 1–5 scale of FORMAT.md. `disputed`
    /// and `unverified` are not points on that scale: a "3 of 5" would read
    /// as "half true".
    pub fn rating(self) -> Option<u8> {
        match self {
            Verdict::Accurate => Some(5),
            Verdict::MostlyAccurate => Some(4),
            Verdict::Misleading => Some(2),
            Verdict::Inaccurate => Some(1),
            Verdict::Disputed | Verdict::Unverified => None,
        }
    }

    /// A text symbol so the verdict never rests on colour alone.
    pub fn icon(self) -> &'static str {
        match self {
            Verdict::Accurate => "✔",
            Verdict::MostlyAccurate => "◐",
            Verdict::Misleading => "⚠",
            Verdict::Inaccurate => "✘",
            Verdict::Disputed => "⇄",
            Verdict::Unverified => "?",
        }
    }

    /// What the verdict means, for the page that explains the scale.
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::Accurate => "The claim is correct, and nothing of substance is missing.",
            Verdict::MostlyAccurate => {
                "The claim is correct in substance, but a detail is wrong or it needs context."
            }
            Verdict::Misleading => "The claim contains some truth but leaves a false impression.",
            Verdict::Inaccurate => "The claim is false: the record contradicts it.",
            Verdict::Disputed => {
                "Credible sources disagree, and the public record does not settle it."
            }
            Verdict::Unverified => {
                "There is not enough public evidence yet to say whether the claim is true."
            }
        }
    }
}

impl Stance {
    /// Neutral symbols: a stance says what a report does with a claim, not
    /// whether it is right (that is its [`crate::assess::Assessment`]), so
    /// none of these is a verdict's symbol.
    pub fn icon(self) -> &'static str {
        match self {
            Stance::Supports => "+",
            Stance::Contradicts => "−",
            Stance::Mentions => "•",
        }
    }

    /// What a report with this stance does, as a verb phrase: "the report
    /// asserts the claim".
    pub fn verb(self) -> &'static str {
        match self {
            Stance::Supports => "asserts",
            Stance::Contradicts => "asserts the opposite of",
            Stance::Mentions => "reports",
        }
    }

    /// The stance that disagrees with this one, if any.
    pub fn opposite(self) -> Option<Stance> {
        match self {
            Stance::Supports => Some(Stance::Contradicts),
            Stance::Contradicts => Some(Stance::Supports),
            Stance::Mentions => None,
        }
    }
}

/// Everything under `content/`, loaded and validated field by field.
#[derive(Debug, Clone)]
pub struct Content {
    pub config: SiteConfig,
    pub articles: Vec<Article>,
    pub claims: Vec<Claim>,
    /// `content/pages/*.md`, by id.
    pub pages: Vec<ContentPage>,
}

/// The files that make up a project's content, in a stable order, and the
/// problems with what else is in its folders (see [`crate::input`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentFiles {
    pub site: PathBuf,
    pub articles: Vec<PathBuf>,
    pub claims: Vec<PathBuf>,
    pub pages: Vec<PathBuf>,
    pub problems: Vec<ListingProblem>,
}

/// What `content/` may hold besides editor temporaries.
const CONTENT_ENTRIES: &[&str] = &[
    "site.toml",
    "claims.toml",
    "articles",
    "claims",
    "pages",
    "review",
    "i18n",
];

impl ContentFiles {
    pub fn discover(root: &Path) -> ContentFiles {
        let project = Project::new(root);
        let (articles, mut problems) = Self::discover_articles_in(&project, root);
        let (claims, claims_problems) = Self::discover_claims_in(&project, root);
        problems.extend(claims_problems);
        let (pages, pages_problems) = Self::discover_pages_in(&project, root);
        problems.extend(pages_problems);
        ContentFiles {
            site: root.join("content").join("site.toml"),
            articles,
            claims,
            pages,
            problems,
        }
    }

    /// Only the desk's pages: `content/pages/*.md` by name, and the
    /// problems with the folder's other entries.
    pub fn discover_pages(root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        Self::discover_pages_in(&Project::new(root), root)
    }

    fn discover_pages_in(project: &Project, root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        let listing = project.list(
            &root.join("content").join("pages"),
            Some("md"),
            "pages",
            &[],
            &is_editor_temp,
        );
        (listing.files, listing.problems)
    }

    /// Only the articles, and the problems with the other entries of
    /// `content/` and `content/articles/`.
    pub fn discover_articles(root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        Self::discover_articles_in(&Project::new(root), root)
    }

    fn discover_articles_in(project: &Project, root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        let content = root.join("content");
        let top = project.list(
            &content,
            None,
            "content/ holds site.toml, claims.toml, articles/, claims/, pages/ and i18n/ (and review/, written by review mode)",
            CONTENT_ENTRIES,
            &is_editor_temp,
        );
        let articles = project.list(
            &content.join("articles"),
            Some("md"),
            "articles",
            &[],
            &is_editor_temp,
        );
        let mut problems = top.problems;
        problems.extend(articles.problems);
        (articles.files, problems)
    }

    /// Only the claims files: `content/claims.toml`, then
    /// `content/claims/*.toml` by name, and the problems with the claims
    /// folder's other entries. Listing the articles folder too would cost
    /// serve tens of milliseconds per claims edit on a big site.
    pub fn discover_claims(root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        Self::discover_claims_in(&Project::new(root), root)
    }

    fn discover_claims_in(project: &Project, root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        let content = root.join("content");
        let mut claims = Vec::new();
        let main = content.join("claims.toml");
        // Whatever it is: reading it says what is wrong with it.
        if std::fs::symlink_metadata(&main).is_ok() {
            claims.push(main);
        }
        let more = project.list(
            &content.join("claims"),
            Some("toml"),
            "claims files",
            &[],
            &is_editor_temp,
        );
        claims.extend(more.files);
        (claims, more.problems)
    }

    /// The listing problems as diagnostics.
    pub fn diagnostics(&self) -> Diagnostics {
        listing_diagnostics(&self.problems)
    }
}

/// Listing problems as diagnostics.
pub fn listing_diagnostics(problems: &[ListingProblem]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for p in problems {
        let mut d = if p.error {
            Diagnostic::error(p.message.clone())
        } else {
            Diagnostic::warning(p.message.clone())
        };
        if let Some(h) = &p.help {
            d = d.help(h.clone());
        }
        diags.push(d);
    }
    diags
}

/// Path relative to the root, `/`-separated, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a file as UTF-8 text, accepting a BOM and CRLF line endings and
/// dropping characters HTML forbids (with a warning naming the line).
/// The file must pass [`crate::input`]'s rule (a regular file, links only
/// within the project).
pub fn read_source(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<Arc<SourceFile>> {
    read_source_in(&Project::new(root), path, false, diags)
}

/// [`read_source`] for a file of a folder already listed (so known to be
/// inside the project), with the project resolved once.
pub fn read_source_in(
    project: &Project,
    path: &Path,
    listed: bool,
    diags: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    let bytes = match project.read(path, listed) {
        Ok(b) => b,
        Err(e) => {
            diags.push(input_diagnostic(&e));
            return None;
        }
    };
    source_from_bytes(project.name(path), bytes, diags)
}

/// A file that may not be read, as an error. It has no excerpt: the file
/// may be anything (a device, a file outside the project).
pub fn input_diagnostic(e: &InputError) -> Diagnostic {
    let d = Diagnostic::error(e.to_string());
    match e.help() {
        Some(h) => d.help(h),
        None => d,
    }
}

pub fn source_from_bytes(
    name: String,
    bytes: Vec<u8>,
    diags: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            diags.push(
                Diagnostic::error(format!(
                    "{name} is not valid UTF-8: invalid byte 0x{:02X} at byte offset {offset} (line {line})",
                    bytes[offset]
                ))
                .help("save the file as UTF-8"),
            );
            return None;
        }
    };
    if !may_need_cleaning(text.as_bytes()) {
        return Some(SourceFile::new(name, text));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut clean = String::with_capacity(text.len());
    let mut dropped: BTreeMap<usize, usize> = BTreeMap::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c == '\n' {
            line += 1;
        }
        if is_forbidden_char(c) {
            *dropped.entry(line).or_default() += 1;
            continue;
        }
        clean.push(c);
    }
    let file = SourceFile::new(name, clean);
    for (line, count) in dropped {
        let start = line_start(&file.text, line);
        diags.push(
            Diagnostic::warning(format!(
                "dropped {count} control or non-character code point(s) on line {line}: HTML forbids them"
            ))
            .at(&file, start..start),
        );
    }
    Some(file)
}

/// False when no byte of `b` could need work in [`source_from_bytes`]:
/// tab, newline and printable ASCII; continuation bytes; lead bytes C3–EE,
/// and C2 before A0–BF (U+00A0–U+00BF, `£`, no-break space…). Everything
/// else takes the careful path: CR, other C0 controls and DEL; C2 before
/// 80–9F (C1 controls); EF (the BOM, U+FDD0–FDEF, U+FFFE/FFFF); F0–F4 (the
/// other noncharacters).
fn may_need_cleaning(b: &[u8]) -> bool {
    // Most of a file is printable ASCII and line breaks: such 32-byte
    // chunks are skipped whole (the fold, with no early exit, compiles to
    // SIMD); the others are looked at byte by byte.
    const CHUNK: usize = 32;
    let plain = |chunk: &[u8]| {
        chunk.iter().fold(true, |ok, &c| {
            ok & ((c.wrapping_sub(0x20) < 0x5f) | (c == b'\n') | (c == b'\t'))
        })
    };
    let mut i = 0;
    while i < b.len() {
        if i + CHUNK <= b.len() && plain(&b[i..i + CHUNK]) {
            i += CHUNK;
            continue;
        }
        let end = (i + CHUNK).min(b.len());
        while i < end {
            match b[i] {
                b'\t' | b'\n' | 0x20..=0x7e | 0x80..=0xc1 | 0xc3..=0xee => {}
                0xc2 if b.get(i + 1).is_some_and(|&next| next >= 0xa0) => {}
                _ => return true,
            }
            i += 1;
        }
    }
    false
}

fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// C0 controls other than tab and line breaks, DEL, C1 controls and
/// Unicode noncharacters: none may appear in an HTML document.
pub fn is_forbidden_char(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&u)
        || (0xfdd0..=0xfdef).contains(&u)
        || (u & 0xfffe) == 0xfffe
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

pub fn load_site_config(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<SiteConfig> {
    // Only a missing file is "missing": a folder, a FIFO or a link out of
    // the project is refused by the reader, saying so.
    if std::fs::symlink_metadata(path).is_err() {
        diags.push(
            Diagnostic::error(format!("missing {}", display_path(root, path)))
                .help("create it with at least: title = \"…\""),
        );
        return None;
    }
    let file = read_source(root, path, diags)?;
    let mut config = parse_site_config(&file, diags)?;
    config.strings = load_strings(root, &config.language, diags);
    Some(config)
}

/// The strings of `language`: the built-in catalogue with
/// `content/i18n/LANG.toml` on top when the project has one (read under
/// the input rule, like every other file of the project).
pub fn load_strings(root: &Path, language: &str, diags: &mut Diagnostics) -> crate::i18n::Strings {
    let code = crate::i18n::primary(language);
    let builtin = crate::i18n::BUILTIN.iter().any(|(c, _)| *c == code);
    let path = root
        .join("content")
        .join("i18n")
        .join(format!("{code}.toml"));
    // Another language's file is most likely meant for this site (a
    // wrong code, or `language` changed since): say it is left out.
    if let Ok(entries) = std::fs::read_dir(root.join("content").join("i18n")) {
        let mut others: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| *n != format!("{code}.toml") && !is_editor_temp(Path::new(n)))
            .collect();
        others.sort();
        for name in others {
            diags.push(
                Diagnostic::warning(format!(
                    "content/i18n/{name} is not read: the site's language is `{language}`, whose strings are in content/i18n/{code}.toml"
                ))
                .help("set `language` in content/site.toml, or rename the file"),
            );
        }
    }
    let file = if std::fs::symlink_metadata(&path).is_ok() {
        read_source(root, &path, diags)
    } else {
        None
    };
    if file.is_none() && !builtin {
        diags.push(
            Diagnostic::warning(format!(
                "no built-in strings for language `{language}`: pages show English words"
            ))
            .help(format!(
                "write content/i18n/{code}.toml with the keys of a built-in catalogue (README → Languages), or use one of: {}",
                crate::i18n::BUILTIN.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
            )),
        );
    }
    let (strings, d) = crate::i18n::Strings::resolve(language, file.as_ref());
    diags.extend(d);
    strings
}

pub fn parse_site_config(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Option<SiteConfig> {
    let doc = parse_toml(file, 0, &file.text, diags)?;
    let mut f = Fields::new(file, 0, &doc, 0..0, "site.toml", diags);
    let title = f.req_str("title");
    let base_url = match f.opt_str_spanned("base_url") {
        None => "/".to_string(),
        Some((url, span)) => match check_base_url(&url) {
            Ok(()) => url,
            Err(why) => {
                f.diags.push(
                    Diagnostic::error(format!("`base_url` {why}: `{url}`"))
                        .at(file, span)
                        .label("links of 404.html, the feed and canonical links start with this")
                        .help("write a path such as \"/\" or \"/factchecks/\", or an absolute URL such as \"https://example.org/factchecks/\""),
                );
                // Keep going with the default, so every other problem is
                // reported too; the error stops the build.
                "/".to_string()
            }
        },
    };
    let description = f.opt_str("description");
    let publisher = f.opt_str("publisher");
    let language = f.opt_str("language").unwrap_or_else(|| "en".into());
    let as_of = f.opt_date("as_of");
    f.unknown_keys(&[
        "title",
        "base_url",
        "description",
        "publisher",
        "language",
        "as_of",
    ]);
    let base_url = if base_url.ends_with('/') {
        base_url
    } else {
        format!("{base_url}/")
    };
    Some(SiteConfig {
        title: title?,
        base_url,
        description,
        publisher,
        strings: crate::i18n::Strings::builtin(&language),
        language,
        as_of,
    })
}

/// `base_url` starts every link of the 404 page and of the feed, and the
/// canonical and Open Graph URLs, so it may only be a path on this host
/// (`/`, `/factchecks/`) or an absolute `http(s)` URL. Anything else could
/// point those links elsewhere: `javascript:…`, `data:…`, a
/// protocol-relative `//other.host/`, or `/\other.host/` (browsers read a
/// backslash as a slash).
pub fn check_base_url(url: &str) -> Result<(), &'static str> {
    // RFC 3986 path characters; `%` only as an escape.
    fn path_ok(path: &str) -> bool {
        let b = path.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' => {
                    let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
                    if !(hex(i + 1) && hex(i + 2)) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                c if c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&c) => {}
                _ => return false,
            }
            i += 1;
        }
        true
    }
    let lower = url.to_ascii_lowercase();
    let after_scheme = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s).map(|_| &url[s.len()..]));
    if let Some(rest) = after_scheme {
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host_ok = !host.is_empty()
            && !host.starts_with(':')
            && host
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-.:[]".contains(&c));
        if !host_ok {
            return Err("is not an absolute http(s) URL with a host name");
        }
        if !path_ok(path) {
            return Err(
                "holds characters a URL path cannot have (only letters, digits, `-._~!$&'()*+,;=:@/` and %-escapes)",
            );
        }
        return Ok(());
    }
    if url.starts_with("//") {
        return Err("is a protocol-relative URL: it names another host");
    }
    if !url.starts_with('/') {
        return Err("must be a path starting with `/` or an absolute http(s) URL");
    }
    if !path_ok(url) {
        return Err(
            "holds characters a URL path cannot have (only letters, digits, `-._~!$&'()*+,;=:@/` and %-escapes)",
        );
    }
    Ok(())
}

/// The longest claim id, in characters. An id names a folder of the site
/// (`claims/ID/`), and file systems refuse names over 255 bytes; 100
/// leaves room and is far longer than an id needs to be.
pub const MAX_ID_LEN: usize = 100;

/// Names Windows reserves for devices, in any case and with any
/// extension: a file or folder so named cannot be created there, so a site
/// with `claims/con/` cannot be checked out or hosted on Windows.
pub fn is_windows_reserved(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id).to_ascii_lowercase();
    match stem.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        s if s.len() == 4 && (s.starts_with("com") || s.starts_with("lpt")) => {
            matches!(s.as_bytes()[3], b'1'..=b'9')
        }
        _ => false,
    }
}

/// An id for a file name that is not one: its slug, or the slug with the
/// first free `-2`, `-3`… when `taken` says the slug is already an id.
pub fn free_id(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut base = slugify(name);
    if base.is_empty() {
        base = "article".into();
    }
    if !taken(&base) && !is_windows_reserved(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

/// Article ids are file stems: lowercase letters, digits and `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn parse_article(file: Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Article> {
    parse_article_among(file, &|_| false, diags)
}

/// [`parse_article`], knowing which other article ids exist (`taken`), so
/// that advice to rename a file never names one of them.
pub fn parse_article_among(
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

fn parse_reports(s: &str) -> Option<()> {
    (s == "reports").then_some(())
}

/// Finds the `+++` front matter. Returns the TOML's byte range and where the
/// body starts.
fn split_front_matter(
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
pub fn join_lone_bullets(body: &str) -> std::borrow::Cow<'_, str> {
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

/// A TOML value with its span, relative to the text that was parsed.
type Item<'i> = Spanned<DeValue<'i>>;

fn parse_toml<'i>(
    file: &Arc<SourceFile>,
    offset: usize,
    text: &'i str,
    diags: &mut Diagnostics,
) -> Option<DeTable<'i>> {
    match DeTable::parse(text) {
        Ok(doc) => Some(doc.into_inner()),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            diags.push(
                Diagnostic::error(format!("invalid TOML: {message}"))
                    .at(
                        file,
                        offset + span.start..offset + span.end.max(span.start + 1),
                    )
                    .label(message),
            );
            None
        }
    }
}

/// Reads typed fields out of one TOML table, reporting each problem with
/// its span.
struct Fields<'a> {
    file: &'a Arc<SourceFile>,
    offset: usize,
    table: &'a DeTable<'a>,
    /// Where the table starts, absolute in the file: missing keys point here.
    table_span: Range<usize>,
    what: String,
    diags: &'a mut Diagnostics,
    failed: bool,
}

impl<'a> Fields<'a> {
    fn new(
        file: &'a Arc<SourceFile>,
        offset: usize,
        table: &'a DeTable<'a>,
        table_span: Range<usize>,
        what: impl Into<String>,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Fields {
            file,
            offset,
            table,
            table_span,
            what: what.into(),
            diags,
            failed: false,
        }
    }

    /// An item's span in the file.
    fn span_of(&self, item: &Item<'_>) -> Range<usize> {
        let s = item.span();
        self.offset + s.start..self.offset + s.end
    }

    fn error_at(&mut self, item: &Item<'_>, msg: String) {
        let span = self.span_of(item);
        self.diags.push(Diagnostic::error(msg).at(self.file, span));
        self.failed = true;
    }

    fn missing(&mut self, key: &str) {
        let span = self.table_span.clone();
        self.diags.push(
            Diagnostic::error(format!("{} is missing required field `{key}`", self.what))
                .at(self.file, span)
                .label(format!("`{key}` expected in this table")),
        );
        self.failed = true;
    }

    fn get(&self, key: &str) -> Option<&'a Item<'a>> {
        self.table.get(key)
    }

    fn req_str(&mut self, key: &str) -> Option<String> {
        let v = self.opt_str_spanned(key);
        if v.is_none() && self.get(key).is_none() {
            self.missing(key);
        }
        v.map(|(s, _)| s)
    }

    fn req_str_spanned(&mut self, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.opt_str_spanned(key);
        if v.is_none() && self.get(key).is_none() {
            self.missing(key);
        }
        v
    }

    fn opt_str(&mut self, key: &str) -> Option<String> {
        self.opt_str_spanned(key).map(|(s, _)| s)
    }

    fn opt_str_spanned(&mut self, key: &str) -> Option<(String, Range<usize>)> {
        let item = self.get(key)?;
        // TOML escapes (`\u0007`) can spell characters HTML and XML forbid:
        // drop them, as `source_from_bytes` does for the file's own text.
        let cleaned = item.get_ref().as_str().map(|s| {
            // Nearly every value is plain text: copy it whole rather than
            // char by char.
            if !may_need_cleaning(s.as_bytes()) {
                return s.to_string();
            }
            let kept: String = s.chars().filter(|&c| !is_forbidden_char(c)).collect();
            if kept.len() != s.len() {
                let span = self.span_of(item);
                self.diags.push(
                    Diagnostic::warning(format!(
                        "dropped control or non-character code point(s) from `{key}` in {}: HTML forbids them",
                        self.what
                    ))
                    .at(self.file, span),
                );
            }
            kept
        });
        match cleaned.as_deref() {
            Some(s) if s.trim().is_empty() => {
                self.error_at(item, format!("`{key}` in {} is empty", self.what));
                None
            }
            Some(s) => Some((s.to_string(), self.span_of(item))),
            None => {
                self.error_at(
                    item,
                    format!(
                        "`{key}` in {} must be a string, found {}",
                        self.what,
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    /// A date: a TOML date (`2026-11-20`) or a string holding one.
    fn opt_date(&mut self, key: &str) -> Option<String> {
        let item = self.get(key)?;
        if let Some(dt) = item.get_ref().as_datetime() {
            if let Some(date) = dt.date {
                return Some(date.to_string());
            }
        }
        if let Some(s) = item.get_ref().as_str() {
            if is_iso_date(s) {
                return Some(s.to_string());
            }
        }
        self.error_at(
            item,
            format!("`{key}` in {} must be a date like 2026-11-20", self.what),
        );
        None
    }

    fn opt_keyword<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let (s, _) = self.opt_str_spanned(key)?;
        match parse(&s) {
            Some(v) => Some(v),
            None => {
                let item = self.get(key).expect("present");
                let guess = closest(&s, allowed.split(", "));
                let span = self.span_of(item);
                let mut d = Diagnostic::error(format!("unknown {key} `{s}` in {}", self.what))
                    .at(self.file, span)
                    .label(format!("allowed: {allowed}"));
                if let Some(g) = guess {
                    d = d.help(format!("did you mean `{g}`?"));
                }
                self.diags.push(d);
                self.failed = true;
                None
            }
        }
    }

    /// An absolute `http:` or `https:` URL.
    fn opt_url(&mut self, key: &str) -> Option<String> {
        let (url, _) = self.opt_str_spanned(key)?;
        if is_web_url(&url) {
            return Some(url);
        }
        let item = self.get(key).expect("present");
        let span = self.span_of(item);
        self.diags.push(
            Diagnostic::error(format!(
                "`{key}` in {} must be an http or https URL, found `{}`",
                self.what,
                url.chars().take(80).collect::<String>()
            ))
            .at(self.file, span)
            .label("not an http(s) URL")
            .help("write the full address, starting with https:// (or leave the field out)"),
        );
        self.failed = true;
        None
    }

    /// A list of strings, each with its span in the file.
    fn opt_str_list(&mut self, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(item) = self.get(key) else {
            return Vec::new();
        };
        let Some(array) = item.get_ref().as_array() else {
            self.error_at(
                item,
                format!(
                    "`{key}` in {} must be a list of strings, like [\"an-id\"]",
                    self.what
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(array.len());
        for v in array.iter() {
            match v.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => out.push((s.to_string(), self.span_of(v))),
                _ => self.error_at(
                    v,
                    format!(
                        "`{key}` in {} must hold non-empty strings, found {}",
                        self.what,
                        type_name(v)
                    ),
                ),
            }
        }
        out
    }

    fn opt_bool(&mut self, key: &str) -> Option<bool> {
        let item = self.get(key)?;
        match item.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.error_at(
                    item,
                    format!("`{key}` in {} must be true or false", self.what),
                );
                None
            }
        }
    }

    fn opt_positive(&mut self, key: &str) -> Option<usize> {
        let item = self.get(key)?;
        let n = item
            .get_ref()
            .as_integer()
            .and_then(|n| usize::from_str_radix(n.as_str(), n.radix()).ok());
        match n {
            Some(n) if n >= 1 => Some(n),
            _ => {
                self.error_at(item, format!("`{key}` must be a whole number from 1 up"));
                None
            }
        }
    }

    /// Keys nobody reads are usually typos: warn, suggesting the nearest.
    fn unknown_keys(&mut self, known: &[&str]) {
        let unknown: Vec<(String, Range<usize>)> = self
            .table
            .iter()
            .map(|(k, item)| (k.get_ref().as_ref(), item))
            .filter(|(k, _)| !known.contains(k))
            .map(|(k, item)| (k.to_string(), self.span_of(item)))
            .collect();
        for (key, span) in unknown {
            let mut d =
                Diagnostic::warning(format!("unknown key `{key}` in {} is ignored", self.what))
                    .at(self.file, span);
            if let Some(g) = closest(&key, known.iter().copied()) {
                d = d.help(format!("did you mean `{g}`?"));
            }
            self.diags.push(d);
        }
    }
}

fn type_name(item: &Item<'_>) -> &'static str {
    match item.get_ref() {
        DeValue::Table(_) => "a table",
        DeValue::Array(a) if !a.is_empty() && a.iter().all(|v| v.get_ref().is_table()) => {
            "an array of tables"
        }
        v => v.type_str(),
    }
}

/// Whether `url` is an absolute `http:` or `https:` URL with a host.
pub fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The entries of an array of tables (`[[x]]` or `x = [{…}]`), each with
/// the span of its header (or inline table).
fn table_entries<'a>(item: &'a Item<'a>) -> Option<Vec<(&'a DeTable<'a>, Range<usize>)>> {
    item.get_ref()
        .as_array()?
        .iter()
        .map(|v| v.get_ref().as_table().map(|t| (t, v.span())))
        .collect()
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
pub fn citations(md: &str) -> Vec<(usize, Range<usize>)> {
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
pub fn claim_links(md: &str) -> Vec<String> {
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

/// Every `derived_from` id must name an article, and not the article
/// itself.
pub fn check_derived_from(articles: &[Article], article_ids: &[String], diags: &mut Diagnostics) {
    for a in articles {
        for (id, span) in &a.derived_from {
            if *id == a.id {
                diags.push(
                    Diagnostic::error(format!("article `{}` is derived from itself", a.id))
                        .at(&a.file, span.clone())
                        .help("`derived_from` lists the other articles this one depends on"),
                );
            } else if !article_ids.contains(id) {
                let mut d = Diagnostic::error(format!(
                    "`derived_from` of article `{}` names unknown article `{id}`",
                    a.id
                ))
                .at(&a.file, span.clone())
                .label("no content/articles/ file has this id");
                if let Some(g) = closest(id, article_ids.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean `{g}`?"));
                }
                diags.push(d);
            }
        }
    }
}

/// Loads `content/pages/*.md`.
pub fn load_pages(root: &Path, paths: &[PathBuf], diags: &mut Diagnostics) -> Vec<ContentPage> {
    paths
        .iter()
        .filter_map(|path| parse_page(read_source(root, path, diags)?, diags))
        .collect()
}

pub fn parse_page(file: Arc<SourceFile>, diags: &mut Diagnostics) -> Option<ContentPage> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn src(name: &str, text: &str) -> Arc<SourceFile> {
        SourceFile::new(name, text)
    }

    #[test]
    fn base_url_is_a_path_or_an_absolute_web_url() {
        for ok in [
            "/",
            "/factchecks/moscow/",
            "/a%20b/",
            "https://example.org",
            "https://example.org/factchecks/",
            "HTTP://localhost:8080/x/",
            "https://[::1]:8443/",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(document.domain)//",
            "//evil.example/",
            "/\\evil.example/",
            "data:text/html,x",
            "factchecks/",
            "",
            "https://",
            "https:///x",
            "https://user@evil.example/",
            "https://example.org/a b/",
            "/a\"onmouseover=\"x/",
            "/%zz/",
            "/x?y#z",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

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
        let a = parse_article(src("content/articles/a.md", text), &mut d).unwrap();
        assert!(matches!(a.body, Body::InFile { .. }), "{:?}", a.body);
        assert_eq!(&*a.body, "First - not a bullet.\n\n- a list\n");
        let joined = "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nList:\n-\nitem\n";
        let b = parse_article(src("content/articles/b.md", joined), &mut d).unwrap();
        assert_eq!(&*b.body, "List:\n\n- item\n");
        assert!(d.is_empty(), "{}", d.render(false));
    }

    #[test]
    fn an_archive_snapshot_is_an_optional_front_matter_field() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\noutlet = \"O\"\nurl = \"https://o.example/a\"\n\
archived = \"https://web.archive.org/web/20251203101500/https://o.example/a\"\n+++\nBody.\n";
        let a = parse_article(src("content/articles/a.md", text), &mut d).unwrap();
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(
            a.archived.as_deref(),
            Some("https://web.archive.org/web/20251203101500/https://o.example/a")
        );
        let without = "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nBody.\n";
        let b = parse_article(src("content/articles/b.md", without), &mut d).unwrap();
        assert_eq!(b.archived, None);
    }

    #[test]
    fn forbidden_chars_are_dropped_with_a_warning_naming_the_line() {
        let mut d = Diagnostics::default();
        let f =
            source_from_bytes("a.md".into(), b"ok\nbad\x07bell\x7f\n".to_vec(), &mut d).unwrap();
        assert_eq!(&*f.text, "ok\nbadbell\n");
        let w = d.iter().next().unwrap();
        assert!(!w.is_error());
        assert_eq!(w.location().unwrap(), "a.md:2:1");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let mut d = Diagnostics::default();
        let f = source_from_bytes(
            "content/articles/a.md".into(),
            b"\xEF\xBB\xBF+++\r\ntitle = \"T\"\r\noutlet = \"O\"\r\n+++\r\nBody.\r\n".to_vec(),
            &mut d,
        )
        .unwrap();
        let a = parse_article(f, &mut d).unwrap();
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(a.title, "T");
        assert_eq!(&*a.body, "Body.\n");
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let mut d = Diagnostics::default();
        assert!(source_from_bytes("x.md".into(), b"abc\n\xffdef".to_vec(), &mut d).is_none());
        let msg = &d.iter().next().unwrap().message;
        assert!(
            msg.contains("x.md") && msg.contains("byte offset 4") && msg.contains("line 2"),
            "{msg}"
        );
    }

    #[test]
    fn front_matter_error_points_into_the_file() {
        let f = src(
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

    #[test]
    fn all_claim_problems_are_reported_at_once() {
        let f = src(
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
        let f = src(
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

    #[test]
    fn fast_path_only_skips_text_the_careful_path_keeps() {
        // Every character from U+0000 to U+FFFF (and some beyond), alone
        // and in text: when the fast check says "nothing to do", nothing
        // must be dropped or changed.
        let chars = (0u32..0x11000).chain([0x1fffe, 0x1ffff, 0x10fffe, 0x10ffff]);
        for c in chars.filter_map(char::from_u32) {
            let text = format!("a{c}b\n");
            if !may_need_cleaning(text.as_bytes()) {
                assert!(
                    !is_forbidden_char(c) && c != '\r' && c != '\u{feff}',
                    "{:#x}",
                    c as u32
                );
            }
        }
        // The same at every position of a long line, across the 32-byte
        // chunks the fast check skips whole.
        for c in [
            '\r',
            '\u{0}',
            '\u{7f}',
            '\u{85}',
            '\u{feff}',
            '\u{fdd0}',
            '\u{1ffff}',
        ] {
            for at in 0..80 {
                let text = format!("{}{c}{}\n", "x".repeat(at), "y".repeat(80 - at));
                assert!(
                    may_need_cleaning(text.as_bytes()),
                    "{:#x} at {at}",
                    c as u32
                );
            }
        }
        let mut d = Diagnostics::default();
        let f = source_from_bytes("x".into(), "£1 café “q” — x\n".into(), &mut d).unwrap();
        assert_eq!(&*f.text, "£1 café “q” — x\n");
        assert!(d.is_empty());
    }

    #[test]
    fn forbidden_char_test_covers_noncharacters() {
        assert!(is_forbidden_char('\u{0}'));
        assert!(is_forbidden_char('\u{fffe}'));
        assert!(is_forbidden_char('\u{1ffff}'));
        assert!(is_forbidden_char('\u{fdd0}'));
        assert!(!is_forbidden_char('\t'));
        assert!(!is_forbidden_char('é'));
    }
}
