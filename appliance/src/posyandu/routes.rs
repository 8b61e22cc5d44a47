//! The posyandu pages: posts, and a post's children with registration.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{
    ChildGrowthProps, ChildRow, FlashKind, Lang, PosGiziChild, PosGiziProps, PosyanduDetailProps, PosyanduListProps,
    PosyanduRow, ReportProps, RiskProps, SessionLine, SessionProps, t, tf,
};
use chrono::{Datelike, NaiveDate};

use super::model::{Child, ChildInput, Posyandu, Sex, Weighing, first_day, month_of, parse_date, previous_month};
use super::operations::{self as ops, PosyanduError, RowError, SessionError, SessionRow};
use super::risk::{self, Scope, followed_in};
use super::{report, views};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm};
use crate::health_record::ui::{can, messages, today};
use crate::http::pages::{self, html, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use crate::residents::views::message;
use crate::store::{Change, Durability, Op};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/posyandu", web::get().to(list)),
        post("/posyandu", web::post().to(add_post)),
        get("/posyandu/{id}", web::get().to(detail)),
        post("/posyandu/{id}/children", web::post().to(register_child)),
        get("/posyandu/{id}/sesi", web::get().to(session)),
        post("/posyandu/{id}/sesi", web::post().to(save_session)),
        get("/posyandu/anak/{id}", web::get().to(child_growth)),
        get("/posyandu/gizi/risiko", web::get().to(risk_list)),
        post("/posyandu/gizi/risiko/{id}", web::post().to(follow_up)),
        get("/posyandu/gizi/laporan", web::get().to(report)),
        get("/posyandu/gizi/laporan.csv", web::get().to(report_csv)),
        get("/posyandu/gizi/eppgbm.csv", web::get().to(by_name_csv)),
        get("/posyandu/gizi/pos", web::get().to(pos_gizi)),
        post("/posyandu/gizi/pos/daftar", web::post().to(enroll)),
        post("/posyandu/gizi/pos/antar", web::post().to(deliver)),
    ]
}

fn row(app: &App, p: &Posyandu) -> PosyanduRow {
    PosyanduRow {
        id: p.id.clone(),
        name: p.name.clone(),
        dusun: p.dusun.clone(),
        address: p.address.clone(),
        day_of_month: p.day_of_month.map(|d| d.to_string()).unwrap_or_default(),
        children: ops::children_in(&app.store, &p.id).iter().filter(|c| c.left_on.is_none()).count(),
    }
}

fn list_page(
    req: &HttpRequest,
    app: &App,
    status: u16,
    form: Vec<(String, String)>,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let shell = shell(req);
    let can_add = can(req, "POST", "/posyandu");
    let can_open = can(req, "GET", "/posyandu/{id}");
    let posts = ops::all_posyandu(&app.store).iter().map(|p| row(app, p)).collect();
    html(status, balai_ui::render_posyandu_list(PosyanduListProps { shell, posts, can_add, can_open, form, errors }))
}

async fn list(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    list_page(&req, &app, 200, vec![], vec![])
}

