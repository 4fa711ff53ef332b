//! Hostile and careless inputs to `build` and `check` (issue 19): the
//! output guard, recursive templates, unsafe `base_url`, raw HTML in
//! summaries and notes, symlinks and special files in the project, claim
//! ids, and temporary folders of killed builds. Every test drives the real
//! binary on a project made by the test in a temporary folder. The table
//! of these cases is in docs/reliability.md.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{self, BIN, Project, build, check, crosscheck, run, stderr, write};

/// A small valid project: one article, one approved claim with two
/// pieces of evidence, no templates.
fn project() -> Project {
    let p = Project::empty();
    p.write("content/site.toml", "title = \"Hardening\"\n");
    p.write(
        "content/articles/wire-a.md",
        "+++\ntitle = \"Talks end\"\noutlet = \"Wire A\"\n+++\nThe talks lasted five hours. Nobody agreed on anything.\n",
    );
    p.write("content/claims.toml", claim("c", ""));
    p
}

/// An approved claim quoting `wire-a`, with `extra` lines (summary…).
fn claim(id: &str, extra: &str) -> String {
    format!(
        "[[claim]]\nid = \"{id}\"\ntext = \"The talks lasted five hours.\"\nverdict = \"accurate\"\nstatus = \"approved\"\nreviewer = \"R\"\nreviewed = 2026-01-02\n{extra}\n  [[claim.evidence]]\n  article = \"wire-a\"\n  quote = \"The talks lasted five hours.\"\n  stance = \"supports\"\n"
    )
}

/// Exited with `code`, not by a signal (a stack overflow is SIGABRT).
fn assert_exit(o: &Output, code: i32, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "{what}: {:?}\n{}",
        o.status,
        stderr(o)
    );
}

/// Hidden temporary folders of ours in `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".crosscheck-tmp-")
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Recursive templates
// ---------------------------------------------------------------------------

/// What a case is, its template files (name, text), and where the error
/// must point.
type TemplateCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn recursive_templates_are_a_template_error_not_a_crash() {
    let cases: &[TemplateCase] = &[
        (
            "a template that includes itself",
            &[("base.html", "{% include \"base.html\" %}\n")],
            "templates/base.html:1:1",
        ),
        (
            "a macro that calls itself",
            &[(
                "macros.html",
                "{% macro verdict(v) %}\n  <b>{{ self::verdict(v=v) }}</b>\n{% endmacro verdict %}\n{% macro stance(s) %}{{ s.label }}{% endmacro stance %}\n",
            )],
            "templates/macros.html:2:9",
        ),
        (
            "two macros that call each other",
            &[(
                "macros.html",
                "{% macro verdict(v) %}{{ self::stance(s=v) }}{% endmacro verdict %}\n{% macro stance(s) %}{{ self::verdict(v=s) }}{% endmacro stance %}\n",
            )],
            "templates/macros.html:2:25",
        ),
        (
            "a macro file that imports itself",
            &[(
                "macros.html",
                "{% import \"macros.html\" as again %}\n{% macro verdict(v) %}{{ v.label }}{% endmacro verdict %}\n{% macro stance(s) %}{{ s.label }}{% endmacro stance %}\n",
            )],
            "templates/macros.html:1:1",
        ),
        (
            "an include loop through extends",
            &[
                ("nav.html", "{% extends \"base.html\" %}\n"),
                (
                    "base.html",
                    "<!DOCTYPE html>\n<html><body>\n{% include \"nav.html\" %}\n{% block main %}{% endblock main %}</body></html>\n",
                ),
            ],
            "templates/base.html:3:1",
        ),
    ];
    for (what, files, location) in cases {
        let p = project();
        for (name, text) in *files {
            p.write(&format!("templates/{name}"), text);
        }
        let out = p.path().join("site");
        let o = build(p.path(), &out);
        assert_exit(&o, 1, what);
        let err = stderr(&o);
        assert!(err.contains("template recursion"), "{what}:\n{err}");
        assert!(err.contains(location), "{what}: no {location}:\n{err}");
        assert!(!out.exists(), "{what}: a site was written");
        assert!(
            temporaries(p.path()).is_empty(),
            "{what}: temporaries left behind"
        );
        let o = check(p.path());
        assert_exit(&o, 1, what);
        assert!(stderr(&o).contains("template recursion"), "{what}");
    }
}

