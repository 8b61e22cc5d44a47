//! How long one phone photo takes to store: a 12 MP (4000×3000) JPEG of about
//! 2 MB, made here with some texture so it compresses like a photo, then
//! checked, decoded, scaled to 1600 px and re-encoded by the same code the
//! daemon runs (`files::operations::prepare`). Also times the two resize
//! methods on their own, which is why `prepare` uses `thumbnail` for large
//! reductions.
//!
//! Then stores 100 different 2 MB photos through `store_photo_with` from as
//! many threads as the daemon decodes at once (one per core), into a fresh
//! store, and reports the throughput: the photo part of "100 concurrent
//! submissions with a 2 MB photo each".
//!
//!     cargo run --release -p balai --example photo_time [runs] [photos]
//!     cargo run -p balai --example photo_time            # debug

use balai::files::model::PhotoLimits;
use balai::files::operations::{prepare, store_photo_with};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use std::time::{Duration, Instant};

fn phone_photo() -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 30) as u8;
        let paper: u8 = if (x / 200 + y / 150) % 7 == 0 { 60 } else { 200 };
        Rgb([paper.saturating_add(noise), ((x / 16) % 200) as u8 + noise, ((y / 12) % 200) as u8 + noise / 2])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img).write_to(&mut out, ImageFormat::Jpeg).expect("encode");
    out.into_inner()
}

/// The same photo with one quantisation step changed: it decodes to other
/// pixels, so every variant is a different stored file (no de-duplication).
fn variant(photo: &[u8], n: usize) -> Vec<u8> {
    let mut v = photo.to_vec();
    let dqt = v.windows(2).position(|w| w == [0xFF, 0xDB]).expect("a DQT segment");
    let at = dqt + 5 + 1 + n % 60;
    v[at] = v[at].saturating_add(1 + (n / 60) as u8).min(0xFE);
    v
}

/// CPU time (user + system) of this thread or process so far, from /proc: on
/// a machine shared with other work, wall time says more about the others.
fn cpu(which: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{which}/stat")).unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<i64> = after_name.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    // utime and stime are fields 14 and 15 of the line; 11 and 12 after the name and state.
    let ticks = fields.get(10).copied().unwrap_or(0) + fields.get(11).copied().unwrap_or(0);
    Duration::from_millis(ticks.max(0) as u64 * 10)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let photos: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let photo = phone_photo();
    let limits = PhotoLimits::default();
    println!("upload: 4000×3000 JPEG, {:.2} MB; {runs} runs", photo.len() as f64 / 1e6);
    let mut times = Vec::new();
    let mut out_len = 0;
    let cpu_start = cpu("thread-self");
    for _ in 0..runs {
        let t = Instant::now();
        let p = prepare(&photo, &limits).expect("a valid photo");
        times.push(t.elapsed());
        out_len = p.bytes.len();
    }
    let cpu_each = (cpu("thread-self") - cpu_start) / runs as u32;
    println!(
        "prepare (sniff+decode+scale+encode): median {:?} wall, {:?} CPU each, stored {} kB",
        median(times),
        cpu_each,
        out_len / 1000
    );

    let decoded = image::load_from_memory(&photo).expect("decode");
    let t = Instant::now();
    let _ = image::load_from_memory(&photo).expect("decode");
    println!("decode alone: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = decoded.thumbnail(1600, 1600);
    println!("thumbnail (box) to 1600 px: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = decoded.resize(1600, 1600, image::imageops::FilterType::Triangle);
    println!("resize Triangle to 1600 px: {:?}", t.elapsed());

    let dir = tempfile::tempdir().expect("temp dir");
    let store = balai::store::Store::open(&dir.path().join("store")).expect("store");
    let files = dir.path().join("files");
    let uploads: Vec<Vec<u8>> = (0..photos).map(|n| variant(&photo, n)).collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let t = Instant::now();
    let cpu_before = cpu("self");
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(upload) = uploads.get(i) else { break };
                    store_photo_with(&store, &files, "bench", upload, &limits).expect("stored");
                }
            });
        }
    });
    let took = t.elapsed();
    let cpu_per_photo = (cpu("self") - cpu_before) / photos as u32;
    let stored = store.count::<balai::files::model::StoredFile>();
    println!(
        "{photos} photos on {threads} threads: {:.1} s, {:.2} photos/s, {cpu_per_photo:?} CPU a photo, {stored} distinct records",
        took.as_secs_f64(),
        photos as f64 / took.as_secs_f64()
    );
}
