//! The front door: the one way the commands run the pipeline.
//!
//! A [`Project`] owns the project folder, resolved once, and runs the
//! stages for every command the same way: [`Project::compile`] (load →
//! split → anchor → graph → findings), [`Project::check`] (that, plus every
//! check `crosscheck check` makes, templates rendered in memory),
//! [`Project::build`] (that, rendered into the site's staging tree and
//! swapped in). Rendering goes to a `Sink`: the staged folder for
//! `build`, memory for `check` (and for the live preview, which renders
//! into its own page map; see `crate::serve`).
//!
//! ```no_run
//! use crosscheck::project::Project;
//! use crosscheck::pipeline::site::BuildOptions;
//!
//! let project = Project::open("path/to/project".as_ref())?;
//! let checked = project.check();
//! assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics.render(false));
//! let built = project
//!     .build("path/to/project/site".as_ref(), BuildOptions::default(), &())
//!     .expect("the site builds");
//! println!("{} files, {} written", built.files.len(), built.written.written);
//! # Ok::<(), crosscheck::project::ProjectError>(())
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::diag::Diagnostics;
use crate::output::{OutputError, Page, StagedSite, Written};
use crate::pipeline::site::{self, BuildOptions, Site};
use crate::render::{self, Job, Rendered, Renderer};
use crate::stages::StageClock;

/// A project folder (holding `content/` and optionally `templates/`).
#[derive(Debug, Clone)]
pub struct Project {
    /// As given, for messages.
    given: PathBuf,
    /// Resolved once (links, `.` and `..`), for every file operation.
    root: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot use project folder {}: {source}", .path.display())]
    Root {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("project folder {} is not a folder", .0.display())]
    NotAFolder(PathBuf),
}

/// What a build reports back, besides the site it wrote.
pub trait Observer: Sync {
    /// A stage began; `total` units of work follow (0: unknown).
    fn stage(&self, _what: &'static str, _total: u64) {}
    /// One unit of work is done.
    fn done_one(&self) {}
}

/// No one is watching.
impl Observer for () {}

/// Where rendered files go.
pub(crate) trait Sink: Sync {
    fn put(&self, page: Page) -> Result<(), OutputError>;

    /// For a file whose bytes are a pure function of `key` (see
    /// [`render::derived_key`]): `Some(size)` when the sink already holds
    /// it made from that key, so it need not be made again.
    fn keep_derived(&self, _path: &str, _key: u64) -> Option<u64> {
        None
    }

    /// Whether [`Sink::keep_derived`] can ever keep a file (else keys of
    /// pages are not worth computing).
    fn keeps_derived(&self) -> bool {
        false
    }

    /// Takes a derived file made from `key`.
    fn put_derived(&self, page: Page, _key: u64) -> Result<(), OutputError> {
        self.put(page)
    }
}

impl Sink for StagedSite {
    fn put(&self, page: Page) -> Result<(), OutputError> {
        self.write(&page)
    }

    fn keep_derived(&self, path: &str, key: u64) -> Option<u64> {
        StagedSite::keep_derived(self, path, key)
    }

    fn keeps_derived(&self) -> bool {
        true
    }

    fn put_derived(&self, page: Page, key: u64) -> Result<(), OutputError> {
        self.write_derived(&page, key)
    }
}

/// Files kept in memory, in the order they were rendered.
#[derive(Default)]
pub(crate) struct Memory(pub std::sync::Mutex<Vec<Page>>);

impl Sink for Memory {
    fn put(&self, page: Page) -> Result<(), OutputError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(page);
        Ok(())
    }
}

/// Why a render did not finish.
#[derive(Debug)]
pub(crate) enum RenderError {
    /// Templates failed on some pages: each distinct error once.
    Content(Diagnostics),
    /// A file could not be written.
    Io(OutputError),
}

/// What `check` found.
pub struct Checked {
    /// The compiled site (drafts included), when the content loaded.
    pub site: Option<Site>,
    /// Everything `check` prints, sorted.
    pub diagnostics: Diagnostics,
}

