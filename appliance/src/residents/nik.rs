//! NIK (Nomor Induk Kependudukan, the 16-digit national identity number) and
//! No. KK (Kartu Keluarga, family card number): parsing and plausibility checks.
//!
//! Only syntax is a hard error (16 ASCII digits; the NIK's day and month fields).
//! Everything else — unknown region prefix, decoded birth date or sex differing
//! from the record, serial 0000 — is a warning: old NIKs carry codes valid when
//! they were issued, and Dukcapil corrects a birth date without re-issuing the NIK.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codes::Table;
use super::model::{Warning, format_date, today};
use crate::reference::{Level, Regions};

/// A syntactically valid NIK: exactly 16 ASCII digits, day 01–31 or 41–71,
/// month 01–12.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik(String);

/// A syntactically valid No. KK: exactly 16 ASCII digits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kk(String);

/// Why a NIK or No. KK is not even syntactically valid.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum NikError {
    #[error("empty")]
    Empty,
    #[error("{0} digits instead of 16")]
    Length(usize),
    #[error("not a digit: {0:?}")]
    NonDigit(char),
    #[error("day field {0:02} is not 01-31 or 41-71")]
    Day(u8),
    #[error("month field {0:02} is not 01-12")]
    Month(u8),
}

impl NikError {
    /// Catalog key when the value was a NIK.
    pub fn key(&self) -> &'static str {
        match self {
            NikError::Empty => "residents.nik.empty",
            NikError::Length(_) => "residents.nik.length",
            NikError::NonDigit(_) => "residents.nik.digits",
            NikError::Day(_) => "residents.nik.day",
            NikError::Month(_) => "residents.nik.month",
        }
    }

    /// Catalog key when the value was a No. KK.
    pub fn kk_key(&self) -> &'static str {
        match self {
            NikError::Empty => "residents.kk.empty",
            NikError::NonDigit(_) => "residents.kk.digits",
            _ => "residents.kk.length",
        }
    }
}

/// What a NIK encodes.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct NikParts {
    /// Kecamatan where the NIK was first registered (6 digits, undotted).
    pub region: String,
    /// 1 LAKI-LAKI (day 01–31) or 2 PEREMPUAN (day 41–71), as in `codes::Table::Sex`.
    pub sex: u8,
    /// Day of birth with the +40 removed.
    pub day: u8,
    pub month: u8,
    /// Two-digit year of birth.
    pub year2: u8,
    /// The birth date, with the century chosen so it is not in the future;
    /// `None` if the fields do not form a real date (e.g. 31-02).
    pub birth_date: Option<NaiveDate>,
    /// Serial number (nomor urut), 4 digits.
    pub serial: String,
}

/// What a No. KK encodes.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct KkParts {
    /// Kecamatan where the KK was issued (6 digits).
    pub region: String,
    /// Issue date (DDMMYY, no +40), century chosen so it is not in the future.
    pub issue_date: Option<NaiveDate>,
    pub serial: String,
}

/// Remove what Disdukcapil exports and spreadsheets put around numbers: spaces,
/// `.`, `-`, a leading `'` (Excel's text marker) and invisible characters.
pub fn normalize(input: &str) -> String {
    input
        .trim_start_matches(|c: char| c.is_whitespace() || is_invisible(c))
        .trim_start_matches('\'')
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-' || is_invisible(*c)))
        .collect()
}

/// Control and zero-width/format characters that show as nothing.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}')
}

/// 16 ASCII digits after `normalize`.
fn sixteen_digits(input: &str) -> Result<String, NikError> {
    let s = normalize(input);
    if s.is_empty() {
        return Err(NikError::Empty);
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii_digit()) {
        return Err(NikError::NonDigit(c));
    }
    if s.len() != 16 {
        return Err(NikError::Length(s.len()));
    }
    Ok(s)
}

/// Two ASCII digits at `at` as a number (the caller guarantees 16 ASCII digits).
fn two(s: &str, at: usize) -> u8 {
    s.as_bytes()[at..at + 2].iter().fold(0, |acc, b| acc * 10 + (b - b'0'))
}

