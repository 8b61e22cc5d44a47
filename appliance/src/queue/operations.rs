//! The queue's rules, and its only writer. Ticket numbers are decided under
//! the store's writer lock (`Store::commit_with`), so concurrent kiosks never
//! share a number and the numbers of a service have no gaps; they start at 1
//! each day in the village's own zone (WIB/WITA/WIT). Calls are decided the
//! same way, so two counters never call the same ticket.

use super::model::{Service, ServiceInput, Ticket, TicketState, day_service_key, service_problems};
use crate::store::{Change, Durability, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::ops::RangeInclusive;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no such service")]
    UnknownService,
    #[error("the service takes no tickets now")]
    ServiceClosed,
    #[error("no such ticket")]
    UnknownTicket,
    #[error("no such counter")]
    UnknownCounter,
    #[error("no ticket at this counter")]
    NothingAtCounter,
    #[error("invalid input")]
    Invalid(Vec<(&'static str, &'static str)>),
}

impl QueueError {
    /// The catalog key that explains the error to a person.
    pub fn key(&self) -> &'static str {
        match self {
            QueueError::Store(StoreError::Unique { .. }) => "queue.error.prefix_taken",
            QueueError::Store(_) => "error.internal",
            QueueError::UnknownService => "queue.error.unknown_service",
            QueueError::ServiceClosed => "queue.error.service_closed",
            QueueError::UnknownTicket => "queue.error.unknown_ticket",
            QueueError::UnknownCounter => "queue.error.counter",
            QueueError::NothingAtCounter => "queue.error.nothing_at_counter",
            QueueError::Invalid(list) => list.first().map(|(_, k)| *k).unwrap_or("error.bad_form"),
        }
    }
}

use crate::config::local_day;

pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

// ---------------------------------------------------------------- services

const DEFAULT_SERVICES: [(&str, &str); 3] =
    [("A", "Layanan Surat"), ("B", "Kependudukan (KTP/KK)"), ("C", "Umum/Pengaduan")];

/// On first start: the three services every village office has.
pub fn seed_services(store: &Store) -> Result<(), StoreError> {
    if store.count::<Service>() > 0 {
        return Ok(());
    }
    let mut changes = Vec::new();
    for (i, (prefix, name)) in DEFAULT_SERVICES.iter().enumerate() {
        let s = Service {
            id: new_id(),
            prefix: prefix.to_string(),
            name: name.to_string(),
            enabled: true,
            position: i as u32 + 1,
        };
        changes.push(Change::put(&s)?.with_detail(format!("queue service {prefix} seeded")));
    }
    store.commit("system", changes, Durability::Durable)?;
    Ok(())
}

/// Every service, in kiosk order.
pub fn services(store: &Store) -> Vec<Service> {
    let mut list: Vec<Service> = store.scan::<Service>().filter_map(Result::ok).collect();
    list.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.prefix.cmp(&b.prefix)));
    list
}

/// A service by id or by its letter (the API and kiosks may send either).
pub fn find_service(store: &Store, key: &str) -> Option<Service> {
    let key = key.trim();
    if let Ok(Some(s)) = store.get::<Service>(key) {
        return Some(s);
    }
    let letter = key.to_ascii_uppercase();
    store.find_by::<Service>("prefix", &letter).ok().and_then(|mut v| v.pop())
}

pub fn add_service(store: &Store, actor: &str, input: &ServiceInput) -> Result<Service, QueueError> {
    let problems = service_problems(input);
    if !problems.is_empty() {
        return Err(QueueError::Invalid(problems));
    }
    let position = services(store).iter().map(|s| s.position).max().unwrap_or(0) + 1;
    let s = Service {
        id: new_id(),
        prefix: input.prefix.trim().to_ascii_uppercase(),
        name: input.name.trim().to_string(),
        enabled: true,
        position,
    };
    store.commit(actor, vec![Change::put(&s)?.with_detail(format!("queue service {} added", s.prefix))], DURABLE)?;
    Ok(s)
}

pub fn update_service(store: &Store, actor: &str, id: &str, input: &ServiceInput) -> Result<Service, QueueError> {
    let mut s = store.get::<Service>(id)?.ok_or(QueueError::UnknownService)?;
    let problems = service_problems(input);
    if !problems.is_empty() {
        return Err(QueueError::Invalid(problems));
    }
    s.prefix = input.prefix.trim().to_ascii_uppercase();
    s.name = input.name.trim().to_string();
    s.enabled = input.enabled.is_some();
    let detail = format!("queue service {} {}", s.prefix, if s.enabled { "saved" } else { "disabled" });
    store.commit(actor, vec![Change::put(&s)?.with_detail(detail)], DURABLE)?;
    Ok(s)
}

