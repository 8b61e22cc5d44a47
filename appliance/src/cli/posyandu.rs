//! `balai posyandu zscores IN.csv`: WHO z-scores for a puskesmas spreadsheet,
//! offline (no data dir, no daemon), the same computation the posyandu pages use.

use crate::cli::PosyanduCmd;
use crate::posyandu::spreadsheet::{self, english};
use std::io::Write;
use std::process::ExitCode;

/// Exit code when some rows were refused (the output is still written).
const SOME_ROWS_REFUSED: u8 = 1;
/// Exit code when the file could not be read at all.
const CANNOT_READ: u8 = 2;

pub fn run(command: PosyanduCmd, json: bool) -> anyhow::Result<ExitCode> {
    let PosyanduCmd::Zscores { file, out } = command;
    let bytes = std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let outcome = match spreadsheet::zscores_csv(&bytes) {
        Ok(o) => o,
        Err(problem) => {
            eprintln!("{}: {}", file.display(), english(problem.key, &problem.detail));
            return Ok(ExitCode::from(CANNOT_READ));
        }
    };
    match &out {
        Some(path) => std::fs::write(path, &outcome.csv).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        None => std::io::stdout().lock().write_all(&outcome.csv)?,
    }
    let refused: Vec<serde_json::Value> = outcome
        .refused
        .iter()
        .map(|p| serde_json::json!({ "row": p.row, "field": p.field, "problem": english(p.key, &p.detail) }))
        .collect();
    if json {
        let summary = serde_json::json!({ "rows": outcome.rows, "flagged": outcome.flagged, "refused": refused });
        eprintln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        for p in &outcome.refused {
            eprintln!("row {}, {}: {}", p.row, p.field, english(p.key, &p.detail));
        }
        eprintln!(
            "{} rows: {} computed, {} flagged for re-measurement, {} refused",
            outcome.rows,
            outcome.rows - outcome.refused.len(),
            outcome.flagged,
            outcome.refused.len()
        );
    }
    Ok(if outcome.refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(SOME_ROWS_REFUSED) })
}
