//! Large all-or-nothing writes (a 50,000-row import) in bounded memory.
//!
//! One sled transaction pins its epoch for the whole commit, so every node
//! version it replaces stays in memory until the end: about 68 KB per change,
//! 3.4 GB for a 50,000-resident import. A batch is therefore written as
//! several transactions, with an undo journal: before the first, a
//! `pending_batch` marker is stored; each transaction also records the old
//! state of every record it touches in the `undo` tree (one entry per
//! transaction); the last step removes
//! the marker. If the batch fails half-way, or the box stops before the
//! marker is removed, [`Store::roll_back_pending`] (also run at open) restores
//! the old records and cuts the change log back to where the batch began, so
//! nothing of it remains.

use super::{
    Change, ChangeKind, Store, StoreError, TxResult, abort, apply, decode, index_prefix, log, log_ref_key, record_key,
    unique_marker,
};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{TransactionError, TransactionalTree};

const PENDING: &str = "pending_batch";

#[derive(Serialize, Deserialize)]
struct Pending {
    /// The first log sequence the batch writes.
    from_seq: u64,
}

/// The state of one record before the batch touched it.
#[derive(Serialize, Deserialize)]
struct Undo {
    table: String,
    id: String,
    old: Option<Vec<u8>>,
    /// (index, key, unique) entries the old record held.
    old_keys: Vec<(String, String, bool)>,
}

impl Store {
    /// Applies `changes` in transactions of `chunk` changes, all or nothing:
    /// on any error the store is as before and the error is returned.
    pub fn commit_batch(&self, actor: &str, changes: Vec<Change>, chunk: usize) -> Result<u64, StoreError> {
        let _guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let now = chrono::Utc::now();
        let from_seq = log::head(&self.meta)?.0 + 1;
        let marker = serde_json::to_vec(&Pending { from_seq }).map_err(StoreError::encode)?;
        self.meta.insert(PENDING, marker)?;
        let mut last = from_seq - 1;
        for part in changes.chunks(chunk.max(1)) {
            match self.commit_part(actor, part, now) {
                Ok(seq) => last = seq,
                Err(e) => {
                    self.roll_back_locked()?;
                    return Err(e);
                }
            }
        }
        self.meta.remove(PENDING)?;
        self.db.flush()?;
        self.undo.clear()?;
        Ok(last)
    }

