//! The queue (antrian) through the real daemon over HTTPS: tickets numbered
//! per service and day, 50 concurrent takers get 50 consecutive numbers, an
//! operator's call reaches a board through the event stream and is spoken
//! (a real WAV from espeak-ng), finishing records the times, the address
//! limit stops one phone from draining the numbers, and wrong roles are
//! refused.

use balai_tests::{Balai, Client, FORBIDDEN_WORDS, Options};
use serde_json::{Value, json};
use std::io::BufRead;
use std::sync::mpsc;
use std::time::Duration;

/// Takes a ticket on the kiosk page as an anonymous visitor; returns the
/// ticket page's path.
fn take(kiosk: &Client, service: &str) -> String {
    let csrf = kiosk.csrf("/antrian");
    let r = kiosk.post_form("/antrian/tickets", &[("csrf", &csrf), ("service", service)]);
    assert_eq!(r.status, 303, "{r:?}");
    let at = r.location().expect("a ticket page");
    assert!(at.starts_with("/antrian/tickets/"), "{at}");
    at
}

fn ticket_id(path: &str) -> String {
    path.rsplit('/').next().expect("an id").to_string()
}

/// The events of `/antrian/events` as (event, data) pairs, read on a thread.
fn subscribe(client: &Client) -> mpsc::Receiver<(String, Value)> {
    let resp = client.stream("/antrian/events", &[("accept", "text/event-stream")]).expect("open the event stream");
    assert_eq!(resp.status().as_u16(), 200);
    let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(kind.starts_with("text/event-stream"), "{kind}");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in std::io::BufReader::new(resp).lines() {
            let Ok(line) = line else { break };
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                let data = serde_json::from_str(d).unwrap_or_else(|e| panic!("event data is not JSON ({e}): {d}"));
                if tx.send((event.clone(), data)).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

fn next_event(rx: &mpsc::Receiver<(String, Value)>, kind: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok((k, data)) if k == kind => return data,
            Ok(_) => continue,
            Err(e) => panic!("no `{kind}` event within 20 s: {e}"),
        }
    }
}

fn limited_daemon(per_hour: u32) -> Balai {
    Balai::start(Options {
        env: vec![("BALAI_QUEUE__TICKETS_PER_ADDRESS_PER_HOUR".into(), per_hour.to_string())],
        ..Options::default()
    })
}

