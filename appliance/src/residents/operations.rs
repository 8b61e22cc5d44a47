//! Operations on the population register: the one place its rules are applied
//! before anything is written. The pages, the JSON API and the CLI call these.

use super::import::{ImportPlan, RowError};
use super::model::{
    EventKind, Family, FieldError, KkNumberChange, LifeEvent, Resident, ResidentInput, ValidResident, Warning, validate,
};
use crate::reference::regions;
use crate::store::{Change, Durability, Op, Record, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

impl Record for Resident {
    const TABLE: &'static str = "resident";
    const UNIQUE: &'static [&'static str] = &["nik"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        // One ordering index serves the whole list (dusun, then name: the
        // order of the village's own books) and each dusun's list.
        let mut keys = vec![
            ("nik", self.nik.clone()),
            ("dusun_name", format!("{}\u{1}{}", self.dusun, sort_key(&self.name, &self.id))),
        ];
        if let Some(f) = &self.family_id {
            keys.push(("family", f.clone()));
        }
        keys
    }
}

fn sort_key(name: &str, id: &str) -> String {
    format!("{}\u{1}{id}", name.to_lowercase())
}

impl Record for Family {
    const TABLE: &'static str = "family";
    const UNIQUE: &'static [&'static str] = &["kk"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![("kk", self.kk_number.clone())];
        keys.extend(self.kk_history.iter().map(|h| ("kk_history", h.number.clone())));
        keys
    }
}

impl Record for LifeEvent {
    const TABLE: &'static str = "life_event";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("resident", self.resident_id.clone())]
    }
}

/// Two records claiming one NIK, held until an admin decides. Never a silent
/// merge: the second claim is kept here, not in the register.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DuplicateCase {
    pub id: String,
    pub nik: String,
    pub holder_id: String,
    /// The second claim, as it was entered.
    pub claim: Resident,
    pub opened_by: String,
    pub opened: chrono::DateTime<chrono::Utc>,
    pub resolved: Option<String>,
}

impl Record for DuplicateCase {
    const TABLE: &'static str = "duplicate_case";
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Soft findings the operator must acknowledge with a reason.
    #[error("warnings need acknowledgement")]
    NeedsAck(Vec<Warning>),
    #[error("NIK already registered to {0}")]
    DuplicateNik(String),
    #[error("No. KK {0} belongs to another family")]
    DuplicateKk(String),
    #[error("no such record")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T> = std::result::Result<T, RegisterError>;

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(rand::random::<[u8; 6]>()))
}

pub fn get(store: &Store, id: &str) -> Option<Resident> {
    store.get::<Resident>(id).ok().flatten()
}

pub fn family(store: &Store, id: &str) -> Option<Family> {
    store.get::<Family>(id).ok().flatten()
}

pub fn by_nik(store: &Store, nik: &str) -> Option<Resident> {
    store.find_by::<Resident>("nik", nik).ok()?.into_iter().next()
}

pub fn family_by_kk(store: &Store, kk: &str) -> Option<Family> {
    store.find_by::<Family>("kk", kk).ok()?.into_iter().next()
}

pub fn members(store: &Store, family_id: &str) -> Vec<Resident> {
    let mut list: Vec<Resident> = store.find_by("family", family_id).unwrap_or_default();
    list.sort_by_key(|r| (r.family_relation, r.birth_date));
    list
}

/// A page of residents by dusun and name, optionally within one dusun.
pub fn page(store: &Store, dusun: Option<&str>, offset: usize, limit: usize) -> (Vec<Resident>, usize) {
    let (index, prefix) = match dusun {
        Some(d) => ("dusun_name", format!("{d}\u{1}")),
        None => ("dusun_name", String::new()),
    };
    let (ids, total) = store.index_page(Resident::TABLE, index, &prefix, offset, limit).unwrap_or_default();
    (ids.iter().filter_map(|id| get(store, id)).collect(), total)
}

