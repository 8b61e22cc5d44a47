//! The queue's pages: the kiosk (/antrian) and its printable ticket, the
//! operator's counter page (/antrian/loket), the TV board (/antrian/papan)
//! with its event stream and spoken calls, and the admin's service list.

use super::live::{self, KEEP_ALIVE};
use super::model::{Service, ServiceInput, Ticket};
use super::operations::{self as ops, Action, QueueError};
use super::speech;
use crate::app::App;
use crate::auth::guard::{self, Actor, CsrfForm, identity_of, see_other};
use crate::http::pages::{self, html, ok, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{FlashKind, t};
use chrono::Utc;
use serde::Deserialize;
use std::time::Duration;

pub fn endpoints() -> Vec<Endpoint> {
    let mut all = vec![
        get("/antrian", web::get().to(kiosk)),
        post("/antrian/tickets", web::post().to(take)),
        get("/antrian/tickets/{id}", web::get().to(ticket_page)),
        get("/antrian/loket", web::get().to(desk)),
        post("/antrian/loket/call", web::post().to(call)),
        post("/antrian/loket/recall", web::post().to(|r, a, u, f| act(r, a, u, f, Action::Recall))),
        post("/antrian/loket/serve", web::post().to(|r, a, u, f| act(r, a, u, f, Action::Serve))),
        post("/antrian/loket/finish", web::post().to(|r, a, u, f| act(r, a, u, f, Action::Finish))),
        post("/antrian/loket/skip", web::post().to(|r, a, u, f| act(r, a, u, f, Action::Skip))),
        get("/antrian/papan", web::get().to(board)),
        get("/antrian/events", web::get().to(events)),
        get("/antrian/announcements/{id}.wav", web::get().to(announcement)),
        get("/antrian/layanan", web::get().to(services_page)),
        post("/antrian/layanan", web::post().to(add_service)),
        post("/antrian/layanan/{id}", web::post().to(save_service)),
        get("/static/board.js", web::get().to(board_js)),
        get("/static/queue.css", web::get().to(queue_css)),
    ];
    all.extend(super::api::endpoints());
    all
}

fn offset(app: &App) -> i32 {
    app.config.utc_offset_hours()
}

fn service_views(app: &App) -> Vec<balai_ui::QueueService> {
    let board = live::current_board(app);
    ops::services(&app.store)
        .into_iter()
        .map(|s| balai_ui::QueueService {
            waiting: board.waiting.iter().find(|w| w.prefix == s.prefix).map(|w| w.count).unwrap_or(0),
            id: s.id,
            prefix: s.prefix,
            name: s.name,
            enabled: s.enabled,
        })
        .collect()
}

// ---------------------------------------------------------------- kiosk

async fn kiosk(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    kiosk_page(&req, &app, 200, None)
}

/// Anonymous visitors need the pre-session token to post the form.
fn kiosk_page(req: &HttpRequest, app: &App, status: u16, error: Option<String>) -> HttpResponse {
    let mut shell = shell(req);
    let mut cookie = None;
    if identity_of(req).is_none() {
        let (token, c) = guard::pre_session_token(req);
        shell.csrf = token;
        cookie = c;
    }
    if let Some(e) = error {
        shell = with_flash(shell, FlashKind::Error, e);
    }
    let services = service_views(app).into_iter().filter(|s| s.enabled).collect();
    let mut resp = html(status, balai_ui::render_queue_kiosk(balai_ui::QueueKioskProps { shell, services }));
    if let Some(c) = cookie {
        let _ = resp.add_cookie(&c);
    }
    resp
}

#[derive(Deserialize)]
struct TakeForm {
    #[serde(default)]
    service: String,
}

async fn take(req: HttpRequest, app: web::Data<App>, form: CsrfForm<TakeForm>) -> HttpResponse {
    let lang = pages::lang(&req);
    let identity = identity_of(&req);
    if identity.is_none() && !may_take_anonymously(&req, &app) {
        return kiosk_page(&req, &app, 429, Some(t(lang, "queue.error.too_many")));
    }
    let actor = identity.map(|i| i.username).unwrap_or_else(|| "kiosk".into());
    match ops::take_ticket(&app.store, &actor, &form.data.service, Utc::now(), offset(&app)) {
        Ok(ticket) => {
            live::publish(&app, None);
            see_other(&format!("/antrian/tickets/{}", ticket.id))
        }
        Err(e) => kiosk_page(&req, &app, status_of(&e), Some(t(lang, e.key()))),
    }
}

/// Kiosk addresses always may; anyone else a few tickets an hour.
fn may_take_anonymously(req: &HttpRequest, app: &App) -> bool {
    let addr = crate::http::rate_limit::client_key(req);
    app.config.queue.kiosk_addresses.iter().any(|k| k.trim() == addr) || app.queue.anonymous_tickets.allow(&addr)
}

pub fn status_of(e: &QueueError) -> u16 {
    match e {
        QueueError::Store(crate::store::StoreError::Unique { .. }) => 409,
        QueueError::Store(_) => 500,
        QueueError::UnknownTicket => 404,
        QueueError::NothingAtCounter | QueueError::ServiceClosed => 409,
        QueueError::UnknownService | QueueError::UnknownCounter | QueueError::Invalid(_) => 422,
    }
}

async fn ticket_page(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    let Some(ticket) = ops::ticket(&app.store, &id) else {
        return pages::error_page(&req, 404, "queue.error.unknown_ticket");
    };
    let props = balai_ui::QueueTicketProps {
        lang: pages::lang(&req),
        village_name: pages::village_name(&req),
        label: ticket.label(),
        service: ticket.service_name.clone(),
        taken: pages::local_time(&req, ticket.taken_at),
        ahead: ops::ahead(&app.store, &ticket),
        state_key: format!("queue.state.{}", ticket.state.code()),
        counter: ticket.counter.filter(|_| ticket.state.at_counter()),
    };
    ok(balai_ui::render_queue_ticket(props))
}

// ---------------------------------------------------------------- the counter

#[derive(Deserialize)]
struct DeskQuery {
    #[serde(default)]
    counter: String,
}

async fn desk(req: HttpRequest, app: web::Data<App>, q: web::Query<DeskQuery>) -> HttpResponse {
    desk_page(&req, &app, 200, q.counter.parse().unwrap_or(0), None)
}

fn desk_page(req: &HttpRequest, app: &App, status: u16, counter: u32, error: Option<String>) -> HttpResponse {
    let lang = pages::lang(req);
    let counters = app.config.queue.counters;
    let counter = if (1..=counters).contains(&counter) { counter } else { 0 };
    let today = crate::config::local_day(Utc::now(), offset(app));
    let tickets = ops::tickets_of_day(&app.store, &ops::day_key(today));
    let current = ops::at_counter(&tickets, counter).map(|t| desk_ticket(req, t));
    let mut shell = shell(req);
    if let Some(e) = error {
        shell = with_flash(shell, FlashKind::Error, e);
    }
    let props = balai_ui::QueueDeskProps {
        shell,
        counters,
        counter,
        current,
        services: service_views(app).into_iter().filter(|s| s.enabled).collect(),
        figures: figures_view(lang, &ops::figures_of(&tickets)),
    };
    html(status, balai_ui::render_queue_desk(props))
}

fn desk_ticket(req: &HttpRequest, t: &Ticket) -> balai_ui::QueueDeskTicket {
    balai_ui::QueueDeskTicket {
        id: t.id.clone(),
        label: t.label(),
        service: t.service_name.clone(),
        state_key: format!("queue.state.{}", t.state.code()),
        called: t.called_at.map(|c| pages::local_time(req, c)).unwrap_or_default(),
        calls: t.calls,
        serving: t.state == super::model::TicketState::Serving,
    }
}

pub fn figures_view(lang: balai_ui::Lang, f: &ops::QueueFigures) -> balai_ui::QueueFiguresView {
    let d = |s: Option<i64>| s.map(duration).unwrap_or_else(|| t(lang, "queue.figures.none"));
    balai_ui::QueueFiguresView {
        tickets: f.tickets,
        served: f.served,
        skipped: f.skipped,
        waiting: f.waiting_now,
        median_wait: d(f.median_wait_secs),
        p90_wait: d(f.p90_wait_secs),
        median_service: d(f.median_service_secs),
        p90_service: d(f.p90_service_secs),
    }
}

/// The last 30 days for the staff dashboard; nothing before the first ticket.
pub fn dashboard_figures(app: &App, lang: balai_ui::Lang) -> Option<balai_ui::QueueFiguresView> {
    let today = crate::config::local_day(Utc::now(), offset(app));
    let f = ops::figures(&app.store, today - chrono::Duration::days(29)..=today);
    (f.tickets > 0).then(|| figures_view(lang, &f))
}

/// `7:05` (minutes:seconds), `1:02:00` past an hour.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[derive(Deserialize)]
struct DeskForm {
    #[serde(default)]
    counter: String,
    #[serde(default)]
    service: String,
}

fn counter_of(form: &DeskForm) -> u32 {
    form.counter.trim().parse().unwrap_or(0)
}

async fn call(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<DeskForm>) -> HttpResponse {
    let counter = counter_of(&form.data);
    let service = Some(form.data.service.as_str()).filter(|s| !s.is_empty());
    let result = ops::call_next(
        &app.store,
        &actor.0.username,
        counter,
        app.config.queue.counters,
        service,
        Utc::now(),
        offset(&app),
    );
    match result {
        Ok(called) => {
            live::publish(&app, called.as_ref().and_then(ops::call_of).as_ref());
            if called.is_none() {
                let lang = pages::lang(&req);
                return desk_page(&req, &app, 200, counter, Some(t(lang, "queue.error.nobody_waiting")));
            }
            see_other(&format!("/antrian/loket?counter={counter}"))
        }
        Err(e) => desk_page(&req, &app, status_of(&e), counter, Some(t(pages::lang(&req), e.key()))),
    }
}

async fn act(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<DeskForm>,
    action: Action,
) -> HttpResponse {
    let counter = counter_of(&form.data);
    let counters = app.config.queue.counters;
    match ops::act_at_counter(&app.store, &actor.0.username, counter, counters, action, Utc::now(), offset(&app)) {
        Ok(ticket) => {
            let call = (action == Action::Recall).then(|| ops::call_of(&ticket)).flatten();
            live::publish(&app, call.as_ref());
            see_other(&format!("/antrian/loket?counter={counter}"))
        }
        Err(e) => desk_page(&req, &app, status_of(&e), counter, Some(t(pages::lang(&req), e.key()))),
    }
}

// ---------------------------------------------------------------- the board

/// The board may run one script of our own (board.js) and play our sounds;
/// everything else keeps Balai's no-script policy.
const BOARD_CSP: &str = "default-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'";

async fn board(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let b = live::current_board(&app);
    let props = balai_ui::QueueBoardProps {
        lang: pages::lang(&req),
        village_name: pages::village_name(&req),
        counters: b
            .counters
            .iter()
            .map(|c| balai_ui::QueueBoardCounter {
                counter: c.counter,
                label: c.label.clone(),
                service: c.service.clone(),
            })
            .collect(),
        recent: b
            .recent
            .iter()
            .map(|c| balai_ui::QueueBoardCall {
                label: c.label.clone(),
                counter: c.counter,
                service: c.service.clone(),
            })
            .collect(),
        waiting: b
            .waiting
            .iter()
            .map(|w| balai_ui::QueueBoardWaiting { prefix: w.prefix.clone(), name: w.name.clone(), count: w.count })
            .collect(),
        speech_on_box: app.queue.speech_on_box(),
    };
    let mut resp = ok(balai_ui::render_queue_board(props));
    resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(BOARD_CSP));
    resp
}

