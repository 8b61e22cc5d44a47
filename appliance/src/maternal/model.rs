//! A pregnancy with its antenatal visits, the risk rules and Naegele's rule.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::posyandu::model::parse_date;
use crate::residents::model::FieldError;
use crate::store::Record;

/// One pregnancy of one woman, from registration to birth.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Pregnancy {
    pub id: String,
    /// The resident record, when she is in the register.
    pub resident_id: Option<String>,
    pub nik: Option<String>,
    pub name: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub dusun: String,
    /// HPHT (hari pertama haid terakhir): the first day of the last period.
    pub hpht: NaiveDate,
    /// Pregnancies so far, this one included (G).
    pub gravida: u8,
    /// Births so far (P).
    pub parity: u8,
    /// The last birth before this pregnancy, if any.
    pub last_birth: Option<NaiveDate>,
    pub visits: Vec<AntenatalVisit>,
    pub birth: Option<BirthRecord>,
    pub registered_by: String,
    pub registered_at: DateTime<Utc>,
}

impl Record for Pregnancy {
    const TABLE: &'static str = "pregnancy";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![("state", if self.birth.is_some() { "born" } else { "open" }.to_string())];
        if let Some(r) = &self.resident_id {
            keys.push(("resident", r.clone()));
        }
        if let Some(n) = &self.nik {
            keys.push(("nik", n.clone()));
        }
        keys
    }
}

/// An antenatal visit (kunjungan antenatal, K1–K6).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AntenatalVisit {
    pub date: NaiveDate,
    /// Gestational age in whole weeks as the bidan found it.
    pub weeks: u16,
    pub weight_kg: f64,
    pub systolic: u16,
    pub diastolic: u16,
    /// Haemoglobin, g/dL.
    pub hb: Option<f64>,
    /// Mid-upper arm circumference (LiLA), cm.
    pub lila_cm: Option<f64>,
    pub notes: String,
    pub by: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BirthRecord {
    pub date: NaiveDate,
    /// The newborn's posyandu record.
    pub child_id: String,
}

/// HPL (hari perkiraan lahir) by Naegele's rule: HPHT + 7 days − 3 months + 1 year.
pub fn hpl(hpht: NaiveDate) -> NaiveDate {
    let plus_week = hpht + chrono::Duration::days(7);
    plus_week.checked_add_months(Months::new(9)).unwrap_or(plus_week)
}

/// Gestational age on `day` in (weeks, days) since HPHT.
pub fn gestational_age(hpht: NaiveDate, day: NaiveDate) -> (i64, i64) {
    let days = (day - hpht).num_days().max(0);
    (days / 7, days % 7)
}

/// Whole years between two dates.
pub fn years_between(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The thresholds (see docs/health.md for sources).
pub const KEK_LILA_CM: f64 = 23.5;
pub const ANAEMIA_HB: f64 = 11.0;
pub const HYPERTENSION: (u16, u16) = (140, 90);
pub const YOUNGEST: i32 = 20;
pub const OLDEST: i32 = 35;
/// "Terlalu banyak": more than three children already.
pub const MANY_BIRTHS: u8 = 4;
/// "Terlalu dekat": less than two years since the last birth.
pub const CLOSE_MONTHS: u32 = 24;

/// A risk found in a pregnancy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    TooYoung,
    TooOld,
    TooMany,
    TooClose,
    /// Kurang energi kronis: LiLA below 23.5 cm.
    Kek,
    Hypertension,
    Anaemia,
}

impl Risk {
    pub fn key(self) -> &'static str {
        match self {
            Risk::TooYoung => "health.risk.too_young",
            Risk::TooOld => "health.risk.too_old",
            Risk::TooMany => "health.risk.too_many",
            Risk::TooClose => "health.risk.too_close",
            Risk::Kek => "health.risk.kek",
            Risk::Hypertension => "health.risk.hypertension",
            Risk::Anaemia => "health.risk.anaemia",
        }
    }
}

