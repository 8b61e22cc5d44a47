//! Backups through the real binary: made while the daemon serves, restored
//! into a new data dir that serves the same records, search and letters;
//! refused when cut, changed or for another key; the USB stick (a temporary
//! folder standing in for its mount point); the page, the button and the sheet.

use balai_tests::{Balai, Options, command_for, run_with_stdin};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn identity(balai: &Balai) -> String {
    let text = std::fs::read_to_string(balai.data_dir.join("keys/backup.age-identity")).expect("backup key");
    text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-")).expect("key line").to_string()
}

/// `balai backup ARGS` with a data dir of its own (a brand-new box).
fn offline(data_dir: &Path, args: &[&str]) -> Output {
    let config = data_dir.with_extension("toml");
    std::fs::write(&config, "# defaults\n").unwrap();
    run_with_stdin(command_for(data_dir, &config).env("BALAI_LOG", "warn").args(args), "")
}

fn sign_one_letter(balai: &Balai) -> (Vec<u8>, String) {
    let admin = balai.signin("admin");
    let nik = admin.page("/api/v1/residents?limit=1").json()["items"][0]["nik"].as_str().expect("nik").to_string();
    let clerk = balai.bearer(&balai.issue_token(&balai.account("operator").0));
    let signer = balai.bearer(&balai.issue_token(&balai.account("kepala_desa").0));
    let types = clerk.page("/api/v1/letter-types").json();
    let ty = types.as_array().unwrap().iter().find(|t| t["code"] == "domisili").expect("domisili").clone();
    let mut values = serde_json::Map::new();
    for f in ty["fields"].as_array().unwrap() {
        let v = if f["kind"] == "date" { "2026-11-01".to_string() } else { "Isian".to_string() };
        values.insert(f["name"].as_str().unwrap().to_string(), v.into());
    }
    let r = clerk.post_json(
        "/api/v1/letters",
        &serde_json::json!({ "type": "domisili", "nik": nik, "values": values, "phone": "081234567890", "form_token": "backup-test-1" }),
    );
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(clerk.post_json(&format!("/api/v1/letters/{id}/verify"), &serde_json::json!({})).status, 200);
    let signed = signer.post_json(&format!("/api/v1/letters/{id}/sign"), &serde_json::json!({}));
    assert_eq!(signed.status, 200, "{signed:?}");
    let pdf = clerk.page(&format!("/api/v1/letters/{id}/pdf"));
    assert_eq!(pdf.status, 200);
    let sealed = signed.json()["verify_url"].as_str().unwrap().split("?c=").nth(1).unwrap().to_string();
    (pdf.bytes, sealed)
}

