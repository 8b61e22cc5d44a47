//! The backup file: a zip inside an age stream (format in docs/backup.md).
//!
//! Writing streams straight through: store dump → zip (deflate, level 1) →
//! age → the destination, with no plaintext on disk. Reading needs the zip's
//! central directory, so the decrypted zip goes to a temporary file next to
//! the work (a restore's new data dir, or the box's own data dir) and is
//! removed afterwards. Every entry is checked against the manifest (name,
//! size, SHA-256): by `verify` before anything is used; by a restore as it
//! streams each entry into the staging dir, which is thrown away whole if
//! any check fails.

use super::key::BackupKey;
use crate::store::dump::{self, DumpSink, Snapshot};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

pub const FORMAT: &str = "balai-backup";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const CONFIG: &str = "config.toml";
/// The file extension of a backup.
pub const EXTENSION: &str = "balai-backup";
/// Uncompressed bytes per compressed byte above which an entry is refused as
/// a decompression bomb. Our own JSON Lines compress about 5 to 15 times.
const MAX_RATIO: u64 = 200;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub balai_version: String,
    pub village_name: String,
    pub village_code: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The change-log sequence the copy is consistent at, and records per table.
    pub snapshot: Snapshot,
    pub files: u64,
    pub entries: Vec<EntryInfo>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EntryInfo {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "wrong key: this key cannot open the backup (it was made with another backup key, or its header was altered)"
    )]
    WrongKey,
    #[error("truncated: the file ends early (an interrupted copy or a full stick), or its last part was altered")]
    Truncated,
    #[error("altered: {0}")]
    Altered(String),
    #[error("not a Balai backup: {0}")]
    NotABackup(String),
    #[error("entry {name}: {reason}")]
    Entry { name: String, reason: String },
    #[error("disk full while writing {0}; nothing was changed in the live data")]
    DiskFull(String),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Dump(#[from] dump::DumpError),
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Dump(e.into())
    }
}

impl BackupError {
    pub fn io(what: impl std::fmt::Display, e: std::io::Error) -> BackupError {
        if e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28) {
            return BackupError::DiskFull(what.to_string());
        }
        BackupError::Io(format!("{what}: {e}"))
    }

    /// A short code for the record and the page.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::WrongKey => "wrong_key",
            BackupError::Truncated => "truncated",
            BackupError::Altered(_) => "altered",
            BackupError::NotABackup(_) => "not_a_backup",
            BackupError::Entry { .. } => "bad_entry",
            BackupError::DiskFull(_) => "disk_full",
            BackupError::Refused(_) => "refused",
            BackupError::Io(_) => "io",
            BackupError::Dump(_) => "store",
        }
    }
}

/// What a backup is made of besides the store.
pub struct Source<'a> {
    pub store: &'a Store,
    pub data_dir: &'a Path,
    pub config_toml: String,
    pub village_name: String,
    pub village_code: String,
    pub actor: String,
}

/// A writer that counts and hashes what passes through: the size and
/// SHA-256 of the encrypted file, for the breach-notice record.
pub struct Hashing<W> {
    inner: W,
    pub hash: Sha256,
    pub bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing { inner, hash: Sha256::new(), bytes: 0 }
    }
    pub fn into_parts(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hash.finalize()), self.bytes)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct ZipSink<W: Write> {
    zip: zip::ZipWriter<zip::write::StreamWriter<W>>,
    open: Option<(String, Sha256, u64)>,
    entries: Vec<EntryInfo>,
}

fn zip_io(e: zip::result::ZipError) -> std::io::Error {
    match e {
        zip::result::ZipError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    }
}

