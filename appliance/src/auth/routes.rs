//! Sign-in and sign-out, re-authentication, one's own sessions, the language
//! switch, user administration and the audit view.

use super::guard::{self, Actor, CsrfForm, safe_next, see_other};
use super::model::{Role, User, warga_username};
use super::operations::{self, AuthError};
use crate::app::App;
use crate::http::pages::{self, html, local_time, ok, shell, shell_for, with_flash};
use crate::http::registry::{Endpoint, get, post};
use crate::store::{LogEntry, Op};
use actix_web::cookie::Cookie;
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{
    AuditFilter, AuditProps, AuditRow, ChainCheck, FlashKind, IssuedPin, Pagination, ReauthProps, SessionRow,
    SessionsProps, SigninProps, UserRow, UsersProps, t, tf,
};
use serde::Deserialize;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/lang", web::get().to(switch_lang)),
        get("/signin", web::get().to(signin_page)),
        post("/signin/staff", web::post().to(signin_staff)),
        post("/signin/warga", web::post().to(signin_warga)),
        post("/signout", web::post().to(signout)),
        get("/reauth", web::get().to(reauth_page)),
        post("/reauth", web::post().to(reauth)),
        get("/sessions", web::get().to(sessions)),
        post("/sessions/{id}/revoke", web::post().to(revoke)),
        get("/users", web::get().to(users)),
        post("/users", web::post().to(create_user)),
        post("/users/{id}/disable", web::post().to(disable_user)),
        post("/users/{id}/enable", web::post().to(enable_user)),
        post("/users/pin", web::post().to(issue_pin)),
        get("/audit", web::get().to(audit)),
        post("/audit/verify", web::post().to(audit_verify)),
    ]
    .into_iter()
    .chain(super::kiosk::endpoints())
    .collect()
}

#[derive(Deserialize)]
struct LangQuery {
    to: String,
    #[serde(default)]
    next: String,
}

