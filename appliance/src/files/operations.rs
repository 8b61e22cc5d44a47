//! Storing and reading photos. The only writer of `file` records.
//!
//! The order is what keeps a crash harmless: the JPEG is written to a
//! temporary name, synced and renamed into place, and only then is the record
//! committed. A crash before the rename leaves a `.tmp` file nobody reads; a
//! crash after it leaves a file without a record, which the next upload of the
//! same photo reuses.

use super::model::{PhotoError, PhotoLimits, StoredFile, valid_sha256};
use crate::store::{Change, Durability, Record, Store};
use chrono::Utc;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, LazyLock, Mutex};

/// The folder photos live in.
pub fn files_dir(config: &crate::config::Config) -> PathBuf {
    config.data_dir.join("files")
}

/// `<files_dir>/<first two hex digits>/<sha256>.jpg`: 256 folders keep each
/// one small enough to list quickly on an SD card.
pub fn path_for(files_dir: &Path, sha256: &str) -> PathBuf {
    files_dir.join(&sha256[..2]).join(format!("{sha256}.jpg"))
}

/// Stores a photo with the default limits (see [`store_photo_with`]).
pub fn store_photo(store: &Store, files_dir: &Path, actor: &str, upload: &[u8]) -> Result<StoredFile, PhotoError> {
    store_photo_with(store, files_dir, actor, upload, &PhotoLimits::default())
}

/// Checks, decodes, turns upright, downscales and re-encodes `upload`, writes
/// the JPEG atomically and records it. The same photo twice gives the same
/// record. Takes a CPU for a while: call it off the async workers (see
/// `files::routes::store_upload`); at most one photo per core is decoded at
/// a time, further callers wait.
pub fn store_photo_with(
    store: &Store,
    files_dir: &Path,
    actor: &str,
    upload: &[u8],
    limits: &PhotoLimits,
) -> Result<StoredFile, PhotoError> {
    let jpeg = {
        let _turn = DecodeGate::enter();
        prepare(upload, limits)?
    };
    let sha256 = hex::encode(Sha256::digest(&jpeg.bytes));
    let path = path_for(files_dir, &sha256);
    if std::fs::read(&path).ok().as_deref() != Some(jpeg.bytes.as_slice()) {
        write_atomic(&path, &jpeg.bytes)?;
    }
    let record = StoredFile {
        sha256: sha256.clone(),
        mime: "image/jpeg".into(),
        bytes: jpeg.bytes.len() as u64,
        width: jpeg.width,
        height: jpeg.height,
        original_bytes: upload.len() as u64,
        created: Utc::now(),
    };
    let detail = format!("photo {}×{}, {} bytes", record.width, record.height, record.bytes);
    // Decided under the writer lock, so two uploads of one photo at the same
    // moment still make one record.
    let (_, stored) = store.commit_with(actor, Durability::Durable, |s| match s.get::<StoredFile>(&sha256)? {
        Some(existing) => Ok::<_, PhotoError>((vec![], existing)),
        None => Ok((vec![Change::put(&record)?.with_detail(detail)], record)),
    })?;
    Ok(stored)
}

/// Photos decoded at once, whoever calls: one per core. A decoded 12 MP photo
/// takes about 50 MB; a hundred submissions at once would exhaust a small
/// box, so the rest wait their turn (on the blocking pool, not the async
/// workers).
struct DecodeGate {
    busy: Mutex<usize>,
    freed: Condvar,
}

static GATE: LazyLock<DecodeGate> = LazyLock::new(|| DecodeGate { busy: Mutex::new(0), freed: Condvar::new() });

struct Turn;

impl DecodeGate {
    fn enter() -> Turn {
        let max = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut busy = GATE.busy.lock().unwrap_or_else(|p| p.into_inner());
        while *busy >= max {
            busy = GATE.freed.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
        *busy += 1;
        Turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        *GATE.busy.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        GATE.freed.notify_one();
    }
}

/// The stored JPEG, if `sha256` names one and its bytes still hash to it.
pub fn read(files_dir: &Path, sha256: &str) -> Option<Vec<u8>> {
    if !valid_sha256(sha256) {
        return None;
    }
    let bytes = std::fs::read(path_for(files_dir, sha256)).ok()?;
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        tracing::error!(sha256, "stored photo does not match its hash (disk damage?)");
        return None;
    }
    Some(bytes)
}

