//! Registering posts and children; the only writer of both.

use chrono::NaiveDate;

use super::kbm;
use super::model::{
    Child, ChildInput, Enrollment, FollowUp, MealDelivery, Posyandu, Weighing, check_length_cm, check_weight_kg,
    first_day, month_of, parse_decimal, previous_month,
};
use super::zscore::{HEIGHT_FROM_DAYS, Indicator, Measurement, Position, zscores};
use crate::residents::model::FieldError;
use crate::residents::operations::new_id;
use crate::store::{Change, Durability, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PosyanduError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Children older than this are no longer balita; WHO's standards end here too.
pub const MAX_AGE_DAYS: i64 = 1826;

pub fn posyandu(store: &Store, id: &str) -> Option<Posyandu> {
    store.get::<Posyandu>(id).ok().flatten()
}

pub fn all_posyandu(store: &Store) -> Vec<Posyandu> {
    let mut all: Vec<Posyandu> = store.scan::<Posyandu>().filter_map(Result::ok).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

pub fn save_posyandu(store: &Store, actor: &str, mut p: Posyandu) -> Result<Posyandu, PosyanduError> {
    if p.name.trim().is_empty() {
        return Err(PosyanduError::Invalid(vec![FieldError::new("name", "posyandu.error.required", "")]));
    }
    if p.id.is_empty() {
        p.id = new_id("psy");
    }
    store.commit(actor, vec![Change::put(&p)?.with_detail("posyandu")], Durability::Durable)?;
    Ok(p)
}

pub fn child(store: &Store, id: &str) -> Option<Child> {
    store.get::<Child>(id).ok().flatten()
}

pub fn child_by_nik(store: &Store, nik: &str) -> Option<Child> {
    store.find_by::<Child>("nik", nik).ok()?.into_iter().next()
}

pub fn children_of_resident(store: &Store, resident_id: &str) -> Vec<Child> {
    store.find_by::<Child>("resident", resident_id).unwrap_or_default()
}

/// The children a post follows (those who left included; callers filter).
pub fn children_in(store: &Store, posyandu_id: &str) -> Vec<Child> {
    let mut all = store.find_by::<Child>("posyandu", posyandu_id).unwrap_or_default();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// The checks every child record passes, whoever registers it.
pub fn check_child(child: &Child, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if child.name.trim().is_empty() {
        errors.push(FieldError::new("name", "posyandu.error.required", ""));
    }
    if child.birth_date > today {
        errors.push(FieldError::new("birth_date", "posyandu.error.birth_in_future", child.birth_date.to_string()));
    }
    if let Some(nik) = &child.nik
        && (nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()))
    {
        errors.push(FieldError::new("nik", "posyandu.error.nik", nik.clone()));
    }
    errors
}

/// Registers a new child (empty `id`) or saves changes to one.
pub fn save_child(store: &Store, actor: &str, mut child: Child, today: NaiveDate) -> Result<Child, PosyanduError> {
    let errors = check_child(&child, today);
    if !errors.is_empty() {
        return Err(PosyanduError::Invalid(errors));
    }
    if posyandu(store, &child.posyandu_id).is_none() {
        return Err(PosyanduError::Invalid(vec![FieldError::new(
            "posyandu_id",
            "posyandu.error.unknown_posyandu",
            child.posyandu_id.clone(),
        )]));
    }
    if child.id.is_empty() {
        child.id = new_id("anak");
    }
    store.commit(actor, vec![Change::put(&child)?.with_detail("child")], Durability::Durable)?;
    Ok(child)
}

/// Registers a child at a post from what the kader typed. A NIK already in
/// the population register takes name, sex, birth date, parents and dusun
/// from there (the register is the source of truth) and links the record.
pub fn register_child(
    store: &Store,
    actor: &str,
    posyandu_id: &str,
    input: &ChildInput,
    today: NaiveDate,
) -> Result<Child, PosyanduError> {
    let nik = input.nik.trim();
    if !nik.is_empty() && child_by_nik(store, nik).is_some() {
        return Err(PosyanduError::Invalid(vec![FieldError::new("nik", "posyandu.error.already_registered", nik)]));
    }
    let mut input = input.clone();
    let resident = (!nik.is_empty()).then(|| crate::residents::operations::by_nik(store, nik)).flatten();
    if let Some(r) = &resident {
        input.name = r.name.clone();
        input.sex = r.sex.to_string();
        input.birth_date = r.birth_date.to_string();
        input.mother_name = r.mother_name.clone();
        input.mother_nik = r.mother_nik.clone().unwrap_or_default();
        input.father_name = r.father_name.clone();
        input.dusun = r.dusun.clone();
        if input.parent_phone.trim().is_empty() {
            input.parent_phone = r.phone.clone().unwrap_or_default();
        }
    }
    let mut child = input.to_child(posyandu_id).map_err(PosyanduError::Invalid)?;
    child.resident_id = resident.map(|r| r.id);
    save_child(store, actor, child, today)
}

/// One child's line of a session form, as typed (blank = not measured).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionRow {
    pub child_id: String,
    pub weight: String,
    pub length: String,
    /// `L` lying, `H` standing, blank = as usual for the age.
    pub position: String,
    pub head: String,
    pub arm: String,
}

impl SessionRow {
    fn is_blank(&self) -> bool {
        [&self.weight, &self.length, &self.head, &self.arm].iter().all(|v| v.trim().is_empty())
    }
}

/// A problem with one child's line; the whole session is refused with all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    pub child_id: String,
    pub field: &'static str,
    pub key: &'static str,
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("invalid session")]
    Invalid(Vec<FieldError>),
    #[error("rows need correcting or re-measuring")]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records a posyandu day: every filled line becomes that child's weighing of
