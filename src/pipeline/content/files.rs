//! Which files make up a project's content, and reading each as clean
//! text: UTF-8 checked, a BOM and CRLF accepted, characters HTML forbids
//! dropped with a warning. Every kind of content file comes in this way, so
//! this knows nothing of what the files say.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::input::{InputError, ListingProblem, Project, is_editor_temp};

/// The files that make up a project's content, in a stable order, and the
/// problems with what else is in its folders (see [`crate::input`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ContentFiles {
    pub site: PathBuf,
    pub articles: Vec<PathBuf>,
    pub claims: Vec<PathBuf>,
    pub pages: Vec<PathBuf>,
    pub problems: Vec<ListingProblem>,
}

/// What `content/` may hold besides editor temporaries.
const CONTENT_ENTRIES: &[&str] = &[
    "site.toml",
    "claims.toml",
    "articles",
    "claims",
    "pages",
    "review",
    "i18n",
];

impl ContentFiles {
    pub(crate) fn discover(root: &Path) -> ContentFiles {
        let project = Project::new(root);
        let (articles, mut problems) = Self::discover_articles_in(&project, root);
        let (claims, claims_problems) = Self::discover_claims_in(&project, root);
        problems.extend(claims_problems);
        let (pages, pages_problems) = Self::discover_pages_in(&project, root);
        problems.extend(pages_problems);
        ContentFiles {
            site: root.join("content").join("site.toml"),
            articles,
            claims,
            pages,
            problems,
        }
    }

    /// Only the desk's pages: `content/pages/*.md` by name, and the
    /// problems with the folder's other entries.
    pub(crate) fn discover_pages(root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        Self::discover_pages_in(&Project::new(root), root)
    }

    fn discover_pages_in(project: &Project, root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        let listing = project.list(
            &root.join("content").join("pages"),
            Some("md"),
            "pages",
            &[],
            &is_editor_temp,
        );
        (listing.files, listing.problems)
    }

    /// Only the articles, and the problems with the other entries of
    /// `content/` and `content/articles/`.
    pub(crate) fn discover_articles(root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        Self::discover_articles_in(&Project::new(root), root)
    }

    fn discover_articles_in(project: &Project, root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        let content = root.join("content");
        let top = project.list(
            &content,
            None,
            "content/ holds site.toml, claims.toml, articles/, claims/, pages/ and i18n/ (and review/, written by review mode)",
            CONTENT_ENTRIES,
            &is_editor_temp,
        );
        let articles = project.list(
            &content.join("articles"),
            Some("md"),
            "articles",
            &[],
            &is_editor_temp,
        );
        let mut problems = top.problems;
        problems.extend(articles.problems);
        (articles.files, problems)
    }

    /// Only the claims files: `content/claims.toml`, then
    /// `content/claims/*.toml` by name, and the problems with the claims
    /// folder's other entries. Listing the articles folder too would cost
    /// serve tens of milliseconds per claims edit on a big site.
    pub(crate) fn discover_claims(root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        Self::discover_claims_in(&Project::new(root), root)
    }

    fn discover_claims_in(project: &Project, root: &Path) -> (Vec<PathBuf>, Vec<ListingProblem>) {
        let content = root.join("content");
        let mut claims = Vec::new();
        let main = content.join("claims.toml");
        // Whatever it is: reading it says what is wrong with it.
        if std::fs::symlink_metadata(&main).is_ok() {
            claims.push(main);
        }
        let more = project.list(
            &content.join("claims"),
            Some("toml"),
            "claims files",
            &[],
            &is_editor_temp,
        );
        claims.extend(more.files);
        (claims, more.problems)
    }

    /// The listing problems as diagnostics.
    pub(crate) fn diagnostics(&self) -> Diagnostics {
        listing_diagnostics(&self.problems)
    }
}

