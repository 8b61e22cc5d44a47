//! The template language an admin edits without a rebuild.
//!
//! Fields, one per line: `name | Label | kind | wajib`, kind one of `teks`,
//! `paragraf`, `tanggal`, `angka`, `pilihan: A; B`, `nik`.
//! Body: paragraphs separated by blank lines; `Label | value` lines form the
//! data table; `## ` starts a heading; `{{name}}` is replaced by a value.

use super::model::{FieldKind, FieldSpec};
use super::pdf::Block;
use std::collections::{BTreeMap, BTreeSet};

/// Placeholders every template may use for the person the letter is about.
pub const SUBJECT_KEYS: &[&str] = &[
    "nama",
    "nik",
    "no_kk",
    "tempat_lahir",
    "tanggal_lahir",
    "ttl",
    "umur",
    "jenis_kelamin",
    "agama",
    "pekerjaan",
    "status_kawin",
    "kewarganegaraan",
    "alamat",
    "dusun",
    "rt",
    "rw",
];

/// Placeholders for the village and the letter itself.
pub const VILLAGE_KEYS: &[&str] = &["desa", "kecamatan", "kabupaten", "provinsi", "kepala_desa", "tanggal_surat"];

/// A problem in a template, with the line it is on (1-based; 0 for the whole text).
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateProblem {
    pub part: &'static str,
    pub line: usize,
    pub message: String,
}

pub fn parse_fields(text: &str) -> Result<Vec<FieldSpec>, Vec<TemplateProblem>> {
    let mut fields: Vec<FieldSpec> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_field_line(line) {
            Ok(f) if fields.iter().any(|g| g.name == f.name) => {
                problems.push(problem("fields", i + 1, format!("nama isian '{}' dipakai dua kali", f.name)))
            }
            Ok(f) => fields.push(f),
            Err(message) => problems.push(problem("fields", i + 1, message)),
        }
    }
    if problems.is_empty() { Ok(fields) } else { Err(problems) }
}

fn problem(part: &'static str, line: usize, message: String) -> TemplateProblem {
    TemplateProblem { part, line, message }
}

fn parse_field_line(line: &str) -> Result<FieldSpec, String> {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    if parts.len() < 3 || parts.len() > 4 {
        return Err("tulis 'nama | Label | jenis' atau 'nama | Label | jenis | wajib'".into());
    }
    let name = parts[0];
    if !is_name(name) {
        return Err(format!("nama isian '{name}' hanya boleh huruf kecil, angka dan _"));
    }
    if SUBJECT_KEYS.contains(&name) || VILLAGE_KEYS.contains(&name) {
        return Err(format!("nama isian '{name}' sudah dipakai untuk data penduduk atau desa"));
    }
    if parts[1].is_empty() {
        return Err(format!("isian '{name}' belum punya label"));
    }
    let kind = parse_kind(parts[2])?;
    let required = match parts.get(3) {
        None | Some(&"") => false,
        Some(w) if w.eq_ignore_ascii_case("wajib") => true,
        Some(other) => return Err(format!("kolom keempat harus 'wajib' atau kosong, bukan '{other}'")),
    };
    Ok(FieldSpec { name: name.to_string(), label: parts[1].to_string(), kind, required })
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn parse_kind(text: &str) -> Result<FieldKind, String> {
    let lower = text.to_lowercase();
    Ok(match lower.as_str() {
        "teks" => FieldKind::Text,
        "paragraf" => FieldKind::Paragraph,
        "tanggal" => FieldKind::Date,
        "angka" => FieldKind::Number,
        "nik" => FieldKind::Person,
        _ => match lower.strip_prefix("pilihan:") {
            Some(_) => {
                let options: Vec<String> = text["pilihan:".len()..]
                    .split(';')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(String::from)
                    .collect();
                if options.len() < 2 {
                    return Err("pilihan perlu paling sedikit dua, dipisah ';'".into());
                }
                FieldKind::Choice(options)
            }
            None => {
                return Err(format!(
                    "jenis '{text}' tidak dikenal (teks, paragraf, tanggal, angka, pilihan: A; B, nik)"
                ));
            }
        },
    })
}

/// Writes fields back in the text form the editor shows.
pub fn fields_text(fields: &[FieldSpec]) -> String {
    let mut out = String::new();
    for f in fields {
        let kind = match &f.kind {
            FieldKind::Text => "teks".to_string(),
            FieldKind::Paragraph => "paragraf".to_string(),
            FieldKind::Date => "tanggal".to_string(),
            FieldKind::Number => "angka".to_string(),
            FieldKind::Person => "nik".to_string(),
            FieldKind::Choice(o) => format!("pilihan: {}", o.join("; ")),
        };
        out.push_str(&format!("{} | {} | {}{}\n", f.name, f.label, kind, if f.required { " | wajib" } else { "" }));
    }
    out
}

/// Every `{{name}}` in the body must be something the letter can fill.
pub fn check_body(body: &str, fields: &[FieldSpec]) -> Vec<TemplateProblem> {
    let known = known_placeholders(fields);
    let mut problems = Vec::new();
    if body.trim().is_empty() {
        problems.push(problem("body", 0, "isi surat masih kosong".into()));
    }
    for (i, line) in body.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                problems.push(problem("body", i + 1, "'{{' tanpa penutup '}}'".into()));
                break;
            };
            let name = rest[start + 2..start + len].trim();
            if !known.contains(name) {
                problems.push(problem("body", i + 1, format!("'{{{{{name}}}}}' tidak dikenal")));
            }
            rest = &rest[start + len + 2..];
        }
    }
    problems
}

