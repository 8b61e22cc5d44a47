//! `balai letter verify` as a kecamatan office runs it: the real binary, no
//! data dir, no daemon, only a letter PDF and the village's public key. A
//! signed sample letter comes from the `sample_letter` example; the test then
//! tampers with it and checks each failure is named and exits non-zero.

use balai_tests::{binary, example};
use std::path::Path;
use std::process::{Command, Output};

/// `balai ARGS` in an empty working dir with no data dir configured.
fn balai(cwd: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .current_dir(cwd)
        .env_remove("BALAI_DATA_DIR")
        .env("BALAI_LOG", "warn")
        .args(args)
        .output()
        .expect("run balai")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_signed_letter_verifies_offline_and_tampered_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let made = Command::new(example("sample_letter")).arg(dir.path()).output().expect("run sample_letter");
    assert!(made.status.success(), "sample_letter: {}", text(&made));
    let pdf_path = dir.path().join("sample-letter.pdf");
    let key_path = dir.path().join("letter-signing.pub");
    let pdf = std::fs::read(&pdf_path).unwrap();

    // A reprint in another process is the same bytes (no dates, ids or hash-map order in the file).
    let again = tempfile::tempdir().unwrap();
    let made = Command::new(example("sample_letter")).arg(again.path()).output().expect("run sample_letter");
    assert!(made.status.success(), "sample_letter: {}", text(&made));
    assert!(std::fs::read(again.path().join("sample-letter.pdf")).unwrap() == pdf, "a reprint differs");
    let office = tempfile::tempdir().unwrap();
    let cwd = office.path();
    let key_arg = key_path.to_str().unwrap();

    // Genuine: the payload is printed, the NIK masked but for its last 4 digits.
    let out = balai(cwd, &["letter", "verify", pdf_path.to_str().unwrap(), "--public-key", key_arg]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("GENUINE") && said.contains("474.4/012/3302052001/XI/2026"), "{said}");
    assert!(said.contains("************0001") && !said.contains("3302051203850001"), "{said}");
    assert!(said.contains("SKD") && said.contains("2026-11-28"), "{said}");

    // The key given as text instead of a file; JSON for scripts.
    let key_text = std::fs::read_to_string(&key_path).unwrap();
    let key_line = key_text.lines().find(|l| !l.starts_with('#')).unwrap();
    let out = balai(cwd, &["--json", "letter", "verify", pdf_path.to_str().unwrap(), "--public-key", key_line]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["genuine"], true);
    assert_eq!(json["nik"], "************0001");

    let check = |name: &str, bytes: &[u8], code: &str, words: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = balai(cwd, &["letter", "verify", path.to_str().unwrap(), "--public-key", key_arg]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {said}");
        assert!(said.contains("NOT GENUINE") && said.contains(words), "{name}: {said}");
        let out = balai(cwd, &["--json", "letter", "verify", path.to_str().unwrap(), "--public-key", key_arg]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["code"], code, "{name}");
    };

    // One byte changed in the middle of the file (inside the compressed page or a font).
    let mut altered = pdf.clone();
    altered[pdf.len() / 2] ^= 0x20;
    check("altered.pdf", &altered, "altered", "ALTERED");
    // The visible metadata title edited to another letter number.
    let retitled = String::from_utf8_lossy(&pdf).replace("DOMISILI 474.4/012", "DOMISILI 474.4/013");
    assert_ne!(retitled.as_bytes(), &pdf[..]);
    check("retitled.pdf", retitled.as_bytes(), "altered", "ALTERED");
    check("truncated.pdf", &pdf[..pdf.len() - 100], "truncated", "truncated");
    check("not-a-pdf.pdf", b"just some text", "not_pdf", "not a PDF");

    // Another village's key (made by `letter public-key` in a fresh data dir, no daemon).
    let other = tempfile::tempdir().unwrap();
    let out = balai(cwd, &["--data-dir", other.path().to_str().unwrap(), "letter", "public-key"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let other_key = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(other_key.contains("balai-ed25519-v1:"), "{other_key}");
    let again = balai(cwd, &["--data-dir", other.path().to_str().unwrap(), "letter", "public-key"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), other_key, "the key is made once and kept");
    let out = balai(cwd, &["letter", "verify", pdf_path.to_str().unwrap(), "--public-key", &other_key]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("another key"), "{}", text(&out));

    // Unreadable inputs: exit 2, not a verdict.
    let out = balai(cwd, &["letter", "verify", pdf_path.to_str().unwrap(), "--public-key", "not-a-key"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = balai(cwd, &["letter", "verify", "/nonexistent/letter.pdf", "--public-key", key_arg]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // The office's working dir is untouched: verify made no data dir.
    assert_eq!(std::fs::read_dir(cwd).unwrap().count(), 0, "verify wrote files");
}
