//! Proves the daemon is up and reachable as a person would reach it: `/healthz`
//! answers over HTTPS with a certificate chain from its own CA, plain HTTP
//! redirects to HTTPS and hands out that CA, and SIGTERM stops it cleanly.

use balai_tests::{Balai, Client, Options};
use std::time::{Duration, Instant};

#[test]
fn healthz_answers_over_https_with_status_and_version() {
    let balai = Balai::empty();
    let r = balai.client().page("/healthz");
    assert_eq!(r.status, 200, "{r:?}");
    let body = r.json();
    assert_eq!(body["status"], "ok", "{body}");
    let version = body["version"].as_str().expect("version is a string");
    assert!(!version.is_empty() && version.split('.').count() == 3, "odd version {version:?}");
}

#[test]
fn a_client_that_does_not_trust_the_ca_is_refused() {
    let balai = Balai::empty();
    // A CA of a different Balai: the handshake must fail, never fall back.
    let other = Balai::empty();
    let stranger = Client::new(other.ca_pem(), &balai.url("")).expect("client");
    let err = stranger.get("/healthz").expect_err("a certificate from another CA must not be accepted");
    assert!(err.is_connect() || err.is_request(), "unexpected error kind: {err}");
}

#[test]
fn plain_http_redirects_to_https_and_serves_the_ca() {
    let balai = Balai::empty();
    let plain = balai.plain_client();
    let r = plain.page("/residents?q=siti");
    assert_eq!(r.status, 308, "{r:?}");
    assert_eq!(r.location().as_deref(), Some(balai.url("/residents?q=siti").as_str()));

    let ca = plain.page("/ca.crt");
    assert_eq!(ca.status, 200, "{ca:?}");
    assert_eq!(ca.bytes, balai.ca_pem(), "the CA served over HTTP differs from <data-dir>/keys/ca.crt");
    assert!(ca.text().starts_with("-----BEGIN CERTIFICATE-----"), "{ca:?}");
    // The CA fetched over plain HTTP is enough to reach the HTTPS side.
    let via_downloaded_ca = Client::new(&ca.bytes, &balai.url("")).expect("client");
    assert_eq!(via_downloaded_ca.page("/healthz").status, 200);
    // and the HTTPS side serves the same file
    assert_eq!(balai.client().page("/ca.crt").bytes, balai.ca_pem());
}

#[test]
fn sigterm_stops_the_daemon_with_exit_code_zero() {
    let mut balai = Balai::empty();
    {
        let c = balai.client();
        assert_eq!(c.page("/healthz").status, 200);
    }
    let started = Instant::now();
    let status = balai.terminate(Duration::from_secs(15)).expect("balai did not exit within 15 s of SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status}\n{}", balai.logs());
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(!balai.data_dir.join("balai.sock").exists(), "the CLI socket was left behind after a clean stop");
    // and it starts again on the same data dir
    balai.start_again();
    assert_eq!(balai.client().page("/healthz").status, 200);
}

#[test]
fn the_log_filter_variable_balai_log_is_honoured() {
    // run.rs reads the tracing filter from BALAI_LOG; the config loader must
    // not also take it as an override of the `[log]` section and refuse to start.
    let balai = Balai::start(Options { env: vec![("BALAI_LOG".into(), "warn".into())], ..Options::default() });
    assert_eq!(balai.client().page("/healthz").status, 200);
}

#[test]
fn the_https_redirect_keeps_an_ipv6_host_intact() {
    // A phone that reached the box by an IPv6 address sends `Host: [addr]:port`;
    // the redirect must name the same address, not cut it at its first colon.
    let balai = Balai::empty();
    let plain = balai.plain_client();
    let r = plain
        .send_with_headers("GET", "/residents", &[("host", &format!("[::1]:{}", balai.http_port))])
        .expect("an answer");
    assert_eq!(r.status, 308, "{r:?}");
    assert_eq!(r.location(), Some(format!("https://[::1]:{}/residents", balai.https_port)), "{r:?}");
}
