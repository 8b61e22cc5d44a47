//! Letter pages: the resident's requests (`/surat`), public tracking (`/lacak`)
//! and verification (`/verify`), the office inbox and request page
//! (`/letters`), and the template editor (`/letters/types`).

use super::model::*;
use super::operations::{self as ops, LetterError, RequestInput, TemplateInput, Verdict};
use super::{templates, views};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm, csrf_ok, see_other};
use crate::auth::model::{Identity, Role};
use crate::auth::policy;
use crate::http::pages::{self, ok, shell};
use crate::http::registry::{Endpoint, get, post};
use crate::store::{Change, Durability, Op, Record};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{Lang, t};
use std::collections::{BTreeMap, HashMap};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/surat", web::get().to(resident_home)),
        get("/surat/ajukan/{code}", web::get().to(resident_form)),
        post("/surat/ajukan/{code}", web::post().to(resident_submit)),
        get("/surat/{id}", web::get().to(resident_request)),
        get("/surat/{id}/pdf", web::get().to(resident_pdf)),
        get("/lacak", web::get().to(track)),
        get("/verify", web::get().to(verify_page)),
        get("/letters/types", web::get().to(types_admin)),
        get("/letters/types/new", web::get().to(new_type)),
        post("/letters/types", web::post().to(create_type)),
        post("/letters/types/new/preview", web::post().to(preview_new_type)),
        get("/letters/types/{code}", web::get().to(edit_type)),
        post("/letters/types/{code}", web::post().to(save_type)),
        post("/letters/types/{code}/preview", web::post().to(preview_type)),
        get("/letters/new", web::get().to(counter_form)),
        post("/letters/new", web::post().to(counter_submit)),
        get("/letters", web::get().to(inbox)),
        get("/letters/{id}", web::get().to(detail)),
        get("/letters/{id}/pdf", web::get().to(office_pdf)),
        post("/letters/{id}/approve", web::post().to(approve)),
        post("/letters/{id}/verify", web::post().to(verify)),
        post("/letters/{id}/reject", web::post().to(reject)),
        post("/letters/{id}/sign", web::post().to(sign)),
        post("/letters/{id}/handover", web::post().to(hand_over)),
        post("/letters/{id}/revoke", web::post().to(revoke)),
    ]
}

fn type_name(app: &App, code: &str) -> String {
    ops::letter_type(&app.store, code).map(|t| t.name).unwrap_or_else(|| code.to_string())
}

fn may(identity: &Identity, method: &str, path: &str) -> bool {
    policy::find(method, path).is_some_and(|r| r.access.allows(Some(identity.role)))
}

// ---- the resident

fn own_resident(app: &App, actor: &Actor) -> Option<crate::residents::model::Resident> {
    actor.0.resident_id.as_deref().and_then(|id| crate::residents::operations::get(&app.store, id))
}

async fn resident_home(req: HttpRequest, app: web::Data<App>, actor: Actor) -> HttpResponse {
    let types =
        ops::types(&app.store).into_iter().filter(|t| t.enabled && t.self_service).map(|t| views::type_item(&t));
    let requests = match actor.0.resident_id.as_deref() {
        Some(rid) => ops::of_resident(&app.store, rid)
            .iter()
            .map(|r| views::row(&req, r, &type_name(&app, &r.type_code), true))
            .collect(),
        None => Vec::new(),
    };
    ok(balai_ui::render_resident_letters(balai_ui::ResidentLettersProps {
        shell: shell(&req),
        types: types.collect(),
        requests,
    }))
}

/// What a form shows again after a failed submit.
#[derive(Default)]
struct Entered {
    nik: String,
    subject: BTreeMap<String, String>,
    values: BTreeMap<String, String>,
    phone: String,
    errors: Vec<(String, String)>,
    general: Vec<String>,
}

