//! The outbox's rules: enqueueing (the one call other domains make), the
//! delivery state machine the worker drives, retries, and handing held
//! messages to the uplink. The only writer of outbox records.
//!
//! Every transition reads and writes under the store's writer lock
//! (`commit_with`), so the worker and an operator's "retry now" never act on
//! a stale state, and a message the modem confirmed is never queued again.

use super::model::{Channel, Invalid, Message, NewMessage, State, checked};
use crate::store::{Change, Durability, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

/// Wakes the delivery worker; `enqueue` and "retry now" ring it. A ring with
/// no worker waiting is kept for its next wait, so none is lost.
pub static WAKE: Notify = Notify::const_new();

/// The actor of the worker's own commits.
pub const WORKER: &str = "outbox";

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("{}: {} ({})", .0.field, .0.key, .0.detail)]
    Invalid(Invalid),
    #[error("no outbox message {0}")]
    NotFound(String),
    #[error("message {id} is {} and cannot be {action}", .state.code())]
    WrongState { id: String, state: State, action: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OutboxError {
    /// Catalog key for the message shown to a user.
    pub fn key(&self) -> &'static str {
        match self {
            OutboxError::Invalid(i) => i.key,
            OutboxError::NotFound(_) => "error.not_found",
            OutboxError::WrongState { .. } => "outbox.retry.wrong_state",
            OutboxError::Store(_) => "error.internal",
        }
    }
}

type Result<T> = std::result::Result<T, OutboxError>;

/// Checks and stores a message: SMS are queued for the worker, WhatsApp and
/// e-mail are held for the uplink. Returns the message id.
pub fn enqueue(store: &Store, actor: &str, message: NewMessage) -> Result<String> {
    let (to, body) = checked(&message).map_err(OutboxError::Invalid)?;
    let now = Utc::now();
    let held = message.channel.held();
    let record = Message {
        id: crate::residents::operations::new_id("m"),
        channel: message.channel,
        to,
        body,
        about: message.about.map(|a| a.trim().chars().take(200).collect()).filter(|a: &String| !a.is_empty()),
        state: if held { State::Held } else { State::Queued },
        attempts: 0,
        last_error: None,
        next_attempt: (!held).then_some(now),
        created: now,
        created_by: actor.to_string(),
        updated: now,
        sent_at: None,
        reference: None,
    };
    let detail = format!("{} {}", record.channel.code(), record.state.code());
    let detail = match &record.about {
        Some(about) => format!("{detail}, about {about}"),
        None => detail,
    };
    store.commit(actor, vec![Change::put(&record)?.with_detail(detail)], Durability::Durable)?;
    WAKE.notify_one();
    Ok(record.id)
}

pub fn get(store: &Store, id: &str) -> Result<Message> {
    store.get::<Message>(id)?.ok_or_else(|| OutboxError::NotFound(id.to_string()))
}

/// Messages newest first, optionally in one state: `limit` after `offset`,
/// and how many there are.
pub fn list(store: &Store, state: Option<State>, offset: usize, limit: usize) -> Result<(Vec<Message>, usize)> {
    let prefix = format!("{}/", state.map(State::code).unwrap_or("all"));
    let (ids, total) = store.index_page(<Message as crate::store::Record>::TABLE, "list", &prefix, offset, limit)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = store.get::<Message>(&id)? {
            out.push(m);
        }
    }
    Ok((out, total))
}

/// Messages in one state, oldest first.
fn in_state(store: &Store, state: State) -> Result<Vec<Message>> {
    let mut out = store.find_by::<Message>("state", state.code())?;
    out.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// WhatsApp and e-mail messages waiting for the uplink, oldest first.
pub fn held(store: &Store) -> Vec<Message> {
    in_state(store, State::Held).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot read held outbox messages");
        Vec::new()
    })
}

