//! Photos made in the test with the image crate: real JPEG, PNG and WebP
//! bytes, an EXIF-rotated phone photo, a decompression bomb, and things that
//! are not photos at all.

use super::model::{PhotoError, PhotoLimits, StoredFile, valid_sha256};
use super::operations::{path_for, read, store_photo, store_photo_with};
use crate::store::{Record, Store};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use proptest::prelude::*;
use std::io::Cursor;
use std::path::{Path, PathBuf};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    files: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let files = dir.path().join("files");
    Fixture { _dir: dir, store, files }
}

/// A picture with some structure (so JPEG has work to do): a gradient with a
/// dark block in the top-left corner, to see where the top ends up.
fn picture(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if x < w / 4 && y < h / 4 { Rgb([10, 10, 10]) } else { Rgb([(x % 256) as u8, (y % 256) as u8, 200]) }
    })
}

fn encode(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(DynamicImage::ImageRgb8(picture(w, h)), ImageFormat::Jpeg)
}

/// A phone-style JPEG whose EXIF says "rotate 90° clockwise to view" and
/// carries a GPS position, as a phone held upright writes it.
fn rotated_jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    // Big-endian TIFF: IFD0 with Orientation = 6 and a GPS IFD pointer; the
    // GPS IFD holds GPSLatitudeRef = "S".
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation, SHORT, 1, 6
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPS IFD at 38
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'S', 0, 0, 0]); // GPSLatitudeRef "S"
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let img = picture(w, h);
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 90);
    enc.set_exif_metadata(tiff).unwrap();
    enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8).unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A valid PNG header claiming `w`×`h` RGB pixels, with a few bytes of data:
/// under a hundred bytes that would need gigabytes once decoded.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn stored_image(files: &Path, f: &StoredFile) -> RgbImage {
    let bytes = std::fs::read(path_for(files, &f.sha256)).unwrap();
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
    image::load_from_memory(&bytes).unwrap().into_rgb8()
}

/// Every file under the folder, temporary ones included.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(all_files(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn a_phone_jpeg_is_downscaled_stored_by_hash_and_read_back() {
    let fx = fixture();
    let upload = jpeg(2400, 1800);
    let f = store_photo(&fx.store, &fx.files, "warga:1", &upload).unwrap();
    assert!(valid_sha256(&f.sha256));
    assert_eq!((f.width, f.height), (1600, 1200));
    assert_eq!(f.mime, "image/jpeg");
    assert_eq!(f.original_bytes, upload.len() as u64);
    let path = path_for(&fx.files, &f.sha256);
    assert_eq!(path, fx.files.join(&f.sha256[..2]).join(format!("{}.jpg", f.sha256)));
    let bytes = read(&fx.files, &f.sha256).unwrap();
    assert_eq!(bytes.len() as u64, f.bytes);
    let img = stored_image(&fx.files, &f);
    assert_eq!(img.dimensions(), (1600, 1200));
    assert!(img.get_pixel(20, 20)[0] < 60, "the dark corner stays top-left");
    assert_eq!(fx.store.get::<StoredFile>(&f.sha256).unwrap(), Some(f));
}

#[test]
fn small_photos_are_not_enlarged_and_png_and_webp_are_accepted() {
    let fx = fixture();
    let png = encode(DynamicImage::ImageRgb8(picture(300, 200)), ImageFormat::Png);
    let f = store_photo(&fx.store, &fx.files, "t", &png).unwrap();
    assert_eq!((f.width, f.height), (300, 200));
    let webp =
        encode(DynamicImage::ImageRgba8(RgbaImage::from_pixel(64, 48, Rgba([0, 90, 0, 255]))), ImageFormat::WebP);
    let f = store_photo(&fx.store, &fx.files, "t", &webp).unwrap();
    assert_eq!((f.width, f.height), (64, 48));
    // Just over the limit uses the filtered resize; the long side still lands on it.
    let f = store_photo(&fx.store, &fx.files, "t", &jpeg(1700, 900)).unwrap();
    assert_eq!(f.width, 1600);
}

