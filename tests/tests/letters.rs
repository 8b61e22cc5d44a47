//! The letter service end to end on the real binary over HTTPS: every letter
//! type from request to a signed PDF that pdftotext reads and the offline
//! verifier accepts; the resident's phone flow with tracking and a double
//! submit; numbering under concurrent signing; refusals, revocation, forgery
//! and template versions.

use balai_tests::modem::SimModem;
use balai_tests::{Balai, Body, Client, Options};
use reqwest::blocking::multipart;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::process::Command;

fn token_client(balai: &Balai, role: &str) -> Client {
    let (user, _) = balai.account(role);
    balai.client().bearer_for(&balai.issue_token(&user))
}

trait Bearer {
    fn bearer_for(self, token: &str) -> Client;
}

impl Bearer for Client {
    fn bearer_for(mut self, token: &str) -> Client {
        self.bearer = Some(token.to_string());
        self
    }
}

fn demo_niks(admin: &Client, n: usize) -> Vec<String> {
    let r = admin.page(&format!("/api/v1/residents?limit={n}"));
    assert_eq!(r.status, 200, "{r:?}");
    r.json()["items"].as_array().expect("items").iter().map(|p| p["nik"].as_str().expect("nik").to_string()).collect()
}

/// Values for every field of a type, as a clerk would fill them.
fn fill(fields: &Value, people: &[String]) -> Value {
    let mut values = serde_json::Map::new();
    for (i, f) in fields.as_array().expect("fields").iter().enumerate() {
        let name = f["name"].as_str().expect("name");
        let kind = &f["kind"];
        let value = if kind == "text" || kind == "paragraph" {
            format!("Isian {name}")
        } else if kind == "date" {
            "2026-11-01".to_string()
        } else if kind == "number" {
            "3".to_string()
        } else if kind == "person" {
            people[1 + i % (people.len() - 1)].clone()
        } else if let Some(options) = kind["choice"].as_array() {
            options[0].as_str().expect("option").to_string()
        } else {
            panic!("unknown field kind {kind}")
        };
        values.insert(name.to_string(), Value::String(value));
    }
    Value::Object(values)
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("run pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `balai letter verify FILE --public-key KEY` with no data dir at all, as a
/// kecamatan office would run it.
fn offline_verify(pdf: &[u8], public_key: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new(balai_tests::binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir.path())
        .args(["letter", "verify"])
        .arg(&path)
        .args(["--public-key", public_key])
        .output()
        .expect("run balai letter verify");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn public_key(balai: &Balai) -> String {
    balai.cli_ok(&["letter", "public-key"]).trim().to_string()
}

fn create(api: &Client, kind: &str, nik: &str, values: Value, token: &str) -> Value {
    let r = api.post_json(
        "/api/v1/letters",
        &json!({ "type": kind, "nik": nik, "values": values, "phone": "081234567890", "form_token": token }),
    );
    assert_eq!(r.status, 201, "create {kind}: {r:?}");
    r.json()
}

fn approve_if_needed(operator: &Client, request: &Value) {
    if request["state"] == "awaiting_rt_rw" {
        let id = request["id"].as_str().expect("id");
        let csrf = operator.csrf(&format!("/letters/{id}"));
        let r = operator
            .post_form(&format!("/letters/{id}/approve"), &[("csrf", &csrf), ("official", "Pak Slamet, Ketua RT 02")]);
        assert_eq!(r.status, 303, "approve: {r:?}");
    }
}

#[test]
fn every_letter_type_goes_from_request_to_a_signed_pdf_that_verifies_offline() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let operator = balai.signin("operator");
    let clerk_api = token_client(&balai, "operator");
    let signer_api = token_client(&balai, "kepala_desa");
    let people = demo_niks(&admin, 6);
    let key = public_key(&balai);

    let types = clerk_api.page("/api/v1/letter-types").json();
    let types = types.as_array().expect("types");
    assert!(types.len() >= 15, "{} letter types", types.len());
    let mut numbers = BTreeSet::new();
    for (i, ty) in types.iter().enumerate() {
        let code = ty["code"].as_str().expect("code");
        let request = create(&clerk_api, code, &people[0], fill(&ty["fields"], &people), &format!("flow-{code}-{i}"));
        approve_if_needed(&operator, &request);
        let id = request["id"].as_str().expect("id");
        let r = clerk_api.post_json(&format!("/api/v1/letters/{id}/verify"), &json!({}));
        assert_eq!(r.status, 200, "verify {code}: {r:?}");
        let r = signer_api.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({}));
        assert_eq!(r.status, 200, "sign {code}: {r:?}");
        let signed = r.json();
        let number = signed["letter_number"].as_str().expect("number").to_string();
        assert!(number.ends_with(&format!("/{}", chrono_year())), "{number}");
        assert!(numbers.insert(number.clone()), "number {number} given twice");

        let pdf = clerk_api.page(&format!("/api/v1/letters/{id}/pdf"));
        assert_eq!(pdf.status, 200, "pdf {code}: {pdf:?}");
        assert!(pdf.bytes.starts_with(b"%PDF"), "{code}: not a PDF");
        let text = pdftotext(&pdf.bytes);
        let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squashed.contains(&number), "{code}: number {number} not in the PDF text:\n{text}");
        assert!(
            squashed.to_uppercase().contains(&ty["name"].as_str().expect("name").to_uppercase().replace(" (SKTM)", "")),
            "{code}: title missing:\n{text}"
        );
        let again = clerk_api.page(&format!("/api/v1/letters/{id}/pdf"));
        assert_eq!(again.bytes, pdf.bytes, "{code}: a reprint differs from the first print");

        let (genuine, out) = offline_verify(&pdf.bytes, &key);
        assert!(genuine, "{code}: offline verification failed: {out}");
        let verdict = balai
            .client()
            .page(&format!(
                "/api/v1/verify?c={}",
                signed["verify_url"].as_str().expect("url").split("?c=").nth(1).expect("payload")
            ))
            .json();
        assert_eq!(verdict["verdict"], "genuine", "{code}: {verdict}");
    }
}

