//! The build pipeline, one module per stage, in the order a build runs
//! them: [`content`] loads the project's files into plain data,
//! [`statements`] splits text into sentences with stable ids,
//! [`document`] is the statement tree a Markdown article becomes,
//! [`anchor`] finds each quote of the claims file in its article,
//! `assess`, `graph` and `findings` work out what the anchored quotes
//! mean (the verdicts' support, the links between statements and claims,
//! the outlets' agreement and copying), and [`site`] runs them all into
//! the compiled [`Site`](site::Site) every renderer reads.
//!
//! Nothing here knows of pages, the server or the review workspace: the
//! stages import only each other, in that order, and the leaf helpers and
//! `claims` beside them (`tests/it/layering.rs` holds the floors).

pub mod anchor;
pub(crate) mod assess;
pub mod content;
pub mod document;
pub(crate) mod findings;
pub(crate) mod graph;
pub mod site;
pub mod statements;
