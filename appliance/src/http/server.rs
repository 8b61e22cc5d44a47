//! Starts the two listeners: HTTPS for everything, plain HTTP only to hand out
//! the CA certificate and redirect to HTTPS. actix stops gracefully on SIGTERM
//! and SIGINT; the store is flushed after the last request has finished.

use super::registry;
use crate::app::App;
use crate::auth::guard;
use actix_web::middleware::from_fn;
use actix_web::{App as ActixApp, HttpRequest, HttpResponse, HttpServer, web};
use std::sync::Arc;

pub async fn serve(app: Arc<App>, tls: Arc<rustls::ServerConfig>) -> anyhow::Result<()> {
    let cfg = app.config.http.clone();
    let data = web::Data::from(app.clone());
    let https = HttpServer::new(move || {
        ActixApp::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(data.config.limits.upload_bytes))
            .app_data(web::FormConfig::default().limit(256 * 1024))
            .wrap(from_fn(guard::guard))
            .wrap(actix_web::middleware::Logger::new("%a \"%r\" %s %T").log_target("balai::http"))
            .configure(registry::configure)
            .default_service(web::to(not_found))
    })
    .workers(cfg.workers.max(1))
    .shutdown_timeout(10)
    .bind_rustls_0_23((cfg.bind.as_str(), cfg.https_port), (*tls).clone())?
    .run();

    let https_port = cfg.https_port;
    let data = web::Data::from(app.clone());
    let plain = HttpServer::new(move || {
        ActixApp::new()
            .app_data(data.clone())
            .app_data(web::Data::new(https_port))
            .route("/ca.crt", web::get().to(registry::ca_cert))
            .route("/healthz", web::get().to(plain_healthz))
            .default_service(web::to(redirect_to_https))
    })
    .workers(1)
    .shutdown_timeout(2)
    .bind((cfg.bind.as_str(), cfg.http_port))?
    .run();

    tracing::info!(https = cfg.https_port, http = cfg.http_port, bind = %cfg.bind, "serving");
    let (a, b) = futures_join(https, plain).await;
    app.store.flush()?;
    tracing::info!("stopped; store flushed");
    a?;
    b?;
    Ok(())
}

async fn futures_join(
    a: actix_web::dev::Server,
    b: actix_web::dev::Server,
) -> (std::io::Result<()>, std::io::Result<()>) {
    let hb = b.handle();
    let ha = a.handle();
    let ta = actix_web::rt::spawn(a);
    let tb = actix_web::rt::spawn(b);
    // When either side stops (a signal stops both), stop the other as well.
    let ra = ta.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
    hb.stop(true).await;
    let rb = tb.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
    ha.stop(true).await;
    (ra, rb)
}

async fn plain_healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "tls": false }))
}

async fn redirect_to_https(req: HttpRequest, port: web::Data<u16>) -> HttpResponse {
    let host = host_without_port(req.connection_info().host()).to_string();
    let path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let location =
        if **port == 443 { format!("https://{host}{path}") } else { format!("https://{host}:{}{path}", **port) };
    HttpResponse::PermanentRedirect().insert_header(("Location", location)).finish()
}

/// `[::1]:8080` → `[::1]`, `balai.local:8080` → `balai.local`.
fn host_without_port(host: &str) -> &str {
    match host.strip_prefix('[') {
        Some(rest) => rest.find(']').map(|i| &host[..i + 2]).unwrap_or("balai.local"),
        None => host.split(':').next().filter(|h| !h.is_empty()).unwrap_or("balai.local"),
    }
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        return HttpResponse::NotFound().json(serde_json::json!({ "error": "not found" }));
    }
    super::pages::error_page(&req, 404, "error.not_found")
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_without_port_keeps_ipv6_brackets() {
        use super::host_without_port as h;
        assert_eq!(h("[::1]:8080"), "[::1]");
        assert_eq!(h("[fe80::1]"), "[fe80::1]");
        assert_eq!(h("balai.local:8080"), "balai.local");
        assert_eq!(h("192.168.1.2"), "192.168.1.2");
        assert_eq!(h("[broken"), "balai.local");
        assert_eq!(h(""), "balai.local");
    }
}
