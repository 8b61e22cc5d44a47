//! The register's pages: list and search, a resident's full record (audited),
//! the add/edit form with NIK warnings to acknowledge, life events, families,
//! OpenSID import/export, the subject-access report and duplicate-NIK cases.

use super::import::{self, ImportLimits, RowError};
use super::model::{EventKind, Resident, Warning};
use super::operations::{self as ops, RegisterError};
use super::{export, stats, views};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm, csrf_ok, identity_of, see_other};
use crate::http::pages::{self, html, local_time, ok, shell};
use crate::http::registry::{Endpoint, get, post};
use crate::store::Record;
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{
    FamilyDetailProps, FamilyMember, FieldMessage, HistoryEntry, ImportProps, KkChangeForm, KkHistoryEntry, Lang,
    LifeEventForm, Pagination, ResidentDetailProps, ResidentFormProps, ResidentListProps, SearchFamily, SearchProps,
    SearchResident, SubjectAccessProps, t,
};
use serde::Deserialize;
use std::collections::HashMap;

pub fn endpoints() -> Vec<Endpoint> {
    let mut list = vec![
        get("/residents", web::get().to(list)),
        get("/residents/new", web::get().to(new_form)),
        post("/residents", web::post().to(create)),
        get("/residents/import", web::get().to(import_page)),
        post("/residents/import", web::post().to(import_upload)),
        get("/residents/import/template.csv", web::get().to(template)),
        get("/residents/export", web::get().to(export_file)),
        get("/residents/{id}", web::get().to(detail)),
        get("/residents/{id}/edit", web::get().to(edit_form)),
        post("/residents/{id}", web::post().to(update)),
        post("/residents/{id}/events", web::post().to(record_event)),
        get("/residents/{id}/access-report", web::get().to(access_report)),
        get("/families/{id}", web::get().to(family)),
        post("/families/{id}/kk", web::post().to(change_kk)),
        get("/search", web::get().to(search)),
        get("/me", web::get().to(me)),
        get("/duplicates", web::get().to(duplicates)),
        post("/duplicates", web::post().to(open_duplicate)),
        post("/duplicates/{id}/resolve", web::post().to(resolve_duplicate)),
    ];
    list.extend(stats::endpoints());
    list.extend(super::api::endpoints());
    list
}

const PAGE: usize = 25;

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    dusun: String,
    #[serde(default)]
    page: u32,
}

async fn list(req: HttpRequest, app: web::Data<App>, q: web::Query<ListQuery>) -> HttpResponse {
    let lang = pages::lang(&req);
    let identity = identity_of(&req);
    let full = views::sees_full_nik(identity.as_ref());
    let page = q.page.max(1);
    let (residents, total) = if q.q.trim().is_empty() {
        let dusun = Some(q.dusun.as_str()).filter(|d| !d.is_empty());
        ops::page(&app.store, dusun, (page as usize - 1) * PAGE, PAGE)
    } else {
        let hits = app.search_residents(&q.q, 200);
        let total = hits.len();
        (hits.into_iter().skip((page as usize - 1) * PAGE).take(PAGE).collect(), total)
    };
    let rows = residents.iter().map(|r| views::row(r, &kk_of(&app, r), lang, full)).collect();
    let role = identity.as_ref().map(|i| i.role);
    let allowed = |path| crate::auth::policy::find("GET", path).is_some_and(|r| r.access.allows(role));
    let props = ResidentListProps {
        shell: shell(&req),
        q: q.q.clone(),
        dusun: q.dusun.clone(),
        dusun_options: stats::dusun_names(&app).into_iter().map(|d| (d.clone(), d)).collect(),
        rows,
        page: Pagination { page, total_pages: total.div_ceil(PAGE).max(1) as u32, total_items: total as u64 },
        show_full_nik: full,
        can_create: allowed("/residents/new"),
        can_import: allowed("/residents/import"),
        can_export: allowed("/residents/export"),
    };
    ok(balai_ui::render_resident_list(props))
}

fn kk_of(app: &App, r: &Resident) -> String {
    views::kk_of(r.family_id.as_deref().and_then(|f| ops::family(&app.store, f)).as_ref())
}

fn form_props(req: &HttpRequest, app: &App, id: Option<String>) -> ResidentFormProps {
    ResidentFormProps {
        shell: shell(req),
        id,
        options: views::code_tables(pages::lang(req), &stats::dusun_names(app)),
        ..Default::default()
    }
}

