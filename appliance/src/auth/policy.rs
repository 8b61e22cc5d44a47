//! The one access policy: every route Balai serves has exactly one row here, and
//! the server refuses to start if a route has none (see `http::registry`). The
//! matrix test walks this table and checks every role it does not list is
//! refused.

use super::model::Role::{self, *};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Any signed-in account, residents included.
    SignedIn,
    Roles(&'static [Role]),
}

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// Needs a fresh password confirmation (user admin, export, restore).
    pub reauth: bool,
}

/// Office staff who work with the whole register.
const REGISTER_READ: &[Role] = &[Admin, Operator, KepalaDesa];
const REGISTER_WRITE: &[Role] = &[Admin, Operator];
const STAFF: &[Role] = &[Admin, Operator, KepalaDesa, Kader, Nakes, Bendahara];
const ADMIN: &[Role] = &[Admin];
/// The letter desk: who sees requests (the signer included).
const LETTER_DESK: &[Role] = &[Admin, Operator, KepalaDesa];
/// Who checks requests and hands letters over.
const LETTER_CLERK: &[Role] = &[Admin, Operator];
/// Who signs letters: the kepala desa or a delegate with that role.
const SIGNER: &[Role] = &[KepalaDesa];
/// Who works a queue counter (loket) or runs a ticket kiosk with a token.
const QUEUE_DESK: &[Role] = &[Admin, Operator, KepalaDesa];

/// Who works with children's health records: the posyandu kader, the health
/// worker (nakes) and the admin.
const HEALTH_DESK: &[Role] = &[Admin, Kader, Nakes];
/// Who sets up posyandu posts.
const HEALTH_ADMIN: &[Role] = &[Admin, Nakes];
/// Who reads and writes personal health records (immunization cards,
/// pregnancies, consultations, the health record): the kader and the nakes.
/// Not the admin: running the box needs no one's health data (least privilege).
const HEALTH_CARE: &[Role] = &[Kader, Nakes];
/// Clinical entries: antenatal visits, telemedicine sessions, notes, prescriptions.
const CLINICAL: &[Role] = &[Nakes];
/// Figures without names (immunization coverage).
const HEALTH_FIGURES: &[Role] = &[Admin, KepalaDesa, Kader, Nakes];
/// The village post, which carries prescriptions to the door (sees names and addresses only).
const DELIVERY: &[Role] = &[Operator, Kader, Nakes];
/// A partner pharmacy.
const PHARMACY: &[Role] = &[Apotek];

const fn rule(method: &'static str, path: &'static str, access: Access) -> Rule {
    Rule { method, path, access, reauth: false }
}

const fn sensitive(method: &'static str, path: &'static str, access: Access) -> Rule {
    Rule { method, path, access, reauth: true }
}

use Access::{Public, Roles, SignedIn};

