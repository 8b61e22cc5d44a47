//! `balai backup …`. `create` runs where the store is: inside the daemon when
//! one runs (the encrypted bytes stream back over the socket in frames, and
//! only this process writes the caller's path), or here when none does.
//! `verify` and `restore` need only the file and the backup key, never the
//! store, so they work on a brand-new box.

use super::{BackupCmd, Reply, Request};
use crate::app::App;
use crate::backup::archive::{BackupError, Manifest};
use crate::backup::key::{BackupKey, identity_path};
use crate::backup::model::Trigger;
use crate::backup::operations as ops;
use crate::config::Config;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;

/// Runs the commands that need no store; returns the request for those that do.
pub fn run(config: &Config, live_data_dir: &Path, command: BackupCmd, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        BackupCmd::Create { out } => create(config, &out, json),
        BackupCmd::Verify { file, key } => {
            let key = resolve_key(key.as_deref(), &[&config.data_dir, live_data_dir])?;
            let tmp = std::env::temp_dir();
            report(ops::verify_file(&file, &key, &tmp), &file, "verified", json)
        }
        BackupCmd::Restore { file, key } => {
            if config.data_dir == live_data_dir {
                anyhow::bail!("give the new data dir: balai backup restore FILE --data-dir NEW");
            }
            let key = resolve_key(key.as_deref(), &[live_data_dir])?;
            let result = ops::restore(&file, &key, &config.data_dir);
            report(result, &file, &format!("restored into {}", config.data_dir.display()), json)
        }
        BackupCmd::Held { what, ids } => crate::run::one_request(config, Request::BackupHeld { what, ids }, json),
        BackupCmd::List => crate::run::one_request(config, Request::BackupList, json),
    }
}

/// `--key` (the key text or a file), else the box's own key file.
fn resolve_key(arg: Option<&str>, data_dirs: &[&Path]) -> anyhow::Result<BackupKey> {
    if let Some(arg) = arg {
        return BackupKey::from_arg(arg);
    }
    for dir in data_dirs {
        let path = identity_path(&dir.join("keys"));
        if path.exists() {
            return BackupKey::load_or_create(&dir.join("keys"));
        }
    }
    anyhow::bail!(
        "no backup key here: give it with --key \"AGE-SECRET-KEY-1…\" (from the recovery sheet) or --key FILE"
    )
}

