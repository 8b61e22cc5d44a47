//! Fills a data dir for the backup benchmark (bench/backup.sh, docs/backup.md):
//! `bench_backup DIR PHOTOS_MB` writes a village of about 50,000 residents
//! (the demo generator), 100,000 signed letters (a request and an issued
//! letter each, real types with realistic field sizes), 1,000,000 sensor
//! readings and PHOTOS_MB of photo files.
//!
//! The time-series table does not exist on main yet, so the readings are
//! reading-sized JSON values (device, time, quantity, value; about 90 bytes)
//! in a sled tree named `sensor_reading` written directly, which is how a
//! table outside `Store::commit` is backed up. Photos are random bytes
//! (incompressible, like JPEG) under the content-addressed names of `files/`.

use balai::letters::model::{Channel, IssuedLetter, LetterRequest, State, Step};
use balai::store::{Change, Store};
use chrono::{Duration, TimeZone, Utc};
use rand::{Rng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(mb)) = (args.get(1), args.get(2).and_then(|m| m.parse::<u64>().ok())) else {
        anyhow::bail!("usage: bench_backup DIR PHOTOS_MB");
    };
    let dir = Path::new(dir);
    let started = std::time::Instant::now();
    let store = Store::open(&dir.join("store"))?;
    let (families, residents) = balai::residents::demo::generate(42, 15_000);
    balai::residents::operations::load_generated(&store, &families, &residents)?;
    eprintln!("{} residents, {} families in {:?}", residents.len(), families.len(), started.elapsed());
    letters(&store, &residents)?;
    eprintln!("100,000 letters at {:?}", started.elapsed());
    readings(&store)?;
    eprintln!("1,000,000 readings at {:?}", started.elapsed());
    photos(&dir.join("files"), mb)?;
    eprintln!("{mb} MB of photos at {:?}", started.elapsed());
    store.flush()?;
    Ok(())
}

fn letters(store: &Store, residents: &[balai::residents::model::Resident]) -> anyhow::Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let start = Utc.with_ymd_and_hms(2024, 1, 2, 1, 0, 0).single().expect("date");
    let mut changes = Vec::with_capacity(20_000);
    for i in 0..100_000u32 {
        let r = &residents[i as usize % residents.len()];
        let created = start + Duration::minutes(i as i64 * 9);
        let signed = created + Duration::minutes(rng.random_range(20..2000));
        let id = format!("req{i:07}");
        let number =
            format!("400.12.2.2/{:06}/3310052001/{}/{}", i + 1, ["I", "V", "X"][i as usize % 3], 2024 + i / 40_000);
        let mut subject = BTreeMap::new();
        for (k, v) in [("nama", r.name.as_str()), ("nik", r.nik.as_str()), ("alamat", r.address.as_str())] {
            subject.insert(k.to_string(), v.to_string());
        }
        let mut values = BTreeMap::new();
        values.insert("keperluan".to_string(), "Persyaratan administrasi pendaftaran sekolah anak".to_string());
        let request = LetterRequest {
            id: id.clone(),
            tracking_code: format!("T{i:07}"),
            type_code: "domisili".into(),
            template_version: 1,
            channel: Channel::Counter,
            nik: r.nik.clone(),
            resident_id: Some(r.id.clone()),
            subject,
            in_register: true,
            values,
            phone: "081234567890".into(),
            attachments: Vec::new(),
            state: State::Signed,
            steps: vec![
                Step { state: State::Submitted, at: created, by: "operator".into(), note: String::new() },
                Step {
                    state: State::Verified,
                    at: created + Duration::minutes(5),
                    by: "operator".into(),
                    note: String::new(),
                },
                Step { state: State::Signed, at: signed, by: "kades".into(), note: String::new() },
            ],
            form_token: format!("form-{i}"),
            created,
            created_by: "operator".into(),
            letter_number: Some(number.clone()),
        };
        let mut sealed = vec![0u8; 110];
        rng.fill_bytes(&mut sealed);
        let letter = IssuedLetter {
            request_id: id,
            number,
            type_code: "domisili".into(),
            template_version: 1,
            nik: r.nik.clone(),
            name: r.name.clone(),
            date: signed.date_naive(),
            title: "SURAT KETERANGAN DOMISILI".into(),
            body: format!(
                "Yang bertanda tangan di bawah ini Kepala Desa Sukamaju, Kecamatan Cawas, Kabupaten Klaten, menerangkan bahwa:\n\n[[nama]] {}\n[[nik]] {}\n[[alamat]] {}\n\nadalah benar penduduk Desa Sukamaju dan berdomisili di alamat tersebut. Surat keterangan ini dibuat untuk persyaratan administrasi pendaftaran sekolah anak dan dapat dipergunakan sebagaimana mestinya.",
                r.name, r.nik, r.address
            ),
            letterhead: vec!["PEMERINTAH KABUPATEN KLATEN".into(), "KECAMATAN CAWAS".into(), "DESA SUKAMAJU".into()],
            address: "Jl. Balai Desa No. 1, Sukamaju".into(),
            logo: None,
            place_date: format!("Sukamaju, {}", signed.format("%d-%m-%Y")),
            signer_position: "Kepala Desa Sukamaju".into(),
            signer_name: "Bambang Suryanto".into(),
            signer_user: "kades".into(),
            paper: "F4".into(),
            sealed: hex::encode(&sealed),
            content_hash: hex::encode(Sha256::digest(r.nik.as_bytes())),
            signed_at: signed,
            revoked: None,
        };
        changes.push(Change::put(&request)?);
        changes.push(Change::put(&letter)?);
        if changes.len() >= 20_000 {
            store.commit_batch("bench", std::mem::take(&mut changes), 2_000)?;
        }
    }
    store.commit_batch("bench", changes, 2_000)?;
    Ok(())
}

fn readings(store: &Store) -> anyhow::Result<()> {
    let kinds = ["weight_g", "height_mm", "temp_c10", "humidity_pct", "water_level_mm"];
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("date").timestamp();
    let entries = (0..1_000_000u64).map(|i| {
        let device = i % 40;
        let t = start + (i / 40) as i64 * 60;
        let mut key = device.to_be_bytes().to_vec();
        key.extend_from_slice(&t.to_be_bytes());
        let value = format!(
            "{{\"device\":\"dev-{device:03}\",\"t\":{t},\"kind\":\"{}\",\"value\":{}}}",
            kinds[(device % 5) as usize],
            (i * 7919) % 100_000
        );
        (key, value.into_bytes())
    });
    store.bench_fill_raw("sensor_reading", entries)?;
    Ok(())
}

fn photos(dir: &Path, mb: u64) -> anyhow::Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let each = 200 * 1024;
    let n = mb * 1024 * 1024 / each as u64;
    let mut bytes = vec![0u8; each];
    for _ in 0..n {
        rng.fill_bytes(&mut bytes);
        let sha = hex::encode(Sha256::digest(&bytes));
        let shard = dir.join(&sha[..2]);
        std::fs::create_dir_all(&shard)?;
        std::fs::write(shard.join(format!("{sha}.jpg")), &bytes)?;
    }
    Ok(())
}
