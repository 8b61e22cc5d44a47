//! The backup thread started by `serve`: a backup onto a USB stick when one
//! appears at `backup.usb_dir`, and the daily backup into `<data-dir>/backups/`.
//! A plain thread: a backup is long, blocking work that must not hold an
//! HTTP worker.

use super::model::Trigger;
use super::operations;
use crate::app::App;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The folder on the stick that holds Balai's backups.
pub const USB_FOLDER: &str = "balai-backup";
/// The daily backup waits this long after start, so a box that reboots
/// often does not back up at every start, and tests start quietly.
const DAILY_GRACE: Duration = Duration::from_secs(15 * 60);

pub fn start(app: Arc<App>) {
    // made at the first start, so the recovery sheet can be printed at setup
    if let Err(e) = operations::key(&app) {
        tracing::error!(error = %e, "backup key could not be made");
    }
    let spawned = std::thread::Builder::new().name("backup".into()).spawn(move || {
        let started = Instant::now();
        let mut seen: Option<(u64, u64)> = None;
        loop {
            usb_tick(&app, &mut seen);
            if app.config.backup.daily && started.elapsed() >= DAILY_GRACE {
                daily_tick(&app);
            }
            std::thread::sleep(Duration::from_secs(app.config.backup.poll_seconds.max(1)));
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "backup thread did not start");
    }
}

/// A stick is "new" when the folder it is mounted on changes identity
/// (device and inode): each mount of a stick is a new root.
fn usb_tick(app: &App, seen: &mut Option<(u64, u64)>) {
    let dir = &app.config.backup.usb_dir;
    let Some(identity) = usable(dir, app.config.backup.usb_require_mount) else {
        *seen = None;
        return;
    };
    if *seen == Some(identity) {
        return;
    }
    *seen = Some(identity);
    tracing::info!(dir = %dir.display(), "USB stick found; writing a backup");
    let _ = operations::create_in_dir(app, "usb", Trigger::Usb, &dir.join(USB_FOLDER), app.config.backup.usb_keep);
}

fn usable(dir: &Path, require_mount: bool) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    if require_mount {
        let parent = std::fs::metadata(dir.parent()?).ok()?;
        if parent.dev() == meta.dev() {
            return None; // the empty mount point on the SD card: no stick
        }
    }
    Some((meta.dev(), meta.ino()))
}

fn daily_tick(app: &App) {
    let day_ago = chrono::Utc::now() - chrono::Duration::hours(24);
    let recent = operations::runs(&app.store, 50)
        .into_iter()
        .any(|r| matches!(r.trigger, Trigger::Daily | Trigger::Button) && r.started > day_ago);
    if !recent {
        let _ = operations::create_in_dir(
            app,
            "system",
            Trigger::Daily,
            &operations::local_dir(app),
            app.config.backup.keep,
        );
    }
}
