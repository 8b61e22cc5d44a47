//! The rules of the letter service, and the only code that writes its records.
//! Pages, the JSON API and the CLI all call these.

use super::model::*;
use super::numbering;
use super::pdf::{self, LetterDocument, Letterhead, Paper, QrMark, Signer};
use super::seal::{self, LetterKey, Payload};
use super::templates::{self, TemplateProblem};
use crate::config::Config;
use crate::residents::codes::Table;
use crate::residents::model::Resident;
use crate::store::{Change, Durability, Op, Record, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// (field, catalog key) pairs.
    #[error("invalid input")]
    Invalid(Vec<(String, String)>),
    #[error("not found")]
    NotFound,
    /// The request is not in a state where this step applies.
    #[error("wrong state {0:?}")]
    WrongState(State),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T> = std::result::Result<T, LetterError>;

fn invalid(field: &str, key: &str) -> LetterError {
    LetterError::Invalid(vec![(field.to_string(), key.to_string())])
}

// ---- letter types and templates

/// Copies the shipped types into an empty store, one template version each.
pub fn seed(store: &Store) -> std::result::Result<(), StoreError> {
    if store.count::<LetterType>() > 0 {
        return Ok(());
    }
    let mut changes = Vec::new();
    for t in super::catalog::shipped() {
        let fields = templates::parse_fields(&t.fields).unwrap_or_default();
        let template = Template {
            id: Template::id_for(&t.code, 1),
            type_code: t.code.clone(),
            version: 1,
            title: t.name.clone(),
            fields,
            body: t.body.trim().to_string(),
            created: Utc::now(),
            author: "balai".into(),
        };
        let kind = LetterType {
            code: t.code,
            name: t.name,
            kka: t.kka,
            self_service: t.self_service,
            rt_rw_approval: t.rt_rw_approval,
            requirements: t.requirements,
            enabled: true,
            current_version: 1,
        };
        changes.push(Change::put(&template)?);
        changes.push(Change::put(&kind)?);
    }
    store.commit("balai", changes, Durability::Durable)?;
    Ok(())
}

pub fn types(store: &Store) -> Vec<LetterType> {
    let mut all: Vec<LetterType> = store.scan::<LetterType>().filter_map(|r| r.ok()).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

pub fn letter_type(store: &Store, code: &str) -> Option<LetterType> {
    store.get::<LetterType>(code).ok().flatten()
}

pub fn template(store: &Store, code: &str, version: u32) -> Option<Template> {
    store.get::<Template>(&Template::id_for(code, version)).ok().flatten()
}

pub fn current_template(store: &Store, kind: &LetterType) -> Option<Template> {
    template(store, &kind.code, kind.current_version)
}

/// What the template editor submits.
#[derive(Clone, Debug, Default)]
pub struct TemplateInput {
    pub name: String,
    pub title: String,
    pub kka: String,
    pub self_service: bool,
    pub rt_rw_approval: bool,
    pub enabled: bool,
    pub requirements: String,
    pub fields: String,
    pub body: String,
}

/// Checks a template without saving it (the editor's preview uses this too).
pub fn check_template(input: &TemplateInput) -> std::result::Result<Vec<FieldSpec>, Vec<TemplateProblem>> {
    let mut problems = Vec::new();
    for (part, value) in [("name", &input.name), ("title", &input.title), ("kka", &input.kka)] {
        if value.trim().is_empty() {
            problems.push(TemplateProblem { part, line: 0, message: "wajib diisi".into() });
        }
    }
    let fields = match templates::parse_fields(&input.fields) {
        Ok(f) => f,
        Err(p) => {
            problems.extend(p);
            Vec::new()
        }
    };
    problems.extend(templates::check_body(&input.body, &fields));
    if problems.is_empty() { Ok(fields) } else { Err(problems) }
}

/// Saves the template as a new version (or creates the type) and makes it current.
pub fn save_template(
    store: &Store,
    actor: &str,
    code: &str,
    input: &TemplateInput,
) -> std::result::Result<Template, Vec<TemplateProblem>> {
    let fields = check_template(input)?;
    let code_ok = !code.is_empty() && code.len() <= 40 && code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if !code_ok {
        return Err(vec![TemplateProblem { part: "code", line: 0, message: "kode: huruf kecil dan _ saja".into() }]);
    }
    let existing = letter_type(store, code);
    let version = existing.as_ref().map_or(1, |t| t.current_version + 1);
    let template = Template {
        id: Template::id_for(code, version),
        type_code: code.to_string(),
        version,
        title: input.title.trim().to_string(),
        fields,
        body: input.body.replace("\r\n", "\n").trim().to_string(),
        created: Utc::now(),
        author: actor.to_string(),
    };
    let kind = LetterType {
        code: code.to_string(),
        name: input.name.trim().to_string(),
        kka: input.kka.trim().to_string(),
        self_service: input.self_service,
        rt_rw_approval: input.rt_rw_approval,
        requirements: input.requirements.trim().to_string(),
        enabled: input.enabled,
        current_version: version,
    };
    let changes = [Change::put(&template), Change::put(&kind)].into_iter().collect::<std::result::Result<Vec<_>, _>>();
    let stored = changes.and_then(|c| store.commit(actor, c, Durability::Durable));
    stored.map(|_| template).map_err(|e| vec![TemplateProblem { part: "store", line: 0, message: e.to_string() }])
}

// ---- requests

/// A request as entered on a form or sent to the API.
#[derive(Clone, Debug, Default)]
pub struct RequestInput {
    pub type_code: String,
    pub nik: String,
    /// For someone not in the register: `nama`, `tempat_lahir`, `tanggal_lahir`, `alamat`...
    pub subject: BTreeMap<String, String>,
    pub values: BTreeMap<String, String>,
    pub phone: String,
    pub attachments: Vec<String>,
    pub form_token: String,
}

pub fn get(store: &Store, id: &str) -> Option<LetterRequest> {
    store.get::<LetterRequest>(id).ok().flatten()
}

pub fn by_tracking(store: &Store, code: &str) -> Option<LetterRequest> {
    let code = normalise_tracking(code);
    store.find_by::<LetterRequest>("tracking", &code).ok()?.into_iter().next()
}

pub fn issued(store: &Store, request_id: &str) -> Option<IssuedLetter> {
    store.get::<IssuedLetter>(request_id).ok().flatten()
}

pub fn issued_by_number(store: &Store, number: &str) -> Option<IssuedLetter> {
    store.find_by::<IssuedLetter>("number", number.trim()).ok()?.into_iter().next()
}

/// The newest `limit` requests in a state, and how many it holds in all.
pub fn in_state(store: &Store, state: State, limit: usize) -> (Vec<LetterRequest>, usize) {
    let prefix = format!("{}/", state.code());
    let Ok((ids, total)) = store.index_page(LetterRequest::TABLE, "state", &prefix, 0, limit) else {
        return (Vec::new(), 0);
    };
    (ids.iter().filter_map(|id| get(store, id)).collect(), total)
}

pub fn of_resident(store: &Store, resident_id: &str) -> Vec<LetterRequest> {
    let mut list = store.find_by::<LetterRequest>("resident", resident_id).unwrap_or_default();
    list.sort_by_key(|r| std::cmp::Reverse(r.created));
    list
}

/// The subject's data as the templates name it.
pub fn subject_of(store: &Store, r: &Resident, today: NaiveDate) -> BTreeMap<String, String> {
    let label = |t: Table, c: u8| t.label(c).unwrap_or("").to_string();
    let kk = r
        .family_id
        .as_deref()
        .and_then(|f| crate::residents::operations::family(store, f))
        .map(|f| f.kk_number)
        .unwrap_or_default();
    let mut m = BTreeMap::new();
    let birth = long_date(r.birth_date);
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), v);
    };
    put("nama", r.name.clone());
    put("nik", r.nik.clone());
    put("no_kk", kk);
    put("tempat_lahir", r.birth_place.clone());
    put("ttl", format!("{}, {birth}", r.birth_place));
    put("tanggal_lahir", birth);
    put("umur", format!("{} tahun", crate::residents::views::age(r.birth_date, today)));
    put("jenis_kelamin", label(Table::Sex, r.sex));
    put("agama", label(Table::Agama, r.religion));
    put("pekerjaan", label(Table::Pekerjaan, r.occupation));
    put("status_kawin", label(Table::StatusKawin, r.marital_status));
    put("kewarganegaraan", label(Table::Warganegara, r.citizenship));
    put("alamat", address_line(&r.address, &r.rt, &r.rw, &r.dusun));
    put("dusun", r.dusun.clone());
    put("rt", r.rt.clone());
    put("rw", r.rw.clone());
    m
}

