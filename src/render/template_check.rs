//! Static checks of a project's templates before Tera renders anything.
//!
//! Tera has no depth limit: a template that includes itself, an
//! `extends`/`include` loop, a macro file that imports itself, or a macro
//! that calls itself (directly or through other macros) recurses until the
//! stack overflows, and a stack overflow aborts the process — `build`,
//! `check` and a running `serve` die with SIGABRT, nothing can catch it.
//! So the include, extends, import and macro-call graph of the loaded
//! templates is checked for cycles first, and any cycle is a template
//! error naming the file and line of the tag that closes it. Templates
//! may not recurse, even with a condition that would end the recursion:
//! whether it ends depends on the data, and the data is untrusted.
//!
//! Deeply nested template text is refused too (see [`MAX_NESTING`]): Tera's
//! parser and renderer recurse once per level of `{% if %}`, `{% for %}`,
//! `{% block %}` and parentheses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use tera::ast::{Expr, ExprVal, Node};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// How deeply tags and brackets may nest in one template. The built-in
/// templates nest 6 deep; Tera's parser overflows a 2 MB thread stack
/// (serve's builder thread) at a few thousand levels.
pub(crate) const MAX_NESTING: usize = 64;

/// Something that renders: a template, or a macro of a template file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Unit {
    Template(String),
    Macro { file: String, name: String },
}

impl Unit {
    fn describe(&self) -> String {
        match self {
            Unit::Template(t) => format!("`{t}`"),
            Unit::Macro { file, name } => format!("macro `{name}` of `{file}`"),
        }
    }

    fn file(&self) -> &str {
        match self {
            Unit::Template(t) => t,
            Unit::Macro { file, .. } => file,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Includes,
    Extends,
    Imports,
    Calls,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Includes => "includes",
            Verb::Extends => "extends",
            Verb::Imports => "imports",
            Verb::Calls => "calls",
        }
    }
}

#[derive(Debug, Clone)]
struct Edge {
    to: Unit,
    verb: Verb,
    /// Byte span of the tag or call in the source file of `from`.
    span: std::ops::Range<usize>,
}

/// Checks the parsed templates (`name → (source, parsed)`); every
/// problem is an error diagnostic.
pub(crate) fn check(
    templates: &BTreeMap<String, (Arc<SourceFile>, tera::Template)>,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    // Imports first, alone: Tera loads a template's macros by following its
    // imports recursively, so an import loop overflows the stack before a
    // single tag renders.
    let mut imports: BTreeMap<Unit, Vec<Edge>> = BTreeMap::new();
    for (name, (file, t)) in templates {
        let edges = t
            .imported_macro_files
            .iter()
            .filter(|(f, _)| templates.contains_key(f))
            .map(|(f, _)| Edge {
                to: Unit::Template(f.clone()),
                verb: Verb::Imports,
                span: find_tag(&file.text, "import", f, 0).unwrap_or(0..0),
            })
            .collect();
        imports.insert(Unit::Template(name.clone()), edges);
    }
    report_cycles(&imports, templates, &mut diags);
    if diags.has_errors() {
        return diags;
    }
    let namespaces = Namespaces::new(templates);
    let mut graph: BTreeMap<Unit, Vec<Edge>> = BTreeMap::new();
    for (name, (file, t)) in templates {
        let text = &file.text;
        let mut edges = Vec::new();
        if let Some(parent) = t.parent.as_ref().filter(|p| templates.contains_key(*p)) {
            edges.push(Edge {
                to: Unit::Template(parent.clone()),
                verb: Verb::Extends,
                span: find_tag(text, "extends", parent, 0).unwrap_or(0..0),
            });
        }
        let context = Context {
            file: name,
            text,
            from: 0,
            templates,
            namespaces: &namespaces,
        };
        walk(&t.ast, &context, &mut edges);
        graph.insert(Unit::Template(name.clone()), edges);
        for (m, def) in &t.macros {
            let from = find_macro_definition(text, m).unwrap_or(0);
            let context = Context { from, ..context };
            let mut edges = Vec::new();
            walk(&def.body, &context, &mut edges);
            graph.insert(
                Unit::Macro {
                    file: name.clone(),
                    name: m.clone(),
                },
                edges,
            );
        }
    }
    report_cycles(&graph, templates, &mut diags);
    diags
}

