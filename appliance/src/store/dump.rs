//! A consistent copy of every tree while the daemon keeps serving, and the
//! way back into a fresh data dir.
//!
//! sled has no snapshot, and holding the writer lock for a whole backup would
//! stall every write for seconds. So the copy is taken in two passes:
//!
//! 1. Under the writer lock, note the log head `S0` and start a *tracker*;
//!    then, without the lock, walk every tree. Each commit made meanwhile
//!    first tells the tracker (under the writer lock, before its
//!    transaction) every key it will touch: the record, its `ixkeys` entry,
//!    its old and new index entries and unique markers, its log reference.
//! 2. Under the writer lock again (brief: only what changed), note the head
//!    `S1` and write the *overlay*: the current value, or its absence, of each
//!    tracked key, the log entries after `S0`, and the small `meta` tree.
//!
//! Applying the first pass and then the overlay gives exactly the store as it
//! was at `S1`, whatever the first pass saw of the writes in between. Trees a
//! domain writes outside [`Store::commit`] (none on main yet; a time series
//! might) are copied key by key, without tracking.
//!
//! Every tree is copied, so a table a new domain adds is in the backup with
//! no change here: records go to `tables/<table>.jsonl` (one
//! `{"id":…,"record":…}` per line), the change log to `log.jsonl` (its entries
//! as they are), and every other tree to `trees/<tree>.jsonl` (`{"k","v"}` in
//! base64).

use super::{Change, ChangeKind, SEP, Store, StoreError, decode, index_prefix, log_ref_key, record_key, unique_marker};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Where the dump's lines go: a new section starts a new file (a zip entry).
pub trait DumpSink {
    fn section(&mut self, name: &str) -> std::io::Result<()>;
    fn line(&mut self, line: &[u8]) -> std::io::Result<()>;
}

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the backup: {0}")]
    Io(#[from] std::io::Error),
    #[error("{section}, line {line}: {reason}")]
    Line { section: String, line: u64, reason: String },
    #[error("{0}")]
    Check(String),
}

/// What a dump holds: the log sequence it is consistent at, and the records
/// per table.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Snapshot {
    pub seq: u64,
    pub counts: BTreeMap<String, u64>,
}

/// Keys touched by commits while a dump runs (see the module comment).
#[derive(Default)]
pub(super) struct Tracker {
    /// `records` keys, each with whether the first pass emitted it.
    records: HashMap<Vec<u8>, bool>,
    /// `index` and `ixkeys` keys.
    index: HashSet<Vec<u8>>,
    ixkeys: HashSet<Vec<u8>>,
    /// The last `records` key the first pass has dealt with.
    cursor: Option<Vec<u8>>,
}

/// The trees the store itself manages; the rest are copied generically.
const UNDO: &str = "undo";

pub const SECTION_LOG: &str = "log.jsonl";
pub const SECTION_OVERLAY: &str = "overlay.jsonl";
pub const SECTION_META: &str = "trees/meta.jsonl";

#[derive(Serialize, Deserialize)]
struct RawLine {
    k: String,
    v: String,
}

#[derive(Serialize, Deserialize)]
struct OverlayLine {
    t: String,
    k: String,
    v: Option<String>,
}

#[derive(Deserialize)]
struct RecordLine<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    record: &'a serde_json::value::RawValue,
}

/// A table or tree name as a file name: plain names stay, anything else is hex.
pub fn safe_name(name: &[u8]) -> String {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_' || *b == b'-');
    if plain { String::from_utf8_lossy(name).into_owned() } else { format!("x{}", hex::encode(name)) }
}

fn name_back(safe: &str) -> Result<Vec<u8>, String> {
    match safe.strip_prefix('x') {
        Some(h) if h.len() % 2 == 0 && h.bytes().all(|b| b.is_ascii_hexdigit()) && !h.is_empty() => {
            hex::decode(h).map_err(|e| e.to_string())
        }
        _ => Ok(safe.as_bytes().to_vec()),
    }
}

