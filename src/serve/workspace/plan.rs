//! Render planning: which jobs the pending changes reach, which of them
//! render now and which site-wide files wait until open pages have been
//! told to reload, and swapping the result into the page map.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use super::deps::Dirty;
use super::derived::render_reusing_derived;
use super::filing::{Entity, Filing};
use super::{Early, Later, Pages, Rendered, Workspace};
use crate::diag::Diagnostics;
use crate::pipeline::site::Site;
use crate::render::{self, Job};

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

impl Workspace {
    /// Renders the pages the pending changes reach and swaps them into the
    /// page map. Returns (pages changed, what was rendered).
    ///
    /// On an incremental build the big site-wide files (index, data.json,
    /// search index, feeds) come last: `early` is called once everything
    /// else is in the map, with the paths still to come, so open pages can
    /// reload while those render. Whoever serves them must hold requests
    /// for those paths until this returns.
    pub(super) fn render(
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
                    Job::Article(i) | Job::ArticleData(i) => articles.contains(&site.article(i).id),
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
                elapsed: started.elapsed(),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;
    use crate::serve::workspace::Changes;
    use crate::serve::workspace::tests::{article_changes, edit, project, rebuild_matches};

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
}
