//! `crosscheck add`: turns a web page (a URL, or a saved `.html`, `.htm`
//! or `.mhtml` file) into `content/articles/ID.md`: front matter from the
//! page's metadata, the main text as Markdown.
//!
//! Stages: [`fetch`] (get the bytes, decode them), [`meta`] (what the page
//! says about itself; archive snapshots), [`extract`] (the main text),
//! [`front_matter`] (the file). The file is checked with the article
//! loader before it is written, so what `add` writes is what `check`
//! accepts.

pub(crate) mod extract;
pub(crate) mod fetch;
pub(crate) mod front_matter;
pub(crate) mod meta;
pub(crate) mod mhtml;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dom_query::Document;
use thiserror::Error;
use url::Url;

use crate::diag::{Diagnostics, SourceFile};
use crate::pipeline::content;
use front_matter::FrontMatter;

/// What the command line asks for.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub root: PathBuf,
    /// The id to write, for a single source.
    pub id: Option<String>,
    /// The outlet to write instead of the one the page names.
    pub outlet: Option<String>,
    pub dry_run: bool,
    pub timeout: Duration,
}

/// One source turned into an article.
#[derive(Debug, Clone)]
pub(crate) struct Added {
    pub id: String,
    /// `content/articles/ID.md`, relative to the root.
    pub path: String,
    /// The whole file, as written (or as it would be, with `--dry-run`).
    pub text: String,
    pub front_matter: FrontMatter,
    /// What the page did not say, and what was chosen instead.
    pub notes: Vec<String>,
}

/// Which of the command line's exit codes a failure maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The page or the project's content is the problem.
    Content,
    /// The command line is.
    Usage,
    /// Reading, fetching or writing failed.
    Io,
}

#[derive(Debug, Error)]
pub(crate) enum AddError {
    #[error("{path}: cannot read it: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path}: not a saved web page (expected a .html, .htm or .mhtml file, or an http(s):// URL)"
    )]
    UnsupportedFile { path: String },
    #[error("{path}: cannot read it as MHTML: {reason}")]
    Mhtml { path: String, reason: String },
    #[error("{url}: not a valid URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{url}: only http:// and https:// URLs can be fetched")]
    Scheme { url: String },
    #[error("{url}: cannot resolve the host name `{host}` (DNS)")]
    Dns { url: String, host: String },
    #[error("{url}: cannot connect: {detail}")]
    Connect { url: String, detail: String },
    #[error("{url}: TLS (https) failed: {detail}")]
    Tls { url: String, detail: String },
    #[error("{url}: no complete answer within {} (the time limit, {} to change it)", crate::term::duration(*timeout), fetch::TIMEOUT_ENV)]
    Timeout { url: String, timeout: Duration },
    #[error("{url}: the server answered HTTP {reason}")]
    Status {
        url: String,
        status: u16,
        reason: String,
    },
    #[error("{url}: redirects to `{target}`, which is not followed: {reason}")]
    BadRedirect {
        url: String,
        target: String,
        reason: String,
    },
    #[error("{url}: redirect loop: {}", chain.join(" → "))]
    RedirectLoop { url: String, chain: Vec<String> },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: usize },
    #[error("{url}: larger than {} MiB, the most `add` reads", limit / (1024 * 1024))]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: not an HTML page: it is {what}")]
    NotHtml { url: String, what: String },
    #[error("{input}: found no article text in the page")]
    NoText { input: String },
    #[error("{input}: the page has no title (no og:title, JSON-LD headline, <title> or <h1>)")]
    NoTitle { input: String },
    #[error(
        "{input}: the page names no outlet and has no URL to take one from; pass --outlet NAME"
    )]
    NoOutlet { input: String },
    #[error(
        "--id `{id}` is not a valid article id: use lowercase letters, digits and `-` (for example `{}`)",
        crate::text::slugify(id)
    )]
    BadId { id: String },
    #[error(
        "{input}: {path} already exists; it is never overwritten (pass --id ID to add this page under another id, e.g. --id {suggestion})"
    )]
    Exists {
        input: String,
        path: String,
        suggestion: String,
    },
    #[error(
        "no content/ folder in {root}: run `crosscheck add` in a project folder, pass --root DIR, or create one with `crosscheck init`"
    )]
    NoProject { root: String },
    #[error("{input}: the article written would not load cleanly:\n{problems}")]
    Invalid { input: String, problems: String },
    #[error("{path}: cannot write it: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{} is not a number of seconds above 0: `{value}`", fetch::TIMEOUT_ENV)]
    BadTimeout { value: String },
}

impl AddError {
    pub(crate) fn kind(&self) -> Kind {
        use AddError::*;
        match self {
            UnsupportedFile { .. }
            | BadUrl { .. }
            | Scheme { .. }
            | BadId { .. }
            | BadTimeout { .. } => Kind::Usage,
            Mhtml { .. }
            | NotHtml { .. }
            | NoText { .. }
            | NoTitle { .. }
            | NoOutlet { .. }
            | Exists { .. }
            | NoProject { .. }
            | Invalid { .. } => Kind::Content,
            Read { .. }
            | Dns { .. }
            | Connect { .. }
            | Tls { .. }
            | Timeout { .. }
            | Status { .. }
            | BadRedirect { .. }
            | RedirectLoop { .. }
            | TooManyRedirects { .. }
            | TooLarge { .. }
            | Write { .. } => Kind::Io,
        }
    }
}