#[test]
fn templates_nested_thousands_deep_are_refused_not_a_crash() {
    let p = project();
    let deep = format!(
        "{}x{}",
        "{% if true %}".repeat(5000),
        "{% endif %}".repeat(5000)
    );
    p.write("templates/base.html", &deep);
    let parens = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    p.write("templates/404.html", &parens);
    let o = check(p.path());
    assert_exit(&o, 1, "deep template");
    let err = stderr(&o);
    assert!(
        err.contains("templates/base.html:1:") && err.contains("nest more than 64 levels"),
        "{err}"
    );
    assert!(err.contains("templates/404.html:1:1"), "{err}");
}

// ---------------------------------------------------------------------------
// base_url
// ---------------------------------------------------------------------------

#[test]
fn unsafe_base_url_is_an_error_in_site_toml() {
    for url in [
        "javascript:alert(document.domain)//",
        "//evil.example/",
        "/\\\\evil.example/",
        "data:text/html,<script>alert(1)</script>",
    ] {
        let p = project();
        p.write(
            "content/site.toml",
            format!("title = \"Hardening\"\nbase_url = \"{url}\"\n"),
        );
        let out = p.path().join("site");
        let o = build(p.path(), &out);
        assert_exit(&o, 1, url);
        let err = stderr(&o);
        assert!(
            err.contains("content/site.toml:2:12") && err.contains("`base_url`"),
            "{url}:\n{err}"
        );
        assert!(err.contains("help:"), "{url}:\n{err}");
        assert!(!out.exists(), "{url}: a site was written");
    }
    // The forms the README documents still build.
    for url in [
        "/",
        "/factchecks/moscow/",
        "https://example.org/factchecks/",
    ] {
        let p = project();
        p.write(
            "content/site.toml",
            format!("title = \"Hardening\"\nbase_url = \"{url}\"\n"),
        );
        let out = p.path().join("site");
        assert_exit(&build(p.path(), &out), 0, url);
        let page = std::fs::read_to_string(out.join("404.html")).unwrap();
        let want = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        assert!(page.contains(&format!("href=\"{want}")), "{url}");
    }
}

// ---------------------------------------------------------------------------
// Raw HTML and deep nesting in summaries and notes
// ---------------------------------------------------------------------------

/// A claim page's HTML, parsed.
fn claim_page(out: &Path, id: &str) -> (String, scraper::Html) {
    let text = std::fs::read_to_string(out.join(format!("claims/{id}/index.html"))).unwrap();
    let doc = scraper::Html::parse_document(&text);
    (text, doc)
}

#[test]
fn raw_html_in_summaries_and_notes_is_shown_as_text() {
    let p = project();
    let summary = "Pixel: <img src=\\\"https://tracker.example/pixel.gif\\\"> and <a rel=\\\"nofollow\\\">no href</a>, <img>. Chart: ![the chart](https://example.org/chart.png), ![](https://example.org/bare.png), [bad](javascript:alert(1)).";
    let claims = claim("c", &format!("summary = \"{summary}\"\n")).replace(
        "stance = \"supports\"\n",
        "stance = \"supports\"\n  note = \"*seen* <iframe src=\\\"https://evil.example/\\\"></iframe>\"\n",
    );
    p.write("content/claims.toml", &claims);
    let out = p.path().join("site");
    assert_exit(&build(p.path(), &out), 0, "build");
    let (text, doc) = claim_page(&out, "c");
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    // No image but the verdict card, every link has a target, nothing
    // loads from another host.
    for img in doc.select(&sel("img")) {
        assert_eq!(img.value().attr("src"), Some("card.svg"), "{}", img.html());
        assert!(img.value().attr("alt").is_some());
    }
    for a in doc.select(&sel("a")) {
        assert!(
            a.value().attr("href").is_some(),
            "link without href: {}",
            a.html()
        );
    }
    assert!(doc.select(&sel("iframe")).next().is_none());
    // The raw tags are there as text, the Markdown image as a link.
    assert!(
        text.contains("&lt;img src=\"https://tracker.example/pixel.gif\"&gt;"),
        "{text}"
    );
    assert!(text.contains("&lt;iframe"), "{text}");
    assert!(text.contains("<em>seen</em>"), "{text}");
    let links: Vec<(String, String)> = doc
        .select(&sel("a[href^=\"https://example.org/\"]"))
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                "https://example.org/chart.png".to_string(),
                "the chart".to_string()
            ),
            (
                "https://example.org/bare.png".to_string(),
                "https://example.org/bare.png".to_string()
            )
        ]
    );
    assert!(!text.contains("javascript:"));
    // The feed carries the summary as escaped HTML: the raw tag is text
    // in it (escaped twice), never an element (escaped once).
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(
        feed.contains("&amp;lt;img src=&quot;https://tracker"),
        "{feed}"
    );
    assert!(
        !feed.contains("&lt;img") && !feed.contains("<img"),
        "{feed}"
    );
}

