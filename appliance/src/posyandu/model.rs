//! The posts and the children registered at them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::zscore::{Position, ZScores};
use crate::residents::model::FieldError;
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

/// What a kader types to register a child, as typed. A NIK found in the
/// population register fills the rest from there and links the record.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct ChildInput {
    pub nik: String,
    pub name: String,
    /// `L`/`P` (or `M`/`F`).
    pub sex: String,
    /// `YYYY-MM-DD` (a date input) or `dd-mm-YYYY`.
    pub birth_date: String,
    pub mother_name: String,
    pub mother_nik: String,
    pub father_name: String,
    pub parent_phone: String,
    pub dusun: String,
    pub birth_weight_kg: String,
    pub birth_length_cm: String,
}

/// Newborns weigh 0.5–7 kg and measure 30–65 cm; outside that the value was
/// mistyped (grams for kilograms, metres for centimetres).
const BIRTH_WEIGHT_KG: (f64, f64) = (0.5, 7.0);
const BIRTH_LENGTH_CM: (f64, f64) = (30.0, 65.0);

impl ChildInput {
    /// The child this input describes, or every problem with it by field.
    pub fn to_child(&self, posyandu_id: &str) -> Result<Child, Vec<FieldError>> {
        let mut errors = Vec::new();
        let sex = Sex::parse(&self.sex);
        if sex.is_none() {
            errors.push(FieldError::new("sex", "posyandu.error.sex", self.sex.trim()));
        }
        let birth_date = parse_date(&self.birth_date);
        if birth_date.is_none() {
            errors.push(FieldError::new("birth_date", "posyandu.error.date", self.birth_date.trim()));
        }
        let weight = measure(&self.birth_weight_kg, "birth_weight_kg", BIRTH_WEIGHT_KG, &mut errors);
        let length = measure(&self.birth_length_cm, "birth_length_cm", BIRTH_LENGTH_CM, &mut errors);
        let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(nik) = optional(&self.mother_nik)
            && (nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push(FieldError::new("mother_nik", "posyandu.error.nik", nik));
        }
        match (sex, birth_date) {
            (Some(sex), Some(birth_date)) if errors.is_empty() => Ok(Child {
                id: String::new(),
                posyandu_id: posyandu_id.to_string(),
                name: self.name.trim().to_string(),
                sex,
                birth_date,
                nik: optional(&self.nik),
                resident_id: None,
                mother_name: self.mother_name.trim().to_string(),
                mother_nik: optional(&self.mother_nik),
                father_name: self.father_name.trim().to_string(),
                parent_phone: optional(&self.parent_phone),
                dusun: self.dusun.trim().to_string(),
                birth_weight_kg: weight,
                birth_length_cm: length,
                left_on: None,
            }),
            _ => Err(errors),
        }
    }
}

pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// An optional measurement: blank is `None`; a comma is a decimal point (as
/// Indonesians write it); outside `range` is refused naming the field.
fn measure(text: &str, field: &'static str, range: (f64, f64), errors: &mut Vec<FieldError>) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= range.0 && v <= range.1 => Some(v),
        _ => {
            errors.push(FieldError::new(
                field,
                "posyandu.error.out_of_range",
                format!("{text} ({}–{})", range.0, range.1),
            ));
            None
        }
    }
}

/// A number as a kader or a spreadsheet writes it: "8.5" or "8,5".
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let normal = if text.contains('.') { text.to_string() } else { text.replacen(',', ".", 1) };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A weight a child under five can have, in kilograms; the catalog key of the
/// reason if not. Grams typed as kilograms are named as such.
pub fn check_weight_kg(kg: f64) -> Result<(), &'static str> {
    if !kg.is_finite() || kg <= 0.0 {
        Err("posyandu.error.weight_positive")
    } else if kg >= 500.0 {
        Err("posyandu.error.weight_grams")
    } else if kg > 60.0 {
        Err("posyandu.error.weight_impossible")
    } else {
        Ok(())
    }
}