impl Store {
    /// Called under the writer lock before a commit's transaction: remembers
    /// every key the commit will touch while a dump runs.
    pub(super) fn track(&self, changes: &[Change], first_seq: u64) -> Result<(), StoreError> {
        let mut guard = self.tracker.lock().unwrap_or_else(|p| p.into_inner());
        let Some(tracker) = guard.as_mut() else { return Ok(()) };
        for (i, change) in changes.iter().enumerate() {
            tracker.index.insert(log_ref_key(change.table, &change.id, first_seq + i as u64));
            if matches!(change.kind, ChangeKind::Note(_)) {
                continue;
            }
            let rkey = record_key(change.table, &change.id);
            if !tracker.records.contains_key(&rkey) {
                let passed = tracker.cursor.as_deref().is_some_and(|c| c >= rkey.as_slice());
                let emitted = passed && self.records.contains_key(&rkey)?;
                tracker.records.insert(rkey.clone(), emitted);
            }
            let mut keys: Vec<(String, String)> = match self.ixkeys.get(&rkey)? {
                Some(old) => decode(&old)?,
                None => Vec::new(),
            };
            if let ChangeKind::Put { index, .. } = &change.kind {
                keys.extend(index.iter().map(|(n, k)| (n.to_string(), k.clone())));
            }
            for (name, key) in keys {
                let mut k = index_prefix(change.table, &name, &key);
                k.extend_from_slice(change.id.as_bytes());
                tracker.index.insert(k);
                tracker.index.insert(unique_marker(change.table, &name, &key));
            }
            tracker.ixkeys.insert(rkey);
        }
        Ok(())
    }

    /// Writes the whole store to `sink`, consistent at the returned sequence,
    /// while other threads keep committing.
    pub fn dump(&self, sink: &mut dyn DumpSink) -> Result<Snapshot, DumpError> {
        let s0 = {
            let _w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            *self.tracker.lock().unwrap_or_else(|p| p.into_inner()) = Some(Tracker::default());
            self.last_seq()?
        };
        let result = self.dump_passes(sink, s0);
        *self.tracker.lock().unwrap_or_else(|p| p.into_inner()) = None;
        result
    }

    fn dump_passes(&self, sink: &mut dyn DumpSink, s0: u64) -> Result<Snapshot, DumpError> {
        let mut counts = self.dump_records(sink)?;
        for (name, tree) in [("index", &self.index), ("ixkeys", &self.ixkeys)] {
            sink.section(&format!("trees/{name}.jsonl"))?;
            dump_raw(tree, sink)?;
        }
        let fixed = ["records", "index", "ixkeys", "log", "meta", UNDO];
        for name in self.db.tree_names() {
            if fixed.iter().any(|f| f.as_bytes() == name.as_ref()) {
                continue;
            }
            let tree = self.db.open_tree(&name).map_err(StoreError::from)?;
            sink.section(&format!("trees/{}.jsonl", safe_name(&name)))?;
            dump_raw(&tree, sink)?;
        }
        sink.section(SECTION_LOG)?;
        for kv in self.log.range(..=s0.to_be_bytes()) {
            let (_, v) = kv.map_err(StoreError::from)?;
            sink.line(&v)?;
        }
        // second pass: what changed meanwhile, with writers held off
        let _w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let s1 = self.last_seq()?;
        let tracker = self.tracker.lock().unwrap_or_else(|p| p.into_inner()).take().unwrap_or_default();
        sink.section(SECTION_OVERLAY)?;
        for (key, emitted) in &tracker.records {
            let now = self.records.get(key).map_err(StoreError::from)?;
            let table = safe_name(&key[..key.iter().position(|b| *b == SEP).unwrap_or(key.len())]);
            let delta = i64::from(now.is_some()) - i64::from(*emitted);
            let n = counts.entry(table).or_insert(0);
            *n = n.saturating_add_signed(delta);
            overlay_line(sink, "records", key, now.as_deref())?;
        }
        for (name, tree, keys) in [("index", &self.index, &tracker.index), ("ixkeys", &self.ixkeys, &tracker.ixkeys)] {
            for key in keys {
                overlay_line(sink, name, key, tree.get(key).map_err(StoreError::from)?.as_deref())?;
            }
        }
        for kv in self.log.range((s0 + 1).to_be_bytes()..) {
            let (k, v) = kv.map_err(StoreError::from)?;
            overlay_line(sink, "log", &k, Some(&v))?;
        }
        sink.section(SECTION_META)?;
        dump_raw(&self.meta, sink)?;
        counts.retain(|_, n| *n > 0);
        Ok(Snapshot { seq: s1, counts })
    }