#[test]
fn tickets_calls_board_stream_speech_and_times() {
    let balai = limited_daemon(3);
    balai.add_user("petugas", "operator", "antrian-loket-2026");
    let kiosk = balai.client();

    // Kiosk: numbers per service, starting at 1.
    let page = kiosk.page("/antrian");
    assert_eq!(page.status, 200);
    for words in ["Layanan Surat", "Kependudukan (KTP/KK)", "Umum/Pengaduan"] {
        assert!(page.text().contains(words), "the kiosk lacks {words}");
    }
    let a1 = take(&kiosk, "A");
    let a2 = take(&kiosk, "A");
    let b1 = take(&kiosk, "B");
    let labels: Vec<String> = [&a1, &a2, &b1]
        .iter()
        .map(|p| {
            let html = kiosk.page(p).text();
            let at = html.find("id=\"ticket-number\"").expect("the number on the ticket");
            let start = at + html[at..].find('>').expect("end of the tag") + 1;
            html[start..start + 5].to_string()
        })
        .collect();
    assert_eq!(labels, ["A-001", "A-002", "B-001"]);
    let ticket = kiosk.page(&a2).text();
    assert!(ticket.contains("Layanan Surat") && ticket.contains("Ada 1 orang sebelum Anda"), "{ticket}");
    assert!(kiosk.page(&a1).text().contains("Tidak ada antrian sebelum Anda"));
    // One address may take three an hour here; the fourth is refused.
    let csrf = kiosk.csrf("/antrian");
    let r = kiosk.post_form("/antrian/tickets", &[("csrf", &csrf), ("service", "C")]);
    assert_eq!(r.status, 429, "{r:?}");
    assert!(r.text().contains("Terlalu banyak nomor"));

    // The board: a page that works without script, and the stream.
    let board = kiosk.page("/antrian/papan");
    assert_eq!(board.status, 200);
    let csp = board.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(board.text().contains("<script src=\"/static/board.js\""));
    assert!(board.text().contains("http-equiv=\"refresh\""));
    let other = kiosk.page("/antrian").header("content-security-policy").unwrap_or_default();
    assert!(other.contains("script-src 'none'"), "only the board may run a script: {other}");
    let js = kiosk.page("/static/board.js");
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap_or_default().contains("javascript"));
    assert!(js.text().contains("EventSource"));

    let events = subscribe(&balai.client());
    let first = next_event(&events, "state");
    assert_eq!(first["waiting"][0]["prefix"], "A");
    assert_eq!(first["waiting"][0]["count"], 2);
    assert_eq!(first["counters"].as_array().map(Vec::len), Some(3));

    // The operator calls the next ticket to counter 2.
    let operator = balai.signin_as("petugas", "antrian-loket-2026");
    let csrf = operator.csrf("/antrian/loket?counter=2");
    let r = operator.post_form("/antrian/loket/call", &[("csrf", &csrf), ("counter", "2")]);
    assert_eq!((r.status, r.location().as_deref()), (303, Some("/antrian/loket?counter=2")), "{r:?}");
    let call = next_event(&events, "call");
    assert_eq!(call["label"], "A-001");
    assert_eq!(call["counter"], 2);
    assert_eq!(call["ticket_id"], ticket_id(&a1).as_str());
    assert_eq!(call["speech"], "Nomor antrian A, satu. Silakan ke loket dua.");
    let state = next_event(&events, "state");
    assert_eq!(state["counters"][1]["label"], "A-001");
    assert_eq!(state["recent"][0]["label"], "A-001");
    let desk = operator.page("/antrian/loket?counter=2").text();
    assert!(desk.contains("A-001") && desk.contains("Panggil ulang"), "the counter page shows its ticket");
    let board = kiosk.page("/antrian/papan").text();
    assert!(board.contains("A-001") && board.contains("Loket 2"));
    assert!(kiosk.page(&a1).text().contains("Silakan ke loket 2."));

    // The spoken call, made by espeak-ng on the box.
    assert!(
        std::process::Command::new("espeak-ng").arg("--version").output().is_ok_and(|o| o.status.success()),
        "espeak-ng is not installed (apt-get install espeak-ng, as .ci/run does)"
    );
    let wav = kiosk.page(&format!("/antrian/announcements/{}.wav", ticket_id(&a1)));
    assert_eq!(wav.status, 200, "{wav:?}");
    assert_eq!(wav.header("content-type").as_deref(), Some("audio/wav"));
    assert!(wav.bytes.starts_with(b"RIFF") && &wav.bytes[8..12] == b"WAVE" && wav.bytes.len() > 20_000, "not a WAV");
    let again = kiosk.page(&format!("/antrian/announcements/{}.wav", ticket_id(&a1)));
    assert_eq!(again.bytes, wav.bytes, "the same call sounds the same (cached)");
    assert_eq!(kiosk.page(&format!("/antrian/announcements/{}.wav", ticket_id(&b1))).status, 404, "not called yet");

    // Recall, then finish: the times are recorded.
    let r = operator.post_form("/antrian/loket/recall", &[("csrf", &csrf), ("counter", "2")]);
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(next_event(&events, "call")["calls"], 2);
    assert_eq!(next_event(&events, "state")["recent"][0]["calls"], 2);
    std::thread::sleep(Duration::from_millis(1100));
    let r = operator.post_form("/antrian/loket/finish", &[("csrf", &csrf), ("counter", "2")]);
    assert_eq!(r.status, 303, "{r:?}");
    let state = next_event(&events, "state");
    assert!(state["counters"][1]["label"].is_null(), "counter 2 is free again: {state}");
    let r = operator.post_form("/antrian/loket/finish", &[("csrf", &csrf), ("counter", "2")]);
    assert_eq!(r.status, 409, "nothing left at the counter: {r:?}");
    let token = balai.issue_token("petugas");
    let api = balai.bearer(&token);
    let now = api.page("/api/v1/queue/state").json();
    let f = &now["figures"];
    assert_eq!((f["tickets"].as_u64(), f["served"].as_u64(), f["waiting_now"].as_u64()), (Some(3), Some(1), Some(2)));
    assert!(f["median_wait_secs"].as_i64().is_some_and(|s| s >= 0), "{f}");
    assert!(f["median_service_secs"].as_i64().is_some_and(|s| s >= 1), "{f}");
    assert!(kiosk.page(&a1).text().contains("Selesai"));
    let dashboard = operator.page("/dashboard").text();
    assert!(dashboard.contains("Antrian, 30 hari terakhir"), "the dashboard shows the queue figures");

    // Call a given service; skip a no-show.
    let r = operator.post_form("/antrian/loket/call", &[("csrf", &csrf), ("counter", "1"), ("service", "B")]);
    assert_eq!(r.status, 303);
    assert_eq!(next_event(&events, "call")["label"], "B-001");
    let r = operator.post_form("/antrian/loket/skip", &[("csrf", &csrf), ("counter", "1")]);
    assert_eq!(r.status, 303);
    let r = operator.post_form("/antrian/loket/call", &[("csrf", &csrf), ("counter", "9")]);
    assert_eq!(r.status, 422, "counter 9 does not exist: {r:?}");

    // Wrong roles and strangers.
    balai.add_user("kader1", "kader", "posyandu-melati-2026");
    let kader = balai.signin_as("kader1", "posyandu-melati-2026");
    let r = kader.page("/antrian/loket");
    assert!(r.status == 403 && r.text().contains(FORBIDDEN_WORDS), "{r:?}");
    let kader_csrf = kader.csrf("/sessions");
    assert_eq!(kader.post_form("/antrian/loket/call", &[("csrf", &kader_csrf), ("counter", "1")]).status, 403);
    let r = kiosk.post_form("/antrian/loket/call", &[("counter", "1")]);
    assert!(r.status == 303 && r.location().is_some_and(|l| l.starts_with("/signin")), "{r:?}");
    assert_eq!(kiosk.post_json("/api/v1/queue/call", &json!({"counter": 1})).status, 401);
    let kader_api = balai.bearer(&balai.issue_token("kader1"));
    assert_eq!(kader_api.post_json("/api/v1/queue/tickets", &json!({"service": "A"})).status, 403);
    // A form without its token is refused however public the page.
    let r = kiosk.post_form("/antrian/tickets", &[("service", "A")]);
    assert_eq!(r.status, 403, "{r:?}");
}