async fn new_form(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    ok(balai_ui::render_resident_form(form_props(&req, &app, None)))
}

async fn edit_form(req: HttpRequest, app: web::Data<App>, path: web::Path<String>) -> HttpResponse {
    let Some(r) = ops::get(&app.store, &path) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let mut props = form_props(&req, &app, Some(r.id.clone()));
    props.values = views::form_fields(&r, &kk_of(&app, &r));
    ok(balai_ui::render_resident_form(props))
}

async fn create(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let input = views::input_from_form(&form.data);
    let result = web::block({
        let app = app.clone();
        let who = actor.0.username.clone();
        move || ops::create(&app.store, &who, &input)
    })
    .await;
    finish_save(&req, &app, None, &form.data, result)
}

async fn update(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let input = views::input_from_form(&form.data);
    let id = path.into_inner();
    let result = web::block({
        let (app, who, id) = (app.clone(), actor.0.username.clone(), id.clone());
        move || ops::update(&app.store, &who, &id, &input)
    })
    .await;
    finish_save(&req, &app, Some(id), &form.data, result)
}

/// After a save: on success go to the record; otherwise show the form again
/// with every error or warning beside its field and nothing written.
fn finish_save(
    req: &HttpRequest,
    app: &App,
    id: Option<String>,
    form: &HashMap<String, String>,
    result: Result<Result<Resident, RegisterError>, actix_web::error::BlockingError>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let mut props = form_props(req, app, id);
    props.values = views::fields_from_form(form);
    props.ack_reason = form.get("ack_reason").cloned().unwrap_or_default();
    props.ack_warnings = form.contains_key("ack_warnings");
    match result {
        Ok(Ok(r)) => {
            app.index_now();
            return see_other(&format!("/residents/{}", r.id));
        }
        Ok(Err(RegisterError::Invalid(errors))) => {
            props.errors =
                errors.iter().map(|e| (e.field.to_string(), views::message(lang, e.key, &e.detail))).collect();
        }
        Ok(Err(RegisterError::NeedsAck(warnings))) => props.warnings = warning_messages(lang, &warnings),
        Ok(Err(RegisterError::DuplicateNik(holder))) => {
            props.errors = vec![("nik".into(), views::message(lang, "residents.nik.duplicate", &holder))];
            let role = identity_of(req).map(|i| i.role);
            props.offer_duplicate_case =
                crate::auth::policy::find("POST", "/duplicates").is_some_and(|r| r.access.allows(role));
        }
        Ok(Err(RegisterError::DuplicateKk(kk))) => {
            props.errors = vec![("no_kk".into(), views::message(lang, "residents.kk.duplicate", &kk))];
        }
        Ok(Err(RegisterError::NotFound)) => return pages::error_page(req, 404, "error.not_found"),
        _ => return pages::error_page(req, 500, "error.internal"),
    }
    html(422, balai_ui::render_resident_form(props))
}

fn warning_messages(lang: Lang, warnings: &[Warning]) -> Vec<FieldMessage> {
    warnings.iter().map(|w| (w.field.to_string(), views::message(lang, w.key, &w.detail))).collect()
}

/// Life events (dated when they happened) followed by the record's changes.
fn timeline(req: &HttpRequest, app: &App, r: &Resident, lang: Lang) -> Vec<HistoryEntry> {
    let mut out = life_events(app, r, lang);
    out.extend(history(req, app, &r.id, false));
    out
}

fn life_events(app: &App, r: &Resident, lang: Lang) -> Vec<HistoryEntry> {
    ops::events_of(&app.store, &r.id)
        .into_iter()
        .map(|e| HistoryEntry {
            time: e.date.format("%d-%m-%Y").to_string(),
            actor: String::new(),
            label: t(lang, e.kind.key()),
            detail: event_detail(&e),
        })
        .collect()
}

fn event_detail(e: &super::model::LifeEvent) -> String {
    let mut parts: Vec<String> = e.changes.iter().map(|(k, (a, b))| format!("{k}: {a} → {b}")).collect();
    if !e.note.is_empty() {
        parts.push(e.note.clone());
    }
    parts.join("; ")
}

