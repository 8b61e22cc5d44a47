//! The letter service's JSON API under /api/v1, for kiosks and integrations:
//! request, verify, sign, status, download. Same operations as the pages.

use super::model::*;
use super::operations::{self as ops, LetterError, RequestInput};
use crate::app::App;
use crate::auth::guard::Actor;
use crate::auth::model::Role;
use crate::http::api_error::{FieldProblem, with_fields};
use crate::http::pages;
use crate::http::registry::{Endpoint, get, post};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/api/v1/letter-types", web::get().to(types)),
        post("/api/v1/letters", web::post().to(create)),
        get("/api/v1/letters/{id}", web::get().to(one)),
        post("/api/v1/letters/{id}/verify", web::post().to(verify)),
        post("/api/v1/letters/{id}/reject", web::post().to(reject)),
        post("/api/v1/letters/{id}/sign", web::post().to(sign)),
        get("/api/v1/letters/{id}/pdf", web::get().to(pdf)),
        get("/api/v1/verify", web::get().to(check)),
    ]
}

#[derive(Serialize)]
struct TypeOut {
    code: String,
    name: String,
    self_service: bool,
    rt_rw_approval: bool,
    version: u32,
    fields: Vec<FieldSpec>,
}

async fn types(app: web::Data<App>) -> HttpResponse {
    let out: Vec<TypeOut> = ops::types(&app.store)
        .into_iter()
        .filter(|t| t.enabled)
        .map(|t| TypeOut {
            fields: ops::current_template(&app.store, &t).map(|tp| tp.fields).unwrap_or_default(),
            code: t.code,
            name: t.name,
            self_service: t.self_service,
            rt_rw_approval: t.rt_rw_approval,
            version: t.current_version,
        })
        .collect();
    HttpResponse::Ok().json(out)
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    values: BTreeMap<String, String>,
    #[serde(default)]
    subject: BTreeMap<String, String>,
    #[serde(default)]
    phone: String,
    /// The client's own id for this request: sending it twice makes one request.
    form_token: String,
}

fn letter_error(req: &HttpRequest, e: LetterError) -> HttpResponse {
    let lang = pages::lang(req);
    match e {
        LetterError::Invalid(list) => with_fields(
            422,
            "invalid",
            list.into_iter().map(|(field, code)| FieldProblem { message: t(lang, &code), field, code }).collect(),
        ),
        LetterError::NotFound => with_fields(404, "not found", vec![]),
        LetterError::WrongState(s) => with_fields(409, &format!("the request is {}", s.code()), vec![]),
        LetterError::Store(_) => with_fields(500, "internal", vec![]),
    }
}

/// A resident may only see and request their own letters.
fn visible(actor: &Actor, r: &LetterRequest) -> bool {
    actor.0.role != Role::Warga || (r.resident_id.is_some() && r.resident_id == actor.0.resident_id)
}

async fn create(req: HttpRequest, app: web::Data<App>, actor: Actor, body: web::Bytes) -> HttpResponse {
    let body: CreateBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return with_fields(400, &format!("body is not a letter request: {e}"), vec![]),
    };
    let mut input = RequestInput {
        type_code: body.kind,
        nik: body.nik,
        subject: body.subject,
        values: body.values,
        phone: body.phone,
        attachments: Vec::new(),
        form_token: body.form_token,
    };
    let channel = if actor.0.role == Role::Warga {
        let own = actor.0.resident_id.as_deref().and_then(|id| crate::residents::operations::get(&app.store, id));
        match own {
            Some(r) => input.nik = r.nik,
            None => return with_fields(403, "no resident record for this account", vec![]),
        }
        Channel::Online
    } else {
        Channel::Api
    };
    let (who, app2) = (actor.0.username.clone(), app.clone());
    match web::block(move || ops::submit(&app2.store, &who, channel, input, &app2.config)).await {
        Ok(Ok(r)) => {
            HttpResponse::Created().insert_header(("Location", format!("/api/v1/letters/{}", r.id))).json(out(&app, &r))
        }
        Ok(Err(e)) => letter_error(&req, e),
        Err(_) => with_fields(500, "internal", vec![]),
    }
}

#[derive(Serialize)]
struct RequestOut<'a> {
    #[serde(flatten)]
    request: &'a LetterRequest,
    letter_number: Option<String>,
    verify_url: Option<String>,
    revoked: Option<&'a Revocation>,
}

