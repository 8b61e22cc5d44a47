//! The register's JSON API under /api/v1, for kiosks and integrations (bearer
//! tokens issued with `balai token issue`). Same operations as the pages; the
//! shapes are described in /api/v1/openapi.json.

use super::model::{Family, Resident, ResidentInput};
use super::operations::{self as ops, RegisterError};
use super::stats;
use crate::app::App;
use crate::auth::guard::Actor;
use crate::http::api_error::{FieldProblem, json_error, with_fields};
use crate::http::pages;
use crate::http::registry::{Endpoint, get, post, put};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::Lang;
use serde::{Deserialize, Serialize};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/api/v1/residents", web::get().to(list)),
        post("/api/v1/residents", web::post().to(create)),
        get("/api/v1/residents/{id}", web::get().to(one)),
        put("/api/v1/residents/{id}", web::put().to(update)),
        get("/api/v1/families", web::get().to(families)),
        get("/api/v1/families/{id}", web::get().to(family)),
        get("/api/v1/search", web::get().to(search)),
        get("/api/v1/statistics", web::get().to(statistics)),
    ]
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    dusun: String,
    #[serde(default)]
    offset: usize,
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    50
}

#[derive(Serialize)]
struct Page<T> {
    total: usize,
    offset: usize,
    items: Vec<T>,
}

async fn list(app: web::Data<App>, q: web::Query<ListQuery>) -> HttpResponse {
    let dusun = Some(q.dusun.as_str()).filter(|d| !d.is_empty());
    let (items, total) = ops::page(&app.store, dusun, q.offset, q.limit.min(500));
    HttpResponse::Ok().json(Page { total, offset: q.offset, items })
}

fn register_error(lang: Lang, e: RegisterError) -> HttpResponse {
    let problem = |field: &str, key: &str, detail: &str| FieldProblem {
        field: field.into(),
        code: key.into(),
        message: super::views::message(lang, key, detail),
    };
    let (status, error, fields) = match e {
        RegisterError::Invalid(errs) => {
            (422, "invalid", errs.iter().map(|e| problem(e.field, e.key, &e.detail)).collect())
        }
        RegisterError::NeedsAck(ws) => {
            (422, "warnings need nik_warning_ack", ws.iter().map(|w| problem(w.field, w.key, &w.detail)).collect())
        }
        RegisterError::DuplicateNik(holder) => {
            (409, "duplicate", vec![problem("nik", "residents.nik.duplicate", &holder)])
        }
        RegisterError::DuplicateKk(kk) => (409, "duplicate", vec![problem("no_kk", "residents.kk.duplicate", &kk)]),
        RegisterError::NotFound => (404, "not found", vec![]),
        RegisterError::Store(_) => (500, "internal", vec![]),
    };
    with_fields(status, error, fields)
}

/// JSON bodies are parsed here (not by an extractor) so a malformed body gets
/// the API's own error shape naming the problem.
fn parse_input(body: &[u8]) -> Result<ResidentInput, Box<HttpResponse>> {
    serde_json::from_slice(body).map_err(|e| Box::new(json_error(400, &format!("body is not a resident: {e}"))))
}

async fn create(req: HttpRequest, app: web::Data<App>, actor: Actor, body: web::Bytes) -> HttpResponse {
    let input = match parse_input(&body) {
        Ok(i) => i,
        Err(resp) => return *resp,
    };
    let who = actor.0.username.clone();
    let app2 = app.clone();
    match web::block(move || ops::create(&app2.store, &who, &input)).await {
        Ok(Ok(r)) => {
            app.index_now();
            HttpResponse::Created().insert_header(("Location", format!("/api/v1/residents/{}", r.id))).json(r)
        }
        Ok(Err(e)) => register_error(pages::lang(&req), e),
        Err(_) => json_error(500, "internal"),
    }
}

async fn update(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let input = match parse_input(&body) {
        Ok(i) => i,
        Err(resp) => return *resp,
    };
    let (who, id, app2) = (actor.0.username.clone(), path.into_inner(), app.clone());
    match web::block(move || ops::update(&app2.store, &who, &id, &input)).await {
        Ok(Ok(r)) => {
            app.index_now();
            HttpResponse::Ok().json(r)
        }
        Ok(Err(e)) => register_error(pages::lang(&req), e),
        Err(_) => json_error(500, "internal"),
    }
}

async fn one(app: web::Data<App>, actor: Actor, path: web::Path<String>) -> HttpResponse {
    let Some(r) = ops::get(&app.store, &path) else {
        return json_error(404, "not found");
    };
    if ops::note_view(&app.store, &actor.0.username, &r.id, "full record (API)").is_err() {
        return json_error(500, "internal");
    }
    HttpResponse::Ok().json(r)
}

#[derive(Serialize)]
struct FamilyWithMembers {
    #[serde(flatten)]
    family: Family,
    members: Vec<Resident>,
}

async fn families(app: web::Data<App>, q: web::Query<ListQuery>) -> HttpResponse {
    let all: Vec<Family> = app.store.scan().filter_map(Result::ok).collect();
    let total = all.len();
    let items: Vec<Family> = all.into_iter().skip(q.offset).take(q.limit.min(500)).collect();
    HttpResponse::Ok().json(Page { total, offset: q.offset, items })
}

async fn family(app: web::Data<App>, path: web::Path<String>) -> HttpResponse {
    match ops::family(&app.store, &path) {
        Some(family) => {
            let members = ops::members(&app.store, &family.id);
            HttpResponse::Ok().json(FamilyWithMembers { family, members })
        }
        None => json_error(404, "not found"),
    }
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    #[serde(default = "default_limit")]
    limit: usize,
}

async fn search(app: web::Data<App>, q: web::Query<SearchQuery>) -> HttpResponse {
    HttpResponse::Ok().json(app.search(&q.q, q.limit.min(200)))
}

async fn statistics(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok().json(&*stats::current(&app))
}
