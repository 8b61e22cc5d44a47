//! Proves a person can use Balai in a real browser: Debian's Chromium, driven
//! by tests/browser/search.mjs (playwright-core), signs in as the operator,
//! searches the register for a demo resident by name, opens the record, and
//! saves phone (390x844) and desktop (1280x800) screenshots of the landing
//! page, the resident list and the resident's page into target/screenshots/.
//! Missing Chromium, Node or node_modules fail the test; they never skip it.

use balai_tests::{Balai, run_browser_script, target_dir};
use std::ffi::OsStr;

#[test]
fn operator_finds_a_resident_in_chromium_on_phone_and_desktop() {
    let balai = Balai::demo();
    let (user, password) = balai.account("operator");
    let operator = balai.signin("operator");
    let someone = operator.page("/api/v1/residents?offset=30&limit=1").json();
    let name = someone["items"][0]["name"].as_str().expect("a demo resident's name").to_string();

    let outdir = target_dir().join("screenshots");
    let _ = std::fs::remove_dir_all(&outdir);
    let url = balai.url("");
    let args = [url.as_ref(), OsStr::new(&user), OsStr::new(&password), outdir.as_os_str(), OsStr::new(&name)];
    let result = run_browser_script("search.mjs", &args);
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
    let balai = Balai::demo();
    let (nik, pin) = balai.warga.clone().expect("demo warga");
    let outdir = target_dir().join("screenshots-letters");
    let _ = std::fs::remove_dir_all(&outdir);
    std::fs::create_dir_all(&outdir).expect("screenshot dir");
    let photo = outdir.join("ktp.jpg");
    std::fs::write(&photo, balai_tests::phone_jpeg(2000, 1500)).expect("write the photo");
    let url = balai.url("");
    let args = [url.as_ref(), OsStr::new(&nik), OsStr::new(&pin), photo.as_os_str(), outdir.as_os_str()];
    let result = run_browser_script("letter_request.mjs", &args);
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
