//! Making, checking and restoring backups, and the record of each one. The
//! only place that commits a [`BackupRun`].

use super::archive::{self, BackupError, Hashing, Manifest, Source};
use super::key::BackupKey;
use super::model::{BackupRun, Trigger, new_id};
use crate::app::App;
use crate::store::{Change, Durability, Op, Store};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One backup at a time: two would double the load for nothing.
static RUNNING: Mutex<()> = Mutex::new(());

pub fn keys_dir(app: &App) -> PathBuf {
    app.config.data_dir.join("keys")
}

pub fn key(app: &App) -> Result<BackupKey, BackupError> {
    BackupKey::load_or_create(&keys_dir(app)).map_err(|e| BackupError::Io(format!("{e:#}")))
}

/// `<data-dir>/backups/`: the daily backups and those made with the button.
pub fn local_dir(app: &App) -> PathBuf {
    app.config.data_dir.join("backups")
}

fn source<'a>(app: &'a App, actor: &str) -> Source<'a> {
    let profile = crate::village::operations::profile(&app.store);
    Source {
        store: &app.store,
        data_dir: &app.config.data_dir,
        config_toml: app.config.to_toml(),
        village_name: profile.name,
        village_code: profile.code,
        actor: actor.to_string(),
    }
}

/// What was written: the manifest, and the encrypted file's hash and size.
pub struct Written {
    pub manifest: Manifest,
    pub sha256: String,
    pub size: u64,
    pub started: DateTime<Utc>,
}

/// Streams one backup to `out`, which sees only ciphertext.
pub fn write_to<W: Write>(app: &App, actor: &str, out: W) -> Result<(Written, W), BackupError> {
    let _one = RUNNING.try_lock().map_err(|_| BackupError::Refused("a backup is already running".into()))?;
    let started = Utc::now();
    let key = key(app)?;
    let mut hashing = Hashing::new(out);
    let manifest = archive::write(&source(app, actor), &key.recipient(), &mut hashing)?;
    let (out, sha256, size) = hashing.into_parts();
    Ok((Written { manifest, sha256, size, started }, out))
}

/// Records a backup and notes in the change log that data left the store.
pub fn record(store: &Store, actor: &str, run: &BackupRun) -> Result<(), BackupError> {
    let note = Change::note("backup", &run.id, Op::Export).with_detail(format!(
        "backup {} of {} records at seq {}",
        run.file,
        run.counts.values().sum::<u64>(),
        run.snapshot_seq
    ));
    store.commit(actor, vec![Change::put(run)?, note], Durability::Durable)?;
    Ok(())
}

pub fn run_from(written: &Written, actor: &str, trigger: Trigger, file: &str, verified: bool) -> BackupRun {
    BackupRun {
        id: new_id(written.started),
        started: written.started,
        finished: Utc::now(),
        actor: actor.to_string(),
        trigger,
        file: file.to_string(),
        size: written.size,
        sha256: written.sha256.clone(),
        snapshot_seq: written.manifest.snapshot.seq,
        counts: written.manifest.snapshot.counts.clone(),
        files: written.manifest.files,
        ok: true,
        verified,
        error: String::new(),
    }
}

fn failed_run(actor: &str, trigger: Trigger, started: DateTime<Utc>, file: &str, e: &BackupError) -> BackupRun {
    BackupRun {
        id: new_id(started),
        started,
        finished: Utc::now(),
        actor: actor.to_string(),
        trigger,
        file: file.to_string(),
        size: 0,
        sha256: String::new(),
        snapshot_seq: 0,
        counts: BTreeMap::new(),
        files: 0,
        ok: false,
        verified: false,
        error: e.to_string(),
    }
}

/// A backup into a folder the box chose (its own `backups/`, the stick):
/// written under a `.partial` name, synced, renamed, read back and checked,
/// then older ones beyond `keep` removed. The outcome is recorded either way.
pub fn create_in_dir(
    app: &App,
    actor: &str,
    trigger: Trigger,
    dir: &Path,
    keep: usize,
) -> Result<BackupRun, BackupError> {
    let started = Utc::now();
    let code = crate::village::operations::profile(&app.store).code;
    let name = format!(
        "balai-{}-{}.{}",
        if code.is_empty() { "desa".to_string() } else { code },
        started.format("%Y%m%d-%H%M%S"),
        archive::EXTENSION
    );
    let result = write_file(app, actor, dir, &name).and_then(|written| {
        let key = key(app)?;
        let file = std::fs::File::open(dir.join(&name)).map_err(|e| BackupError::io(&name, e))?;
        archive::open(file, &key, &app.config.data_dir.join("tmp"))?;
        Ok(written)
    });
    let run = match &result {
        Ok(written) => run_from(written, actor, trigger, &name, true),
        Err(e) => failed_run(actor, trigger, started, &name, e),
    };
    record(&app.store, actor, &run)?;
    match result {
        Ok(_) => {
            prune(dir, keep);
            tracing::info!(file = %name, size = run.size, "backup written and verified");
            Ok(run)
        }
        Err(e) => {
            tracing::error!(file = %name, error = %e, "backup failed");
            Err(e)
        }
    }
}