impl<W: Write> ZipSink<W> {
    fn start(&mut self, name: &str, compress: bool) -> std::io::Result<()> {
        self.close()?;
        let method = if compress { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(compress.then_some(1))
            .large_file(true)
            .unix_permissions(0o600);
        self.zip.start_file(name, options).map_err(zip_io)?;
        self.open = Some((name.to_string(), Sha256::new(), 0));
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.zip.write_all(bytes)?;
        if let Some((_, hash, size)) = self.open.as_mut() {
            hash.update(bytes);
            *size += bytes.len() as u64;
        }
        Ok(())
    }

    fn close(&mut self) -> std::io::Result<()> {
        if let Some((name, hash, size)) = self.open.take() {
            self.entries.push(EntryInfo { name, size, sha256: hex::encode(hash.finalize()) });
        }
        Ok(())
    }
}

impl<W: Write> DumpSink for ZipSink<W> {
    fn section(&mut self, name: &str) -> std::io::Result<()> {
        self.start(name, true)
    }
    fn line(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.write(line)?;
        self.write(b"\n")
    }
}

/// Writes one encrypted backup to `out`; returns its manifest. `out` sees
/// only ciphertext.
pub fn write<W: Write>(source: &Source, recipient: &age::x25519::Recipient, out: W) -> Result<Manifest, BackupError> {
    let recipients = [recipient as &dyn age::Recipient];
    let encryptor = age::Encryptor::with_recipients(recipients.into_iter())
        .map_err(|e| BackupError::Io(format!("encryption: {e}")))?;
    let sealed =
        encryptor.wrap_output(BufWriter::with_capacity(256 * 1024, out)).map_err(|e| BackupError::io("backup", e))?;
    let mut sink = ZipSink { zip: zip::ZipWriter::new_stream(sealed), open: None, entries: Vec::new() };
    let created_at = Utc::now();
    let snapshot = source.store.dump(&mut sink).map_err(|e| match e {
        dump::DumpError::Io(io) => BackupError::io("backup", io),
        other => other.into(),
    })?;
    let io = |e| BackupError::io("backup", e);
    let files = add_files(&mut sink, &source.data_dir.join("files"))?;
    add_keys(&mut sink, &source.data_dir.join("keys"))?;
    sink.start(CONFIG, true).map_err(io)?;
    sink.write(source.config_toml.as_bytes()).map_err(io)?;
    sink.close().map_err(io)?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        balai_version: env!("CARGO_PKG_VERSION").into(),
        village_name: source.village_name.clone(),
        village_code: source.village_code.clone(),
        created_at,
        created_by: source.actor.clone(),
        snapshot,
        files,
        entries: std::mem::take(&mut sink.entries),
    };
    let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Io(e.to_string()))?;
    sink.start(MANIFEST, true).map_err(io)?;
    sink.zip.write_all(&bytes).map_err(io)?;
    sink.open = None;
    let sealed = sink.zip.finish().map_err(|e| io(zip_io(e)))?.into_inner();
    let buffered = sealed.finish().map_err(io)?;
    let mut out = buffered.into_inner().map_err(|e| io(e.into_error()))?;
    out.flush().map_err(io)?;
    Ok(manifest)
}

/// Photos, by their content-addressed names (`files/ab/<sha256>.jpg`).
fn add_files<W: Write>(sink: &mut ZipSink<W>, dir: &Path) -> Result<u64, BackupError> {
    let mut n = 0;
    let Ok(shards) = std::fs::read_dir(dir) else { return Ok(0) };
    let mut shards: Vec<PathBuf> = shards.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    shards.sort();
    for shard in shards {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&shard)
            .map_err(|e| BackupError::io(shard.display(), e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        names.sort();
        for path in names {
            let Some(rel) = path.strip_prefix(dir).ok().and_then(|r| r.to_str()).map(|r| format!("files/{r}")) else {
                continue;
            };
            if !is_file_entry(&rel) {
                continue; // a temporary upload or something not ours
            }
            let mut f = std::fs::File::open(&path).map_err(|e| BackupError::io(path.display(), e))?;
            sink.start(&rel, false).map_err(|e| BackupError::io("backup", e))?;
            copy_into(&mut f, sink).map_err(|e| BackupError::io(path.display(), e))?;
            n += 1;
        }
    }
    sink.close().map_err(|e| BackupError::io("backup", e))?;
    Ok(n)
}

fn copy_into<W: Write>(from: &mut impl Read, sink: &mut ZipSink<W>) -> std::io::Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        sink.write(&buf[..n])?;
    }
}