#[test]
fn transparency_becomes_white_not_black() {
    let fx = fixture();
    let png = encode(DynamicImage::ImageRgba8(RgbaImage::from_pixel(40, 40, Rgba([0, 0, 0, 0]))), ImageFormat::Png);
    let f = store_photo(&fx.store, &fx.files, "t", &png).unwrap();
    let px = stored_image(&fx.files, &f).get_pixel(20, 20).0;
    assert!(px.iter().all(|c| *c > 240), "{px:?}");
}

#[test]
fn exif_orientation_is_applied_and_metadata_such_as_gps_is_dropped() {
    let fx = fixture();
    let upload = rotated_jpeg_with_gps(400, 200);
    assert!(upload.windows(4).any(|w| w == b"Exif"), "the test photo carries EXIF");
    let f = store_photo(&fx.store, &fx.files, "t", &upload).unwrap();
    assert_eq!((f.width, f.height), (200, 400), "turned upright");
    // Rotating 90° clockwise moves the dark top-left corner to the top right.
    let img = stored_image(&fx.files, &f);
    assert!(img.get_pixel(190, 10)[2] < 60 && img.get_pixel(10, 10)[2] > 150, "dark block not top-right");
    let stored = read(&fx.files, &f.sha256).unwrap();
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF (with its GPS position) must not be kept");
}

#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    let fx = fixture();
    let bomb = png_bomb(50_000, 50_000);
    assert!(bomb.len() < 100);
    assert!(matches!(store_photo(&fx.store, &fx.files, "t", &bomb), Err(PhotoError::TooManyPixels)));
    // Within each side's limit but too many pixels in all.
    let limits = PhotoLimits { max_pixels: 1_000_000, ..PhotoLimits::default() };
    let wide = png_bomb(2000, 1000);
    assert!(matches!(store_photo_with(&fx.store, &fx.files, "t", &wide, &limits), Err(PhotoError::TooManyPixels)));
    assert_eq!(fx.store.count::<StoredFile>(), 0);
    assert!(all_files(&fx.files).is_empty());
}

