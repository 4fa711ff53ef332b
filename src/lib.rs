//! crosscheck: a static-site generator for fact-checks.
//!
//! The library's front door is [`Project`]: open a project folder (one
//! holding `content/` and, optionally, `templates/`) once, then
//! [`compile`](Project::compile) it, [`check`](Project::check) it as
//! `crosscheck check` does, or [`build`](Project::build) its site. Every
//! command runs the pipeline through it: load content → split statements →
//! anchor quotes → build the claim graph → render → write.
//!
//! ```
//! use crosscheck::{BuildOptions, Project};
//!
//! // The fact-check this repository ships, in `content/`.
//! let project = Project::open(env!("CARGO_MANIFEST_DIR").as_ref())?;
//!
//! let checked = project.check();
//! assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics.render(false));
//!
//! let out = tempfile::tempdir()?;
//! let built = project
//!     .build(&out.path().join("site"), BuildOptions::default(), &())
//!     .expect("the example builds");
//! assert!(out.path().join("site/index.html").is_file());
//! println!("{} files, {} written", built.files.len(), built.written.written);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Errors and warnings come back as [`Diagnostics`], each naming its file,
//! line and column; [`Diagnostics::render`] shows them as the commands do.
//!
//! The pipeline's stages live in [`pipeline`], one module each; what a
//! compiled site is made into is [`render`]'s, and the commands (`serve`,
//! `review`, `suggest`, `add`, `init`) sit above both. Those that are
//! public are so for the integration tests, fuzz targets and benchmarks
//! that drive one stage at a time; items the crate alone uses are
//! `pub(crate)`, and none of it is a stable API.

#![warn(unreachable_pub)]

pub use diag::Diagnostics;
pub use output::{OutputError, Written};
pub use pipeline::site::{BuildOptions, Site};
pub use project::{BuildError, Built, Checked, Observer, Project, ProjectError, Summary};

pub mod claims;
pub mod cli;
pub mod compiled;
pub mod diag;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod project;
pub mod render;
pub mod review;
pub mod suggest;
pub mod text;

mod add;
mod host;
mod i18n;
mod init;
mod inputs;
mod markdown;
mod safe_markdown;
mod serve;
mod shallow_json;
mod stages;
mod term;
mod url;
