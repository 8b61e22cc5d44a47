//! The village's backup key: an age X25519 identity.
//!
//! The secret lives in `<data-dir>/keys/backup.age-identity` (mode 0600) and on
//! the printed recovery sheet, never in a backup file. So a stolen stick is
//! useless without the box or the sheet, the box can read back and verify
//! what it wrote, and a brand-new box restores with only the file and the
//! sheet (`balai backup restore FILE --key "AGE-SECRET-KEY-1…"`).

use age::secrecy::ExposeSecret;
use anyhow::Context;
use std::path::{Path, PathBuf};

pub const IDENTITY_FILE: &str = "backup.age-identity";

pub struct BackupKey {
    identity: age::x25519::Identity,
}

pub fn identity_path(keys_dir: &Path) -> PathBuf {
    keys_dir.join(IDENTITY_FILE)
}

impl BackupKey {
    pub fn load_or_create(keys_dir: &Path) -> anyhow::Result<BackupKey> {
        let path = identity_path(keys_dir);
        if !path.exists() {
            std::fs::create_dir_all(keys_dir).with_context(|| keys_dir.display().to_string())?;
            let identity = age::x25519::Identity::generate();
            let text = format!(
                "# Balai backup key. Keep the printed recovery sheet; a backup cannot be read without it.\n{}\n",
                identity.to_string().expose_secret()
            );
            if let Err(e) = crate::http::tls::write_private(&path, &text)
                && !path.exists()
            {
                return Err(e).with_context(|| path.display().to_string());
            }
        }
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        Self::parse(&text).with_context(|| format!("{} is not a backup key", path.display()))
    }

    /// The key as the sheet shows it (`AGE-SECRET-KEY-1…`), with or without
    /// comment lines and surrounding spaces; case is forgiven since people
    /// type it from paper.
    pub fn parse(text: &str) -> anyhow::Result<BackupKey> {
        let line = text
            .lines()
            .map(|l| l.trim().replace([' ', '-'], "").to_ascii_uppercase())
            .find(|l| l.starts_with("AGESECRETKEY1"))
            .context("no AGE-SECRET-KEY-1… line")?;
        let canonical = format!("AGE-SECRET-KEY-{}", &line["AGESECRETKEY".len()..]);
        let identity = canonical
            .parse::<age::x25519::Identity>()
            .map_err(|e| anyhow::anyhow!("not a valid backup key ({e}); check it against the recovery sheet"))?;
        Ok(BackupKey { identity })
    }

    /// `--key`: a file holding the key, or the key text itself.
    pub fn from_arg(arg: &str) -> anyhow::Result<BackupKey> {
        let path = Path::new(arg);
        if !arg.trim_start().starts_with("AGE-") && path.exists() {
            let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
            return Self::parse(&text);
        }
        Self::parse(arg)
    }

    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// For the recovery sheet only.
    pub fn secret_text(&self) -> String {
        self.identity.to_string().expose_secret().to_string()
    }

    /// The secret in groups of eight, easier to read aloud and type back.
    pub fn secret_grouped(&self) -> Vec<String> {
        let text = self.secret_text();
        let body = &text["AGE-SECRET-KEY-".len()..];
        let mut out = vec!["AGE-SECRET-KEY-".to_string()];
        out.extend(body.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).into_owned()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_back_from_paper_it_is_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = BackupKey::load_or_create(dir.path()).unwrap();
        let again = BackupKey::load_or_create(dir.path()).unwrap();
        assert_eq!(key.secret_text(), again.secret_text());
        let typed = key.secret_grouped().join(" ").to_lowercase();
        assert_eq!(BackupKey::parse(&typed).unwrap().recipient().to_string(), key.recipient().to_string());
        assert!(BackupKey::parse("AGE-SECRET-KEY-1QQQ").is_err());
        assert!(BackupKey::parse("nothing here").is_err());
    }
}
