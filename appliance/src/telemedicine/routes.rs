//! The telemedicine pages: sessions and slots, a consultation with its note
//! and prescription, the partner pharmacy's inbox, and the village post's
//! delivery list. A prescription page prints as the prescription itself.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{Control, HealthCell, HealthForm, HealthSection, HealthTable, Lang, t, tf};

use super::model::{
    BookingInput, NoteInput, Prescription, PrescriptionInput, RxState, SessionInput, StepInput, TeleSession,
};
use super::operations::{self as ops, TeleError};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm};
use crate::health_record::ui::{self, Typed, date};
use crate::http::pages;
use crate::http::registry::{Endpoint, get, post};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/telemedis", web::get().to(sessions)),
        post("/telemedis", web::post().to(create_session)),
        get("/telemedis/{id}", web::get().to(session)),
        post("/telemedis/{id}/booking", web::post().to(book)),
        get("/telemedis/konsultasi/{id}", web::get().to(consultation)),
        post("/telemedis/konsultasi/{id}/catatan", web::post().to(note)),
        post("/telemedis/konsultasi/{id}/resep", web::post().to(prescribe)),
        get("/resep/{id}", web::get().to(prescription)),
        get("/antar", web::get().to(deliveries)),
        post("/antar/{id}/bawa", web::post().to(out_for_delivery)),
        post("/antar/{id}/terima", web::post().to(delivered)),
        get("/apotek", web::get().to(pharmacy_inbox)),
        get("/apotek/resep/{id}", web::get().to(pharmacy_prescription)),
        post("/apotek/resep/{id}/siap", web::post().to(prepared)),
        post("/apotek/resep/{id}/kirim", web::post().to(sent)),
    ]
}

fn headers(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(lang, k)).collect()
}

fn state_label(lang: Lang, s: RxState) -> String {
    t(lang, &format!("health.rx.state.{}", s.code()))
}

fn sessions_view(req: &HttpRequest, app: &App, status: u16, typed: Typed) -> HttpResponse {
    let lang = pages::lang(req);
    let rows = ops::sessions_from(&app.store, ui::today(app))
        .iter()
        .map(|s| {
            let booked = ops::bookings_in(&app.store, &s.id).len();
            vec![
                HealthCell::link(date(s.date), format!("/telemedis/{}", s.id)),
                HealthCell::text(s.start.format("%H:%M").to_string()),
                HealthCell::text(s.doctor_name.clone()),
                HealthCell::text(s.place.clone()),
                HealthCell::text(format!("{booked}/{}", s.slots)),
            ]
        })
        .collect();
    let table = HealthTable {
        headers: headers(
            lang,
            &["health.date", "health.tele.start", "health.tele.doctor", "health.tele.place", "health.tele.booked"],
        ),
        rows,
        empty: t(lang, "health.tele.none"),
    };
    let mut forms = Vec::new();
    if ui::can(req, "POST", "/telemedis") {
        let f = |name: &str, key: &str, c: Control| typed.field(lang, name, key, c);
        forms.push(HealthForm {
            action: "/telemedis".into(),
            submit: t(lang, "health.tele.add"),
            help: t(lang, "health.tele.add.help"),
            fields: vec![
                f("date", "health.date", Control::Input("date")).required(true),
                f("start", "health.tele.start", Control::Input("time")).required(true),
                f("slot_minutes", "health.tele.slot_minutes", Control::Digits).required(true),
                f("slots", "health.tele.slots", Control::Digits).required(true),
                f("doctor_name", "health.tele.doctor", Control::Text).required(true),
                f("doctor_str", "health.tele.doctor_str", Control::Text),
                f("place", "health.tele.place", Control::Text),
            ],
            hidden: vec![],
        });
    }
    let section = HealthSection { table: Some(table), forms, ..HealthSection::default() };
    ui::page(req, status, t(lang, "health.tele.title"), t(lang, "health.tele.intro"), None, vec![section])
}

async fn sessions(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    sessions_view(&req, &app, 200, Typed::default())
}

async fn create_session(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<SessionInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    match ops::create_session(&app.store, &actor.0.username, &form.data, ui::today(&app)) {
        Ok(s) => crate::auth::guard::see_other(&format!("/telemedis/{}", s.id)),
        Err(TeleError::Invalid(errors)) => sessions_view(&req, &app, 422, Typed::refused(lang, &form.pairs, &errors)),
        Err(TeleError::NotFound) => ui::not_found(&req),
        Err(TeleError::Store(_)) => ui::internal(&req),
    }
}

