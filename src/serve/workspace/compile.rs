//! The compile from the cached sources (as `check` and `build` compile),
//! and taking its site back from the readers it was published to, so the
//! next rebuild can change it in place.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Workspace;
use super::load::article_id;
use crate::diag::Diagnostics;
use crate::pipeline::content::{self, Content, Status};
use crate::pipeline::site::{self, BuildOptions, Site};

/// How long a rebuild waits for readers to let go of the previous site
/// before it copies what it needs of it instead.
const RECLAIM_PATIENCE: Duration = Duration::from_secs(2);

impl Workspace {
    /// Compiles the current sources as `check` and `build` do, reusing
    /// docs and anchors. The site, when there is one, holds the state's
    /// articles, docs and claims: hand it back with [`Workspace::restore`].
    pub(super) fn compile(&mut self) -> (Option<(Site, Vec<Status>)>, Diagnostics) {
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
        let spare = std::mem::take(&mut self.spare_graph);
        let site = site::assemble(content, docs, anchors, options, spare, &mut diags);
        self.laps.lap("graph");
        (Some((site, statuses)), diags)
    }

    /// Takes the last compile's site back, to change it: from the readers
    /// first (they hold it for one request at most; a reader that keeps it
    /// longer gets its own copy).
    pub(super) fn reclaim(&mut self) {
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
        self.spare_graph = site.graph;
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
}
