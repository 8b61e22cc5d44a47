//! The immunization pages: posts with their next day, a post's due list and
//! reminders, a child's card with the record form, and coverage (page and CSV).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{Control, HealthCell, HealthFilter, HealthForm, HealthSection, HealthTable, Lang, t, tf};
use chrono::{Datelike, Months, NaiveDate};

use super::model::DoseInput;
use super::operations::{self as ops, DoseStatus, ImmunizationError};
use super::schedule;
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm};
use crate::health_record::ui::{self, Typed, date};
use crate::http::pages;
use crate::http::registry::{Endpoint, get, post};
use crate::posyandu::model::Child;
use crate::posyandu::operations as posyandu;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/imunisasi", web::get().to(overview)),
        get("/imunisasi/posyandu/{id}", web::get().to(due_page)),
        post("/imunisasi/posyandu/{id}/pengingat", web::post().to(remind)),
        get("/imunisasi/anak/{id}", web::get().to(card)),
        post("/imunisasi/anak/{id}", web::post().to(record)),
        get("/imunisasi/cakupan", web::get().to(coverage)),
        get("/imunisasi/cakupan.csv", web::get().to(coverage_csv)),
    ]
}

fn labels(doses: &[&schedule::ScheduledDose]) -> String {
    doses.iter().map(|d| d.label()).collect::<Vec<_>>().join(", ")
}

async fn overview(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let lang = pages::lang(&req);
    let today = ui::today(&app);
    let rows = posyandu::all_posyandu(&app.store)
        .iter()
        .map(|p| {
            let day = ops::next_session_day(p, today);
            let list = ops::due_list(&app.store, &p.id, day);
            let overdue = list.iter().filter(|d| !d.overdue.is_empty()).count();
            vec![
                HealthCell::link(p.name.clone(), format!("/imunisasi/posyandu/{}", p.id)),
                HealthCell::text(date(day)),
                HealthCell::text(list.len().to_string()),
                HealthCell::text(overdue.to_string()).flagged(overdue > 0),
            ]
        })
        .collect();
    let headers = ["health.posyandu", "health.imm.next_day", "health.imm.children_due", "health.imm.children_overdue"];
    let table =
        HealthTable { headers: headers.iter().map(|k| t(lang, k)).collect(), rows, empty: t(lang, "posyandu.none") };
    let sections = vec![HealthSection {
        table: Some(table),
        links: vec![("/imunisasi/cakupan".into(), t(lang, "health.imm.coverage"))],
        ..HealthSection::default()
    }];
    ui::page(&req, 200, t(lang, "health.imm.title"), t(lang, "health.imm.intro"), None, sections)
}

fn due_view(req: &HttpRequest, app: &App, post_id: &str, flash: Option<String>) -> HttpResponse {
    let lang = pages::lang(req);
    let Some(post) = posyandu::posyandu(&app.store, post_id) else { return ui::not_found(req) };
    let day = ops::next_session_day(&post, ui::today(app));
    let list = ops::due_list(&app.store, &post.id, day);
    let rows = list
        .iter()
        .map(|d| {
            vec![
                HealthCell::link(d.child.name.clone(), format!("/imunisasi/anak/{}", d.child.id)),
                HealthCell::text(date(d.child.birth_date)),
                HealthCell::text(labels(&d.due)),
                HealthCell::text(labels(&d.overdue)).flagged(!d.overdue.is_empty()),
                HealthCell::text(t(lang, if d.child.parent_phone.is_some() { "health.yes" } else { "health.no" })),
            ]
        })
        .collect();
    let headers = ["health.child", "posyandu.child.birth_date", "health.imm.due", "health.imm.overdue", "health.phone"];
    let table = HealthTable {
        headers: headers.iter().map(|k| t(lang, k)).collect(),
        rows,
        empty: t(lang, "health.imm.none_due"),
    };
    let remind = HealthForm {
        action: format!("/imunisasi/posyandu/{}/pengingat", post.id),
        submit: t(lang, "health.imm.remind"),
        help: t(lang, "health.imm.remind.help"),
        ..HealthForm::default()
    };
    let section = HealthSection {
        heading: tf(lang, "health.imm.due_on", &[("date", &date(day))]),
        table: Some(table),
        forms: if list.is_empty() { vec![] } else { vec![remind] },
        links: vec![(format!("/posyandu/{}", post.id), t(lang, "health.back_to_post"))],
        ..HealthSection::default()
    };
    ui::page(req, 200, tf(lang, "health.imm.post_title", &[("name", &post.name)]), String::new(), flash, vec![section])
}

async fn due_page(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    due_view(&req, &app, &id, None)
}

