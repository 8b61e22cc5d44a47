//! The `balai` binary: parse the command line, then hand over to the library.

// The daemon allocates many small, short-lived values (JSON records, index
// keys, rendered pages); mimalloc roughly halves the time glibc's malloc took
// in the import profile (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    balai::run::main()
}
