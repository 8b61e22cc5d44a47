//! A posyandu day over HTTPS, three months of it: the nakes opens a post, the
//! kader registers three children and weighs them month by month on one form
//! (a weight in grams and an implausible length are sent back and nothing is
//! saved), the growth chart shows the child who stopped gaining, the nakes
//! works through the at-risk list and marks a follow-up, the monthly report
//! and its CSVs count the post, the POS Gizi enrolls a child and records a
//! meal, and every other role is refused the health data. The CLI computes
//! z-scores for a spreadsheet.

use balai_tests::{Balai, Client, html_unescape};
use chrono::{Datelike, Months, NaiveDate};

fn month_of(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

/// Day 10 of the month `back` months before today's (today itself for 0).
fn session_day(today: NaiveDate, back: u32) -> NaiveDate {
    if back == 0 {
        return today;
    }
    let first = today.with_day(1).unwrap() - Months::new(back);
    first.with_day(10).unwrap()
}

/// The child id on a session page, from the line that names the child.
fn child_id(page: &str, name: &str) -> String {
    let at = page.find(&format!("<strong>{name}</strong>")).unwrap_or_else(|| panic!("{name} not on the session page"));
    let start = page[..at].rfind("id=\"row-").expect("row id") + "id=\"row-".len();
    page[start..].split('"').next().unwrap().to_string()
}

struct Line<'a> {
    id: &'a str,
    weight: &'a str,
    length: &'a str,
    position: &'a str,
}

fn session(kader: &Client, post: &str, date: NaiveDate, lines: &[Line]) -> balai_tests::Resp {
    let csrf = kader.csrf(&format!("{post}/sesi"));
    let date = date.to_string();
    let mut pairs: Vec<(String, String)> = vec![("csrf".into(), csrf), ("date".into(), date)];
    for l in lines {
        pairs.push((format!("w.{}", l.id), l.weight.into()));
        pairs.push((format!("l.{}", l.id), l.length.into()));
        pairs.push((format!("p.{}", l.id), l.position.into()));
    }
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    kader.post_form(&format!("{post}/sesi"), &borrowed)
}

