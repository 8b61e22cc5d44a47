//! Sessions, bookings, notes, prescriptions and the delivery trail. The
//! only writer of their records.

use chrono::{NaiveDate, NaiveTime, Utc};

use super::model::{
    Booking, BookingInput, ConsultNote, NoteInput, Prescription, PrescriptionInput, RxEvent, RxState, SessionInput,
    TeleSession,
};
use crate::auth::model::{Role, User};
use crate::outbox::model::{Channel, NewMessage};
use crate::posyandu::model::parse_date;
use crate::residents::model::FieldError;
use crate::residents::operations::new_id;
use crate::store::{Change, Durability, Record, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum TeleError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, key: &'static str, detail: impl Into<String>) -> TeleError {
    TeleError::Invalid(vec![FieldError::new(field, key, detail)])
}

/// Lines longer than this, or more lines, are not a prescription.
const MAX_ITEMS: usize = 20;
const MAX_TEXT: usize = 2000;

pub fn session(store: &Store, id: &str) -> Option<TeleSession> {
    store.get::<TeleSession>(id).ok().flatten()
}

/// Sessions from `from` on, soonest first.
pub fn sessions_from(store: &Store, from: NaiveDate) -> Vec<TeleSession> {
    let mut all: Vec<TeleSession> =
        store.scan::<TeleSession>().filter_map(Result::ok).filter(|s| s.date >= from).collect();
    all.sort_by_key(|s| (s.date, s.start));
    all
}

pub fn booking(store: &Store, id: &str) -> Option<Booking> {
    store.get::<Booking>(id).ok().flatten()
}

pub fn bookings_in(store: &Store, session_id: &str) -> Vec<Booking> {
    let mut all: Vec<Booking> = store.find_by("session", session_id).unwrap_or_default();
    all.sort_by_key(|b| b.slot);
    all
}

pub fn bookings_of(store: &Store, resident_id: &str) -> Vec<Booking> {
    store.find_by("resident", resident_id).unwrap_or_default()
}

pub fn prescription(store: &Store, id: &str) -> Option<Prescription> {
    store.get::<Prescription>(id).ok().flatten()
}

pub fn prescriptions_of(store: &Store, resident_id: &str) -> Vec<Prescription> {
    store.find_by("resident", resident_id).unwrap_or_default()
}

pub fn prescriptions_for_booking(store: &Store, booking_id: &str) -> Vec<Prescription> {
    store.find_by("booking", booking_id).unwrap_or_default()
}

/// What a pharmacy sees: only what is addressed to it, newest first.
pub fn pharmacy_inbox(store: &Store, pharmacy: &str) -> Vec<Prescription> {
    let mut all: Vec<Prescription> = store.find_by("pharmacy", pharmacy).unwrap_or_default();
    all.sort_by(|a, b| b.trail.first().map(|e| e.at).cmp(&a.trail.first().map(|e| e.at)));
    all
}

/// Prescriptions still on their way (the village post's list).
pub fn in_delivery(store: &Store) -> Vec<Prescription> {
    let mut all = Vec::new();
    for state in [RxState::Sent, RxState::OutForDelivery] {
        all.extend(store.find_by::<Prescription>("state", state.code()).unwrap_or_default());
    }
    all
}

/// The partner pharmacies: enabled accounts with role apotek.
pub fn pharmacies(store: &Store) -> Vec<User> {
    crate::auth::operations::list_users(store)
        .unwrap_or_default()
        .into_iter()
        .filter(|u| u.role == Role::Apotek && !u.disabled)
        .collect()
}

fn parse_count(text: &str, field: &'static str, range: (u32, u32), errors: &mut Vec<FieldError>) -> Option<u32> {
    match text.trim().parse::<u32>() {
        Ok(n) if n >= range.0 && n <= range.1 => Some(n),
        _ => {
            errors.push(FieldError::new(
                field,
                "health.error.range",
                format!("{} ({}–{})", text.trim(), range.0, range.1),
            ));
            None
        }
    }
}

