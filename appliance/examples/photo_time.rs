//! How long one phone photo takes to store: a 12 MP (4000×3000) JPEG of about
//! 2 MB, made here with some texture so it compresses like a photo, then
//! checked, decoded, scaled to 1600 px and re-encoded by the same code the
//! daemon runs (`files::operations::prepare`). Also times the two resize
//! methods on their own, which is why `prepare` uses `thumbnail` for large
//! reductions.
//!
//!     cargo run --release -p balai --example photo_time
//!     cargo run -p balai --example photo_time            # debug

use balai::files::model::PhotoLimits;
use balai::files::operations::prepare;
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let photo = phone_photo();
    let limits = PhotoLimits::default();
    println!("upload: 4000×3000 JPEG, {:.2} MB; {runs} runs", photo.len() as f64 / 1e6);
    let mut times = Vec::new();
    let mut out_len = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let p = prepare(&photo, &limits).expect("a valid photo");
        times.push(t.elapsed());
        out_len = p.bytes.len();
    }
    println!("prepare (sniff+decode+scale+encode): median {:?}, stored {} kB", median(times), out_len / 1000);

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
}
