//! Resident sign-in at the office kiosk, and registering the e-KTP cards its
//! reader recognises.
//!
//! An e-KTP reader at a kiosk acts as a keyboard: it types the chip's UID and
//! Enter. So the kiosk's first field takes a NIK or a UID, and Enter there
//! submits the form before the PIN is typed: the kiosk then keeps the id and
//! asks for the PIN. A card alone never signs anyone in; every PIN attempt
//! goes through the same checks and throttle as `/signin/warga`.

use super::guard::{self, Actor, CsrfForm, see_other};
use super::model::KtpCard;
use super::operations::{self, AuthError, KioskId, Lifetime};
use super::routes::open_session;
use crate::app::App;
use crate::http::pages::{self, html, shell};
use crate::http::registry::{Endpoint, get, post};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{KioskProps, t, tf};
use serde::Deserialize;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/kiosk", web::get().to(kiosk_page)),
        post("/kiosk/signin", web::post().to(kiosk_signin)),
        post("/residents/{id}/card", web::post().to(register_card)),
        post("/residents/{id}/card/remove", web::post().to(remove_card)),
    ]
}

/// Coming back to the kiosk page ends a kiosk session: the screen is the
/// next resident's. (Only kiosk sessions: a phone or desk session that opens
/// /kiosk is left alone.)
async fn kiosk_page(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let kiosk_session = guard::identity_of(&req).filter(|i| i.session.as_ref().is_some_and(|s| s.kiosk));
    let Some(identity) = kiosk_session else {
        return render(&req, &app, KioskProps::default(), 200);
    };
    if operations::sign_out(&app.store, &identity).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let mut resp = see_other("/kiosk");
    let _ = resp.add_removal_cookie(&guard::expired_cookie(guard::SESSION_COOKIE));
    resp
}

/// The kiosk page with the pre-session CSRF token (double submit, as on
/// /signin).
fn render(req: &HttpRequest, app: &App, mut props: KioskProps, status: u16) -> HttpResponse {
    props.shell = shell(req);
    // Someone already signed in (a phone session) posts with their session's
    // token; everyone else with the pre-session double-submit token.
    let mut cookie = None;
    if props.shell.csrf.is_empty() {
        let (token, c) = guard::pre_session_token(req);
        props.shell.csrf = token;
        cookie = c;
    }
    props.session_minutes = app.config.auth.kiosk_session_minutes;
    let mut resp = html(status, balai_ui::render_kiosk(props));
    if let Some(c) = cookie {
        let _ = resp.add_cookie(&c);
    }
    resp
}

#[derive(Deserialize)]
struct KioskForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    pin: String,
}

async fn kiosk_signin(req: HttpRequest, app: web::Data<App>, form: CsrfForm<KioskForm>) -> HttpResponse {
    let lang = pages::lang(&req);
    let f = form.data;
    let Some(id) = KioskId::parse(&f.id) else {
        let props = KioskProps { error: Some(t(lang, "kiosk.id.format")), ..KioskProps::default() };
        return render(&req, &app, props, 422);
    };
    let mut props = match &id {
        KioskId::Nik(nik) => KioskProps { id_value: nik.clone(), ..KioskProps::default() },
        KioskId::Card(uid) => KioskProps { id_value: uid.clone(), card_read: true, ..KioskProps::default() },
    };
    if f.pin.trim().is_empty() {
        // The reader's Enter, or a NIK without a PIN: keep the id, ask for the PIN.
        props.ask_pin = true;
        return render(&req, &app, props, 200);
    }
    let account = match id.account(&app.store) {
        Ok(a) => a,
        Err(_) => return pages::error_page(&req, 500, "error.internal"),
    };
    let lifetime = Lifetime::kiosk(app.config.auth.kiosk_session_minutes);
    props.ask_pin = true;
    match open_session(&req, &app, &account, f.pin.trim(), lifetime, "").await {
        Ok(resp) => resp,
        Err(AuthError::Throttled(secs)) => {
            props.error = Some(tf(lang, "auth.signin.throttled", &[("seconds", &secs.to_string())]));
            render(&req, &app, props, 429)
        }
        Err(e @ (AuthError::Store(_) | AuthError::Other(_))) => {
            tracing::error!(error = %e, "kiosk sign-in failed");
            pages::error_page(&req, 500, "error.internal")
        }
        Err(_) => {
            props.error = Some(t(lang, "kiosk.signin.failed"));
            render(&req, &app, props, 401)
        }
    }
}

#[derive(Deserialize)]
struct CardForm {
    #[serde(default)]
    uid: String,
}

async fn register_card(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    form: CsrfForm<CardForm>,
) -> HttpResponse {
    let Some(resident) = crate::residents::operations::get(&app.store, &path) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    match operations::register_card(&app.store, &actor.0.username, &resident.id, &form.data.uid) {
        Ok(KtpCard { .. }) => see_other(&card_anchor(&resident.id)),
        Err(e @ (AuthError::BadCard | AuthError::CardTaken)) => {
            let lang = pages::lang(&req);
            let mut props = crate::residents::routes::detail_props(&req, &app, &actor, resident, Default::default());
            props.card.value = form.data.uid.clone();
            props.card.error = Some(t(lang, e.key()));
            html(422, balai_ui::render_resident_detail(props))
        }
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

/// Removing a card the resident does not hold changes nothing and returns to
/// the page, like a second click on the same button.
async fn remove_card(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    form: CsrfForm<CardForm>,
) -> HttpResponse {
    if crate::residents::operations::get(&app.store, &path).is_none() {
        return pages::error_page(&req, 404, "error.not_found");
    }
    match operations::remove_card(&app.store, &actor.0.username, &path, &form.data.uid) {
        Ok(_) => see_other(&card_anchor(&path)),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn card_anchor(resident_id: &str) -> String {
    format!("/residents/{}#ktp-card", guard::urlencode(resident_id))
}
