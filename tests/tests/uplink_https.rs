//! Uplink by HTTPS through the real binary: a district receiver on loopback
//! (its own CA, which the box trusts through `ca_file`) first refuses with
//! 503, then stores and acknowledges. The box retries the same bundle, the
//! bundle's signature verifies with `balai uplink import`, and the bundle
//! after the ack starts where the ack left off. An http:// endpoint is refused.

use balai_tests::{Balai, Options, command_for, run_with_stdin};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::PrivateKeyDer;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One POST the receiver got, and the status it answered.
#[derive(Clone)]
struct Delivery {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

struct Receiver {
    port: u16,
    ca_pem: String,
    got: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    /// Answers 503 to the first `refusals` POSTs, then acknowledges each
    /// bundle up to its `X-Balai-To-Seq`.
    fn start(refusals: usize) -> Receiver {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "Dinas test CA");
        let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let key = PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![leaf.der().clone()], key)
                .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let seen = got.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let _ = serve_one(tcp, &config, &seen, refusals);
            }
        });
        Receiver { port, ca_pem, got }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.got.lock().unwrap().clone()
    }

    fn wait_for(&self, what: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
        let until = Instant::now() + Duration::from_secs(90);
        loop {
            let got = self.deliveries();
            if done(&got) {
                return got;
            }
            assert!(Instant::now() < until, "timed out waiting for {what}; got {} POSTs", got.len());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// One HTTP/1.1 request per connection: enough for a test receiver.
fn serve_one(
    tcp: TcpStream,
    config: &Arc<rustls::ServerConfig>,
    seen: &Mutex<Vec<Delivery>>,
    refusals: usize,
) -> std::io::Result<()> {
    tcp.set_read_timeout(Some(Duration::from_secs(20)))?;
    let conn = rustls::ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tls.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = tls.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut all = seen.lock().unwrap();
    let (status, reply) = if all.len() < refusals {
        (503, String::from("busy"))
    } else {
        let seq = headers.get("x-balai-to-seq").cloned().unwrap_or_default();
        (200, format!("{{\"acknowledged_seq\": {seq}}}"))
    };
    all.push(Delivery { status, headers, body });
    drop(all);
    let reason = if status == 200 { "OK" } else { "Service Unavailable" };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
    tls.write_all(response.as_bytes())?;
    tls.flush()?;
    tls.conn.send_close_notify();
    let _ = tls.flush();
    Ok(())
}

fn has_entry(bundle: &[u8], name: &str) -> bool {
    bundle.windows(name.len()).any(|w| w == name.as_bytes())
}

#[test]
fn bundles_are_retried_until_acknowledged_and_the_next_starts_after_the_ack() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let receiver = Receiver::start(2);
    let ca_file = dir.join("dinas-ca.pem");
    std::fs::write(&ca_file, &receiver.ca_pem).unwrap();
    let recipients = format!(
        r#"[{{name = "dinas", tables = ["family"], endpoint = "https://127.0.0.1:{}/uplink", ca_file = "{}", interval_seconds = 3}}]"#,
        receiver.port,
        ca_file.display()
    );
    let mut opts = Options { demo: true, ..Options::default() };
    opts.env.push(("BALAI_UPLINK__RECIPIENTS".into(), recipients));
    opts.env.push(("BALAI_UPLINK__RETRY_BASE_SECONDS".into(), "2".into()));
    opts.env.push(("BALAI_UPLINK__RETRY_MAX_SECONDS".into(), "4".into()));
    let b = Balai::start(opts);

    // while it is refused, the admin's page says so
    receiver.wait_for("the first refusal", |d| !d.is_empty());
    let admin = b.signin("admin");
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let page = admin.get("/admin/cadangan").unwrap().text();
        if page.contains("503 Service Unavailable") {
            assert!(page.contains("dinas") && page.contains(&format!("127.0.0.1:{}", receiver.port)), "{page}");
            break;
        }
        assert!(Instant::now() < until, "the page does not show the failed attempt: {page}");
        std::thread::sleep(Duration::from_millis(100));
    }

    let got = receiver.wait_for("two acknowledged bundles", |d| d.iter().filter(|x| x.status == 200).count() >= 2);
    let header = |d: &Delivery, k: &str| d.headers.get(k).cloned().unwrap_or_default();
    // refused twice, then the very same bundle was sent again
    assert_eq!(got[0].status, 503);
    assert_eq!(got[1].status, 503);
    assert_eq!(got[2].status, 200);
    assert_eq!(header(&got[0], "x-balai-bundle"), header(&got[2], "x-balai-bundle"));
    assert_eq!(got[0].body, got[2].body);
    assert_eq!(header(&got[2], "content-type"), "application/zip");
    assert_eq!(header(&got[2], "x-balai-from-seq"), "0");
    assert!(has_entry(&got[2].body, "records/family.jsonl"));
    // the next bundle starts at the acknowledged sequence, and carries no
    // family again: none changed since
    let first_to = header(&got[2], "x-balai-to-seq");
    assert_eq!(header(&got[3], "x-balai-from-seq"), first_to);
    assert!(!has_entry(&got[3].body, "records/family.jsonl"));

    // the official's side accepts both: signed by this village's key
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(keys.join("3310052001.pub"), b.cli_ok(&["letter", "public-key"])).unwrap();
    for (i, d) in got[2..4].iter().enumerate() {
        std::fs::write(dir.join(format!("b{i}.zip")), &d.body).unwrap();
    }
    let config = dir.join("none.toml");
    std::fs::write(&config, "").unwrap();
    let into = dir.join("district");
    let out = run_with_stdin(
        command_for(&dir.join("no-data"), &config).env("BALAI_LOG", "warn").args([
            "uplink",
            "import",
            dir.join("b0.zip").to_str().unwrap(),
            dir.join("b1.zip").to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ]),
        "",
    );
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(into.join("records/3310052001/family.jsonl").exists(), "{said}");

    // the box recorded the acknowledgement and shows it
    let page = admin.get("/admin/cadangan").unwrap().text();
    assert!(page.contains(&first_to) || page.contains(&header(&got[3], "x-balai-to-seq")), "{page}");
}

