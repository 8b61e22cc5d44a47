//! The access guard in front of every route: it finds the route's row in the
//! policy table, works out who is asking (session cookie or bearer token) and
//! refuses anyone the row does not allow, before a handler runs. Also the
//! extractors handlers use: the caller's identity, the language, and forms
//! whose CSRF token has been checked.

use super::model::Identity;
use super::operations;
use super::policy::{self, Access};
use crate::app::App;
use actix_web::body::BoxBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use balai_ui::Lang;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// `__Host-` pins the cookie to this origin, HTTPS only, path `/`.
pub const SESSION_COOKIE: &str = "__Host-balai_session";
/// Anonymous forms (sign-in) use a double-submit token in this cookie.
pub const PRE_COOKIE: &str = "__Host-balai_pre";
pub const LANG_COOKIE: &str = "balai_lang";

pub async fn guard(req: ServiceRequest, next: Next<BoxBody>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(pattern) = req.match_pattern() else {
        return next.call(req).await;
    };
    let Some(rule) = policy::find(req.method().as_str(), &pattern) else {
        // Routes are registered only with a rule (see http::routes); a method
        // the route lacks falls through to actix's 404/405.
        return next.call(req).await;
    };
    let identity = match req.app_data::<web::Data<App>>() {
        Some(app) => identify(app, req.request()),
        None => None,
    };
    if !rule.access.allows(identity.as_ref().map(|i| i.role)) {
        if let (Some(who), Some(app)) = (&identity, req.app_data::<web::Data<App>>()) {
            audit_refusal(app, who, req.method().as_str(), &pattern);
        }
        let resp = refuse(req.request(), identity.is_some(), rule.access);
        return Ok(req.into_response(resp));
    }
    if rule.reauth && needs_reauth(&req, identity.as_ref()) {
        let next_path = reauth_return_path(req.request());
        let resp = see_other(&format!("/reauth?next={}", urlencode(&next_path)));
        return Ok(req.into_response(resp));
    }
    if let Some(identity) = identity {
        req.extensions_mut().insert(identity);
    }
    next.call(req).await.map(|r| r.map_into_boxed_body())
}

/// A signed-in account asked for something its role may not do (sign a
/// letter, open the register): kept in the audit trail.
fn audit_refusal(app: &App, who: &Identity, method: &str, pattern: &str) {
    let note = crate::store::Change::note("access", pattern, crate::store::Op::Note)
        .with_detail(format!("refused {method} {pattern} to {}", who.role.code()));
    if let Err(e) = app.store.commit(&who.username, vec![note], crate::store::Durability::Lazy) {
        tracing::warn!(error = %e, "could not log a refused request");
    }
}

fn identify(app: &App, req: &HttpRequest) -> Option<Identity> {
    if let Some(token) = bearer(req) {
        return operations::identity_from_token(&app.store, token).ok().flatten();
    }
    let cookie = req.cookie(SESSION_COOKIE)?;
    operations::identity_from_session(&app.store, cookie.value()).ok().flatten()
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

fn is_api(req: &HttpRequest) -> bool {
    req.path().starts_with("/api/")
}

fn refuse(req: &HttpRequest, signed_in: bool, access: Access) -> HttpResponse {
    let lang = lang_of(req);
    if is_api(req) {
        let (status, key) = if signed_in {
            (actix_web::http::StatusCode::FORBIDDEN, "error.forbidden")
        } else {
            (actix_web::http::StatusCode::UNAUTHORIZED, "error.unauthorized")
        };
        return HttpResponse::build(status).json(serde_json::json!({ "error": balai_ui::t(lang, key) }));
    }
    if !signed_in && access != Access::Public {
        let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        return see_other(&format!("/signin?next={}", urlencode(next)));
    }
    crate::http::pages::error_page(req, 403, "error.forbidden")
}

fn needs_reauth(req: &ServiceRequest, identity: Option<&Identity>) -> bool {
    let Some(app) = req.app_data::<web::Data<App>>() else {
        return true;
    };
    match identity.and_then(|i| i.session.as_ref()) {
        // bearer tokens carry no session; sensitive routes are not for machines
        None => true,
        Some(s) => s
            .reauth_at
            .is_none_or(|t| chrono::Utc::now() - t > chrono::Duration::minutes(app.config.auth.reauth_minutes)),
    }
}

/// Where to come back after re-authenticating: the page itself for a GET, the
/// page the form was on for a POST (the form must be submitted again).
fn reauth_return_path(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        return req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into());
    }
    req.headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]).and_then(|r| r.find('/').map(|j| r[j..].to_string())))
        .unwrap_or_else(|| "/dashboard".into())
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", location)).finish()
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).map(|e| e[2..].to_string()).unwrap_or_default()
}

/// Only same-site relative paths are followed after sign-in (no open redirect).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') { next } else { "/dashboard" }
}

pub fn lang_of(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE).map(|c| Lang::from_code(c.value())).unwrap_or_default()
}

pub fn identity_of(req: &HttpRequest) -> Option<Identity> {
    req.extensions().get::<Identity>().cloned()
}

pub fn session_cookie(token: &str, minutes: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_string())
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::minutes(minutes))
        .finish()
}

pub fn expired_cookie(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build(name, "").path("/").secure(true).http_only(true).finish();
    c.make_removal();
    c
}

/// The token an anonymous form must echo back; made on first use.
pub fn pre_session_token(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(c) = req.cookie(PRE_COOKIE).filter(|c| c.value().len() == 64) {
        return (c.value().to_string(), None);
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    let cookie = Cookie::build(PRE_COOKIE, token.clone())
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    (token, Some(cookie))
}

/// The CSRF token expected from a form posted by this request's sender.
pub fn expected_csrf(req: &HttpRequest) -> Option<String> {
    match identity_of(req) {
        Some(i) => i.session.map(|s| s.csrf),
        None => req.cookie(PRE_COOKIE).map(|c| c.value().to_string()),
    }
}

pub fn csrf_ok(req: &HttpRequest, given: &str) -> bool {
    use subtle_eq::eq;
    expected_csrf(req).is_some_and(|want| !want.is_empty() && eq(want.as_bytes(), given.as_bytes()))
}

mod subtle_eq {
    /// Constant-time comparison, so the token cannot be guessed byte by byte.
    pub fn eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// A urlencoded form whose `csrf` field matched; anything else is refused with
/// 403 and the handler never runs. The fields are also kept as pairs, for
/// forms whose handlers want the raw values (to show them again on error).
pub struct CsrfForm<T> {
    pub data: T,
    pub pairs: Vec<(String, String)>,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body.await?;
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).map_err(|_| form_error(&req, 400, "error.bad_form"))?;
            let given = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
            if !csrf_ok(&req, given) {
                return Err(form_error(&req, 403, "error.csrf"));
            }
            let data = serde_urlencoded::from_bytes(&bytes).map_err(|_| form_error(&req, 400, "error.bad_form"))?;
            Ok(CsrfForm { data, pairs })
        })
    }
}

fn form_error(req: &HttpRequest, status: u16, key: &'static str) -> actix_web::Error {
    actix_web::error::InternalError::from_response(key, crate::http::pages::error_page(req, status, key)).into()
}

/// Handlers that need a signed-in caller take this; the guard has already
/// refused anonymous requests to such routes, so a miss is a server bug.
pub struct Actor(pub Identity);

impl FromRequest for Actor {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            identity_of(req).map(Actor).ok_or_else(|| actix_web::error::ErrorUnauthorized("sign in first")),
        )
    }
}