/// "Jl. Anggrek 6, RT 003 RW 001, Dusun Ngasem", without saying the dusun
/// twice when the register's address is the dusun itself.
pub fn address_line(address: &str, rt: &str, rw: &str, dusun: &str) -> String {
    let dusun = dusun.trim();
    let dusun_label = if dusun.to_lowercase().starts_with("dusun") || dusun.is_empty() {
        dusun.to_string()
    } else {
        format!("Dusun {dusun}")
    };
    let address = address.trim();
    let same = address.eq_ignore_ascii_case(dusun) || address.eq_ignore_ascii_case(&dusun_label);
    let mut parts = Vec::new();
    if !address.is_empty() && !same {
        parts.push(address.to_string());
    }
    parts.push(format!("RT {rt} RW {rw}"));
    if !dusun_label.is_empty() {
        parts.push(dusun_label);
    }
    parts.join(", ")
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "28 November 2026".
pub fn long_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// Today in the village's time zone.
pub fn today(config: &Config) -> NaiveDate {
    config.today()
}

fn local(config: &Config, at: DateTime<Utc>) -> NaiveDate {
    crate::config::local_day(at, config.utc_offset_hours())
}

/// Checks a request and builds it, writing nothing: forms call this before
/// storing photos, so a bad form leaves nothing behind.
pub fn prepare(store: &Store, channel: Channel, input: &RequestInput, config: &Config) -> Result<LetterRequest> {
    let kind = letter_type(store, &input.type_code)
        .filter(|t| t.enabled)
        .ok_or_else(|| invalid("type", "letters.error.type"))?;
    if !kind.self_service && matches!(channel, Channel::Online | Channel::Kiosk) {
        return Err(invalid("type", "letters.error.counter_only"));
    }
    let template = current_template(store, &kind).ok_or(LetterError::NotFound)?;
    let mut errors = Vec::new();
    let nik = input.nik.trim().to_string();
    if !(nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit())) {
        errors.push(("nik".to_string(), "letters.error.nik".to_string()));
    }
    let resident = crate::residents::operations::by_nik(store, &nik);
    let subject = match &resident {
        Some(r) => subject_of(store, r, today(config)),
        None => typed_subject(&input.subject, &nik, &mut errors),
    };
    let values = check_values(store, &template.fields, &input.values, &mut errors);
    let phone = input.phone.trim().to_string();
    if !phone.is_empty() && !looks_like_phone(&phone) {
        errors.push(("phone".to_string(), "letters.error.phone".to_string()));
    }
    if input.form_token.trim().len() < 8 {
        errors.push(("form_token".to_string(), "letters.error.form".to_string()));
    }
    if !errors.is_empty() {
        return Err(LetterError::Invalid(errors));
    }
    let now = Utc::now();
    let state = if kind.rt_rw_approval { State::AwaitingRtRw } else { State::Submitted };
    let phone =
        if phone.is_empty() { resident.as_ref().and_then(|r| r.phone.clone()).unwrap_or_default() } else { phone };
    Ok(LetterRequest {
        id: crate::residents::operations::new_id("srt"),
        tracking_code: String::new(),
        type_code: kind.code.clone(),
        template_version: template.version,
        channel,
        nik,
        resident_id: resident.as_ref().map(|r| r.id.clone()),
        subject,
        in_register: resident.is_some(),
        values,
        phone,
        attachments: input.attachments.clone(),
        state,
        steps: vec![Step { state, at: now, by: String::new(), note: String::new() }],
        form_token: input.form_token.trim().to_string(),
        created: now,
        created_by: String::new(),
        letter_number: None,
    })
}