fn session_view(
    req: &HttpRequest,
    app: &App,
    s: &TeleSession,
    status: u16,
    typed: Typed,
    flash: Option<String>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let bookings = ops::bookings_in(&app.store, &s.id);
    let mut free = Vec::new();
    let rows = (0..s.slots)
        .map(|n| {
            let time = s.slot_time(n).format("%H:%M").to_string();
            let who = match bookings.iter().find(|b| b.slot == n) {
                Some(b) => HealthCell::link(b.name.clone(), format!("/telemedis/konsultasi/{}", b.id)),
                None => {
                    free.push(((n + 1).to_string(), format!("{} · {time}", n + 1)));
                    HealthCell::text(t(lang, "health.tele.free"))
                }
            };
            vec![HealthCell::text((n + 1).to_string()), HealthCell::text(time), who]
        })
        .collect();
    let table = HealthTable {
        headers: headers(lang, &["health.tele.slot", "health.tele.start", "health.name"]),
        rows,
        empty: String::new(),
    };
    let f = |name: &str, key: &str, c: Control| typed.field(lang, name, key, c);
    let form = HealthForm {
        action: format!("/telemedis/{}/booking", s.id),
        submit: t(lang, "health.tele.book"),
        help: t(lang, "health.tele.book.help"),
        fields: vec![
            f("slot", "health.tele.slot", Control::Select(free)).required(true),
            f("nik", "health.tele.nik", Control::Digits).required(true),
            f("complaint", "health.tele.complaint", Control::Multiline).required(true),
            f("phone", "health.phone", Control::Input("tel")),
        ],
        hidden: vec![],
    };
    let facts = vec![
        (t(lang, "health.tele.doctor"), format!("{} {}", s.doctor_name, s.doctor_str).trim().to_string()),
        (t(lang, "health.tele.place"), s.place.clone()),
    ];
    let section = HealthSection { facts, table: Some(table), forms: vec![form], ..HealthSection::default() };
    let title = tf(lang, "health.tele.session_title", &[("date", &date(s.date))]);
    ui::page(req, status, title, String::new(), flash, vec![section])
}

async fn session(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    match ops::session(&app.store, &id) {
        Some(s) => session_view(&req, &app, &s, 200, Typed::default(), None),
        None => ui::not_found(&req),
    }
}

async fn book(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<BookingInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(s) = ops::session(&app.store, &id) else { return ui::not_found(&req) };
    match ops::book(&app.store, &actor.0.username, &s.id, &form.data, ui::today(&app)) {
        Ok(b) => {
            let flash = tf(
                lang,
                "health.tele.booked_flash",
                &[("name", &b.name), ("time", &s.slot_time(b.slot).format("%H:%M").to_string())],
            );
            session_view(&req, &app, &s, 200, Typed::default(), Some(flash))
        }
        Err(TeleError::Invalid(errors)) => {
            session_view(&req, &app, &s, 422, Typed::refused(lang, &form.pairs, &errors), None)
        }
        Err(TeleError::NotFound) => ui::not_found(&req),
        Err(TeleError::Store(_)) => ui::internal(&req),
    }
}

/// Which form a refusal belongs to.
enum Refused {
    None,
    Note(Typed),
    Rx(Typed),
}