#[test]
fn fifty_concurrent_kiosks_get_fifty_consecutive_numbers() {
    let balai = Balai::empty();
    balai.add_user("kios", "operator", "kios-antrian-2026");
    let token = balai.issue_token("kios");
    let clients: Vec<Client> = (0..50).map(|_| balai.bearer(&token)).collect();
    let started = std::time::Instant::now();
    let numbers: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = clients
            .iter()
            .map(|c| {
                s.spawn(move || {
                    let r = c.post_json("/api/v1/queue/tickets", &json!({"service": "C"}));
                    assert_eq!(r.status, 201, "{r:?}");
                    let t = r.json();
                    assert_eq!(t["label"], format!("C-{:03}", t["number"].as_u64().unwrap_or(0)).as_str());
                    t["number"].as_u64().expect("a number")
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a taker")).collect()
    });
    println!("queue: 50 concurrent tickets over HTTPS in {} ms", started.elapsed().as_millis());
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=50).collect::<Vec<u64>>(), "distinct, consecutive, from 1");

    // The API calls them oldest first and finishes them.
    let api = balai.bearer(&token);
    let called = api.post_json("/api/v1/queue/call", &json!({"counter": 3})).json();
    assert_eq!(called["ticket"]["label"], "C-001");
    assert_eq!(called["ticket"]["state"], "called");
    let id = called["ticket"]["id"].as_str().expect("an id").to_string();
    let done = api.post_json(&format!("/api/v1/queue/tickets/{id}/finish"), &json!({}));
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(done.json()["state"], "done");
    assert!(done.json()["service_secs"].as_i64().is_some());
    assert_eq!(api.post_json(&format!("/api/v1/queue/tickets/{id}/finish"), &json!({})).status, 409);
    assert_eq!(api.post_json("/api/v1/queue/tickets/nope/finish", &json!({})).status, 404);
    let r = api.post_json("/api/v1/queue/tickets", &json!({"service": "Q"}));
    let problem = &r.json()["fields"][0];
    assert_eq!((r.status, problem["field"].as_str()), (422, Some("service")));
    assert_eq!(problem["code"], "queue.error.unknown_service");
    let state = api.page("/api/v1/queue/state").json();
    assert_eq!(state["figures"]["waiting_now"], 49);
    let spec = balai.client().page("/api/v1/openapi.json").json();
    assert!(spec["paths"]["/api/v1/queue/tickets"]["post"]["requestBody"].is_object());
}

