// malloc/free were ~12 % of a build's instructions with the system allocator; mimalloc's
// per-thread free lists make the many small, short-lived strings of rendering much cheaper.
// Built with `no_thp`: with transparent huge pages the kernel backs each first touch with
// 2 MiB, and a 10k rebuild peaked about 17 MB higher for the same CPU time (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    if subcommand().as_deref() == Some("serve") {
        keep_freed_memory();
    }
    crosscheck::cli::main()
}

/// The first argument that is not a flag (the global flags, `-q` and
/// `-v`, take no value).
fn subcommand() -> Option<String> {
    std::env::args().skip(1).find(|a| !a.starts_with('-'))
}

/// Every save in `serve` frees and allocates again the same hundreds of
/// megabytes (the site-wide files). mimalloc hands freed memory back to
/// the kernel a while after it falls empty, and at 10,000 articles that,
/// and faulting the pages in again, put 15 to 25 ms in front of the next
/// save's reload. A preview keeps them; `build`, which runs once, keeps
/// the default and the lower peak. `MIMALLOC_PURGE_DELAY` in the
/// environment still decides when it is set.
fn keep_freed_memory() {
    // `mi_option_purge_delay` is option 15 of mimalloc.h (v3, which
    // libmimalloc-sys builds; the crate does not name it): milliseconds,
    // -1 for never, 1000 by default as built.
    const PURGE_DELAY: std::ffi::c_int = 15;
    const BUILT_DEFAULT: std::ffi::c_long = 1000;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    unsafe extern "C" {
        fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: both only read or write one of mimalloc's option slots (an
    // atomic); no memory is touched. The value is checked to be the
    // default first, so a mimalloc whose options are numbered differently
    // is left alone.
    unsafe {
        if mi_option_get(PURGE_DELAY) == BUILT_DEFAULT {
            mi_option_set(PURGE_DELAY, -1);
        }
    }
}