fn known_placeholders(fields: &[FieldSpec]) -> BTreeSet<String> {
    let mut known: BTreeSet<String> = SUBJECT_KEYS.iter().chain(VILLAGE_KEYS).map(|k| k.to_string()).collect();
    for f in fields {
        known.insert(f.name.clone());
        if f.kind == FieldKind::Person {
            known.extend(SUBJECT_KEYS.iter().map(|k| format!("{}.{k}", f.name)));
        }
    }
    known
}

/// Fills the placeholders; an empty or unknown value prints as "-" so a
/// printed letter never shows template syntax.
pub fn fill(body: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(body.len() + 256);
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(len) => {
                let name = rest[start + 2..start + len].trim();
                match values.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                    Some(v) => out.push_str(v),
                    None => out.push('-'),
                }
                rest = &rest[start + len + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits a filled body into the blocks the PDF lays out.
pub fn blocks(filled: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for chunk in paragraphs(filled) {
        let lines: Vec<&str> = chunk.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if let Some(heading) = lines.first().and_then(|l| l.strip_prefix("## ")) {
            blocks.push(Block::Heading(heading.trim().to_string()));
            if lines.len() > 1 {
                blocks.extend(lines_to_blocks(&lines[1..]));
            }
        } else {
            blocks.extend(lines_to_blocks(&lines));
        }
    }
    blocks
}

fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn lines_to_blocks(lines: &[&str]) -> Vec<Block> {
    if !lines.is_empty() && lines.iter().all(|l| l.contains(" | ")) {
        let rows = lines
            .iter()
            .map(|l| {
                let (k, v) = l.split_once(" | ").unwrap_or((l, ""));
                (k.trim().to_string(), v.trim().to_string())
            })
            .collect();
        return vec![Block::Fields(rows)];
    }
    vec![Block::Paragraph(lines.join(" "))]
}

/// The text the content hash covers: what the letter says, in reading order.
pub fn canonical_text(title: &str, number: &str, blocks: &[Block]) -> String {
    let mut out = format!("{title}\n{number}\n");
    for b in blocks {
        match b {
            Block::Heading(h) | Block::Paragraph(h) => {
                out.push_str(h);
                out.push('\n');
            }
            Block::Fields(rows) => {
                for (k, v) in rows {
                    out.push_str(&format!("{k}: {v}\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_parse_and_print_back() {
        let text =
            "keperluan | Keperluan | teks | wajib\nsebab | Sebab | pilihan: Sakit; Kecelakaan\nibu | Ibu | nik\n";
        let fields = parse_fields(text).unwrap();
        assert_eq!(fields.len(), 3);
        assert!(fields[0].required);
        assert_eq!(fields[1].kind, FieldKind::Choice(vec!["Sakit".into(), "Kecelakaan".into()]));
        assert_eq!(parse_fields(&fields_text(&fields)).unwrap(), fields);
    }

    #[test]
    fn bad_field_lines_name_the_line() {
        let err = parse_fields("ok | Ok | teks\nBad Name | X | teks\nx | X | warna\nnama | Nama | teks").unwrap_err();
        let lines: Vec<usize> = err.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }

    #[test]
    fn unknown_placeholders_are_found() {
        let fields = parse_fields("ibu | Ibu | nik").unwrap();
        assert!(check_body("{{nama}} {{ibu.nama}} {{desa}}", &fields).is_empty());
        let p = check_body("ok\n{{namaa}}", &fields);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, 2);
        assert_eq!(check_body("{{nama", &fields).len(), 1);
    }

    #[test]
    fn fill_and_split_into_blocks() {
        let mut v = BTreeMap::new();
        v.insert("nama".to_string(), "Siti".to_string());
        let filled = fill("## Judul\n\nNama | {{nama}}\nNIK | {{nik}}\n\nBenar {{nama}}\nwarga.", &v);
        let b = blocks(&filled);
        assert_eq!(
            b,
            vec![
                Block::Heading("Judul".into()),
                Block::Fields(vec![("Nama".into(), "Siti".into()), ("NIK".into(), "-".into())]),
                Block::Paragraph("Benar Siti warga.".into()),
            ]
        );
    }

    #[test]
    fn every_shipped_type_is_a_valid_template() {
        for t in super::super::catalog::shipped() {
            let fields = parse_fields(&t.fields).unwrap_or_else(|e| panic!("{}: {e:?}", t.code));
            assert!(check_body(&t.body, &fields).is_empty(), "{}: {:?}", t.code, check_body(&t.body, &fields));
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,200}") {
            let _ = parse_fields(&text);
            let _ = check_body(&text, &[]);
            let _ = blocks(&fill(&text, &BTreeMap::new()));
        }
    }
}
