//! The official's side: `balai uplink import BUNDLE... --into DIR --keys KEYS`.
//! Merges bundles from many villages into DIR, in any order, any number of
//! times, with the same result:
//!
//! - figures: per village and source, the bundle with the highest `to_seq`
//!   wins (they are whole tables as of that sequence);
//! - named records: per village, table and id, the highest `seq` wins (a
//!   later change from the same village); the same `seq` with different
//!   content goes to the conflict list and never overwrites;
//! - `state.json` is replaced (written aside, synced, renamed) after each
//!   bundle, so an interrupted import resumes: bundles already merged are
//!   skipped, the one cut off is merged again.
//!
//! Then it writes `summary.csv` and `summary.html` (per village, kecamatan and
//! kabupaten), `conflicts.csv` and `records/<village>/<table>.jsonl`.

use super::bundle::{self, BundleError, Header, RecordLine, Village};
use crate::letters::seal::{PublicKey, parse_public_key};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Default, Serialize, Deserialize)]
pub struct State {
    /// Bundle ids merged.
    pub bundles: BTreeSet<String>,
    pub villages: BTreeMap<String, Village>,
    /// village → source → (to_seq, sha256 of the CSV, the CSV).
    pub figures: BTreeMap<String, BTreeMap<String, (u64, String, String)>>,
    /// `village/table/id` → (seq, sha256, the line).
    pub records: BTreeMap<String, (u64, String, RecordLine)>,
    pub conflicts: BTreeSet<Conflict>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Conflict {
    pub village: String,
    pub what: String,
    pub seq: u64,
    pub kept_sha256: String,
    pub other_sha256: String,
}

/// What one bundle did.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Merged { id: String, records: usize, conflicts: usize },
    AlreadyMerged(String),
}

/// Reads the villages' public keys: `KEYS` is a folder of `<village code>.pub`
/// files (as `balai letter public-key` prints them) or one such file.
pub fn load_keys(path: &Path) -> anyhow::Result<BTreeMap<String, PublicKey>> {
    let files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pub"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    let mut keys = BTreeMap::new();
    for file in files {
        let code = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let key = parse_public_key(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        keys.insert(code, key);
    }
    Ok(keys)
}

pub fn load_state(dir: &Path) -> anyhow::Result<State> {
    match std::fs::read(dir.join("state.json")) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).map_err(|e| anyhow::anyhow!("state.json: {e}"))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(e.into()),
    }
}

/// Writes `bytes` to `path` so a crash leaves the old file or the new one.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    std::io::Write::write_all(&mut f, bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

pub fn save_state(dir: &Path, state: &State) -> anyhow::Result<()> {
    replace(&dir.join("state.json"), &serde_json::to_vec(state)?)?;
    Ok(())
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Merges one checked bundle into `state`.
pub fn merge(state: &mut State, opened: &bundle::Opened) -> Result<Outcome, BundleError> {
    let h: &Header = &opened.header;
    let id = h.id();
    if state.bundles.contains(&id) {
        return Ok(Outcome::AlreadyMerged(id));
    }
    let code = h.village.code.clone();
    let mut conflicts = 0;
    let mut records = 0;
    for (name, bytes) in &opened.files {
        if let Some(source) = name.strip_prefix("aggregates/").and_then(|n| n.strip_suffix(".csv")) {
            let csv = String::from_utf8(bytes.clone())
                .map_err(|_| BundleError::Entry { name: name.clone(), reason: "not UTF-8".into() })?;
            let incoming = (h.to_seq, sha(bytes), csv);
            let slot = state.figures.entry(code.clone()).or_default();
            match slot.get(source) {
                Some(kept) if kept.0 > h.to_seq => {}
                Some(kept) if kept.0 == h.to_seq && kept.1 != incoming.1 => {
                    conflicts += 1;
                    state.conflicts.insert(Conflict {
                        village: code.clone(),
                        what: format!("aggregates/{source}"),
                        seq: h.to_seq,
                        kept_sha256: kept.1.clone(),
                        other_sha256: incoming.1.clone(),
                    });
                }
                _ => {
                    slot.insert(source.to_string(), incoming);
                }
            }
        } else if let Some(table) = name.strip_prefix("records/").and_then(|n| n.strip_suffix(".jsonl")) {
            for (n, line) in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).enumerate() {
                let r: RecordLine = serde_json::from_slice(line)
                    .map_err(|e| BundleError::Entry { name: name.clone(), reason: format!("line {}: {e}", n + 1) })?;
                let key = format!("{code}/{table}/{}", r.id);
                let digest = sha(line);
                records += 1;
                match state.records.get(&key) {
                    Some(kept) if kept.0 > r.seq => {}
                    Some(kept) if kept.0 == r.seq && kept.1 == digest => {}
                    Some(kept) if kept.0 == r.seq => {
                        conflicts += 1;
                        state.conflicts.insert(Conflict {
                            village: code.clone(),
                            what: format!("{table}/{}", r.id),
                            seq: r.seq,
                            kept_sha256: kept.1.clone(),
                            other_sha256: digest,
                        });
                    }
                    _ => {
                        state.records.insert(key, (r.seq, digest, r));
                    }
                }
            }
        }
    }
    state.villages.insert(code, h.village.clone());
    state.bundles.insert(id.clone());
    Ok(Outcome::Merged { id, records, conflicts })
}

