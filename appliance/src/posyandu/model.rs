//! The posts and the children registered at them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::store::Record;

/// One posyandu of the village; a village has several, each in a dusun with
/// its own kader.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Posyandu {
    pub id: String,
    pub name: String,
    /// Hamlet (dusun) it serves.
    pub dusun: String,
    pub address: String,
    /// User ids of its kader.
    pub kader: Vec<String>,
    /// Day of the month the post usually opens (1–28), for due lists.
    pub day_of_month: Option<u8>,
}

impl Record for Posyandu {
    const TABLE: &'static str = "posyandu";
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Laki-laki.
    Male,
    /// Perempuan.
    Female,
}

impl Sex {
    /// "M"/"L"/"1" or "F"/"P"/"2", as puskesmas spreadsheets and the register write it.
    pub fn parse(text: &str) -> Option<Sex> {
        match text.trim().to_ascii_uppercase().as_str() {
            "M" | "L" | "1" | "LAKI-LAKI" => Some(Sex::Male),
            "F" | "P" | "2" | "PEREMPUAN" => Some(Sex::Female),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

/// A child followed by a posyandu (balita: under five). A newborn may be
/// registered before it has a NIK; `resident_id` links it to the population
/// register once it is there.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Child {
    pub id: String,
    pub posyandu_id: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub nik: Option<String>,
    /// Stable id of the resident record, once linked.
    pub resident_id: Option<String>,
    pub mother_name: String,
    pub mother_nik: Option<String>,
    pub father_name: String,
    /// Parent's phone for reminders (checked like the outbox checks numbers).
    pub parent_phone: Option<String>,
    pub dusun: String,
    pub birth_weight_kg: Option<f64>,
    pub birth_length_cm: Option<f64>,
    /// The day the child left the post's care (moved, turned five, died), if any.
    pub left_on: Option<NaiveDate>,
}

impl Record for Child {
    const TABLE: &'static str = "posyandu_child";
    const UNIQUE: &'static [&'static str] = &["nik"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![("posyandu", self.posyandu_id.clone())];
        if let Some(nik) = &self.nik {
            keys.push(("nik", nik.clone()));
        }
        if let Some(id) = &self.resident_id {
            keys.push(("resident", id.clone()));
        }
        if let Some(nik) = &self.mother_nik {
            keys.push(("mother_nik", nik.clone()));
        }
        keys
    }
}