fn out(app: &App, r: &LetterRequest) -> serde_json::Value {
    let letter = ops::issued(&app.store, &r.id);
    let base = app.config.letters.public_url.trim_end_matches('/');
    let value = RequestOut {
        request: r,
        letter_number: letter.as_ref().map(|l| l.number.clone()),
        verify_url: letter.as_ref().map(|l| format!("{base}/verify?c={}", l.sealed)),
        revoked: None,
    };
    let mut json = serde_json::to_value(value).unwrap_or_default();
    if let Some(rv) = letter.and_then(|l| l.revoked) {
        json["revoked"] = serde_json::to_value(rv).unwrap_or_default();
    }
    json
}

async fn one(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    match ops::get(&app.store, &id).filter(|r| visible(&actor, r)) {
        Some(r) => HttpResponse::Ok().json(out(&app, &r)),
        None => letter_error(&req, LetterError::NotFound),
    }
}

async fn verify(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    match ops::verify(&app.store, &actor.0.username, &id) {
        Ok(r) => HttpResponse::Ok().json(out(&app, &r)),
        Err(e) => letter_error(&req, e),
    }
}

#[derive(Deserialize)]
struct RejectBody {
    reason: String,
}

async fn reject(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Ok(body) = serde_json::from_slice::<RejectBody>(&body) else {
        return with_fields(400, "body must be {\"reason\": \"...\"}", vec![]);
    };
    match ops::reject(&app.store, &actor.0.username, &id, &body.reason) {
        Ok(r) => HttpResponse::Ok().json(out(&app, &r)),
        Err(e) => letter_error(&req, e),
    }
}

async fn sign(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let signer = ops::SignerInfo { username: actor.0.username.clone(), full_name: actor.0.full_name.clone() };
    let app2 = app.clone();
    match web::block(move || ops::sign(&app2.store, &app2.config, &app2.letter_key, &signer, &id)).await {
        Ok(Ok(r)) => HttpResponse::Ok().json(out(&app, &r)),
        Ok(Err(e)) => letter_error(&req, e),
        Err(_) => with_fields(500, "internal", vec![]),
    }
}

async fn pdf(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let Some(r) = ops::get(&app.store, &id).filter(|r| visible(&actor, r)) else {
        return letter_error(&req, LetterError::NotFound);
    };
    let Some(letter) = ops::issued(&app.store, &r.id) else { return letter_error(&req, LetterError::NotFound) };
    if actor.0.role == Role::Warga {
        if ops::note_download(&app.store, &actor.0.username, &r.id).is_err() {
            return with_fields(500, "internal", vec![]);
        }
    } else {
        let note = crate::store::Change::note("letter", &r.id, crate::store::Op::Export);
        let _ = app.store.commit(&actor.0.username, vec![note], crate::store::Durability::Lazy);
    }
    match ops::pdf(&app.config, &app.letter_key, &letter) {
        Ok(bytes) => HttpResponse::Ok().content_type("application/pdf").body(bytes),
        Err(_) => with_fields(500, "internal", vec![]),
    }
}

#[derive(Deserialize)]
struct CheckQuery {
    #[serde(default)]
    c: String,
    #[serde(default)]
    nomor: String,
}

#[derive(Serialize)]
struct Verdict {
    verdict: &'static str,
    number: Option<String>,
    type_code: Option<String>,
    date: Option<chrono::NaiveDate>,
    revoked: Option<Revocation>,
}

async fn check(req: HttpRequest, app: web::Data<App>, q: web::Query<CheckQuery>) -> HttpResponse {
    let v = if !q.c.trim().is_empty() {
        ops::verify_sealed(&app.store, &app.letter_key, &q.c)
    } else if !q.nomor.trim().is_empty() {
        if !app.tracking_limit.allow(&crate::http::rate_limit::client_key(&req)) {
            return with_fields(429, "too many lookups; try again later", vec![]);
        }
        ops::verify_number(&app.store, &q.nomor)
    } else {
        return with_fields(400, "give c (the QR payload) or nomor", vec![]);
    };
    let verdict = super::routes::verdict_code(&v);
    let letter = match v {
        ops::Verdict::Genuine(l) | ops::Verdict::Revoked(l) => Some(l),
        _ => None,
    };
    HttpResponse::Ok().json(Verdict {
        verdict,
        number: letter.as_ref().map(|l| l.number.clone()),
        type_code: letter.as_ref().map(|l| l.type_code.clone()),
        date: letter.as_ref().map(|l| l.date),
        revoked: letter.and_then(|l| l.revoked),
    })
}
