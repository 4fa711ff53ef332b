//! The site as `serve` last compiled it, shared with the readers that
//! need it between rebuilds (the review API), so they answer from memory
//! instead of loading and compiling the project from disk per request.
//!
//! The builder marks the cell as building (`SiteCell::building`) when a
//! rebuild starts (readers then wait for it: the files changed), and
//! [publishes](SiteCell::publish) the new site as soon as it is compiled,
//! before rendering. Each published site names the
//! version of the claims files it was compiled from (`ClaimsVersion`), so a
//! reader can tell whether it is the site of the files on disk now.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::pipeline::site::Site;

/// One compiled site.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub site: Arc<Site>,
    /// The version of the claims files the site was compiled from
    /// ([`ClaimsVersion`]); `None` when one of them could not be read.
    pub claims_version: Option<String>,
    /// Counts publishes: a reader caching something of a site keys it by
    /// this.
    pub generation: u64,
}

#[derive(Debug)]
enum Slot {
    /// The first build, or a rebuild, is running.
    Building,
    /// The last compile's site.
    Ready(Arc<Compiled>),
    /// The last compile had no site (no content folder, no site.toml).
    Missing,
}

/// Where the builder puts each compiled site and readers find it.
#[derive(Debug)]
pub struct SiteCell {
    slot: Mutex<(Slot, u64)>,
    changed: Condvar,
    /// Times readers compiled the site from disk themselves, finding no
    /// current one here. A preview that keeps up keeps it at zero; tests
    /// assert it.
    disk_compiles: AtomicU64,
}

impl Default for SiteCell {
    fn default() -> Self {
        SiteCell {
            slot: Mutex::new((Slot::Building, 0)),
            changed: Condvar::new(),
            disk_compiles: AtomicU64::new(0),
        }
    }
}

impl SiteCell {
    pub fn new() -> Arc<SiteCell> {
        Arc::new(SiteCell::default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Slot, u64)> {
        // A reader that panicked holding the lock left nothing half done.
        self.slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A rebuild starts: readers wait for its site. Drops the cell's hold
    /// on the previous one, so the builder can take it back.
    pub(crate) fn building(&self) {
        self.lock().0 = Slot::Building;
    }

    /// Publishes a compiled site (`None`: the project has none) and wakes
    /// the readers waiting. Returns its generation.
    pub fn publish(&self, site: Option<Arc<Site>>, claims_version: Option<String>) -> u64 {
        let mut slot = self.lock();
        slot.1 += 1;
        let generation = slot.1;
        slot.0 = match site {
            Some(site) => Slot::Ready(Arc::new(Compiled {
                site,
                claims_version,
                generation,
            })),
            None => Slot::Missing,
        };
        drop(slot);
        self.changed.notify_all();
        generation
    }

    /// The current site, if one is published and no rebuild is running.
    pub(crate) fn current(&self) -> Option<Arc<Compiled>> {
        match &self.lock().0 {
            Slot::Ready(c) => Some(c.clone()),
            _ => None,
        }
    }

    /// Waits up to `patience` for a published site that `wanted` accepts
    /// (asked again after every publish). `None` when none came, or the
    /// project has no site.
    pub(crate) fn wait_for(
        &self,
        patience: Duration,
        mut wanted: impl FnMut(&Compiled) -> bool,
    ) -> Option<Arc<Compiled>> {
        let deadline = Instant::now() + patience;
        let mut slot = self.lock();
        loop {
            match &slot.0 {
                Slot::Ready(c) if wanted(c) => return Some(c.clone()),
                Slot::Missing => return None,
                _ => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            slot = self
                .changed
                .wait_timeout(slot, deadline - now)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Whether the last compile found no site to publish (no content
    /// folder, no site.toml): readers need not wait for one.
    pub(crate) fn has_no_site(&self) -> bool {
        matches!(self.lock().0, Slot::Missing)
    }

    /// Counts a reader's compile from disk (see [`SiteCell::disk_compiles`]).
    pub(crate) fn count_disk_compile(&self) {
        self.disk_compiles.fetch_add(1, Ordering::Relaxed);
    }

    /// How many times readers compiled the site from disk.
    pub fn disk_compiles(&self) -> u64 {
        self.disk_compiles.load(Ordering::Relaxed)
    }
}

/// The version of a project's claims files: a hash of each file's name and
/// bytes, in loading order. Any change to any of them changes it; the
/// review API names it with every page and refuses writes made against an
/// older one.
#[derive(Debug, Clone)]
pub(crate) struct ClaimsVersion(blake3::Hasher);

impl Default for ClaimsVersion {
    fn default() -> Self {
        ClaimsVersion(blake3::Hasher::new())
    }
}

impl ClaimsVersion {
    /// Adds the next file, `name` relative to the project root.
    pub(crate) fn add(&mut self, name: &str, bytes: &[u8]) {
        self.0.update(name.as_bytes());
        self.0.update(&[0]);
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub(crate) fn finish(&self) -> String {
        self.0.finalize().to_hex()[..16].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_wait_for_the_site_they_want() {
        let cell = SiteCell::new();
        assert!(cell.current().is_none(), "building at first");
        let (site, _) = crate::pipeline::site::compile(
            std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/review-project"
            )),
            crate::pipeline::site::BuildOptions { drafts: true },
        );
        let site = Arc::new(site.unwrap());
        let writer = {
            let cell = cell.clone();
            let site = site.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                cell.publish(Some(site.clone()), Some("a".into()));
                std::thread::sleep(Duration::from_millis(50));
                cell.publish(Some(site), Some("b".into()));
            })
        };
        let got = cell
            .wait_for(Duration::from_secs(10), |c| {
                c.claims_version.as_deref() == Some("b")
            })
            .expect("the second publish");
        assert_eq!(got.generation, 2);
        writer.join().unwrap();
        cell.building();
        assert!(cell.current().is_none());
        assert!(
            cell.wait_for(Duration::from_millis(20), |_| true).is_none(),
            "nothing while building"
        );
        cell.publish(None, None);
        assert!(cell.wait_for(Duration::from_secs(10), |_| true).is_none());
    }
}
