//! The command line: parse arguments, run a command, print for people.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand};

use crate::diag::Diagnostics;
use crate::pipeline::site::{self, BuildOptions};
use crate::project::{self, BuildError, Checked, Project};
use crate::term::{self, Paint, Term, Verbosity};

/// Exit codes, documented in the README.
pub(crate) mod exit {
    /// The content has errors (all of them were printed).
    pub(crate) const CONTENT: u8 = 1;
    /// Bad command-line usage (clap's convention).
    pub(crate) const USAGE: u8 = 2;
    /// The output could not be written, or another I/O failure.
    pub(crate) const IO: u8 = 3;
}

#[derive(Parser, Debug)]
#[command(
    name = "crosscheck",
    version,
    about = "Static-site generator for fact-checks: every statement linked to the sources that agree with it or contradict it."
)]
pub(crate) struct Cli {
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
pub(crate) enum Command {
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
    ///
    /// Stances: `supports` when a report asserts the claim in its own voice,
    /// `contradicts` when it asserts the opposite, `mentions` when it only
    /// relays or touches on it. Attributing a claim to someone ("Moscow
    /// says it took the city") is `mentions`, not `supports`. Each piece of
    /// evidence is then assessed against the claim's verdict: holds up, does
    /// not hold up, unsettled (disputed or unverified claims) or reports it.
    ///
    /// Besides errors, check warns about verdicts at odds with their
    /// evidence, claims with no evidence, verdicts that name no outside
    /// source, a missing methodology or corrections page, lapsed sign-offs,
    /// and articles that share most of their statements without declaring
    /// `derived_from`.
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
        /// A host name the preview may be reached by besides IP addresses and localhost (repeatable); requests naming any other host are refused.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Sign claims off from the command line: status approved, reviewer, date and the fingerprint of the claim as it stands, written to the claims file without changing anything else.
    Signoff {
        /// Claim ids.
        #[arg(value_name = "CLAIM")]
        claims: Vec<String>,
        /// Also every claim already approved (records a fingerprint where there is none, renews a lapsed one).
        #[arg(long)]
        all_approved: bool,
        /// Who signs off [default: $CROSSCHECK_REVIEWER].
        #[arg(long, value_name = "NAME")]
        reviewer: Option<String>,
        /// The sign-off date, YYYY-MM-DD [default: today].
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Why the verdict changed since the last sign-off: written as a [[claim.update]] (needed when it did).
        #[arg(long, value_name = "NOTE")]
        update: Option<String>,
        /// Project folder (holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
            allow_host,
        } => {
            let project = match self::open(&root) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let mut options = crate::serve::ServeOptions {
                bind,
                port,
                open,
                hosts: allow_host,
                ..crate::serve::ServeOptions::new(project)
            };
            if review {
                let mode = crate::review::api::ReviewMode::new(
                    &options.project,
                    reviewer,
                    options.hosts.clone(),
                    options.bind,
                );
                options.extra_routes = Some(mode.routes);
                options.inject_html = Some(mode.inject);
                options.site_cell = Some(mode.cell);
            }
            serve(options)
        }
        Command::Signoff {
            claims,
            all_approved,
            reviewer,
            date,
            update,
            root,
        } => signoff(claims, all_approved, reviewer, date, update, root),
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

/// Opens the project folder, or says why not.
fn open(root: &std::path::Path) -> Result<Project, ExitCode> {
    Project::open(root).map_err(|e| {
        term::get().error(&e.to_string());
        eprintln!(
            "  help: run crosscheck in a project folder, pass --root DIR, or create one with `crosscheck init`"
        );
        ExitCode::from(exit::CONTENT)
    })
}

/// The build's progress bar, as the front door reports its stages.
struct Bar<'a>(&'a term::Progress);

impl project::Observer for Bar<'_> {
    fn stage(&self, what: &'static str, total: u64) {
        self.0.stage(what, total);
    }