/// Records a request. A second submit of the same form (same `form_token`)
/// returns the first request and writes nothing.
pub fn submit(
    store: &Store,
    actor: &str,
    channel: Channel,
    input: RequestInput,
    config: &Config,
) -> Result<LetterRequest> {
    if let Some(existing) = by_form_token(store, &input.form_token) {
        return Ok(existing);
    }
    let mut request = prepare(store, channel, &input, config)?;
    request.created_by = actor.to_string();
    request.steps[0].by = actor.to_string();
    // A tracking code is random; the unique index refuses the rare repeat.
    for _ in 0..5 {
        request.tracking_code = new_tracking_code();
        match store.commit(actor, vec![Change::put(&request)?], Durability::Durable) {
            Ok(_) => return Ok(request),
            Err(StoreError::Unique { .. }) => {
                if let Some(existing) = by_form_token(store, &request.form_token) {
                    return Ok(existing);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(LetterError::Store(StoreError::Engine("no free tracking code after 5 tries".into())))
}

fn by_form_token(store: &Store, token: &str) -> Option<LetterRequest> {
    if token.trim().is_empty() {
        return None;
    }
    store.find_by::<LetterRequest>("form", token.trim()).ok()?.into_iter().next()
}

fn looks_like_phone(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| !matches!(c, ' ' | '-' | '+')).collect();
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn typed_subject(
    typed: &BTreeMap<String, String>,
    nik: &str,
    errors: &mut Vec<(String, String)>,
) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = typed
        .iter()
        .filter(|(k, _)| templates::SUBJECT_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    m.insert("nik".into(), nik.to_string());
    for required in ["nama", "alamat"] {
        if m.get(required).is_none_or(|v| v.is_empty()) {
            errors.push((format!("subject_{required}"), "letters.error.not_in_register".to_string()));
        }
    }
    if let (Some(place), Some(date)) = (m.get("tempat_lahir").cloned(), m.get("tanggal_lahir").cloned()) {
        m.insert("ttl".into(), format!("{place}, {date}"));
    }
    m
}

fn check_values(
    store: &Store,
    fields: &[FieldSpec],
    given: &BTreeMap<String, String>,
    errors: &mut Vec<(String, String)>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in fields {
        let value = given.get(&f.name).map(|v| v.trim().to_string()).unwrap_or_default();
        if value.is_empty() {
            if f.required {
                errors.push((f.name.clone(), "letters.error.required".into()));
            }
            continue;
        }
        if value.chars().count() > 2000 {
            errors.push((f.name.clone(), "letters.error.too_long".into()));
            continue;
        }
        let problem = match &f.kind {
            FieldKind::Date => NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_err().then_some("letters.error.date"),
            FieldKind::Number => {
                let digits = value.replace(['.', ','], "");
                (digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit())).then_some("letters.error.number")
            }
            FieldKind::Choice(options) => (!options.contains(&value)).then_some("letters.error.choice"),
            FieldKind::Person => {
                crate::residents::operations::by_nik(store, &value).is_none().then_some("letters.error.person")
            }
            FieldKind::Text | FieldKind::Paragraph => None,
        };
        match problem {
            Some(key) => errors.push((f.name.clone(), key.into())),
            None => {
                out.insert(f.name.clone(), value);
            }
        }
    }
    out
}

const TRACKING_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn new_tracking_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..8).map(|_| TRACKING_ALPHABET[rng.random_range(0..TRACKING_ALPHABET.len())] as char).collect()
}

/// Residents type codes in any case, with spaces or a dash.
pub fn normalise_tracking(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).take(16).collect()
}

