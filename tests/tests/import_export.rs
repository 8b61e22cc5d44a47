//! Proves the register survives a round trip through OpenSID's import layout:
//! a demo village exported with `balai residents export` (CSV and XLSX) and
//! imported with `balai residents import` into a fresh Balai, through a running
//! daemon's socket and with no daemon at all, exports the same rows again; and
//! a file with one bad row writes nothing and names the row and column, on the
//! command line and in the web upload; an oversized upload or a photo gets a
//! clear page and writes nothing.

use balai_tests::{Balai, Body, Options, command_for, csv_fields, csv_line, run_with_stdin};
use reqwest::blocking::multipart;
use std::collections::BTreeSet;
use std::path::Path;

const PASSWORD: &str = "kata-sandi-uji-panjang";

/// The data lines of a CSV export (header dropped), as a set.
fn rows(csv: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8(csv.to_vec()).expect("UTF-8 CSV");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header = lines.next().expect("a header");
    assert!(header.starts_with("alamat,dusun"), "not the OpenSID layout: {header}");
    lines.map(String::from).collect()
}

/// Exports the demo village as `format` into `dir`; returns the file and the CSV rows.
fn demo_export(dir: &Path, format: &str) -> (std::path::PathBuf, BTreeSet<String>) {
    let demo = Balai::demo();
    let csv = dir.join("demo.csv");
    let out = demo.cli_ok(&["residents", "export", "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert!(out.contains("residents exported"), "{out}");
    let file = dir.join(format!("demo.{format}"));
    if format != "csv" {
        demo.cli_ok(&["residents", "export", "--format", format, "--out", file.to_str().unwrap()]);
    }
    let expected = rows(&std::fs::read(&csv).expect("exported CSV"));
    assert!(expected.len() > 1000, "the demo village is small: {} rows", expected.len());
    (file, expected)
}

fn round_trip_through_the_daemon(format: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (file, expected) = demo_export(dir.path(), format);

    let fresh = Balai::empty();
    let import = fresh.cli_ok(&["residents", "import", file.to_str().unwrap()]);
    assert!(import.contains(&format!("{} residents created", expected.len())), "{import}");
    // The daemon saw it: its API counts the residents and search finds them at once.
    fresh.add_user("admin", "admin", PASSWORD);
    let admin = fresh.signin_as("admin", PASSWORD);
    assert_eq!(fresh.resident_count(&admin), expected.len() as u64);
    let again = dir.path().join("again.csv");
    fresh.cli_ok(&["residents", "export", "--format", "csv", "--out", again.to_str().unwrap()]);
    let got = rows(&std::fs::read(&again).expect("re-export"));
    assert_eq!(got.len(), expected.len());
    let missing: Vec<_> = expected.difference(&got).take(3).collect();
    let extra: Vec<_> = got.difference(&expected).take(3).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "rows differ after the round trip:\nmissing {missing:#?}\nextra {extra:#?}"
    );
}

fn round_trip_without_a_daemon(format: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (file, expected) = demo_export(dir.path(), format);
    let data = dir.path().join("offline-data");
    let config = dir.path().join("balai.toml");
    std::fs::write(&config, "").unwrap();
    let run_in = |args: &[&str], stdin: &str| {
        let out = run_with_stdin(command_for(&data, &config).env("BALAI_LOG__LEVEL", "warn").args(args), stdin);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "balai {args:?} with no daemon: {text}");
        text
    };
    let run = |args: &[&str]| run_in(args, "");
    let import = run(&["residents", "import", file.to_str().unwrap()]);
    assert!(import.contains(&format!("{} residents created", expected.len())), "{import}");
    let again = dir.path().join("again.csv");
    run(&["residents", "export", "--format", "csv", "--out", again.to_str().unwrap()]);
    let got = rows(&std::fs::read(&again).expect("re-export"));
    assert_eq!(got, expected, "rows differ after the offline round trip");
    // A daemon then starts on what the CLI wrote, and serves it.
    run_in(&["user", "add", "admin", "--role", "admin"], &format!("{PASSWORD}\n"));
    let balai = Balai::start(Options { data_dir: Some(data.clone()), ..Options::default() });
    let admin = balai.signin_as("admin", PASSWORD);
    assert_eq!(balai.resident_count(&admin), expected.len() as u64);
}

#[test]
fn csv_round_trip_through_a_running_daemon() {
    round_trip_through_the_daemon("csv");
}

#[test]
fn xlsx_round_trip_through_a_running_daemon() {
    round_trip_through_the_daemon("xlsx");
}

#[test]
fn csv_round_trip_with_no_daemon_running() {
    round_trip_without_a_daemon("csv");
}

#[test]
fn xlsx_round_trip_with_no_daemon_running() {
    round_trip_without_a_daemon("xlsx");
}

