//! Stage 5: render pages. Each page gets a small view built from borrowed
//! data (never the whole graph serialised per page) and goes through a
//! Tera template; templates are parsed once per build.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::content::{Article, Claim, Stance, Status, Verdict};
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::document::{Block, Doc, escape_html, escape_html_into};
use crate::output::Page;
use crate::shallow_json;
use crate::site::Site;

/// Default templates, embedded so a project without `templates/` builds.
/// A file of the same name in the project's `templates/` overrides one.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("claim.html", include_str!("../templates/claim.html")),
    ("style.css", include_str!("../templates/style.css")),
    ("404.html", include_str!("../templates/404.html")),
    ("search.js", include_str!("../templates/search.js")),
];

/// On an article page, how many other sources to list per claim before
/// pointing to the claim page for the rest.
const MAX_SOURCES_LISTED: usize = 8;

/// The index's claims-by-source table has a cell for every (claim, report)
/// pair, so it grows with their product: 5,000 claims × 10,000 reports
/// would be a 10 GB page. Above this many cells it is left out and the
/// index says so; each claim's page still lists every report on it.
pub const MAX_MATRIX_CELLS: usize = 10_000;

mod builtin;
mod template_check;

/// Which pages [`builtin`] writes.
#[derive(Default, Clone, Copy)]
struct Builtin {
    article: bool,
    claim: bool,
    index: bool,
}

pub struct Renderer {
    tera: Tera,
    /// Article, claim and index pages are written by [`builtin`] rather than
    /// Tera: the project overrides none of the templates they are made from.
    builtin: Builtin,
    style: String,
    /// `search.js`, copied as is (not a Tera template).
    script: String,
}

impl Renderer {
    /// Loads the embedded templates, then the project's overrides.
    pub fn new(root: &Path) -> Result<Renderer, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut sources: BTreeMap<String, Arc<SourceFile>> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    SourceFile::new(format!("(built-in) templates/{name}"), *text),
                )
            })
            .collect();
        // Every file under templates/ is read under the input rule (see
        // `crate::input`): a link out of the project, a FIFO or an
        // unreadable entry is an error, never skipped. Links to folders are
        // not followed (a folder loop would never end).
        let dir = root.join("templates");
        let project = crate::input::Project::new(root);
        let folder = std::fs::symlink_metadata(&dir).ok().map(|_| {
            std::fs::canonicalize(&dir).ok().filter(|real| {
                real.is_dir() && real.starts_with(std::fs::canonicalize(root).unwrap_or_default())
            })
        });
        match folder {
            None => {}
            Some(None) => diags.push(
                Diagnostic::error(
                    "templates is not a folder inside the project (a file, or a link that leads elsewhere or nowhere)",
                )
                .help("templates/ must be a folder of template files in the project"),
            ),
            Some(Some(_)) => {
                for entry in walkdir::WalkDir::new(&dir).min_depth(1) {
                    let entry = match entry {
                        Ok(e) => e,
                        Err(e) => {
                            diags.push(Diagnostic::error(format!("cannot read templates/: {e}")));
                            continue;
                        }
                    };
                    let path = entry.path();
                    if entry.file_type().is_dir() || crate::content::is_editor_temp(path) {
                        continue;
                    }
                    let name = crate::content::display_path(&dir, path);
                    if let Some(file) =
                        crate::content::read_source_in(&project, path, true, &mut diags)
                    {
                        sources.insert(name, file);
                    }
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let style = sources
            .remove("style.css")
            .map(|f| f.text.to_string())
            .unwrap_or_default();
        let script = sources
            .remove("search.js")
            .map(|f| f.text.to_string())
            .unwrap_or_default();
        let unchanged = |names: &[&str]| {
            names.iter().all(|name| {
                let built_in = DEFAULT_TEMPLATES.iter().find(|(n, _)| n == name);
                matches!((sources.get(*name), built_in), (Some(f), Some((_, t))) if *f.text == **t)
            })
        };
        let builtin = Builtin {
            article: unchanged(&builtin::ARTICLE_TEMPLATES),
            claim: unchanged(&builtin::CLAIM_TEMPLATES),
            index: unchanged(&builtin::INDEX_TEMPLATES),
        };
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        // Tera's default also escapes `/`, which makes every href unreadable.
        tera.set_escape_fn(escape_html);
        // Parse each template alone first so an error names its file and
        // line; then refuse what would recurse without end (a stack
        // overflow aborts the process: nothing could report it later).
        let mut parsed = BTreeMap::new();
        for (name, file) in &sources {
            if let Some(d) = template_check::check_nesting(file) {
                diags.push(d);
                continue;
            }
            match tera::Template::new(name, None, &file.text) {
                Ok(t) => {
                    parsed.insert(name.clone(), (file.clone(), t));
                }
                Err(e) => diags.push(template_diagnostic(file, &e)),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        diags.extend(template_check::check(&parsed));
        if diags.has_errors() {
            return Err(diags);
        }
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, f)| (n.as_str(), &*f.text)))
        {
            diags.push(Diagnostic::error(format!("templates: {}", error_chain(&e))));
            return Err(diags);
        }
        Ok(Renderer {
            tera,
            builtin,
            style,
            script,
        })
    }

    /// Renders every page through Tera, built-in templates too (to compare
    /// the two).
    #[cfg(test)]
    fn tera_only(mut self) -> Renderer {
        self.builtin = Builtin::default();
        self
    }

    fn render(&self, name: &str, view: &impl Serialize) -> Result<String, Diagnostic> {
        let ctx = Context::from_serialize(view)
            .map_err(|e| Diagnostic::error(format!("template context for {name}: {e}")))?;
        self.tera.render(name, &ctx).map_err(|e| {
            let chain = error_chain(&e);
            let d = Diagnostic::error(format!("template {name}: {chain}"));
            if chain.contains("block.statements") {
                d.help(
                    "articles' blocks no longer list every statement: `block.html` holds the \
                     block with its statements marked up, `block.notes` the statements that \
                     carry a note (README → Templates)",
                )
            } else {
                d
            }
        })
    }
}

fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Tera reports parse errors as text holding ` --> line:col`; turn that
/// into a span in the template file for a caret excerpt.
fn template_diagnostic(file: &Arc<SourceFile>, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    let position = chain.split("--> ").nth(1).and_then(|rest| {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        let mut parts = rest[..end].split(':');
        let line: usize = parts.next()?.parse().ok()?;
        let col: usize = parts.next()?.parse().ok()?;
        Some((line, col))
    });
    let what = chain
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('='))
        .map(|l| l.trim_start().trim_start_matches('=').trim().to_string())
        .unwrap_or_else(|| chain.lines().next().unwrap_or("").to_string());
    let d = Diagnostic::error(format!("template error in {}: {what}", file.name));
    match position {
        Some((line, col)) => {
            let offset = file
                .text
                .split_inclusive('\n')
                .take(line - 1)
                .map(str::len)
                .sum::<usize>()
                + file.text.split('\n').nth(line - 1).map_or(0, |l| {
                    l.char_indices().nth(col - 1).map_or(l.len(), |(i, _)| i)
                });
            d.at(file, offset..offset + 1).label(what)
        }
        None => d.in_file(file),
    }
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    publisher: Option<&'a str>,
    language: &'a str,
}

#[derive(Serialize, Clone, Copy)]
struct VerdictView {
    slug: &'static str,
    label: &'static str,
    icon: &'static str,
    rating: u8,
}

impl From<Verdict> for VerdictView {
    fn from(v: Verdict) -> Self {
        VerdictView {
            slug: v.as_str(),
            label: v.label(),
            icon: v.icon(),
            rating: v.rating(),
        }
    }
}

#[derive(Serialize, Clone, Copy)]
struct StanceView {
    slug: &'static str,
    label: &'static str,
    icon: &'static str,
}

impl From<Stance> for StanceView {
    fn from(s: Stance) -> Self {
        StanceView {
            slug: s.as_str(),
            label: s.label(),
            icon: s.icon(),
        }
    }
}

#[derive(Serialize)]
struct ArticleSummary<'a> {
    id: &'a str,
    title: &'a str,
    outlet: &'a str,
    author: Option<&'a str>,
    published: Option<&'a str>,
    url: Option<&'a str>,
    href: String,
    statements: usize,
    linked: usize,
    linked_percent: usize,
    agreed: usize,
    contradicted: usize,
}

#[derive(Serialize)]
struct ClaimSummary<'a> {
    id: &'a str,
    text: &'a str,
    href: String,
    verdict: VerdictView,
    status: &'static str,
    status_label: &'static str,
    approved: bool,
    /// Approved, but the evidence changed since sign-off.
    lapsed: bool,
    supports: usize,
    contradicts: usize,
    mentions: usize,
    sources: usize,
}

/// Common to every page.
#[derive(Serialize)]
struct Frame<'a> {
    site: SiteView<'a>,
    /// Relative prefix from this page to the site root (`base_url` on the
    /// 404 page, which is served at any depth).
    root: &'a str,
    page_title: String,
    description: String,
    /// This page's absolute URL (canonical link, `og:url`), when
    /// `base_url` is absolute.
    canonical: Option<String>,
    /// Open Graph and Twitter card data.
    share: ShareView,
}

#[derive(Serialize, Default)]
struct ShareView {
    /// `og:type`: `website` or `article`.
    kind: &'static str,
    /// Absolute URL of the image (`og:image`), when `base_url` is absolute.
    image: Option<String>,
    image_alt: Option<String>,
    /// `og:description` when it differs from the page's description.
    description: Option<String>,
}

impl Frame<'_> {
    /// Sets what depends on the page's own path (relative to the root).
    fn at_page(mut self, site: &Site, path: &str) -> Self {
        self.canonical = crate::feeds::absolute_url(site, path);
        self
    }

    fn share_description(mut self, description: String) -> Self {
        self.share.description = Some(description);
        self
    }

    /// Marks the page as an article for Open Graph, with an optional image
    /// (a path relative to the root).
    fn shared_as(mut self, site: &Site, image: Option<(String, String)>) -> Self {
        self.share.kind = "article";
        if let Some((path, alt)) = image {
            self.share.image = crate::feeds::absolute_url(site, &path);
            self.share.image_alt = Some(alt);
        }
        self
    }
}

/// Renders every page of the site, in parallel.
pub fn render_site(site: &Site, renderer: &Renderer) -> Result<Vec<Page>, Diagnostics> {
    render_jobs(site, renderer, &site_jobs(site))
}

/// Every output file of a site, as jobs.
pub fn site_jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = vec![Job::Index, Job::Data, Job::Style];
    jobs.extend([
        Job::SearchIndex,
        Job::SearchScript,
        Job::Feed,
        Job::Robots,
        Job::NotFound,
        Job::Annotations,
    ]);
    if crate::feeds::is_absolute(&site.config.base_url) {
        jobs.push(Job::Sitemap);
    }
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs.extend((0..site.claims.len()).map(Job::Claim));
    jobs.extend((0..site.claims.len()).map(Job::Card));
    jobs
}

/// One page to render; the unit of incremental rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    Index,
    Data,
    Style,
    Article(usize),
    Claim(usize),
    /// `search-index.json`.
    SearchIndex,
    /// `search.js`.
    SearchScript,
    /// `feed.xml` (Atom).
    Feed,
    /// `sitemap.xml`, only when `base_url` is absolute.
    Sitemap,
    Robots,
    /// `404.html`.
    NotFound,
    /// `annotations.jsonld`.
    Annotations,
    /// `claims/ID/card.svg`.
    Card(usize),
}

pub fn render_jobs(
    site: &Site,
    renderer: &Renderer,
    jobs: &[Job],
) -> Result<Vec<Page>, Diagnostics> {
    let results: Vec<Result<Page, Diagnostic>> = jobs
        .par_iter()
        .map(|job| render_job(site, renderer, *job))
        .collect();
    let mut diags = Diagnostics::default();
    let mut pages = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => {
                // The same template error would repeat for every page.
                if !diags.iter().any(|x| x.message == d.message) {
                    diags.push(d);
                }
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(pages)
    }
}

/// Renders every page that comes from a template, in memory, and reports
/// what failed: a template can parse and still fail on the data of one page
/// (a field a custom template expects that this page lacks), and `check`
/// passing must mean `build` will.
pub fn check_templates(site: &Site, renderer: &Renderer) -> Diagnostics {
    let jobs: Vec<Job> = site_jobs(site)
        .into_iter()
        .filter(|j| {
            matches!(
                j,
                Job::Index | Job::NotFound | Job::Article(_) | Job::Claim(_)
            )
        })
        .collect();
    render_jobs(site, renderer, &jobs).err().unwrap_or_default()
}