/// Moves a request one step, checking where it may come from.
fn step(store: &Store, actor: &str, id: &str, from: &[State], to: State, note: &str) -> Result<LetterRequest> {
    let mut r = get(store, id).ok_or(LetterError::NotFound)?;
    if !from.contains(&r.state) {
        return Err(LetterError::WrongState(r.state));
    }
    r.state = to;
    r.steps.push(Step { state: to, at: Utc::now(), by: actor.to_string(), note: note.trim().to_string() });
    store.commit(actor, vec![Change::put(&r)?.with_detail(to.code())], Durability::Durable)?;
    Ok(r)
}

/// The RT/RW approved (their name is recorded).
pub fn approve_rt_rw(store: &Store, actor: &str, id: &str, official: &str) -> Result<LetterRequest> {
    if official.trim().is_empty() {
        return Err(invalid("official", "letters.error.official"));
    }
    step(store, actor, id, &[State::AwaitingRtRw], State::Submitted, official)
}

pub fn verify(store: &Store, actor: &str, id: &str) -> Result<LetterRequest> {
    step(store, actor, id, &[State::Submitted], State::Verified, "")
}

/// Rejects with a reason the resident sees, and tells them by SMS.
pub fn reject(store: &Store, actor: &str, id: &str, reason: &str) -> Result<LetterRequest> {
    if reason.trim().chars().count() < 5 {
        return Err(invalid("reason", "letters.error.reason"));
    }
    let r = step(store, actor, id, &[State::AwaitingRtRw, State::Submitted, State::Verified], State::Rejected, reason)?;
    super::notify::rejected(store, actor, &r);
    Ok(r)
}

/// Picked up at the office (`diambil`) or delivered (`diantar`).
pub fn hand_over(store: &Store, actor: &str, id: &str, how: &str) -> Result<LetterRequest> {
    if !matches!(how, "diambil" | "diantar") {
        return Err(invalid("how", "letters.error.how"));
    }
    step(store, actor, id, &[State::Signed], State::HandedOver, how)
}

/// The resident downloaded the letter: the first download hands it over.
pub fn note_download(store: &Store, actor: &str, id: &str) -> Result<()> {
    match step(store, actor, id, &[State::Signed], State::HandedOver, "diunduh") {
        Ok(_) | Err(LetterError::WrongState(_)) => {}
        Err(e) => return Err(e),
    }
    store.commit(actor, vec![Change::note(IssuedLetter::TABLE, id, Op::Export)], Durability::Lazy)?;
    Ok(())
}