fn consultation_view(
    req: &HttpRequest,
    app: &App,
    id: &str,
    status: u16,
    refused: Refused,
    flash: Option<String>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let Some(b) = ops::booking(&app.store, id) else { return ui::not_found(req) };
    let s = ops::session(&app.store, &b.session_id);
    let mut facts =
        vec![(t(lang, "health.name"), b.name.clone()), (t(lang, "health.tele.complaint"), b.complaint.clone())];
    if let Some(s) = &s {
        facts.push((t(lang, "health.tele.when"), format!("{} {}", date(s.date), s.slot_time(b.slot).format("%H:%M"))));
        facts.push((t(lang, "health.tele.doctor"), s.doctor_name.clone()));
    }
    if let Some(n) = &b.note {
        facts.push((t(lang, "health.tele.note"), n.text.clone()));
        facts.push((t(lang, "health.tele.diagnosis"), n.diagnosis.clone()));
    }
    let (note_typed, rx_typed) = match refused {
        Refused::None => (Typed::default(), Typed::default()),
        Refused::Note(t) => (t, Typed::default()),
        Refused::Rx(t) => (Typed::default(), t),
    };
    let mut forms = Vec::new();
    let writer = ui::can(req, "POST", "/telemedis/konsultasi/{id}/catatan");
    if writer {
        let mut typed = note_typed;
        if typed.values.is_empty()
            && let Some(n) = &b.note
        {
            typed.values = vec![("text".into(), n.text.clone()), ("diagnosis".into(), n.diagnosis.clone())];
        }
        forms.push(HealthForm {
            action: format!("/telemedis/konsultasi/{}/catatan", b.id),
            submit: t(lang, "health.tele.save_note"),
            help: String::new(),
            fields: vec![
                typed.field(lang, "text", "health.tele.note", Control::Multiline).required(true),
                typed.field(lang, "diagnosis", "health.tele.diagnosis", Control::Text),
            ],
            hidden: vec![],
        });
    }
    // Without a note there is no prescription form to hold the error.
    let mut flags = Vec::new();
    if b.note.is_none() {
        flags.extend(rx_typed.errors.iter().map(|(_, m)| m.clone()));
    }
    if writer && b.note.is_some() {
        let pharmacies: Vec<(String, String)> =
            ops::pharmacies(&app.store).into_iter().map(|u| (u.username, u.full_name)).collect();
        forms.push(HealthForm {
            action: format!("/telemedis/konsultasi/{}/resep", b.id),
            submit: t(lang, "health.rx.send"),
            help: t(lang, "health.rx.send.help"),
            fields: vec![
                rx_typed.field(lang, "pharmacy", "health.rx.pharmacy", Control::Select(pharmacies)).required(true),
                rx_typed.field(lang, "items", "health.rx.items", Control::Multiline).required(true),
            ],
            hidden: vec![],
        });
    }
    let rows = ops::prescriptions_for_booking(&app.store, &b.id)
        .iter()
        .map(|rx| {
            vec![
                HealthCell::link(rx.items.join("; "), format!("/resep/{}", rx.id)),
                HealthCell::text(rx.pharmacy.clone()),
                HealthCell::text(state_label(lang, rx.state)),
            ]
        })
        .collect();
    let rx_table = HealthTable {
        headers: headers(lang, &["health.rx.items", "health.rx.pharmacy", "health.status"]),
        rows,
        empty: t(lang, "health.rx.none"),
    };
    let sections = vec![
        HealthSection { facts, ..HealthSection::default() },
        HealthSection {
            heading: t(lang, "health.rx.title"),
            flags,
            table: Some(rx_table),
            forms,
            ..HealthSection::default()
        },
    ];
    ui::page(req, status, t(lang, "health.tele.consultation"), String::new(), flash, sections)
}

async fn consultation(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(b) = ops::booking(&app.store, &id) else { return ui::not_found(&req) };
    if crate::health_record::operations::note_resident_view(
        &app.store,
        &actor.0.username,
        &b.resident_id,
        "consultation",
    )
    .is_err()
    {
        return ui::internal(&req);
    }
    consultation_view(&req, &app, &b.id, 200, Refused::None, None)
}

async fn note(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<NoteInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    match ops::write_note(&app.store, &actor.0.username, &id, &form.data) {
        Ok(b) => consultation_view(&req, &app, &b.id, 200, Refused::None, Some(t(lang, "health.tele.note_saved"))),
        Err(TeleError::Invalid(errors)) => {
            consultation_view(&req, &app, &id, 422, Refused::Note(Typed::refused(lang, &form.pairs, &errors)), None)
        }
        Err(TeleError::NotFound) => ui::not_found(&req),
        Err(TeleError::Store(_)) => ui::internal(&req),
    }
}

async fn prescribe(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<PrescriptionInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    match ops::prescribe(&app.store, &actor.0.username, &id, &form.data) {
        Ok(rx) => {
            let flash = tf(lang, "health.rx.sent_flash", &[("pharmacy", &rx.pharmacy)]);
            consultation_view(&req, &app, &id, 200, Refused::None, Some(flash))
        }
        Err(TeleError::Invalid(errors)) => {
            consultation_view(&req, &app, &id, 422, Refused::Rx(Typed::refused(lang, &form.pairs, &errors)), None)
        }
        Err(TeleError::NotFound) => ui::not_found(&req),
        Err(TeleError::Store(_)) => ui::internal(&req),
    }
}