fn request_form_props(
    req: &HttpRequest,
    app: &App,
    kind: &LetterType,
    counter: bool,
    entered: Entered,
) -> balai_ui::RequestFormProps {
    let lang = pages::lang(req);
    let template = ops::current_template(&app.store, kind);
    let fields = template.map(|t| t.fields).unwrap_or_default();
    let found = crate::residents::operations::by_nik(&app.store, entered.nik.trim());
    let subject_rows = match &found {
        Some(r) => views::subject_rows(&ops::subject_of(&app.store, r, ops::today(&app.config)), lang),
        None => Vec::new(),
    };
    let subject_fields = if counter && found.is_none() {
        views::TYPED_SUBJECT
            .iter()
            .map(|k| balai_ui::FormField {
                name: format!("subject_{k}"),
                label: t(lang, &format!("letters.subject.{k}")),
                kind: if *k == "alamat" { balai_ui::FormFieldKind::Paragraph } else { balai_ui::FormFieldKind::Text },
                required: matches!(*k, "nama" | "alamat"),
                value: entered.subject.get(*k).cloned().unwrap_or_default(),
                error: views::error_for(&entered.errors, &format!("subject_{k}"), lang),
            })
            .collect()
    } else {
        Vec::new()
    };
    let action =
        if counter { format!("/letters/new?type={}", kind.code) } else { format!("/surat/ajukan/{}", kind.code) };
    balai_ui::RequestFormProps {
        shell: shell(req),
        action,
        type_name: kind.name.clone(),
        requirements: views::type_item(kind).requirements,
        form_token: crate::auth::operations::new_token(),
        counter,
        nik: entered.nik.clone(),
        nik_error: views::error_for(&entered.errors, "nik", lang),
        subject_rows,
        subject_fields,
        fields: views::form_fields(&fields, &entered.values, &entered.errors, lang),
        phone: entered.phone,
        phone_error: views::error_for(&entered.errors, "phone", lang),
        errors: entered.general,
        max_upload_mb: app.config.limits.upload_bytes / (1024 * 1024),
    }
}

async fn resident_form(req: HttpRequest, app: web::Data<App>, actor: Actor, code: web::Path<String>) -> HttpResponse {
    let Some(kind) = ops::letter_type(&app.store, &code).filter(|t| t.enabled && t.self_service) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let Some(me) = own_resident(&app, &actor) else { return pages::error_page(&req, 404, "error.not_found") };
    let entered = Entered { nik: me.nik.clone(), phone: me.phone.clone().unwrap_or_default(), ..Entered::default() };
    ok(balai_ui::render_request_form(request_form_props(&req, &app, &kind, false, entered)))
}

/// The multipart body of a request form, read within the upload limit.
async fn read_request_form(
    req: &HttpRequest,
    app: &App,
    payload: web::Payload,
) -> Result<crate::http::multipart::Multipart, HttpResponse> {
    let limit = app.config.limits.upload_bytes;
    let Ok(body) = crate::residents::upload::read_limited(payload, limit).await else {
        return Err(pages::error_page(req, 413, "letters.error.upload_too_large"));
    };
    let Some(form) = crate::http::multipart::parse_request(req, &body) else {
        return Err(pages::error_page(req, 400, "error.bad_form"));
    };
    if !csrf_ok(req, form.field("csrf").unwrap_or("")) {
        return Err(pages::error_page(req, 403, "error.csrf"));
    }
    Ok(form)
}

fn input_from(form: &crate::http::multipart::Multipart, fields: &[FieldSpec], type_code: &str) -> RequestInput {
    let values = fields.iter().filter_map(|f| form.field(&f.name).map(|v| (f.name.clone(), v.to_string()))).collect();
    let subject = views::TYPED_SUBJECT
        .iter()
        .filter_map(|k| form.field(&format!("subject_{k}")).map(|v| (k.to_string(), v.to_string())))
        .collect();
    RequestInput {
        type_code: type_code.to_string(),
        nik: form.field("nik").unwrap_or("").to_string(),
        subject,
        values,
        phone: form.field("phone").unwrap_or("").to_string(),
        attachments: Vec::new(),
        form_token: form.field("form_token").unwrap_or("").to_string(),
    }
}