/// Checks the input; warnings stop the save unless acknowledged with a reason.
fn checked(input: &ResidentInput) -> Result<ValidResident> {
    let (valid, warnings) = validate(input, regions()).map_err(RegisterError::Invalid)?;
    let acknowledged = valid.resident.nik_warning_ack.as_deref().is_some_and(|r| !r.trim().is_empty());
    if !warnings.is_empty() && !acknowledged {
        return Err(RegisterError::NeedsAck(warnings));
    }
    Ok(valid)
}

/// The family a new or edited resident belongs to: the one named by id, else
/// the one holding the No. KK, else a new family with that number (returned
/// unsaved, so the caller can make the resident its head).
fn family_for(store: &Store, valid: &ValidResident) -> Result<(Option<String>, Option<Family>)> {
    if let Some(id) = &valid.resident.family_id {
        return match family(store, id) {
            Some(f) => Ok((Some(f.id), None)),
            None => {
                Err(RegisterError::Invalid(vec![FieldError::new("family_id", "residents.family.unknown", id.clone())]))
            }
        };
    }
    let Some(kk) = &valid.no_kk else { return Ok((None, None)) };
    if let Some(f) = family_by_kk(store, kk) {
        return Ok((Some(f.id), None));
    }
    let r = &valid.resident;
    let f = Family {
        id: new_id("f"),
        kk_number: kk.clone(),
        kk_history: vec![],
        head_id: None,
        dusun: r.dusun.clone(),
        rw: r.rw.clone(),
        rt: r.rt.clone(),
        address: r.address.clone(),
    };
    Ok((Some(f.id.clone()), Some(f)))
}

/// Puts the resident's family in the batch when it is new or gains a head.
fn family_changes(store: &Store, resident: &Resident, new_family: Option<Family>) -> Result<Vec<Change>> {
    let is_head = resident.family_relation == 1;
    let family = match new_family {
        Some(f) => Some(f),
        None if is_head => resident.family_id.as_deref().and_then(|id| family(store, id)),
        None => None,
    };
    let Some(mut f) = family else { return Ok(vec![]) };
    if is_head {
        if f.head_id.as_deref() == Some(&resident.id) {
            return Ok(vec![]);
        }
        f.head_id = Some(resident.id.clone());
    }
    Ok(vec![Change::put(&f)?.with_detail("family")])
}

pub fn create(store: &Store, actor: &str, input: &ResidentInput) -> Result<Resident> {
    let valid = checked(input)?;
    if let Some(holder) = by_nik(store, &valid.resident.nik) {
        return Err(RegisterError::DuplicateNik(holder.id));
    }
    let (family_id, new_family) = family_for(store, &valid)?;
    let mut resident = valid.resident;
    resident.id = new_id("p");
    resident.family_id = family_id;
    let mut changes = family_changes(store, &resident, new_family)?;
    changes.push(Change::put(&resident)?.with_detail(ack_detail(&resident)));
    commit_register(store, actor, changes)?;
    Ok(resident)
}

fn ack_detail(r: &Resident) -> String {
    match &r.nik_warning_ack {
        Some(reason) => format!("NIK warnings acknowledged: {reason}"),
        None => String::new(),
    }
}

/// A unique-index refusal inside the batch becomes the register's own error.
fn commit_register(store: &Store, actor: &str, changes: Vec<Change>) -> Result<u64> {
    store.commit(actor, changes, Durability::Durable).map_err(|e| match e {
        StoreError::Unique { index: "nik", holder, .. } => RegisterError::DuplicateNik(holder),
        StoreError::Unique { index: "kk", key, .. } => RegisterError::DuplicateKk(key),
        other => RegisterError::Store(other),
    })
}

