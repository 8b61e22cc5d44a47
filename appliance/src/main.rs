//! The `balai` binary: parse the command line, then hand over to the library.

fn main() -> std::process::ExitCode {
    balai::run::main()
}
