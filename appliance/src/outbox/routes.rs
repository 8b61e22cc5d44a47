//! The outbox page for admins and operators: the messages and their states,
//! "retry now" for a failed SMS, and a test SMS to check the modem.

use super::model::{Channel, Message, NewMessage, State, mask_recipient};
use super::operations::{self as ops, OutboxError};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm, see_other};
use crate::http::pages::{self, ok, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{FlashKind, Lang, OutboxProps, OutboxRow, Pagination, t, tf};
use serde::Deserialize;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/outbox", web::get().to(list)),
        post("/outbox/{id}/retry", web::post().to(retry)),
        post("/outbox/test", web::post().to(send_test)),
    ]
}

const PAGE: usize = 25;

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    page: u32,
    /// Set by the redirect after a POST: which flash to show.
    #[serde(default)]
    done: String,
}

#[derive(Deserialize)]
struct TestForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    body: String,
}

async fn list(req: HttpRequest, app: web::Data<App>, q: web::Query<ListQuery>) -> HttpResponse {
    let lang = pages::lang(&req);
    let mut props = match props(&req, &app, &q.state, q.page) {
        Ok(p) => p,
        Err(_) => return pages::error_page(&req, 500, "error.internal"),
    };
    let flash = match q.done.as_str() {
        "queued" => Some("outbox.flash.queued"),
        "retried" => Some("outbox.flash.retried"),
        _ => None,
    };
    if let Some(key) = flash {
        props.shell = with_flash(props.shell, FlashKind::Success, t(lang, key));
    }
    ok(balai_ui::render_outbox(props))
}

async fn retry(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    match ops::retry_now(&app.store, &actor.0.username, &path) {
        Ok(_) => see_other("/outbox?done=retried"),
        Err(OutboxError::NotFound(_)) => pages::error_page(&req, 404, "error.not_found"),
        Err(e @ OutboxError::WrongState { .. }) => pages::error_page(&req, 409, e.key()),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn send_test(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<TestForm>) -> HttpResponse {
    let lang = pages::lang(&req);
    let body = if form.data.body.trim().is_empty() {
        let village = crate::village::operations::profile(&app.store).name;
        // SMS to residents are in Indonesian whatever the admin's language.
        tf(Lang::Id, "outbox.test.default_body", &[("village", &village)])
    } else {
        form.data.body.clone()
    };
    let message =
        NewMessage { channel: Channel::Sms, to: form.data.to.clone(), body, about: Some("outbox_test".into()) };
    match ops::enqueue(&app.store, &actor.0.username, message) {
        Ok(_) => see_other("/outbox?done=queued"),
        Err(OutboxError::Invalid(invalid)) => {
            let Ok(mut props) = props(&req, &app, "", 1) else {
                return pages::error_page(&req, 500, "error.internal");
            };
            props.test_to = form.data.to.clone();
            props.test_body = form.data.body.clone();
            props.errors = vec![(invalid.field.to_string(), tf(lang, invalid.key, &[("detail", &invalid.detail)]))];
            pages::html(422, balai_ui::render_outbox(props))
        }
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn props(req: &HttpRequest, app: &App, state: &str, page: u32) -> Result<OutboxProps, OutboxError> {
    let lang = pages::lang(req);
    let filter = State::parse(state);
    let page = page.max(1);
    let (messages, total) = ops::list(&app.store, filter, (page as usize - 1) * PAGE, PAGE)?;
    let port = app.config.sms.port.trim();
    Ok(OutboxProps {
        shell: shell(req),
        modem_port: (!port.is_empty()).then(|| port.to_string()),
        state: filter.map(|s| s.code().to_string()).unwrap_or_default(),
        state_options: State::ALL.iter().map(|s| (s.code().to_string(), state_label(lang, *s))).collect(),
        rows: messages.iter().map(|m| row(req, lang, m)).collect(),
        page: Pagination { page, total_pages: total.div_ceil(PAGE).max(1) as u32, total_items: total as u64 },
        ..OutboxProps::default()
    })
}

fn state_label(lang: Lang, state: State) -> String {
    t(lang, &format!("outbox.state.{}", state.code()))
}

fn row(req: &HttpRequest, lang: Lang, m: &Message) -> OutboxRow {
    OutboxRow {
        id: m.id.clone(),
        time: pages::local_time(req, m.created),
        channel: t(lang, &format!("outbox.channel.{}", m.channel.code())),
        to: mask_recipient(&m.to),
        state: m.state.code().to_string(),
        state_label: state_label(lang, m.state),
        attempts: m.attempts,
        last_error: m.last_error.clone().unwrap_or_default(),
        about: m.about.clone().unwrap_or_default(),
        can_retry: m.channel == Channel::Sms && m.state == State::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_channel_has_a_label() {
        for s in State::ALL {
            let key = format!("outbox.state.{}", s.code());
            assert!(balai_ui::i18n::has(&key), "{key}");
        }
        for c in [Channel::Sms, Channel::Whatsapp, Channel::Email] {
            assert!(balai_ui::i18n::has(&format!("outbox.channel.{}", c.code())));
        }
        for key in [
            "outbox.to.phone",
            "outbox.to.email",
            "outbox.body.empty",
            "outbox.body.charset",
            "outbox.body.too_long",
            "outbox.retry.wrong_state",
            "entity.outbox_message",
        ] {
            assert!(balai_ui::i18n::has(key), "{key}");
        }
    }
}
