//! The records the population register keeps (penduduk = resident, keluarga = family)
//! and the validation of what an operator types, as pure functions with no storage.
//!
//! Codes (`sex`, `religion`, ...) are OpenSID's numeric codes (see `codes`), so a
//! village can move its data between OpenSID and Balai both ways. Identifiers
//! (NIK, No. KK) are always strings: leading zeros matter.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::Table;
use super::nik;
use crate::reference::Regions;

/// One person on the register (penduduk).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Resident {
    /// Stable id assigned by operations (never the NIK, which can be corrected).
    pub id: String,
    /// NIK (Nomor Induk Kependudukan), 16 digits.
    pub nik: String,
    pub name: String,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    /// `codes::Table::Sex`: 1 LAKI-LAKI, 2 PEREMPUAN.
    pub sex: u8,
    /// `codes::Table::Agama`.
    pub religion: u8,
    /// Completed education, `codes::Table::PendidikanKk`.
    pub education: u8,
    /// Education in progress, `codes::Table::PendidikanSedang`.
    pub education_current: Option<u8>,
    /// `codes::Table::Pekerjaan`.
    pub occupation: u8,
    /// `codes::Table::StatusKawin`.
    pub marital_status: u8,
    /// `codes::Table::GolonganDarah`.
    pub blood_type: Option<u8>,
    /// `codes::Table::Warganegara`.
    pub citizenship: u8,
    /// Stable id of the family (keluarga) this person is on, if any.
    pub family_id: Option<String>,
    /// Relation to the head of the family, `codes::Table::KkLevel` (1 = head).
    pub family_relation: u8,
    /// Hamlet (dusun), the village's own subdivision.
    pub dusun: String,
    pub rw: String,
    pub rt: String,
    pub address: String,
    pub father_nik: Option<String>,
    pub father_name: String,
    pub mother_nik: Option<String>,
    pub mother_name: String,
    pub phone: Option<String>,
    /// `codes::Table::StatusDasar`: 1 HIDUP (alive), 2 MATI, 3 PINDAH, ...
    pub status: u8,
    /// The OpenSID import columns Balai does not model, verbatim (after code/date
    /// normalisation), keyed by column name, so import → export gives the same rows.
    pub extra: BTreeMap<String, String>,
    /// The operator's reason for accepting the NIK warnings (e.g. "impor OpenSID").
    pub nik_warning_ack: Option<String>,
}

/// A family card (Kartu Keluarga). Its number changes over time (moves, death of
/// the head, divorce, pecah KK), so the family is keyed by a stable `id`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Family {
    pub id: String,
    /// Current No. KK, 16 digits.
    pub kk_number: String,
    /// Earlier numbers, oldest first; the current one is `kk_number`.
    pub kk_history: Vec<KkNumberChange>,
    /// Resident id of the kepala keluarga (head).
    pub head_id: Option<String>,
    pub dusun: String,
    pub rw: String,
    pub rt: String,
    pub address: String,
}

/// One former No. KK and when and why it stopped being current.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KkNumberChange {
    /// The number that was in force.
    pub number: String,
    /// The day it took effect (or the day it was recorded, when unknown).
    pub from: NaiveDate,
    pub reason: String,
}

/// Kind of a population event (peristiwa), as in OpenSID's `ref_peristiwa` plus
/// moves within the village and corrections.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Birth (lahir).
    Lahir,
    /// Death (mati).
    Mati,
    /// Moved into the village (pindah masuk).
    PindahMasuk,
    /// Moved out of the village (pindah keluar).
    PindahKeluar,
    /// Moved to another family within the village (pindah keluarga).
    PindahKeluarga,
    /// Correction of recorded data (koreksi).
    Koreksi,
}

impl EventKind {
    /// Catalog key for the event's label.
    pub fn key(self) -> &'static str {
        match self {
            EventKind::Lahir => "residents.event.lahir",
            EventKind::Mati => "residents.event.mati",
            EventKind::PindahMasuk => "residents.event.pindah_masuk",
            EventKind::PindahKeluar => "residents.event.pindah_keluar",
            EventKind::PindahKeluarga => "residents.event.pindah_keluarga",
            EventKind::Koreksi => "residents.event.koreksi",
        }
    }
}

