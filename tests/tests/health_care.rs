//! The care half of the health issue over HTTPS: immunization (a dose
//! recorded takes the child off the due list, one reminder per due dose per
//! posyandu day lands in the outbox, coverage as a page and CSV), a
//! pregnancy with its risk flags whose birth registers the baby at a
//! posyandu, a telemedicine consultation whose e-prescription goes to one
//! pharmacy and is tracked to the door, and the audited health record.
//! Bad input is refused naming the field, and writes nothing.

use balai_tests::{Balai, Client, html_unescape};
use chrono::{Datelike, Duration, Months, NaiveDate};

fn today() -> NaiveDate {
    // The demo village is in WIB.
    (chrono::Utc::now() + Duration::hours(7)).date_naive()
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// The first `href="<prefix>…"` on a page, as a path.
fn link(page: &str, prefix: &str) -> String {
    let start = page.find(&format!("href=\"{prefix}")).unwrap_or_else(|| panic!("no link to {prefix}… in:\n{page}"));
    let rest = &page[start + 6..];
    rest[..rest.find('"').expect("end of href")].to_string()
}

/// Adds a posyandu that opens today (or has no set day late in a long month), returns its path.
fn new_post(balai: &Balai, name: &str) -> String {
    let nakes = balai.signin("nakes");
    let csrf = nakes.csrf("/posyandu");
    let day = if today().day() <= 28 { today().day().to_string() } else { String::new() };
    let r = nakes.post_form(
        "/posyandu",
        &[("csrf", &csrf), ("name", name), ("dusun", "Dusun I"), ("address", "Balai RW 01"), ("day_of_month", &day)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    r.location().expect("the new post")
}

/// Demo residents from the API: (id, nik, name, sex, birth date).
fn residents(balai: &Balai) -> Vec<(String, String, String, u64, NaiveDate)> {
    let admin = balai.bearer(&balai.issue_token(&balai.account("admin").0));
    let list = admin.page("/api/v1/residents?limit=500").json();
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["nik"].as_str().unwrap().to_string(),
                r["name"].as_str().unwrap().to_string(),
                r["sex"].as_u64().unwrap_or(0),
                NaiveDate::parse_from_str(r["birth_date"].as_str().unwrap(), "%Y-%m-%d").unwrap(),
            )
        })
        .collect()
}

fn page_text(c: &Client, path: &str) -> String {
    let r = c.page(path);
    assert_eq!(r.status, 200, "GET {path}: {}", r.text());
    html_unescape(&r.text())
}

