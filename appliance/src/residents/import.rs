//! Reading a village's existing register from OpenSID's resident import layout
//! (43 named columns, CSV or XLSX) into an `ImportPlan`: residents and families
//! without ids, ready for operations to check against the store and write.
//!
//! Every bad cell is reported (row, column, message) rather than stopping at the
//! first; nothing is written unless the whole file is valid. NIK plausibility
//! findings are accepted on import and kept as acknowledged warnings.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::codes::Table;
use super::model::{
    Family, FieldError, Resident, ResidentInput, Validator, Warning, format_date, parse_date, today, validate_on,
};
use super::nik;
use crate::reference::{Regions, regions};

/// OpenSID's 43 import columns, in template order.
pub const COLUMNS: [&str; 43] = [
    "alamat",
    "dusun",
    "rw",
    "rt",
    "nama",
    "no_kk",
    "nik",
    "sex",
    "tempatlahir",
    "tanggallahir",
    "agama_id",
    "pendidikan_kk_id",
    "pendidikan_sedang_id",
    "pekerjaan_id",
    "status_kawin",
    "kk_level",
    "warganegara_id",
    "ayah_nik",
    "nama_ayah",
    "ibu_nik",
    "nama_ibu",
    "golongan_darah_id",
    "akta_lahir",
    "dokumen_pasport",
    "tanggal_akhir_paspor",
    "dokumen_kitas",
    "akta_perkawinan",
    "tanggalperkawinan",
    "akta_perceraian",
    "tanggalperceraian",
    "cacat_id",
    "cara_kb_id",
    "hamil",
    "ktp_el",
    "status_rekam",
    "alamat_sekarang",
    "status_dasar",
    "suku",
    "tag_id_card",
    "id_asuransi",
    "no_asuransi",
    "lat",
    "lng",
];

/// Columns a file must have (the fields a `Resident` cannot do without).
pub const REQUIRED: [&str; 10] = [
    "nama",
    "nik",
    "no_kk",
    "sex",
    "tanggallahir",
    "agama_id",
    "pendidikan_kk_id",
    "pekerjaan_id",
    "status_kawin",
    "kk_level",
];

/// Columns kept verbatim in `Resident::extra` (after normalisation).
pub const EXTRA_COLUMNS: [&str; 20] = [
    "akta_lahir",
    "dokumen_pasport",
    "tanggal_akhir_paspor",
    "dokumen_kitas",
    "akta_perkawinan",
    "tanggalperkawinan",
    "akta_perceraian",
    "tanggalperceraian",
    "cacat_id",
    "cara_kb_id",
    "hamil",
    "ktp_el",
    "status_rekam",
    "alamat_sekarang",
    "suku",
    "tag_id_card",
    "id_asuransi",
    "no_asuransi",
    "lat",
    "lng",
];

/// Columns holding dates (read as dd-mm-YYYY, written the same way).
pub const DATE_COLUMNS: [&str; 4] = ["tanggallahir", "tanggal_akhir_paspor", "tanggalperkawinan", "tanggalperceraian"];

/// The reason recorded on residents whose NIK warnings the import accepted.
pub const IMPORT_ACK: &str = "impor OpenSID";

/// Limits that keep a hostile or mistaken upload from exhausting the box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportLimits {
    pub max_bytes: usize,
    pub max_rows: usize,
    /// Errors reported before the import stops looking.
    pub max_errors: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits { max_bytes: 50 * 1024 * 1024, max_rows: 200_000, max_errors: 1000 }
    }
}

/// A problem that stops the import.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based spreadsheet row (the header is row 1); 0 for the whole file.
    pub row: usize,
    /// Column name ("" for the whole row or file).
    pub column: String,
    /// Catalog key.
    pub key: &'static str,
    /// Offending value or fact, fills `{detail}`.
    pub detail: String,
}

