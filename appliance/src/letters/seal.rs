//! The electronic signature of a letter. Two signatures, one Ed25519 key held
//! on the box:
//!
//! - the **seal**: a compact signed payload (number, NIK, type, date, content
//!   hash) that travels in the QR code, so a phone can check a paper letter;
//! - the **PDF signature**: over every byte of the file except a fixed-size
//!   slot reserved for it (like the ByteRange of PDF signatures), so a
//!   kecamatan office can prove offline, with only the village's public key,
//!   that a PDF is exactly what the village issued.
//!
//! Formats are versioned by prefix and described in docs/letters-signature.md.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{Datelike, NaiveDate};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The sealed text starts with this; a later format gets `v2.`.
pub const SEAL_PREFIX: &str = "v1.";
/// Signed together with the payload, so a seal can never be replayed as any
/// other kind of Balai signature (and the reverse).
const SEAL_CONTEXT: &[u8] = b"balai-letter-seal-v1\0";
const PDF_CONTEXT: &[u8] = b"balai-letter-pdf-v1\0";

/// In the PDF's /Keywords: this marker, then the signature slot.
pub(crate) const SIGNATURE_MARKER: &str = "balai-sig-v1 ";
/// After the slot in /Keywords: the QR text, so the verifier need not decode the image.
pub(crate) const QR_MARKER: &str = ", balai-qr ";
const KEY_ID_HEX: usize = 16;
const SIGNATURE_HEX: usize = 128;
/// The slot: the signer's key id and the signature, in hex; zeros until signed.
pub(crate) const SLOT_LEN: usize = KEY_ID_HEX + SIGNATURE_HEX;

const KEY_FILE: &str = "letter-signing.key";
const PUB_FILE: &str = "letter-signing.pub";
const SECRET_PREFIX: &str = "balai-ed25519-secret-v1:";
const PUBLIC_PREFIX: &str = "balai-ed25519-v1:";

/// What the seal and the PDF carry about a letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    pub number: String,
    pub nik: String,
    pub type_code: String,
    pub date: NaiveDate,
    pub content_hash: [u8; 32],
    pub key_id: String,
}

/// The village's public key: what a kecamatan office keeps to check letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// A short id (the first 8 bytes of SHA-256 of the key, hex), printed in
    /// every seal so a letter signed with another key is named as such.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..KEY_ID_HEX / 2])
    }

    /// Checks a signature made with [`LetterKey::sign_for`] for `purpose`.
    pub fn verify_for(&self, purpose: &str, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0.verify(&purposed(purpose, message), &Signature::from_bytes(signature)).is_ok()
    }

    /// The one-line form `parse_public_key` reads.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_PREFIX}{}", B64.encode(self.0.as_bytes()))
    }

    /// The .pub file and `balai letter public-key`: a comment line for people, then the key.
    pub fn to_file_text(&self) -> String {
        format!("# Balai letter-signing public key (Ed25519), key id {}\n{}\n", self.key_id(), self.to_text())
    }
}

/// The Ed25519 signing key held on the box.
pub struct LetterKey {
    signing: SigningKey,
}

