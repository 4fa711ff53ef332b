//! Where the answers come from: the site the preview compiled last when
//! it is of the claims files on disk (else one compiled for the request),
//! the term statistics kept up to date with each compile, and articles as
//! their files are now. Separate from the handlers so every read and
//! write asks the same place.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{ApiError, ReviewConfig};
use crate::claims::signoff;
use crate::compiled::SiteCell;
use crate::diag::Diagnostics;
use crate::pipeline::content::{self, Article, ArticleIdx, Claim};
use crate::pipeline::document::{self, Doc};
use crate::pipeline::site::{BuildOptions, Site};
use crate::project::Project;
use crate::review::ClaimsFiles;
use crate::suggest::Terms;

/// How long a read waits for the preview to compile the claims files on
/// disk (a rebuild after a save) before it compiles them itself.
const VIEW_PATIENCE: Duration = Duration::from_secs(30);

/// The API's state for one run.
pub(super) struct Api {
    pub(super) config: ReviewConfig,
    /// What a read compiles from disk through (the front door, as every
    /// command), or why the folder could not be opened as a project.
    project: Result<Project, String>,
    /// One write at a time, so two tabs cannot interleave edits.
    pub(super) write: tokio::sync::Mutex<()>,
    /// The preview's compiled sites; `None`: compile from disk per read.
    cell: Option<Arc<SiteCell>>,
    /// Term statistics of the site of one generation of the cell.
    terms: std::sync::Mutex<Option<(u64, Arc<Terms>)>>,
    /// `state`'s claims, as JSON, for one generation of the cell.
    pub(super) claims_json: std::sync::Mutex<Option<(u64, Arc<str>)>>,
}

impl Api {
    pub(super) fn new(
        config: ReviewConfig,
        project: Result<Project, String>,
        cell: Option<Arc<SiteCell>>,
    ) -> Arc<Api> {
        Arc::new(Api {
            config,
            project,
            write: tokio::sync::Mutex::new(()),
            cell,
            terms: std::sync::Mutex::new(None),
            claims_json: std::sync::Mutex::new(None),
        })
    }

    /// Brings the term statistics up to date after every compile, in the
    /// background, so the first request after a rebuild finds them ready.
    pub(super) fn keep_terms_current(self: &Arc<Api>) {
        let Some(cell) = self.cell.clone() else {
            return;
        };
        let api = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("crosscheck-review-terms".into())
            .spawn(move || {
                let mut seen = 0;
                loop {
                    let Some(c) = cell.wait_for(Duration::from_secs(3600), |c| c.generation > seen)
                    else {
                        continue;
                    };
                    seen = c.generation;
                    let Some(api) = api.upgrade() else {
                        return;
                    };
                    api.terms_for(c.generation, &c.site);
                }
            });
        if let Err(e) = spawned {
            eprintln!("warning: review mode ranks claims on demand only: {e}");
        }
    }

    /// The term statistics of `site`, the cell's generation `generation`.
    fn terms_for(&self, generation: u64, site: &Site) -> Arc<Terms> {
        let mut held = self
            .terms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match held.as_mut() {
            Some((g, t)) if *g == generation => t.clone(),
            // A later generation is being served already: keep it.
            Some((g, _)) if *g > generation => Arc::new(Terms::new(site)),
            Some((g, t)) => {
                Arc::make_mut(t).update(site);
                *g = generation;
                t.clone()
            }
            None => {
                let t = Arc::new(Terms::new(site));
                *held = Some((generation, t.clone()));
                t
            }
        }
    }

