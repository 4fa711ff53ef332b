//! Filing rendered files into a new page map: counting what changed, and
//! noting which article or claim each file belongs to (so its files go
//! when it goes) and where each site-wide job's file lies.

use std::collections::HashMap;

use bytes::Bytes;

use super::{Pages, Rendered};
use crate::pipeline::site::Site;
use crate::render::Job;

/// Which page a rendered file belongs to, so its files can be dropped when
/// the article or claim goes away.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Entity {
    Article(String),
    Claim(String),
}

/// Rendered files being filed into a new page map.
pub(super) struct Filing {
    pub(super) pages: Pages,
    /// Files of each article and claim rendered.
    pub(super) produced: HashMap<Entity, Vec<String>>,
    pub(super) rendered: Rendered,
    /// Files that differ from what was served.
    pub(super) changed: usize,
}

impl Filing {
    /// Files `files` (rendered from `jobs`, in order), noting which article
    /// or claim each belongs to and where site-wide files go.
    pub(super) fn put(
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

/// The article or claim a job renders a file of; `None` for site-wide
/// files (index, data.json, feeds…), which every rebuild renders. A job
/// kind added later lands there too: always rendered, so never stale.
fn entity(site: &Site, job: Job) -> Option<Entity> {
    match job {
        Job::Article(i) | Job::ArticleData(i) => Some(Entity::Article(site.article(i).id.clone())),
        Job::Claim(i) | Job::Card(i) | Job::CardPng(i) | Job::Embed(i) | Job::Oembed(i) => {
            Some(Entity::Claim(site.claims[i].id.clone()))
        }
        _ => None,
    }
}