async fn add_post(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let value = |k: &str| form.data.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let typed: Vec<(String, String)> =
        ["name", "dusun", "address", "day_of_month"].iter().map(|k| (k.to_string(), value(k))).collect();
    let day = value("day_of_month");
    let day_of_month = match day.parse::<u8>() {
        _ if day.is_empty() => None,
        Ok(d) if (1..=28).contains(&d) => Some(d),
        _ => {
            let errors = vec![("day_of_month".to_string(), message(lang, "posyandu.error.day_of_month", &day))];
            return list_page(&req, &app, 422, typed, errors);
        }
    };
    let post = Posyandu {
        id: String::new(),
        name: value("name"),
        dusun: value("dusun"),
        address: value("address"),
        kader: vec![],
        day_of_month,
    };
    match ops::save_posyandu(&app.store, &actor.0.username, post) {
        // The admin sets up posts but does not see the children in them.
        Ok(p) if can(&req, "GET", "/posyandu/{id}") => crate::auth::guard::see_other(&format!("/posyandu/{}", p.id)),
        Ok(_) => crate::auth::guard::see_other("/posyandu"),
        Err(PosyanduError::Invalid(errors)) => list_page(&req, &app, 422, typed, messages(lang, &errors)),
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn age_text(lang: Lang, birth: NaiveDate, today: NaiveDate) -> String {
    let months = (today.year() - birth.year()) * 12 + today.month() as i32
        - birth.month() as i32
        - i32::from(today.day() < birth.day());
    let months = months.max(0);
    tf(
        lang,
        "posyandu.child.age_value",
        &[("years", &(months / 12).to_string()), ("months", &(months % 12).to_string())],
    )
}

fn child_row(lang: Lang, c: &Child, today: NaiveDate) -> ChildRow {
    ChildRow {
        id: c.id.clone(),
        name: c.name.clone(),
        sex: match c.sex {
            Sex::Male => "L".into(),
            Sex::Female => "P".into(),
        },
        birth_date: c.birth_date.format("%d-%m-%Y").to_string(),
        age: age_text(lang, c.birth_date, today),
        mother_name: c.mother_name.clone(),
        in_register: c.resident_id.is_some(),
    }
}

fn detail_page(
    req: &HttpRequest,
    app: &App,
    post: &Posyandu,
    status: u16,
    flash: Option<String>,
    form: Vec<(String, String)>,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let mut shell = shell(req);
    if let Some(text) = flash {
        shell = with_flash(shell, FlashKind::Success, text);
    }
    let today = today(app);
    let children = ops::children_in(&app.store, &post.id)
        .iter()
        .filter(|c| c.left_on.is_none())
        .map(|c| child_row(lang, c, today))
        .collect();
    let props = PosyanduDetailProps { shell, post: row(app, post), children, form, errors };
    html(status, balai_ui::render_posyandu_detail(props))
}

async fn detail(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    match ops::posyandu(&app.store, &id) {
        Some(post) => detail_page(&req, &app, &post, 200, None, vec![], vec![]),
        None => pages::error_page(&req, 404, "error.not_found"),
    }
}

async fn register_child(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<ChildInput>,
) -> HttpResponse {
    let Some(post) = ops::posyandu(&app.store, &id) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let lang = pages::lang(&req);
    match ops::register_child(&app.store, &actor.0.username, &post.id, &form.data, today(&app)) {
        Ok(child) => {
            let flash = tf(lang, "posyandu.flash.child_registered", &[("name", &child.name)]);
            detail_page(&req, &app, &post, 200, Some(flash), vec![], vec![])
        }
        Err(PosyanduError::Invalid(errors)) => {
            let typed = serde_json::to_value(&form.data)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .map(|m| m.into_iter().map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string())).collect())
                .unwrap_or_default();
            detail_page(&req, &app, &post, 422, None, typed, messages(lang, &errors))
        }
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn query_value(req: &HttpRequest, name: &str) -> String {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get(name).map(|v| v.trim().to_string()))
        .unwrap_or_default()
}

/// `?month=YYYY-MM`, or this month.
fn month_param(req: &HttpRequest, app: &App) -> String {
    let month = query_value(req, "month");
    if first_day(&month).is_some() { month } else { month_of(today(app)) }
}

/// The children a session lists: the post's, under five on the day.
fn session_children(app: &App, post: &Posyandu, date: NaiveDate) -> Vec<Child> {
    ops::children_in(&app.store, &post.id).into_iter().filter(|c| followed_in(c, &month_of(date))).collect()
}

/// What a session page shows besides the post's children: the values as
/// typed and their problems (after a refused form), or a flash (after a save).
#[derive(Default)]
struct SessionState<'a> {
    typed: Option<&'a HashMap<String, String>>,
    problems: &'a [RowError],
    errors: Vec<(String, String)>,
    flash: Option<String>,
}

