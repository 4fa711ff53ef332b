//! The incremental build behind `serve`.
//!
//! A [`Workspace`] keeps, between rebuilds, everything a full build would
//! recompute: each article file parsed with its [`Doc`] (keyed by the
//! file's content), each claims file parsed, the templates, and every
//! anchored quote (keyed by article and quote). A rebuild re-reads only the
//! files the watcher named, re-parses only those whose content changed,
//! anchors only quotes it has not anchored against the current text, and
//! then runs the cheap whole-site stages ([`site::assemble`]: sign-off
//! lapses, the claim graph) exactly as `build` does.
//!
//! It then renders only the pages the change can reach:
//!
//! * an article edit: that article, the claims citing it (before and after
//!   the edit), the articles sharing one of those claims (their
//!   agree/contradict links name its statements), and the site-wide files
//!   (index, data.json, feeds, search index…);
//! * a claims edit: the claims that changed (and their cards), the articles
//!   they cite before and after, and the site-wide files;
//! * a template or site.toml edit: everything.
//!
//! Pages are kept by the last build that *succeeded*: a failed build
//! leaves them alone, and what changed keeps accumulating until the next
//! good build renders all of it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rayon::prelude::*;

use super::claims::{self, Print};
use crate::anchor::Anchor;
use crate::compiled::{ClaimsVersion, SiteCell};
use crate::content::{
    self, Article, Claim, Content, ContentFiles, ContentPage, Evidence, SiteConfig, Status,
};
use crate::diag::Diagnostics;
use crate::document::{self, Doc};
use crate::graph::{self, Anchors};
use crate::project::Project;
use crate::render::{self, Job, Renderer};
use crate::site::{self, BuildOptions, Site};

/// Served pages by path relative to the site root (`index.html`,
/// `articles/ID/index.html`, `data.json`…).
pub type Pages = BTreeMap<String, Bytes>;

/// How long a rebuild waits for readers to let go of the previous site
/// before it copies what it needs of it instead.
const RECLAIM_PATIENCE: Duration = Duration::from_secs(2);

/// [`Outcome::what`] when no file had really changed.
pub const NOTHING: &str = "nothing";

/// What the watcher saw, as work for [`Workspace::rebuild`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Article files created, modified, renamed or removed.
    pub articles: BTreeSet<PathBuf>,
    /// A claims file, or the claims folder, changed.
    pub claims: bool,
    /// `content/site.toml` changed.
    pub config: bool,
    /// Something under `content/pages/` changed.
    pub pages: bool,
    /// Something under `templates/` changed.
    pub templates: bool,
    /// A content folder appeared, vanished or was renamed, or the watcher
    /// lost events: discover every file again (unchanged ones are still
    /// not re-parsed).
    pub rescan: bool,
    /// Something that is not an article changed in `content/articles/`
    /// (or in `content/`): list them again, for the problems with it.
    pub listing: bool,
}

