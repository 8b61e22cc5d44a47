//! Writes a signed sample letter and the public key that verifies it, to look
//! at the layout and to try `balai letter verify` by hand:
//! `cargo run -p balai --example sample_letter -- OUT_DIR [EXTRA_PARAGRAPHS] [a4|f4] [LOGO.png]`
//! writes OUT_DIR/sample-letter.pdf and OUT_DIR/letter-signing.pub (a fixed
//! demo key, never a village's).

use balai::letters::{pdf, seal};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(out) = args.get(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: sample_letter OUT_DIR [EXTRA_PARAGRAPHS] [a4|f4] [LOGO.png]");
        return std::process::ExitCode::from(2);
    };
    let extra = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(0);
    let key = seal::LetterKey::from_seed([42; 32]);
    let number = "474.4/012/3302052001/XI/2026";
    let payload = seal::Payload {
        number: number.into(),
        nik: "3302051203850001".into(),
        type_code: "SKD".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default(),
        content_hash: seal::content_hash("SURAT KETERANGAN DOMISILI"),
        key_id: key.key_id(),
    };
    let url = seal::verify_url("https://balai.local/verify", &seal::seal(&payload, &key));
    let mut doc = pdf::sample_document(number, "Budi Santoso", extra, Some(url));
    if args.get(3).is_some_and(|p| p == "a4") {
        doc.paper = pdf::Paper::A4;
    }
    if let Some(logo) = args.get(4) {
        match std::fs::read(logo) {
            Ok(png) => doc.letterhead.logo_png = Some(png),
            Err(e) => {
                eprintln!("{logo}: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let signed =
        pdf::render(&doc).map_err(|e| e.to_string()).and_then(|b| seal::sign_pdf(b, &key).map_err(|e| e.to_string()));
    let written = signed.and_then(|bytes| {
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        std::fs::write(out.join("sample-letter.pdf"), bytes).map_err(|e| e.to_string())?;
        std::fs::write(out.join("letter-signing.pub"), key.public().to_file_text()).map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => {
            println!("{}", out.join("sample-letter.pdf").display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sample_letter: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
