//! Problems found in a project, as data. Every stage pushes into one
//! [`Diagnostics`] so a run reports *all* problems at once; rendering for
//! people (caret excerpts) goes through miette.

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

/// One input file as read, kept so diagnostics can quote it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators.
    pub name: String,
    pub text: String,
    /// Offsets of the `\n`s, for [`SourceFile::line_col`]; built on first use.
    newlines: OnceLock<Vec<usize>>,
    /// Where each line starts as miette counts lines (`\n`, `\r` and `\r\n`
    /// each end one), for excerpts; built on first use.
    excerpt_lines: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            newlines: OnceLock::new(),
            excerpt_lines: OnceLock::new(),
        })
    }

    /// Frees the text (see [`crate::pipeline::content::Article::release_text`]); the
    /// file reads as empty from then on.
    pub(crate) fn release_text(&mut self) {
        self.text = String::new();
        // The line indexes described the text.
        self.newlines.take();
        self.excerpt_lines.take();
    }

    /// 1-based line and column (in characters) of a byte offset.
    ///
    /// Looked up in an index of the file's lines rather than counted from the
    /// start: a check of a big claims file reports hundreds of problems, and
    /// counting from the start for each made reporting quadratic.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let newlines = self
            .newlines
            .get_or_init(|| memchr::memchr_iter(b'\n', self.text.as_bytes()).collect());
        let line = newlines.partition_point(|&p| p < offset);
        let line_start = if line == 0 { 0 } else { newlines[line - 1] + 1 };
        let col = self.text[line_start..offset].chars().count() + 1;
        (line + 1, col)
    }

    fn excerpt_lines(&self) -> &[usize] {
        self.excerpt_lines.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut starts = vec![0];
            let mut at = 0;
            while let Some(i) = memchr::memchr2(b'\n', b'\r', &bytes[at..]) {
                let mut next = at + i + 1;
                if bytes[at + i] == b'\r' && bytes.get(next) == Some(&b'\n') {
                    next += 1;
                }
                starts.push(next);
                at = next;
            }
            starts
        })
    }
}

/// miette reads an excerpt by scanning the text from its first byte to the
/// span, so each excerpt of a 5 MB claims file cost milliseconds and a
/// check reporting hundreds of problems took seconds. This starts the same
/// scan at the first line the excerpt shows, found in the line index, and
/// shifts the result back: the same excerpt, in time proportional to it.
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let starts = self.excerpt_lines();
        let line = starts
            .partition_point(|&s| s <= span.offset())
            .saturating_sub(1);
        // One line more than the excerpt shows: miette's scan treats a span
        // at offset 0 specially, so the window must not start at the span.
        let first = line.saturating_sub(context_lines_before + 1);
        let base = starts[first];
        let window = &self.text.as_bytes()[base..];
        let shifted = SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub file: Option<Arc<SourceFile>>,
    pub span: Option<Range<usize>>,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            help: None,
        }
    }

    pub(crate) fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at `span` (bytes) of `file`.
    pub(crate) fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        let len = file.text.len();
        let start = floor_char_boundary(&file.text, span.start.min(len));
        let end = floor_char_boundary(&file.text, span.end.clamp(start, len));
        self.file = Some(file.clone());
        self.span = Some(start..end);
        self
    }

    pub(crate) fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.file = Some(file.clone());
        self
    }

    pub(crate) fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, `file`, or nothing: the short location people grep for.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match &self.span {
            Some(span) => {
                let (line, col) = file.line_col(span.start);
                format!("{}:{line}:{col}", file.name)
            }
            None => file.name.clone(),
        })
    }

    /// Renders with a caret excerpt; `color` for terminals that want it.
    pub(crate) fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(120)
            .with_links(false);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = self.to_string();
        }
        // The excerpt header names file:line:col, but only when there is a
        // span; say the location up front either way so it can be grepped.
        match self.location() {
            Some(loc) => format!("{loc}: {out}"),
            None => out,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.span.as_ref()?;
        self.file.as_ref().map(|f| &**f as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.as_ref()?;
        let label = LabeledSpan::new_primary_with_span(self.label.clone(), span.clone());
        Some(Box::new(std::iter::once(label)))
    }
}

