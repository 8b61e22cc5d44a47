//! Keeps the architecture honest: the storage engine and the search engine stay
//! behind their one folder each, the UI and broker crates stay independent,
//! every domain has the same shape, the map (ARCHITECTURE.md) names every
//! top-level folder, and every message key the daemon uses is in the catalog.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Source lines that are code, not comments.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| {
        let t = l.trim_start();
        !t.starts_with("//")
    })
}

fn only_folder_names(word: &str, allowed: &str) {
    let src = root().join("appliance/src");
    for file in rust_files(&src) {
        if file.starts_with(src.join(allowed)) {
            continue;
        }
        let text = read(&file);
        for line in code_lines(&text) {
            assert!(
                !line.contains(&format!("{word}::")) && !line.contains(&format!("use {word}")),
                "{} names {word}; only appliance/src/{allowed}/ may",
                file.display()
            );
        }
    }
}

#[test]
fn only_store_names_sled() {
    only_folder_names("sled", "store");
}

#[test]
fn only_search_names_tantivy() {
    only_folder_names("tantivy", "search");
}

#[test]
fn ui_and_broker_depend_on_nothing_of_ours() {
    for krate in ["web-ui", "broker"] {
        let manifest = read(&root().join(krate).join("Cargo.toml"));
        let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
        for forbidden in ["sled", "tantivy", "balai =", "balai.workspace", "actix", "path ="] {
            assert!(!deps.contains(forbidden), "{krate} must not depend on {forbidden}");
        }
    }
}

#[test]
fn every_domain_has_the_same_shape() {
    let src = root().join("appliance/src");
    let mut domains = 0;
    for entry in std::fs::read_dir(&src).expect("src").flatten() {
        let dir = entry.path();
        if !dir.join("routes.rs").exists() {
            continue;
        }
        domains += 1;
        for part in ["mod.rs", "model.rs", "operations.rs", "routes.rs"] {
            assert!(dir.join(part).exists(), "domain {} lacks {part}", dir.display());
        }
    }
    assert!(domains >= 3, "expected the auth, village and residents domains");
}

#[test]
fn architecture_md_names_every_top_level_folder_and_module() {
    let map = read(&root().join("ARCHITECTURE.md"));
    for entry in std::fs::read_dir(root()).expect("root").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_dir() && !name.starts_with('.') && name != "target" && !name.starts_with("balai-demo") {
            assert!(map.contains(&format!("{name}/")), "ARCHITECTURE.md does not mention {name}/");
        }
    }
    for entry in std::fs::read_dir(root().join("appliance/src")).expect("src").flatten() {
        if entry.path().is_dir() {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(map.contains(&format!("{name}/")), "ARCHITECTURE.md does not mention appliance/src/{name}/");
        }
    }
}

#[test]
fn every_source_file_says_why_it_exists() {
    for krate in ["appliance/src", "web-ui/src", "broker/src", "tests"] {
        for file in rust_files(&root().join(krate)) {
            if file.components().any(|c| c.as_os_str() == "node_modules") {
                continue;
            }
            let text = read(&file);
            assert!(text.trim_start().starts_with("//!"), "{} has no //! doc line", file.display());
        }
    }
}

#[test]
fn every_message_key_the_daemon_uses_is_in_the_catalog() {
    let mut catalog = String::new();
    for entry in std::fs::read_dir(root().join("web-ui/catalog")).expect("catalog").flatten() {
        if entry.path().extension().is_some_and(|e| e == "txt") {
            catalog.push_str(&read(&entry.path()));
        }
    }
    let keys: std::collections::HashSet<&str> = catalog
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .collect();
    let prefixes =
        ["auth.", "error.", "flash.", "village.", "duplicates.", "nav.", "residents.", "audit.chain", "health."];
    for file in rust_files(&root().join("appliance/src")) {
        let text = read(&file);
        for piece in text.split('"').skip(1).step_by(2) {
            let looks_like_key = prefixes.iter().any(|p| piece.starts_with(p))
                && piece.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                && !piece.ends_with('.');
            if looks_like_key {
                assert!(
                    keys.contains(piece),
                    "{} uses message key {piece}, missing from web-ui/catalog",
                    file.display()
                );
            }
        }
    }
}
