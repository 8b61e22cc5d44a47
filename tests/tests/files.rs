//! Photos at /files/{sha256} over real HTTPS: only staff who handle requests
//! may ask, and an id that is not a SHA-256 (a path trick) finds nothing.
//! (Serving a stored photo, its headers and the audit note are tested in
//! appliance/src/files/tests.rs with the same guard and handler.)

use balai_tests::Balai;

#[test]
fn path_tricks_find_nothing_and_other_roles_are_refused() {
    let balai = Balai::demo();
    let operator = balai.signin("operator");
    let sha = "ab".repeat(32);
    for path in [
        format!("/files/{sha}"),
        "/files/..%2F..%2Fstore%2Fconf".to_string(),
        "/files/%2e%2e%2f%2e%2e%2fkeys%2fca.key".to_string(),
        format!("/files/{}", sha.to_uppercase()),
        format!("/files/{sha}.jpg"),
    ] {
        let r = operator.page(&path);
        assert!(r.status == 404 || r.status == 400, "{path}: {r:?}");
        assert_ne!(r.header("content-type").as_deref(), Some("image/jpeg"));
    }
    for role in ["warga", "kader", "bendahara"] {
        let r = balai.signin(role).page(&format!("/files/{sha}"));
        assert_eq!(r.status, 403, "{role}: {r:?}");
    }
    let r = balai.client().page(&format!("/files/{sha}"));
    assert!(r.status == 303 && r.location().is_some_and(|l| l.starts_with("/signin")), "{r:?}");
}