/// The letter-signing key and the box's TLS keys: restored letters still
/// verify and phones still trust the box. Never the backup key itself.
fn add_keys<W: Write>(sink: &mut ZipSink<W>, dir: &Path) -> Result<(), BackupError> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    let mut names: Vec<String> =
        entries.filter_map(Result::ok).filter_map(|e| e.file_name().to_str().map(str::to_string)).collect();
    names.sort();
    for name in names.into_iter().filter(|n| n != super::key::IDENTITY_FILE) {
        let entry = format!("keys/{name}");
        let path = dir.join(&name);
        if !path.is_file() || !is_key_entry(&entry) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| BackupError::io(path.display(), e))?;
        sink.start(&entry, true).map_err(|e| BackupError::io("backup", e))?;
        sink.write(&bytes).map_err(|e| BackupError::io("backup", e))?;
    }
    sink.close().map_err(|e| BackupError::io("backup", e))?;
    Ok(())
}

fn is_plain(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn is_file_entry(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("files/") else { return false };
    let Some((shard, file)) = rest.split_once('/') else { return false };
    let Some(sha) = file.strip_suffix(".jpg") else { return false };
    let lower_hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    shard.len() == 2 && lower_hex(shard) && sha.len() == 64 && lower_hex(sha) && sha.starts_with(shard)
}

fn is_key_entry(name: &str) -> bool {
    name.strip_prefix("keys/").is_some_and(|n| {
        !n.starts_with('.') && n.len() <= 100 && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    })
}

/// Whether a name is one a Balai backup holds. Anything else (`../x`, an
/// absolute path, a backslash) is refused before a byte is written.
pub fn allowed_entry(name: &str) -> bool {
    let section = |prefix: &str| name.strip_prefix(prefix).and_then(|n| n.strip_suffix(".jsonl")).is_some_and(is_plain);
    matches!(name, MANIFEST | CONFIG | dump::SECTION_LOG | dump::SECTION_OVERLAY)
        || section("tables/")
        || section("trees/")
        || is_file_entry(name)
        || is_key_entry(name)
}

/// Maps age's failures to what a person can act on.
fn decrypt_error(e: age::DecryptError) -> BackupError {
    match e {
        age::DecryptError::NoMatchingKeys => BackupError::WrongKey,
        age::DecryptError::InvalidMac => BackupError::Altered("the header does not match its MAC".into()),
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            BackupError::NotABackup("no age header".into())
        }
        age::DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => BackupError::Truncated,
        other => BackupError::Altered(other.to_string()),
    }
}

fn stream_error(e: std::io::Error) -> BackupError {
    let text = e.to_string();
    if text.contains("truncated") || e.kind() == std::io::ErrorKind::UnexpectedEof {
        BackupError::Truncated
    } else if e.kind() == std::io::ErrorKind::InvalidData {
        BackupError::Altered(format!("a chunk failed its authentication ({text})"))
    } else {
        BackupError::io("reading the backup", e)
    }
}

/// A temporary file removed when dropped.
struct TempFile {
    path: PathBuf,
    file: std::fs::File,
}