async fn switch_lang(q: web::Query<LangQuery>) -> HttpResponse {
    let lang = balai_ui::Lang::from_code(&q.to);
    let cookie = Cookie::build(guard::LANG_COOKIE, lang.code().to_string())
        .path("/")
        .secure(true)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let next = if q.next.is_empty() { "/" } else { safe_next(&q.next) };
    HttpResponse::SeeOther().insert_header(("Location", next)).cookie(cookie).finish()
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn signin_page(req: HttpRequest, q: web::Query<NextQuery>) -> HttpResponse {
    render_signin(&req, SigninProps { next: q.next.clone(), ..Default::default() }, 200)
}

/// Renders the sign-in page with a fresh or existing pre-session CSRF token.
fn render_signin(req: &HttpRequest, mut props: SigninProps, status: u16) -> HttpResponse {
    let (token, cookie) = guard::pre_session_token(req);
    props.shell = shell(req);
    props.shell.csrf = token;
    let mut resp = html(status, balai_ui::render_signin(props));
    if let Some(c) = cookie {
        let _ = resp.add_cookie(&c);
    }
    resp
}

#[derive(Deserialize)]
struct StaffForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct WargaForm {
    nik: String,
    pin: String,
    #[serde(default)]
    next: String,
}

async fn signin_staff(req: HttpRequest, app: web::Data<App>, form: CsrfForm<StaffForm>) -> HttpResponse {
    let f = form.data;
    let props = SigninProps { username: f.username.clone(), next: f.next.clone(), ..Default::default() };
    complete_signin(&req, &app, f.username.trim(), &f.password, &f.next, props).await
}

async fn signin_warga(req: HttpRequest, app: web::Data<App>, form: CsrfForm<WargaForm>) -> HttpResponse {
    let f = form.data;
    let nik = crate::residents::nik::normalize(&f.nik);
    let props = SigninProps { nik: f.nik.clone(), next: f.next.clone(), ..Default::default() };
    complete_signin(&req, &app, &warga_username(&nik), &f.pin, &f.next, props).await
}

async fn complete_signin(
    req: &HttpRequest,
    app: &web::Data<App>,
    username: &str,
    secret: &str,
    next: &str,
    mut props: SigninProps,
) -> HttpResponse {
    let lang = pages::lang(req);
    let lifetime = operations::Lifetime::hours(app.config.auth.session_hours);
    match open_session(req, app, username, secret, lifetime, next).await {
        Ok(resp) => resp,
        Err(AuthError::Throttled(secs)) => {
            props.error = Some(tf(lang, "auth.signin.throttled", &[("seconds", &secs.to_string())]));
            render_signin(req, props, 429)
        }
        Err(e @ (AuthError::Store(_) | AuthError::Other(_))) => {
            tracing::error!(error = %e, "sign-in failed");
            pages::error_page(req, 500, "error.internal")
        }
        Err(e) => {
            props.error = Some(t(lang, e.key()));
            render_signin(req, props, 401)
        }
    }
}

/// Checks the credentials (off the async workers: argon2 takes tens of
/// milliseconds) and, when they hold, answers with the session cookie and a
/// redirect to `next` or the account's home. Used by both sign-in forms and
/// the kiosk.
pub(super) async fn open_session(
    req: &HttpRequest,
    app: &web::Data<App>,
    username: &str,
    secret: &str,
    lifetime: operations::Lifetime,
    next: &str,
) -> Result<HttpResponse, AuthError> {
    let agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (app2, user, secret) = (app.clone(), username.to_string(), secret.to_string());
    let (token, session) =
        web::block(move || operations::sign_in(&app2.store, &app2.throttle, lifetime, &user, &secret, &agent))
            .await
            .map_err(|e| AuthError::Other(e.to_string()))??;
    let default = if session.username.starts_with("warga:") { "/me" } else { "/dashboard" };
    let target = if next.is_empty() { default } else { safe_next(next) };
    let mut resp = see_other(target);
    let _ = resp.add_cookie(&guard::session_cookie(&token, lifetime.minutes));
    let _ = resp.add_removal_cookie(&guard::expired_cookie(guard::PRE_COOKIE));
    Ok(resp)
}

async fn signout(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    if operations::sign_out(&app.store, &actor.0).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    // The kiosk is ready for the next resident at once.
    let kiosk = actor.0.session.as_ref().is_some_and(|s| s.kiosk);
    let mut resp = see_other(if kiosk { "/kiosk" } else { "/" });
    let _ = resp.add_removal_cookie(&guard::expired_cookie(guard::SESSION_COOKIE));
    resp
}

async fn reauth_page(req: HttpRequest, q: web::Query<NextQuery>) -> HttpResponse {
    ok(balai_ui::render_reauth(ReauthProps { shell: shell(&req), next: q.next.clone(), error: None }))
}

#[derive(Deserialize)]
struct ReauthForm {
    password: String,
    #[serde(default)]
    next: String,
}

async fn reauth(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<ReauthForm>) -> HttpResponse {
    let lang = pages::lang(&req);
    let (app2, id, pw) = (app.clone(), actor.0.clone(), form.data.password.clone());
    let result = web::block(move || operations::reauthenticate(&app2.store, &app2.throttle, &id, &pw)).await;
    match result {
        Ok(Ok(())) => see_other(safe_next(&form.data.next)),
        Ok(Err(e)) => {
            let props = ReauthProps { shell: shell(&req), next: form.data.next.clone(), error: Some(t(lang, e.key())) };
            html(401, balai_ui::render_reauth(props))
        }
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

async fn sessions(req: HttpRequest, app: web::Data<App>, actor: Actor) -> HttpResponse {
    let current = actor.0.session.as_ref().map(|s| s.id.clone()).unwrap_or_default();
    let list = operations::sessions_of(&app.store, &actor.0.username).unwrap_or_default();
    let rows = list
        .into_iter()
        .map(|s| SessionRow {
            current: s.id == current,
            created: local_time(&req, s.created),
            last_seen: local_time(&req, s.reauth_at.unwrap_or(s.created)),
            user_agent: s.user_agent,
            id: s.id,
        })
        .collect();
    ok(balai_ui::render_sessions(SessionsProps { shell: shell(&req), sessions: rows }))
}

async fn revoke(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    match operations::revoke_session(&app.store, &actor.0, &path) {
        Ok(true) => see_other("/sessions"),
        Ok(false) => pages::error_page(&req, 404, "error.not_found"),
        Err(_) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn users_props(req: &HttpRequest, app: &App) -> UsersProps {
    let lang = pages::lang(req);
    let users = operations::list_users(&app.store)
        .unwrap_or_default()
        .into_iter()
        .filter(|u| u.role != Role::Warga)
        .map(|u: User| UserRow {
            id: u.username.clone(),
            username: u.username,
            full_name: u.full_name,
            role_label: t(lang, &format!("role.{}", u.role.code())),
            disabled: u.disabled,
        })
        .collect();
    let role_options = Role::ALL
        .iter()
        .filter(|r| **r != Role::Warga)
        .map(|r| (r.code().to_string(), t(lang, &format!("role.{}", r.code()))))
        .collect();
    UsersProps { shell: shell(req), users, role_options, ..Default::default() }
}

async fn users(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    ok(balai_ui::render_users(users_props(&req, &app)))
}

#[derive(Deserialize)]
struct NewUser {
    username: String,
    full_name: String,
    role: String,
    password: String,
}

async fn create_user(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<NewUser>) -> HttpResponse {
    let lang = pages::lang(&req);
    let f = form.data;
    let role = Role::parse(&f.role).filter(|r| *r != Role::Warga);
    let result = match role {
        None => Err(("role", "auth.role.unknown".to_string())),
        Some(role) => {
            let (app2, actor_name) = (app.clone(), actor.0.username.clone());
            let (u, n, p) = (f.username.trim().to_string(), f.full_name.clone(), f.password.clone());
            match web::block(move || operations::add_user(&app2.store, &actor_name, &u, &n, role, &p)).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e @ AuthError::Weak(_))) => Err(("password", e.key().to_string())),
                Ok(Err(e)) => Err(("username", e.key().to_string())),
                Err(_) => Err(("username", "error.internal".to_string())),
            }
        }
    };
    let mut props = users_props(&req, &app);
    match result {
        Ok(()) => {
            props.shell = with_flash(props.shell, FlashKind::Success, t(lang, "flash.saved"));
            ok(balai_ui::render_users(props))
        }
        Err((field, key)) => {
            props.errors = vec![(field.to_string(), t(lang, &key))];
            props.new_username = f.username;
            props.new_full_name = f.full_name;
            props.new_role = f.role;
            html(422, balai_ui::render_users(props))
        }
    }
}

async fn disable_user(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    _f: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    set_disabled(&req, &app, &actor, &path, true)
}

async fn enable_user(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    path: web::Path<String>,
    _f: CsrfForm<serde::de::IgnoredAny>,
) -> HttpResponse {
    set_disabled(&req, &app, &actor, &path, false)
}

fn set_disabled(req: &HttpRequest, app: &App, actor: &Actor, username: &str, disabled: bool) -> HttpResponse {
    if disabled && username == actor.0.username {
        return pages::error_page(req, 409, "auth.user.self_disable");
    }
    match operations::set_disabled(&app.store, &actor.0.username, username, disabled) {
        Ok(()) => see_other("/users"),
        Err(AuthError::NoSuchUser(_)) => pages::error_page(req, 404, "error.not_found"),
        Err(_) => pages::error_page(req, 500, "error.internal"),
    }
}

#[derive(Deserialize)]
struct PinForm {
    nik: String,
}

async fn issue_pin(req: HttpRequest, app: web::Data<App>, actor: Actor, form: CsrfForm<PinForm>) -> HttpResponse {
    let lang = pages::lang(&req);
    let nik = crate::residents::nik::normalize(&form.data.nik);
    let resident = crate::residents::operations::by_nik(&app.store, &nik);
    let mut props = users_props(&req, &app);
    props.shell = shell_for(&req, Some(&actor.0));
    match resident {
        Some(r) => {
            let (app2, actor_name) = (app.clone(), actor.0.username.clone());
            let (id, name) = (r.id.clone(), r.name.clone());
            let nik2 = nik.clone();
            match web::block(move || operations::issue_pin(&app2.store, &actor_name, &id, &nik2, &name)).await {
                Ok(Ok(pin)) => {
                    props.issued_pin = Some(IssuedPin { name: r.name, pin });
                    ok(balai_ui::render_users(props))
                }
                _ => pages::error_page(&req, 500, "error.internal"),
            }
        }
        None => {
            props.pin_nik = form.data.nik.clone();
            props.pin_errors = vec![("nik".into(), t(lang, "auth.pin.no_resident"))];
            html(422, balai_ui::render_users(props))
        }
    }
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: u32,
}

const AUDIT_PAGE: usize = 50;

fn audit_matches(e: &LogEntry, q: &AuditQuery, person_ids: &[String]) -> bool {
    let day = e.time.format("%Y-%m-%d").to_string();
    (q.actor.is_empty() || e.actor.contains(q.actor.trim()))
        && (q.person.is_empty() || person_ids.contains(&e.id))
        && (q.from.is_empty() || day.as_str() >= q.from.as_str())
        && (q.to.is_empty() || day.as_str() <= q.to.as_str())
}

fn audit_props(req: &HttpRequest, app: &App, q: &AuditQuery) -> AuditProps {
    let lang = pages::lang(req);
    // A person is given by NIK or by resident id.
    let person_ids: Vec<String> = if q.person.trim().is_empty() {
        vec![]
    } else {
        let p = q.person.trim();
        let mut ids = vec![p.to_string()];
        if let Some(r) = crate::residents::operations::by_nik(&app.store, &crate::residents::nik::normalize(p)) {
            ids.push(r.id);
        }
        ids
    };
    let page = q.page.max(1);
    let mut total = 0u64;
    let mut rows = Vec::new();
    // A person's entries come from the per-record index; otherwise walk the log.
    let entries: Box<dyn Iterator<Item = LogEntry>> = if person_ids.is_empty() {
        Box::new(app.store.log_rev().filter_map(Result::ok))
    } else {
        let mut list: Vec<LogEntry> =
            person_ids.iter().flat_map(|id| app.store.log_for("resident", id).unwrap_or_default()).collect();
        list.sort_by_key(|e| std::cmp::Reverse(e.seq));
        list.dedup_by_key(|e| e.seq);
        Box::new(list.into_iter())
    };
    for e in entries.filter(|e| audit_matches(e, q, &person_ids)) {
        total += 1;
        let index = total as usize - 1;
        if index >= (page as usize - 1) * AUDIT_PAGE && rows.len() < AUDIT_PAGE {
            rows.push(AuditRow {
                seq: e.seq,
                time: local_time(req, e.time),
                actor: e.actor,
                action: t(lang, &format!("audit.op.{}", op_code(e.op))),
                entity: format!("{} {}", pages::entity_label(lang, &e.entity), e.id),
                detail: e.detail,
            });
        }
    }
    AuditProps {
        shell: shell(req),
        filter: AuditFilter {
            person: q.person.clone(),
            actor: q.actor.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
        },
        rows,
        page: Pagination { page, total_pages: total.div_ceil(AUDIT_PAGE as u64).max(1) as u32, total_items: total },
        verify: None,
    }
}

fn op_code(op: Op) -> &'static str {
    match op {
        Op::Create => "create",
        Op::Update => "update",
        Op::Delete => "delete",
        Op::View => "view",
        Op::Export => "export",
        Op::Note => "note",
    }
}

async fn audit(req: HttpRequest, app: web::Data<App>, q: web::Query<AuditQuery>) -> HttpResponse {
    ok(balai_ui::render_audit(audit_props(&req, &app, &q)))
}

async fn audit_verify(req: HttpRequest, app: web::Data<App>, _f: CsrfForm<serde::de::IgnoredAny>) -> HttpResponse {
    let lang = pages::lang(&req);
    let mut props = audit_props(&req, &app, &AuditQuery::default());
    props.verify = Some(match app.store.verify_chain() {
        Ok(r) if r.ok() => {
            ChainCheck { ok: true, text: tf(lang, "audit.chain.ok", &[("count", &r.entries.to_string())]) }
        }
        Ok(r) => ChainCheck { ok: false, text: format!("{} {}", t(lang, "audit.chain.broken"), r.problems.join("; ")) },
        Err(_) => ChainCheck { ok: false, text: t(lang, "error.internal") },
    });
    ok(balai_ui::render_audit(props))
}