/// An edit is a correction (koreksi): the old and new values of each changed
/// field are kept as a life event, so nothing is silently overwritten.
pub fn update(store: &Store, actor: &str, id: &str, input: &ResidentInput) -> Result<Resident> {
    let old = get(store, id).ok_or(RegisterError::NotFound)?;
    let valid = checked(input)?;
    if let Some(holder) = by_nik(store, &valid.resident.nik).filter(|h| h.id != old.id) {
        return Err(RegisterError::DuplicateNik(holder.id));
    }
    let (family_id, new_family) = family_for(store, &valid)?;
    let mut resident = valid.resident;
    resident.id = old.id.clone();
    resident.family_id = family_id;
    resident.extra = old.extra.clone();
    let diff = diff(&old, &resident);
    if diff.is_empty() {
        return Ok(old);
    }
    let mut changes = family_changes(store, &resident, new_family)?;
    let event = LifeEvent {
        id: new_id("e"),
        resident_id: resident.id.clone(),
        kind: EventKind::Koreksi,
        date: super::model::today(),
        family_id: None,
        place: String::new(),
        note: String::new(),
        changes: diff,
    };
    changes.push(Change::put(&resident)?.with_detail(ack_detail(&resident)));
    changes.push(Change::put(&event)?);
    commit_register(store, actor, changes)?;
    Ok(resident)
}

fn diff(old: &Resident, new: &Resident) -> BTreeMap<String, (String, String)> {
    let (a, b) = (serde_json::to_value(old).unwrap_or_default(), serde_json::to_value(new).unwrap_or_default());
    let mut out = BTreeMap::new();
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        for (k, va) in a {
            let vb = b.get(k).cloned().unwrap_or_default();
            if *va != vb && k != "nik_warning_ack" {
                out.insert(k.clone(), (plain(va), plain(&vb)));
            }
        }
    }
    out
}

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Birth, death, moves and family changes: the record's status or family
/// follows the event, and the event itself is kept for the timeline.
pub fn record_event(
    store: &Store,
    actor: &str,
    id: &str,
    kind: EventKind,
    date: NaiveDate,
    note: &str,
    target_family: Option<&str>,
) -> Result<LifeEvent> {
    let mut r = get(store, id).ok_or(RegisterError::NotFound)?;
    let before = r.clone();
    match kind {
        EventKind::Mati => r.status = 2,
        EventKind::PindahKeluar => r.status = 3,
        EventKind::PindahMasuk | EventKind::Lahir => r.status = 1,
        EventKind::PindahKeluarga => {
            let fid = target_family.filter(|f| !f.is_empty()).ok_or_else(|| {
                RegisterError::Invalid(vec![FieldError::new("target_family", "residents.family.required", "")])
            })?;
            let f = family(store, fid).or_else(|| family_by_kk(store, fid)).ok_or_else(|| {
                RegisterError::Invalid(vec![FieldError::new("target_family", "residents.family.unknown", fid)])
            })?;
            r.family_id = Some(f.id);
            if r.family_relation == 1 {
                r.family_relation = 11;
            }
        }
        EventKind::Koreksi => {}
    }
    let event = LifeEvent {
        id: new_id("e"),
        resident_id: r.id.clone(),
        kind,
        date,
        family_id: r.family_id.clone(),
        place: String::new(),
        note: note.chars().take(500).collect(),
        changes: diff(&before, &r),
    };
    let mut changes = vec![Change::put(&event)?];
    if r != before {
        changes.push(Change::put(&r)?.with_detail(format!("event {}", kind.key())));
    }
    commit_register(store, actor, changes)?;
    Ok(event)
}

pub fn events_of(store: &Store, resident_id: &str) -> Vec<LifeEvent> {
    let mut list: Vec<LifeEvent> = store.find_by("resident", resident_id).unwrap_or_default();
    list.sort_by_key(|e| e.date);
    list
}