// ---------------------------------------------------------------- tickets

const DURABLE: Durability = Durability::Durable;

fn new_id() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

/// A new ticket for `service` (id or letter), numbered next for its service
/// on the village's current day.
pub fn take_ticket(
    store: &Store,
    actor: &str,
    service: &str,
    now: DateTime<Utc>,
    offset_hours: i32,
) -> Result<Ticket, QueueError> {
    let service = find_service(store, service).ok_or(QueueError::UnknownService)?;
    if !service.enabled {
        return Err(QueueError::ServiceClosed);
    }
    let day = day_key(local_day(now, offset_hours));
    let (_, ticket) = store.commit_with(actor, DURABLE, |view| {
        let taken = view.find_by::<Ticket>("day_service", &day_service_key(&day, &service.id))?;
        let number = taken.iter().map(|t| t.number).max().unwrap_or(0) + 1;
        let ticket = Ticket {
            id: new_id(),
            day: day.clone(),
            service_id: service.id.clone(),
            prefix: service.prefix.clone(),
            service_name: service.name.clone(),
            number,
            state: TicketState::Waiting,
            taken_at: now,
            called_at: None,
            last_called_at: None,
            served_at: None,
            finished_at: None,
            counter: None,
            calls: 0,
        };
        let change = Change::put(&ticket)?.with_detail(format!("ticket {} taken", ticket.label()));
        Ok::<_, QueueError>((vec![change], ticket))
    })?;
    Ok(ticket)
}

pub fn ticket(store: &Store, id: &str) -> Option<Ticket> {
    store.get::<Ticket>(id).ok().flatten()
}

/// The tickets of one day, oldest first.
pub fn tickets_of_day(store: &Store, day: &str) -> Vec<Ticket> {
    let mut list = store.find_by::<Ticket>("day", day).unwrap_or_default();
    list.sort_by(|a, b| a.taken_at.cmp(&b.taken_at).then_with(|| a.number.cmp(&b.number)));
    list
}

/// How many tickets of the same service are still waiting before this one.
pub fn ahead(store: &Store, t: &Ticket) -> usize {
    store
        .find_by::<Ticket>("day_service", &day_service_key(&t.day, &t.service_id))
        .unwrap_or_default()
        .iter()
        .filter(|o| o.state == TicketState::Waiting && o.number < t.number)
        .count()
}

/// The ticket at a counter right now (called or being served), if any.
pub fn at_counter(tickets: &[Ticket], counter: u32) -> Option<&Ticket> {
    tickets.iter().filter(|t| t.counter == Some(counter) && t.state.at_counter()).max_by_key(|t| t.last_called_at)
}

fn check_counter(counter: u32, counters: u32) -> Result<(), QueueError> {
    if counter == 0 || counter > counters { Err(QueueError::UnknownCounter) } else { Ok(()) }
}

/// Calls the oldest waiting ticket (of `service`, or of any service) to
/// `counter`. The ticket the counter had is finished first. `None` when no
/// one is waiting.
pub fn call_next(
    store: &Store,
    actor: &str,
    counter: u32,
    counters: u32,
    service: Option<&str>,
    now: DateTime<Utc>,
    offset_hours: i32,
) -> Result<Option<Ticket>, QueueError> {
    check_counter(counter, counters)?;
    let service_id = match service.map(str::trim).filter(|s| !s.is_empty()) {
        Some(key) => Some(find_service(store, key).ok_or(QueueError::UnknownService)?.id),
        None => None,
    };
    let day = day_key(local_day(now, offset_hours));
    let (_, called) = store.commit_with(actor, DURABLE, |view| {
        let tickets = tickets_of_day(view, &day);
        let mut changes = Vec::new();
        if let Some(current) = at_counter(&tickets, counter) {
            let mut done = current.clone();
            finish_in_place(&mut done, now);
            changes.push(Change::put(&done)?.with_detail(format!("ticket {} done at loket {counter}", done.label())));
        }
        let next = tickets
            .iter()
            .filter(|t| t.state == TicketState::Waiting)
            .find(|t| service_id.as_ref().is_none_or(|s| *s == t.service_id));
        let Some(next) = next else {
            return Ok::<_, QueueError>((changes, None));
        };
        let mut t = next.clone();
        t.state = TicketState::Called;
        t.counter = Some(counter);
        t.called_at = Some(now);
        t.last_called_at = Some(now);
        t.calls = 1;
        changes.push(Change::put(&t)?.with_detail(format!("ticket {} called to loket {counter}", t.label())));
        Ok((changes, Some(t)))
    })?;
    Ok(called)
}

