//! Layanan surat (letter service): letter types with versioned templates, the
//! requests residents make, and the letters the village issues.

use crate::store::Record;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A kind of letter the office issues (jenis surat). Its wording and fields
/// live in [`Template`] versions; the type points at the current one.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LetterType {
    /// Short code, the id: `domisili`, `sktm`.
    pub code: String,
    pub name: String,
    /// Kode klasifikasi arsip (Permendagri 83/2022), first part of the number.
    pub kka: String,
    /// Residents may request it themselves (phone, kiosk).
    pub self_service: bool,
    /// The RT/RW must approve before the office verifies.
    pub rt_rw_approval: bool,
    /// Papers the resident brings or photographs, `;`-separated for display.
    pub requirements: String,
    pub enabled: bool,
    pub current_version: u32,
}

impl Record for LetterType {
    const TABLE: &'static str = "letter_type";
    fn id(&self) -> &str {
        &self.code
    }
}

/// One immutable version of a type's fields and wording. Id `code@version`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Template {
    pub id: String,
    pub type_code: String,
    pub version: u32,
    /// The letter's title as printed (upper-cased on the PDF).
    pub title: String,
    pub fields: Vec<FieldSpec>,
    /// The text with `{{placeholders}}`; see `templates.rs` for the syntax.
    pub body: String,
    pub created: DateTime<Utc>,
    pub author: String,
}

impl Template {
    pub fn id_for(code: &str, version: u32) -> String {
        format!("{code}@{version}")
    }
}

impl Record for Template {
    const TABLE: &'static str = "letter_template";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("type", self.type_code.clone())]
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FieldSpec {
    /// Placeholder name: lower case, digits and `_`.
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Paragraph,
    Date,
    Number,
    Choice(Vec<String>),
    /// Another person, by NIK; the register fills `{{name.nama}}` and friends.
    Person,
}

/// How a request reached the office.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The resident's own phone on the village Wi-Fi.
    Online,
    Kiosk,
    /// Entered by the operator from a paper request.
    Counter,
    Api,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for the RT/RW (types with `rt_rw_approval`).
    AwaitingRtRw,
    /// Waiting for the office to check it.
    Submitted,
    /// Checked; waiting for the signer.
    Verified,
    Rejected,
    Signed,
    /// Handed over: picked up at the office or delivered.
    HandedOver,
}

impl State {
    pub const ALL: [State; 6] =
        [State::AwaitingRtRw, State::Submitted, State::Verified, State::Rejected, State::Signed, State::HandedOver];

    pub fn code(self) -> &'static str {
        match self {
            State::AwaitingRtRw => "awaiting_rt_rw",
            State::Submitted => "submitted",
            State::Verified => "verified",
            State::Rejected => "rejected",
            State::Signed => "signed",
            State::HandedOver => "handed_over",
        }
    }

    pub fn parse(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still needs the office's work.
    pub fn is_open(self) -> bool {
        matches!(self, State::AwaitingRtRw | State::Submitted | State::Verified)
    }
}

/// A step in a request's life, shown to the resident on the tracking page.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Step {
    pub state: State,
    pub at: DateTime<Utc>,
    pub by: String,
    /// A rejection reason, the RT/RW official's name, how it was handed over.
    #[serde(default)]
    pub note: String,
}

/// A resident's request for a letter (permohonan surat).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LetterRequest {
    pub id: String,
    /// Short code the resident uses to follow the request without signing in.
    pub tracking_code: String,
    pub type_code: String,
    /// The template version the request was made against.
    pub template_version: u32,
    pub channel: Channel,
    /// The person the letter is about, as entered (NIK) and as found.
    pub nik: String,
    pub resident_id: Option<String>,
    /// The subject's data at the time of the request: from the register, or
    /// typed in for someone not in it (`in_register` false flags it).
    pub subject: BTreeMap<String, String>,
    pub in_register: bool,
    /// Values of the type's own fields.
    pub values: BTreeMap<String, String>,
    /// For "your letter is ready" messages.
    pub phone: String,
    /// Content hashes of attached photos (see `files`).
    pub attachments: Vec<String>,
    pub state: State,
    pub steps: Vec<Step>,
    /// The form's one-time token: a second submit of the same form finds this
    /// request instead of making another.
    pub form_token: String,
    pub created: DateTime<Utc>,
    pub created_by: String,
    /// Set when signed.
    pub letter_number: Option<String>,
}

impl LetterRequest {
    pub fn step_at(&self, state: State) -> Option<DateTime<Utc>> {
        self.steps.iter().find(|s| s.state == state).map(|s| s.at)
    }

    pub fn rejection_reason(&self) -> Option<&str> {
        self.steps.iter().rev().find(|s| s.state == State::Rejected).map(|s| s.note.as_str())
    }
}

impl Record for LetterRequest {
    const TABLE: &'static str = "letter_request";
    const UNIQUE: &'static [&'static str] = &["tracking", "form"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![
            ("tracking", self.tracking_code.clone()),
            ("form", self.form_token.clone()),
            // `state/…` newest first in key order, so the inbox pages and
            // counts a state without loading its requests
            ("state", format!("{}/{:020}", self.state.code(), i64::MAX - self.created.timestamp_micros())),
            ("nik", self.nik.clone()),
        ];
        if let Some(r) = &self.resident_id {
            keys.push(("resident", r.clone()));
        }
        keys
    }
}

/// A signed letter: everything needed to print it again byte for byte, so the
/// PDF is not stored. Id: the request id (one letter per request).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IssuedLetter {
    pub request_id: String,
    pub number: String,
    pub type_code: String,
    pub template_version: u32,
    pub nik: String,
    pub name: String,
    pub date: NaiveDate,
    pub title: String,
    /// The body with placeholders filled, in the template's block syntax.
    pub body: String,
    pub letterhead: Vec<String>,
    pub address: String,
    /// SHA-256 of the logo the letter was signed with (kept under
    /// `<data-dir>/letters/logos/`), so a new logo never changes a reprint.
    #[serde(default)]
    pub logo: Option<String>,
    pub place_date: String,
    pub signer_position: String,
    pub signer_name: String,
    pub signer_user: String,
    pub paper: String,
    /// The compact signed payload the QR carries.
    pub sealed: String,
    pub content_hash: String,
    pub signed_at: DateTime<Utc>,
    pub revoked: Option<Revocation>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Revocation {
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

impl Record for IssuedLetter {
    const TABLE: &'static str = "letter";
    const UNIQUE: &'static [&'static str] = &["number"];
    fn id(&self) -> &str {
        &self.request_id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("number", self.number.clone()), ("nik", self.nik.clone())]
    }
}

/// The last nomor urut of a sequence in a year. Id `kka/year` (see numbering.rs).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NumberCounter {
    pub id: String,
    pub last: u32,
}

impl Record for NumberCounter {
    const TABLE: &'static str = "letter_counter";
    fn id(&self) -> &str {
        &self.id
    }
}