/// Server-sent events: the whole board at once, then `state` on every
/// change, `call` on every call, and a comment every 15 s so proxies and TV
/// browsers keep the connection. A request that does not accept an event
/// stream (a plain fetch, a crawler) gets the current state and the end.
async fn events(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let first = Bytes::from(format!(
        "retry: 3000\n\n{}",
        String::from_utf8_lossy(&live::sse("state", &live::current_board(&app)))
    ));
    let wants_stream = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    let respond = |b: &mut actix_web::HttpResponseBuilder| {
        b.content_type("text/event-stream")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header(("X-Accel-Buffering", "no"));
    };
    let mut builder = HttpResponse::Ok();
    respond(&mut builder);
    if !wants_stream {
        return builder.body(first);
    }
    let Some(rx) = app.queue.subscribe() else {
        return HttpResponse::ServiceUnavailable().insert_header((header::RETRY_AFTER, "30")).finish();
    };
    builder.streaming(event_stream(first, rx))
}

fn event_stream(
    first: Bytes,
    rx: tokio::sync::broadcast::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    futures_util::stream::unfold((Some(first), rx, ticker), |(first, mut rx, mut ticker)| async move {
        if let Some(first) = first {
            return Some((Ok(first), (None, rx, ticker)));
        }
        use tokio::sync::broadcast::error::RecvError;
        let item = tokio::select! {
            msg = rx.recv() => match msg {
                Ok(bytes) => bytes,
                // Missed events only matter through the latest state, which comes next.
                Err(RecvError::Lagged(_)) => Bytes::from_static(b": lagged\n\n"),
                Err(RecvError::Closed) => return None,
            },
            _ = ticker.tick() => Bytes::from_static(b": keep-alive\n\n"),
        };
        Some((Ok(item), (None, rx, ticker)))
    })
}