async fn remind(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(post) = posyandu::posyandu(&app.store, &id) else { return ui::not_found(&req) };
    match ops::send_reminders(&app.store, &actor.0.username, &post, ui::today(&app)) {
        Ok(s) => {
            let flash = tf(
                lang,
                "health.imm.reminded",
                &[
                    ("sent", &s.sent.to_string()),
                    ("already", &s.already.to_string()),
                    ("no_phone", &s.no_phone.to_string()),
                ],
            );
            due_view(&req, &app, &post.id, Some(flash))
        }
        Err(_) => ui::internal(&req),
    }
}

fn status_cell(lang: Lang, status: DoseStatus) -> HealthCell {
    match status {
        DoseStatus::Given(on) => HealthCell::text(tf(lang, "health.imm.given_on", &[("date", &date(on))])),
        DoseStatus::NotYet => HealthCell::text(t(lang, "health.imm.not_yet")),
        DoseStatus::Due(since) => HealthCell::text(tf(lang, "health.imm.due_since", &[("date", &date(since))])),
        DoseStatus::Overdue(since) => {
            HealthCell::text(tf(lang, "health.imm.overdue_since", &[("date", &date(since))])).flagged(true)
        }
        DoseStatus::Closed => HealthCell::text(t(lang, "health.imm.closed")),
    }
}

fn card_view(
    req: &HttpRequest,
    app: &App,
    child: &Child,
    status: u16,
    typed: Typed,
    flash: Option<String>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let today = ui::today(app);
    let given = ops::given_to(&app.store, &child.id);
    let rows: Vec<Vec<HealthCell>> = ops::statuses(child, &given, today)
        .into_iter()
        .map(|(d, st)| {
            let g = given.iter().find(|g| g.antigen == d.antigen && g.dose == d.dose);
            vec![
                HealthCell::text(d.label()),
                HealthCell::text(tf(lang, "health.imm.month_value", &[("month", &d.month.to_string())])),
                status_cell(lang, st),
                HealthCell::text(g.map(|g| g.place.clone()).unwrap_or_default()),
                HealthCell::text(g.and_then(|g| g.batch.clone()).unwrap_or_default()),
            ]
        })
        .collect();
    // Doses outside the national schedule (JE in endemic districts) still show when given.
    let mut rows = rows;
    rows.extend(given.iter().filter(|g| schedule::find(&g.antigen, g.dose).is_none_or(|d| !d.national)).map(|g| {
        let month = schedule::find(&g.antigen, g.dose).map(|d| d.month.to_string()).unwrap_or_default();
        vec![
            HealthCell::text(format!("{} {}", g.antigen, g.dose)),
            HealthCell::text(tf(lang, "health.imm.month_value", &[("month", &month)])),
            status_cell(lang, DoseStatus::Given(g.given_on)),
            HealthCell::text(g.place.clone()),
            HealthCell::text(g.batch.clone().unwrap_or_default()),
        ]
    }));
    let headers = ["health.imm.dose", "health.imm.age", "health.status", "health.imm.place", "health.imm.batch"];
    let table = HealthTable { headers: headers.iter().map(|k| t(lang, k)).collect(), rows, empty: String::new() };
    let options: Vec<(String, String)> = schedule::schedule().iter().map(|d| (d.code(), d.label())).collect();
    let form = HealthForm {
        action: format!("/imunisasi/anak/{}", child.id),
        submit: t(lang, "health.imm.record"),
        help: t(lang, "health.imm.record.help"),
        fields: vec![
            typed.field(lang, "dose", "health.imm.dose", Control::Select(options)).required(true),
            typed.field(lang, "given_on", "health.imm.given_date", Control::Input("date")).required(true),
            typed.field(lang, "place", "health.imm.place", Control::Text),
            typed.field(lang, "batch", "health.imm.batch", Control::Text),
        ],
        hidden: vec![],
    };
    let facts = vec![
        (t(lang, "posyandu.child.birth_date"), date(child.birth_date)),
        (t(lang, "posyandu.child.mother"), child.mother_name.clone()),
    ];
    let section = HealthSection {
        facts,
        table: Some(table),
        forms: vec![form],
        links: vec![
            (format!("/imunisasi/posyandu/{}", child.posyandu_id), t(lang, "health.imm.post_list")),
            (format!("/rekam-kesehatan/{}", child.id), t(lang, "health.record.title")),
        ],
        ..HealthSection::default()
    };
    let title = tf(lang, "health.imm.card_title", &[("name", &child.name)]);
    ui::page(req, status, title, String::new(), flash, vec![section])
}

async fn card(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(child) = posyandu::child(&app.store, &id) else { return ui::not_found(&req) };
    // A child's card is personal health data: each view is audited.
    if crate::health_record::operations::note_view(&app.store, &actor.0.username, &child.id, "immunization card")
        .is_err()
    {
        return ui::internal(&req);
    }
    card_view(&req, &app, &child, 200, Typed::default(), None)
}

