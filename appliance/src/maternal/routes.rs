//! The pregnant-women pages: the list with registration, one pregnancy with
//! its risks, visits and the birth.

use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{Control, HealthCell, HealthForm, HealthSection, HealthTable, Lang, mask_nik, t, tf};

use super::model::{BirthInput, Pregnancy, PregnancyInput, VisitInput, gestational_age, hpl, risks, years_between};
use super::operations::{self as ops, MaternalError};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm};
use crate::health_record::ui::{self, Typed, date};
use crate::http::pages;
use crate::http::registry::{Endpoint, get, post};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/ibu-hamil", web::get().to(list)),
        post("/ibu-hamil", web::post().to(register)),
        get("/ibu-hamil/{id}", web::get().to(detail)),
        post("/ibu-hamil/{id}/kunjungan", web::post().to(visit)),
        post("/ibu-hamil/{id}/persalinan", web::post().to(birth)),
    ]
}

fn risk_text(lang: Lang, p: &Pregnancy) -> Vec<String> {
    risks(p).into_iter().map(|r| t(lang, r.key())).collect()
}

fn list_view(req: &HttpRequest, app: &App, status: u16, typed: Typed) -> HttpResponse {
    let lang = pages::lang(req);
    let today = ui::today(app);
    let rows = ops::open(&app.store)
        .iter()
        .map(|p| {
            let (weeks, _) = gestational_age(p.hpht, today);
            let flags = risk_text(lang, p);
            vec![
                HealthCell::link(p.name.clone(), format!("/ibu-hamil/{}", p.id)),
                HealthCell::text(p.dusun.clone()),
                HealthCell::text(date(hpl(p.hpht))),
                HealthCell::text(tf(lang, "health.anc.weeks_value", &[("weeks", &weeks.to_string())])),
                HealthCell::text(p.visits.len().to_string()),
                HealthCell::text(flags.join("; ")).flagged(!flags.is_empty()),
            ]
        })
        .collect();
    let headers =
        ["health.name", "posyandu.dusun", "health.anc.hpl", "health.anc.age", "health.anc.visits", "health.anc.risks"];
    let table =
        HealthTable { headers: headers.iter().map(|k| t(lang, k)).collect(), rows, empty: t(lang, "health.anc.none") };
    let form = HealthForm {
        action: "/ibu-hamil".into(),
        submit: t(lang, "health.anc.register"),
        help: t(lang, "health.anc.register.help"),
        fields: vec![
            typed.field(lang, "nik", "health.anc.nik", Control::Digits),
            typed.field(lang, "name", "health.name", Control::Text),
            typed.field(lang, "birth_date", "health.anc.birth_date", Control::Input("date")),
            typed.field(lang, "phone", "health.phone", Control::Input("tel")),
            typed.field(lang, "dusun", "posyandu.dusun", Control::Text),
            typed.field(lang, "hpht", "health.anc.hpht", Control::Input("date")).required(true),
            typed.field(lang, "gravida", "health.anc.gravida", Control::Digits),
            typed.field(lang, "parity", "health.anc.parity", Control::Digits),
            typed.field(lang, "last_birth", "health.anc.last_birth", Control::Input("date")),
        ],
        hidden: vec![],
    };
    let section = HealthSection { table: Some(table), forms: vec![form], ..HealthSection::default() };
    ui::page(req, status, t(lang, "health.anc.title"), t(lang, "health.anc.intro"), None, vec![section])
}

async fn list(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    list_view(&req, &app, 200, Typed::default())
}

async fn register(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<PregnancyInput>) -> HttpResponse {
    let lang = pages::lang(&req);
    match ops::register(&app.store, &actor.0.username, &form.data, ui::today(&app)) {
        Ok(p) => crate::auth::guard::see_other(&format!("/ibu-hamil/{}", p.id)),
        Err(MaternalError::Invalid(errors)) => list_view(&req, &app, 422, Typed::refused(lang, &form.pairs, &errors)),
        Err(MaternalError::Store(_)) => ui::internal(&req),
    }
}

/// Which form a refusal belongs to, so only that one shows the errors.
enum Refused {
    None,
    Visit(Typed),
    Birth(Typed),
}

