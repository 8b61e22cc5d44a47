//! The backup file's checks on hostile content: archives made here with the
//! right key but a zip-slip name, a decompression bomb or a changed byte.

use super::archive::{self, BackupError, EntryInfo, Manifest};
use super::key::BackupKey;
use crate::store::dump::Snapshot;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};

fn manifest(entries: Vec<EntryInfo>) -> Manifest {
    Manifest {
        format: archive::FORMAT.into(),
        format_version: archive::FORMAT_VERSION,
        balai_version: "test".into(),
        village_name: "Sukamaju".into(),
        village_code: "3310052001".into(),
        created_at: chrono::Utc::now(),
        created_by: "test".into(),
        snapshot: Snapshot::default(),
        files: 0,
        entries,
    }
}

fn info(name: &str, bytes: &[u8]) -> EntryInfo {
    EntryInfo { name: name.into(), size: bytes.len() as u64, sha256: hex::encode(Sha256::digest(bytes)) }
}

/// A zip of `entries` (listed in the manifest as `listed`), encrypted to `key`.
fn crafted(
    key: &BackupKey,
    entries: &[(&str, Vec<u8>)],
    listed: Vec<EntryInfo>,
    flip_in_zip: Option<usize>,
) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.start_file(archive::MANIFEST, options).unwrap();
    zip.write_all(&serde_json::to_vec(&manifest(listed)).unwrap()).unwrap();
    let mut plain = zip.finish().unwrap().into_inner();
    if let Some(at) = flip_in_zip {
        plain[at] ^= 0x01;
    }
    let recipient = key.recipient();
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).unwrap();
    w.write_all(&plain).unwrap();
    w.finish().unwrap();
    out
}

fn open(key: &BackupKey, bytes: Vec<u8>) -> Result<Manifest, BackupError> {
    let tmp = tempfile::tempdir().unwrap();
    archive::open(Cursor::new(bytes), key, tmp.path()).map(|o| o.manifest)
}

fn key() -> BackupKey {
    let dir = tempfile::tempdir().unwrap();
    BackupKey::load_or_create(dir.path()).unwrap()
}

#[test]
fn a_well_formed_archive_opens() {
    let key = key();
    let lines = b"{\"id\":\"a\",\"record\":{}}\n".to_vec();
    let bytes =
        crafted(&key, &[("tables/person.jsonl", lines.clone())], vec![info("tables/person.jsonl", &lines)], None);
    assert_eq!(open(&key, bytes).unwrap().entries.len(), 1);
}

#[test]
fn zip_slip_names_are_refused_naming_the_entry() {
    let key = key();
    for evil in [
        "../../etc/cron.d/x",
        "/etc/passwd",
        "files/../../x",
        "keys/../store/db",
        "tables/a/../../b.jsonl",
        "files\\..\\x",
    ] {
        let body = b"x".to_vec();
        let bytes = crafted(&key, &[(evil, body.clone())], vec![info(evil, &body)], None);
        match open(&key, bytes) {
            Err(BackupError::Entry { name, reason }) => {
                assert_eq!(name, evil);
                assert!(reason.contains("zip-slip"), "{reason}");
            }
            Err(BackupError::NotABackup(_)) | Err(BackupError::Altered(_)) => {} // the zip reader refused it first
            other => panic!("{evil}: {other:?}"),
        }
    }
}

