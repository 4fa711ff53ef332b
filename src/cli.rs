//! The command line: parse arguments, run a command, print for people.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::diag::Diagnostics;
use crate::output;
use crate::render::{self, Renderer};
use crate::site::{self, BuildOptions};

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
}

fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn print_diagnostics(diags: &Diagnostics) {
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
    match cli.command {
        Command::Build { root, out, drafts } => build(root, out, BuildOptions { drafts }),
        Command::Check { root } => check(root),
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, options: BuildOptions) -> ExitCode {
    let started = Instant::now();
    let out = out.unwrap_or_else(|| root.join("site"));
    let (site, mut diags) = site::compile(&root, options);
    let renderer = Renderer::new(&root);
    let (site, renderer) = match (site, renderer) {
        (Some(site), Ok(r)) if !diags.has_errors() => (site, r),
        (_, r) => {
            if let Err(d) = r {
                diags.extend(d);
            }
            print_diagnostics(&diags);
            eprintln!(
                "error: build failed with {} error(s); {} left untouched",
                diags.error_count(),
                out.display()
            );
            return ExitCode::from(exit::CONTENT);
        }
    };
    let pages = match render::render_site(&site, &renderer) {
        Ok(p) => p,
        Err(d) => {
            diags.extend(d);
            print_diagnostics(&diags);
            eprintln!("error: build failed; {} left untouched", out.display());
            return ExitCode::from(exit::CONTENT);
        }
    };
    print_diagnostics(&diags);
    if let Err(e) = output::write_site(&root, &out, &pages) {
        eprintln!("error: {e}");
        return ExitCode::from(exit::IO);
    }
    let evidence: usize = site.graph.evidence.iter().map(Vec::len).sum();
    eprintln!(
        "built {} files: {} articles, {} claims, {} evidence, {} warning(s) in {} ms → {}",
        pages.len(),
        site.articles.len(),
        site.claims.len(),
        evidence,
        diags.warning_count(),
        started.elapsed().as_millis(),
        out.display()
    );
    ExitCode::SUCCESS
}

fn check(root: PathBuf) -> ExitCode {
    // Coverage counts every claim, drafts included: it measures the work.
    let (site, mut diags) = site::compile(&root, BuildOptions { drafts: true });
    if let Err(d) = Renderer::new(&root) {
        diags.extend(d);
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

fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}