impl Changes {
    /// Everything, as for the first build.
    pub fn everything() -> Changes {
        Changes {
            claims: true,
            config: true,
            pages: true,
            templates: true,
            rescan: true,
            ..Changes::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    pub fn merge(&mut self, other: Changes) {
        self.articles.extend(other.articles);
        self.claims |= other.claims;
        self.config |= other.config;
        self.pages |= other.pages;
        self.templates |= other.templates;
        self.rescan |= other.rescan;
        self.listing |= other.listing;
    }
}

/// The result of one rebuild.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What to serve: the new pages, or the last good ones if this build
    /// failed (empty if no build has succeeded yet).
    pub pages: Arc<Pages>,
    /// Everything `crosscheck check` would print, sorted; has errors when
    /// the build failed.
    pub diagnostics: Diagnostics,
    /// Rendered pages whose bytes differ from what was served before
    /// (including new pages), plus pages removed.
    pub changed: usize,
    /// What was rendered.
    pub rendered: Rendered,
    /// What the change was, for the console: "content/articles/a.md",
    /// "3 articles, claims", "templates"…
    pub what: String,
    pub elapsed: Duration,
    /// Where the time went, stage by stage (printed with `--verbose`).
    pub phases: Vec<(&'static str, Duration)>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Counts of what a rebuild rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Article pages.
    pub articles: usize,
    /// Claim pages.
    pub claims: usize,
    /// Every file: those pages, claim cards and the site-wide files
    /// (index, data.json, feeds, search index, style…).
    pub files: usize,
    /// Derived files (PNG cards) drawn again rather than kept: only those
    /// whose source changed, even when every page is rendered.
    pub redrawn: usize,
    /// True when every file was rendered.
    pub all: bool,
    /// True when the site-wide files were left for the next build
    /// ([`Later::NextBuild`]): they are still the previous ones.
    pub unfinished: bool,
}

/// An incremental build half way: the pages of the articles and claims
/// it reaches are in `pages`; the site-wide files in `deferred` are still
/// the old ones and are being rendered.
#[derive(Debug, Clone)]
pub struct Early {
    pub pages: Arc<Pages>,
    pub deferred: Vec<String>,
    pub changed: usize,
    pub rendered: Rendered,
    pub elapsed: Duration,
    pub phases: Vec<(&'static str, Duration)>,
}

/// Stage timings of one rebuild.
#[derive(Debug)]
struct Laps {
    last: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl Laps {
    fn new() -> Laps {
        Laps {
            last: Instant::now(),
            phases: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.phases.push((name, now - self.last));
        self.last = now;
    }
}

/// When to render the site-wide files of an [`Early`] build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Later {
    /// Now, completing this build.
    Now,
    /// In the next build, which is already due (more saves came in):
    /// rendering them now would only delay it.
    NextBuild,
}

/// Site-wide files worth rendering after the reload: they grow with the
/// whole site (at 10,000 articles data.json is 17 MB, an outlet's page
/// lists a thousand reports, the annotations are twenty pages of a
/// thousand), and no page needs them to display. Style and scripts are not among them: a page
/// that reloads needs those at once (and they change only with templates,
/// which re-render everything anyway). Job kinds added later are not
/// deferred, which is always correct.
fn deferrable(job: Job) -> bool {
    matches!(
        job,
        Job::Index
            | Job::Data
            | Job::SearchIndex
            | Job::Feed
            | Job::Annotations
            | Job::Sitemap
            | Job::ArticleList
            | Job::ClaimList
            | Job::OutletList
            | Job::Outlet(_)
            | Job::Disagreements
            | Job::Corrections
            | Job::CorrectionsFeed
            | Job::AnnotationPage(_)
    )
}

/// One article file as last read.
#[derive(Debug)]
struct ArticleSlot {
    /// Hash of the text as read (after BOM and line-ending clean-up).
    hash: blake3::Hash,
    /// Problems reading or parsing it.
    diags: Diagnostics,
    /// Whether it parsed (and so is in [`Workspace::articles`]).
    parsed: bool,
}

/// One claims file as last read.
#[derive(Debug)]
struct ClaimsSlot {
    path: PathBuf,
    hash: blake3::Hash,
    diags: Diagnostics,
    /// Its claims, in order, with a fingerprint of everything pages show.
    claims: Vec<(String, Print)>,
    /// How to re-parse it a claim at a time ([`claims::parse_sections`]).
    sections: Option<Vec<claims::Section>>,
}

/// Which page a rendered file belongs to, so its files can be dropped when
/// the article or claim goes away.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Entity {
    Article(String),
    Claim(String),
}

/// Who cites whom, from the claims' evidence (anchored or not).
#[derive(Debug, Default, PartialEq, Eq)]
struct Deps {
    /// Claim id → the articles its evidence names, sorted, no repeats.
    cites: HashMap<String, Vec<String>>,
    /// Article id → the claims whose evidence names it, sorted, no repeats.
    cited_by: HashMap<String, Vec<String>>,
}

impl Deps {
    /// Rebuilt on every claims edit, so built from one sorted list of
    /// pairs rather than by inserting into sets.
    fn of(claims: &[Claim]) -> Deps {
        let mut pairs: Vec<(&str, &str)> = claims
            .iter()
            .flat_map(|c| {
                c.evidence
                    .iter()
                    .map(|ev| (c.id.as_str(), ev.article.as_str()))
            })
            .collect();
        let mut cites: HashMap<String, Vec<String>> = HashMap::with_capacity(claims.len());
        for c in claims {
            cites.entry(c.id.clone()).or_default();
        }
        pairs.sort_unstable();
        pairs.dedup();
        for &(claim, article) in &pairs {
            if let Some(list) = cites.get_mut(claim) {
                list.push(article.to_string());
            }
        }
        pairs.sort_unstable_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        let mut cited_by: HashMap<String, Vec<String>> = HashMap::new();
        for group in pairs.chunk_by(|a, b| a.1 == b.1) {
            cited_by.insert(
                group[0].1.to_string(),
                group.iter().map(|(c, _)| c.to_string()).collect(),
            );
        }
        Deps { cites, cited_by }
    }

    /// Brings the deps up to date with `claims` for the claims `changed`
    /// (edited, added or removed): as [`Deps::of`], for the cost of those.
    fn update(&mut self, claims: &[Claim], changed: &BTreeSet<String>) {
        for id in changed {
            for article in self.cites.remove(id).unwrap_or_default() {
                if let Some(list) = self.cited_by.get_mut(&article) {
                    list.retain(|c| c != id);
                    if list.is_empty() {
                        self.cited_by.remove(&article);
                    }
                }
            }
        }
        let mut fresh: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for c in claims.iter().filter(|c| changed.contains(&c.id)) {
            fresh
                .entry(&c.id)
                .or_default()
                .extend(c.evidence.iter().map(|ev| ev.article.as_str()));
        }
        for (id, articles) in fresh {
            for &article in &articles {
                let list = self.cited_by.entry(article.to_string()).or_default();
                if let Err(at) = list.binary_search_by(|c| c.as_str().cmp(id)) {
                    list.insert(at, id.to_string());
                }
            }
            self.cites.insert(
                id.to_string(),
                articles.into_iter().map(String::from).collect(),
            );
        }
    }

    fn cites(&self, claim: &str) -> impl Iterator<Item = &String> {
        self.cites.get(claim).into_iter().flatten()
    }

    fn cited_by(&self, article: &str) -> impl Iterator<Item = &String> {
        self.cited_by.get(article).into_iter().flatten()
    }
}

/// What changed since the last good build.
#[derive(Debug, Default)]
struct Dirty {
    all: bool,
    articles: BTreeSet<String>,
    claims: BTreeSet<String>,
    /// The site-wide files of the last build were left for this one.
    site_wide: bool,
}

impl Dirty {
    fn is_empty(&self) -> bool {
        !self.all && !self.site_wide && self.articles.is_empty() && self.claims.is_empty()
    }
}

/// Anchors already found, per article (dropped when its text changes) and
/// quote. Failures are not kept: they are rare, and their diagnostics
/// point into the claims file, whose spans move with every edit.
#[derive(Debug, Default)]
struct AnchorCache {
    by_article: HashMap<String, QuoteAnchors>,
}

/// Anchors in one article by quote, then by `occurrence`.
type QuoteAnchors = HashMap<String, Vec<(Option<usize>, Anchor)>>;

impl AnchorCache {
    fn get(&self, ev: &Evidence) -> Option<&Anchor> {
        self.by_article
            .get(&ev.article)?
            .get(&ev.quote)?
            .iter()
            .find(|(o, _)| *o == ev.occurrence)
            .map(|(_, a)| a)
    }

    fn insert(&mut self, ev: &Evidence, anchor: Anchor) {
        let list = self
            .by_article
            .entry(ev.article.clone())
            .or_default()
            .entry(ev.quote.clone())
            .or_default();
        if !list.iter().any(|(o, _)| *o == ev.occurrence) {
            list.push((ev.occurrence, anchor));
        }
    }

    fn forget(&mut self, article: &str) {
        self.by_article.remove(article);
    }
}

/// An article file read and parsed off the main state (in parallel).
enum ReadArticle {
    /// Not an article file (any more): deleted, renamed away, a folder.
    Gone,
    /// Same text as last time.
    Unchanged,
    Changed {
        hash: blake3::Hash,
        diags: Diagnostics,
        /// The article with its doc; `None` for the doc when the body is
        /// the same as before (only the front matter changed).
        parsed: Option<Box<(Article, Option<Doc>)>>,
    },
}

/// Project state kept across rebuilds. See the module documentation.
pub struct Workspace {
    project: Project,
    /// `project`'s folder, resolved once by [`Project::open`].
    root: PathBuf,
    config: Option<SiteConfig>,
    config_hash: Option<blake3::Hash>,
    config_diags: Diagnostics,
    /// `content/pages/`, with the hash of the files as read and their problems.
    content_pages: Vec<ContentPage>,
    content_pages_hash: Option<blake3::Hash>,
    content_pages_diags: Diagnostics,
    /// Problems with entries of `content/` and `content/articles/` that
    /// are not articles (see [`crate::input`]).
    listing_diags: Diagnostics,
    /// The same for `content/claims/`.
    claims_listing_diags: Diagnostics,
    slots: BTreeMap<PathBuf, ArticleSlot>,
    /// Parsed articles sorted as `build` loads them (by file name), and
    /// their docs, index for index.
    articles: Vec<Article>,
    docs: Vec<Doc>,
    claim_files: Vec<ClaimsSlot>,
    /// Every claims file's claims, concatenated in load order.
    claims: Vec<Claim>,
    renderer: Result<Renderer, Diagnostics>,
    anchors: AnchorCache,
    /// The anchors of the last compile, for the claims as they are now
    /// (the rows of edited claims emptied, to be looked up again); `None`
    /// after claims were added, removed or reordered.
    matrix: Option<Anchors>,
    /// Articles whose text changed (or that came or went) since `matrix`.
    stale: BTreeSet<String>,
    /// Diagnostics of the cross-file reference check, until the claims or
    /// the set of article files change.
    references: Option<Diagnostics>,
    deps: Deps,
    /// State of the last good build: its pages, what the claims changed
    /// since then cited when it was rendered, and which files each
    /// article or claim produced.
    pages: Arc<Pages>,
    published: bool,
    before_cites: HashMap<String, Vec<String>>,
    entity_pages: HashMap<Entity, Vec<String>>,
    /// Where each site-wide job's file goes, from the last full render.
    site_wide_paths: HashMap<Job, String>,
    /// What each derived file in `pages` (a PNG card) was drawn from (see
    /// [`render::derived_key`]): a template edit re-renders every page but
    /// redraws only the cards whose SVG changed, as `build` does. With the
    /// hash of the bytes drawn, so a file is reused only while `pages`
    /// still holds exactly those.
    derived_keys: HashMap<String, (u64, blake3::Hash)>,
    pending: Dirty,
    laps: Laps,
    /// The site of the last compile and the claims' statuses as the files
    /// say (see [`Workspace::restore`]), shared with the readers of `cell`
    /// until the next rebuild takes it back.
    compiled: Option<(Arc<Site>, Vec<Status>)>,
    cell: Option<Arc<SiteCell>>,
    /// Of the claims files as last read (see [`ClaimsVersion`]).
    claims_version: Option<String>,
}

impl Workspace {
    /// An empty workspace; the first [`Workspace::rebuild`] with
    /// [`Changes::everything`] loads the project.
    pub fn new(project: &Project) -> Workspace {
        Workspace {
            project: project.clone(),
            root: project.root().to_path_buf(),
            config: None,
            config_hash: None,
            config_diags: Diagnostics::default(),
            content_pages: Vec::new(),
            content_pages_hash: None,
            content_pages_diags: Diagnostics::default(),
            listing_diags: Diagnostics::default(),
            claims_listing_diags: Diagnostics::default(),
            slots: BTreeMap::new(),
            articles: Vec::new(),
            docs: Vec::new(),
            claim_files: Vec::new(),
            claims: Vec::new(),
            renderer: Err(Diagnostics::default()),
            anchors: AnchorCache::default(),
            matrix: None,
            stale: BTreeSet::new(),
            references: None,
            deps: Deps::default(),
            pages: Arc::new(Pages::new()),
            published: false,
            before_cites: HashMap::new(),
            entity_pages: HashMap::new(),
            site_wide_paths: HashMap::new(),
            derived_keys: HashMap::new(),
            laps: Laps::new(),
            pending: Dirty {
                all: true,
                ..Dirty::default()
            },
            compiled: None,
            cell: None,
            claims_version: None,
        }
    }

    /// A workspace that publishes every site it compiles to `cell`.
    pub fn with_cell(project: &Project, cell: Arc<SiteCell>) -> Workspace {
        Workspace {
            cell: Some(cell),
            ..Workspace::new(project)
        }
    }

    /// The pages of the last good build.
    pub fn pages(&self) -> &Arc<Pages> {
        &self.pages
    }

    /// Applies `changes`, compiles, and renders what they reach.
    pub fn rebuild(&mut self, changes: &Changes) -> Outcome {
        self.rebuild_with(changes, &mut |_| Later::Now)
    }

    /// [`Workspace::rebuild`], calling `early` when the pages the change
    /// reaches are ready but the big site-wide files are not yet (see
    /// [`Early`]).
    pub fn rebuild_with(
        &mut self,
        changes: &Changes,
        early: &mut dyn FnMut(&Early) -> Later,
    ) -> Outcome {
        let started = Instant::now();
        self.laps = Laps::new();
        self.reclaim();
        let what = self.apply(changes);
        self.laps.lap("read");
        let (compiled, mut diags) = self.compile();
        if let Err(d) = &self.renderer {
            diags.extend(d.clone());
        }
        if let Some((site, _)) = &compiled {
            // `check` prints these too; they are warnings.
            diags.extend(crate::claims::consistency::check(&site.claims, &site.pages));
        }
        diags.sort();
        self.laps.lap("check");
        let mut outcome = Outcome {
            pages: self.pages.clone(),
            diagnostics: diags,
            changed: 0,
            rendered: Rendered::default(),
            what,
            elapsed: Duration::ZERO,
            phases: Vec::new(),
        };
        // Published before rendering: readers need the site, not the pages.
        let compiled = compiled.map(|(site, statuses)| (Arc::new(site), statuses));
        if let Some(cell) = &self.cell {
            let site = compiled.as_ref().map(|(site, _)| site.clone());
            cell.publish(site, self.claims_version.clone());
        }
        if let Some((site, statuses)) = compiled {
            if !outcome.diagnostics.has_errors() {
                match self.render(&site, started, early) {
                    Ok((changed, rendered)) => {
                        outcome.pages = self.pages.clone();
                        outcome.changed = changed;
                        outcome.rendered = rendered;
                    }
                    Err(d) => {
                        outcome.diagnostics.extend(d);
                        outcome.diagnostics.sort();
                    }
                }
            }
            self.compiled = Some((site, statuses));
        }
        outcome.elapsed = started.elapsed();
        outcome.phases = std::mem::take(&mut self.laps.phases);
        outcome
    }

    /// Reads what changed into the caches and records what is dirty.
    /// Returns a short description of the change for the console.
    fn apply(&mut self, changes: &Changes) -> String {
        let mut what: Vec<String> = Vec::new();
        if (changes.config || changes.rescan) && self.load_config() {
            what.push("content/site.toml".into());
        }
        if (changes.pages || changes.rescan) && self.load_content_pages() {
            what.push("content/pages".into());
        }
        if changes.templates {
            self.renderer = self.project.renderer();
            self.pending.all = true;
            what.push("templates".into());
        }
        let mut paths: BTreeSet<PathBuf> = changes.articles.clone();
        if changes.rescan || changes.listing {
            let (articles, problems) = ContentFiles::discover_articles(&self.root);
            self.listing_diags = content::listing_diagnostics(&problems);
            if changes.rescan {
                paths.extend(articles);
                paths.extend(self.slots.keys().cloned());
            }
        }
        let changed = self.load_articles(&paths);
        match changed.as_slice() {
            [] => {}
            [one] => what.push(format!("content/articles/{one}.md")),
            many => what.push(format!("{} articles", many.len())),
        }
        if changes.claims || changes.rescan {
            let n = self.load_claims();
            if n > 0 {
                what.push(format!("{n} claim{}", if n == 1 { "" } else { "s" }));
            }
        }
        if what.is_empty() {
            NOTHING.into()
        } else {
            what.join(", ")
        }
    }

    /// How the articles split into statements: by site.toml's `language`.
    fn language(&self) -> crate::statements::Language {
        crate::statements::Language::of(&self.language_tag())
    }

    fn language_tag(&self) -> String {
        self.config
            .as_ref()
            .map_or_else(|| "en".to_string(), |c| c.language.clone())
    }

    /// Re-reads site.toml; true if it changed.
    fn load_config(&mut self) -> bool {
        let path = self.root.join("content").join("site.toml");
        let mut diags = Diagnostics::default();
        // Read under the input rule (a FIFO must not block the builder);
        // anything unreadable is loaded again, to report why.
        let hash = self
            .project
            .input_rule()
            .read(&path, false)
            .ok()
            .map(|b| blake3::hash(&b));
        if hash.is_some() && hash == self.config_hash {
            return false;
        }
        let before = self.language_tag();
        self.config = content::load_site_config(&self.root, &path, &mut diags);
        self.config_diags = diags;
        self.config_hash = hash;
        // Statements split differently in another language: split again.
        if self.language_tag() != before {
            let lang = self.language();
            for (article, doc) in self.articles.iter().zip(self.docs.iter_mut()) {
                *doc = document::parse_in(&article.body, lang);
            }
            let ids: Vec<String> = self.articles.iter().map(|a| a.id.clone()).collect();
            for id in ids {
                self.text_changed(&id);
            }
        }
        // The title and base URL are on every page.
        self.pending.all = true;
        true
    }

    /// Re-reads `content/pages/`; true if any page changed. Pages are few
    /// and every page of the site links to them, so a change re-renders
    /// everything.
    fn load_content_pages(&mut self) -> bool {
        let (paths, problems) = ContentFiles::discover_pages(&self.root);
        // Read through the input rules (no FIFO blocks, no link leads out).
        let project = self.project.input_rule();
        let mut h = blake3::Hasher::new();
        for p in &paths {
            h.update(p.as_os_str().as_encoded_bytes());
            h.update(&[0]);
            h.update(&project.read(p, true).unwrap_or_default());
            h.update(&[0]);
        }
        for p in &problems {
            h.update(p.message.as_bytes());
        }
        let hash = Some(h.finalize());
        if hash == self.content_pages_hash {
            return false;
        }
        let mut diags = content::listing_diagnostics(&problems);
        self.content_pages = content::load_pages(&self.root, &paths, &mut diags);
        self.content_pages_diags = diags;
        self.content_pages_hash = hash;
        self.pending.all = true;
        true
    }

    /// Reads and parses the article files at `paths` (in parallel), then
    /// applies the results. Returns the ids of articles that changed.
    fn load_articles(&mut self, paths: &BTreeSet<PathBuf>) -> Vec<String> {
        let reads: Vec<(&PathBuf, ReadArticle)> = paths
            .par_iter()
            .map(|p| (p, self.read_article(p)))
            .collect();
        let mut changed = Vec::new();
        for (path, read) in reads {
            let id = article_id(path);
            match read {
                ReadArticle::Unchanged => continue,
                ReadArticle::Gone => {
                    let Some(slot) = self.slots.remove(path) else {
                        continue;
                    };
                    self.references = None;
                    if slot.parsed {
                        self.remove_article(&self.name_of(path));
                    }
                }
                ReadArticle::Changed {
                    hash,
                    diags,
                    parsed,
                } => {
                    let name = self.name_of(path);
                    let ok = parsed.is_some();
                    if !self.slots.contains_key(path) {
                        self.references = None;
                    }
                    match parsed.map(|b| *b) {
                        Some((article, doc)) => self.put_article(&name, article, doc),
                        None => self.remove_article(&name),
                    }
                    self.slots.insert(
                        path.clone(),
                        ArticleSlot {
                            hash,
                            diags,
                            parsed: ok,
                        },
                    );
                }
            }
            self.pending.articles.insert(id.clone());
            changed.push(id);
        }
        changed
    }

    fn name_of(&self, path: &Path) -> String {
        content::display_path(&self.root, path)
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.articles
            .binary_search_by(|a| a.file.name.as_str().cmp(name))
    }

    fn read_article(&self, path: &Path) -> ReadArticle {
        // Every entry named like an article is read under the input rule
        // (as `ContentFiles::discover` lists them): a folder, a FIFO or a
        // link out of the project is an error naming it, not skipped.
        if !is_article_path(&self.root, path) || std::fs::symlink_metadata(path).is_err() {
            return ReadArticle::Gone;
        }
        let mut diags = Diagnostics::default();
        let Some(file) = content::read_source(&self.root, path, &mut diags) else {
            // Unreadable (permissions, not UTF-8): an error until it changes.
            return ReadArticle::Changed {
                hash: blake3::hash(b"\0unreadable"),
                diags,
                parsed: None,
            };
        };
        let hash = blake3::hash(file.text.as_bytes());
        if self.slots.get(path).is_some_and(|s| s.hash == hash) {
            return ReadArticle::Unchanged;
        }
        let name = file.name.clone();
        // Rename advice must not name another article's id.
        let taken = |id: &str| self.slots.keys().any(|p| article_id(p) == id);
        let parsed = content::parse_article_among(file, &taken, &mut diags).map(|article| {
            let same_body = self
                .position(&name)
                .is_ok_and(|i| self.articles[i].body == article.body);
            let doc = (!same_body).then(|| document::parse_in(&article.body, self.language()));
            Box::new((article, doc))
        });
        ReadArticle::Changed {
            hash,
            diags,
            parsed,
        }
    }

    fn put_article(&mut self, name: &str, article: Article, doc: Option<Doc>) {
        match self.position(name) {
            Ok(i) => {
                if let Some(doc) = doc {
                    self.text_changed(&article.id);
                    self.docs[i] = doc;
                }
                self.articles[i] = article;
            }
            Err(i) => {
                let doc = doc.unwrap_or_else(|| document::parse_in(&article.body, self.language()));
                self.text_changed(&article.id);
                self.articles.insert(i, article);
                self.docs.insert(i, doc);
            }
        }
    }

    fn remove_article(&mut self, name: &str) {
        if let Ok(i) = self.position(name) {
            let article = self.articles.remove(i);
            self.docs.remove(i);
            self.text_changed(&article.id);
        }
    }

    /// An article's text changed, or it came or went: its anchors must be
    /// found again.
    fn text_changed(&mut self, id: &str) {
        self.anchors.forget(id);
        self.stale.insert(id.to_string());
    }

    /// Re-reads every claims file (unchanged ones are not re-parsed) and
    /// marks the claims that changed. Returns how many did.
    fn load_claims(&mut self) -> usize {
        let (paths, problems) = ContentFiles::discover_claims(&self.root);
        self.claims_listing_diags = content::listing_diagnostics(&problems);
        // Split the current claims back into their files, so the claims of
        // unchanged files move into the new list without being re-parsed.
        let mut rest = std::mem::take(&mut self.claims).into_iter();
        let mut old: HashMap<PathBuf, (ClaimsSlot, Vec<Claim>)> = HashMap::new();
        let mut old_prints: Vec<(String, Print)> = Vec::new();
        for slot in std::mem::take(&mut self.claim_files) {
            let claims: Vec<Claim> = rest.by_ref().take(slot.claims.len()).collect();
            old_prints.extend(slot.claims.iter().cloned());
            old.insert(slot.path.clone(), (slot, claims));
        }
        let mut files = Vec::with_capacity(paths.len());
        let mut claims = Vec::new();
        let mut reparsed = false;
        let project = self.project.input_rule();
        // Of the very bytes parsed, so it names exactly these claims.
        let mut version = Some(ClaimsVersion::default());
        for path in paths {
            let mut diags = Diagnostics::default();
            let file = match project.read(&path, false) {
                Ok(bytes) => {
                    let name = project.name(&path);
                    if let Some(v) = version.as_mut() {
                        v.add(&name, &bytes);
                    }
                    content::source_from_bytes(name, bytes, &mut diags)
                }
                Err(e) => {
                    version = None;
                    diags.push(content::input_diagnostic(&e));
                    None
                }
            };
            let previous = old.remove(&path);
            let hash = file.as_ref().map_or_else(
                || blake3::hash(b"\0unreadable"),
                |f| blake3::hash(f.text.as_bytes()),
            );
            let parsed = match (&file, previous) {
                (Some(_), Some((slot, kept))) if slot.hash == hash => {
                    claims.extend(kept);
                    files.push(slot);
                    continue;
                }
                (Some(f), Some((slot, kept))) => slot
                    .sections
                    .as_deref()
                    .and_then(|sections| claims::parse_sections(f, sections, kept))
                    .unwrap_or_else(|| claims::parse_whole(f)),
                (Some(f), None) => claims::parse_whole(f),
                (None, _) => claims::Parsed::default(),
            };
            reparsed = true;
            self.references = None;
            diags.extend(parsed.diags);
            let prints = parsed.prints;
            claims.extend(parsed.claims);
            files.push(ClaimsSlot {
                path,
                hash,
                diags,
                claims: prints,
                sections: parsed.sections,
            });
        }
        if !old.is_empty() {
            // A claims file went away.
            reparsed = true;
            self.references = None;
        }
        let new_prints: Vec<(String, Print)> = files
            .iter()
            .flat_map(|s| s.claims.iter().cloned())
            .collect();
        self.claims_version = version.map(|v| v.finish());
        let same_order = same_ids_in_order(&old_prints, &new_prints);
        let dirty = changed_claims(&old_prints, &new_prints, same_order);
        self.claim_files = files;
        self.claims = claims;
        if reparsed {
            // The anchors of claims that did not change stay where they
            // are, as long as every claim keeps its index.
            match self.matrix.as_mut() {
                Some(m) if same_order && m.len() == self.claims.len() => {
                    for (row, c) in m.iter_mut().zip(&self.claims) {
                        if dirty.contains(&c.id) {
                            *row = vec![None; c.evidence.len()];
                        }
                    }
                }
                _ => self.matrix = None,
            }
        }
        if !self.published {
            self.deps = Deps::of(&self.claims);
        } else if !dirty.is_empty() {
            for id in &dirty {
                if !self.before_cites.contains_key(id) {
                    let cited = self.deps.cites(id).cloned().collect();
                    self.before_cites.insert(id.clone(), cited);
                }
            }
            self.deps.update(&self.claims, &dirty);
        }
        let n = dirty.len();
        self.pending.claims.extend(dirty);
        n
    }

    /// Compiles the current sources as `check` and `build` do, reusing
    /// docs and anchors. The site, when there is one, holds the state's
    /// articles, docs and claims: hand it back with [`Workspace::restore`].
    fn compile(&mut self) -> (Option<(Site, Vec<Status>)>, Diagnostics) {
        let mut diags = Diagnostics::default();
        if !self.root.join("content").is_dir() {
            // Let the loader word the error.
            content::load(&self.root, &mut diags);
            return (None, diags);
        }
        diags.extend(self.config_diags.clone());
        diags.extend(self.content_pages_diags.clone());
        diags.extend(self.listing_diags.clone());
        diags.extend(self.claims_listing_diags.clone());
        for slot in self.slots.values() {
            diags.extend(slot.diags.clone());
        }
        for file in &self.claim_files {
            diags.extend(file.diags.clone());
        }
        if self.references.is_none() {
            // As the loader does: evidence naming an article whose file
            // failed to load is not reported again, its own error says why.
            let known: Vec<String> = self.slots.keys().map(|p| article_id(p)).collect();
            let mut d = Diagnostics::default();
            content::check_claim_references(&self.claims, &known, &mut d);
            self.references = Some(d);
        }
        diags.extend(self.references.clone().unwrap_or_default());
        let Some(config) = self.config.clone() else {
            return (None, diags);
        };
        self.laps.lap("load");
        let anchors = self.anchor(&mut diags);
        self.laps.lap("anchor");
        let statuses = self.claims.iter().map(|c| c.status).collect();
        let content = Content {
            config,
            articles: std::mem::take(&mut self.articles),
            claims: std::mem::take(&mut self.claims),
            pages: std::mem::take(&mut self.content_pages),
        };
        let docs = std::mem::take(&mut self.docs);
        // Serve shows drafts, so no claim is left out and the site's claims
        // are the state's, index for index.
        let options = BuildOptions { drafts: true };
        let site = site::assemble(content, docs, anchors, options, &mut diags);
        self.laps.lap("graph");
        (Some((site, statuses)), diags)
    }

    /// Takes the last compile's site back, to change it: from the readers
    /// first (they hold it for one request at most; a reader that keeps it
    /// longer gets its own copy).
    fn reclaim(&mut self) {
        let Some((mut site, statuses)) = self.compiled.take() else {
            return;
        };
        if let Some(cell) = &self.cell {
            cell.building();
        }
        let deadline = Instant::now() + RECLAIM_PATIENCE;
        let site = loop {
            match Arc::try_unwrap(site) {
                Ok(site) => break site,
                Err(shared) if Instant::now() < deadline => {
                    site = shared;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(shared) => break (*shared).clone(),
            }
        };
        self.restore(site, statuses);
    }

    /// Takes the articles, docs and claims back from a compiled site.
    fn restore(&mut self, site: Site, statuses: Vec<Status>) {
        self.articles = site.articles;
        self.docs = site.docs;
        self.content_pages = site.pages;
        let mut claims = site.claims;
        // `assemble` marks lapsed approvals as in review in its copy; the
        // state keeps what the files say, or the next build would no longer
        // see them as approved-and-lapsed.
        debug_assert_eq!(claims.len(), statuses.len());
        for (c, s) in claims.iter_mut().zip(statuses) {
            c.status = s;
        }
        self.claims = claims;
    }

    /// Every quote anchored: from the last compile where neither the claims
    /// nor the article's text changed, else from the cache where the quote
    /// was found in the same text before, otherwise found now (and cached).
    fn anchor(&mut self, diags: &mut Diagnostics) -> Anchors {
        let stale = std::mem::take(&mut self.stale);
        let mut missing: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut missing_count = 0;
        let reuse = self.matrix.take().filter(|m| m.len() == self.claims.len());
        let mut anchors: Anchors = match reuse {
            Some(mut m) => {
                for (ci, c) in self.claims.iter().enumerate() {
                    let mut miss = Vec::new();
                    for (ei, ev) in c.evidence.iter().enumerate() {
                        // Failures are tried again: they are not cached.
                        if m[ci][ei].is_none() || stale.contains(&ev.article) {
                            m[ci][ei] = self.anchors.get(ev).cloned();
                            if m[ci][ei].is_none() {
                                miss.push(ei);
                            }
                        }
                    }
                    if !miss.is_empty() {
                        missing_count += miss.len();
                        missing.push((ci, miss));
                    }
                }
                m
            }
            None => {
                let mut m = Vec::with_capacity(self.claims.len());
                for (ci, c) in self.claims.iter().enumerate() {
                    let row: Vec<Option<Anchor>> = c
                        .evidence
                        .iter()
                        .map(|ev| self.anchors.get(ev).cloned())
                        .collect();
                    let miss: Vec<usize> = (0..row.len()).filter(|&ei| row[ei].is_none()).collect();
                    if !miss.is_empty() {
                        missing_count += miss.len();
                        missing.push((ci, miss));
                    }
                    m.push(row);
                }
                m
            }
        };
        let total: usize = self.claims.iter().map(|c| c.evidence.len()).sum();
        if missing_count > 0 && missing_count == total {
            // First build, or everything moved: no subset to carve out.
            anchors = graph::anchor_evidence(&self.articles, &self.docs, &self.claims, diags);
            for (c, row) in self.claims.iter().zip(&anchors) {
                for (ev, a) in c.evidence.iter().zip(row) {
                    if let Some(a) = a {
                        self.anchors.insert(ev, a.clone());
                    }
                }
            }
        } else if missing_count > 0 {
            // Anchor only the missing evidence, in only the articles it
            // quotes: copies of those claims holding just that evidence (the
            // diagnostics name the claim and point at the quote, so they
            // read as from the original), and of those articles.
            let subset: Vec<Claim> = missing
                .iter()
                .map(|(ci, eis)| {
                    let c = &self.claims[*ci];
                    Claim {
                        evidence: eis.iter().map(|&ei| c.evidence[ei].clone()).collect(),
                        ..claim_without_evidence(c)
                    }
                })
                .collect();
            let quoted: BTreeSet<&str> = subset
                .iter()
                .flat_map(|c| c.evidence.iter().map(|e| e.article.as_str()))
                .collect();
            let (mut articles, mut docs) = (Vec::new(), Vec::new());
            for id in quoted {
                if let Ok(i) = self.position(&format!("content/articles/{id}.md")) {
                    articles.push(self.articles[i].clone());
                    docs.push(self.docs[i].clone());
                }
            }
            let found = graph::anchor_evidence(&articles, &docs, &subset, diags);
            for ((ci, eis), row) in missing.iter().zip(found) {
                for (&ei, a) in eis.iter().zip(row) {
                    if let Some(a) = a {
                        self.anchors
                            .insert(&self.claims[*ci].evidence[ei], a.clone());
                        anchors[*ci][ei] = Some(a);
                    }
                }
            }
        }
        self.matrix = Some(anchors.clone());
        anchors
    }

    /// Renders the pages the pending changes reach and swaps them into the
    /// page map. Returns (pages changed, what was rendered).
    ///
    /// On an incremental build the big site-wide files (index, data.json,
    /// search index, feeds) come last: `early` is called once everything
    /// else is in the map, with the paths still to come, so open pages can
    /// reload while those render. Whoever serves them must hold requests
    /// for those paths until this returns.
    fn render(
        &mut self,
        site: &Site,
        started: Instant,
        early: &mut dyn FnMut(&Early) -> Later,
    ) -> Result<(usize, Rendered), Diagnostics> {
        let Ok(renderer) = &self.renderer else {
            unreachable!("render is called only when the templates loaded");
        };
        let all = self.pending.all || !self.published;
        if self.pending.is_empty() && !all {
            // Saved without a change: the pages are what they were.
            return Ok((0, Rendered::default()));
        }
        let (articles, claims) = if all {
            (BTreeSet::new(), BTreeSet::new())
        } else {
            self.reach()
        };
        let jobs: Vec<Job> = render::site_jobs(site)
            .into_iter()
            .filter(|job| {
                all || match *job {
                    Job::Article(i) | Job::ArticleData(i) => {
                        articles.contains(&site.articles[i].id)
                    }
                    Job::Claim(i)
                    | Job::Card(i)
                    | Job::CardPng(i)
                    | Job::Embed(i)
                    | Job::Oembed(i) => claims.contains(&site.claims[i].id),
                    _ => true,
                }
            })
            .collect();
        let (mut now, mut later): (Vec<Job>, Vec<Job>) = if all {
            (jobs, Vec::new())
        } else {
            jobs.into_iter().partition(|j| !deferrable(*j))
        };
        // Their paths are known from an earlier build; a file never built
        // before is simply not deferred.
        let later_paths: Option<Vec<String>> = later
            .iter()
            .map(|j| self.site_wide_paths.get(j).cloned())
            .collect();
        let later_paths = match later_paths {
            Some(paths) => paths,
            None => {
                now.append(&mut later);
                Vec::new()
            }
        };
        self.laps.lap("plan");
        let (rendered_now, redrawn) =
            render_reusing_derived(site, renderer, &now, &self.pages, &mut self.derived_keys)?;
        self.laps.lap("render pages");
        if all {
            self.entity_pages.clear();
            self.site_wide_paths.clear();
        }
        let mut out = Filing {
            pages: if all {
                Pages::new()
            } else {
                (*self.pages).clone()
            },
            produced: HashMap::new(),
            rendered: Rendered {
                all,
                redrawn,
                ..Rendered::default()
            },
            changed: 0,
        };
        out.put(
            &self.pages,
            &mut self.site_wide_paths,
            site,
            &now,
            rendered_now,
        );
        if all {
            out.changed += self
                .pages
                .keys()
                .filter(|p| !out.pages.contains_key(*p))
                .count();
        } else {
            // Articles and claims that were reached but not rendered are
            // gone: drop their files.
            let gone: Vec<Entity> = articles
                .into_iter()
                .map(Entity::Article)
                .chain(claims.into_iter().map(Entity::Claim))
                .filter(|e| !out.produced.contains_key(e))
                .collect();
            for e in gone {
                for path in self.entity_pages.remove(&e).unwrap_or_default() {
                    out.changed += usize::from(out.pages.remove(&path).is_some());
                }
            }
        }
        self.entity_pages.extend(std::mem::take(&mut out.produced));
        self.laps.lap("file");
        if !later.is_empty() {
            let eager = Arc::new(std::mem::take(&mut out.pages));
            let then = early(&Early {
                pages: eager.clone(),
                deferred: later_paths,
                changed: out.changed,
                rendered: out.rendered,
                elapsed: started.elapsed(),
                phases: self.laps.phases.clone(),
            });
            self.laps.lap("publish");
            // Until the rest is rendered, the eager pages are the state:
            // if it fails, the next good build renders everything.
            self.pages = eager;
            if then == Later::NextBuild {
                // Every build renders the site-wide files; the next one is
                // already due, so these would be replaced at once.
                self.published = true;
                self.before_cites.clear();
                self.pending = Dirty {
                    site_wide: true,
                    ..Dirty::default()
                };
                out.rendered.unfinished = true;
                return Ok((out.changed, out.rendered));
            }
            let rendered_later = match render::render_jobs(site, renderer, &later) {
                Ok(p) => p,
                Err(d) => {
                    self.pending = Dirty {
                        all: true,
                        ..Dirty::default()
                    };
                    return Err(d);
                }
            };
            self.laps.lap("render site-wide");
            out.pages = (*self.pages).clone();
            out.put(
                &self.pages,
                &mut self.site_wide_paths,
                site,
                &later,
                rendered_later,
            );
        }
        self.pages = Arc::new(out.pages);
        self.published = true;
        self.before_cites.clear();
        self.pending = Dirty::default();
        self.laps.lap("file");
        Ok((out.changed, out.rendered))
    }

    /// The articles and claims whose pages the pending changes reach,
    /// through who cites whom both before (as last rendered) and after.
    ///
    /// Only claims cite, so "before" differs from now only for the claims
    /// changed since: their pages are rendered anyway, and so are the
    /// articles they cited then (`before_cites`) and cite now. A claim that
    /// cited a pending article before is such a claim.
    fn reach(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut articles = self.pending.articles.clone();
        let mut claims = self.pending.claims.clone();
        let add_cited = |articles: &mut BTreeSet<String>, c: &str| {
            articles.extend(self.deps.cites(c).cloned());
            articles.extend(self.before_cites.get(c).into_iter().flatten().cloned());
        };
        for a in &self.pending.articles {
            for c in self.deps.cited_by(a) {
                claims.insert(c.clone());
                // Articles sharing a claim with it link to its statements.
                add_cited(&mut articles, c);
            }
        }
        for c in &self.pending.claims {
            add_cited(&mut articles, c);
        }
        (articles, claims)
    }
}

/// Rendered files being filed into a new page map.
struct Filing {
    pages: Pages,
    /// Files of each article and claim rendered.
    produced: HashMap<Entity, Vec<String>>,
    rendered: Rendered,
    /// Files that differ from what was served.
    changed: usize,
}

impl Filing {
    /// Files `files` (rendered from `jobs`, in order), noting which article
    /// or claim each belongs to and where site-wide files go.
    fn put(
        &mut self,
        old: &Pages,
        site_wide_paths: &mut HashMap<Job, String>,
        site: &Site,
        jobs: &[Job],
        files: Vec<crate::output::Page>,
    ) {
        for (job, page) in jobs.iter().zip(files) {
            match job {
                Job::Article(_) => self.rendered.articles += 1,
                Job::Claim(_) => self.rendered.claims += 1,
                _ => {}
            }
            self.rendered.files += 1;
            match entity(site, *job) {
                Some(e) => self.produced.entry(e).or_default().push(page.path.clone()),
                None => {
                    site_wide_paths.insert(*job, page.path.clone());
                }
            }
            let same = old
                .get(&page.path)
                .is_some_and(|old| old[..] == page.bytes[..]);
            self.changed += usize::from(!same);
            self.pages.insert(page.path, Bytes::from(page.bytes));
        }
    }
}

/// Renders `jobs` in order, taking a derived file (a PNG card) from
/// `served` when what it is drawn from has not changed since it was drawn.
/// Also returns how many derived files were drawn.
fn render_reusing_derived(
    site: &Site,
    renderer: &Renderer,
    jobs: &[Job],
    served: &Pages,
    drawn_from: &mut HashMap<String, (u64, blake3::Hash)>,
) -> Result<(Vec<crate::output::Page>, usize), Diagnostics> {
    let mut kept: Vec<Option<crate::output::Page>> = Vec::with_capacity(jobs.len());
    let mut todo = Vec::new();
    let mut keys = HashMap::new();
    for &job in jobs {
        let reused = render::derived_key(site, job).and_then(|(path, key)| {
            let bytes = served
                .get(&path)
                .filter(|bytes| drawn_from.get(&path) == Some(&(key, blake3::hash(bytes))));
            let page = bytes.map(|bytes| crate::output::Page::new(path.clone(), bytes.to_vec()));
            if page.is_none() {
                keys.insert(path, key);
            }
            page
        });
        if reused.is_none() {
            todo.push(job);
        }
        kept.push(reused);
    }
    let mut rendered = render::render_jobs(site, renderer, &todo)?.into_iter();
    let pages: Vec<crate::output::Page> = kept
        .into_iter()
        .map(|page| page.or_else(|| rendered.next()).expect("one page per job"))
        .collect();
    for page in &pages {
        if let Some(key) = keys.get(&page.path) {
            drawn_from.insert(page.path.clone(), (*key, blake3::hash(&page.bytes)));
        }
    }
    Ok((pages, keys.len()))
}

/// The article or claim a job renders a file of; `None` for site-wide
/// files (index, data.json, feeds…), which every rebuild renders. A job
/// kind added later lands there too: always rendered, so never stale.
fn entity(site: &Site, job: Job) -> Option<Entity> {
    match job {
        Job::Article(i) | Job::ArticleData(i) => Some(Entity::Article(site.articles[i].id.clone())),
        Job::Claim(i) | Job::Card(i) | Job::CardPng(i) | Job::Embed(i) | Job::Oembed(i) => {
            Some(Entity::Claim(site.claims[i].id.clone()))
        }
        _ => None,
    }
}

/// The id an article file has (or would have): its file stem.
fn article_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `content/articles/*.md`, not an editor's temporary file: the files
/// `ContentFiles::discover` lists as articles.
pub fn is_article_path(root: &Path, path: &Path) -> bool {
    path.parent() == Some(&root.join("content").join("articles"))
        && path.extension().is_some_and(|e| e == "md")
        && !crate::input::is_editor_temp(path)
}

/// Whether two loads have the same claim ids in the same order.
fn same_ids_in_order(old: &[(String, Print)], new: &[(String, Print)]) -> bool {
    old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.0 == b.0)
}

/// Ids of claims added, removed or changed between two loads, and of
/// claims that moved relative to the others (pages list claims in file
/// order).
fn changed_claims(
    old: &[(String, Print)],
    new: &[(String, Print)],
    same_order: bool,
) -> BTreeSet<String> {
    // The usual save: the same claims in the same order, a few edited.
    // Equal to the general case below (nothing moved; an id's prints
    // differ exactly where one of its positions does), only cheaper.
    if same_order {
        return old
            .iter()
            .zip(new)
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, _)| a.0.clone())
            .collect();
    }
    let group = |list: &[(String, Print)]| {
        let mut m: HashMap<String, Vec<Print>> = HashMap::new();
        for (id, p) in list {
            m.entry(id.clone()).or_default().push(*p);
        }
        m
    };
    let (a, b) = (group(old), group(new));
    let mut dirty: BTreeSet<String> = a
        .iter()
        .filter(|(id, p)| b.get(*id) != Some(*p))
        .map(|(id, _)| id.clone())
        .chain(b.keys().filter(|id| !a.contains_key(*id)).cloned())
        .collect();
    let kept = |list: &[(String, Print)]| -> Vec<String> {
        list.iter()
            .filter(|(id, _)| !dirty.contains(id) && a.contains_key(id) && b.contains_key(id))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let (before, after) = (kept(old), kept(new));
    let moved: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(x, y)| x != y)
        .flat_map(|(x, y)| [x.clone(), y.clone()])
        .collect();
    dirty.extend(moved);
    dirty
}

/// A copy of a claim's fields, without its evidence.
fn claim_without_evidence(c: &Claim) -> Claim {
    Claim {
        id: c.id.clone(),
        text: c.text.clone(),
        verdict: c.verdict,
        summary: c.summary.clone(),
        summary_span: c.summary_span.clone(),
        status: c.status,
        reviewer: c.reviewer.clone(),
        reviewed: c.reviewed.clone(),
        signoff: c.signoff.clone(),
        basis_reports: c.basis_reports,
        sources: c.sources.clone(),
        updates: c.updates.clone(),
        evidence: Vec::new(),
        file: c.file.clone(),
        span: c.span.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/serve-basic");

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(Path::new(FIXTURE), dir.path());
        dir
    }

    fn copy_dir(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }

    /// What `build --drafts` renders, and what `check` prints.
    fn full_build(root: &Path) -> (Option<Pages>, String) {
        let project = Project::open(root).unwrap();
        let (site, mut diags) = project.compile(BuildOptions { drafts: true });
        let renderer = project.renderer();
        if let Err(d) = &renderer {
            diags.extend(d.clone());
        }
        if let Some(site) = &site {
            diags.extend(crate::claims::consistency::check(&site.claims, &site.pages));
        }
        diags.sort();
        let text = diags.render(false);
        if diags.has_errors() {
            return (None, text);
        }
        let pages = render::render_site(&site.unwrap(), &renderer.unwrap()).unwrap();
        let pages = pages
            .into_iter()
            .map(|p| (p.path, Bytes::from(p.bytes)))
            .collect();
        (Some(pages), text)
    }

    /// Rebuilds and checks the result is exactly a full build's.
    fn rebuild_matches(ws: &mut Workspace, root: &Path, changes: Changes) -> Outcome {
        let outcome = ws.rebuild(&changes);
        let (full, diags) = full_build(root);
        assert_eq!(
            outcome.diagnostics.render(false),
            diags,
            "after {changes:?}"
        );
        match full {
            Some(full) => {
                assert!(outcome.ok(), "{}", outcome.diagnostics.render(false));
                let got: Vec<&String> = outcome.pages.keys().collect();
                let want: Vec<&String> = full.keys().collect();
                assert_eq!(got, want, "after {changes:?}");
                for (path, bytes) in full.iter() {
                    assert!(
                        outcome.pages[path] == *bytes,
                        "{path} differs from a full build after {changes:?}"
                    );
                }
            }
            None => assert!(!outcome.ok()),
        }
        outcome
    }

    fn edit(path: &Path, from: &str, to: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{} lacks {from:?}", path.display());
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn article_changes(root: &Path, ids: &[&str]) -> Changes {
        Changes {
            articles: ids
                .iter()
                .map(|id| root.join(format!("content/articles/{id}.md")))
                .collect(),
            ..Changes::default()
        }
    }

    fn claims_changed() -> Changes {
        Changes {
            claims: true,
            ..Changes::default()
        }
    }

    #[test]
    fn deps_updated_for_the_changed_claims_equal_deps_built_afresh() {
        let parse = |text: &str| {
            let file = crate::diag::SourceFile::new("content/claims.toml", text);
            content::parse_claims(&file, &mut Diagnostics::default())
        };
        let claim = |id: &str, articles: &[&str]| {
            let mut t = format!("[[claim]]\nid = \"{id}\"\ntext = \"T\"\nverdict = \"accurate\"\n");
            for a in articles {
                t += &format!(
                    "[[claim.evidence]]\narticle = \"{a}\"\nquote = \"q\"\nstance = \"supports\"\n"
                );
            }
            t
        };
        let before = parse(
            &[
                claim("a", &["x", "y"]),
                claim("b", &["y"]),
                claim("c", &["x", "x", "z"]),
                claim("d", &[]),
            ]
            .concat(),
        );
        let after = parse(
            &[
                claim("a", &["y", "w"]),
                claim("c", &["x", "z"]),
                claim("d", &["x"]),
                claim("e", &["z"]),
                claim("c", &["v"]),
            ]
            .concat(),
        );
        assert_eq!(before.len(), 4);
        assert_eq!(after.len(), 5);
        let mut deps = Deps::of(&before);
        let changed: BTreeSet<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
        deps.update(&after, &changed);
        assert_eq!(deps, Deps::of(&after));
        // Unchanged claims keep their entries.
        let mut deps = Deps::of(&before);
        deps.update(&before, &BTreeSet::from(["b".to_string()]));
        assert_eq!(deps, Deps::of(&before));
    }

    #[test]
    fn incremental_rebuilds_equal_full_builds() {
        let dir = project();
        let root = dir.path();
        let articles = root.join("content/articles");
        let claims = root.join("content/claims.toml");
        let mut ws = Workspace::new(&Project::open(root).unwrap());
        let first = rebuild_matches(&mut ws, root, Changes::everything());
        assert!(first.rendered.all);

        // A sentence added to an article nobody else quotes from here.
        edit(
            &articles.join("coastal-gazette-talks.md"),
            "broke down.",
            "broke down. Both sides say they want a deal.",
        );
        let o = rebuild_matches(
            &mut ws,
            root,
            article_changes(root, &["coastal-gazette-talks"]),
        );
        assert!(!o.rendered.all);
        // It, the claim citing it, and the article sharing that claim.
        assert_eq!((o.rendered.articles, o.rendered.claims), (2, 1), "{o:?}");
        assert!(o.changed > 0);

        // A quoted statement reworded around the quote: its id changes, and
        // the articles sharing its claims link to it by id.
        edit(
            &articles.join("daily-ledger-port.md"),
            "Around 900 workers took part, according to the port authority.",
            "Around 900 workers took part, the port authority said.",
        );
        rebuild_matches(&mut ws, root, article_changes(root, &["daily-ledger-port"]));

        // Only the front matter: the doc (and its anchors) are reused.
        edit(
            &articles.join("daily-ledger-port.md"),
            "Port strike enters its third day",
            "Port strike enters day three",
        );
        rebuild_matches(&mut ws, root, article_changes(root, &["daily-ledger-port"]));

        // A warning in the last claim, then a line added to the first: the
        // claims after it move, and their warnings point at the new lines.
        edit(
            &claims,
            "id = \"ships-waiting\"\n",
            "id = \"ships-waiting\"\ncolour = \"blue\"\n",
        );
        rebuild_matches(&mut ws, root, claims_changed());
        edit(
            &claims,
            "id = \"strike-third-day\"\n",
            "id = \"strike-third-day\"\n# Checked twice.\n",
        );
        let o = rebuild_matches(&mut ws, root, claims_changed());
        assert!(o.diagnostics.render(false).contains("colour"));
        assert!(
            ws.claim_files[0].sections.is_some(),
            "claims.toml is re-parsed a claim at a time"
        );

        // A claim's verdict: its page and the articles it cites.
        edit(
            &claims,
            "verdict = \"misleading\"",
            "verdict = \"inaccurate\"",
        );
        let o = rebuild_matches(&mut ws, root, claims_changed());
        assert_eq!((o.rendered.articles, o.rendered.claims), (2, 1), "{o:?}");

        // A quoted sentence edited away: an error naming the quote; pages
        // stay as they were.
        let before = ws.pages().clone();
        edit(
            &articles.join("harbour-times-strike.md"),
            "Talks are set to resume on Thursday",
            "Talks may resume later",
        );
        let o = rebuild_matches(
            &mut ws,
            root,
            article_changes(root, &["harbour-times-strike"]),
        );
        assert!(Arc::ptr_eq(&o.pages, &before));
        assert!(
            o.diagnostics
                .render(false)
                .contains("talks-resume-thursday"),
            "{}",
            o.diagnostics.render(false)
        );
        // Another change while broken, then the fix: everything pending
        // is rendered.
        edit(&claims, "About 1,200 workers", "Some 1,200 workers");
        rebuild_matches(&mut ws, root, claims_changed());
        edit(
            &articles.join("harbour-times-strike.md"),
            "Talks may resume later",
            "Talks are set to resume on Thursday",
        );
        rebuild_matches(
            &mut ws,
            root,
            article_changes(root, &["harbour-times-strike"]),
        );

        // A new article and a new claims file citing it.
        std::fs::write(
            articles.join("metro-bulletin.md"),
            "+++\ntitle = \"Strike ends\"\noutlet = \"Metro Bulletin\"\n+++\nThe strike ended on Friday.\n",
        )
        .unwrap();
        rebuild_matches(&mut ws, root, article_changes(root, &["metro-bulletin"]));
        std::fs::create_dir(root.join("content/claims")).unwrap();
        std::fs::write(
            root.join("content/claims/more.toml"),
            "[[claim]]\nid = \"strike-ended-friday\"\ntext = \"The strike ended on Friday.\"\n\n  [[claim.evidence]]\n  article = \"metro-bulletin\"\n  quote = \"The strike ended on Friday.\"\n  stance = \"supports\"\n",
        )
        .unwrap();
        rebuild_matches(&mut ws, root, claims_changed());

        // The article renamed away: its claim now names an unknown article.
        std::fs::rename(
            articles.join("metro-bulletin.md"),
            articles.join("metro-bulletin-2.md"),
        )
        .unwrap();
        let o = rebuild_matches(
            &mut ws,
            root,
            article_changes(root, &["metro-bulletin", "metro-bulletin-2"]),
        );
        assert!(!o.ok());
        std::fs::remove_file(root.join("content/claims/more.toml")).unwrap();
        let o = rebuild_matches(&mut ws, root, claims_changed());
        assert!(
            !o.pages
                .contains_key("claims/strike-ended-friday/index.html")
        );
        assert!(!o.pages.contains_key("articles/metro-bulletin/index.html"));
        assert!(o.pages.contains_key("articles/metro-bulletin-2/index.html"));

        // Claims reordered: pages listing them follow the new order.
        let text = std::fs::read_to_string(&claims).unwrap();
        let (head, tail) =
            text.split_at(text.find("[[claim]]\nid = \"walkout-unlawful\"").unwrap());
        let first_claim = text.find("[[claim]]").unwrap();
        let reordered = format!("{}{tail}\n{}", &head[..first_claim], &head[first_claim..]);
        std::fs::write(&claims, reordered).unwrap();
        rebuild_matches(&mut ws, root, claims_changed());

        // A template override, then site.toml: everything.
        std::fs::create_dir(root.join("templates")).unwrap();
        let base = render::DEFAULT_TEMPLATES
            .iter()
            .find(|(n, _)| *n == "base.html")
            .unwrap()
            .1;
        std::fs::write(
            root.join("templates/base.html"),
            base.replacen("<main", "<p class=\"preview\">Preview</p><main", 1),
        )
        .unwrap();
        let o = rebuild_matches(
            &mut ws,
            root,
            Changes {
                templates: true,
                ..Changes::default()
            },
        );
        assert!(o.rendered.all);
        edit(
            &root.join("content/site.toml"),
            "Harbour strike, three reports",
            "Harbour strike, four reports",
        );
        let o = rebuild_matches(
            &mut ws,
            root,
            Changes {
                config: true,
                ..Changes::default()
            },
        );
        assert!(o.rendered.all);

        // Deleting every article file at once, then a rescan.
        std::fs::rename(&articles, root.join("content/articles-old")).unwrap();
        rebuild_matches(
            &mut ws,
            root,
            Changes {
                rescan: true,
                ..Changes::default()
            },
        );
        std::fs::rename(root.join("content/articles-old"), &articles).unwrap();
        rebuild_matches(
            &mut ws,
            root,
            Changes {
                rescan: true,
                ..Changes::default()
            },
        );
    }

    #[test]
    fn site_wide_files_come_after_the_pages_an_edit_reaches() {
        let dir = project();
        let root = dir.path();
        let mut ws = Workspace::new(&Project::open(root).unwrap());
        let mut calls = 0;
        ws.rebuild_with(&Changes::everything(), &mut |_| {
            calls += 1;
            Later::Now
        });
        assert_eq!(calls, 0, "a full build is published whole");
        let old = ws.pages().clone();
        edit(
            &root.join("content/articles/coastal-gazette-talks.md"),
            "broke down.",
            "broke down. Both sides want a deal.",
        );
        let mut early = None;
        let o = ws.rebuild_with(
            &article_changes(root, &["coastal-gazette-talks"]),
            &mut |e| {
                early = Some(e.clone());
                Later::Now
            },
        );
        let early = early.expect("an incremental build publishes early");
        // The outlet's page lists all of its reports; the annotations
        // page every piece of evidence: at 10,000 articles these made an
        // open page wait 200 ms.
        let outlet = "outlets/coastal-gazette/index.html";
        assert!(old.contains_key(outlet));
        for path in [
            "index.html",
            "data.json",
            "search-index.json",
            "feed.xml",
            outlet,
            "disagreements/index.html",
            "annotations/1.jsonld",
        ] {
            assert!(
                early.deferred.iter().any(|p| p == path),
                "{path} not deferred"
            );
            assert_eq!(early.pages[path], old[path], "{path} rendered early");
        }
        // The new statement is counted on the index, and listed in the
        // article's own data file, which comes with its page.
        assert_ne!(
            o.pages["index.html"], old["index.html"],
            "index not rendered at all"
        );
        let data = "articles/coastal-gazette-talks/data.json";
        assert_ne!(early.pages[data], old[data], "{data} not rendered early");
        assert!(!early.deferred.iter().any(|p| p == "style.css"));
        let page = "articles/coastal-gazette-talks/index.html";
        assert_eq!(early.pages[page], o.pages[page]);
        assert_ne!(early.pages[page], old[page]);
        assert!(early.changed > 0 && early.changed < o.changed);
    }

    #[test]
    fn site_wide_files_left_for_the_next_build_are_rendered_by_it() {
        let dir = project();
        let root = dir.path();
        let mut ws = Workspace::new(&Project::open(root).unwrap());
        assert!(ws.rebuild(&Changes::everything()).ok());
        let old = ws.pages().clone();
        edit(
            &root.join("content/articles/coastal-gazette-talks.md"),
            "broke down.",
            "broke down. Both sides want a deal.",
        );
        let o = ws.rebuild_with(
            &article_changes(root, &["coastal-gazette-talks"]),
            &mut |_| Later::NextBuild,
        );
        assert!(o.ok() && o.rendered.unfinished);
        assert_eq!(o.pages["index.html"], old["index.html"]);
        assert_ne!(
            o.pages["articles/coastal-gazette-talks/index.html"],
            old["articles/coastal-gazette-talks/index.html"]
        );
        // The next build completes the site, even with nothing new.
        let o = rebuild_matches(&mut ws, root, Changes::default());
        assert!(!o.rendered.unfinished);
        assert_ne!(o.pages["index.html"], old["index.html"]);
    }

    #[test]
    fn a_template_edit_redraws_only_the_cards_it_changes() {
        let dir = project();
        let root = dir.path();
        let mut ws = Workspace::new(&Project::open(root).unwrap());
        let first = rebuild_matches(&mut ws, root, Changes::everything());
        let claims = first
            .pages
            .keys()
            .filter(|p| p.ends_with("/card.png"))
            .count();
        assert!(claims > 1);
        assert_eq!(first.rendered.redrawn, claims);

        // Every page is rendered again for a template, but no card's SVG
        // changed, so every PNG is the one drawn before.
        let templates = root.join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("base.html"),
            include_str!("../../templates/base.html").replace("</main>", "<p>Edited.</p></main>"),
        )
        .unwrap();
        let changes = Changes {
            templates: true,
            ..Changes::default()
        };
        let o = rebuild_matches(&mut ws, root, changes);
        assert!(o.rendered.all && o.changed > 0, "{o:?}");
        assert_eq!(o.rendered.redrawn, 0);

        // A verdict is on its card: that one card is drawn again.
        let claims_toml = root.join("content/claims.toml");
        edit(
            &claims_toml,
            "verdict = \"misleading\"",
            "verdict = \"inaccurate\"",
        );
        let o = rebuild_matches(&mut ws, root, claims_changed());
        assert_eq!(o.rendered.redrawn, 1, "{o:?}");
    }

    #[test]
    fn unchanged_files_render_nothing_new() {
        let dir = project();
        let root = dir.path();
        let mut ws = Workspace::new(&Project::open(root).unwrap());
        assert!(ws.rebuild(&Changes::everything()).ok());
        // Saved without a change (touch, or an editor's save-all).
        let o = ws.rebuild(&article_changes(root, &["daily-ledger-port"]));
        assert_eq!(o.what, NOTHING);
        assert_eq!(o.changed, 0);
        let o = ws.rebuild(&claims_changed());
        assert_eq!(o.changed, 0);
    }

    #[test]
    fn a_failed_first_build_serves_nothing_then_recovers() {
        let dir = project();
        let root = dir.path();
        let site_toml = root.join("content/site.toml");
        edit(&site_toml, "title = ", "titel = ");
        let mut ws = Workspace::new(&Project::open(root).unwrap());
        let o = rebuild_matches(&mut ws, root, Changes::everything());
        assert!(o.pages.is_empty());
        assert!(o.diagnostics.render(false).contains("content/site.toml"));
        edit(&site_toml, "titel = ", "title = ");
        rebuild_matches(
            &mut ws,
            root,
            Changes {
                config: true,
                ..Changes::default()
            },
        );
    }

    #[test]
    fn every_compile_is_published_with_the_version_of_its_claims_files() {
        let dir = project();
        let root = dir.path();
        let cell = SiteCell::new();
        let mut ws = Workspace::with_cell(&Project::open(root).unwrap(), cell.clone());
        rebuild_matches(&mut ws, root, Changes::everything());
        let version = || crate::review::ClaimsFiles::read(root).unwrap().version();
        let first = cell.current().expect("published");
        assert_eq!(first.claims_version, Some(version()));
        // A reader still holds the site when the next save comes: the
        // rebuild works on a copy, the reader's site stays as it was.
        let held = first.site.clone();
        drop(first);
        edit(
            &root.join("content/claims.toml"),
            "About 1,200 workers",
            "Some 1,200 workers",
        );
        rebuild_matches(&mut ws, root, claims_changed());
        let now = cell.current().expect("published again");
        assert_eq!(now.claims_version, Some(version()));
        assert_eq!(now.generation, 2);
        let said = |site: &Site, words: &str| site.claims.iter().any(|c| c.text.contains(words));
        assert!(said(&held, "About 1,200") && !said(&held, "Some 1,200"));
        assert!(said(&now.site, "Some 1,200"));
        // With no reader left, the site is taken back whole, and the build
        // still equals a full one.
        drop((held, now));
        edit(
            &root.join("content/articles/coastal-gazette-talks.md"),
            "broke down.",
            "broke down. Both sides want a deal.",
        );
        rebuild_matches(
            &mut ws,
            root,
            article_changes(root, &["coastal-gazette-talks"]),
        );
        assert_eq!(cell.current().unwrap().generation, 3);
    }

    #[test]
    fn a_missing_content_folder_is_reported_like_check() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::new(&Project::open(dir.path()).unwrap());
        let o = rebuild_matches(&mut ws, dir.path(), Changes::everything());
        assert!(o.diagnostics.render(false).contains("no content/ folder"));
        copy_dir(Path::new(FIXTURE), dir.path());
        rebuild_matches(&mut ws, dir.path(), Changes::everything());
    }
}