fn detail_view(
    req: &HttpRequest,
    app: &App,
    p: &Pregnancy,
    status: u16,
    refused: Refused,
    flash: Option<String>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let today = ui::today(app);
    let (weeks, days) = gestational_age(p.hpht, p.birth.as_ref().map_or(today, |b| b.date));
    let mut facts = vec![
        (t(lang, "health.anc.nik"), p.nik.as_deref().map(mask_nik).unwrap_or_default()),
        (
            t(lang, "health.anc.birth_date"),
            tf(
                lang,
                "health.anc.age_years",
                &[("date", &date(p.birth_date)), ("years", &years_between(p.birth_date, today).to_string())],
            ),
        ),
        (t(lang, "posyandu.dusun"), p.dusun.clone()),
        (t(lang, "health.anc.hpht"), date(p.hpht)),
        (t(lang, "health.anc.hpl"), date(hpl(p.hpht))),
        (
            t(lang, "health.anc.age"),
            tf(lang, "health.anc.age_value", &[("weeks", &weeks.to_string()), ("days", &days.to_string())]),
        ),
        (t(lang, "health.anc.gp"), format!("G{} P{}", p.gravida, p.parity)),
    ];
    if let Some(b) = &p.birth {
        facts.push((t(lang, "health.anc.born_on"), date(b.date)));
    }
    let (visit_typed, birth_typed) = match refused {
        Refused::None => (Typed::default(), Typed::default()),
        Refused::Visit(t) => (t, Typed::default()),
        Refused::Birth(t) => (Typed::default(), t),
    };
    let mut links = vec![(
        format!("/rekam-kesehatan/{}", p.resident_id.as_deref().unwrap_or(&p.id)),
        t(lang, "health.record.title"),
    )];
    if let Some(b) = &p.birth {
        links.push((format!("/imunisasi/anak/{}", b.child_id), t(lang, "health.anc.child_card")));
    }
    let mut flags = risk_text(lang, p);
    // After the birth the forms are gone; a refusal still needs saying.
    if p.birth.is_some() {
        flags.extend(visit_typed.errors.iter().chain(&birth_typed.errors).map(|(_, m)| m.clone()));
    }
    let summary = HealthSection { flags, facts, links, ..HealthSection::default() };
    let rows = p
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let bp_high = v.systolic >= super::model::HYPERTENSION.0 || v.diastolic >= super::model::HYPERTENSION.1;
            vec![
                HealthCell::text(format!("K{}", i + 1)),
                HealthCell::text(date(v.date)),
                HealthCell::text(tf(lang, "health.anc.weeks_value", &[("weeks", &v.weeks.to_string())])),
                HealthCell::text(format!("{:.1}", v.weight_kg)),
                HealthCell::text(format!("{}/{}", v.systolic, v.diastolic)).flagged(bp_high),
                HealthCell::text(v.hb.map(|h| format!("{h:.1}")).unwrap_or_default())
                    .flagged(v.hb.is_some_and(|h| h < super::model::ANAEMIA_HB)),
                HealthCell::text(v.lila_cm.map(|l| format!("{l:.1}")).unwrap_or_default())
                    .flagged(v.lila_cm.is_some_and(|l| l < super::model::KEK_LILA_CM)),
                HealthCell::text(v.notes.clone()),
            ]
        })
        .collect();
    let headers = [
        "health.anc.visit",
        "health.date",
        "health.anc.age",
        "health.anc.weight",
        "health.anc.bp",
        "health.anc.hb",
        "health.anc.lila",
        "health.notes",
    ];
    let mut forms = Vec::new();
    if p.birth.is_none() && ui::can(req, "POST", "/ibu-hamil/{id}/kunjungan") {
        let f = |name: &str, key: &str, c: Control| visit_typed.field(lang, name, key, c);
        forms.push(HealthForm {
            action: format!("/ibu-hamil/{}/kunjungan", p.id),
            submit: t(lang, "health.anc.add_visit"),
            help: t(lang, "health.anc.add_visit.help"),
            fields: vec![
                f("date", "health.date", Control::Input("date")).required(true),
                f("weeks", "health.anc.weeks", Control::Digits),
                f("weight_kg", "health.anc.weight", Control::Text).required(true),
                f("systolic", "health.anc.systolic", Control::Digits).required(true),
                f("diastolic", "health.anc.diastolic", Control::Digits).required(true),
                f("hb", "health.anc.hb", Control::Text),
                f("lila_cm", "health.anc.lila", Control::Text),
                f("notes", "health.notes", Control::Multiline),
            ],
            hidden: vec![],
        });
    }
    let visits = HealthSection {
        heading: t(lang, "health.anc.visits"),
        table: Some(HealthTable {
            headers: headers.iter().map(|k| t(lang, k)).collect(),
            rows,
            empty: t(lang, "health.anc.no_visits"),
        }),
        forms,
        ..HealthSection::default()
    };
    let mut sections = vec![summary, visits];
    if p.birth.is_none() {
        let posts: Vec<(String, String)> =
            crate::posyandu::operations::all_posyandu(&app.store).into_iter().map(|x| (x.id, x.name)).collect();
        let sexes = vec![("L".to_string(), t(lang, "posyandu.sex.l")), ("P".to_string(), t(lang, "posyandu.sex.p"))];
        let f = |name: &str, key: &str, c: Control| birth_typed.field(lang, name, key, c);
        sections.push(HealthSection {
            id: "persalinan".into(),
            heading: t(lang, "health.anc.birth"),
            forms: vec![HealthForm {
                action: format!("/ibu-hamil/{}/persalinan", p.id),
                submit: t(lang, "health.anc.record_birth"),
                help: t(lang, "health.anc.birth.help"),
                fields: vec![
                    f("posyandu_id", "health.posyandu", Control::Select(posts)).required(true),
                    f("name", "posyandu.child.name", Control::Text),
                    f("sex", "posyandu.child.sex", Control::Select(sexes)).required(true),
                    f("birth_date", "posyandu.child.birth_date", Control::Input("date")).required(true),
                    f("birth_weight_kg", "posyandu.child.birth_weight", Control::Text),
                    f("birth_length_cm", "posyandu.child.birth_length", Control::Text),
                ],
                hidden: vec![],
            }],
            ..HealthSection::default()
        });
    }
    ui::page(req, status, p.name.clone(), t(lang, "health.anc.detail_intro"), flash, sections)
}

