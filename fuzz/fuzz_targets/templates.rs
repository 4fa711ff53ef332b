//! Random template text and include graphs: up to eight templates (NUL
//! separates them), loaded by `Renderer::new` and, when they load, used
//! to render every page of a small site. Must never panic, abort or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check_templates(data);
});
