//! A record of every backup made: what it held, when, by whom, and whether it
//! was read back. It answers a breach notice (UU PDP Pasal 46: within 3×24
//! hours) about a lost stick or file: find the run by the file's SHA-256 or
//! name, and its snapshot sequence says exactly which records it held.

use crate::store::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// `balai backup create`.
    Cli,
    /// The button on the admin page.
    Button,
    Daily,
    Usb,
}

impl Trigger {
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Cli => "cli",
            Trigger::Button => "button",
            Trigger::Daily => "daily",
            Trigger::Usb => "usb",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BackupRun {
    /// Time-ordered: `YYYYmmddTHHMMSS-<random>`.
    pub id: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub actor: String,
    pub trigger: Trigger,
    /// The file's name (never a caller's full path).
    pub file: String,
    pub size: u64,
    /// SHA-256 of the encrypted file.
    pub sha256: String,
    pub snapshot_seq: u64,
    pub counts: BTreeMap<String, u64>,
    pub files: u64,
    pub ok: bool,
    /// Read back, decrypted and checked entry by entry after writing.
    pub verified: bool,
    #[serde(default)]
    pub error: String,
}

impl Record for BackupRun {
    const TABLE: &'static str = "backup_run";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![("newest", newest_first(&self.id))];
        if !self.sha256.is_empty() {
            keys.push(("sha256", self.sha256.clone()));
        }
        keys
    }
}

/// Index key that sorts the newest run first.
fn newest_first(id: &str) -> String {
    id.bytes().map(|b| (255 - b) as char).map(|c| format!("{:02x}", c as u32)).collect()
}

pub fn new_id(at: DateTime<Utc>) -> String {
    format!("{}-{:04x}", at.format("%Y%m%dT%H%M%S"), rand::random::<u16>())
}