/// Marks held messages as carried by the uplink (an export or a connection).
/// Messages that are not held are left alone; returns how many changed.
pub fn mark_carried(store: &Store, actor: &str, ids: &[String]) -> Result<usize> {
    let (_, n) = store.commit_with(actor, Durability::Durable, |view| {
        let now = Utc::now();
        let mut changes = Vec::new();
        for id in ids {
            let Some(mut m) = view.get::<Message>(id)? else { continue };
            if m.state != State::Held {
                continue;
            }
            m.state = State::Carried;
            m.sent_at = Some(now);
            m.updated = now;
            changes.push(Change::put(&m)?.with_detail(format!("{} carried by the uplink", m.channel.code())));
        }
        let n = changes.len();
        Ok::<_, OutboxError>((changes, n))
    })?;
    Ok(n)
}

/// Reads a message, lets `change` move it, and writes it, all under the
/// writer lock. `change` returns the log detail or refuses.
fn transition(
    store: &Store,
    actor: &str,
    id: &str,
    change: impl FnOnce(&mut Message) -> Result<String>,
) -> Result<Message> {
    let (_, m) = store.commit_with(actor, Durability::Durable, |view| {
        let mut m = view.get::<Message>(id)?.ok_or_else(|| OutboxError::NotFound(id.to_string()))?;
        let detail = change(&mut m)?;
        m.updated = Utc::now();
        Ok::<_, OutboxError>((vec![Change::put(&m)?.with_detail(detail)], m))
    })?;
    Ok(m)
}

fn wrong(m: &Message, action: &'static str) -> OutboxError {
    OutboxError::WrongState { id: m.id.clone(), state: m.state, action }
}

/// "Kirim ulang sekarang": a failed or waiting SMS is due now, with one
/// more attempt even past the limit.
pub fn retry_now(store: &Store, actor: &str, id: &str) -> Result<Message> {
    let m = transition(store, actor, id, |m| {
        if m.channel != Channel::Sms || !matches!(m.state, State::Failed | State::Queued) {
            return Err(wrong(m, "retried"));
        }
        m.state = State::Queued;
        m.next_attempt = Some(Utc::now());
        Ok("retry requested".into())
    })?;
    WAKE.notify_one();
    Ok(m)
}

/// At start: a message left `sending` by a stopped daemon may or may not
/// have reached the modem; it is queued again (it may be sent twice).
pub fn requeue_interrupted(store: &Store) -> Result<usize> {
    let stuck = in_state(store, State::Sending)?;
    for m in &stuck {
        transition(store, WORKER, &m.id, |m| {
            if m.state != State::Sending {
                return Err(wrong(m, "requeued"));
            }
            m.state = State::Queued;
            m.next_attempt = Some(Utc::now());
            Ok("requeued after a restart while sending".into())
        })?;
    }
    Ok(stuck.len())
}

/// Queued SMS due at `now`, oldest first, and when the next one not yet due
/// will be.
pub fn due_sms(store: &Store, now: DateTime<Utc>) -> Result<(Vec<Message>, Option<DateTime<Utc>>)> {
    let mut due = Vec::new();
    let mut next: Option<DateTime<Utc>> = None;
    for m in in_state(store, State::Queued)?.into_iter().filter(|m| m.channel == Channel::Sms) {
        match m.next_attempt {
            Some(at) if at > now => next = Some(next.map_or(at, |n| n.min(at))),
            _ => due.push(m),
        }
    }
    Ok((due, next))
}

/// The worker takes a due message: `queued` → `sending`, one more attempt.
/// Refused if someone else moved it meanwhile.
pub fn begin_send(store: &Store, id: &str) -> Result<Message> {
    transition(store, WORKER, id, |m| {
        if m.state != State::Queued {
            return Err(wrong(m, "sent"));
        }
        m.state = State::Sending;
        m.attempts += 1;
        Ok(format!("sending, attempt {}", m.attempts))
    })
}

/// The modem confirmed the message with `+CMGS: <reference>`.
pub fn mark_sent(store: &Store, id: &str, reference: &str) -> Result<Message> {
    transition(store, WORKER, id, |m| {
        if m.state != State::Sending {
            return Err(wrong(m, "marked sent"));
        }
        m.state = State::Sent;
        m.sent_at = Some(Utc::now());
        m.next_attempt = None;
        m.reference = Some(reference.chars().take(40).collect());
        Ok(format!("sent, modem reference {}", m.reference.as_deref().unwrap_or("")))
    })
}