/// The spoken call for a ticket's latest call, made by espeak-ng on the box.
async fn announcement(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    let Some(call) = ops::ticket(&app.store, &id).as_ref().and_then(ops::call_of) else {
        return pages::error_page(&req, 404, "queue.error.unknown_ticket");
    };
    if !app.queue.speech_on_box() {
        return pages::error_page(&req, 404, "queue.error.no_speech");
    }
    let dir = app.queue.speech_dir.clone();
    let made = web::block(move || speech::wav(&dir, &call.speech, Duration::from_secs(10))).await;
    match made {
        Ok(Ok(bytes)) => HttpResponse::Ok()
            .content_type("audio/wav")
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(bytes),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "espeak-ng could not make the call's sound");
            pages::error_page(&req, 503, "queue.error.no_speech")
        }
        Err(e) => {
            tracing::warn!(error = %e, "speech worker failed");
            pages::error_page(&req, 503, "queue.error.no_speech")
        }
    }
}

async fn board_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(balai_ui::BOARD_JS)
}

async fn queue_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(balai_ui::QUEUE_CSS)
}

// ---------------------------------------------------------------- services (admin)

async fn services_page(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    services_response(&req, &app, 200, None, None)
}

fn services_response(
    req: &HttpRequest,
    app: &App,
    status: u16,
    flash: Option<(FlashKind, String)>,
    errors: Option<(String, Vec<balai_ui::FieldMessage>)>,
) -> HttpResponse {
    let mut shell = shell(req);
    if let Some((kind, text)) = flash {
        shell = with_flash(shell, kind, text);
    }
    let (error_row, errors) = errors.unwrap_or_default();
    let props = balai_ui::QueueServicesProps {
        shell,
        services: service_views(app),
        counters: app.config.queue.counters,
        error_row,
        errors,
    };
    html(status, balai_ui::render_queue_services(props))
}