/// Refuses templates nested deeper than [`MAX_NESTING`], before Tera's
/// parser (which recurses per level) sees them. Counts `{% if %}`,
/// `{% for %}`, `{% block %}`, `{% macro %}` and `{% filter %}` against
/// their `end` tags, plus brackets inside each tag.
pub(crate) fn check_nesting(file: &Arc<SourceFile>) -> Option<Diagnostic> {
    let text = &file.text;
    let bytes = text.as_bytes();
    let mut blocks = 0usize;
    let mut i = 0;
    while let Some(at) = memchr::memmem::find(&bytes[i..], b"{").map(|p| p + i) {
        let Some(&kind) = bytes.get(at + 1) else {
            break;
        };
        let close: &[u8] = match kind {
            b'%' => b"%}",
            b'{' => b"}}",
            b'#' => b"#}",
            _ => {
                i = at + 1;
                continue;
            }
        };
        let body_start = at + 2;
        let end = memchr::memmem::find(&bytes[body_start..], close)
            .map_or(bytes.len(), |p| p + body_start);
        let body = &text[body_start..end];
        i = (end + 2).min(bytes.len());
        if kind == b'#' {
            continue;
        }
        let word = body
            .trim_start_matches('-')
            .trim_start()
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        if kind == b'%' {
            match word {
                "if" | "for" | "block" | "macro" | "filter" => blocks += 1,
                "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => {
                    blocks = blocks.saturating_sub(1)
                }
                // Nothing inside `{% raw %}` is a tag: skip to its end.
                "raw" => match text[i..].find("endraw") {
                    Some(p) => i += p,
                    None => break,
                },
                _ => {}
            }
        }
        let mut depth = 0usize;
        let mut deepest = 0usize;
        let mut quote = None;
        for c in body.bytes() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'' | b'`') => quote = Some(c),
                (None, b'(' | b'[') => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                (None, b')' | b']') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if blocks + deepest > MAX_NESTING {
            return Some(
                Diagnostic::error(format!(
                    "template error in {}: tags nest more than {MAX_NESTING} levels deep",
                    file.name
                ))
                .at(file, at..(at + 2).min(text.len()))
                .label(format!("level {} here", blocks + deepest))
                .help("split the template into includes or macros"),
            );
        }
    }
    None
}

/// Which file each macro namespace names, per template, as Tera resolves
/// them: `self`, the template's imports, what those import, and what its
/// parents see.
struct Namespaces {
    by_template: HashMap<String, HashMap<String, String>>,
    /// Every file some template knows under each namespace: a call in an
    /// included template or a block is resolved in the namespaces of the
    /// template being rendered, which may be any of them.
    anywhere: HashMap<String, BTreeSet<String>>,
}

impl Namespaces {
    /// Import loops have been refused already; extends loops are cut.
    fn new(templates: &BTreeMap<String, (Arc<SourceFile>, tera::Template)>) -> Namespaces {
        let mut by_template: HashMap<String, HashMap<String, String>> = HashMap::new();
        // Resolved leaves first: a template's map needs those of its
        // imports and parents. Iterating to a fixed point keeps it simple
        // (there are a handful of templates).
        let mut changed = true;
        let mut rounds = 0;
        while changed && rounds <= templates.len() + 1 {
            changed = false;
            rounds += 1;
            for (name, (_, t)) in templates {
                let mut map: HashMap<String, String> = HashMap::new();
                if !t.macros.is_empty() {
                    map.insert("self".into(), name.clone());
                }
                for (file, ns) in &t.imported_macro_files {
                    map.insert(ns.clone(), file.clone());
                    if let Some(theirs) = by_template.get(file) {
                        for (n, f) in theirs {
                            map.entry(n.clone()).or_insert_with(|| f.clone());
                        }
                    }
                }
                let mut parent = t.parent.clone();
                let mut seen = BTreeSet::new();
                while let Some(p) = parent.filter(|p| seen.insert(p.clone())) {
                    if let Some(theirs) = by_template.get(&p) {
                        for (n, f) in theirs {
                            map.entry(n.clone()).or_insert_with(|| f.clone());
                        }
                    }
                    parent = templates.get(&p).and_then(|(_, t)| t.parent.clone());
                }
                if by_template.get(name) != Some(&map) {
                    by_template.insert(name.clone(), map);
                    changed = true;
                }
            }
        }
        let mut anywhere: HashMap<String, BTreeSet<String>> = HashMap::new();
        for map in by_template.values() {
            for (n, f) in map {
                anywhere.entry(n.clone()).or_default().insert(f.clone());
            }
        }
        Namespaces {
            by_template,
            anywhere,
        }
    }

    /// The files a call `namespace::name` in `file` may reach.
    fn resolve(&self, file: &str, namespace: &str) -> Vec<String> {
        if let Some(f) = self.by_template.get(file).and_then(|m| m.get(namespace)) {
            return vec![f.clone()];
        }
        let mut files: Vec<String> = self
            .anywhere
            .get(namespace)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        if namespace == "self" {
            files.push(file.to_string());
        }
        files
    }
}