#[test]
fn the_admin_edits_services_and_a_closed_service_takes_no_tickets() {
    let balai = Balai::empty();
    balai.add_user("kades", "admin", "balai-desa-admin-2026");
    let admin = balai.signin_as("kades", "balai-desa-admin-2026");
    let csrf = admin.csrf("/antrian/layanan");
    let r = admin.post_form("/antrian/layanan", &[("csrf", &csrf), ("prefix", "d"), ("name", "Pajak Bumi")]);
    assert_eq!(r.status, 200, "{r:?}");
    let r = admin.post_form("/antrian/layanan", &[("csrf", &csrf), ("prefix", "A"), ("name", "Dobel")]);
    assert_eq!(r.status, 409);
    assert!(r.text().contains("sudah dipakai"), "the letter's owner is named");
    let r = admin.post_form("/antrian/layanan", &[("csrf", &csrf), ("prefix", "12"), ("name", "")]);
    assert_eq!(r.status, 422);
    assert!(r.text().contains("satu huruf") && r.text().contains("wajib diisi"));
    let kiosk = balai.client();
    assert!(kiosk.page("/antrian").text().contains("Pajak Bumi"));
    let ticket = take(&kiosk, "D");
    assert!(kiosk.page(&ticket).text().contains("D-001"));

    // Rename and close it: the kiosk no longer offers it, and a post is refused.
    let page = admin.page("/antrian/layanan").text();
    let start = page.find("action=\"/antrian/layanan/").expect("a service form") + 25;
    let forms: Vec<&str> = page[start - 25..].split("action=\"/antrian/layanan/").skip(1).collect();
    let d_form = forms.iter().find(|f| f.contains("Pajak Bumi")).expect("the D form");
    let id = &d_form[..d_form.find('"').expect("end of the id")];
    let r = admin.post_form(&format!("/antrian/layanan/{id}"), &[("csrf", &csrf), ("prefix", "D"), ("name", "PBB")]);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(!kiosk.page("/antrian").text().contains("PBB"));
    let k = kiosk.csrf("/antrian");
    let r = kiosk.post_form("/antrian/tickets", &[("csrf", &k), ("service", "D")]);
    assert_eq!(r.status, 409, "{r:?}");
    assert!(r.text().contains("tidak menerima antrian"));
}

/// Reads the first line of the stream as a board would, then the daemon
/// stops: a held stream must not keep it from shutting down in time.
#[test]
fn a_plain_request_gets_the_state_and_an_open_stream_does_not_block_shutdown() {
    let mut balai = Balai::empty();
    let r = balai.client().page("/antrian/events");
    assert_eq!(r.status, 200);
    assert!(r.text().starts_with("retry: 3000\n\nevent: state\ndata: {"), "{}", r.text());
    let events = subscribe(&balai.client());
    next_event(&events, "state");
    let status = balai.terminate(Duration::from_secs(20));
    assert!(status.is_some(), "the daemon did not stop within 20 s with a board connected");
}

/// The board in Debian's Chromium (tests/browser/queue_board.mjs): a call made
/// through the API appears without a reload and its WAV is played; the
/// screenshots land in target/screenshots/queue/. Missing Chromium, Node or
/// node_modules fail the test; they never skip it.
#[test]
fn the_board_updates_live_in_chromium() {
    let balai = Balai::empty();
    balai.add_user("loket", "operator", "loket-papan-2026");
    let token = balai.issue_token("loket");
    let outdir = balai_tests::target_dir().join("screenshots/queue");
    let _ = std::fs::remove_dir_all(&outdir);
    let url = balai.url("");
    let args = [std::ffi::OsStr::new(&url), std::ffi::OsStr::new(&token), outdir.as_os_str()];
    let result = balai_tests::run_browser_script("queue_board.mjs", &args);
    assert_eq!(result["label"], "B-001");
    for file in [
        "board-tv",
        "board-phone",
        "kiosk-phone",
        "ticket-phone",
        "kiosk-1920",
        "ticket-1920",
        "ticket-print-80mm",
        "desk-phone",
        "desk-1920",
    ] {
        let path = outdir.join(format!("{file}.png"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("screenshot {} missing: {e}", path.display()));
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 3_000, "{} is not a real screenshot", path.display());
    }
}