/// The demo export with the NIK in spreadsheet row 7 (the header is row 1) cut to 15 digits.
fn file_with_a_bad_row_7(dir: &Path) -> Vec<u8> {
    let (csv, _) = demo_export(dir, "csv");
    let text = String::from_utf8(std::fs::read(csv).unwrap()).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(String::from).collect();
    let header = csv_fields(&lines[0]);
    let nik = header.iter().position(|h| h == "nik").expect("a nik column");
    let mut row7 = csv_fields(&lines[6]);
    assert_eq!(row7[nik].len(), 16, "{:?}", row7[nik]);
    row7[nik].truncate(15);
    lines[6] = csv_line(&row7);
    lines.join("\r\n").into_bytes()
}

#[test]
fn one_bad_row_writes_nothing_and_is_named_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, file_with_a_bad_row_7(dir.path())).unwrap();

    let check = |out: std::process::Output| {
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "a bad file was imported: {text}");
        assert!(text.contains("row 7, column nik"), "the error does not name row 7, column nik: {text}");
        assert!(text.contains("nothing imported"), "{text}");
        assert_eq!(text.matches("row ").count(), 1, "one bad cell, one problem: {text}");
    };
    // through a running daemon
    let mut balai = Balai::empty();
    check(balai.cli(&["residents", "import", bad.to_str().unwrap()], ""));
    balai.add_user("admin", "admin", PASSWORD);
    let admin = balai.signin_as("admin", PASSWORD);
    assert_eq!(balai.resident_count(&admin), 0, "a refused import wrote residents");
    // and with none
    balai.kill9();
    check(balai.cli(&["residents", "import", bad.to_str().unwrap()], ""));
    balai.start_again();
    let admin = balai.signin_as("admin", PASSWORD);
    assert_eq!(balai.resident_count(&admin), 0, "a refused offline import wrote residents");
}

#[test]
fn one_bad_row_writes_nothing_and_is_named_in_the_web_upload() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = file_with_a_bad_row_7(dir.path());
    let balai = Balai::empty();
    balai.add_user("admin", "admin", PASSWORD);
    let admin = balai.signin_as("admin", PASSWORD);

    let csrf = admin.csrf("/residents/import");
    let form = multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("file", multipart::Part::bytes(bad).file_name("penduduk.csv").mime_str("text/csv").unwrap());
    let r = admin.post("/residents/import", Body::Multipart(form));
    assert_eq!(r.status, 422, "{r:?}");
    let page = balai_tests::html_unescape(&r.text());
    let row7 = page
        .split("<tr")
        .find(|row| row.contains(">7<"))
        .unwrap_or_else(|| panic!("no row 7 in the error table: {page}"));
    assert!(row7.contains(">nik<"), "row 7's error does not name column nik: {row7}");
    assert!(row7.contains("NIK harus 16 angka"), "row 7's reason: {row7}");
    assert_eq!(balai.resident_count(&admin), 0, "a refused upload wrote residents");

    // The good file through the same form is accepted.
    let good = "nik,nama,tanggallahir,sex,agama_id,pendidikan_kk_id,pekerjaan_id,status_kawin,kk_level,no_kk,dusun,rt,rw,alamat\r\n\
                3310050505900007,Unggah Berhasil,05-05-1990,1,1,5,1,1,1,3310050505200001,Krajan,001,002,Jl. Unggah\r\n";
    let form = multipart::Form::new()
        .text("csrf", csrf)
        .part("file", multipart::Part::bytes(good.as_bytes().to_vec()).file_name("satu.csv"));
    let r = admin.post("/residents/import", Body::Multipart(form));
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(balai.resident_count(&admin), 1);
}

#[test]
fn an_oversized_upload_or_a_photo_gets_a_clear_page_and_writes_nothing() {
    let balai = Balai::empty();
    balai.add_user("admin", "admin", PASSWORD);
    let admin = balai.signin_as("admin", PASSWORD);
    let csrf = admin.csrf("/residents/import");

    // Over the 20 MiB default: the page says so (not a reset connection).
    let big = vec![b'x'; 21 * 1024 * 1024];
    let form = multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("file", multipart::Part::bytes(big).file_name("besar.csv"));
    let r = admin.post("/residents/import", Body::Multipart(form));
    assert_eq!(r.status, 413, "{r:?}");
    assert!(balai_tests::html_unescape(&r.text()).contains("Berkas terlalu besar"), "{r:?}");

    // A photo named .csv is judged by its content.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    let form = multipart::Form::new()
        .text("csrf", csrf)
        .part("file", multipart::Part::bytes(png).file_name("penduduk.csv").mime_str("text/csv").unwrap());
    let r = admin.post("/residents/import", Body::Multipart(form));
    assert_eq!(r.status, 422, "{r:?}");
    assert!(balai_tests::html_unescape(&r.text()).contains("bukan tabel CSV atau Excel"), "{r:?}");
    assert_eq!(balai.resident_count(&admin), 0);
}
