//! Who cites whom, and which articles and claims a change reaches through
//! it (before the edit and after): the dependency graph that keeps an
//! incremental build to the pages it must render.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Workspace;
use crate::pipeline::content::Claim;

/// Who cites whom, from the claims' evidence (anchored or not).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Deps {
    /// Claim id → the articles its evidence names, sorted, no repeats.
    cites: HashMap<String, Vec<String>>,
    /// Article id → the claims whose evidence names it, sorted, no repeats.
    cited_by: HashMap<String, Vec<String>>,
}

impl Deps {
    /// Rebuilt on every claims edit, so built from one sorted list of
    /// pairs rather than by inserting into sets.
    pub(super) fn of(claims: &[Claim]) -> Deps {
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
    pub(super) fn update(&mut self, claims: &[Claim], changed: &BTreeSet<String>) {
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

    pub(super) fn cites(&self, claim: &str) -> impl Iterator<Item = &String> {
        self.cites.get(claim).into_iter().flatten()
    }

    fn cited_by(&self, article: &str) -> impl Iterator<Item = &String> {
        self.cited_by.get(article).into_iter().flatten()
    }
}

/// What changed since the last good build.
#[derive(Debug, Default)]
pub(super) struct Dirty {
    pub(super) all: bool,
    pub(super) articles: BTreeSet<String>,
    pub(super) claims: BTreeSet<String>,
    /// The site-wide files of the last build were left for this one.
    pub(super) site_wide: bool,
}

impl Dirty {
    pub(super) fn is_empty(&self) -> bool {
        !self.all && !self.site_wide && self.articles.is_empty() && self.claims.is_empty()
    }
}

impl Workspace {
    /// The articles and claims whose pages the pending changes reach,
    /// through who cites whom both before (as last rendered) and after.
    ///
    /// Only claims cite, so "before" differs from now only for the claims
    /// changed since: their pages are rendered anyway, and so are the
    /// articles they cited then (`before_cites`) and cite now. A claim that
    /// cited a pending article before is such a claim.
    pub(super) fn reach(&self) -> (BTreeSet<String>, BTreeSet<String>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::pipeline::content;

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
}
