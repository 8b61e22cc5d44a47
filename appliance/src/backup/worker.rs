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
        let mut present = false;
        loop {
            usb_tick(&app, &mut present);
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

/// A stick is new when its mount point becomes usable after it was not: the
/// same stick plugged in again gets a new backup, one left in gets one.
fn usb_tick(app: &App, present: &mut bool) {
    let dir = &app.config.backup.usb_dir;
    let now = usable(dir, app.config.backup.usb_require_mount);
    let arrived = now && !*present;
    *present = now;
    if !arrived {
        return;
    }
    tracing::info!(dir = %dir.display(), "USB stick found; writing a backup");
    let _ = operations::create_in_dir(app, "usb", Trigger::Usb, &dir.join(USB_FOLDER), app.config.backup.usb_keep);
    uplink_to_stick(app, &dir.join(UPLINK_FOLDER));
}

/// The folder on the stick that carries uplink bundles to the officials.
pub const UPLINK_FOLDER: &str = "balai-uplink";

/// One bundle per configured recipient, with the changes it has not
/// acknowledged yet; a bundle already there under the same name is the same.
fn uplink_to_stick(app: &App, dir: &Path) {
    for recipient in &app.config.uplink.recipients {
        let written = crate::uplink::operations::export(app, "usb", &recipient.name).and_then(|(header, bytes)| {
            std::fs::create_dir_all(dir).map_err(|e| crate::store::StoreError::Engine(e.to_string()))?;
            let path = dir.join(format!("uplink-{}.zip", header.id()));
            let partial = operations::partial_path(&path);
            std::fs::write(&partial, &bytes)
                .and_then(|()| std::fs::rename(&partial, &path))
                .map_err(|e| crate::store::StoreError::Engine(format!("{}: {e}", path.display())))?;
            Ok(path)
        });
        match written {
            Ok(path) => tracing::info!(file = %path.display(), "uplink bundle written to the stick"),
            Err(e) => tracing::error!(recipient = %recipient.name, error = %e, "uplink bundle not written"),
        }
    }
}

fn usable(dir: &Path, require_mount: bool) -> bool {
    let Some(meta) = std::fs::metadata(dir).ok().filter(|m| m.is_dir()) else { return false };
    if !require_mount {
        return true;
    }
    // the empty mount point on the SD card is not a stick
    let parent = dir.parent().and_then(|p| std::fs::metadata(p).ok());
    parent.is_some_and(|p| p.dev() != meta.dev())
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
