//! The one seam to the storage engine. Only this folder names sled: if sled fails
//! the crash or space tests, swapping the engine touches nothing else.
//!
//! Layout: five fixed trees, so every write is one transaction over the same set.
//! - `records`: `table \0 id` → JSON record
//! - `index`:   `table \0 index \0 key \0 id` → empty (secondary indexes)
//! - `ixkeys`:  `table \0 id` → the index entries the record currently holds
//! - `log`:     big-endian sequence → hash-chained [`LogEntry`]
//! - `meta`:    schema version, head of the log
//! - `undo`:    the journal of a large write in progress (`batch.rs`)
//!
//! Every change goes through [`Store::commit`]: record, index entries and one log
//! entry per change land in one transaction, under one writer lock, so the log's
//! sequence and hash chain have no gaps and no forks.

mod batch;
pub mod dump;
mod log;
mod migrate;
mod space;
#[cfg(test)]
mod tests;

pub use log::{ChainReport, LogEntry, Op};
pub use migrate::{MIGRATIONS, Migration, SCHEMA_VERSION};
pub use space::{Space, SpaceBatch};

use serde::{Serialize, de::DeserializeOwned};
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::{Transactional, Tree};
use std::path::Path;
use std::sync::Mutex;

/// A record kept in a table. The store stays generic: each domain says its table
/// name, its id and which secondary index keys it wants.
pub trait Record: Serialize + DeserializeOwned {
    const TABLE: &'static str;
    /// Indexes whose keys no two records of the table may share.
    const UNIQUE: &'static [&'static str] = &[];
    fn id(&self) -> &str;
    /// (index name, key) pairs; a record may have several keys in one index.
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// One change in a commit. Built from typed records by [`Change::put`] and
/// [`Change::delete`]; `Note` logs an event that changes no record (a view of a
/// full record, a sign-in) so the audit trail shares the chain's tamper evidence.
pub struct Change {
    table: &'static str,
    id: String,
    kind: ChangeKind,
    unique: &'static [&'static str],
    detail: String,
}

enum ChangeKind {
    Put { value: Vec<u8>, index: Vec<(&'static str, String)> },
    Delete,
    Note(Op),
}

impl Change {
    pub fn put<R: Record>(record: &R) -> Result<Change, StoreError> {
        Ok(Change {
            table: R::TABLE,
            id: record.id().to_string(),
            kind: ChangeKind::Put {
                value: serde_json::to_vec(record).map_err(StoreError::encode)?,
                index: record.index_keys(),
            },
            unique: R::UNIQUE,
            detail: String::new(),
        })
    }

    pub fn delete<R: Record>(id: &str) -> Change {
        Change { table: R::TABLE, id: id.to_string(), kind: ChangeKind::Delete, unique: &[], detail: String::new() }
    }

    /// An audited event on an entity that writes no record (`Op::View`, ...).
    pub fn note(table: &'static str, id: &str, op: Op) -> Change {
        Change { table, id: id.to_string(), kind: ChangeKind::Note(op), unique: &[], detail: String::new() }
    }

    /// A short human-readable detail for the audit view (never personal data
    /// beyond what the entity id already names).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Change {
        self.detail = detail.into();
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage engine: {0}")]
    Engine(String),
    #[error("record could not be encoded or decoded: {0}")]
    Codec(String),
    #[error("{table}.{index} already holds {key}")]
    Unique { table: &'static str, index: &'static str, key: String, holder: String },
    #[error("data dir is in use by another process (is the daemon running?)")]
    Locked,
    #[error("schema version {found} is newer than this program knows ({known})")]
    TooNew { found: u32, known: u32 },
}

impl StoreError {
    fn encode(e: serde_json::Error) -> StoreError {
        StoreError::Codec(e.to_string())
    }
    fn engine(e: impl std::fmt::Display) -> StoreError {
        StoreError::Engine(e.to_string())
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match &e {
            sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => StoreError::Locked,
            sled::Error::Io(io) if io.to_string().contains("lock") => StoreError::Locked,
            _ => StoreError::engine(e),
        }
    }
}

/// Whether [`Store::commit`] waits for the disk. Records that a user was told
/// are saved must be `Durable`; view notes may ride on the next flush.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Durability {
    Durable,
    Lazy,
}

pub struct Store {
    db: sled::Db,
    records: Tree,
    index: Tree,
    ixkeys: Tree,
    log: Tree,
    meta: Tree,
    /// The journal of an unfinished batch (see `batch.rs`); empty otherwise.
    undo: Tree,
    writer: Mutex<()>,
    counts: Mutex<std::collections::HashMap<Vec<u8>, (u64, usize)>>,
    /// Keys commits touch while a backup copies the store (`dump.rs`).
    tracker: Mutex<Option<dump::Tracker>>,
}

const SEP: u8 = 0;

fn record_key(table: &str, id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(table.len() + id.len() + 1);
    k.extend_from_slice(table.as_bytes());
    k.push(SEP);
    k.extend_from_slice(id.as_bytes());
    k
}

fn index_prefix(table: &str, index: &str, key: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(table.len() + index.len() + key.len() + 3);
    for part in [table, index, key] {
        k.extend_from_slice(part.as_bytes());
        k.push(SEP);
    }
    k
}

impl Store {
    /// Opens (or creates) the store in `dir` and runs pending migrations.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Self::open_with(dir, MIGRATIONS)
    }

