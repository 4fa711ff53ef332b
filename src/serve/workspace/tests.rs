//! Whole-workspace tests: every incremental rebuild must equal a full
//! build, byte for byte; the helpers here serve the job files' tests too.

use std::path::Path;

use super::*;
use crate::pipeline::site::BuildOptions;
use crate::render;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/serve-basic");

pub(super) fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(FIXTURE), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// What `build --drafts` renders, and what `check` prints.
fn full_build(root: &Path) -> (Option<Pages>, String) {
    let project = Project::open(root).unwrap();
    let (site, mut diags) = project.compile(BuildOptions { drafts: true });
    let renderer = project.renderer();
    if let Err(d) = &renderer {
        diags.extend(d.clone());
    }
    if let Some(site) = &site {
        diags.extend(crate::claims::consistency::check(&site.claims, &site.pages));
    }
    diags.sort();
    let text = diags.render(false);
    if diags.has_errors() {
        return (None, text);
    }
    let pages = render::render_site(&site.unwrap(), &renderer.unwrap()).unwrap();
    let pages = pages
        .into_iter()
        .map(|p| (p.path, Bytes::from(p.bytes)))
        .collect();
    (Some(pages), text)
}

/// Rebuilds and checks the result is exactly a full build's.
pub(super) fn rebuild_matches(ws: &mut Workspace, root: &Path, changes: Changes) -> Outcome {
    let outcome = ws.rebuild(&changes);
    let (full, diags) = full_build(root);
    assert_eq!(
        outcome.diagnostics.render(false),
        diags,
        "after {changes:?}"
    );
    match full {
        Some(full) => {
            assert!(outcome.ok(), "{}", outcome.diagnostics.render(false));
            let got: Vec<&String> = outcome.pages.keys().collect();
            let want: Vec<&String> = full.keys().collect();
            assert_eq!(got, want, "after {changes:?}");
            for (path, bytes) in full.iter() {
                assert!(
                    outcome.pages[path] == *bytes,
                    "{path} differs from a full build after {changes:?}"
                );
            }
        }
        None => assert!(!outcome.ok()),
    }
    outcome
}

pub(super) fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

pub(super) fn article_changes(root: &Path, ids: &[&str]) -> Changes {
    Changes {
        articles: ids
            .iter()
            .map(|id| root.join(format!("content/articles/{id}.md")))
            .collect(),
        ..Changes::default()
    }
}