fn chrono_year() -> String {
    let out = Command::new("date").arg("+%Y").output().expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn photo_part(bytes: Vec<u8>) -> multipart::Part {
    multipart::Part::bytes(bytes).file_name("ktp.jpg").mime_str("image/jpeg").expect("mime")
}

fn request_form(csrf: &str, token: &str, keperluan: &str, phone: &str, photo: Option<Vec<u8>>) -> Body {
    let mut form = multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("form_token", token.to_string())
        .text("keperluan", keperluan.to_string())
        .text("phone", phone.to_string());
    if let Some(p) = photo {
        form = form.part("photos", photo_part(p));
    }
    Body::Multipart(form)
}

#[test]
fn a_resident_requests_on_the_phone_tracks_it_and_downloads_the_signed_letter() {
    let modem = SimModem::start();
    let env = vec![("BALAI_SMS__PORT".to_string(), modem.path())];
    let balai = Balai::start(Options { demo: true, env, ..Options::default() });
    let warga = balai.signin("warga");
    let operator = balai.signin("operator");
    let kades = balai.signin("kepala_desa");

    let home = warga.page("/surat");
    assert_eq!(home.status, 200, "{home:?}");
    assert!(home.text().contains("/surat/ajukan/domisili"), "domisili not offered to residents");
    let form = warga.page("/surat/ajukan/domisili");
    assert_eq!(form.status, 200, "{form:?}");
    assert!(form.text().contains("capture=\"environment\""), "the photo input does not open the camera");
    let csrf = balai_tests::input_value(&form, "csrf");
    let token = balai_tests::input_value(&form, "form_token");

    // A missing required field comes back naming it; nothing recorded.
    let r = warga.post("/surat/ajukan/domisili", request_form(&csrf, &token, "", "", None));
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains("id=\"keperluan-error\""), "the error is not beside the field");
    assert!(!warga.page("/surat").text().contains("/surat/srt"), "a request was recorded from a bad form");

    let photo = balai_tests::phone_jpeg(2400, 1800);
    let r = warga
        .post("/surat/ajukan/domisili", request_form(&csrf, &token, "melamar kerja", "0812 3456 7890", Some(photo)));
    assert_eq!(r.status, 303, "{r:?}");
    let location = r.location().expect("location");
    // The same form sent twice (a double tap) makes one request.
    let again =
        warga.post("/surat/ajukan/domisili", request_form(&csrf, &token, "melamar kerja", "0812 3456 7890", None));
    assert_eq!(again.location().as_deref(), Some(location.as_str()), "a double submit made a second request");
    let id = location.rsplit('/').next().expect("id").to_string();

    let status = warga.page(&location);
    assert_eq!(status.status, 200);
    let code = status.text().split("<dd>").nth(1).and_then(|s| s.split("</dd>").next()).unwrap_or_default().to_string();
    assert_eq!(code.len(), 8, "no tracking code on {status:?}");
    assert!(status.text().contains("Diajukan"), "{status:?}");

    // Anyone can follow it with the code, without signing in; no NIK shown.
    let public = balai.client().page(&format!("/lacak?kode={}", code.to_lowercase()));
    assert_eq!(public.status, 200);
    assert!(public.text().contains("Surat Keterangan Domisili"), "tracking by code failed for {code:?}: {public:?}");
    assert!(!public.text().contains(&balai.warga.clone().expect("warga").0), "the public page shows the NIK");

    // The operator sees the photo beside the request, then checks it; the kepala desa signs.
    let page = operator.page(&format!("/letters/{id}"));
    let sha: Option<String> = page
        .text()
        .split("src=\"/files/")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect());
    let img = format!("/files/{}", sha.unwrap_or_else(|| panic!("no photo on the operator's page: {page:?}")));
    let served = operator.page(&img);
    assert_eq!(served.header("content-type").as_deref(), Some("image/jpeg"));
    assert!(served.bytes.len() < 2400 * 1800 / 4, "the photo was not downscaled");
    let csrf = operator.csrf(&format!("/letters/{id}"));
    assert_eq!(operator.post_form(&format!("/letters/{id}/verify"), &[("csrf", &csrf)]).status, 303);
    let csrf = kades.csrf(&format!("/letters/{id}"));
    let r = kades.post_form(&format!("/letters/{id}/sign"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{r:?}");

    // The resident is told by SMS, with the tracking code.
    let sms = modem.wait_delivered(1, std::time::Duration::from_secs(30));
    assert_eq!(sms[0].to, "+6281234567890", "{sms:?}");
    assert!(sms[0].text.contains(&code) && sms[0].text.contains("Surat Keterangan Domisili"), "{sms:?}");
    assert!(modem.violations().is_empty(), "{:?}", modem.violations());

    let status = warga.page(&location);
    assert!(status.text().contains(&format!("/surat/{id}/pdf")), "no download link once signed");
    let pdf = warga.page(&format!("/surat/{id}/pdf"));
    assert_eq!(pdf.status, 200);
    assert!(pdftotext(&pdf.bytes).contains("SURAT KETERANGAN DOMISILI"));
    assert!(warga.page(&location).text().contains("Sudah diserahkan"), "the download did not hand the letter over");

    // Another resident's request is not visible to this one.
    assert_eq!(warga.page("/surat/srt-none").status, 404);
}

#[test]
fn two_hundred_letters_signed_at_once_get_two_hundred_consecutive_numbers() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let clerk = token_client(&balai, "operator");
    let signer = token_client(&balai, "kepala_desa");
    let nik = demo_niks(&admin, 1).remove(0);
    let ids: Vec<String> = (0..200)
        .map(|i| {
            let r = create(&clerk, "skck", &nik, json!({ "keperluan": "melamar kerja" }), &format!("bulk-{i:04}"));
            let id = r["id"].as_str().expect("id").to_string();
            assert_eq!(clerk.post_json(&format!("/api/v1/letters/{id}/verify"), &json!({})).status, 200);
            id
        })
        .collect();
    let numbers: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(25)
            .map(|chunk| {
                let signer = signer.fork();
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|id| {
                            let r = signer.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({}));
                            assert_eq!(r.status, 200, "{r:?}");
                            r.json()["letter_number"].as_str().expect("number").to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("signer thread")).collect()
    });
    let mut sequence: Vec<u32> =
        numbers.iter().map(|n| n.split('/').nth(1).expect("sequence part").parse().expect("a number")).collect();
    sequence.sort();
    assert_eq!(sequence, (1..=200).collect::<Vec<u32>>(), "numbers have gaps or repeats");
}