#[test]
fn a_summary_of_100_000_nested_quotes_is_flattened_to_16_levels() {
    let p = project();
    let deep = format!("{} the innermost words", ">".repeat(100_000));
    let claims = claim("c", &format!("summary = \"{deep}\"\n")).replace(
        "stance = \"supports\"\n",
        &format!(
            "stance = \"supports\"\n  note = \"{}deep note\"\n",
            "- ".repeat(20_000)
        ),
    );
    p.write("content/claims.toml", &claims);
    let out = p.path().join("site");
    let started = std::time::Instant::now();
    assert_exit(&build(p.path(), &out), 0, "build");
    eprintln!("built in {:?}", started.elapsed());
    let text = std::fs::read_to_string(out.join("claims/c/index.html")).unwrap();
    assert!(text.contains("the innermost words") && text.contains("deep note"));
    // 16 levels of quotes in the summary, 8 lists (each with its item) in
    // the note: the rest are flattened into the deepest. (Counted in the
    // text: parsing a page nested 100,000 deep is itself quadratic.)
    let part = |class: &str| {
        let start = text.find(&format!("<div class=\"{class}\">")).unwrap();
        let end = start + text[start..].find("</div>").unwrap();
        &text[start..end]
    };
    assert_eq!(part("summary").matches("<blockquote>").count(), 16);
    assert_eq!(part("summary").matches("</blockquote>").count(), 16);
    assert_eq!(part("note").matches("<ul>").count(), 8);
    assert_eq!(part("note").matches("<li>").count(), 8);
}

// ---------------------------------------------------------------------------
// The output folder: `..`, links, and what killed builds leave
// ---------------------------------------------------------------------------

fn run_in(dir: &Path, args: &[&str]) -> Output {
    crosscheck().args(args).current_dir(dir).output().unwrap()
}

