//! The message catalog: every visible string of the UI comes from here, in
//! Bahasa Indonesia (the default) and English.
//!
//! # Catalog format
//!
//! Catalog files live in `web-ui/catalog/*.txt` and are compiled in with
//! `include_str!` (see [`FILES`]); every file in that folder must be listed
//! there (a unit test checks it). Each file is UTF-8 text, one entry a line:
//!
//! ```text
//! # a comment line starts with '#'; blank lines are ignored
//! nav.residents = Penduduk | Residents
//! resident.error.nik_length = NIK harus 16 angka, bukan {count}. | NIK must be 16 digits, not {count}.
//! ```
//!
//! - The key is everything before the first `=`, trimmed. Keys are
//!   `domain.area.name` in lower case with `.`/`_`; a key is defined once
//!   across all files.
//! - The value is split at the single ` | `: Indonesian first, English second.
//!   Neither text may contain `|`, and both must be non-empty.
//! - `{name}` is a placeholder filled by [`tf`].
//!
//! A missing key renders as the key itself, so a typo is visible on the page
//! rather than a crash; the unit tests check that every key used by the UI
//! exists and that every entry has both languages.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The interface language. Indonesian is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Parses a language code (`"id"`, `"en"`, also `"en-US"`); anything
    /// unknown falls back to Indonesian.
    pub fn from_code(code: &str) -> Lang {
        let lower = code.trim().to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") || lower.starts_with("en_") { Lang::En } else { Lang::Id }
    }

    /// The code used in the `lang` attribute and in `/lang?to=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The other language (for the language switch link).
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

/// Every catalog file, by name. Add a new `web-ui/catalog/<domain>.txt` here.
pub const FILES: &[(&str, &str)] = &[
    ("common.txt", include_str!("../catalog/common.txt")),
    ("letters.txt", include_str!("../catalog/letters.txt")),
    ("pages.txt", include_str!("../catalog/pages.txt")),
    ("fields.txt", include_str!("../catalog/fields.txt")),
    ("residents.txt", include_str!("../catalog/residents.txt")),
    ("server.txt", include_str!("../catalog/server.txt")),
    ("outbox.txt", include_str!("../catalog/outbox.txt")),
    ("backup.txt", include_str!("../catalog/backup.txt")),
    ("posyandu.txt", include_str!("../catalog/posyandu.txt")),
    ("queue.txt", include_str!("../catalog/queue.txt")),
    ("files.txt", include_str!("../catalog/files.txt")),
    ("health.txt", include_str!("../catalog/health.txt")),
    ("devices.txt", include_str!("../catalog/devices.txt")),
];

/// One parsed catalog line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Indonesian text.
    pub id: String,
    /// English text.
    pub en: String,
}

/// Parses one catalog line. `Ok(None)` for blank and comment lines.
pub fn parse_line(line: &str) -> Result<Option<Entry>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (key, value) = line.split_once('=').ok_or_else(|| format!("no '=' in line: {line}"))?;
    let parts: Vec<&str> = value.split('|').collect();
    if parts.len() != 2 {
        return Err(format!("need exactly one '|' in line: {line}"));
    }
    let entry = Entry { key: key.trim().to_string(), id: parts[0].trim().to_string(), en: parts[1].trim().to_string() };
    if entry.key.is_empty() || entry.id.is_empty() || entry.en.is_empty() {
        return Err(format!("empty key or text in line: {line}"));
    }
    Ok(Some(entry))
}

/// Parses every line of every file; the first error wins (used by tests).
pub fn parse_all() -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for (name, text) in FILES {
        for (n, line) in text.lines().enumerate() {
            match parse_line(line) {
                Ok(Some(entry)) => out.push(entry),
                Ok(None) => {}
                Err(e) => return Err(format!("{name}:{}: {e}", n + 1)),
            }
        }
    }
    Ok(out)
}

static CATALOG: LazyLock<HashMap<String, (String, String)>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (_, text) in FILES {
        for entry in text.lines().filter_map(|l| parse_line(l).ok().flatten()) {
            map.entry(entry.key).or_insert((entry.id, entry.en));
        }
    }
    map
});

/// Is `key` in the catalog?
pub fn has(key: &str) -> bool {
    CATALOG.contains_key(key)
}

/// The text for `key` in `lang`, or the key itself when it is missing.
pub fn t(lang: Lang, key: &str) -> String {
    match CATALOG.get(key) {
        Some((id, en)) => match lang {
            Lang::Id => id.clone(),
            Lang::En => en.clone(),
        },
        None => key.to_string(),
    }
}

/// Like [`t`], then replaces each `{name}` with its value.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses_and_keys_are_unique() {
        let entries = parse_all().expect("catalog parses");
        let mut seen = std::collections::HashSet::new();
        for e in &entries {
            assert!(seen.insert(e.key.clone()), "duplicate key {}", e.key);
        }
    }

    #[test]
    fn placeholders_match_in_both_languages() {
        for e in parse_all().expect("catalog parses") {
            assert_eq!(placeholders(&e.id), placeholders(&e.en), "placeholders differ for {}", e.key);
        }
    }

    fn placeholders(text: &str) -> Vec<String> {
        let mut out: Vec<String> =
            text.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string())).collect();
        out.sort();
        out
    }

    #[test]
    fn every_catalog_file_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
        for item in std::fs::read_dir(dir).expect("catalog dir") {
            let name = item.expect("entry").file_name().to_string_lossy().to_string();
            if name.ends_with(".txt") {
                assert!(FILES.iter().any(|(n, _)| *n == name), "catalog/{name} is not listed in i18n::FILES");
            }
        }
    }

    #[test]
    fn missing_key_returns_key_and_tf_fills() {
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(t(Lang::Id, "action.save"), "Simpan");
        assert_eq!(t(Lang::En, "action.save"), "Save");
        let s = tf(Lang::En, "pager.page_of", &[("page", "2"), ("total", "5")]);
        assert_eq!(s, "Page 2 of 5");
    }

    #[test]
    fn lang_codes() {
        assert_eq!(Lang::from_code("en"), Lang::En);
        assert_eq!(Lang::from_code("EN-us"), Lang::En);
        assert_eq!(Lang::from_code("id"), Lang::Id);
        assert_eq!(Lang::from_code("xx"), Lang::Id);
        assert_eq!(Lang::default().code(), "id");
        assert_eq!(Lang::En.other(), Lang::Id);
    }
}