fn session_page(
    req: &HttpRequest,
    app: &App,
    post: &Posyandu,
    date: NaiveDate,
    state: SessionState,
    status: u16,
) -> HttpResponse {
    let SessionState { typed, problems, errors, flash } = state;
    let lang = pages::lang(req);
    let month = month_of(date);
    let previous = previous_month(&month).unwrap_or_default();
    let lines = session_children(app, post, date)
        .iter()
        .map(|c| {
            let age = (date - c.birth_date).num_days();
            let this: Option<Weighing> = app.store.get(&Weighing::id_for(&c.id, &month)).ok().flatten();
            let last: Option<Weighing> = app.store.get(&Weighing::id_for(&c.id, &previous)).ok().flatten();
            let num = |v: Option<f64>, d: usize| v.map(|v| views::decimal(lang, v, d)).unwrap_or_default();
            let field = |prefix: &str, stored: String| match typed {
                Some(form) => form.get(&format!("{prefix}.{}", c.id)).cloned().unwrap_or_default(),
                None => stored,
            };
            let sex = if c.sex == Sex::Male { "L" } else { "P" };
            let usual = this.as_ref().and_then(|w| w.position).unwrap_or_else(|| ops::usual_position(age));
            SessionLine {
                child_id: c.id.clone(),
                name: c.name.clone(),
                about: format!("{sex} · {}", views::age_text(lang, age)),
                weight: field("w", num(this.as_ref().map(|w| w.weight_kg), 2)),
                length: field("l", num(this.as_ref().and_then(|w| w.length_cm), 1)),
                position: match typed {
                    Some(_) => field("p", String::new()),
                    None => usual.code().to_string(),
                },
                head: field("h", num(this.as_ref().and_then(|w| w.head_cm), 1)),
                arm: field("a", num(this.as_ref().and_then(|w| w.arm_cm), 1)),
                last_weight: last.map(|w| format!("{} kg", views::decimal(lang, w.weight_kg, 2))).unwrap_or_default(),
                errors: problems
                    .iter()
                    .filter(|p| p.child_id == c.id)
                    .map(|p| format!("{}: {}", t(lang, field_label(p.field)), message(lang, p.key, &p.detail)))
                    .collect(),
                done: this.is_some(),
            }
        })
        .collect();
    let mut shell = shell(req);
    if let Some(text) = flash {
        shell = with_flash(shell, FlashKind::Success, text);
    }
    let props = SessionProps {
        shell,
        posyandu_id: post.id.clone(),
        posyandu_name: post.name.clone(),
        date: date.to_string(),
        lines,
        errors,
    };
    html(status, balai_ui::render_session(props))
}

fn field_label(field: &str) -> &'static str {
    match field {
        "weight" => "growth.weight",
        "length" | "position" => "growth.length",
        "head" => "growth.head",
        "arm" => "growth.arm",
        _ => "growth.session.date",
    }
}

async fn session(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    let Some(post) = ops::posyandu(&app.store, &id) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let date = parse_date(&query_value(&req, "date")).unwrap_or_else(|| today(&app));
    session_page(&req, &app, &post, date, SessionState::default(), 200)
}

