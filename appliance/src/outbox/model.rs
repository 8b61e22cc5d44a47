//! Outbox messages: channels, delivery states, and the checks a message
//! passes before it is stored (phone numbers, e-mail addresses, SMS text).

use super::gsm::{self, GsmError};
use crate::store::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Through the GSM modem on the box.
    Sms,
    /// Held until the uplink carries it.
    Whatsapp,
    /// Held until the uplink carries it.
    Email,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
        }
    }

    /// WhatsApp and e-mail need a connection the box usually lacks.
    pub fn held(self) -> bool {
        self != Channel::Sms
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for the worker (now or at `next_attempt`).
    Queued,
    /// Handed to the modem; back to `Queued` if the daemon stops here.
    Sending,
    /// The modem confirmed it (`+CMGS`).
    Sent,
    /// Every attempt failed; an operator may retry it.
    Failed,
    /// WhatsApp/e-mail waiting for the uplink.
    Held,
    /// Taken by an uplink export or connection.
    Carried,
}

impl State {
    pub const ALL: [State; 6] =
        [State::Queued, State::Sending, State::Sent, State::Failed, State::Held, State::Carried];

    pub fn code(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Held => "held",
            State::Carried => "carried",
        }
    }

    pub fn parse(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What a domain asks the outbox to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    pub channel: Channel,
    /// A phone number (08…, 628…, +628…) or, for e-mail, an address.
    pub to: String,
    /// In Indonesian; for SMS at most 160 characters of the GSM alphabet.
    pub body: String,
    /// What the message is about, to trace it back (e.g. `letter_request:<id>`).
    pub about: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub channel: Channel,
    /// Normalised: `+628…` for SMS and WhatsApp, lower-case for e-mail.
    pub to: String,
    /// As it will be sent (for SMS: already in the GSM alphabet).
    pub body: String,
    pub about: Option<String>,
    pub state: State,
    /// Attempts made so far (a manual retry adds one more).
    pub attempts: u32,
    /// The last failure, kept after a later success so the page shows it.
    pub last_error: Option<String>,
    /// When a queued message is due.
    pub next_attempt: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
    pub created_by: String,
    pub updated: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The modem's message reference from `+CMGS: <ref>`.
    pub reference: Option<String>,
}

impl Record for Message {
    const TABLE: &'static str = "outbox_message";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        let newest_first = newest_first_key(self.created);
        vec![
            ("state", self.state.code().to_string()),
            ("list", format!("all/{newest_first}")),
            ("list", format!("{}/{newest_first}", self.state.code())),
        ]
    }
}

/// Sorts newest first in an index that walks keys in ascending order.
fn newest_first_key(t: DateTime<Utc>) -> String {
    let micros = t.timestamp_micros().max(0);
    format!("{:019}", i64::MAX - micros)
}

/// A refused message: the field and the catalog key of the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub key: &'static str,
    /// A detail for the message's `{detail}` placeholder (a character, a count).
    pub detail: String,
}

fn invalid(field: &'static str, key: &'static str, detail: impl Into<String>) -> Invalid {
    Invalid { field, key, detail: detail.into() }
}

/// An Indonesian mobile number as `+628…`. Accepts `08…`, `628…` and
/// `+628…` with spaces, dots, dashes or brackets between the digits.
pub fn normalize_phone(raw: &str) -> Result<String, Invalid> {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("to", "outbox.to.phone", raw.trim()));
    }
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest
    } else if !compact.starts_with('+') && digits.starts_with('0') {
        &digits[1..]
    } else {
        return Err(invalid("to", "outbox.to.phone", raw.trim()));
    };
    // Mobile numbers: 8, then 8 to 11 more digits (0812-3456-78 … 0812-3456-78901).
    if !national.starts_with('8') || !(9..=12).contains(&national.len()) {
        return Err(invalid("to", "outbox.to.phone", raw.trim()));
    }
    Ok(format!("+62{national}"))
}

/// A plausible e-mail address, lower-cased: one `@`, a dotted domain, no spaces.
pub fn normalize_email(raw: &str) -> Result<String, Invalid> {
    let addr = raw.trim().to_lowercase();
    let ok = addr.len() <= 254
        && !addr.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && match addr.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if ok { Ok(addr) } else { Err(invalid("to", "outbox.to.email", raw.trim())) }
}