/// Parse a NIK; see `Nik`.
pub fn parse_nik(input: &str) -> Result<Nik, NikError> {
    let s = sixteen_digits(input)?;
    let day = two(&s, 6);
    if !(1..=31).contains(&day) && !(41..=71).contains(&day) {
        return Err(NikError::Day(day));
    }
    let month = two(&s, 8);
    if !(1..=12).contains(&month) {
        return Err(NikError::Month(month));
    }
    Ok(Nik(s))
}

/// Parse a No. KK: 16 digits (the date and region are only checked by `check_kk`).
pub fn parse_kk(input: &str) -> Result<Kk, NikError> {
    sixteen_digits(input).map(Kk)
}

/// The latest date with these day/month/2-digit-year fields that is not after
/// `today`, or `None` if the fields never form a real date.
pub fn date_from_parts(day: u8, month: u8, year2: u8, today: NaiveDate) -> Option<NaiveDate> {
    let base = today.year() - today.year().rem_euclid(100);
    [base, base - 100, base - 200]
        .into_iter()
        .filter_map(|c| NaiveDate::from_ymd_opt(c + i32::from(year2), month.into(), day.into()))
        .find(|d| *d <= today)
}

impl Nik {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Decode the fields, choosing the century relative to today.
    pub fn decoded(&self) -> NikParts {
        self.decoded_on(today())
    }

    /// Decode the fields, choosing the century relative to `today`.
    pub fn decoded_on(&self, today: NaiveDate) -> NikParts {
        let s = &self.0;
        let raw_day = two(s, 6);
        let (day, sex) = if raw_day > 40 { (raw_day - 40, 2) } else { (raw_day, 1) };
        let (month, year2) = (two(s, 8), two(s, 10));
        NikParts {
            region: s[..6].to_string(),
            sex,
            day,
            month,
            year2,
            birth_date: date_from_parts(day, month, year2, today),
            serial: s[12..].to_string(),
        }
    }
}

impl Kk {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn decoded(&self) -> KkParts {
        self.decoded_on(today())
    }

    pub fn decoded_on(&self, today: NaiveDate) -> KkParts {
        let s = &self.0;
        KkParts {
            region: s[..6].to_string(),
            issue_date: date_from_parts(two(s, 6), two(s, 8), two(s, 10), today),
            serial: s[12..].to_string(),
        }
    }
}

impl std::fmt::Display for Nik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Kk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Soft checks of a NIK against the recorded birth date and sex and the
/// Kemendagri region list. All findings are warnings (field `nik`).
pub fn check_against(nik: &Nik, birth_date: NaiveDate, sex: u8, regions: &Regions) -> Vec<Warning> {
    let parts = nik.decoded();
    let mut out = Vec::new();
    if let Some(w) = region_warning(&parts.region, regions, "nik", NIK_REGION_KEYS) {
        out.push(w);
    }
    let encoded = format!("{:02}-{:02}-{:02}", parts.day, parts.month, parts.year2);
    if parts.birth_date.is_none() {
        out.push(Warning::new("nik", "residents.nik.date_invalid", encoded));
    } else if !same_day(&parts, birth_date) {
        let detail = format!("{encoded} ≠ {}", format_date(birth_date));
        out.push(Warning::new("nik", "residents.nik.date_mismatch", detail));
    }
    if parts.sex != sex {
        let label = |s| Table::Sex.label(s).unwrap_or("?");
        let detail = format!("{} ≠ {}", label(parts.sex), label(sex));
        out.push(Warning::new("nik", "residents.nik.sex_mismatch", detail));
    }
    if parts.serial == "0000" {
        out.push(Warning::new("nik", "residents.nik.serial_zero", ""));
    }
    out
}

/// Day, month and 2-digit year equal (the century is not encoded).
fn same_day(parts: &NikParts, date: NaiveDate) -> bool {
    u32::from(parts.day) == date.day()
        && u32::from(parts.month) == date.month()
        && i32::from(parts.year2) == date.year().rem_euclid(100)
}