#[test]
fn a_decompression_bomb_is_refused_naming_the_entry() {
    let key = key();
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let name = "tables/bomb.jsonl";
    let bytes = crafted(&key, &[(name, zeros.clone())], vec![info(name, &zeros)], None);
    assert!(bytes.len() < 1024 * 1024, "the bomb is small: {}", bytes.len());
    match open(&key, bytes) {
        Err(BackupError::Entry { name: n, reason }) => {
            assert_eq!(n, name);
            assert!(reason.contains("bomb"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // a manifest that understates an entry's size is also caught on the way
    let big = vec![b'a'; 4096];
    let mut lying = info("tables/x.jsonl", &big);
    lying.size = 10;
    let bytes = crafted(&key, &[("tables/x.jsonl", big)], vec![lying], None);
    assert!(matches!(open(&key, bytes), Err(BackupError::Entry { name, .. }) if name == "tables/x.jsonl"));
}

#[test]
fn a_changed_byte_inside_is_named() {
    let key = key();
    let body: Vec<u8> =
        (0..20_000u32).flat_map(|i| format!("{{\"id\":\"{i}\",\"record\":{{}}}}\n").into_bytes()).collect();
    let name = "tables/person.jsonl";
    // changed after the manifest was made: the content no longer matches
    let mut other = body.clone();
    other[5000] = b'7';
    let bytes = crafted(&key, &[(name, other)], vec![info(name, &body)], None);
    match open(&key, bytes) {
        Err(BackupError::Entry { name: n, reason }) => {
            assert_eq!(n, name);
            assert!(reason.contains("SHA-256"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // a bit flipped in the compressed data (re-encrypted, so age cannot see it)
    let bytes = crafted(&key, &[(name, body.clone())], vec![info(name, &body)], Some(2000));
    let err = open(&key, bytes).unwrap_err();
    assert!(matches!(err, BackupError::Entry { ref name, .. } if name == "tables/person.jsonl"), "{err:?}");
}

#[test]
fn wrong_key_and_not_a_backup_are_told_apart() {
    let key = key();
    let body = b"x\n".to_vec();
    let bytes = crafted(&key, &[("log.jsonl", body.clone())], vec![info("log.jsonl", &body)], None);
    assert!(matches!(open(&self::key(), bytes.clone()), Err(BackupError::WrongKey)));
    assert!(matches!(open(&key, b"PK\x03\x04 not age".to_vec()), Err(BackupError::NotABackup(_))));
    assert!(matches!(open(&key, bytes[..bytes.len() - 7].to_vec()), Err(BackupError::Truncated)));
    let mut flipped = bytes.clone();
    let at = flipped.len() - 30;
    flipped[at] ^= 0x80;
    assert!(matches!(open(&key, flipped), Err(BackupError::Truncated | BackupError::Altered(_))));
}

proptest! {
    /// No name the layout allows can leave the target folder.
    #[test]
    fn allowed_names_stay_inside(name in "[a-z./\\\\_-]{0,12}(/[a-z0-9./_-]{0,70}){0,3}") {
        if archive::allowed_entry(&name) {
            prop_assert!(!name.contains(".."));
            prop_assert!(!name.starts_with('/'));
            prop_assert!(!name.contains('\\'));
            prop_assert!(std::path::Path::new(&name).components().all(|c| matches!(c, std::path::Component::Normal(_))));
        }
    }
}

#[test]
fn a_restore_checks_every_entry_while_streaming_and_leaves_nothing() {
    let key = key();
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let sha = hex::encode(Sha256::digest(&photo));
    let name = format!("files/{}/{sha}.jpg", &sha[..2]);
    let mut changed = photo.clone();
    changed[123_456] ^= 0x10;
    let work = tempfile::tempdir().unwrap();
    let restore = |bytes: Vec<u8>, target: &str| {
        let file = work.path().join(format!("{target}.balai-backup"));
        std::fs::write(&file, bytes).unwrap();
        super::operations::restore(&file, &key, &work.path().join(target))
    };
    // the photo changed after the manifest was made: found while writing it
    let bad = crafted(&key, &[(name.as_str(), changed)], vec![info(&name, &photo)], None);
    match restore(bad, "bad") {
        Err(BackupError::Entry { name: n, reason }) => {
            assert_eq!(n, name);
            assert!(reason.contains("SHA-256"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!work.path().join("bad").exists() && !work.path().join("bad.restoring").exists());
    let good = crafted(&key, &[(name.as_str(), photo.clone())], vec![info(&name, &photo)], None);
    restore(good, "good").unwrap();
    assert_eq!(std::fs::read(work.path().join("good").join(&name)).unwrap(), photo);
}