    /// The first pass over records, one section per table. A key a commit
    /// has already claimed is left to the overlay.
    fn dump_records(&self, sink: &mut dyn DumpSink) -> Result<BTreeMap<String, u64>, DumpError> {
        let mut counts = BTreeMap::new();
        let mut current: Option<String> = None;
        let mut line = Vec::with_capacity(4096);
        for kv in self.records.iter() {
            let (k, v) = kv.map_err(StoreError::from)?;
            {
                let mut guard = self.tracker.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(t) = guard.as_mut() {
                    if t.records.contains_key(k.as_ref()) {
                        continue;
                    }
                    t.cursor = Some(k.to_vec());
                }
            }
            let cut = k.iter().position(|b| *b == SEP).unwrap_or(k.len());
            let table = safe_name(&k[..cut]);
            if current.as_deref() != Some(table.as_str()) {
                sink.section(&format!("tables/{table}.jsonl"))?;
                current = Some(table.clone());
            }
            let id = String::from_utf8_lossy(k.get(cut + 1..).unwrap_or_default());
            line.clear();
            line.extend_from_slice(b"{\"id\":");
            serde_json::to_writer(&mut line, &id).map_err(StoreError::encode)?;
            line.extend_from_slice(b",\"record\":");
            line.extend_from_slice(&v);
            line.push(b'}');
            sink.line(&line)?;
            *counts.entry(table).or_insert(0) += 1;
        }
        Ok(counts)
    }
}

fn dump_raw(tree: &sled::Tree, sink: &mut dyn DumpSink) -> Result<(), DumpError> {
    for kv in tree.iter() {
        let (k, v) = kv.map_err(StoreError::from)?;
        let line = RawLine { k: B64.encode(&k), v: B64.encode(&v) };
        sink.line(&serde_json::to_vec(&line).map_err(StoreError::encode)?)?;
    }
    Ok(())
}

fn overlay_line(sink: &mut dyn DumpSink, tree: &str, key: &[u8], value: Option<&[u8]>) -> Result<(), DumpError> {
    let line = OverlayLine { t: tree.to_string(), k: B64.encode(key), v: value.map(|v| B64.encode(v)) };
    sink.line(&serde_json::to_vec(&line).map_err(StoreError::encode)?)?;
    Ok(())
}

/// Rebuilds a store in a new, empty directory from a dump's sections, fed in
/// the order [`section_order`] gives.
///
/// Parsing lines and writing them overlap: full batches go to a writer
/// thread (through a short queue, so memory stays bounded) while the caller
/// decompresses, hashes and parses the next ones.
pub struct Restorer {
    db: sled::Db,
    batch: sled::Batch,
    batch_tree: Option<sled::Tree>,
    pending: usize,
    to_writer: Option<std::sync::mpsc::SyncSender<(sled::Tree, sled::Batch)>>,
    writer: Option<std::thread::JoinHandle<Result<(), StoreError>>>,
}

/// Entries per `apply_batch`: large enough that sled's per-batch cost
/// vanishes, small enough that two queued batches stay a few tens of MB.
const BATCH_ENTRIES: usize = 20_000;