#[test]
fn things_that_are_not_photos_are_refused_by_content() {
    let fx = fixture();
    let not_images: [&[u8]; 4] = [
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
        b"NIK,NAMA\n3310050101900001,Budi\n",
        &[0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        b"",
    ];
    for bytes in not_images {
        let r = store_photo(&fx.store, &fx.files, "t", bytes);
        assert!(matches!(r, Err(PhotoError::NotAnImage)), "{:?}: {r:?}", String::from_utf8_lossy(bytes));
    }
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    assert!(
        matches!(store_photo(&fx.store, &fx.files, "t", heic), Err(PhotoError::UnsupportedFormat(f)) if f == "HEIC")
    );
    let gif = encode(DynamicImage::ImageRgb8(picture(8, 8)), ImageFormat::Png);
    let mut gif_like = b"GIF89a".to_vec();
    gif_like.extend_from_slice(&gif[6..]);
    assert!(
        matches!(store_photo(&fx.store, &fx.files, "t", &gif_like), Err(PhotoError::UnsupportedFormat(f)) if f == "GIF")
    );
    // Cut off by a dropped connection: in the middle of the scan, and in the header.
    let cut = jpeg(600, 400);
    for end in [cut.len() / 3, cut.len() - 2, 100] {
        let r = store_photo(&fx.store, &fx.files, "t", &cut[..end]);
        assert!(matches!(r, Err(PhotoError::Damaged(_))), "cut at {end}: {r:?}");
    }
    let png = encode(DynamicImage::ImageRgb8(picture(300, 200)), ImageFormat::Png);
    let r = store_photo(&fx.store, &fx.files, "t", &png[..png.len() / 2]);
    assert!(matches!(r, Err(PhotoError::Damaged(_))), "{r:?}");
    assert_eq!(fx.store.count::<StoredFile>(), 0);
    assert!(all_files(&fx.files).is_empty(), "nothing half-written: {:?}", all_files(&fx.files));
}

#[test]
fn too_large_is_refused_with_its_limit_and_writes_nothing() {
    let fx = fixture();
    let upload = jpeg(800, 600);
    let limits = PhotoLimits { max_upload_bytes: upload.len() - 1, ..PhotoLimits::default() };
    match store_photo_with(&fx.store, &fx.files, "t", &upload, &limits) {
        Err(e @ PhotoError::TooLarge { limit_bytes }) => {
            assert_eq!(limit_bytes, upload.len() - 1);
            assert_eq!(e.status(), 413);
        }
        other => panic!("{other:?}"),
    }
    assert!(all_files(&fx.files).is_empty());
    assert_eq!(fx.store.count::<StoredFile>(), 0);
    let msg = PhotoError::TooLarge { limit_bytes: 10 * 1024 * 1024 }.message(balai_ui::Lang::Id);
    assert!(msg.contains("10 MB"), "{msg}");
}

#[test]
fn the_same_photo_twice_is_one_file_and_one_record() {
    let fx = fixture();
    let upload = jpeg(1000, 700);
    let a = store_photo(&fx.store, &fx.files, "t", &upload).unwrap();
    let before = fx.store.last_seq().unwrap();
    let b = store_photo(&fx.store, &fx.files, "t", &upload).unwrap();
    assert_eq!(a, b);
    assert_eq!(fx.store.last_seq().unwrap(), before, "the second upload logs nothing");
    assert_eq!(fx.store.count::<StoredFile>(), 1);
    assert_eq!(all_files(&fx.files).len(), 1);
}

#[test]
fn concurrent_uploads_of_one_photo_make_one_record() {
    let fx = fixture();
    let upload = jpeg(900, 600);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| store_photo(&fx.store, &fx.files, "t", &upload).unwrap());
        }
    });
    assert_eq!(fx.store.count::<StoredFile>(), 1);
    assert_eq!(all_files(&fx.files).len(), 1, "no temporary files left: {:?}", all_files(&fx.files));
}

#[test]
fn an_orphan_or_damaged_file_is_reused_or_repaired_and_temp_files_are_never_read() {
    let fx = fixture();
    let upload = jpeg(500, 400);
    let f = store_photo(&fx.store, &fx.files, "t", &upload).unwrap();
    let path = path_for(&fx.files, &f.sha256);
    let good = std::fs::read(&path).unwrap();
    // Damage on disk is noticed when reading...
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert!(read(&fx.files, &f.sha256).is_none());
    // ...and repaired by the next upload of the same photo.
    store_photo(&fx.store, &fx.files, "t", &upload).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), good);
    // A crash before the rename leaves only a temporary name, never read.
    let tmp = path.with_file_name(format!(".{}.jpg.0011223344556677.tmp", f.sha256));
    std::fs::write(&tmp, b"half").unwrap();
    assert_eq!(read(&fx.files, &f.sha256).unwrap(), good);
    // ...and swept away at the next start.
    assert_eq!(super::operations::sweep_temporary(&fx.files), 1);
    assert!(!tmp.exists() && path.exists());
    // A file without a record (a crash after the rename) is simply used.
    let other = jpeg(300, 300);
    let fx2 = fixture();
    let g = store_photo(&fx2.store, &fx2.files, "t", &other).unwrap();
    let fx3 = fixture();
    std::fs::create_dir_all(path_for(&fx3.files, &g.sha256).parent().unwrap()).unwrap();
    std::fs::copy(path_for(&fx2.files, &g.sha256), path_for(&fx3.files, &g.sha256)).unwrap();
    let h = store_photo(&fx3.store, &fx3.files, "t", &other).unwrap();
    assert_eq!(h.sha256, g.sha256);
    assert_eq!(fx3.store.count::<StoredFile>(), 1);
}

