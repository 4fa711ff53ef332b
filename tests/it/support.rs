//! What the tests share: a project in a temporary folder to change and
//! build, running the real binary, and reading what it wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crosscheck::output::Page;
use crosscheck::pipeline::site::{BuildOptions, Site};
use crosscheck::render::{self, Renderer};
use scraper::{Html, Selector};
use serde_json::Value;

/// The debug binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_crosscheck");

/// The binary to time or to kill: CROSSCHECK_BIN when set (.ci/run passes
/// the release build), else [`BIN`].
pub fn bin_under_test() -> PathBuf {
    std::env::var_os("CROSSCHECK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(BIN))
}

/// The repository: its `content/` is the example project.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A folder of `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A project in a temporary folder, removed when dropped.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// An empty folder. Its name is not hidden (tempfile's default is
    /// `.tmp…`): `serve` ignores changes under hidden folders, as it does
    /// an editor's temporary files.
    pub fn empty() -> Project {
        let dir = tempfile::Builder::new()
            .prefix("crosscheck-test-")
            .tempdir()
            .unwrap();
        Project { dir }
    }

    /// A copy of the fixture `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Project {
        Project::copy_of(&fixture(name))
    }

    /// A copy of the folder `from`.
    pub fn copy_of(from: &Path) -> Project {
        let p = Project::empty();
        copy_dir(from, p.path());
        p
    }

    /// A project made by `crosscheck init`, as a user would start.
    pub fn init() -> Project {
        let p = Project::empty();
        let out = run(&["init", p.path().to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        p
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `rel`, making its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        write(self.path(), rel, contents);
    }

    /// Replaces `from` with `to` in `rel`; see [`replace_in_file`].
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        replace_in_file(&self.path().join(rel), from, to);
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }
}

/// Writes `root/rel`, making its folders.
pub fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Copies the folder `from` into `to`, which may exist.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The binary, with colour off so its output can be compared.
pub fn crosscheck() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("NO_COLOR", "1");
    cmd
}

pub fn run(args: &[&str]) -> Output {
    crosscheck().args(args).output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn build(root: &Path, out: &Path) -> Output {
    run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

pub fn check(root: &Path) -> Output {
    run(&["check", "--root", root.to_str().unwrap()])
}

/// The fixture `name` built into a temporary folder: the folder, and the
/// site in it.
pub fn built(name: &str) -> (Project, PathBuf) {
    let p = Project::empty();
    let out = p.path().join("site");
    let o = build(&fixture(name), &out);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    (p, out)
}

/// Every file of a folder: relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Replaces the first `from` with `to` in the file at `path`, as an
/// editor's save would. Panics if `from` is not there, so an edit that
/// silently matches nothing cannot make a test pass for the wrong reason.
pub fn replace_in_file(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Compiles a project in this process, through the front door as the
/// commands do; it must have no errors.
pub fn compile(root: &Path) -> Site {
    let (site, diags) = compile_with(root, BuildOptions::default());
    assert!(!diags.has_errors(), "{}", diags.render(false));
    site.expect("the project compiles")
}

/// Compiles a project in this process, through the front door, with
/// `options`: the site (when it compiles) and every problem found.
pub fn compile_with(root: &Path, options: BuildOptions) -> (Option<Site>, crosscheck::Diagnostics) {
    crosscheck::Project::open(root)
        .unwrap_or_else(|e| panic!("{e}"))
        .compile(options)
}

/// Renders a compiled site in this process: page path → bytes.
pub fn render(site: &Site, root: &Path) -> BTreeMap<String, Vec<u8>> {
    let renderer = Renderer::new(root).unwrap_or_else(|d| panic!("{}", d.render(false)));
    render::render_site(site, &renderer)
        .unwrap_or_else(|d| panic!("{}", d.render(false)))
        .into_iter()
        .map(|Page { path, bytes }| (path, bytes))
        .collect()
}

/// The example site, with `base_url` replaced when given, and its pages.
pub fn example(base: Option<&str>) -> (Site, BTreeMap<String, Vec<u8>>) {
    let mut site = compile(repo());
    if let Some(b) = base {
        site.config.base_url = b.to_string();
    }
    let pages = render(&site, repo());
    (site, pages)
}

/// A rendered page as text.
pub fn text(pages: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        pages
            .get(path)
            .unwrap_or_else(|| panic!("{path} not written"))
            .clone(),
    )
    .unwrap()
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// A page of a built site, parsed.
pub fn page(out: &Path, rel: &str) -> Html {
    Html::parse_document(&std::fs::read_to_string(out.join(rel)).unwrap())
}

/// A built site's `data.json`.
pub fn data(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("data.json")).unwrap()).unwrap()
}

/// FORMAT.md's matching rules, for asserting that text contains a quote.
pub fn normalize(s: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.push(match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
            '\u{2010}'..='\u{2015}' => '-',
            c => c,
        });
    }
    out
}

/// An article's statements, from the file `data.json` names in its
/// `statements_url`.
pub fn statements_of(out: &Path, article: &serde_json::Value) -> Vec<serde_json::Value> {
    let url = article["statements_url"]
        .as_str()
        .expect("every article names its statements file");
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(url)).unwrap()).unwrap();
    file["statements"].as_array().unwrap().clone()
}
