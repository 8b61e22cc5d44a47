//! The admin's backup page, its "back up now" button, the recovery sheet and
//! the download of a backup the box keeps. Thin: the work is in `operations`.

use super::model::{BackupRun, Trigger};
use super::operations;
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm, identity_of, see_other};
use crate::auth::model::Role;
use crate::http::pages::{self, local_time, ok, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use crate::store::{Change, Durability, Op};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{BackupNotice, BackupProps, BackupRunRow, FlashKind, Lang, RecoverySheetProps, UplinkRow, t, tf};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/admin/cadangan", web::get().to(page)),
        post("/admin/cadangan", web::post().to(back_up_now)),
        get("/admin/cadangan/lembar", web::get().to(sheet)),
        get("/admin/cadangan/{id}/unduh", web::get().to(download)),
    ]
}

fn notice(app: &App, req: &HttpRequest) -> BackupNotice {
    let status = operations::status(app);
    BackupNotice {
        last_good: status.last_good.map(|r| local_time(req, r.finished)),
        stale: status.stale,
        warn_days: app.config.backup.warn_after_days,
    }
}

/// For the dashboard: admins see when the last good backup was made.
pub fn dashboard_notice(req: &HttpRequest, app: &App) -> Option<BackupNotice> {
    identity_of(req).filter(|i| i.role == Role::Admin).map(|_| notice(app, req))
}

fn row(req: &HttpRequest, lang: Lang, r: &BackupRun) -> BackupRunRow {
    let outcome = if !r.ok {
        tf(lang, "backup.outcome.failed", &[("reason", &r.error)])
    } else if r.verified {
        t(lang, "backup.outcome.verified")
    } else {
        t(lang, "backup.outcome.written")
    };
    BackupRunRow {
        id: r.id.clone(),
        time: local_time(req, r.finished),
        trigger: t(lang, &format!("backup.trigger.{}", r.trigger.code())),
        file: r.file.clone(),
        size: format!("{:.1} MB", r.size as f64 / 1_000_000.0),
        outcome,
        ok: r.ok,
        downloadable: r.ok && local_file(r).is_some(),
    }
}

/// How the HTTPS delivery to each recipient with an endpoint is going.
fn uplink_rows(req: &HttpRequest, app: &App) -> Vec<UplinkRow> {
    let states = crate::uplink::sender::states();
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| local_time(req, t)).unwrap_or_default();
    app.config
        .uplink
        .recipients
        .iter()
        .filter(|r| !r.endpoint.is_empty())
        .map(|r| {
            let state = states.get(&r.name).cloned().unwrap_or_default();
            UplinkRow {
                name: r.name.clone(),
                endpoint: r.endpoint.clone(),
                acked: crate::uplink::operations::acked(&app.store, &r.name).to_string(),
                last_attempt: time(state.last_attempt),
                failures: state.failures,
                last_error: state.last_error,
                next_attempt: time(state.next_attempt),
            }
        })
        .collect()
}

/// Only backups in the box's own folder can be downloaded.
fn local_file(r: &BackupRun) -> Option<&str> {
    matches!(r.trigger, Trigger::Button | Trigger::Daily).then_some(r.file.as_str())
}

#[derive(serde::Deserialize)]
struct Done {
    done: Option<String>,
}

async fn page(req: HttpRequest, app: web::Data<App>, q: web::Query<Done>) -> HttpResponse {
    let lang = pages::lang(&req);
    let runs = operations::runs(&app.store, 50);
    let mut shell = shell(&req);
    if q.done.is_some()
        && let Some(last) = runs.first()
    {
        shell = if last.ok {
            with_flash(shell, FlashKind::Success, tf(lang, "backup.done", &[("file", &last.file)]))
        } else {
            with_flash(shell, FlashKind::Error, tf(lang, "backup.failed", &[("reason", &last.error)]))
        };
    }
    let props = BackupProps {
        shell,
        notice: notice(&app, &req),
        runs: runs.iter().map(|r| row(&req, lang, r)).collect(),
        usb_dir: app.config.backup.usb_dir.display().to_string(),
        uplink: uplink_rows(&req, &app),
    };
    ok(balai_ui::render_backup(props))
}

async fn back_up_now(app: web::Data<App>, actor: Actor, _form: CsrfForm<serde::de::IgnoredAny>) -> HttpResponse {
    let app = app.into_inner();
    let who = actor.0.username.clone();
    // long, blocking work: off the HTTP workers
    let _ = web::block(move || {
        let dir = operations::local_dir(&app);
        operations::create_in_dir(&app, &who, Trigger::Button, &dir, app.config.backup.keep)
    })
    .await;
    see_other("/admin/cadangan?done=1")
}

async fn sheet(req: HttpRequest, app: web::Data<App>, actor: Actor) -> HttpResponse {
    let Ok(key) = operations::key(&app) else {
        return pages::error_page(&req, 500, "error.internal");
    };
    let Ok(code) = qrcode::QrCode::with_error_correction_level(key.secret_text().as_bytes(), qrcode::EcLevel::M) else {
        return pages::error_page(&req, 500, "error.internal");
    };
    let width = code.width();
    let qr = code.to_colors().chunks(width).map(|r| r.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect();
    let note = Change::note("backup", "recovery-sheet", Op::View).with_detail("recovery sheet shown");
    if app.store.commit(&actor.0.username, vec![note], Durability::Durable).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let profile = crate::village::operations::profile(&app.store);
    let props = RecoverySheetProps {
        shell: shell(&req),
        village: format!("{} ({})", profile.name, profile.code),
        printed: local_time(&req, chrono::Utc::now()),
        key_groups: key.secret_grouped(),
        qr,
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(balai_ui::render_recovery_sheet(props))
}

async fn download(req: HttpRequest, app: web::Data<App>, actor: Actor, id: web::Path<String>) -> HttpResponse {
    let run = app.store.get::<BackupRun>(&id).ok().flatten();
    let Some((run, name)) = run.as_ref().and_then(|r| local_file(r).map(|n| (r, n.to_string()))) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let path = operations::local_dir(&app).join(&name);
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let note = Change::note("backup", &run.id, Op::Export).with_detail(format!("download of {name}"));
    if app.store.commit(&actor.0.username, vec![note], Durability::Durable).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let body = futures_util::stream::unfold(file, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 256 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(web::Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .streaming(body)
}