fn report(result: Result<Manifest, BackupError>, file: &Path, done: &str, json: bool) -> anyhow::Result<ExitCode> {
    match result {
        Ok(m) => {
            if json {
                println!("{}", serde_json::json!({ "ok": true, "manifest": m }));
            } else {
                let records: u64 = m.snapshot.counts.values().sum();
                println!(
                    "{}: {done}. {} ({}), made {} by {}, change log seq {}, {records} records in {} tables, {} photos.",
                    file.display(),
                    m.village_name,
                    m.village_code,
                    m.created_at.format("%Y-%m-%d %H:%M UTC"),
                    m.created_by,
                    m.snapshot.seq,
                    m.snapshot.counts.len(),
                    m.files
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "ok": false, "error": e.code(), "message": e.to_string() }));
            } else {
                eprintln!("{}: {e}", file.display());
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn create(config: &Config, out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let partial = ops::partial_path(out);
    let file = std::fs::File::create(&partial).map_err(|e| anyhow::anyhow!("{}: {e}", partial.display()))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let actor = super::cli_actor();
    let result = match UnixStream::connect(super::socket::path(&config.data_dir)) {
        Ok(stream) => receive(stream, &actor, &name, file, &partial),
        Err(_) => local_create(config, &actor, &name, file, &partial),
    };
    let reply = match result {
        Ok(reply) if reply.ok => {
            std::fs::rename(&partial, out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
            reply
        }
        Ok(reply) => {
            let _ = std::fs::remove_file(&partial);
            reply
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Reply::fail(e.to_string())
        }
    };
    crate::run::finish(reply, None, json)
}

fn local_create(
    config: &Config,
    actor: &str,
    name: &str,
    file: std::fs::File,
    partial: &Path,
) -> Result<Reply, BackupError> {
    let app = App::open(config.clone()).map_err(|e| BackupError::Io(format!("{e:#}")))?;
    let (written, file) = ops::write_to(&app, actor, file).map_err(|e| disk(e, partial))?;
    file.sync_all().map_err(|e| disk(BackupError::io(partial.display(), e), partial))?;
    let run = ops::run_from(&written, actor, Trigger::Cli, name, false);
    ops::record(&app.store, actor, &run)?;
    Ok(created_reply(&run))
}

fn disk(e: BackupError, partial: &Path) -> BackupError {
    match e {
        BackupError::DiskFull(_) => BackupError::DiskFull(partial.display().to_string()),
        other => other,
    }
}

pub fn created_reply(run: &crate::backup::model::BackupRun) -> Reply {
    let records: u64 = run.counts.values().sum();
    Reply::ok(
        format!(
            "backup {} written: {} bytes, {records} records at change log seq {}, {} photos; sha256 {}",
            run.file, run.size, run.snapshot_seq, run.files, run.sha256
        ),
        serde_json::to_value(run).unwrap_or_default(),
    )
}

/// Reads the daemon's frames (`u32` length, bytes; length 0 ends them) into
/// `file`, then its reply line.
fn receive(
    stream: UnixStream,
    actor: &str,
    name: &str,
    file: std::fs::File,
    partial: &Path,
) -> Result<Reply, BackupError> {
    let mut line = serde_json::to_vec(&(actor, Request::BackupCreate { file_name: name.to_string() }))
        .map_err(|e| BackupError::Io(e.to_string()))?;
    line.push(b'\n');
    (&stream).write_all(&line).map_err(|e| BackupError::io("daemon socket", e))?;
    let mut reader = BufReader::with_capacity(1024 * 1024, &stream);
    let mut w = std::io::BufWriter::with_capacity(1024 * 1024, file);
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        let mut len = [0u8; 4];
        reader.read_exact(&mut len).map_err(|e| BackupError::io("daemon socket", e))?;
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 {
            break;
        }
        if len > buf.len() {
            return Err(BackupError::Io("daemon sent an oversized frame".into()));
        }
        reader.read_exact(&mut buf[..len]).map_err(|e| BackupError::io("daemon socket", e))?;
        w.write_all(&buf[..len]).map_err(|e| BackupError::io(partial.display(), e))?;
    }
    let file = w.into_inner().map_err(|e| BackupError::io(partial.display(), e.into_error()))?;
    file.sync_all().map_err(|e| BackupError::io(partial.display(), e))?;
    let mut reply = String::new();
    reader.read_line(&mut reply).map_err(|e| BackupError::io("daemon socket", e))?;
    serde_json::from_str(&reply).map_err(|e| BackupError::Io(format!("daemon reply: {e}")))
}

/// Frames written to the socket; at most 1 MiB each.
struct Frames<W: Write> {
    inner: W,
}

impl<W: Write> Write for Frames<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = buf.len().min(1024 * 1024);
        self.inner.write_all(&(n as u32).to_be_bytes())?;
        self.inner.write_all(&buf[..n])?;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The daemon's side of `backup create`: streams the backup to the caller,
/// then records it.
pub fn serve_create(app: &App, actor: &str, file_name: &str, stream: &UnixStream) -> anyhow::Result<()> {
    let mut frames = Frames { inner: std::io::BufWriter::with_capacity(1024 * 1024, stream) };
    let result = ops::write_to(app, actor, &mut frames);
    let name: String = file_name.chars().filter(|c| !c.is_control() && *c != '/').take(200).collect();
    let reply = match result {
        Ok((written, _)) => {
            let run = ops::run_from(&written, actor, Trigger::Cli, &name, false);
            match ops::record(&app.store, actor, &run) {
                Ok(()) => created_reply(&run),
                Err(e) => Reply::fail(e.to_string()),
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "backup over the socket failed");
            Reply::fail(e.to_string())
        }
    };
    // whole frames only were written, so the end frame can always follow
    frames.inner.write_all(&0u32.to_be_bytes())?;
    frames.inner.flush()?;
    drop(frames);
    let mut out = serde_json::to_vec(&reply)?;
    out.push(b'\n');
    let mut s = stream;
    s.write_all(&out)?;
    Ok(())
}
