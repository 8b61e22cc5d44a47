//! Password and PIN rules (OWASP ASVS 2.1): at least 12 characters, no
//! composition rules, not in a list of common breached passwords; argon2id with
//! the library's default (OWASP-recommended) parameters.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;
pub const PIN_LEN: usize = 6;

static BREACHED: &str = include_str!("../../data/passwords/breached-12plus.txt");

fn breached() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| BREACHED.lines().collect())
}

/// Why a new password is refused; each maps to a catalog message.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Weak {
    TooShort,
    TooLong,
    Breached,
    PinFormat,
}

impl Weak {
    pub fn key(self) -> &'static str {
        match self {
            Weak::TooShort => "auth.password.too_short",
            Weak::TooLong => "auth.password.too_long",
            Weak::Breached => "auth.password.breached",
            Weak::PinFormat => "auth.pin.format",
        }
    }
}

pub fn check_new_password(pw: &str) -> Result<(), Weak> {
    let len = pw.chars().count();
    if len < MIN_LEN {
        return Err(Weak::TooShort);
    }
    if len > MAX_LEN {
        return Err(Weak::TooLong);
    }
    if breached().contains(pw.to_lowercase().as_str()) {
        return Err(Weak::Breached);
    }
    Ok(())
}

/// A warga PIN is six digits, issued at the office; sign-in throttling is what
/// makes a small space safe.
pub fn check_new_pin(pin: &str) -> Result<(), Weak> {
    if pin.len() == PIN_LEN && pin.bytes().all(|b| b.is_ascii_digit()) { Ok(()) } else { Err(Weak::PinFormat) }
}

pub fn hash(secret: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

pub fn verify(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).map(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// Spends the same time as a real check, so a sign-in for an unknown user
/// cannot be told apart by timing.
pub fn verify_dummy(secret: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("balai-dummy-password").unwrap_or_default());
    let _ = verify(secret, phc);
}

/// A random password for demo accounts and first-boot admin: 4 groups of 4
/// lower-case letters and digits, easy to read aloud.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..4)
        .map(|_| (0..4).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub fn generate_pin() -> String {
    format!("{:06}", rand::random_range(0..1_000_000u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_breached_list() {
        assert_eq!(check_new_password("short"), Err(Weak::TooShort));
        assert_eq!(check_new_password("qwertyuiopasdfgh"), Err(Weak::Breached));
        assert_eq!(check_new_password("QwertyUiopAsdfgh"), Err(Weak::Breached), "case does not hide it");
        assert_eq!(check_new_password("kopi tubruk di balai desa"), Ok(()));
        assert!(check_new_password(&generate()).is_ok());
        assert_eq!(check_new_password(&"x".repeat(200)), Err(Weak::TooLong));
    }

    #[test]
    fn pins() {
        assert!(check_new_pin("012345").is_ok());
        assert!(check_new_pin("12345").is_err());
        assert!(check_new_pin("12345a").is_err());
        assert_eq!(generate_pin().len(), 6);
    }

    #[test]
    fn argon2id_round_trip() {
        let h = hash("kopi tubruk di balai desa").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("kopi tubruk di balai desa", &h));
        assert!(!verify("kopi tubruk di balai desaX", &h));
        assert!(!verify("x", "not a hash"));
    }
}