async fn save_session(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let Some(post) = ops::posyandu(&app.store, &id) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let lang = pages::lang(&req);
    let typed = form.data.get("date").cloned().unwrap_or_default();
    let Some(date) = parse_date(&typed) else {
        let errors = vec![("date".to_string(), message(lang, "posyandu.error.date", &typed))];
        let state = SessionState { typed: Some(&form.data), errors, ..Default::default() };
        return session_page(&req, &app, &post, today(&app), state, 422);
    };
    let value = |prefix: &str, child: &str| form.data.get(&format!("{prefix}.{child}")).cloned().unwrap_or_default();
    let rows: Vec<SessionRow> = session_children(&app, &post, date)
        .iter()
        .map(|c| SessionRow {
            child_id: c.id.clone(),
            weight: value("w", &c.id),
            length: value("l", &c.id),
            position: value("p", &c.id),
            head: value("h", &c.id),
            arm: value("a", &c.id),
        })
        .collect();
    match ops::record_session(&app.store, &actor.0.username, &post.id, date, &rows, today(&app)) {
        Ok(count) => {
            let flash = tf(lang, "growth.session.saved", &[("count", &count.to_string())]);
            session_page(&req, &app, &post, date, SessionState { flash: Some(flash), ..Default::default() }, 200)
        }
        Err(SessionError::Rows(problems)) => {
            let state = SessionState { typed: Some(&form.data), problems: &problems, ..Default::default() };
            session_page(&req, &app, &post, date, state, 422)
        }
        Err(SessionError::Invalid(errors)) => {
            let state = SessionState { typed: Some(&form.data), errors: messages(lang, &errors), ..Default::default() };
            session_page(&req, &app, &post, date, state, 422)
        }
        Err(SessionError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn child_growth(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(child) = ops::child(&app.store, &id) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    // A child's measurements are health data: every view is in the audit trail.
    let note = Change::note("posyandu_child", &child.id, Op::View).with_detail("growth chart");
    if app.store.commit(&actor.0.username, vec![note], Durability::Lazy).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let lang = pages::lang(&req);
    let weighings = ops::weighings_of(&app.store, &child.id);
    let (weight_chart, height_chart) = views::charts(lang, &child, &weighings);
    let post = ops::posyandu(&app.store, &child.posyandu_id).map(|p| p.name).unwrap_or_default();
    let sex = t(lang, if child.sex == Sex::Male { "posyandu.sex.l" } else { "posyandu.sex.p" });
    let about = format!(
        "{sex} · {} {} · {post} · {} {}",
        t(lang, "posyandu.child.birth_date"),
        child.birth_date.format("%d-%m-%Y"),
        t(lang, "posyandu.child.mother"),
        child.mother_name
    );
    let props = ChildGrowthProps {
        shell: shell(&req),
        child_id: child.id.clone(),
        name: child.name.clone(),
        about,
        rows: weighings.iter().map(|w| views::growth_row(lang, w)).collect(),
        weight_chart,
        height_chart,
    };
    html(200, balai_ui::render_child_growth(props))
}

async fn risk_list(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let lang = pages::lang(&req);
    let month = month_param(&req, &app);
    let (posyandu, dusun) = (query_value(&req, "posyandu"), query_value(&req, "dusun"));
    let scope = Scope {
        posyandu_id: (!posyandu.is_empty()).then(|| posyandu.clone()),
        dusun: (!dusun.is_empty()).then(|| dusun.clone()),
    };
    let posts = ops::all_posyandu(&app.store);
    let names: HashMap<&str, &str> = posts.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
    let start = first_day(&month).unwrap_or_else(|| today(&app));
    let rows = risk::at_risk(&app.store, &month, &scope)
        .iter()
        .map(|item| views::risk_row(lang, item, names.get(item.child.posyandu_id.as_str()).unwrap_or(&""), start))
        .collect();
    let mut dusun_options: Vec<String> = ops::all_children(&app.store).into_iter().map(|c| c.dusun).collect();
    dusun_options.extend(posts.iter().map(|p| p.dusun.clone()));
    dusun_options.retain(|d| !d.is_empty());
    dusun_options.sort();
    dusun_options.dedup();
    let props = RiskProps {
        shell: shell(&req),
        month,
        posyandu,
        dusun,
        posyandu_options: posts.iter().map(|p| (p.id.clone(), p.name.clone())).collect(),
        dusun_options: dusun_options.into_iter().map(|d| (d.clone(), d)).collect(),
        rows,
        can_follow_up: can(&req, "POST", "/posyandu/gizi/risiko/{id}"),
    };
    html(200, balai_ui::render_risk(props))
}

async fn follow_up(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let month = form.data.get("month").cloned().unwrap_or_default();
    let note = form.data.get("note").cloned().unwrap_or_default();
    match ops::follow_up(&app.store, &actor.0.username, &id, &month, &note, today(&app)) {
        Ok(_) => crate::auth::guard::see_other(&format!("/posyandu/gizi/risiko?month={month}")),
        Err(PosyanduError::Invalid(_)) => pages::error_page(&req, 422, "error.bad_form"),
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn report(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let lang = pages::lang(&req);
    let month = month_param(&req, &app);
    let monthly = report::monthly(&app.store, &month);
    let trend = report::stunting_trend(&app.store, &month, 12)
        .into_iter()
        .map(|(m, measured, stunted)| {
            (m, if measured == 0 { 0 } else { (u64::from(stunted) * 1000) / u64::from(measured) })
        })
        .collect();
    let props = ReportProps {
        shell: shell(&req),
        village: views::report_line(lang, t(lang, "growth.report.village"), &monthly.village),
        posts: monthly.posts.iter().map(|(p, i)| views::report_line(lang, p.name.clone(), i)).collect(),
        month,
        trend,
    };
    html(200, balai_ui::render_report(props))
}

async fn report_csv(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let month = month_param(&req, &app);
    let body = report::summary_csv(&report::monthly(&app.store, &month));
    csv_response(body, &format!("laporan-posyandu-{month}.csv"))
}

/// The e-PPGBM list by name and address: personal health data leaving the
/// box, so every download is in the audit trail.
async fn by_name_csv(req: HttpRequest, app: web::Data<App>, actor: Actor) -> HttpResponse {
    let month = month_param(&req, &app);
    let note = Change::note("posyandu_weighing", &month, Op::Export).with_detail("e-PPGBM by-name list");
    if app.store.commit(&actor.0.username, vec![note], Durability::Durable).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    csv_response(report::by_name_csv(&app.store, &month), &format!("eppgbm-{month}.csv"))
}

fn csv_response(body: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .body(body)
}

fn pos_gizi_page(
    req: &HttpRequest,
    app: &App,
    typed: &HashMap<String, String>,
    errors: Vec<(String, String)>,
    flash: Option<String>,
    status: u16,
) -> HttpResponse {
    let lang = pages::lang(req);
    let today = today(app);
    let enrolled = ops::enrolled(&app.store);
    let children: Vec<PosGiziChild> = enrolled
        .iter()
        .filter_map(|e| {
            let child = ops::child(&app.store, &e.child_id)?;
            let weighings = ops::weighings_of(&app.store, &child.id);
            let from = weighings.iter().rposition(|w| w.date < e.since).unwrap_or(0);
            let progress = weighings[from.min(weighings.len())..]
                .iter()
                .map(|w| {
                    let z = |label: &str, v: Option<f64>| {
                        v.map(|v| format!("{label} {}", views::decimal(lang, v, 2))).unwrap_or_default()
                    };
                    [w.month.clone(), z("BB/U", w.z.waz), z("TB/U", w.z.haz), z("BB/TB", w.z.whz)]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .collect();
            let meals = ops::deliveries_of(&app.store, &child.id)
                .iter()
                .take(5)
                .map(|m| {
                    tf(
                        lang,
                        "growth.posgizi.meal",
                        &[
                            ("date", &m.date.format("%d-%m-%Y").to_string()),
                            ("time", &m.time),
                            ("what", &m.what),
                            ("by", &m.delivered_by),
                        ],
                    )
                })
                .collect();
            Some(PosGiziChild {
                child_id: child.id.clone(),
                name: child.name,
                since: e.since.format("%d-%m-%Y").to_string(),
                reason: e.reason.clone(),
                progress,
                meals,
            })
        })
        .collect();
    let enrolled_ids: std::collections::HashSet<&str> = enrolled.iter().map(|e| e.child_id.as_str()).collect();
    let candidates = risk::at_risk(&app.store, &month_of(today), &Scope::default())
        .into_iter()
        .filter(|a| !enrolled_ids.contains(a.child.id.as_str()))
        .map(|a| {
            let reasons: Vec<String> = a.reasons.iter().map(|r| t(lang, r.key())).collect();
            (a.child.id.clone(), format!("{} ({})", a.child.name, reasons.join(", ")))
        })
        .collect();
    let value = |k: &str, default: String| typed.get(k).cloned().unwrap_or(default);
    let mut shell = shell(req);
    if let Some(text) = flash {
        shell = with_flash(shell, FlashKind::Success, text);
    }
    let props = PosGiziProps {
        shell,
        enrolled: children,
        candidates,
        can_enroll: can(req, "POST", "/posyandu/gizi/pos/daftar"),
        date: value("date", today.to_string()),
        time: value("time", String::new()),
        what: value("what", String::new()),
        delivered_by: value("delivered_by", String::new()),
        errors,
    };
    html(status, balai_ui::render_pos_gizi(props))
}

async fn pos_gizi(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    pos_gizi_page(&req, &app, &HashMap::new(), vec![], None, 200)
}

async fn enroll(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let child = form.data.get("child").cloned().unwrap_or_default();
    let reason = form.data.get("reason").cloned().unwrap_or_default();
    match ops::enroll(&app.store, &actor.0.username, &child, &reason, today(&app)) {
        Ok(e) => {
            let name = ops::child(&app.store, &e.child_id).map(|c| c.name).unwrap_or_default();
            let flash = tf(lang, "growth.flash.enrolled", &[("name", &name)]);
            pos_gizi_page(&req, &app, &HashMap::new(), vec![], Some(flash), 200)
        }
        Err(PosyanduError::Invalid(errors)) => {
            pos_gizi_page(&req, &app, &HashMap::new(), messages(lang, &errors), None, 422)
        }
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn deliver(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let children: Vec<String> = form.pairs.iter().filter(|(k, _)| k == "child").map(|(_, v)| v.clone()).collect();
    let get = |k: &str| form.data.get(k).cloned().unwrap_or_default();
    let Some(date) = parse_date(&get("date")) else {
        let errors = vec![("date".to_string(), message(lang, "posyandu.error.date", &get("date")))];
        return pos_gizi_page(&req, &app, &form.data, errors, None, 422);
    };
    let round = ops::DeliveryRound { date, time: get("time"), what: get("what"), delivered_by: get("delivered_by") };
    match ops::record_deliveries(&app.store, &actor.0.username, &children, &round, today(&app)) {
        Ok(count) => {
            let flash = tf(lang, "growth.flash.delivered", &[("count", &count.to_string())]);
            pos_gizi_page(&req, &app, &HashMap::new(), vec![], Some(flash), 200)
        }
        Err(PosyanduError::Invalid(errors)) => {
            pos_gizi_page(&req, &app, &form.data, messages(lang, &errors), None, 422)
        }
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age_text(Lang::Id, d("2024-03-17"), d("2025-05-16")), "1 th 1 bln");
        assert_eq!(age_text(Lang::Id, d("2024-03-17"), d("2025-05-17")), "1 th 2 bln");
        assert_eq!(age_text(Lang::Id, d("2025-05-17"), d("2025-05-17")), "0 th 0 bln");
    }
}
