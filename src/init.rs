//! `crosscheck init`: scaffolds a project that builds and checks at once:
//! a commented `content/site.toml`, one article, a claims file with one
//! approved claim (two pieces of evidence, one outside source), and the
//! desk's methodology, about and corrections pages to fill in.
//!
//! It refuses a folder that is not empty unless `--force`; even then it
//! never overwrites or deletes a file: if any file it would write already
//! exists, it writes nothing and names the files in the way.

use std::io;
use std::path::{Path, PathBuf};

/// The files `init` writes, relative to the project folder.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("content/site.toml", SITE_TOML),
    ("content/articles/harbour-gazette-bridge.md", ARTICLE),
    ("content/claims.toml", CLAIMS),
    ("content/pages/methodology.md", METHODOLOGY),
    ("content/pages/about.md", ABOUT),
    ("content/pages/corrections.md", CORRECTIONS),
];

const SITE_TOML: &str = r#"# Site settings for crosscheck. Only `title` is required.

title = "My fact-check"

# Where the site will live. Internal links are always relative, so the
# site works from any folder of any host. Set an absolute address such as
# "https://example.org/checks/" to also get canonical links, Open Graph
# URLs and images, a sitemap.xml and absolute feed links.
base_url = "/"

# Shown on the front page and in search results and link previews.
description = "Claims checked against the reports that make them."

# The organisation named as the author of each ClaimReview and of the feed.
publisher = "My newsroom"

# Language of the pages (a BCP 47 tag).
language = "en"

# The date the facts were last checked against the public record, shown
# on the front page and every claim page.
as_of = 2025-03-03
"#;

const ARTICLE: &str = r#"+++
# One file per report; the file name (without .md) is the article's id.
title = "Old bridge to reopen on Monday, council says"   # required
outlet = "Harbour Gazette"                                # required
# url = "https://example.org/news/bridge-reopens"        # where it was published
author = "Sam Writer"
published = 2025-03-02
+++
The old harbour bridge will reopen to traffic on Monday after six months of repairs, the city council said on Saturday.

Council engineer Ana Ruiz said the repairs had cost about €4 million. "The deck is fully replaced and the bridge is safe," she said.

A spokesperson for the contractor said some work on the railings would continue until April, and that one lane could stay closed for another week.
"#;

const CLAIMS: &str = r#"# Claims and the evidence for and against them. Any content/claims/*.toml
# file may hold more. Each quote must occur in its article (white space,
# quote marks and dashes may differ); `crosscheck check` says where a quote
# does not match, with the closest passage.

[[claim]]
id = "bridge-reopens-monday"          # unique: lowercase letters, digits, -
text = "The old harbour bridge reopens fully on Monday."
# accurate | mostly-accurate | misleading | inaccurate | disputed | unverified
verdict = "mostly-accurate"
summary = """
The council says the bridge reopens on Monday[^1], but the contractor expects
one lane to stay closed for another week."""
# draft (not published) | in-review | approved (needs reviewer and date)
status = "approved"
reviewer = "A. Reviewer"
reviewed = 2025-03-03

  # Every outside fact a verdict uses has a source, cited in the summary as
  # [^1], [^2]… in this order. Give a url only when you are sure of it: a
  # source named by publisher and date is honest, a guessed address is not.
  [[claim.source]]
  title = "Harbour bridge reopening"
  publisher = "City council press office"
  date = 2025-03-01
  # url = "https://…"            # the source's address
  # archived = "https://web.archive.org/web/…"   # a snapshot of it
  note = "The council's announcement of the Monday reopening."

  [[claim.evidence]]
  article = "harbour-gazette-bridge"   # an article id
  quote = "The old harbour bridge will reopen to traffic on Monday"
  stance = "supports"                  # supports | contradicts | mentions

  [[claim.evidence]]
  article = "harbour-gazette-bridge"
  quote = "one lane could stay closed for another week"
  stance = "contradicts"
  note = "The contractor's own estimate."
"#;

const METHODOLOGY: &str = r#"+++
title = "Methodology"
nav = true
+++
*Replace this page's text with your desk's own; keep the verdict scale line.*

## How we choose claims

We check statements in the reports that matter to readers and that can be
checked against the public record: facts, figures, dates, quotations and
who said what. We do not rate opinions or predictions.

## How we rate claims

Each claim gets one verdict. The scale, as this site uses it:

{{ verdict_scale }}

Each report's statement on a claim is then shown as holding up or not,
given the verdict: a report that repeats a false claim does not hold up,
one that contradicts it does.

## Sources

Every outside fact a verdict rests on is listed under the claim, with a
link where one exists and an archived copy where we made one.

## Tell us about a claim or an error

Write to us (see [About](../about/)). We answer every request and record
every correction on the [corrections page](../../corrections/).
"#;

const ABOUT: &str = r#"+++
title = "About this site"
nav = true
+++
*Replace this page's text: who publishes this fact-check, who funds it,
and how readers can reach the desk.*
"#;

const CORRECTIONS: &str = r#"+++
title = "Corrections policy"
+++
*Replace this page's text with your desk's policy.*

When we get something wrong we correct it openly: the claim page says what
changed and when, a changed verdict says what it was before, and every
correction is listed on the [corrections page](../../corrections/) and in
its Atom feed.
"#;

#[derive(Debug, thiserror::Error)]
pub(crate) enum InitError {
    #[error(
        "{} is not empty; use --force to add a crosscheck project to it (no existing file is changed)",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("{} exists and is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("refusing to overwrite existing file(s): {}", .0.join(", "))]
    WouldOverwrite(Vec<String>),
    #[error("cannot write {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Writes the scaffold into `dir` (created if needed) and returns the
/// files written.
pub(crate) fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, InitError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.to_path_buf()));
        }
        let non_empty = std::fs::read_dir(dir)
            .map_err(io_err(dir))?
            .next()
            .is_some();
        if non_empty && !force {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let clashes: Vec<String> = FILES
        .iter()
        .filter(|(rel, _)| dir.join(rel).symlink_metadata().is_ok())
        .map(|(rel, _)| rel.to_string())
        .collect();
    if !clashes.is_empty() {
        return Err(InitError::WouldOverwrite(clashes));
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        // create_new: never replace a file that appeared meanwhile.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_err(&path))?;
        io::Write::write_all(&mut file, text.as_bytes()).map_err(io_err(&path))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_empty_folders_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            init(dir.path(), false),
            Err(InitError::NotEmpty(_))
        ));
        assert_eq!(init(dir.path(), true).unwrap().len(), FILES.len());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
        // A second run with --force would overwrite: nothing is written.
        std::fs::write(dir.path().join("content/claims.toml"), "# mine").unwrap();
        match init(dir.path(), true) {
            Err(InitError::WouldOverwrite(files)) => {
                assert_eq!(files, FILES.iter().map(|f| f.0).collect::<Vec<_>>())
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("content/claims.toml")).unwrap(),
            "# mine"
        );
    }

    #[test]
    fn a_file_is_not_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "x").unwrap();
        assert!(matches!(init(&f, true), Err(InitError::NotAFolder(_))));
    }
}