/// Checks the request, stores its photos, then records it; on a problem the
/// form comes back with every value kept and nothing recorded.
async fn submit_form(
    req: &HttpRequest,
    app: web::Data<App>,
    actor: &Actor,
    kind: LetterType,
    channel: Channel,
    form: crate::http::multipart::Multipart,
    own_nik: Option<String>,
) -> Result<LetterRequest, HttpResponse> {
    let lang = pages::lang(req);
    let fields = ops::current_template(&app.store, &kind).map(|t| t.fields).unwrap_or_default();
    let mut input = input_from(&form, &fields, &kind.code);
    if let Some(nik) = own_nik {
        input.nik = nik;
    }
    let entered = |errors: Vec<(String, String)>, general: Vec<String>, input: &RequestInput| Entered {
        nik: input.nik.clone(),
        subject: input.subject.clone(),
        values: input.values.clone(),
        phone: input.phone.clone(),
        errors,
        general,
    };
    let counter = channel == Channel::Counter;
    if let Err(e) = ops::prepare(&app.store, channel, &input, &app.config) {
        let errors = match e {
            LetterError::Invalid(list) => list,
            _ => return Err(pages::error_page(req, 500, "error.internal")),
        };
        let props = request_form_props(req, &app, &kind, counter, entered(errors, vec![], &input));
        return Err(pages::html(422, balai_ui::render_request_form(props)));
    }
    let photos: Vec<Vec<u8>> = form.files_named("photos").map(<[u8]>::to_vec).collect();
    let username = actor.0.username.clone();
    let app2 = app.clone();
    let stored = web::block(move || save_photos(&app2, &username, &photos)).await;
    match stored {
        Ok(Ok(shas)) => input.attachments = shas,
        Ok(Err(e)) => {
            let props = request_form_props(req, &app, &kind, counter, entered(vec![], vec![e.message(lang)], &input));
            return Err(pages::html(422, balai_ui::render_request_form(props)));
        }
        Err(_) => return Err(pages::error_page(req, 500, "error.internal")),
    }
    match ops::submit(&app.store, &actor.0.username, channel, input.clone(), &app.config) {
        Ok(r) => Ok(r),
        Err(LetterError::Invalid(errors)) => {
            let props = request_form_props(req, &app, &kind, counter, entered(errors, vec![], &input));
            Err(pages::html(422, balai_ui::render_request_form(props)))
        }
        Err(_) => Err(pages::error_page(req, 500, "error.internal")),
    }
}

/// Photos go through the files domain: checked by content, downscaled,
/// stored by their hash. Stops at the first bad photo (the request is then
/// not recorded; a photo stored before it is an unreferenced file, harmless).
pub fn save_photos(app: &App, actor: &str, photos: &[Vec<u8>]) -> Result<Vec<String>, crate::files::model::PhotoError> {
    photos.iter().map(|p| crate::files::routes::store_blocking(app, actor, p).map(|f| f.sha256)).collect()
}

async fn resident_submit(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    code: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let Some(kind) = ops::letter_type(&app.store, &code).filter(|t| t.enabled && t.self_service) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let Some(me) = own_resident(&app, &actor) else { return pages::error_page(&req, 404, "error.not_found") };
    let form = match read_request_form(&req, &app, payload).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let channel = if is_kiosk(&actor.0) { Channel::Kiosk } else { Channel::Online };
    match submit_form(&req, app.clone(), &actor, kind, channel, form, Some(me.nik)).await {
        Ok(r) => see_other(&format!("/surat/{}", r.id)),
        Err(resp) => resp,
    }
}

/// A session opened at the office kiosk.
fn is_kiosk(identity: &Identity) -> bool {
    identity.session.as_ref().is_some_and(|s| s.kiosk)
}

fn own_request(app: &App, actor: &Actor, id: &str) -> Option<LetterRequest> {
    let r = ops::get(&app.store, id)?;
    (r.resident_id.is_some() && r.resident_id == actor.0.resident_id).then_some(r)
}

async fn resident_request(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(r) = own_request(&app, &actor, &id) else { return pages::error_page(&req, 404, "error.not_found") };
    let download = matches!(r.state, State::Signed | State::HandedOver)
        .then(|| ops::issued(&app.store, &r.id).filter(|l| l.revoked.is_none()).map(|_| format!("/surat/{}/pdf", r.id)))
        .flatten();
    ok(balai_ui::render_request_status(balai_ui::RequestStatusProps {
        shell: shell(&req),
        public: false,
        query: String::new(),
        request: Some(views::row(&req, &r, &type_name(&app, &r.type_code), true)),
        steps: views::steps(&req, &r),
        rejection: r.rejection_reason().map(String::from),
        download,
        not_found: false,
    }))
}