/// Something that happened to a resident, for the mutation book (buku mutasi).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LifeEvent {
    pub id: String,
    pub resident_id: String,
    pub kind: EventKind,
    /// When it happened (not when it was recorded).
    pub date: NaiveDate,
    /// Family involved (new family for moves), if any.
    pub family_id: Option<String>,
    /// Where from / where to, for moves; place of death; etc.
    pub place: String,
    pub note: String,
    /// For `Koreksi`: field name → (old value, new value).
    pub changes: BTreeMap<String, (String, String)>,
}

/// A hard validation error: nothing is written.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Input field name (the OpenSID column name where one exists).
    pub field: &'static str,
    /// Catalog key of the message (`web-ui/catalog/residents.txt`).
    pub key: &'static str,
    /// The offending value or a short fact; fills `{detail}` in the message.
    pub detail: String,
}

/// A soft finding the operator may accept with a reason (e.g. NIK ≠ birth date).
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub field: &'static str,
    pub key: &'static str,
    pub detail: String,
}

impl FieldError {
    pub fn new(field: &'static str, key: &'static str, detail: impl Into<String>) -> Self {
        FieldError { field, key, detail: detail.into() }
    }
}

impl Warning {
    pub fn new(field: &'static str, key: &'static str, detail: impl Into<String>) -> Self {
        Warning { field, key, detail: detail.into() }
    }
}

/// What a user typed into the resident form or sent to the API: strings, as typed.
/// Coded fields accept the code ("1") or the label ("ISLAM", "L").
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct ResidentInput {
    pub nik: String,
    /// `nama`
    pub name: String,
    /// `tempatlahir`
    pub birth_place: String,
    /// `tanggallahir`: dd-mm-YYYY, dd/mm/YYYY or YYYY-MM-DD.
    pub birth_date: String,
    pub sex: String,
    pub religion: String,
    pub education: String,
    pub education_current: String,
    pub occupation: String,
    pub marital_status: String,
    pub blood_type: String,
    pub citizenship: String,
    /// Stable id of an existing family, if the operator picked one.
    pub family_id: String,
    /// No. KK, if typed (operations maps it to a family).
    pub no_kk: String,
    pub family_relation: String,
    pub dusun: String,
    pub rw: String,
    pub rt: String,
    pub address: String,
    pub father_nik: String,
    pub father_name: String,
    pub mother_nik: String,
    pub mother_name: String,
    pub phone: String,
    /// `status_dasar`; empty means 1 HIDUP.
    pub status: String,
    /// The operator's reason for accepting NIK warnings; empty if none given.
    pub nik_warning_ack: String,
}

/// A validated resident (with an empty `id`, assigned by operations) and the
/// normalised No. KK the operator typed, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidResident {
    pub resident: Resident,
    pub no_kk: Option<String>,
}

/// Validate a form input. Hard errors (syntax, unknown codes, future dates) are all
/// collected and returned together; NIK/KK plausibility findings come back as
/// warnings, which operations require the operator to acknowledge
/// (`nik_warning_ack`) before writing.
pub fn validate(input: &ResidentInput, regions: &Regions) -> Result<(ValidResident, Vec<Warning>), Vec<FieldError>> {
    validate_on(input, regions, today())
}

