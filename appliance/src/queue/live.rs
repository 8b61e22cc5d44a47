//! What changes while the office is open: the event stream to the boards
//! (server-sent events from one broadcast channel), whether the box can
//! speak, and how many tickets each client address took lately.

use super::operations::{self, Board, Call};
use crate::app::App;
use crate::config::Config;
use actix_web::web::Bytes;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// A board that falls this far behind only misses states it no longer needs:
/// every state event carries the whole board.
const CHANNEL: usize = 64;
/// More boards than an office has TVs; the rest are refused, not queued.
pub const MAX_SUBSCRIBERS: usize = 64;
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub struct Live {
    tx: broadcast::Sender<Bytes>,
    speech_wanted: bool,
    speech: OnceLock<bool>,
    pub speech_dir: PathBuf,
    taken: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl Live {
    pub fn new(config: &Config) -> Live {
        let (tx, _) = broadcast::channel(CHANNEL);
        Live {
            tx,
            speech_wanted: config.queue.speech,
            speech: OnceLock::new(),
            speech_dir: config.data_dir.join("speech"),
            taken: Mutex::new(HashMap::new()),
        }
    }

    /// Whether calls are spoken by the box. Checked once, on first need, so
    /// the log says once that espeak-ng is missing.
    pub fn speech_on_box(&self) -> bool {
        *self.speech.get_or_init(|| {
            if !self.speech_wanted {
                return false;
            }
            let found = super::speech::espeak_available();
            if !found {
                tracing::warn!(
                    "espeak-ng is not installed: the queue board will use the browser's Indonesian voice where it has one (apt-get install espeak-ng)"
                );
            }
            found
        })
    }

    pub fn subscribe(&self) -> Option<broadcast::Receiver<Bytes>> {
        (self.tx.receiver_count() < MAX_SUBSCRIBERS).then(|| self.tx.subscribe())
    }

    fn send(&self, event: Bytes) {
        // No board listening is not an error.
        let _ = self.tx.send(event);
    }

    /// Records one ticket for `addr` if it has taken fewer than `per_hour`
    /// in the last hour; false (and nothing recorded) otherwise.
    pub fn allow_ticket(&self, addr: IpAddr, per_hour: u32, now: Instant) -> bool {
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        let hour = Duration::from_secs(3600);
        taken.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < hour);
            !times.is_empty()
        });
        let times = taken.entry(addr).or_default();
        if times.len() >= per_hour as usize {
            return false;
        }
        times.push(now);
        true
    }
}

/// One server-sent event; `data` is one line of JSON.
pub fn sse(event: &str, data: &impl serde::Serialize) -> Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    Bytes::from(format!("event: {event}\ndata: {json}\n\n"))
}

pub fn current_board(app: &App) -> Board {
    operations::board(&app.store, app.config.queue.counters, chrono::Utc::now(), app.config.utc_offset_hours())
}

/// Announces `call` if there is one, then tells every board the new state.
pub fn publish(app: &App, call: Option<&Call>) {
    // The call first: the board starts speaking while it redraws.
    if let Some(call) = call {
        app.queue.send(sse("call", call));
    }
    app.queue.send(sse("state", &current_board(app)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_hourly_tickets_and_no_more() {
        let live = Live::new(&Config::default());
        let a: IpAddr = "10.0.0.5".parse().unwrap();
        let b: IpAddr = "10.0.0.6".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(live.allow_ticket(a, 3, t0));
        }
        assert!(!live.allow_ticket(a, 3, t0 + Duration::from_secs(60)));
        assert!(live.allow_ticket(b, 3, t0 + Duration::from_secs(60)));
        assert!(live.allow_ticket(a, 3, t0 + Duration::from_secs(3601)));
    }

    #[test]
    fn events_are_one_json_line() {
        let e = sse("call", &serde_json::json!({"label": "A-001", "text": "a\nb"}));
        assert_eq!(&e[..], b"event: call\ndata: {\"label\":\"A-001\",\"text\":\"a\\nb\"}\n\n");
    }
}