/// The person who signs and how the signature block reads.
pub struct SignerInfo {
    pub username: String,
    pub full_name: String,
}

/// Signs a verified request: takes the next number of its sequence under the
/// store's writer lock, fills the template version the request was made with,
/// seals the content, and tells the resident by SMS. Returns the signed
/// request; the letter is `issued(store, id)`.
pub fn sign(store: &Store, config: &Config, key: &LetterKey, signer: &SignerInfo, id: &str) -> Result<LetterRequest> {
    let profile = crate::village::operations::profile(store);
    let logo = keep_logo(config);
    let date = today(config);
    let (_, request) = store.commit_with(&signer.username, Durability::Durable, |view: &Store| {
        let mut r = get(view, id).ok_or(LetterError::NotFound)?;
        if r.state != State::Verified {
            return Err(LetterError::WrongState(r.state));
        }
        let kind = letter_type(view, &r.type_code).ok_or(LetterError::NotFound)?;
        let template = template(view, &r.type_code, r.template_version).ok_or(LetterError::NotFound)?;
        let counter_id = numbering::counter_id(&config.letters.number_format, &kind.kka, date);
        let last = view.get::<NumberCounter>(&counter_id)?.map_or(0, |c| c.last);
        let number = numbering::format_number(
            &config.letters.number_format,
            &kind.kka,
            last + 1,
            config.letters.number_digits,
            &profile.code,
            date,
        );
        let mut letter = issue(view, config, key, &profile, &r, &template, signer, &number, date);
        letter.logo = logo.clone();
        r.state = State::Signed;
        r.letter_number = Some(number.clone());
        r.steps.push(Step { state: State::Signed, at: letter.signed_at, by: signer.username.clone(), note: number });
        let changes = vec![
            Change::put(&NumberCounter { id: counter_id, last: last + 1 })?,
            Change::put(&r)?.with_detail("signed"),
            Change::put(&letter)?,
        ];
        Ok((changes, r))
    })?;
    super::notify::ready(store, &signer.username, &request);
    Ok(request)
}

#[allow(clippy::too_many_arguments)]
fn issue(
    store: &Store,
    config: &Config,
    key: &LetterKey,
    profile: &crate::village::model::Profile,
    r: &LetterRequest,
    template: &Template,
    signer: &SignerInfo,
    number: &str,
    date: NaiveDate,
) -> IssuedLetter {
    let values = fill_values(store, profile, r, template, date);
    let body = templates::fill(&template.body, &values);
    let title = template.title.to_uppercase();
    let blocks = templates::blocks(&body);
    let hash = seal::content_hash(&templates::canonical_text(&title, number, &blocks));
    let payload = Payload {
        number: number.to_string(),
        nik: r.nik.clone(),
        type_code: r.type_code.clone(),
        date,
        content_hash: hash,
        key_id: key.key_id(),
    };
    let position = if signer.full_name.trim().eq_ignore_ascii_case(profile.kepala_desa.trim()) {
        format!("Kepala Desa {}", profile.name)
    } else {
        format!("a.n. Kepala Desa {}", profile.name)
    };
    IssuedLetter {
        request_id: r.id.clone(),
        number: number.to_string(),
        type_code: r.type_code.clone(),
        template_version: r.template_version,
        nik: r.nik.clone(),
        name: r.subject.get("nama").cloned().unwrap_or_default(),
        date,
        title,
        body,
        letterhead: letterhead_lines(profile),
        address: letterhead_address(profile),
        logo: None,
        place_date: format!("{}, {}", profile.name, long_date(date)),
        signer_position: position,
        signer_name: signer.full_name.clone(),
        signer_user: signer.username.clone(),
        paper: config.letters.paper.clone(),
        sealed: seal::seal(&payload, key),
        content_hash: hex::encode(hash),
        signed_at: Utc::now(),
        revoked: None,
    }
}