fn search_ids(balai: &Balai, q: &str) -> Vec<String> {
    let admin = balai.signin("admin");
    let r = admin.page(&format!("/api/v1/search?q={q}"));
    assert_eq!(r.status, 200, "{r:?}");
    let mut ids: Vec<String> = r
        .json()
        .to_string()
        .split('"')
        .filter(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_backup_made_while_serving_restores_on_a_new_box_with_only_the_file_and_the_key() {
    let balai = Balai::demo();
    let (pdf, sealed) = sign_one_letter(&balai);
    // a photo, content-addressed as the files domain stores them
    let photo = b"\xFF\xD8\xFF\xE0 not really a jpeg".to_vec();
    let sha = sha256_hex(&photo);
    std::fs::create_dir_all(balai.data_dir.join("files").join(&sha[..2])).unwrap();
    std::fs::write(balai.data_dir.join("files").join(&sha[..2]).join(format!("{sha}.jpg")), &photo).unwrap();
    let admin = balai.signin("admin");
    let residents = balai.resident_count(&admin);
    let name = admin.page("/api/v1/residents?limit=1").json()["items"][0]["name"].as_str().unwrap().to_string();
    let query = name.split_whitespace().next().unwrap().to_string();
    let found = search_ids(&balai, &query);
    assert!(!found.is_empty());

    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("desa.balai-backup");
    let said = balai.cli_ok(&["backup", "create", "--out", file.to_str().unwrap()]);
    assert!(said.contains("written") && said.contains("records"), "{said}");
    assert!(file.exists() && !work.path().join("desa.balai-backup.partial").exists());
    // the file is ciphertext: no NIK, no name in it
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!bytes.windows(name.len()).any(|w| w == name.as_bytes()));

    // a brand-new box: no data dir, only the file and the key from the sheet
    let new_box = work.path().join("newbox");
    let key = identity(&balai).to_lowercase();
    let out = offline(&new_box, &["backup", "verify", file.to_str().unwrap(), "--key", &key]);
    assert!(out.status.success(), "{}", text(&out));
    let out = offline(&new_box, &["backup", "restore", file.to_str().unwrap(), "--key", &key]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(new_box.join(format!("files/{}/{sha}.jpg", &sha[..2])).exists());
    assert_eq!(std::fs::read(new_box.join(format!("files/{}/{sha}.jpg", &sha[..2]))).unwrap(), photo);
    // never over a live data dir
    let out = offline(&balai.data_dir, &["backup", "restore", file.to_str().unwrap(), "--key", &key]);
    assert!(!out.status.success() && text(&out).contains("not empty"), "{}", text(&out));

    let mut restored = Balai::start(Options { data_dir: Some(new_box.clone()), ..Options::default() });
    restored.accounts = balai.accounts.clone();
    let admin2 = restored.signin("admin");
    assert_eq!(restored.resident_count(&admin2), residents);
    assert_eq!(search_ids(&restored, &query), found);
    assert!(restored.cli_ok(&["audit", "verify"]).contains("intact"));
    assert_eq!(restored.cli_ok(&["letter", "public-key"]), balai.cli_ok(&["letter", "public-key"]));
    let verdict = restored.client().page(&format!("/api/v1/verify?c={sealed}")).json();
    assert_eq!(verdict["verdict"], "genuine", "{verdict}");
    let pdf_path = work.path().join("letter.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let key_file = new_box.join("keys/letter-signing.pub");
    let out = offline(
        &work.path().join("office"),
        &["letter", "verify", pdf_path.to_str().unwrap(), "--public-key", key_file.to_str().unwrap()],
    );
    assert!(out.status.success() && text(&out).contains("GENUINE"), "{}", text(&out));
    // the breach-notice record: which records the file held, when, by whom
    let held = balai.cli_ok(&["backup", "held", "desa.balai-backup"]);
    assert!(held.contains("cli:") && held.contains(&format!("resident: {residents} records")), "{held}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn cut_changed_or_foreign_backups_are_refused_and_say_which() {
    let balai = Balai::demo();
    let other = Balai::empty();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("a.balai-backup");
    balai.cli_ok(&["backup", "create", "--out", file.to_str().unwrap()]);
    let good = std::fs::read(&file).unwrap();
    let check = |name: &str, bytes: &[u8], key: &str, words: &str, code: &str| {
        let path = work.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = offline(&work.path().join("box"), &["backup", "verify", path.to_str().unwrap(), "--key", key]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        assert!(text(&out).contains(words), "{name}: {}", text(&out));
        let out =
            offline(&work.path().join("box"), &["--json", "backup", "verify", path.to_str().unwrap(), "--key", key]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["error"], code, "{name}");
        // and restore refuses it too, leaving nothing behind
        let target = work.path().join(format!("restore-{name}"));
        let out = offline(&target, &["backup", "restore", path.to_str().unwrap(), "--key", key]);
        assert!(!out.status.success());
        assert!(!target.join("store").exists());
    };
    let key = identity(&balai);
    check("cut.bk", &good[..good.len() * 2 / 3], &key, "truncated", "truncated");
    check("cut-end.bk", &good[..good.len() - 1], &key, "truncated", "truncated");
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x04;
    check("flipped.bk", &flipped, &key, "altered", "altered");
    check("foreign.bk", &good, &identity(&other), "wrong key", "wrong_key");
    check("junk.bk", b"hello", &key, "not a Balai backup", "not_a_backup");
    let out = offline(&work.path().join("box"), &["backup", "verify", file.to_str().unwrap(), "--key", &key]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_killed_backup_never_leaves_a_file_that_looks_complete() {
    let balai = Balai::demo();
    let work = tempfile::tempdir().unwrap();
    let key = identity(&balai);
    for (i, delay) in [5u64, 30, 80, 150, 300].iter().enumerate() {
        let out = work.path().join(format!("k{i}.balai-backup"));
        let mut child = balai
            .command()
            .env("BALAI_LOG", "warn")
            .args(["backup", "create", "--out", out.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*delay));
        let _ = child.kill();
        let _ = child.wait();
        if out.exists() {
            // it finished before the kill: then it is whole
            let r = offline(&work.path().join("box"), &["backup", "verify", out.to_str().unwrap(), "--key", &key]);
            assert!(r.status.success(), "{}", text(&r));
        }
        let partial = work.path().join(format!("k{i}.balai-backup.partial"));
        if partial.exists() {
            let r = offline(&work.path().join("box"), &["backup", "verify", partial.to_str().unwrap(), "--key", &key]);
            assert!(!r.status.success(), "a partial file verified");
        }
    }
    // the daemon is still fine, and a backup after all that works (once the
    // daemon has noticed its last reader is gone)
    let out = work.path().join("after.balai-backup");
    wait_for("the daemon to take a new backup", Duration::from_secs(30), || {
        balai.cli(&["backup", "create", "--out", out.to_str().unwrap()], "").status.success()
    });
    assert!(balai.cli_ok(&["audit", "verify"]).contains("intact"));
}

#[test]
fn a_full_disk_gives_a_clear_error_and_leaves_the_box_untouched() {
    let balai = Balai::demo();
    let work = tempfile::tempdir().unwrap();
    let small = work.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: cannot mount a small tmpfs here (needs root)");
        return;
    }
    let out = balai.cli(&["backup", "create", "--out", small.join("x.balai-backup").to_str().unwrap()], "");
    let said = text(&out);
    let _ = std::process::Command::new("umount").arg(&small).status();
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("disk full") || said.contains("No space left"), "{said}");
    assert!(balai.cli_ok(&["audit", "verify"]).contains("intact"));
    let admin = balai.signin("admin");
    assert!(balai.resident_count(&admin) > 0);
}

fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn backups_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "balai-backup"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_usb_stick_gets_a_verified_backup_the_dashboard_shows_it_and_old_ones_are_pruned() {
    let stick = tempfile::tempdir().unwrap();
    let mount = stick.path().join("usb");
    let balai = Balai::start(Options {
        demo: true,
        env: vec![
            ("BALAI_BACKUP__USB_DIR".into(), mount.display().to_string()),
            ("BALAI_BACKUP__USB_REQUIRE_MOUNT".into(), "false".into()),
            ("BALAI_BACKUP__POLL_SECONDS".into(), "1".into()),
            ("BALAI_BACKUP__USB_KEEP".into(), "2".into()),
        ],
        ..Options::default()
    });
    let admin = balai.signin("admin");
    let dash = admin.page("/dashboard").text();
    assert!(dash.contains("Tidak ada cadangan yang lebih baru dari 7 hari"), "warning before any backup");
    let folder = mount.join("balai-backup");
    let pulled = stick.path().join("pulled");
    std::fs::create_dir_all(&pulled).unwrap();
    for plug in 1..=3 {
        std::fs::rename(&pulled, &mount).unwrap();
        wait_for("a backup on the stick", Duration::from_secs(60), || {
            balai.cli_ok(&["backup", "list"]).matches(" usb ").count() >= plug
        });
        let list = balai.cli_ok(&["backup", "list"]);
        assert!(list.lines().next().unwrap().contains("verified"), "{list}");
        // pulled out; the next plug-in is a new stick (names are per second)
        std::fs::rename(&mount, &pulled).unwrap();
        std::thread::sleep(Duration::from_millis(2500));
    }
    std::fs::rename(&pulled, &mount).unwrap();
    let kept = backups_in(&folder);
    assert_eq!(kept.len(), 2, "the newest two are kept: {kept:?}");
    let key = identity(&balai);
    let out = offline(&stick.path().join("box"), &["backup", "verify", kept[1].to_str().unwrap(), "--key", &key]);
    assert!(out.status.success(), "{}", text(&out));

    let dash = admin.page("/dashboard").text();
    assert!(dash.contains("Cadangan terakhir yang berhasil diperiksa"), "{dash}");
    assert!(!dash.contains("Tidak ada cadangan yang lebih baru"));
    let page = admin.page("/admin/cadangan").text();
    assert!(page.contains("Flashdisk") && page.contains("Berhasil, sudah diperiksa"), "{page}");
}

#[test]
fn the_admin_backs_up_with_the_button_prints_the_sheet_and_downloads_the_file() {
    let balai = Balai::demo();
    let admin = balai.signin("admin");
    let csrf = admin.csrf("/admin/cadangan");
    let r = admin.post_form("/admin/cadangan", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{r:?}");
    let page = admin.page("/admin/cadangan?done=1").text();
    assert!(page.contains("selesai dan sudah diperiksa"), "{page}");
    let files = backups_in(&balai.data_dir.join("backups"));
    assert_eq!(files.len(), 1);
    let end = page.find("/unduh").expect("a download link");
    let id = page[page[..end].rfind('/').unwrap() + 1..end].to_string();
    let download = admin.page(&format!("/admin/cadangan/{id}/unduh"));
    assert_eq!(download.status, 200, "{download:?}");
    assert_eq!(download.bytes, std::fs::read(&files[0]).unwrap());

    let sheet = admin.page("/admin/cadangan/lembar");
    assert_eq!(sheet.status, 200);
    let html = sheet.text();
    let key = identity(&balai);
    let body = &key["AGE-SECRET-KEY-".len()..];
    assert!(html.contains(&body[..8]) && html.contains("<svg"), "key and QR on the sheet");
    assert!(html.contains("Cara memulihkan di kotak baru"));
    // the sheet's key, typed back with spaces, opens the backup
    let typed: String = html
        .split("<span class=\"key-group\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let out = offline(
        &balai.data_dir.with_extension("x"),
        &["backup", "verify", files[0].to_str().unwrap(), "--key", &typed],
    );
    assert!(out.status.success(), "{typed}: {}", text(&out));
    // others may not
    let operator = balai.signin("operator");
    assert_eq!(operator.page("/admin/cadangan/lembar").status, 403);
}