/// Records that someone saw a resident's full record (UU PDP audit).
pub fn note_view(store: &Store, actor: &str, resident_id: &str, what: &str) -> Result<()> {
    let note = Change::note(Resident::TABLE, resident_id, Op::View).with_detail(what.to_string());
    store.commit(actor, vec![note], Durability::Lazy)?;
    Ok(())
}

/// Changes a family's No. KK (pecah KK, a move, a new head): the old number is
/// kept in the history.
pub fn change_kk(
    store: &Store,
    actor: &str,
    family_id: &str,
    new_kk: &str,
    from: NaiveDate,
    reason: &str,
) -> Result<Family> {
    let kk = super::nik::parse_kk(new_kk)
        .map_err(|e| RegisterError::Invalid(vec![FieldError::new("no_kk", e.kk_key(), new_kk)]))?;
    let mut f = family(store, family_id).ok_or(RegisterError::NotFound)?;
    f.kk_history.push(KkNumberChange { number: f.kk_number.clone(), from, reason: reason.into() });
    f.kk_number = kk.as_str().to_string();
    commit_register(store, actor, vec![Change::put(&f)?.with_detail(format!("No. KK changed: {reason}"))])?;
    Ok(f)
}

/// Opens a duplicate-NIK case holding the second claim beside the first.
pub fn open_duplicate_case(store: &Store, actor: &str, claim: Resident) -> Result<DuplicateCase> {
    let holder = by_nik(store, &claim.nik).ok_or(RegisterError::NotFound)?;
    let case = DuplicateCase {
        id: new_id("d"),
        nik: claim.nik.clone(),
        holder_id: holder.id,
        claim,
        opened_by: actor.into(),
        opened: chrono::Utc::now(),
        resolved: None,
    };
    store.commit(actor, vec![Change::put(&case)?.with_detail("duplicate NIK case opened")], Durability::Durable)?;
    Ok(case)
}

pub fn resolve_duplicate_case(store: &Store, actor: &str, id: &str, decision: &str) -> Result<()> {
    let mut case = store.get::<DuplicateCase>(id)?.ok_or(RegisterError::NotFound)?;
    case.resolved = Some(decision.chars().take(500).collect());
    store.commit(actor, vec![Change::put(&case)?.with_detail("duplicate NIK case resolved")], Durability::Durable)?;
    Ok(())
}

pub fn duplicate_cases(store: &Store) -> Vec<DuplicateCase> {
    store.scan::<DuplicateCase>().filter_map(|c| c.ok()).collect()
}

/// What an import did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportSummary {
    pub residents_created: usize,
    pub residents_updated: usize,
    pub families_created: usize,
    pub families_updated: usize,
    pub warnings: usize,
}

/// Changes per transaction in a large write: bounds memory, while the batch as
/// a whole stays all-or-nothing (see `store::batch`).
const BATCH_CHUNK: usize = 2_000;

/// Writes a parsed import: all rows or none. A NIK already
/// on the register updates that resident; a No. KK already known updates that
/// family.
pub fn import(store: &Store, actor: &str, plan: ImportPlan) -> std::result::Result<ImportSummary, Vec<RowError>> {
    let mut summary = ImportSummary { warnings: plan.warnings.len(), ..Default::default() };
    let existing_family: HashMap<String, Family> = plan
        .families
        .iter()
        .filter_map(|f| family_by_kk(store, &f.kk_number))
        .map(|f| (f.kk_number.clone(), f))
        .collect();
    let existing_resident: HashMap<String, Resident> =
        plan.residents.iter().filter_map(|r| by_nik(store, &r.resident.nik)).map(|r| (r.nik.clone(), r)).collect();
    let (families, residents) = plan.assign_ids(
        |f| existing_family.get(&f.kk_number).map(|e| e.id.clone()).unwrap_or_else(|| new_id("f")),
        |r| existing_resident.get(&r.resident.nik).map(|e| e.id.clone()).unwrap_or_else(|| new_id("p")),
    );
    let mut changes = Vec::with_capacity(families.len() + residents.len());
    for mut f in families {
        match existing_family.get(&f.kk_number) {
            Some(old) => {
                f.kk_history = old.kk_history.clone();
                f.head_id = f.head_id.or_else(|| old.head_id.clone());
                summary.families_updated += 1;
            }
            None => summary.families_created += 1,
        }
        changes.push(Change::put(&f).map_err(store_row_error)?.with_detail("import"));
    }
    for r in residents {
        if existing_resident.contains_key(&r.nik) {
            summary.residents_updated += 1;
        } else {
            summary.residents_created += 1;
        }
        changes.push(Change::put(&r).map_err(store_row_error)?.with_detail("import"));
    }
    let started = std::time::Instant::now();
    let count = changes.len();
    store.commit_batch(actor, changes, BATCH_CHUNK).map_err(store_row_error)?;
    tracing::info!(changes = count, ms = started.elapsed().as_millis() as u64, "import committed");
    Ok(summary)
}

