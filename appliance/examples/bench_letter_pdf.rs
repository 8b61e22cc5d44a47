//! Signed-letter benchmark: seals, renders and signs 1,000 realistic letters
//! (each with its own number, name and QR; every tenth runs onto a second
//! page) and prints p50/p99 per letter. Run in release:
//! `cargo run --release -p balai --example bench_letter_pdf [-- COUNT]`

use balai::letters::{pdf, seal};
use std::time::Instant;

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let key = seal::LetterKey::from_seed([7; 32]);
    let names = ["Budi Santoso", "Siti Aminah", "Wahyu Hidayat", "Sri Rahayu", "Agus Prasetyo", "Dewi Lestari"];
    // The first letter pays for loading the fonts once per process; measured apart.
    let mut times = Vec::with_capacity(count);
    let mut render_only = Vec::with_capacity(count);
    let mut bytes = 0usize;
    let started = Instant::now();
    for i in 0..count {
        let t = Instant::now();
        let number = format!("474.4/{:03}/3302052001/XI/2026", i + 1);
        let payload = seal::Payload {
            number: number.clone(),
            nik: format!("33020512038{:05}", i),
            type_code: "SKD".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default(),
            content_hash: seal::content_hash(&number),
            key_id: key.key_id(),
        };
        let url = seal::verify_url("https://balai.local/verify", &seal::seal(&payload, &key));
        let extra = if i % 10 == 9 { 14 } else { i % 3 };
        let doc = pdf::sample_document(&number, names[i % names.len()], extra, Some(url));
        let r = Instant::now();
        let rendered = pdf::render(&doc).expect("render");
        render_only.push(r.elapsed().as_secs_f64() * 1000.0);
        let signed = seal::sign_pdf(rendered, &key).expect("sign");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        bytes += signed.len();
    }
    let total = started.elapsed().as_secs_f64();
    let first = times[0];
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    };
    let mut rest = times[1..].to_vec();
    println!(
        "{count} signed letters in {total:.2} s ({:.0} letters/s), mean size {} KB",
        count as f64 / total,
        bytes / count / 1024
    );
    println!(
        "per letter (seal + render + sign): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&mut rest, 0.5),
        pct(&mut rest, 0.99),
        rest[rest.len() - 1]
    );
    println!("render alone: p50 {:.2} ms, p99 {:.2} ms", pct(&mut render_only, 0.5), pct(&mut render_only, 0.99));
    println!("first letter (loads the fonts): {first:.2} ms");
}