/// The change-log entries about a resident: who created, changed or (with
/// `views`) looked at the record, and when.
fn history(req: &HttpRequest, app: &App, id: &str, views: bool) -> Vec<HistoryEntry> {
    let lang = pages::lang(req);
    let mut entries = app.store.log_for(Resident::TABLE, id).unwrap_or_default();
    entries.reverse();
    entries
        .into_iter()
        .filter(|e| views || e.op != crate::store::Op::View)
        .take(500)
        .map(|e| HistoryEntry {
            time: local_time(req, e.time),
            actor: e.actor.clone(),
            label: t(lang, &format!("audit.op.{}", format!("{:?}", e.op).to_lowercase())),
            detail: e.detail.clone(),
        })
        .collect()
}

async fn detail(req: HttpRequest, app: web::Data<App>, actor: Actor, path: web::Path<String>) -> HttpResponse {
    let Some(r) = ops::get(&app.store, &path) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    if ops::note_view(&app.store, &actor.0.username, &r.id, "full record").is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    detail_page(&req, &app, &actor, r, LifeEventForm::default(), 200)
}

fn detail_page(
    req: &HttpRequest,
    app: &App,
    actor: &Actor,
    r: Resident,
    form: LifeEventForm,
    status: u16,
) -> HttpResponse {
    html(status, balai_ui::render_resident_detail(detail_props(req, app, actor, r, form)))
}

/// The resident page's props (also for the e-KTP card form's errors, in auth::kiosk).
pub(crate) fn detail_props(
    req: &HttpRequest,
    app: &App,
    actor: &Actor,
    r: Resident,
    form: LifeEventForm,
) -> ResidentDetailProps {
    let lang = pages::lang(req);
    let full = views::sees_full_nik(Some(&actor.0));
    let role = Some(actor.0.role);
    let allowed = |m, p| crate::auth::policy::find(m, p).is_some_and(|rule| rule.access.allows(role));
    ResidentDetailProps {
        shell: shell(req),
        id: r.id.clone(),
        fields: views::display_fields(&r, &kk_of(app, &r), lang, full),
        family_id: r.family_id.clone(),
        timeline: timeline(req, app, &r, lang),
        show_full_nik: full,
        can_edit: allowed("GET", "/residents/{id}/edit"),
        can_record_event: allowed("POST", "/residents/{id}/events"),
        can_print_report: allowed("GET", "/residents/{id}/access-report"),
        event_form: form,
        card: card_section(req, app, &r.id, allowed("POST", "/residents/{id}/card")),
    }
}

fn card_section(req: &HttpRequest, app: &App, resident_id: &str, can_register: bool) -> balai_ui::KtpCardSection {
    let cards = crate::auth::operations::cards_of(&app.store, resident_id)
        .into_iter()
        .map(|c| balai_ui::KtpCardRow { uid: c.uid, registered: local_time(req, c.registered), by: c.by })
        .collect();
    balai_ui::KtpCardSection { cards, can_register, ..Default::default() }
}

#[derive(Deserialize)]
struct EventForm {
    event: String,
    date: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    target_family: String,
}

fn event_kind(code: &str) -> Option<EventKind> {
    Some(match code {
        "lahir" => EventKind::Lahir,
        "mati" => EventKind::Mati,
        "pindah_masuk" => EventKind::PindahMasuk,
        "pindah_keluar" => EventKind::PindahKeluar,
        "pindah_keluarga" => EventKind::PindahKeluarga,
        "koreksi" => EventKind::Koreksi,
        _ => return None,
    })
}