#[test]
fn wrong_roles_are_refused_and_audited_and_a_revoked_or_forged_letter_says_so() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let operator = balai.signin("operator");
    let clerk = token_client(&balai, "operator");
    let signer = token_client(&balai, "kepala_desa");
    let nik = demo_niks(&admin, 1).remove(0);
    let r = create(&clerk, "domisili", &nik, json!({ "keperluan": "bank" }), "refuse-0001");
    let id = r["id"].as_str().expect("id").to_string();
    assert_eq!(clerk.post_json(&format!("/api/v1/letters/{id}/verify"), &json!({})).status, 200);

    // The operator may not sign: refused, and the refusal is in the audit trail.
    let csrf = operator.csrf(&format!("/letters/{id}"));
    let r = operator.post_form(&format!("/letters/{id}/sign"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 403, "{r:?}");
    assert_eq!(clerk.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({})).status, 403);
    let audit = admin.page("/audit");
    assert!(audit.text().contains("refused POST /letters/{id}/sign"), "refusal not audited");

    let signed = signer.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({})).json();
    let number = signed["letter_number"].as_str().expect("number").to_string();
    let sealed = signed["verify_url"].as_str().expect("url").split("?c=").nth(1).expect("payload").to_string();
    // A PDF whose bytes were changed after signing fails the offline check.
    let pdf = clerk.page(&format!("/api/v1/letters/{id}/pdf")).bytes;
    let key = public_key(&balai);
    assert!(offline_verify(&pdf, &key).0, "the untouched PDF does not verify");
    let mut altered = pdf.clone();
    let at = altered.len() / 3;
    altered[at] ^= 0x01;
    let (ok, out) = offline_verify(&altered, &key);
    assert!(!ok, "an altered PDF verified: {out}");
    let mut cut = pdf.clone();
    cut.truncate(pdf.len() - 100);
    assert!(!offline_verify(&cut, &key).0, "a truncated PDF verified");

    let public = balai.client();
    let page = public.page(&format!("/verify?nomor={}", balai_tests::urlencode(&number)));
    assert!(page.text().contains("data-verdict=\"genuine\""), "{page:?}");

    // A forged payload: one character changed.
    let mut forged = sealed.clone().into_bytes();
    let mid = forged.len() / 2;
    forged[mid] = if forged[mid] == b'A' { b'B' } else { b'A' };
    let page = public.page(&format!("/verify?c={}", String::from_utf8(forged).expect("ascii")));
    assert!(page.text().contains("data-verdict=\"forged\""), "a forged QR was not caught: {page:?}");
    let page = public.page("/verify?nomor=999/999/9999/I/2000");
    assert!(page.text().contains("data-verdict=\"unknown\""));

    // Revocation needs a reason and shows on /verify.
    let kades = balai.signin("kepala_desa");
    let csrf = kades.csrf(&format!("/letters/{id}"));
    assert_eq!(kades.post_form(&format!("/letters/{id}/revoke"), &[("csrf", &csrf), ("reason", "")]).status, 422);
    let r = kades.post_form(&format!("/letters/{id}/revoke"), &[("csrf", &csrf), ("reason", "salah nama ibu")]);
    assert_eq!(r.status, 303, "{r:?}");
    let page = public.page(&format!("/verify?c={sealed}"));
    assert!(page.text().contains("data-verdict=\"revoked\""), "{page:?}");
    assert!(page.text().contains("salah nama ibu"));
}

