//! Proves forms are protected against cross-site request forgery: a POST
//! without the `csrf` field, with a wrong token, with a stale token from a
//! signed-out session or with another user's token is refused with 403 and
//! writes nothing, while the same form with the right token is accepted.

use balai_tests::{Balai, Body, CSRF_WORDS, Client, SESSION_COOKIE, nik_for, resident_form, with_csrf};
use reqwest::blocking::multipart;

fn assert_csrf_refusal(r: &balai_tests::Resp, what: &str) {
    assert_eq!(r.status, 403, "{what}: {r:?}");
    assert!(r.text().contains(CSRF_WORDS), "{what}: the 403 is not the CSRF page: {r:?}");
}

#[test]
fn resident_form_needs_the_sessions_own_token() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let before = balai.resident_count(&admin);
    let fields = resident_form(&nik_for((1991, 2, 3), false, 4101), "Csrf Percobaan", "1991-02-03", false, "");

    // A token from a session that has since signed out.
    let old = balai.signin("operator");
    let stale = old.csrf("/residents/new");
    assert_eq!(old.signout().status, 303);

    let operator = balai.signin("operator");
    let good = operator.csrf("/residents/new");
    assert_ne!(stale, good, "a new session must get a new token");
    let other_user = balai.signin("admin").csrf("/residents/new");

    let attempts: Vec<(&str, Body)> = vec![
        ("no csrf field", Body::Form(fields.clone())),
        ("empty token", with_csrf("", &fields)),
        ("wrong token", with_csrf(&"0".repeat(good.len()), &fields)),
        ("token one character off", with_csrf(&format!("{}x", &good[..good.len() - 1]), &fields)),
        ("stale token of a signed-out session", with_csrf(&stale, &fields)),
        ("another user's token", with_csrf(&other_user, &fields)),
    ];
    for (what, body) in attempts {
        let r = operator.post("/residents", body);
        assert_csrf_refusal(&r, what);
        assert_eq!(balai.resident_count(&admin), before, "{what}: a refused form wrote a resident");
    }
    // The session itself is still fine, and the same form with its token is accepted.
    let r = operator.post("/residents", with_csrf(&good, &fields));
    assert_eq!(r.status, 303, "the valid form was not accepted: {r:?}");
    assert!(r.location().is_some_and(|l| l.starts_with("/residents/")), "{r:?}");
    assert_eq!(balai.resident_count(&admin), before + 1);
}

#[test]
fn sign_in_needs_the_pre_session_token() {
    let balai = Balai::demo();
    let (user, password) = balai.account("admin");

    let no_token = balai.client();
    let _ = no_token.csrf("/signin");
    let r = no_token.post_form("/signin/staff", &[("username", &user), ("password", &password)]);
    assert_csrf_refusal(&r, "sign-in without csrf");
    assert!(no_token.cookie(SESSION_COOKIE).is_none());

    // A token copied from another browser's sign-in page does not match this browser's cookie.
    let other = balai.client().csrf("/signin");
    let c = balai.client();
    let _ = c.csrf("/signin");
    let r = c.post_form("/signin/staff", &[("csrf", &other), ("username", &user), ("password", &password)]);
    assert_csrf_refusal(&r, "sign-in with another browser's token");
    assert!(c.cookie(SESSION_COOKIE).is_none());

    // No pre-session cookie at all (a cross-site form post): refused.
    let bare = Client::new(balai.ca_pem(), &balai.url("")).expect("client");
    let r = bare.post_form("/signin/staff", &[("csrf", &other), ("username", &user), ("password", &password)]);
    assert_csrf_refusal(&r, "sign-in without the pre-session cookie");
    assert!(bare.cookie(SESSION_COOKIE).is_none());
}

#[test]
fn sign_out_and_import_upload_need_the_token_too() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let before = balai.resident_count(&admin);

    let r = admin.post_form("/signout", &[("csrf", "forged")]);
    assert_csrf_refusal(&r, "sign-out with a forged token");
    assert_eq!(admin.page("/dashboard").status, 200, "a forged sign-out ended the session");

    let csv = "nik,nama\r\n3310050101900001,Tanpa Token\r\n";
    let upload = |csrf: Option<&str>| {
        let mut f = multipart::Form::new();
        if let Some(t) = csrf {
            f = f.text("csrf", t.to_string());
        }
        f.part("file", multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("a.csv"))
    };
    for (what, body) in [("no csrf", upload(None)), ("wrong csrf", upload(Some("forged")))] {
        let r = admin.post("/residents/import", Body::Multipart(body));
        assert_eq!(r.status, 403, "import upload with {what}: {r:?}");
        assert_eq!(balai.resident_count(&admin), before, "import upload with {what} wrote residents");
    }
}