async fn record_event(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    form: CsrfForm<EventForm>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let f = form.data;
    let mut errors = Vec::new();
    let kind = event_kind(&f.event);
    if kind.is_none() {
        errors.push(("event".to_string(), t(lang, "residents.event.unknown")));
    }
    let date = super::model::parse_date(&f.date).filter(|d| *d <= super::model::today());
    if date.is_none() {
        errors.push(("date".to_string(), t(lang, "residents.event.date")));
    }
    let result = match (kind, date) {
        (Some(kind), Some(date)) => {
            let target = Some(f.target_family.trim()).filter(|s| !s.is_empty());
            ops::record_event(&app.store, &actor.0.username, &path, kind, date, &f.note, target)
        }
        _ => Err(RegisterError::Invalid(vec![])),
    };
    match result {
        Ok(_) => {
            app.index_now();
            see_other(&format!("/residents/{}", path.as_str()))
        }
        Err(RegisterError::NotFound) => pages::error_page(&req, 404, "error.not_found"),
        Err(RegisterError::Invalid(more)) => {
            errors.extend(more.iter().map(|e| (e.field.to_string(), views::message(lang, e.key, &e.detail))));
            let Some(r) = ops::get(&app.store, &path) else {
                return pages::error_page(&req, 404, "error.not_found");
            };
            let form =
                LifeEventForm { event: f.event, date: f.date, note: f.note, target_family: f.target_family, errors };
            detail_page(&req, &app, &actor, r, form, 422)
        }
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn family(req: HttpRequest, app: web::Data<App>, actor: Actor, path: web::Path<String>) -> HttpResponse {
    family_page(&req, &app, &actor, &path, KkChangeForm::default())
}

fn family_page(req: &HttpRequest, app: &App, actor: &Actor, id: &str, kk_form: KkChangeForm) -> HttpResponse {
    let req = req.clone();
    let lang = pages::lang(&req);
    let Some(f) = ops::family(&app.store, id) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let status = if kk_form.errors.is_empty() { 200 } else { 422 };
    let can_change_kk =
        crate::auth::policy::find("POST", "/families/{id}/kk").is_some_and(|r| r.access.allows(Some(actor.0.role)));
    let full = views::sees_full_nik(Some(&actor.0));
    let members = ops::members(&app.store, &f.id);
    let head = f.head_id.as_deref().and_then(|h| members.iter().find(|m| m.id == h));
    let today = super::model::today();
    let props = FamilyDetailProps {
        shell: shell(&req),
        id: f.id.clone(),
        no_kk: f.kk_number.clone(),
        kk_history: f
            .kk_history
            .iter()
            .map(|h| KkHistoryEntry {
                number: h.number.clone(),
                from_date: h.from.format("%d-%m-%Y").to_string(),
                reason: h.reason.clone(),
            })
            .collect(),
        head_name: head.map(|h| h.name.clone()).unwrap_or_default(),
        head_id: f.head_id.clone(),
        address: f.address.clone(),
        dusun: f.dusun.clone(),
        rt: f.rt.clone(),
        rw: f.rw.clone(),
        members: members
            .iter()
            .map(|m| FamilyMember {
                id: m.id.clone(),
                nik: if full { m.nik.clone() } else { balai_ui::mask_nik(&m.nik) },
                name: m.name.clone(),
                relation_label: views::label(super::codes::Table::KkLevel, m.family_relation, lang),
                sex_label: views::label(super::codes::Table::Sex, m.sex, lang),
                age: views::age(m.birth_date, today).to_string(),
            })
            .collect(),
        show_full_nik: full,
        can_change_kk,
        kk_form,
    };
    html(status, balai_ui::render_family_detail(props))
}

#[derive(Deserialize)]
struct KkForm {
    no_kk: String,
    from: String,
    reason: String,
}

/// A new No. KK for the family (pecah KK, a move, a new head); the old number
/// stays in its history.
async fn change_kk(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    form: CsrfForm<KkForm>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let f = form.data;
    let mut errors: Vec<FieldMessage> = Vec::new();
    let from = super::model::parse_date(&f.from).filter(|d| *d <= super::model::today());
    if from.is_none() {
        errors.push(("from".into(), t(lang, "residents.event.date")));
    }
    if f.reason.trim().is_empty() {
        errors.push(("reason".into(), t(lang, "msg.required")));
    }
    let result = match from {
        Some(from) if errors.is_empty() => {
            ops::change_kk(&app.store, &actor.0.username, &path, &f.no_kk, from, f.reason.trim())
        }
        _ => Err(RegisterError::Invalid(vec![])),
    };
    match result {
        Ok(_) => {
            app.index_now();
            see_other(&format!("/families/{}", path.as_str()))
        }
        Err(RegisterError::NotFound) => pages::error_page(&req, 404, "error.not_found"),
        Err(e) => {
            match e {
                RegisterError::Invalid(more) => {
                    errors.extend(more.iter().map(|e| (e.field.to_string(), views::message(lang, e.key, &e.detail))))
                }
                RegisterError::DuplicateKk(kk) => {
                    errors.push(("no_kk".into(), views::message(lang, "residents.kk.duplicate", &kk)))
                }
                _ => return pages::error_page(&req, 500, "error.internal"),
            }
            let form = KkChangeForm { no_kk: f.no_kk, from: f.from, reason: f.reason, errors };
            family_page(&req, &app, &actor, &path, form)
        }
    }
}

async fn import_page(req: HttpRequest) -> HttpResponse {
    ok(balai_ui::render_import(import_props(&req)))
}

fn import_props(req: &HttpRequest) -> ImportProps {
    ImportProps {
        shell: shell(req),
        columns: import::COLUMNS.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

async fn template() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"format-impor-penduduk.csv\""))
        .body(export::template_csv())
}

/// The upload is read whole (bounded by the configured limit), its CSRF field
/// checked, its content sniffed (an XLSX is a zip; anything else is read as
/// CSV), and written all-or-nothing.
async fn import_upload(req: HttpRequest, app: web::Data<App>, actor: Actor, payload: web::Payload) -> HttpResponse {
    let lang = pages::lang(&req);
    let limit = app.config.limits.upload_bytes;
    let body = match super::upload::read_limited(payload, limit).await {
        Ok(body) => body,
        Err(_) => {
            let mut resp = import_result(
                &req,
                lang,
                Err(vec![RowError {
                    row: 0,
                    column: "file".into(),
                    key: "residents.import.too_large",
                    detail: limit.to_string(),
                }]),
            );
            *resp.status_mut() = actix_web::http::StatusCode::PAYLOAD_TOO_LARGE;
            return resp;
        }
    };
    let Some((csrf, file)) = super::upload::multipart_file(&req, &body) else {
        return import_result(
            &req,
            lang,
            Err(vec![RowError {
                row: 0,
                column: "file".into(),
                key: "residents.import.no_file",
                detail: String::new(),
            }]),
        );
    };
    if !csrf_ok(&req, &csrf) {
        return pages::error_page(&req, 403, "error.csrf");
    }
    let limits = ImportLimits { max_bytes: app.config.limits.upload_bytes, ..ImportLimits::default() };
    let who = actor.0.username.clone();
    let app2 = app.clone();
    let result = web::block(move || {
        let plan = if file.starts_with(b"PK\x03\x04") {
            import::parse_xlsx_with(&file, &limits)
        } else {
            import::parse_csv_with(&file, &limits)
        }?;
        ops::import(&app2.store, &who, plan)
    })
    .await;
    match result {
        Ok(r) => {
            app.index_now();
            import_result(&req, lang, r)
        }
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn import_result(req: &HttpRequest, lang: Lang, result: Result<ops::ImportSummary, Vec<RowError>>) -> HttpResponse {
    let mut props = import_props(req);
    let status = match result {
        Ok(s) => {
            props.summary = Some(balai_ui::ImportSummary {
                residents_created: s.residents_created as u64,
                residents_updated: s.residents_updated as u64,
                families_created: s.families_created as u64,
                families_updated: s.families_updated as u64,
            });
            200
        }
        Err(errors) => {
            props.errors = errors
                .iter()
                .map(|e| balai_ui::ImportError {
                    row: e.row as u64,
                    column: e.column.clone(),
                    reason: views::message(lang, e.key, &e.detail),
                })
                .collect();
            422
        }
    };
    html(status, balai_ui::render_import(props))
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: String,
}

async fn export_file(req: HttpRequest, app: web::Data<App>, actor: Actor, q: web::Query<ExportQuery>) -> HttpResponse {
    let (residents, families) = ops::export_rows(&app.store);
    let note = crate::store::Change::note("resident", "*", crate::store::Op::Export).with_detail(format!(
        "export {} residents as {}",
        residents.len(),
        q.format
    ));
    if app.store.commit(&actor.0.username, vec![note], crate::store::Durability::Durable).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let date = super::model::today().format("%Y%m%d");
    match q.format.as_str() {
        "xlsx" => match export::to_xlsx(&residents, &families) {
            Ok(bytes) => HttpResponse::Ok()
                .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .insert_header(("Content-Disposition", format!("attachment; filename=\"penduduk-{date}.xlsx\"")))
                .body(bytes),
            Err(_) => pages::error_page(&req, 500, "error.internal"),
        },
        _ => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", format!("attachment; filename=\"penduduk-{date}.csv\"")))
            .body(export::to_csv(&residents, &families)),
    }
}

