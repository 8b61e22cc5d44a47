//! The timeline's sources, the subject lookup and the audited view.
//!
//! To add a source (the posyandu's weighings, the kiosk's readings), write
//! `fn(&Store, &Subject) -> Vec<Entry>` in that domain or here, and list it
//! in [`SOURCES`].

use super::model::{Entry, Kind, Subject};
use crate::immunization::schedule;
use crate::maternal::model::Pregnancy;
use crate::posyandu::model::Child;
use crate::residents::model::Resident;
use crate::store::{Change, Durability, Op, Record, Store, StoreError};

pub type Source = fn(&Store, &Subject) -> Vec<Entry>;

/// Every source of the timeline.
pub const SOURCES: &[Source] = &[weighings, immunizations, antenatal, consultations, prescriptions];

/// The posyandu's monthly weighings, with their z-scores.
pub fn weighings(store: &Store, s: &Subject) -> Vec<Entry> {
    let z = |name: &str, v: Option<f64>| v.map(|v| format!("{name} {v:+.2}"));
    s.child_ids
        .iter()
        .flat_map(|id| crate::posyandu::operations::weighings_of(store, id))
        .map(|w| {
            let mut parts = vec![format!("BB {:.1} kg", w.weight_kg)];
            parts.extend(w.length_cm.map(|l| format!("PB/TB {l:.1} cm")));
            parts.extend([z("BB/U", w.z.waz), z("TB/U", w.z.haz), z("BB/TB", w.z.whz)].into_iter().flatten());
            Entry { date: w.date, kind: Kind::Weighing, summary: parts.join(" · ") }
        })
        .collect()
}

pub fn immunizations(store: &Store, s: &Subject) -> Vec<Entry> {
    s.child_ids
        .iter()
        .flat_map(|id| crate::immunization::operations::given_to(store, id))
        .map(|g| {
            let label = schedule::find(&g.antigen, g.dose).map(|d| d.label()).unwrap_or_else(|| g.antigen.clone());
            let batch = g.batch.map(|b| format!(" · batch {b}")).unwrap_or_default();
            Entry { date: g.given_on, kind: Kind::Immunization, summary: format!("{label} · {}{batch}", g.place) }
        })
        .collect()
}

fn pregnancies(store: &Store, s: &Subject) -> Vec<Pregnancy> {
    s.pregnancy_ids.iter().filter_map(|id| crate::maternal::operations::get(store, id)).collect()
}

pub fn antenatal(store: &Store, s: &Subject) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in pregnancies(store, s) {
        for (i, v) in p.visits.iter().enumerate() {
            let mut parts = vec![
                format!("K{}", i + 1),
                format!("{} mgg", v.weeks),
                format!("BB {:.1} kg", v.weight_kg),
                format!("TD {}/{}", v.systolic, v.diastolic),
            ];
            parts.extend(v.hb.map(|h| format!("Hb {h:.1}")));
            parts.extend(v.lila_cm.map(|l| format!("LiLA {l:.1} cm")));
            out.push(Entry { date: v.date, kind: Kind::Antenatal, summary: parts.join(" · ") });
        }
        if let Some(b) = &p.birth {
            let child = crate::posyandu::operations::child(store, &b.child_id).map(|c| c.name).unwrap_or_default();
            out.push(Entry { date: b.date, kind: Kind::Birth, summary: child });
        }
    }
    out
}

pub fn consultations(store: &Store, s: &Subject) -> Vec<Entry> {
    let Some(resident) = &s.resident_id else { return vec![] };
    crate::telemedicine::operations::bookings_of(store, resident)
        .into_iter()
        .filter_map(|b| {
            let session = crate::telemedicine::operations::session(store, &b.session_id)?;
            let outcome = b.note.map(|n| format!(" → {}", if n.diagnosis.is_empty() { n.text } else { n.diagnosis }));
            Some(Entry {
                date: session.date,
                kind: Kind::Consultation,
                summary: format!("{}: {}{}", session.doctor_name, b.complaint, outcome.unwrap_or_default()),
            })
        })
        .collect()
}

pub fn prescriptions(store: &Store, s: &Subject) -> Vec<Entry> {
    let Some(resident) = &s.resident_id else { return vec![] };
    crate::telemedicine::operations::prescriptions_of(store, resident)
        .into_iter()
        .filter_map(|rx| {
            let first = rx.trail.first()?;
            Some(Entry {
                date: first.at.date_naive(),
                kind: Kind::Prescription,
                summary: format!("{} ({})", rx.items.join("; "), rx.state.code()),
            })
        })
        .collect()
}