    pub fn open_with(dir: &Path, migrations: &[Migration]) -> Result<Store, StoreError> {
        let db = sled::Config::new().path(dir).cache_capacity(32 * 1024 * 1024).open()?;
        let store = Store {
            records: db.open_tree("records")?,
            index: db.open_tree("index")?,
            ixkeys: db.open_tree("ixkeys")?,
            log: db.open_tree("log")?,
            meta: db.open_tree("meta")?,
            undo: db.open_tree("undo")?,
            db,
            writer: Mutex::new(()),
            counts: Mutex::new(std::collections::HashMap::new()),
            tracker: Mutex::new(None),
        };
        migrate::run(&store, migrations)?;
        store.roll_back_pending()?;
        Ok(store)
    }

    /// Applies `changes` atomically and appends one chained log entry per change.
    /// Returns the sequence of the last entry written.
    pub fn commit(&self, actor: &str, changes: Vec<Change>, durability: Durability) -> Result<u64, StoreError> {
        let _guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.commit_locked(actor, changes, durability)
    }

    /// Reads, decides and writes with no other writer in between: `decide` sees
    /// the store as it is and returns the changes (or an error, and nothing is
    /// written). For counters that must have no gaps and no duplicates, such
    /// as letter numbers and queue tickets. Returns what `decide` produced
    /// alongside the last sequence written.
    pub fn commit_with<T, E>(
        &self,
        actor: &str,
        durability: Durability,
        decide: impl FnOnce(&Store) -> Result<(Vec<Change>, T), E>,
    ) -> Result<(u64, T), E>
    where
        E: From<StoreError>,
    {
        let _guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let (changes, value) = decide(self)?;
        let seq = self.commit_locked(actor, changes, durability)?;
        Ok((seq, value))
    }

    fn commit_locked(&self, actor: &str, changes: Vec<Change>, durability: Durability) -> Result<u64, StoreError> {
        let now = chrono::Utc::now();
        self.track(&changes, log::head(&self.meta)?.0 + 1)?;
        let trees =
            [self.records.clone(), self.index.clone(), self.ixkeys.clone(), self.log.clone(), self.meta.clone()];
        let result = trees[..].transaction(|t| {
            let (records, index, ixkeys, log_t, meta) = (&t[0], &t[1], &t[2], &t[3], &t[4]);
            let (mut seq, mut prev) = log::head_in(meta)?;
            for change in &changes {
                let op = apply(records, index, ixkeys, change)?;
                seq += 1;
                let entry = LogEntry::new(seq, now, actor, change.table, &change.id, op, &change.detail, &prev);
                let bytes = serde_json::to_vec(&entry).map_err(|e| abort(StoreError::encode(e)))?;
                log_t.insert(&seq.to_be_bytes(), bytes)?;
                index.insert(log_ref_key(change.table, &change.id, seq), &[][..])?;
                prev = entry.hash;
            }
            log::set_head_in(meta, seq, &prev)?;
            Ok(seq)
        });
        let seq = match result {
            Ok(seq) => seq,
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(e.into()),
        };
        if durability == Durability::Durable {
            self.db.flush()?;
        }
        Ok(seq)
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>, StoreError> {
        match self.records.get(record_key(R::TABLE, id))? {
            Some(bytes) => decode(&bytes).map(Some),
            None => Ok(None),
        }
    }

    /// A record's stored JSON, for code that handles any table (uplink bundles).
    pub fn get_raw(&self, table: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.records.get(record_key(table, id))?.map(|v| v.to_vec()))
    }

    /// Every record of a table, in id order. Skips nothing: a record that does
    /// not decode is an error, not a silent gap.
    pub fn scan<R: Record>(&self) -> impl Iterator<Item = Result<R, StoreError>> + '_ {
        let mut prefix = R::TABLE.as_bytes().to_vec();
        prefix.push(SEP);
        self.records.scan_prefix(prefix).map(|kv| kv.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
    }