async fn access_report(req: HttpRequest, app: web::Data<App>, actor: Actor, path: web::Path<String>) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(r) = ops::get(&app.store, &path) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let note = crate::store::Change::note("resident", &r.id, crate::store::Op::Export)
        .with_detail("subject-access report printed");
    if app.store.commit(&actor.0.username, vec![note], crate::store::Durability::Durable).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let mut history = history(&req, &app, &r.id, true);
    history.extend(life_events(&app, &r, lang));
    let props = SubjectAccessProps {
        shell: shell(&req),
        generated_at: local_time(&req, chrono::Utc::now()),
        generated_by: actor.0.full_name.clone(),
        profile: crate::village::operations::profile(&app.store).to_view(),
        resident: views::display_fields(&r, &kk_of(&app, &r), lang, true),
        history,
    };
    ok(balai_ui::render_subject_access(props))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(req: HttpRequest, app: web::Data<App>, q: web::Query<SearchQuery>) -> HttpResponse {
    let full = views::sees_full_nik(identity_of(&req).as_ref());
    let hits = app.search(&q.q, 50);
    let mut residents = Vec::new();
    let mut families = Vec::new();
    for h in hits {
        match h.doc.kind {
            crate::search::DocKind::Resident => residents.push(SearchResident {
                id: h.doc.id,
                name: h.doc.name,
                nik: if full { h.doc.nik } else { balai_ui::mask_nik(&h.doc.nik) },
                dusun: h.doc.dusun,
            }),
            crate::search::DocKind::Family => {
                families.push(SearchFamily { id: h.doc.id, no_kk: h.doc.kk, head: h.doc.name })
            }
        }
    }
    ok(balai_ui::render_search_results(SearchProps {
        shell: shell(&req),
        q: q.q.clone(),
        residents,
        families,
        show_full_nik: full,
    }))
}

