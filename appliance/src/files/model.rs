//! The stored photo's record, the limits a photo must fit, and why a photo
//! was refused.

use crate::store::{Record, StoreError};
use balai_ui::{Lang, t, tf};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One stored photo. Its id is the SHA-256 of the stored JPEG, so the same
/// photo sent twice is one file and one record, and a file can be checked
/// against its name.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StoredFile {
    /// Lower-case hex SHA-256 of the stored bytes: the id.
    pub sha256: String,
    /// Always `image/jpeg` today: every photo is re-encoded.
    pub mime: String,
    /// Size of the stored file.
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// Size of the upload as the phone sent it.
    pub original_bytes: u64,
    pub created: DateTime<Utc>,
}

impl Record for StoredFile {
    const TABLE: &'static str = "file";
    fn id(&self) -> &str {
        &self.sha256
    }
}

/// What a photo must fit. The daemon builds it from `[files]` in balai.toml
/// (see `PhotoLimits::from_config`).
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoLimits {
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Longest side of the stored photo, in pixels; larger photos are scaled down.
    pub max_long_side: u32,
    /// Largest decoded photo, in pixels: a small file that claims a huge
    /// picture (a decompression bomb) is refused before it is decoded.
    pub max_pixels: u64,
    /// JPEG quality of the stored photo (1–100).
    pub jpeg_quality: u8,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_upload_bytes: 10 * 1024 * 1024,
            max_long_side: 1600,
            max_pixels: 50_000_000,
            jpeg_quality: 80,
        }
    }
}

impl PhotoLimits {
    pub fn from_config(c: &crate::config::Files) -> PhotoLimits {
        PhotoLimits {
            max_upload_bytes: c.max_upload_bytes,
            max_long_side: c.max_long_side.max(1),
            max_pixels: c.max_megapixels.max(1) * 1_000_000,
            ..PhotoLimits::default()
        }
    }
}

/// Why a photo was not stored. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("the photo is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: usize },
    #[error("the file is not a photo")]
    NotAnImage,
    /// A picture format phones or browsers may send that Balai cannot read
    /// (HEIC, AVIF, GIF, TIFF, …); the name of the format.
    #[error("{0} photos cannot be read; send JPEG, PNG or WebP")]
    UnsupportedFormat(String),
    #[error("the picture has more pixels than allowed")]
    TooManyPixels,
    /// It looked like a JPEG/PNG/WebP but could not be decoded (cut off, damaged).
    #[error("the photo is damaged or incomplete: {0}")]
    Damaged(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the photo: {0}")]
    Io(#[from] std::io::Error),
}

impl PhotoError {
    /// Catalog key of the message for the person who sent the photo.
    pub fn key(&self) -> &'static str {
        match self {
            PhotoError::TooLarge { .. } => "files.photo.too_large",
            PhotoError::NotAnImage => "files.photo.not_image",
            PhotoError::UnsupportedFormat(_) => "files.photo.unsupported",
            PhotoError::TooManyPixels => "files.photo.too_many_pixels",
            PhotoError::Damaged(_) => "files.photo.damaged",
            PhotoError::Store(_) | PhotoError::Io(_) => "error.internal",
        }
    }

    /// The message, with its numbers filled in.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PhotoError::TooLarge { limit_bytes } => {
                let mb = format!("{:.0}", *limit_bytes as f64 / (1024.0 * 1024.0));
                tf(lang, self.key(), &[("limit", &mb)])
            }
            PhotoError::UnsupportedFormat(format) => tf(lang, self.key(), &[("format", format)]),
            _ => t(lang, self.key()),
        }
    }

    /// The HTTP status that fits: 413 for size, 415 for a format, 422 else.
    pub fn status(&self) -> u16 {
        match self {
            PhotoError::TooLarge { .. } => 413,
            PhotoError::NotAnImage | PhotoError::UnsupportedFormat(_) => 415,
            PhotoError::TooManyPixels | PhotoError::Damaged(_) => 422,
            PhotoError::Store(_) | PhotoError::Io(_) => 500,
        }
    }
}

/// A photo id as it may appear in a path: exactly 64 lower-case hex digits,
/// so no `..`, slash or other trick reaches the file system.
pub fn valid_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