/// A photo ready to store.
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Everything but the writing: sniff, decode within limits, orient, scale,
/// encode. Public for the timing example.
pub fn prepare(upload: &[u8], limits: &PhotoLimits) -> Result<Prepared, PhotoError> {
    if upload.len() > limits.max_upload_bytes {
        return Err(PhotoError::TooLarge { limit_bytes: limits.max_upload_bytes });
    }
    let format = sniff(upload)?;
    if format == ImageFormat::Jpeg && !jpeg_complete(upload) {
        return Err(PhotoError::Damaged("the JPEG ends before its last scan does".into()));
    }
    let image = decode(upload, format, limits)?;
    let image = downscale(image, limits.max_long_side);
    let rgb = flatten(image);
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, limits.jpeg_quality.clamp(1, 100))
        .encode_image(&rgb)
        .map_err(|e| PhotoError::Damaged(e.to_string()))?;
    Ok(Prepared { bytes, width: rgb.width(), height: rgb.height() })
}

/// The format, from the bytes alone (the file name and the declared type are
/// never asked). JPEG, PNG and WebP are what phone cameras and browsers send.
pub fn sniff(upload: &[u8]) -> Result<ImageFormat, PhotoError> {
    if let Some(name) = iso_media_brand(upload) {
        return Err(PhotoError::UnsupportedFormat(name.into()));
    }
    match image::guess_format(upload) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(f),
        Ok(other) => Err(PhotoError::UnsupportedFormat(other.extensions_str().first().unwrap_or(&"?").to_uppercase())),
        Err(_) => Err(PhotoError::NotAnImage),
    }
}

/// iPhones save HEIC by default; no pure-Rust decoder reads it. It and AVIF
/// are ISO media files: `ftyp` at byte 4, then a brand.
fn iso_media_brand(b: &[u8]) -> Option<&'static str> {
    if b.len() < 12 || &b[4..8] != b"ftyp" {
        return None;
    }
    match &b[8..12] {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => Some("HEIC"),
        b"avif" | b"avis" => Some("AVIF"),
        _ => None,
    }
}

/// The JPEG decoder fills a cut-off photo (a dropped connection) with grey
/// and carries on; such a photo is refused instead. The end-of-image marker
/// must follow the last start-of-scan. Neither can occur inside scan data
/// (a 0xFF byte there is followed by 0x00 or a restart marker), and the EXIF
/// thumbnail's markers come before the main image's scan.
fn jpeg_complete(b: &[u8]) -> bool {
    let last = |marker: u8| b.windows(2).rposition(|w| w[0] == 0xFF && w[1] == marker);
    matches!((last(0xDA), last(0xD9)), (Some(sos), Some(eoi)) if eoi > sos)
}

fn decode(upload: &[u8], format: ImageFormat, limits: &PhotoLimits) -> Result<DynamicImage, PhotoError> {
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(side);
    decode_limits.max_image_height = Some(side);
    // Four bytes a pixel (RGBA) plus the decoder's own working memory.
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(PhotoError::Damaged("empty picture".into()));
    }
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn decode_error(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        other => PhotoError::Damaged(other.to_string()),
    }
}

/// Scales so the long side is at most `long_side`. A large reduction (a
/// 12 MP photo to 1600 px) uses image's box-averaging `thumbnail`, which reads
/// each source pixel once and so is several times faster than a filtered
/// resize; a small one uses the triangle filter, which does not alias there.
fn downscale(image: DynamicImage, long_side: u32) -> DynamicImage {
    let long = image.width().max(image.height());
    if long <= long_side {
        image
    } else if long >= long_side.saturating_mul(2) {
        image.thumbnail(long_side, long_side)
    } else {
        image.resize(long_side, long_side, image::imageops::FilterType::Triangle)
    }
}

/// JPEG has no transparency: a transparent screenshot is put on white, not
/// on black.
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        image::Rgb([0, 1, 2].map(|i| ((u16::from(p[i]) * a + 255 * (255 - a) + 127) / 255) as u8))
    })
}

/// Writes to a temporary name in the same folder, syncs, renames: the final
/// name never holds half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", hex::encode(rand::random::<[u8; 8]>())));
    let written = std::fs::File::create_new(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // The rename itself is durable only once the folder is synced.
    std::fs::File::open(dir)?.sync_all()
}

/// Removes temporary files a crash left behind (a write cut short before
/// its rename). Run at start, when nothing is writing.
pub fn sweep_temporary(files_dir: &Path) -> usize {
    let mut removed = 0;
    let Ok(shards) = std::fs::read_dir(files_dir) else { return 0 };
    for shard in shards.flatten().filter(|e| e.path().is_dir()) {
        let Ok(entries) = std::fs::read_dir(shard.path()) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// Records that someone looked at a photo: KTP and KK photos are personal
/// data (UU PDP), audited like a view of a full record.
pub fn note_view(store: &Store, actor: &str, sha256: &str) -> Result<(), PhotoError> {
    let note = Change::note(StoredFile::TABLE, sha256, crate::store::Op::View).with_detail("photo");
    store.commit(actor, vec![note], Durability::Lazy)?;
    Ok(())
}
