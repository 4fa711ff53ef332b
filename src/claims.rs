//! What claims mean beyond their fields, for every command: what an
//! approval covers and when it lapses ([`signoff`]), and the consistency
//! rules `check` applies ([`consistency`]). Core, like the pipeline: it
//! reads the compiled site and never the review tools above it.

pub mod consistency;
pub mod signoff;
