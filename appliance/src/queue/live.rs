//! What changes while the office is open: the event stream to the boards
//! (server-sent events from one broadcast channel), whether the box can
//! speak, and how many tickets each client address took lately.

use super::operations::{self, Board, Call};
use crate::app::App;
use crate::config::Config;
use crate::http::rate_limit::RateLimit;
use actix_web::web::Bytes;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
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
    /// Tickets taken without an account, per client address and hour.
    pub anonymous_tickets: RateLimit,
}

impl Live {
    pub fn new(config: &Config) -> Live {
        let (tx, _) = broadcast::channel(CHANNEL);
        Live {
            tx,
            speech_wanted: config.queue.speech,
            speech: OnceLock::new(),
            speech_dir: config.data_dir.join("speech"),
            anonymous_tickets: RateLimit::new(config.queue.tickets_per_address_per_hour, Duration::from_secs(3600)),
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
    fn events_are_one_json_line() {
        let e = sse("call", &serde_json::json!({"label": "A-001", "text": "a\nb"}));
        assert_eq!(&e[..], b"event: call\ndata: {\"label\":\"A-001\",\"text\":\"a\\nb\"}\n\n");
    }
}
