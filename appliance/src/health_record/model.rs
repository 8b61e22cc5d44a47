//! Timeline entries and whose record is being read.

use chrono::NaiveDate;

/// What an entry is; each source adds its own kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A posyandu weighing.
    Weighing,
    Immunization,
    Antenatal,
    Birth,
    Consultation,
    Prescription,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Weighing => "health.kind.weighing",
            Kind::Immunization => "health.kind.immunization",
            Kind::Antenatal => "health.kind.antenatal",
            Kind::Birth => "health.kind.birth",
            Kind::Consultation => "health.kind.consultation",
            Kind::Prescription => "health.kind.prescription",
        }
    }
}

/// One line of the timeline. The summary is data (antigen names, readings,
/// medicine), not UI text, so it is the same in both languages.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: Kind,
    pub summary: String,
}

/// Whose record: the person and every record that belongs to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub resident_id: Option<String>,
    /// Their posyandu child records (a child in the register has one).
    pub child_ids: Vec<String>,
    pub pregnancy_ids: Vec<String>,
}