fn pdf_response(app: &App, letter: &IssuedLetter) -> HttpResponse {
    match ops::pdf(&app.config, &app.letter_key, letter) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((
                "Content-Disposition",
                format!("inline; filename=\"surat-{}.pdf\"", letter.number.replace(['/', '"', '\\'], "-")),
            ))
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(bytes),
        Err(e) => {
            tracing::error!(error = %e, number = %letter.number, "letter PDF failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

async fn resident_pdf(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(r) = own_request(&app, &actor, &id) else { return pages::error_page(&req, 404, "error.not_found") };
    let Some(letter) = ops::issued(&app.store, &r.id).filter(|l| l.revoked.is_none()) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    if ops::note_download(&app.store, &actor.0.username, &r.id).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    pdf_response(&app, &letter)
}

// ---- public

#[derive(serde::Deserialize)]
struct TrackQuery {
    #[serde(default)]
    kode: String,
}

async fn track(req: HttpRequest, app: web::Data<App>, q: web::Query<TrackQuery>) -> HttpResponse {
    let code = ops::normalise_tracking(&q.kode);
    let mut props =
        balai_ui::RequestStatusProps { shell: shell(&req), public: true, query: q.kode.clone(), ..Default::default() };
    if code.is_empty() {
        return ok(balai_ui::render_request_status(props));
    }
    if !app.tracking_limit.allow(&crate::http::rate_limit::client_key(&req)) {
        return pages::error_page(&req, 429, "letters.error.too_many");
    }
    match ops::by_tracking(&app.store, &code) {
        Some(r) => {
            let mut row = views::row(&req, &r, &type_name(&app, &r.type_code), false);
            row.name = views::public_name(&row.name);
            row.nik = String::new();
            props.request = Some(row);
            props.steps = views::steps(&req, &r)
                .into_iter()
                .map(|mut s| {
                    if s.state != "rejected" {
                        s.note.clear();
                    }
                    s
                })
                .collect();
            props.rejection = r.rejection_reason().map(String::from);
        }
        None => props.not_found = true,
    }
    ok(balai_ui::render_request_status(props))
}

#[derive(serde::Deserialize)]
struct VerifyQuery {
    #[serde(default)]
    c: String,
    #[serde(default)]
    nomor: String,
}

async fn verify_page(req: HttpRequest, app: web::Data<App>, q: web::Query<VerifyQuery>) -> HttpResponse {
    let verdict = if !q.c.trim().is_empty() {
        Some(ops::verify_sealed(&app.store, &app.letter_key, &q.c))
    } else if !q.nomor.trim().is_empty() {
        if !app.tracking_limit.allow(&crate::http::rate_limit::client_key(&req)) {
            return pages::error_page(&req, 429, "letters.error.too_many");
        }
        Some(ops::verify_number(&app.store, &q.nomor))
    } else {
        None
    };
    let result = verdict.map(|v| verify_result(&app, v));
    ok(balai_ui::render_verify(balai_ui::VerifyProps { shell: shell(&req), number: q.nomor.clone(), result }))
}

pub fn verdict_code(v: &Verdict) -> &'static str {
    match v {
        Verdict::Genuine(_) => "genuine",
        Verdict::Revoked(_) => "revoked",
        Verdict::Mismatch => "mismatch",
        Verdict::Forged => "forged",
        Verdict::Unknown => "unknown",
    }
}

fn verify_result(app: &App, v: Verdict) -> balai_ui::VerifyResult {
    let verdict = verdict_code(&v).to_string();
    match v {
        Verdict::Genuine(l) | Verdict::Revoked(l) => balai_ui::VerifyResult {
            verdict,
            number: l.number.clone(),
            type_name: type_name(app, &l.type_code),
            date: ops::long_date(l.date),
            name: views::public_name(&l.name),
            signer: format!("{} ({})", l.signer_name, l.signer_position),
            revoked_reason: l.revoked.as_ref().map(|r| r.reason.clone()).unwrap_or_default(),
        },
        _ => balai_ui::VerifyResult { verdict, ..Default::default() },
    }
}

// ---- the office

#[derive(serde::Deserialize)]
struct InboxQuery {
    #[serde(default)]
    state: String,
}

async fn inbox(req: HttpRequest, app: web::Data<App>, actor: Actor, q: web::Query<InboxQuery>) -> HttpResponse {
    let default = if actor.0.role == Role::KepalaDesa { State::Verified } else { State::Submitted };
    let state = State::parse(&q.state).unwrap_or(default);
    let counts = State::ALL.iter().map(|s| (s.code().to_string(), ops::in_state(&app.store, *s, 0).1)).collect();
    let full = crate::residents::views::sees_full_nik(Some(&actor.0));
    let rows = ops::in_state(&app.store, state, 200)
        .0
        .iter()
        .map(|r| views::row(&req, r, &type_name(&app, &r.type_code), full))
        .collect();
    ok(balai_ui::render_letter_inbox(balai_ui::LetterInboxProps {
        shell: shell(&req),
        state: state.code().to_string(),
        counts,
        rows,
        types: ops::types(&app.store).iter().filter(|t| t.enabled).map(views::type_item).collect(),
        can_enter: may(&actor.0, "GET", "/letters/new"),
        can_edit_templates: may(&actor.0, "GET", "/letters/types"),
    }))
}

#[derive(serde::Deserialize)]
struct CounterQuery {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    nik: String,
}

async fn counter_form(req: HttpRequest, app: web::Data<App>, q: web::Query<CounterQuery>) -> HttpResponse {
    let Some(kind) = ops::letter_type(&app.store, &q.kind).filter(|t| t.enabled) else {
        return see_other("/letters");
    };
    let entered = Entered { nik: q.nik.trim().to_string(), ..Entered::default() };
    ok(balai_ui::render_request_form(request_form_props(&req, &app, &kind, true, entered)))
}

async fn counter_submit(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    q: web::Query<CounterQuery>,
    payload: web::Payload,
) -> HttpResponse {
    let Some(kind) = ops::letter_type(&app.store, &q.kind).filter(|t| t.enabled) else {
        return see_other("/letters");
    };
    let form = match read_request_form(&req, &app, payload).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    match submit_form(&req, app.clone(), &actor, kind, Channel::Counter, form, None).await {
        Ok(r) => see_other(&format!("/letters/{}", r.id)),
        Err(resp) => resp,
    }
}

fn detail_props(
    req: &HttpRequest,
    app: &App,
    identity: &Identity,
    r: &LetterRequest,
    errors: Vec<String>,
) -> balai_ui::LetterDetailProps {
    let lang = pages::lang(req);
    let full = crate::residents::views::sees_full_nik(Some(identity));
    let letter = ops::issued(&app.store, &r.id);
    let fields = ops::template(&app.store, &r.type_code, r.template_version).map(|t| t.fields).unwrap_or_default();
    let values = fields.iter().filter_map(|f| r.values.get(&f.name).map(|v| (f.label.clone(), v.clone()))).collect();
    let path = |p: &str| format!("/letters/{{id}}/{p}");
    let actions = balai_ui::DetailActions {
        approve: r.state == State::AwaitingRtRw && may(identity, "POST", &path("approve")),
        verify: r.state == State::Submitted && may(identity, "POST", &path("verify")),
        reject: r.state.is_open() && may(identity, "POST", &path("reject")),
        sign: r.state == State::Verified && may(identity, "POST", &path("sign")),
        hand_over: r.state == State::Signed && may(identity, "POST", &path("handover")),
        revoke: letter.as_ref().is_some_and(|l| l.revoked.is_none()) && may(identity, "POST", &path("revoke")),
    };
    let mut subject = views::subject_rows(&r.subject, lang);
    if !full {
        for (label, value) in subject.iter_mut() {
            if *label == t(lang, "letters.subject.nik") {
                *value = balai_ui::mask_nik(value);
            }
        }
    }
    balai_ui::LetterDetailProps {
        shell: shell(req),
        request: views::row(req, r, &type_name(app, &r.type_code), full),
        subject,
        values,
        photos: r.attachments.clone(),
        steps: views::steps(req, r),
        phone: r.phone.clone(),
        actions,
        pdf_href: letter.as_ref().map(|_| format!("/letters/{}/pdf", r.id)),
        revoked: letter.and_then(|l| l.revoked).map(|rv| format!("{} ({})", rv.reason, pages::local_time(req, rv.at))),
        errors,
    }
}

async fn detail(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(r) = ops::get(&app.store, &id) else { return pages::error_page(&req, 404, "error.not_found") };
    // A request holds personal data: each view is in the audit trail.
    let note = Change::note(LetterRequest::TABLE, &r.id, Op::View);
    let _ = app.store.commit(&actor.0.username, vec![note], Durability::Lazy);
    ok(balai_ui::render_letter_detail(detail_props(&req, &app, &actor.0, &r, vec![])))
}

async fn office_pdf(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(letter) = ops::issued(&app.store, &id) else { return pages::error_page(&req, 404, "error.not_found") };
    let note = Change::note(IssuedLetter::TABLE, &letter.request_id, Op::Export);
    let _ = app.store.commit(&actor.0.username, vec![note], Durability::Lazy);
    pdf_response(&app, &letter)
}

/// After an action: back to the request, or its page with the problem.
fn after_action(
    req: &HttpRequest,
    app: &App,
    actor: &Actor,
    id: &str,
    result: Result<(), LetterError>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let (status, message) = match result {
        Ok(()) => return see_other(&format!("/letters/{id}")),
        Err(LetterError::NotFound) => return pages::error_page(req, 404, "error.not_found"),
        Err(LetterError::Invalid(list)) => (422, list.iter().map(|(_, k)| t(lang, k)).collect()),
        Err(LetterError::WrongState(s)) => (
            409,
            vec![balai_ui::tf(
                lang,
                "letters.error.state",
                &[("state", &t(lang, &format!("letters.state.{}", s.code())))],
            )],
        ),
        Err(LetterError::Store(e)) => {
            tracing::error!(error = %e, "letter action failed");
            (500, vec![t(lang, "error.internal")])
        }
    };
    match ops::get(&app.store, id) {
        Some(r) => pages::html(status, balai_ui::render_letter_detail(detail_props(req, app, &actor.0, &r, message))),
        None => pages::error_page(req, 404, "error.not_found"),
    }
}

type Fields = CsrfForm<HashMap<String, String>>;

fn value<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.data.get(name).map(String::as_str).unwrap_or("")
}

async fn approve(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: Fields,
) -> HttpResponse {
    let result = ops::approve_rt_rw(&app.store, &actor.0.username, &id, value(&form, "official")).map(|_| ());
    after_action(&req, &app, &actor, &id, result)
}

async fn verify(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: Fields,
) -> HttpResponse {
    let result = ops::verify(&app.store, &actor.0.username, &id).map(|_| ());
    after_action(&req, &app, &actor, &id, result)
}

async fn reject(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: Fields,
) -> HttpResponse {
    let result = ops::reject(&app.store, &actor.0.username, &id, value(&form, "reason")).map(|_| ());
    after_action(&req, &app, &actor, &id, result)
}

async fn sign(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: Fields,
) -> HttpResponse {
    let signer = ops::SignerInfo { username: actor.0.username.clone(), full_name: actor.0.full_name.clone() };
    let result = ops::sign(&app.store, &app.config, &app.letter_key, &signer, &id).map(|_| ());
    after_action(&req, &app, &actor, &id, result)
}

async fn hand_over(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: Fields,
) -> HttpResponse {
    let result = ops::hand_over(&app.store, &actor.0.username, &id, value(&form, "how")).map(|_| ());
    after_action(&req, &app, &actor, &id, result)
}

async fn revoke(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: Fields,
) -> HttpResponse {
    let result = ops::revoke(&app.store, &actor.0.username, &id, value(&form, "reason")).map(|_| ());
    after_action(&req, &app, &actor, &id, result)
}

// ---- templates

async fn types_admin(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let types = ops::types(&app.store).iter().map(views::type_item).collect();
    ok(balai_ui::render_letter_types(balai_ui::LetterTypesAdminProps { shell: shell(&req), types }))
}

fn editor_props(
    req: &HttpRequest,
    app: &App,
    code: &str,
    is_new: bool,
    input: &TemplateInput,
) -> balai_ui::TemplateEditorProps {
    let mut versions: Vec<(u32, String, String)> = app
        .store
        .find_by::<Template>("type", code)
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.version, pages::local_time(req, t.created), t.author))
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    balai_ui::TemplateEditorProps {
        shell: shell(req),
        code: code.to_string(),
        is_new,
        name: input.name.clone(),
        title: input.title.clone(),
        kka: input.kka.clone(),
        self_service: input.self_service,
        rt_rw_approval: input.rt_rw_approval,
        enabled: input.enabled,
        requirements: input.requirements.clone(),
        fields: input.fields.clone(),
        body: input.body.clone(),
        problems: Vec::new(),
        preview: None,
        versions: if is_new { Vec::new() } else { versions },
    }
}

