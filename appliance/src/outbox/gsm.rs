//! The GSM 03.38 default alphabet, as a modem in text mode with
//! `AT+CSCS="GSM"` expects it: one byte per character, the character's code
//! in the alphabet. Text is first made to fit it: common typographic
//! characters and accented letters are transliterated; anything else (emoji,
//! other scripts) is refused, never sent as garbage.
//!
//! The extension table (`[ ] { } ~ \ | ^ €`) needs an ESC (0x1B) byte, which
//! aborts a message in text mode, so those characters are transliterated too.
//! Every character then costs one of the 160 septets of a single SMS.

/// The default alphabet, indexed by code. 0x1B (ESC) is a placeholder.
const BASIC: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1b}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// Characters of one SMS in the default alphabet.
pub const SMS_MAX_CHARS: usize = 160;

/// Bytes the modem must never see inside a text: 0x1A ends the message,
/// 0x1B aborts it, CR and LF are line ends to some modems.
fn unsafe_code(code: u8) -> bool {
    matches!(code, 0x0A | 0x0D | 0x1A | 0x1B)
}

fn code_of(c: char) -> Option<u8> {
    BASIC.iter().position(|b| *b == c).map(|i| i as u8).filter(|code| !unsafe_code(*code))
}

/// A replacement in the alphabet for a character outside it.
fn transliteration(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' | '`' | '\u{00B4}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' | '~' => "-",
        '\u{2026}' => "...",
        '\u{2022}' | '\u{00B7}' => "*",
        '[' | '{' => "(",
        ']' | '}' => ")",
        '\\' | '|' => "/",
        '^' => "",
        '€' => "EUR",
        'á' | 'â' | 'ã' | 'ā' => "a",
        'Á' | 'À' | 'Â' | 'Ã' | 'Ā' => "A",
        'ê' | 'ë' | 'ē' => "e",
        'È' | 'Ê' | 'Ë' | 'Ē' => "E",
        'í' | 'î' | 'ï' | 'ī' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => "I",
        'ó' | 'ô' | 'õ' | 'ō' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ō' => "O",
        'ú' | 'û' | 'ū' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ū' => "U",
        'ç' => "c",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'š' => "s",
        'Š' => "S",
        'ž' => "z",
        'Ž' => "Z",
        c if c.is_whitespace() => " ",
        _ => return None,
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum GsmError {
    /// A character with no place in the alphabet and no transliteration.
    Unsupported(char),
    /// More characters than one SMS carries (after transliteration).
    TooLong(usize),
}

/// `text` in the default alphabet, ready to send as one SMS.
pub fn fit(text: &str) -> Result<String, GsmError> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if code_of(c).is_some() {
            out.push(c);
        } else {
            out.push_str(transliteration(c).ok_or(GsmError::Unsupported(c))?);
        }
    }
    let out = out.trim().to_string();
    let n = out.chars().count();
    if n > SMS_MAX_CHARS {
        return Err(GsmError::TooLong(n));
    }
    Ok(out)
}

/// The bytes a modem in GSM text mode expects for `text`. `text` must come
/// from [`fit`]; a character outside the alphabet is refused here too.
pub fn encode(text: &str) -> Result<Vec<u8>, GsmError> {
    text.chars().map(|c| code_of(c).ok_or(GsmError::Unsupported(c))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_indonesian_text_pass_unchanged() {
        let t = "Surat Anda siap diambil. Kode lacak: AB12-CD34. Terima kasih!";
        assert_eq!(fit(t).unwrap(), t);
    }

    #[test]
    fn codes_differ_from_ascii_where_the_alphabet_does() {
        assert_eq!(encode("A@$_é").unwrap(), vec![0x41, 0x00, 0x02, 0x11, 0x05]);
        assert_eq!(encode("a").unwrap(), b"a".to_vec());
    }

    #[test]
    fn typography_and_accents_are_transliterated() {
        assert_eq!(fit("“Ya” – ‘ok’… [1] {2} €5 café\nbaru").unwrap(), "\"Ya\" - 'ok'... (1) (2) EUR5 café baru");
        assert_eq!(fit("Ámbil").unwrap(), "Ambil");
    }

    #[test]
    fn emoji_and_other_scripts_are_refused() {
        assert_eq!(fit("Halo 😀"), Err(GsmError::Unsupported('😀')));
        assert_eq!(fit("你好"), Err(GsmError::Unsupported('你')));
        assert_eq!(encode("x\u{1a}"), Err(GsmError::Unsupported('\u{1a}')));
        assert_eq!(encode("Ξ"), Err(GsmError::Unsupported('Ξ')));
    }

    #[test]
    fn one_sms_holds_160_characters() {
        assert!(fit(&"a".repeat(160)).is_ok());
        assert_eq!(fit(&"a".repeat(161)), Err(GsmError::TooLong(161)));
        // a transliteration that grows the text counts after growing
        assert_eq!(fit(&format!("{}…", "a".repeat(158))), Err(GsmError::TooLong(161)));
    }

    #[test]
    fn every_fitted_text_encodes_without_control_bytes() {
        let t = fit("Tes @ $ _ é ñ Ü ¿ § \t tab").unwrap();
        let bytes = encode(&t).unwrap();
        assert!(bytes.iter().all(|b| *b < 0x80 && !unsafe_code(*b)));
        assert_eq!(bytes.len(), t.chars().count());
    }
}
