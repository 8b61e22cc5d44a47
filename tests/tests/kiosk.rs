//! The office kiosk: a resident signs in with a NIK or with a registered
//! e-KTP card (the reader types its number), always together with the PIN.
//! The kiosk session is short and "Selesai" returns to the kiosk.

use balai_tests::{Balai, Client, Resp, SESSION_COOKIE, SetCookie};
use serde_json::Value;

const CARD: &str = "04:a2:2b:1a:5c:6d:80";
const CARD_TYPED: &str = "04A22B1A5C6D80";

fn session_cookie(r: &Resp) -> Option<SetCookie> {
    r.set_cookies().into_iter().find(|c| c.name == SESSION_COOKIE && !c.removes())
}

fn max_age(r: &Resp) -> i64 {
    let c = session_cookie(r).unwrap_or_else(|| panic!("no session cookie: {r:?}"));
    c.attr("max-age").and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no Max-Age: {c:?}"))
}

/// POST /kiosk/signin with the kiosk page's pre-session token.
fn kiosk_signin(c: &Client, id: &str, pin: &str) -> Resp {
    let csrf = c.csrf("/kiosk");
    c.post_form("/kiosk/signin", &[("csrf", &csrf), ("id", id), ("pin", pin)])
}

fn resident_id_of(staff: &Client, nik: &str) -> String {
    let hits: Value = staff.page(&format!("/api/v1/search?q={nik}")).json();
    hits.as_array()
        .and_then(|list| list.iter().find(|h| h["nik"] == nik))
        .and_then(|h| h["id"].as_str())
        .unwrap_or_else(|| panic!("resident with NIK {nik} not found: {hits}"))
        .to_string()
}

fn card_form(staff: &Client, resident: &str, action: &str, uid: &str) -> Resp {
    let csrf = staff.csrf(&format!("/residents/{resident}"));
    staff.post_form(&format!("/residents/{resident}/{action}"), &[("csrf", &csrf), ("uid", uid)])
}

fn wrong(pin: &str) -> &'static str {
    if pin == "999999" { "888888" } else { "999999" }
}