pub fn render_job(site: &Site, renderer: &Renderer, job: Job) -> Result<Page, Diagnostic> {
    match job {
        Job::Index => {
            let view = index_view(site);
            let html = if renderer.builtin.index {
                builtin::index(&view)
            } else {
                renderer.render("index.html", &view)?
            };
            Ok(Page::new("index.html", html))
        }
        Job::Data => Ok(Page::new("data.json", data_json(site))),
        Job::Style => Ok(Page::new("style.css", renderer.style.clone())),
        Job::SearchIndex => Ok(Page::new(
            crate::search::INDEX_PATH,
            crate::search::index_json(site),
        )),
        Job::SearchScript => Ok(Page::new("search.js", renderer.script.clone())),
        Job::Feed => Ok(Page::new("feed.xml", crate::feeds::atom(site))),
        Job::Sitemap => Ok(Page::new(
            "sitemap.xml",
            crate::feeds::sitemap(site).unwrap_or_default(),
        )),
        Job::Robots => Ok(Page::new("robots.txt", crate::feeds::robots(site))),
        Job::NotFound => Ok(Page::new(
            "404.html",
            renderer.render("404.html", &not_found_view(site))?,
        )),
        Job::Annotations => Ok(Page::new(
            "annotations.jsonld",
            crate::annotations::annotations_jsonld(site),
        )),
        Job::Card(i) => Ok(Page::new(
            format!("claims/{}/card.svg", site.claims[i].id),
            crate::card::verdict_card(site, i),
        )),
        Job::Article(i) => {
            let view = article_view(site, i);
            let html = if renderer.builtin.article {
                builtin::article(&view)
            } else {
                renderer.render("article.html", &view)?
            };
            Ok(Page::new(
                format!("articles/{}/index.html", site.articles[i].id),
                html,
            ))
        }
        Job::Claim(i) => {
            let view = claim_view(site, i);
            let html = if renderer.builtin.claim {
                builtin::claim(&view)
            } else {
                renderer.render("claim.html", &view)?
            };
            Ok(Page::new(
                format!("claims/{}/index.html", site.claims[i].id),
                html,
            ))
        }
    }
}

fn frame<'a>(site: &'a Site, root: &'a str, page_title: String, description: String) -> Frame<'a> {
    let c = &site.config;
    Frame {
        site: SiteView {
            title: &c.title,
            description: c.description.as_deref(),
            publisher: c.publisher.as_deref(),
            language: &c.language,
        },
        root,
        page_title,
        description,
        canonical: None,
        share: ShareView {
            kind: "website",
            ..ShareView::default()
        },
    }
}

#[derive(Serialize)]
struct NotFoundView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
}

fn not_found_view(site: &Site) -> NotFoundView<'_> {
    NotFoundView {
        frame: frame(
            site,
            &site.config.base_url,
            "Page not found".to_string(),
            "There is no page at this address.".to_string(),
        ),
    }
}

fn article_summary<'a>(site: &'a Site, i: usize, root: &str) -> ArticleSummary<'a> {
    let a: &Article = &site.articles[i];
    let statements = site.docs[i].statements.len();
    let linked = site.graph.linked_count(i);
    let (agreed, contradicted) = site.graph.agreement_counts(i);
    ArticleSummary {
        id: &a.id,
        title: &a.title,
        outlet: &a.outlet,
        author: a.author.as_deref(),
        published: a.published.as_deref(),
        url: a
            .url
            .as_deref()
            .and_then(|u| crate::document::safe_href(u).map(|_| u)),
        href: format!("{root}articles/{}/", a.id),
        statements,
        linked,
        linked_percent: (linked * 100).checked_div(statements).unwrap_or(0),
        agreed,
        contradicted,
    }
}

fn claim_summary<'a>(site: &'a Site, i: usize, root: &str) -> ClaimSummary<'a> {
    let c: &Claim = &site.claims[i];
    let count = |s: Stance| c.evidence.iter().filter(|e| e.stance == s).count();
    let mut sources: Vec<&str> = c.evidence.iter().map(|e| e.article.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    ClaimSummary {
        id: &c.id,
        text: &c.text,
        href: format!("{root}claims/{}/", c.id),
        verdict: c.verdict.into(),
        status: c.status.as_str(),
        status_label: c.status.label(),
        approved: c.status == Status::Approved,
        lapsed: site.lapsed.contains(&c.id),
        supports: count(Stance::Supports),
        contradicts: count(Stance::Contradicts),
        mentions: count(Stance::Mentions),
        sources: sources.len(),
    }
}

fn statement_href(site: &Site, root: &str, article: usize, statement: usize) -> String {
    format!(
        "{root}articles/{}/#{}",
        site.articles[article].id,
        site.docs[article].statement_id(statement)
    )
}

#[derive(Serialize)]
struct IndexView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    articles: Vec<ArticleSummary<'a>>,
    claims: Vec<ClaimSummary<'a>>,
    matrix: Vec<MatrixRow<'a>>,
    /// Claims × reports, and whether that is too many to show as a table.
    matrix_cells: usize,
    matrix_omitted: bool,
    verdicts: Vec<VerdictCount>,
    total_statements: usize,
    linked_statements: usize,
}

#[derive(Serialize)]
struct VerdictCount {
    verdict: VerdictView,
    count: usize,
}

#[derive(Serialize)]
struct MatrixRow<'a> {
    claim: ClaimSummary<'a>,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixCell {
    /// supports | contradicts | mentions | mixed | silent
    slug: &'static str,
    label: &'static str,
    icon: &'static str,
    outlet: String,
    href: Option<String>,
}