pub fn create_session(
    store: &Store,
    actor: &str,
    input: &SessionInput,
    today: NaiveDate,
) -> Result<TeleSession, TeleError> {
    let mut errors = Vec::new();
    let date = match parse_date(&input.date) {
        None => {
            errors.push(FieldError::new("date", "posyandu.error.date", input.date.trim()));
            None
        }
        Some(d) if d < today => {
            errors.push(FieldError::new("date", "health.error.past", d.to_string()));
            None
        }
        Some(d) => Some(d),
    };
    let start = NaiveTime::parse_from_str(input.start.trim(), "%H:%M").ok();
    if start.is_none() {
        errors.push(FieldError::new("start", "health.error.time", input.start.trim()));
    }
    let minutes = parse_count(&input.slot_minutes, "slot_minutes", (5, 120), &mut errors);
    let slots = parse_count(&input.slots, "slots", (1, 40), &mut errors);
    if input.doctor_name.trim().is_empty() {
        errors.push(FieldError::new("doctor_name", "posyandu.error.required", ""));
    }
    // The last slot must end the same day.
    if let (Some(s), Some(m), Some(n)) = (start, minutes, slots)
        && s.signed_duration_since(NaiveTime::MIN).num_minutes() + i64::from(m * n) > 24 * 60
    {
        errors.push(FieldError::new("slots", "health.error.past_midnight", format!("{n} × {m}")));
    }
    let (Some(date), Some(start), Some(minutes), Some(slots), true) = (date, start, minutes, slots, errors.is_empty())
    else {
        return Err(TeleError::Invalid(errors));
    };
    let s = TeleSession {
        id: new_id("tele"),
        date,
        start,
        slot_minutes: minutes as u16,
        slots: slots as u8,
        doctor_name: input.doctor_name.trim().to_string(),
        doctor_str: input.doctor_str.trim().to_string(),
        place: input.place.trim().to_string(),
        created_by: actor.to_string(),
    };
    store.commit(actor, vec![Change::put(&s)?.with_detail("session")], Durability::Durable)?;
    Ok(s)
}

/// Books a resident (by NIK) into a free slot. The unique indexes refuse a
/// taken slot or a second booking of the same resident, even at the same instant.
pub fn book(
    store: &Store,
    actor: &str,
    session_id: &str,
    input: &BookingInput,
    today: NaiveDate,
) -> Result<Booking, TeleError> {
    let s = session(store, session_id).ok_or(TeleError::NotFound)?;
    let mut errors = Vec::new();
    if s.date < today {
        errors.push(FieldError::new("slot", "health.error.session_over", s.date.to_string()));
    }
    let nik = input.nik.trim();
    let resident = crate::residents::operations::by_nik(store, nik);
    if resident.is_none() {
        errors.push(FieldError::new("nik", "health.error.unknown_nik", nik));
    }
    let slot = parse_count(&input.slot, "slot", (1, u32::from(s.slots)), &mut errors);
    if input.complaint.trim().is_empty() {
        errors.push(FieldError::new("complaint", "posyandu.error.required", ""));
    }
    let phone = match input.phone.trim() {
        "" => resident.as_ref().and_then(|r| r.phone.clone()),
        p => match crate::outbox::model::normalize_phone(p) {
            Ok(_) => Some(p.to_string()),
            Err(_) => {
                errors.push(FieldError::new("phone", "health.error.phone", p));
                None
            }
        },
    };
    let (Some(r), Some(slot), true) = (resident, slot, errors.is_empty()) else {
        return Err(TeleError::Invalid(errors));
    };
    let b = Booking {
        id: new_id("konsul"),
        session_id: s.id.clone(),
        slot: (slot - 1) as u8,
        resident_id: r.id.clone(),
        name: r.name.clone(),
        phone,
        address: format!("{} RT {} RW {}, {}", r.address, r.rt, r.rw, r.dusun),
        complaint: input.complaint.trim().chars().take(MAX_TEXT).collect(),
        note: None,
        booked_by: actor.to_string(),
        booked_at: Utc::now(),
    };
    match store.commit(actor, vec![Change::put(&b)?.with_detail("booking")], Durability::Durable) {
        Ok(_) => Ok(b),
        Err(StoreError::Unique { index: "slot", .. }) => {
            Err(invalid("slot", "health.error.slot_taken", slot.to_string()))
        }
        Err(StoreError::Unique { .. }) => Err(invalid("nik", "health.error.already_booked", nik)),
        Err(e) => Err(e.into()),
    }
}

/// Writes (or rewrites) the consultation note, in the session doctor's name.
pub fn write_note(store: &Store, actor: &str, booking_id: &str, input: &NoteInput) -> Result<Booking, TeleError> {
    if input.text.trim().is_empty() {
        return Err(invalid("text", "posyandu.error.required", ""));
    }
    let (_, b) = store.commit_with(actor, Durability::Durable, |view| {
        let mut b: Booking = view.get(booking_id)?.ok_or(TeleError::NotFound)?;
        let doctor_name = session(view, &b.session_id).map(|s| s.doctor_name).unwrap_or_default();
        b.note = Some(ConsultNote {
            text: input.text.trim().chars().take(MAX_TEXT).collect(),
            diagnosis: input.diagnosis.trim().chars().take(200).collect(),
            doctor_name,
            by: actor.to_string(),
            at: Utc::now(),
        });
        Ok::<_, TeleError>((vec![Change::put(&b)?.with_detail("consultation note")], b))
    })?;
    Ok(b)
}