/// `validate` with an explicit "today" (for tests and imports).
pub fn validate_on(
    input: &ResidentInput,
    regions: &Regions,
    today: NaiveDate,
) -> Result<(ValidResident, Vec<Warning>), Vec<FieldError>> {
    let mut v = Validator::default();
    let nik = v.nik(&input.nik, "nik");
    let name = v.name(&input.name, "nama", true);
    let birth_place = v.place(&input.birth_place, "tempatlahir");
    let birth_date = v.birth_date(&input.birth_date, "tanggallahir", today);
    let sex = v.code(&input.sex, Table::Sex);
    let religion = v.code(&input.religion, Table::Agama);
    let education = v.code(&input.education, Table::PendidikanKk);
    let education_current = v.opt_code(&input.education_current, Table::PendidikanSedang);
    let occupation = v.code(&input.occupation, Table::Pekerjaan);
    let marital_status = v.code(&input.marital_status, Table::StatusKawin);
    let blood_type = v.opt_code(&input.blood_type, Table::GolonganDarah);
    let citizenship = v.code_or(&input.citizenship, Table::Warganegara, 1);
    let family_relation = v.code(&input.family_relation, Table::KkLevel);
    let status = v.code_or(&input.status, Table::StatusDasar, 1);
    let no_kk = v.opt_kk(&input.no_kk, "no_kk");
    let rw = v.rt_rw(&input.rw, "rw");
    let rt = v.rt_rw(&input.rt, "rt");
    let father_nik = v.opt_nik(&input.father_nik, "ayah_nik");
    let father_name = v.name(&input.father_name, "nama_ayah", false);
    let mother_nik = v.opt_nik(&input.mother_nik, "ibu_nik");
    let mother_name = v.name(&input.mother_name, "nama_ibu", false);
    let phone = v.phone(&input.phone, "telepon");
    let dusun = v.text(&input.dusun, "dusun", 100);
    let address = v.text(&input.address, "alamat", 500);
    let family_id = non_empty(&input.family_id);
    let ack = non_empty(&input.nik_warning_ack);
    if !v.errors.is_empty() {
        return Err(v.errors);
    }
    let (Some(nik), Some(birth_date), Some(sex)) = (nik, birth_date, sex) else {
        return Err(vec![FieldError::new("nik", "residents.internal", "")]);
    };
    let mut warnings = nik::check_against(&nik, birth_date, sex, regions);
    if let Some(kk) = &no_kk {
        warnings.extend(nik::check_kk(kk, regions));
    }
    let resident = Resident {
        id: String::new(),
        nik: nik.as_str().to_string(),
        name,
        birth_place,
        birth_date,
        sex,
        religion: religion.unwrap_or(0),
        education: education.unwrap_or(0),
        education_current,
        occupation: occupation.unwrap_or(0),
        marital_status: marital_status.unwrap_or(0),
        blood_type,
        citizenship,
        family_id,
        family_relation: family_relation.unwrap_or(0),
        dusun,
        rw,
        rt,
        address,
        father_nik,
        father_name,
        mother_nik,
        mother_name,
        phone,
        status,
        extra: BTreeMap::new(),
        nik_warning_ack: ack,
    };
    let no_kk = no_kk.map(|k| k.as_str().to_string());
    Ok((ValidResident { resident, no_kk }, warnings))
}

/// Today in the easternmost Indonesian zone (WIT, UTC+9), so that a birth
/// recorded early in the morning anywhere in Indonesia is never "in the future".
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Collects every field error of one input instead of stopping at the first.
#[derive(Default)]
pub(crate) struct Validator {
    pub(crate) errors: Vec<FieldError>,
}

impl Validator {
    fn fail(&mut self, field: &'static str, key: &'static str, detail: &str) {
        self.errors.push(FieldError::new(field, key, truncate(detail, 60)));
    }

    pub(crate) fn nik(&mut self, raw: &str, field: &'static str) -> Option<nik::Nik> {
        match nik::parse_nik(raw) {
            Ok(n) => Some(n),
            Err(e) => {
                self.fail(field, e.key(), raw);
                None
            }
        }
    }

    pub(crate) fn opt_nik(&mut self, raw: &str, field: &'static str) -> Option<String> {
        if raw.trim().is_empty() {
            return None;
        }
        self.nik(raw, field).map(|n| n.as_str().to_string())
    }

    pub(crate) fn opt_kk(&mut self, raw: &str, field: &'static str) -> Option<nik::Kk> {
        if raw.trim().is_empty() {
            return None;
        }
        match nik::parse_kk(raw) {
            Ok(k) => Some(k),
            Err(e) => {
                self.fail(field, e.kk_key(), raw);
                None
            }
        }
    }

