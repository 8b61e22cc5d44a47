//! The queue in the JSON API under /api/v1/queue, for kiosks and counter
//! displays with a bearer token: take a ticket, call the next one, act on a
//! ticket at a counter, and read the board's state with today's figures.

use super::live;
use super::model::Ticket;
use super::operations::{self as ops, Action, QueueError};
use super::routes::status_of;
use crate::app::App;
use crate::auth::guard::Actor;
use crate::http::api_error::{self, FieldProblem};
use crate::http::pages;
use crate::http::registry::{Endpoint, get, post};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::t;
use chrono::Utc;
use serde::{Deserialize, Serialize};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        post("/api/v1/queue/tickets", web::post().to(take)),
        post("/api/v1/queue/call", web::post().to(call)),
        post("/api/v1/queue/tickets/{id}/recall", web::post().to(|r, a, u, i| act(r, a, u, i, Action::Recall))),
        post("/api/v1/queue/tickets/{id}/finish", web::post().to(|r, a, u, i| act(r, a, u, i, Action::Finish))),
        post("/api/v1/queue/tickets/{id}/skip", web::post().to(|r, a, u, i| act(r, a, u, i, Action::Skip))),
        get("/api/v1/queue/state", web::get().to(state)),
    ]
}

#[derive(Serialize)]
pub struct TicketJson {
    pub id: String,
    pub label: String,
    pub service: String,
    pub prefix: String,
    pub number: u32,
    pub day: String,
    pub state: &'static str,
    pub counter: Option<u32>,
    pub taken_at: String,
    pub called_at: Option<String>,
    pub finished_at: Option<String>,
    pub wait_secs: Option<i64>,
    pub service_secs: Option<i64>,
    /// Tickets of the same service still waiting before this one.
    pub ahead: usize,
}

fn ticket_json(app: &App, t: &Ticket) -> TicketJson {
    TicketJson {
        id: t.id.clone(),
        label: t.label(),
        service: t.service_name.clone(),
        prefix: t.prefix.clone(),
        number: t.number,
        day: t.day.clone(),
        state: t.state.code(),
        counter: t.counter,
        taken_at: t.taken_at.to_rfc3339(),
        called_at: t.called_at.map(|c| c.to_rfc3339()),
        finished_at: t.finished_at.map(|c| c.to_rfc3339()),
        wait_secs: t.wait_secs(),
        service_secs: t.service_secs(),
        ahead: ops::ahead(&app.store, t),
    }
}

/// The API's one error shape; the field a problem belongs to is named.
fn error(req: &HttpRequest, e: &QueueError) -> HttpResponse {
    let lang = pages::lang(req);
    let problem =
        |field: &str, key: &str| FieldProblem { field: field.into(), code: key.into(), message: t(lang, key) };
    let fields = match e {
        QueueError::Invalid(list) => list.iter().map(|(f, k)| problem(f, k)).collect(),
        QueueError::UnknownService | QueueError::ServiceClosed => vec![problem("service", e.key())],
        QueueError::UnknownCounter | QueueError::NothingAtCounter => vec![problem("counter", e.key())],
        _ => Vec::new(),
    };
    api_error::with_fields(status_of(e), &t(lang, e.key()), fields)
}

#[derive(Deserialize)]
struct TakeBody {
    #[serde(default)]
    service: String,
}

async fn take(req: HttpRequest, app: web::Data<App>, actor: Actor, body: web::Json<TakeBody>) -> HttpResponse {
    let offset = app.config.utc_offset_hours();
    match ops::take_ticket(&app.store, &actor.0.username, &body.service, Utc::now(), offset) {
        Ok(t) => {
            live::publish(&app, None);
            HttpResponse::Created().json(ticket_json(&app, &t))
        }
        Err(e) => error(&req, &e),
    }
}

#[derive(Deserialize)]
struct CallBody {
    #[serde(default)]
    counter: u32,
    #[serde(default)]
    service: Option<String>,
}

async fn call(req: HttpRequest, app: web::Data<App>, actor: Actor, body: web::Json<CallBody>) -> HttpResponse {
    let (counters, offset) = (app.config.queue.counters, app.config.utc_offset_hours());
    let service = body.service.as_deref();
    match ops::call_next(&app.store, &actor.0.username, body.counter, counters, service, Utc::now(), offset) {
        Ok(called) => {
            live::publish(&app, called.as_ref().and_then(ops::call_of).as_ref());
            let ticket = called.map(|t| ticket_json(&app, &t));
            HttpResponse::Ok().json(serde_json::json!({ "ticket": ticket }))
        }
        Err(e) => error(&req, &e),
    }
}

async fn act(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    action: Action,
) -> HttpResponse {
    match ops::act_on_ticket(&app.store, &actor.0.username, &id, action) {
        Ok(t) => {
            let call = (action == Action::Recall).then(|| ops::call_of(&t)).flatten();
            live::publish(&app, call.as_ref());
            HttpResponse::Ok().json(ticket_json(&app, &t))
        }
        Err(e) => error(&req, &e),
    }
}

async fn state(app: web::Data<App>) -> HttpResponse {
    let today = crate::config::local_day(Utc::now(), app.config.utc_offset_hours());
    HttpResponse::Ok().json(serde_json::json!({
        "board": live::current_board(&app),
        "figures": ops::figures(&app.store, today..=today),
    }))
}

/// The queue's operations in the OpenAPI document (see `http::openapi`).
pub fn describe(op: &mut serde_json::Value, method: &str, path: &str) {
    use serde_json::json;
    let (summary, body) = match (method, path) {
        ("POST", "/api/v1/queue/tickets") => (
            "take a ticket: the next number of a service today (A-001, A-002, …)",
            Some(
                json!({ "type": "object", "required": ["service"], "properties": { "service": { "type": "string", "description": "the service's letter (A) or id" } } }),
            ),
        ),
        ("POST", "/api/v1/queue/call") => (
            "call the oldest waiting ticket (of one service, or any) to a counter; the counter's previous ticket is finished. `ticket` is null when no one waits",
            Some(
                json!({ "type": "object", "required": ["counter"], "properties": { "counter": { "type": "integer", "minimum": 1 }, "service": { "type": "string", "description": "letter or id; omit for any service" } } }),
            ),
        ),
        ("POST", p) if p.ends_with("/recall") => ("call the ticket at its counter again", None),
        ("POST", p) if p.ends_with("/finish") => ("the ticket's service is done (records the service time)", None),
        ("POST", p) if p.ends_with("/skip") => ("the called resident did not come (no-show)", None),
        _ => (
            "today's board (each counter's ticket, latest calls, waiting per service) and waiting/service-time figures",
            None,
        ),
    };
    op["summary"] = json!(summary);
    if let Some(schema) = body {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": schema } } });
    }
    if method == "POST" {
        op["responses"]["409"] =
            json!({ "description": "the service takes no tickets now, or no ticket is at that counter" });
        op["responses"]["422"] = json!({ "description": "unknown service or counter (the field is named)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    }
}
