//! Registering pregnancies, recording visits and the birth. The only writer
//! of pregnancy records; the newborn is written by the posyandu domain.

use chrono::{Months, NaiveDate, Utc};

use super::model::{BirthInput, BirthRecord, Pregnancy, PregnancyInput, VisitInput, past_date};
use crate::posyandu::model::{Child, ChildInput};
use crate::posyandu::operations::{self as posyandu, PosyanduError};
use crate::residents::model::FieldError;
use crate::residents::operations::new_id;
use crate::store::{Change, Durability, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum MaternalError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<PosyanduError> for MaternalError {
    fn from(e: PosyanduError) -> Self {
        match e {
            PosyanduError::Invalid(errors) => MaternalError::Invalid(errors),
            PosyanduError::Store(e) => MaternalError::Store(e),
        }
    }
}

/// A pregnancy lasts at most about 44 weeks from HPHT; an older HPHT was mistyped.
const LONGEST_DAYS: i64 = 44 * 7;

pub fn get(store: &Store, id: &str) -> Option<Pregnancy> {
    store.get::<Pregnancy>(id).ok().flatten()
}

/// Pregnancies not yet ended by a birth, the nearest HPL first.
pub fn open(store: &Store) -> Vec<Pregnancy> {
    let mut list: Vec<Pregnancy> = store.find_by("state", "open").unwrap_or_default();
    list.sort_by_key(|p| p.hpht);
    list
}

pub fn of_resident(store: &Store, resident_id: &str) -> Vec<Pregnancy> {
    store.find_by("resident", resident_id).unwrap_or_default()
}

fn invalid(field: &'static str, key: &'static str, detail: impl Into<String>) -> MaternalError {
    MaternalError::Invalid(vec![FieldError::new(field, key, detail)])
}

/// Registers a pregnancy. A NIK in the population register fills the
/// woman's name, birth date, phone and dusun from there.
pub fn register(
    store: &Store,
    actor: &str,
    input: &PregnancyInput,
    today: NaiveDate,
) -> Result<Pregnancy, MaternalError> {
    let nik = input.nik.trim();
    let mut input = input.clone();
    let resident = (!nik.is_empty()).then(|| crate::residents::operations::by_nik(store, nik)).flatten();
    if let Some(r) = &resident {
        if r.sex != 2 {
            return Err(invalid("nik", "health.error.not_female", nik));
        }
        input.name = r.name.clone();
        input.birth_date = r.birth_date.to_string();
        input.dusun = r.dusun.clone();
        if input.phone.trim().is_empty() {
            input.phone = r.phone.clone().unwrap_or_default();
        }
    }
    if !nik.is_empty() && (nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid("nik", "posyandu.error.nik", nik));
    }
    if !nik.is_empty() && open(store).iter().any(|p| p.nik.as_deref() == Some(nik)) {
        return Err(invalid("nik", "health.error.already_pregnant", nik));
    }
    let mut errors = Vec::new();
    if input.name.trim().is_empty() {
        errors.push(FieldError::new("name", "posyandu.error.required", ""));
    }
    let birth_date = past_date(&input.birth_date, "birth_date", today, &mut errors);
    let hpht = past_date(&input.hpht, "hpht", today, &mut errors);
    if let Some(h) = hpht
        && (today - h).num_days() > LONGEST_DAYS
    {
        errors.push(FieldError::new("hpht", "health.error.hpht_old", h.to_string()));
    }
    if let (Some(b), Some(h)) = (birth_date, hpht) {
        let age = super::model::years_between(b, h);
        if !(10..=60).contains(&age) {
            errors.push(FieldError::new("birth_date", "health.error.mother_age", age.to_string()));
        }
    }
    let count = |text: &str, field: &'static str, min: u8, errors: &mut Vec<FieldError>| -> Option<u8> {
        match text.trim() {
            "" => Some(min),
            t => match t.parse::<u8>() {
                Ok(n) if (min..=20).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(field, "health.error.range", format!("{t} ({min}–20)")));
                    None
                }
            },
        }
    };
    let gravida = count(&input.gravida, "gravida", 1, &mut errors);
    let parity = count(&input.parity, "parity", 0, &mut errors);
    if let (Some(g), Some(p)) = (gravida, parity)
        && p >= g
    {
        errors.push(FieldError::new("parity", "health.error.parity", format!("G{g} P{p}")));
    }
    let last_birth = match input.last_birth.trim() {
        "" => None,
        text => past_date(text, "last_birth", today, &mut errors),
    };
    if let (Some(l), Some(h)) = (last_birth, hpht)
        && l >= h
    {
        errors.push(FieldError::new("last_birth", "health.error.last_birth", l.to_string()));
    }
    let (Some(birth_date), Some(hpht), Some(gravida), Some(parity), true) =
        (birth_date, hpht, gravida, parity, errors.is_empty())
    else {
        return Err(MaternalError::Invalid(errors));
    };
    let record = Pregnancy {
        id: new_id("hamil"),
        resident_id: resident.map(|r| r.id),
        nik: Some(nik.to_string()).filter(|n| !n.is_empty()),
        name: input.name.trim().to_string(),
        birth_date,
        phone: Some(input.phone.trim().to_string()).filter(|p| !p.is_empty()),
        dusun: input.dusun.trim().to_string(),
        hpht,
        gravida,
        parity,
        last_birth,
        visits: vec![],
        birth: None,
        registered_by: actor.to_string(),
        registered_at: Utc::now(),
    };
    store.commit(actor, vec![Change::put(&record)?.with_detail("pregnancy")], Durability::Durable)?;
    Ok(record)
}