async fn new_type(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let input = TemplateInput { enabled: true, ..TemplateInput::default() };
    ok(balai_ui::render_template_editor(editor_props(&req, &app, "", true, &input)))
}

async fn edit_type(req: HttpRequest, app: web::Data<App>, code: web::Path<String>) -> HttpResponse {
    let Some(kind) = ops::letter_type(&app.store, &code) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let Some(template) = ops::current_template(&app.store, &kind) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let input = TemplateInput {
        name: kind.name.clone(),
        title: template.title.clone(),
        kka: kind.kka.clone(),
        self_service: kind.self_service,
        rt_rw_approval: kind.rt_rw_approval,
        enabled: kind.enabled,
        requirements: kind.requirements.clone(),
        fields: templates::fields_text(&template.fields),
        body: template.body.clone(),
    };
    ok(balai_ui::render_template_editor(editor_props(&req, &app, &kind.code, false, &input)))
}

fn template_input(form: &Fields) -> TemplateInput {
    let on = |n: &str| value(form, n) == "on";
    TemplateInput {
        name: value(form, "name").to_string(),
        title: value(form, "title").to_string(),
        kka: value(form, "kka").to_string(),
        self_service: on("self_service"),
        rt_rw_approval: on("rt_rw_approval"),
        enabled: on("enabled"),
        requirements: value(form, "requirements").to_string(),
        fields: value(form, "fields").replace("\r\n", "\n"),
        body: value(form, "body").replace("\r\n", "\n"),
    }
}

