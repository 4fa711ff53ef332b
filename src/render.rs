//! Stage 5: render pages. Each page gets a small view built from borrowed
//! data (never the whole graph serialised per page) and goes through a
//! Tera template; templates are parsed once per build.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Tera;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::output::Page;
use crate::pipeline::content::ArticleIdx;
use crate::pipeline::site::Site;
use crate::text::escape_html;

pub mod annotations;
pub mod card;
mod data;
mod embed;
pub(crate) mod feeds;
mod filters;
mod pages;
pub(crate) mod search;
mod views;

pub(crate) use crate::markdown::{Markdown, markdown};

pub use data::data_json;
pub(crate) use data::statements_json;

/// Default templates, embedded so a project without `templates/` builds.
/// A file of the same name in the project's `templates/` overrides one.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("articles.html", include_str!("../templates/articles.html")),
    ("claim.html", include_str!("../templates/claim.html")),
    ("embed.html", include_str!("../templates/embed.html")),
    ("claims.html", include_str!("../templates/claims.html")),
    ("outlet.html", include_str!("../templates/outlet.html")),
    ("outlets.html", include_str!("../templates/outlets.html")),
    (
        "disagreements.html",
        include_str!("../templates/disagreements.html"),
    ),
    ("verdicts.html", include_str!("../templates/verdicts.html")),
    ("page.html", include_str!("../templates/page.html")),
    (
        "corrections.html",
        include_str!("../templates/corrections.html"),
    ),
    ("style.css", include_str!("../templates/style.css")),
    ("404.html", include_str!("../templates/404.html")),
    ("search.js", include_str!("../templates/search.js")),
    ("favicon.svg", include_str!("../templates/favicon.svg")),
];

mod template_check;