impl LetterKey {
    /// Reads `letter-signing.key` from `keys_dir`, making it (mode 0600) on
    /// first use, and keeps `letter-signing.pub` beside it.
    pub fn load_or_create(keys_dir: &Path) -> anyhow::Result<LetterKey> {
        use anyhow::Context;
        std::fs::create_dir_all(keys_dir).with_context(|| keys_dir.display().to_string())?;
        let key_path = keys_dir.join(KEY_FILE);
        if !key_path.exists() {
            let seed: [u8; 32] = rand::random();
            let text = format!(
                "# Balai letter-signing key (Ed25519). Secret: anyone holding it can sign letters.\n{SECRET_PREFIX}{}\n",
                B64.encode(seed)
            );
            match crate::http::tls::write_private(&key_path, &text) {
                Ok(()) => {}
                // Another process made it first: use theirs.
                Err(e) if key_path.exists() => tracing::debug!("letter key made concurrently: {e}"),
                Err(e) => return Err(e).with_context(|| key_path.display().to_string()),
            }
        }
        let text = std::fs::read_to_string(&key_path).with_context(|| key_path.display().to_string())?;
        let seed = key_line(&text, SECRET_PREFIX)
            .and_then(|b64| B64.decode(b64).ok())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .with_context(|| format!("{} is not a Balai letter-signing key", key_path.display()))?;
        let key = LetterKey { signing: SigningKey::from_bytes(&seed) };
        let pub_path = keys_dir.join(PUB_FILE);
        let pub_text = key.public().to_file_text();
        if std::fs::read_to_string(&pub_path).ok().as_deref() != Some(pub_text.as_str()) {
            std::fs::write(&pub_path, pub_text).with_context(|| pub_path.display().to_string())?;
        }
        Ok(key)
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    pub fn key_id(&self) -> String {
        self.public().key_id()
    }

    /// Signs `message` for another purpose than letters (uplink bundles). The
    /// purpose is signed with it, so such a signature can never pass as a
    /// letter's or another purpose's.
    pub fn sign_for(&self, purpose: &str, message: &[u8]) -> [u8; 64] {
        self.signing.sign(&purposed(purpose, message)).to_bytes()
    }

    /// A key from a fixed seed, for tests and the examples.
    #[doc(hidden)]
    pub fn from_seed(seed: [u8; 32]) -> LetterKey {
        LetterKey { signing: SigningKey::from_bytes(&seed) }
    }
}

fn purposed(purpose: &str, message: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(purpose.len() + 1 + message.len());
    m.extend_from_slice(purpose.as_bytes());
    m.push(0);
    m.extend_from_slice(message);
    m
}

/// The public key file, as `balai letter public-key` prints it; works without the daemon.
pub fn public_key_file(keys_dir: &Path) -> std::path::PathBuf {
    keys_dir.join(PUB_FILE)
}

/// The one line of `text` (comments and blank lines aside) that starts with `prefix`.
fn key_line<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let line = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    line.strip_prefix(prefix)
}

/// Reads a public key in the form `PublicKey::to_text` writes, alone or as the
/// whole .pub file (comment lines are skipped).
pub fn parse_public_key(text: &str) -> Result<PublicKey, SealError> {
    let bytes = key_line(text, PUBLIC_PREFIX).and_then(|b64| B64.decode(b64).ok()).ok_or(SealError::InvalidKey)?;
    let bytes = <[u8; 32]>::try_from(bytes).map_err(|_| SealError::InvalidKey)?;
    VerifyingKey::from_bytes(&bytes).map(PublicKey).map_err(|_| SealError::InvalidKey)
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SealError {
    #[error("kode segel rusak atau bukan segel Balai / the seal is garbled or not a Balai seal")]
    Malformed,
    #[error("versi segel {0:?} tidak dikenal / unknown seal version {0:?}")]
    UnsupportedVersion(String),
    #[error(
        "ditandatangani dengan kunci lain (kunci {found}, bukan {expected}) / signed with another key (key {found}, not {expected})"
    )]
    WrongKey { expected: String, found: String },
    #[error(
        "tanda tangan tidak cocok: segel dipalsukan atau diubah / the signature does not match: the seal was forged or altered"
    )]
    Forged,
    #[error("kunci publik tidak terbaca / the public key cannot be read")]
    InvalidKey,
    #[error(
        "PDF ini tidak dibuat untuk ditandatangani oleh Balai / this PDF has no signature slot (not made by Balai)"
    )]
    NoSlot,
    #[error("PDF ini sudah ditandatangani / this PDF is already signed")]
    AlreadySigned,
}

impl SealError {
    /// A stable code, for the /verify page's messages and the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            SealError::Malformed => "malformed",
            SealError::UnsupportedVersion(_) => "unsupported_version",
            SealError::WrongKey { .. } => "wrong_key",
            SealError::Forged => "forged",
            SealError::InvalidKey => "invalid_key",
            SealError::NoSlot => "no_slot",
            SealError::AlreadySigned => "already_signed",
        }
    }
}

