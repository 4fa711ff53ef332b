//! crosscheck: a static-site generator for fact-checks.
//!
//! The pipeline, one module per stage: [`content`] (load) →
//! [`document`] and [`statements`] (split) → [`anchor`] (find quotes) →
//! [`graph`] (claim graph) → [`render`] → [`output`] (write).
//! [`site`] runs the stages; [`cli`] is the command line.

pub mod add;
pub mod anchor;
pub mod annotations;
pub mod assess;
pub mod card;
pub mod claims;
pub mod cli;
pub mod compiled;
pub mod content;
pub mod diag;
pub mod document;
pub mod feeds;
pub mod findings;
pub mod graph;
pub mod host;
pub mod i18n;
pub mod init;
pub mod input;
pub mod inputs;
pub mod markdown;
pub mod output;
pub mod project;
pub mod render;
pub mod review;
pub mod safe_markdown;
pub mod search;
pub mod serve;
pub mod shallow_json;
pub mod site;
pub mod stages;
pub mod statements;
pub mod suggest;
pub mod term;
pub mod text;
pub mod url;