pub struct Renderer {
    tera: Tera,
    /// What every page's key starts from (see [`Renderer::page_key`]):
    /// the source this program is built from and every template's name
    /// and text. `None` when a
    /// template calls one of Tera's functions whose result is not a
    /// function of the page's data (`now`, `get_random`, `get_env`).
    key_base: Option<blake3::Hasher>,
    style: String,
    /// `search.js`, copied as is (not a Tera template).
    script: String,
    /// `favicon.svg`, copied as is.
    favicon: String,
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
            std::fs::canonicalize(&dir)
                .ok()
                .filter(|real| real.is_dir() && real.starts_with(project.real()))
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
                    if entry.file_type().is_dir() || crate::input::is_editor_temp(path) {
                        continue;
                    }
                    let name = crate::pipeline::content::display_path(&dir, path);
                    if let Some(file) =
                        crate::pipeline::content::read_source_in(&project, path, true, &mut diags)
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
        let favicon = sources
            .remove("favicon.svg")
            .map(|f| f.text.to_string())
            .unwrap_or_default();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        // Tera's default also escapes `/`, which makes every href unreadable.
        tera.set_escape_fn(escape_html);
        tera.register_filter("fill", filters::fill_filter);
        tera.register_filter("plural", filters::plural_filter);
        tera.register_filter("ldate", filters::ldate_filter);
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
            key_base: key_base(&sources),
            tera,
            style,
            script,
            favicon,
        })
    }

    /// A key of everything page `name` with `view` is made from: the
    /// program's source, the templates, the catalogue and the view's data. Tera's
    /// output is a function of these alone, so a build that finds the same
    /// key recorded for the page's file keeps the file without rendering
    /// it (`StagedSite::keep_derived`, as for a card's PNG).
    fn page_key(&self, name: &str, view: &dyn erased::View, scratch: &mut Scratch) -> Option<u64> {
        let mut h = self.key_base.clone()?;
        h.update(&scratch.t_digest);
        h.update(&(name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        // Written out whole first: serde's many small writes, each its own
        // hasher update, cost BLAKE3 its wide SIMD path and took a third
        // of a 10,000-article rebuild's CPU time.
        scratch.key_json.clear();
        view.write_json(&mut scratch.key_json).ok()?;
        h.update(&scratch.key_json);
        Some(u64::from_le_bytes(
            h.finalize().as_bytes()[..8]
                .try_into()
                .expect("eight bytes"),
        ))
    }

    fn render_erased(
        &self,
        name: &str,
        view: &dyn erased::View,
        scratch: &mut Scratch,
    ) -> Result<String, Diagnostic> {
        let fields = view
            .fields()
            .map_err(|e| Diagnostic::error(format!("template context for {name}: {e}")))?;
        let ctx = scratch.with_page(fields);
        let rendered = self.tera.render(name, ctx);
        scratch.clear_page();
        rendered.map_err(|e| {
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

/// See [`Renderer::key_base`].
fn key_base(sources: &BTreeMap<String, Arc<SourceFile>>) -> Option<blake3::Hasher> {
    // `get_env` is the one this Tera has; `now` and `get_random` come with
    // its `builtins` feature, which is off, and are listed should it be on.
    let unkeyable = ["now(", "get_random(", "get_env("];
    if sources
        .values()
        .any(|f| unkeyable.iter().any(|call| f.text.contains(call)))
    {
        return None;
    }
    let mut h = blake3::Hasher::new();
    h.update(b"crosscheck page key 1\0");
    // The source this program is built from (see build.rs): a crosscheck
    // built from other code renders every page again.
    h.update(env!("CROSSCHECK_SOURCE_DIGEST").as_bytes());
    for (name, file) in sources {
        for part in [name.as_bytes(), file.text.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    Some(h)
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

/// Renders every page of the site, in parallel.
pub fn render_site(site: &Site, renderer: &Renderer) -> Result<Vec<Page>, Diagnostics> {
    render_jobs(site, renderer, &site_jobs(site))
}

/// Every output file of a site, as jobs.
pub(crate) fn site_jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = vec![Job::Index, Job::Data, Job::Style, Job::Favicon];
    jobs.extend([
        Job::SearchIndex,
        Job::SearchScript,
        Job::Feed,
        Job::Robots,
        Job::NotFound,
        Job::Annotations,
        Job::ArticleList,
        Job::ClaimList,
        Job::OutletList,
        Job::Disagreements,
        Job::Verdicts,
        Job::Corrections,
        Job::CorrectionsFeed,
    ]);
    if crate::url::is_absolute(&site.config.base_url) {
        jobs.push(Job::Sitemap);
    }
    jobs.extend(site.article_indices().map(Job::Article));
    jobs.extend(site.article_indices().map(Job::ArticleData));
    jobs.extend((0..site.claims.len()).map(Job::Claim));
    jobs.extend((0..site.claims.len()).map(Job::Card));
    jobs.extend((0..site.claims.len()).map(Job::CardPng));
    jobs.extend((0..site.claims.len()).map(Job::Embed));
    if crate::url::is_absolute(&site.config.base_url) {
        jobs.extend((0..site.claims.len()).map(Job::Oembed));
    }
    jobs.extend((0..site.findings.outlets.len()).map(Job::Outlet));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend((1..=crate::render::annotations::page_count(site)).map(Job::AnnotationPage));
    jobs
}

/// One page to render; the unit of incremental rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    Index,
    Data,
    Style,
    /// `favicon.svg`, the site's icon.
    Favicon,
    /// `articles/ID/index.html`.
    Article(ArticleIdx),
    /// `articles/ID/data.json`: the article's statements.
    ArticleData(ArticleIdx),
    /// `claims/ID/index.html`.
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
    /// `annotations.jsonld`: the collection.
    Annotations,
    /// `annotations/N.jsonld`: page N (from 1) of the collection.
    AnnotationPage(usize),
    /// `claims/ID/card.svg`.
    Card(usize),
    /// `claims/ID/card.png`: the same card rasterised, a pure function of
    /// the SVG's bytes (see [`crate::render::card::png::rasterise`]).
    CardPng(usize),
    /// `claims/ID/embed.html`: the verdict as a page to show in an
    /// `<iframe>`.
    Embed(usize),
    /// `claims/ID/oembed.json`: the oEmbed description of the embed, only
    /// when `base_url` is absolute.
    Oembed(usize),
    /// `articles/index.html`: every report.
    ArticleList,
    /// `claims/index.html`: every claim.
    ClaimList,
    /// `outlets/index.html`.
    OutletList,
    /// `outlets/ID/index.html`.
    Outlet(usize),
    /// `disagreements/index.html`.
    Disagreements,
    /// `verdicts/index.html`: the rating scale explained.
    Verdicts,
    /// `pages/ID/index.html`: one of the desk's pages.
    Page(usize),
    /// `corrections/index.html`.
    Corrections,
    /// `corrections.xml`: the Atom feed of corrections and updates.
    CorrectionsFeed,
}

pub(crate) fn render_jobs(
    site: &Site,
    renderer: &Renderer,
    jobs: &[Job],
) -> Result<Vec<Page>, Diagnostics> {
    let results: Vec<Result<Page, Diagnostic>> = jobs
        .par_iter()
        .map_init(
            || Scratch::new(site),
            |scratch, job| render_job_with(site, renderer, *job, scratch),
        )
        .collect();
    let mut diags = Diagnostics::default();
    let mut pages = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => diags.extend_distinct([d]),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(pages)
    }
}

/// The jobs `check` renders in memory: every page that comes from a
/// template (a template can parse and still fail on the data of one page,
/// and `check` passing must mean `build` will).
pub(crate) fn check_jobs(site: &Site) -> Vec<Job> {
    site_jobs(site)
        .into_iter()
        .filter(|j| template_of(*j).is_some())
        .collect()
}

/// The template a job renders, if it renders one.
fn template_of(job: Job) -> Option<&'static str> {
    Some(match job {
        Job::Index => "index.html",
        Job::NotFound => "404.html",
        Job::Article(_) => "article.html",
        Job::Claim(_) => "claim.html",
        Job::ArticleList => "articles.html",
        Job::ClaimList => "claims.html",
        Job::OutletList => "outlets.html",
        Job::Outlet(_) => "outlet.html",
        Job::Disagreements => "disagreements.html",
        Job::Verdicts => "verdicts.html",
        Job::Page(_) => "page.html",
        Job::Corrections => "corrections.html",
        Job::Embed(_) => "embed.html",
        _ => return None,
    })
}

/// For a job whose file is a pure function of a cheaper one, the file's
/// path and a key of what it is made from: a card's PNG is its SVG
/// rasterised, and rasterising is most of a build's CPU time at 10,000
/// claims, so a sink that holds the PNG of the same SVG keeps it.
pub(crate) fn derived_key(site: &Site, job: Job) -> Option<(String, u64)> {
    match job {
        Job::CardPng(i) => Some((
            format!("claims/{}/card.png", site.claims[i].id),
            crate::render::card::png::key(&crate::render::card::verdict_card(site, i)),
        )),
        _ => None,
    }
}

/// Renders one job. For many, [`render_job_with`] and one [`Scratch`] per
/// worker save setting up the shared context again for each.
pub fn render_job(site: &Site, renderer: &Renderer, job: Job) -> Result<Page, Diagnostic> {
    render_job_with(site, renderer, job, &mut Scratch::new(site))
}

/// Renders one job with a context reused from the worker's previous job.
pub fn render_job_with(
    site: &Site,
    renderer: &Renderer,
    job: Job,
    scratch: &mut Scratch,
) -> Result<Page, Diagnostic> {
    match render_job_keyed(site, renderer, job, scratch, None)? {
        Rendered::Page(page, _) => Ok(page),
        Rendered::Kept { .. } => unreachable!("nothing is kept when keep says no"),
    }
}

/// `keep(path, key)`: the length of the file the sink holds at `path`
/// made from `key`, if it holds one.
pub(crate) type Keep<'a> = dyn Fn(&str, u64) -> Option<u64> + 'a;

/// What [`render_job_keyed`] did with a job.
pub(crate) enum Rendered {
    /// The page, with the key it was made from when it has one.
    Page(Page, Option<u64>),
    /// `keep` held a file of this key: not rendered again.
    Kept { path: String, len: u64 },
}

/// Renders one job, unless it is a page from a template and `keep(path,
/// key)` says it holds that page made from the same key (returning the
/// length of the file it keeps). Without `keep` (a sink that holds no
/// earlier files) no key is computed.
pub(crate) fn render_job_keyed(
    site: &Site,
    renderer: &Renderer,
    job: Job,
    scratch: &mut Scratch,
    keep: Option<&Keep<'_>>,
) -> Result<Rendered, Diagnostic> {
    let mut key = None;
    let mut page = |path: String, view: &dyn erased::View| -> Result<Page, KeptOr> {
        let name = template_of(job).expect("a template job");
        if let Some(keep) = keep {
            key = renderer.page_key(name, view, scratch);
            if let Some(len) = key.and_then(|k| keep(&path, k)) {
                return Err(KeptOr::Kept { path, len });
            }
        }
        Ok(Page::new(
            path,
            renderer.render_erased(name, view, scratch)?,
        ))
    };
    match render_job_pages(site, renderer, job, &mut page) {
        Ok(p) => Ok(Rendered::Page(p, key)),
        Err(KeptOr::Kept { path, len }) => Ok(Rendered::Kept { path, len }),
        Err(KeptOr::Failed(d)) => Err(d),
    }
}

/// A page that need not be rendered, or a failure.
enum KeptOr {
    Kept { path: String, len: u64 },
    Failed(Diagnostic),
}

impl From<Diagnostic> for KeptOr {
    fn from(d: Diagnostic) -> KeptOr {
        KeptOr::Failed(d)
    }
}

fn render_job_pages(
    site: &Site,
    renderer: &Renderer,
    job: Job,
    page: &mut dyn FnMut(String, &dyn erased::View) -> Result<Page, KeptOr>,
) -> Result<Page, KeptOr> {
    match job {
        Job::Index => page("index.html".into(), &pages::index_view(site)),
        Job::Data => Ok(Page::new("data.json", data_json(site))),
        Job::Style => Ok(Page::new(
            "style.css",
            if site.config.strings.is_rtl() {
                crate::i18n::mirror_css(&renderer.style)
            } else {
                renderer.style.clone()
            },
        )),
        Job::Favicon => Ok(Page::new("favicon.svg", renderer.favicon.clone())),
        Job::SearchIndex => Ok(Page::new(
            crate::render::search::INDEX_PATH,
            crate::render::search::index_json(site),
        )),
        Job::SearchScript => Ok(Page::new(
            "search.js",
            crate::i18n::localise_search_js(&renderer.script, &site.config.strings),
        )),
        Job::Feed => Ok(Page::new("feed.xml", crate::render::feeds::atom(site))),
        Job::CorrectionsFeed => Ok(Page::new(
            "corrections.xml",
            crate::render::feeds::corrections_atom(site),
        )),
        Job::Sitemap => Ok(Page::new(
            "sitemap.xml",
            crate::render::feeds::sitemap(site).unwrap_or_default(),
        )),
        Job::Robots => Ok(Page::new("robots.txt", crate::render::feeds::robots(site))),
        Job::NotFound => page("404.html".into(), &pages::not_found_view(site)),
        Job::Annotations => Ok(Page::new(
            "annotations.jsonld",
            crate::render::annotations::collection_jsonld(site),
        )),
        Job::AnnotationPage(n) => Ok(Page::new(
            crate::render::annotations::page_path(n),
            crate::render::annotations::page_jsonld(site, n),
        )),
        Job::Card(i) => Ok(Page::new(
            format!("claims/{}/card.svg", site.claims[i].id),
            crate::render::card::verdict_card(site, i),
        )),
        Job::CardPng(i) => {
            let id = &site.claims[i].id;
            crate::render::card::png::rasterise(&crate::render::card::verdict_card(site, i))
                .map(|png| Page::new(format!("claims/{id}/card.png"), png))
                .map_err(|e| Diagnostic::error(format!("claims/{id}/card.png: {e}")).into())
        }
        Job::Embed(i) => page(
            format!("claims/{}/embed.html", site.claims[i].id),
            &embed::embed_view(site, i),
        ),
        Job::Oembed(i) => Ok(Page::new(
            format!("claims/{}/oembed.json", site.claims[i].id),
            embed::oembed_json(site, i),
        )),
        Job::Article(i) => page(
            format!("articles/{}/index.html", site.article(i).id),
            &pages::article_view(site, i),
        ),
        Job::ArticleData(i) => Ok(Page::new(
            data::statements_path(site, i),
            statements_json(site, i),
        )),
        Job::Claim(i) => page(
            format!("claims/{}/index.html", site.claims[i].id),
            &pages::claim_view(site, i),
        ),
        Job::ArticleList => page(
            "articles/index.html".into(),
            &pages::article_list_view(site),
        ),
        Job::ClaimList => page("claims/index.html".into(), &pages::claim_list_view(site)),
        Job::OutletList => page("outlets/index.html".into(), &pages::outlet_list_view(site)),
        Job::Outlet(i) => page(
            format!("outlets/{}/index.html", site.findings.outlets[i].id),
            &pages::outlet_view(site, i),
        ),
        Job::Disagreements => page(
            "disagreements/index.html".into(),
            &pages::disagreements_view(site),
        ),
        Job::Verdicts => page("verdicts/index.html".into(), &pages::verdicts_view(site)),
        Job::Page(i) => page(
            format!("pages/{}/index.html", site.pages[i].id),
            &pages::page_view(site, i),
        ),
        Job::Corrections => page(
            "corrections/index.html".into(),
            &pages::corrections_view(site),
        ),
    }
}

/// Views of every kind through one function: each is turned into Tera's
/// context the same way.
mod erased {
    pub(crate) trait View {
        /// The view's top-level fields, as the template reads them.
        fn fields(&self) -> Result<serde_json::Map<String, serde_json::Value>, serde_json::Error>;
        /// The same data as JSON, written out (for a page's key).
        fn write_json(&self, w: &mut dyn std::io::Write) -> Result<(), serde_json::Error>;
    }

    impl<T: serde::Serialize> View for T {
        fn write_json(&self, w: &mut dyn std::io::Write) -> Result<(), serde_json::Error> {
            serde_json::to_writer(w, self)
        }

        fn fields(&self) -> Result<serde_json::Map<String, serde_json::Value>, serde_json::Error> {
            match serde_json::to_value(self)? {
                serde_json::Value::Object(map) => Ok(map),
                _ => Err(serde::ser::Error::custom("a view is a struct")),
            }
        }
    }
}

/// A template context reused from page to page by one worker: it holds
/// what every page of a site shares, the catalogue `t` (hundreds of
/// strings, which copied into each page's context cost more than the rest
/// of most pages' data), and each page's own fields only while it renders.
pub struct Scratch {
    ctx: tera::Context,
    t: serde_json::Value,
    /// The catalogue's digest, for pages' keys.
    t_digest: [u8; 32],
    /// The fields of the page being rendered, to take out again after.
    page_keys: Vec<String>,
    /// The JSON of the view whose key is being computed.
    key_json: Vec<u8>,
}

impl Scratch {
    /// A context for pages of `site`.
    pub fn new(site: &Site) -> Scratch {
        let t = site.config.strings.template_value().clone();
        let mut ctx = tera::Context::new();
        ctx.insert("t", &t);
        let mut h = blake3::Hasher::new();
        serde_json::to_writer(&mut h, &t).expect("JSON values serialise");
        Scratch {
            ctx,
            t,
            t_digest: *h.finalize().as_bytes(),
            page_keys: Vec::new(),
            key_json: Vec::new(),
        }
    }

    fn with_page(&mut self, fields: serde_json::Map<String, serde_json::Value>) -> &tera::Context {
        self.page_keys.extend(fields.keys().cloned());
        let page = tera::Context::from_value(serde_json::Value::Object(fields))
            .expect("an object is a context");
        self.ctx.extend(page);
        &self.ctx
    }

    /// Back to the shared fields alone, so no page sees another's.
    fn clear_page(&mut self) {
        for key in self.page_keys.drain(..) {
            self.ctx.remove(&key);
        }
        if !self.ctx.contains_key("t") {
            self.ctx.insert("t", &self.t);
        }
    }
}

/// JSON that is safe inside `<script>`: `<`, `>` and `&` are escaped so no
/// claim text can close the element or open a comment.
pub(crate) fn script_safe_json(value: &serde_json::Value) -> String {
    // Compact: machines read it, and it is on every claim page.
    let s = serde_json::to_string(value).expect("JSON values serialise");
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
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects = vec![repo.to_path_buf()];
    for entry in std::fs::read_dir(repo.join("tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.join("content/site.toml").is_file() {
            projects.push(path);
        }
    }
    projects.sort();
    projects.push(hazards.path().to_path_buf());
    (projects, hazards)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::markdown_html;

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
    fn a_page_rendered_after_another_with_one_scratch_sees_only_its_own_fields() {
        let dir = keyed_project(
            &[(
                "article.html",
                "{% if claim is defined %}saw a claim{% else %}clean{% endif %}: {{ t.nav.claims }}",
            )],
            None,
        );
        let (site, diags) = crate::pipeline::site::compile(
            dir.path(),
            crate::pipeline::site::BuildOptions { drafts: true },
        );
        let site = site.unwrap_or_else(|| panic!("{}", diags.render(false)));
        assert!(!site.claims.is_empty());
        let renderer = Renderer::new(dir.path()).unwrap_or_else(|d| panic!("{}", d.render(false)));
        let article = Job::Article(site.article_indices().next().unwrap());
        let fresh = render_job(&site, &renderer, article).unwrap();
        let mut scratch = Scratch::new(&site);
        render_job_with(&site, &renderer, Job::Claim(0), &mut scratch).unwrap();
        let after_a_claim = render_job_with(&site, &renderer, article, &mut scratch).unwrap();
        assert_eq!(after_a_claim.bytes, fresh.bytes);
        assert_eq!(String::from_utf8_lossy(&fresh.bytes), "clean: Claims");
    }

    /// Two articles and the claims of the `basic` fixture, with
    /// `templates/` from `templates` and the catalogue overrides `i18n_en`.
    fn keyed_project(templates: &[(&str, &str)], i18n_en: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for rel in [
            "content/site.toml",
            "content/claims.toml",
            "content/articles/daily-courier.md",
            "content/articles/harbour-news.md",
        ] {
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(fixture.join(rel), to).unwrap();
        }
        for (name, text) in templates {
            std::fs::create_dir_all(dir.path().join("templates")).unwrap();
            std::fs::write(dir.path().join("templates").join(name), text).unwrap();
        }
        if let Some(text) = i18n_en {
            std::fs::create_dir_all(dir.path().join("content/i18n")).unwrap();
            std::fs::write(dir.path().join("content/i18n/en.toml"), text).unwrap();
        }
        dir
    }

    /// The key each article page is rendered under, and whether a sink
    /// holding exactly those keys keeps the pages without rendering them.
    fn article_keys(dir: &std::path::Path) -> (Vec<Option<u64>>, bool) {
        let (site, diags) = crate::pipeline::site::compile(
            dir,
            crate::pipeline::site::BuildOptions { drafts: true },
        );
        let site = site.unwrap_or_else(|| panic!("{}", diags.render(false)));
        let renderer = Renderer::new(dir).unwrap_or_else(|d| panic!("{}", d.render(false)));
        let mut scratch = Scratch::new(&site);
        let mut keys = Vec::new();
        let mut held = Vec::new();
        for ai in site.article_indices() {
            match render_job_keyed(
                &site,
                &renderer,
                Job::Article(ai),
                &mut scratch,
                Some(&|_, _| None),
            )
            .unwrap()
            {
                Rendered::Page(page, key) => {
                    keys.push(key);
                    held.extend(key.map(|k| (page.path.clone(), k, page.bytes.len() as u64)));
                }
                Rendered::Kept { .. } => unreachable!(),
            }
        }
        let keep = |path: &str, key: u64| {
            held.iter()
                .find(|(p, k, _)| p == path && *k == key)
                .map(|&(_, _, len)| len)
        };
        let all_kept = site.article_indices().all(|ai| {
            matches!(
                render_job_keyed(
                    &site,
                    &renderer,
                    Job::Article(ai),
                    &mut scratch,
                    Some(&keep)
                )
                .unwrap(),
                Rendered::Kept { .. }
            )
        });
        (keys, all_kept)
    }

    #[test]
    fn a_page_is_kept_only_under_the_key_of_its_data_templates_and_words() {
        let plain = keyed_project(&[], None);
        let (keys, kept) = article_keys(plain.path());
        assert!(keys.iter().all(Option::is_some), "{keys:?}");
        assert!(kept, "pages held under their keys are kept, not rendered");
        assert_ne!(keys[0], keys[1], "two articles, two keys");
        assert_eq!(
            article_keys(plain.path()).0,
            keys,
            "the same project, the same keys"
        );

        // Another article text, template or word of the catalogue: every
        // page it could change gets another key.
        let edited = keyed_project(&[], None);
        let article = edited.path().join("content/articles/daily-courier.md");
        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(&article, format!("{text}\nA new closing sentence.\n")).unwrap();
        let (after, _) = article_keys(edited.path());
        assert_ne!(after[0], keys[0]);
        assert_eq!(after[1], keys[1], "the other article's page is unchanged");

        let template = keyed_project(&[("article.html", "{{ article.title }}")], None);
        let (with_template, _) = article_keys(template.path());
        assert!(with_template.iter().zip(&keys).all(|(a, b)| a != b));

        let words = keyed_project(&[], Some("[nav]\nclaims = \"Checks\"\n"));
        let (with_words, _) = article_keys(words.path());
        assert!(with_words.iter().zip(&keys).all(|(a, b)| a != b));

        // A template that reads the environment renders every time.
        let clock = keyed_project(
            &[("article.html", "{{ get_env(name=\"HOME\", default=\"\") }}")],
            None,
        );
        assert!(article_keys(clock.path()).0.iter().all(Option::is_none));
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