fn fill_values(
    store: &Store,
    profile: &crate::village::model::Profile,
    r: &LetterRequest,
    template: &Template,
    date: NaiveDate,
) -> BTreeMap<String, String> {
    let mut values = r.subject.clone();
    values.insert("desa".into(), profile.name.clone());
    values.insert("kecamatan".into(), profile.kecamatan.clone());
    values.insert("kabupaten".into(), kabupaten_with_prefix(&profile.kabupaten));
    values.insert("provinsi".into(), profile.provinsi.clone());
    values.insert("kepala_desa".into(), profile.kepala_desa.clone());
    values.insert("tanggal_surat".into(), long_date(date));
    for f in &template.fields {
        let Some(v) = r.values.get(&f.name) else { continue };
        match f.kind {
            FieldKind::Person => {
                if let Some(p) = crate::residents::operations::by_nik(store, v) {
                    for (k, pv) in subject_of(store, &p, date) {
                        values.insert(format!("{}.{k}", f.name), pv);
                    }
                }
            }
            FieldKind::Date => {
                let shown = NaiveDate::parse_from_str(v, "%Y-%m-%d").map(long_date).unwrap_or_else(|_| v.clone());
                values.insert(f.name.clone(), shown);
            }
            _ => {
                values.insert(f.name.clone(), v.clone());
            }
        }
    }
    values
}

/// "Kabupaten Klaten" or "Kota Surakarta", whichever way the profile has it.
fn kabupaten_with_prefix(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    if name.trim().is_empty()
        || lower.starts_with("kabupaten")
        || lower.starts_with("kota")
        || lower.starts_with("kab.")
    {
        name.trim().to_string()
    } else {
        format!("Kabupaten {}", name.trim())
    }
}

fn letterhead_lines(p: &crate::village::model::Profile) -> Vec<String> {
    let mut lines = Vec::new();
    if !p.kabupaten.is_empty() {
        let kab = p.kabupaten.to_uppercase();
        let kab =
            if kab.starts_with("KOTA") || kab.starts_with("KABUPATEN") { kab } else { format!("KABUPATEN {kab}") };
        lines.push(format!("PEMERINTAH {kab}"));
    }
    if !p.kecamatan.is_empty() {
        lines.push(format!("KECAMATAN {}", p.kecamatan.to_uppercase()));
    }
    lines.push(format!("DESA {}", p.name.to_uppercase()));
    lines
}

fn letterhead_address(p: &crate::village::model::Profile) -> String {
    let mut parts = vec![p.address.clone()];
    if !p.phone.is_empty() {
        parts.push(format!("Telp. {}", p.phone));
    }
    if !p.email.is_empty() {
        parts.push(p.email.clone());
    }
    parts.retain(|s| !s.is_empty());
    parts.join(" · ")
}

/// The letter as printed; the same bytes every time it is printed.
pub fn pdf(config: &Config, key: &LetterKey, letter: &IssuedLetter) -> std::result::Result<Vec<u8>, pdf::PdfError> {
    let mut doc = document(config, letter);
    doc.letterhead.logo_png = letter.logo.as_deref().and_then(|sha| std::fs::read(logo_path(config, sha)).ok());
    let bytes = pdf::render(&doc)?;
    Ok(seal::sign_pdf(bytes, key)?)
}

fn logo_path(config: &Config, sha: &str) -> std::path::PathBuf {
    config.data_dir.join("letters").join("logos").join(format!("{sha}.png"))
}

/// Keeps the configured logo under its hash, once; returns the hash letters
/// record. A missing or unreadable file is logged and letters go without.
pub fn keep_logo(config: &Config) -> Option<String> {
    let path = &config.letters.logo_png;
    if path.as_os_str().is_empty() {
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) if b.starts_with(b"\x89PNG") => b,
        Ok(_) => {
            tracing::warn!(path = %path.display(), "[letters] logo_png is not a PNG; letters print without a logo");
            return None;
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "[letters] logo_png cannot be read; letters print without a logo");
            return None;
        }
    };
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let target = logo_path(config, &sha);
    if !target.exists() {
        let written = target.parent().map(std::fs::create_dir_all).transpose().and_then(|_| {
            let tmp = target.with_extension("tmp");
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &target)
        });
        if let Err(e) = written {
            tracing::warn!(error = %e, "cannot keep the letter logo; letters print without a logo");
            return None;
        }
    }
    Some(sha)
}

pub fn document(config: &Config, letter: &IssuedLetter) -> LetterDocument {
    let verify_url = format!("{}/verify", config.letters.public_url.trim_end_matches('/'));
    LetterDocument {
        paper: if letter.paper.eq_ignore_ascii_case("A4") { Paper::A4 } else { Paper::F4 },
        letterhead: Letterhead { logo_png: None, lines: letter.letterhead.clone(), address: letter.address.clone() },
        title: letter.title.clone(),
        number: letter.number.clone(),
        body: templates::blocks(&letter.body),
        signer: Signer {
            place_date: letter.place_date.clone(),
            position: letter.signer_position.clone(),
            name: letter.signer_name.clone(),
            nip: None,
        },
        qr: Some(QrMark {
            text: format!("{verify_url}?c={}", letter.sealed),
            caption: format!("Ditandatangani secara elektronik. Periksa keaslian di {verify_url}"),
        }),
    }
}

