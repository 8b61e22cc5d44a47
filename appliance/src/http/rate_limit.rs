//! A fixed-window limit per key (a client address), for public pages that
//! could be used to guess codes (letter tracking). In memory: a restart
//! forgets, which only ever lets a guesser start again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimit {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    pub fn new(max: u32, window: Duration) -> RateLimit {
        RateLimit { max, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts one attempt by `key`; false once it is over the limit.
    pub fn allow(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = seen.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.max
    }
}

/// The client's address as the key (the box is reached directly on the LAN,
/// so no proxy headers are trusted).
pub fn client_key(req: &actix_web::HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_up_to_max_per_window() {
        let limit = RateLimit::new(3, Duration::from_secs(60));
        assert!((0..3).all(|_| limit.allow("a")));
        assert!(!limit.allow("a"));
        assert!(limit.allow("b"));
    }
}