fn index_view(site: &Site) -> IndexView<'_> {
    let root = "";
    let articles: Vec<ArticleSummary> = (0..site.articles.len())
        .map(|i| article_summary(site, i, root))
        .collect();
    let matrix_cells = site.claims.len() * site.articles.len();
    let matrix_omitted = matrix_cells > MAX_MATRIX_CELLS;
    let matrix_rows = if matrix_omitted { 0 } else { site.claims.len() };
    let matrix = (0..matrix_rows)
        .map(|ci| {
            let cells = (0..site.articles.len())
                .map(|ai| {
                    let refs: Vec<_> = site.graph.evidence[ci]
                        .iter()
                        .filter(|r| r.article == ai)
                        .collect();
                    let has = |s: Stance| refs.iter().any(|r| r.stance == s);
                    let (slug, label, icon) = if has(Stance::Supports) && has(Stance::Contradicts) {
                        ("mixed", "Supports and contradicts", "±")
                    } else if let Some(r) = refs
                        .iter()
                        .find(|r| r.stance != Stance::Mentions)
                        .or(refs.first())
                    {
                        (r.stance.as_str(), r.stance.label(), r.stance.icon())
                    } else {
                        ("silent", "Silent", "–")
                    };
                    MatrixCell {
                        slug,
                        label,
                        icon,
                        outlet: site.articles[ai].outlet.clone(),
                        href: refs
                            .first()
                            .map(|r| statement_href(site, root, r.article, r.statement)),
                    }
                })
                .collect();
            MatrixRow {
                claim: claim_summary(site, ci, root),
                cells,
            }
        })
        .collect();
    let verdicts = Verdict::ALL
        .iter()
        .map(|&v| VerdictCount {
            verdict: v.into(),
            count: site.claims.iter().filter(|c| c.verdict == v).count(),
        })
        .filter(|v| v.count > 0)
        .collect();
    let total_statements = site.docs.iter().map(|d| d.statements.len()).sum();
    let linked_statements = (0..site.articles.len())
        .map(|i| site.graph.linked_count(i))
        .sum();
    let description = site.config.description.clone().unwrap_or_else(|| {
        format!(
            "{} claims checked across {} reports",
            site.claims.len(),
            site.articles.len()
        )
    });
    IndexView {
        frame: frame(site, root, site.config.title.clone(), description).at_page(site, ""),
        articles,
        claims: (0..site.claims.len())
            .map(|i| claim_summary(site, i, root))
            .collect(),
        matrix,
        matrix_cells,
        matrix_omitted,
        verdicts,
        total_statements,
        linked_statements,
    }
}

#[derive(Serialize)]
struct ArticleView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    article: ArticleSummary<'a>,
    blocks: Vec<BlockView<'a>>,
    /// Id of the first statement with a note (a skip link for keyboards).
    first_linked: Option<&'a str>,
}

/// One passage of an article: the blocks (paragraphs, headings, list items,
/// quotations, ...) up to and including the next one whose statements carry
/// notes, or to the end. Its statements reach the template as finished markup rather than
/// one by one: an article page holds every statement of the article, and a
/// template loop over them was a fifth of a big site's build (Tera looks
/// each field up by name). What a template can change per statement lives
/// in CSS (`.st`, `.st-linked`, `.mark`) and in the notes, which stay data.
#[derive(Serialize)]
struct BlockView<'a> {
    /// Each block's opening markup and every statement in it, each as
    /// `<span class="st" id="…">`, followed by its note marker when it has
    /// a note (see [`block_html`]); a line break, the block's closing markup
    /// and a line break between blocks. Escaped: safe to output as is.
    html: String,
    /// What closes the last block after its notes (the end of a list or quote).
    close: &'a str,
    /// The statements of the last block that carry a note, in order.
    notes: Vec<NoteView<'a>>,
}

/// A statement with a note: what the note under its block shows.
#[derive(Serialize)]
struct NoteView<'a> {
    id: &'a str,
    /// The statement as HTML, escaped (see `Doc::statement_html`).
    html: String,
    /// The note's number on the page.
    marker: usize,
    /// A short excerpt for the back-link in the note.
    excerpt: String,
    links: Vec<LinkView>,
    /// Ids of the previous / next statement with a note, for keyboard
    /// navigation from note to note.
    prev_linked: Option<&'a str>,
    next_linked: Option<&'a str>,
}

#[derive(Serialize)]
struct LinkView {
    claim_id: String,
    claim_text: String,
    claim_href: String,
    verdict: VerdictView,
    stance: StanceView,
    approved: bool,
    agree: Vec<SourceLink>,
    contradict: Vec<SourceLink>,
    more_agree: usize,
    more_contradict: usize,
}

#[derive(Serialize)]
struct SourceLink {
    outlet: String,
    title: String,
    href: String,
    /// Statements of that source on the same side.
    count: usize,
}

fn article_view(site: &Site, ai: usize) -> ArticleView<'_> {
    let root = "../../";
    let doc = &site.docs[ai];
    let a = &site.articles[ai];
    let mut marker = 0;
    let mut blocks: Vec<BlockView> = Vec::new();
    // Markup of the blocks since the last one with notes, which reach the template as
    // one passage: it looks up three values per passage, and most blocks have no note.
    let mut pending = String::new();
    // Where the last note-less block's markup ends in `pending`, and its close.
    let mut trailing = None;
    for b in &doc.blocks {
        let mut notes = Vec::new();
        let mut markers = Vec::with_capacity(b.statements.len());
        for si in b.statements.clone() {
            let refs = site.graph.statement_links(ai, si);
            if refs.is_empty() {
                markers.push(None);
                continue;
            }
            marker += 1;
            markers.push(Some(marker));
            notes.push(NoteView {
                id: doc.statement_id(si),
                html: doc.statement_html(si),
                marker,
                excerpt: excerpt(doc.statement_text(si), 60),
                links: refs.iter().map(|r| link_view(site, root, r)).collect(),
                prev_linked: None,
                next_linked: None,
            });
        }
        block_html(&mut pending, doc, b, &markers);
        if notes.is_empty() {
            trailing = Some((pending.len(), &b.close));
            // What the default template writes between blocks, so a page's bytes do
            // not depend on where the passages break.
            pending.push('\n');
            pending.push_str(&b.close);
            pending.push('\n');
        } else {
            trailing = None;
            blocks.push(BlockView {
                html: std::mem::take(&mut pending),
                close: &b.close,
                notes,
            });
        }
    }
    if let Some((html_end, close)) = trailing {
        pending.truncate(html_end);
        blocks.push(BlockView {
            html: pending,
            close,
            notes: Vec::new(),
        });
    }
    let linked: Vec<&str> = blocks.iter().flat_map(|b| &b.notes).map(|n| n.id).collect();
    for (k, n) in blocks.iter_mut().flat_map(|b| &mut b.notes).enumerate() {
        n.prev_linked = k.checked_sub(1).map(|p| linked[p]);
        n.next_linked = linked.get(k + 1).copied();
    }
    let byline = match &a.author {
        Some(author) => format!("{}, by {author}", a.outlet),
        None => a.outlet.clone(),
    };
    ArticleView {
        frame: frame(
            site,
            root,
            a.title.clone(),
            format!("{} — fact-checked: {byline}", a.title),
        )
        .at_page(site, &format!("articles/{}/", a.id))
        .shared_as(site, None)
        .share_description(article_share_description(site, ai)),
        article: article_summary(site, ai, root),
        first_linked: linked.first().copied(),
        blocks,
    }
}