/// SHA-256 of the letter's canonical content (the caller decides what that is).
pub fn content_hash(canonical_text: &str) -> [u8; 32] {
    Sha256::digest(canonical_text.as_bytes()).into()
}

/// The compact, URL-safe text for the QR code: `v1.` then base64url (no
/// padding) of the payload followed by its 64-byte signature. The key id
/// written is always the signing key's, whatever `payload.key_id` says.
pub fn seal(payload: &Payload, key: &LetterKey) -> String {
    let mut bytes = if payload.key_id == key.key_id() {
        encode(payload)
    } else {
        encode(&Payload { key_id: key.key_id(), ..payload.clone() })
    };
    let signature = key.signing.sign(&[SEAL_CONTEXT, &bytes].concat());
    bytes.extend_from_slice(&signature.to_bytes());
    format!("{SEAL_PREFIX}{}", B64.encode(bytes))
}

/// Checks a sealed text against the village's key and returns what it says.
pub fn open(sealed: &str, public: &PublicKey) -> Result<Payload, SealError> {
    let sealed = sealed.trim();
    let Some(b64) = sealed.strip_prefix(SEAL_PREFIX) else {
        return match sealed.split_once('.') {
            Some((version, _)) if version.len() <= 4 && version.starts_with('v') => {
                Err(SealError::UnsupportedVersion(version.to_string()))
            }
            _ => Err(SealError::Malformed),
        };
    };
    let bytes = B64.decode(b64).map_err(|_| SealError::Malformed)?;
    let split = bytes.len().checked_sub(Signature::BYTE_SIZE).ok_or(SealError::Malformed)?;
    let (body, signature) = bytes.split_at(split);
    let payload = decode(body).ok_or(SealError::Malformed)?;
    let expected = public.key_id();
    if payload.key_id != expected {
        return Err(SealError::WrongKey { expected, found: payload.key_id });
    }
    let signature = Signature::from_slice(signature).map_err(|_| SealError::Malformed)?;
    public.0.verify(&[SEAL_CONTEXT, body].concat(), &signature).map_err(|_| SealError::Forged)?;
    Ok(payload)
}

/// The sealed text inside a QR text: whatever follows the URL's last `=`, `/`,
/// `?`, `#` or `&` (the sealed alphabet has none of them), or the whole text.
pub fn sealed_in(qr_text: &str) -> &str {
    qr_text.rsplit(['=', '/', '?', '#', '&']).next().unwrap_or(qr_text).trim()
}

/// What the QR encodes: the verify page with the sealed payload as `c` (the
/// parameter /verify reads).
pub fn verify_url(verify_page: &str, sealed: &str) -> String {
    let joiner = if verify_page.contains('?') { '&' } else { '?' };
    format!("{verify_page}{joiner}c={sealed}")
}

/// Payload layout (v1): year u16 BE, month u8, day u8; then number, NIK,
/// type code and key id, each a LEB128 length and UTF-8; then the 32-byte hash.
fn encode(p: &Payload) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    let year = u16::try_from(p.date.year()).unwrap_or(0);
    out.extend_from_slice(&year.to_be_bytes());
    out.push(p.date.month() as u8);
    out.push(p.date.day() as u8);
    for text in [&p.number, &p.nik, &p.type_code, &p.key_id] {
        let mut len = text.len();
        while len >= 0x80 {
            out.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(text.as_bytes());
    }
    out.extend_from_slice(&p.content_hash);
    out
}