    /// The site of the claims files on disk now, and their version: the
    /// preview's when it compiled exactly these files (waiting for a
    /// rebuild in progress), else compiled from disk.
    pub(super) fn view(&self) -> Result<View, ApiError> {
        let root = &self.config.root;
        if let Some(cell) = &self.cell {
            let deadline = Instant::now() + VIEW_PATIENCE;
            loop {
                let version = ClaimsFiles::read(root)?.version();
                // A save may come meanwhile: look at the files again now
                // and then.
                let step = deadline
                    .saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(500));
                let found = cell.wait_for(step, |c| {
                    c.claims_version.as_deref() == Some(version.as_str())
                });
                if let Some(c) = found {
                    return Ok(View {
                        site: c.site.clone(),
                        generation: Some(c.generation),
                        version,
                    });
                }
                if cell.has_no_site() || Instant::now() >= deadline {
                    break;
                }
            }
        }
        let version = ClaimsFiles::read(root)?.version();
        Ok(View {
            site: Arc::new(self.compile()?),
            generation: None,
            version,
        })
    }

    /// Loads and compiles the project from disk: what the preview's site
    /// saves. Counted in the cell ([`SiteCell::disk_compiles`]).
    fn compile(&self) -> Result<Site, ApiError> {
        if let Some(cell) = &self.cell {
            cell.count_disk_compile();
        }
        let project = self
            .project
            .as_ref()
            .map_err(|e| ApiError::Internal(e.clone()))?;
        let (site, diags) = project.compile(BuildOptions { drafts: true });
        site.ok_or_else(|| {
            ApiError::Internal(format!(
                "the content cannot be loaded:\n{}",
                diags.render(false)
            ))
        })
    }

    /// The term statistics of a view's site.
    pub(super) fn terms(&self, view: &View) -> Arc<Terms> {
        match view.generation {
            Some(g) => self.terms_for(g, &view.site),
            None => Arc::new(Terms::new(&view.site)),
        }
    }

    /// Article `id` and its text as the file on disk has it now: the
    /// preview's compiled doc when the file is the one compiled, else the
    /// file parsed on its own.
    pub(super) fn article(&self, id: &str) -> Result<ArticleDoc, ApiError> {
        if !content::is_valid_id(id) {
            return Err(ApiError::NotFound(format!("no article `{id}`")));
        }
        let root = &self.config.root;
        let path = root
            .join("content")
            .join("articles")
            .join(format!("{id}.md"));
        let project = crate::input::Project::new(root);
        let bytes = project.read(&path, false).map_err(|e| {
            if e.is_not_found() {
                ApiError::NotFound(format!("no article `{id}`"))
            } else {
                ApiError::Internal(e.to_string())
            }
        })?;
        let mut d = Diagnostics::default();
        let file = content::source_from_bytes(project.name(&path), bytes, &mut d)
            .ok_or_else(|| ApiError::BadRequest(d.render(false)))?;
        if let Some(c) = self.cell.as_ref().and_then(|cell| cell.current()) {
            if let Some(ai) = c.site.article_idx(id) {
                if c.site.article(ai).file.text == file.text {
                    return Ok(ArticleDoc::Shared(c.site.clone(), ai));
                }
            }
        }
        let article = content::parse_article(file, &mut d).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "article `{id}` has errors; fix them first:\n{}",
                d.render(false)
            ))
        })?;
        // Split as the site does, or statement ids would not match its pages.
        let language = match self.cell.as_ref().and_then(|cell| cell.current()) {
            Some(c) => c.site.config.language.clone(),
            None => {
                let site_toml = root.join("content").join("site.toml");
                content::load_site_config(root, &site_toml, &mut Diagnostics::default())
                    .map_or_else(|| "en".to_string(), |c| c.language)
            }
        };
        let doc = document::parse_in(
            &article.body,
            crate::pipeline::statements::Language::of(&language),
        );
        Ok(ArticleDoc::Fresh(Box::new((article, doc))))
    }

    /// The fingerprint of `claim` as the claims file has it, its evidence
    /// anchored in the articles on disk. Refused when some of it does not
    /// anchor: a sign-off vouches for every piece.
    pub(super) fn fingerprint_of(&self, claim: &Claim) -> Result<String, ApiError> {
        let mut ids: Vec<&str> = claim.evidence.iter().map(|e| e.article.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut articles = Vec::with_capacity(ids.len());
        let mut docs = Vec::with_capacity(ids.len());
        for id in &ids {
            let a = self.article(id).map_err(|e| match e {
                ApiError::NotFound(m) => ApiError::BadRequest(format!(
                    "`{}` cannot be signed off: its evidence names {m}",
                    claim.id
                )),
                e => e,
            })?;
            articles.push(a.article().clone());
            docs.push(a.doc().clone());
        }
        let mut d = Diagnostics::default();
        let anchors = crate::pipeline::graph::anchor_evidence(
            &articles,
            &docs,
            std::slice::from_ref(claim),
            &mut d,
        );
        let row = &anchors[0];
        let missing = row.iter().filter(|a| a.is_none()).count();
        if missing > 0 {
            return Err(ApiError::BadRequest(format!(
                "{missing} of the evidence of `{}` is not found in its article; fix it before signing off",
                claim.id
            )));
        }
        Ok(signoff::fingerprint(claim, |ei| {
            let anchor = row.get(ei)?.as_ref()?;
            let ai = ids
                .binary_search(&claim.evidence[ei].article.as_str())
                .ok()?;
            Some(signoff::anchored_text(&docs[ai], anchor))
        }))
    }
}

/// A site to answer from and the version of the claims files it is of.
pub(super) struct View {
    pub(super) site: Arc<Site>,
    /// The cell's generation; `None` when compiled for this request.
    pub(super) generation: Option<u64>,
    pub(super) version: String,
}

/// An article and its doc: the compiled site's, or parsed for a request.
pub(super) enum ArticleDoc {
    Shared(Arc<Site>, ArticleIdx),
    Fresh(Box<(Article, Doc)>),
}

impl ArticleDoc {
    pub(super) fn article(&self) -> &Article {
        match self {
            ArticleDoc::Shared(site, ai) => site.article(*ai),
            ArticleDoc::Fresh(b) => &b.0,
        }
    }

    pub(super) fn doc(&self) -> &Doc {
        match self {
            ArticleDoc::Shared(site, ai) => site.doc(*ai),
            ArticleDoc::Fresh(b) => &b.1,
        }
    }
}