fn finish_in_place(t: &mut Ticket, now: DateTime<Utc>) {
    t.state = TicketState::Done;
    t.served_at = t.served_at.or(t.called_at);
    t.finished_at = Some(now);
}

/// What an operator does to the ticket at their counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Call it again (the resident did not hear).
    Recall,
    /// The resident has sat down: service starts.
    Serve,
    Finish,
    /// Called but not there.
    Skip,
}

/// Applies `action` to the ticket at `counter`.
pub fn act_at_counter(
    store: &Store,
    actor: &str,
    counter: u32,
    counters: u32,
    action: Action,
    now: DateTime<Utc>,
    offset_hours: i32,
) -> Result<Ticket, QueueError> {
    check_counter(counter, counters)?;
    let day = day_key(local_day(now, offset_hours));
    let (_, t) = store.commit_with(actor, DURABLE, |view| {
        let tickets = tickets_of_day(view, &day);
        let current = at_counter(&tickets, counter).ok_or(QueueError::NothingAtCounter)?;
        apply(current.clone(), action, now)
    })?;
    Ok(t)
}

/// Applies `action` to one ticket (the API names tickets by id).
pub fn act_on_ticket(store: &Store, actor: &str, id: &str, action: Action) -> Result<Ticket, QueueError> {
    let now = Utc::now();
    let (_, t) = store.commit_with(actor, DURABLE, |view| {
        let t = view.get::<Ticket>(id)?.ok_or(QueueError::UnknownTicket)?;
        if !t.state.at_counter() {
            return Err(QueueError::NothingAtCounter);
        }
        apply(t, action, now)
    })?;
    Ok(t)
}

fn apply(mut t: Ticket, action: Action, now: DateTime<Utc>) -> Result<(Vec<Change>, Ticket), QueueError> {
    let counter = t.counter.unwrap_or(0);
    let verb = match action {
        Action::Recall => {
            t.calls += 1;
            t.last_called_at = Some(now);
            "called again"
        }
        Action::Serve => {
            t.state = TicketState::Serving;
            t.served_at = Some(now);
            "served"
        }
        Action::Finish => {
            finish_in_place(&mut t, now);
            "done"
        }
        Action::Skip => {
            t.state = TicketState::Skipped;
            t.finished_at = Some(now);
            "skipped"
        }
    };
    let change = Change::put(&t)?.with_detail(format!("ticket {} {verb} at loket {counter}", t.label()));
    Ok((vec![change], t))
}

// ---------------------------------------------------------------- the board

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CounterNow {
    pub counter: u32,
    pub ticket_id: Option<String>,
    pub label: Option<String>,
    pub service: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Call {
    pub ticket_id: String,
    pub label: String,
    pub counter: u32,
    pub service: String,
    /// 1 for the first call, more for recalls: a new value is a new call.
    pub calls: u32,
    /// The sentence the board says.
    pub speech: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Waiting {
    pub prefix: String,
    pub name: String,
    pub count: usize,
}

/// What the board shows; sent whole to every board on every change.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Board {
    pub day: String,
    pub counters: Vec<CounterNow>,
    /// The latest calls, newest first.
    pub recent: Vec<Call>,
    pub waiting: Vec<Waiting>,
}

pub fn call_of(t: &Ticket) -> Option<Call> {
    let counter = t.counter?;
    Some(Call {
        ticket_id: t.id.clone(),
        label: t.label(),
        counter,
        service: t.service_name.clone(),
        calls: t.calls,
        speech: super::speech::announcement(&t.prefix, t.number, counter),
    })
}

pub fn board(store: &Store, counters: u32, now: DateTime<Utc>, offset_hours: i32) -> Board {
    let day = day_key(local_day(now, offset_hours));
    let tickets = tickets_of_day(store, &day);
    let counters = (1..=counters)
        .map(|c| {
            let t = at_counter(&tickets, c);
            CounterNow {
                counter: c,
                ticket_id: t.map(|t| t.id.clone()),
                label: t.map(Ticket::label),
                service: t.map(|t| t.service_name.clone()),
            }
        })
        .collect();
    let mut called: Vec<&Ticket> = tickets.iter().filter(|t| t.last_called_at.is_some()).collect();
    called.sort_by_key(|t| std::cmp::Reverse(t.last_called_at));
    let recent = called.into_iter().take(6).filter_map(call_of).collect();
    let waiting = services(store)
        .into_iter()
        .filter(|s| s.enabled)
        .map(|s| Waiting {
            count: tickets.iter().filter(|t| t.service_id == s.id && t.state == TicketState::Waiting).count(),
            prefix: s.prefix,
            name: s.name,
        })
        .collect();
    Board { day, counters, recent, waiting }
}

// ---------------------------------------------------------------- figures

/// Waiting and service times over a range of days, for the dashboard and the
/// village's service report.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct QueueFigures {
    pub tickets: usize,
    /// Finished at a counter.
    pub served: usize,
    pub skipped: usize,
    pub median_wait_secs: Option<i64>,
    pub p90_wait_secs: Option<i64>,
    pub median_service_secs: Option<i64>,
    pub p90_service_secs: Option<i64>,
    /// Still waiting to be called.
    pub waiting_now: usize,
}