fn decode(bytes: &[u8]) -> Option<Payload> {
    let (date, mut rest) = bytes.split_at_checked(4)?;
    let date = NaiveDate::from_ymd_opt(
        i32::from(u16::from_be_bytes([date[0], date[1]])),
        u32::from(date[2]),
        u32::from(date[3]),
    )?;
    let mut texts = Vec::with_capacity(4);
    for _ in 0..4 {
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let (&byte, tail) = rest.split_first()?;
            rest = tail;
            len |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 14 {
                return None;
            }
        }
        let (text, tail) = rest.split_at_checked(len)?;
        texts.push(std::str::from_utf8(text).ok()?.to_string());
        rest = tail;
    }
    let content_hash: [u8; 32] = rest.try_into().ok()?;
    let [number, nik, type_code, key_id] = <[String; 4]>::try_from(texts).ok()?;
    Some(Payload { number, nik, type_code, date, content_hash, key_id })
}

/// Signs a PDF made by `pdf::render`: writes the key id and an Ed25519
/// signature into its reserved slot. Deterministic, so a reprint signed again
/// is byte-identical.
pub fn sign_pdf(mut pdf: Vec<u8>, key: &LetterKey) -> Result<Vec<u8>, SealError> {
    let start = slot_start(&pdf).filter(|start| start + SLOT_LEN <= pdf.len()).ok_or(SealError::NoSlot)?;
    if pdf[start..start + SLOT_LEN].iter().any(|&b| b != b'0') {
        return Err(SealError::AlreadySigned);
    }
    let signature = key.signing.sign(&pdf_message(&pdf, start));
    let filled = format!("{}{}", key.key_id(), hex::encode(signature.to_bytes()));
    pdf[start..start + SLOT_LEN].copy_from_slice(filled.as_bytes());
    Ok(pdf)
}

/// Where the slot begins: right after the last signature marker in the file.
/// The info dictionary that holds it is written at the end, after the pages;
/// any earlier copy of the marker is ordinary signed content.
fn slot_start(pdf: &[u8]) -> Option<usize> {
    let marker = SIGNATURE_MARKER.as_bytes();
    pdf.windows(marker.len()).rposition(|w| w == marker).map(|i| i + marker.len())
}

/// What the PDF signature covers: every byte but the slot, and where the slot
/// sits and how long the file is, so no byte can move across it.
fn pdf_message(pdf: &[u8], start: usize) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(&pdf[..start]);
    hash.update(&pdf[start + SLOT_LEN..]);
    let mut message = PDF_CONTEXT.to_vec();
    message.extend_from_slice(&(start as u64).to_be_bytes());
    message.extend_from_slice(&(pdf.len() as u64).to_be_bytes());
    message.extend_from_slice(&hash.finalize());
    message
}

/// Why a PDF is not a genuine letter of this village.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    #[error("bukan berkas PDF / not a PDF file")]
    NotPdf,
    #[error("berkas PDF terpotong atau tidak lengkap / the PDF file is truncated or incomplete")]
    Truncated,
    #[error("PDF ini tidak bertanda tangan elektronik Balai / this PDF carries no Balai electronic signature")]
    NotSigned,
    #[error("ISI PDF TELAH DIUBAH setelah ditandatangani / the PDF was ALTERED after it was signed")]
    Altered,
    #[error(
        "ditandatangani dengan kunci lain (kunci {found}, bukan {expected}): bukan dari desa ini, atau kunci salah / signed with another key (key {found}, not {expected}): not from this village, or the wrong key"
    )]
    WrongKey { expected: String, found: String },
    #[error("PDF bertanda tangan tetapi tanpa data surat (QR) / the PDF is signed but carries no letter data (QR)")]
    NoPayload,
    #[error("data surat (QR) tidak sah / the letter data (QR) is not valid: {0}")]
    BadPayload(SealError),
}

impl VerifyError {
    /// A stable code for scripts and the JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::NotPdf => "not_pdf",
            VerifyError::Truncated => "truncated",
            VerifyError::NotSigned => "not_signed",
            VerifyError::Altered => "altered",
            VerifyError::WrongKey { .. } => "wrong_key",
            VerifyError::NoPayload => "no_payload",
            VerifyError::BadPayload(_) => "bad_payload",
        }
    }
}