/// Where the articles go.
pub(crate) fn articles_dir(root: &Path) -> PathBuf {
    root.join("content").join("articles")
}

/// Turns one SOURCE into an article and, unless `--dry-run`, writes it.
/// `taken` holds the ids added earlier in the same run (a dry run writes
/// none, yet two sources must not be promised the same file).
pub(crate) fn add(
    source: &str,
    opts: &Options,
    taken: &mut HashSet<String>,
) -> Result<Added, AddError> {
    if !opts.root.join("content").is_dir() {
        return Err(AddError::NoProject {
            root: opts.root.display().to_string(),
        });
    }
    if let Some(id) = &opts.id {
        if !content::is_valid_id(id) {
            return Err(AddError::BadId { id: id.clone() });
        }
    }
    let page = load(source, opts.timeout)?;
    let mut added = convert(source, &page, opts)?;
    let path = articles_dir(&opts.root).join(format!("{}.md", added.id));
    added.path = content::display_path(&opts.root, &path);
    if path.exists() || taken.contains(&added.id) {
        return Err(exists(source, &opts.root, &added.id, &added.path, taken));
    }
    check_loads(source, &added)?;
    if !opts.dry_run {
        write_new(&path, &added.text).map_err(|e| match e {
            WriteError::Exists => exists(source, &opts.root, &added.id, &added.path, taken),
            WriteError::Io(e) => AddError::Write {
                path: added.path.clone(),
                source: e,
            },
        })?;
    }
    taken.insert(added.id.clone());
    Ok(added)
}

fn exists(source: &str, root: &Path, id: &str, path: &str, taken: &HashSet<String>) -> AddError {
    let dir = articles_dir(root);
    let suggestion = (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|c| !taken.contains(c) && !dir.join(format!("{c}.md")).exists())
        .expect("some suffix is free");
    AddError::Exists {
        input: source.to_string(),
        path: path.to_string(),
        suggestion,
    }
}

/// Fetches a URL or reads a file.
fn load(source: &str, timeout: Duration) -> Result<fetch::Page, AddError> {
    if is_url(source) {
        let url = fetch::parse_url(source.trim())?;
        return fetch::fetch(&url, timeout);
    }
    let path = Path::new(source);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm" | "xhtml" | "mhtml" | "mht") => fetch::read_file(path),
        _ if !path.exists() => Err(AddError::Read {
            path: source.to_string(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        }),
        _ => Err(AddError::UnsupportedFile {
            path: source.to_string(),
        }),
    }
}

/// A SOURCE with a scheme is a URL (and only http(s) ones are fetched);
/// anything else is a file.
fn is_url(source: &str) -> bool {
    source.contains("://")
}

/// The article for a page: front matter, body, id and notes. Pure: reads
/// and writes nothing.
pub(crate) fn convert(source: &str, page: &fetch::Page, opts: &Options) -> Result<Added, AddError> {
    let mut notes = Vec::new();
    let doc = Document::from(page.html.as_str());
    let meta = meta::read(&doc, page.url.as_ref());

    // An archive snapshot names the page it preserves: that is `url`, and
    // the snapshot is `archived`.
    let snapshot = page
        .url
        .as_ref()
        .and_then(|u| meta::snapshot(u.as_str()))
        .or_else(|| meta.canonical.as_deref().and_then(meta::snapshot))
        .or_else(|| {
            meta.wayback.as_ref().map(|(original, ts)| meta::Snapshot {
                archived: format!("https://web.archive.org/web/{ts}/{original}"),
                original: Some(original.clone()),
            })
        });
    let url = match &snapshot {
        Some(s) => {
            let original = s.original.clone().or_else(|| {
                meta.canonical
                    .clone()
                    .filter(|c| meta::snapshot(c).is_none())
            });
            if original.is_none() {
                notes.push(format!(
                    "the snapshot {} does not name the page it archived: no `url` written (add it by hand)",
                    s.archived
                ));
            }
            original
        }
        None => match (&meta.canonical, &page.url) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(u)) => {
                notes.push(format!(
                    "no canonical link in the page: `url` is the address it was {}",
                    if is_url(source) {
                        "fetched from"
                    } else {
                        "saved from"
                    }
                ));
                Some(u.to_string())
            }
            (None, None) => {
                notes
                    .push("no canonical link or og:url in the saved page: no `url` written".into());
                None
            }
        },
    };
    let archived = snapshot.as_ref().map(|s| s.archived.clone());

    let base = page
        .url
        .clone()
        .or_else(|| archived.as_deref().and_then(|a| Url::parse(a).ok()))
        .or_else(|| meta.canonical.as_deref().and_then(|c| Url::parse(c).ok()));
    let body = extract::markdown(doc, base.as_ref()).ok_or_else(|| AddError::NoText {
        input: source.to_string(),
    })?;

    let host = url
        .as_deref()
        .or(page.url.as_ref().map(Url::as_str))
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        });
    let outlet = match (&opts.outlet, &meta.site_name, host) {
        (Some(o), _, _) => clean_value(o),
        (None, Some(s), _) => clean_value(s),
        (None, None, Some(h)) => {
            notes.push(format!(
                "no site name in the page's metadata: outlet is the host name `{h}` (--outlet NAME to choose)"
            ));
            Some(h)
        }
        (None, None, None) => None,
    }
    .ok_or_else(|| AddError::NoOutlet {
        input: source.to_string(),
    })?;
    let title = meta
        .title
        .as_deref()
        .and_then(clean_value)
        .ok_or_else(|| AddError::NoTitle {
            input: source.to_string(),
        })?;
    let author = meta.author.as_deref().and_then(clean_value);
    if author.is_none() {
        notes.push("no author in the page's metadata".into());
    }
    let published = match &meta.published {
        Some(p) => {
            let date = front_matter::parse_date(p);
            if date.is_none() {
                notes.push(format!(
                    "the publication date `{p}` is not an ISO date (YYYY-MM-DD): no `published` written"
                ));
            }
            date
        }
        None => {
            notes.push("no publication date in the page's metadata".into());
            None
        }
    };
    let id = match &opts.id {
        Some(id) => id.clone(),
        None => derive_id(&outlet, &title),
    };
    let fm = FrontMatter {
        title,
        outlet,
        url,
        archived,
        author,
        published,
    };
    let text = front_matter::render(&fm, &body);
    Ok(Added {
        id,
        path: String::new(),
        text,
        front_matter: fm,
        notes,
    })
}