/// Every risk the record shows, in a fixed order.
pub fn risks(p: &Pregnancy) -> Vec<Risk> {
    let age = years_between(p.birth_date, p.hpht);
    let mut out = Vec::new();
    if age < YOUNGEST {
        out.push(Risk::TooYoung);
    }
    if age > OLDEST {
        out.push(Risk::TooOld);
    }
    if p.parity >= MANY_BIRTHS {
        out.push(Risk::TooMany);
    }
    if p.last_birth.is_some_and(|b| b.checked_add_months(Months::new(CLOSE_MONTHS)).is_some_and(|two| two > p.hpht)) {
        out.push(Risk::TooClose);
    }
    if p.visits.iter().any(|v| v.lila_cm.is_some_and(|l| l < KEK_LILA_CM)) {
        out.push(Risk::Kek);
    }
    if p.visits.iter().any(|v| v.systolic >= HYPERTENSION.0 || v.diastolic >= HYPERTENSION.1) {
        out.push(Risk::Hypertension);
    }
    if p.visits.iter().any(|v| v.hb.is_some_and(|h| h < ANAEMIA_HB)) {
        out.push(Risk::Anaemia);
    }
    out
}

/// A number from a form: a comma is a decimal point; blank is `None`;
/// outside `range` (or not a number) is an error naming the field.
pub fn number(text: &str, field: &'static str, range: (f64, f64), errors: &mut Vec<FieldError>) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= range.0 && v <= range.1 => Some(v),
        _ => {
            errors.push(FieldError::new(field, "health.error.range", format!("{text} ({}–{})", range.0, range.1)));
            None
        }
    }
}

/// Like [`number`], but blank is an error too.
pub fn required_number(
    text: &str,
    field: &'static str,
    range: (f64, f64),
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    if text.trim().is_empty() {
        errors.push(FieldError::new(field, "posyandu.error.required", ""));
        return None;
    }
    number(text, field, range, errors)
}

/// A date from a form that must not lie after `today`.
pub fn past_date(text: &str, field: &'static str, today: NaiveDate, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match parse_date(text) {
        None if text.trim().is_empty() => {
            errors.push(FieldError::new(field, "posyandu.error.required", ""));
            None
        }
        None => {
            errors.push(FieldError::new(field, "posyandu.error.date", text.trim()));
            None
        }
        Some(d) if d > today => {
            errors.push(FieldError::new(field, "health.error.future", d.to_string()));
            None
        }
        Some(d) => Some(d),
    }
}

/// What a kader or bidan types to register a pregnancy.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct PregnancyInput {
    pub nik: String,
    pub name: String,
    pub birth_date: String,
    pub phone: String,
    pub dusun: String,
    pub hpht: String,
    pub gravida: String,
    pub parity: String,
    pub last_birth: String,
}

/// What the bidan types at a visit.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct VisitInput {
    pub date: String,
    pub weeks: String,
    pub weight_kg: String,
    pub systolic: String,
    pub diastolic: String,
    pub hb: String,
    pub lila_cm: String,
    pub notes: String,
}

/// The plausible ranges of a visit's measurements: outside them the value
/// was mistyped (grams, a swapped blood pressure).
const WEIGHT_KG: (f64, f64) = (30.0, 200.0);
const SYSTOLIC: (f64, f64) = (60.0, 260.0);
const DIASTOLIC: (f64, f64) = (30.0, 160.0);
const HB: (f64, f64) = (3.0, 20.0);
const LILA_CM: (f64, f64) = (10.0, 50.0);
const WEEKS: (f64, f64) = (1.0, 45.0);