#[test]
fn a_dose_recorded_takes_the_child_off_the_due_list_and_reminders_are_sent_once() {
    let balai = Balai::demo();
    let post = new_post(&balai, "Posyandu Mawar");
    let post_id = post.trim_start_matches("/posyandu/").to_string();
    let kader = balai.signin("kader");
    let csrf = kader.csrf(&post);
    let birth = today() - Duration::days(70);
    let r = kader.post_form(
        &format!("{post}/children"),
        &[
            ("csrf", &csrf),
            ("name", "Putri Anjani"),
            ("sex", "P"),
            ("birth_date", &birth.to_string()),
            ("mother_name", "Dewi Lestari"),
            ("parent_phone", "081234567890"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // Seventy days old: HB0, BCG and polio 1 are overdue, the two-month doses due.
    let due_path = format!("/imunisasi/posyandu/{post_id}");
    let due = page_text(&kader, &due_path);
    assert!(due.contains("Putri Anjani"), "the child is on the due list:\n{due}");
    assert!(due.contains("HB0, BCG, OPV 1"), "overdue doses listed");
    assert!(due.contains("DPT-HB-Hib 1"), "due doses listed");
    assert!(due.contains("class=\"flag\""), "overdue is marked");
    let card = link(&due, "/imunisasi/anak/");
    let child_id = card.trim_start_matches("/imunisasi/anak/").to_string();

    // Reminders: one SMS for the child, and pressing again sends nothing new.
    let csrf = kader.csrf(&due_path);
    let remind = format!("{due_path}/pengingat");
    let first = html_unescape(&kader.post_form(&remind, &[("csrf", &csrf)]).text());
    assert!(first.contains("1 SMS masuk kotak keluar; 0 anak sudah diingatkan"), "{first}");
    let again = html_unescape(&kader.post_form(&remind, &[("csrf", &csrf)]).text());
    assert!(again.contains("0 SMS masuk kotak keluar; 1 anak sudah diingatkan"), "{again}");
    let outbox = balai.signin("admin").page("/outbox").text();
    assert_eq!(
        outbox.matches(&format!("immunization_reminder:{child_id}")).count(),
        1,
        "exactly one reminder in the outbox"
    );

    // Bad dates are refused at the date field and write nothing.
    let csrf = kader.csrf(&card);
    let record = |dose: &str, on: &str| kader.post_form(&card, &[("csrf", &csrf), ("dose", dose), ("given_on", on)]);
    let future = record("BCG:1", &(today() + Duration::days(1)).to_string());
    assert_eq!(future.status, 422);
    let text = html_unescape(&future.text());
    assert!(text.contains("id=\"f0-given_on-error\""), "the error sits at the date field");
    assert!(text.contains("ada di masa depan"), "{text}");
    let before = record("BCG:1", &(birth - Duration::days(1)).to_string());
    assert_eq!(before.status, 422);
    assert!(html_unescape(&before.text()).contains("sebelum tanggal lahir anak"));
    let unknown = record("XYZ:9", &today().to_string());
    assert_eq!(unknown.status, 422);
    assert!(html_unescape(&unknown.text()).contains("Pilih vaksin dan dosis dari jadwal"));
    assert!(!page_text(&kader, &card).contains("Diberikan "), "nothing was recorded");

    for dose in ["HB0:1", "BCG:1", "OPV:1", "DPT-HB-Hib:1", "PCV:1", "RV:1"] {
        let r = record(dose, &today().to_string());
        assert_eq!(r.status, 200, "{dose}: {}", r.text());
        assert!(html_unescape(&r.text()).contains("tercatat"), "{dose}");
    }
    let twice = record("BCG:1", &today().to_string());
    assert_eq!(twice.status, 422);
    assert!(html_unescape(&twice.text()).contains("BCG sudah dicatat"));
    let due = page_text(&kader, &due_path);
    assert!(!due.contains("Putri Anjani"), "the child left the due list:\n{due}");
    assert!(due.contains("Tidak ada anak yang jatuh tempo."));

    // Coverage: figures for the kepala desa, as a page and as CSV.
    let kades = balai.signin("kepala_desa");
    let month = today().format("%Y-%m").to_string();
    let cov = page_text(&kades, &format!("/imunisasi/cakupan?from={month}&to={month}"));
    assert!(cov.contains("Cakupan imunisasi") && cov.contains("BCG"), "{cov}");
    let csv = kades.page(&format!("/imunisasi/cakupan.csv?from={month}&to={month}"));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").is_some_and(|c| c.starts_with("text/csv")));
    let text = csv.text();
    assert!(text.starts_with("month,antigen,dose,given,target,covered,percent\n"));
    let bcg: Vec<&str> =
        text.lines().find(|l| l.starts_with(&format!("{month},BCG,1,"))).expect("a BCG row").split(',').collect();
    assert!(bcg[3].parse::<u32>().unwrap() >= 1 && bcg[5].parse::<u32>().unwrap() >= 1, "{bcg:?}");
    let bad = kades.page("/imunisasi/cakupan?from=2025-13");
    assert_eq!(bad.status, 422);
    assert!(html_unescape(&bad.text()).contains("(from): 2025-13"), "the error names the field");

    // The health record: the child's doses, for the kader; the view is audited.
    let record_page = page_text(&kader, &format!("/rekam-kesehatan/{child_id}"));
    assert!(record_page.contains("Rekam kesehatan Putri Anjani") && record_page.contains("DPT-HB-Hib 1"));
    let audit = balai.signin("admin").page(&format!("/audit?actor={}", balai.account("kader").0)).text();
    assert!(audit.contains(&child_id), "the kader's view of the record is in the audit trail");

    // Names and doses are for the kader and nakes only; figures also for the office heads.
    for (role, path) in [
        ("operator", "/imunisasi".to_string()),
        ("admin", due_path.clone()),
        ("bendahara", card.clone()),
        ("warga", "/imunisasi/cakupan".to_string()),
        ("admin", format!("/rekam-kesehatan/{child_id}")),
        ("operator", "/rekam-kesehatan".to_string()),
    ] {
        assert_eq!(balai.signin(role).page(&path).status, 403, "{role} must not open {path}");
    }
}

#[test]
fn a_pregnancy_is_flagged_and_its_birth_registers_the_baby_at_the_posyandu() {
    let balai = Balai::demo();
    let post = new_post(&balai, "Posyandu Kenanga");
    let post_id = post.trim_start_matches("/posyandu/").to_string();
    let kader = balai.signin("kader");
    let nakes = balai.signin("nakes");
    let hpht = today() - Duration::weeks(20);
    let mother_birth = today() - Duration::days(17 * 365);
    let csrf = kader.csrf("/ibu-hamil");
    let form = |hpht: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Rina Marlina".to_string()),
            ("birth_date", mother_birth.to_string()),
            ("hpht", hpht.to_string()),
            ("gravida", "1".to_string()),
            ("phone", "081298765432".to_string()),
        ]
    };
    let send = |pairs: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        kader.post_form("/ibu-hamil", &pairs)
    };

    let r = send(form(&(today() + Duration::days(3)).to_string()));
    assert_eq!(r.status, 422);
    let text = html_unescape(&r.text());
    assert!(text.contains("id=\"f0-hpht-error\"") && text.contains("ada di masa depan"), "{text}");
    assert!(!page_text(&kader, "/ibu-hamil").contains("href=\"/ibu-hamil/hamil"), "nothing registered");

    let r = send(form(&hpht.to_string()));
    assert_eq!(r.status, 303, "{}", r.text());
    let path = r.location().expect("the pregnancy");
    let page = page_text(&nakes, &path);
    let hpl = (hpht + Duration::days(7)).checked_add_months(Months::new(9)).unwrap();
    assert!(page.contains(&dmy(hpl)), "HPL by Naegele's rule ({}) shown", dmy(hpl));
    assert!(page.contains("Terlalu muda"), "a 17-year-old is flagged");
    assert!(page.contains("20 minggu 0 hari"));

    // A visit with impossible values is refused naming the fields; nothing is written.
    let csrf = nakes.csrf(&path);
    let visit = format!("{path}/kunjungan");
    let bad = nakes.post_form(
        &visit,
        &[
            ("csrf", &csrf),
            ("date", &today().to_string()),
            ("weight_kg", "52000"),
            ("systolic", "80"),
            ("diastolic", "120"),
        ],
    );
    assert_eq!(bad.status, 422);
    let text = html_unescape(&bad.text());
    assert!(text.contains("id=\"f10-weight_kg-error\"") && text.contains("id=\"f10-diastolic-error\""), "{text}");
    assert!(text.contains("Belum ada kunjungan."), "nothing was written");
    let ok = nakes.post_form(
        &visit,
        &[
            ("csrf", &csrf),
            ("date", &today().to_string()),
            ("weight_kg", "48,5"),
            ("systolic", "145"),
            ("diastolic", "95"),
            ("hb", "10,2"),
            ("lila_cm", "22"),
        ],
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    let text = html_unescape(&ok.text());
    assert!(text.contains("Kunjungan K1 tersimpan."));
    for flag in ["KEK: LiLA", "Hipertensi", "Anemia", "Terlalu muda"] {
        assert!(text.contains(flag), "{flag} flagged");
    }
    assert_eq!(kader.post_form(&visit, &[("csrf", &kader.csrf(&path))]).status, 403, "visits are the nakes's");

    // The birth registers the baby at the posyandu with the mother's name.
    let birth = format!("{path}/persalinan");
    let early = nakes.post_form(
        &birth,
        &[("csrf", &csrf), ("posyandu_id", &post_id), ("sex", "L"), ("birth_date", &hpht.to_string())],
    );
    assert_eq!(early.status, 422);
    assert!(html_unescape(&early.text()).contains("terlalu dekat dengan HPHT"));
    let born = nakes.post_form(
        &birth,
        &[
            ("csrf", &csrf),
            ("posyandu_id", &post_id),
            ("sex", "L"),
            ("birth_date", &today().to_string()),
            ("birth_weight_kg", "3,1"),
        ],
    );
    assert_eq!(born.status, 200, "{}", born.text());
    assert!(html_unescape(&born.text()).contains("Bayi Ny. Rina Marlina terdaftar di posyandu"));
    let again = nakes.post_form(
        &birth,
        &[("csrf", &csrf), ("posyandu_id", &post_id), ("sex", "L"), ("birth_date", &today().to_string())],
    );
    assert_eq!(again.status, 422, "a second press registers no second baby");
    assert!(html_unescape(&again.text()).contains("Persalinan sudah dicatat."));
    let post_page = page_text(&kader, &post);
    assert_eq!(post_page.matches("Bayi Ny. Rina Marlina").count(), 1, "{post_page}");
    assert!(post_page.contains("Rina Marlina</td>"), "the mother's name is on the child");
    assert!(!page_text(&kader, "/ibu-hamil").contains("Rina Marlina"), "a delivered pregnancy leaves the list");

    // From the register by NIK: a woman's record fills the form; a man's NIK is refused.
    let people = residents(&balai);
    let woman = people
        .iter()
        .find(|r| r.3 == 2 && (22..40).contains(&(today().year() - r.4.year())))
        .expect("a woman of 22-39 in the demo");
    let man = people.iter().find(|r| r.3 == 1).expect("a man in the demo");
    let csrf = kader.csrf("/ibu-hamil");
    let r = kader.post_form("/ibu-hamil", &[("csrf", &csrf), ("nik", &man.1), ("hpht", &hpht.to_string())]);
    assert_eq!(r.status, 422);
    assert!(html_unescape(&r.text()).contains("bukan milik seorang perempuan"));
    let r = kader.post_form("/ibu-hamil", &[("csrf", &csrf), ("nik", &woman.1), ("hpht", &hpht.to_string())]);
    assert_eq!(r.status, 303, "{}", r.text());
    let page = page_text(&kader, &r.location().unwrap());
    assert!(page.contains(&woman.2), "name taken from the register");
    let record = page_text(&nakes, &format!("/rekam-kesehatan/{}", woman.0));
    assert!(record.contains(&format!("Rekam kesehatan {}", woman.2)));

    for role in ["admin", "operator", "apotek"] {
        assert_eq!(balai.signin(role).page(&path).status, 403, "{role} must not open a pregnancy");
    }
}

#[test]
fn a_consultation_prescription_goes_to_one_pharmacy_and_is_tracked_to_the_door() {
    let balai = Balai::demo();
    let nakes = balai.signin("nakes");
    let kader = balai.signin("kader");
    let csrf = nakes.csrf("/telemedis");
    let session = |date: &str, start: &str| {
        nakes.post_form(
            "/telemedis",
            &[
                ("csrf", &csrf),
                ("date", date),
                ("start", start),
                ("slot_minutes", "15"),
                ("slots", "4"),
                ("doctor_name", "dr. Budi Santoso"),
                ("doctor_str", "STR 123"),
            ],
        )
    };
    let past = session(&(today() - Duration::days(1)).to_string(), "09:00");
    assert_eq!(past.status, 422);
    assert!(html_unescape(&past.text()).contains("sudah lewat"));
    let bad_time = session(&today().to_string(), "25:00");
    assert_eq!(bad_time.status, 422);
    assert!(html_unescape(&bad_time.text()).contains("Jam tidak terbaca"));
    let r = session(&today().to_string(), "09:00");
    assert_eq!(r.status, 303, "{}", r.text());
    let session_path = r.location().unwrap();

    let people = residents(&balai);
    let (ani, other) = (&people[0], &people[1]);
    let phone = "081355550123";
    let csrf = kader.csrf(&session_path);
    let book = |nik: &str, slot: &str| {
        kader.post_form(
            &format!("{session_path}/booking"),
            &[("csrf", &csrf), ("nik", nik), ("slot", slot), ("complaint", "Batuk tiga hari")],
        )
    };
    let r = kader.post_form(
        &format!("{session_path}/booking"),
        &[("csrf", &csrf), ("nik", &ani.1), ("slot", "1"), ("complaint", "Batuk tiga hari"), ("phone", phone)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(html_unescape(&r.text()).contains(&format!("{} terdaftar pukul 09:00", ani.2)));
    let taken = book(&other.1, "1");
    assert_eq!(taken.status, 422);
    assert!(html_unescape(&taken.text()).contains("Slot 1 sudah terisi"), "no double booking");
    let twice = book(&ani.1, "2");
    assert_eq!(twice.status, 422);
    assert!(html_unescape(&twice.text()).contains("sudah terdaftar di sesi ini"));
    let nobody = book("3201010101010001", "3");
    assert_eq!(nobody.status, 422);
    assert!(html_unescape(&nobody.text()).contains("tidak ada di data"));

    let consult = link(&page_text(&kader, &session_path), "/telemedis/konsultasi/");
    let csrf = nakes.csrf(&consult);
    let pharmacy = balai.account("apotek").0;
    let prescribe = |items: &str| {
        nakes.post_form(&format!("{consult}/resep"), &[("csrf", &csrf), ("pharmacy", &pharmacy), ("items", items)])
    };
    let early = prescribe("Paracetamol 500 mg 3x1 10 tablet");
    assert_eq!(early.status, 422);
    assert!(html_unescape(&early.text()).contains("Tulis catatan konsultasi dulu"));
    assert_eq!(kader.post_form(&format!("{consult}/catatan"), &[("csrf", &kader.csrf(&consult))]).status, 403);
    let note = nakes.post_form(
        &format!("{consult}/catatan"),
        &[("csrf", &csrf), ("text", "Batuk tanpa demam, paru bersih."), ("diagnosis", "ISPA ringan")],
    );
    assert_eq!(note.status, 200, "{}", note.text());
    let sent = prescribe("Paracetamol 500 mg 3x1 10 tablet\nAmbroxol 30 mg 3x1 10 tablet");
    assert_eq!(sent.status, 200, "{}", sent.text());
    let rx = link(&html_unescape(&sent.text()), "/resep/");
    let rx_id = rx.trim_start_matches("/resep/").to_string();

    // Another pharmacy sees nothing of it.
    balai.add_user("apotek_lain", "apotek", "Sandi-apotek-lain-2026");
    let stranger = balai.signin_as("apotek_lain", "Sandi-apotek-lain-2026");
    assert!(!stranger.page("/apotek").text().contains(&rx_id));
    assert_eq!(stranger.page(&format!("/apotek/resep/{rx_id}")).status, 404);
    let csrf_s = stranger.csrf("/apotek");
    assert_eq!(stranger.post_form(&format!("/apotek/resep/{rx_id}/siap"), &[("csrf", &csrf_s)]).status, 404);

    // The village post cannot take it before the pharmacy has sent it.
    let operator = balai.signin("operator");
    let csrf_o = operator.csrf("/antar");
    let too_soon = operator.post_form(&format!("/antar/{rx_id}/bawa"), &[("csrf", &csrf_o)]);
    assert_eq!(too_soon.status, 422);
    assert!(html_unescape(&too_soon.text()).contains("Langkah ini tidak bisa dilakukan"));

    let apotek = balai.signin("apotek");
    let inbox = page_text(&apotek, "/apotek");
    assert!(inbox.contains(&ani.2), "the pharmacy sees the prescription addressed to it");
    let rx_page = page_text(&apotek, &format!("/apotek/resep/{rx_id}"));
    assert!(rx_page.contains("Ambroxol 30 mg"));
    let csrf_a = apotek.csrf("/apotek");
    let step = |what: &str| apotek.post_form(&format!("/apotek/resep/{rx_id}/{what}"), &[("csrf", &csrf_a)]);
    assert_eq!(step("kirim").status, 422, "prepared before sent");
    assert_eq!(step("siap").status, 200);
    assert_eq!(step("siap").status, 422, "once");
    assert_eq!(step("kirim").status, 200);

    let list = page_text(&operator, "/antar");
    assert!(list.contains(&ani.2), "the post sees whom to deliver to");
    assert!(!list.contains("Ambroxol"), "but not the medicines");
    assert_eq!(operator.post_form(&format!("/antar/{rx_id}/bawa"), &[("csrf", &csrf_o)]).status, 200);
    let outbox = balai.signin("admin").page("/outbox").text();
    assert_eq!(outbox.matches(&format!("prescription:{rx_id}")).count(), 1, "the resident is told it is on its way");
    let nobody = operator.post_form(&format!("/antar/{rx_id}/terima"), &[("csrf", &csrf_o), ("received_by", " ")]);
    assert_eq!(nobody.status, 422, "who received it is required");
    let done =
        operator.post_form(&format!("/antar/{rx_id}/terima"), &[("csrf", &csrf_o), ("received_by", "Ibu Sumarni")]);
    assert_eq!(done.status, 200, "{}", done.text());

    let trail = page_text(&nakes, &rx);
    for state in [
        "Dikirim ke apotek",
        "Disiapkan apotek",
        "Diserahkan ke pos desa",
        "Sedang diantar",
        "Diterima warga",
        "Ibu Sumarni",
        &balai.account("operator").0,
        &pharmacy,
    ] {
        assert!(trail.contains(state), "the trail shows {state}:\n{trail}");
    }
    let record = page_text(&kader, &format!("/rekam-kesehatan/{}", ani.0));
    assert!(record.contains("ISPA ringan") && record.contains("Paracetamol 500 mg"), "{record}");

    for (role, path) in [
        ("apotek", "/telemedis".to_string()),
        ("operator", rx.clone()),
        ("nakes", "/apotek".to_string()),
        ("admin", consult.clone()),
    ] {
        assert_eq!(balai.signin(role).page(&path).status, 403, "{role} must not open {path}");
    }
}
