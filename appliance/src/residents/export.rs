//! Writing the register back out in OpenSID's 43-column import layout (CSV or
//! XLSX), so a village can leave Balai as easily as it came, and so
//! `import::parse_*(export::to_*(x))` gives back the same residents.

use std::collections::HashMap;

use super::import::COLUMNS;
use super::model::{Family, Resident, format_date};

/// The header row alone, as a CSV template to fill in.
pub fn template_csv() -> Vec<u8> {
    let mut out = COLUMNS.join(",").into_bytes();
    out.extend_from_slice(b"\r\n");
    out
}

/// The residents as CSV (comma-separated, UTF-8, CRLF), in the given order.
/// No. KK comes from the resident's family (empty if none).
pub fn to_csv(residents: &[Resident], families: &[Family]) -> Vec<u8> {
    let kk = kk_numbers(families);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into a Vec cannot fail, so the results carry no information.
    let _ = w.write_record(COLUMNS);
    for r in residents {
        let _ = w.write_record(row(r, &kk));
    }
    w.into_inner().unwrap_or_default()
}

/// The residents as an XLSX workbook with one sheet, "Data Penduduk".
/// Identity numbers and dates are text cells (so spreadsheets keep every digit);
/// codes are number cells.
pub fn to_xlsx(
    residents: &[Resident],
    families: &[Family],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let kk = kk_numbers(families);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Data Penduduk")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    for (i, r) in residents.iter().enumerate() {
        let n = i as u32 + 1;
        for (c, value) in row(r, &kk).iter().enumerate() {
            write_cell(sheet, n, c as u16, COLUMNS[c], value)?;
        }
    }
    book.save_to_buffer()
}

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    name: &str,
    value: &str,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    let coded = super::codes::Table::for_column(name).is_some();
    match value.parse::<u8>() {
        Ok(n) if coded => sheet.write_number(row, col, f64::from(n)).map(|_| ()),
        _ => sheet.write_string(row, col, value).map(|_| ()),
    }
}

/// One resident's 43 cells, in `COLUMNS` order.
pub fn row(r: &Resident, kk: &HashMap<&str, &str>) -> Vec<String> {
    COLUMNS.iter().map(|c| cell(r, kk, c)).collect()
}

fn cell(r: &Resident, kk: &HashMap<&str, &str>, column: &str) -> String {
    let opt = |v: Option<u8>| v.map(|c| c.to_string()).unwrap_or_default();
    match column {
        "alamat" => r.address.clone(),
        "dusun" => r.dusun.clone(),
        "rw" => r.rw.clone(),
        "rt" => r.rt.clone(),
        "nama" => r.name.clone(),
        "no_kk" => r
            .family_id
            .as_deref()
            .and_then(|f| kk.get(f))
            .map(|k| k.to_string())
            .unwrap_or_default(),
        "nik" => r.nik.clone(),
        "sex" => r.sex.to_string(),
        "tempatlahir" => r.birth_place.clone(),
        "tanggallahir" => format_date(r.birth_date),
        "agama_id" => r.religion.to_string(),
        "pendidikan_kk_id" => r.education.to_string(),
        "pendidikan_sedang_id" => opt(r.education_current),
        "pekerjaan_id" => r.occupation.to_string(),
        "status_kawin" => r.marital_status.to_string(),
        "kk_level" => r.family_relation.to_string(),
        "warganegara_id" => r.citizenship.to_string(),
        "ayah_nik" => r.father_nik.clone().unwrap_or_default(),
        "nama_ayah" => r.father_name.clone(),
        "ibu_nik" => r.mother_nik.clone().unwrap_or_default(),
        "nama_ibu" => r.mother_name.clone(),
        "golongan_darah_id" => opt(r.blood_type),
        "status_dasar" => r.status.to_string(),
        other => r.extra.get(other).cloned().unwrap_or_default(),
    }
}

/// Family id → current No. KK.
pub fn kk_numbers(families: &[Family]) -> HashMap<&str, &str> {
    families
        .iter()
        .map(|f| (f.id.as_str(), f.kk_number.as_str()))
        .collect()
}