#[test]
fn an_http_endpoint_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("balai.toml");
    std::fs::write(&config, "[[uplink.recipients]]\nname = \"dinas\"\nendpoint = \"http://dinas.example/uplink\"\n")
        .unwrap();
    for args in [&["config", "show"][..], &["serve"][..]] {
        let out = run_with_stdin(command_for(&dir.path().join("data"), &config).args(args), "");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success(), "{args:?} accepted an http:// endpoint");
        assert!(err.contains("uplink.recipients[0].endpoint") && err.contains("https://"), "{err}");
    }
    assert!(!dir.path().join("data").exists(), "nothing is written with a refused config");
}

#[test]
fn an_endpoint_whose_certificate_does_not_verify_gets_nothing() {
    let work = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0);
    // the box is told to trust another office's CA
    let ca_file = work.path().join("other-ca.pem");
    std::fs::write(&ca_file, Receiver::start(0).ca_pem).unwrap();
    let recipients = format!(
        r#"[{{name = "dinas", tables = ["family"], endpoint = "https://127.0.0.1:{}/uplink", ca_file = "{}"}}]"#,
        receiver.port,
        ca_file.display()
    );
    let mut opts = Options { demo: true, ..Options::default() };
    opts.env.push(("BALAI_UPLINK__RECIPIENTS".into(), recipients));
    opts.env.push(("BALAI_UPLINK__RETRY_BASE_SECONDS".into(), "1".into()));
    let b = Balai::start(opts);
    let admin = b.signin("admin");
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let page = admin.get("/admin/cadangan").unwrap().text();
        if page.contains("certificate") {
            break;
        }
        assert!(Instant::now() < until, "no certificate error on the page: {page}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(receiver.deliveries().is_empty(), "a bundle went to an unverified server");
}
