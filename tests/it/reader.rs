//! What a reader must see at a glance, and what a professional desk
//! publishes: who got it right, how independent the sources are, where
//! the reports disagree, the sources behind each verdict, corrections and
//! the desk's own pages. Built from `tests/fixtures/reader` (and the
//! example) and read back as HTML, JSON and XML.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;
use scraper::ElementRef;
use serde_json::Value;

fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether diagnostics printed by the binary contain `want`, whatever
/// the line wrapping of the report.
fn says(printed: &str, want: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    squash(printed).contains(&squash(want))
}

fn claim_review(out: &Path, id: &str) -> Value {
    let html = page(out, &format!("claims/{id}/index.html"));
    let script = html
        .select(&sel("script[type=\"application/ld+json\"]"))
        .next()
        .unwrap();
    serde_json::from_str(&script.text().collect::<String>()).unwrap()
}

// ---------------------------------------------------------------------------
// Assessments
// ---------------------------------------------------------------------------

#[test]
fn the_report_that_repeated_a_false_claim_does_not_hold_up_and_never_shows_a_tick() {
    let (_d, out) = built("reader");
    let html = page(&out, "articles/own/index.html");
    let note = html
        .select(&sel("details.note"))
        .find(|n| text(*n).contains("Mayor Ana Ruiz resigned"))
        .expect("a note on the false statement");
    let summary = text(note.select(&sel("summary")).next().unwrap());
    assert!(summary.contains("▼ Does not hold up"), "{summary}");
    // The verdict's glyph for "accurate" appears nowhere in the note: the
    // claim is rated inaccurate, and the report's assessment is its own mark.
    assert!(!text(note).contains('✔'), "{}", text(note));
    // The report that disputed it holds up.
    let wire = page(&out, "articles/wire/index.html");
    let note = wire
        .select(&sel("details.note"))
        .find(|n| text(*n).contains("did not resign"))
        .unwrap();
    assert!(text(note).contains("▲ Holds up"), "{}", text(note));
    // On the claim page, the evidence is grouped by assessment, the stance
    // still given.
    let claim = page(&out, "claims/mayor-resigned/index.html");
    let groups: Vec<String> = claim
        .select(&sel(".group"))
        .map(|g| text(g.select(&sel("h3")).next().unwrap()))
        .collect();
    assert_eq!(groups, ["▲ Holds up (1)", "▼ Does not hold up (1)"]);
    let wrong = claim
        .select(&sel(".group.a-does-not-hold-up"))
        .next()
        .unwrap();
    assert!(text(wrong).contains("+ Supports"));
    assert!(text(wrong).contains("Own Post"));
}

#[test]
fn every_checked_statement_has_a_one_line_note_that_opens() {
    let (_d, out) = built("reader");
    for article in ["wire", "copy", "own"] {
        let html = page(&out, &format!("articles/{article}/index.html"));
        let marks = html.select(&sel("a.mark")).count();
        let notes: Vec<ElementRef> = html.select(&sel(".notes details.note")).collect();
        assert!(
            marks > 0 && marks == notes.len(),
            "{article}: {marks} marks"
        );
        for (mark, note) in html.select(&sel("a.mark")).zip(&notes) {
            // The marker leads to the note's body, which sits in the details.
            let target = &mark.value().attr("href").unwrap()[1..];
            let body = note.select(&sel(".note-body")).next().unwrap();
            assert_eq!(body.value().id(), Some(target));
            // The summary line leads with the assessment.
            let summary = note.select(&sel("summary")).next().unwrap();
            let first = summary.select(&sel(".assess")).next();
            assert!(first.is_some(), "{article}: {}", text(summary));
        }
    }
}

// ---------------------------------------------------------------------------
// Outlets and independence
// ---------------------------------------------------------------------------