/// The edited template filled with a sample resident (the first in the
/// register, or a made-up one), for the editor's preview.
pub fn preview(store: &Store, config: &Config, input: &TemplateInput, fields: &[FieldSpec]) -> balai_ui::LetterPreview {
    let profile = crate::village::operations::profile(store);
    let date = today(config);
    let sample = store.scan::<Resident>().filter_map(|r| r.ok()).next();
    let mut values = match &sample {
        Some(r) => subject_of(store, r, date),
        None => BTreeMap::from([
            ("nama".to_string(), "Contoh Warga".to_string()),
            ("nik".to_string(), "3302010101900001".to_string()),
        ]),
    };
    for f in fields {
        values.insert(f.name.clone(), format!("[{}]", f.label));
    }
    let template = Template {
        id: String::new(),
        type_code: String::new(),
        version: 0,
        title: input.title.clone(),
        fields: Vec::new(),
        body: input.body.clone(),
        created: Utc::now(),
        author: String::new(),
    };
    let request = LetterRequest {
        id: String::new(),
        tracking_code: String::new(),
        type_code: String::new(),
        template_version: 0,
        channel: Channel::Counter,
        nik: values.get("nik").cloned().unwrap_or_default(),
        resident_id: None,
        subject: values,
        in_register: true,
        values: BTreeMap::new(),
        phone: String::new(),
        attachments: Vec::new(),
        state: State::Verified,
        steps: Vec::new(),
        form_token: String::new(),
        created: Utc::now(),
        created_by: String::new(),
        letter_number: None,
    };
    let body = templates::fill(&template.body, &fill_values(store, &profile, &request, &template, date));
    balai_ui::LetterPreview {
        letterhead: letterhead_lines(&profile),
        title: input.title.to_uppercase(),
        number: format!(
            "Nomor: {}",
            numbering::format_number(
                &config.letters.number_format,
                &input.kka,
                1,
                config.letters.number_digits,
                &profile.code,
                date
            )
        ),
        blocks: super::views::preview_blocks(&templates::blocks(&body)),
        signer: vec![
            format!("{}, {}", profile.name, long_date(date)),
            format!("Kepala Desa {}", profile.name),
            profile.kepala_desa.clone(),
        ],
    }
}

pub fn revoke(store: &Store, actor: &str, id: &str, reason: &str) -> Result<IssuedLetter> {
    if reason.trim().chars().count() < 5 {
        return Err(invalid("reason", "letters.error.reason"));
    }
    let mut letter = issued(store, id).ok_or(LetterError::NotFound)?;
    if letter.revoked.is_some() {
        return Err(LetterError::WrongState(State::Signed));
    }
    letter.revoked = Some(Revocation { reason: reason.trim().to_string(), at: Utc::now(), by: actor.to_string() });
    store.commit(
        actor,
        vec![Change::put(&letter)?.with_detail(format!("revoked: {}", reason.trim()))],
        Durability::Durable,
    )?;
    Ok(letter)
}

/// What /verify says about a letter.
#[derive(Debug)]
pub enum Verdict {
    Genuine(IssuedLetter),
    Revoked(IssuedLetter),
    /// Signed by this village's key but the content does not match the record.
    Mismatch,
    /// Not signed by this village's key, or garbled.
    Forged,
    /// No letter with that number.
    Unknown,
}

pub fn verify_sealed(store: &Store, key: &LetterKey, sealed: &str) -> Verdict {
    let Ok(payload) = seal::open(sealed.trim(), &key.public()) else { return Verdict::Forged };
    match issued_by_number(store, &payload.number) {
        None => Verdict::Unknown,
        Some(l) if l.content_hash != hex::encode(payload.content_hash) || l.nik != payload.nik => Verdict::Mismatch,
        Some(l) if l.revoked.is_some() => Verdict::Revoked(l),
        Some(l) => Verdict::Genuine(l),
    }
}

pub fn verify_number(store: &Store, number: &str) -> Verdict {
    match issued_by_number(store, number) {
        None => Verdict::Unknown,
        Some(l) if l.revoked.is_some() => Verdict::Revoked(l),
        Some(l) => Verdict::Genuine(l),
    }
}

