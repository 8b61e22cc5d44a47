//! Registering posts and children; the only writer of both.

use chrono::NaiveDate;

use super::model::{Child, ChildInput, Posyandu};
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
