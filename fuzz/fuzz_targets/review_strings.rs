//! Any string written through the review edit path reads back identical
//! (with the `toml` crate and with crosscheck's loader), and the lines the
//! edit did not touch keep their bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check_review_string(&String::from_utf8_lossy(data));
});