/// Appends the markup of one block up to its notes to `out`: the container
/// markup that opens it, then each statement as an element with its id, a note marker after
/// each statement that has a note (`markers`, one per statement of the
/// block), and the white space that followed it in the article, so the page
/// shows the text as published and a passage copied from it is a valid
/// quote. The review script finds statements by this markup (`span.st[id]`).
fn block_html(out: &mut String, doc: &Doc, block: &Block, markers: &[Option<usize>]) {
    let text_len = block.range.len();
    out.reserve(block.open.len() + text_len + text_len / 2 + 64);
    out.push_str(&block.open);
    if !block.tag.is_empty() {
        out.push('<');
        out.push_str(block.tag);
        out.push('>');
    }
    for (si, marker) in block.statements.clone().zip(markers) {
        let id = doc.statement_id(si);
        out.push_str(if marker.is_some() {
            "<span class=\"st st-linked\" id=\""
        } else {
            "<span class=\"st\" id=\""
        });
        escape_html_into(out, id);
        out.push_str("\">");
        doc.write_statement_html(si, out);
        out.push_str("</span>");
        if let Some(m) = marker {
            out.push_str("<a class=\"mark\" href=\"#n-");
            escape_html_into(out, id);
            let _ = write!(out, "\" aria-label=\"Note {m}\"><sup>[{m}]</sup></a>");
        }
        if let Some(next) = doc
            .statements
            .get(si + 1)
            .filter(|n| n.block == doc.statements[si].block)
        {
            escape_html_into(
                out,
                &doc.text[doc.statements[si].range.end..next.range.start],
            );
        }
    }
    if !block.tag.is_empty() {
        out.push_str("</");
        out.push_str(block.tag);
        out.push('>');
    }
}

/// What a link preview of an article page says.
fn article_share_description(site: &Site, ai: usize) -> String {
    let a = &site.articles[ai];
    let (agreed, contradicted) = site.graph.agreement_counts(ai);
    format!(
        "{} report fact-checked: {} of {} statements linked to claims; {agreed} corroborated and {contradicted} contradicted by other reports.",
        a.outlet,
        site.graph.linked_count(ai),
        site.docs[ai].statements.len()
    )
}

/// The first `max` characters of `text` with white space flattened, cut
/// back to a word boundary and marked `…` when anything was left out.
/// Computed for every statement of every page, so built in one pass over
/// the words it keeps, with one allocation.
fn excerpt(text: &str, max: usize) -> String {
    let mut flat = String::with_capacity(text.len().min(4 * max + 4));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max {
            break;
        }
    }
    if chars <= max {
        return flat;
    }
    let end = flat.char_indices().nth(max).map_or(flat.len(), |(i, _)| i);
    flat.truncate(end);
    if let Some(space) = flat.rfind(' ') {
        flat.truncate(space);
    }
    flat.push('…');
    flat
}

/// `text` with every run of white space made one space and none at either
/// end: `text.split_whitespace().collect::<Vec<_>>().join(" ")` without the
/// vector, and borrowed when `text` is already so (most statements: this
/// runs for every statement of the site, for `data.json` and the search
/// index).
pub(crate) fn flat_text(text: &str) -> std::borrow::Cow<'_, str> {
    if is_flat(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut flat = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    std::borrow::Cow::Owned(flat)
}

/// Whether [`flat_text`] would leave `text` as it is: white space only as
/// single spaces between other chars.
fn is_flat(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut after_space = true; // no space at the start
    let mut i = 0;
    // Eight bytes at a time while they are printable ASCII (this runs over
    // every statement twice, for `data.json` and the search index); a byte
    // at a time otherwise, decoding only chars outside ASCII (to find
    // Unicode's white space).
    while let Some(&b) = bytes.get(i) {
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if let Some(ends_in_space) =
                crate::statements::printable_ascii_spaces(word, after_space)
            {
                let Some(ends_in_space) = ends_in_space else {
                    return false;
                };
                after_space = ends_in_space;
                i += 8;
                continue;
            }
        }
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
            i += 1;
        } else if b.is_ascii() {
            if crate::statements::is_ascii_space(b) {
                return false;
            }
            after_space = false;
            i += 1;
        } else {
            let c = text[i..].chars().next().expect("i is at a char boundary");
            if c.is_whitespace() {
                return false;
            }
            after_space = false;
            i += c.len_utf8();
        }
    }
    !after_space || text.is_empty()
}

/// Sources on one side, one entry per article, first statement linked.
fn group_by_source(site: &Site, root: &str, refs: &[crate::graph::EvidenceRef]) -> Vec<SourceLink> {
    let mut out: Vec<SourceLink> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for r in refs {
        if let Some(pos) = seen.iter().position(|&a| a == r.article) {
            out[pos].count += 1;
            continue;
        }
        seen.push(r.article);
        let a = &site.articles[r.article];
        out.push(SourceLink {
            outlet: a.outlet.clone(),
            title: a.title.clone(),
            href: statement_href(site, root, r.article, r.statement),
            count: 1,
        });
    }
    out
}

fn link_view(site: &Site, root: &str, r: &crate::graph::EvidenceRef) -> LinkView {
    let c = &site.claims[r.claim];
    let (agree, contradict) = site.graph.related(r);
    let mut agree = group_by_source(site, root, &agree);
    let mut contradict = group_by_source(site, root, &contradict);
    let more_agree = agree.len().saturating_sub(MAX_SOURCES_LISTED);
    let more_contradict = contradict.len().saturating_sub(MAX_SOURCES_LISTED);
    agree.truncate(MAX_SOURCES_LISTED);
    contradict.truncate(MAX_SOURCES_LISTED);
    LinkView {
        claim_id: c.id.clone(),
        claim_text: c.text.clone(),
        claim_href: format!("{root}claims/{}/", c.id),
        verdict: c.verdict.into(),
        stance: r.stance.into(),
        approved: c.status == Status::Approved,
        agree,
        contradict,
        more_agree,
        more_contradict,
    }
}

#[derive(Serialize)]
struct ClaimView<'a> {
    #[serde(flatten)]
    frame: Frame<'a>,
    claim: ClaimSummary<'a>,
    summary_html: Option<String>,
    reviewer: Option<&'a str>,
    reviewed: Option<&'a str>,
    groups: Vec<EvidenceGroup>,
    jsonld: String,
    card: CardView,
}

