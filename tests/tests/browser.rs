//! Proves a person can use Balai in a real browser: Debian's Chromium, driven
//! by tests/browser/search.mjs (playwright-core), signs in as the operator,
//! searches the register for a demo resident by name, opens the record, and
//! saves phone (390x844) and desktop (1280x800) screenshots of the landing
//! page, the resident list and the resident's page into target/screenshots/.
//! Missing Chromium, Node or node_modules fail the test; they never skip it.

use balai_tests::{Balai, target_dir, workspace_root};
use std::path::PathBuf;
use std::process::Command;

fn chromium() -> PathBuf {
    PathBuf::from(std::env::var_os("BALAI_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()))
}

/// Everything the browser test needs, or a message saying how to get it.
fn check_prerequisites(browser_dir: &std::path::Path) {
    let chromium = chromium();
    assert!(
        chromium.exists(),
        "browser test: {} not found. Install Debian's Chromium (`apt-get install chromium`, as .ci/run does) or set BALAI_CHROMIUM.",
        chromium.display()
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "browser test: `node` is not runnable ({node:?}). Install Node.js (`apt-get install nodejs npm`, as .ci/run does)."
    );
    let playwright = browser_dir.join("node_modules/playwright-core/package.json");
    assert!(
        playwright.exists(),
        "browser test: {} is missing. Run `npm ci` in {} (.ci/run does).",
        playwright.display(),
        browser_dir.display()
    );
}

#[test]
fn operator_finds_a_resident_in_chromium_on_phone_and_desktop() {
    let browser_dir = workspace_root().join("tests/browser");
    check_prerequisites(&browser_dir);

    let balai = Balai::demo();
    let (user, password) = balai.account("operator");
    let operator = balai.signin("operator");
    let someone = operator.page("/api/v1/residents?offset=30&limit=1").json();
    let name = someone["items"][0]["name"].as_str().expect("a demo resident's name").to_string();

    let outdir = target_dir().join("screenshots");
    let _ = std::fs::remove_dir_all(&outdir);
    let out = Command::new("node")
        .current_dir(&browser_dir)
        .arg("search.mjs")
        .arg(balai.url(""))
        .arg(&user)
        .arg(&password)
        .arg(&outdir)
        .arg(&name)
        .env("BALAI_CHROMIUM", chromium())
        .output()
        .expect("run node search.mjs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the browser run failed ({}):\n{stdout}\n{stderr}", out.status);
    let result: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("the browser run printed no result line ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["found"], name.as_str());
    for file in
        ["landing", "residents", "resident"].iter().flat_map(|p| [format!("{p}-phone.png"), format!("{p}-desktop.png")])
    {
        let path = outdir.join(&file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("screenshot {} missing: {e}", path.display()));
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000, "{} is not a real screenshot", path.display());
    }
    println!("browser: found {name:?}; screenshots in {}", outdir.display());
}

#[test]
fn a_resident_requests_a_letter_with_a_photo_on_a_phone_in_chromium() {
    let browser_dir = workspace_root().join("tests/browser");
    check_prerequisites(&browser_dir);
    let balai = Balai::demo();
    let (nik, pin) = balai.warga.clone().expect("demo warga");
    let outdir = target_dir().join("screenshots-letters");
    let _ = std::fs::remove_dir_all(&outdir);
    std::fs::create_dir_all(&outdir).expect("screenshot dir");
    let photo = outdir.join("ktp.jpg");
    std::fs::write(&photo, balai_tests::phone_jpeg(2000, 1500)).expect("write the photo");
    let out = Command::new("node")
        .current_dir(&browser_dir)
        .arg("letter_request.mjs")
        .arg(balai.url(""))
        .arg(&nik)
        .arg(&pin)
        .arg(&photo)
        .arg(&outdir)
        .env("BALAI_CHROMIUM", chromium())
        .output()
        .expect("run node letter_request.mjs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the browser run failed ({}):\n{stdout}\n{stderr}", out.status);
    let result: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("the browser run printed no result line ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(result["ok"], true, "{result}");
    // The request the browser made is in the office inbox with its photo.
    let operator = balai.signin("operator");
    let id = result["url"].as_str().and_then(|u| u.rsplit('/').next()).expect("request url").to_string();
    let page = operator.page(&format!("/letters/{id}"));
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.text().contains("src=\"/files/"), "the phone's photo is not beside the request: {page:?}");
    assert!(page.text().contains(result["tracking"].as_str().expect("tracking")), "{page:?}");
    for file in
        ["letters-home-phone.png", "letter-form-phone.png", "letter-status-phone.png", "letter-track-desktop.png"]
    {
        let bytes = std::fs::read(outdir.join(file)).unwrap_or_else(|e| panic!("screenshot {file} missing: {e}"));
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000, "{file} is not a real screenshot");
    }
}
