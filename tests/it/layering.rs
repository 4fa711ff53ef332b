//! The crate's floors: every module of `src/` has one, and no module
//! imports one on a higher floor, so the pipeline reads bottom to top and
//! no change to a page template or the preview reaches down into loading.
//! There are no import cycles between top-level modules either.
//!
//! Read from the source: every `crate::…` path in a file (in `use` trees,
//! grouped or not, and inline), outside comments and test-only code
//! (`#[cfg(test)]` items and the files of `#[cfg(test)] mod x;`), which
//! may use fixtures from anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (or a prefix of one: the longest listed prefix counts) and
/// its floor. A module may import its own floor and lower ones.
const FLOORS: &[(&str, u32)] = &[
    // Leaf helpers: they import nothing above them.
    ("text", 0),
    ("url", 0),
    ("diag", 0),
    ("input", 0),
    // The digest of what a build reads (through `input`'s rule).
    ("inputs", 0),
    ("term", 0),
    ("shallow_json", 0),
    ("stages", 0),
    ("host", 0),
    ("safe_markdown", 0),
    // The words pages show, per language: loading reads a project's
    // overrides, so it sits below content.
    ("i18n", 0),
    // Writing files into the site atomically; it knows nothing of pages.
    ("output", 0),
    // The pipeline, stage by stage: load, split into sentences (the
    // splitter and ids), the document a Markdown file becomes (built with
    // the splitter), quotes found in it, then what the quotes mean.
    ("pipeline::content", 1),
    ("pipeline::statements", 2),
    ("pipeline::document", 3),
    ("pipeline::anchor", 4),
    ("pipeline::assess", 5),
    ("pipeline::graph", 5),
    ("pipeline::findings", 5),
    ("claims", 5),
    ("pipeline::site", 6),
    // The folder the stages sit in; it only declares them.
    ("pipeline", 6),
    // What a compiled site is made into.
    ("markdown", 7),
    ("render::card", 7),
    ("render::feeds", 7),
    ("render::search", 7),
    ("render::annotations", 7),
    ("render", 8),
    // The front door, and what the commands share of it.
    ("project", 10),
    ("compiled", 10),
    // The commands.
    ("serve", 11),
    ("review", 11),
    ("suggest", 11),
    ("add", 11),
    ("init", 11),
    ("cli", 12),
    ("main", 13),
];

/// Imports that run up a floor or close a cycle today, each with why it
/// is still there. This list may only shrink.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn floor_of(module: &str) -> Option<(&'static str, u32)> {
    FLOORS
        .iter()
        .filter(|(name, _)| module == *name || module.starts_with(&format!("{name}::")))
        .max_by_key(|(name, _)| name.len())
        .map(|&(name, floor)| (name, floor))
}

/// `src/a/b.rs` → `a::b`; `src/a/mod.rs` → `a`; `src/lib.rs` → `None`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    (parts != ["lib"]).then(|| parts.join("::"))
}

/// The file's lines that are neither comments nor test-only, and the
/// names of its `#[cfg(test)] mod x;` children.
fn live_code(text: &str) -> (String, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut test_mods = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            i += 1;
            continue;
        }
        if trimmed.starts_with("#[cfg(test)]") {
            let indent = &line[..line.len() - trimmed.len()];
            // The item under the attribute (more attributes may follow).
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with("#[") {
                j += 1;
            }
            let item = lines.get(j).map_or("", |l| l.trim());
            if let Some(name) = item
                .strip_prefix("mod ")
                .or_else(|| item.strip_prefix("pub mod "))
                .or_else(|| item.strip_prefix("pub(crate) mod "))
                .and_then(|rest| rest.strip_suffix(';'))
            {
                test_mods.push(name.trim().to_string());
                i = j + 1;
                continue;
            }
            if item.ends_with(';') {
                i = j + 1;
                continue;
            }
            // A block item: skip to its closing brace at the same indent.
            let close = format!("{indent}}}");
            let mut k = j;
            while k < lines.len() && lines[k] != close && !lines[k].ends_with("{}") {
                k += 1;
            }
            i = k + 1;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    (out, test_mods)
}

/// Every path a `crate::` reference in `code` names, as segments.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `crosscheck::` or `my_crate::` is not this crate's `crate::`.
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let mut pos = from;
        use_tree(code, &mut pos, Vec::new(), &mut found);
    }
    found
}

