//! Props shared by many pages: the page shell (language, user, nav, flash,
//! CSRF token), pagination, the village profile and history entries.

use crate::i18n::Lang;

/// What every page needs around its content. The daemon fills it per request.
#[derive(Clone, Debug, Default)]
pub struct Shell {
    /// Interface language.
    pub lang: Lang,
    /// Shown in the header and the `<title>`.
    pub village_name: String,
    /// The signed-in user; `None` shows a "Masuk" link instead.
    pub user: Option<UserBadge>,
    /// The CSRF token; every POST form carries it as hidden field `csrf`.
    pub csrf: String,
    /// Navigation links, built by the daemon from the user's role.
    pub nav: Vec<NavItem>,
    /// A one-time message shown at the top of the page.
    pub flash: Option<Flash>,
    /// The path (with query) of this page, used as `next` of the language switch.
    pub current_path: String,
    /// Signed in at the office kiosk, with this many seconds of the session
    /// left: every page shows a large "Selesai" (sign out) button, and when
    /// the session ends the screen goes back to the kiosk by itself, so the
    /// next resident does not find someone's data on it.
    pub kiosk_seconds_left: Option<i64>,
}

/// The signed-in user as shown in the header.
#[derive(Clone, Debug, Default)]
pub struct UserBadge {
    /// Display name.
    pub name: String,
    /// Role, already translated (e.g. `t(lang, "role.operator")`).
    pub role_label: String,
}

/// One navigation link. `label_key` is a catalog key (e.g. `nav.residents`).
#[derive(Clone, Debug, Default)]
pub struct NavItem {
    /// Target URL.
    pub href: String,
    /// Catalog key of the label.
    pub label_key: String,
    /// Marks the current section (`aria-current="page"`).
    pub active: bool,
}

/// Kind of a flash message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FlashKind {
    /// Something was saved.
    #[default]
    Success,
    /// Something failed.
    Error,
    /// Attention needed.
    Warning,
}

/// A one-time message (already translated text).
#[derive(Clone, Debug, Default)]
pub struct Flash {
    /// Colour and icon.
    pub kind: FlashKind,
    /// The message.
    pub text: String,
}

/// Where a list is. Pages are 1-based; `total_pages` 0 or 1 hides the pager.
#[derive(Clone, Debug, Default)]
pub struct Pagination {
    /// Current page, from 1.
    pub page: u32,
    /// Number of pages.
    pub total_pages: u32,
    /// Number of items over all pages.
    pub total_items: u64,
}

/// The village profile (public on the landing page, edited in settings).
#[derive(Clone, Debug, Default)]
pub struct VillageProfile {
    /// Nama desa.
    pub name: String,
    /// Kecamatan.
    pub kecamatan: String,
    /// Kabupaten/kota.
    pub kabupaten: String,
    /// Provinsi.
    pub provinsi: String,
    /// Office address.
    pub address: String,
    /// Name of the kepala desa.
    pub kepala_desa: String,
    /// Office hours, free text.
    pub office_hours: String,
    /// Office phone.
    pub phone: String,
    /// Office e-mail.
    pub email: String,
    /// Petugas pelindungan data (UU PDP 27/2022): name.
    pub dpo_name: String,
    /// Petugas pelindungan data: contact (phone or e-mail).
    pub dpo_contact: String,
}

/// One line of a history: a life event, a change, an access.
#[derive(Clone, Debug, Default)]
pub struct HistoryEntry {
    /// When, formatted in the village's zone.
    pub time: String,
    /// Who (user name).
    pub actor: String,
    /// What kind of event (already translated label).
    pub label: String,
    /// Free detail.
    pub detail: String,
}

/// A (field name, message) pair for form errors and warnings.
pub type FieldMessage = (String, String);

/// The message for `field` in `list`, if any.
pub fn message_for(list: &[FieldMessage], field: &str) -> Option<String> {
    list.iter().find(|(name, _)| name == field).map(|(_, msg)| msg.clone())
}

/// Masks a NIK for roles that may not see it in full: keeps the 6-digit
/// region prefix and the last 4 digits (`320101******0001`).
pub fn mask_nik(nik: &str) -> String {
    let chars: Vec<char> = nik.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let tail = chars.len() - 4;
    chars.iter().enumerate().map(|(i, c)| if i < 6 || i >= tail { *c } else { '*' }).collect()
}

/// The NIK as the page should show it.
pub fn show_nik(nik: &str, full: bool) -> String {
    if full { nik.to_string() } else { mask_nik(nik) }
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Builds `path?k=v&...`, skipping empty values.
pub fn href_with(path: &str, query: &[(&str, &str)]) -> String {
    let parts: Vec<String> =
        query.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
    if parts.is_empty() { path.to_string() } else { format!("{path}?{}", parts.join("&")) }
}

/// Escapes text for HTML/SVG built by hand (charts).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_nik() {
        assert_eq!(mask_nik("3201010101900001"), "320101******0001");
        assert_eq!(mask_nik("123"), "***");
        assert_eq!(show_nik("3201010101900001", true), "3201010101900001");
    }

    #[test]
    fn encodes_query() {
        assert_eq!(href_with("/residents", &[("q", "a b&c"), ("dusun", "")]), "/residents?q=a%20b%26c");
        assert_eq!(escape("<a href=\"x\">"), "&lt;a href=&quot;x&quot;&gt;");
    }
}
