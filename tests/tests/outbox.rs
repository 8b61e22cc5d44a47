//! The outbox end to end: the real daemon sends SMS to a simulated GSM modem
//! on a pseudo-terminal (tests/src/modem.rs), which checks the AT sequence;
//! a refused SMS is retried with backoff and delivered; a message that
//! failed every attempt is sent again from the page's "retry now" button.

use balai_tests::modem::{SimModem, Sms};
use balai_tests::{Balai, Client, Options, html_unescape};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Modem-Uji-Sukamaju-2026";

fn start(modem: Option<&SimModem>, extra: &[(&str, &str)]) -> (Balai, Client) {
    let mut env: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if let Some(m) = modem {
        env.push(("BALAI_SMS__PORT".into(), m.path()));
    }
    let balai = Balai::start(Options { env, ..Options::default() });
    balai.add_user("petugas1", "operator", PASSWORD);
    let client = balai.signin_as("petugas1", PASSWORD);
    (balai, client)
}

fn send_test(c: &Client, to: &str, body: &str) -> balai_tests::Resp {
    let csrf = c.csrf("/outbox");
    c.post_form("/outbox/test", &[("csrf", &csrf), ("to", to), ("body", body)])
}

/// The `<tr>` of each message on the outbox page, newest first.
fn rows(c: &Client) -> Vec<String> {
    let page = c.page("/outbox");
    assert_eq!(page.status, 200, "{page:?}");
    page.text().split("<tr data-state=").skip(1).map(|r| html_unescape(r.split("</tr>").next().unwrap_or(""))).collect()
}

/// Waits until the newest message's row starts with `state`.
fn wait_for_state(c: &Client, state: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let newest = rows(c).into_iter().next().unwrap_or_default();
        if newest.starts_with(&format!("\"{state}\"")) {
            return newest;
        }
        assert!(Instant::now() < deadline, "the newest message never became {state}: {newest}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn cmgs_count(modem: &SimModem) -> usize {
    modem.commands().iter().filter(|c| c.starts_with("AT+CMGS")).count()
}

#[test]
fn an_sms_reaches_the_modem_with_the_right_at_sequence() {
    let modem = SimModem::start();
    let (balai, c) = start(Some(&modem), &[]);
    let page = c.page("/outbox").text();
    assert!(page.contains(&format!("Modem SMS: {}", modem.path())), "the page names the modem port");
    assert!(page.contains("href=\"/outbox\" aria-current=\"page\""), "the staff navigation links the outbox");

    let r = send_test(&c, "0812-3456-7890", "Surat Anda siap @ kantor desa. Kode: AB12 – café");
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location().as_deref(), Some("/outbox?done=queued"));

    let got = modem.wait_delivered(1, Duration::from_secs(30));
    // '@' and 'é' travel as GSM codes (0x00, 0x05), the dash is transliterated.
    let want = Sms { to: "+6281234567890".into(), text: "Surat Anda siap @ kantor desa. Kode: AB12 - café".into() };
    assert_eq!(got, vec![want]);
    assert_eq!(
        modem.commands(),
        ["AT", "ATE0", "AT+CMGF=1", "AT+CSCS=\"GSM\"", "AT+CMGS=\"+6281234567890\""],
        "the AT sequence"
    );
    assert!(modem.violations().is_empty(), "{:?}", modem.violations());

    let row = wait_for_state(&c, "sent");
    assert!(row.contains("Terkirim") && row.contains("+62812*****890"), "{row}");
    assert!(!c.page("/outbox").text().contains("81234567890"), "the full number is masked");
    assert!(c.page("/outbox?state=sent").text().contains("+62812*****890"));
    assert!(!c.page("/outbox?state=failed").text().contains("+62812*****890"), "the filter filters");

    // Bad input is named and sends nothing.
    let r = send_test(&c, "021 5550 100", "");
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains("tidak dikenali"), "{r:?}");
    let r = send_test(&c, "081234567890", "Halo 😀");
    assert_eq!(r.status, 422);
    assert!(r.text().contains("tidak bisa dikirim lewat SMS"), "{r:?}");
    let r = send_test(&c, "081234567890", &"panjang ".repeat(25));
    assert_eq!(r.status, 422);
    assert!(r.text().contains("terlalu panjang"), "{r:?}");
    assert_eq!(rows(&c).len(), 1, "refused messages are not stored");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(modem.delivered().len(), 1);

    // The worker's commits keep the change log's hash chain whole.
    balai.cli_ok(&["audit", "verify"]);
}