async fn detail(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(p) = ops::get(&app.store, &id) else { return ui::not_found(&req) };
    if crate::health_record::operations::note_pregnancy_view(&app.store, &actor.0.username, &p.id).is_err() {
        return ui::internal(&req);
    }
    detail_view(&req, &app, &p, 200, Refused::None, None)
}

async fn visit(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<VisitInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(p) = ops::get(&app.store, &id) else { return ui::not_found(&req) };
    match ops::add_visit(&app.store, &actor.0.username, &p.id, &form.data, ui::today(&app)) {
        Ok(p) => {
            let flash = tf(lang, "health.anc.visit_saved", &[("n", &p.visits.len().to_string())]);
            detail_view(&req, &app, &p, 200, Refused::None, Some(flash))
        }
        Err(MaternalError::Invalid(errors)) => {
            detail_view(&req, &app, &p, 422, Refused::Visit(Typed::refused(lang, &form.pairs, &errors)), None)
        }
        Err(MaternalError::Store(_)) => ui::internal(&req),
    }
}

async fn birth(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<BirthInput>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(p) = ops::get(&app.store, &id) else { return ui::not_found(&req) };
    match ops::record_birth(&app.store, &actor.0.username, &p.id, &form.data, ui::today(&app)) {
        Ok((p, child)) => {
            let flash = tf(lang, "health.anc.born", &[("name", &child.name)]);
            detail_view(&req, &app, &p, 200, Refused::None, Some(flash))
        }
        Err(MaternalError::Invalid(errors)) => {
            detail_view(&req, &app, &p, 422, Refused::Birth(Typed::refused(lang, &form.pairs, &errors)), None)
        }
        Err(MaternalError::Store(_)) => ui::internal(&req),
    }
}