#[test]
fn an_admin_edits_a_template_and_issued_letters_keep_their_version() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let clerk = token_client(&balai, "operator");
    let signer = token_client(&balai, "kepala_desa");
    let nik = demo_niks(&admin, 1).remove(0);
    let before = create(&clerk, "domisili", &nik, json!({ "keperluan": "bank" }), "version-0001");
    assert_eq!(before["template_version"], 1);

    let editor = admin.page("/letters/types/domisili");
    assert_eq!(editor.status, 200, "{editor:?}");
    let csrf = editor.csrf().expect("csrf");
    let fields = "keperluan | Keperluan | teks | wajib\nlama | Lama tinggal (tahun) | angka | wajib\n";
    let body =
        "Kami menerangkan bahwa {{nama}} sudah {{lama}} tahun tinggal di Desa {{desa}} untuk keperluan {{keperluan}}.";
    let base = [
        ("csrf", csrf.as_str()),
        ("name", "Surat Keterangan Domisili"),
        ("title", "Surat Keterangan Domisili"),
        ("kka", "400.12.2.2"),
        ("requirements", "Foto KTP"),
        ("self_service", "on"),
        ("enabled", "on"),
        ("fields", fields),
    ];
    // The preview fills the edited text without saving it.
    let mut preview = base.to_vec();
    preview.push(("body", body));
    let r = admin.post_form("/letters/types/domisili/preview", &preview);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("tahun tinggal di Desa"), "preview missing: {r:?}");
    assert!(r.text().contains("[Lama tinggal (tahun)]"), "the preview does not show the new field");
    // An unknown placeholder is refused, naming the line.
    let mut bad = base.to_vec();
    bad.push(("body", "Baris satu\n{{tidak_ada}}"));
    let r = admin.post_form("/letters/types/domisili", &bad);
    assert_eq!(r.status, 422);
    assert!(r.text().contains("baris 2"), "{r:?}");
    let mut good = base.to_vec();
    good.push(("body", body));
    assert_eq!(admin.post_form("/letters/types/domisili", &good).status, 303);

    let after = create(&clerk, "domisili", &nik, json!({ "keperluan": "sekolah", "lama": "7" }), "version-0002");
    assert_eq!(after["template_version"], 2);
    for (request, expect, absent) in
        [(&before, "benar berdomisili", "tahun tinggal"), (&after, "7 tahun tinggal", "benar berdomisili")]
    {
        let id = request["id"].as_str().expect("id");
        assert_eq!(clerk.post_json(&format!("/api/v1/letters/{id}/verify"), &json!({})).status, 200);
        assert_eq!(signer.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({})).status, 200);
        let text = pdftotext(&clerk.page(&format!("/api/v1/letters/{id}/pdf")).bytes);
        let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squashed.contains(expect), "{expect:?} not in:\n{text}");
        assert!(!squashed.contains(absent), "{absent:?} in:\n{text}");
    }
}