/// Parses a use tree (or a plain path) at `pos`, pushing each leaf path
/// prefixed by `prefix`.
fn use_tree(code: &str, pos: &mut usize, prefix: Vec<String>, found: &mut Vec<Vec<String>>) {
    let bytes = code.as_bytes();
    let skip_space = |pos: &mut usize| {
        while *pos < bytes.len() && bytes[*pos].is_ascii_whitespace() {
            *pos += 1;
        }
    };
    let mut path = prefix;
    loop {
        skip_space(pos);
        if bytes.get(*pos) == Some(&b'{') {
            *pos += 1;
            loop {
                skip_space(pos);
                match bytes.get(*pos) {
                    Some(b'}') => {
                        *pos += 1;
                        return;
                    }
                    Some(b',') => *pos += 1,
                    None => return,
                    _ => {
                        let before = *pos;
                        use_tree(code, pos, path.clone(), found);
                        if *pos == before {
                            *pos += 1;
                        }
                    }
                }
            }
        }
        let start = *pos;
        while *pos < bytes.len() && (bytes[*pos].is_ascii_alphanumeric() || bytes[*pos] == b'_') {
            *pos += 1;
        }
        if *pos == start {
            break;
        }
        let name = &code[start..*pos];
        if name != "self" {
            path.push(name.to_string());
        }
        if code[*pos..].starts_with("::") {
            *pos += 2;
        } else {
            break;
        }
    }
    if !path.is_empty() {
        found.push(path);
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every import between modules: (from module, to module) → a line that
/// shows it.
fn imports() -> BTreeMap<(String, String), String> {
    imports_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn imports_in(src: &Path) -> BTreeMap<(String, String), String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    // Which files are test-only must be known before any file is read for
    // imports: `a/mod.rs` sorts after `a/b.rs`, the test-only child it
    // declares.
    let mut test_only: BTreeSet<PathBuf> = BTreeSet::new();
    let mut live = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let (code, test_mods) = live_code(&text);
        let dir = if file
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs" || n == "main.rs")
        {
            file.parent().unwrap().to_path_buf()
        } else {
            file.with_extension("")
        };
        for m in test_mods {
            test_only.insert(dir.join(format!("{m}.rs")));
            test_only.insert(dir.join(&m));
        }
        live.insert(file.clone(), code);
    }
    // A test-only module's own children (its folder) are test-only too.
    let is_test_only = |file: &Path| test_only.iter().any(|t| file == t || file.starts_with(t));
    let mut edges = BTreeMap::new();
    for file in &files {
        if is_test_only(file) {
            continue;
        }
        let code: &str = &live[file];
        let Some(from) = module_of(src, file) else {
            continue;
        };
        let mut paths = crate_paths(code);
        if from == "main" {
            // The binary names the library `crosscheck::`.
            paths.extend(code.match_indices("crosscheck::").flat_map(|(i, _)| {
                let mut pos = i + "crosscheck::".len();
                let mut found = Vec::new();
                use_tree(code, &mut pos, Vec::new(), &mut found);
                found
            }));
        }
        for path in paths {
            let joined = path.join("::");
            let to = match floor_of(&joined) {
                Some((name, _)) => name.to_string(),
                None => path[0].clone(),
            };
            let from_key = floor_of(&from).map_or(from.clone(), |(n, _)| n.to_string());
            if to == from_key {
                continue;
            }
            let line = code
                .lines()
                .find(|l| l.contains(&format!("crate::{}", path[0])))
                .unwrap_or("")
                .trim()
                .to_string();
            edges.entry((from.clone(), to)).or_insert(line);
        }
    }
    edges
}

fn excepted(from: &str, to: &str) -> bool {
    EXCEPTIONS
        .iter()
        .any(|&(f, t, _)| (from == f || from.starts_with(&format!("{f}::"))) && to == t)
}

#[test]
fn every_module_has_a_floor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter_map(|f| module_of(&src, f))
        .filter(|m| floor_of(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "give these modules a floor in FLOORS: {missing:?}"
    );
}

#[test]
fn no_module_imports_a_higher_floor() {
    let mut upward = Vec::new();
    for ((from, to), line) in imports() {
        let (Some((_, f)), Some((_, t))) = (floor_of(&from), floor_of(&to)) else {
            upward.push(format!("{from} -> {to}: no floor for one of them ({line})"));
            continue;
        };
        if t > f && !excepted(&from, &to) {
            upward.push(format!("{from} (floor {f}) -> {to} (floor {t}): {line}"));
        }
    }
    assert!(
        upward.is_empty(),
        "imports up a floor:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_cycles_between_modules() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in imports().into_keys() {
        if excepted(&from, &to) {
            continue;
        }
        // The modules FLOORS names: a stage under `pipeline::` is one
        // module, as a top-level one is.
        let named = |m: &str| floor_of(m).map_or_else(|| m.to_string(), |(n, _)| n.to_string());
        let (a, b) = (named(&from), named(&to));
        if a != b {
            graph.entry(a).or_default().insert(b);
        }
    }
    // A cycle exists when some module reaches itself.
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, trail)) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if next == start {
                    let mut trail = trail.clone();
                    trail.push(start.clone());
                    cycles.push(trail.join(" -> "));
                } else if seen.insert(next.clone()) {
                    let mut trail = trail.clone();
                    trail.push(next.clone());
                    stack.push((next.clone(), trail));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The reader sees through grouping and test code.
#[test]
fn the_reader_finds_grouped_inline_and_only_live_imports() {
    let code = "use crate::{a::{B, c::D}, e};\nfn f() { crate::g::h(); }\n";
    let mut paths = crate_paths(code);
    paths.sort();
    assert_eq!(
        paths,
        [
            vec!["a", "B"],
            vec!["a", "c", "D"],
            vec!["e"],
            vec!["g", "h"]
        ]
    );
    let (live, mods) = live_code(
        "use crate::a;\n// crate::b\n#[cfg(test)]\nmod reference;\n#[cfg(test)]\nmod tests {\n    use crate::c;\n}\nuse crate::d;\n",
    );
    assert_eq!(mods, ["reference"]);
    let mut names: Vec<String> = crate_paths(&live)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    names.sort();
    assert_eq!(names, ["a", "d"]);
}

#[test]
fn a_test_only_child_is_skipped_whatever_order_the_files_are_read_in() {
    // `serve/mod.rs` sorts after `serve/a_helpers.rs`, the test-only child it
    // declares; the child's imports (and its own children's) are not the
    // module's.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |rel: &str, text: &str| {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("lib.rs", "mod serve;\nmod cli;\n");
    write(
        "serve/mod.rs",
        "#[cfg(test)]\nmod a_helpers;\nuse crate::text;\n",
    );
    write("serve/a_helpers.rs", "use crate::cli;\nmod deeper;\n");
    write("serve/a_helpers/deeper.rs", "use crate::cli::main;\n");
    let edges = imports_in(src);
    assert!(
        edges.contains_key(&("serve".to_string(), "text".to_string())),
        "{edges:?}"
    );
    assert!(
        !edges.keys().any(|(_, to)| to == "cli"),
        "a test-only file's imports counted as live: {edges:?}"
    );
}