pub const POLICY: &[Rule] = &[
    // public
    rule("GET", "/", Public),
    rule("GET", "/healthz", Public),
    rule("GET", "/ca.crt", Public),
    rule("GET", "/static/balai.css", Public),
    rule("GET", "/lang", Public),
    rule("GET", "/signin", Public),
    rule("POST", "/signin/staff", Public),
    rule("POST", "/signin/warga", Public),
    // the office kiosk: residents sign in with NIK or e-KTP card, always with the PIN
    rule("GET", "/kiosk", Public),
    rule("POST", "/kiosk/signin", Public),
    rule("GET", "/api/v1/openapi.json", Public),
    // every account
    rule("POST", "/signout", SignedIn),
    rule("GET", "/reauth", SignedIn),
    rule("POST", "/reauth", SignedIn),
    rule("GET", "/sessions", SignedIn),
    rule("POST", "/sessions/{id}/revoke", SignedIn),
    // a resident's own record
    rule("GET", "/me", Roles(&[Warga])),
    // office
    rule("GET", "/dashboard", Roles(STAFF)),
    rule("GET", "/statistics", Roles(STAFF)),
    rule("GET", "/search", Roles(REGISTER_READ)),
    rule("GET", "/residents", Roles(REGISTER_READ)),
    rule("GET", "/residents/new", Roles(REGISTER_WRITE)),
    rule("POST", "/residents", Roles(REGISTER_WRITE)),
    rule("GET", "/residents/import", Roles(REGISTER_WRITE)),
    rule("POST", "/residents/import", Roles(REGISTER_WRITE)),
    rule("GET", "/residents/import/template.csv", Roles(REGISTER_WRITE)),
    sensitive("GET", "/residents/export", Roles(ADMIN)),
    rule("GET", "/residents/{id}", Roles(REGISTER_READ)),
    rule("GET", "/residents/{id}/edit", Roles(REGISTER_WRITE)),
    rule("POST", "/residents/{id}", Roles(REGISTER_WRITE)),
    rule("POST", "/residents/{id}/events", Roles(REGISTER_WRITE)),
    rule("GET", "/residents/{id}/access-report", Roles(&[Admin, Operator])),
    rule("GET", "/families/{id}", Roles(REGISTER_READ)),
    rule("POST", "/families/{id}/kk", Roles(REGISTER_WRITE)),
    // layanan surat: residents
    rule("GET", "/surat", Roles(&[Warga])),
    rule("GET", "/surat/ajukan/{code}", Roles(&[Warga])),
    rule("POST", "/surat/ajukan/{code}", Roles(&[Warga])),
    rule("GET", "/surat/{id}", Roles(&[Warga])),
    rule("GET", "/surat/{id}/pdf", Roles(&[Warga])),
    // layanan surat: anyone (rate-limited lookups)
    rule("GET", "/lacak", Public),
    rule("GET", "/verify", Public),
    // layanan surat: the office
    rule("GET", "/letters", Roles(LETTER_DESK)),
    rule("GET", "/letters/new", Roles(LETTER_CLERK)),
    rule("POST", "/letters/new", Roles(LETTER_CLERK)),
    rule("GET", "/letters/{id}", Roles(LETTER_DESK)),
    rule("GET", "/letters/{id}/pdf", Roles(LETTER_DESK)),
    rule("POST", "/letters/{id}/approve", Roles(LETTER_CLERK)),
    rule("POST", "/letters/{id}/verify", Roles(LETTER_CLERK)),
    rule("POST", "/letters/{id}/reject", Roles(LETTER_DESK)),
    rule("POST", "/letters/{id}/sign", Roles(SIGNER)),
    rule("POST", "/letters/{id}/handover", Roles(LETTER_CLERK)),
    rule("POST", "/letters/{id}/revoke", Roles(&[KepalaDesa, Admin])),
    rule("GET", "/letters/types", Roles(ADMIN)),
    rule("GET", "/letters/types/new", Roles(ADMIN)),
    rule("POST", "/letters/types", Roles(ADMIN)),
    rule("POST", "/letters/types/new/preview", Roles(ADMIN)),
    rule("GET", "/letters/types/{code}", Roles(ADMIN)),
    rule("POST", "/letters/types/{code}", Roles(ADMIN)),
    rule("POST", "/letters/types/{code}/preview", Roles(ADMIN)),
    // a resident's e-KTP card for the kiosk's reader
    rule("POST", "/residents/{id}/card", Roles(REGISTER_WRITE)),
    rule("POST", "/residents/{id}/card/remove", Roles(REGISTER_WRITE)),
    // photos attached to requests (KTP, KK): staff who handle requests
    rule("GET", "/files/{id}", Roles(LETTER_DESK)),
    // administration
    rule("GET", "/audit", Roles(ADMIN)),
    rule("POST", "/audit/verify", Roles(ADMIN)),
    rule("GET", "/users", Roles(ADMIN)),
    sensitive("POST", "/users", Roles(ADMIN)),
    sensitive("POST", "/users/{id}/disable", Roles(ADMIN)),
    sensitive("POST", "/users/{id}/enable", Roles(ADMIN)),
    rule("POST", "/users/pin", Roles(REGISTER_WRITE)),
    rule("GET", "/duplicates", Roles(ADMIN)),
    rule("POST", "/duplicates", Roles(ADMIN)),
    rule("POST", "/duplicates/{id}/resolve", Roles(ADMIN)),
    rule("GET", "/settings", Roles(ADMIN)),
    rule("POST", "/settings", Roles(ADMIN)),
    // posyandu: posts and the children they follow (personal health data)
    rule("GET", "/posyandu", Roles(HEALTH_DESK)),
    rule("POST", "/posyandu", Roles(HEALTH_ADMIN)),
    rule("GET", "/posyandu/{id}", Roles(HEALTH_CARE)),
    rule("POST", "/posyandu/{id}/children", Roles(HEALTH_CARE)),
    // imunisasi: children's doses, due lists, reminders; coverage is figures only
    rule("GET", "/imunisasi", Roles(HEALTH_CARE)),
    rule("GET", "/imunisasi/posyandu/{id}", Roles(HEALTH_CARE)),
    rule("POST", "/imunisasi/posyandu/{id}/pengingat", Roles(HEALTH_CARE)),
    rule("GET", "/imunisasi/anak/{id}", Roles(HEALTH_CARE)),
    rule("POST", "/imunisasi/anak/{id}", Roles(HEALTH_CARE)),
    rule("GET", "/imunisasi/cakupan", Roles(HEALTH_FIGURES)),
    rule("GET", "/imunisasi/cakupan.csv", Roles(HEALTH_FIGURES)),
    // ibu hamil: pregnancies, antenatal visits (the nakes), the birth
    rule("GET", "/ibu-hamil", Roles(HEALTH_CARE)),
    rule("POST", "/ibu-hamil", Roles(HEALTH_CARE)),
    rule("GET", "/ibu-hamil/{id}", Roles(HEALTH_CARE)),
    rule("POST", "/ibu-hamil/{id}/kunjungan", Roles(CLINICAL)),
    rule("POST", "/ibu-hamil/{id}/persalinan", Roles(HEALTH_CARE)),
    // telemedis: sessions, bookings, notes and e-prescriptions
    rule("GET", "/telemedis", Roles(HEALTH_CARE)),
    rule("POST", "/telemedis", Roles(CLINICAL)),
    rule("GET", "/telemedis/{id}", Roles(HEALTH_CARE)),
    rule("POST", "/telemedis/{id}/booking", Roles(HEALTH_CARE)),
    rule("GET", "/telemedis/konsultasi/{id}", Roles(HEALTH_CARE)),
    rule("POST", "/telemedis/konsultasi/{id}/catatan", Roles(CLINICAL)),
    rule("POST", "/telemedis/konsultasi/{id}/resep", Roles(CLINICAL)),
    rule("GET", "/resep/{id}", Roles(HEALTH_CARE)),
    // the village post carries prescriptions to the door
    rule("GET", "/antar", Roles(DELIVERY)),
    rule("POST", "/antar/{id}/bawa", Roles(DELIVERY)),
    rule("POST", "/antar/{id}/terima", Roles(DELIVERY)),
    // a partner pharmacy: only what is addressed to it
    rule("GET", "/apotek", Roles(PHARMACY)),
    rule("GET", "/apotek/resep/{id}", Roles(PHARMACY)),
    rule("POST", "/apotek/resep/{id}/siap", Roles(PHARMACY)),
    rule("POST", "/apotek/resep/{id}/kirim", Roles(PHARMACY)),
    // the resident's health record (every view audited)
    rule("GET", "/rekam-kesehatan", Roles(HEALTH_CARE)),
    rule("GET", "/rekam-kesehatan/{id}", Roles(HEALTH_CARE)),
    // growth monitoring: weighing sessions, growth charts, the at-risk list, the
    // monthly report and the POS Gizi. Kader and nakes weigh and deliver meals;
    // the nakes marks follow-ups and enrolls children; the report's figures (no
    // names) also go to the admin and the kepala desa; nobody else sees a
    // child's measurements.
    rule("GET", "/posyandu/{id}/sesi", Roles(HEALTH_CARE)),
    rule("POST", "/posyandu/{id}/sesi", Roles(HEALTH_CARE)),
    rule("GET", "/posyandu/anak/{id}", Roles(HEALTH_CARE)),
    rule("GET", "/posyandu/gizi/risiko", Roles(HEALTH_CARE)),
    rule("POST", "/posyandu/gizi/risiko/{id}", Roles(CLINICAL)),
    rule("GET", "/posyandu/gizi/laporan", Roles(HEALTH_FIGURES)),
    rule("GET", "/posyandu/gizi/laporan.csv", Roles(HEALTH_FIGURES)),
    rule("GET", "/posyandu/gizi/eppgbm.csv", Roles(HEALTH_CARE)),
    rule("GET", "/posyandu/gizi/pos", Roles(HEALTH_CARE)),
    rule("POST", "/posyandu/gizi/pos/daftar", Roles(CLINICAL)),
    rule("POST", "/posyandu/gizi/pos/antar", Roles(HEALTH_CARE)),
    // outbox: notifications and the SMS modem
    rule("GET", "/outbox", Roles(&[Admin, Operator])),
    rule("POST", "/outbox/{id}/retry", Roles(&[Admin, Operator])),
    rule("POST", "/outbox/test", Roles(&[Admin, Operator])),
    // JSON API (bearer tokens or a session)
    rule("GET", "/api/v1/residents", Roles(REGISTER_READ)),
    rule("POST", "/api/v1/residents", Roles(REGISTER_WRITE)),
    rule("GET", "/api/v1/residents/{id}", Roles(REGISTER_READ)),
    rule("PUT", "/api/v1/residents/{id}", Roles(REGISTER_WRITE)),
    rule("GET", "/api/v1/families", Roles(REGISTER_READ)),
    rule("GET", "/api/v1/families/{id}", Roles(REGISTER_READ)),
    rule("GET", "/api/v1/search", Roles(REGISTER_READ)),
    rule("GET", "/api/v1/statistics", Roles(STAFF)),
    rule("GET", "/api/v1/letter-types", Roles(&[Admin, Operator, KepalaDesa, Warga])),
    rule("POST", "/api/v1/letters", Roles(&[Admin, Operator, Warga])),
    rule("GET", "/api/v1/letters/{id}", Roles(&[Admin, Operator, KepalaDesa, Warga])),
    rule("POST", "/api/v1/letters/{id}/verify", Roles(LETTER_CLERK)),
    rule("POST", "/api/v1/letters/{id}/reject", Roles(LETTER_DESK)),
    rule("POST", "/api/v1/letters/{id}/sign", Roles(SIGNER)),
    rule("GET", "/api/v1/letters/{id}/pdf", Roles(&[Admin, Operator, KepalaDesa, Warga])),
    rule("GET", "/api/v1/verify", Public),
    // the queue (antrian): tickets are taken on the office LAN without an
    // account (limited per address); the board and its stream are for a TV
    rule("GET", "/antrian", Public),
    rule("POST", "/antrian/tickets", Public),
    rule("GET", "/antrian/tickets/{id}", Public),
    rule("GET", "/antrian/papan", Public),
    rule("GET", "/antrian/events", Public),
    rule("GET", "/antrian/announcements/{id}.wav", Public),
    rule("GET", "/static/board.js", Public),
    rule("GET", "/static/queue.css", Public),
    rule("GET", "/antrian/loket", Roles(QUEUE_DESK)),
    rule("POST", "/antrian/loket/call", Roles(QUEUE_DESK)),
    rule("POST", "/antrian/loket/recall", Roles(QUEUE_DESK)),
    rule("POST", "/antrian/loket/serve", Roles(QUEUE_DESK)),
    rule("POST", "/antrian/loket/finish", Roles(QUEUE_DESK)),
    rule("POST", "/antrian/loket/skip", Roles(QUEUE_DESK)),
    rule("GET", "/antrian/layanan", Roles(ADMIN)),
    rule("POST", "/antrian/layanan", Roles(ADMIN)),
    rule("POST", "/antrian/layanan/{id}", Roles(ADMIN)),
    rule("POST", "/api/v1/queue/tickets", Roles(QUEUE_DESK)),
    rule("POST", "/api/v1/queue/call", Roles(QUEUE_DESK)),
    rule("POST", "/api/v1/queue/tickets/{id}/recall", Roles(QUEUE_DESK)),
    rule("POST", "/api/v1/queue/tickets/{id}/finish", Roles(QUEUE_DESK)),
    rule("POST", "/api/v1/queue/tickets/{id}/skip", Roles(QUEUE_DESK)),
    rule("GET", "/api/v1/queue/state", Roles(QUEUE_DESK)),
    // devices and their readings (MQTT). /metrics is for the admin: a
    // Prometheus scraper uses an admin's API token (bearer). The counters name
    // devices and traffic, which is not for the public.
    rule("GET", "/metrics", Roles(ADMIN)),
    rule("GET", "/perangkat/{id}/data.csv", Roles(&[Admin, Operator, KepalaDesa])),
    rule("GET", "/perangkat", Roles(ADMIN)),
    rule("POST", "/perangkat", Roles(ADMIN)),
    rule("POST", "/perangkat/{id}/rotate", Roles(ADMIN)),
    rule("POST", "/perangkat/{id}/revoke", Roles(ADMIN)),
    // smart farming: the office and the village head follow the fields
    rule("GET", "/pertanian", Roles(STAFF)),
    // backups: the page and the button for the admin; the recovery sheet
    // (the backup key) and a backup's download need a fresh password
    rule("GET", "/admin/cadangan", Roles(ADMIN)),
    rule("POST", "/admin/cadangan", Roles(ADMIN)),
    sensitive("GET", "/admin/cadangan/lembar", Roles(ADMIN)),
    sensitive("GET", "/admin/cadangan/{id}/unduh", Roles(ADMIN)),
];

pub fn find(method: &str, path_pattern: &str) -> Option<&'static Rule> {
    POLICY.iter().find(|r| r.method == method && r.path == path_pattern)
}

impl Access {
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (Access::SignedIn, Some(_)) => true,
            (Access::Roles(roles), Some(r)) => roles.contains(&r),
            (_, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_route() {
        for (i, a) in POLICY.iter().enumerate() {
            for b in &POLICY[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "two rules for {} {}", a.method, a.path);
            }
        }
    }

    #[test]
    fn residents_cannot_reach_the_register() {
        let r = find("GET", "/residents/{id}").unwrap();
        assert!(!r.access.allows(Some(Role::Warga)));
        assert!(!r.access.allows(None));
        assert!(r.access.allows(Some(Role::Operator)));
    }
}
