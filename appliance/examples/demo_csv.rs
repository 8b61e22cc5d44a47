//! Writes a generated village in OpenSID's import layout, for benchmarks:
//! `cargo run --release -p balai --example demo_csv -- 15000 village-50k.csv`
//! (15,000 families ≈ 50,000 residents).

use balai::residents::{demo, export};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(families), Some(out)) = (args.get(1).and_then(|n| n.parse().ok()), args.get(2)) else {
        eprintln!("usage: demo_csv FAMILIES OUT.csv");
        return std::process::ExitCode::from(2);
    };
    let (families, residents) = demo::generate(42, families);
    if let Err(e) = std::fs::write(out, export::to_csv(&residents, &families)) {
        eprintln!("{out}: {e}");
        return std::process::ExitCode::FAILURE;
    }
    println!("{} residents in {} families written to {out}", residents.len(), families.len());
    std::process::ExitCode::SUCCESS
}
