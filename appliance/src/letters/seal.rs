//! Interface of the letter seal; the real Ed25519 code lands from the `pdf` branch.

use chrono::NaiveDate;
use std::path::Path;

pub struct LetterKey;
#[derive(Clone, Debug, PartialEq)]
pub struct PublicKey;

impl LetterKey {
    pub fn load_or_create(_keys_dir: &Path) -> anyhow::Result<LetterKey> {
        Ok(LetterKey)
    }
    pub fn public(&self) -> PublicKey {
        PublicKey
    }
    pub fn key_id(&self) -> String {
        "stub".into()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Payload {
    pub number: String,
    pub nik: String,
    pub type_code: String,
    pub date: NaiveDate,
    pub content_hash: [u8; 32],
    pub key_id: String,
}

#[derive(Debug, thiserror::Error)]
#[error("seal: {0}")]
pub struct SealError(pub String);

#[derive(Debug, thiserror::Error)]
#[error("verify: {0}")]
pub struct VerifyError(pub String);

pub fn content_hash(canonical_text: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(canonical_text.as_bytes()).into()
}

pub fn seal(_payload: &Payload, _key: &LetterKey) -> String {
    String::new()
}

pub fn open(_sealed: &str, _public: &PublicKey) -> Result<Payload, SealError> {
    Err(SealError("stub".into()))
}

pub fn sign_pdf(pdf: Vec<u8>, _key: &LetterKey) -> Result<Vec<u8>, SealError> {
    Ok(pdf)
}

pub fn verify_pdf(_pdf: &[u8], _public: &PublicKey) -> Result<Payload, VerifyError> {
    Err(VerifyError("stub".into()))
}