/// A finding the import accepts but reports.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct RowWarning {
    pub row: usize,
    pub column: String,
    pub key: &'static str,
    pub detail: String,
    /// Who accepted it: "import".
    pub acknowledged_by: &'static str,
}

/// One resident read from a row.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ImportedResident {
    /// Spreadsheet row it came from.
    pub row: usize,
    /// The family's No. KK (key into `ImportPlan::families`).
    pub no_kk: String,
    /// `id` empty and `family_id` None: operations assign them.
    pub resident: Resident,
}

/// Everything a valid file contains, not yet written anywhere.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ImportPlan {
    /// One per No. KK, in order of first appearance; `id` empty, `head_id` None.
    pub families: Vec<Family>,
    pub residents: Vec<ImportedResident>,
    pub warnings: Vec<RowWarning>,
}

impl ImportPlan {
    /// Give every family and resident an id (from the callbacks) and link them:
    /// `Resident::family_id` and `Family::head_id` (first member with kk_level 1).
    pub fn assign_ids(
        self,
        mut family_id: impl FnMut(&Family) -> String,
        mut resident_id: impl FnMut(&ImportedResident) -> String,
    ) -> (Vec<Family>, Vec<Resident>) {
        let mut families = self.families;
        let mut by_kk = HashMap::new();
        for (i, f) in families.iter_mut().enumerate() {
            f.id = family_id(f);
            by_kk.insert(f.kk_number.clone(), i);
        }
        let mut residents = Vec::with_capacity(self.residents.len());
        for ir in &self.residents {
            let mut r = ir.resident.clone();
            r.id = resident_id(ir);
            if let Some(&i) = by_kk.get(&ir.no_kk) {
                r.family_id = Some(families[i].id.clone());
                if r.family_relation == 1 && families[i].head_id.is_none() {
                    families[i].head_id = Some(r.id.clone());
                }
            }
            residents.push(r);
        }
        (families, residents)
    }
}

/// Parse an OpenSID-layout CSV (`,`, `;` or tab separated, UTF-8 or Latin-1).
pub fn parse_csv(bytes: &[u8]) -> Result<ImportPlan, Vec<RowError>> {
    parse_csv_with(bytes, &ImportLimits::default())
}

/// `parse_csv` with explicit limits.
pub fn parse_csv_with(bytes: &[u8], limits: &ImportLimits) -> Result<ImportPlan, Vec<RowError>> {
    check_size(bytes, limits)?;
    // Text never holds NUL bytes; a photo or a PDF does. Say so, rather than
    // report its bytes as unknown column names.
    if bytes.iter().take(4096).any(|b| *b == 0) {
        return Err(vec![file_error("residents.import.not_a_table", String::new())]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (i, rec) in reader.byte_records().enumerate() {
        let rec = rec.map_err(|e| vec![file_error("residents.import.csv", e.to_string())])?;
        if rows.len() > limits.max_rows {
            return Err(vec![too_many_rows(limits)]);
        }
        rows.push((i + 1, rec.iter().map(decode_text).collect::<Vec<_>>()));
    }
    plan_rows(rows, limits, regions(), today())
}

#[cfg(test)]
#[test]
fn a_binary_file_is_named_as_not_a_table() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let errors = parse_csv(png).expect_err("a PNG is not a resident table");
    assert_eq!(errors[0].key, "residents.import.not_a_table");
}

/// Parse an OpenSID-layout spreadsheet (xlsx/xlsm, also xls/ods): the sheet
/// "Data Penduduk" if present, else the first sheet that is not "Kode Data".
pub fn parse_xlsx(bytes: &[u8]) -> Result<ImportPlan, Vec<RowError>> {
    parse_xlsx_with(bytes, &ImportLimits::default())
}

/// `parse_xlsx` with explicit limits.
pub fn parse_xlsx_with(bytes: &[u8], limits: &ImportLimits) -> Result<ImportPlan, Vec<RowError>> {
    use calamine::Reader;
    check_size(bytes, limits)?;
    let bad = |e: calamine::Error| vec![file_error("residents.import.xlsx", e.to_string())];
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(bad)?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case("data penduduk"))
        .or_else(|| names.iter().find(|n| !n.trim().eq_ignore_ascii_case("kode data")))
        .cloned()
        .ok_or_else(|| vec![file_error("residents.import.empty", "")])?;
    let range = book.worksheet_range(&sheet).map_err(bad)?;
    if range.height() > limits.max_rows + 1 {
        return Err(vec![too_many_rows(limits)]);
    }
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let header: Vec<String> = range
        .rows()
        .find(|r| r.iter().any(|c| !cell_text(c).is_empty()))
        .map(|r| r.iter().map(|c| header_name(&cell_text(c))).collect())
        .unwrap_or_default();
    let date_cols: Vec<bool> = header.iter().map(|h| DATE_COLUMNS.contains(&h.as_str())).collect();
    let rows =
        range.rows().enumerate().map(|(i, r)| {
            let mut cells = vec![String::new(); first_col];
            cells.extend(r.iter().enumerate().map(|(j, c)| {
                if date_cols.get(j).copied().unwrap_or(false) { date_cell_text(c) } else { cell_text(c) }
            }));
            (first_row + i + 1, cells)
        });
    plan_rows(rows.collect(), limits, regions(), today())
}

