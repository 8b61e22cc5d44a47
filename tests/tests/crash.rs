//! Proves "a write the user was told succeeded is on disk": creates stream in
//! through the JSON API, the daemon is killed with SIGKILL at a random moment,
//! restarted on the same data dir, and every create that was answered 201 must
//! be there, with the change log's hash chain intact (`balai audit verify`).
//!
//! CI runs a handful of cycles; the long run uses the same code:
//! `BALAI_CRASH_CYCLES=1000 cargo test -p balai-tests --test crash -- --nocapture`

use balai_tests::{Balai, Client, Options, command_for, resident_json, run_with_stdin};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const DEFAULT_CYCLES: u64 = 8;
const WRITERS: usize = 2;
const PASSWORD: &str = "kata-sandi-uji-panjang";

/// The k-th unique (NIK, birth date): region 331005, a birth date that walks
/// through 1950..1999 and a serial 0001..9999, so NIK and record always agree.
fn identity(k: u64) -> (String, String) {
    let serial = k % 9999 + 1;
    let d = k / 9999;
    let (day, month, year) = (1 + d % 28, 1 + (d / 28) % 12, 1950 + (d / 28 / 12) % 50);
    let nik = format!("331005{day:02}{month:02}{:02}{serial:04}", year % 100);
    (nik, format!("{year}-{month:02}-{day:02}"))
}

struct Acked {
    id: String,
    nik: String,
}

fn cli_text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn assert_chain_intact(out: std::process::Output, when: &str) -> String {
    let text = cli_text(&out);
    assert!(out.status.success() && text.contains("change log intact"), "balai audit verify {when}: {text}");
    text.trim().to_string()
}

#[test]
fn acknowledged_creates_survive_kill_9() {
    let cycles: u64 = match std::env::var("BALAI_CRASH_CYCLES") {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("BALAI_CRASH_CYCLES={v:?} is not a number")),
        Err(_) => DEFAULT_CYCLES,
    };
    assert!(cycles > 0, "BALAI_CRASH_CYCLES must be at least 1");
    let started = Instant::now();
    let dir = tempfile::Builder::new().prefix("balai-crash-").tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = dir.path().join("balai.toml");
    std::fs::write(&config, "").unwrap();
    let cli = |args: &[&str], stdin: &str| {
        run_with_stdin(command_for(&data, &config).env("BALAI_LOG__LEVEL", "warn").args(args), stdin)
    };

    // An admin and a token, made with no daemon running.
    let out = cli(&["user", "add", "admin", "--role", "admin"], &format!("{PASSWORD}\n"));
    assert!(out.status.success(), "user add: {}", cli_text(&out));
    let out = cli(&["token", "issue", "--user", "admin"], "");
    assert!(out.status.success(), "token issue: {}", cli_text(&out));
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();

    let mut balai = Balai::start(Options { data_dir: Some(data.clone()), ..Options::default() });
    let next = AtomicU64::new(0);
    let mut acked_total: Vec<Acked> = Vec::new();
    let mut unanswered = 0u64;
    let mut last_verify = String::new();

    for cycle in 0..cycles {
        let api = balai.bearer(&token);
        let acked: Mutex<Vec<Acked>> = Mutex::new(Vec::new());
        let failed = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let target = rand::random_range(1..=40usize);
        std::thread::scope(|s| {
            for _ in 0..WRITERS {
                let api: Client = api.fork();
                let (acked, failed, stop, next) = (&acked, &failed, &stop, &next);
                s.spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        let (nik, birth) = identity(k);
                        let body = resident_json(&nik, &balai_tests::letters_name("Korban Crash", k), &birth, false);
                        match api.send("POST", "/api/v1/residents", balai_tests::Body::Json(body)) {
                            Ok(r) if r.status == 201 => {
                                let id = r.json()["id"].as_str().expect("id").to_string();
                                acked.lock().unwrap().push(Acked { id, nik });
                            }
                            Ok(r) => panic!("create #{k} answered {r:?}"),
                            // the daemon was killed under this request: not acknowledged
                            Err(_) => {
                                failed.fetch_add(1, Ordering::SeqCst);
                                return;
                            }
                        }
                    }
                });
            }
            // Kill at a random moment: after a random number of acknowledged
            // creates, plus a random fraction of the next one.
            let deadline = Instant::now() + Duration::from_secs(60);
            while acked.lock().unwrap().len() < target {
                assert!(Instant::now() < deadline, "no {target} creates within 60 s");
                std::thread::yield_now();
            }
            std::thread::sleep(Duration::from_micros(rand::random_range(0..20_000)));
            balai.kill9();
            stop.store(true, Ordering::SeqCst);
        });
        unanswered += failed.load(Ordering::SeqCst);
        let acked = acked.into_inner().unwrap();

        balai.start_again();
        let api = balai.bearer(&token);
        for a in &acked {
            let r = api.page(&format!("/api/v1/residents/{}", a.id));
            assert_eq!(
                r.status, 200,
                "cycle {cycle}: acknowledged resident {} (NIK {}) lost after kill -9: {r:?}",
                a.id, a.nik
            );
            assert_eq!(r.json()["nik"], a.nik.as_str());
        }
        acked_total.extend(acked);
        let total = balai.resident_count(&api);
        let attempted = next.load(Ordering::SeqCst);
        assert!(
            total >= acked_total.len() as u64 && total <= attempted,
            "cycle {cycle}: {total} residents stored, {} acknowledged, {attempted} attempted",
            acked_total.len()
        );
        last_verify = assert_chain_intact(cli(&["audit", "verify"], ""), &format!("after crash {cycle}"));
        if (cycle + 1) % 50 == 0 {
            println!("crash test: {} cycles, {} creates acknowledged, all present", cycle + 1, acked_total.len());
        }
    }

    // Finally every acknowledged create of every cycle, and the chain checked
    // once more with the daemon killed (the CLI opens the store itself).
    let api = balai.bearer(&token);
    for a in &acked_total {
        assert_eq!(api.page(&format!("/api/v1/residents/{}", a.id)).status, 200, "resident {} lost", a.id);
    }
    balai.kill9();
    assert_chain_intact(cli(&["audit", "verify"], ""), "with no daemon after the last kill");
    println!(
        "crash test: {cycles} kill -9 cycles in {:.1} s, {} creates acknowledged and all present, {unanswered} in flight at the kills; {last_verify}",
        started.elapsed().as_secs_f32(),
        acked_total.len()
    );
}
