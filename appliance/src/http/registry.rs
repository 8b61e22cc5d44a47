//! Every route Balai serves, gathered from the domains in one list. A route
//! without a row in the policy table stops the server from starting (and
//! fails `every_route_has_a_policy_rule`), so no handler is ever reachable
//! without an access rule.

use crate::app::App;
use crate::auth::policy;
use actix_web::{HttpRequest, HttpResponse, Route, web};

pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub route: Route,
}

pub fn get(path: &'static str, route: Route) -> Endpoint {
    Endpoint { method: "GET", path, route }
}

pub fn post(path: &'static str, route: Route) -> Endpoint {
    Endpoint { method: "POST", path, route }
}

pub fn put(path: &'static str, route: Route) -> Endpoint {
    Endpoint { method: "PUT", path, route }
}

pub fn all() -> Vec<Endpoint> {
    let mut all = own();
    all.extend(crate::auth::routes::endpoints());
    all.extend(crate::village::routes::endpoints());
    all.extend(crate::residents::routes::endpoints());
    all.extend(crate::letters::routes::endpoints());
    all.extend(crate::letters::api::endpoints());
    all.extend(crate::outbox::routes::endpoints());
    all.extend(crate::posyandu::routes::endpoints());
    all.extend(crate::immunization::routes::endpoints());
    all.extend(crate::maternal::routes::endpoints());
    all.extend(crate::telemedicine::routes::endpoints());
    all.extend(crate::health_record::routes::endpoints());
    all.extend(crate::queue::routes::endpoints());
    all.extend(crate::files::routes::endpoints());
    all.extend(crate::devices::routes::endpoints());
    all.extend(crate::telemetry::routes::endpoints());
    all.extend(crate::farming::routes::endpoints());
    all.extend(crate::backup::routes::endpoints());
    all
}

fn own() -> Vec<Endpoint> {
    vec![
        get("/healthz", web::get().to(healthz)),
        get("/ca.crt", web::get().to(ca_cert)),
        get("/static/balai.css", web::get().to(css)),
        get("/api/v1/openapi.json", web::get().to(super::openapi::document)),
    ]
}

/// Registers the endpoints, grouped by path so that each path is one actix
/// resource answering 405 for a method it lacks.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut by_path: Vec<(&'static str, Vec<Endpoint>)> = Vec::new();
    for e in all() {
        assert!(
            policy::find(e.method, e.path).is_some(),
            "route {} {} has no row in the policy table",
            e.method,
            e.path
        );
        match by_path.iter_mut().find(|(p, _)| *p == e.path) {
            Some((_, list)) => list.push(e),
            None => by_path.push((e.path, vec![e])),
        }
    }
    for (path, endpoints) in by_path {
        let mut resource = web::resource(path);
        for e in endpoints {
            resource = resource.route(e.route.method(e.method.parse().expect("valid method")));
        }
        cfg.service(resource);
    }
}

async fn healthz(app: web::Data<App>) -> HttpResponse {
    let store_ok = app.store.last_seq().is_ok();
    let body = serde_json::json!({
        "status": if store_ok { "ok" } else { "degraded" },
        "version": env!("CARGO_PKG_VERSION"),
    });
    if store_ok { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

pub async fn ca_cert(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/x-x509-ca-cert")
        .insert_header(("Content-Disposition", "attachment; filename=\"balai-ca.crt\""))
        .body(app.ca_pem.clone())
}

async fn css(_req: HttpRequest) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(balai_ui::CSS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_policy_rule_and_every_rule_a_route() {
        let endpoints = all();
        for e in &endpoints {
            assert!(policy::find(e.method, e.path).is_some(), "{} {} has no policy rule", e.method, e.path);
        }
        for r in policy::POLICY {
            assert!(
                endpoints.iter().any(|e| e.method == r.method && e.path == r.path),
                "policy rule {} {} has no route",
                r.method,
                r.path
            );
        }
    }
}
