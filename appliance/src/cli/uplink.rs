//! `balai uplink import`: the official's side, run on any computer with the
//! villages' public keys; it never opens a store.

use crate::uplink::bundle;
use crate::uplink::import::{self, Outcome};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn import(bundles: &[PathBuf], into: &Path, keys: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let keys = import::load_keys(keys)?;
    std::fs::create_dir_all(into)?;
    let mut state = import::load_state(into)?;
    let mut report = Vec::new();
    let mut failed = 0;
    for path in bundles {
        let result = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| bundle::open(&bytes, &keys).map_err(|e| e.to_string()))
            .and_then(|opened| import::merge(&mut state, &opened).map_err(|e| e.to_string()));
        let line = match result {
            Ok(Outcome::Merged { id, records, conflicts }) => {
                // saved after each bundle: an interrupted import resumes here
                import::save_state(into, &state)?;
                format!("{}: merged {id} ({records} records, {conflicts} conflicts)", path.display())
            }
            Ok(Outcome::AlreadyMerged(id)) => format!("{}: {id} already merged, nothing changed", path.display()),
            Err(e) => {
                failed += 1;
                format!("{}: REFUSED: {e}", path.display())
            }
        };
        report.push(line);
    }
    import::write_outputs(into, &state)?;
    if json {
        println!("{}", serde_json::json!({ "ok": failed == 0, "lines": report, "conflicts": state.conflicts.len() }));
    } else {
        for line in &report {
            println!("{line}");
        }
        println!(
            "{} villages, {} conflicts; summary in {}",
            state.villages.len(),
            state.conflicts.len(),
            into.join("summary.html").display()
        );
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