pub fn figures(store: &Store, days: RangeInclusive<NaiveDate>) -> QueueFigures {
    let mut tickets = Vec::new();
    let mut day = *days.start();
    // A year at most, so a wild range cannot keep a worker busy.
    for _ in 0..366 {
        if day > *days.end() {
            break;
        }
        tickets.extend(tickets_of_day(store, &day_key(day)));
        day += Duration::days(1);
    }
    figures_of(&tickets)
}

pub fn figures_of(tickets: &[Ticket]) -> QueueFigures {
    let mut waits: Vec<i64> = tickets.iter().filter_map(Ticket::wait_secs).collect();
    let mut services: Vec<i64> = tickets.iter().filter_map(Ticket::service_secs).collect();
    waits.sort_unstable();
    services.sort_unstable();
    QueueFigures {
        tickets: tickets.len(),
        served: tickets.iter().filter(|t| t.state == TicketState::Done).count(),
        skipped: tickets.iter().filter(|t| t.state == TicketState::Skipped).count(),
        median_wait_secs: crate::figures::percentile(&waits, 50),
        p90_wait_secs: crate::figures::percentile(&waits, 90),
        median_service_secs: crate::figures::percentile(&services, 50),
        p90_service_secs: crate::figures::percentile(&services, 90),
        waiting_now: tickets.iter().filter(|t| t.state == TicketState::Waiting).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        seed_services(&store).unwrap();
        (dir, store)
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
    }

    #[test]
    fn numbers_run_per_service_and_restart_each_local_day() {
        let (_d, s) = store();
        let take = |svc: &str, now| take_ticket(&s, "kiosk", svc, now, 7).unwrap().label();
        assert_eq!(take("A", at(1, 0)), "A-001");
        assert_eq!(take("a", at(1, 1)), "A-002");
        assert_eq!(take("B", at(1, 2)), "B-001");
        // 16:59 UTC is 23:59 WIB, still 2 March; 17:00 UTC is 00:00 WIB on 3 March.
        assert_eq!(take("A", at(16, 59)), "A-003");
        assert_eq!(take("A", at(17, 0)), "A-001");
        assert_eq!(take("B", at(17, 1)), "B-001");
    }

    #[test]
    fn the_day_follows_the_village_zone() {
        let t = at(15, 30); // 22:30 WIB, 23:30 WITA, 00:30 WIT the next day
        assert_eq!(day_key(local_day(t, 7)), "2026-03-02");
        assert_eq!(day_key(local_day(t, 8)), "2026-03-02");
        assert_eq!(day_key(local_day(t, 9)), "2026-03-03");
        let (_d, s) = store();
        assert_eq!(take_ticket(&s, "k", "A", t, 9).unwrap().day, "2026-03-03");
        assert_eq!(take_ticket(&s, "k", "A", t, 8).unwrap().day, "2026-03-02");
        assert_eq!(take_ticket(&s, "k", "A", t, 8).unwrap().number, 2);
        assert_eq!(take_ticket(&s, "k", "A", t, 9).unwrap().number, 2);
    }

    #[test]
    fn concurrent_takers_get_distinct_consecutive_numbers() {
        let (_d, s) = store();
        let s = std::sync::Arc::new(s);
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let s = s.clone();
                std::thread::spawn(move || {
                    (0..5).map(|_| take_ticket(&s, "k", "C", at(2, 0), 7).unwrap().number).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<u32> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort_unstable();
        assert_eq!(all, (1..=40).collect::<Vec<_>>());
    }

    #[test]
    fn a_disabled_or_unknown_service_takes_no_tickets() {
        let (_d, s) = store();
        let a = find_service(&s, "A").unwrap();
        let input = ServiceInput { prefix: "A".into(), name: a.name.clone(), enabled: None };
        update_service(&s, "admin", &a.id, &input).unwrap();
        assert!(matches!(take_ticket(&s, "k", "A", at(1, 0), 7), Err(QueueError::ServiceClosed)));
        assert!(matches!(take_ticket(&s, "k", "Z", at(1, 0), 7), Err(QueueError::UnknownService)));
        let dup = ServiceInput { prefix: "b".into(), name: "Lain".into(), enabled: Some("on".into()) };
        assert_eq!(add_service(&s, "admin", &dup).unwrap_err().key(), "queue.error.prefix_taken");
    }

    #[test]
    fn calls_go_oldest_first_and_record_the_times() {
        let (_d, s) = store();
        let a1 = take_ticket(&s, "k", "A", at(1, 0), 7).unwrap();
        let b1 = take_ticket(&s, "k", "B", at(1, 1), 7).unwrap();
        let a2 = take_ticket(&s, "k", "A", at(1, 2), 7).unwrap();
        assert_eq!(ahead(&s, &a2), 1);
        let c1 = call_next(&s, "op", 1, 3, None, at(1, 10), 7).unwrap().unwrap();
        assert_eq!((c1.id.as_str(), c1.counter), (a1.id.as_str(), Some(1)));
        let c2 = call_next(&s, "op", 2, 3, Some("A"), at(1, 11), 7).unwrap().unwrap();
        assert_eq!(c2.id, a2.id);
        assert_eq!(ahead(&s, &a2), 0);
        // Calling again at counter 1 finishes A-001 and calls B-001.
        let c3 = call_next(&s, "op", 1, 3, None, at(1, 15), 7).unwrap().unwrap();
        assert_eq!(c3.id, b1.id);
        let done = ticket(&s, &a1.id).unwrap();
        assert_eq!(done.state, TicketState::Done);
        assert_eq!(done.wait_secs(), Some(600));
        assert_eq!(done.service_secs(), Some(300));
        assert!(call_next(&s, "op", 3, 3, None, at(1, 16), 7).unwrap().is_none());
        assert!(matches!(call_next(&s, "op", 4, 3, None, at(1, 16), 7), Err(QueueError::UnknownCounter)));
        let r = act_at_counter(&s, "op", 2, 3, Action::Recall, at(1, 17), 7).unwrap();
        assert_eq!((r.calls, r.called_at), (2, Some(at(1, 11))));
        let k = act_at_counter(&s, "op", 2, 3, Action::Skip, at(1, 18), 7).unwrap();
        assert_eq!(k.state, TicketState::Skipped);
        assert!(matches!(
            act_at_counter(&s, "op", 2, 3, Action::Finish, at(1, 19), 7),
            Err(QueueError::NothingAtCounter)
        ));
        let b = board(&s, 3, at(1, 20), 7);
        assert_eq!(b.counters[0].label.as_deref(), Some("B-001"));
        assert_eq!(b.counters[1].label, None);
        assert_eq!(b.recent[0].label, "A-002");
        assert_eq!(b.waiting.iter().map(|w| w.count).sum::<usize>(), 0);
    }

    #[test]
    fn figures_count_waits_and_service_times() {
        let (_d, s) = store();
        // Waits of 1..=10 minutes, each served for 2 minutes; one left waiting.
        for i in 0..10u32 {
            take_ticket(&s, "k", "A", at(1, 0), 7).unwrap();
            call_next(&s, "op", 1, 3, None, at(1, 1 + i) + Duration::minutes(2 * i as i64), 7).unwrap();
        }
        act_at_counter(&s, "op", 1, 3, Action::Finish, at(1, 10) + Duration::minutes(20), 7).unwrap();
        take_ticket(&s, "k", "B", at(3, 0), 7).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let f = figures(&s, day..=day);
        assert_eq!((f.tickets, f.served, f.waiting_now), (11, 10, 1));
        // The i-th ticket was called at 1 + 3i minutes after 01:00.
        assert_eq!(f.median_wait_secs, Some(60 * (1 + 3 * 4)));
        assert_eq!(f.p90_wait_secs, Some(60 * (1 + 3 * 8)));
        // Each was served until the next call, 3 minutes later; the last one for 2.
        assert_eq!(f.median_service_secs, Some(180));
        let next = day.succ_opt().unwrap();
        assert_eq!(figures(&s, next..=next), QueueFigures::default());
    }
}