#[test]
fn outlet_pages_exist_for_every_outlet_with_the_counts_of_the_data() {
    for name in ["reader", "basic"] {
        let (_d, out) = built(name);
        let d = data(&out);
        // Recompute each outlet's counts from the claims' evidence.
        let outlet_of: BTreeMap<&str, &str> = d["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["id"].as_str().unwrap(), a["outlet_id"].as_str().unwrap()))
            .collect();
        let mut recount: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        for c in d["claims"].as_array().unwrap() {
            for e in c["evidence"].as_array().unwrap() {
                let outlet = outlet_of[e["article"].as_str().unwrap()];
                *recount
                    .entry(outlet)
                    .or_default()
                    .entry(e["assessment"].as_str().unwrap())
                    .or_default() += 1;
            }
        }
        let outlets = d["outlets"].as_array().unwrap();
        assert_eq!(
            outlets.len(),
            outlet_of
                .values()
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        );
        for o in outlets {
            let id = o["id"].as_str().unwrap();
            assert_eq!(o["path"], format!("outlets/{id}/"));
            let html = page(&out, &format!("outlets/{id}/index.html"));
            let figures: BTreeMap<String, u64> = html
                .select(&sel(".figures li"))
                .map(|li| {
                    let slug = li
                        .select(&sel(".assess"))
                        .next()
                        .unwrap()
                        .value()
                        .classes()
                        .find_map(|c| c.strip_prefix("a-"))
                        .unwrap()
                        .to_string();
                    let n = text(li.select(&sel(".count")).next().unwrap())
                        .parse()
                        .unwrap();
                    (slug, n)
                })
                .collect();
            for slug in ["holds-up", "does-not-hold-up", "unsettled", "reports"] {
                let want = recount
                    .get(id)
                    .and_then(|m| m.get(slug))
                    .copied()
                    .unwrap_or(0);
                assert_eq!(o["counts"][slug], want, "{name} {id} {slug} in data.json");
                assert_eq!(figures[slug], want, "{name} {id} {slug} on its page");
            }
            // Its articles are listed and linked.
            for a in o["articles"].as_array().unwrap() {
                let href = format!("../../articles/{}/", a.as_str().unwrap());
                assert!(
                    html.select(&sel(&format!(".report-list a[href=\"{href}\"]")))
                        .next()
                        .is_some(),
                    "{id} does not list {href}"
                );
            }
        }
    }
}

#[test]
fn a_declared_copy_counts_once_among_the_independent() {
    let (_d, out) = built("reader");
    let d = data(&out);
    let copy = d["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "copy")
        .unwrap();
    assert_eq!(copy["derived_from"], serde_json::json!(["wire"]));
    assert_eq!(copy["independence_group"], "wire");
    let claim = page(&out, "claims/bridge-opened-monday/index.html");
    let sides = text(claim.select(&sel(".claim-sides")).next().unwrap());
    assert!(
        sides.contains("Asserted by 2 reports (1 independent): Copy Daily, Wire Service"),
        "{sides}"
    );
    // The derived report says what it derives from.
    let html = page(&out, "articles/copy/index.html");
    let derived = text(html.select(&sel(".derived")).next().unwrap());
    assert!(derived.contains("derives from Wire Service"), "{derived}");
    // And the note on the statement both share counts them as one.
    let own = page(&out, "articles/own/index.html");
    let note = own
        .select(&sel("details.note"))
        .find(|n| text(*n).contains("stayed closed"))
        .unwrap();
    assert!(
        text(note).contains("Says the opposite: Wire Service, Copy Daily (1 independent)"),
        "{}",
        text(note)
    );
}

#[test]
fn near_copies_that_do_not_say_so_are_warned_about_with_both_files() {
    let proj = Project::empty();
    copy_dir(&repo().join("content"), &proj.path().join("content"));
    let portal = proj
        .path()
        .join("content/articles/news-portal-kremlin-lack-of-progress.md");
    let text = std::fs::read_to_string(&portal).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("derived_from"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text, "the example declares the pair");
    std::fs::write(&portal, without).unwrap();
    let o = check(proj.path());
    let err = stderr(&o);
    assert!(
        says(
            &err,
            "articles `ein-presswire-kremlin-no-deal` and `news-portal-kremlin-lack-of-progress` share 58% of their statements"
        ),
        "{err}"
    );
    assert!(
        says(
            &err,
            "add derived_from = [\"ein-presswire-kremlin-no-deal\"] to the front matter of content/articles/news-portal-kremlin-lack-of-progress.md"
        ),
        "{err}"
    );
    // Declared, the warning goes.
    let o = check(repo());
    assert!(!stderr(&o).contains("share"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------
// The front page, disagreements, ratings
// ---------------------------------------------------------------------------

#[test]
fn the_front_page_lists_every_claim_not_rated_accurate_and_the_disagreements() {
    let root = repo();
    let out = root.join("site");
    let d = data(&out);
    let index = page(&out, "index.html");
    let findings = index.select(&sel("#findings")).next().unwrap();
    let listed: Vec<String> = findings
        .select(&sel("#not-accurate + .claim-list > li > a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let want: Vec<String> = d["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] != "accurate")
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(listed, want);
    // Disagreements: claims with evidence on both sides, and the page that
    // ranks them all.
    let both: Vec<String> = d["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let has = |s: &str| {
                c["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["stance"] == s)
            };
            has("supports") && has("contradicts")
        })
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    let page_list: std::collections::BTreeSet<String> = page(&out, "disagreements/index.html")
        .select(&sel(".claim-list > li > a"))
        .map(|a| {
            a.value()
                .attr("href")
                .unwrap()
                .trim_start_matches("../")
                .to_string()
        })
        .collect();
    assert_eq!(page_list, both.iter().cloned().collect());
    // The front page's part comes first, above the full lists.
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.find("id=\"findings\"").unwrap() < html.find("id=\"claims\"").unwrap());
}

#[test]
fn disputed_and_unverified_carry_no_number() {
    let (_d, out) = built("reader");
    for (id, name, value) in [
        ("toll-rises", "Disputed", None),
        ("budget-set-aside", "Unverified", None),
        ("bridge-opened-monday", "Accurate", Some(5)),
        ("mayor-resigned", "Inaccurate", Some(1)),
    ] {
        let v = claim_review(&out, id);
        let rating = &v["reviewRating"];
        assert_eq!(rating["alternateName"], name);
        match value {
            Some(n) => {
                assert_eq!(rating["ratingValue"], n);
                assert_eq!(
                    (rating["bestRating"].clone(), rating["worstRating"].clone()),
                    (5.into(), 1.into())
                );
            }
            None => {
                assert_eq!(rating["name"], name);
                for key in ["ratingValue", "bestRating", "worstRating"] {
                    assert!(rating.get(key).is_none(), "{id}: {key}");
                }
            }
        }
        let html = page(&out, &format!("claims/{id}/index.html"));
        let line = text(html.select(&sel(".verdict-line")).next().unwrap());
        assert_eq!(line.contains(" of 5"), value.is_some(), "{line}");
        // Every rating links to the explanation of the scale.
        let how = html.select(&sel(".verdict-line a")).next().unwrap();
        assert_eq!(
            how.value().attr("href"),
            Some(format!("../../verdicts/#{}", name.to_lowercase()).as_str())
        );
    }
    let scale = page(&out, "verdicts/index.html");
    for v in [
        "accurate",
        "mostly-accurate",
        "misleading",
        "inaccurate",
        "disputed",
        "unverified",
    ] {
        let dt = scale.select(&sel(&format!("dt#{v}"))).next();
        assert!(dt.is_some(), "verdicts page explains {v}");
    }
}

// ---------------------------------------------------------------------------
// Sources, corrections, the desk's pages
// ---------------------------------------------------------------------------

#[test]
fn sources_are_numbered_cited_and_carry_robust_links() {
    let (_d, out) = built("reader");
    let html = page(&out, "claims/bridge-opened-monday/index.html");
    let first = html.select(&sel("#source-1")).next().unwrap();
    let link = first.select(&sel("cite a")).next().unwrap();
    let a = link.value();
    assert_eq!(a.attr("href"), Some("https://operator.example/log"));
    assert_eq!(
        a.attr("data-originalurl"),
        Some("https://operator.example/log")
    );
    assert_eq!(
        a.attr("data-versionurl"),
        Some("https://web.archive.org/web/20260304093000/https://operator.example/log")
    );
    assert_eq!(a.attr("data-versiondate"), Some("2026-03-04"));
    assert!(
        text(first).contains("Harbour Bridge Operator, 2026-03-03."),
        "{}",
        text(first)
    );
    assert!(
        first
            .select(&sel("a[href^=\"https://web.archive.org/\"]"))
            .any(|a| text(a) == "Archived copy")
    );
    // A source without an address is named by publisher and date, unlinked.
    let second = html.select(&sel("#source-2")).next().unwrap();
    assert!(second.select(&sel("cite a")).next().is_none());
    assert!(text(second).contains("Council briefing, City Council, 2026-03-03."));
    // The summary cites them and links to the other claim.
    let summary = html.select(&sel(".summary")).next().unwrap();
    let cites: Vec<&str> = summary
        .select(&sel("sup a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(cites, ["#source-1", "#source-2"]);
    assert!(
        summary
            .select(&sel("a[href=\"../../claims/mayor-resigned/\"]"))
            .next()
            .is_some()
    );
    // ClaimReview names them as citations, and the latest update.
    let v = claim_review(&out, "bridge-opened-monday");
    let citations = v["citation"].as_array().unwrap();
    assert_eq!(citations.len(), 2);
    assert_eq!(citations[0]["url"], "https://operator.example/log");
    assert_eq!(citations[1]["publisher"]["name"], "City Council");
    assert_eq!(v["dateModified"], "2026-03-08");
    // data.json carries them with the same field names.
    let d = data(&out);
    let claim = &d["claims"][0];
    assert_eq!(claim["sources"][0]["archived"], citations[0]["archivedAt"]);
    assert_eq!(claim["sources"][1]["url"], Value::Null);
    assert_eq!(claim["updates"].as_array().unwrap().len(), 2);
    assert_eq!(d["site"]["as_of"], "2026-03-10");
}

#[test]
fn updates_show_newest_first_and_the_corrections_feed_lists_them_all() {
    let (_d, out) = built("reader");
    let html = page(&out, "claims/bridge-opened-monday/index.html");
    let updates: Vec<String> = html.select(&sel(".updates li")).map(text).collect();
    assert_eq!(
        updates,
        [
            "Updated 2026-03-08: Added the operator's traffic log.",
            "Updated 2026-03-06: verdict changed from ? Unverified to ✔ Accurate. The council confirmed the opening.",
        ]
    );
    let xml = std::fs::read_to_string(out.join("corrections.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("corrections.xml is XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 2);
    for e in &entries {
        for child in ["title", "id", "updated", "link", "content"] {
            assert!(
                e.children().any(|n| n.has_tag_name(child)),
                "entry lacks {child}"
            );
        }
    }
    let updated: Vec<&str> = entries
        .iter()
        .map(|e| {
            e.children()
                .find(|n| n.has_tag_name("updated"))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(updated, ["2026-03-08T00:00:00Z", "2026-03-06T00:00:00Z"]);
    let corrections = page(&out, "corrections/index.html");
    assert_eq!(corrections.select(&sel(".update-list > li")).count(), 2);
}

#[test]
fn the_desk_marks_what_it_added_and_publishes_its_pages() {
    let (_d, out) = built("reader");
    let copy = page(&out, "articles/copy/index.html");
    assert!(text(copy.root_element()).contains("Headline supplied by the desk"));
    assert!(
        text(copy.select(&sel(".kicker")).next().unwrap())
            .contains("distributed by Press Distributor")
    );
    let own = page(&out, "articles/own/index.html");
    let original = own.select(&sel("a[data-versionurl]")).next().unwrap();
    assert_eq!(
        original.value().attr("href"),
        Some("https://own.example/bridge")
    );
    for rel in ["index.html", "claims/toll-rises/index.html"] {
        let html = page(&out, rel);
        assert!(
            text(html.root_element())
                .contains("Checked against the public record as of 2026-03-10"),
            "{rel}"
        );
    }
    // The methodology's scale is generated from the verdicts.
    let m = page(&out, "pages/methodology/index.html");
    let scale: Vec<String> = m.select(&sel("dl.scale dt .verdict")).map(text).collect();
    assert_eq!(
        scale,
        [
            "✔ Accurate",
            "◐ Mostly accurate",
            "⚠ Misleading",
            "✘ Inaccurate",
            "⇄ Disputed",
            "? Unverified"
        ]
    );
    assert!(!text(m.root_element()).contains("{{ verdict_scale }}"));
    // `nav = true` pages are in the header; every page is in the footer.
    let index = page(&out, "index.html");
    let header: Vec<String> = index.select(&sel(".site-header a")).map(text).collect();
    assert!(header.contains(&"Methodology".to_string()) && !header.contains(&"About".to_string()));
    let footer: Vec<String> = index.select(&sel(".site-footer a")).map(text).collect();
    for t in ["About", "Corrections policy", "Methodology", "Corrections"] {
        assert!(footer.contains(&t.to_string()), "{t} not in {footer:?}");
    }
}

// ---------------------------------------------------------------------------
// What check says
// ---------------------------------------------------------------------------

#[test]
fn check_asks_for_sources_and_the_desks_pages() {
    let proj = Project::fixture("reader");
    let root = proj.path();
    let o = check(root);
    assert!(stderr(&o).contains("0 warning(s)"), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("sources: 2 of 4 claims name an outside source")
    );
    // A rated claim that names no source (and is not about the reports).
    replace_in_file(
        &root.join("content/claims.toml"),
        "basis = \"reports\"\n",
        "",
    );
    std::fs::remove_file(root.join("content/pages/methodology.md")).unwrap();
    let o = check(root);
    let err = stderr(&o);
    assert!(o.status.success(), "warnings only: {err}");
    assert!(
        err.contains("claim `toll-rises`: verdict rests on the public record but names no source"),
        "{err}"
    );
    assert!(
        err.contains("the site has no methodology page (content/pages/methodology.md)"),
        "{err}"
    );
    assert!(
        !err.contains("budget-set-aside"),
        "unverified needs no source: {err}"
    );
}

#[test]
fn bad_new_fields_are_errors_naming_file_line_and_column() {
    for (rel, from, to, want) in [
        (
            "content/claims.toml",
            "url = \"https://operator.example/log\"",
            "url = \"ftp://operator.example/log\"",
            "content/claims.toml:17:9",
        ),
        (
            "content/claims.toml",
            "  date = 2026-03-08\n",
            "",
            "is missing required field `date`",
        ),
        (
            "content/claims.toml",
            "verdict_before = \"unverified\"",
            "verdict_before = \"unsure\"",
            "content/claims.toml:33:20",
        ),
        (
            "content/claims.toml",
            "summary = \"The mayor's office denied it the same day[^1].\"",
            "summary = \"Denied[^2].\"",
            "cites source [^2], but it has one source, [^1]",
        ),
        (
            "content/claims.toml",
            "(see [that claim](claim:mayor-resigned))",
            "(see [that claim](claim:mayor-quit))",
            "links to unknown claim `mayor-quit`",
        ),
        (
            "content/articles/copy.md",
            "derived_from = [\"wire\"]",
            "derived_from = [\"wires\"]",
            "content/articles/copy.md:7:17",
        ),
        (
            "content/site.toml",
            "as_of = 2026-03-10",
            "as_of = \"soon\"",
            "content/site.toml:6:9",
        ),
    ] {
        let proj = Project::fixture("reader");
        replace_in_file(&proj.path().join(rel), from, to);
        let o = check(proj.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{to}: {err}");
        assert!(says(&err, want), "{to}: want {want} in {err}");
    }
    // An unknown key of a page is reported where it is.
    let proj = Project::fixture("reader");
    replace_in_file(
        &proj.path().join("content/pages/about.md"),
        "title = \"About\"",
        "title = \"About\"\nNav = true",
    );
    let err = stderr(&check(proj.path()));
    assert!(err.contains("content/pages/about.md:3:7"), "{err}");
    assert!(
        err.contains("unknown key `Nav` in page front matter is ignored"),
        "{err}"
    );
    assert!(err.contains("did you mean `nav`?"), "{err}");
}

#[test]
fn a_signed_verdict_never_changes_without_an_update() {
    let proj = Project::fixture("reader");
    let root = proj.path();
    let (site, _) = compile_with(
        root,
        crosscheck::pipeline::site::BuildOptions { drafts: true },
    );
    let site = site.unwrap();
    let ci = site
        .claims
        .iter()
        .position(|c| c.id == "mayor-resigned")
        .unwrap();
    let print = site.fingerprint(ci);
    let claims = root.join("content/claims.toml");
    replace_in_file(
        &claims,
        "verdict = \"inaccurate\"\nsummary = \"The mayor's office denied it the same day[^1].\"\nstatus = \"approved\"\nreviewer = \"R. Viewer\"\nreviewed = 2026-03-05\n",
        &format!(
            "verdict = \"inaccurate\"\nsummary = \"The mayor's office denied it the same day[^1].\"\nstatus = \"approved\"\nreviewer = \"R. Viewer\"\nreviewed = 2026-03-05\nsignoff = \"{print}\"\n"
        ),
    );
    assert!(check(root).status.success(), "{}", stderr(&check(root)));
    replace_in_file(
        &claims,
        "verdict = \"inaccurate\"\nsummary = \"The mayor's",
        "verdict = \"misleading\"\nsummary = \"The mayor's",
    );
    let o = check(root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        says(
            &err,
            "claim `mayor-resigned`: the verdict was changed from inaccurate to misleading after sign-off, with no update saying so"
        ),
        "{err}"
    );
    assert!(
        says(
            &err,
            "claim `mayor-resigned`: approved, changed since sign-off: the verdict (inaccurate → misleading)"
        ),
        "{err}"
    );
    let out = root.join("site");
    assert_eq!(build(root, &out).status.code(), Some(1));
    // With the update the desk owes its readers, it is a lapse to sign again.
    replace_in_file(
        &claims,
        "  [[claim.source]]\n  title = \"Statement on the bridge\"",
        "  [[claim.update]]\n  date = 2026-03-09\n  verdict_before = \"inaccurate\"\n  note = \"The mayor stepped down from one committee.\"\n\n  [[claim.source]]\n  title = \"Statement on the bridge\"",
    );
    let o = check(root);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(build(root, &out).status.success());
    assert!(
        !out.join("claims/mayor-resigned").exists(),
        "lapsed: not published"
    );
}

#[test]
fn the_init_scaffold_has_the_desks_pages_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new");
    assert!(run(&["init", root.to_str().unwrap()]).status.success());
    let o = check(&root);
    assert!(
        stderr(&o).contains("check passed: 0 error(s), 0 warning(s)"),
        "{}",
        stderr(&o)
    );
    let out = root.join("site");
    assert!(build(&root, &out).status.success());
    for p in ["methodology", "about", "corrections"] {
        assert!(out.join(format!("pages/{p}/index.html")).is_file(), "{p}");
    }
    let m = page(&out, "pages/methodology/index.html");
    assert_eq!(m.select(&sel("dl.scale dt")).count(), 6);
}
