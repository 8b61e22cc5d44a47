//! A dose given to a child, and the reminder sent for a dose that is due.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::store::Record;

/// One dose given to one child. A dose is recorded once (`dose_key` is unique).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Immunization {
    pub id: String,
    pub child_id: String,
    pub antigen: String,
    pub dose: u8,
    pub given_on: NaiveDate,
    /// Where it was given (the posyandu, the puskesmas, a private clinic).
    pub place: String,
    /// Vaccine batch number, when the vial shows it.
    pub batch: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl Record for Immunization {
    const TABLE: &'static str = "immunization";
    const UNIQUE: &'static [&'static str] = &["dose_key"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![
            ("child", self.child_id.clone()),
            ("dose_key", format!("{}/{}:{}", self.child_id, self.antigen, self.dose)),
            ("month", self.given_on.format("%Y-%m").to_string()),
        ]
    }
}

/// A reminder sent for one due dose of one child before one posyandu day.
/// Its id is that triple, so sending reminders twice sends nothing new.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Reminder {
    /// `<child>/<antigen>:<dose>/<day>`.
    pub id: String,
    pub child_id: String,
    pub posyandu_id: String,
    pub day: NaiveDate,
    pub dose_code: String,
    pub message_id: Option<String>,
    pub at: DateTime<Utc>,
}

impl Reminder {
    pub fn key(child_id: &str, dose_code: &str, day: NaiveDate) -> String {
        format!("{child_id}/{dose_code}/{day}")
    }
}

impl Record for Reminder {
    const TABLE: &'static str = "immunization_reminder";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("child", self.child_id.clone())]
    }
}

/// What the nakes or kader types to record a dose.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct DoseInput {
    /// `BCG:1` (see `ScheduledDose::code`).
    pub dose: String,
    pub given_on: String,
    pub place: String,
    pub batch: String,
}