/// the month (a second entry in the same month corrects the first). All lines
/// or none: one bad or implausible line sends the whole form back with every
/// problem named, so a kader can re-measure while the mother is still there.
pub fn record_session(
    store: &Store,
    actor: &str,
    posyandu_id: &str,
    date: NaiveDate,
    rows: &[SessionRow],
    today: NaiveDate,
) -> Result<usize, SessionError> {
    if posyandu(store, posyandu_id).is_none() {
        let e = FieldError::new("posyandu_id", "posyandu.error.unknown_posyandu", posyandu_id);
        return Err(SessionError::Invalid(vec![e]));
    }
    if date > today {
        return Err(SessionError::Invalid(vec![FieldError::new(
            "date",
            "posyandu.error.date_in_future",
            date.to_string(),
        )]));
    }
    let month = month_of(date);
    let previous_month = previous_month(&month).unwrap_or_default();
    let mut errors = Vec::new();
    let mut weighings = Vec::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        match check_row(store, posyandu_id, date, row) {
            Ok((child, measured)) => {
                let previous: Option<Weighing> =
                    store.get(&Weighing::id_for(&child.id, &previous_month)).ok().flatten();
                let gain = previous.and_then(|p| kbm::gain(&p, measured.weight_kg, measured.age_days));
                weighings.push(Weighing {
                    id: Weighing::id_for(&child.id, &month),
                    child_id: child.id,
                    posyandu_id: posyandu_id.to_string(),
                    date,
                    month: month.clone(),
                    gain,
                    recorded_by: actor.to_string(),
                    ..measured
                });
            }
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if !errors.is_empty() {
        return Err(SessionError::Rows(errors));
    }
    let changes =
        weighings.iter().map(|w| Change::put(w).map(|c| c.with_detail("weighing"))).collect::<Result<Vec<_>, _>>()?;
    let count = changes.len();
    if count > 0 {
        store.commit(actor, changes, Durability::Durable)?;
    }
    Ok(count)
}

/// Checks one line and computes its z-scores; an implausible z-score is an
/// error naming the measurement to take again.
fn check_row(
    store: &Store,
    posyandu_id: &str,
    date: NaiveDate,
    row: &SessionRow,
) -> Result<(Child, Weighing), Vec<RowError>> {
    let fail = |field: &'static str, key: &'static str, detail: String| {
        vec![RowError { child_id: row.child_id.clone(), field, key, detail }]
    };
    let Some(child) = child(store, &row.child_id).filter(|c| c.posyandu_id == posyandu_id) else {
        return Err(fail("child_id", "posyandu.error.unknown_child", row.child_id.clone()));
    };
    let age_days = (date - child.birth_date).num_days();
    if age_days < 0 {
        return Err(fail("date", "posyandu.error.birth_after_weighing", child.birth_date.to_string()));
    }
    if age_days > MAX_AGE_DAYS {
        return Err(fail("date", "posyandu.error.too_old", age_days.to_string()));
    }
    let mut errors = Vec::new();
    let mut number = |field: &'static str, text: &str, check: fn(f64) -> Result<(), &'static str>| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match parse_decimal(text).ok_or("posyandu.error.number").and_then(|v| check(v).map(|()| v)) {
            Ok(v) => Some(v),
            Err(key) => {
                errors.push(RowError { child_id: row.child_id.clone(), field, key, detail: text.to_string() });
                None
            }
        }
    };
    let weight = number("weight", &row.weight, check_weight_kg);
    let length = number("length", &row.length, check_length_cm);
    let head = number("head", &row.head, check_head_cm);
    let arm = number("arm", &row.arm, check_arm_cm);
    let position = match row.position.trim() {
        "" => None,
        text => Position::parse(text).or_else(|| {
            errors.push(RowError {
                child_id: row.child_id.clone(),
                field: "position",
                key: "posyandu.error.measure",
                detail: text.to_string(),
            });
            None
        }),
    };
    if weight.is_none() && row.weight.trim().is_empty() {
        errors.push(RowError {
            child_id: row.child_id.clone(),
            field: "weight",
            key: "posyandu.error.required",
            detail: String::new(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let weight_kg = weight.unwrap_or_default();
    let measurement = Measurement {
        sex: child.sex,
        age_days: age_days as f64,
        weight_kg: Some(weight_kg),
        length_cm: length,
        position,
    };
    let z = zscores(&measurement);
    if z.needs_remeasure() {
        return Err(z
            .implausible
            .iter()
            .map(|i| RowError {
                child_id: row.child_id.clone(),
                field: if *i == Indicator::Haz { "length" } else { "weight" },
                key: "posyandu.error.remeasure",
                detail: format!("{} {:+.2}", i.code(), z.get(*i).unwrap_or_default()),
            })
            .collect());
    }
    let weighing = Weighing {
        id: String::new(),
        child_id: child.id.clone(),
        posyandu_id: String::new(),
        date,
        month: String::new(),
        age_days,
        weight_kg,
        length_cm: length,
        position: position.or_else(|| length.map(|_| usual_position(age_days))),
        head_cm: head,
        arm_cm: arm,
        z,
        gain: None,
        recorded_by: String::new(),
    };
    Ok((child, weighing))
}

/// Lying under two years, standing from two: what the form proposes.
pub fn usual_position(age_days: i64) -> Position {
    if age_days < i64::from(HEIGHT_FROM_DAYS) { Position::Lying } else { Position::Standing }
}

fn check_head_cm(cm: f64) -> Result<(), &'static str> {
    if (20.0..=65.0).contains(&cm) { Ok(()) } else { Err("posyandu.error.head") }
}

fn check_arm_cm(cm: f64) -> Result<(), &'static str> {
    if (5.0..=35.0).contains(&cm) { Ok(()) } else { Err("posyandu.error.arm") }
}

/// Every weighing of a child, oldest first.
pub fn weighings_of(store: &Store, child_id: &str) -> Vec<Weighing> {
    let mut all = store.find_by::<Weighing>("child", child_id).unwrap_or_default();
    all.sort_by_key(|w| w.date);
    all
}

/// Every weighing of a month (`YYYY-MM`), the whole village.
pub fn weighings_in_month(store: &Store, month: &str) -> Vec<Weighing> {
    if first_day(month).is_none() {
        return Vec::new();
    }
    store.scan_prefix::<Weighing>(&format!("{month}:")).filter_map(Result::ok).collect()
}

/// Every child of the village.
pub fn all_children(store: &Store) -> Vec<Child> {
    store.scan::<Child>().filter_map(Result::ok).collect()
}

/// Marks an at-risk child of a month as followed up.
pub fn follow_up(
    store: &Store,
    actor: &str,
    child_id: &str,
    month: &str,
    note: &str,
    today: NaiveDate,
) -> Result<FollowUp, PosyanduError> {
    if child(store, child_id).is_none() {
        return Err(PosyanduError::Invalid(vec![FieldError::new(
            "child_id",
            "posyandu.error.unknown_child",
            child_id,
        )]));
    }
    if first_day(month).is_none() {
        return Err(PosyanduError::Invalid(vec![FieldError::new("month", "posyandu.error.month", month)]));
    }
    let record = FollowUp {
        id: Weighing::id_for(child_id, month),
        child_id: child_id.to_string(),
        month: month.to_string(),
        note: note.trim().chars().take(500).collect(),
        by: actor.to_string(),
        on: today,
    };
    store.commit(actor, vec![Change::put(&record)?.with_detail("follow-up")], Durability::Durable)?;
    Ok(record)
}

pub fn follow_ups_in(store: &Store, month: &str) -> Vec<FollowUp> {
    store.find_by::<FollowUp>("month", month).unwrap_or_default()
}

/// Takes a child into the POS Gizi.
pub fn enroll(
    store: &Store,
    actor: &str,
    child_id: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<Enrollment, PosyanduError> {
    if child(store, child_id).is_none() {
        return Err(PosyanduError::Invalid(vec![FieldError::new(
            "child_id",
            "posyandu.error.unknown_child",
            child_id,
        )]));
    }
    let enrollment = Enrollment {
        id: child_id.to_string(),
        child_id: child_id.to_string(),
        since: today,
        reason: reason.trim().chars().take(300).collect(),
        until: None,
        by: actor.to_string(),
    };
    store.commit(actor, vec![Change::put(&enrollment)?.with_detail("pos gizi enrollment")], Durability::Durable)?;
    Ok(enrollment)
}

/// Children currently in the POS Gizi.
pub fn enrolled(store: &Store) -> Vec<Enrollment> {
    store.scan::<Enrollment>().filter_map(Result::ok).filter(|e| e.until.is_none()).collect()
}

/// One round of the POS Gizi kitchen: the same menu, one time, one courier.
#[derive(Clone, Debug)]
pub struct DeliveryRound {
    pub date: NaiveDate,
    /// `HH:MM`, village time.
    pub time: String,
    pub what: String,
    pub delivered_by: String,
}

/// Records the meals of one delivery round to several enrolled children, all or none.
pub fn record_deliveries(
    store: &Store,
    actor: &str,
    children: &[String],
    round: &DeliveryRound,
    today: NaiveDate,
) -> Result<usize, PosyanduError> {
    let DeliveryRound { date, time, what, delivered_by } = round;
    let date = *date;
    let mut errors = Vec::new();
    if date > today {
        errors.push(FieldError::new("date", "posyandu.error.date_in_future", date.to_string()));
    }
    if what.trim().is_empty() {
        errors.push(FieldError::new("what", "posyandu.error.required", ""));
    }
    if delivered_by.trim().is_empty() {
        errors.push(FieldError::new("delivered_by", "posyandu.error.required", ""));
    }
    if chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M").is_err() {
        errors.push(FieldError::new("time", "posyandu.error.time", time.as_str()));
    }
    if children.is_empty() {
        errors.push(FieldError::new("child", "posyandu.error.no_children", ""));
    }
    for id in children {
        if store.get::<Enrollment>(id).ok().flatten().is_none_or(|e| e.until.is_some()) {
            errors.push(FieldError::new("child", "posyandu.error.not_enrolled", id.clone()));
        }
    }
    if !errors.is_empty() {
        return Err(PosyanduError::Invalid(errors));
    }
    let mut changes = Vec::new();
    for id in children {
        let delivery = MealDelivery {
            id: new_id("meal"),
            child_id: id.clone(),
            date,
            time: time.trim().to_string(),
            what: what.trim().chars().take(200).collect(),
            delivered_by: delivered_by.trim().chars().take(100).collect(),
            recorded_by: actor.to_string(),
        };
        changes.push(Change::put(&delivery)?.with_detail("pos gizi meal"));
    }
    let count = changes.len();
    store.commit(actor, changes, Durability::Durable)?;
    Ok(count)
}

pub fn deliveries_of(store: &Store, child_id: &str) -> Vec<MealDelivery> {
    let mut all = store.find_by::<MealDelivery>("child", child_id).unwrap_or_default();
    all.sort_by(|a, b| (b.date, &b.time).cmp(&(a.date, &a.time)));
    all
}