/// Sections in the order they must be applied: the first pass, the log, the
/// overlay, then `meta`. Unknown names sort last and are refused by `line`.
pub fn section_order(name: &str) -> u8 {
    match name {
        SECTION_LOG => 2,
        SECTION_OVERLAY => 3,
        SECTION_META => 4,
        n if n.starts_with("tables/") => 0,
        n if n.starts_with("trees/") => 1,
        _ => 9,
    }
}

impl Restorer {
    pub fn create(dir: &Path) -> Result<Restorer, DumpError> {
        if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
            return Err(DumpError::Check(format!("{} is not empty", dir.display())));
        }
        // No periodic flush while loading: `finish` flushes once, and an
        // interrupted restore is thrown away whole.
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(64 * 1024 * 1024)
            .flush_every_ms(None)
            .open()
            .map_err(StoreError::from)?;
        let (to_writer, batches) = std::sync::mpsc::sync_channel::<(sled::Tree, sled::Batch)>(2);
        let writer = std::thread::Builder::new()
            .name("restore-writer".into())
            .spawn(move || {
                for (tree, batch) in batches {
                    tree.apply_batch(batch).map_err(StoreError::from)?;
                }
                Ok(())
            })
            .map_err(|e| StoreError::Engine(e.to_string()))?;
        Ok(Restorer {
            db,
            batch: sled::Batch::default(),
            batch_tree: None,
            pending: 0,
            to_writer: Some(to_writer),
            writer: Some(writer),
        })
    }

    /// Waits for the writer thread; its error, if it stopped on one.
    fn join_writer(&mut self) -> Result<(), DumpError> {
        drop(self.to_writer.take());
        match self.writer.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => Ok(result?),
            Some(Err(_)) => Err(StoreError::Engine("the restore writer thread panicked".into()).into()),
            None => Ok(()),
        }
    }

    fn put(&mut self, tree: &[u8], key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), DumpError> {
        if self.batch_tree.as_ref().is_none_or(|t| t.name().as_ref() != tree) {
            self.flush_batch()?;
            self.batch_tree = Some(self.db.open_tree(tree).map_err(StoreError::from)?);
        }
        match value {
            Some(v) => self.batch.insert(key, v),
            None => self.batch.remove(key),
        }
        self.pending += 1;
        if self.pending >= BATCH_ENTRIES {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// Hands the batch to the writer thread (batches are applied in order).
    fn flush_batch(&mut self) -> Result<(), DumpError> {
        if let Some(tree) = &self.batch_tree
            && self.pending > 0
        {
            let batch = std::mem::take(&mut self.batch);
            let sent = self.to_writer.as_ref().map(|w| w.send((tree.clone(), batch)));
            if !matches!(sent, Some(Ok(()))) {
                // the writer stopped: its error says why
                self.join_writer()?;
                return Err(StoreError::Engine("the restore writer thread stopped".into()).into());
            }
        }
        self.pending = 0;
        Ok(())
    }

    /// Applies one line of a section; `number` is only for the error.
    pub fn line(&mut self, section: &str, number: u64, line: &[u8]) -> Result<(), DumpError> {
        let bad = |reason: String| DumpError::Line { section: section.to_string(), line: number, reason };
        if section == SECTION_LOG {
            let entry: super::LogEntry = decode(line).map_err(|e| bad(e.to_string()))?;
            return self.put(b"log", entry.seq.to_be_bytes().to_vec(), Some(line.to_vec()));
        }
        if section == SECTION_OVERLAY {
            let o: OverlayLine = serde_json::from_slice(line).map_err(|e| bad(e.to_string()))?;
            if !["records", "index", "ixkeys", "log"].contains(&o.t.as_str()) {
                return Err(bad(format!("unknown tree {}", o.t)));
            }
            let k = B64.decode(&o.k).map_err(|e| bad(e.to_string()))?;
            let v = o.v.map(|v| B64.decode(v)).transpose().map_err(|e| bad(e.to_string()))?;
            return self.put(o.t.as_bytes(), k, v);
        }
        if let Some(table) = section.strip_prefix("tables/").and_then(|s| s.strip_suffix(".jsonl")) {
            let r: RecordLine = serde_json::from_slice(line).map_err(|e| bad(e.to_string()))?;
            let table = name_back(table).map_err(bad)?;
            let mut key = table;
            key.push(SEP);
            key.extend_from_slice(r.id.as_bytes());
            return self.put(b"records", key, Some(r.record.get().as_bytes().to_vec()));
        }
        if let Some(tree) = section.strip_prefix("trees/").and_then(|s| s.strip_suffix(".jsonl")) {
            let tree = name_back(tree).map_err(bad)?;
            if tree == b"records" || tree == b"log" || tree == UNDO.as_bytes() {
                return Err(bad("not a raw tree".into()));
            }
            let r: RawLine = serde_json::from_slice(line).map_err(|e| bad(e.to_string()))?;
            let k = B64.decode(&r.k).map_err(|e| bad(e.to_string()))?;
            let v = B64.decode(&r.v).map_err(|e| bad(e.to_string()))?;
            return self.put(&tree, k, Some(v));
        }
        Err(bad("not a section of a Balai backup".into()))
    }

    /// Writes everything down, opens the result as a [`Store`] and checks it
    /// against what the backup said it holds.
    pub fn finish(mut self, dir: &Path, expected: &Snapshot) -> Result<Store, DumpError> {
        self.flush_batch()?;
        self.join_writer()?;
        self.db.flush().map_err(StoreError::from)?;
        drop(self.batch_tree.take());
        drop(self);
        let store = reopen(dir)?;
        let report = store.verify_chain()?;
        if !report.ok() {
            return Err(DumpError::Check(format!("restored change log is broken: {}", report.problems.join("; "))));
        }
        let seq = store.last_seq()?;
        if seq != expected.seq {
            return Err(DumpError::Check(format!("restored log ends at {seq}, the backup says {}", expected.seq)));
        }
        let counts = store.table_counts()?;
        if counts != expected.counts {
            return Err(DumpError::Check(format!(
                "restored record counts {counts:?} differ from the backup's {:?}",
                expected.counts
            )));
        }
        Ok(store)
    }
}

impl Drop for Restorer {
    /// A restore that failed half-way is removed by its caller: the writer
    /// must have stopped writing into it first.
    fn drop(&mut self) {
        let _ = self.join_writer();
    }
}

/// sled's background threads let go of the directory's lock a moment after
/// the last handle is dropped, so the first open may find it still held.
fn reopen(dir: &Path) -> Result<Store, StoreError> {
    for _ in 0..500 {
        match Store::open(dir) {
            Err(StoreError::Locked) => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other,
        }
    }
    Store::open(dir)
}

impl Store {
    /// Records per table, by walking every key once.
    pub fn table_counts(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        let mut counts = BTreeMap::new();
        for kv in self.records.iter() {
            let (k, _) = kv?;
            let cut = k.iter().position(|b| *b == SEP).unwrap_or(k.len());
            *counts.entry(safe_name(&k[..cut])).or_insert(0) += 1;
        }
        Ok(counts)
    }

    /// Writes `n` raw entries into a tree the store does not manage, for the
    /// backup benchmark's stand-in of a time series (no such table on main).
    pub fn bench_fill_raw(
        &self,
        tree: &str,
        entries: impl Iterator<Item = (Vec<u8>, Vec<u8>)>,
    ) -> Result<(), StoreError> {
        let tree = self.db.open_tree(tree)?;
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for (k, v) in entries {
            batch.insert(k, v);
            n += 1;
            if n % 10_000 == 0 {
                tree.apply_batch(std::mem::take(&mut batch))?;
            }
        }
        tree.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }
}