/// Adds an antenatal visit.
pub fn add_visit(
    store: &Store,
    actor: &str,
    id: &str,
    input: &VisitInput,
    today: NaiveDate,
) -> Result<Pregnancy, MaternalError> {
    let (_, p) = store.commit_with(actor, Durability::Durable, |view| {
        let mut p: Pregnancy = view.get(id)?.ok_or_else(|| invalid("id", "error.not_found", id))?;
        if p.birth.is_some() {
            return Err(invalid("date", "health.error.already_born", ""));
        }
        let visit = input.to_visit(p.hpht, today, actor).map_err(MaternalError::Invalid)?;
        p.visits.push(visit);
        p.visits.sort_by_key(|v| v.date);
        let n = p.visits.len();
        Ok((vec![Change::put(&p)?.with_detail(format!("antenatal visit K{n}"))], p))
    })?;
    Ok(p)
}

/// Records the birth: the newborn is registered at the chosen posyandu with
/// the mother's name, NIK, phone and dusun, and the pregnancy is closed with
/// a link to the child. The pregnancy is closed first, under the writer lock,
/// so a second press of the button cannot register a second baby; if the
/// child then cannot be saved, the pregnancy is opened again.
pub fn record_birth(
    store: &Store,
    actor: &str,
    id: &str,
    input: &BirthInput,
    today: NaiveDate,
) -> Result<(Pregnancy, Child), MaternalError> {
    let p = get(store, id).ok_or_else(|| invalid("id", "error.not_found", id))?;
    let child_input = ChildInput {
        nik: String::new(),
        name: input.name.clone(),
        sex: input.sex.clone(),
        birth_date: input.birth_date.clone(),
        mother_name: p.name.clone(),
        mother_nik: p.nik.clone().unwrap_or_default(),
        father_name: String::new(),
        parent_phone: p.phone.clone().unwrap_or_default(),
        dusun: p.dusun.clone(),
        birth_weight_kg: input.birth_weight_kg.clone(),
        birth_length_cm: input.birth_length_cm.clone(),
    };
    let mut child = child_input.to_child(input.posyandu_id.trim()).map_err(MaternalError::Invalid)?;
    if child.name.trim().is_empty() {
        child.name = format!("Bayi Ny. {}", p.name);
    }
    let mut errors = posyandu::check_child(&child, today);
    // A birth before 20 weeks is not a birth; before HPHT it is a typo.
    let earliest = p.hpht.checked_add_months(Months::new(4)).unwrap_or(p.hpht);
    if child.birth_date < earliest {
        errors.push(FieldError::new("birth_date", "health.error.birth_too_early", child.birth_date.to_string()));
    }
    if posyandu::posyandu(store, &child.posyandu_id).is_none() {
        errors.push(FieldError::new("posyandu_id", "posyandu.error.unknown_posyandu", child.posyandu_id.clone()));
    }
    if !errors.is_empty() {
        return Err(MaternalError::Invalid(errors));
    }
    child.id = new_id("anak");
    let (_, closed) = store.commit_with(actor, Durability::Durable, |view| {
        let mut p: Pregnancy = view.get(id)?.ok_or_else(|| invalid("id", "error.not_found", id))?;
        if p.birth.is_some() {
            return Err(invalid("birth_date", "health.error.already_born", ""));
        }
        p.birth = Some(BirthRecord { date: child.birth_date, child_id: child.id.clone() });
        Ok((vec![Change::put(&p)?.with_detail("birth")], p))
    })?;
    match posyandu::save_child(store, actor, child, today) {
        Ok(child) => Ok((closed, child)),
        Err(e) => {
            let mut reopened = closed;
            reopened.birth = None;
            store.commit(
                actor,
                vec![Change::put(&reopened)?.with_detail("birth not recorded")],
                Durability::Durable,
            )?;
            Err(e.into())
        }
    }
}