impl TempFile {
    fn new(dir: &Path) -> Result<TempFile, BackupError> {
        std::fs::create_dir_all(dir).map_err(|e| BackupError::io(dir.display(), e))?;
        let path = dir.join(format!(".balai-backup-{}-{:016x}.zip", std::process::id(), rand::random::<u64>()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| BackupError::io(path.display(), e))?;
        // gone even if this process is killed: only the open handle keeps it
        let _ = std::fs::remove_file(&path);
        Ok(TempFile { path, file })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A backup decrypted and checked entry by entry, ready to restore.
pub struct Opened {
    pub manifest: Manifest,
    zip: zip::ZipArchive<BufReader<std::fs::File>>,
    _temp: TempFile,
    /// Entries read whole with the right size and hash.
    streamed: HashSet<String>,
}

/// Decrypts `input` with `key` into a temporary file under `tmp_dir` and
/// checks it: a wrong key, a cut or changed byte, a name outside the
/// backup's layout, a bomb, or an entry that differs from the manifest is
/// refused, naming the entry.
pub fn open(input: impl Read + Seek, key: &BackupKey, tmp_dir: &Path) -> Result<Opened, BackupError> {
    let mut opened = open_unhashed(input, key, tmp_dir)?;
    opened.check_hashes()?;
    Ok(opened)
}

/// [`open`] without reading every entry for its hash first: for a restore,
/// which checks each entry's size and SHA-256 as it streams it into the
/// staging dir (and the rest at the end, see [`Opened::restore_into`]), so
/// the backup is decompressed and hashed once, not twice. The layout checks
/// (names, manifest, bombs) still come first.
pub fn open_unhashed(input: impl Read + Seek, key: &BackupKey, tmp_dir: &Path) -> Result<Opened, BackupError> {
    let started = std::time::Instant::now();
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(256 * 1024, input)).map_err(decrypt_error)?;
    let identities = [key.identity() as &dyn age::Identity];
    let mut plain = decryptor.decrypt(identities.into_iter()).map_err(decrypt_error)?;
    // Seeking to the end authenticates the last chunk as the last one: a
    // file cut short fails here, before the first byte is used.
    plain.seek(std::io::SeekFrom::End(0)).map_err(|_| BackupError::Truncated)?;
    plain.rewind().map_err(stream_error)?;
    let temp = TempFile::new(tmp_dir)?;
    {
        let mut w = BufWriter::with_capacity(256 * 1024, &temp.file);
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = plain.read(&mut buf).map_err(stream_error)?;
            if n == 0 {
                break;
            }
            w.write_all(&buf[..n]).map_err(|e| BackupError::io(tmp_dir.display(), e))?;
        }
        w.flush().map_err(|e| BackupError::io(tmp_dir.display(), e))?;
    }
    let mut file = temp.file.try_clone().map_err(|e| BackupError::io("temporary file", e))?;
    file.rewind().map_err(|e| BackupError::io("temporary file", e))?;
    let zip = zip::ZipArchive::new(BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| BackupError::NotABackup(format!("the content is not a readable zip ({e})")))?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, "backup decrypted");
    let mut opened = Opened { manifest: placeholder(), zip, _temp: temp, streamed: HashSet::new() };
    opened.manifest = opened.read_manifest()?;
    opened.check_layout()?;
    Ok(opened)
}

fn placeholder() -> Manifest {
    Manifest {
        format: String::new(),
        format_version: 0,
        balai_version: String::new(),
        village_name: String::new(),
        village_code: String::new(),
        created_at: DateTime::<Utc>::MIN_UTC,
        created_by: String::new(),
        snapshot: Snapshot::default(),
        files: 0,
        entries: Vec::new(),
    }
}