/// The message as it will be stored: recipient normalised, body checked.
pub fn checked(message: &NewMessage) -> Result<(String, String), Invalid> {
    let to = match message.channel {
        Channel::Sms | Channel::Whatsapp => normalize_phone(&message.to)?,
        Channel::Email => normalize_email(&message.to)?,
    };
    let body = message.body.trim();
    if body.is_empty() {
        return Err(invalid("body", "outbox.body.empty", ""));
    }
    let body = match message.channel {
        Channel::Sms => gsm::fit(body).map_err(|e| match e {
            GsmError::Unsupported(c) => invalid("body", "outbox.body.charset", c.to_string()),
            GsmError::TooLong(n) => invalid("body", "outbox.body.too_long", n.to_string()),
        })?,
        Channel::Whatsapp | Channel::Email if body.chars().count() > 4000 => {
            return Err(invalid("body", "outbox.body.too_long", body.chars().count().to_string()));
        }
        Channel::Whatsapp | Channel::Email => body.to_string(),
    };
    Ok((to, body))
}

/// `+6281234567890` → `+62812*****890`; `siti@desa.id` → `s***@desa.id`.
pub fn mask_recipient(to: &str) -> String {
    if let Some((local, domain)) = to.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = to.chars().collect();
    if chars.len() <= 9 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_to_plus_62() {
        for raw in ["081234567890", "0812-3456-7890", "6281234567890", "+62 812 3456 7890", "(0812) 3456.7890"] {
            assert_eq!(normalize_phone(raw).unwrap(), "+6281234567890", "{raw}");
        }
        assert_eq!(normalize_phone("08123456789").unwrap(), "+628123456789");
        assert_eq!(normalize_phone("0812345678").unwrap(), "+62812345678");
    }

    #[test]
    fn other_numbers_are_refused_naming_the_field() {
        for raw in
            ["", "12345", "0212345678", "+1 555 0100", "0812", "08123456789012345", "0812abc4567", "+0812345678", "62"]
        {
            let e = normalize_phone(raw).unwrap_err();
            assert_eq!((e.field, e.key), ("to", "outbox.to.phone"), "{raw}");
        }
    }

    #[test]
    fn email_addresses_get_a_sanity_check() {
        assert_eq!(normalize_email(" Siti@Desa.ID ").unwrap(), "siti@desa.id");
        for raw in ["siti", "siti@desa", "@desa.id", "a@b@c.id", "si ti@desa.id", "a@.id", "a@desa..id", "a@desa.id."] {
            assert_eq!(normalize_email(raw).unwrap_err().key, "outbox.to.email", "{raw}");
        }
    }

    #[test]
    fn bodies_are_checked_per_channel() {
        let m =
            |channel, body: &str| NewMessage { channel, to: "0812 3456 7890".into(), body: body.into(), about: None };
        assert_eq!(checked(&m(Channel::Sms, "  ")).unwrap_err().key, "outbox.body.empty");
        assert_eq!(checked(&m(Channel::Sms, "Halo 😀")).unwrap_err().detail, "😀");
        assert_eq!(checked(&m(Channel::Sms, &"x".repeat(170))).unwrap_err().key, "outbox.body.too_long");
        assert_eq!(
            checked(&m(Channel::Sms, "Siap – ambil")).unwrap(),
            ("+6281234567890".into(), "Siap - ambil".into())
        );
        // WhatsApp carries any text, to a phone number
        assert_eq!(checked(&m(Channel::Whatsapp, "Halo 😀")).unwrap().1, "Halo 😀");
        let email = NewMessage { channel: Channel::Email, to: "bad".into(), body: "x".into(), about: None };
        assert_eq!(checked(&email).unwrap_err().field, "to");
    }

    #[test]
    fn recipients_are_masked() {
        assert_eq!(mask_recipient("+6281234567890"), "+62812*****890");
        assert_eq!(mask_recipient("siti@desa.id"), "s***@desa.id");
        assert_eq!(mask_recipient("+62812"), "******");
    }

    #[test]
    fn list_keys_sort_newest_first() {
        let old = newest_first_key(DateTime::from_timestamp(1_000, 0).unwrap());
        let new = newest_first_key(DateTime::from_timestamp(2_000, 0).unwrap());
        assert!(new < old);
        assert_eq!(old.len(), new.len());
    }

    #[test]
    fn channels_and_states_are_snake_case() {
        assert_eq!(serde_json::to_string(&Channel::Whatsapp).unwrap(), "\"whatsapp\"");
        for s in State::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.code()));
            assert_eq!(State::parse(s.code()), Some(s));
        }
    }
}
