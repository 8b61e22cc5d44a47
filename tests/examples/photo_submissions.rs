//! The benchmark for photos: 100 letter requests submitted at once,
//! each with a different 2 MB phone photo, against the real daemon over
//! HTTPS (the demo village, one resident's session, one fresh form token per
//! request). Prints how many were accepted, the wall time, the throughput and
//! the latency spread; every request must end in 303 (recorded).
//!
//!     cargo run --release -p balai-tests --example photo_submissions [count]
//!
//! (release here builds and starts the release daemon, as the harness does
//! for release test binaries.)

use balai_tests::{Balai, Body, input_tags};
use reqwest::blocking::multipart;
use std::time::{Duration, Instant};

fn phone_photo() -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 30) as u8;
        let paper: u8 = if (x / 200 + y / 150) % 7 == 0 { 60 } else { 200 };
        image::Rgb([paper.saturating_add(noise), ((x / 16) % 200) as u8 + noise, ((y / 12) % 200) as u8 + noise / 2])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg).expect("encode");
    out.into_inner()
}

/// One quantisation step changed: other pixels, so no two photos de-duplicate.
fn variant(photo: &[u8], n: usize) -> Vec<u8> {
    let mut v = photo.to_vec();
    let dqt = v.windows(2).position(|w| w == [0xFF, 0xDB]).expect("a DQT segment");
    let at = dqt + 5 + 1 + n % 60;
    v[at] = v[at].saturating_add(1 + (n / 60) as u8).min(0xFE);
    v
}

fn hidden(html: &str, name: &str) -> String {
    input_tags(html)
        .find(|a| a.get("name").map(String::as_str) == Some(name))
        .and_then(|a| a.get("value").cloned())
        .unwrap_or_else(|| panic!("no {name} on the form"))
}

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let balai = Balai::demo();
    let warga = balai.signin("warga");
    let photo = phone_photo();
    println!("{count} submissions, each with a {:.2} MB 4000×3000 JPEG", photo.len() as f64 / 1e6);
    let forms: Vec<(String, String, Vec<u8>)> = (0..count)
        .map(|n| {
            let page = warga.page("/surat/ajukan/domisili").text();
            (hidden(&page, "csrf"), hidden(&page, "form_token"), variant(&photo, n))
        })
        .collect();
    let started = Instant::now();
    let results: Vec<(u16, Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = forms
            .into_iter()
            .map(|(csrf, token, bytes)| {
                let client = warga.fork();
                s.spawn(move || {
                    let part = multipart::Part::bytes(bytes).file_name("ktp.jpg").mime_str("image/jpeg").expect("mime");
                    let form = multipart::Form::new()
                        .text("csrf", csrf)
                        .text("form_token", token)
                        .text("keperluan", "melamar kerja")
                        .text("phone", "0812 3456 7890")
                        .part("photos", part);
                    let t = Instant::now();
                    let status = client
                        .send("POST", "/surat/ajukan/domisili", Body::Multipart(form))
                        .map(|r| r.status)
                        .unwrap_or(0);
                    (status, t.elapsed())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let wall = started.elapsed();
    let ok = results.iter().filter(|(s, _)| *s == 303).count();
    let mut lat: Vec<Duration> = results.iter().map(|(_, d)| *d).collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    let mut statuses: Vec<u16> = results.iter().map(|(s, _)| *s).collect();
    statuses.sort();
    statuses.dedup();
    println!(
        "{ok}/{count} recorded (statuses {statuses:?}) in {:.1} s: {:.2} submissions/s; latency p50 {:.1} s, p99 {:.1} s",
        wall.as_secs_f64(),
        count as f64 / wall.as_secs_f64(),
        pct(0.5).as_secs_f64(),
        pct(0.99).as_secs_f64()
    );
    let files = std::fs::read_dir(balai.data_dir.join("files"))
        .map(|d| d.flatten().filter_map(|s| std::fs::read_dir(s.path()).ok()).map(|f| f.count()).sum::<usize>())
        .unwrap_or(0);
    println!("photo files stored: {files}");
    assert_eq!(ok, count, "some submissions failed");
}
