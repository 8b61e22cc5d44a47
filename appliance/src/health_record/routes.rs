//! The health record page: look a person up by NIK, read their timeline.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{HealthCell, HealthFilter, HealthSection, HealthTable, t, tf};

use super::operations as ops;
use super::ui::{self, date};
use crate::app::App;
use crate::auth::guard::{Actor, see_other, urlencode};
use crate::http::pages;
use crate::http::registry::{Endpoint, get};

pub fn endpoints() -> Vec<Endpoint> {
    vec![get("/rekam-kesehatan", web::get().to(lookup)), get("/rekam-kesehatan/{id}", web::get().to(record))]
}

async fn lookup(req: HttpRequest, app: web::Data<App>, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let lang = pages::lang(&req);
    let nik = query.get("nik").map(|n| n.trim().to_string()).unwrap_or_default();
    if !nik.is_empty()
        && let Some(id) = ops::id_by_nik(&app.store, &nik)
    {
        return see_other(&format!("/rekam-kesehatan/{}", urlencode(&id)));
    }
    let section = HealthSection {
        flags: (!nik.is_empty())
            .then(|| tf(lang, "health.error.unknown_nik", &[("detail", &nik)]))
            .into_iter()
            .collect(),
        filter: Some(HealthFilter {
            action: "/rekam-kesehatan".into(),
            submit: t(lang, "health.show"),
            inputs: vec![("nik".into(), t(lang, "health.record.nik"), nik.clone())],
        }),
        ..HealthSection::default()
    };
    let status = if nik.is_empty() { 200 } else { 404 };
    ui::page(&req, status, t(lang, "health.record.title"), t(lang, "health.record.intro"), None, vec![section])
}

async fn record(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let lang = pages::lang(&req);
    let Some(subject) = ops::subject(&app.store, &id) else { return ui::not_found(&req) };
    let Ok(entries) = ops::view(&app.store, &actor.0.username, &subject) else { return ui::internal(&req) };
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                HealthCell::text(date(e.date)),
                HealthCell::text(t(lang, e.kind.key())),
                HealthCell::text(e.summary.clone()),
            ]
        })
        .collect();
    let table = HealthTable {
        headers: vec![t(lang, "health.date"), t(lang, "health.record.kind"), t(lang, "health.record.summary")],
        rows,
        empty: t(lang, "health.record.empty"),
    };
    let mut links: Vec<(String, String)> =
        subject.child_ids.iter().map(|c| (format!("/imunisasi/anak/{c}"), t(lang, "health.imm.card"))).collect();
    links.extend(subject.pregnancy_ids.iter().map(|p| (format!("/ibu-hamil/{p}"), t(lang, "health.anc.title"))));
    let section = HealthSection {
        text: vec![t(lang, "health.record.audited")],
        table: Some(table),
        links,
        ..HealthSection::default()
    };
    let title = tf(lang, "health.record.of", &[("name", &subject.name)]);
    ui::page(&req, 200, title, String::new(), None, vec![section])
}
