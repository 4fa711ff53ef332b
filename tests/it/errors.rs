//! Bad input: each problem is a clear error naming the file, line and
//! column, all problems are reported at once, and nothing is built.

use std::path::Path;

use crate::support::*;

/// Copies the basic fixture, applies `edit`, runs `check` and `build`;
/// both must fail with exit 1, and build must write nothing. Returns the
/// diagnostics `check` printed.
fn failing(edit: impl FnOnce(&Path)) -> String {
    let proj = Project::fixture("basic");
    edit(proj.path());
    let out = proj.path().join("site");
    let b = build(proj.path(), &out);
    assert_eq!(
        b.status.code(),
        Some(1),
        "build should fail: {}",
        stderr(&b)
    );
    assert!(!out.exists(), "a failed build must not write a site");
    let c = check(proj.path());
    assert_eq!(c.status.code(), Some(1), "check should fail");
    let err = stderr(&c);
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn claims(root: &Path) -> std::path::PathBuf {
    root.join("content/claims.toml")
}

#[test]
fn malformed_site_toml() {
    let err = failing(|r| {
        replace_in_file(
            &r.join("content/site.toml"),
            "base_url = \"/\"",
            "base_url = /",
        )
    });
    assert!(err.contains("content/site.toml:2:12"), "{err}");
    assert!(err.contains("invalid TOML"), "{err}");
}

#[test]
fn malformed_front_matter_points_into_the_file_not_the_slice() {
    let err = failing(|r| {
        replace_in_file(
            &r.join("content/articles/town-radio.md"),
            "outlet = \"Town Radio\"",
            "outlet = \"Town Radio",
        )
    });
    // Line 3 of the file (line 2 of the front matter).
    assert!(err.contains("content/articles/town-radio.md:3:"), "{err}");
}

#[test]
fn malformed_claims_toml() {
    let err =
        failing(|r| replace_in_file(&claims(r), "id = \"response-time\"", "id = \"response-time"));
    assert!(err.contains("content/claims.toml:30:"), "{err}");
}

#[test]
fn front_matter_never_closed() {
    let err = failing(|r| {
        let p = r.join("content/articles/town-radio.md");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replacen("+++\nA fire", "A fire", 1)).unwrap();
    });
    assert!(err.contains("content/articles/town-radio.md:1:1"), "{err}");
    assert!(err.contains("front matter is never closed"), "{err}");
}

#[test]
fn missing_required_field() {
    let err = failing(|r| {
        replace_in_file(
            &r.join("content/articles/town-radio.md"),
            "outlet = \"Town Radio\"\n",
            "",
        )
    });
    assert!(err.contains("content/articles/town-radio.md:1:1"), "{err}");
    assert!(err.contains("missing required field `outlet`"), "{err}");
    // The article's own error is enough: its evidence is not also "unknown".
    assert!(!err.contains("unknown article `town-radio`"), "{err}");
    let err =
        failing(|r| replace_in_file(&claims(r), "text = \"Nobody was hurt in the fire.\"\n", ""));
    assert!(err.contains("content/claims.toml:48:1"), "{err}");
    assert!(
        err.contains("claim `nobody-hurt` is missing required field `text`"),
        "{err}"
    );
}

#[test]
fn unknown_stance_verdict_and_status_list_the_allowed_values() {
    let err = failing(|r| {
        let p = claims(r);
        replace_in_file(
            &p,
            "stance = \"contradicts\"\n  note",
            "stance = \"refutes\"\n  note",
        );
        replace_in_file(&p, "verdict = \"disputed\"", "verdict = \"contested\"");
        replace_in_file(&p, "status = \"draft\"", "status = \"pending\"");
    });
    assert!(err.contains("content/claims.toml:26:12"), "{err}");
    assert!(err.contains("unknown stance `refutes`"), "{err}");
    assert!(err.contains("supports, contradicts, mentions"), "{err}");
    assert!(err.contains("content/claims.toml:32:11"), "{err}");
    assert!(
        err.contains("accurate, mostly-accurate, misleading, inaccurate, disputed, unverified"),
        "{err}"
    );
    assert!(err.contains("unknown status `pending`"), "{err}");
    assert!(err.contains("draft, in-review, approved"), "{err}");
    // All three reported in one run.
    assert!(err.contains("3 error(s)"), "{err}");
}

#[test]
fn duplicate_claim_id_names_both_places() {
    let err = failing(|r| {
        replace_in_file(
            &claims(r),
            "id = \"response-time\"",
            "id = \"fire-on-monday\"",
        )
    });
    assert!(err.contains("content/claims.toml:30:6"), "{err}");
    assert!(err.contains("duplicate claim id `fire-on-monday`"), "{err}");
    assert!(
        err.contains("first defined at content/claims.toml:5:6"),
        "{err}"
    );
}

#[test]
fn evidence_naming_an_unknown_article_suggests_the_closest_id() {
    let err = failing(|r| {
        replace_in_file(
            &claims(r),
            "article = \"harbour-news\"",
            "article = \"harbor-news\"",
        )
    });
    assert!(err.contains("content/claims.toml:19:13"), "{err}");
    assert!(err.contains("unknown article `harbor-news`"), "{err}");
    assert!(err.contains("did you mean `harbour-news`?"), "{err}");
}