/// A length or height a child under five can have, in centimetres.
pub fn check_length_cm(cm: f64) -> Result<(), &'static str> {
    if !cm.is_finite() || cm <= 0.0 {
        Err("posyandu.error.length_positive")
    } else if cm < 2.0 {
        Err("posyandu.error.length_metres")
    } else if cm >= 250.0 {
        Err("posyandu.error.length_millimetres")
    } else if !(25.0..=150.0).contains(&cm) {
        Err("posyandu.error.length_impossible")
    } else {
        Ok(())
    }
}

/// One child's measurement at one monthly session. At most one per child per
/// calendar month: the id is `<YYYY-MM>:<child id>`, so entering the month's
/// session again corrects it rather than adding a second weighing, and a
/// month's weighings are one sequential read of the table.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Weighing {
    pub id: String,
    pub child_id: String,
    pub posyandu_id: String,
    pub date: NaiveDate,
    /// `YYYY-MM` of `date`: the session's month.
    pub month: String,
    /// Age in days on `date`.
    pub age_days: i64,
    pub weight_kg: f64,
    pub length_cm: Option<f64>,
    pub position: Option<Position>,
    /// Lingkar kepala (head circumference), cm.
    pub head_cm: Option<f64>,
    /// LiLA (mid-upper arm circumference), cm.
    pub arm_cm: Option<f64>,
    /// The plausible z-scores at the time of measurement (an implausible
    /// measurement is never stored: it is sent back for re-measurement).
    pub z: ZScores,
    /// N/T against last month's weighing, when there was one.
    pub gain: Option<Gain>,
    pub recorded_by: String,
}

impl Record for Weighing {
    const TABLE: &'static str = "posyandu_weighing";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("child", self.child_id.clone())]
    }
}

impl Weighing {
    pub fn id_for(child_id: &str, month: &str) -> String {
        format!("{month}:{child_id}")
    }
}

/// Weight gain since last month against the minimum (KBM).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct Gain {
    pub grams: i64,
    pub minimum_grams: i64,
    /// N (naik) when `grams >= minimum_grams`; otherwise T (tidak naik).
    pub naik: bool,
}

/// A nakes' note that an at-risk child of a month was followed up
/// (visited, referred, counselled). Id `<YYYY-MM>:<child id>`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FollowUp {
    pub id: String,
    pub child_id: String,
    pub month: String,
    pub note: String,
    pub by: String,
    pub on: NaiveDate,
}

impl Record for FollowUp {
    const TABLE: &'static str = "posyandu_followup";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("month", self.month.clone()), ("child", self.child_id.clone())]
    }
}

/// A child taken into the POS Gizi (the village nutrition kitchen).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Enrollment {
    /// The child's id: a child is enrolled at most once at a time.
    pub id: String,
    pub child_id: String,
    pub since: NaiveDate,
    pub reason: String,
    pub until: Option<NaiveDate>,
    pub by: String,
}

impl Record for Enrollment {
    const TABLE: &'static str = "posgizi_enrollment";
    fn id(&self) -> &str {
        &self.id
    }
}

/// One meal brought to one enrolled child.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MealDelivery {
    pub id: String,
    pub child_id: String,
    pub date: NaiveDate,
    /// Time of day, `HH:MM`, village time.
    pub time: String,
    /// What was delivered (menu).
    pub what: String,
    pub delivered_by: String,
    pub recorded_by: String,
}

impl Record for MealDelivery {
    const TABLE: &'static str = "posgizi_delivery";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("child", self.child_id.clone()), ("date", self.date.to_string())]
    }
}

/// `YYYY-MM` of a date.
pub fn month_of(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// The month before a `YYYY-MM` month, or `None` for nonsense.
pub fn previous_month(month: &str) -> Option<String> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    Some(month_of(first.pred_opt()?))
}

/// The first day of a `YYYY-MM` month.
pub fn first_day(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}