/// Soft checks of a No. KK: region prefix, issue date, serial (field `no_kk`).
pub fn check_kk(kk: &Kk, regions: &Regions) -> Vec<Warning> {
    let parts = kk.decoded();
    let mut out = Vec::new();
    if let Some(w) = region_warning(&parts.region, regions, "no_kk", KK_REGION_KEYS) {
        out.push(w);
    }
    if parts.issue_date.is_none() {
        out.push(Warning::new("no_kk", "residents.kk.date_invalid", &kk.0[6..12]));
    }
    if parts.serial == "0000" {
        out.push(Warning::new("no_kk", "residents.kk.serial_zero", ""));
    }
    out
}

/// Catalog keys for an unknown province, kabupaten and kecamatan.
type RegionKeys = [&'static str; 3];

const NIK_REGION_KEYS: RegionKeys =
    ["residents.nik.region_province", "residents.nik.region_kabupaten", "residents.nik.region_kecamatan"];

const KK_REGION_KEYS: RegionKeys =
    ["residents.kk.region_province", "residents.kk.region_kabupaten", "residents.kk.region_kecamatan"];

fn region_warning(region: &str, regions: &Regions, field: &'static str, keys: RegionKeys) -> Option<Warning> {
    let (key, len) = match regions.unknown_level(region)? {
        Level::Province => (keys[0], 2),
        Level::Kabupaten => (keys[1], 4),
        Level::Kecamatan => (keys[2], 6),
    };
    Some(Warning::new(field, key, region.get(..len).unwrap_or(region)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::regions;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn keys(w: &[Warning]) -> Vec<&'static str> {
        w.iter().map(|w| w.key).collect()
    }

    #[test]
    fn stdnum_male_vector() {
        let nik = parse_nik("3171011708450001").expect("valid");
        let p = nik.decoded();
        assert_eq!(p.sex, 1);
        assert_eq!(p.birth_date, Some(d(1945, 8, 17)));
        assert_eq!(p.region, "317101");
        assert_eq!(p.serial, "0001");
        assert!(check_against(&nik, d(1945, 8, 17), 1, regions()).is_empty());
    }

    #[test]
    fn stdnum_female_vector() {
        let nik = parse_nik("3171015708450001").expect("valid");
        let p = nik.decoded();
        assert_eq!((p.sex, p.day), (2, 17));
        assert_eq!(p.birth_date, Some(d(1945, 8, 17)));
        assert!(check_against(&nik, d(1945, 8, 17), 2, regions()).is_empty());
    }

    #[test]
    fn stdnum_unknown_province_vector() {
        let nik = parse_nik("9971011708450001").expect("syntax is valid");
        let w = check_against(&nik, d(1945, 8, 17), 1, regions());
        assert_eq!(keys(&w), vec!["residents.nik.region_province"]);
        assert_eq!(w[0].detail, "99");
    }

    #[test]
    fn strips_disdukcapil_noise() {
        for raw in [
            "3171.0117.0845.0001",
            " 3171-0117-0845-0001 ",
            "\u{FEFF}3171011708450001\u{200B}",
            "'3171011708450001",
            "3171 0117 0845 0001\t",
        ] {
            assert_eq!(parse_nik(raw).map(|n| n.0), Ok("3171011708450001".into()), "{raw:?}");
        }
    }

    #[test]
    fn hard_errors() {
        assert_eq!(parse_nik(""), Err(NikError::Empty));
        assert_eq!(parse_nik("317101170845000"), Err(NikError::Length(15)));
        assert_eq!(parse_nik("3171O11708450001"), Err(NikError::NonDigit('O')));
        assert_eq!(parse_nik("3171013208450001"), Err(NikError::Day(32)));
        assert_eq!(parse_nik("3171010008450001"), Err(NikError::Day(0)));
        assert_eq!(parse_nik("3171017208450001"), Err(NikError::Day(72)));
        assert_eq!(parse_nik("3171011713450001"), Err(NikError::Month(13)));
        assert_eq!(parse_nik("3171011700450001"), Err(NikError::Month(0)));
        assert_eq!(parse_nik("٣171011708450001"), Err(NikError::NonDigit('٣')));
    }

    #[test]
    fn century_is_never_in_the_future() {
        let today = d(2026, 11, 1);
        assert_eq!(date_from_parts(1, 1, 26, today), Some(d(2026, 1, 1)));
        assert_eq!(date_from_parts(1, 12, 26, today), Some(d(1926, 12, 1)));
        assert_eq!(date_from_parts(29, 2, 0, today), Some(d(2000, 2, 29)));
        assert_eq!(date_from_parts(31, 2, 90, today), None);
    }

    #[test]
    fn soft_warnings() {
        let nik = parse_nik("3171013102900000").expect("syntax ok");
        let w = check_against(&nik, d(1990, 3, 1), 2, regions());
        assert_eq!(
            keys(&w),
            vec!["residents.nik.date_invalid", "residents.nik.sex_mismatch", "residents.nik.serial_zero"]
        );
        let nik = parse_nik("3171011708450001").expect("syntax ok");
        let w = check_against(&nik, d(1945, 8, 18), 1, regions());
        assert_eq!(keys(&w), vec!["residents.nik.date_mismatch"]);
        assert_eq!(w[0].detail, "17-08-45 ≠ 18-08-1945");
        let nik = parse_nik("3171991708450001").expect("syntax ok");
        let w = check_against(&nik, d(1945, 8, 17), 1, regions());
        assert_eq!(keys(&w), vec!["residents.nik.region_kecamatan"]);
    }

    #[test]
    fn kk_numbers() {
        let kk = parse_kk("3171010101200001").expect("valid");
        assert_eq!(kk.decoded().issue_date, Some(d(2020, 1, 1)));
        assert!(check_kk(&kk, regions()).is_empty());
        let kk = parse_kk("9999994101200000").expect("syntax ok");
        assert_eq!(
            keys(&check_kk(&kk, regions())),
            vec!["residents.kk.region_province", "residents.kk.date_invalid", "residents.kk.serial_zero"]
        );
        assert_eq!(parse_kk("12"), Err(NikError::Length(2)));
        assert_eq!(NikError::Length(2).kk_key(), "residents.kk.length");
    }

    proptest! {
        #[test]
        fn never_panics_on_any_string(s in ".*") {
            if let Ok(nik) = parse_nik(&s) {
                let _ = check_against(&nik, d(2000, 1, 1), 1, regions());
            }
            if let Ok(kk) = parse_kk(&s) {
                let _ = check_kk(&kk, regions());
            }
        }

        #[test]
        fn never_panics_on_any_16_digits(s in "[0-9]{16}") {
            match parse_nik(&s) {
                Ok(nik) => {
                    let p = nik.decoded();
                    prop_assert!(p.birth_date.is_none_or(|b| b <= today()));
                    let _ = check_against(&nik, d(1970, 1, 1), 2, regions());
                }
                Err(e) => prop_assert!(matches!(e, NikError::Day(_) | NikError::Month(_))),
            }
            let kk = parse_kk(&s).expect("16 digits are a valid KK syntax");
            let _ = check_kk(&kk, regions());
        }

        #[test]
        fn encode_decode_round_trip(
            days in 0i64..40_000, female in any::<bool>(), serial in 1u16..10_000
        ) {
            let date = d(1920, 1, 1) + chrono::Duration::days(days);
            prop_assume!(date <= today());
            let day = date.day() + if female { 40 } else { 0 };
            let s = format!(
                "330101{day:02}{:02}{:02}{serial:04}",
                date.month(),
                date.year() % 100
            );
            let nik = parse_nik(&s).expect("constructed NIK is valid");
            let sex = if female { 2 } else { 1 };
            prop_assert_eq!(nik.decoded().sex, sex);
            prop_assert!(check_against(&nik, date, sex, regions()).is_empty());
        }
    }
}