fn write_file(app: &App, actor: &str, dir: &Path, name: &str) -> Result<Written, BackupError> {
    std::fs::create_dir_all(dir).map_err(|e| BackupError::io(dir.display(), e))?;
    let path = dir.join(name);
    let partial = partial_path(&path);
    let file = std::fs::File::create(&partial).map_err(|e| BackupError::io(partial.display(), e))?;
    let result = write_to(app, actor, file).and_then(|(written, file)| {
        file.sync_all().map_err(|e| BackupError::io(partial.display(), e))?;
        std::fs::rename(&partial, &path).map_err(|e| BackupError::io(path.display(), e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(written)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map_err(|e| match e {
        BackupError::DiskFull(_) => BackupError::DiskFull(partial.display().to_string()),
        other => other,
    })
}

/// A file being written is named `<name>.partial` until it is complete, so a
/// cut-off write (power, kill -9, a pulled stick) never looks like a backup.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(".partial");
    PathBuf::from(s)
}

/// Keeps the newest `keep` backups in `dir` (names sort by time) and removes
/// leftover `.partial` files.
pub fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut backups = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("balai-") && name.ends_with(".partial") {
            let _ = std::fs::remove_file(e.path());
        } else if name.starts_with("balai-") && name.ends_with(archive::EXTENSION) {
            backups.push(name);
        }
    }
    backups.sort();
    let excess = backups.len().saturating_sub(keep.max(1));
    for name in &backups[..excess] {
        let _ = std::fs::remove_file(dir.join(name));
    }
}

/// Checks a backup file fully (decrypts every chunk, every entry's hash).
pub fn verify_file(path: &Path, key: &BackupKey, tmp_dir: &Path) -> Result<Manifest, BackupError> {
    let file = std::fs::File::open(path).map_err(|e| BackupError::io(path.display(), e))?;
    Ok(archive::open(file, key, tmp_dir)?.manifest)
}

/// Restores into `target`, which must not exist or be empty: a live data dir
/// is never overwritten. The work happens in `<target>.restoring` and is
/// renamed at the end, so an interrupted restore leaves no half data dir.
pub fn restore(path: &Path, key: &BackupKey, target: &Path) -> Result<Manifest, BackupError> {
    if target.exists() && std::fs::read_dir(target).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(BackupError::Refused(format!(
            "{} exists and is not empty: restore only into a new data dir",
            target.display()
        )));
    }
    if target.join("store").exists() {
        return Err(BackupError::Refused(format!("{} holds a store", target.display())));
    }
    let staging = {
        let mut s = target.as_os_str().to_os_string();
        s.push(".restoring");
        PathBuf::from(s)
    };
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| BackupError::io(staging.display(), e))?;
    let result = (|| {
        let file = std::fs::File::open(path).map_err(|e| BackupError::io(path.display(), e))?;
        let opened = archive::open_unhashed(file, key, &staging)?;
        let manifest = opened.restore_into(&staging, key)?;
        if target.exists() {
            std::fs::remove_dir(target).map_err(|e| BackupError::io(target.display(), e))?;
        }
        std::fs::rename(&staging, target).map_err(|e| BackupError::io(target.display(), e))?;
        Ok(manifest)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Newest first.
pub fn runs(store: &Store, limit: usize) -> Vec<BackupRun> {
    store
        .index_page(BackupRun::TABLE, "newest", "", 0, limit)
        .map(|(ids, _)| ids.iter().filter_map(|id| store.get::<BackupRun>(id).ok().flatten()).collect())
        .unwrap_or_default()
}

use crate::store::Record;

/// What the dashboard and the admin page show.
pub struct Status {
    pub last: Option<BackupRun>,
    pub last_good: Option<BackupRun>,
    /// No verified backup newer than the configured days.
    pub stale: bool,
}

pub fn status(app: &App) -> Status {
    let recent = runs(&app.store, 200);
    let last_good = recent.iter().find(|r| r.ok && r.verified).cloned();
    let limit = Utc::now() - chrono::Duration::days(app.config.backup.warn_after_days);
    let stale = last_good.as_ref().is_none_or(|r| r.finished < limit);
    Status { last: recent.into_iter().next(), last_good, stale }
}

/// A run by its id, the encrypted file's SHA-256, or its file name.
pub fn find_run(store: &Store, what: &str) -> Option<BackupRun> {
    if let Ok(Some(r)) = store.get::<BackupRun>(what) {
        return Some(r);
    }
    if let Some(r) = store.find_by::<BackupRun>("sha256", &what.to_ascii_lowercase()).ok()?.into_iter().next() {
        return Some(r);
    }
    runs(store, 10_000).into_iter().find(|r| r.file == what)
}

/// Exactly which records a backup held: every record that existed at its
/// snapshot sequence, replayed from the change log. For a breach notice.
pub fn held(store: &Store, seq: u64) -> Result<BTreeMap<String, BTreeSet<String>>, BackupError> {
    let mut held: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in store.log_since(0) {
        let entry = entry?;
        if entry.seq > seq {
            break;
        }
        match entry.op {
            Op::Create | Op::Update => {
                held.entry(entry.entity).or_default().insert(entry.id);
            }
            Op::Delete => {
                if let Some(ids) = held.get_mut(&entry.entity) {
                    ids.remove(&entry.id);
                }
            }
            Op::View | Op::Export | Op::Note => {}
        }
    }
    held.retain(|_, ids| !ids.is_empty());
    Ok(held)
}