/// The whole timeline, newest first.
pub fn timeline(store: &Store, subject: &Subject) -> Vec<Entry> {
    let mut all: Vec<Entry> = SOURCES.iter().flat_map(|source| source(store, subject)).collect();
    all.sort_by_key(|e| std::cmp::Reverse(e.date));
    all
}

fn from_resident(store: &Store, r: Resident) -> Subject {
    Subject {
        name: r.name.clone(),
        child_ids: crate::posyandu::operations::children_of_resident(store, &r.id).into_iter().map(|c| c.id).collect(),
        pregnancy_ids: crate::maternal::operations::of_resident(store, &r.id).into_iter().map(|p| p.id).collect(),
        resident_id: Some(r.id),
    }
}

/// Whose record an id names: a resident, a posyandu child or a pregnancy
/// (a linked child or pregnancy opens the resident's whole record).
pub fn subject(store: &Store, id: &str) -> Option<Subject> {
    if let Some(r) = crate::residents::operations::get(store, id) {
        return Some(from_resident(store, r));
    }
    if let Some(c) = crate::posyandu::operations::child(store, id) {
        if let Some(r) = c.resident_id.as_deref().and_then(|r| crate::residents::operations::get(store, r)) {
            return Some(from_resident(store, r));
        }
        return Some(Subject { name: c.name, child_ids: vec![c.id], ..Subject::default() });
    }
    let p = crate::maternal::operations::get(store, id)?;
    if let Some(r) = p.resident_id.as_deref().and_then(|r| crate::residents::operations::get(store, r)) {
        return Some(from_resident(store, r));
    }
    Some(Subject { name: p.name, pregnancy_ids: vec![p.id], ..Subject::default() })
}

/// A resident, child or pregnant woman by NIK, as the id `subject` reads.
pub fn id_by_nik(store: &Store, nik: &str) -> Option<String> {
    let nik = nik.trim();
    if let Some(r) = crate::residents::operations::by_nik(store, nik) {
        return Some(r.id);
    }
    if let Some(c) = crate::posyandu::operations::child_by_nik(store, nik) {
        return Some(c.id);
    }
    store.find_by::<Pregnancy>("nik", nik).ok()?.into_iter().next().map(|p| p.id)
}

/// Writes the view to the audit trail, then returns the timeline: no view
/// is shown that was not logged.
pub fn view(store: &Store, actor: &str, subject: &Subject) -> Result<Vec<Entry>, StoreError> {
    let mut notes = Vec::new();
    if let Some(r) = &subject.resident_id {
        notes.push(Change::note(Resident::TABLE, r, Op::View).with_detail("health record"));
    }
    for c in &subject.child_ids {
        notes.push(Change::note(Child::TABLE, c, Op::View).with_detail("health record"));
    }
    for p in &subject.pregnancy_ids {
        notes.push(Change::note(Pregnancy::TABLE, p, Op::View).with_detail("health record"));
    }
    store.commit(actor, notes, Durability::Durable)?;
    Ok(timeline(store, subject))
}

/// One audited view of a child's health data (the immunization card).
pub fn note_view(store: &Store, actor: &str, child_id: &str, what: &str) -> Result<(), StoreError> {
    store.commit(
        actor,
        vec![Change::note(Child::TABLE, child_id, Op::View).with_detail(what.to_string())],
        Durability::Durable,
    )?;
    Ok(())
}

/// One audited view of a resident's health data (a consultation, a prescription).
pub fn note_resident_view(store: &Store, actor: &str, resident_id: &str, what: &str) -> Result<(), StoreError> {
    let note = Change::note(Resident::TABLE, resident_id, Op::View).with_detail(what.to_string());
    store.commit(actor, vec![note], Durability::Durable)?;
    Ok(())
}

/// One audited view of a pregnancy.
pub fn note_pregnancy_view(store: &Store, actor: &str, id: &str) -> Result<(), StoreError> {
    store.commit(
        actor,
        vec![Change::note(Pregnancy::TABLE, id, Op::View).with_detail("pregnancy")],
        Durability::Durable,
    )?;
    Ok(())
}