    pub(crate) fn name(&mut self, raw: &str, field: &'static str, required: bool) -> String {
        let name = collapse_spaces(raw);
        if name.is_empty() {
            if required {
                self.fail(field, "residents.name.required", "");
            }
            return name;
        }
        if name.chars().count() > 100 {
            self.fail(field, "residents.name.too_long", &name);
        } else if let Some(c) = name.chars().find(|c| !is_name_char(*c)) {
            self.fail(field, "residents.name.chars", &c.to_string());
        }
        name
    }

    pub(crate) fn place(&mut self, raw: &str, field: &'static str) -> String {
        let place = collapse_spaces(raw);
        if place.chars().count() > 100 {
            self.fail(field, "residents.text.too_long", &place);
        } else if let Some(c) = place.chars().find(|c| !is_name_char(*c) && *c != '/') {
            self.fail(field, "residents.name.chars", &c.to_string());
        }
        place
    }

    pub(crate) fn text(&mut self, raw: &str, field: &'static str, max: usize) -> String {
        let text = collapse_spaces(raw);
        if text.chars().count() > max {
            self.fail(field, "residents.text.too_long", &max.to_string());
        } else if text.chars().any(char::is_control) {
            self.fail(field, "residents.text.control", "");
        }
        text
    }

    pub(crate) fn birth_date(&mut self, raw: &str, field: &'static str, today: NaiveDate) -> Option<NaiveDate> {
        if raw.trim().is_empty() {
            self.fail(field, "residents.date.required", "");
            return None;
        }
        let Some(date) = parse_date(raw) else {
            self.fail(field, "residents.date.format", raw);
            return None;
        };
        if date > today {
            self.fail(field, "residents.date.future", raw);
            return None;
        }
        if date < NaiveDate::from_ymd_opt(1850, 1, 1)? {
            self.fail(field, "residents.date.too_old", raw);
            return None;
        }
        Some(date)
    }

    pub(crate) fn code(&mut self, raw: &str, table: Table) -> Option<u8> {
        if raw.trim().is_empty() {
            self.fail(table.column(), "residents.code.required", "");
            return None;
        }
        self.lookup(raw, table)
    }

    pub(crate) fn opt_code(&mut self, raw: &str, table: Table) -> Option<u8> {
        if raw.trim().is_empty() {
            return None;
        }
        self.lookup(raw, table)
    }

    pub(crate) fn code_or(&mut self, raw: &str, table: Table, default: u8) -> u8 {
        self.opt_code(raw, table).unwrap_or(default)
    }

    fn lookup(&mut self, raw: &str, table: Table) -> Option<u8> {
        let found = table.lookup(raw);
        if found.is_none() {
            self.fail(table.column(), "residents.code.unknown", raw);
        }
        found
    }

    pub(crate) fn rt_rw(&mut self, raw: &str, field: &'static str) -> String {
        let t = raw.trim();
        if t.is_empty() || t == "-" {
            return String::new();
        }
        if t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            self.fail(field, "residents.rt_rw.format", t);
        }
        t.to_string()
    }

    pub(crate) fn phone(&mut self, raw: &str, field: &'static str) -> Option<String> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if t.is_empty() {
            return None;
        }
        let digits = t.strip_prefix('+').unwrap_or(&t);
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            self.fail(field, "residents.phone.format", raw);
        }
        Some(t)
    }
}

/// Letters (any script), space and `.,'-` (OpenSID's rule for names).
pub fn is_name_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '\'' | '-')
}

/// Trim and collapse runs of whitespace to one space.
pub fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Parse dd-mm-YYYY, dd/mm/YYYY, dd.mm.YYYY or YYYY-MM-DD (surrounding spaces ignored).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
    if a.len() == 4 {
        NaiveDate::from_ymd_opt(a_n as i32, b_n, c_n)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        NaiveDate::from_ymd_opt(c_n as i32, b_n, a_n)
    } else {
        None
    }
}

