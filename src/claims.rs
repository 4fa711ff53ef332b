//! What claims mean beyond their fields, for every command: what an
//! approval covers and when it lapses ([`signoff`]), the consistency
//! rules `check` applies ([`consistency`]), and the lossless editor of
//! claims files that review mode, `signoff` and rejected suggestions
//! write through ([`edit`]). Core, like the pipeline: it reads the parts
//! of a compiled site it is given, never the site or the tools above it.

pub mod consistency;
pub mod edit;
pub mod signoff;