/// A resident's own record (warga self-service): no one else's.
async fn me(req: HttpRequest, app: web::Data<App>, actor: Actor) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(r) = actor.0.resident_id.as_deref().and_then(|id| ops::get(&app.store, id)) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let _ = ops::note_view(&app.store, &actor.0.username, &r.id, "own record");
    let props = ResidentDetailProps {
        shell: shell(&req),
        id: r.id.clone(),
        fields: views::display_fields(&r, &kk_of(&app, &r), lang, true),
        family_id: None,
        timeline: vec![],
        show_full_nik: true,
        ..Default::default()
    };
    ok(balai_ui::render_resident_detail(props))
}

async fn duplicates(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    ok(balai_ui::render_duplicates(duplicates_props(&req, &app)))
}

fn claim_view(r: &Resident, source: String, app: &App) -> balai_ui::DuplicateClaim {
    balai_ui::DuplicateClaim {
        source,
        name: r.name.clone(),
        birth: format!("{}, {}", r.birth_place, r.birth_date.format("%d-%m-%Y")),
        address: format!("{} RT {} RW {} {}", r.address, r.rt, r.rw, r.dusun),
        family: kk_of(app, r),
        resident_id: (!r.id.is_empty()).then(|| r.id.clone()),
    }
}

fn duplicates_props(req: &HttpRequest, app: &App) -> balai_ui::DuplicatesProps {
    let lang = pages::lang(req);
    let cases = ops::duplicate_cases(&app.store)
        .into_iter()
        .filter_map(|c| {
            let holder = ops::get(&app.store, &c.holder_id)?;
            Some(balai_ui::DuplicateCase {
                id: c.id.clone(),
                nik: c.nik.clone(),
                first: claim_view(&holder, t(lang, "duplicates.source.register"), app),
                second: claim_view(&c.claim, format!("{} ({})", t(lang, "duplicates.source.claim"), c.opened_by), app),
                status_label: c.resolved.clone().unwrap_or_else(|| t(lang, "duplicates.status.open")),
                resolved: c.resolved.is_some(),
            })
        })
        .collect();
    balai_ui::DuplicatesProps { shell: shell(req), cases, choices: balai_ui::default_choices(lang) }
}

/// Opens a case from a refused second claim: the form posts the claim's fields.
async fn open_duplicate(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let input = views::input_from_form(&form.data);
    let claim = match super::model::validate(&input, crate::reference::regions()) {
        Ok((valid, _)) => valid.resident,
        Err(_) => return pages::error_page(&req, 422, "error.400"),
    };
    match ops::open_duplicate_case(&app.store, &actor.0.username, claim) {
        Ok(_) => see_other("/duplicates"),
        Err(RegisterError::NotFound) => pages::error_page(&req, 404, "error.not_found"),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

#[derive(Deserialize)]
struct ResolveForm {
    choice: String,
    #[serde(default)]
    note: String,
}

async fn resolve_duplicate(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    form: CsrfForm<ResolveForm>,
) -> HttpResponse {
    let decision = format!("{}: {}", form.data.choice, form.data.note);
    match ops::resolve_duplicate_case(&app.store, &actor.0.username, &path, &decision) {
        Ok(()) => see_other("/duplicates"),
        Err(RegisterError::NotFound) => pages::error_page(&req, 404, "error.not_found"),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}