/// A finished build.
#[derive(Debug)]
pub struct Built {
    /// The compiled site; `None` when the output already was what these
    /// inputs make, so nothing was loaded (see [`Project::build`]).
    pub site: Option<Site>,
    /// What the site holds.
    pub summary: Summary,
    /// Every file of the site with its size, site-wide files first (empty
    /// when nothing was loaded).
    pub files: Vec<(String, usize)>,
    /// What the build did to the output folder.
    pub written: Written,
    /// Warnings (a build with errors does not finish).
    pub diagnostics: Diagnostics,
}

/// What a built site holds, as the command line reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// HTML pages.
    pub pages: usize,
    pub articles: usize,
    /// Published claims.
    pub claims: usize,
    /// Pieces of evidence (quotes) of the published claims.
    pub evidence: usize,
    /// Files of every kind.
    pub files: usize,
}

impl Summary {
    fn of(site: &Site, files: &[(String, usize)]) -> Summary {
        Summary {
            pages: files.iter().filter(|(p, _)| p.ends_with(".html")).count(),
            articles: site.articles.len(),
            claims: site.claims.len(),
            evidence: site.graph.evidence.iter().map(Vec::len).sum(),
            files: files.len(),
        }
    }

    /// The receipt kept beside a site (see [`crate::output::read_receipt`]):
    /// the digest of what the build read, and this summary.
    fn receipt(&self, inputs: crate::inputs::Digest) -> String {
        let Summary {
            pages,
            articles,
            claims,
            evidence,
            files,
        } = self;
        format!(
            "inputs {} pages {pages} articles {articles} claims {claims} evidence {evidence} files {files}",
            inputs.to_hex()
        )
    }

    /// The summary a receipt records, if it was made from `inputs`.
    fn from_receipt(receipt: &str, inputs: crate::inputs::Digest) -> Option<Summary> {
        let words: Vec<&str> = receipt.split(' ').collect();
        let [
            "inputs",
            digest,
            "pages",
            pages,
            "articles",
            articles,
            "claims",
            claims,
            "evidence",
            evidence,
            "files",
            files,
        ] = words[..]
        else {
            return None;
        };
        (crate::inputs::Digest::from_hex(digest)? == inputs).then_some(())?;
        Some(Summary {
            pages: pages.parse().ok()?,
            articles: articles.parse().ok()?,
            claims: claims.parse().ok()?,
            evidence: evidence.parse().ok()?,
            files: files.parse().ok()?,
        })
    }
}

/// Why a build did not finish: the output folder is untouched either way.
#[derive(Debug)]
pub enum BuildError {
    /// The content or templates have errors (all of them here).
    Content(Diagnostics),
    /// The output could not be written; warnings found before it.
    Io(OutputError, Diagnostics),
}

impl Project {
    /// Resolves `root` once; every later step uses that folder.
    pub fn open(root: &Path) -> Result<Project, ProjectError> {
        let resolved = std::fs::canonicalize(root).map_err(|source| ProjectError::Root {
            path: root.to_path_buf(),
            source,
        })?;
        if !resolved.is_dir() {
            return Err(ProjectError::NotAFolder(root.to_path_buf()));
        }
        Ok(Project {
            given: root.to_path_buf(),
            root: resolved,
        })
    }

    /// The project folder, resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The input rule (see [`crate::input`]) for the resolved folder.
    pub(crate) fn input_rule(&self) -> crate::input::Project {
        crate::input::Project::resolved(&self.root)
    }

    /// The project folder as it was given (for messages).
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// Loads the content and runs every stage up to the compiled [`Site`].
    /// `None` when the content could not be loaded at all; a `Site` may
    /// come with errors too (quotes that did not anchor are left out of
    /// its graph), so callers that publish must check
    /// [`Diagnostics::has_errors`].
    pub fn compile(&self, options: BuildOptions) -> (Option<Site>, Diagnostics) {
        site::compile(&self.root, options)
    }

    /// The templates: the built-in ones and the project's overrides.
    pub(crate) fn renderer(&self) -> Result<Renderer, Diagnostics> {
        Renderer::new(&self.root)
    }