/// The prescription as it prints, with its trail; `forms` are the caller's next steps.
fn rx_sections(lang: Lang, req: &HttpRequest, rx: &Prescription, forms: Vec<HealthForm>) -> Vec<HealthSection> {
    let facts = vec![
        (t(lang, "health.name"), rx.name.clone()),
        (t(lang, "health.rx.address"), rx.address.clone()),
        (t(lang, "health.tele.doctor"), format!("{} {}", rx.doctor_name, rx.doctor_str).trim().to_string()),
        (t(lang, "health.rx.pharmacy"), rx.pharmacy.clone()),
        (t(lang, "health.status"), state_label(lang, rx.state)),
    ];
    let items = HealthTable {
        headers: vec![t(lang, "health.rx.items")],
        rows: rx.items.iter().map(|i| vec![HealthCell::text(i.clone())]).collect(),
        empty: String::new(),
    };
    let trail = HealthTable {
        headers: headers(lang, &["health.status", "health.rx.at", "health.rx.by", "health.rx.received_by"]),
        rows: rx
            .trail
            .iter()
            .map(|e| {
                vec![
                    HealthCell::text(state_label(lang, e.state)),
                    HealthCell::text(pages::local_time(req, e.at)),
                    HealthCell::text(e.by.clone()),
                    HealthCell::text(e.note.clone()),
                ]
            })
            .collect(),
        empty: String::new(),
    };
    vec![
        HealthSection { facts, table: Some(items), ..HealthSection::default() },
        HealthSection { heading: t(lang, "health.rx.trail"), table: Some(trail), forms, ..HealthSection::default() },
    ]
}

async fn prescription(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(rx) = ops::prescription(&app.store, &id) else { return ui::not_found(&req) };
    if crate::health_record::operations::note_resident_view(
        &app.store,
        &actor.0.username,
        &rx.resident_id,
        "prescription",
    )
    .is_err()
    {
        return ui::internal(&req);
    }
    ui::page(&req, 200, t(lang, "health.rx.title"), String::new(), None, rx_sections(lang, &req, &rx, vec![]))
}

fn step_form(lang: Lang, action: String, submit: &str, received: bool) -> HealthForm {
    let fields = if received {
        vec![Typed::default().field(lang, "received_by", "health.rx.received_by", Control::Text).required(true)]
    } else {
        vec![]
    };
    HealthForm { action, submit: t(lang, submit), help: String::new(), fields, hidden: vec![] }
}

/// The village post's list: addresses only, never the medicines.
fn deliveries_view(
    req: &HttpRequest,
    app: &App,
    status: u16,
    flash: Option<String>,
    error: Option<String>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let list = ops::in_delivery(&app.store);
    let rows = list
        .iter()
        .map(|rx| {
            vec![
                HealthCell::text(rx.name.clone()),
                HealthCell::text(rx.address.clone()),
                HealthCell::text(rx.phone.clone().unwrap_or_default()),
                HealthCell::text(state_label(lang, rx.state)),
            ]
        })
        .collect();
    let forms = list
        .iter()
        .map(|rx| match rx.state {
            RxState::Sent => {
                let mut f = step_form(lang, format!("/antar/{}/bawa", rx.id), "health.rx.take", false);
                f.help = rx.name.clone();
                f
            }
            _ => {
                let mut f = step_form(lang, format!("/antar/{}/terima", rx.id), "health.rx.deliver", true);
                f.help = rx.name.clone();
                f
            }
        })
        .collect();
    let table = HealthTable {
        headers: headers(lang, &["health.name", "health.rx.address", "health.phone", "health.status"]),
        rows,
        empty: t(lang, "health.rx.nothing_to_deliver"),
    };
    let section =
        HealthSection { flags: error.into_iter().collect(), table: Some(table), forms, ..HealthSection::default() };
    ui::page(
        req,
        status,
        t(lang, "health.rx.delivery_title"),
        t(lang, "health.rx.delivery_intro"),
        flash,
        vec![section],
    )
}

async fn deliveries(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    deliveries_view(&req, &app, 200, None, None)
}

fn step_error(lang: Lang, e: &TeleError) -> String {
    match e {
        TeleError::Invalid(errors) => {
            ui::messages(lang, errors).into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")
        }
        _ => t(lang, "error.internal"),
    }
}

