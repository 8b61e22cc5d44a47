//! `balai letter verify` and `balai letter public-key`: offline commands that
//! never open the store, so a kecamatan office can check a village's letter
//! with only this binary and the village's public key, and no data dir at all.

use crate::cli::LetterCmd;
use crate::config::Config;
use crate::letters::seal::{self, Payload, PublicKey};
use std::path::Path;
use std::process::ExitCode;

/// Exit code for "checked, and not genuine".
const NOT_GENUINE: u8 = 1;
/// Exit code for "could not check": no such file, an unreadable key.
const CANNOT_CHECK: u8 = 2;

pub fn run(config: &Config, command: LetterCmd, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        LetterCmd::Verify { file, public_key } => verify(&file, &public_key, json),
        LetterCmd::PublicKey => {
            let keys = config.data_dir.join("keys");
            let key = seal::LetterKey::load_or_create(&keys)?;
            if json {
                let value = serde_json::json!({ "public_key": key.public().to_text(), "key_id": key.key_id() });
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                print!("{}", key.public().to_file_text());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// KEY is a file holding the key (the .pub file as printed by `public-key`) or the key text itself.
fn read_public_key(key: &str) -> anyhow::Result<PublicKey> {
    let path = Path::new(key);
    let text = if path.is_file() {
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{key}: {e}"))?
    } else {
        key.to_string()
    };
    seal::parse_public_key(&text).map_err(|e| anyhow::anyhow!("--public-key: {e}"))
}

fn verify(file: &Path, key: &str, json: bool) -> anyhow::Result<ExitCode> {
    let inputs = read_public_key(key)
        .and_then(|public| Ok((public, std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?)));
    let (public, pdf) = match inputs {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("balai: {e:#}");
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
    };
    match seal::verify_pdf(&pdf, &public) {
        Ok(payload) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&genuine_json(&payload))?);
            } else {
                println!("{}", genuine_text(&payload));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json {
                let value = serde_json::json!({ "genuine": false, "code": e.code(), "message": e.to_string() });
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                println!("TIDAK SAH / NOT GENUINE: {}\n  {e}", file.display());
            }
            Ok(ExitCode::from(NOT_GENUINE))
        }
    }
}

/// All but the last four digits hidden: enough to match the letter to the person in front of you.
fn mask_nik(nik: &str) -> String {
    let count = nik.chars().count();
    nik.chars().enumerate().map(|(i, c)| if i + 4 < count { '*' } else { c }).collect()
}

fn genuine_text(p: &Payload) -> String {
    format!(
        "ASLI / GENUINE: signed with this village's key {}; no byte changed since signing.\n  \
         Nomor / number:      {}\n  NIK:                 {}\n  Jenis / type:        {}\n  \
         Tanggal / date:      {}\n  Hash isi / content:  {}",
        p.key_id,
        p.number,
        mask_nik(&p.nik),
        p.type_code,
        p.date.format("%Y-%m-%d"),
        hex::encode(p.content_hash)
    )
}

fn genuine_json(p: &Payload) -> serde_json::Value {
    serde_json::json!({
        "genuine": true,
        "number": p.number,
        "nik": mask_nik(&p.nik),
        "type": p.type_code,
        "date": p.date.format("%Y-%m-%d").to_string(),
        "content_hash": hex::encode(p.content_hash),
        "key_id": p.key_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_masked_but_its_last_four_digits() {
        assert_eq!(mask_nik("3302051203850001"), "************0001");
        assert_eq!(mask_nik("123"), "123");
        assert_eq!(mask_nik(""), "");
    }
}