#[test]
fn out_through_a_missing_folder_and_dotdot_cannot_replace_a_folder() {
    let p = project();
    let top = tempfile::tempdir().unwrap();
    write(top.path(), "x/precious/thesis.tex", "mine");
    let root = p.path().to_str().unwrap();
    // Relative to the working folder, and absolute.
    let absolute = format!("{}/x/nothere/../precious", top.path().display());
    for out in ["x/nothere/../precious", absolute.as_str()] {
        let o = run_in(top.path(), &["build", "--root", root, "--out", out]);
        assert_exit(&o, 3, out);
        assert!(
            stderr(&o).contains("not a crosscheck site"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(top.path().join("x/precious/thesis.tex")).unwrap(),
            "mine"
        );
        assert!(
            !top.path().join("x/nothere").exists(),
            "{out}: created a folder before refusing"
        );
        assert!(temporaries(&top.path().join("x")).is_empty());
    }
    // The project's own content/, reached the same way.
    let out = format!("{root}/nothere/../content");
    let o = run(&["build", "--root", root, "--out", &out]);
    assert_exit(&o, 3, &out);
    assert!(stderr(&o).contains("inside content/"), "{}", stderr(&o));
    assert!(p.path().join("content/claims.toml").is_file());
    assert!(!p.path().join("nothere").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_out_replaces_the_folder_it_leads_to_and_keeps_the_link() {
    use std::os::unix::fs::symlink;
    let p = project();
    let top = tempfile::tempdir().unwrap();
    let deploy = top.path().join("deploy");
    assert_exit(&build(p.path(), &deploy), 0, "first build");
    let link = top.path().join("current");
    symlink(&deploy, &link).unwrap();
    p.write("content/site.toml", "title = \"Second edition\"\n");
    let o = build(p.path(), &link);
    assert_exit(&o, 0, "build through the link");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), deploy);
    let index = std::fs::read_to_string(deploy.join("index.html")).unwrap();
    assert!(
        index.contains("Second edition"),
        "the link's target is stale"
    );
    assert!(temporaries(top.path()).is_empty());

    // A link to a folder that is not a site is refused, saying where it
    // leads; a dangling link is refused and stays a link.
    let mine = top.path().join("mine");
    write(&mine, "notes.txt", "keep");
    symlink(&mine, top.path().join("to-mine")).unwrap();
    let o = build(p.path(), &top.path().join("to-mine"));
    assert_exit(&o, 3, "link to a folder that is not a site");
    assert!(stderr(&o).contains("the link leads to"), "{}", stderr(&o));
    assert!(mine.join("notes.txt").is_file());
    let dangling = top.path().join("dangling");
    symlink(top.path().join("nowhere"), &dangling).unwrap();
    let o = build(p.path(), &dangling);
    assert_exit(&o, 3, "dangling link");
    assert!(
        stderr(&o).contains("which does not exist"),
        "{}",
        stderr(&o)
    );
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
    assert!(!top.path().join("nowhere").exists());
}

#[cfg(unix)]
#[test]
fn temporaries_of_killed_builds_are_removed_unless_a_build_holds_them() {
    use rustix::fs::{FlockOperation, flock};
    let p = project();
    let top = tempfile::tempdir().unwrap();
    let out = top.path().join("site");
    // A killed build's: folder and lock file, nobody holding the lock.
    write(
        top.path(),
        ".crosscheck-tmp-dead/index.html",
        "x".repeat(1 << 20),
    );
    write(top.path(), ".crosscheck-tmp-dead.lock", "");
    // A running build's: its lock held (here, by this test).
    write(top.path(), ".crosscheck-tmp-live/index.html", "x");
    write(top.path(), ".crosscheck-tmp-live.lock", "");
    let held = std::fs::File::open(top.path().join(".crosscheck-tmp-live.lock")).unwrap();
    flock(&held, FlockOperation::NonBlockingLockExclusive).unwrap();
    assert_exit(&build(p.path(), &out), 0, "build");
    let left: Vec<String> = std::fs::read_dir(top.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".crosscheck-tmp-"))
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, [".crosscheck-tmp-live", ".crosscheck-tmp-live.lock"]);
    drop(held);

    // A build killed while writing leaves only the site's staging tree
    // (reused, never shown) beside the site; the next build makes the site
    // exactly what a fresh build makes.
    let big = project();
    for i in 0..400 {
        write(
            big.path(),
            &format!("content/articles/a{i}.md"),
            format!(
                "+++\ntitle = \"A {i}\"\noutlet = \"O\"\n+++\n{}",
                "Some sentence here. ".repeat(200)
            ),
        );
    }
    let out = top.path().join("big-site");
    let stage = top.path().join(".big-site.crosscheck-stage");
    let mut killed = false;
    for _ in 0..20 {
        let mut child = std::process::Command::new(BIN)
            .args(["build", "--root", big.path().to_str().unwrap(), "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let writing = || {
            std::fs::read_dir(&stage)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false)
        };
        while !writing()
            && child.try_wait().unwrap().is_none()
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        if running && writing() {
            killed = true;
            break;
        }
    }
    assert!(killed, "never caught a build while it was writing");
    assert_exit(&build(big.path(), &out), 0, "build after the kill");
    let fresh = top.path().join("fresh");
    assert_exit(&build(big.path(), &fresh), 0, "fresh build");
    assert_eq!(support::snapshot(&out), support::snapshot(&fresh));
    assert!(
        temporaries(top.path()).is_empty(),
        "{:?}",
        temporaries(top.path())
    );
    let mut beside: Vec<String> = std::fs::read_dir(top.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".big-site"))
        .collect();
    beside.sort();
    // The lock, the staging tree once a build has swapped one in (the
    // first build, killed here, renames its tree into place instead), and
    // the receipt of the build that finished.
    assert!(
        beside
            .iter()
            .all(|n| n.starts_with(".big-site.crosscheck-stage")
                || n == ".big-site.crosscheck-receipt")
            && beside.contains(&".big-site.crosscheck-stage.lock".to_string()),
        "{beside:?}"
    );
}

// ---------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------

#[test]
fn a_claim_id_over_100_characters_is_an_error_in_check() {
    let p = project();
    let long = "a".repeat(300);
    p.write("content/claims.toml", claim(&long, ""));
    let o = check(p.path());
    assert_exit(&o, 1, "check");
    let err = stderr(&o);
    assert!(
        err.contains("claim id is 300 characters long; ids are at most 100")
            && err.contains("content/claims.toml:2:6"),
        "{err}"
    );
    // 100 is fine.
    p.write("content/claims.toml", claim(&"a".repeat(100), ""));
    assert_exit(&check(p.path()), 0, "100 characters");
    assert_exit(&build(p.path(), &p.path().join("site")), 0, "build");
}