fn check_size(bytes: &[u8], limits: &ImportLimits) -> Result<(), Vec<RowError>> {
    if bytes.len() > limits.max_bytes {
        let detail = format!("{} > {}", bytes.len(), limits.max_bytes);
        return Err(vec![file_error("residents.import.too_large", detail)]);
    }
    Ok(())
}

fn too_many_rows(limits: &ImportLimits) -> RowError {
    file_error("residents.import.too_many_rows", limits.max_rows.to_string())
}

fn file_error(key: &'static str, detail: impl Into<String>) -> RowError {
    RowError { row: 0, column: String::new(), key, detail: detail.into() }
}

/// The most frequent of `,`, `;` and tab in the first line.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| line.iter().filter(|b| **b == d).count();
    // On a tie the last maximum wins, so ',' is preferred.
    [b'\t', b';', b','].into_iter().max_by_key(|d| count(*d)).unwrap_or(b',')
}

/// UTF-8 if valid, else Latin-1 (what older Windows tools write).
fn decode_text(field: &[u8]) -> String {
    match std::str::from_utf8(field) {
        Ok(s) => s.to_string(),
        Err(_) => field.iter().map(|b| char::from(*b)).collect(),
    }
}

/// A spreadsheet cell as text; whole numbers without ".0" (NIKs stored as numbers).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => u8::from(*b).to_string(),
        Data::DateTime(dt) => date_time_text(dt),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 { format!("{}", f as i64) } else { f.to_string() }
}

fn date_time_text(dt: &calamine::ExcelDateTime) -> String {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()).map(format_date).unwrap_or_else(|| dt.as_f64().to_string())
}

/// A cell in a date column: Excel dates and serial numbers become dd-mm-YYYY.
fn date_cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Float(f) => excel_serial_date(*f).map_or_else(|| number_text(*f), format_date),
        Data::Int(i) => excel_serial_date(*i as f64).map_or_else(|| i.to_string(), format_date),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        other => cell_text(other),
    }
}

/// Excel 1900-system serial day number → date (serials after 1900-02-28 only
/// are affected by Excel's 1900 leap-year bug, handled by the 1899-12-30 epoch).
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let epoch =
        if days >= 61 { NaiveDate::from_ymd_opt(1899, 12, 30)? } else { NaiveDate::from_ymd_opt(1899, 12, 31)? };
    epoch.checked_add_signed(Duration::days(days))
}

/// Header positions: for each of `COLUMNS`, the cell index holding it.
struct Header {
    index: [Option<usize>; 43],
}