impl VisitInput {
    /// The visit, or every problem by field. `hpht` bounds the date from below.
    pub fn to_visit(&self, hpht: NaiveDate, today: NaiveDate, by: &str) -> Result<AntenatalVisit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = past_date(&self.date, "date", today, &mut errors);
        if let Some(d) = date
            && d < hpht
        {
            errors.push(FieldError::new("date", "health.error.before_hpht", d.to_string()));
        }
        let weeks = number(&self.weeks, "weeks", WEEKS, &mut errors);
        let weight = required_number(&self.weight_kg, "weight_kg", WEIGHT_KG, &mut errors);
        let systolic = required_number(&self.systolic, "systolic", SYSTOLIC, &mut errors);
        let diastolic = required_number(&self.diastolic, "diastolic", DIASTOLIC, &mut errors);
        if let (Some(s), Some(d)) = (systolic, diastolic)
            && d >= s
        {
            errors.push(FieldError::new("diastolic", "health.error.bp_order", format!("{s}/{d}")));
        }
        let hb = number(&self.hb, "hb", HB, &mut errors);
        let lila = number(&self.lila_cm, "lila_cm", LILA_CM, &mut errors);
        match (date, weight, systolic, diastolic) {
            (Some(date), Some(weight_kg), Some(s), Some(d)) if errors.is_empty() => Ok(AntenatalVisit {
                date,
                weeks: weeks.map_or_else(|| gestational_age(hpht, date).0 as u16, |w| w as u16),
                weight_kg,
                systolic: s as u16,
                diastolic: d as u16,
                hb,
                lila_cm: lila,
                notes: self.notes.trim().chars().take(1000).collect(),
                by: by.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// What is typed when the baby is born.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct BirthInput {
    pub posyandu_id: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub birth_weight_kg: String,
    pub birth_length_cm: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn pregnancy() -> Pregnancy {
        Pregnancy {
            id: "h".into(),
            resident_id: None,
            nik: None,
            name: "Sari".into(),
            birth_date: d("1998-05-01"),
            phone: None,
            dusun: String::new(),
            hpht: d("2025-01-01"),
            gravida: 2,
            parity: 1,
            last_birth: Some(d("2021-01-01")),
            visits: vec![],
            birth: None,
            registered_by: String::new(),
            registered_at: Utc::now(),
        }
    }

    #[test]
    fn naegele() {
        assert_eq!(hpl(d("2025-01-01")), d("2025-10-08"));
        assert_eq!(hpl(d("2025-05-28")), d("2026-03-04"));
        assert_eq!(gestational_age(d("2025-01-01"), d("2025-03-05")), (9, 0));
    }

    #[test]
    fn risk_rules_at_their_edges() {
        let mut p = pregnancy();
        assert!(risks(&p).is_empty());
        p.birth_date = d("2005-01-02"); // 19 at HPHT
        assert_eq!(risks(&p), vec![Risk::TooYoung]);
        p.birth_date = d("2005-01-01"); // 20 exactly
        assert!(risks(&p).is_empty());
        p.birth_date = d("1989-01-01"); // 36
        p.parity = 4;
        p.last_birth = Some(d("2023-02-01"));
        assert_eq!(risks(&p), vec![Risk::TooOld, Risk::TooMany, Risk::TooClose]);
        let mut p = pregnancy();
        let visit = |lila: f64, s: u16, dia: u16, hb: f64| AntenatalVisit {
            date: d("2025-02-01"),
            weeks: 4,
            weight_kg: 50.0,
            systolic: s,
            diastolic: dia,
            hb: Some(hb),
            lila_cm: Some(lila),
            notes: String::new(),
            by: String::new(),
        };
        p.visits.push(visit(23.5, 139, 89, 11.0));
        assert!(risks(&p).is_empty(), "the thresholds themselves are not risks");
        p.visits.push(visit(23.4, 120, 90, 10.9));
        assert_eq!(risks(&p), vec![Risk::Kek, Risk::Hypertension, Risk::Anaemia]);
    }

    #[test]
    fn visits_refuse_impossible_values_naming_the_field() {
        let input = VisitInput {
            date: "2025-02-01".into(),
            weight_kg: "55000".into(),
            systolic: "80".into(),
            diastolic: "120".into(),
            ..VisitInput::default()
        };
        let errors = input.to_visit(d("2025-01-01"), d("2025-03-01"), "bidan").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["weight_kg", "diastolic"]);
        let early = VisitInput { date: "2024-12-01".into(), ..input.clone() };
        let errors = early.to_visit(d("2025-01-01"), d("2025-03-01"), "bidan").unwrap_err();
        assert_eq!(errors[0].field, "date");
        let future = VisitInput { date: "2025-04-01".into(), ..input };
        let errors = future.to_visit(d("2025-01-01"), d("2025-03-01"), "bidan").unwrap_err();
        assert_eq!((errors[0].field, errors[0].key), ("date", "health.error.future"));
    }

    proptest::proptest! {
        #[test]
        fn number_parsing_never_panics(text in ".{0,20}") {
            let mut errors = Vec::new();
            if let Some(v) = number(&text, "x", (1.0, 2.0), &mut errors) {
                proptest::prop_assert!((1.0..=2.0).contains(&v));
            }
        }
    }
}
