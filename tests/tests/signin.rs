//! Proves sign-in works as it must: staff and residents (NIK + PIN) get a
//! `__Host-` session cookie that is Secure, HttpOnly and SameSite; wrong
//! secrets are refused without a session; signing out and revoking a session
//! kill the cookie for good.

use balai_tests::{Balai, Client, PRE_COOKIE, Resp, SESSION_COOKIE, SetCookie};

fn session_set_cookie(r: &Resp) -> SetCookie {
    r.set_cookies()
        .into_iter()
        .find(|c| c.name == SESSION_COOKIE && !c.removes())
        .unwrap_or_else(|| panic!("no {SESSION_COOKIE} set: {:?}", r.headers))
}

/// A session cookie that works opens the dashboard; a dead one is sent to sign in.
fn assert_signed_out(c: &Client) {
    let r = c.page("/dashboard");
    assert_eq!(r.status, 303, "a dead session still opens /dashboard: {r:?}");
    assert!(r.location().is_some_and(|l| l.starts_with("/signin")), "{r:?}");
    let api = c.page("/api/v1/statistics");
    assert_eq!(api.status, 401, "a dead session still reaches the API: {api:?}");
}

#[test]
fn staff_sign_in_sets_a_hardened_cookie_and_sign_out_kills_it() {
    let balai = Balai::demo();
    let (user, password) = balai.account("operator");
    let c = balai.client();

    let page = c.page("/signin");
    assert_eq!(page.status, 200);
    let pre = page.set_cookies().into_iter().find(|k| k.name == PRE_COOKIE).expect("pre-session cookie");
    assert!(pre.has("secure") && pre.has("httponly"), "{pre:?}");
    assert_eq!(pre.attr("path"), Some("/"), "{pre:?}");
    assert_eq!(page.csrf().as_deref(), Some(pre.value.as_str()), "the sign-in form must echo the pre-session token");

    let r = c.signin_staff(&user, &password);
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location().as_deref(), Some("/dashboard"));
    let cookie = session_set_cookie(&r);
    assert!(cookie.name.starts_with("__Host-"));
    assert!(cookie.has("secure"), "session cookie without Secure: {cookie:?}");
    assert!(cookie.has("httponly"), "session cookie without HttpOnly: {cookie:?}");
    let same_site = cookie.attr("samesite").unwrap_or_default().to_ascii_lowercase();
    assert!(same_site == "lax" || same_site == "strict", "SameSite is {same_site:?}");
    // __Host- rules: Path=/ and no Domain
    assert_eq!(cookie.attr("path"), Some("/"), "{cookie:?}");
    assert!(!cookie.has("domain"), "{cookie:?}");
    assert!(cookie.value.len() >= 32, "a short session secret: {:?}", cookie.value);

    let dash = c.page("/dashboard");
    assert_eq!(dash.status, 200, "{dash:?}");
    assert!(dash.text().contains("/signout"), "the signed-in page offers no sign-out");

    let old = c.fork();
    let out = c.signout();
    assert_eq!(out.status, 303, "{out:?}");
    assert_eq!(out.location().as_deref(), Some("/"));
    assert!(
        out.set_cookies().iter().any(|k| k.name == SESSION_COOKIE && k.removes()),
        "sign-out does not remove the cookie: {:?}",
        out.headers
    );
    assert!(c.cookie(SESSION_COOKIE).is_none());
    assert_signed_out(&c);
    // The old cookie, replayed as an attacker who copied it would, is dead too.
    assert_eq!(old.cookie(SESSION_COOKIE), Some(cookie.value.clone()));
    assert_signed_out(&old);
}

#[test]
fn a_wrong_password_or_unknown_user_is_refused_without_a_session() {
    let balai = Balai::demo();
    let (user, password) = balai.account("admin");
    for (who, secret) in
        [(user.as_str(), "not-the-password-at-all"), ("nobody-here", password.as_str()), (user.as_str(), "")]
    {
        let c = balai.client();
        let r = c.signin_staff(who, secret);
        assert_eq!(r.status, 401, "{who}: {r:?}");
        assert!(r.text().contains("Nama pengguna atau kata sandi salah"), "{who}: no error message: {r:?}");
        assert!(
            !r.set_cookies().iter().any(|k| k.name == SESSION_COOKIE && !k.removes()),
            "{who}: a refused sign-in set a session cookie"
        );
        assert!(c.cookie(SESSION_COOKIE).is_none());
        assert_signed_out(&c);
        // the form is shown again with a usable token
        assert!(r.csrf().is_some(), "the refused sign-in page has no form token");
    }
}

