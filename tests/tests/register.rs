//! Proves the population register works end to end through its three doors:
//! the HTML form, the JSON API with a bearer token issued by the CLI, and
//! search; that a NIK whose birth date disagrees needs an acknowledged reason,
//! a NIK is never registered twice, and looking at a full record is audited.

use balai_tests::{Balai, Client, Resp, html_unescape, nik_for, resident_form, resident_json, with_csrf};
use serde_json::Value;

fn resident_id_from(r: &Resp) -> String {
    let loc = r.location().unwrap_or_else(|| panic!("no Location: {r:?}"));
    let id = loc.rsplit('/').next().unwrap_or_default().to_string();
    assert!(!id.is_empty(), "{loc}");
    id
}

fn codes(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["code"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn a_resident_created_with_the_html_form_is_shown_and_in_its_new_family() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let operator = balai.signin("operator");
    let before = balai.resident_count(&admin);
    let csrf = operator.csrf("/residents/new");
    let nik = nik_for((1988, 7, 14), true, 3001);
    let no_kk = "3310051407150009";

    // A missing name: the form comes back (422) naming the field, nothing written.
    let mut missing = resident_form(&nik, "", "1988-07-14", true, no_kk);
    missing.retain(|(k, _)| k != "nama");
    let r = operator.post("/residents", with_csrf(&csrf, &missing));
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains("id=\"nama-error\""), "the error is not beside the name field");
    assert!(r.text().contains("Nama wajib diisi"), "no message for the missing name");
    assert_eq!(balai.resident_count(&admin), before);

    let fields = resident_form(&nik, "Dewi Lestari Formulir", "1988-07-14", true, no_kk);
    let r = operator.post("/residents", with_csrf(&csrf, &fields));
    assert_eq!(r.status, 303, "{r:?}");
    let id = resident_id_from(&r);
    assert_eq!(balai.resident_count(&admin), before + 1);

    let page = operator.page(&format!("/residents/{id}"));
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.text().contains("Dewi Lestari Formulir"));
    assert!(page.text().contains(&nik), "the operator sees the full NIK on the record");

    let record = admin.page(&format!("/api/v1/residents/{id}")).json();
    assert_eq!(record["nik"], nik.as_str());
    assert_eq!(record["birth_date"], "1988-07-14");
    assert_eq!(record["sex"], 2);
    let family = record["family_id"].as_str().expect("the new No. KK made a family").to_string();
    let fam = admin.page(&format!("/api/v1/families/{family}")).json();
    assert_eq!(fam["kk_number"], no_kk, "{fam}");
    assert!(fam["members"].as_array().is_some_and(|m| m.iter().any(|p| p["id"] == id.as_str())), "{fam}");
}

#[test]
fn the_api_creates_with_a_cli_issued_token_and_refuses_a_nik_twice() {
    let balai = Balai::demo();
    let token = balai.issue_token("admin");
    let api = balai.bearer(&token);
    let before = balai.resident_count(&api);
    let nik = nik_for((1975, 12, 31), false, 2002);

    let r = api.post_json("/api/v1/residents", &resident_json(&nik, "Budi Santoso Api", "1975-12-31", false));
    assert_eq!(r.status, 201, "{r:?}");
    let created = r.json();
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(r.location().as_deref(), Some(format!("/api/v1/residents/{id}").as_str()));
    let fetched = api.page(&format!("/api/v1/residents/{id}"));
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json()["nik"], nik.as_str());
    assert_eq!(balai.resident_count(&api), before + 1);

    // The same NIK again, even with another name: 409, naming the field.
    let again = api.post_json("/api/v1/residents", &resident_json(&nik, "Orang Lain", "1975-12-31", false));
    assert_eq!(again.status, 409, "{again:?}");
    let body = again.json();
    assert_eq!(body["fields"][0]["field"], "nik", "{body}");
    assert_eq!(balai.resident_count(&api), before + 1);

    // Bad input: 422 with every problem named, nothing written.
    let bad = api.post_json("/api/v1/residents", &serde_json::json!({ "nik": "12345", "birth_date": "31-02-2020" }));
    assert_eq!(bad.status, 422, "{bad:?}");
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or("").to_string())
        .collect();
    for f in ["nik", "nama", "tanggallahir"] {
        assert!(fields.iter().any(|x| x == f), "field {f} not named in {fields:?}");
    }
    let not_json = api.send("POST", "/api/v1/residents", balai_tests::Body::Json(serde_json::json!([1, 2])));
    assert_eq!(not_json.expect("answer").status, 400);
    assert_eq!(balai.resident_count(&api), before + 1);
}