/// Format a date the OpenSID way: dd-mm-YYYY.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::regions;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn input() -> ResidentInput {
        ResidentInput {
            nik: "3171011708450001".into(),
            name: "  Soekarno   Hatta ".into(),
            birth_place: "Jakarta".into(),
            birth_date: "17-08-1945".into(),
            sex: "L".into(),
            religion: "ISLAM".into(),
            education: "5".into(),
            occupation: "petani/pekebun".into(),
            marital_status: "KAWIN".into(),
            family_relation: "1".into(),
            no_kk: "3171010101200001".into(),
            rt: "001".into(),
            rw: "02".into(),
            phone: "+62 812-3456".into(),
            ..ResidentInput::default()
        }
    }

    #[test]
    fn valid_input_becomes_a_resident() {
        let (v, warnings) = validate_on(&input(), regions(), d(2026, 1, 1)).expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        let r = v.resident;
        assert_eq!(r.name, "Soekarno Hatta");
        assert_eq!(r.birth_date, d(1945, 8, 17));
        assert_eq!((r.sex, r.religion, r.occupation, r.citizenship, r.status), (1, 1, 9, 1, 1));
        assert_eq!(r.phone.as_deref(), Some("+628123456"));
        assert_eq!(v.no_kk.as_deref(), Some("3171010101200001"));
    }

    #[test]
    fn all_errors_are_collected() {
        let mut i = input();
        i.nik = "123".into();
        i.name = "R2-D2".into();
        i.birth_date = "01-01-2999".into();
        i.religion = "JEDI".into();
        i.rt = "1234".into();
        i.phone = "08x".into();
        i.blood_type = "Z".into();
        let errs = validate_on(&i, regions(), d(2026, 1, 1)).expect_err("invalid");
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            got,
            vec![
                ("nik", "residents.nik.length"),
                ("nama", "residents.name.chars"),
                ("tanggallahir", "residents.date.future"),
                ("agama_id", "residents.code.unknown"),
                ("golongan_darah_id", "residents.code.unknown"),
                ("rt", "residents.rt_rw.format"),
                ("telepon", "residents.phone.format"),
            ]
        );
    }

    #[test]
    fn nik_mismatch_is_a_warning_not_an_error() {
        let mut i = input();
        i.sex = "P".into();
        i.birth_date = "1945-08-18".into();
        i.nik_warning_ack = "KTP lama".into();
        let (v, w) = validate_on(&i, regions(), d(2026, 1, 1)).expect("valid");
        let keys: Vec<&str> = w.iter().map(|w| w.key).collect();
        assert_eq!(keys, vec!["residents.nik.date_mismatch", "residents.nik.sex_mismatch"]);
        assert_eq!(v.resident.nik_warning_ack.as_deref(), Some("KTP lama"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("17-08-1945"), Some(d(1945, 8, 17)));
        assert_eq!(parse_date("17/8/1945"), Some(d(1945, 8, 17)));
        assert_eq!(parse_date(" 1945-08-17 "), Some(d(1945, 8, 17)));
        assert_eq!(parse_date("31-02-1945"), None);
        assert_eq!(parse_date("17-08-45"), None);
        assert_eq!(parse_date("1945-08-17T00:00"), None);
        assert_eq!(format_date(d(2001, 2, 3)), "03-02-2001");
    }

    #[test]
    fn serde_round_trip() {
        let (v, _) = validate_on(&input(), regions(), d(2026, 1, 1)).expect("valid");
        let json = serde_json::to_string(&v.resident).expect("serialize");
        let back: Resident = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, v.resident);
    }
    /// Every `residents.*` key written in this slice's sources has a catalog entry.
    #[test]
    fn every_key_is_in_the_catalog() {
        let catalog = include_str!("../../../web-ui/catalog/residents.txt");
        let defined: Vec<&str> = catalog.lines().filter_map(|l| l.split_once('=').map(|(k, _)| k.trim())).collect();
        let sources = [include_str!("model.rs"), include_str!("nik.rs"), include_str!("import.rs")];
        for src in sources {
            for piece in src.split("\"residents.").skip(1) {
                let Some(end) = piece.find('"') else { continue };
                let key = format!("residents.{}", &piece[..end]);
                if key.matches('.').count() < 2 || key.contains(' ') || key.contains('{') {
                    continue;
                }
                assert!(defined.contains(&key.as_str()), "missing catalog entry {key}");
            }
        }
    }
}
