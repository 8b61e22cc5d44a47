//! The embedded MQTT broker, black-box: the real daemon, a real MQTT client
//! (rumqttc) and Debian's mosquitto_pub/mosquitto_sub. Authentication against
//! the device registry, the tenant refusal on the certificate listener,
//! revocation, readings surviving kill -9, roll-ups, invalid payloads counted,
//! a flooding device limited alone, garbage on the socket.

use balai_tests::{Balai, Client};
use rumqttc::{
    Client as MqttClient, Connection, Event, MqttOptions, Outgoing, Packet, QoS, TlsConfiguration, Transport,
};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Sawah-Hijau-2026!";

struct Device {
    id: String,
    secret: String,
    cert_pem: String,
    key_pem: String,
}

fn add_device(b: &Balai, id: &str, kind: &str) -> Device {
    let out = b.cli_ok(&["--json", "device", "add", id, "--kind", kind, "--place", "Sawah Blok A"]);
    let v: Value = serde_json::from_str(&out).expect("device add --json");
    let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("no {k} in {v}")).to_string();
    Device { id: s("id"), secret: s("secret"), cert_pem: s("cert_pem"), key_pem: s("key_pem") }
}

fn admin(b: &Balai) -> Client {
    let out = b.cli(&["user", "add", "admin", "--role", "admin"], &format!("{PASSWORD}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    b.bearer(&b.issue_token("admin"))
}

fn options(id: &str, port: u16, user: &str, secret: &str) -> MqttOptions {
    let mut o = MqttOptions::new(id, "localhost", port);
    o.set_credentials(user, secret);
    o.set_keep_alive(Duration::from_secs(30));
    o
}

fn tls_options(b: &Balai, d: &Device, port: u16) -> MqttOptions {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile_certs(b.ca_pem()) {
        roots.add(cert).expect("CA");
    }
    let chain = rustls_pemfile_certs(d.cert_pem.as_bytes());
    use rustls::pki_types::pem::PemObject;
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(d.key_pem.as_bytes()).expect("device key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .expect("client certificate");
    let mut o = options(&d.id, port, &d.id, &d.secret);
    o.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(Arc::new(config))));
    o
}

fn rustls_pemfile_certs(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem).map(|c| c.expect("PEM certificate")).collect()
}

/// Connects and waits for CONNACK; Err with the client's error otherwise.
/// rumqttd closes a refused connection without a CONNACK, so a refusal shows
/// as a connection error.
fn connect(opts: MqttOptions) -> Result<(MqttClient, Connection), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (client, mut conn) = MqttClient::new(opts.clone(), 100);
        match conn.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => return Ok((client, conn)),
            Ok(Err(e)) if e.to_string().contains("refused") && Instant::now() < deadline => {
                // the listener thread may not be up yet
                std::thread::sleep(Duration::from_millis(100));
            }
            other => return Err(format!("{other:?}")),
        }
    }
}

/// Publishes at QoS 1 and waits for every PUBACK.
fn publish_acked(client: &MqttClient, conn: &mut Connection, topic: &str, payloads: &[String]) -> Result<(), String> {
    // The client's request queue is bounded and drains only while the
    // connection is polled, so publish from a second thread.
    let (publisher, topic, owned) = (client.clone(), topic.to_string(), payloads.to_vec());
    std::thread::spawn(move || {
        for p in owned {
            if publisher.publish(topic.as_str(), QoS::AtLeastOnce, false, p.into_bytes()).is_err() {
                return;
            }
        }
    });
    let mut acked = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked < payloads.len() {
        if Instant::now() > deadline {
            return Err(format!("{acked} of {} acknowledged", payloads.len()));
        }
        match conn.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => acked += 1,
            Ok(Ok(_)) => {}
            other => return Err(format!("after {acked} acks: {other:?}")),
        }
    }
    Ok(())
}

