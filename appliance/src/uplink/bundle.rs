//! The uplink bundle: a plain zip any tool can read (docs/uplink.md), signed
//! with the village's Ed25519 key (the letter key, under its own purpose).
//!
//! - `bundle.json`: who, for whom, which change-log range, and every other
//!   entry's size and SHA-256;
//! - `bundle.sig`: `balai-uplink-sig-v1:` and the signature over the exact
//!   bytes of `bundle.json`, base64;
//! - `aggregates/<source>.csv`: de-identified figures, whole;
//! - `records/<table>.jsonl`: named records changed in the range, one
//!   `{"id","seq","op","record"}` per line (`record` null for a deletion).

use crate::letters::seal::{LetterKey, PublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

pub const FORMAT: &str = "balai-uplink";
pub const FORMAT_VERSION: u32 = 1;
pub const PURPOSE: &str = "balai-uplink-v1";
const SIG_PREFIX: &str = "balai-uplink-sig-v1:";
/// A bundle is figures and a day's or month's changes; far larger is not ours.
const MAX_ENTRY: u64 = 512 * 1024 * 1024;
const MAX_RATIO: u64 = 200;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Village {
    pub code: String,
    pub name: String,
    pub kecamatan: String,
    pub kabupaten: String,
    pub provinsi: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub village: Village,
    pub recipient: String,
    /// Changes after this sequence (the last one the recipient acknowledged)...
    pub from_seq: u64,
    /// ...up to and including this one.
    pub to_seq: u64,
    pub created_at: DateTime<Utc>,
    pub key_id: String,
    pub entries: Vec<Entry>,
}

impl Header {
    /// The same village, recipient and range is the same bundle.
    pub fn id(&self) -> String {
        format!("{}-{}-{}-{}", self.village.code, self.recipient, self.from_seq, self.to_seq)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecordLine {
    pub id: String,
    pub seq: u64,
    /// `put` or `delete`.
    pub op: String,
    pub record: Option<serde_json::Value>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BundleError {
    #[error("not a Balai uplink bundle: {0}")]
    NotABundle(String),
    #[error(
        "signed by an unknown key (key id {key_id}, village {village}): add the village's public key as <code>.pub"
    )]
    UnknownKey { key_id: String, village: String },
    #[error("the signature does not match: the bundle was altered or forged")]
    BadSignature,
    #[error("entry {name}: {reason}")]
    Entry { name: String, reason: String },
}

/// Builds and signs a bundle; `files` are (entry name, bytes).
pub fn write(mut header: Header, files: Vec<(String, Vec<u8>)>, key: &LetterKey) -> Vec<u8> {
    header.key_id = key.key_id();
    header.entries = files
        .iter()
        .map(|(name, bytes)| Entry {
            name: name.clone(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        })
        .collect();
    let json = serde_json::to_vec_pretty(&header).unwrap_or_default();
    let sig = format!("{SIG_PREFIX}{}\n", B64.encode(key.sign_for(PURPOSE, &json)));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut add = |name: &str, bytes: &[u8]| -> zip::result::ZipResult<()> {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        Ok(())
    };
    let _ = add("bundle.json", &json);
    let _ = add("bundle.sig", sig.as_bytes());
    for (name, bytes) in &files {
        let _ = add(name, bytes);
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

fn allowed(name: &str) -> bool {
    let plain = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    name.strip_prefix("aggregates/").and_then(|n| n.strip_suffix(".csv")).is_some_and(plain)
        || name.strip_prefix("records/").and_then(|n| n.strip_suffix(".jsonl")).is_some_and(plain)
}

/// A bundle checked: signature by a known key bound to its village code,
/// every entry listed, named as the format allows, no bomb, hashes right.
pub struct Opened {
    pub header: Header,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// `keys`: village code → its public key.
pub fn open(bytes: &[u8], keys: &BTreeMap<String, PublicKey>) -> Result<Opened, BundleError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| BundleError::NotABundle(e.to_string()))?;
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| BundleError::NotABundle(e.to_string()))?;
        let name = f.name().map_err(|e| BundleError::NotABundle(e.to_string()))?.to_string();
        let bad = |reason: &str| BundleError::Entry { name: name.clone(), reason: reason.into() };
        if name != "bundle.json" && name != "bundle.sig" && !allowed(&name) {
            return Err(bad("not a path an uplink bundle holds (zip-slip?)"));
        }
        if f.size() > MAX_ENTRY || (f.size() > 1024 * 1024 && f.size() / f.compressed_size().max(1) > MAX_RATIO) {
            return Err(bad("too large for its compressed size: refused as a decompression bomb"));
        }
        if names.contains(&name) {
            return Err(bad("appears twice"));
        }
        names.push(name);
    }
    let mut read = |name: &str, limit: u64| -> Result<Vec<u8>, BundleError> {
        let f = zip.by_name(name).map_err(|_| BundleError::NotABundle(format!("no {name}")))?;
        let mut out = Vec::new();
        f.take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| BundleError::Entry { name: name.into(), reason: format!("damaged ({e})") })?;
        if out.len() as u64 > limit {
            return Err(BundleError::Entry { name: name.into(), reason: "too large".into() });
        }
        Ok(out)
    };
    let json = read("bundle.json", 16 * 1024 * 1024)?;
    let sig = read("bundle.sig", 1024)?;
    let header: Header =
        serde_json::from_slice(&json).map_err(|e| BundleError::NotABundle(format!("bundle.json: {e}")))?;
    if header.format != FORMAT || header.format_version > FORMAT_VERSION {
        return Err(BundleError::NotABundle(format!("format {} version {}", header.format, header.format_version)));
    }
    let unknown = || BundleError::UnknownKey { key_id: header.key_id.clone(), village: header.village.code.clone() };
    let key = keys.get(&header.village.code).ok_or_else(unknown)?;
    if key.key_id() != header.key_id {
        return Err(unknown());
    }
    let sig = String::from_utf8_lossy(&sig);
    let sig =
        sig.trim().strip_prefix(SIG_PREFIX).and_then(|s| B64.decode(s).ok()).and_then(|b| <[u8; 64]>::try_from(b).ok());
    if !sig.is_some_and(|s| key.verify_for(PURPOSE, &json, &s)) {
        return Err(BundleError::BadSignature);
    }
    let mut files = BTreeMap::new();
    for name in names.iter().filter(|n| n.as_str() != "bundle.json" && n.as_str() != "bundle.sig") {
        if !header.entries.iter().any(|e| &e.name == name) {
            return Err(BundleError::Entry { name: name.clone(), reason: "not listed in bundle.json".into() });
        }
    }
    for entry in &header.entries {
        let bytes = read(&entry.name, entry.size.min(MAX_ENTRY))?;
        if bytes.len() as u64 != entry.size || hex::encode(Sha256::digest(&bytes)) != entry.sha256 {
            return Err(BundleError::Entry {
                name: entry.name.clone(),
                reason: "differs from bundle.json (a changed byte)".into(),
            });
        }
        files.insert(entry.name.clone(), bytes);
    }
    Ok(Opened { header, files })
}
