//! Statement splitting: ranges in bounds, on char boundaries, increasing,
//! non-overlapping; ids valid, unique and derived from the text alone.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    checks::check_split(&text);
});