/// Whether the broker drops the connection within `within`.
fn dropped(conn: &mut Connection, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        match conn.recv_timeout(Duration::from_millis(200)) {
            Ok(Err(_)) => return true,
            Ok(Ok(Event::Outgoing(Outgoing::Disconnect))) => return true,
            _ => {}
        }
    }
    false
}

fn csv(api: &Client, device: &str, query: &str) -> String {
    let r = api.get(&format!("/perangkat/{device}/data.csv?{query}")).expect("export");
    assert_eq!(r.status, 200, "{}", r.text());
    r.text()
}

fn metric(api: &Client, name: &str) -> f64 {
    let text = api.get("/metrics").expect("metrics").text();
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn registered_devices_only_and_readings_are_stored() {
    let b = Balai::empty();
    let api = admin(&b);
    let d = add_device(&b, "sawah01", "soil");

    assert!(connect(options("sawah01", b.mqtt_port, "sawah01", "wrong")).is_err(), "wrong secret refused");
    assert!(connect(options("stranger", b.mqtt_port, "stranger", &d.secret)).is_err(), "unknown device refused");
    assert!(connect(options("other", b.mqtt_port, "sawah01", &d.secret)).is_err(), "client id must be the device");

    let (client, mut conn) = connect(options("sawah01", b.mqtt_port, "sawah01", &d.secret)).expect("LAN connect");
    let readings: Vec<String> =
        (0..20).map(|i| format!(r#"{{"soil_moisture_pct": {}, "battery_v": 3.6}}"#, 20 + i)).collect();
    publish_acked(&client, &mut conn, "balai/sawah01/reading", &readings).expect("acked");
    wait_for("20 stored readings", || csv(&api, "sawah01", "measure=soil_moisture_pct").lines().count() == 21);
    let export = csv(&api, "sawah01", "measure=soil_moisture_pct&resolution=hour");
    let hour = export.lines().nth(1).expect("one hourly roll-up");
    assert!(hour.ends_with(",sawah01,soil_moisture_pct,20,29.5,39,20"), "{export}");

    // MQTT 5 on its own port, same credential
    let mut o5 = rumqttc::v5::MqttOptions::new("sawah01", "localhost", b.mqtt_v5_port);
    o5.set_credentials("sawah01", d.secret.clone());
    let (c5, mut conn5) = rumqttc::v5::Client::new(o5, 10);
    c5.publish("balai/sawah01/reading", rumqttc::v5::mqttbytes::QoS::AtLeastOnce, false, r#"{"air_temp_c": 27.5}"#)
        .expect("v5 publish");
    let acked = (0..20).any(|_| {
        matches!(
            conn5.recv_timeout(Duration::from_secs(2)),
            Ok(Ok(rumqttc::v5::Event::Incoming(rumqttc::v5::mqttbytes::v5::Packet::PubAck(_))))
        )
    });
    assert!(acked, "MQTT 5 publish acknowledged");
    wait_for("the v5 reading", || csv(&api, "sawah01", "measure=air_temp_c").contains(",27.5,"));

    // invalid payloads are counted per device and dropped; the broker goes on
    let bad = vec![r#"{"soil_moisture_pct": 250}"#.to_string(), "not json".to_string()];
    let (client, mut conn) = connect(options("sawah01", b.mqtt_port, "sawah01", &d.secret)).expect("reconnect");
    publish_acked(&client, &mut conn, "balai/sawah01/reading", &bad).expect("acked even if invalid");
    wait_for("2 invalid payloads", || metric(&api, "balai_mqtt_invalid_payloads_total") >= 2.0);
    let text = api.get("/metrics").unwrap().text();
    assert!(text.contains("balai_mqtt_device_invalid_payloads_total{device=\"sawah01\"} 2"), "{text}");
    assert!(metric(&api, "balai_mqtt_connected_clients") >= 1.0);
    assert!(b.logs().contains("invalid MQTT payload dropped"), "logged with the device id");
    let list = b.cli_ok(&["--json", "device", "list"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["battery_v"], 3.6);
    assert!(list[0]["last_seen_ms"].as_i64().unwrap() > 0);
}

#[test]
fn revocation_disconnects_at_once_and_rotation_replaces_the_secret() {
    let b = Balai::empty();
    let d = add_device(&b, "tanah02", "soil");
    let (_client, mut conn) = connect(options("tanah02", b.mqtt_port, "tanah02", &d.secret)).expect("connect");
    let started = Instant::now();
    b.cli_ok(&["device", "revoke", "tanah02"]);
    assert!(dropped(&mut conn, Duration::from_secs(3)), "a revoked device is disconnected");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(connect(options("tanah02", b.mqtt_port, "tanah02", &d.secret)).is_err(), "and refused");

    let out = b.cli_ok(&["--json", "device", "rotate", "tanah02"]);
    let rotated: Value = serde_json::from_str(&out).unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(connect(options("tanah02", b.mqtt_port, "tanah02", &d.secret)).is_err(), "old secret refused");
    let (_c, mut conn) = connect(options("tanah02", b.mqtt_port, "tanah02", new_secret)).expect("new secret works");
    b.cli_ok(&["device", "rotate", "tanah02"]);
    assert!(dropped(&mut conn, Duration::from_secs(3)), "rotation drops the old session");
}

#[test]
fn certificate_listener_proves_the_device_and_keeps_kiosks_off_the_lan() {
    let b = Balai::empty();
    let api = admin(&b);
    let soil = add_device(&b, "kebun03", "soil");
    let kiosk = add_device(&b, "kios01", "kiosk");

    assert!(
        connect(options("kios01", b.mqtt_port, "kios01", &kiosk.secret)).is_err(),
        "personal data never on the LAN"
    );
    assert!(connect(tls_options(&b, &kiosk, b.mqtt_tls_port)).is_ok(), "kiosk with its certificate");

    let (client, mut conn) = connect(tls_options(&b, &soil, b.mqtt_tls_port)).expect("TLS connect");
    publish_acked(&client, &mut conn, "/tenants/kebun03/balai/reading", &[r#"{"soil_temp_c": 24.5}"#.into()])
        .expect("own tenant prefix");
    wait_for("the TLS reading", || csv(&api, "kebun03", "measure=soil_temp_c").contains(",24.5,"));
    // another device's prefix: rumqttd drops the connection, no PUBACK
    let err = publish_acked(&client, &mut conn, "/tenants/kios01/balai/health", &[r#"{"pulse": 70}"#.into()]);
    assert!(err.is_err(), "publishing under another device's prefix is refused");
    let (client, mut conn) = connect(tls_options(&b, &soil, b.mqtt_tls_port)).expect("reconnect");
    client.subscribe("/tenants/kios01/#", QoS::AtLeastOnce).unwrap();
    assert!(dropped(&mut conn, Duration::from_secs(3)), "subscribing to another tenant is refused");

    // a certificate alone is not enough: a wrong secret is refused
    let mut wrong = Device { secret: "wrong".into(), ..soil };
    wrong.id = "kebun03".into();
    assert!(connect(tls_options(&b, &wrong, b.mqtt_tls_port)).is_err());
}

/// rumqttd sends PUBACK when its router has the message, and the daemon's
/// link gets it about then, not before (see docs/mqtt.md, "What received
/// means"). Once the link has it, it is journaled: this kills the daemon
/// as soon as the link counted all 100, before the store need have them.
#[test]
fn acknowledged_readings_survive_kill_9() {
    let mut b = Balai::empty();
    let api = admin(&b);
    let d = add_device(&b, "sungai01", "water");
    let (client, mut conn) = connect(options("sungai01", b.mqtt_port, "sungai01", &d.secret)).expect("connect");
    let readings: Vec<String> = (0..100).map(|i| format!(r#"{{"water_level_cm": {i}}}"#)).collect();
    publish_acked(&client, &mut conn, "balai/sungai01/reading", &readings).expect("all acknowledged");
    wait_for("the link to have all 100", || metric(&api, "balai_mqtt_messages_received_total") >= 100.0);
    b.kill9();
    b.start_again();
    let api = b.bearer(&b.issue_token("admin"));
    let export = csv(&api, "sungai01", "measure=water_level_cm");
    assert_eq!(export.lines().count(), 101, "every acknowledged reading is back:\n{export}");
}

#[test]
fn a_flooding_device_is_limited_and_garbage_is_survived() {
    let b = Balai::start(balai_tests::Options {
        env: vec![("BALAI_MQTT__READINGS_PER_MINUTE".into(), "60".into())],
        ..Default::default()
    });
    let api = admin(&b);
    let flood = add_device(&b, "banjir01", "water");
    let calm = add_device(&b, "tenang01", "water");

    // garbage, half a CONNECT, and clients that vanish
    for junk in [&b"\x10\xff\xff\xff\xff\x7f"[..], b"GET / HTTP/1.1\r\n\r\n", b"\x10\x0c\x00\x04MQTT"] {
        let mut s = TcpStream::connect(("127.0.0.1", b.mqtt_port)).unwrap();
        let _ = s.write_all(junk);
        drop(s);
    }
    let mut idle = TcpStream::connect(("127.0.0.1", b.mqtt_port)).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10))).unwrap();

    let (fc, mut fconn) = connect(options("banjir01", b.mqtt_port, "banjir01", &flood.secret)).expect("flooder");
    let flood_payloads: Vec<String> = (0..600).map(|i| format!(r#"{{"water_level_cm": {}}}"#, i % 100)).collect();
    publish_acked(&fc, &mut fconn, "balai/banjir01/reading", &flood_payloads).expect("flood acknowledged");
    let (cc, mut cconn) = connect(options("tenang01", b.mqtt_port, "tenang01", &calm.secret)).expect("calm device");
    let calm_payloads: Vec<String> = (0..5).map(|i| format!(r#"{{"water_level_cm": {i}}}"#)).collect();
    publish_acked(&cc, &mut cconn, "balai/tenang01/reading", &calm_payloads).expect("calm acknowledged");

    wait_for("the calm device's readings", || csv(&api, "tenang01", "").lines().count() == 6);
    let stored = csv(&api, "banjir01", "").lines().count() - 1;
    assert!((60..=70).contains(&stored), "the flooder keeps its burst only: {stored}");
    assert!(metric(&api, "balai_mqtt_rate_limited_total") >= 530.0);
    // the half-open client is closed by the connect timeout, not kept forever
    let mut buf = [0u8; 1];
    assert!(matches!(idle.read(&mut buf), Ok(0) | Err(_)), "an idle socket without CONNECT is dropped");
}

#[test]
fn mosquitto_clients_from_debian_work_as_documented() {
    if Command::new("mosquitto_pub").arg("--help").output().is_err() {
        panic!("mosquitto_pub is missing: apt-get install mosquitto-clients");
    }
    let b = Balai::empty();
    let api = admin(&b);
    let d = add_device(&b, "cuaca01", "weather");
    let board = add_device(&b, "papan01", "board");
    let port = b.mqtt_port.to_string();
    // the example from docs/mqtt.md, as it stands
    let out = Command::new("mosquitto_pub")
        .args(["-h", "localhost", "-p", &port, "-i", "cuaca01", "-u", "cuaca01", "-P", &d.secret, "-q", "1"])
        .args(["-t", "balai/cuaca01/reading", "-m", r#"{"air_temp_c": 29.5, "humidity_pct": 81, "rain_mm": 0.4}"#])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for("the weather reading", || csv(&api, "cuaca01", "").lines().count() == 4);
    let refused = Command::new("mosquitto_pub")
        .args([
            "-h",
            "localhost",
            "-p",
            &port,
            "-i",
            "cuaca01",
            "-u",
            "cuaca01",
            "-P",
            "nope",
            "-t",
            "balai/cuaca01/reading",
        ])
        .args(["-m", "{}"])
        .output()
        .unwrap();
    assert!(!refused.status.success(), "a wrong secret fails mosquitto_pub");

    // the queue board's retained state is there for a board that subscribes late
    let sub = Command::new("mosquitto_sub")
        .args(["-h", "localhost", "-p", &port, "-i", "papan01", "-u", "papan01", "-P", &board.secret])
        .args(["-t", "board/queue", "-C", "1", "-W", "10"])
        .output()
        .unwrap();
    let state: Value = serde_json::from_slice(&sub.stdout).unwrap_or_else(|_| panic!("{sub:?}"));
    assert!(state["counters"].is_array() && state["waiting"].is_array(), "{state}");

    // TLS with the device's certificate, as docs/mqtt.md shows
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let (ca, cert, key) = (
        write("ca.crt", &String::from_utf8_lossy(b.ca_pem())),
        write("cuaca01.crt", &d.cert_pem),
        write("cuaca01.key", &d.key_pem),
    );
    let tls_port = b.mqtt_tls_port.to_string();
    let out = Command::new("mosquitto_pub")
        .args(["-h", "localhost", "-p", &tls_port, "--cafile", &ca, "--cert", &cert, "--key", &key])
        .args(["-i", "cuaca01", "-u", "cuaca01", "-P", &d.secret, "-q", "1"])
        .args(["-t", "/tenants/cuaca01/balai/reading", "-m", r#"{"air_temp_c": 30.5}"#])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for("the TLS weather reading", || csv(&api, "cuaca01", "measure=air_temp_c").contains(",30.5,"));
}

#[test]
fn a_dry_field_and_a_flood_reach_the_outbox() {
    let b = Balai::empty();
    let api = admin(&b);
    let soil = add_device(&b, "jagung01", "soil");
    let river = add_device(&b, "sungai02", "water");
    b.cli_ok(&["device", "field", "Sawah Blok A", "--crop", "maize", "--phone", "081234567890", "--flood-cm", "150"]);
    let (client, mut conn) = connect(options("jagung01", b.mqtt_port, "jagung01", &soil.secret)).expect("connect");
    publish_acked(&client, &mut conn, "balai/jagung01/reading", &[r#"{"soil_moisture_pct": 12.5}"#.into()]).unwrap();
    let (client, mut conn) = connect(options("sungai02", b.mqtt_port, "sungai02", &river.secret)).expect("connect");
    publish_acked(&client, &mut conn, "balai/sungai02/reading", &[r#"{"water_level_cm": 171}"#.into()]).unwrap();
    // the outbox page shows what a message is about, not its text (the
    // wording is checked in farming::operations' unit test)
    wait_for("two SMS alerts in the outbox", || {
        api.get("/outbox").unwrap().text().matches("farm_field:sawah blok a").count() == 2
    });
    // a second dry reading within hours does not text the farmer again
    publish_acked(&client, &mut conn, "balai/sungai02/reading", &[r#"{"water_level_cm": 175}"#.into()]).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(api.get("/outbox").unwrap().text().matches("farm_field:sawah blok a").count(), 2);

    // the farming page: latest conditions, advice, server-drawn charts
    let page = api.get("/pertanian").unwrap();
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Sawah Blok A") && html.contains("Jagung"), "{html}");
    assert!(html.contains("data-advice=\"irrigate\""), "12.5 % is below maize's 17.9 %");
    assert!(html.matches("<svg class=\"chart\"").count() >= 4, "7- and 30-day charts per measure");
    // the devices page: both devices, last seen and the counters
    let html = api.get("/perangkat").unwrap().text();
    assert!(html.contains("jagung01") && html.contains("sungai02"));
    assert!(!html.contains("Belum pernah"), "both devices were heard");
}