// ---- service figures

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeFigures {
    pub type_code: String,
    pub name: String,
    pub signed: usize,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceFigures {
    pub per_type: Vec<TypeFigures>,
    /// Letters signed per day over the last 30 days.
    pub per_day_30: f64,
    /// Requests still needing the office.
    pub backlog: usize,
    /// Signed on the day they were requested (village time), share of all signed.
    pub same_day_share: Option<f64>,
}

pub fn figures(store: &Store, config: &Config, now: DateTime<Utc>) -> ServiceFigures {
    // One pass over the requests, streamed: hours to signature by type.
    let mut hours: std::collections::HashMap<String, Vec<f64>> = std::collections::HashMap::new();
    let (mut backlog, mut same_day, mut signed_total, mut last_30) = (0usize, 0usize, 0usize, 0usize);
    for r in store.scan::<LetterRequest>().filter_map(|r| r.ok()) {
        if r.state.is_open() {
            backlog += 1;
        }
        let Some(signed) = r.step_at(State::Signed) else { continue };
        hours.entry(r.type_code.clone()).or_default().push((signed - r.created).num_seconds() as f64 / 3600.0);
        signed_total += 1;
        if local(config, signed) == local(config, r.created) {
            same_day += 1;
        }
        if now - signed <= chrono::Duration::days(30) {
            last_30 += 1;
        }
    }
    let per_type = types(store)
        .into_iter()
        .map(|kind| {
            let mut h = hours.remove(&kind.code).unwrap_or_default();
            h.sort_by(|a, b| a.total_cmp(b));
            TypeFigures {
                signed: h.len(),
                median_hours: crate::figures::percentile(&h, 50),
                p90_hours: crate::figures::percentile(&h, 90),
                type_code: kind.code,
                name: kind.name,
            }
        })
        .collect();
    ServiceFigures {
        per_type,
        per_day_30: last_30 as f64 / 30.0,
        backlog,
        same_day_share: (signed_total > 0).then(|| same_day as f64 / signed_total as f64),
    }
}

/// The figures as of the store's latest write (recomputed after a change).
pub fn figures_cached(app: &crate::app::App) -> std::sync::Arc<ServiceFigures> {
    let seq = app.store.last_seq().unwrap_or(0);
    let mut cache = app.letter_figures.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((at, f)) = cache.as_ref()
        && *at == seq
    {
        return f.clone();
    }
    let f = std::sync::Arc::new(figures(&app.store, &app.config, Utc::now()));
    *cache = Some((seq, f.clone()));
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_names_the_dusun_once() {
        assert_eq!(address_line("Jl. Anggrek 6", "003", "001", "Ngasem"), "Jl. Anggrek 6, RT 003 RW 001, Dusun Ngasem");
        assert_eq!(address_line("Dusun Sidomulyo", "014", "004", "Dusun Sidomulyo"), "RT 014 RW 004, Dusun Sidomulyo");
        assert_eq!(address_line("Sidomulyo", "014", "004", "Sidomulyo"), "RT 014 RW 004, Dusun Sidomulyo");
    }

    #[test]
    fn the_inbox_pages_a_state_newest_first_and_the_figures_count_the_signed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        seed(&store).unwrap();
        let config = Config::default();
        let ids: Vec<String> = (0..3)
            .map(|i| {
                let input = RequestInput {
                    type_code: "domisili".into(),
                    nik: format!("330201120190000{i}"),
                    subject: BTreeMap::from([
                        ("nama".into(), format!("Tamu {i}")),
                        ("alamat".into(), "Jl. Jauh".into()),
                    ]),
                    values: BTreeMap::from([("keperluan".into(), "bank".into())]),
                    form_token: format!("form-token-{i}"),
                    ..RequestInput::default()
                };
                std::thread::sleep(std::time::Duration::from_millis(2));
                submit(&store, "t", Channel::Counter, input, &config).unwrap().id
            })
            .collect();
        verify(&store, "t", &ids[2]).unwrap();
        let (page, total) = in_state(&store, State::Submitted, 1);
        assert_eq!(total, 2);
        assert_eq!(page.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![ids[1].as_str()]);
        assert_eq!(in_state(&store, State::Verified, 10).1, 1);
        let signer = SignerInfo { username: "kades".into(), full_name: "Kades".into() };
        let key = LetterKey::load_or_create(&dir.path().join("keys")).unwrap();
        sign(&store, &config, &key, &signer, &ids[2]).unwrap();
        let f = figures(&store, &config, Utc::now());
        assert_eq!(f.backlog, 2);
        let domisili = f.per_type.iter().find(|t| t.type_code == "domisili").unwrap();
        assert_eq!(domisili.signed, 1);
        assert!(domisili.median_hours.is_some_and(|h| h < 1.0));
        assert_eq!(f.same_day_share, Some(1.0));
        assert!(f.per_type.iter().filter(|t| t.type_code != "domisili").all(|t| t.signed == 0));
    }
}