    pub(super) fn commit_part(
        &self,
        actor: &str,
        part: &[Change],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        self.track(part, log::head(&self.meta)?.0 + 1)?;
        let trees = [
            self.records.clone(),
            self.index.clone(),
            self.ixkeys.clone(),
            self.log.clone(),
            self.meta.clone(),
            self.undo.clone(),
        ];
        let result = trees[..].transaction(|t| {
            let (records, index, ixkeys, log_t, meta, undo) = (&t[0], &t[1], &t[2], &t[3], &t[4], &t[5]);
            let (mut seq, mut prev) = log::head_in(meta)?;
            let first = seq + 1;
            let mut journal = Vec::with_capacity(part.len());
            for change in part {
                seq += 1;
                if !matches!(change.kind, ChangeKind::Note(_)) {
                    journal.push(remember(records, ixkeys, change)?);
                }
                let op = apply(records, index, ixkeys, change)?;
                let entry = super::LogEntry::new(seq, now, actor, change.table, &change.id, op, &change.detail, &prev);
                let bytes = serde_json::to_vec(&entry).map_err(|e| abort(StoreError::encode(e)))?;
                log_t.insert(&seq.to_be_bytes(), bytes)?;
                index.insert(log_ref_key(change.table, &change.id, seq), &[][..])?;
                prev = entry.hash;
            }
            // one journal entry per transaction: the old state of each record, in order
            let bytes = serde_json::to_vec(&journal).map_err(|e| abort(StoreError::encode(e)))?;
            undo.insert(&first.to_be_bytes(), bytes)?;
            log::set_head_in(meta, seq, &prev)?;
            Ok(seq)
        });
        match result {
            Ok(seq) => Ok(seq),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }

    /// Undoes a batch that did not finish (called at open). Returns whether
    /// there was one.
    pub fn roll_back_pending(&self) -> Result<bool, StoreError> {
        let _guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if self.meta.get(PENDING)?.is_none() {
            // a finished batch may have left its journal behind
            self.undo.clear()?;
            return Ok(false);
        }
        self.roll_back_locked()?;
        Ok(true)
    }

    fn roll_back_locked(&self) -> Result<(), StoreError> {
        let Some(marker) = self.meta.get(PENDING)? else { return Ok(()) };
        let pending: Pending = decode(&marker)?;
        tracing::warn!(from_seq = pending.from_seq, "rolling back an unfinished batch write");
        let entries: Vec<(sled::IVec, sled::IVec)> = self.undo.iter().rev().collect::<Result<_, _>>()?;
        for (_, bytes) in entries {
            let journal: Vec<Undo> = decode(&bytes)?;
            let trees = [self.records.clone(), self.index.clone(), self.ixkeys.clone()];
            // newest first, so a record changed twice ends as it was before both
            let result =
                trees[..].transaction(|t| journal.iter().rev().try_for_each(|u| restore(&t[0], &t[1], &t[2], u)));
            match result {
                Ok(()) => {}
                Err(TransactionError::Abort(e)) => return Err(e),
                Err(TransactionError::Storage(e)) => return Err(e.into()),
            }
        }
        self.cut_log(pending.from_seq)?;
        self.meta.remove(PENDING)?;
        self.db.flush()?;
        self.undo.clear()?;
        self.db.flush()?;
        Ok(())
    }

    /// Removes log entries from `from_seq` on, and points the head back at
    /// the entry before: those entries were never acknowledged.
    fn cut_log(&self, from_seq: u64) -> Result<(), StoreError> {
        let doomed: Vec<(sled::IVec, sled::IVec)> =
            self.log.range(from_seq.to_be_bytes()..).collect::<Result<_, _>>()?;
        for (k, v) in doomed {
            let e: super::LogEntry = decode(&v)?;
            self.index.remove(log_ref_key(&e.entity, &e.id, e.seq))?;
            self.log.remove(k)?;
        }
        let (seq, hash) = match self.log.iter().next_back() {
            Some(kv) => {
                let (_, v) = kv?;
                let e: super::LogEntry = decode(&v)?;
                (e.seq, e.hash)
            }
            None => (0, log::GENESIS.to_string()),
        };
        let trees = [self.meta.clone()];
        let result = trees[..].transaction(|t| log::set_head_in(&t[0], seq, &hash));
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }
}

/// The record's state before the change.
fn remember(records: &TransactionalTree, ixkeys: &TransactionalTree, change: &Change) -> TxResult<Undo> {
    let rkey = record_key(change.table, &change.id);
    let old = records.get(&rkey)?.map(|v| v.to_vec());
    let old_keys: Vec<(String, String)> = match ixkeys.get(&rkey)? {
        Some(bytes) => decode(&bytes).map_err(abort)?,
        None => Vec::new(),
    };
    let u = Undo {
        table: change.table.to_string(),
        id: change.id.clone(),
        old,
        old_keys: old_keys.into_iter().map(|(n, k)| (n.clone(), k, change.unique.contains(&n.as_str()))).collect(),
    };
    Ok(u)
}

/// Puts one record (and its index entries) back as the journal says.
fn restore(
    records: &TransactionalTree,
    index: &TransactionalTree,
    ixkeys: &TransactionalTree,
    u: &Undo,
) -> TxResult<()> {
    let rkey = record_key(&u.table, &u.id);
    if let Some(current) = ixkeys.remove(rkey.clone())? {
        let current: Vec<(String, String)> = decode(&current).map_err(abort)?;
        for (name, key) in current {
            let mut k = index_prefix(&u.table, &name, &key);
            k.extend_from_slice(u.id.as_bytes());
            index.remove(k)?;
            let marker = unique_marker(&u.table, &name, &key);
            if index.get(&marker)?.is_some_and(|h| h.as_ref() == u.id.as_bytes()) {
                index.remove(marker)?;
            }
        }
    }
    match &u.old {
        None => {
            records.remove(rkey)?;
        }
        Some(value) => {
            for (name, key, unique) in &u.old_keys {
                let mut k = index_prefix(&u.table, name, key);
                k.extend_from_slice(u.id.as_bytes());
                index.insert(k, &[][..])?;
                if *unique {
                    index.insert(unique_marker(&u.table, name, key), u.id.as_bytes())?;
                }
            }
            let keys: Vec<(&String, &String)> = u.old_keys.iter().map(|(n, k, _)| (n, k)).collect();
            let bytes = serde_json::to_vec(&keys).map_err(|e| abort(StoreError::encode(e)))?;
            ixkeys.insert(rkey.clone(), bytes)?;
            records.insert(rkey, value.as_slice())?;
        }
    }
    Ok(())
}