/// Writes the e-prescription and addresses it to a partner pharmacy.
pub fn prescribe(
    store: &Store,
    actor: &str,
    booking_id: &str,
    input: &PrescriptionInput,
) -> Result<Prescription, TeleError> {
    let b = booking(store, booking_id).ok_or(TeleError::NotFound)?;
    let s = session(store, &b.session_id).ok_or(TeleError::NotFound)?;
    let mut errors = Vec::new();
    if b.note.is_none() {
        errors.push(FieldError::new("items", "health.error.note_first", ""));
    }
    let pharmacy = input.pharmacy.trim();
    if !pharmacies(store).iter().any(|u| u.username == pharmacy) {
        errors.push(FieldError::new("pharmacy", "health.error.unknown_pharmacy", pharmacy));
    }
    let items: Vec<String> =
        input.items.lines().map(|l| l.trim().chars().take(200).collect::<String>()).filter(|l| !l.is_empty()).collect();
    if items.is_empty() || items.len() > MAX_ITEMS {
        errors.push(FieldError::new("items", "health.error.items", items.len().to_string()));
    }
    if !errors.is_empty() {
        return Err(TeleError::Invalid(errors));
    }
    let rx = Prescription {
        id: new_id("resep"),
        booking_id: b.id.clone(),
        resident_id: b.resident_id.clone(),
        name: b.name.clone(),
        address: b.address.clone(),
        phone: b.phone.clone(),
        pharmacy: pharmacy.to_string(),
        doctor_name: s.doctor_name.clone(),
        doctor_str: s.doctor_str.clone(),
        items,
        state: RxState::Issued,
        trail: vec![RxEvent { state: RxState::Issued, at: Utc::now(), by: actor.to_string(), note: String::new() }],
    };
    store.commit(
        actor,
        vec![Change::put(&rx)?.with_detail(format!("prescription to {pharmacy}"))],
        Durability::Durable,
    )?;
    Ok(rx)
}

/// Moves a prescription one step on. A pharmacy acts only on what is
/// addressed to it, and only on its own steps (prepared, sent); the village
/// post takes it from there. Anything else is refused, naming the state.
pub fn advance(
    store: &Store,
    actor: &str,
    role: Role,
    id: &str,
    to: RxState,
    received_by: &str,
) -> Result<Prescription, TeleError> {
    let (_, rx) = store.commit_with(actor, Durability::Durable, |view| {
        let mut rx: Prescription = view.get(id)?.ok_or(TeleError::NotFound)?;
        if role == Role::Apotek && rx.pharmacy != actor {
            return Err(TeleError::NotFound);
        }
        if to.by_pharmacy() != (role == Role::Apotek) || rx.state.next() != Some(to) {
            return Err(invalid("state", "health.error.rx_step", rx.state.code()));
        }
        let note = received_by.trim();
        if to == RxState::Delivered && note.is_empty() {
            return Err(invalid("received_by", "posyandu.error.required", ""));
        }
        rx.state = to;
        rx.trail.push(RxEvent {
            state: to,
            at: Utc::now(),
            by: actor.to_string(),
            note: note.chars().take(100).collect(),
        });
        Ok((vec![Change::put(&rx)?.with_detail(to.code())], rx))
    })?;
    if to == RxState::OutForDelivery {
        tell_on_the_way(store, actor, &rx);
    }
    Ok(rx)
}

/// The resident hears the medicine is on its way, so someone is at home. A
/// number the outbox cannot use is logged; the delivery goes on regardless.
fn tell_on_the_way(store: &Store, actor: &str, rx: &Prescription) {
    let Some(phone) = rx.phone.clone() else { return };
    let message = NewMessage {
        channel: Channel::Sms,
        to: phone,
        body: "Obat dari resep telemedis Anda sedang diantar petugas desa hari ini. Mohon ada orang di rumah.".into(),
        about: Some(format!("{}:{}", Prescription::TABLE, rx.id)),
    };
    if let Err(e) = crate::outbox::operations::enqueue(store, actor, message) {
        tracing::warn!(prescription = %rx.id, error = %e, "no delivery SMS");
    }
}