    fn done_one(&self) {
        self.0.inc(1);
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, options: BuildOptions) -> ExitCode {
    let term = term::get();
    let started = Instant::now();
    let out = out.unwrap_or_else(|| root.join("site"));
    let project = match open(&root) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let progress = term.progress();
    // -v reports every file, so it renders them all.
    let result = if term.verbosity == Verbosity::Verbose {
        project.build_in_full(&out, options, &Bar(&progress))
    } else {
        project.build(&out, options, &Bar(&progress))
    };
    progress.finish();
    let built = match result {
        Ok(b) => b,
        Err(BuildError::Content(diags)) => {
            print_diagnostics(&diags);
            term.error(&format!(
                "build failed with {} error(s); {} left untouched",
                diags.error_count(),
                out.display()
            ));
            return ExitCode::from(exit::CONTENT);
        }
        Err(BuildError::Io(e, diags)) => {
            print_diagnostics(&diags);
            term.error(&e.to_string());
            return ExitCode::from(exit::IO);
        }
    };
    let diags = &built.diagnostics;
    print_diagnostics(diags);
    let (summary, written) = (built.summary, built.written);
    if term.verbosity == Verbosity::Verbose {
        if let Some(site) = &built.site {
            report_outputs(&term, site, &built.files);
        }
        term.detail(&format!(
            "files: {} written, {} linked from the previous site, {} unchanged, {} removed{}",
            written.written,
            written.linked,
            written.unchanged,
            written.removed,
            if written.swapped {
                ""
            } else {
                " (nothing changed: the site was left as it was)"
            }
        ));
    }
    let warnings = diags.warning_count();
    let warnings = format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" });
    let warnings = if diags.warning_count() > 0 {
        term.paint(Paint::Yellow, &warnings)
    } else {
        warnings
    };
    // Nothing loaded: the inputs are what made the site (see Project::build).
    let verb = if built.site.is_some() {
        "built"
    } else {
        "up to date:"
    };
    term.success(&format!(
        "{verb} {} pages ({} articles, {} claims, {} evidence), {warnings}, {} files in {} → {}",
        term.paint(Paint::Bold, &summary.pages.to_string()),
        summary.articles,
        summary.claims,
        summary.evidence,
        summary.files,
        term::duration(started.elapsed()),
        term.paint(Paint::Cyan, &out.display().to_string())
    ));
    // Freeing a big site's millions of small allocations one by one takes
    // a noticeable part of a second; the process is about to exit.
    std::mem::forget(built);
    ExitCode::SUCCESS
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
        crate::render::feeds::feed_claims(site)
            .len()
            .min(crate::render::feeds::FEED_ENTRIES)
    ));
    if !crate::url::is_absolute(&site.config.base_url) {
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
    let project = match open(&root) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Checked {
        site,
        diagnostics: diags,
    } = project.check();
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
        print!("{}", site.progress());
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
    let project = match open(&root) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match crate::suggest::run(&project, &opts, format) {
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

fn signoff(
    claims: Vec<String>,
    all_approved: bool,
    reviewer: Option<String>,
    date: Option<String>,
    update: Option<String>,
    root: PathBuf,
) -> ExitCode {
    use crate::review::sign::{self, SignError};
    let term = term::get();
    let Some(reviewer) = reviewer
        .or_else(|| std::env::var("CROSSCHECK_REVIEWER").ok())
        .filter(|r| !r.trim().is_empty())
    else {
        term.error("a sign-off needs the reviewer's name: give --reviewer NAME (or set CROSSCHECK_REVIEWER)");
        return ExitCode::from(exit::USAGE);
    };
    let project = match open(&root) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let opts = sign::SignOptions {
        project,
        claims,
        all_approved,
        reviewer,
        date,
        update,
    };
    match sign::run(&opts) {
        Ok(signed) => {
            for s in &signed {
                if s.unchanged {
                    term.detail(&format!("{}: signed off already, unchanged", s.claim));
                } else {
                    term.detail(&format!(
                        "{}: signed off{} ({})",
                        s.claim,
                        if s.update {
                            ", with an update note"
                        } else {
                            ""
                        },
                        s.fingerprint
                    ));
                }
            }
            let written = signed.iter().filter(|s| !s.unchanged).count();
            let mut files: Vec<&str> = signed
                .iter()
                .filter(|s| !s.unchanged)
                .map(|s| s.file.as_str())
                .collect();
            files.dedup();
            term.success(&format!(
                "signed off {written} claim{} as {}{}",
                if written == 1 { "" } else { "s" },
                opts.reviewer.trim(),
                if files.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", files.join(", "))
                }
            ));
            ExitCode::SUCCESS
        }
        Err(SignError::Content(diags)) => {
            print_diagnostics(&diags);
            term.error("nothing signed off: the content could not be loaded");
            ExitCode::from(exit::CONTENT)
        }
        Err(e) => {
            term.error(&format!("nothing signed off: {e}"));
            ExitCode::from(if e.is_content() {
                exit::CONTENT
            } else if e.is_usage() {
                exit::USAGE
            } else {
                exit::IO
            })
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