/// Listing problems as diagnostics.
pub(crate) fn listing_diagnostics(problems: &[ListingProblem]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for p in problems {
        let mut d = if p.error {
            Diagnostic::error(p.message.clone())
        } else {
            Diagnostic::warning(p.message.clone())
        };
        if let Some(h) = &p.help {
            d = d.help(h.clone());
        }
        diags.push(d);
    }
    diags
}

/// Path relative to the root, `/`-separated, for messages.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a file as UTF-8 text, accepting a BOM and CRLF line endings and
/// dropping characters HTML forbids (with a warning naming the line).
/// The file must pass [`crate::input`]'s rule (a regular file, links only
/// within the project).
pub(crate) fn read_source(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    read_source_in(&Project::new(root), path, false, diags)
}

/// [`read_source`] for a file of a folder already listed (so known to be
/// inside the project), with the project resolved once.
pub(crate) fn read_source_in(
    project: &Project,
    path: &Path,
    listed: bool,
    diags: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    let bytes = match project.read(path, listed) {
        Ok(b) => b,
        Err(e) => {
            diags.push(input_diagnostic(&e));
            return None;
        }
    };
    source_from_bytes(project.name(path), bytes, diags)
}

/// A file that may not be read, as an error. It has no excerpt: the file
/// may be anything (a device, a file outside the project).
pub(crate) fn input_diagnostic(e: &InputError) -> Diagnostic {
    let d = Diagnostic::error(e.to_string());
    match e.help() {
        Some(h) => d.help(h),
        None => d,
    }
}

pub fn source_from_bytes(
    name: String,
    bytes: Vec<u8>,
    diags: &mut Diagnostics,
) -> Option<Arc<SourceFile>> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            diags.push(
                Diagnostic::error(format!(
                    "{name} is not valid UTF-8: invalid byte 0x{:02X} at byte offset {offset} (line {line})",
                    bytes[offset]
                ))
                .help("save the file as UTF-8"),
            );
            return None;
        }
    };
    if !may_need_cleaning(text.as_bytes()) {
        return Some(SourceFile::new(name, text));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut clean = String::with_capacity(text.len());
    let mut dropped: BTreeMap<usize, usize> = BTreeMap::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c == '\n' {
            line += 1;
        }
        if is_forbidden_char(c) {
            *dropped.entry(line).or_default() += 1;
            continue;
        }
        clean.push(c);
    }
    let file = SourceFile::new(name, clean);
    for (line, count) in dropped {
        let start = line_start(&file.text, line);
        diags.push(
            Diagnostic::warning(format!(
                "dropped {count} control or non-character code point(s) on line {line}: HTML forbids them"
            ))
            .at(&file, start..start),
        );
    }
    Some(file)
}

/// False when no byte of `b` could need work in [`source_from_bytes`]:
/// tab, newline and printable ASCII; continuation bytes; lead bytes C3–EE,
/// and C2 before A0–BF (U+00A0–U+00BF, `£`, no-break space…). Everything
/// else takes the careful path: CR, other C0 controls and DEL; C2 before
/// 80–9F (C1 controls); EF (the BOM, U+FDD0–FDEF, U+FFFE/FFFF); F0–F4 (the
/// other noncharacters).
pub(super) fn may_need_cleaning(b: &[u8]) -> bool {
    // Most of a file is printable ASCII and line breaks: such 32-byte
    // chunks are skipped whole (the fold, with no early exit, compiles to
    // SIMD); the others are looked at byte by byte.
    const CHUNK: usize = 32;
    let plain = |chunk: &[u8]| {
        chunk.iter().fold(true, |ok, &c| {
            ok & ((c.wrapping_sub(0x20) < 0x5f) | (c == b'\n') | (c == b'\t'))
        })
    };
    let mut i = 0;
    while i < b.len() {
        if i + CHUNK <= b.len() && plain(&b[i..i + CHUNK]) {
            i += CHUNK;
            continue;
        }
        let end = (i + CHUNK).min(b.len());
        while i < end {
            match b[i] {
                b'\t' | b'\n' | 0x20..=0x7e | 0x80..=0xc1 | 0xc3..=0xee => {}
                0xc2 if b.get(i + 1).is_some_and(|&next| next >= 0xa0) => {}
                _ => return true,
            }
            i += 1;
        }
    }
    false
}

fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// C0 controls other than tab and line breaks, DEL, C1 controls and
/// Unicode noncharacters: none may appear in an HTML document.
pub fn is_forbidden_char(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&u)
        || (0xfdd0..=0xfdef).contains(&u)
        || (u & 0xfffe) == 0xfffe
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::content::parse_article;

    #[test]
    fn forbidden_chars_are_dropped_with_a_warning_naming_the_line() {
        let mut d = Diagnostics::default();
        let f =
            source_from_bytes("a.md".into(), b"ok\nbad\x07bell\x7f\n".to_vec(), &mut d).unwrap();
        assert_eq!(&*f.text, "ok\nbadbell\n");
        let w = d.iter().next().unwrap();
        assert!(!w.is_error());
        assert_eq!(w.location().unwrap(), "a.md:2:1");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let mut d = Diagnostics::default();
        let f = source_from_bytes(
            "content/articles/a.md".into(),
            b"\xEF\xBB\xBF+++\r\ntitle = \"T\"\r\noutlet = \"O\"\r\n+++\r\nBody.\r\n".to_vec(),
            &mut d,
        )
        .unwrap();
        let a = parse_article(f, &mut d).unwrap();
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(a.title, "T");
        assert_eq!(&*a.body, "Body.\n");
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let mut d = Diagnostics::default();
        assert!(source_from_bytes("x.md".into(), b"abc\n\xffdef".to_vec(), &mut d).is_none());
        let msg = &d.iter().next().unwrap().message;
        assert!(
            msg.contains("x.md") && msg.contains("byte offset 4") && msg.contains("line 2"),
            "{msg}"
        );
    }

    #[test]
    fn fast_path_only_skips_text_the_careful_path_keeps() {
        // Every character from U+0000 to U+FFFF (and some beyond), alone
        // and in text: when the fast check says "nothing to do", nothing
        // must be dropped or changed.
        let chars = (0u32..0x11000).chain([0x1fffe, 0x1ffff, 0x10fffe, 0x10ffff]);
        for c in chars.filter_map(char::from_u32) {
            let text = format!("a{c}b\n");
            if !may_need_cleaning(text.as_bytes()) {
                assert!(
                    !is_forbidden_char(c) && c != '\r' && c != '\u{feff}',
                    "{:#x}",
                    c as u32
                );
            }
        }
        // The same at every position of a long line, across the 32-byte
        // chunks the fast check skips whole.
        for c in [
            '\r',
            '\u{0}',
            '\u{7f}',
            '\u{85}',
            '\u{feff}',
            '\u{fdd0}',
            '\u{1ffff}',
        ] {
            for at in 0..80 {
                let text = format!("{}{c}{}\n", "x".repeat(at), "y".repeat(80 - at));
                assert!(
                    may_need_cleaning(text.as_bytes()),
                    "{:#x} at {at}",
                    c as u32
                );
            }
        }
        let mut d = Diagnostics::default();
        let f = source_from_bytes("x".into(), "£1 café “q” — x\n".into(), &mut d).unwrap();
        assert_eq!(&*f.text, "£1 café “q” — x\n");
        assert!(d.is_empty());
    }

    #[test]
    fn forbidden_char_test_covers_noncharacters() {
        assert!(is_forbidden_char('\u{0}'));
        assert!(is_forbidden_char('\u{fffe}'));
        assert!(is_forbidden_char('\u{1ffff}'));
        assert!(is_forbidden_char('\u{fdd0}'));
        assert!(!is_forbidden_char('\t'));
        assert!(!is_forbidden_char('é'));
    }
}
