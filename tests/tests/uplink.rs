//! Uplink bundles through the real binary: two demo villages export signed
//! bundles for the district; the official merges them in both orders (and
//! twice) into the same summary; acknowledged changes are not sent again;
//! an unknown village's bundle is refused.

use balai_tests::{Balai, Options, command_for, run_with_stdin};
use std::path::Path;
use std::process::Output;

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A demo village under its own code, with the district as a recipient of
/// its families' records.
fn village(code: &str) -> Balai {
    let mut opts = Options { demo: true, ..Options::default() };
    opts.env.push(("BALAI_UPLINK__RECIPIENTS".into(), r#"[{name = "dinas", tables = ["family"]}]"#.into()));
    let b = Balai::start(opts);
    let admin = b.signin("admin");
    let csrf = admin.csrf("/settings");
    let r = admin.post_form("/settings", &[("csrf", &csrf), ("code", code)]);
    assert_eq!(r.status, 200, "{r:?}");
    b
}

/// The official's computer: no data dir, only bundles and keys.
fn official(dir: &Path, args: &[&str]) -> Output {
    let config = dir.join("none.toml");
    std::fs::write(&config, "").unwrap();
    run_with_stdin(command_for(&dir.join("no-data"), &config).env("BALAI_LOG", "warn").args(args), "")
}

fn export(b: &Balai, out: &Path) -> String {
    b.cli_ok(&["uplink", "export", "--recipient", "dinas", "--out", out.to_str().unwrap()])
}

#[test]
fn two_villages_merge_in_any_order_into_one_district_summary() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let a = village("3310052001");
    let b = village("3310062002");
    for (v, code) in [(&a, "3310052001"), (&b, "3310062002")] {
        std::fs::create_dir_all(dir.join("keys")).unwrap();
        std::fs::write(dir.join("keys").join(format!("{code}.pub")), v.cli_ok(&["letter", "public-key"])).unwrap();
    }
    let a1 = dir.join("a1.zip");
    let b1 = dir.join("b1.zip");
    let said = export(&a, &a1);
    assert!(said.contains("bundle 3310052001-dinas-0-"), "{said}");
    export(&b, &b1);
    let keys = dir.join("keys");
    let merge = |into: &str, bundles: &[&Path]| {
        let mut args = vec!["uplink", "import"];
        let paths: Vec<String> = bundles.iter().map(|p| p.display().to_string()).collect();
        args.extend(paths.iter().map(String::as_str));
        let into = dir.join(into);
        let into_s = into.display().to_string();
        let keys_s = keys.display().to_string();
        args.extend(["--into", into_s.as_str(), "--keys", keys_s.as_str()]);
        let out = official(dir, &args);
        assert!(out.status.success(), "{}", text(&out));
        (text(&out), std::fs::read_to_string(into.join("summary.csv")).unwrap())
    };
    let (_, ab) = merge("ab", &[&a1, &b1]);
    let (_, ba) = merge("ba", &[&b1, &a1]);
    assert_eq!(ab, ba);
    let (said, again) = merge("ab", &[&a1, &b1]);
    assert!(said.contains("already merged"), "{said}");
    assert_eq!(again, ab);
    assert!(
        ab.contains("kabupaten,3310,") && ab.contains("kecamatan,331005,") && ab.contains("kecamatan,331006,"),
        "{ab}"
    );
    let html = std::fs::read_to_string(dir.join("ab/summary.html")).unwrap();
    assert!(html.contains("<table>") && html.contains("3310052001"));
    // the named records the recipient is entitled to came along, and only those
    assert!(dir.join("ab/records/3310052001/family.jsonl").exists());
    assert!(!dir.join("ab/records/3310052001/resident.jsonl").exists());

    // acknowledged: the next bundle starts after it and carries no old records
    let seq = said_seq(&export(&a, &dir.join("a-again.zip")));
    a.cli_ok(&["uplink", "ack", "dinas", &seq.to_string()]);
    let said = export(&a, &dir.join("a2.zip"));
    assert!(said.contains(&format!("changes {seq}..")), "{said}");
    let (_, after) = merge("ab", &[&dir.join("a2.zip")]);
    assert_eq!(after, ab, "no change since: same summary");

    // a village the official has no key for
    let stranger = village("3310072003");
    export(&stranger, &dir.join("c.zip"));
    let out = official(
        dir,
        &[
            "uplink",
            "import",
            dir.join("c.zip").to_str().unwrap(),
            "--into",
            dir.join("ab").to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success() && text(&out).contains("unknown key"), "{}", text(&out));
}

fn said_seq(said: &str) -> u64 {
    said.split("changes ")
        .nth(1)
        .and_then(|s| s.split("..").nth(1))
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.parse().ok())
        .expect("to_seq")
}