fn store_row_error(e: StoreError) -> Vec<RowError> {
    let (column, key) = match &e {
        StoreError::Unique { index: "kk", .. } => ("no_kk", "residents.import.kk_taken"),
        StoreError::Unique { .. } => ("nik", "residents.import.nik_taken"),
        _ => ("", "error.internal"),
    };
    vec![RowError { row: 0, column: column.into(), key, detail: e.to_string() }]
}

/// Everything needed for an export, in name order.
pub fn export_rows(store: &Store) -> (Vec<Resident>, Vec<Family>) {
    let mut residents: Vec<Resident> = store.scan().filter_map(|r| r.ok()).collect();
    residents.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    let families = store.scan().filter_map(|f| f.ok()).collect();
    (residents, families)
}

/// Writes generated demo data (already id'd) in one go.
pub fn load_generated(store: &Store, families: &[Family], residents: &[Resident]) -> Result<()> {
    let mut changes = Vec::with_capacity(families.len() + residents.len());
    for f in families {
        changes.push(Change::put(f)?);
    }
    for r in residents {
        changes.push(Change::put(r)?);
    }
    store.commit_batch("demo", changes, BATCH_CHUNK)?;
    Ok(())
}

/// What a change-log entry means for the search index: residents and families
/// are indexed as they are now (a later entry will bring any newer state).
pub fn search_changes(store: &Store, entry: &crate::store::LogEntry) -> Vec<crate::search::DocChange> {
    use crate::search::{DocChange, DocKind, SearchDoc};
    if entry.op == Op::View || entry.op == Op::Export || entry.op == Op::Note {
        return vec![];
    }
    match entry.entity.as_str() {
        "resident" => match get(store, &entry.id) {
            Some(r) => {
                let kk = r.family_id.as_deref().and_then(|f| family(store, f)).map(|f| f.kk_number).unwrap_or_default();
                vec![DocChange::Upsert(SearchDoc {
                    kind: DocKind::Resident,
                    id: r.id.clone(),
                    label: format!("{} — RT {}/RW {} {}", r.name, r.rt, r.rw, r.dusun),
                    name: r.name,
                    nik: r.nik,
                    kk,
                    dusun: r.dusun,
                })]
            }
            None => vec![DocChange::Delete(DocKind::Resident, entry.id.clone())],
        },
        "family" => match family(store, &entry.id) {
            Some(f) => {
                let head = f.head_id.as_deref().and_then(|h| get(store, h)).map(|h| h.name).unwrap_or_default();
                vec![DocChange::Upsert(SearchDoc {
                    kind: DocKind::Family,
                    id: f.id.clone(),
                    label: format!("KK {} — {head}", f.kk_number),
                    name: head,
                    nik: String::new(),
                    kk: f.kk_number,
                    dusun: f.dusun,
                })]
            }
            None => vec![DocChange::Delete(DocKind::Family, entry.id.clone())],
        },
        _ => vec![],
    }
}