/// Checks a PDF offline with only the village's public key: the whole-file
/// signature first (any changed byte fails), then the sealed payload it carries.
pub fn verify_pdf(pdf: &[u8], public: &PublicKey) -> Result<Payload, VerifyError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(VerifyError::NotPdf);
    }
    if !pdf.trim_ascii_end().ends_with(b"%%EOF") {
        return Err(VerifyError::Truncated);
    }
    let start = slot_start(pdf).ok_or(VerifyError::NotSigned)?;
    let slot = pdf.get(start..start + SLOT_LEN).ok_or(VerifyError::Truncated)?;
    if slot.iter().all(|&b| b == b'0') {
        return Err(VerifyError::NotSigned);
    }
    if !slot.is_ascii() {
        return Err(VerifyError::Altered);
    }
    let (key_id, signature) = slot.split_at(KEY_ID_HEX);
    let key_id = String::from_utf8_lossy(key_id);
    let expected = public.key_id();
    if key_id != expected {
        return Err(VerifyError::WrongKey { expected, found: key_id.into_owned() });
    }
    let signature =
        hex::decode(signature).ok().and_then(|b| Signature::from_slice(&b).ok()).ok_or(VerifyError::Altered)?;
    public.0.verify(&pdf_message(pdf, start), &signature).map_err(|_| VerifyError::Altered)?;
    let qr_text = qr_text_after(&pdf[start + SLOT_LEN..]).ok_or(VerifyError::NoPayload)?;
    open(sealed_in(qr_text), public).map_err(VerifyError::BadPayload)
}