impl Header {
    fn parse(cells: &[String]) -> Result<Header, Vec<RowError>> {
        let mut index = [None; 43];
        let mut errors = Vec::new();
        for (i, raw) in cells.iter().enumerate() {
            let name = header_name(raw);
            if name.is_empty() {
                continue;
            }
            match COLUMNS.iter().position(|c| *c == name) {
                Some(p) if index[p].is_some() => errors.push(header_error("duplicate_column", name)),
                Some(p) => index[p] = Some(i),
                None => errors.push(header_error("unknown_column", name)),
            }
        }
        for req in REQUIRED {
            if COLUMNS.iter().position(|c| *c == req).is_some_and(|p| index[p].is_none()) {
                errors.push(header_error("missing_column", req.to_string()));
            }
        }
        if errors.is_empty() { Ok(Header { index }) } else { Err(errors) }
    }

    /// The trimmed cell of `column` in `row` ("" if absent).
    fn get<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|p| self.index[p])
            .and_then(|i| row.get(i))
            .map_or("", |s| s.trim())
    }
}

/// A header cell as a column name: lower case, without spaces, dots, dashes or
/// invisible characters ("Tanggal Lahir" → "tanggallahir").
fn header_name(raw: &str) -> String {
    nik::normalize(raw).to_lowercase()
}

fn header_error(what: &str, column: String) -> RowError {
    let key = match what {
        "duplicate_column" => "residents.import.duplicate_column",
        "unknown_column" => "residents.import.unknown_column",
        _ => "residents.import.missing_column",
    };
    RowError { row: 1, detail: column.clone(), column, key }
}

/// Turn (row number, cells) into a plan: header first, then data rows until a
/// `###` marker in the second column.
pub(crate) fn plan_rows(
    rows: Vec<(usize, Vec<String>)>,
    limits: &ImportLimits,
    regions: &Regions,
    today: NaiveDate,
) -> Result<ImportPlan, Vec<RowError>> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_row, header_cells)) = rows.next() else {
        return Err(vec![file_error("residents.import.empty", "")]);
    };
    let header = Header::parse(&header_cells).map_err(|mut errs| {
        errs.iter_mut().for_each(|e| e.row = header_row);
        errs
    })?;
    let mut b = PlanBuilder::new(limits, regions, today);
    for (n, (row, cells)) in rows.enumerate() {
        if cells.get(1).is_some_and(|c| c.trim() == "###") {
            break;
        }
        if n >= limits.max_rows {
            return Err(vec![too_many_rows(limits)]);
        }
        if b.full() {
            break;
        }
        b.row(row, &header, &cells);
    }
    b.finish()
}

/// Accumulates residents, families, errors and warnings across rows.
struct PlanBuilder<'a> {
    limits: &'a ImportLimits,
    regions: &'a Regions,
    today: NaiveDate,
    residents: Vec<ImportedResident>,
    niks: HashMap<String, usize>,
    errors: Vec<RowError>,
    warnings: Vec<RowWarning>,
}