#[test]
fn a_refused_sms_is_retried_and_a_failed_one_can_be_sent_again_from_the_page() {
    let modem = SimModem::start();
    let (_balai, c) = start(Some(&modem), &[("BALAI_SMS__RETRY_BASE_SECONDS", "1"), ("BALAI_SMS__MAX_ATTEMPTS", "2")]);

    // One refusal, then the retry after the backoff delivers it.
    modem.fail_next(1);
    assert_eq!(send_test(&c, "+62 813 1111 2222", "").status, 303);
    let got = modem.wait_delivered(1, Duration::from_secs(30));
    assert_eq!(got[0].to, "+6281311112222");
    assert!(got[0].text.starts_with("Pesan uji dari Balai"), "the standard test text: {:?}", got[0].text);
    assert_eq!(modem.refused().len(), 1);
    assert_eq!(cmgs_count(&modem), 2);
    let row = wait_for_state(&c, "sent");
    assert!(row.contains("+CMS ERROR: 500"), "the last error stays visible: {row}");
    assert!(row.contains(">2</td>"), "two attempts: {row}");

    // Refused on every attempt: failed, with a retry button that sends it.
    modem.fail_next(2);
    assert_eq!(send_test(&c, "085700001111", "Coba lagi").status, 303);
    let row = wait_for_state(&c, "failed");
    assert!(row.contains("Gagal") && row.contains(">2</td>"), "{row}");
    assert_eq!(modem.refused().len(), 3);
    let id = row
        .split("action=\"/outbox/")
        .nth(1)
        .and_then(|r| r.split("/retry\"").next())
        .unwrap_or_else(|| panic!("no retry button in {row}"))
        .to_string();
    let csrf = c.csrf("/outbox");
    let r = c.post_form(&format!("/outbox/{id}/retry"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{r:?}");
    let got = modem.wait_delivered(2, Duration::from_secs(30));
    assert_eq!(got[1], Sms { to: "+6285700001111".into(), text: "Coba lagi".into() });
    let row = wait_for_state(&c, "sent");
    assert!(row.contains(">3</td>"), "the manual retry was a third attempt: {row}");
    // A sent message cannot be retried (no double send).
    let r = c.post_form(&format!("/outbox/{id}/retry"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 409, "{r:?}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(modem.delivered().len(), 2);
    assert!(modem.violations().is_empty(), "{:?}", modem.violations());
}

#[test]
fn without_a_modem_sms_wait_in_the_queue_and_the_page_says_so() {
    let (_balai, c) = start(None, &[]);
    assert!(c.page("/outbox").text().contains("Modem SMS belum diatur"));
    assert_eq!(send_test(&c, "081234567890", "Tes").status, 303);
    let flash = c.page("/outbox?done=queued").text();
    assert!(flash.contains("SMS uji masuk antrean"), "flash after the redirect");
    std::thread::sleep(Duration::from_secs(1));
    let row = rows(&c).into_iter().next().expect("one message");
    assert!(row.starts_with("\"queued\"") && row.contains("Antre"), "{row}");
}

#[test]
fn an_unplugged_modem_is_an_error_to_retry_not_a_stop() {
    // A port that does not exist: the attempt fails with a clear error and
    // the worker keeps running.
    let (_balai, c) =
        start(None, &[("BALAI_SMS__PORT", "/dev/balai-no-such-modem"), ("BALAI_SMS__RETRY_BASE_SECONDS", "60")]);
    assert_eq!(send_test(&c, "081234567890", "Tes").status, 303);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let row = rows(&c).into_iter().next().unwrap_or_default();
        if row.contains("not found (unplugged?)") {
            assert!(row.starts_with("\"queued\"") && row.contains(">1</td>"), "{row}");
            break;
        }
        assert!(Instant::now() < deadline, "no unplugged error shown: {row}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(c.page("/healthz").status, 200);
}

#[test]
fn a_modem_that_does_not_answer_times_out_and_the_sms_is_retried() {
    let modem = SimModem::start();
    let (_balai, c) =
        start(Some(&modem), &[("BALAI_SMS__SEND_TIMEOUT_SECONDS", "2"), ("BALAI_SMS__RETRY_BASE_SECONDS", "1")]);
    modem.hold_next(1);
    assert_eq!(send_test(&c, "081234567890", "Tunggu").status, 303);
    modem.wait_delivered(1, Duration::from_secs(30));
    assert_eq!(modem.unanswered().len(), 1);
    let row = wait_for_state(&c, "sent");
    assert!(row.contains("no answer from the modem within 2 s") && row.contains(">2</td>"), "{row}");
    assert!(modem.violations().is_empty(), "{:?}", modem.violations());
}

#[test]
fn an_sms_interrupted_by_a_crash_while_sending_is_sent_after_the_restart() {
    let modem = SimModem::start();
    let (mut balai, c) = start(Some(&modem), &[("BALAI_SMS__SEND_TIMEOUT_SECONDS", "120")]);
    modem.hold_next(1);
    assert_eq!(send_test(&c, "081234567890", "Jangan hilang").status, 303);
    let deadline = Instant::now() + Duration::from_secs(30);
    while modem.unanswered().is_empty() {
        assert!(Instant::now() < deadline, "the modem never got the text");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The daemon now waits for +CMGS with the message `sending`: kill it there.
    wait_for_state(&c, "sending");
    balai.restart();
    let got = modem.wait_delivered(1, Duration::from_secs(30));
    assert_eq!(got[0].text, "Jangan hilang");
    let c = balai.signin_as("petugas1", PASSWORD);
    let row = wait_for_state(&c, "sent");
    assert!(row.contains(">2</td>"), "sent on the second attempt, after the restart: {row}");
    assert!(balai.logs().contains("queued again"), "the restart says it requeued the message");
}