impl Opened {
    fn read_manifest(&mut self) -> Result<Manifest, BackupError> {
        let entry = |reason: String| BackupError::Entry { name: MANIFEST.into(), reason };
        let mut f = self.zip.by_name(MANIFEST).map_err(|_| BackupError::NotABackup("no manifest.json".into()))?;
        if f.size() > 64 * 1024 * 1024 {
            return Err(entry("too large".into()));
        }
        let mut bytes = Vec::new();
        (&mut f).take(64 * 1024 * 1024).read_to_end(&mut bytes).map_err(|e| entry(e.to_string()))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| entry(e.to_string()))?;
        if m.format != FORMAT {
            return Err(BackupError::NotABackup(format!("format {:?}", m.format)));
        }
        if m.format_version > FORMAT_VERSION {
            return Err(BackupError::Refused(format!(
                "backup format {} is newer than this program knows ({FORMAT_VERSION}); update Balai first",
                m.format_version
            )));
        }
        Ok(m)
    }

    /// Every entry: an allowed name, listed once in the manifest, no bomb;
    /// every listed entry present.
    fn check_layout(&mut self) -> Result<(), BackupError> {
        let mut seen = std::collections::HashSet::new();
        for i in 0..self.zip.len() {
            let f = self.zip.by_index_raw(i).map_err(|e| BackupError::Altered(e.to_string()))?;
            let name =
                f.name().map_err(|e| BackupError::Altered(format!("entry {i}: unreadable name ({e})")))?.to_string();
            let bad = |reason: &str| BackupError::Entry { name: name.clone(), reason: reason.into() };
            if !allowed_entry(&name) {
                return Err(bad("not a path a Balai backup holds (zip-slip?); nothing was restored"));
            }
            if !seen.insert(name.clone()) {
                return Err(bad("appears twice"));
            }
            if name != MANIFEST && !self.manifest.entries.iter().any(|e| e.name == name) {
                return Err(bad("not listed in the manifest"));
            }
            let compressed = f.compressed_size().max(1);
            if f.size() > 1024 * 1024 && f.size() / compressed > MAX_RATIO {
                return Err(bad(&format!(
                    "expands {} times ({} bytes from {}): refused as a decompression bomb",
                    f.size() / compressed,
                    f.size(),
                    compressed
                )));
            }
        }
        if let Some(info) = self.manifest.entries.iter().find(|e| !seen.contains(&e.name)) {
            return Err(BackupError::Entry {
                name: info.name.clone(),
                reason: "listed in the manifest but missing".into(),
            });
        }
        Ok(())
    }

    /// Every listed entry not read yet: the right size and hash.
    fn check_hashes(&mut self) -> Result<(), BackupError> {
        let started = std::time::Instant::now();
        let names: Vec<String> =
            self.manifest.entries.iter().map(|e| e.name.clone()).filter(|n| !self.streamed.contains(n)).collect();
        for name in &names {
            self.each_chunk(name, |_| Ok(()))?;
        }
        tracing::info!(ms = started.elapsed().as_millis() as u64, "backup entries hashed");
        Ok(())
    }

    /// Streams one entry, checking its size and SHA-256 against the manifest
    /// as it goes; `f` gets the bytes. Bytes beyond the manifest's size are
    /// never read.
    fn each_chunk(
        &mut self,
        name: &str,
        mut f: impl FnMut(&[u8]) -> Result<(), BackupError>,
    ) -> Result<(), BackupError> {
        let info = self
            .manifest
            .entries
            .iter()
            .find(|e| e.name == name)
            .cloned()
            .ok_or_else(|| BackupError::Entry { name: name.into(), reason: "not listed in the manifest".into() })?;
        let bad = |reason: String| BackupError::Entry { name: name.to_string(), reason };
        let file = self.zip.by_name(name).map_err(|e| bad(e.to_string()))?;
        if file.size() != info.size {
            return Err(bad(format!("{} bytes, the manifest says {}", file.size(), info.size)));
        }
        let mut limited = file.take(info.size + 1);
        let mut hash = Sha256::new();
        let mut total = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = limited.read(&mut buf).map_err(|e| bad(format!("damaged ({e})")))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > info.size {
                return Err(bad("longer than the manifest says".into()));
            }
            hash.update(&buf[..n]);
            f(&buf[..n])?;
        }
        if total != info.size {
            return Err(bad(format!("{total} bytes, the manifest says {}", info.size)));
        }
        if hex::encode(hash.finalize()) != info.sha256 {
            return Err(bad("SHA-256 differs from the manifest (a changed byte)".into()));
        }
        self.streamed.insert(info.name);
        Ok(())
    }

    /// Rebuilds a data dir from the backup in `target` (which must not exist
    /// or be empty): store, photos, keys, and the backed-up config beside
    /// them as `config-from-backup.toml`.
    pub fn restore_into(mut self, target: &Path, key: &BackupKey) -> Result<Manifest, BackupError> {
        let mut names: Vec<String> = self.manifest.entries.iter().map(|e| e.name.clone()).collect();
        names.sort_by_key(|n| (dump::section_order(n), n.clone()));
        let started = std::time::Instant::now();
        let store_dir = target.join("store");
        let mut restorer = dump::Restorer::create(&store_dir)?;
        for name in names.iter().filter(|n| dump::section_order(n) < 9) {
            let mut pending: Vec<u8> = Vec::new();
            let mut number = 0u64;
            self.each_chunk(name, |chunk| {
                pending.extend_from_slice(chunk);
                let mut start = 0;
                while let Some(end) = pending[start..].iter().position(|b| *b == b'\n') {
                    number += 1;
                    restorer.line(name, number, &pending[start..start + end])?;
                    start += end + 1;
                }
                pending.drain(..start);
                Ok(())
            })?;
            if !pending.is_empty() {
                return Err(BackupError::Entry { name: name.clone(), reason: "last line has no end".into() });
            }
        }
        tracing::info!(ms = started.elapsed().as_millis() as u64, "store sections loaded");
        let store = restorer.finish(&store_dir, &self.manifest.snapshot)?;
        store.flush()?;
        drop(store);
        tracing::info!(ms = started.elapsed().as_millis() as u64, "store checked (chain, sequence, counts)");
        for name in names.iter().filter(|n| n.starts_with("files/") || n.starts_with("keys/")) {
            self.extract(name, target)?;
        }
        // one sync for all the photos instead of one per file
        let dir = std::fs::File::open(target).map_err(|e| BackupError::io(target.display(), e))?;
        nix::unistd::syncfs(&dir).map_err(|e| BackupError::io(target.display(), e.into()))?;
        tracing::info!(ms = started.elapsed().as_millis() as u64, "files written");
        if self.manifest.entries.iter().any(|e| e.name == CONFIG) {
            let mut config = Vec::new();
            self.each_chunk(CONFIG, |c| {
                config.extend_from_slice(c);
                Ok(())
            })?;
            std::fs::write(target.join("config-from-backup.toml"), config)
                .map_err(|e| BackupError::io(target.display(), e))?;
        }
        // anything listed that no step above read is still checked
        self.check_hashes()?;
        let keys = target.join("keys");
        std::fs::create_dir_all(&keys).map_err(|e| BackupError::io(keys.display(), e))?;
        let identity = format!("# Balai backup key (restored).\n{}\n", key.secret_text());
        crate::http::tls::write_private(&super::key::identity_path(&keys), &identity)
            .map_err(|e| BackupError::Io(e.to_string()))?;
        Ok(self.manifest)
    }

    /// Writes one photo or key below `target`; the name was checked against
    /// the allowed layout, so it cannot leave `target`.
    fn extract(&mut self, name: &str, target: &Path) -> Result<(), BackupError> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = target.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| BackupError::io(parent.display(), e))?;
        }
        let mode =
            if name.starts_with("keys/") && !name.ends_with(".pub") && !name.ends_with(".crt") { 0o600 } else { 0o644 };
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&path)
            .map_err(|e| BackupError::io(path.display(), e))?;
        let mut w = BufWriter::new(file);
        self.each_chunk(name, |c| w.write_all(c).map_err(|e| BackupError::io(path.display(), e)))?;
        w.flush().map_err(|e| BackupError::io(path.display(), e))?;
        Ok(())
    }
}