async fn record(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<DoseInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(child) = posyandu::child(&app.store, &id) else { return ui::not_found(&req) };
    match ops::record(&app.store, &actor.0.username, &child, &form.data, ui::today(&app)) {
        Ok(g) => {
            let label = schedule::find(&g.antigen, g.dose).map(|d| d.label()).unwrap_or(g.antigen.clone());
            let flash = tf(lang, "health.imm.recorded", &[("dose", &label), ("name", &child.name)]);
            card_view(&req, &app, &child, 200, Typed::default(), Some(flash))
        }
        Err(ImmunizationError::Invalid(errors)) => {
            card_view(&req, &app, &child, 422, Typed::refused(lang, &form.pairs, &errors), None)
        }
        Err(ImmunizationError::Store(_)) => ui::internal(&req),
    }
}

/// The months asked for (`from`, `to` as `YYYY-MM`), by default the last
/// twelve; at most five years, so a typo cannot ask for centuries.
fn months_of(query: &HashMap<String, String>, today: NaiveDate) -> Result<Vec<NaiveDate>, (&'static str, String)> {
    let this_month = today.with_day(1).unwrap_or(today);
    let read =
        |name: &'static str, default: NaiveDate| match query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(text) => ops::parse_month(text).ok_or((name, text.to_string())),
        };
    let to = read("to", this_month)?;
    let from = read("from", to.checked_sub_months(Months::new(11)).unwrap_or(to))?;
    let count = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
    if !(1..=60).contains(&count) {
        return Err(("from", format!("{} – {}", from.format("%Y-%m"), to.format("%Y-%m"))));
    }
    Ok(ops::months(from, count as u32))
}

async fn coverage(req: HttpRequest, app: web::Data<App>, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let lang = pages::lang(&req);
    let title = t(lang, "health.imm.coverage");
    let months = match months_of(&query, ui::today(&app)) {
        Ok(m) => m,
        Err((field, value)) => {
            return ui::refused(
                &req,
                422,
                title,
                tf(lang, "health.error.month", &[("field", field), ("detail", &value)]),
            );
        }
    };
    let rows = ops::coverage(&app.store, &months);
    let cells = rows
        .iter()
        .filter(|r| r.target > 0 || r.given > 0)
        .map(|r| {
            let label = schedule::find(&r.antigen, r.dose).map(|d| d.label()).unwrap_or(r.antigen.clone());
            vec![
                HealthCell::text(r.month.format("%m-%Y").to_string()),
                HealthCell::text(label),
                HealthCell::text(r.given.to_string()),
                HealthCell::text(r.target.to_string()),
                HealthCell::text(r.covered.to_string()),
                HealthCell::text(r.percent().map(|p| format!("{p}%")).unwrap_or_default()),
            ]
        })
        .collect();
    let headers = [
        "health.imm.month",
        "health.imm.dose",
        "health.imm.given_in_month",
        "health.imm.target",
        "health.imm.covered",
        "health.imm.percent",
    ];
    let from = months.first().map(|m| m.format("%Y-%m").to_string()).unwrap_or_default();
    let to = months.last().map(|m| m.format("%Y-%m").to_string()).unwrap_or_default();
    let filter = HealthFilter {
        action: "/imunisasi/cakupan".into(),
        submit: t(lang, "health.show"),
        inputs: vec![
            ("from".into(), t(lang, "health.imm.from"), from.clone()),
            ("to".into(), t(lang, "health.imm.to"), to.clone()),
        ],
    };
    let section = HealthSection {
        text: vec![t(lang, "health.imm.coverage.help")],
        filter: Some(filter),
        table: Some(HealthTable {
            headers: headers.iter().map(|k| t(lang, k)).collect(),
            rows: cells,
            empty: t(lang, "health.imm.coverage.none"),
        }),
        links: vec![(format!("/imunisasi/cakupan.csv?from={from}&to={to}"), t(lang, "health.csv"))],
        ..HealthSection::default()
    };
    ui::page(&req, 200, title, String::new(), None, vec![section])
}

async fn coverage_csv(
    req: HttpRequest,
    app: web::Data<App>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let months = match months_of(&query, ui::today(&app)) {
        Ok(m) => m,
        Err((field, value)) => {
            return HttpResponse::UnprocessableEntity().content_type("text/plain; charset=utf-8").body(tf(
                lang,
                "health.error.month",
                &[("field", field), ("detail", &value)],
            ));
        }
    };
    let body = ops::coverage_csv(&ops::coverage(&app.store, &months));
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"cakupan-imunisasi.csv\""))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}