    /// Records of a table whose id starts with `prefix`, in id order: one
    /// sequential read, for tables whose ids lead with what is asked for
    /// (a posyandu weighing's id starts with its month).
    pub fn scan_prefix<R: Record>(&self, prefix: &str) -> impl Iterator<Item = Result<R, StoreError>> + '_ {
        let mut key = R::TABLE.as_bytes().to_vec();
        key.push(SEP);
        key.extend_from_slice(prefix.as_bytes());
        self.records.scan_prefix(key).map(|kv| kv.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
    }

    pub fn count<R: Record>(&self) -> usize {
        let mut prefix = R::TABLE.as_bytes().to_vec();
        prefix.push(SEP);
        self.records.scan_prefix(prefix).count()
    }

    /// Ids whose key in `index` equals `key`.
    pub fn ids_by(&self, table: &str, index: &str, key: &str) -> Result<Vec<String>, StoreError> {
        let prefix = index_prefix(table, index, key);
        let mut ids = Vec::new();
        for kv in self.index.scan_prefix(&prefix) {
            let (k, _) = kv?;
            ids.push(String::from_utf8_lossy(&k[prefix.len()..]).into_owned());
        }
        Ok(ids)
    }

    /// Ids under `index` whose key starts with `prefix`, in key order: `limit`
    /// of them after skipping `offset`, and how many there are in all. Only
    /// keys are walked, so a page costs little even deep into 50,000 records.
    pub fn index_page(
        &self,
        table: &str,
        index: &str,
        prefix: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<String>, usize), StoreError> {
        let mut base = index_prefix(table, index, "");
        base.pop();
        let head_len = base.len();
        base.extend_from_slice(prefix.as_bytes());
        let mut ids = Vec::with_capacity(limit);
        for kv in self.index.scan_prefix(&base).skip(offset).take(limit) {
            let (k, _) = kv?;
            // the id follows the last separator of the key
            let rest = &k[head_len..];
            let cut = rest.iter().rposition(|b| *b == SEP).map(|i| i + 1).unwrap_or(0);
            ids.push(String::from_utf8_lossy(&rest[cut..]).into_owned());
        }
        Ok((ids, self.count_prefix(&base)?))
    }

    /// Counts keys under an index prefix, remembered until the next write so
    /// list pages do not walk the whole index on every request.
    fn count_prefix(&self, prefix: &[u8]) -> Result<usize, StoreError> {
        let seq = self.last_seq()?;
        let mut cache = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, n)) = cache.get(prefix)
            && *at == seq
        {
            return Ok(*n);
        }
        let n = self.index.scan_prefix(prefix).count();
        cache.insert(prefix.to_vec(), (seq, n));
        Ok(n)
    }

    /// Records whose key in `index` equals `key`.
    pub fn find_by<R: Record>(&self, index: &str, key: &str) -> Result<Vec<R>, StoreError> {
        let mut out = Vec::new();
        for id in self.ids_by(R::TABLE, index, key)? {
            if let Some(r) = self.get(&id)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// The highest sequence in the change log (0 when empty).
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        Ok(log::head(&self.meta)?.0)
    }

    /// Log entries with sequence > `after`, in order.
    pub fn log_since(&self, after: u64) -> impl Iterator<Item = Result<LogEntry, StoreError>> + '_ {
        self.log.range((after + 1).to_be_bytes()..).map(|kv| kv.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
    }

    /// The log entries about one record (its history), oldest first, found
    /// through a per-record reference index rather than a scan of the log.
    pub fn log_for(&self, table: &str, id: &str) -> Result<Vec<LogEntry>, StoreError> {
        let prefix = log_ref_key(table, id, 0);
        let prefix = &prefix[..prefix.len() - 8];
        let mut out = Vec::new();
        for kv in self.index.scan_prefix(prefix) {
            let (k, _) = kv?;
            if let Some(bytes) = self.log.get(&k[k.len() - 8..])? {
                out.push(decode(&bytes)?);
            }
        }
        Ok(out)
    }

    /// Log entries in reverse order (newest first), for the audit view.
    pub fn log_rev(&self) -> impl Iterator<Item = Result<LogEntry, StoreError>> + '_ {
        self.log.iter().rev().map(|kv| kv.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
    }

    /// Recomputes the hash chain: detects an edited, removed or cut entry.
    pub fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        log::verify(&self.log, &self.meta)
    }

    /// Bytes the engine uses on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }

    /// Bytes of keys and values held in each tree: the live data, to compare
    /// with [`Store::size_on_disk`].
    pub fn live_bytes(&self) -> Vec<(&'static str, u64)> {
        let trees = [
            ("records", &self.records),
            ("index", &self.index),
            ("ixkeys", &self.ixkeys),
            ("log", &self.log),
            ("meta", &self.meta),
        ];
        trees
            .iter()
            .map(|(name, tree)| {
                let bytes = tree.iter().filter_map(Result::ok).map(|(k, v)| (k.len() + v.len()) as u64).sum();
                (*name, bytes)
            })
            .collect()
    }

    /// Small settings (village profile...) that live beside the records.
    pub fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.meta.get(key)?.map(|v| v.to_vec()))
    }

    #[cfg(test)]
    fn raw_log(&self) -> &Tree {
        &self.log
    }
}

