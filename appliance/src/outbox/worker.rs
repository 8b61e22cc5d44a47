//! The delivery worker: a tokio task that wakes when a message is enqueued
//! (or retried) and when the next retry is due, and sends due SMS through the
//! modem. Each pass runs on the blocking pool (store writes and serial I/O
//! block). A failed pass never stops the worker.

use super::gsm;
use super::model::Message;
use super::modem::{Modem, ModemError, Timeouts};
use super::operations::{self as ops, Retry, WAKE};
use crate::app::App;
use crate::config::Sms;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The longest sleep between passes, so a clock change or a missed ring
/// delays nothing for long.
const TICK: Duration = Duration::from_secs(60);

/// Set when the daemon stops: a pass in progress finishes the message at
/// hand and leaves the rest, so shutdown waits for one SMS at most (the
/// runtime waits for blocking tasks).
static STOPPING: AtomicBool = AtomicBool::new(false);

pub fn stop() {
    STOPPING.store(true, Ordering::Relaxed);
}

/// Starts the worker on the current tokio runtime. Messages a stopped daemon
/// left `sending` are queued again first.
pub fn start(app: Arc<App>) {
    match ops::requeue_interrupted(&app.store) {
        Ok(0) => {}
        Ok(n) => tracing::warn!(messages = n, "outbox: SMS interrupted while sending are queued again"),
        Err(e) => tracing::error!(error = %e, "outbox: cannot requeue interrupted messages"),
    }
    if app.config.sms.port.trim().is_empty() {
        tracing::info!("outbox: no SMS modem configured ([sms] port); SMS stay queued");
    }
    tokio::spawn(async move {
        loop {
            let pass_app = app.clone();
            let wait = tokio::task::spawn_blocking(move || deliver_due(&pass_app)).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "outbox: delivery pass panicked");
                TICK
            });
            tokio::select! {
                _ = WAKE.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    });
}

pub fn retry_policy(sms: &Sms) -> Retry {
    Retry {
        max_attempts: sms.max_attempts,
        base: chrono::Duration::seconds(sms.retry_base_seconds.min(86_400) as i64),
        max: chrono::Duration::seconds(sms.retry_max_seconds.min(7 * 86_400) as i64),
    }
}

/// Sends every due SMS; returns how long to sleep until the next is due.
pub fn deliver_due(app: &App) -> Duration {
    let sms = &app.config.sms;
    if sms.port.trim().is_empty() {
        return TICK;
    }
    let (due, _) = match ops::due_sms(&app.store, chrono::Utc::now()) {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "outbox: cannot read the queue");
            return TICK;
        }
    };
    let mut modem: Option<Modem> = None;
    for message in due {
        if STOPPING.load(Ordering::Relaxed) {
            break;
        }
        let Ok(message) = ops::begin_send(&app.store, &message.id) else { continue };
        let result = send_one(sms, &mut modem, &message);
        let recorded = match &result {
            Ok(reference) => ops::mark_sent(&app.store, &message.id, reference).map(|_| ()),
            Err(e) => ops::mark_attempt_failed(&app.store, &message.id, &e.to_string(), retry_policy(sms)).map(|_| ()),
        };
        if let Err(e) = recorded {
            tracing::error!(id = %message.id, error = %e, "outbox: cannot record a delivery result");
        }
        match result {
            Ok(_) => tracing::info!(id = %message.id, attempt = message.attempts, "outbox: SMS sent"),
            Err(e) => {
                tracing::warn!(id = %message.id, attempt = message.attempts, error = %e, "outbox: SMS not sent");
                if e.port_level() {
                    // The modem is gone or confused: leave the rest for the next pass.
                    return Duration::from_secs(sms.retry_base_seconds.clamp(1, TICK.as_secs()));
                }
            }
        }
    }
    until_next_due(app)
}

/// Sleep until the earliest retry (the ones this pass scheduled included).
fn until_next_due(app: &App) -> Duration {
    let now = chrono::Utc::now();
    match ops::due_sms(&app.store, now) {
        // Due already (a failing store must not make this spin): soon, not at once.
        Ok((due, _)) if !due.is_empty() => Duration::from_secs(1),
        Ok((_, Some(at))) => (at - now).to_std().unwrap_or(Duration::ZERO).min(TICK),
        Ok((_, None)) => TICK,
        Err(_) => TICK,
    }
}

/// One SMS on the open modem, opening and initialising it first if needed.
/// After a port-level error the modem is closed, so the next pass starts clean.
fn send_one(sms: &Sms, modem: &mut Option<Modem>, message: &Message) -> Result<String, ModemError> {
    let text = gsm::encode(&message.body)
        .map_err(|e| ModemError::Refused { command: "encoding".into(), answer: format!("{e:?}") })?;
    if modem.is_none() {
        let timeouts = Timeouts {
            command: Duration::from_secs(sms.command_timeout_seconds.max(1)),
            send: Duration::from_secs(sms.send_timeout_seconds.max(1)),
        };
        let mut opened = Modem::open(Path::new(sms.port.trim()), sms.baud, timeouts)?;
        opened.init()?;
        *modem = Some(opened);
    }
    let Some(open) = modem.as_mut() else { return Err(ModemError::Io("modem not open".into())) };
    let result = open.send_sms(&message.to, &text);
    if result.as_ref().is_err_and(ModemError::port_level) {
        *modem = None;
    }
    result
}
