//! Reading what the watcher named into the workspace's caches: site.toml,
//! `content/pages/`, article files (parsed in parallel, re-split only when
//! the body changed) and claims files (re-parsed a claim at a time where
//! possible), and which claims changed between two loads. Separate from
//! the rest because this is where the workspace reads the disk.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::deps::Deps;
use super::{Changes, NOTHING, Workspace};
use crate::compiled::ClaimsVersion;
use crate::diag::Diagnostics;
use crate::pipeline::content::{self, Article, ArticleIdx, Claim, ContentFiles};
use crate::pipeline::document::{self, Doc};
use crate::serve::claims::{self, Print};

/// One article file as last read.
#[derive(Debug)]
pub(super) struct ArticleSlot {
    /// Hash of the text as read (after BOM and line-ending clean-up).
    pub(super) hash: blake3::Hash,
    /// Problems reading or parsing it.
    pub(super) diags: Diagnostics,
    /// Whether it parsed (and so is in [`Workspace::articles`]).
    pub(super) parsed: bool,
}

/// One claims file as last read.
#[derive(Debug)]
pub(super) struct ClaimsSlot {
    pub(super) path: PathBuf,
    pub(super) hash: blake3::Hash,
    pub(super) diags: Diagnostics,
    /// Its claims, in order, with a hash of everything pages show (`serve::claims::shown_print`).
    pub(super) claims: Vec<(String, Print)>,
    /// How to re-parse it a claim at a time ([`claims::parse_sections`]).
    pub(super) sections: Option<Vec<claims::Section>>,
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

impl Workspace {
    /// Reads what changed into the caches and records what is dirty.
    /// Returns a short description of the change for the console.
    pub(super) fn apply(&mut self, changes: &Changes) -> String {
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
    fn language(&self) -> crate::pipeline::statements::Language {
        crate::pipeline::statements::Language::of(&self.language_tag())
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

    /// The article read from file `name`, or where it would go (the
    /// articles stay in file name order, as `content::load` orders them).
    /// An index is good until the next insertion or removal.
    pub(super) fn position(&self, name: &str) -> Result<ArticleIdx, usize> {
        self.articles
            .binary_search_by(|a| a.file.name.as_str().cmp(name))
            .map(ArticleIdx::new)
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
            let article = self.articles.remove(i.get());
            self.docs.remove(i.get());
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
}

/// The id an article file has (or would have): its file stem.
pub(super) fn article_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `content/articles/*.md`, not an editor's temporary file: the files
/// `ContentFiles::discover` lists as articles.
pub(crate) fn is_article_path(root: &Path, path: &Path) -> bool {
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
