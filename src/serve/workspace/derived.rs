//! Derived files (PNG cards) kept from the served pages while what they
//! are drawn from is unchanged: drawing one costs far more than rendering
//! the SVG it is drawn from, so even a full re-render redraws only the
//! cards whose source changed, as `build` does.

use std::collections::HashMap;

use super::Pages;
use crate::diag::Diagnostics;
use crate::pipeline::site::Site;
use crate::render::{self, Job, Renderer};

/// Renders `jobs` in order, taking a derived file (a PNG card) from
/// `served` when what it is drawn from has not changed since it was drawn.
/// Also returns how many derived files were drawn.
pub(super) fn render_reusing_derived(
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

#[cfg(test)]
mod tests {
    use crate::project::Project;
    use crate::serve::workspace::tests::{claims_changed, edit, project, rebuild_matches};
    use crate::serve::workspace::{Changes, Workspace};

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
            include_str!("../../../templates/base.html")
                .replace("</main>", "<p>Edited.</p></main>"),
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
}