#[test]
fn a_nik_that_disagrees_with_the_birth_date_needs_an_acknowledged_reason() {
    let balai = Balai::demo();
    let api = balai.bearer(&balai.issue_token("operator"));
    let before = balai.resident_count(&api);

    // API: the NIK says 01-01-90, the record 1990-01-02.
    let nik = nik_for((1990, 1, 1), false, 5005);
    let mut input = resident_json(&nik, "Agus Tanggal Beda", "1990-01-02", false);
    let r = api.post_json("/api/v1/residents", &input);
    assert_eq!(r.status, 422, "{r:?}");
    let body = r.json();
    assert!(codes(&body).contains(&"residents.nik.date_mismatch".to_string()), "{body}");
    assert!(body["fields"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(balai.resident_count(&api), before, "an unacknowledged warning wrote a record");
    input["nik_warning_ack"] = "Tanggal di KTP salah cetak; akta lahir dicek".into();
    let r = api.post_json("/api/v1/residents", &input);
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["nik_warning_ack"], "Tanggal di KTP salah cetak; akta lahir dicek");

    // HTML form: the warning is shown with the acknowledgement box; ticking it with a reason saves.
    let operator = balai.signin("operator");
    let csrf = operator.csrf("/residents/new");
    let nik2 = nik_for((1990, 1, 1), false, 5006);
    let fields = resident_form(&nik2, "Agus Formulir Beda", "1990-01-02", false, "");
    let r = operator.post("/residents", with_csrf(&csrf, &fields));
    assert_eq!(r.status, 422, "{r:?}");
    let text = html_unescape(&r.text());
    assert!(text.contains("Tanggal lahir pada NIK berbeda dengan tanggal lahir"), "warning not shown");
    assert!(text.contains("name=\"ack_warnings\""), "no acknowledgement checkbox");
    assert_eq!(balai.resident_count(&api), before + 1);
    let mut acked = fields.clone();
    acked.push(("ack_warnings".into(), "1".into()));
    acked.push(("ack_reason".into(), "Sesuai akta kelahiran".into()));
    let r = operator.post("/residents", with_csrf(&csrf, &acked));
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(balai.resident_count(&api), before + 2);
}

#[test]
fn viewing_a_full_record_is_in_the_audit_log_for_that_person() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let someone = admin.page("/api/v1/residents?offset=7&limit=1").json();
    let id = someone["items"][0]["id"].as_str().expect("id").to_string();
    let nik = someone["items"][0]["nik"].as_str().expect("nik").to_string();

    let audit_rows = |c: &Client| -> Vec<String> {
        let page = c.page(&format!("/audit?person={nik}"));
        assert_eq!(page.status, 200, "{page:?}");
        page.text().split("<tr").skip(2).map(html_unescape).collect()
    };
    let views_by =
        |rows: &[String], who: &str| rows.iter().filter(|r| r.contains(who) && r.contains("Melihat")).count();
    let rows = audit_rows(&admin);
    let before = views_by(&rows, "kepaladesa");

    let kepala = balai.signin("kepala_desa");
    let page = kepala.page(&format!("/residents/{id}"));
    assert_eq!(page.status, 200);
    let rows = audit_rows(&admin);
    assert_eq!(
        views_by(&rows, "kepaladesa"),
        before + 1,
        "the view is not in /audit?person={nik}:\n{}",
        rows.join("\n")
    );
    assert!(rows.iter().any(|r| r.contains(&id)), "the audit rows do not name the record");
    // the same person looked up by resident id
    let by_id = admin.page(&format!("/audit?person={id}"));
    assert!(by_id.text().contains("kepaladesa"));
    // and the list page (masked NIKs) is not a full-record view
    let _ = kepala.page("/residents");
    assert_eq!(views_by(&audit_rows(&admin), "kepaladesa"), before + 1);
}

/// One letter changed in the longest word of `name`.
fn with_one_typo(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let longest = words.iter().copied().max_by_key(|w| w.len()).expect("a word");
    let mut chars: Vec<char> = longest.chars().collect();
    let i = chars.len() / 2;
    chars[i] = if chars[i].eq_ignore_ascii_case(&'x') { 'q' } else { 'x' };
    let typo: String = chars.into_iter().collect();
    words.iter().map(|w| if *w == longest { typo.as_str() } else { w }).collect::<Vec<_>>().join(" ")
}

#[test]
fn search_finds_a_name_with_a_typo_and_a_nik_prefix() {
    let balai = Balai::demo();
    let operator = balai.signin("operator");
    let page = operator.page("/api/v1/residents?offset=20&limit=50").json();
    let person = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["name"].as_str().is_some_and(|n| n.split_whitespace().any(|w| w.len() >= 5)))
        .expect("a resident with a name word of 5+ letters")
        .clone();
    let id = person["id"].as_str().unwrap();
    let name = person["name"].as_str().unwrap();
    let nik = person["nik"].as_str().unwrap();
    let link = format!("href=\"/residents/{id}\"");

    let typo = with_one_typo(name);
    assert_ne!(typo.to_lowercase(), name.to_lowercase());
    for path in ["/search", "/residents"] {
        let r = operator.page(&format!("{path}?q={}", balai_tests::urlencode(&typo)));
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r.text().contains(&link), "{path}?q={typo:?} does not find {name:?}");
    }
    let prefix = &nik[..12];
    let r = operator.page(&format!("/search?q={prefix}"));
    assert!(r.text().contains(&link), "/search?q={prefix} does not find NIK {nik}");
    let api = operator.page(&format!("/api/v1/search?q={prefix}")).json();
    assert!(api.to_string().contains(id), "/api/v1/search?q={prefix}: {api}");
    // A name nobody has finds nothing.
    let none = operator.page("/search?q=Zzyzxqwv");
    assert!(!none.text().contains("href=\"/residents/p"), "a nonsense query found residents");
}
