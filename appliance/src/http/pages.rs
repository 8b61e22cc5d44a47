//! Page plumbing shared by every domain's routes: the shell (navigation built
//! from the policy table, so a link shows only where the role may go), HTML
//! responses with security headers, and error pages.

use crate::app::App;
use crate::auth::guard::{identity_of, lang_of};
use crate::auth::model::Identity;
use crate::auth::policy;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{Flash, FlashKind, Lang, NavItem, Shell, UserBadge, t};

/// The navigation, in order: (path, catalog key).
const NAV: &[(&str, &str)] = &[
    ("/dashboard", "nav.dashboard"),
    ("/me", "nav.me"),
    ("/surat", "nav.my_letters"),
    ("/letters", "nav.letters"),
    ("/residents", "nav.residents"),
    ("/statistics", "nav.statistics"),
    ("/antrian/loket", "nav.queue"),
    ("/posyandu", "nav.posyandu"),
    ("/imunisasi", "nav.immunization"),
    ("/ibu-hamil", "nav.maternal"),
    ("/telemedis", "nav.telemedicine"),
    ("/rekam-kesehatan", "nav.health_record"),
    ("/antar", "nav.delivery"),
    ("/apotek", "nav.pharmacy"),
    ("/audit", "nav.audit"),
    ("/users", "nav.users"),
    ("/duplicates", "nav.duplicates"),
    ("/outbox", "nav.outbox"),
    ("/perangkat", "nav.devices"),
    ("/pertanian", "nav.farming"),
    ("/settings", "nav.settings"),
    ("/admin/cadangan", "nav.backup"),
    ("/sessions", "nav.sessions"),
];

pub fn village_name(req: &HttpRequest) -> String {
    req.app_data::<web::Data<App>>().map(|app| crate::village::operations::profile(&app.store).name).unwrap_or_default()
}

pub fn shell(req: &HttpRequest) -> Shell {
    let identity = identity_of(req);
    shell_for(req, identity.as_ref())
}

pub fn shell_for(req: &HttpRequest, identity: Option<&Identity>) -> Shell {
    let lang = lang_of(req);
    let path = req.path();
    let nav = match identity {
        Some(id) => NAV
            .iter()
            .filter(|(href, _)| policy::find("GET", href).is_some_and(|r| r.access.allows(Some(id.role))))
            .map(|(href, key)| NavItem {
                href: href.to_string(),
                label_key: key.to_string(),
                active: path == *href || (path.starts_with(href) && href.len() > 1),
            })
            .collect(),
        None => Vec::new(),
    };
    Shell {
        lang,
        village_name: village_name(req),
        user: identity
            .map(|i| UserBadge { name: i.full_name.clone(), role_label: t(lang, &format!("role.{}", i.role.code())) }),
        csrf: identity.map(|i| i.csrf().to_string()).unwrap_or_default(),
        nav,
        flash: None,
        current_path: req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        kiosk_seconds_left: identity
            .and_then(|i| i.session.as_ref())
            .filter(|s| s.kiosk)
            .map(|s| (s.expires - chrono::Utc::now()).num_seconds()),
    }
}

pub fn with_flash(mut shell: Shell, kind: FlashKind, text: String) -> Shell {
    shell.flash = Some(Flash { kind, text });
    shell
}

/// An HTML page. No script may run on any page (CSP), pages are not framed,
/// and personal data is not cached by the browser or a proxy.
pub fn html(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

pub fn ok(body: String) -> HttpResponse {
    html(200, body)
}

pub fn error_page(req: &HttpRequest, status: u16, key: &str) -> HttpResponse {
    let lang = lang_of(req);
    let props = balai_ui::ErrorProps { shell: shell(req), status, message: t(lang, key) };
    html(status, balai_ui::render_error(props))
}

/// A change-log entity (a table name) in the reader's language.
pub fn entity_label(lang: Lang, entity: &str) -> String {
    let key = format!("entity.{entity}");
    if balai_ui::i18n::has(&key) { t(lang, &key) } else { entity.to_string() }
}

pub fn lang(req: &HttpRequest) -> Lang {
    lang_of(req)
}

/// Times are stored in UTC and shown in the village's zone (WIB/WITA/WIT).
pub fn local_time(req: &HttpRequest, time: chrono::DateTime<chrono::Utc>) -> String {
    let (hours, zone) = req
        .app_data::<web::Data<App>>()
        .map(|a| (a.config.utc_offset_hours(), a.config.village.timezone.to_ascii_uppercase()))
        .unwrap_or((7, "WIB".into()));
    let offset =
        chrono::FixedOffset::east_opt(hours * 3600).unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
    format!("{} {zone}", time.with_timezone(&offset).format("%d-%m-%Y %H:%M"))
}