#[test]
fn windows_device_names_as_ids_are_warned_about() {
    let p = project();
    let mut claims = String::new();
    for id in ["con", "nul", "aux", "prn", "com1", "lpt9"] {
        claims.push_str(&claim(id, ""));
    }
    p.write("content/claims.toml", &claims);
    p.write(
        "content/articles/con.md",
        "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nText.\n",
    );
    let o = check(p.path());
    assert_exit(&o, 0, "check");
    let err = stderr(&o);
    for id in ["con", "nul", "aux", "prn", "com1", "lpt9"] {
        assert!(
            err.contains(&format!("claim id `{id}` is a device name on Windows")),
            "{id}:\n{err}"
        );
    }
    assert!(
        err.contains("article id `con` is a device name on Windows"),
        "{err}"
    );
    // Seven warnings of this kind, and no error.
    assert_eq!(
        err.matches("is a device name on Windows").count(),
        7,
        "{err}"
    );
    assert!(err.contains("check passed: 0 error(s)"), "{err}");
}

#[test]
fn rename_advice_never_names_an_existing_article() {
    let p = project();
    for name in ["moscow-times", "moscow-times-2"] {
        p.write(
            &format!("content/articles/{name}.md"),
            "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nText.\n",
        );
    }
    p.write(
        "content/articles/Moscow-Times.md",
        "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nText.\n",
    );
    let o = check(p.path());
    assert_exit(&o, 1, "check");
    let err = stderr(&o);
    assert!(
        err.contains("rename it to `moscow-times-3.md` (`moscow-times` is taken by content/articles/moscow-times.md)"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// One rule for every input file: links, special files, odd names
// ---------------------------------------------------------------------------

/// `build` (or `check`), failing the test if it has not finished within a
/// minute: a FIFO opened for reading blocks until someone writes to it.
#[cfg(unix)]
fn run_bounded(args: &[&str]) -> Output {
    use std::time::{Duration, Instant};
    let mut child = crosscheck()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("crosscheck {args:?} blocked");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Builds `p`, expecting exit 1 and every one of `messages` on stderr;
/// writes nothing.
#[cfg(unix)]
fn expect_build_error(p: &Path, what: &str, messages: &[&str]) -> String {
    let out = p.join("site");
    let o = run_bounded(&[
        "build",
        "--root",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_exit(&o, 1, what);
    let err = stderr(&o);
    for m in messages {
        assert!(err.contains(m), "{what}: no {m:?} in\n{err}");
    }
    assert!(!out.exists(), "{what}: a site was written");
    err
}

#[cfg(unix)]
#[test]
fn links_out_of_the_project_are_refused_and_never_quoted() {
    use std::os::unix::fs::symlink;
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let first_line = passwd.lines().next().unwrap();
    for file in ["content/claims.toml", "content/site.toml"] {
        let p = project();
        p.remove(file);
        symlink("/etc/passwd", p.path().join(file)).unwrap();
        let err = expect_build_error(
            p.path(),
            file,
            &[&format!(
                "{file} is a symbolic link to /etc/passwd, outside the project folder"
            )],
        );
        assert!(
            !err.contains(first_line),
            "{file}: quoted /etc/passwd:\n{err}"
        );
    }
    // An article, a template, a claims file in content/claims/, and the
    // articles folder itself, linked out.
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "a.md",
        "+++\ntitle = \"T\"\noutlet = \"O\"\n+++\nSecret text.\n",
    );
    let p = project();
    symlink(
        outside.path().join("a.md"),
        p.path().join("content/articles/b.md"),
    )
    .unwrap();
    symlink("/dev/zero", p.path().join("content/articles/zero.md")).unwrap();
    std::fs::create_dir_all(p.path().join("templates")).unwrap();
    symlink(
        outside.path().join("a.md"),
        p.path().join("templates/base.html"),
    )
    .unwrap();
    std::fs::create_dir_all(p.path().join("content/claims")).unwrap();
    symlink(
        outside.path().join("a.md"),
        p.path().join("content/claims/more.toml"),
    )
    .unwrap();
    let err = expect_build_error(
        p.path(),
        "links out",
        &[
            "content/articles/b.md is a symbolic link to",
            "content/articles/zero.md is a symbolic link to /dev/zero, outside the project folder",
            "content/claims/more.toml is a symbolic link to",
            "templates/base.html is a symbolic link to",
        ],
    );
    assert!(!err.contains("Secret text"), "{err}");
    let p = project();
    std::fs::rename(
        p.path().join("content/articles"),
        outside.path().join("articles"),
    )
    .unwrap();
    symlink(
        outside.path().join("articles"),
        p.path().join("content/articles"),
    )
    .unwrap();
    expect_build_error(
        p.path(),
        "articles folder linked out",
        &["content/articles leads outside the project folder"],
    );
}

#[cfg(unix)]
#[test]
fn links_within_the_project_are_followed() {
    use std::os::unix::fs::symlink;
    let p = project();
    p.write(
        "shared/other.md",
        "+++\ntitle = \"Other\"\noutlet = \"Wire B\"\n+++\nThe talks lasted five hours.\n",
    );
    symlink(
        "../../shared/other.md",
        p.path().join("content/articles/wire-b.md"),
    )
    .unwrap();
    let out = p.path().join("site");
    let o = build(p.path(), &out);
    assert_exit(&o, 0, "build");
    assert!(
        out.join("articles/wire-b/index.html").is_file(),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn loops_fifos_folders_and_odd_names_are_errors_never_skipped() {
    use std::os::unix::fs::symlink;
    let p = project();
    let articles = p.path().join("content/articles");
    symlink(articles.join("loop.md"), articles.join("loop.md")).unwrap();
    symlink(articles.join("nowhere"), articles.join("gone.md")).unwrap();
    mkfifo(&articles.join("pipe.md"));
    std::fs::create_dir(articles.join("folder.md")).unwrap();
    write(&articles, "Upper.MD", "x");
    write(&articles, "wire-a.MD", "x");
    write(&articles, "notes.txt", "x");
    std::fs::create_dir(articles.join("drafts")).unwrap();
    p.write("content/Claims.toml", "");
    let err = expect_build_error(
        p.path(),
        "odd entries",
        &[
            "content/articles/loop.md is a symbolic link that loops",
            "content/articles/gone.md is a symbolic link to",
            "content/articles/pipe.md is a named pipe (FIFO), not a regular file",
            "content/articles/folder.md is a folder, not a file",
            "content/articles/Upper.MD has an upper-case extension",
            "rename it to `upper.md`",
            "content/articles/wire-a.MD has an upper-case extension",
            "content/articles/wire-a.md has the same id",
            "content/Claims.toml is named like content/claims.toml but in another case",
        ],
    );
    // Not errors, but never silent either.
    assert!(
        err.contains("⚠ content/articles/notes.txt is not read"),
        "{err}"
    );
    assert!(
        err.contains("⚠ content/articles/drafts/ is not read"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn fifos_as_site_toml_claims_or_templates_do_not_block() {
    for (file, message) in [
        (
            "content/claims.toml",
            "content/claims.toml is a named pipe (FIFO), not a regular file",
        ),
        (
            "content/site.toml",
            "content/site.toml is a named pipe (FIFO), not a regular file",
        ),
        (
            "templates/base.html",
            "templates/base.html is a named pipe (FIFO), not a regular file",
        ),
    ] {
        let p = project();
        let path = p.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        mkfifo(&path);
        expect_build_error(p.path(), file, &[message]);
        let o = run_bounded(&["check", "--root", p.path().to_str().unwrap()]);
        assert_exit(&o, 1, file);
    }
}

#[cfg(unix)]
#[test]
fn an_articles_path_that_is_no_folder_is_an_error() {
    let p = project();
    let articles = p.path().join("content/articles");
    std::fs::remove_dir_all(&articles).unwrap();
    std::fs::write(&articles, "not a folder").unwrap();
    // The claim's evidence names wire-a, which is gone: reported too.
    expect_build_error(p.path(), "file", &["content/articles is not a folder"]);
    // Unreadable: only observable when permissions apply to this user
    // (not to root).
    use std::os::unix::fs::PermissionsExt;
    let p = project();
    let articles = p.path().join("content/articles");
    std::fs::set_permissions(&articles, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&articles).is_err() {
        expect_build_error(p.path(), "unreadable", &["cannot read content/articles"]);
    } else {
        eprintln!("skipped the unreadable-folder case: permissions do not apply to this user");
    }
    std::fs::set_permissions(&articles, std::fs::Permissions::from_mode(0o755)).unwrap();
}
