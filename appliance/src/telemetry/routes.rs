//! /metrics (Prometheus text) and a device's readings as CSV.

use super::model::Measure;
use super::series::{DAY_MS, Resolution, Series, csv};
use crate::app::App;
use crate::http::registry::{Endpoint, get};
use actix_web::{HttpResponse, web};
use std::collections::HashMap;

pub fn endpoints() -> Vec<Endpoint> {
    vec![get("/metrics", web::get().to(metrics)), get("/perangkat/{id}/data.csv", web::get().to(export))]
}

async fn metrics(app: web::Data<App>) -> HttpResponse {
    let body = app.mqtt.get().map(|m| m.metrics.prometheus()).unwrap_or_default();
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body)
}

fn day_ms(s: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

/// `?measure=soil_moisture_pct&from=2026-11-01&to=2026-11-28&resolution=hour`;
/// dates are UTC days, `to` included. Without a measure, all of them.
async fn export(app: web::Data<App>, id: web::Path<String>, q: web::Query<HashMap<String, String>>) -> HttpResponse {
    let bad =
        |what: &str| HttpResponse::BadRequest().content_type("text/plain; charset=utf-8").body(format!("{what}\n"));
    let id = id.into_inner();
    if crate::devices::operations::get(&app.store, &id).is_none() {
        return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("no such device\n");
    }
    let now = chrono::Utc::now().timestamp_millis();
    let from = match q.get("from") {
        Some(s) => match day_ms(s) {
            Some(t) => t,
            None => return bad("from: expected YYYY-MM-DD"),
        },
        None => now - 7 * DAY_MS,
    };
    let to = match q.get("to") {
        Some(s) => match day_ms(s) {
            Some(t) => t + DAY_MS,
            None => return bad("to: expected YYYY-MM-DD"),
        },
        None => now + 1,
    };
    let resolution = match q.get("resolution").map(String::as_str) {
        None => Resolution::Raw,
        Some(r) => match Resolution::parse(r) {
            Some(r) => r,
            None => return bad("resolution: raw, hour or day"),
        },
    };
    let measures: Vec<Measure> = match q.get("measure") {
        None => Measure::ALL.to_vec(),
        Some(m) => match Measure::parse(m) {
            Some(m) => vec![m],
            None => return bad("measure: unknown"),
        },
    };
    let Ok(series) = Series::open(&app.store) else { return HttpResponse::InternalServerError().finish() };
    let mut rows = Vec::new();
    for m in measures {
        match series.query(&id, m, resolution, from, to) {
            Ok(points) => rows.extend(points.into_iter().map(|p| (id.clone(), m, p))),
            Err(_) => return HttpResponse::InternalServerError().finish(),
        }
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{id}.csv\"")))
        .body(csv(&rows))
}
