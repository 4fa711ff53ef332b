//! Quote anchoring on a random document with random quotes.
//!
//! Input: `MARKDOWN \0 SELECTORS \0 RAW-QUOTE`. Each 4 bytes of SELECTORS
//! pick a substring of the document's text (start, length; snapped to
//! character boundaries), so most quotes really occur; RAW-QUOTE is tried
//! as is. See `checks::anchor_input` for the decoding, shared with the
//! regression tests.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let (markdown, quotes) = checks::anchor_input(data);
    checks::check_anchor(&markdown, &quotes);
});