#[derive(Serialize)]
struct CardView {
    /// Relative to the claim page.
    href: &'static str,
    alt: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct EvidenceGroup {
    stance: StanceView,
    items: Vec<EvidenceView>,
}

#[derive(Serialize)]
struct EvidenceView {
    quote: String,
    outlet: String,
    article_title: String,
    article_href: String,
    href: String,
    note_html: Option<String>,
    /// Fragment id of this evidence on the claim page (`ev-N`, N counting
    /// the claim's evidence from 1 in file order).
    anchor: String,
}

fn claim_view(site: &Site, ci: usize) -> ClaimView<'_> {
    let root = "../../";
    let c = &site.claims[ci];
    let groups = Stance::ALL
        .iter()
        .map(|&stance| EvidenceGroup {
            stance: stance.into(),
            items: site.graph.evidence[ci]
                .iter()
                .filter(|r| r.stance == stance)
                .map(|r| {
                    let ev = &c.evidence[r.evidence];
                    let a = &site.articles[r.article];
                    EvidenceView {
                        quote: flat_text(&ev.quote).into_owned(),
                        outlet: a.outlet.clone(),
                        article_title: a.title.clone(),
                        article_href: format!("{root}articles/{}/", a.id),
                        href: statement_href(site, root, r.article, r.statement),
                        note_html: ev.note.as_deref().map(markdown_html),
                        anchor: format!("ev-{}", r.evidence + 1),
                    }
                })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    let description = format!("{}: {}", c.verdict.label(), c.text);
    ClaimView {
        frame: frame(site, root, c.text.clone(), description)
            .at_page(site, &format!("claims/{}/", c.id))
            .shared_as(
                site,
                Some((
                    format!("claims/{}/card.svg", c.id),
                    crate::card::alt_text(site, ci),
                )),
            ),
        claim: claim_summary(site, ci, root),
        summary_html: c.summary.as_deref().map(markdown_html),
        reviewer: c.reviewer.as_deref(),
        reviewed: c.reviewed.as_deref(),
        groups,
        jsonld: claim_review_jsonld(site, ci),
        card: CardView {
            href: "card.svg",
            alt: crate::card::alt_text(site, ci),
            width: crate::card::WIDTH,
            height: crate::card::HEIGHT,
        },
    }
}

/// Markdown from the claims file, rendered and sanitised: Markdown only
/// (raw HTML is shown as text, images become links, nesting is bounded:
/// see [`crate::safe_markdown`]), then ammonia as a second line of
/// defence.
pub fn markdown_html(md: &str) -> String {
    // A sanitiser's configuration is a set of tables (allowed tags,
    // attributes, URL schemes) that took half of this function's time to
    // build; it never changes, so it is built once.
    static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut b = ammonia::Builder::default();
            b.link_rel(Some("nofollow noopener noreferrer"));
            // Markdown images are links by now; no image is ever loaded.
            b.rm_tags(["img"]);
            b
        });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, crate::safe_markdown::events(md));
    SANITISER.clean(&html).to_string()
}

/// JSON that is safe inside `<script>`: `<`, `>` and `&` are escaped so no
/// claim text can close the element or open a comment.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let s = serde_json::to_string_pretty(value).expect("JSON values serialise");
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    // A byte at a time, copying the stretches between the few chars replaced: U+2028 and
    // U+2029 are the only chars encoded E2 80 A8 / E2 80 A9.
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let (escape, len) = match b {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            0xE2 if bytes[i + 1..].starts_with(&[0x80, 0xA8]) => ("\\u2028", 3),
            0xE2 if bytes[i + 1..].starts_with(&[0x80, 0xA9]) => ("\\u2029", 3),
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(escape);
        copied = i + len;
    }
    out.push_str(&s[copied..]);
    out
}

fn claim_review_jsonld(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    let base = &site.config.base_url;
    let publisher = site
        .config
        .publisher
        .as_deref()
        .unwrap_or(&site.config.title);
    let mut seen = Vec::new();
    let appearances: Vec<serde_json::Value> = site.graph.evidence[ci]
        .iter()
        .filter(|r| {
            let new = !seen.contains(&r.article);
            seen.push(r.article);
            new
        })
        .map(|r| {
            let a = &site.articles[r.article];
            let url = a
                .url
                .clone()
                .unwrap_or_else(|| format!("{base}articles/{}/", a.id));
            serde_json::json!({
                "@type": "CreativeWork",
                "url": url,
                "headline": a.title,
                "author": {"@type": "Organization", "name": a.outlet},
            })
        })
        .collect();
    let mut review = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("{base}claims/{}/", c.id),
        "claimReviewed": c.text,
        "author": {"@type": "Organization", "name": publisher},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": c.verdict.rating(),
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": c.verdict.label(),
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": appearances,
        },
    });
    if let Some(date) = &c.reviewed {
        review["datePublished"] = serde_json::Value::String(date.clone());
    }
    script_safe_json(&review)
}

/// `data.json` is `{"articles": [DataArticle…], "claims": [DataClaim…]}`,
/// written by [`write_data_json`] as [`shallow_json::to_string`] would,
/// but with the items serialised in parallel.
/// The serde shape of a `data.json` article, kept as the reference
/// [`data_article_item`] is tested against.
#[cfg(test)]
#[derive(Serialize)]
struct DataArticle<'a> {
    id: &'a str,
    title: &'a str,
    outlet: &'a str,
    url: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<&'a str>,
    path: String,
    statements: Vec<DataStatement<'a>>,
}

#[cfg(test)]
#[derive(Serialize)]
struct DataStatement<'a> {
    id: &'a str,
    text: std::borrow::Cow<'a, str>,
    claims: Vec<DataStatementClaim<'a>>,
}

#[cfg(test)]
#[derive(Serialize)]
struct DataStatementClaim<'a> {
    claim: &'a str,
    stance: Stance,
}

#[derive(Serialize)]
struct DataClaim<'a> {
    id: &'a str,
    text: &'a str,
    verdict: Verdict,
    status: Status,
    reviewer: Option<&'a str>,
    reviewed: Option<&'a str>,
    path: String,
    evidence: Vec<DataEvidence<'a>>,
}

#[derive(Serialize)]
struct DataEvidence<'a> {
    article: &'a str,
    quote: &'a str,
    stance: Stance,
    statements: Vec<&'a str>,
    href: String,
}

