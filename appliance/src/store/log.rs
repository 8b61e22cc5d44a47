//! The change log: one entry per change, each carrying the hash of the one
//! before, so an edited, removed or cut-off history is detectable
//! (`balai audit verify`). It is the source for the audit view, search indexing
//! and incremental exports.

use super::{StoreError, TxResult, abort, decode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sled::Tree;
use sled::transaction::TransactionalTree;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Create,
    Update,
    Delete,
    /// A full personal record was shown to someone (UU PDP audit).
    View,
    /// Data left the box (export, subject-access print).
    Export,
    /// An event that changed no record (sign-in, failed sign-in...).
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub actor: String,
    pub entity: String,
    pub id: String,
    pub op: Op,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    pub prev: String,
    pub hash: String,
}

/// The chain starts from this value so an empty log has a well-defined head.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl LogEntry {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        seq: u64,
        time: DateTime<Utc>,
        actor: &str,
        entity: &str,
        id: &str,
        op: Op,
        detail: &str,
        prev: &str,
    ) -> LogEntry {
        let mut e = LogEntry {
            seq,
            time,
            actor: actor.to_string(),
            entity: entity.to_string(),
            id: id.to_string(),
            op,
            detail: detail.to_string(),
            prev: prev.to_string(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        e
    }

    /// Hash over every field but `hash`, with length prefixes so no two field
    /// splits hash alike.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.seq.to_be_bytes());
        let time = self.time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        let op = format!("{:?}", self.op);
        for part in [&time, &self.actor, &self.entity, &self.id, &op, &self.detail, &self.prev] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

const HEAD: &str = "log_head";

#[derive(Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

pub(super) fn head(meta: &Tree) -> Result<(u64, String), StoreError> {
    match meta.get(HEAD)? {
        Some(v) => decode::<Head>(&v).map(|h| (h.seq, h.hash)),
        None => Ok((0, GENESIS.to_string())),
    }
}

pub(super) fn head_in(meta: &TransactionalTree) -> TxResult<(u64, String)> {
    match meta.get(HEAD)? {
        Some(v) => decode::<Head>(&v).map(|h| (h.seq, h.hash)).map_err(abort),
        None => Ok((0, GENESIS.to_string())),
    }
}

pub(super) fn set_head_in(meta: &TransactionalTree, seq: u64, hash: &str) -> TxResult<()> {
    let bytes = serde_json::to_vec(&Head { seq, hash: hash.to_string() })
        .map_err(|e| abort(StoreError::Codec(e.to_string())))?;
    meta.insert(HEAD, bytes)?;
    Ok(())
}

/// What `balai audit verify` reports.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: u64,
    pub head: String,
    /// Empty when the chain is intact; otherwise each break, by sequence.
    pub problems: Vec<String>,
}

impl ChainReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

pub(super) fn verify(log: &Tree, meta: &Tree) -> Result<ChainReport, StoreError> {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1u64;
    let mut entries = 0u64;
    for kv in log.iter() {
        let (k, v) = kv?;
        let key_seq = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
        let entry: LogEntry = match decode(&v) {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("entry {key_seq}: unreadable ({e})"));
                expected_seq = key_seq + 1;
                continue;
            }
        };
        entries += 1;
        if entry.seq != expected_seq || key_seq != entry.seq {
            problems.push(format!("entry {}: expected sequence {expected_seq} (entries missing or moved)", entry.seq));
        }
        if entry.prev != prev {
            problems.push(format!("entry {}: does not follow the entry before it", entry.seq));
        }
        if entry.compute_hash() != entry.hash {
            problems.push(format!("entry {}: content was altered", entry.seq));
        }
        prev = entry.hash.clone();
        expected_seq = entry.seq + 1;
    }
    let (head_seq, head_hash) = head(meta)?;
    if head_seq != expected_seq - 1 || head_hash != prev {
        problems.push(format!(
            "the log ends at {} but its recorded head is {head_seq}: entries were cut or added",
            expected_seq - 1
        ));
    }
    Ok(ChainReport { entries, head: prev, problems })
}
