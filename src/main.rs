// malloc/free were ~12 % of a build's instructions with the system allocator; mimalloc's
// per-thread free lists make the many small, short-lived strings of rendering much cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    crosscheck::cli::main()
}