async fn village_step(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: String,
    to: RxState,
    received_by: &str,
) -> HttpResponse {
    let lang = pages::lang(&req);
    match ops::advance(&app.store, &actor.0.username, actor.0.role, &id, to, received_by) {
        Ok(rx) => {
            let flash = tf(lang, "health.rx.moved", &[("name", &rx.name), ("state", &state_label(lang, rx.state))]);
            deliveries_view(&req, &app, 200, Some(flash), None)
        }
        Err(TeleError::NotFound) => ui::not_found(&req),
        Err(e @ TeleError::Invalid(_)) => deliveries_view(&req, &app, 422, None, Some(step_error(lang, &e))),
        Err(TeleError::Store(_)) => ui::internal(&req),
    }
}

async fn out_for_delivery(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    village_step(req, app, actor, id.into_inner(), RxState::OutForDelivery, "").await
}

async fn delivered(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<StepInput>,
) -> HttpResponse {
    village_step(req, app, actor, id.into_inner(), RxState::Delivered, &form.data.received_by).await
}

async fn pharmacy_inbox(req: HttpRequest, app: web::Data<App>, actor: Actor) -> HttpResponse {
    let lang = pages::lang(&req);
    let rows = ops::pharmacy_inbox(&app.store, &actor.0.username)
        .iter()
        .map(|rx| {
            let at = rx.trail.first().map(|e| pages::local_time(&req, e.at)).unwrap_or_default();
            vec![
                HealthCell::link(at, format!("/apotek/resep/{}", rx.id)),
                HealthCell::text(rx.name.clone()),
                HealthCell::text(rx.doctor_name.clone()),
                HealthCell::text(state_label(lang, rx.state)).flagged(rx.state == RxState::Issued),
            ]
        })
        .collect();
    let table = HealthTable {
        headers: headers(lang, &["health.rx.at", "health.name", "health.tele.doctor", "health.status"]),
        rows,
        empty: t(lang, "health.rx.none"),
    };
    let section = HealthSection { table: Some(table), ..HealthSection::default() };
    ui::page(&req, 200, t(lang, "health.rx.inbox"), t(lang, "health.rx.inbox_intro"), None, vec![section])
}

fn pharmacy_view(
    req: &HttpRequest,
    rx: &Prescription,
    status: u16,
    flash: Option<String>,
    error: Option<String>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let forms = match rx.state {
        RxState::Issued => vec![step_form(lang, format!("/apotek/resep/{}/siap", rx.id), "health.rx.prepare", false)],
        RxState::Prepared => {
            vec![step_form(lang, format!("/apotek/resep/{}/kirim", rx.id), "health.rx.hand_over", false)]
        }
        _ => vec![],
    };
    let mut sections = rx_sections(lang, req, rx, forms);
    if let Some(e) = error {
        sections[0].flags.push(e);
    }
    ui::page(req, status, t(lang, "health.rx.title"), String::new(), flash, sections)
}

/// A pharmacy sees only prescriptions addressed to it; others do not exist for it.
async fn pharmacy_prescription(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
) -> HttpResponse {
    match ops::prescription(&app.store, &id) {
        Some(rx) if rx.pharmacy == actor.0.username => pharmacy_view(&req, &rx, 200, None, None),
        _ => ui::not_found(&req),
    }
}

async fn pharmacy_step(req: HttpRequest, app: web::Data<App>, actor: Actor, id: String, to: RxState) -> HttpResponse {
    let lang = pages::lang(&req);
    match ops::advance(&app.store, &actor.0.username, actor.0.role, &id, to, "") {
        Ok(rx) => {
            let flash = tf(lang, "health.rx.moved", &[("name", &rx.name), ("state", &state_label(lang, rx.state))]);
            pharmacy_view(&req, &rx, 200, Some(flash), None)
        }
        Err(e @ TeleError::Invalid(_)) => match ops::prescription(&app.store, &id) {
            Some(rx) => pharmacy_view(&req, &rx, 422, None, Some(step_error(lang, &e))),
            None => ui::not_found(&req),
        },
        Err(TeleError::NotFound) => ui::not_found(&req),
        Err(TeleError::Store(_)) => ui::internal(&req),
    }
}

async fn prepared(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    pharmacy_step(req, app, actor, id.into_inner(), RxState::Prepared).await
}

async fn sent(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    pharmacy_step(req, app, actor, id.into_inner(), RxState::Sent).await
}
