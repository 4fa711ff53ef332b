//! crosscheck: a static-site generator for fact-checks.
//!
//! The pipeline, one module per stage: [`content`] (load) →
//! [`document`] and [`statements`] (split) → [`anchor`] (find quotes) →
//! [`graph`] (claim graph) → [`render`] → [`output`] (write).
//! [`site`] runs the stages; [`cli`] is the command line.

pub mod anchor;
pub mod cli;
pub mod content;
pub mod diag;
pub mod document;
pub mod graph;
pub mod output;
pub mod render;
pub mod site;
pub mod statements;