/// Everything found so far, errors and warnings, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Adds each diagnostic of `more` unless one with its message is
    /// already here: a template error repeats on every page it fails on.
    pub(crate) fn extend_distinct(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        for d in more {
            if !self.items.iter().any(|x| x.message == d.message) {
                self.items.push(d);
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Errors first, then by file and position, so output is stable even
    /// when stages ran in parallel.
    pub(crate) fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| {
                    let fa = a.file.as_ref().map(|f| f.name.as_str());
                    let fb = b.file.as_ref().map(|f| f.name.as_str());
                    fa.cmp(&fb)
                })
                .then_with(|| {
                    let sa = a.span.as_ref().map(|s| s.start);
                    let sb = b.span.as_ref().map(|s| s.start);
                    sa.cmp(&sb)
                })
        });
    }

    /// All diagnostics rendered, separated by blank lines.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render(color));
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a.toml", "x = 1\ny = \"Türkiye\" z\n");
        let z = f.text.find('z').unwrap();
        assert_eq!(f.line_col(z), (2, 15));
        assert_eq!(f.line_col(0), (1, 1));
    }

    /// The excerpt read from the line index must be the one miette reads by
    /// scanning the whole text, for any text, span and context.
    fn assert_same_excerpt(text: &str, start: usize, len: usize, before: usize, after: usize) {
        let file = SourceFile::new("f.toml", text);
        let reference = miette::NamedSource::new("f.toml", text.to_string());
        let span = SourceSpan::new(start.into(), len);
        let ours = file.read_span(&span, before, after);
        let theirs = reference.read_span(&span, before, after);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                let show = |c: &dyn SpanContents<'_>| {
                    (
                        c.data().to_vec(),
                        *c.span(),
                        c.line(),
                        c.column(),
                        c.line_count(),
                        c.name().map(str::to_string),
                    )
                };
                assert_eq!(
                    show(&*a),
                    show(&*b),
                    "{text:?} {start}+{len} {before}/{after}"
                );
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!(
                "{text:?} {start}+{len}: ours {:?}, miette's {:?}",
                a.is_ok(),
                b.is_ok()
            ),
        }
    }

    #[test]
    fn excerpts_match_miettes_own_reading() {
        let text = "a = 1\r\nb = 2\rc = 3\n\n[[claim]]\nid = \"x\"\r\n\nlast";
        // Not past the end: there miette's own reading panics.
        for start in 0..=text.len() {
            for len in [0, 1, 3, 12] {
                for before in 0..4 {
                    for after in 0..4 {
                        assert_same_excerpt(text, start, len, before, after);
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn excerpts_match_miettes_own_reading_on_any_text(
            text in "[a\r\n=é ]{0,60}",
            start in 0usize..70,
            len in 0usize..20,
            before in 0usize..4,
            after in 0usize..4,
        ) {
            assert_same_excerpt(&text, start % (text.len() + 1), len, before, after);
        }

        #[test]
        fn line_col_matches_counting_from_the_start(text in "[a\r\né]{0,40}", offset in 0usize..50) {
            let file = SourceFile::new("f", text.as_str());
            let at = floor_char_boundary(&text, offset.min(text.len()));
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
            proptest::prop_assert_eq!(file.line_col(offset), (line, col));
        }
    }

    #[test]
    fn render_names_location_and_shows_excerpt() {
        let f = SourceFile::new(
            "content/claims.toml",
            "[[claim]]\nid = \"a\"\nverdict = \"maybe\"\n",
        );
        let start = f.text.find("\"maybe\"").unwrap();
        let d = Diagnostic::error("unknown verdict `maybe`")
            .at(&f, start..start + 7)
            .label("here")
            .help("allowed: accurate, inaccurate");
        let out = d.render(false);
        assert!(out.starts_with("content/claims.toml:3:11: "), "{out}");
        assert!(out.contains("verdict = \"maybe\""), "{out}");
        assert!(out.contains("allowed: accurate"), "{out}");
    }
}