/// Retry policy: how many attempts, and the backoff between them.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub max_attempts: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Retry {
    /// Wait after the `attempt`-th failure: base, 2×base, 4×base, … up to max.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1i32.checked_shl(attempt.saturating_sub(1).min(30)).unwrap_or(i32::MAX);
        self.base.checked_mul(factor).unwrap_or(self.max).min(self.max).max(Duration::zero())
    }
}

/// An attempt failed: queued again after the backoff, or `failed` when the
/// attempts are used up.
pub fn mark_attempt_failed(store: &Store, id: &str, error: &str, retry: Retry) -> Result<Message> {
    transition(store, WORKER, id, |m| {
        if m.state != State::Sending {
            return Err(wrong(m, "marked failed"));
        }
        m.last_error = Some(error.chars().take(300).collect());
        if m.attempts >= retry.max_attempts.max(1) {
            m.state = State::Failed;
            m.next_attempt = None;
            Ok(format!("failed after {} attempts", m.attempts))
        } else {
            m.state = State::Queued;
            let wait = retry.backoff(m.attempts);
            m.next_attempt = Some(Utc::now() + wait);
            Ok(format!("attempt {} failed, retry in {} s", m.attempts, wait.num_seconds()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        (dir, store)
    }

    fn sms(to: &str, body: &str) -> NewMessage {
        NewMessage { channel: Channel::Sms, to: to.into(), body: body.into(), about: Some("letter_request:r1".into()) }
    }

    const RETRY: Retry = Retry { max_attempts: 3, base: Duration::seconds(30), max: Duration::seconds(100) };

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let secs: Vec<i64> = (1..=6).map(|a| RETRY.backoff(a).num_seconds()).collect();
        assert_eq!(secs, [30, 60, 100, 100, 100, 100]);
        assert_eq!(RETRY.backoff(0).num_seconds(), 30);
        assert_eq!(RETRY.backoff(u32::MAX).num_seconds(), 100);
        let huge = Retry { max_attempts: 1, base: Duration::days(365 * 1000), max: Duration::days(365 * 2000) };
        assert!(huge.backoff(40) <= huge.max);
    }

    #[test]
    fn enqueue_normalises_and_logs_without_the_text() {
        let (_d, store) = store();
        let id = enqueue(&store, "operator1", sms("0812-3456-7890", "Surat Anda siap.")).unwrap();
        let m = get(&store, &id).unwrap();
        assert_eq!((m.to.as_str(), m.state, m.attempts), ("+6281234567890", State::Queued, 0));
        assert_eq!(m.about.as_deref(), Some("letter_request:r1"));
        let log = store.log_for("outbox_message", &id).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].actor, "operator1");
        assert!(!log[0].detail.contains("Surat") && !log[0].detail.contains("3456"), "{}", log[0].detail);
    }

    #[test]
    fn bad_input_writes_nothing() {
        let (_d, store) = store();
        let before = store.last_seq().unwrap();
        let err = enqueue(&store, "a", sms("021 555", "x")).unwrap_err();
        assert!(matches!(&err, OutboxError::Invalid(i) if i.field == "to"), "{err}");
        assert!(matches!(enqueue(&store, "a", sms("0812 3456 7890", " ")), Err(OutboxError::Invalid(_))));
        assert_eq!(store.last_seq().unwrap(), before);
    }

    #[test]
    fn a_message_goes_queued_sending_sent_once() {
        let (_d, store) = store();
        let id = enqueue(&store, "a", sms("081234567890", "Tes")).unwrap();
        let (due, _) = due_sms(&store, Utc::now()).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(begin_send(&store, &id).unwrap().state, State::Sending);
        // a second worker (or a double start) cannot take it again
        assert!(matches!(begin_send(&store, &id), Err(OutboxError::WrongState { .. })));
        let m = mark_sent(&store, &id, "17").unwrap();
        assert_eq!((m.state, m.reference.as_deref(), m.attempts), (State::Sent, Some("17"), 1));
        assert!(due_sms(&store, Utc::now() + Duration::days(1)).unwrap().0.is_empty());
        // a sent message is never queued again
        assert!(retry_now(&store, "a", &id).is_err());
        assert!(requeue_interrupted(&store).unwrap() == 0);
        assert_eq!(get(&store, &id).unwrap().state, State::Sent);
    }

    #[test]
    fn failures_back_off_then_fail_and_a_manual_retry_gives_one_more() {
        let (_d, store) = store();
        let id = enqueue(&store, "a", sms("081234567890", "Tes")).unwrap();
        for attempt in 1..=3 {
            begin_send(&store, &id).unwrap();
            let m = mark_attempt_failed(&store, &id, "+CMS ERROR: 500", RETRY).unwrap();
            assert_eq!(m.attempts, attempt);
            assert_eq!(m.last_error.as_deref(), Some("+CMS ERROR: 500"));
            if attempt < 3 {
                assert_eq!(m.state, State::Queued);
                let wait = m.next_attempt.unwrap() - Utc::now();
                assert!(wait > RETRY.backoff(attempt) - Duration::seconds(5), "{wait}");
                // not due before the backoff; due after it
                let (due, next) = due_sms(&store, Utc::now()).unwrap();
                assert!(due.is_empty());
                assert_eq!(next, m.next_attempt);
                store_due_now(&store, &id);
            } else {
                assert_eq!((m.state, m.next_attempt), (State::Failed, None));
            }
        }
        assert!(due_sms(&store, Utc::now() + Duration::days(1)).unwrap().0.is_empty());
        let m = retry_now(&store, "operator1", &id).unwrap();
        assert_eq!(m.state, State::Queued);
        begin_send(&store, &id).unwrap();
        assert_eq!(mark_attempt_failed(&store, &id, "timeout", RETRY).unwrap().state, State::Failed);
    }

    fn store_due_now(store: &Store, id: &str) {
        retry_now(store, "test", id).unwrap();
    }

    #[test]
    fn an_interrupted_send_is_queued_again_at_start() {
        let (_d, store) = store();
        let id = enqueue(&store, "a", sms("081234567890", "Tes")).unwrap();
        begin_send(&store, &id).unwrap();
        assert_eq!(requeue_interrupted(&store).unwrap(), 1);
        let m = get(&store, &id).unwrap();
        assert_eq!((m.state, m.attempts), (State::Queued, 1));
        assert_eq!(due_sms(&store, Utc::now()).unwrap().0.len(), 1);
    }

    #[test]
    fn whatsapp_and_email_are_held_until_carried() {
        let (_d, store) = store();
        let wa =
            NewMessage { channel: Channel::Whatsapp, to: "+62 812 1111 2222".into(), body: "Halo".into(), about: None };
        let mail = NewMessage { channel: Channel::Email, to: "Siti@Desa.id".into(), body: "Halo".into(), about: None };
        let a = enqueue(&store, "a", wa).unwrap();
        let b = enqueue(&store, "a", mail).unwrap();
        let sms_id = enqueue(&store, "a", sms("081234567890", "Tes")).unwrap();
        assert_eq!(held(&store).iter().map(|m| m.id.clone()).collect::<Vec<_>>(), [a.clone(), b.clone()]);
        // held messages are not the worker's
        assert_eq!(due_sms(&store, Utc::now()).unwrap().0.len(), 1);
        assert_eq!(mark_carried(&store, "uplink", &[a.clone(), sms_id.clone(), "nope".into()]).unwrap(), 1);
        assert_eq!(get(&store, &a).unwrap().state, State::Carried);
        assert_eq!(get(&store, &sms_id).unwrap().state, State::Queued);
        assert_eq!(held(&store).len(), 1);
        assert!(retry_now(&store, "a", &b).is_err());
    }

    #[test]
    fn the_list_is_newest_first_and_filters_by_state() {
        let (_d, store) = store();
        let first = enqueue(&store, "a", sms("081234567890", "satu")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = enqueue(&store, "a", sms("081234567890", "dua")).unwrap();
        begin_send(&store, &second).unwrap();
        let (all, total) = list(&store, None, 0, 10).unwrap();
        assert_eq!(total, 2);
        assert_eq!(all.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [second.as_str(), first.as_str()]);
        let (queued, n) = list(&store, Some(State::Queued), 0, 10).unwrap();
        assert_eq!((queued.len(), n, queued[0].id.as_str()), (1, 1, first.as_str()));
        assert_eq!(list(&store, Some(State::Sending), 0, 10).unwrap().1, 1);
    }
}