#[derive(Clone, Copy)]
struct Context<'a> {
    /// The template file the nodes are in.
    file: &'a str,
    text: &'a str,
    /// Where in `text` to look for a call's position: the macro's
    /// definition, or the start of the file.
    from: usize,
    templates: &'a BTreeMap<String, (Arc<SourceFile>, tera::Template)>,
    namespaces: &'a Namespaces,
}

/// The edges out of `nodes`: includes and macro calls, anywhere in them
/// (blocks, loops, conditions, filter sections, expressions). Macro
/// definitions are their own units and are skipped. Iterative, so a deep
/// tree cannot overflow the stack here either.
fn walk(nodes: &[Node], cx: &Context<'_>, edges: &mut Vec<Edge>) {
    let mut stack: Vec<&Node> = nodes.iter().rev().collect();
    let mut exprs: Vec<&Expr> = Vec::new();
    while let Some(node) = stack.pop() {
        match node {
            Node::Include(_, names, _) => {
                // Tera renders the first of the names that exists.
                if let Some(n) = names.iter().find(|n| cx.templates.contains_key(*n)) {
                    edges.push(Edge {
                        to: Unit::Template(n.clone()),
                        verb: Verb::Includes,
                        span: find_tag(cx.text, "include", n, 0).unwrap_or(0..0),
                    });
                }
            }
            Node::VariableBlock(_, e) => exprs.push(e),
            Node::Set(_, set) => exprs.push(&set.value),
            Node::FilterSection(_, fs, _) => {
                exprs.extend(fs.filter.args.values());
                stack.extend(fs.body.iter().rev());
            }
            Node::Block(_, block, _) => stack.extend(block.body.iter().rev()),
            Node::Forloop(_, f, _) => {
                exprs.push(&f.container);
                stack.extend(f.body.iter().rev());
                if let Some(body) = &f.empty_body {
                    stack.extend(body.iter().rev());
                }
            }
            Node::If(cond, _) => {
                for (_, e, body) in &cond.conditions {
                    exprs.push(e);
                    stack.extend(body.iter().rev());
                }
                if let Some((_, body)) = &cond.otherwise {
                    stack.extend(body.iter().rev());
                }
            }
            Node::MacroDefinition(..)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Super
            | Node::Text(_)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
        while let Some(e) = exprs.pop() {
            exprs.extend(e.filters.iter().flat_map(|f| f.args.values()));
            let mut vals: Vec<&ExprVal> = vec![&e.val];
            while let Some(v) = vals.pop() {
                match v {
                    ExprVal::Math(m) => exprs.extend([&*m.lhs, &*m.rhs]),
                    ExprVal::Logic(l) => exprs.extend([&*l.lhs, &*l.rhs]),
                    ExprVal::In(i) => exprs.extend([&*i.lhs, &*i.rhs]),
                    ExprVal::Test(t) => exprs.extend(t.args.iter()),
                    ExprVal::FunctionCall(f) => exprs.extend(f.args.values()),
                    ExprVal::Array(items) => exprs.extend(items.iter()),
                    ExprVal::StringConcat(s) => vals.extend(s.values.iter()),
                    ExprVal::MacroCall(call) => {
                        exprs.extend(call.args.values());
                        let span = find_call(cx.text, cx.from, &call.namespace, &call.name)
                            .unwrap_or(0..0);
                        for file in cx.namespaces.resolve(cx.file, &call.namespace) {
                            let defined = cx
                                .templates
                                .get(&file)
                                .is_some_and(|(_, t)| t.macros.contains_key(&call.name));
                            if defined {
                                edges.push(Edge {
                                    to: Unit::Macro {
                                        file,
                                        name: call.name.clone(),
                                    },
                                    verb: Verb::Calls,
                                    span: span.clone(),
                                });
                            }
                        }
                    }
                    ExprVal::String(_)
                    | ExprVal::Int(_)
                    | ExprVal::Float(_)
                    | ExprVal::Bool(_)
                    | ExprVal::Ident(_) => {}
                }
            }
        }
    }
}

/// One error per strongly connected part of `graph` that holds a cycle,
/// naming the cycle and pointing at the tag of its first step.
fn report_cycles(
    graph: &BTreeMap<Unit, Vec<Edge>>,
    templates: &BTreeMap<String, (Arc<SourceFile>, tera::Template)>,
    diags: &mut Diagnostics,
) {
    for component in strongly_connected(graph) {
        let set: BTreeSet<&Unit> = component.iter().collect();
        // The smallest unit of the part, so the report is stable.
        let start = *set.iter().next().expect("components are not empty");
        let Some(path) = cycle_through(graph, start, &set) else {
            continue;
        };
        let mut words = start.describe();
        for (i, e) in path.iter().enumerate() {
            let which = if i == 0 { " " } else { ", which " };
            let target = if e.to == *start && i > 0 {
                start.describe()
            } else if e.to == *start {
                "itself".to_string()
            } else {
                e.to.describe()
            };
            words.push_str(&format!("{which}{} {target}", e.verb.as_str()));
        }
        let first = &path[0];
        let mut d = Diagnostic::error(format!("template recursion: {words}"))
            .help("templates may not recurse (Tera has no depth limit, so the loop would never end): write the levels out instead");
        if let Some((file, _)) = templates.get(start.file()) {
            d = if first.span.is_empty() {
                d.in_file(file)
            } else {
                d.at(file, first.span.clone()).label(format!(
                    "{} {}",
                    first.verb.as_str(),
                    first.to.describe()
                ))
            };
        }
        diags.push(d);
    }
}

/// A shortest cycle from `start` back to it inside `within`, as edges.
fn cycle_through<'g>(
    graph: &'g BTreeMap<Unit, Vec<Edge>>,
    start: &'g Unit,
    within: &BTreeSet<&Unit>,
) -> Option<Vec<&'g Edge>> {
    // How each unit was first reached: from which unit, by which edge.
    let mut reached: HashMap<&'g Unit, (&'g Unit, &'g Edge)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        for e in graph.get(u).into_iter().flatten() {
            if e.to == *start {
                let mut path = vec![e];
                let mut at = u;
                while at != start {
                    let (from, edge) = reached[at];
                    path.push(edge);
                    at = from;
                }
                path.reverse();
                return Some(path);
            }
            if within.contains(&e.to) && !reached.contains_key(&e.to) {
                reached.insert(&e.to, (u, e));
                queue.push_back(&e.to);
            }
        }
    }
    None
}