#[test]
fn card_or_nik_with_the_pin_signs_in_for_a_short_session_and_a_card_alone_never_does() {
    let balai = Balai::demo();
    let (nik, pin) = balai.warga.clone().expect("the demo prints a warga NIK and PIN");
    let operator = balai.signin("operator");
    let resident = resident_id_of(&operator, &nik);

    // The operator registers the card on the resident's page; the reader types the number.
    let page = operator.page(&format!("/residents/{resident}"));
    assert!(page.text().contains(&format!("action=\"/residents/{resident}/card\"")), "no card form on the page");
    let r = card_form(&operator, &resident, "card", CARD);
    assert_eq!(r.status, 303, "{r:?}");
    assert!(operator.page(&format!("/residents/{resident}")).text().contains(CARD_TYPED));

    // The kiosk page works for anyone, without scripts.
    let kiosk = balai.client();
    let page = kiosk.page("/kiosk");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("name=\"id\"") && html.contains("name=\"pin\"") && !html.contains("<script"));

    // The reader types the number and Enter: the card alone asks for the PIN, no session.
    let r = kiosk_signin(&kiosk, CARD_TYPED, "");
    assert_eq!(r.status, 200, "{r:?}");
    assert!(session_cookie(&r).is_none(), "a card alone opened a session");
    let html = r.text();
    assert!(html.contains(&format!("type=\"hidden\" name=\"id\" value=\"{CARD_TYPED}\"")), "card number not kept");
    assert!(!html.contains(&format!("type=\"text\" id=\"kiosk-id\" name=\"id\" value=\"{CARD_TYPED}\"")));
    assert!(kiosk.cookie(SESSION_COOKIE).is_none());

    // A wrong PIN, and an unregistered card with the right PIN, are refused.
    let r = kiosk_signin(&kiosk, CARD_TYPED, wrong(&pin));
    assert_eq!(r.status, 401, "{r:?}");
    assert!(session_cookie(&r).is_none());
    let r = kiosk_signin(&kiosk, "DEADBEEF", &pin);
    assert_eq!(r.status, 401, "an unregistered card: {r:?}");
    assert!(session_cookie(&r).is_none());
    let r = kiosk_signin(&kiosk, "budi", &pin);
    assert_eq!(r.status, 422, "neither a NIK nor a card: {r:?}");

    // Card + PIN: a kiosk session of ten minutes, landing on the resident's home.
    let card_user = balai.client();
    let r = kiosk_signin(&card_user, &CARD.to_lowercase(), &pin);
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location().as_deref(), Some("/me"));
    let kiosk_age = max_age(&r);
    assert_eq!(kiosk_age, 10 * 60);
    let me = card_user.page("/me");
    assert_eq!(me.status, 200);
    assert!(me.text().contains("kiosk-done"), "no Selesai button on a kiosk session's page");
    assert!(
        me.text().contains("http-equiv=\"refresh\"") && me.text().contains(";url=/kiosk"),
        "a kiosk page must return to the kiosk by itself when the session ends"
    );
    let out = card_user.signout();
    assert_eq!(out.location().as_deref(), Some("/kiosk"), "Selesai returns to the kiosk");
    assert_eq!(card_user.page("/me").status, 303, "signed out");

    // NIK + PIN at the kiosk, and the normal sign-in for comparison.
    let nik_user = balai.client();
    let r = kiosk_signin(&nik_user, &nik, &pin);
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(max_age(&r), kiosk_age);
    // Back at the kiosk page (the screen's timer, or the next resident): the session ends.
    assert_eq!(nik_user.page("/me").status, 200);
    let r = nik_user.page("/kiosk");
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(nik_user.page("/me").status, 303, "the kiosk page left the session open");
    let phone = balai.client();
    let r = phone.signin_warga(&nik, &pin);
    assert!(max_age(&r) > kiosk_age, "the kiosk session must end sooner than a normal one");
    assert!(!phone.page("/me").text().contains("kiosk-done"), "Selesai only on kiosk sessions");
    assert_eq!(phone.page("/kiosk").status, 200);
    assert_eq!(phone.page("/me").status, 200, "opening /kiosk ends only kiosk sessions");

    // A lost card is removed and no longer signs in.
    let r = card_form(&operator, &resident, "card/remove", CARD_TYPED);
    assert_eq!(r.status, 303, "{r:?}");
    assert!(!operator.page(&format!("/residents/{resident}")).text().contains(CARD_TYPED));
    let r = kiosk_signin(&balai.client(), CARD_TYPED, &pin);
    assert_eq!(r.status, 401, "a removed card still signs in: {r:?}");
}

#[test]
fn kiosk_failures_share_the_sign_in_throttle_and_cards_belong_to_one_resident() {
    let balai = Balai::demo();
    let (nik, pin) = balai.warga.clone().expect("demo warga");
    let operator = balai.signin("operator");
    let resident = resident_id_of(&operator, &nik);
    let list = operator.page("/api/v1/residents?limit=5").json();
    let other = list["items"]
        .as_array()
        .and_then(|items| items.iter().filter_map(|i| i["id"].as_str()).find(|id| *id != resident))
        .expect("a second resident")
        .to_string();

    assert_eq!(card_form(&operator, &resident, "card", CARD).status, 303);
    let r = card_form(&operator, &other, "card", CARD);
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains("sudah terdaftar untuk warga lain"), "the refusal is not named");
    let r = card_form(&operator, &other, "card", "not a card");
    assert_eq!(r.status, 422);
    assert!(r.text().contains("Nomor kartu tidak dikenali"));
    assert!(r.text().contains("value=\"not a card\""), "the typed number is shown again");

    // Five wrong PINs by NIK, then even the card with the right PIN waits.
    let kiosk = balai.client();
    for _ in 0..5 {
        assert_eq!(kiosk_signin(&kiosk, &nik, wrong(&pin)).status, 401);
    }
    let r = kiosk_signin(&kiosk, CARD_TYPED, &pin);
    assert_eq!(r.status, 429, "the throttle does not cover the card: {r:?}");
    assert!(session_cookie(&r).is_none());
}
