//! Text normalisation shared by indexing and querying, so a name is cut into
//! the same words on both sides (lower case, accents folded, apostrophes
//! dropped, hyphens and punctuation splitting words).

/// The most words of a query that are looked at; the rest are ignored.
pub(super) const MAX_QUERY_WORDS: usize = 8;
/// Longer words are cut (names have no such words; this bounds query cost).
const MAX_WORD_CHARS: usize = 40;

/// Characters that join the two halves of a name: Ma'ruf, Ma’ruf → "maruf".
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | 'ʼ' | '´')
}

/// Lower case and fold the accented Latin letters found in names to ASCII.
fn fold(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        let f = match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' | 'ÿ' => 'y',
            other => other,
        };
        out.push(f);
    }
}

/// Splits `text` into chunks separated by anything but letters, digits,
/// apostrophes and hyphens; each chunk is split again on hyphens.
/// Returns, per chunk, its hyphen-separated parts (already normalised).
fn chunks(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut word = String::new();
    let end_word = |word: &mut String, parts: &mut Vec<String>| {
        if !word.is_empty() {
            let cut: String = word.chars().take(MAX_WORD_CHARS).collect();
            parts.push(cut);
            word.clear();
        }
    };
    for c in text.chars() {
        if is_apostrophe(c) {
            continue;
        }
        if c.is_alphanumeric() {
            fold(c, &mut word);
        } else if c == '-' {
            end_word(&mut word, &mut parts);
        } else {
            end_word(&mut word, &mut parts);
            if !parts.is_empty() {
                out.push(std::mem::take(&mut parts));
            }
        }
    }
    end_word(&mut word, &mut parts);
    if !parts.is_empty() {
        out.push(parts);
    }
    out
}

/// The words a name is indexed under: every part, plus the joined form of a
/// hyphenated name ("Nur-Aini" → nur, aini, nuraini) so both spellings find it.
pub(super) fn index_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for parts in chunks(name) {
        if parts.len() > 1 {
            words.push(parts.concat());
        }
        words.extend(parts);
    }
    words
}

/// The words of a typed query, in order, at most [`MAX_QUERY_WORDS`].
pub(super) fn query_words(query: &str) -> Vec<String> {
    chunks(query).into_iter().flatten().take(MAX_QUERY_WORDS).collect()
}

/// `Some(digits)` when the query is a number once spaces, dots and dashes are
/// removed (how NIK and No. KK get typed: "3201 0112 …", "32.01.01").
pub(super) fn as_number(query: &str) -> Option<String> {
    let digits: String = query.chars().filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-')).collect();
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// A NIK or No. KK as indexed: its digits only, cut to a sane length.
pub(super) fn compact_number(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_accents_apostrophes_and_hyphens() {
        assert_eq!(index_words("Ma'ruf Amin"), ["maruf", "amin"]);
        assert_eq!(index_words("MA’RUF"), ["maruf"]);
        assert_eq!(index_words("Nur-Aini Siti"), ["nuraini", "nur", "aini", "siti"]);
        assert_eq!(index_words("Moh. Ali, S.Pd."), ["moh", "ali", "s", "pd"]);
        assert_eq!(index_words("Désirée"), ["desiree"]);
        assert_eq!(query_words("  nur-aini  "), ["nur", "aini"]);
        assert!(query_words("''' - .").is_empty());
        assert_eq!(query_words("a b c d e f g h i j k").len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn numbers_allow_spaces_dots_and_dashes() {
        assert_eq!(as_number("3201 0112-34.5").as_deref(), Some("32010112345"));
        assert_eq!(as_number("32a"), None);
        assert_eq!(as_number(" . "), None);
        assert_eq!(as_number("٣٢"), None); // non-ASCII digits are not a NIK
        assert_eq!(compact_number("3201.01"), "320101");
    }
}