/// Tarjan's strongly connected components, iteratively; only those with
/// a cycle (more than one unit, or a unit with an edge to itself).
fn strongly_connected(graph: &BTreeMap<Unit, Vec<Edge>>) -> Vec<Vec<Unit>> {
    let units: Vec<&Unit> = graph.keys().collect();
    let index_of: HashMap<&Unit, usize> = units.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let succ: Vec<Vec<usize>> = units
        .iter()
        .map(|u| {
            graph[*u]
                .iter()
                .filter_map(|e| index_of.get(&e.to).copied())
                .collect()
        })
        .collect();
    let n = units.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (unit, next successor to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i < succ[v].len() {
                let w = succ[v][*i];
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let cyclic = component.len() > 1 || succ[v].contains(&v);
                if cyclic {
                    out.push(component.into_iter().map(|i| units[i].clone()).collect());
                }
            }
        }
    }
    out
}

/// The span of the first `{% KEYWORD … "name" … %}` tag at or after
/// `from`.
fn find_tag(text: &str, keyword: &str, name: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let mut at = from;
    while let Some(p) = text.get(at..)?.find("{%") {
        let start = at + p;
        at = start + 2;
        let end = text[at..].find("%}").map_or(text.len(), |e| at + e + 2);
        let inner = &text[at..end.saturating_sub(2).max(at)];
        let Some(args) = inner
            .trim_start_matches('-')
            .trim_start()
            .strip_prefix(keyword)
        else {
            continue;
        };
        let quoted = ['"', '\'', '`']
            .iter()
            .any(|q| args.contains(&format!("{q}{name}{q}")));
        if quoted {
            return Some(start..end);
        }
    }
    None
}

fn find_macro_definition(text: &str, name: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(p) = text.get(at..)?.find("{%") {
        let start = at + p;
        let rest = text[start + 2..].trim_start_matches('-').trim_start();
        if let Some(args) = rest.strip_prefix("macro") {
            let args = args.trim_start();
            if args
                .strip_prefix(name)
                .is_some_and(|r| r.trim_start().starts_with('('))
            {
                return Some(start);
            }
        }
        at = start + 2;
    }
    None
}

/// The span of the first call `namespace::name` at or after `from` (else
/// anywhere in the file).
fn find_call(
    text: &str,
    from: usize,
    namespace: &str,
    name: &str,
) -> Option<std::ops::Range<usize>> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let search = |from: usize| {
        let mut at = from;
        while let Some(p) = text.get(at..)?.find("::") {
            let colons = at + p;
            at = colons + 2;
            let before = text[..colons].trim_end();
            let after = text[colons + 2..].trim_start();
            let ns_start = before
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_ident(*c))
                .last()
                .map(|(i, _)| i);
            let Some(ns_start) = ns_start else { continue };
            if &before[ns_start..] != namespace {
                continue;
            }
            let name_len = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
            if &after[..name_len] == name {
                let end = text.len() - after.len() + name_len;
                return Some(ns_start..end);
            }
        }
        None
    };
    search(from).or_else(|| search(0))
}
