//! The incremental build behind `serve`.
//!
//! A [`Workspace`] keeps, between rebuilds, everything a full build would
//! recompute: each article file parsed with its [`Doc`] (keyed by the
//! file's content), each claims file parsed, the templates, and every
//! anchored quote (keyed by article and quote). A rebuild re-reads only the
//! files the watcher named, re-parses only those whose content changed,
//! anchors only quotes it has not anchored against the current text, and
//! then runs the cheap whole-site stages ([`site::assemble`](crate::pipeline::site::assemble): sign-off
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
//!
//! Each job has its own file, most of them `impl Workspace` blocks on the
//! state defined here: reading the changed files (`load`), who cites whom
//! and what a change reaches (`deps`), the anchors kept between builds
//! (`anchors`), the compile and taking its site back from readers
//! (`compile`), which jobs render now and which after the reload (`plan`),
//! PNG cards kept when their source did not change (`derived`), and filing
//! rendered files into the page map (`filing`).

mod anchors;
mod compile;
mod deps;
mod derived;
mod filing;
mod load;
mod plan;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::compiled::SiteCell;
use crate::diag::Diagnostics;
use crate::pipeline::content::{Article, Claim, ContentPage, SiteConfig, Status};
use crate::pipeline::document::Doc;
use crate::pipeline::graph::Anchors;
use crate::pipeline::site::Site;
use crate::project::Project;
use crate::render::{Job, Renderer};
use anchors::AnchorCache;
use deps::{Deps, Dirty};
use filing::Entity;
use load::{ArticleSlot, ClaimsSlot};

pub(crate) use load::is_article_path;

/// Served pages by path relative to the site root (`index.html`,
/// `articles/ID/index.html`, `data.json`…).
pub(crate) type Pages = BTreeMap<String, Bytes>;

/// [`Outcome::what`] when no file had really changed.
pub(crate) const NOTHING: &str = "nothing";

/// What the watcher saw, as work for [`Workspace::rebuild`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Changes {
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
    pub(crate) fn everything() -> Changes {
        Changes {
            claims: true,
            config: true,
            pages: true,
            templates: true,
            rescan: true,
            ..Changes::default()
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    pub(crate) fn merge(&mut self, other: Changes) {
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
pub(crate) struct Outcome {
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
    pub(crate) fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Counts of what a rebuild rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Rendered {
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
pub(crate) struct Early {
    pub pages: Arc<Pages>,
    pub deferred: Vec<String>,
    pub changed: usize,
    pub elapsed: Duration,
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
pub(crate) enum Later {
    /// Now, completing this build.
    Now,
    /// In the next build, which is already due (more saves came in):
    /// rendering them now would only delay it.
    NextBuild,
}

/// Project state kept across rebuilds. See the module documentation.
pub(crate) struct Workspace {
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
    /// [`render::derived_key`](crate::render::derived_key)): a template edit re-renders every page but
    /// redraws only the cards whose SVG changed, as `build` does. With the
    /// hash of the bytes drawn, so a file is reused only while `pages`
    /// still holds exactly those.
    derived_keys: HashMap<String, (u64, blake3::Hash)>,
    /// The graph of the build before the last, whose buffers the next
    /// build fills (see [`crate::pipeline::graph::Graph::build_reusing`]).
    spare_graph: crate::pipeline::graph::Graph,
    pending: Dirty,
    laps: Laps,
    /// The site of the last compile and the claims' statuses as the files
    /// say (see [`Workspace::restore`]), shared with the readers of `cell`
    /// until the next rebuild takes it back.
    compiled: Option<(Arc<Site>, Vec<Status>)>,
    cell: Option<Arc<SiteCell>>,
    /// Of the claims files as last read (see [`ClaimsVersion`](crate::compiled::ClaimsVersion)).
    claims_version: Option<String>,
}

impl Workspace {
    /// An empty workspace; the first [`Workspace::rebuild`] with
    /// [`Changes::everything`] loads the project.
    pub(crate) fn new(project: &Project) -> Workspace {
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
            spare_graph: Default::default(),
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
    pub(crate) fn with_cell(project: &Project, cell: Arc<SiteCell>) -> Workspace {
        Workspace {
            cell: Some(cell),
            ..Workspace::new(project)
        }
    }

    /// The pages of the last good build.
    #[cfg(test)]
    pub(crate) fn pages(&self) -> &Arc<Pages> {
        &self.pages
    }

    /// Applies `changes`, compiles, and renders what they reach.
    pub(crate) fn rebuild(&mut self, changes: &Changes) -> Outcome {
        self.rebuild_with(changes, &mut |_| Later::Now)
    }

    /// [`Workspace::rebuild`], calling `early` when the pages the change
    /// reaches are ready but the big site-wide files are not yet (see
    /// [`Early`]).
    pub(crate) fn rebuild_with(
        &mut self,
        changes: &Changes,
        early: &mut dyn FnMut(&Early) -> Later,
    ) -> Outcome {
        let started = Instant::now();
        self.laps = Laps::new();
        self.reclaim();
        self.laps.lap("reclaim");
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
}
