//! Who can sign in: staff users with a role, residents (warga) with NIK + PIN,
//! their sessions and machine tokens.

use crate::store::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// Petugas pelayanan: front-office clerk.
    Operator,
    /// Kepala desa, or the delegate who signs letters.
    KepalaDesa,
    /// Kader posyandu: volunteer at the child-health post.
    Kader,
    /// Tenaga kesehatan: health worker (bidan, perawat).
    Nakes,
    /// Village treasurer.
    Bendahara,
    /// Partner pharmacy.
    Apotek,
    /// A resident using self-service (NIK + PIN).
    Warga,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Operator,
        Role::KepalaDesa,
        Role::Kader,
        Role::Nakes,
        Role::Bendahara,
        Role::Apotek,
        Role::Warga,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::KepalaDesa => "kepala_desa",
            Role::Kader => "kader",
            Role::Nakes => "nakes",
            Role::Bendahara => "bendahara",
            Role::Apotek => "apotek",
            Role::Warga => "warga",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct User {
    /// Sign-in name; for warga it is `warga:<NIK>`.
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// argon2id PHC string of the password (staff) or PIN (warga).
    pub secret_hash: String,
    pub disabled: bool,
    /// For warga: the resident this account belongs to.
    #[serde(default)]
    pub resident_id: Option<String>,
    pub created: DateTime<Utc>,
}

impl Record for User {
    const TABLE: &'static str = "user";
    fn id(&self) -> &str {
        &self.username
    }
}

pub fn warga_username(nik: &str) -> String {
    format!("warga:{nik}")
}

/// A server-side session. Its id is the SHA-256 of the cookie token, so a copy
/// of the store does not hand out live cookies.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub id: String,
    pub username: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub user_agent: String,
    pub csrf: String,
    /// Last password confirmation, which unlocks sensitive actions for a while.
    pub reauth_at: Option<DateTime<Utc>>,
    /// Opened at the kiosk: short-lived, and signing out returns to the kiosk.
    #[serde(default)]
    pub kiosk: bool,
}

impl Record for Session {
    const TABLE: &'static str = "session";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("user", self.username.clone())]
    }
}

/// A resident's e-KTP card, registered at the counter so the kiosk's card
/// reader can stand in for typing the NIK. The card only says who; the PIN
/// is always asked as well.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KtpCard {
    /// The chip's UID as the reader types it, normalised (see [`card_uid`]):
    /// the id, so one card belongs to one resident.
    pub uid: String,
    pub resident_id: String,
    pub registered: DateTime<Utc>,
    /// Who registered it.
    pub by: String,
}

impl Record for KtpCard {
    const TABLE: &'static str = "ktp_card";
    fn id(&self) -> &str {
        &self.uid
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("resident", self.resident_id.clone())]
    }
}

/// A card reader types the chip's UID as hex (8, 14 or 20 digits for a 4-,
/// 7- or 10-byte UID), some as a decimal number, sometimes with spaces or
/// colons. Normalised to upper-case digits and A–F; None for anything else,
/// and for a 16-digit number, which is a NIK.
pub fn card_uid(typed: &str) -> Option<String> {
    let uid: String = typed.chars().filter(|c| !matches!(c, ' ' | ':' | '-')).map(|c| c.to_ascii_uppercase()).collect();
    let ok = (8..=20).contains(&uid.len()) && uid.bytes().all(|b| b.is_ascii_hexdigit());
    let nik_like = uid.len() == 16 && uid.bytes().all(|b| b.is_ascii_digit());
    (ok && !nik_like).then_some(uid)
}

/// A bearer token for kiosks and integrations, issued by an admin. Stored as
/// the SHA-256 of the token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ApiToken {
    pub id: String,
    pub username: String,
    pub label: String,
    pub created: DateTime<Utc>,
    pub revoked: bool,
}

impl Record for ApiToken {
    const TABLE: &'static str = "api_token";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("user", self.username.clone())]
    }
}

/// The signed-in party of a request, put in the request's extensions by the
/// access guard.
#[derive(Clone, Debug)]
pub struct Identity {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub resident_id: Option<String>,
    /// None for bearer-token requests, which carry no cookie and need no CSRF.
    pub session: Option<Session>,
}

impl Identity {
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map(|s| s.csrf.as_str()).unwrap_or("")
    }
}
