//! The registry's office page: list, register, rotate, revoke. A new secret is
//! rendered once in the POST's answer, never stored or redirected.

use super::model::{Device, Kind, PlaceKind};
use super::operations::{self, DeviceError, Issued};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm, see_other};
use crate::http::pages::{self, ok, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{DeviceRow, DevicesProps, FlashKind, IssuedCredential, Lang, t};
use serde::Deserialize;
use std::sync::atomic::Ordering::Relaxed;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/perangkat", web::get().to(page)),
        post("/perangkat", web::post().to(add)),
        post("/perangkat/{id}/rotate", web::post().to(rotate)),
        post("/perangkat/{id}/revoke", web::post().to(revoke)),
    ]
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    place_kind: String,
    #[serde(default)]
    place: String,
}

fn props(req: &HttpRequest, app: &App) -> DevicesProps {
    let lang = pages::lang(req);
    let metrics = app.mqtt.get().map(|m| &m.metrics);
    let figure = |key: &str, v: u64| (t(lang, key), v.to_string());
    let counters = metrics.map(|m| {
        vec![
            figure("devices.metrics.connected", m.connected_clients()),
            figure("devices.metrics.received", m.messages_in.load(Relaxed)),
            figure("devices.metrics.stored", m.readings_stored.load(Relaxed)),
            figure("devices.metrics.invalid", m.invalid_payloads.load(Relaxed)),
            figure("devices.metrics.dropped", m.dropped_readings.load(Relaxed)),
        ]
    });
    DevicesProps {
        shell: shell(req),
        metrics: counters.unwrap_or_default(),
        rows: operations::list(&app.store).iter().map(|d| row(req, app, lang, d)).collect(),
        kinds: Kind::ALL.iter().map(|k| (k.code().into(), t(lang, &format!("devices.kind.{}", k.code())))).collect(),
        place_kinds: PlaceKind::ALL
            .iter()
            .map(|k| (k.code().into(), t(lang, &format!("devices.place_kind.{}", k.code()))))
            .collect(),
        form: [String::new(), "soil".into(), "field".into(), String::new()],
        ..DevicesProps::default()
    }
}

fn row(req: &HttpRequest, app: &App, lang: Lang, d: &Device) -> DeviceRow {
    let seen = app.mqtt.get().and_then(|m| m.metrics.seen(&d.id)).unwrap_or_default();
    DeviceRow {
        id: d.id.clone(),
        kind: t(lang, &format!("devices.kind.{}", d.kind.code())),
        place: format!("{} ({})", d.place, t(lang, &format!("devices.place_kind.{}", d.place_kind.code()))),
        last_seen: chrono::DateTime::from_timestamp_millis(seen.last_seen_ms)
            .filter(|_| seen.last_seen_ms > 0)
            .map(|t| pages::local_time(req, t))
            .unwrap_or_default(),
        battery: seen.battery_v.map(|v| format!("{v:.2} V")).unwrap_or_default(),
        signal: seen.rssi_dbm.map(|v| format!("{v:.0} dBm")).unwrap_or_default(),
        invalid: seen.invalid,
        revoked: d.revoked,
    }
}

async fn page(
    req: HttpRequest,
    app: web::Data<App>,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> HttpResponse {
    let mut p = props(&req, &app);
    if q.get("done").map(String::as_str) == Some("revoked") {
        p.shell = with_flash(p.shell, FlashKind::Success, t(pages::lang(&req), "devices.revoked.done"));
    }
    ok(balai_ui::render_devices(p))
}

fn issued_page(req: &HttpRequest, app: &App, issued: Issued, flash: &str) -> HttpResponse {
    let keys = app.config.data_dir.join("keys");
    let (cert_pem, key_pem) = match super::certs::issue_client(&keys, &issued.device.id) {
        Ok(pair) => pair,
        Err(_) => return pages::error_page(req, 500, "error.internal"),
    };
    let mut p = props(req, app);
    p.shell = with_flash(p.shell, FlashKind::Success, t(pages::lang(req), flash));
    p.issued = Some(IssuedCredential { id: issued.device.id, secret: issued.secret, cert_pem, key_pem });
    ok(balai_ui::render_devices(p))
}

async fn add(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<AddForm>) -> HttpResponse {
    let lang = pages::lang(&req);
    let f = &form.data;
    let id = f.id.trim().to_string();
    let result = match (Kind::parse(&f.kind), PlaceKind::parse(&f.place_kind)) {
        (Some(kind), Some(place_kind)) => {
            operations::add(&app.store, &actor.0.username, &id, kind, place_kind, &f.place)
        }
        _ => Err(DeviceError::Invalid { field: "kind", key: "devices.kind" }),
    };
    match result {
        Ok(issued) => issued_page(&req, &app, issued, "devices.added"),
        Err(e) => {
            let (field, key) = match e {
                DeviceError::Invalid { field, key } => (field, key),
                DeviceError::Exists(_) => ("id", "devices.id.exists"),
                _ => return pages::error_page(&req, 500, "error.internal"),
            };
            let mut p = props(&req, &app);
            p.form = [id, f.kind.clone(), f.place_kind.clone(), f.place.clone()];
            p.errors = vec![(field.to_string(), t(lang, key))];
            pages::html(422, balai_ui::render_devices(p))
        }
    }
}

fn disconnect(app: &App, id: &str) {
    if let Some(mqtt) = app.mqtt.get() {
        mqtt.disconnect(id);
    }
}

async fn rotate(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    match operations::rotate(&app.store, &actor.0.username, &id) {
        Ok(issued) => {
            disconnect(&app, &id);
            issued_page(&req, &app, issued, "devices.rotated")
        }
        Err(DeviceError::NotFound(_)) => pages::error_page(&req, 404, "error.not_found"),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn revoke(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    match operations::revoke(&app.store, &actor.0.username, &id) {
        Ok(_) => {
            disconnect(&app, &id);
            see_other("/perangkat?done=revoked")
        }
        Err(DeviceError::NotFound(_)) => pages::error_page(&req, 404, "error.not_found"),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}
