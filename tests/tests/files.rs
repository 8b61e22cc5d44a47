//! Photos at /files/{sha256} over real HTTPS: only staff who handle requests
//! may ask, and an id that is not a SHA-256 (a path trick) finds nothing.
//! (Serving a stored photo, its headers and the audit note are tested in
//! appliance/src/files/tests.rs with the same guard and handler.)

use balai_tests::{Balai, phone_jpeg};

#[test]
fn path_tricks_find_nothing_and_other_roles_are_refused() {
    let balai = Balai::demo();
    let operator = balai.signin("operator");
    let sha = "ab".repeat(32);
    for path in [
        format!("/files/{sha}"),
        "/files/..%2F..%2Fstore%2Fconf".to_string(),
        "/files/%2e%2e%2f%2e%2e%2fkeys%2fca.key".to_string(),
        format!("/files/{}", sha.to_uppercase()),
        format!("/files/{sha}.jpg"),
    ] {
        let r = operator.page(&path);
        assert!(r.status == 404 || r.status == 400, "{path}: {r:?}");
        assert_ne!(r.header("content-type").as_deref(), Some("image/jpeg"));
    }
    for role in ["warga", "kader", "bendahara"] {
        let r = balai.signin(role).page(&format!("/files/{sha}"));
        assert_eq!(r.status, 403, "{role}: {r:?}");
    }
    let r = balai.client().page(&format!("/files/{sha}"));
    assert!(r.status == 303 && r.location().is_some_and(|l| l.starts_with("/signin")), "{r:?}");
}

/// The letter request form with one file in `photos`, named and typed as a
/// phone would, whatever its bytes are.
fn request_with(page: &balai_tests::Resp, photo: Vec<u8>) -> balai_tests::Body {
    let part = reqwest::blocking::multipart::Part::bytes(photo).file_name("ktp.jpg").mime_str("image/jpeg").unwrap();
    let form = reqwest::blocking::multipart::Form::new()
        .text("csrf", balai_tests::input_value(page, "csrf"))
        .text("form_token", balai_tests::input_value(page, "form_token"))
        .text("keperluan", "melamar kerja")
        .text("phone", "0812 3456 7890")
        .part("photos", part);
    balai_tests::Body::Multipart(form)
}

#[test]
fn a_residents_photo_is_checked_downscaled_and_shown_to_the_operator_with_an_audited_view() {
    let balai = Balai::demo();
    let warga = balai.signin("warga");
    let form = warga.page("/surat/ajukan/domisili");
    assert_eq!(form.status, 200, "{form:?}");

    // A PDF named ktp.jpg and sent as image/jpeg is refused by its content; nothing recorded.
    let r = warga.post("/surat/ajukan/domisili", request_with(&form, b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n".to_vec()));
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains("Berkas ini bukan foto"), "the refusal does not say why: {}", r.text());
    assert!(!warga.page("/surat").text().contains("/surat/srt"), "a request was recorded with a bad photo");

    // A 6 MP phone photo is stored at 1600 px and the operator sees it beside the request.
    let form = warga.page("/surat/ajukan/domisili");
    let r = warga.post("/surat/ajukan/domisili", request_with(&form, phone_jpeg(3000, 2000)));
    assert_eq!(r.status, 303, "{r:?}");
    let id = r.location().expect("location").rsplit('/').next().expect("id").to_string();
    let operator = balai.signin("operator");
    let page = operator.page(&format!("/letters/{id}")).text();
    let sha: String = page
        .split("/files/")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect())
        .unwrap_or_else(|| panic!("no photo on the operator's page"));
    assert_eq!(sha.len(), 64, "{sha}");
    let photo = operator.page(&format!("/files/{sha}"));
    assert_eq!(photo.status, 200, "{photo:?}");
    assert_eq!(photo.header("content-type").as_deref(), Some("image/jpeg"));
    assert!(photo.header("cache-control").is_some_and(|c| c.starts_with("private")));
    assert_eq!(photo.header("x-content-type-options").as_deref(), Some("nosniff"));
    let img = image::load_from_memory(&photo.bytes).expect("a JPEG");
    assert_eq!((img.width(), img.height()), (1600, 1067));
    let audit = balai.signin("admin").page(&format!("/audit?actor={}", balai.account("operator").0)).text();
    assert!(audit.contains(&sha), "the operator's view of the photo is not in the audit log");
    assert_eq!(warga.page(&format!("/files/{sha}")).status, 403, "residents do not browse stored photos");
}
