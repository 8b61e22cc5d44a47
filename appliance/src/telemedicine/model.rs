//! Sessions, bookings, notes and prescriptions with their delivery trail.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::Record;

/// A day a partner doctor takes calls.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TeleSession {
    pub id: String,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub slot_minutes: u16,
    pub slots: u8,
    pub doctor_name: String,
    /// Surat Tanda Registrasi: the doctor's registration number.
    pub doctor_str: String,
    pub place: String,
    pub created_by: String,
}

impl TeleSession {
    /// The start of slot `n` (0-based).
    pub fn slot_time(&self, n: u8) -> NaiveTime {
        self.start + chrono::Duration::minutes(i64::from(self.slot_minutes) * i64::from(n))
    }
}

impl Record for TeleSession {
    const TABLE: &'static str = "tele_session";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("date", self.date.to_string())]
    }
}

/// A resident booked into one slot; the note is written during the call.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Booking {
    pub id: String,
    pub session_id: String,
    pub slot: u8,
    pub resident_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: String,
    pub complaint: String,
    pub note: Option<ConsultNote>,
    pub booked_by: String,
    pub booked_at: DateTime<Utc>,
}

impl Record for Booking {
    const TABLE: &'static str = "tele_booking";
    /// One resident per slot, one slot per resident per session.
    const UNIQUE: &'static [&'static str] = &["slot", "session_resident"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![
            ("session", self.session_id.clone()),
            ("resident", self.resident_id.clone()),
            ("slot", format!("{}/{}", self.session_id, self.slot)),
            ("session_resident", format!("{}/{}", self.session_id, self.resident_id)),
        ]
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ConsultNote {
    pub text: String,
    pub diagnosis: String,
    pub doctor_name: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Where a prescription is on its way to the resident.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RxState {
    /// Written and addressed to the pharmacy.
    Issued,
    /// The pharmacy has prepared it.
    Prepared,
    /// The pharmacy has handed it to the village post.
    Sent,
    /// A courier of the village post is on the way.
    OutForDelivery,
    /// Handed to the resident (or a named family member).
    Delivered,
}

impl RxState {
    pub fn code(self) -> &'static str {
        match self {
            RxState::Issued => "issued",
            RxState::Prepared => "prepared",
            RxState::Sent => "sent",
            RxState::OutForDelivery => "out_for_delivery",
            RxState::Delivered => "delivered",
        }
    }

    pub fn parse(code: &str) -> Option<RxState> {
        [RxState::Issued, RxState::Prepared, RxState::Sent, RxState::OutForDelivery, RxState::Delivered]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// The one state that may follow this one.
    pub fn next(self) -> Option<RxState> {
        match self {
            RxState::Issued => Some(RxState::Prepared),
            RxState::Prepared => Some(RxState::Sent),
            RxState::Sent => Some(RxState::OutForDelivery),
            RxState::OutForDelivery => Some(RxState::Delivered),
            RxState::Delivered => None,
        }
    }

    /// The pharmacy moves it to these; the village post to the others.
    pub fn by_pharmacy(self) -> bool {
        matches!(self, RxState::Prepared | RxState::Sent)
    }
}

/// One step of the trail: who moved it where, and when.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RxEvent {
    pub state: RxState,
    pub at: DateTime<Utc>,
    pub by: String,
    /// For delivery: who received it.
    pub note: String,
}

/// An e-prescription.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Prescription {
    pub id: String,
    pub booking_id: String,
    pub resident_id: String,
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    /// Username of the pharmacy account it is addressed to.
    pub pharmacy: String,
    pub doctor_name: String,
    pub doctor_str: String,
    /// One medicine a line: name, strength, dose, quantity.
    pub items: Vec<String>,
    pub state: RxState,
    pub trail: Vec<RxEvent>,
}

impl Record for Prescription {
    const TABLE: &'static str = "prescription";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![
            ("pharmacy", self.pharmacy.clone()),
            ("resident", self.resident_id.clone()),
            ("booking", self.booking_id.clone()),
            ("state", self.state.code().to_string()),
        ]
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct SessionInput {
    pub date: String,
    pub start: String,
    pub slot_minutes: String,
    pub slots: String,
    pub doctor_name: String,
    pub doctor_str: String,
    pub place: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct BookingInput {
    pub nik: String,
    pub slot: String,
    pub complaint: String,
    pub phone: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct NoteInput {
    pub text: String,
    pub diagnosis: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct PrescriptionInput {
    pub pharmacy: String,
    /// One medicine a line.
    pub items: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct StepInput {
    /// Who received it (delivery only).
    pub received_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prescription_walks_five_states_in_one_order() {
        let mut state = RxState::Issued;
        let mut walked = vec![state.code()];
        while let Some(next) = state.next() {
            state = next;
            walked.push(state.code());
        }
        assert_eq!(walked, ["issued", "prepared", "sent", "out_for_delivery", "delivered"]);
        assert!(walked.iter().all(|c| RxState::parse(c).is_some_and(|s| s.code() == *c)));
        let pharmacy: Vec<bool> = walked.iter().filter_map(|c| RxState::parse(c)).map(RxState::by_pharmacy).collect();
        assert_eq!(pharmacy, [false, true, true, false, false]);
    }

    #[test]
    fn slots_follow_the_start_time() {
        let s = TeleSession {
            id: "t".into(),
            date: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            slot_minutes: 15,
            slots: 4,
            doctor_name: "dr. A".into(),
            doctor_str: String::new(),
            place: String::new(),
            created_by: String::new(),
        };
        assert_eq!(s.slot_time(3), NaiveTime::from_hms_opt(9, 45, 0).unwrap());
    }
}
