//! The daemon's local control socket, `balai.sock` in the data dir: only the
//! owner and its group (root and the balai group on the box) may connect. One
//! JSON request per connection, one JSON reply.

use super::{Reply, Request, execute};
use crate::app::App;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("balai.sock")
}

/// Serves CLI requests on a plain thread: they are rare and may be long
/// (an import), and must not hold an HTTP worker.
pub fn listen(app: Arc<App>) -> anyhow::Result<()> {
    let path = path(&app.config.data_dir);
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660))?;
    std::thread::Builder::new().name("cli-socket".into()).spawn(move || {
        for stream in listener.incoming().flatten() {
            let app = app.clone();
            let _ = std::thread::Builder::new().name("cli-request".into()).spawn(move || {
                if let Err(e) = handle(&app, stream) {
                    tracing::warn!(error = %e, "CLI request failed");
                }
            });
        }
    })?;
    Ok(())
}

fn handle(app: &App, stream: UnixStream) -> anyhow::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let (actor, request): (String, Request) = serde_json::from_str(&line)?;
    if let Request::BackupCreate { file_name } = &request {
        return super::backup::serve_create(app, &actor, file_name, &stream);
    }
    let reply = execute(app, &actor, request);
    let mut out = serde_json::to_vec(&reply)?;
    out.push(b'\n');
    (&stream).write_all(&out)?;
    Ok(())
}

/// Sends a request to a running daemon; None when no daemon listens.
pub fn send(data_dir: &Path, actor: &str, request: &Request) -> Option<anyhow::Result<Reply>> {
    let stream = UnixStream::connect(path(data_dir)).ok()?;
    Some((|| {
        let mut line = serde_json::to_vec(&(actor, request))?;
        line.push(b'\n');
        (&stream).write_all(&line)?;
        let mut reply = String::new();
        BufReader::new(&stream).read_line(&mut reply)?;
        Ok(serde_json::from_str(&reply)?)
    })())
}
