//! `crosscheck build` end to end on fixture folders: the pages people read,
//! the data tools read, and what happens when the build must fail.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;
use scraper::{Html, Selector};
use serde_json::Value;

fn element_text(doc: &Html, id: &str) -> Option<String> {
    let s = Selector::parse(&format!("[id=\"{id}\"]")).unwrap();
    doc.select(&s).next().map(|e| e.text().collect())
}

#[test]
fn every_evidence_link_resolves_to_statements_containing_the_quote() {
    let (_d, out) = built("basic");
    let data = data(&out);
    let mut checked = 0;
    for claim in data["claims"].as_array().unwrap() {
        let claim_page = page(
            &out,
            &format!("{}index.html", claim["path"].as_str().unwrap()),
        );
        let links: Vec<String> = claim_page
            .select(&sel(".evidence blockquote a"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        for ev in claim["evidence"].as_array().unwrap() {
            let href = ev["href"].as_str().unwrap();
            let (path, fragment) = href.split_once('#').unwrap();
            // The claim page links to the same statement, relative to itself.
            assert!(
                links.contains(&format!("../../{href}")),
                "{href} not linked from {}",
                claim["id"]
            );
            let article = page(&out, &format!("{path}index.html"));
            let ids: Vec<&str> = ev["statements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert_eq!(ids[0], fragment, "href points at the first statement");
            let joined: Vec<String> = ids
                .iter()
                .map(|id| {
                    element_text(&article, id)
                        .unwrap_or_else(|| panic!("no element #{id} in {path}"))
                })
                .collect();
            let quote = normalize(ev["quote"].as_str().unwrap());
            assert!(
                normalize(&joined.join(" ")).contains(&quote),
                "statements {ids:?} ({joined:?}) do not contain {quote:?}"
            );
            if ids.len() == 1 {
                assert!(normalize(&joined[0]).contains(&quote));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
}

#[test]
fn quotes_spanning_statements_and_paragraphs_attach_to_each() {
    let (_d, out) = built("basic");
    let data = data(&out);
    let claim = |id: &str| {
        data["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let spanning = claim("response-time");
    assert_eq!(
        spanning["evidence"][0]["statements"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // From a quote in one paragraph through a list item in the next block.
    let across = claim("nobody-hurt");
    assert_eq!(
        across["evidence"][0]["statements"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // occurrence = 2 picks the second "cause is", in the second sentence.
    let cause = claim("cause-unknown");
    let id = cause["evidence"][0]["statements"][0].as_str().unwrap();
    let article = page(&out, "articles/harbour-news/index.html");
    assert_eq!(
        element_text(&article, id).unwrap(),
        "The cause is still unknown, and the cause is under investigation."
    );
}

#[test]
fn every_statement_is_an_anchored_element() {
    let (_d, out) = built("basic");
    let data = data(&out);
    for a in data["articles"].as_array().unwrap() {
        let html = page(&out, &format!("{}index.html", a["path"].as_str().unwrap()));
        let ids: Vec<String> = html
            .select(&sel(".article-body .st"))
            .map(|e| e.value().id().expect("statement without id").to_string())
            .collect();
        let statements = statements_of(&out, a);
        let expected: Vec<&str> = statements
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, expected);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "ids are unique within an article");
    }
}

#[test]
fn statements_show_claims_verdicts_and_cross_source_links() {
    let (_d, out) = built("basic");
    let html = page(&out, "articles/daily-courier/index.html");
    let data = data(&out);
    let courier = &data["articles"][0];
    let statements = statements_of(&out, courier);
    let first_fire = statements
        .iter()
        .find(|s| s["text"].as_str().unwrap().starts_with("A fire broke out"))
        .unwrap();
    let id = first_fire["id"].as_str().unwrap();
    let note = html
        .select(&Selector::parse(&format!("[id=\"n-{id}\"]")).unwrap())
        .next()
        .expect("note for a linked statement");
    let text: String = note.text().collect();
    // Who got it right comes first: the note's one line is the assessment
    // and the claim; its body says what the report does with it.
    let summary: String = scraper::ElementRef::wrap(note.parent().unwrap())
        .unwrap()
        .select(&sel("summary"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        summary.contains("▲ Holds up The fire broke out on Monday night."),
        "{summary}"
    );
    assert!(
        text.contains("This report asserts the claim above — rated ✔ Accurate"),
        "{text}"
    );
    assert!(text.contains("Accurate"), "{text}");
    assert!(text.contains("Says the same: Harbour News"), "{text}");
    assert!(text.contains("Says the opposite: Town Radio"), "{text}");
    let hrefs: Vec<&str> = note
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with("../../articles/town-radio/#s-")),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"../../claims/fire-on-monday/"));
    // The statement is visibly marked and links to its note.
    let mark = html
        .select(&Selector::parse(&format!("a.mark[href=\"#n-{id}\"]")).unwrap())
        .next();
    assert!(mark.is_some());
    // The original is linked.
    assert!(
        html.select(&sel("a[href=\"https://courier.example/fire\"]"))
            .next()
            .is_some()
    );
}

#[test]
fn pages_have_landmarks_one_h1_and_relative_links() {
    let (_d, out) = built("basic");
    for rel in [
        "index.html",
        "articles/town-radio/index.html",
        "claims/nobody-hurt/index.html",
    ] {
        let html = page(&out, rel);
        assert_eq!(html.select(&sel("h1")).count(), 1, "{rel}");
        for landmark in ["header", "main", "footer", "nav"] {
            assert!(
                html.select(&sel(landmark)).next().is_some(),
                "{rel} lacks <{landmark}>"
            );
        }
        for a in html.select(&sel("a[href], link[href]")) {
            let href = a.value().attr("href").unwrap();
            assert!(!href.starts_with('/'), "{rel}: absolute link {href}");
            let text: String = a.text().collect();
            let labelled = !text.trim().is_empty()
                || a.value().attr("aria-label").is_some()
                || a.value().name() == "link";
            assert!(labelled, "{rel}: unlabelled link {href}");
            if href.starts_with("http") || href.starts_with('#') {
                continue;
            }
            // Resolve the relative link against the page and check it exists.
            let base = Path::new(rel).parent().unwrap();
            let target = href.split('#').next().unwrap();
            let mut path = out.join(base).join(target);
            if target.is_empty() || target.ends_with('/') {
                path = path.join("index.html");
            }
            assert!(
                path.exists(),
                "{rel}: broken link {href} ({})",
                path.display()
            );
        }
    }
}

#[test]
fn index_matrix_says_what_each_source_does_with_each_claim() {
    let (_d, out) = built("basic");
    let html = page(&out, "index.html");
    let row = html
        .select(&sel(".matrix tbody tr"))
        .find(|r| {
            r.text()
                .collect::<String>()
                .contains("The fire broke out on Monday night.")
        })
        .unwrap();
    let cells: Vec<String> = row
        .select(&sel("td.cell"))
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect();
    // What the reader needs in each cell: whether the report got it right.
    assert_eq!(cells, ["▲ Holds up", "▲ Holds up", "▼ Does not hold up"]);
    let cause = html
        .select(&sel(".matrix tbody tr"))
        .find(|r| r.text().collect::<String>().contains("cause of the fire"))
        .unwrap();
    let cells: Vec<String> = cause
        .select(&sel("td.cell"))
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect();
    assert_eq!(cells, ["◇ Unsettled", "○ Reports it", "– Silent"]);
}

#[test]
fn claim_page_has_claimreview_json_ld() {
    let (_d, out) = built("basic");
    let html = page(&out, "claims/response-time/index.html");
    let script = html
        .select(&sel("script[type=\"application/ld+json\"]"))
        .next()
        .unwrap();
    let v: Value = serde_json::from_str(&script.text().collect::<String>()).unwrap();
    assert_eq!(v["@type"], "ClaimReview");
    assert_eq!(
        v["claimReviewed"],
        "Firefighters arrived within ten minutes."
    );
    // Disputed is not a point on the 1–5 scale: no number at all.
    for key in ["ratingValue", "bestRating", "worstRating"] {
        assert!(v["reviewRating"].get(key).is_none(), "{key}: {v}");
    }
    assert_eq!(v["reviewRating"]["alternateName"], "Disputed");
    assert_eq!(v["reviewRating"]["name"], "Disputed");
    assert_eq!(v["author"]["name"], "Fixture Desk");
    assert_eq!(v["datePublished"], "2026-03-05");
    assert_eq!(v["url"], "/claims/response-time/");
    let appearances = v["itemReviewed"]["appearance"].as_array().unwrap();
    assert_eq!(appearances.len(), 2);
    assert_eq!(appearances[0]["url"], "https://courier.example/fire");
    // Evidence grouped by stance, each with its quote, outlet and link.
    let groups: Vec<String> = html
        .select(&sel(".group h3"))
        .map(|h| h.text().collect::<String>())
        .collect();
    // A disputed claim: both sides are unsettled, and each item keeps its stance.
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert!(groups[0].contains("Unsettled (2)"), "{groups:?}");
    let stances: Vec<String> = html
        .select(&sel(".group .stance"))
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(stances, ["+ Supports", "− Contradicts"]);
    let page_text: String = html.root_element().text().collect();
    assert!(!page_text.contains("of 5"), "no false precision");
    let signoff: String = html
        .select(&sel(".signoff"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(signoff.contains("A. Reviewer") && signoff.contains("2026-03-05"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_d, out) = built("basic");
    assert!(!out.join("claims/crane-damaged").exists());
    assert!(
        !String::from_utf8(std::fs::read(out.join("data.json")).unwrap())
            .unwrap()
            .contains("crane-damaged")
    );
    let dir = tempfile::tempdir().unwrap();
    let out2 = dir.path().join("site");
    let o = run(&[
        "build",
        "--drafts",
        "--root",
        fixture("basic").to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let html = page(&out2, "claims/crane-damaged/index.html");
    let banner: String = html
        .select(&sel(".banner.draft"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(banner.contains("Draft — not reviewed"));
}

#[test]
fn data_json_follows_the_format() {
    let (_d, out) = built("basic");
    let d = data(&out);
    for a in d["articles"].as_array().unwrap() {
        for key in [
            "id",
            "title",
            "outlet",
            "outlet_id",
            "url",
            "path",
            "statements_url",
            "derived_from",
            "independence_group",
        ] {
            assert!(a.get(key).is_some(), "article lacks {key}");
        }
        assert!(
            out.join(a["path"].as_str().unwrap())
                .join("index.html")
                .is_file()
        );
        for s in statements_of(&out, a) {
            assert!(s["id"].as_str().unwrap().starts_with("s-"));
            for c in s["claims"].as_array().unwrap() {
                assert!(
                    ["supports", "contradicts", "mentions"]
                        .contains(&c["stance"].as_str().unwrap())
                );
                assert!(
                    ["holds-up", "does-not-hold-up", "unsettled", "reports"]
                        .contains(&c["assessment"].as_str().unwrap())
                );
            }
        }
    }
    for c in d["claims"].as_array().unwrap() {
        for key in ["id", "text", "verdict", "status", "path", "evidence"] {
            assert!(c.get(key).is_some(), "claim lacks {key}");
        }
        for e in c["evidence"].as_array().unwrap() {
            for key in [
                "article",
                "quote",
                "stance",
                "assessment",
                "statements",
                "href",
            ] {
                assert!(e.get(key).is_some(), "evidence lacks {key}");
            }
        }
    }
    assert_eq!(d["articles"][2]["url"], Value::Null);
}

#[test]
fn a_failing_build_leaves_the_existing_site_byte_identical() {
    let proj = Project::fixture("basic");
    let out = proj.path().join("site");
    assert!(build(proj.path(), &out).status.success());
    let before = snapshot(&out);
    replace_in_file(
        &proj.path().join("content/claims.toml"),
        "quote = \"nobody was hurt\"",
        "quote = \"nobody was harmed\"",
    );
    let o = build(proj.path(), &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("left untouched"));
    assert_eq!(snapshot(&out), before);
    // No temporary folder is left beside it.
    let names: Vec<String> = std::fs::read_dir(proj.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".crosscheck")),
        "{names:?}"
    );
}

#[test]
fn files_of_an_earlier_build_never_linger() {
    let proj = Project::fixture("basic");
    let out = proj.path().join("site");
    assert!(build(proj.path(), &out).status.success());
    assert!(out.join("articles/town-radio/index.html").exists());
    proj.remove("content/articles/town-radio.md");
    let claims = proj.path().join("content/claims.toml");
    let text = std::fs::read_to_string(&claims).unwrap();
    let text = text
        .replace("  [[claim.evidence]]\n  article = \"town-radio\"\n  quote = \"A fire on Tuesday\"\n  stance = \"contradicts\"\n  note = \"Says *Tuesday*.\"\n", "")
        .replace("  [[claim.evidence]]\n  article = \"town-radio\"\n  quote = \"Nobody was hurt\"\n  stance = \"supports\"\n", "");
    std::fs::write(&claims, text).unwrap();
    let o = build(proj.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("articles/town-radio").exists());
    assert!(!out.join("outlets/town-radio").exists());
    // Built a second time (the staging tree now reused), still gone, and
    // the site is exactly what a fresh build makes.
    let o = build(proj.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let fresh = proj.path().join("fresh");
    assert!(build(proj.path(), &fresh).status.success());
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

/// Every file of a folder: relative path → (inode, modification time),
/// what changes when a file is written.
#[cfg(unix)]
fn identities(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

fn verbose_build(root: &Path, out: &Path) -> String {
    let o = run(&[
        "build",
        "-v",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

#[cfg(unix)]
#[test]
fn a_rebuild_with_nothing_changed_writes_no_file() {
    let proj = Project::fixture("reader");
    let out = proj.path().join("site");
    verbose_build(proj.path(), &out);
    let before = identities(&out);
    let log = verbose_build(proj.path(), &out);
    assert_eq!(identities(&out), before, "a file was written");
    assert!(
        log.contains("files: 0 written, 0 linked from the previous site")
            && log.contains("(nothing changed: the site was left as it was)"),
        "{log}"
    );
    // The same the third time, once the staging tree exists.
    verbose_build(proj.path(), &out);
    assert_eq!(identities(&out), before);
}

#[cfg(unix)]
#[test]
fn a_one_article_edit_rewrites_exactly_the_files_whose_bytes_change() {
    let proj = Project::fixture("reader");
    let root = proj.path();
    let out = root.join("site");
    // Twice, so the staging tree holds the previous site.
    verbose_build(root, &out);
    verbose_build(root, &out);
    let old_ids = identities(&out);
    let old_bytes = snapshot(&out);
    replace_in_file(
        &root.join("content/articles/copy.md"),
        "Drivers queued for an hour.",
        "Drivers queued for two hours.",
    );
    let log = verbose_build(root, &out);
    let new_ids = identities(&out);
    let new_bytes = snapshot(&out);
    let rewritten: Vec<&String> = new_ids
        .iter()
        .filter(|(p, id)| old_ids.get(*p) != Some(id))
        .map(|(p, _)| p)
        .collect();
    let differ: Vec<&String> = new_bytes
        .iter()
        .filter(|(p, b)| old_bytes.get(*p) != Some(b))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(rewritten, differ);
    // The article's page and statements, and the manifest naming them.
    assert_eq!(
        differ,
        [
            ".crosscheck-manifest",
            "articles/copy/data.json",
            "articles/copy/index.html",
        ]
    );
    assert!(log.contains("files: 2 written"), "{log}");
    // And the site is what a fresh build makes.
    let fresh = root.join("fresh");
    assert!(build(root, &fresh).status.success());
    assert_eq!(new_bytes, snapshot(&fresh));
}

/// A card's PNG is a pure function of its SVG (and the rasteriser), and
/// rasterising is the dearest thing a build does: a rebuild keeps the PNG
/// of every card whose SVG did not change and makes the changed one again
/// (the key itself: `output::tests::a_derived_file_is_kept_only_under_its_key`).
#[cfg(unix)]
#[test]
fn a_card_png_is_made_again_only_when_what_it_is_drawn_from_changes() {
    let proj = Project::fixture("reader");
    let root = proj.path();
    let out = root.join("site");
    verbose_build(root, &out);
    verbose_build(root, &out);
    let manifest = std::fs::read_to_string(out.join(".crosscheck-manifest")).unwrap();
    for id in ["bridge-opened-monday", "mayor-resigned", "toll-rises"] {
        assert!(
            manifest.contains(&format!(" claims/{id}/card.png\n"))
                && manifest.lines().any(
                    |l| l.starts_with("from ") && l.ends_with(&format!("claims/{id}/card.png"))
                ),
            "the manifest records what {id}'s PNG was made from:\n{manifest}"
        );
    }
    let old_ids = identities(&out);
    replace_in_file(
        &root.join("content/claims.toml"),
        "The bridge toll rises next year.",
        "The bridge toll rises in the coming year.",
    );
    verbose_build(root, &out);
    let new_ids = identities(&out);
    let png_rewritten: Vec<&String> = new_ids
        .iter()
        .filter(|(p, id)| p.ends_with("card.png") && old_ids.get(*p) != Some(id))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(png_rewritten, ["claims/toll-rises/card.png"]);
    let fresh = root.join("fresh");
    assert!(build(root, &fresh).status.success());
    assert_eq!(
        snapshot(&out),
        snapshot(&fresh),
        "a kept PNG differs from a fresh one"
    );
}

/// A page is kept without rendering only when its data, the templates
/// and the catalogue are those it was made from: a template changed and
/// changed back, a word of the catalogue changed, and the edit of one
/// article each leave exactly the pages a fresh build makes.
#[test]
fn pages_kept_from_earlier_builds_are_those_a_fresh_build_makes() {
    let proj = Project::fixture("reader");
    let root = proj.path();
    let out = root.join("site");
    let same_as_fresh = |why: &str| {
        let fresh = tempfile::tempdir().unwrap();
        assert!(build(root, &fresh.path().join("site")).status.success());
        let (kept, fresh) = (snapshot(&out), snapshot(&fresh.path().join("site")));
        let pages = |s: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
            s.iter()
                .filter(|(k, _)| k.as_str() != ".crosscheck-manifest")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let (kept, fresh) = (pages(&kept), pages(&fresh));
        let differ: Vec<&String> = fresh
            .keys()
            .filter(|k| kept.get(*k) != fresh.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "{why}: these differ from a fresh build: {differ:?}"
        );
        assert_eq!(kept.len(), fresh.len(), "{why}");
    };
    verbose_build(root, &out);
    verbose_build(root, &out);
    same_as_fresh("built twice");

    std::fs::create_dir_all(root.join("templates")).unwrap();
    let base = std::fs::read_to_string(repo().join("templates/base.html")).unwrap();
    assert!(base.contains("</footer>"));
    std::fs::write(
        root.join("templates/base.html"),
        base.replace("</footer>", "<p>Checked twice.</p></footer>"),
    )
    .unwrap();
    verbose_build(root, &out);
    same_as_fresh("a template changed");
    let claim = std::fs::read_to_string(out.join("claims/mayor-resigned/index.html")).unwrap();
    assert!(
        claim.contains("Checked twice."),
        "the new template reached the page"
    );

    // Back to the built-in template: the pages of two builds ago are
    // those of this one (they are in the staging tree, under their keys).
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    verbose_build(root, &out);
    same_as_fresh("the template changed back");

    write(
        root,
        "content/i18n/en.toml",
        "[nav]\nreports = \"Sources\"\n",
    );
    verbose_build(root, &out);
    same_as_fresh("a word of the catalogue changed");

    let own = root.join("content/articles/own.md");
    let text = std::fs::read_to_string(&own).unwrap();
    std::fs::write(
        &own,
        format!("{text}\nWork resumes in June, the council said.\n"),
    )
    .unwrap();
    verbose_build(root, &out);
    same_as_fresh("an article changed");
}

#[test]
fn output_is_deterministic_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture("basic");
    let mut snaps = Vec::new();
    for threads in ["1", "2", "4"] {
        let out = dir.path().join(format!("site-{threads}"));
        let o = std::process::Command::new(BIN)
            .args([
                "build",
                "--root",
                root.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success());
        snaps.push(snapshot(&out));
    }
    assert_eq!(snaps[0], snaps[1]);
    assert_eq!(snaps[1], snaps[2]);
}

#[test]
fn a_warning_in_an_article_shows_its_line_although_the_build_frees_the_text() {
    // The build frees each article's Markdown once it is split; a file a
    // warning points into must keep its text for the excerpt.
    let dir = Project::fixture("basic");
    let article = dir.path().join("content/articles/town-radio.md");
    let text = std::fs::read_to_string(&article).unwrap();
    let text = text.replacen("+++\n", "+++\nbyline = \"Desk\"\n", 1);
    std::fs::write(&article, text).unwrap();
    let o = build(dir.path(), &dir.path().join("site"));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown key `byline`"), "{err}");
    assert!(err.contains("content/articles/town-radio.md:2:1"), "{err}");
    assert!(err.contains("byline = \"Desk\""), "{err}");
}

#[test]
fn stage_timings_are_printed_only_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture("basic");
    let out = dir.path().join("site");
    let timed = std::process::Command::new(BIN)
        .args(["build", "--root", root.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .env("CROSSCHECK_TIME_STAGES", "1")
        .output()
        .unwrap();
    assert!(timed.status.success(), "{}", stderr(&timed));
    let err = stderr(&timed);
    let stages: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("stage "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["load", "split", "anchor", "graph", "render", "commit"],
        "{err}"
    );
    // Each line gives the stage's seconds and the memory in MB.
    let line = err.lines().find(|l| l.starts_with("stage load")).unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert!(
        fields[2].parse::<f64>().is_ok() && fields[3] == "s",
        "{line}"
    );
    assert!(fields[5].parse::<u64>().unwrap() > 0, "{line}");
    let plain = build(&root, &dir.path().join("plain"));
    assert!(plain.status.success());
    assert!(!stderr(&plain).contains("stage "), "{}", stderr(&plain));
}

#[test]
fn the_committed_example_site_is_reproduced_byte_for_byte() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(repo, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let fresh = snapshot(&out);
    let committed = snapshot(&repo.join("site"));
    let missing: Vec<&String> = fresh
        .keys()
        .filter(|k| !committed.contains_key(*k))
        .collect();
    let extra: Vec<&String> = committed
        .keys()
        .filter(|k| !fresh.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "site/ is stale: run `cargo run --release -- build` (missing {missing:?}, extra {extra:?})"
    );
    // The manifest's `from` lines key what each page was made from,
    // starting from a digest of crosscheck's own source (build.rs): they
    // change with any edit of `src/`, and a stale one only means the page
    // is rendered again, so they are left out of the comparison.
    let without_keys = |bytes: &[u8]| -> String {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| !l.starts_with("from "))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    for (name, bytes) in &fresh {
        if name == ".crosscheck-manifest" {
            assert_eq!(
                without_keys(&committed[name]),
                without_keys(bytes),
                "site/{name} is stale: run `cargo run --release -- build`"
            );
            continue;
        }
        assert!(
            committed[name] == *bytes,
            "site/{name} is stale: run `cargo run --release -- build`"
        );
    }
}

#[test]
fn templates_in_the_project_override_the_embedded_ones() {
    let proj = Project::fixture("basic");
    std::fs::create_dir(proj.path().join("templates")).unwrap();
    std::fs::write(
        proj.path().join("templates/claim.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Custom: {{ claim.text }}</h1>{% endblock main %}",
    )
    .unwrap();
    let out = proj.path().join("site");
    let o = build(proj.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("claims/nobody-hurt/index.html")).unwrap();
    assert!(html.contains("<h1>Custom: Nobody was hurt in the fire.</h1>"));
    // Pages that were not overridden keep the default.
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("class=\"matrix\""));
}

/// Overriding only a template the pages are made from (`base.html`,
/// `macros.html`) reaches article, claim and index pages.
#[test]
fn overriding_the_base_or_the_macros_reaches_article_claim_and_index_pages() {
    let proj = Project::fixture("basic");
    let templates = proj.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let base = crosscheck::render::DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == "base.html")
        .unwrap()
        .1
        .replace(
            "<main id=\"main\">",
            "<main id=\"main\" class=\"custom-base\">",
        );
    std::fs::write(templates.join("base.html"), base).unwrap();
    let out = proj.path().join("site");
    let o = build(proj.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    for page in [
        "articles/daily-courier/index.html",
        "claims/nobody-hurt/index.html",
        "index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(
            html.contains("class=\"custom-base\""),
            "{page} ignores base.html"
        );
    }

    std::fs::remove_file(templates.join("base.html")).unwrap();
    // A custom macros.html defines every macro the templates call; here
    // the built-in one with two of them replaced.
    let macros = crosscheck::render::DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == "macros.html")
        .unwrap()
        .1;
    let lines: Vec<&str> = macros
        .lines()
        .filter(|l| !l.starts_with("{% macro verdict(") && !l.starts_with("{% macro stance("))
        .collect();
    std::fs::write(
        templates.join("macros.html"),
        format!(
            "{{% macro verdict(v) %}}<b class=\"my-verdict\">{{{{ v.label }}}}</b>{{% endmacro verdict %}}\n\
             {{% macro stance(s) %}}<b class=\"my-stance\">{{{{ s.label }}}}</b>{{% endmacro stance %}}\n{}\n",
            lines.join("\n")
        ),
    )
    .unwrap();
    let o = build(proj.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let article = std::fs::read_to_string(out.join("articles/daily-courier/index.html")).unwrap();
    assert!(
        article.contains("<b class=\"my-verdict\">"),
        "article ignores macros.html"
    );
    let claim = std::fs::read_to_string(out.join("claims/nobody-hurt/index.html")).unwrap();
    assert!(
        claim.contains("<b class=\"my-verdict\">") && claim.contains("<b class=\"my-stance\">"),
        "claim ignores macros.html"
    );
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("<b class=\"my-verdict\">"),
        "index ignores macros.html"
    );
}

#[test]
fn hostile_article_and_claims_never_become_live_markup() {
    let (_d, out) = built("hostile-article");
    for (name, bytes) in snapshot(&out) {
        if !name.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&String::from_utf8(bytes).unwrap());
        for script in html.select(&sel("script")) {
            // Only data, or crosscheck's own script file shipped with the site.
            let own_file = script.value().attr("src").is_some_and(|src| {
                let file = match src.strip_prefix('/') {
                    // Root-relative (the 404 page, served at any depth).
                    Some(rooted) => out.join(rooted),
                    None => out.join(Path::new(&name).parent().unwrap()).join(src),
                };
                !src.contains(':') && src.ends_with(".js") && file.is_file()
            }) && script.text().collect::<String>().trim().is_empty();
            let data = script.value().attr("type") == Some("application/ld+json");
            assert!(own_file || data, "{name}: live script {:?}", script.html());
        }
        for el in html.select(&sel("*")) {
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on"),
                    "{name}: event handler {attr}={value}"
                );
                if matches!(attr, "href" | "src" | "action" | "formaction") {
                    let v = value.trim().to_ascii_lowercase();
                    assert!(
                        !v.starts_with("javascript:") && !v.starts_with("data:"),
                        "{name}: {attr}={value}"
                    );
                }
            }
            assert!(
                !matches!(el.value().name(), "iframe" | "object" | "embed"),
                "{name}: {}",
                el.value().name()
            );
            if el.value().name() == "img" {
                // Only crosscheck's own verdict card, from this site.
                let src = el.value().attr("src").unwrap_or("");
                let file = out.join(Path::new(&name).parent().unwrap()).join(src);
                assert!(
                    !src.contains(':') && src.ends_with(".svg") && file.is_file(),
                    "{name}: <img src={src:?}>"
                );
            }
        }
    }
    // SVG files run script when opened directly: the claim text must be
    // escaped there too.
    for (name, bytes) in snapshot(&out) {
        if name.ends_with(".svg") {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(
                !svg.contains("<script") && !svg.contains("<img") && !svg.contains("<!--"),
                "{name}: {svg}"
            );
        }
    }
    // The claim text survives intact inside the JSON-LD, without closing it.
    let html = page(&out, "claims/evil/index.html");
    let script = html
        .select(&sel("script[type=\"application/ld+json\"]"))
        .next()
        .unwrap();
    let v: Value = serde_json::from_str(&script.text().collect::<String>()).unwrap();
    assert_eq!(
        v["claimReviewed"],
        "</script><script>alert('claim')</script> and <!-- comment"
    );
    // Readers see the article's text, not its markup.
    let article = page(&out, "articles/evil/index.html");
    let body: String = article
        .select(&sel(".article-body"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(body.contains("Clickable text stays text."));
    assert!(body.contains("Markdown link"));
}

#[test]
fn article_text_reads_as_published_with_statements_split_inside_it() {
    let (_d, out) = built("basic");
    let html = page(&out, "articles/harbour-news/index.html");
    let first = html.select(&sel(".article-body p")).next().unwrap();
    // Text of the paragraph without the note markers.
    let text: String = first
        .descendants()
        .filter_map(|n| {
            let in_mark = n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| e.has_class("mark", scraper::CaseSensitivity::CaseSensitive))
            });
            n.value()
                .as_text()
                .filter(|_| !in_mark)
                .map(|t| t.to_string())
        })
        .collect();
    assert_eq!(
        text,
        "Residents say firefighters took an hour to reach the warehouse on Monday.Crews disagree."
    );
    let statements: Vec<String> = first
        .select(&sel(".st"))
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(
        statements,
        [
            "Residents say firefighters took an hour to reach the warehouse on Monday.",
            "Crews disagree."
        ]
    );
}

/// `data.json` is diffed between builds (the example `site/` is committed):
/// editing one sentence of an article must change one line of it, not
/// reflow the file or rewrite it as one line.
#[test]
fn editing_one_sentence_changes_one_line_of_the_data_files() {
    let project = Project::fixture("basic");
    let root = project.path();
    let before = root.join("before");
    let after = root.join("after");
    let o = build(root, &before);
    assert!(o.status.success(), "{}", stderr(&o));
    replace_in_file(
        &root.join("content/articles/daily-courier.md"),
        "The blaze was under control by 2 a.m.,",
        "The blaze was under control by 3 a.m.,",
    );
    let o = build(root, &after);
    assert!(o.status.success(), "{}", stderr(&o));
    let changed_lines = |name: &str| -> Vec<String> {
        let a = std::fs::read_to_string(before.join(name)).unwrap();
        let b = std::fs::read_to_string(after.join(name)).unwrap();
        assert_eq!(a.lines().count(), b.lines().count(), "{name} reflowed");
        a.lines()
            .zip(b.lines())
            .filter(|(x, y)| x != y)
            .map(|(_, y)| y.to_string())
            .collect()
    };
    // The claims and articles of data.json do not change; the statement
    // is one line of its article's own file.
    assert!(changed_lines("data.json").is_empty());
    let changed = changed_lines("articles/daily-courier/data.json");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].contains("under control by 3 a.m.") && changed[0].contains("\"id\":\"s-"),
        "{}",
        changed[0]
    );
    // The data stays one statement per line, not one line for the file.
    let lines = std::fs::read_to_string(after.join("articles/daily-courier/data.json"))
        .unwrap()
        .lines()
        .count();
    let statements = statements_of(&after, &data(&after)["articles"][0]).len();
    assert!(
        lines > statements,
        "{lines} lines for {statements} statements"
    );
}
