//! Front matter + article parsing + markdown → statements, from raw bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check_article(data);
});