pub(super) fn claims_changed() -> Changes {
    Changes {
        claims: true,
        ..Changes::default()
    }
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    let dir = project();
    let root = dir.path();
    let articles = root.join("content/articles");
    let claims = root.join("content/claims.toml");
    let mut ws = Workspace::new(&Project::open(root).unwrap());
    let first = rebuild_matches(&mut ws, root, Changes::everything());
    assert!(first.rendered.all);

    // A sentence added to an article nobody else quotes from here.
    edit(
        &articles.join("coastal-gazette-talks.md"),
        "broke down.",
        "broke down. Both sides say they want a deal.",
    );
    let o = rebuild_matches(
        &mut ws,
        root,
        article_changes(root, &["coastal-gazette-talks"]),
    );
    assert!(!o.rendered.all);
    // It, the claim citing it, and the article sharing that claim.
    assert_eq!((o.rendered.articles, o.rendered.claims), (2, 1), "{o:?}");
    assert!(o.changed > 0);

    // A quoted statement reworded around the quote: its id changes, and
    // the articles sharing its claims link to it by id.
    edit(
        &articles.join("daily-ledger-port.md"),
        "Around 900 workers took part, according to the port authority.",
        "Around 900 workers took part, the port authority said.",
    );
    rebuild_matches(&mut ws, root, article_changes(root, &["daily-ledger-port"]));

    // Only the front matter: the doc (and its anchors) are reused.
    edit(
        &articles.join("daily-ledger-port.md"),
        "Port strike enters its third day",
        "Port strike enters day three",
    );
    rebuild_matches(&mut ws, root, article_changes(root, &["daily-ledger-port"]));

    // A warning in the last claim, then a line added to the first: the
    // claims after it move, and their warnings point at the new lines.
    edit(
        &claims,
        "id = \"ships-waiting\"\n",
        "id = \"ships-waiting\"\ncolour = \"blue\"\n",
    );
    rebuild_matches(&mut ws, root, claims_changed());
    edit(
        &claims,
        "id = \"strike-third-day\"\n",
        "id = \"strike-third-day\"\n# Checked twice.\n",
    );
    let o = rebuild_matches(&mut ws, root, claims_changed());
    assert!(o.diagnostics.render(false).contains("colour"));
    assert!(
        ws.claim_files[0].sections.is_some(),
        "claims.toml is re-parsed a claim at a time"
    );

    // A claim's verdict: its page and the articles it cites.
    edit(
        &claims,
        "verdict = \"misleading\"",
        "verdict = \"inaccurate\"",
    );
    let o = rebuild_matches(&mut ws, root, claims_changed());
    assert_eq!((o.rendered.articles, o.rendered.claims), (2, 1), "{o:?}");

    // A quoted sentence edited away: an error naming the quote; pages
    // stay as they were.
    let before = ws.pages().clone();
    edit(
        &articles.join("harbour-times-strike.md"),
        "Talks are set to resume on Thursday",
        "Talks may resume later",
    );
    let o = rebuild_matches(
        &mut ws,
        root,
        article_changes(root, &["harbour-times-strike"]),
    );
    assert!(Arc::ptr_eq(&o.pages, &before));
    assert!(
        o.diagnostics
            .render(false)
            .contains("talks-resume-thursday"),
        "{}",
        o.diagnostics.render(false)
    );
    // Another change while broken, then the fix: everything pending
    // is rendered.
    edit(&claims, "About 1,200 workers", "Some 1,200 workers");
    rebuild_matches(&mut ws, root, claims_changed());
    edit(
        &articles.join("harbour-times-strike.md"),
        "Talks may resume later",
        "Talks are set to resume on Thursday",
    );
    rebuild_matches(
        &mut ws,
        root,
        article_changes(root, &["harbour-times-strike"]),
    );

    // A new article and a new claims file citing it.
    std::fs::write(
        articles.join("metro-bulletin.md"),
        "+++\ntitle = \"Strike ends\"\noutlet = \"Metro Bulletin\"\n+++\nThe strike ended on Friday.\n",
    )
    .unwrap();
    rebuild_matches(&mut ws, root, article_changes(root, &["metro-bulletin"]));
    std::fs::create_dir(root.join("content/claims")).unwrap();
    std::fs::write(
        root.join("content/claims/more.toml"),
        "[[claim]]\nid = \"strike-ended-friday\"\ntext = \"The strike ended on Friday.\"\n\n  [[claim.evidence]]\n  article = \"metro-bulletin\"\n  quote = \"The strike ended on Friday.\"\n  stance = \"supports\"\n",
    )
    .unwrap();
    rebuild_matches(&mut ws, root, claims_changed());

    // The article renamed away: its claim now names an unknown article.
    std::fs::rename(
        articles.join("metro-bulletin.md"),
        articles.join("metro-bulletin-2.md"),
    )
    .unwrap();
    let o = rebuild_matches(
        &mut ws,
        root,
        article_changes(root, &["metro-bulletin", "metro-bulletin-2"]),
    );
    assert!(!o.ok());
    std::fs::remove_file(root.join("content/claims/more.toml")).unwrap();
    let o = rebuild_matches(&mut ws, root, claims_changed());
    assert!(
        !o.pages
            .contains_key("claims/strike-ended-friday/index.html")
    );
    assert!(!o.pages.contains_key("articles/metro-bulletin/index.html"));
    assert!(o.pages.contains_key("articles/metro-bulletin-2/index.html"));

    // Claims reordered: pages listing them follow the new order.
    let text = std::fs::read_to_string(&claims).unwrap();
    let (head, tail) = text.split_at(text.find("[[claim]]\nid = \"walkout-unlawful\"").unwrap());
    let first_claim = text.find("[[claim]]").unwrap();
    let reordered = format!("{}{tail}\n{}", &head[..first_claim], &head[first_claim..]);
    std::fs::write(&claims, reordered).unwrap();
    rebuild_matches(&mut ws, root, claims_changed());

    // A template override, then site.toml: everything.
    std::fs::create_dir(root.join("templates")).unwrap();
    let base = render::DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == "base.html")
        .unwrap()
        .1;
    std::fs::write(
        root.join("templates/base.html"),
        base.replacen("<main", "<p class=\"preview\">Preview</p><main", 1),
    )
    .unwrap();
    let o = rebuild_matches(
        &mut ws,
        root,
        Changes {
            templates: true,
            ..Changes::default()
        },
    );
    assert!(o.rendered.all);
    edit(
        &root.join("content/site.toml"),
        "Harbour strike, three reports",
        "Harbour strike, four reports",
    );
    let o = rebuild_matches(
        &mut ws,
        root,
        Changes {
            config: true,
            ..Changes::default()
        },
    );
    assert!(o.rendered.all);

    // Deleting every article file at once, then a rescan.
    std::fs::rename(&articles, root.join("content/articles-old")).unwrap();
    rebuild_matches(
        &mut ws,
        root,
        Changes {
            rescan: true,
            ..Changes::default()
        },
    );
    std::fs::rename(root.join("content/articles-old"), &articles).unwrap();
    rebuild_matches(
        &mut ws,
        root,
        Changes {
            rescan: true,
            ..Changes::default()
        },
    );
}