#[test]
fn read_refuses_ids_that_are_not_a_sha256() {
    let fx = fixture();
    let f = store_photo(&fx.store, &fx.files, "t", &jpeg(64, 64)).unwrap();
    assert!(read(&fx.files, &f.sha256).is_some());
    for bad in ["../../etc/passwd", "", &f.sha256.to_uppercase(), &f.sha256[..63], &format!("{}/", &f.sha256[..63])] {
        assert!(read(&fx.files, bad).is_none(), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn store_photo_never_panics(
        magic in prop::sample::select(vec![&b""[..], b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8 ", b"\0\0\0\x18ftyp"]),
        tail in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let fx = fixture();
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        let _ = store_photo(&fx.store, &fx.files, "t", &bytes);
    }
}

/// The real guard, policy table and handler (without TLS): staff see the
/// photo with private, no-sniff headers and the view is audited; a resident
/// is refused; an id that is no photo is a 404.
#[actix_web::test]
async fn staff_see_a_stored_photo_and_each_view_is_audited() {
    use crate::auth::guard::{SESSION_COOKIE, guard};
    use crate::auth::model::Role;
    use crate::auth::operations::{self as auth, Lifetime};
    use actix_web::{App as ActixApp, cookie::Cookie, middleware::from_fn, test, web};

    let dir = tempfile::tempdir().unwrap();
    let config = crate::config::Config { data_dir: dir.path().to_path_buf(), ..Default::default() };
    let app = crate::app::App::open(config).unwrap();
    let files = super::operations::files_dir(&app.config);
    let photo = store_photo(&app.store, &files, "warga:1", &jpeg(640, 480)).unwrap();
    auth::add_user(&app.store, "t", "sari", "Sari", Role::Operator, "kopi tubruk di balai").unwrap();
    auth::add_user(&app.store, "t", "kader", "Kader", Role::Kader, "kopi tubruk di balai").unwrap();
    let throttle = auth::Throttle::new(100);
    let (staff, _) =
        auth::sign_in(&app.store, &throttle, Lifetime::hours(1), "sari", "kopi tubruk di balai", "t").unwrap();
    let (kader, _) =
        auth::sign_in(&app.store, &throttle, Lifetime::hours(1), "kader", "kopi tubruk di balai", "t").unwrap();
    let data = web::Data::new(app);
    let service = test::init_service(
        ActixApp::new().app_data(data.clone()).wrap(from_fn(guard)).configure(crate::http::registry::configure),
    )
    .await;
    let get = |path: String, token: Option<&str>| {
        let mut req = test::TestRequest::get().uri(&path);
        if let Some(t) = token {
            req = req.cookie(Cookie::new(SESSION_COOKIE, t.to_string()));
        }
        req.to_request()
    };

    let resp = test::call_service(&service, get(format!("/files/{}", photo.sha256), Some(&staff))).await;
    assert_eq!(resp.status(), 200);
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(header("content-type"), "image/jpeg");
    assert!(header("cache-control").starts_with("private"), "{}", header("cache-control"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    let body = test::read_body(resp).await;
    assert_eq!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&body)), photo.sha256);
    let views = data.store.log_for(StoredFile::TABLE, &photo.sha256).unwrap();
    assert!(
        views.iter().any(|e| e.op == crate::store::Op::View && e.actor == "sari"),
        "the view is not in the log: {views:?}"
    );

    let resp = test::call_service(&service, get(format!("/files/{}", photo.sha256), Some(&kader))).await;
    assert_eq!(resp.status(), 403, "a kader does not handle requests");
    let resp = test::call_service(&service, get(format!("/files/{}", photo.sha256), None)).await;
    assert_eq!(resp.status(), 303, "anonymous: to sign-in");
    for bad in ["..%2F..%2Fetc%2Fpasswd", &"a".repeat(64), &photo.sha256.to_uppercase(), "0"] {
        let resp = test::call_service(&service, get(format!("/files/{bad}"), Some(&staff))).await;
        assert_eq!(resp.status(), 404, "{bad}");
    }
}
