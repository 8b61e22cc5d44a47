//! Services (layanan) and tickets, as stored.

use crate::store::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A service a ticket is taken for; its letter starts the ticket number.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Service {
    pub id: String,
    /// One capital letter, A–Z; unique among services.
    pub prefix: String,
    pub name: String,
    pub enabled: bool,
    /// Order on the kiosk and the board.
    pub position: u32,
}

impl Record for Service {
    const TABLE: &'static str = "queue_service";
    const UNIQUE: &'static [&'static str] = &["prefix"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("prefix", self.prefix.clone())]
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    Waiting,
    /// Called to a counter; the resident is on the way.
    Called,
    /// The operator has started serving.
    Serving,
    Done,
    /// Called but did not come (no-show).
    Skipped,
}

impl TicketState {
    pub fn code(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Done => "done",
            TicketState::Skipped => "skipped",
        }
    }

    /// At a counter right now.
    pub fn at_counter(self) -> bool {
        matches!(self, TicketState::Called | TicketState::Serving)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Ticket {
    /// Random, so a ticket's page cannot be found by counting.
    pub id: String,
    /// The village's local date the ticket was taken on, `YYYY-MM-DD`.
    pub day: String,
    pub service_id: String,
    /// The service's letter when the ticket was taken.
    pub prefix: String,
    pub service_name: String,
    /// 1, 2, 3… per service per day, without gaps.
    pub number: u32,
    pub state: TicketState,
    pub taken_at: DateTime<Utc>,
    /// The first call: waiting time ends here.
    pub called_at: Option<DateTime<Utc>>,
    /// The latest call or recall: orders the board's list of calls.
    pub last_called_at: Option<DateTime<Utc>>,
    pub served_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counter: Option<u32>,
    /// How often it was called (recalls included).
    pub calls: u32,
}

impl Record for Ticket {
    const TABLE: &'static str = "queue_ticket";
    const UNIQUE: &'static [&'static str] = &["number"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![
            ("day", self.day.clone()),
            ("day_service", day_service_key(&self.day, &self.service_id)),
            ("number", format!("{}|{}", day_service_key(&self.day, &self.service_id), self.number)),
        ]
    }
}

pub fn day_service_key(day: &str, service_id: &str) -> String {
    format!("{day}|{service_id}")
}

impl Ticket {
    /// `A-003`: the number shown on the ticket and the board.
    pub fn label(&self) -> String {
        label(&self.prefix, self.number)
    }

    /// Seconds from taking the ticket to its first call.
    pub fn wait_secs(&self) -> Option<i64> {
        self.called_at.map(|c| (c - self.taken_at).num_seconds().max(0))
    }

    /// Seconds from the first call to the end of service.
    pub fn service_secs(&self) -> Option<i64> {
        match (self.called_at, self.finished_at, self.state) {
            (Some(c), Some(f), TicketState::Done) => Some((f - c).num_seconds().max(0)),
            _ => None,
        }
    }
}

pub fn label(prefix: &str, number: u32) -> String {
    format!("{prefix}-{number:03}")
}

/// A service as typed by the admin, checked.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ServiceInput {
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub name: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub enabled: Option<String>,
}

/// (field, catalog key) of the first problem of each field.
pub fn service_problems(input: &ServiceInput) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let prefix = input.prefix.trim();
    if prefix.len() != 1 || !prefix.chars().all(|c| c.is_ascii_alphabetic()) {
        out.push(("prefix", "queue.error.prefix"));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        out.push(("name", "queue.error.name"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_pad_to_three_digits() {
        assert_eq!(label("A", 1), "A-001");
        assert_eq!(label("B", 42), "B-042");
        assert_eq!(label("C", 1234), "C-1234");
    }

    #[test]
    fn service_input_needs_one_letter_and_a_name() {
        let ok = ServiceInput { prefix: "d".into(), name: "Pajak".into(), enabled: None };
        assert!(service_problems(&ok).is_empty());
        let bad = ServiceInput { prefix: "AB".into(), name: " ".into(), enabled: None };
        assert_eq!(service_problems(&bad), vec![("prefix", "queue.error.prefix"), ("name", "queue.error.name")]);
        let digit = ServiceInput { prefix: "1".into(), name: "x".into(), enabled: None };
        assert_eq!(service_problems(&digit), vec![("prefix", "queue.error.prefix")]);
    }

    proptest::proptest! {
        #[test]
        fn any_typed_service_is_checked_without_panic(prefix in ".{0,4}", name in ".{0,80}") {
            let input = ServiceInput { prefix: prefix.clone(), name: name.clone(), enabled: None };
            let problems = service_problems(&input);
            let letter_ok = prefix.trim().len() == 1 && prefix.trim().chars().all(|c| c.is_ascii_alphabetic());
            proptest::prop_assert_eq!(problems.iter().any(|(f, _)| *f == "prefix"), !letter_ok);
        }
    }
}