/// The QR text `pdf::render` wrote after the slot, up to the end of the
/// /Keywords string (render admits no parenthesis or backslash in it).
fn qr_text_after(rest: &[u8]) -> Option<&str> {
    let rest = rest.strip_prefix(QR_MARKER.as_bytes())?;
    let end = rest.iter().position(|&b| b == b')')?;
    std::str::from_utf8(&rest[..end]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn key(n: u8) -> LetterKey {
        LetterKey::from_seed([n; 32])
    }

    pub(crate) fn payload(key: &LetterKey) -> Payload {
        Payload {
            number: "474.4/012/3302052001/XI/2026".into(),
            nik: "3302051203850001".into(),
            type_code: "SKD".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            content_hash: content_hash("SURAT KETERANGAN DOMISILI\n474.4/012"),
            key_id: key.key_id(),
        }
    }

    #[test]
    fn seal_round_trip_is_compact_and_url_safe() {
        let k = key(1);
        let p = payload(&k);
        let sealed = seal(&p, &k);
        assert!(sealed.starts_with("v1."));
        assert!(sealed[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{sealed}");
        assert!(sealed.len() < 240, "{} characters", sealed.len());
        assert_eq!(open(&sealed, &k.public()), Ok(p.clone()));
        // Deterministic: the same letter sealed again is the same text.
        assert_eq!(seal(&p, &k), sealed);
        let url = verify_url("https://balai.local/verify", &sealed);
        assert_eq!(sealed_in(&url), sealed);
        assert_eq!(open(sealed_in(&url), &k.public()), Ok(p));
    }

    #[test]
    fn forged_garbled_and_foreign_seals_are_refused_distinctly() {
        let k = key(1);
        let p = payload(&k);
        let sealed = seal(&p, &k);
        let public = k.public();

        // A forger re-encodes the payload with another NIK but cannot sign it.
        let mut forged = p.clone();
        forged.nik = "3302051203850002".into();
        let mut bytes = encode(&forged);
        bytes.extend_from_slice(&[7u8; 64]);
        let forged_text = format!("v1.{}", B64.encode(&bytes));
        assert_eq!(open(&forged_text, &public), Err(SealError::Forged));
        // The genuine signature pasted onto an altered payload.
        let genuine = B64.decode(&sealed[3..]).unwrap();
        let mut bytes = encode(&forged);
        bytes.extend_from_slice(&genuine[genuine.len() - 64..]);
        assert_eq!(open(&format!("v1.{}", B64.encode(&bytes)), &public), Err(SealError::Forged));

        // Sealed by another village's key.
        let other = key(2);
        let foreign = seal(&payload(&other), &other);
        assert!(matches!(open(&foreign, &public), Err(SealError::WrongKey { .. })));
        // A payload naming our key id, signed by another key, is named as the other key's.
        assert!(matches!(open(&seal(&p, &other), &public), Err(SealError::WrongKey { .. })));
        // Our key id pasted onto another key's signature.
        let theirs = B64.decode(&seal(&p, &other)[3..]).unwrap();
        let mut bytes = encode(&p);
        bytes.extend_from_slice(&theirs[theirs.len() - 64..]);
        assert_eq!(open(&format!("v1.{}", B64.encode(&bytes)), &public), Err(SealError::Forged));

        assert_eq!(open(&sealed[..sealed.len() - 10], &public), Err(SealError::Malformed));
        assert_eq!(open("", &public), Err(SealError::Malformed));
        assert_eq!(open("hello", &public), Err(SealError::Malformed));
        assert_eq!(open("v1.!!!", &public), Err(SealError::Malformed));
        assert_eq!(open(&sealed.replacen("v1.", "v9.", 1), &public), Err(SealError::UnsupportedVersion("v9".into())));
    }

    #[test]
    fn every_flipped_bit_of_a_seal_is_refused() {
        let k = key(1);
        let sealed = seal(&payload(&k), &k);
        let bytes = B64.decode(&sealed[3..]).unwrap();
        for i in 0..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[i / 8] ^= 1 << (i % 8);
            let text = format!("v1.{}", B64.encode(&b));
            assert!(open(&text, &k.public()).is_err(), "bit {i} flipped was accepted");
        }
    }

    #[test]
    fn public_key_text_round_trips_and_bad_keys_are_refused() {
        let k = key(3);
        let public = k.public();
        assert_eq!(parse_public_key(&public.to_text()), Ok(public));
        assert_eq!(parse_public_key(&public.to_file_text()), Ok(public));
        assert_eq!(parse_public_key(&format!("\n  {}  \n", public.to_text())), Ok(public));
        assert_eq!(parse_public_key("balai-ed25519-v1:abc"), Err(SealError::InvalidKey));
        assert_eq!(parse_public_key(""), Err(SealError::InvalidKey));
        let two = format!("{}\n{}", public.to_text(), key(4).public().to_text());
        assert_eq!(parse_public_key(&two), Err(SealError::InvalidKey));
        assert_eq!(public.key_id().len(), 16);
        assert_ne!(public.key_id(), key(4).key_id());
    }

    #[test]
    fn the_key_is_made_once_private_and_its_public_half_is_written_beside_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let a = LetterKey::load_or_create(&keys).unwrap();
        let b = LetterKey::load_or_create(&keys).unwrap();
        assert_eq!(a.public(), b.public());
        let mode = std::fs::metadata(keys.join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let pub_text = std::fs::read_to_string(public_key_file(&keys)).unwrap();
        assert_eq!(parse_public_key(&pub_text), Ok(a.public()));
        std::fs::write(keys.join(KEY_FILE), "garbage").unwrap();
        assert!(LetterKey::load_or_create(&keys).is_err());
    }

    proptest::proptest! {
        #[test]
        fn open_never_panics(text in ".{0,300}", tail in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let public = key(1).public();
            let _ = open(&text, &public);
            let _ = open(&format!("v1.{}", B64.encode(&tail)), &public);
            let _ = parse_public_key(&text);
        }

        #[test]
        fn verify_pdf_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let public = key(1).public();
            let _ = verify_pdf(&bytes, &public);
            let mut framed = b"%PDF-1.7 balai-sig-v1 ".to_vec();
            framed.extend_from_slice(&bytes);
            framed.extend_from_slice(b"\n%%EOF");
            let _ = verify_pdf(&framed, &public);
        }
    }
}