/// Collapses white space and drops characters HTML forbids (the loader
/// would drop them with a warning).
fn clean_value(s: &str) -> Option<String> {
    let kept: String = s
        .chars()
        .filter(|&c| !content::is_forbidden_char(c))
        .collect();
    meta::clean(&kept)
}

/// Most ids in a project read `outlet-few-words-of-title`: long enough to
/// tell articles apart, short enough to type in the claims file.
const MAX_ID_LEN: usize = 60;

/// `outlet` and `title`, slugified, cut at a word boundary.
pub(crate) fn derive_id(outlet: &str, title: &str) -> String {
    let slug = crate::text::slugify(&format!("{outlet} {title}"));
    let slug = if slug.len() <= MAX_ID_LEN {
        slug
    } else {
        let cut = &slug[..MAX_ID_LEN];
        cut[..cut.rfind('-').unwrap_or(MAX_ID_LEN)].to_string()
    };
    if slug.is_empty() {
        // A title and outlet in a script slugify does not keep.
        "article".to_string()
    } else {
        slug
    }
}

/// Loads the article as `check` will, so a problem shows now, not later.
fn check_loads(source: &str, added: &Added) -> Result<(), AddError> {
    let mut diags = Diagnostics::default();
    let file = SourceFile::new(added.path.clone(), added.text.clone());
    let loaded = content::parse_article(file, &mut diags);
    if loaded.is_none() || !diags.is_empty() {
        return Err(AddError::Invalid {
            input: source.to_string(),
            problems: diags.render(false),
        });
    }
    Ok(())
}

#[derive(Debug)]
enum WriteError {
    Exists,
    Io(std::io::Error),
}

/// Writes `text` to `path` through a temporary file in the same folder,
/// renamed into place only if nothing is at `path`: a reader never sees a
/// half-written article, and a file that appeared meanwhile is kept.
fn write_new(path: &Path, text: &str) -> Result<(), WriteError> {
    let dir = path.parent().expect("articles folder");
    std::fs::create_dir_all(dir).map_err(WriteError::Io)?;
    // A dot name: the loader and `serve`'s watcher skip it.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".add-").suffix(".tmp");
    // tempfile's default is owner-only; an article is as readable as any
    // file the user creates (the umask still applies).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(WriteError::Io)?;
    tmp.write_all(text.as_bytes()).map_err(WriteError::Io)?;
    tmp.as_file().sync_all().map_err(WriteError::Io)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(WriteError::Exists),
        Err(e) => Err(WriteError::Io(e.error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_outlet_and_title_and_stay_short() {
        assert_eq!(
            derive_id("Kyiv Post", "Talks end without a deal"),
            "kyiv-post-talks-end-without-a-deal"
        );
        let long = derive_id(
            "The Daily Example",
            "Putin and US envoys fail to reach a Ukraine peace deal after five hours of talks in Moscow",
        );
        assert!(long.len() <= MAX_ID_LEN, "{long}");
        assert!(
            !long.ends_with('-') && content::is_valid_id(&long),
            "{long}"
        );
        assert_eq!(derive_id("Новости", "Переговоры"), "article");
    }

    #[test]
    fn an_existing_file_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "mine").unwrap();
        assert!(matches!(
            write_new(&path, "theirs"),
            Err(WriteError::Exists)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the temporary file is removed");
        write_new(&dir.path().join("b.md"), "new").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.md")).unwrap(),
            "new"
        );
    }
}
