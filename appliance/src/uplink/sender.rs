//! The uplink thread started by `serve`: for every recipient with an
//! `endpoint`, a bundle is POSTed over verified HTTPS, retried with backoff
//! until the recipient acknowledges it (docs/uplink.md, "Sending by HTTPS"),
//! then the next one follows `interval_seconds` later, starting after the ack.
//!
//! A plain thread with a blocking client, like the backup thread: a village's
//! connection comes and goes, and nothing here may hold an HTTP worker.

use super::bundle::Header;
use super::operations;
use crate::app::App;
use crate::config::UplinkRecipient;
use chrono::{DateTime, Utc};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The actor in the change log for bundles this thread makes and acks it records.
pub const ACTOR: &str = "uplink";
/// A reply is a line of JSON; anything longer is not one.
const MAX_REPLY: u64 = 64 * 1024;

/// What the admin's page shows per recipient. Kept in memory: attempts are
/// not records, and a restart simply tries again.
#[derive(Clone, Debug, Default)]
pub struct SendState {
    /// Failed POSTs of the bundle now pending (0 once it is acknowledged).
    pub failures: u32,
    pub last_attempt: Option<DateTime<Utc>>,
    /// Why the last attempt failed; empty after a success.
    pub last_error: String,
    pub last_success: Option<DateTime<Utc>>,
    pub next_attempt: Option<DateTime<Utc>>,
}

static STATES: Mutex<BTreeMap<String, SendState>> = Mutex::new(BTreeMap::new());

/// The state of every recipient the thread sends to, by name.
pub fn states() -> BTreeMap<String, SendState> {
    STATES.lock().map(|s| s.clone()).unwrap_or_default()
}

fn set_state(name: &str, state: &SendState) {
    if let Ok(mut all) = STATES.lock() {
        all.insert(name.to_string(), state.clone());
    }
}

/// The reply a recipient gives to a bundle it stored.
#[derive(serde::Deserialize)]
struct Reply {
    acknowledged_seq: u64,
}

/// One recipient's schedule: the bundle being delivered, kept until it is
/// acknowledged so every retry sends the very same bytes (and the change
/// log holds one export, not one per attempt).
struct Slot {
    recipient: UplinkRecipient,
    pending: Option<(Header, Vec<u8>)>,
    due: Instant,
    state: SendState,
}

pub fn start(app: Arc<App>) {
    let mut slots: Vec<Slot> = app
        .config
        .uplink
        .recipients
        .iter()
        .filter(|r| !r.endpoint.is_empty())
        .map(|r| Slot { recipient: r.clone(), pending: None, due: Instant::now(), state: SendState::default() })
        .collect();
    if slots.is_empty() {
        return;
    }
    let spawned = std::thread::Builder::new().name("uplink".into()).spawn(move || {
        loop {
            for slot in slots.iter_mut().filter(|s| s.due <= Instant::now()) {
                tick(&app, slot);
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "uplink thread did not start");
    }
}

fn tick(app: &App, slot: &mut Slot) {
    let name = slot.recipient.name.clone();
    let sent = deliver(app, slot);
    let now = Utc::now();
    slot.state.last_attempt = Some(now);
    let wait = match sent {
        Ok(seq) => {
            tracing::info!(recipient = %name, acknowledged_seq = seq, "uplink bundle delivered");
            slot.state.failures = 0;
            slot.state.last_error.clear();
            slot.state.last_success = Some(now);
            Duration::from_secs(slot.recipient.interval_seconds.max(1))
        }
        Err(reason) => {
            slot.state.failures += 1;
            tracing::warn!(recipient = %name, attempt = slot.state.failures, error = %reason, "uplink bundle not delivered; will retry");
            slot.state.last_error = reason;
            backoff(&app.config.uplink, slot.state.failures)
        }
    };
    slot.due = Instant::now() + wait;
    slot.state.next_attempt = chrono::Duration::from_std(wait).ok().map(|w| now + w);
    set_state(&name, &slot.state);
}

/// `base`, `2·base`, `4·base`… up to `max`.
fn backoff(config: &crate::config::Uplink, failures: u32) -> Duration {
    let base = config.retry_base_seconds.max(1);
    let factor = 1u64 << failures.saturating_sub(1).min(20);
    Duration::from_secs(base.saturating_mul(factor).min(config.retry_max_seconds.max(base)))
}

/// Makes the bundle unless one is pending, POSTs it, and records the ack.
/// The reason it failed otherwise, for the log and the admin's page.
fn deliver(app: &App, slot: &mut Slot) -> Result<u64, String> {
    if slot.pending.is_none() {
        let made = operations::export(app, ACTOR, &slot.recipient.name).map_err(|e| e.to_string())?;
        slot.pending = Some(made);
    }
    let Some((header, bytes)) = &slot.pending else { return Err("no bundle".into()) };
    let client = client(&slot.recipient, Duration::from_secs(app.config.uplink.timeout_seconds.max(1)))?;
    let response = client
        .post(&slot.recipient.endpoint)
        .header(reqwest::header::CONTENT_TYPE, "application/zip")
        .header("X-Balai-Bundle", header.id())
        .header("X-Balai-From-Seq", header.from_seq.to_string())
        .header("X-Balai-To-Seq", header.to_seq.to_string())
        .body(bytes.clone())
        .send()
        .map_err(|e| error_chain(&e))?;
    let status = response.status();
    let mut body = Vec::new();
    let _ = response.take(MAX_REPLY).read_to_end(&mut body);
    if !status.is_success() {
        return Err(format!("the endpoint answered {status}"));
    }
    let reply: Reply = serde_json::from_slice(&body)
        .map_err(|e| format!("the endpoint answered {status} without {{\"acknowledged_seq\": N}} ({e})"))?;
    // A recipient cannot acknowledge what it was not sent.
    let seq = reply.acknowledged_seq.min(header.to_seq);
    let seq = operations::ack(app, ACTOR, &slot.recipient.name, seq).map_err(|e| e.to_string())?;
    slot.pending = None;
    Ok(seq)
}

/// A client that trusts only `ca_file` (an office's own CA) or else the
/// system's roots; certificate checks are never turned off, and a redirect
/// is not followed (the bundle goes where the admin configured, or nowhere).
fn client(recipient: &UplinkRecipient, timeout: Duration) -> Result<reqwest::blocking::Client, String> {
    let mut roots = rustls::RootCertStore::empty();
    if recipient.ca_file.as_os_str().is_empty() {
        let found = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(found.certs);
    } else {
        let path = &recipient.ca_file;
        let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            roots.add(cert).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
        }
    }
    if roots.is_empty() {
        return Err(format!("no trusted root certificate for {} (set ca_file)", recipient.endpoint));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout.min(Duration::from_secs(30)))
        .timeout(timeout)
        .build()
        .map_err(|e| error_chain(&e))
}

/// reqwest's own message is only "error sending request"; the cause
/// (refused, no route, certificate) is further down the chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let config = crate::config::Uplink { retry_base_seconds: 10, retry_max_seconds: 60, ..Default::default() };
        let waits: Vec<u64> = (1..=6).map(|n| backoff(&config, n).as_secs()).collect();
        assert_eq!(waits, vec![10, 20, 40, 60, 60, 60]);
        assert_eq!(backoff(&config, u32::MAX).as_secs(), 60);
    }
}
