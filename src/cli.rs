//! The command line: parse arguments, run a command, print for people.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand};

use crate::diag::Diagnostics;
use crate::output;
use crate::render::{self, Renderer};
use crate::site::{self, BuildOptions};
use crate::stages::StageClock;
use crate::term::{self, Paint, Term, Verbosity};

/// Exit codes, documented in the README.
pub mod exit {
    /// The content has errors (all of them were printed).
    pub const CONTENT: u8 = 1;
    /// Bad command-line usage (clap's convention).
    pub const USAGE: u8 = 2;
    /// The output could not be written, or another I/O failure.
    pub const IO: u8 = 3;
}

#[derive(Parser, Debug)]
#[command(
    name = "crosscheck",
    version,
    about = "Static-site generator for fact-checks: every statement linked to the sources that agree with it or contradict it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print errors only.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each output written and anything skipped.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into site/ (or --out); the previous site is replaced only when the build succeeds.
    Build {
        /// Project folder (holding content/ and optionally templates/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/site].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also publish claims that are not approved, marked as drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything, report all problems at once, and summarise coverage.
    Check {
        /// Project folder (holding content/ and optionally templates/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new fact-check project (site.toml, one article, one claim) that builds at once.
    Init {
        /// Folder to create it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Allow a folder that is not empty (existing files are never changed).
        #[arg(long)]
        force: bool,
    },
    /// Propose evidence the claims file lacks: likely claims for unlinked statements, statements that report the same fact across sources, and conflicts between them. Writes nothing.
    Suggest {
        /// Project folder (holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Only statements of this article.
        #[arg(long)]
        article: Option<String>,
        /// Claims proposed per statement.
        #[arg(long, default_value_t = 3)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::suggest::Format::Text)]
        format: crate::suggest::Format,
    },
    /// Preview the site while editing: serve it from memory (drafts included), rebuild on every save, reload open pages.
    Serve {
        /// Project folder (holding content/ and optionally templates/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port [default: 1111, or the next free one]; 0 for any free port.
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on, IPv4 or IPv6 (e.g. ::1, or 0.0.0.0 for every interface).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser once the server listens.
        #[arg(long)]
        open: bool,
        /// Review mode: select text on an article page to attach it to a claim, accept or reject suggestions, edit verdicts and sign off; every change is written to the claims file.
        #[arg(long)]
        review: bool,
        /// Your name for sign-offs in review mode [default: $CROSSCHECK_REVIEWER].
        #[arg(long, requires = "review", value_name = "NAME")]
        reviewer: Option<String>,
    },
    /// Import web pages as articles: fetch each URL (or read a saved .html, .htm or .mhtml file), extract its main text as Markdown and its metadata as front matter, and write content/articles/ID.md. Never overwrites an article.
    Add {
        /// http(s):// URLs or saved pages.
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<String>,
        /// The article id (the file name) [default: from the outlet and title]; only with one SOURCE.
        #[arg(long)]
        id: Option<String>,
        /// The outlet to write instead of the one the page names.
        #[arg(long, value_name = "NAME")]
        outlet: Option<String>,
        /// Print the file that would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Project folder (holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print a shell completion script, e.g. `crosscheck completions bash > /etc/bash_completion.d/crosscheck`.
    Completions {
        /// bash, elvish, fish, powershell or zsh.
        shell: clap_complete::Shell,
    },
}

fn use_color() -> bool {
    term::get().color && std::io::stderr().is_terminal()
}

fn print_diagnostics(diags: &Diagnostics) {
    if term::get().verbosity == Verbosity::Quiet {
        // Errors only.
        let mut errors = Diagnostics::default();
        for d in diags.iter().filter(|d| d.is_error()) {
            errors.push(d.clone());
        }
        if !errors.is_empty() {
            eprint!("{}", errors.render(use_color()));
        }
        return;
    }
    if !diags.is_empty() {
        eprint!("{}", diags.render(use_color()));
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    term::set(Term::detect(Verbosity::from_flags(cli.quiet, cli.verbose)));
    match cli.command {
        Command::Build { root, out, drafts } => build(root, out, BuildOptions { drafts }),
        Command::Check { root } => check(root),
        Command::Init { dir, force } => init(dir, force),
        Command::Suggest {
            root,
            article,
            limit,
            format,
        } => suggest(root, crate::suggest::Options { article, limit }, format),
        Command::Serve {
            root,
            port,
            bind,
            open,
            review,
            reviewer,
        } => {
            let mut options = crate::serve::ServeOptions {
                bind,
                port,
                open,
                ..crate::serve::ServeOptions::new(root)
            };
            if review {
                crate::review::api::enable(&mut options, reviewer);
            }
            serve(options)
        }
        Command::Add {
            sources,
            id,
            outlet,
            dry_run,
            root,
        } => add(sources, id, outlet, dry_run, root),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "crosscheck",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, options: BuildOptions) -> ExitCode {
    let term = term::get();
    let started = Instant::now();
    let out = out.unwrap_or_else(|| root.join("site"));
    let progress = term.progress();
    progress.stage("loading and anchoring…", 0);
    let mut clock = StageClock::from_env();
    let (site, mut diags) = site::compile_for_build(&root, options, &mut clock);
    let renderer = Renderer::new(&root);
    if let Some(site) = &site {
        diags.extend(crate::card::glyph_warnings(site));
    }
    let (site, renderer) = match (site, renderer) {
        (Some(site), Ok(r)) if !diags.has_errors() => (site, r),
        (_, r) => {
            if let Err(d) = r {
                diags.extend(d);
            }
            progress.finish();
            print_diagnostics(&diags);
            term.error(&format!(
                "build failed with {} error(s); {} left untouched",
                diags.error_count(),
                out.display()
            ));
            return ExitCode::from(exit::CONTENT);
        }
    };
    // Pages are written as they are rendered, into a temporary folder that
    // replaces `out` only once every page is there: memory holds one page
    // per thread, not the whole site.
    let staged = match output::StagedSite::new(&root, &out) {
        Ok(s) => s,
        Err(e) => {
            progress.finish();
            print_diagnostics(&diags);
            term.error(&e.to_string());
            return ExitCode::from(exit::IO);
        }
    };
    let pages = match render_with_progress(&site, &renderer, &progress, &staged) {
        Ok(p) => p,
        Err(RenderError::Content(d)) => {
            diags.extend(d);
            progress.finish();
            print_diagnostics(&diags);
            term.error(&format!("build failed; {} left untouched", out.display()));
            return ExitCode::from(exit::CONTENT);
        }
        Err(RenderError::Io(e)) => {
            progress.finish();
            print_diagnostics(&diags);
            term.error(&e.to_string());
            return ExitCode::from(exit::IO);
        }
    };
    clock.mark("render");
    progress.stage("writing…", 0);
    let written = staged.commit();
    clock.mark("commit");
    progress.finish();
    print_diagnostics(&diags);
    if let Err(e) = written {
        term.error(&e.to_string());
        return ExitCode::from(exit::IO);
    }
    if term.verbosity == Verbosity::Verbose {
        report_outputs(&term, &site, &pages);
    }
    let evidence: usize = site.graph.evidence.iter().map(Vec::len).sum();
    let html = pages.iter().filter(|(p, _)| p.ends_with(".html")).count();
    let warnings = diags.warning_count();
    let warnings = format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" });
    let warnings = if diags.warning_count() > 0 {
        term.paint(Paint::Yellow, &warnings)
    } else {
        warnings
    };
    term.success(&format!(
        "built {} pages ({} articles, {} claims, {} evidence), {warnings}, {} files in {} → {}",
        term.paint(Paint::Bold, &html.to_string()),
        site.articles.len(),
        site.claims.len(),
        evidence,
        pages.len(),
        term::duration(started.elapsed()),
        term.paint(Paint::Cyan, &out.display().to_string())
    ));
    // Freeing a big site's millions of small allocations one by one takes
    // a noticeable part of a second; the process is about to exit.
    std::mem::forget(site);
    std::mem::forget(renderer);
    ExitCode::SUCCESS
}

enum RenderError {
    Content(Diagnostics),
    Io(output::OutputError),
}

/// Renders every output in parallel, writing each page into `staged` as
/// soon as it is rendered and keeping only its path and size. After the
/// first page that fails to render, the rest are rendered (to report every
/// distinct error) but no longer written.
fn render_with_progress(
    site: &site::Site,
    renderer: &Renderer,
    progress: &term::Progress,
    staged: &output::StagedSite,
) -> Result<Vec<(String, usize)>, RenderError> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    let jobs = render::site_jobs(site);
    progress.stage("rendering", jobs.len() as u64);
    let failed = AtomicBool::new(false);
    let results: Vec<Result<(String, usize), RenderError>> = jobs
        .par_iter()
        .map(|&job| {
            // The largest files by far: streamed to disk, never whole in
            // memory.
            type Writer =
                fn(&site::Site, &mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>;
            let streamed: Option<(&str, Writer)> = match job {
                render::Job::Data => Some(("data.json", render::write_data_json)),
                render::Job::Annotations => Some((
                    "annotations.jsonld",
                    crate::annotations::write_annotations_jsonld,
                )),
                _ => None,
            };
            if let Some((path, write)) = streamed.filter(|_| !failed.load(Ordering::Relaxed)) {
                let written = staged
                    .write_streamed(path, |w| write(site, w))
                    .map(|len| (path.to_string(), len as usize))
                    .map_err(RenderError::Io);
                progress.inc(1);
                return written;
            }
            let rendered = render::render_job(site, renderer, job);
            progress.inc(1);
            match rendered {
                Ok(page) if !failed.load(Ordering::Relaxed) => {
                    staged.write(&page).map_err(RenderError::Io)?;
                    Ok((page.path, page.bytes.len()))
                }
                Ok(page) => Ok((page.path, page.bytes.len())),
                Err(d) => {
                    failed.store(true, Ordering::Relaxed);
                    let mut diags = Diagnostics::default();
                    diags.push(d);
                    Err(RenderError::Content(diags))
                }
            }
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::default();
    let mut io = None;
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            // The same template error would repeat for every page.
            Err(RenderError::Content(d)) => {
                for x in d {
                    if !diags.iter().any(|y| y.message == x.message) {
                        diags.push(x);
                    }
                }
            }
            Err(RenderError::Io(e)) => {
                io.get_or_insert(e);
            }
        }
    }
    if diags.has_errors() {
        Err(RenderError::Content(diags))
    } else if let Some(e) = io {
        Err(RenderError::Io(e))
    } else {
        Ok(pages)
    }
}

/// `--verbose`: the site-wide files and their sizes, and what was skipped.
fn report_outputs(term: &Term, site: &site::Site, pages: &[(String, usize)]) {
    for (path, len) in pages.iter().filter(|(p, _)| !p.contains('/')) {
        term.detail(&format!("{:<22} {}", path, term::bytes(*len)));
    }
    let cards = pages
        .iter()
        .filter(|(p, _)| p.ends_with("/card.svg"))
        .count();
    term.detail(&format!(
        "{cards} verdict cards (claims/ID/card.svg, card.png) and embeds (claims/ID/embed.html)"
    ));
    term.detail(&format!(
        "feed.xml lists {} reviewed claim(s)",
        crate::feeds::feed_claims(site).len()
    ));
    if !crate::feeds::is_absolute(&site.config.base_url) {
        term.detail(&format!(
            "base_url is {:?}, not an absolute URL: no sitemap.xml, canonical links, og:url/og:image or oEmbed (set base_url = \"https://…/\" in content/site.toml)",
            site.config.base_url
        ));
    }
}

fn init(dir: PathBuf, force: bool) -> ExitCode {
    let term = term::get();
    match crate::init::init(&dir, force) {
        Ok(files) => {
            term.success(&format!(
                "created a crosscheck project in {}",
                term.paint(Paint::Cyan, &dir.display().to_string())
            ));
            for f in &files {
                term.detail(&f.display().to_string());
            }
            if term.verbosity > Verbosity::Quiet {
                let cd = if dir == std::path::Path::new(".") {
                    String::new()
                } else {
                    format!("cd {} && ", dir.display())
                };
                eprintln!(
                    "  next: {cd}crosscheck check && crosscheck build, then open site/index.html"
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            term.error(&e.to_string());
            match e {
                crate::init::InitError::Io { .. } => ExitCode::from(exit::IO),
                _ => ExitCode::from(exit::USAGE),
            }
        }
    }
}

fn check(root: PathBuf) -> ExitCode {
    // Coverage counts every claim, drafts included: it measures the work.
    let (site, mut diags) = site::compile(&root, BuildOptions { drafts: true });
    let renderer = Renderer::new(&root).map_err(|d| diags.extend(d)).ok();
    if let Some(site) = &site {
        // Verdicts at odds with their evidence, claims with no evidence.
        diags.extend(crate::review::consistency::check(site));
        diags.extend(crate::card::glyph_warnings(site));
        if let Some(renderer) = &renderer {
            diags.extend(crate::render::check_templates(site, renderer));
        }
    }
    diags.sort();
    print_diagnostics(&diags);
    if let Some(site) = &site {
        let rows = site::coverage(site);
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(7);
        println!("coverage (statements linked to a claim):");
        let (mut linked, mut total) = (0, 0);
        for (id, l, t) in &rows {
            linked += l;
            total += t;
            println!("  {id:<width$}  {l:>5} / {t:<5} {:>3}%", percent(*l, *t));
        }
        println!(
            "  {:<width$}  {linked:>5} / {total:<5} {:>3}%",
            "total",
            percent(linked, total)
        );
        print!("{}", crate::review::consistency::progress(site));
    }
    let summary = format!(
        "{} error(s), {} warning(s)",
        diags.error_count(),
        diags.warning_count()
    );
    if diags.has_errors() {
        eprintln!("check failed: {summary}");
        ExitCode::from(exit::CONTENT)
    } else {
        eprintln!("check passed: {summary}");
        ExitCode::SUCCESS
    }
}

fn suggest(
    root: PathBuf,
    opts: crate::suggest::Options,
    format: crate::suggest::Format,
) -> ExitCode {
    use crate::suggest::SuggestError;
    match crate::suggest::run(&root, &opts, format) {
        Ok((out, diags)) => {
            if diags.has_errors() {
                eprintln!(
                    "note: the content has {} error(s) (see `crosscheck check`); evidence that does not anchor is not counted",
                    diags.error_count()
                );
            }
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(SuggestError::Content(diags)) => {
            print_diagnostics(&diags);
            ExitCode::from(exit::CONTENT)
        }
        Err(e @ SuggestError::UnknownArticle(_)) => {
            eprintln!("error: {e}");
            ExitCode::from(exit::USAGE)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit::IO)
        }
    }
}

fn serve(options: crate::serve::ServeOptions) -> ExitCode {
    match crate::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let term = term::get();
            term.error(&e.to_string());
            if let Some(help) = e.help() {
                eprintln!("  help: {help}");
            }
            ExitCode::from(exit::IO)
        }
    }
}

fn add(
    sources: Vec<String>,
    id: Option<String>,
    outlet: Option<String>,
    dry_run: bool,
    root: PathBuf,
) -> ExitCode {
    use crate::add::{self, Kind};
    let term = term::get();
    let code = |kind: Kind| match kind {
        Kind::Content => exit::CONTENT,
        Kind::Usage => exit::USAGE,
        Kind::Io => exit::IO,
    };
    if id.is_some() && sources.len() > 1 {
        term.error("--id names one article: pass one SOURCE with it");
        return ExitCode::from(exit::USAGE);
    }
    let timeout = match add::fetch::timeout_from_env() {
        Ok(t) => t,
        Err(e) => {
            term.error(&e.to_string());
            return ExitCode::from(code(e.kind()));
        }
    };
    let options = add::Options {
        root,
        id,
        outlet,
        dry_run,
        timeout,
    };
    let mut taken = std::collections::HashSet::new();
    let mut first_failure = None;
    let mut failed = 0;
    for source in &sources {
        match add::add(source, &options, &mut taken) {
            Ok(added) => {
                if dry_run {
                    print!("{}", added.text);
                }
                let fm = &added.front_matter;
                let what = format!("“{}” ({})", fm.title, fm.outlet);
                if dry_run {
                    term.success(&format!(
                        "would write {} from {source}: {what}; dry run, nothing written",
                        added.path
                    ));
                } else {
                    term.success(&format!(
                        "wrote {}: {what}",
                        term.paint(Paint::Cyan, &added.path)
                    ));
                }
                if term.verbosity > Verbosity::Quiet {
                    for note in &added.notes {
                        eprintln!("  note: {note}");
                    }
                }
            }
            Err(e) => {
                term.error(&e.to_string());
                failed += 1;
                first_failure.get_or_insert(code(e.kind()));
            }
        }
    }
    if sources.len() > 1 && failed > 0 {
        eprintln!(
            "{failed} of {} sources failed; the others were {}",
            sources.len(),
            if dry_run { "checked" } else { "added" }
        );
    }
    match first_failure {
        Some(c) => ExitCode::from(c),
        None => ExitCode::SUCCESS,
    }
}

fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}