#[test]
fn bad_requests_get_clear_errors_and_write_nothing() {
    let balai = Balai::demo();
    let clerk = token_client(&balai, "operator");
    let r = clerk.post_json(
        "/api/v1/letters",
        &json!({ "type": "domisili", "nik": "123", "values": {}, "form_token": "bad-00001" }),
    );
    assert_eq!(r.status, 422, "{r:?}");
    let fields: Vec<String> = r.json()["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(fields.contains(&"nik".to_string()) && fields.contains(&"keperluan".to_string()), "{fields:?}");
    let r = clerk.post_json(
        "/api/v1/letters",
        &json!({ "type": "tidak_ada", "nik": "3302011201900001", "form_token": "bad-00002" }),
    );
    assert_eq!(r.status, 422);
    let r = clerk.send("POST", "/api/v1/letters", Body::Json(json!("not an object"))).expect("send");
    assert_eq!(r.status, 400);

    // Someone not in the register, entered at the counter, is flagged.
    let r = clerk.post_json(
        "/api/v1/letters",
        &json!({ "type": "domisili", "nik": "3302011201900999", "values": { "keperluan": "kerja" },
                 "subject": { "nama": "Tamu Luar Desa", "alamat": "Jl. Jauh 1" }, "form_token": "bad-00003" }),
    );
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["in_register"], false);
    let operator = balai.signin("operator");
    let page = operator.page(&format!("/letters/{}", r.json()["id"].as_str().expect("id")));
    assert!(page.text().contains("tidak ada di data penduduk"), "not flagged to the operator");
    // Signing a request that was not verified is refused.
    let signer = token_client(&balai, "kepala_desa");
    let id = r.json()["id"].as_str().expect("id").to_string();
    assert_eq!(signer.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({})).status, 409);
}

/// An 8×8 blue PNG, the village's logo for this test.
const LOGO_PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000008000000080806000000c40fbe8b0000001249444154789c63908b5af01f1f6618190a009ee485c1eb9857100000000049454e44ae426082";

#[test]
fn the_letterhead_carries_the_configured_logo_and_reprints_keep_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, hex::decode(LOGO_PNG_HEX).expect("hex")).expect("write logo");
    let env = vec![("BALAI_LETTERS__LOGO_PNG".to_string(), logo.display().to_string())];
    let balai = Balai::start(Options { demo: true, env, ..Options::default() });
    let admin = balai.signin("admin");
    let clerk = token_client(&balai, "operator");
    let signer = token_client(&balai, "kepala_desa");
    let nik = demo_niks(&admin, 1).remove(0);
    let id = create(&clerk, "skck", &nik, json!({ "keperluan": "kerja" }), "logo-0001")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(clerk.post_json(&format!("/api/v1/letters/{id}/verify"), &json!({})).status, 200);
    assert_eq!(signer.post_json(&format!("/api/v1/letters/{id}/sign"), &json!({})).status, 200);
    let pdf = clerk.page(&format!("/api/v1/letters/{id}/pdf")).bytes;
    let images = |pdf: &[u8]| {
        let path = dir.path().join("l.pdf");
        std::fs::write(&path, pdf).expect("write");
        let out = Command::new("pdfimages").arg("-list").arg(&path).output().expect("run pdfimages (poppler-utils)");
        String::from_utf8_lossy(&out.stdout).lines().skip(2).count()
    };
    assert_eq!(images(&pdf), 1, "the logo is not in the letter");
    // A new logo file later does not change a letter already signed.
    std::fs::write(&logo, b"not a png any more").expect("overwrite logo");
    assert_eq!(clerk.page(&format!("/api/v1/letters/{id}/pdf")).bytes, pdf, "the reprint changed with the logo file");
}