fn decode<R: DeserializeOwned>(bytes: &[u8]) -> Result<R, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Codec(e.to_string()))
}

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
}

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

/// Writes one change's record and index entries; returns the log operation.
fn apply(
    records: &TransactionalTree,
    index: &TransactionalTree,
    ixkeys: &TransactionalTree,
    change: &Change,
) -> TxResult<Op> {
    let rkey = record_key(change.table, &change.id);
    match &change.kind {
        ChangeKind::Note(op) => Ok(*op),
        ChangeKind::Delete => {
            remove_index_entries(index, ixkeys, &rkey, change)?;
            let existed = records.remove(rkey)?.is_some();
            Ok(if existed { Op::Delete } else { Op::Note })
        }
        ChangeKind::Put { value, index: keys } => {
            check_unique(index, change, keys)?;
            remove_index_entries(index, ixkeys, &rkey, change)?;
            for (name, key) in keys {
                let mut k = index_prefix(change.table, name, key);
                k.extend_from_slice(change.id.as_bytes());
                index.insert(k, &[][..])?;
                if change.unique.contains(name) {
                    index.insert(unique_marker(change.table, name, key), change.id.as_bytes())?;
                }
            }
            let stored: Vec<(String, String)> = keys.iter().map(|(n, k)| (n.to_string(), k.clone())).collect();
            let bytes = serde_json::to_vec(&stored).map_err(|e| abort(StoreError::encode(e)))?;
            ixkeys.insert(rkey.clone(), bytes)?;
            let existed = records.insert(rkey, value.as_slice())?.is_some();
            Ok(if existed { Op::Update } else { Op::Create })
        }
    }
}

fn remove_index_entries(
    index: &TransactionalTree,
    ixkeys: &TransactionalTree,
    rkey: &[u8],
    change: &Change,
) -> TxResult<()> {
    let Some(old) = ixkeys.remove(rkey)? else {
        return Ok(());
    };
    let old: Vec<(String, String)> = decode(&old).map_err(abort)?;
    for (name, key) in old {
        let mut k = index_prefix(change.table, &name, &key);
        k.extend_from_slice(change.id.as_bytes());
        index.remove(k)?;
        let marker = unique_marker(change.table, &name, &key);
        if index.get(&marker)?.is_some_and(|h| h.as_ref() == change.id.as_bytes()) {
            index.remove(marker)?;
        }
    }
    Ok(())
}

/// A unique index key may be held only by the record being written.
/// Transactional trees have no range scan, so each unique key also has a `!u`
/// marker entry holding its owner's id, which a point lookup can check.
fn check_unique(index: &TransactionalTree, change: &Change, keys: &[(&'static str, String)]) -> TxResult<()> {
    for (name, key) in keys.iter().filter(|(n, _)| change.unique.contains(n)) {
        let marker = unique_marker(change.table, name, key);
        if let Some(holder) = index.get(&marker)? {
            let holder = String::from_utf8_lossy(&holder).into_owned();
            if holder != change.id {
                return Err(abort(StoreError::Unique { table: change.table, index: name, key: key.clone(), holder }));
            }
        }
    }
    Ok(())
}

/// `!log \0 table \0 id \0 seq`: which log entries concern a record.
fn log_ref_key(table: &str, id: &str, seq: u64) -> Vec<u8> {
    let mut k = b"!log".to_vec();
    k.push(SEP);
    k.extend_from_slice(table.as_bytes());
    k.push(SEP);
    k.extend_from_slice(id.as_bytes());
    k.push(SEP);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn unique_marker(table: &str, index: &str, key: &str) -> Vec<u8> {
    let mut k = b"!u".to_vec();
    k.push(SEP);
    k.extend_from_slice(&index_prefix(table, index, key));
    k
}
