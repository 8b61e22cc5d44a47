//! Messages to the resident about their request, in Indonesian, through the
//! outbox (SMS to the phone on the request or in the register).

use super::model::LetterRequest;
use crate::outbox::gsm::SMS_MAX_CHARS;
use crate::outbox::model::{Channel, NewMessage};
use crate::store::Record;
use crate::store::Store;

fn type_name(store: &Store, r: &LetterRequest) -> String {
    super::operations::letter_type(store, &r.type_code).map(|t| t.name).unwrap_or_else(|| r.type_code.clone())
}

pub fn ready_text(type_name: &str, tracking_code: &str, village: &str) -> String {
    format!(
        "{type_name} Anda sudah jadi. Kode lacak {tracking_code}. Unduh di Balai atau ambil di kantor desa {village}."
    )
}

/// The reason is shortened so the message stays one SMS.
pub fn rejected_text(type_name: &str, tracking_code: &str, reason: &str) -> String {
    let head = format!("Permohonan {type_name} (kode {tracking_code}) ditolak: ");
    let room = SMS_MAX_CHARS.saturating_sub(head.chars().count());
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.chars().count() <= room {
        return format!("{head}{reason}");
    }
    let cut: String = reason.chars().take(room.saturating_sub(3)).collect();
    format!("{head}{}...", cut.trim_end())
}

/// The letter is signed.
pub fn ready(store: &Store, actor: &str, r: &LetterRequest) {
    let village = crate::village::operations::profile(store).name;
    send(store, actor, r, ready_text(&type_name(store, r), &r.tracking_code, &village));
}

pub fn rejected(store: &Store, actor: &str, r: &LetterRequest) {
    let reason = r.rejection_reason().unwrap_or("");
    send(store, actor, r, rejected_text(&type_name(store, r), &r.tracking_code, reason));
}

/// A request without a phone number gets no message; a number the outbox
/// cannot use (a landline) is logged, and the request goes on regardless.
fn send(store: &Store, actor: &str, r: &LetterRequest, body: String) {
    if r.phone.trim().is_empty() {
        return;
    }
    let message = NewMessage {
        channel: Channel::Sms,
        to: r.phone.clone(),
        body,
        about: Some(format!("{}:{}", LetterRequest::TABLE, r.id)),
    };
    if let Err(e) = crate::outbox::operations::enqueue(store, actor, message) {
        tracing::warn!(request = %r.id, error = %e, "no SMS for this letter request");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fit_one_sms() {
        let long = "alasan ".repeat(60);
        let text = rejected_text("Surat Keterangan Tidak Mampu (SKTM)", "ABCD2345", &long);
        assert!(text.chars().count() <= SMS_MAX_CHARS, "{}", text.len());
        assert!(text.ends_with("..."));
        let ready = ready_text("Surat Keterangan Tidak Mampu (SKTM)", "ABCD2345", "Sukamaju Kidul");
        assert!(ready.chars().count() <= SMS_MAX_CHARS, "{ready}");
    }
}
