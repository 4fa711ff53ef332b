// malloc/free were ~12 % of a build's instructions with the system allocator; mimalloc's
// per-thread free lists make the many small, short-lived strings of rendering much cheaper.
// Built with `no_thp`: with transparent huge pages the kernel backs each first touch with
// 2 MiB, and a 10k rebuild peaked about 17 MB higher for the same CPU time (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    crosscheck::cli::main()
}
