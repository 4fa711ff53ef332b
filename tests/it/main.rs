//! The integration tests, as one test binary: each module was a test file
//! of its own; `support` holds what they share. Run one module's tests
//! with a filter, e.g. `cargo test --test it serve::`.

// The invariants the fuzz targets check, shared with the tests that replay
// what the fuzzers found.
#[path = "../../fuzz/checks.rs"]
mod checks;
mod support;

mod add;
mod build;
mod cards;
mod crash;
mod errors;
mod fuzz_regressions;
mod hardening;
mod hostile;
mod i18n;
mod layering;
mod properties;
mod reader;
mod review;
mod serve;
mod site_features;
mod suggest;
