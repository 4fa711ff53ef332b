//! Claims file parsing (TOML → claims and evidence), from raw bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check_claims(data);
});