    /// Everything `crosscheck check` reports: the content's problems, the
    /// consistency and standards rules, near-copies without
    /// `derived_from`, and every page rendered in memory (a template can
    /// fail on one page's data). Drafts are included: check measures the
    /// work.
    pub fn check(&self) -> Checked {
        let (site, mut diags) = self.compile(BuildOptions { drafts: true });
        let renderer = self.renderer().map_err(|d| diags.extend(d)).ok();
        if let Some(site) = &site {
            diags.extend(crate::claims::consistency::check(&site.claims, &site.pages));
            diags.extend(crate::pipeline::findings::check_independence(
                &site.articles,
                &site.docs,
                &site.findings,
            ));
            diags.extend(crate::render::card::glyph_warnings(site));
            if let Some(renderer) = &renderer {
                let memory = Memory::default();
                if let Err(RenderError::Content(d)) =
                    render_into(site, renderer, &render::check_jobs(site), &memory, &())
                {
                    diags.extend(d);
                }
            }
        }
        diags.sort();
        Checked {
            site,
            diagnostics: diags,
        }
    }

    /// Builds the site into `out`: compiled (each article's Markdown freed
    /// once split), every file rendered in parallel and handed to the
    /// site's staging tree as soon as it is rendered, which replaces `out`
    /// once every file is there (see [`crate::output`]).
    ///
    /// A build that finishes without a warning leaves a receipt beside the
    /// site: the digest of everything it read (`crate::inputs`). When the
    /// next build finds the same digest and the site as that build left it,
    /// the site is already what it would make, and it stops there, having
    /// read the inputs once and written nothing.
    pub fn build(
        &self,
        out: &Path,
        options: BuildOptions,
        observer: &dyn Observer,
    ) -> Result<Built, BuildError> {
        self.build_with(out, options, observer, true)
    }

    /// [`Project::build`] without the shortcut: the content is loaded and
    /// every file rendered even when the receipt says nothing changed (for
    /// `build -v`, which reports every file).
    pub fn build_in_full(
        &self,
        out: &Path,
        options: BuildOptions,
        observer: &dyn Observer,
    ) -> Result<Built, BuildError> {
        self.build_with(out, options, observer, false)
    }

    fn build_with(
        &self,
        out: &Path,
        options: BuildOptions,
        observer: &dyn Observer,
        shortcut: bool,
    ) -> Result<Built, BuildError> {
        observer.stage("reading…", 0);
        // An output folder that may not be replaced is reported after the
        // content is loaded, with the content's problems.
        let target = crate::output::check_target(&self.root, out).ok();
        let inputs = target.as_ref().and_then(|target| {
            let salt = format!("drafts={} out={}", options.drafts, target.display());
            crate::inputs::digest(&self.root, salt.as_bytes())
        });
        let unchanged = target
            .filter(|_| shortcut)
            .zip(inputs)
            .and_then(|(target, inputs)| {
                Summary::from_receipt(&crate::output::read_receipt(&target)?, inputs)
            });
        if let Some(summary) = unchanged {
            return Ok(Built {
                site: None,
                summary,
                files: Vec::new(),
                written: Written {
                    unchanged: summary.files,
                    ..Written::default()
                },
                diagnostics: Diagnostics::default(),
            });
        }
        observer.stage("loading and anchoring…", 0);
        let mut clock = StageClock::from_env();
        let (site, mut diags) = site::compile_for_build(&self.root, options, &mut clock);
        if let Some(site) = &site {
            diags.extend(crate::render::card::glyph_warnings(site));
        }
        let renderer = self.renderer();
        let (site, renderer) = match (site, renderer) {
            (Some(site), Ok(r)) if !diags.has_errors() => (site, r),
            (_, r) => {
                if let Err(d) = r {
                    diags.extend(d);
                }
                return Err(BuildError::Content(diags));
            }
        };
        let mut staged = match StagedSite::new(&self.root, out) {
            Ok(s) => s,
            Err(e) => return Err(BuildError::Io(e, diags)),
        };
        let files = match render_into(
            &site,
            &renderer,
            &render::site_jobs(&site),
            &staged,
            observer,
        ) {
            Ok(files) => files,
            Err(RenderError::Content(d)) => {
                diags.extend(d);
                return Err(BuildError::Content(diags));
            }
            Err(RenderError::Io(e)) => return Err(BuildError::Io(e, diags)),
        };
        clock.mark("render");
        let summary = Summary::of(&site, &files);
        // A build with warnings leaves no receipt, so the next one runs in
        // full and shows them again.
        if diags.is_empty() {
            staged.set_receipt(inputs.map(|d| summary.receipt(d)));
        }
        observer.stage("writing…", 0);
        let written = match staged.commit() {
            Ok(w) => w,
            Err(e) => return Err(BuildError::Io(e, diags)),
        };
        clock.mark("commit");
        // Freeing a big site's templates one allocation at a time takes a
        // noticeable part of a second; the renderer is not needed again.
        std::mem::forget(renderer);
        Ok(Built {
            site: Some(site),
            summary,
            files,
            written,
            diagnostics: diags,
        })
    }
}