#[test]
fn unchanged_files_render_nothing_new() {
    let dir = project();
    let root = dir.path();
    let mut ws = Workspace::new(&Project::open(root).unwrap());
    assert!(ws.rebuild(&Changes::everything()).ok());
    // Saved without a change (touch, or an editor's save-all).
    let o = ws.rebuild(&article_changes(root, &["daily-ledger-port"]));
    assert_eq!(o.what, NOTHING);
    assert_eq!(o.changed, 0);
    let o = ws.rebuild(&claims_changed());
    assert_eq!(o.changed, 0);
}

#[test]
fn a_failed_first_build_serves_nothing_then_recovers() {
    let dir = project();
    let root = dir.path();
    let site_toml = root.join("content/site.toml");
    edit(&site_toml, "title = ", "titel = ");
    let mut ws = Workspace::new(&Project::open(root).unwrap());
    let o = rebuild_matches(&mut ws, root, Changes::everything());
    assert!(o.pages.is_empty());
    assert!(o.diagnostics.render(false).contains("content/site.toml"));
    edit(&site_toml, "titel = ", "title = ");
    rebuild_matches(
        &mut ws,
        root,
        Changes {
            config: true,
            ..Changes::default()
        },
    );
}

#[test]
fn every_compile_is_published_with_the_version_of_its_claims_files() {
    let dir = project();
    let root = dir.path();
    let cell = SiteCell::new();
    let mut ws = Workspace::with_cell(&Project::open(root).unwrap(), cell.clone());
    rebuild_matches(&mut ws, root, Changes::everything());
    let version = || crate::review::ClaimsFiles::read(root).unwrap().version();
    let first = cell.current().expect("published");
    assert_eq!(first.claims_version, Some(version()));
    // A reader still holds the site when the next save comes: the
    // rebuild works on a copy, the reader's site stays as it was.
    let held = first.site.clone();
    drop(first);
    edit(
        &root.join("content/claims.toml"),
        "About 1,200 workers",
        "Some 1,200 workers",
    );
    rebuild_matches(&mut ws, root, claims_changed());
    let now = cell.current().expect("published again");
    assert_eq!(now.claims_version, Some(version()));
    assert_eq!(now.generation, 2);
    let said = |site: &Site, words: &str| site.claims.iter().any(|c| c.text.contains(words));
    assert!(said(&held, "About 1,200") && !said(&held, "Some 1,200"));
    assert!(said(&now.site, "Some 1,200"));
    // With no reader left, the site is taken back whole, and the build
    // still equals a full one.
    drop((held, now));
    edit(
        &root.join("content/articles/coastal-gazette-talks.md"),
        "broke down.",
        "broke down. Both sides want a deal.",
    );
    rebuild_matches(
        &mut ws,
        root,
        article_changes(root, &["coastal-gazette-talks"]),
    );
    assert_eq!(cell.current().unwrap().generation, 3);
}

#[test]
fn a_missing_content_folder_is_reported_like_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::new(&Project::open(dir.path()).unwrap());
    let o = rebuild_matches(&mut ws, dir.path(), Changes::everything());
    assert!(o.diagnostics.render(false).contains("no content/ folder"));
    copy_dir(Path::new(FIXTURE), dir.path());
    rebuild_matches(&mut ws, dir.path(), Changes::everything());
}