#[test]
fn a_posyandu_day_from_weighing_to_follow_up() {
    let balai = Balai::demo();
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let nakes = balai.signin("nakes");
    let csrf = nakes.csrf("/posyandu");
    let r = nakes.post_form(
        "/posyandu",
        &[
            ("csrf", &csrf),
            ("name", "Posyandu Mawar"),
            ("dusun", "Dusun Mawar"),
            ("address", "RW 05"),
            ("day_of_month", "10"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let post = r.location().unwrap();
    let post_id = post.trim_start_matches("/posyandu/").to_string();

    let kader = balai.signin("kader");
    let csrf = kader.csrf(&post);
    let born = |months: u32| (today - Months::new(months)).to_string();
    for (name, sex, birth) in
        [("Ayu Lestari", "P", born(14)), ("Bima Saputra", "L", born(30)), ("Candra Wijaya", "L", born(20))]
    {
        let r = kader.post_form(
            &format!("{post}/children"),
            &[("csrf", &csrf), ("name", name), ("sex", sex), ("birth_date", &birth), ("mother_name", "Ibu")],
        );
        assert_eq!(r.status, 200, "{name}: {}", r.text());
    }
    let page = html_unescape(&kader.page(&format!("{post}/sesi")).text());
    let (a, b, c) = (child_id(&page, "Ayu Lestari"), child_id(&page, "Bima Saputra"), child_id(&page, "Candra Wijaya"));

    // Two months ago all three came; last month Candra did not.
    let r = session(
        &kader,
        &post,
        session_day(today, 2),
        &[
            Line { id: &a, weight: "8,8", length: "74", position: "L" },
            Line { id: &b, weight: "11,0", length: "82", position: "H" },
            Line { id: &c, weight: "10,5", length: "80", position: "L" },
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(html_unescape(&r.text()).contains("3 penimbangan tersimpan."));
    let r = session(
        &kader,
        &post,
        session_day(today, 1),
        &[
            Line { id: &a, weight: "9,1", length: "", position: "L" },
            Line { id: &b, weight: "11,0", length: "", position: "H" },
            Line { id: &c, weight: "", length: "", position: "L" },
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // Today: a weight typed in grams and a length no child of 30 months has.
    let bad = session(
        &kader,
        &post,
        today,
        &[
            Line { id: &a, weight: "9400", length: "", position: "L" },
            Line { id: &b, weight: "10,9", length: "40", position: "H" },
        ],
    );
    assert_eq!(bad.status, 422);
    let bad_page = html_unescape(&bad.text());
    assert!(bad_page.contains("ditulis dalam gram?"), "the grams are named");
    assert!(bad_page.contains("ukur ulang"), "the implausible length is sent back for re-measuring");
    assert!(bad_page.contains("value=\"9400\""), "what was typed stays on the form");
    let nothing = html_unescape(&kader.page(&format!("{post}/sesi")).text());
    assert!(!nothing.contains("sudah dicatat bulan ini"), "nothing of the refused form was saved");

    let good = session(
        &kader,
        &post,
        today,
        &[
            Line { id: &a, weight: "9,4", length: "76", position: "L" },
            Line { id: &b, weight: "10,9", length: "83", position: "H" },
        ],
    );
    assert_eq!(good.status, 200, "{}", good.text());
    assert!(html_unescape(&good.text()).contains("2 penimbangan tersimpan."));

    // Bima's growth chart: two WHO charts, his two "tidak naik".
    let kms = html_unescape(&kader.page(&format!("/posyandu/anak/{b}")).text());
    assert_eq!(kms.matches("<svg").count(), 2, "weight and height charts");
    assert_eq!(kms.matches("class=\"sd ").count(), 10, "five WHO lines on each chart");
    assert_eq!(kms.matches("T (tidak naik").count(), 2);
    assert!(kms.contains("Pendek"), "his height-for-age is categorised");
    assert!(kms.contains(&format!("href=\"/imunisasi/anak/{b}\"")), "the growth page links his immunization card");
    assert!(kms.contains(&format!("href=\"/rekam-kesehatan/{b}\"")), "and his health record");
    // His health record shows the same weighings in its timeline.
    let record = html_unescape(&nakes.page(&format!("/rekam-kesehatan/{b}")).text());
    assert_eq!(record.matches("Penimbangan").count(), 3, "three months of weighings in the health record");

    // The at-risk list of this post: Bima (stunted, 2T) and Candra (missed two), not Ayu.
    let month = month_of(today);
    let list_path = format!("/posyandu/gizi/risiko?month={month}&posyandu={post_id}");
    let list = html_unescape(&nakes.page(&list_path).text());
    assert!(list.contains("Bima Saputra") && list.contains("Candra Wijaya"), "{list}");
    assert!(!list.contains("Ayu Lestari"), "a child growing well is not at risk");
    assert!(list.contains("Tidak naik dua kali berturut-turut (2T)"));
    assert!(list.contains("Pendek (TB/U"));
    assert!(list.contains("Tidak datang dua kali penimbangan"));
    assert!(list.contains("2 anak berisiko, 2 belum ditindaklanjuti"), "{list}");
    let csrf = nakes.csrf(&list_path);
    let follow = [("csrf", csrf.as_str()), ("month", month.as_str()), ("note", "Dirujuk ke puskesmas")];
    let kader_try =
        kader.post_form(&format!("/posyandu/gizi/risiko/{b}"), &[("csrf", &kader.csrf(&list_path)), ("month", &month)]);
    assert_eq!(kader_try.status, 403, "a kader does not close a follow-up");
    let r = nakes.post_form(&format!("/posyandu/gizi/risiko/{b}"), &follow);
    assert_eq!(r.status, 303);
    let list = html_unescape(&nakes.page(&list_path).text());
    assert!(list.contains("Dirujuk ke puskesmas") && list.contains("1 belum ditindaklanjuti"), "{list}");

    // The month's report and its CSVs.
    let report = html_unescape(&nakes.page(&format!("/posyandu/gizi/laporan?month={month}")).text());
    assert!(report.contains("Posyandu Mawar"));
    let summary = nakes.page(&format!("/posyandu/gizi/laporan.csv?month={month}"));
    assert_eq!(summary.status, 200);
    assert!(summary.header("content-type").unwrap_or_default().starts_with("text/csv"));
    let summary = summary.text();
    let line = summary.lines().find(|l| l.starts_with("Posyandu Mawar,")).expect("the post's line");
    // S, K, D, N, T, O, B, 2T
    assert!(line.starts_with(&format!("Posyandu Mawar,{month},3,3,2,1,1,0,0,1,")), "{line}");
    let by_name = nakes.page(&format!("/posyandu/gizi/eppgbm.csv?month={month}")).text();
    let bima = by_name.lines().find(|l| l.contains("Bima Saputra")).expect("Bima in the by-name list");
    assert!(bima.contains(",berdiri,") && bima.contains(",Pendek,") && bima.contains(",T,200"), "{bima}");
    assert!(by_name.starts_with("nik,nama_anak,jenis_kelamin,tanggal_lahir"));

    // POS Gizi: the nakes enrolls Bima, the kader records today's meal.
    let csrf = nakes.csrf("/posyandu/gizi/pos");
    let r =
        nakes.post_form("/posyandu/gizi/pos/daftar", &[("csrf", &csrf), ("child", &b), ("reason", "2T dan pendek")]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(html_unescape(&r.text()).contains("Bima Saputra terdaftar di POS Gizi."));
    let csrf = kader.csrf("/posyandu/gizi/pos");
    let meal = |what: &str| {
        kader.post_form(
            "/posyandu/gizi/pos/antar",
            &[
                ("csrf", &csrf),
                ("child", &b),
                ("date", &today.to_string()),
                ("time", "11:30"),
                ("what", what),
                ("delivered_by", "Ibu Ani"),
            ],
        )
    };
    assert_eq!(meal("").status, 422, "a delivery without a menu is refused");
    let r = meal("Bubur kacang hijau");
    assert_eq!(r.status, 200, "{}", r.text());
    let page = html_unescape(&r.text());
    assert!(page.contains("1 pengantaran tercatat.") && page.contains("Bubur kacang hijau (oleh Ibu Ani)"));
    assert!(page.contains("BB/U"), "the enrolled child's z-scores over time");

    // The kepala desa and the admin see the figures, never a child's data;
    // other staff and residents see nothing of it.
    for role in ["kepala_desa", "admin"] {
        let client = balai.signin(role);
        assert_eq!(client.page(&format!("/posyandu/gizi/laporan?month={month}")).status, 200, "{role}: figures");
        assert_eq!(client.page(&format!("/posyandu/gizi/laporan.csv?month={month}")).status, 200, "{role}: figures");
    }
    for role in ["operator", "bendahara", "kepala_desa", "apotek", "warga", "admin"] {
        let client = balai.signin(role);
        let mut paths = vec![
            format!("{post}/sesi"),
            format!("/posyandu/anak/{b}"),
            list_path.clone(),
            format!("/posyandu/gizi/eppgbm.csv?month={month}"),
            "/posyandu/gizi/pos".to_string(),
        ];
        if !["kepala_desa", "admin"].contains(&role) {
            paths.push(format!("/posyandu/gizi/laporan?month={month}"));
        }
        for path in paths {
            assert_eq!(client.page(&path).status, 403, "{role} must not see {path}");
        }
    }
}

#[test]
fn the_cli_computes_z_scores_for_a_spreadsheet() {
    let balai = Balai::empty();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("balita.csv");
    std::fs::write(
        &input,
        "nama,sex,age_days,weight_kg,height_cm,measure\n\
         Ani,F,1522,17,,\n\
         Budi,M,244,7.5,60,H\n\
         Cici,F,300,8500,70,L\n\
         Dedi,M,1827,18,110,H\n",
    )
    .unwrap();
    let out = balai.cli(&["posyandu", "zscores", input.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1), "a refused row makes the exit status 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "nama,sex,age_days,weight_kg,height_cm,measure,waz,haz,whz,baz,flags,problem");
    assert_eq!(lines[1], "Ani,F,1522,17,,,0.24,,,,,");
    assert!(lines[2].starts_with("Budi,M,244,7.5,60,H,") && lines[2].contains(",-4.81,"), "{}", lines[2]);
    assert!(lines[2].contains("standing_under_9_months"));
    assert!(lines[3].contains("weight_kg: Weight 8500 is too large for kg"), "{}", lines[3]);
    assert!(lines[4].ends_with(",,,,,over_1826_days,"), "{}", lines[4]);
    assert!(stderr.contains("row 4, weight_kg:"), "{stderr}");
}