fn field_errors(lang: balai_ui::Lang, e: &QueueError) -> Vec<balai_ui::FieldMessage> {
    match e {
        QueueError::Invalid(list) => list.iter().map(|(f, k)| (f.to_string(), t(lang, k))).collect(),
        QueueError::Store(crate::store::StoreError::Unique { .. }) => vec![("prefix".into(), t(lang, e.key()))],
        other => vec![("name".into(), t(lang, other.key()))],
    }
}

async fn add_service(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<ServiceInput>,
) -> HttpResponse {
    save(&req, &app, ops::add_service(&app.store, &actor.0.username, &form.data), "new")
}

async fn save_service(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<ServiceInput>,
) -> HttpResponse {
    if app.store.get::<Service>(&id).ok().flatten().is_none() {
        return pages::error_page(&req, 404, "queue.error.unknown_service");
    }
    save(&req, &app, ops::update_service(&app.store, &actor.0.username, &id, &form.data), &id)
}

fn save(req: &HttpRequest, app: &App, result: Result<Service, QueueError>, row: &str) -> HttpResponse {
    let lang = pages::lang(req);
    match result {
        Ok(_) => {
            live::publish(app, None);
            services_response(req, app, 200, Some((FlashKind::Success, t(lang, "flash.saved"))), None)
        }
        Err(e) => {
            let errors = field_errors(lang, &e);
            services_response(req, app, status_of(&e), None, Some((row.to_string(), errors)))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_clock_time() {
        assert_eq!(super::duration(0), "0:00");
        assert_eq!(super::duration(65), "1:05");
        assert_eq!(super::duration(3720), "1:02:00");
        assert_eq!(super::duration(-5), "0:00");
    }
}