/// Population and letters per village, then summed per kecamatan (the first
/// six digits of the village code) and kabupaten (the first four).
#[derive(Clone, Debug, Default, PartialEq)]
struct Line {
    level: &'static str,
    code: String,
    name: String,
    villages: u64,
    population: u64,
    male: u64,
    female: u64,
    age_0_14: u64,
    age_15_64: u64,
    age_65_plus: u64,
    letters: u64,
}

impl Line {
    fn add(&mut self, o: &Line) {
        self.villages += o.villages;
        self.population += o.population;
        self.male += o.male;
        self.female += o.female;
        self.age_0_14 += o.age_0_14;
        self.age_15_64 += o.age_15_64;
        self.age_65_plus += o.age_65_plus;
        self.letters += o.letters;
    }
}

fn village_line(code: &str, village: &Village, figures: &BTreeMap<String, (u64, String, String)>) -> Line {
    let mut line =
        Line { level: "desa", code: code.into(), name: village.name.clone(), villages: 1, ..Line::default() };
    if let Some((_, _, csv)) = figures.get("population") {
        for row in csv::Reader::from_reader(csv.as_bytes()).records().filter_map(Result::ok) {
            let n: u64 = row.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
            line.population += n;
            match row.get(1) {
                Some("L") => line.male += n,
                Some("P") => line.female += n,
                _ => {}
            }
            let low: u32 =
                row.get(2).and_then(|a| a.trim_end_matches('+').split('-').next()?.parse().ok()).unwrap_or(0);
            match low {
                0..=14 => line.age_0_14 += n,
                15..=64 => line.age_15_64 += n,
                _ => line.age_65_plus += n,
            }
        }
    }
    if let Some((_, _, csv)) = figures.get("letters") {
        line.letters = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| r.get(2).and_then(|n| n.parse::<u64>().ok()))
            .sum();
    }
    line
}

fn summary(state: &State) -> Vec<Line> {
    let mut villages = Vec::new();
    let mut groups: BTreeMap<(u8, String), Line> = BTreeMap::new();
    let empty = BTreeMap::new();
    for (code, village) in &state.villages {
        let line = village_line(code, village, state.figures.get(code).unwrap_or(&empty));
        for (rank, level, len, name) in
            [(0, "kabupaten", 4, &village.kabupaten), (1, "kecamatan", 6, &village.kecamatan)]
        {
            let key = code.get(..len).unwrap_or(code).to_string();
            let g = groups.entry((rank, key.clone())).or_insert_with(|| Line {
                level,
                code: key,
                name: name.clone(),
                ..Line::default()
            });
            g.add(&line);
        }
        villages.push(line);
    }
    let mut out: Vec<Line> = groups.into_values().collect();
    out.extend(villages);
    out
}

const COLUMNS: [&str; 11] = [
    "level",
    "code",
    "name",
    "villages",
    "population",
    "male",
    "female",
    "age_0_14",
    "age_15_64",
    "age_65_plus",
    "letters_issued",
];

fn cells(l: &Line) -> [String; 11] {
    [
        l.level.to_string(),
        l.code.clone(),
        l.name.clone(),
        l.villages.to_string(),
        l.population.to_string(),
        l.male.to_string(),
        l.female.to_string(),
        l.age_0_14.to_string(),
        l.age_15_64.to_string(),
        l.age_65_plus.to_string(),
        l.letters.to_string(),
    ]
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Writes the summary, the conflict list and the merged records; every file
/// depends only on `state`, so the order bundles came in does not show.
pub fn write_outputs(dir: &Path, state: &State) -> anyhow::Result<()> {
    let lines = summary(state);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for l in &lines {
        w.write_record(cells(l))?;
    }
    replace(&dir.join("summary.csv"), &w.into_inner()?)?;
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>Ringkasan desa / Village summary</title>\n<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:right}td:nth-child(-n+3),th{text-align:left}</style></head><body>\n<h1>Ringkasan kecamatan dan kabupaten / District summary</h1>\n<table><thead><tr>",
    );
    for c in COLUMNS {
        html.push_str(&format!("<th>{c}</th>"));
    }
    html.push_str("</tr></thead><tbody>\n");
    for l in &lines {
        html.push_str("<tr>");
        for c in cells(l) {
            html.push_str(&format!("<td>{}</td>", escape(&c)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str(&format!(
        "</tbody></table>\n<p>{} konflik / conflicts: conflicts.csv</p></body></html>\n",
        state.conflicts.len()
    ));
    replace(&dir.join("summary.html"), html.as_bytes())?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["village", "what", "seq", "kept_sha256", "other_sha256"])?;
    for c in &state.conflicts {
        w.write_record([&c.village, &c.what, &c.seq.to_string(), &c.kept_sha256, &c.other_sha256])?;
    }
    replace(&dir.join("conflicts.csv"), &w.into_inner()?)?;
    let mut per_file: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for (key, (_, _, line)) in &state.records {
        let mut parts = key.splitn(3, '/');
        let (Some(village), Some(table)) = (parts.next(), parts.next()) else { continue };
        let buf = per_file.entry(dir.join("records").join(village).join(format!("{table}.jsonl"))).or_default();
        serde_json::to_writer(&mut *buf, line)?;
        buf.push(b'\n');
    }
    for (path, bytes) in per_file {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        replace(&path, &bytes)?;
    }
    Ok(())
}
