//! Posyandu posts and children over HTTPS: the health worker adds a post, a
//! kader registers a newborn without a NIK, a weight typed in grams is
//! refused naming the field, and staff outside health never see the list.

use balai_tests::{Balai, html_unescape};

#[test]
fn a_kader_registers_a_newborn_at_a_new_post() {
    let balai = Balai::demo();
    let nakes = balai.signin("nakes");
    let csrf = nakes.csrf("/posyandu");
    let r = nakes.post_form(
        "/posyandu",
        &[
            ("csrf", &csrf),
            ("name", "Posyandu Melati"),
            ("dusun", "Dusun I"),
            ("address", "Balai RW 02"),
            ("day_of_month", "10"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let post = r.location().expect("redirect to the new post");
    assert!(post.starts_with("/posyandu/"), "{post}");

    let kader = balai.signin("kader");
    let list = html_unescape(&kader.page("/posyandu").text());
    assert!(list.contains("Posyandu Melati"), "the kader sees the new post");
    assert!(!list.contains("Tambah posyandu"), "only the nakes and admin add posts");

    let csrf = kader.csrf(&post);
    let child = |weight: &'static str| {
        [
            ("csrf", csrf.as_str()),
            ("name", "Bayi Ny. Sari"),
            ("sex", "P"),
            ("birth_date", "2026-11-01"),
            ("mother_name", "Sari Wulandari"),
            ("birth_weight_kg", weight),
        ]
    };
    let bad = kader.post_form(&format!("{post}/children"), &child("3200"));
    assert_eq!(bad.status, 422);
    let bad_page = html_unescape(&bad.text());
    assert!(bad_page.contains("id=\"birth_weight_kg-error\""), "the error sits at the weight field");
    assert!(bad_page.contains("Periksa satuannya"), "the error says to check the unit");
    assert!(bad_page.contains("value=\"Bayi Ny. Sari\""), "what was typed is kept");
    assert!(!bad_page.contains(">Bayi Ny. Sari</a>"), "nothing was registered");

    let ok = kader.post_form(&format!("{post}/children"), &child("3,2"));
    assert_eq!(ok.status, 200, "{}", ok.text());
    let page = html_unescape(&ok.text());
    assert!(page.contains("Bayi Ny. Sari terdaftar."), "the kader is told");
    assert!(page.contains("(belum di data penduduk)"), "a newborn without a NIK is marked as not yet in the register");
    assert!(page.contains("01-11-2026"));
    assert!(page.contains(">Bayi Ny. Sari</a>"), "the child is listed, linked to its growth page");

    let future = kader.post_form(
        &format!("{post}/children"),
        &[("csrf", &csrf), ("name", "X"), ("sex", "L"), ("birth_date", "2099-01-01")],
    );
    assert_eq!(future.status, 422);
    assert!(html_unescape(&future.text()).contains("ada di masa depan"));

    // A child already on the population register: the NIK alone is enough.
    // (The demo registers most of its young children at its own posts; the
    // first young resident not yet registered is the one to show.)
    let registered = young_residents(&balai).into_iter().find_map(|(nik, name)| {
        let r = kader.post_form(&format!("{post}/children"), &[("csrf", &csrf), ("nik", &nik)]);
        (r.status == 200).then_some((nik, name, r))
    });
    let (young_nik, young_name, by_nik) = registered.expect("a young resident not yet registered");
    let page = html_unescape(&by_nik.text());
    assert!(page.contains(&format!("{young_name} terdaftar.")), "name taken from the register");
    let again = kader.post_form(&format!("{post}/children"), &[("csrf", &csrf), ("nik", &young_nik)]);
    assert_eq!(again.status, 422);
    assert!(html_unescape(&again.text()).contains("sudah terdaftar"), "one child, one record");

    for role in ["admin", "operator", "bendahara", "warga"] {
        let r = balai.signin(role).page(&post);
        assert_eq!(r.status, 403, "{role} must not see a post's children");
    }
}

/// NIK and name of the demo residents born in the last four years.
fn young_residents(balai: &Balai) -> Vec<(String, String)> {
    let admin = balai.bearer(&balai.issue_token(&balai.account("admin").0));
    let list = admin.page("/api/v1/residents?limit=500").json();
    let cutoff = chrono::Utc::now().date_naive() - chrono::Duration::days(4 * 365);
    let young: Vec<(String, String)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| {
            r["birth_date"]
                .as_str()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| d > cutoff)
        })
        .map(|r| (r["nik"].as_str().unwrap().to_string(), r["name"].as_str().unwrap().to_string()))
        .collect();
    assert!(!young.is_empty(), "the demo village has young children");
    young
}