#[test]
fn a_resident_signs_in_with_nik_and_pin_and_lands_on_their_record() {
    let balai = Balai::demo();
    let (nik, pin) = balai.warga.clone().expect("demo warga");
    let c = balai.client();

    let wrong = c.signin_warga(&nik, "000000");
    if pin != "000000" {
        assert_eq!(wrong.status, 401, "{wrong:?}");
        assert!(c.cookie(SESSION_COOKIE).is_none());
    }

    let r = c.signin_warga(&nik, &pin);
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location().as_deref(), Some("/me"));
    let cookie = session_set_cookie(&r);
    assert!(cookie.has("secure") && cookie.has("httponly"), "{cookie:?}");

    let me = c.page("/me");
    assert_eq!(me.status, 200, "{me:?}");
    assert!(me.text().contains(&nik), "the resident's own page does not show their NIK");
    // and nobody else's
    let list = c.page("/residents");
    assert_eq!(list.status, 403, "a resident reached the register: {list:?}");
}

#[test]
fn signing_in_follows_only_local_next_paths() {
    let balai = Balai::demo();
    let (user, password) = balai.account("operator");
    for (next, expected) in
        [("/residents", "/residents"), ("//evil.example/x", "/dashboard"), ("https://evil.example/", "/dashboard")]
    {
        let c = balai.client();
        let csrf = c.csrf("/signin");
        let r = c.post_form(
            "/signin/staff",
            &[("csrf", &csrf), ("username", &user), ("password", &password), ("next", next)],
        );
        assert_eq!(r.status, 303, "{r:?}");
        assert_eq!(r.location().as_deref(), Some(expected), "next={next}");
    }
}

/// (session id, is current) of each revoke form on /sessions.
fn sessions_listed(c: &Client) -> Vec<(String, bool)> {
    let page = c.page("/sessions");
    assert_eq!(page.status, 200, "{page:?}");
    let html = page.text();
    html.split("<tr")
        .skip(1)
        .filter_map(|row| {
            let start = row.find("action=\"/sessions/")? + "action=\"/sessions/".len();
            let end = row[start..].find("/revoke\"")? + start;
            Some((row[start..end].to_string(), row.contains("class=\"badge\"")))
        })
        .collect()
}

#[test]
fn the_sessions_page_lists_sessions_and_revoking_one_ends_it() {
    let balai = Balai::demo();
    let laptop = balai.signin("admin");
    let phone = balai.signin("admin");
    assert_eq!(phone.page("/dashboard").status, 200);

    let listed = sessions_listed(&laptop);
    assert_eq!(listed.len(), 2, "two sign-ins, sessions listed: {listed:?}");
    assert_eq!(listed.iter().filter(|(_, current)| *current).count(), 1, "exactly one is marked current: {listed:?}");
    let (other, _) = listed.iter().find(|(_, current)| !current).expect("the other session").clone();

    let csrf = laptop.csrf("/sessions");
    let r = laptop.post_form(&format!("/sessions/{other}/revoke"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location().as_deref(), Some("/sessions"));

    assert_signed_out(&phone);
    assert_eq!(laptop.page("/dashboard").status, 200, "revoking the other session ended this one");
    let left = sessions_listed(&laptop);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].1, "the remaining session is the current one");

    // Someone else's session cannot be revoked: the operator gets a 404, and the admin's session lives on.
    let operator = balai.signin("operator");
    let csrf = operator.csrf("/sessions");
    let r = operator.post_form(&format!("/sessions/{}/revoke", left[0].0), &[("csrf", &csrf)]);
    assert!(r.status == 404 || r.status == 403, "revoking another user's session: {r:?}");
    assert_eq!(laptop.page("/dashboard").status, 200, "another user revoked the admin's session");
}
