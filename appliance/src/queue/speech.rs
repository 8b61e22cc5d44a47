//! The spoken call: "Nomor antrian A tiga, silakan ke loket dua", with the
//! numbers in Indonesian words (a synthesizer reading "003" says digits or
//! nothing useful). Made on the box with espeak-ng when it is installed;
//! otherwise the board falls back to the browser's own Indonesian voice.
//!
//! Only text built here from a ticket's letter, number and counter ever
//! reaches espeak-ng, and it is passed as one argument, never through a shell.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ONES: [&str; 10] = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];

/// A whole number in Indonesian words: 12 → "dua belas", 123 → "seratus dua
/// puluh tiga", 1000 → "seribu".
pub fn words(n: u64) -> String {
    if n < 10 {
        return ONES[n as usize].to_string();
    }
    let mut parts = Vec::new();
    push_words(n, &mut parts);
    parts.join(" ")
}

fn push_words(n: u64, out: &mut Vec<String>) {
    const SCALES: [(u64, &str, &str); 4] = [
        (1_000_000_000_000, "triliun", "triliun"),
        (1_000_000_000, "miliar", "miliar"),
        (1_000_000, "juta", "juta"),
        (1_000, "ribu", "seribu"),
    ];
    let mut rest = n;
    for (scale, name, one) in SCALES {
        let count = rest / scale;
        if count == 0 {
            continue;
        }
        if count == 1 && scale == 1_000 {
            out.push(one.to_string());
        } else {
            // Only trillions can count past 999 (u64 reaches 18 million of them).
            push_words(count, out);
            out.push(name.to_string());
        }
        rest %= scale;
    }
    push_below_thousand(rest, out);
}

fn push_below_thousand(n: u64, out: &mut Vec<String>) {
    let (hundreds, rest) = (n / 100, n % 100);
    match hundreds {
        0 => {}
        1 => out.push("seratus".into()),
        h => out.push(format!("{} ratus", ONES[h as usize])),
    }
    match rest {
        0 => {}
        10 => out.push("sepuluh".into()),
        11 => out.push("sebelas".into()),
        12..=19 => out.push(format!("{} belas", ONES[(rest - 10) as usize])),
        1..=9 => out.push(ONES[rest as usize].into()),
        _ if rest % 10 == 0 => out.push(format!("{} puluh", ONES[(rest / 10) as usize])),
        _ => out.push(format!("{} puluh {}", ONES[(rest / 10) as usize], ONES[(rest % 10) as usize])),
    }
}

/// What the board says when `prefix`-`number` is called to `counter`.
pub fn announcement(prefix: &str, number: u32, counter: u32) -> String {
    format!("Nomor antrian {prefix}, {}. Silakan ke loket {}.", words(number.into()), words(counter.into()))
}

/// espeak-ng on this box, if it runs.
pub fn espeak_available() -> bool {
    Command::new("espeak-ng")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The WAV for `text`, made once and then read from `cache_dir` (the same
/// call text always sounds the same). Blocks: run it off the async workers.
pub fn wav(cache_dir: &Path, text: &str, timeout: Duration) -> std::io::Result<Vec<u8>> {
    let path = cache_path(cache_dir, text);
    if let Ok(bytes) = std::fs::read(&path) {
        return Ok(bytes);
    }
    std::fs::create_dir_all(cache_dir)?;
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut child = Command::new("espeak-ng")
        .args(["-v", "id", "-s", "135", "-w"])
        .arg(&tmp)
        .arg("--")
        .arg(text)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&tmp);
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "espeak-ng took too long"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        let _ = std::fs::remove_file(&tmp);
        return Err(std::io::Error::other(format!("espeak-ng failed: {status}")));
    }
    let bytes = std::fs::read(&tmp)?;
    if !is_wav(&bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(std::io::Error::other("espeak-ng wrote no WAV"));
    }
    std::fs::rename(&tmp, &path)?;
    Ok(bytes)
}

fn cache_path(dir: &Path, text: &str) -> PathBuf {
    dir.join(format!("{}.wav", hex::encode(Sha256::digest(text.as_bytes()))))
}

pub fn is_wav(bytes: &[u8]) -> bool {
    bytes.len() > 44 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_indonesian_words() {
        let cases = [
            (0, "nol"),
            (3, "tiga"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (110, "seratus sepuluh"),
            (111, "seratus sebelas"),
            (123, "seratus dua puluh tiga"),
            (200, "dua ratus"),
            (999, "sembilan ratus sembilan puluh sembilan"),
            (1000, "seribu"),
            (1001, "seribu satu"),
            (1500, "seribu lima ratus"),
            (2024, "dua ribu dua puluh empat"),
            (11_000, "sebelas ribu"),
            (100_000, "seratus ribu"),
            (1_000_000, "satu juta"),
            (2_500_300, "dua juta lima ratus ribu tiga ratus"),
        ];
        for (n, want) in cases {
            assert_eq!(words(n), want, "{n}");
        }
    }

    #[test]
    fn the_call_names_letter_number_and_counter() {
        assert_eq!(announcement("A", 3, 2), "Nomor antrian A, tiga. Silakan ke loket dua.");
        assert_eq!(announcement("B", 12, 1), "Nomor antrian B, dua belas. Silakan ke loket satu.");
        assert_eq!(announcement("C", 123, 10), "Nomor antrian C, seratus dua puluh tiga. Silakan ke loket sepuluh.");
    }

    proptest::proptest! {
        #[test]
        fn words_never_panic_and_use_only_known_words(n in proptest::num::u64::ANY) {
            let w = words(n);
            proptest::prop_assert!(!w.is_empty());
            proptest::prop_assert!(!w.contains("  "));
            if n > 0 {
                proptest::prop_assert!(!w.contains("nol"), "{n}: {w}");
            }
        }
    }
}