/// Renders `jobs` in parallel into `sink`, each file as soon as it is
/// rendered, keeping only its path and size. After the first page that
/// fails to render the rest are still rendered (to report every distinct
/// error) but no longer handed on.
pub(crate) fn render_into(
    site: &Site,
    renderer: &Renderer,
    jobs: &[Job],
    sink: &dyn Sink,
    observer: &dyn Observer,
) -> Result<Vec<(String, usize)>, RenderError> {
    observer.stage("rendering", jobs.len() as u64);
    let failed = AtomicBool::new(false);
    let results: Vec<Result<(String, usize), RenderError>> = jobs
        .par_iter()
        .map_init(
            || render::Scratch::new(site),
            |scratch, &job| {
                let derived = render::derived_key(site, job);
                if let Some((path, key)) = &derived {
                    if let Some(len) = sink.keep_derived(path, *key) {
                        observer.done_one();
                        return Ok((path.clone(), len as usize));
                    }
                }
                // A page from a template whose key (program, templates,
                // catalogue, the page's data) the sink holds is kept as is.
                let keep = |path: &str, key: u64| sink.keep_derived(path, key);
                let keep: Option<&render::Keep<'_>> = sink.keeps_derived().then_some(&keep);
                let rendered = render::render_job_keyed(site, renderer, job, scratch, keep);
                observer.done_one();
                match rendered {
                    Ok(Rendered::Kept { path, len }) => Ok((path, len as usize)),
                    Ok(Rendered::Page(page, page_key)) if !failed.load(Ordering::Relaxed) => {
                        let entry = (page.path.clone(), page.bytes.len());
                        match derived.map(|(_, key)| key).or(page_key) {
                            Some(key) => sink.put_derived(page, key),
                            None => sink.put(page),
                        }
                        .map_err(RenderError::Io)?;
                        Ok(entry)
                    }
                    Ok(Rendered::Page(page, _)) => Ok((page.path, page.bytes.len())),
                    Err(d) => {
                        failed.store(true, Ordering::Relaxed);
                        let mut diags = Diagnostics::default();
                        diags.push(d);
                        Err(RenderError::Content(diags))
                    }
                }
            },
        )
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::default();
    let mut io = None;
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(RenderError::Content(d)) => diags.extend_distinct(d),
            Err(RenderError::Io(e)) => {
                io.get_or_insert(e);
            }
        }
    }
    if diags.has_errors() {
        Err(RenderError::Content(diags))
    } else if let Some(e) = io {
        Err(RenderError::Io(e))
    } else {
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_and_build_see_the_same_site() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reader");
        let project = Project::open(&root).unwrap();
        let checked = project.check();
        assert!(!checked.diagnostics.has_errors());
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let Ok(built) = project.build(&out, BuildOptions::default(), &()) else {
            panic!("the reader fixture builds");
        };
        let claims = checked.site.unwrap().claims.len();
        assert_eq!(built.site.unwrap().claims.len(), claims);
        assert_eq!(built.summary.claims, claims);
        assert_eq!(built.written.written, built.files.len());
        assert!(out.join("index.html").is_file());
        // A second build finds nothing to write.
        let Ok(again) = project.build(&out, BuildOptions::default(), &()) else {
            panic!("it builds again");
        };
        assert!(!again.written.swapped);
        assert_eq!(again.summary, built.summary);
    }

    fn copy_fixture(name: &str) -> tempfile::TempDir {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let dir = tempfile::tempdir().unwrap();
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        dir
    }

    /// Builds `root` into `root/site`: whether it loaded the content (a
    /// full build), and what it wrote.
    fn build(root: &Path, options: BuildOptions) -> (bool, Written, Diagnostics) {
        let project = Project::open(root).unwrap();
        let Ok(built) = project.build(&root.join("site"), options, &()) else {
            panic!("{} builds", root.display());
        };
        (built.site.is_some(), built.written, built.diagnostics)
    }

    #[test]
    fn a_build_whose_inputs_are_those_of_the_last_stops_before_loading_them() {
        let dir = copy_fixture("reader");
        let root = dir.path();
        let plain = BuildOptions::default();
        assert!(build(root, plain).0, "the first build loads everything");
        let (loaded, written, _) = build(root, plain);
        assert!(!loaded, "nothing changed: nothing loaded");
        assert_eq!((written.written, written.swapped), (0, false));

        // Any input, any byte: the build runs in full.
        let article = std::fs::read_dir(root.join("content/articles"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(&article, format!("{text}\nOne more sentence.\n")).unwrap();
        let (loaded, written, _) = build(root, plain);
        assert!(
            loaded && written.written > 0,
            "an edited article is rebuilt"
        );
        assert!(!build(root, plain).0);
        std::fs::write(&article, &text).unwrap();
        assert!(build(root, plain).0, "an edit undone is an edit too");
        assert!(
            build(root, BuildOptions { drafts: true }).0,
            "other options"
        );
        assert!(build(root, plain).0, "and back");
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/404.html"), "<p>gone</p>").unwrap();
        assert!(build(root, plain).0, "a template");
        assert!(!build(root, plain).0);

        // A site changed by someone else is not the site the receipt
        // names: the build runs and puts it right.
        let manifest = root.join("site").join(crate::output::MANIFEST);
        let mut m = std::fs::read_to_string(&manifest).unwrap();
        m.push_str("0000000000000000 1 extra.html\n");
        std::fs::write(&manifest, m).unwrap();
        assert!(build(root, plain).0, "a site that is not the one recorded");
        assert!(!build(root, plain).0);
        let project = Project::open(root).unwrap();
        let full = project
            .build_in_full(&root.join("site"), plain, &())
            .unwrap();
        assert!(
            full.site.is_some() && !full.written.swapped,
            "in full when asked"
        );
        assert!(!build(root, plain).0, "and the receipt still holds");
        std::fs::remove_dir_all(root.join("site")).unwrap();
        let (loaded, written, _) = build(root, plain);
        assert!(loaded && written.swapped, "a deleted site is built again");
        assert!(root.join("site/index.html").is_file());
    }

    #[test]
    fn a_build_with_warnings_runs_in_full_every_time_and_shows_them() {
        let dir = copy_fixture("reader");
        let root = dir.path();
        std::fs::write(root.join("content/notes.txt"), "mine").unwrap();
        for round in 0..2 {
            let (loaded, _, diags) = build(root, BuildOptions::default());
            assert!(loaded, "round {round}: loaded");
            assert_eq!(
                diags.warning_count(),
                1,
                "round {round}: {}",
                diags.render(false)
            );
        }
    }

    #[test]
    fn a_missing_project_folder_is_an_error_naming_it() {
        let err = Project::open(Path::new("/no/such/project")).unwrap_err();
        assert!(err.to_string().contains("/no/such/project"), "{err}");
    }
}