#[test]
fn quote_matching_nowhere_shows_the_closest_passage() {
    let err = failing(|r| {
        replace_in_file(
            &claims(r),
            "quote = \"firefighters took an hour",
            "quote = \"firefighters needed an hour",
        )
    });
    assert!(err.contains("content/claims.toml:45:11"), "{err}");
    assert!(
        err.contains("quote of claim `response-time` not found in article `harbour-news`"),
        "{err}"
    );
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("closest passage in content/articles/harbour-news.md: \"firefighters took an hour to reach the warehouse"), "{err}");
}

#[test]
fn quote_matching_more_than_once_needs_occurrence() {
    let err = failing(|r| {
        replace_in_file(
            &claims(r),
            "  quote = \"cause is\"\n  occurrence = 2\n",
            "  quote = \"cause is\"\n",
        )
    });
    assert!(err.contains("content/claims.toml:81:11"), "{err}");
    assert!(
        err.contains("occurs 2 times in article `harbour-news`"),
        "{err}"
    );
    assert!(err.contains("occurrence = N"), "{err}");
}

#[test]
fn approved_without_reviewer_or_date() {
    let err = failing(|r| {
        replace_in_file(
            &claims(r),
            "reviewer = \"A. Reviewer\"\nreviewed = 2026-03-05\n",
            "",
        );
    });
    assert!(err.contains("content/claims.toml:4:1"), "{err}");
    assert!(err.contains("approved but has no `reviewer`"), "{err}");
    assert!(err.contains("approved but has no `reviewed`"), "{err}");
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_the_byte_offset() {
    let err = failing(|r| {
        let p = r.join("content/articles/town-radio.md");
        let mut bytes = std::fs::read(&p).unwrap();
        let at = bytes.len() - 5;
        bytes[at] = 0xff;
        std::fs::write(&p, bytes).unwrap();
    });
    assert!(
        err.contains("content/articles/town-radio.md is not valid UTF-8"),
        "{err}"
    );
    assert!(err.contains("byte offset"), "{err}");
}

#[test]
fn an_article_file_name_that_is_not_an_id() {
    let err = failing(|r| {
        let dir = r.join("content/articles");
        std::fs::rename(dir.join("town-radio.md"), dir.join("Town Radio.md")).unwrap();
    });
    assert!(err.contains("content/articles/Town Radio.md"), "{err}");
    assert!(err.contains("is not a valid id"), "{err}");
    assert!(err.contains("town-radio.md"), "{err}");
}

#[test]
fn a_broken_template_names_template_line_and_column() {
    let err = failing(|r| {
        std::fs::create_dir(r.join("templates")).unwrap();
        std::fs::write(r.join("templates/index.html"), "{% extends \"base.html\" %}\n{% block main %}\n{{ claims | nosuchfilter( }}\n{% endblock main %}\n")
            .unwrap();
    });
    assert!(err.contains("templates/index.html:3:"), "{err}");
}

#[test]
fn an_article_template_written_for_per_statement_blocks_says_what_replaced_them() {
    let err = failing(|r| {
        std::fs::create_dir(r.join("templates")).unwrap();
        std::fs::write(
            r.join("templates/article.html"),
            "{% extends \"base.html\" %}\n{% block main %}{% for block in blocks %}{% for s in block.statements %}{{ s.html | safe }}{% endfor %}{% endfor %}{% endblock main %}\n",
        )
        .unwrap();
    });
    assert!(err.contains("article.html"), "{err}");
    assert!(err.contains("`block.html`"), "{err}");
    assert!(err.contains("`block.notes`"), "{err}");
}

#[test]
fn all_problems_across_files_are_reported_at_once() {
    let err = failing(|r| {
        replace_in_file(
            &r.join("content/site.toml"),
            "title = \"Harbour fire, three reports\"\n",
            "",
        );
        replace_in_file(
            &claims(r),
            "article = \"harbour-news\"",
            "article = \"nowhere\"",
        );
        replace_in_file(
            &r.join("content/articles/town-radio.md"),
            "title = \"Fire on Tuesday destroys sheds\"\n",
            "",
        );
    });
    assert!(err.contains("content/site.toml"), "{err}");
    assert!(err.contains("content/claims.toml:19:13"), "{err}");
    assert!(err.contains("content/articles/town-radio.md:1:1"), "{err}");
}

#[test]
fn bom_crlf_and_control_characters_are_accepted_with_a_warning() {
    let proj = Project::fixture("basic");
    let p = proj.path().join("content/articles/town-radio.md");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = format!(
        "\u{feff}{}",
        text.replace('\n', "\r\n")
            .replace("Nobody was", "Nobody\u{7} was")
    );
    std::fs::write(&p, text).unwrap();
    let out = proj.path().join("site");
    let o = build(proj.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("content/articles/town-radio.md:7:1"), "{err}");
    assert!(err.contains("dropped 1 control"), "{err}");
    let html = std::fs::read_to_string(out.join("articles/town-radio/index.html")).unwrap();
    assert!(!html.contains('\u{7}') && !html.contains('\r'));
    assert!(html.contains("Nobody was hurt"));
}

#[test]
fn usage_errors_exit_2_and_help_works() {
    let o = run(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    for cmd in ["build", "check"] {
        let o = run(&[cmd, "--help"]);
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("--root"));
    }
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_a_site() {
    let proj = Project::fixture("basic");
    let out = proj.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "precious").unwrap();
    let o = build(proj.path(), &out);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("not a crosscheck site"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.tex")).unwrap(),
        "precious"
    );
}