impl<'a> PlanBuilder<'a> {
    fn new(limits: &'a ImportLimits, regions: &'a Regions, today: NaiveDate) -> Self {
        PlanBuilder {
            limits,
            regions,
            today,
            residents: Vec::new(),
            niks: HashMap::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn full(&self) -> bool {
        self.errors.len() >= self.limits.max_errors
    }

    fn row(&mut self, row: usize, header: &Header, cells: &[String]) {
        match read_row(header, cells, self.regions, self.today) {
            Ok((resident, no_kk, warnings)) => self.accept(row, resident, no_kk, warnings),
            Err(errs) => self.errors.extend(errs.into_iter().map(|e| RowError {
                row,
                column: e.field.to_string(),
                key: e.key,
                detail: e.detail,
            })),
        }
    }

    fn accept(&mut self, row: usize, mut resident: Resident, no_kk: String, warnings: Vec<Warning>) {
        if let Some(first) = self.niks.get(&resident.nik) {
            self.errors.push(RowError {
                row,
                column: "nik".into(),
                key: "residents.import.duplicate_nik",
                detail: first.to_string(),
            });
            return;
        }
        self.niks.insert(resident.nik.clone(), row);
        // NIK warnings are accepted on import, with a recorded reason.
        if warnings.iter().any(|w| w.field == "nik") {
            resident.nik_warning_ack = Some(IMPORT_ACK.to_string());
        }
        self.warnings.extend(warnings.into_iter().map(|w| RowWarning {
            row,
            column: w.field.to_string(),
            key: w.key,
            detail: w.detail,
            acknowledged_by: "import",
        }));
        self.residents.push(ImportedResident { row, no_kk, resident });
    }

    fn finish(mut self) -> Result<ImportPlan, Vec<RowError>> {
        if self.errors.len() >= self.limits.max_errors {
            self.errors.truncate(self.limits.max_errors);
            let detail = self.limits.max_errors.to_string();
            self.errors.push(file_error("residents.import.too_many_errors", detail));
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        if self.residents.is_empty() {
            return Err(vec![file_error("residents.import.no_rows", "")]);
        }
        let families = group_families(&self.residents, &mut self.warnings);
        Ok(ImportPlan { families, residents: self.residents, warnings: self.warnings })
    }
}

/// Families by No. KK in order of first appearance; address from the head's row.
fn group_families(residents: &[ImportedResident], warnings: &mut Vec<RowWarning>) -> Vec<Family> {
    let mut order: Vec<&str> = Vec::new();
    let mut members: HashMap<&str, Vec<&ImportedResident>> = HashMap::new();
    for ir in residents {
        let list = members.entry(ir.no_kk.as_str()).or_default();
        if list.is_empty() {
            order.push(ir.no_kk.as_str());
        }
        list.push(ir);
    }
    order.into_iter().map(|kk| family_of(kk, &members[kk], warnings)).collect()
}

fn family_of(kk: &str, members: &[&ImportedResident], warnings: &mut Vec<RowWarning>) -> Family {
    let heads: Vec<&&ImportedResident> = members.iter().filter(|m| m.resident.family_relation == 1).collect();
    let warn = |key: &'static str, row: usize, detail: String| RowWarning {
        row,
        column: "kk_level".into(),
        key,
        detail,
        acknowledged_by: "import",
    };
    let first = members[0];
    match heads.len() {
        0 => warnings.push(warn("residents.import.no_head", first.row, kk.to_string())),
        1 => {}
        _ => {
            let rows: Vec<String> = heads.iter().map(|h| h.row.to_string()).collect();
            warnings.push(warn("residents.import.many_heads", heads[1].row, rows.join(", ")));
        }
    }
    let source = &heads.first().copied().unwrap_or(&first).resident;
    Family {
        id: String::new(),
        kk_number: kk.to_string(),
        kk_history: Vec::new(),
        head_id: None,
        dusun: source.dusun.clone(),
        rw: source.rw.clone(),
        rt: source.rt.clone(),
        address: source.address.clone(),
    }
}

/// Only the digits of a NIK/KK cell (OpenSID strips everything else).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A parent NIK cell: empty, "0" and "-" mean unknown.
fn parent_nik(raw: &str) -> String {
    let d = digits(raw);
    if d.chars().all(|c| c == '0') { String::new() } else { d }
}

/// One data row → a resident (without ids), its No. KK and its NIK/KK
/// warnings, or all its errors. The row is checked by the same
/// `model::validate_on` as a form; only the file's own rules live here (digits
/// only, "0" for no NIK, No. KK required, the verbatim extra columns).
fn read_row(
    h: &Header,
    row: &[String],
    regions: &Regions,
    today: NaiveDate,
) -> Result<(Resident, String, Vec<Warning>), Vec<FieldError>> {
    let get = |c: &str| h.get(row, c).to_string();
    let mut file_rules = Validator::default();
    let nik = digits(&get("nik"));
    let nik_zero = !nik.is_empty() && nik.bytes().all(|b| b == b'0');
    if nik_zero {
        file_rules.errors.push(FieldError::new("nik", "residents.import.nik_zero", get("nik")));
    }
    let no_kk = digits(&get("no_kk"));
    if no_kk.is_empty() {
        file_rules.errors.push(FieldError::new("no_kk", "residents.kk.empty", ""));
    }
    let extra = read_extra(&mut file_rules, h, row);
    let input = ResidentInput {
        nik,
        name: get("nama"),
        birth_place: get("tempatlahir"),
        birth_date: get("tanggallahir"),
        sex: get("sex"),
        religion: get("agama_id"),
        education: get("pendidikan_kk_id"),
        education_current: get("pendidikan_sedang_id"),
        occupation: get("pekerjaan_id"),
        marital_status: get("status_kawin"),
        blood_type: get("golongan_darah_id"),
        citizenship: get("warganegara_id"),
        no_kk,
        family_relation: get("kk_level"),
        dusun: get("dusun"),
        rw: get("rw"),
        rt: get("rt"),
        address: get("alamat"),
        father_nik: parent_nik(&get("ayah_nik")),
        father_name: get("nama_ayah"),
        mother_nik: parent_nik(&get("ibu_nik")),
        mother_name: get("nama_ibu"),
        status: get("status_dasar"),
        ..ResidentInput::default()
    };
    let mut errors = file_rules.errors;
    match validate_on(&input, regions, today) {
        Ok((valid, warnings)) if errors.is_empty() => {
            let Some(no_kk) = valid.no_kk else {
                return Err(vec![FieldError::new("no_kk", "residents.kk.empty", "")]);
            };
            let mut resident = valid.resident;
            resident.extra = extra;
            Ok((resident, no_kk, warnings))
        }
        Ok(_) => Err(errors),
        Err(more) => {
            // "0" is already explained; the NIK syntax errors would repeat it.
            errors.extend(more.into_iter().filter(|e| !(nik_zero && e.field == "nik")));
            Err(errors)
        }
    }
}

/// The extra columns: codes → numbers, dates → dd-mm-YYYY, text trimmed;
/// empty cells are left out.
fn read_extra(v: &mut Validator, h: &Header, row: &[String]) -> BTreeMap<String, String> {
    let mut extra = BTreeMap::new();
    for col in EXTRA_COLUMNS {
        let raw = h.get(row, col);
        if raw.is_empty() {
            continue;
        }
        let value = if let Some(table) = Table::for_column(col) {
            v.opt_code(raw, table).map(|c| c.to_string())
        } else if DATE_COLUMNS.contains(&col) {
            extra_date(v, raw, col)
        } else {
            extra_text(v, raw, col)
        };
        if let Some(value) = value {
            extra.insert(col.to_string(), value);
        }
    }
    extra
}

fn extra_date(v: &mut Validator, raw: &str, col: &'static str) -> Option<String> {
    match parse_date(raw) {
        Some(d) => Some(format_date(d)),
        None => {
            v.errors.push(FieldError::new(col, "residents.date.format", raw));
            None
        }
    }
}

fn extra_text(v: &mut Validator, raw: &str, col: &'static str) -> Option<String> {
    let text = v.text(raw, col, 200);
    let len = text.chars().count();
    let bad_len = match col {
        "tag_id_card" => !(10..=17).contains(&len),
        "lat" | "lng" => !(2..=24).contains(&len),
        _ => false,
    };
    if bad_len {
        v.errors.push(FieldError::new(col, "residents.import.length", &text));
    }
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEAD: &str = "nama,nik,no_kk,sex,tempatlahir,tanggallahir,agama_id,pendidikan_kk_id,pekerjaan_id,status_kawin,kk_level,dusun,rt,rw";

    fn csv(rows: &[&str]) -> Vec<u8> {
        let mut s = String::from(HEAD);
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s.into_bytes()
    }

    const BUDI: &str =
        "Budi Santoso,3310011708800001,3310010101100001,L,Klaten,17-08-1980,ISLAM,5,9,KAWIN,1,Krajan,001,002";
    const SITI: &str = "Siti Aminah,3310015505820002,3310010101100001,P,Klaten,15/05/1982,1,4,2,2,3,Krajan,001,002";
    const ANI: &str = "Ani,3310014101100003,3310010202150002,2,Klaten,2010-01-01,1,2,3,1,4,Krajan,002,002";

    fn keys_cols(errs: &[RowError]) -> Vec<(usize, &str, &str)> {
        errs.iter().map(|e| (e.row, e.column.as_str(), e.key)).collect()
    }

    #[test]
    fn reads_residents_and_groups_families() {
        let plan = parse_csv(&csv(&[BUDI, SITI, ANI])).expect("valid file");
        assert_eq!(plan.residents.len(), 3);
        assert_eq!(plan.families.len(), 2);
        let budi = &plan.residents[0];
        assert_eq!((budi.row, budi.no_kk.as_str()), (2, "3310010101100001"));
        assert_eq!(budi.resident.birth_date, NaiveDate::from_ymd_opt(1980, 8, 17).expect("date"));
        assert_eq!((budi.resident.religion, budi.resident.marital_status), (1, 2));
        assert_eq!(plan.families[0].rt, "001");
        let keys: Vec<&str> = plan.warnings.iter().map(|w| w.key).collect();
        assert_eq!(keys, vec!["residents.import.no_head"]);
        assert_eq!(plan.warnings[0].row, 4);
        let (fams, res) = plan.assign_ids(|f| format!("f-{}", f.kk_number), |r| format!("p-{}", r.row));
        assert_eq!(fams[0].head_id.as_deref(), Some("p-2"));
        assert_eq!(res[1].family_id.as_deref(), Some("f-3310010101100001"));
        assert_eq!(fams[1].head_id, None);
    }

    #[test]
    fn one_bad_row_names_row_and_column() {
        let bad = BUDI.replace("17-08-1980", "17-13-1980");
        let errs = parse_csv(&csv(&[SITI, &bad])).expect_err("bad date");
        assert_eq!(keys_cols(&errs), vec![(3, "tanggallahir", "residents.date.format")]);
    }

    #[test]
    fn collects_every_error() {
        let a = BUDI.replace("ISLAM", "JEDI").replace("3310011708800001", "12345");
        let b = SITI.replace("Siti Aminah", "S1ti");
        let errs = parse_csv(&csv(&[&a, &b])).expect_err("bad rows");
        assert_eq!(
            keys_cols(&errs),
            vec![
                (2, "nik", "residents.nik.length"),
                (2, "agama_id", "residents.code.unknown"),
                (3, "nama", "residents.name.chars"),
            ]
        );
    }

    #[test]
    fn duplicate_nik_names_both_rows() {
        let errs = parse_csv(&csv(&[BUDI, SITI, BUDI])).expect_err("duplicate");
        assert_eq!(keys_cols(&errs), vec![(4, "nik", "residents.import.duplicate_nik")]);
        assert_eq!(errs[0].detail, "2");
    }

    #[test]
    fn header_problems() {
        let text =
            "nama,nik,sex,foo,Tanggal Lahir,agama_id,pendidikan_kk_id,pekerjaan_id,status_kawin,kk_level,nama\nx";
        let errs = parse_csv(text.as_bytes()).expect_err("bad header");
        assert_eq!(
            keys_cols(&errs),
            vec![
                (1, "foo", "residents.import.unknown_column"),
                (1, "nama", "residents.import.duplicate_column"),
                (1, "no_kk", "residents.import.missing_column"),
            ]
        );
    }

    #[test]
    fn marker_ends_data_and_blank_rows_are_skipped() {
        let plan = parse_csv(&csv(&[BUDI, ",,,", "x,###,", SITI])).expect("valid");
        assert_eq!(plan.residents.len(), 1);
    }

    #[test]
    fn semicolons_bom_and_noise_in_numbers() {
        let text = format!(
            "\u{FEFF}{}\n{}",
            HEAD.replace(',', ";"),
            BUDI.replace(',', ";").replace("3310011708800001", "'3310 0117 0880 0001\u{200B}")
        );
        let plan = parse_csv(text.as_bytes()).expect("valid");
        assert_eq!(plan.residents[0].resident.nik, "3310011708800001");
    }

    #[test]
    fn nik_mismatch_is_accepted_as_a_warning() {
        let row = BUDI.replace("17-08-1980", "18-08-1980");
        let plan = parse_csv(&csv(&[&row])).expect("valid");
        let w = &plan.warnings[0];
        assert_eq!((w.row, w.key, w.acknowledged_by), (2, "residents.nik.date_mismatch", "import"));
        assert_eq!(plan.residents[0].resident.nik_warning_ack.as_deref(), Some(IMPORT_ACK));
    }

    #[test]
    fn limits() {
        let small = ImportLimits { max_bytes: 10, ..ImportLimits::default() };
        let errs = parse_csv_with(&csv(&[BUDI]), &small).expect_err("too big");
        assert_eq!(errs[0].key, "residents.import.too_large");
        let few = ImportLimits { max_rows: 1, ..ImportLimits::default() };
        let errs = parse_csv_with(&csv(&[BUDI, SITI]), &few).expect_err("too many");
        assert_eq!(errs[0].key, "residents.import.too_many_rows");
        let bad = BUDI.replace("ISLAM", "JEDI");
        let many: Vec<&str> = vec![bad.as_str(); 10];
        let capped = ImportLimits { max_errors: 3, ..ImportLimits::default() };
        let errs = parse_csv_with(&csv(&many), &capped).expect_err("errors");
        assert_eq!(errs.len(), 4);
        assert_eq!(errs[3].key, "residents.import.too_many_errors");
        assert_eq!(parse_csv(b"").expect_err("empty")[0].key, "residents.import.empty");
        assert_eq!(parse_csv(HEAD.as_bytes()).expect_err("no rows")[0].key, "residents.import.no_rows");
    }

    #[test]
    fn excel_serials() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(excel_serial_date(29_450.0), d(1980, 8, 17));
        assert_eq!(excel_serial_date(1.0), d(1900, 1, 1));
        assert_eq!(excel_serial_date(61.0), d(1900, 3, 1));
        assert_eq!(excel_serial_date(-3.0), None);
        assert_eq!(excel_serial_date(f64::NAN), None);
        assert_eq!(number_text(3_310_011_708_800_001.0), "3310011708800001");
    }

    #[test]
    fn garbage_xlsx_is_an_error_not_a_panic() {
        let errs = parse_xlsx(b"PK\x03\x04 not really a zip").expect_err("garbage");
        assert_eq!(errs[0].key, "residents.import.xlsx");
    }

    proptest! {
        #[test]
        fn no_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_csv(&bytes);
            let _ = parse_xlsx(&bytes);
        }

        #[test]
        fn no_panic_on_arbitrary_cells(cells in proptest::collection::vec(".{0,20}", 14)) {
            let row = cells
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(",");
            let _ = parse_csv(&csv(&[&row]));
        }

        #[test]
        fn no_panic_on_plausible_cells(
            nik in "[0-9 .-]{14,18}",
            date in "[0-9]{1,2}[-/][0-9]{1,2}[-/][0-9]{2,4}",
            code in "[0-9]{1,3}|[A-Za-z]{1,10}",
        ) {
            let row = format!("Ani,{nik},{nik},{code},X,{date},{code},{code},{code},{code},{code},D,1,2");
            let _ = parse_csv(&csv(&[&row]));
        }
    }
}