/// `data.json` as FORMAT.md specifies (plus author, published, reviewer
/// and reviewed, which consumers may ignore).
pub fn data_json(site: &Site) -> String {
    let mut buf = Vec::new();
    write_data_json(site, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// How deep `data.json` is pretty-printed: down to the statements and
/// evidence arrays, so each statement and each piece of evidence is one
/// line (see [`crate::shallow_json`]).
const DATA_JSON_DEPTH: usize = 4;

/// Writes [`data_json`] to `w` a few hundred items at a time, each batch
/// serialised in parallel: the largest file of a build (about a quarter of
/// the output) never needs to be in memory whole.
pub fn write_data_json(site: &Site, w: &mut impl std::io::Write) -> std::io::Result<()> {
    w.write_all(b"{\n  \"articles\": ")?;
    shallow_json::write_array(w, site.articles.len(), 2, |ai| data_article_item(site, ai))?;
    w.write_all(b",\n  \"claims\": ")?;
    shallow_json::write_array(w, site.claims.len(), 2, |ci| {
        shallow_json::item(&data_claim(site, ci), 2, DATA_JSON_DEPTH)
    })?;
    w.write_all(b"\n}\n")
}

/// One article of `data.json`, as [`shallow_json::item`] lays out a
/// [`DataArticle`] at `DATA_JSON_DEPTH`, but written by hand: the
/// statements are most of the file, and `serde_json` spent more on their
/// text than on anything else it writes (see [`shallow_json::write_str`]).
fn data_article_item(site: &Site, ai: usize) -> Vec<u8> {
    let a = &site.articles[ai];
    let doc = &site.docs[ai];
    // Room for a statement's id, its markup and a link or so; the text is
    // at most the article's.
    let mut out = Vec::with_capacity(512 + doc.text.len() + 128 * doc.statements.len());
    let field = |out: &mut Vec<u8>, key: &str, value: Option<&str>| {
        out.extend_from_slice(b"\n      \"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\": ");
        match value {
            Some(value) => shallow_json::write_str(out, value),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b',');
    };
    out.push(b'{');
    field(&mut out, "id", Some(&a.id));
    field(&mut out, "title", Some(&a.title));
    field(&mut out, "outlet", Some(&a.outlet));
    field(&mut out, "url", a.url.as_deref());
    field(&mut out, "author", a.author.as_deref());
    field(&mut out, "published", a.published.as_deref());
    field(&mut out, "path", Some(&format!("articles/{}/", a.id)));
    out.extend_from_slice(b"\n      \"statements\": [");
    for (si, s) in doc.statements.iter().enumerate() {
        if si > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\n        ");
        let mut statement = shallow_json::Object::new(&mut out);
        statement
            .str("id", doc.id_of(s))
            .str("text", &flat_text(doc.statement_text(si)));
        let claims = statement.key("claims");
        claims.push(b'[');
        for (i, link) in site.graph.statement_links(ai, si).iter().enumerate() {
            if i > 0 {
                claims.push(b',');
            }
            shallow_json::Object::new(claims)
                .str("claim", &site.claims[link.claim].id)
                .str("stance", link.stance.as_str())
                .end();
        }
        claims.push(b']');
        statement.end();
    }
    if !doc.statements.is_empty() {
        out.extend_from_slice(b"\n      ");
    }
    out.extend_from_slice(b"]\n    }");
    out
}

#[cfg(test)]
fn data_article(site: &Site, ai: usize) -> DataArticle<'_> {
    let a = &site.articles[ai];
    let doc = &site.docs[ai];
    DataArticle {
        id: &a.id,
        title: &a.title,
        outlet: &a.outlet,
        url: a.url.as_deref(),
        author: a.author.as_deref(),
        published: a.published.as_deref(),
        path: format!("articles/{}/", a.id),
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
                    .map(|r| DataStatementClaim {
                        claim: &site.claims[r.claim].id,
                        stance: r.stance,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn data_claim(site: &Site, ci: usize) -> DataClaim<'_> {
    let c = &site.claims[ci];
    DataClaim {
        id: &c.id,
        text: &c.text,
        verdict: c.verdict,
        status: c.status,
        reviewer: c.reviewer.as_deref(),
        reviewed: c.reviewed.as_deref(),
        path: format!("claims/{}/", c.id),
        evidence: site.graph.evidence[ci]
            .iter()
            .map(|r| {
                let doc = &site.docs[r.article];
                DataEvidence {
                    article: &c.evidence[r.evidence].article,
                    quote: &c.evidence[r.evidence].quote,
                    stance: r.stance,
                    statements: (r.statement..r.statement_end)
                        .map(|si| doc.statement_id(si))
                        .collect(),
                    href: statement_href(site, "", r.article, r.statement),
                }
            })
            .collect(),
    }
}

/// The projects the tests of hand-written outputs compare on: the example
/// site, every fixture, and a project of hazards (kept while the returned
/// folder lives).
#[cfg(test)]
pub(crate) fn test_projects() -> (Vec<std::path::PathBuf>, tempfile::TempDir) {
    // Fields missing, an article without statements, text and notes with
    // the chars JSON escapes that survive loading ('"' and '\\'; control
    // chars are dropped with a warning, white space is flattened).
    let hazards = tempfile::tempdir().unwrap();
    let content = hazards.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(content.join("site.toml"), "title = \"Hazards\"\n").unwrap();
    std::fs::write(
        content.join("articles/bare.md"),
        "+++\ntitle = \"A \\\"quoted\\\" \\\\ title\"\noutlet = \"Wire\"\n+++\n",
    )
    .unwrap();
    std::fs::write(
        content.join("articles/odd.md"),
        "+++\ntitle = \"Odd\"\noutlet = \"Wire\"\nurl = \"https://wire.example/a?b=\\\"c\\\"\"\n\
         author = \"Ann\"\npublished = 2024-01-02\n+++\n\
         She said \"no\" \\\\ then\tleft\x01 and\x1f came back.\n\n\
         Tabs\t\tand  spaces, a \\\\ backslash, a “curly” quote.\n",
    )
    .unwrap();
    std::fs::write(
        content.join("claims.toml"),
        "[[claim]]\nid = \"no\"\ntext = \"She said \\\"no\\\".\"\nverdict = \"accurate\"\n\
         reviewer = \"Bo\"\nreviewed = 2024-02-03\n\
         [[claim.evidence]]\narticle = \"odd\"\nquote = \"Tabs and spaces\"\nstance = \"supports\"\n\
         note = \"A \\\"note\\\" with a \\\\ backslash\"\n\
         [[claim.evidence]]\narticle = \"odd\"\nquote = \"She said\"\nstance = \"mentions\"\n",
    )
    .unwrap();
    let mut projects = builtin::tests::projects();
    projects.push(hazards.path().to_path_buf());
    (projects, hazards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_json_articles_are_the_bytes_serde_json_makes_of_them() {
        let (projects, _hazards) = test_projects();
        let mut statements = 0;
        for root in projects {
            let (site, diags) = crate::site::compile(&root, crate::site::BuildOptions::default());
            let site = site
                .filter(|_| !diags.has_errors())
                .unwrap_or_else(|| panic!("{}: {diags:?}", root.display()));
            for ai in 0..site.articles.len() {
                let want = shallow_json::item(&data_article(&site, ai), 2, DATA_JSON_DEPTH);
                assert_eq!(
                    String::from_utf8(data_article_item(&site, ai)).unwrap(),
                    String::from_utf8(want).unwrap(),
                    "{}: {}",
                    root.display(),
                    site.articles[ai].id
                );
                statements += site.docs[ai].statements.len();
            }
        }
        assert!(statements > 100, "{statements}");
    }

    #[test]
    fn block_markup_keeps_the_text_as_published_and_marks_noted_statements() {
        let doc = crate::document::parse(
            "Talks ended *late* & 2 < 3.  Kim said \"no\".Then left.\n\n- One item. Two.\n",
        );
        let first = &doc.blocks[0];
        let n = first.statements.len();
        assert_eq!(n, 3, "{:?}", doc.statements);
        let mut markers = vec![None; n];
        markers[1] = Some(7);
        let mut html = String::new();
        block_html(&mut html, &doc, first, &markers);
        let ids: Vec<&str> = (0..n).map(|i| doc.statement_id(i)).collect();
        assert_eq!(
            html,
            format!(
                "<p><span class=\"st\" id=\"{}\">Talks ended <em>late</em> &amp; 2 &lt; 3.</span>  \
                 <span class=\"st st-linked\" id=\"{}\">Kim said &quot;no&quot;.</span>\
                 <a class=\"mark\" href=\"#n-{}\" aria-label=\"Note 7\"><sup>[7]</sup></a>\
                 <span class=\"st\" id=\"{}\">Then left.</span></p>",
                ids[0], ids[1], ids[1], ids[2]
            )
        );
        // A tight list item has no element of its own: its container opens it.
        let item = &doc.blocks[1];
        let mut html = String::new();
        block_html(&mut html, &doc, item, &vec![None; item.statements.len()]);
        assert!(html.starts_with(&item.open), "{html}");
        assert!(html.ends_with("Two.</span>"), "{html}");
    }

    #[test]
    fn excerpt_and_flat_text_match_the_plain_definitions() {
        fn excerpt_ref(text: &str, max: usize) -> String {
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if flat.chars().count() <= max {
                return flat;
            }
            let cut: String = flat.chars().take(max).collect();
            let cut = cut
                .rsplit_once(' ')
                .map_or(cut.as_str(), |(a, _)| a)
                .to_string();
            format!("{cut}…")
        }
        let samples = [
            "",
            "   ",
            "One.",
            "  Talks  ended\n\tafter five hours, “without” a deal — officials said. ",
            "Ünïcödé wörds ünd ëmojis 🎉 everywhere in this rather long sentence of text here",
            "Averyveryverylongwordwithoutanyspacesatallthatgoesonandonforeverandever and more",
            "exactly sixty characters long text here, counted to the end!",
            " ",
            "a ",
            " a",
            "a  b",
            "a\u{a0}b",
            "a \u{2003}b",
            "already flat, with “quotes” and — dashes",
            "a\x0bb",
            "a\x0cb",
            "a\rb",
            "a\u{85}b",
            "a\u{2028}b",
            "ends with é ",
        ];
        for text in samples {
            for max in [0, 1, 5, 10, 59, 60, 61, 200] {
                assert_eq!(excerpt(text, max), excerpt_ref(text, max), "{text:?} {max}");
            }
            let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = flat_text(text);
            assert_eq!(got, want, "{text:?}");
            // Borrowed exactly when nothing changes.
            assert_eq!(
                matches!(got, std::borrow::Cow::Borrowed(_)),
                want == text,
                "{text:?}"
            );
        }
    }

    #[test]
    fn flat_text_checks_eight_bytes_at_a_time_as_it_does_one() {
        // Each hazard at every offset against the eight-byte words, and
        // next to the bytes whose borrows a word-wide test could misread.
        let hazards = [
            "  ", " \t", "\t", "\n", "\x0b", "\x0c", "\r", "\u{a0}", "\u{2003}", " !", "! ",
            "\x1f", "\x7f", "\x21 ", " \x21", "é", " é", "é ",
        ];
        for hazard in hazards {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    for text in [
                        format!("{}{hazard}{}", "a".repeat(before), "b".repeat(after)),
                        format!("{}{hazard}{}", "a b".repeat(before), " c".repeat(after)),
                    ] {
                        let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
                        assert_eq!(is_flat(&text), want == text, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let v = serde_json::json!({
            "claimReviewed": "</script><script>alert(1)</script> & <!-- \u{2028}\u{2029} é “q” \u{2027}\u{202A}"
        });
        let s = script_safe_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        // Line and paragraph separators end a line in older JavaScript parsers.
        assert!(!s.contains(['\u{2028}', '\u{2029}']), "{s}");
        assert!(s.contains("\\u2028\\u2029 é “q” \u{2027}\u{202A}"), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn markdown_from_claims_is_sanitised() {
        let html = markdown_html(
            "**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<strong>bold</strong>"));
        // Raw HTML is text: shown, never live.
        assert!(
            !html.contains("<script") && !html.contains("<img") && !html.contains("javascript:"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn builtin_templates_parse() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Renderer::new(dir.path()).is_ok());
    }

    #[test]
    fn template_parse_error_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/claim.html"),
            "<p>\n  {{ claim.text }\n</p>\n",
        )
        .unwrap();
        let err = match Renderer::new(dir.path()) {
            Err(e) => e,
            Ok(_) => panic!("a broken template must not load"),
        };
        let d = err.iter().next().unwrap();
        let loc = d.location().unwrap();
        assert!(loc.starts_with("templates/claim.html:2:"), "{loc}");
    }
}