fn problem_lines(lang: Lang, problems: &[templates::TemplateProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let part = t(lang, &format!("letters.part.{}", p.part));
            if p.line > 0 {
                format!("{part}, baris {}: {}", p.line, p.message)
            } else {
                format!("{part}: {}", p.message)
            }
        })
        .collect()
}

async fn save_type(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    code: web::Path<String>,
    form: Fields,
) -> HttpResponse {
    if ops::letter_type(&app.store, &code).is_none() {
        return pages::error_page(&req, 404, "error.not_found");
    }
    save(&req, &app, &actor, &code, false, &form)
}

async fn create_type(req: HttpRequest, app: web::Data<App>, actor: Actor, form: Fields) -> HttpResponse {
    let code = value(&form, "code").trim().to_string();
    if ops::letter_type(&app.store, &code).is_some() {
        let lang = pages::lang(&req);
        let mut props = editor_props(&req, &app, &code, true, &template_input(&form));
        props.problems = vec![t(lang, "letters.error.code_taken")];
        return pages::html(422, balai_ui::render_template_editor(props));
    }
    save(&req, &app, &actor, &code, true, &form)
}

fn save(req: &HttpRequest, app: &App, actor: &Actor, code: &str, is_new: bool, form: &Fields) -> HttpResponse {
    let input = template_input(form);
    match ops::save_template(&app.store, &actor.0.username, code, &input) {
        Ok(_) => see_other(&format!("/letters/types/{code}")),
        Err(problems) => {
            let mut props = editor_props(req, app, code, is_new, &input);
            props.problems = problem_lines(pages::lang(req), &problems);
            pages::html(422, balai_ui::render_template_editor(props))
        }
    }
}

async fn preview_type(req: HttpRequest, app: web::Data<App>, code: web::Path<String>, form: Fields) -> HttpResponse {
    preview(&req, &app, &code, false, &form)
}

async fn preview_new_type(req: HttpRequest, app: web::Data<App>, form: Fields) -> HttpResponse {
    preview(&req, &app, value(&form, "code").trim(), true, &form)
}

/// Fills the edited template with a sample resident and shows it, unsaved.
fn preview(req: &HttpRequest, app: &App, code: &str, is_new: bool, form: &Fields) -> HttpResponse {
    let input = template_input(form);
    let mut props = editor_props(req, app, code, is_new, &input);
    match ops::check_template(&input) {
        Ok(fields) => props.preview = Some(ops::preview(&app.store, &app.config, &input, &fields)),
        Err(problems) => props.problems = problem_lines(pages::lang(req), &problems),
    }
    ok(balai_ui::render_template_editor(props))
}
