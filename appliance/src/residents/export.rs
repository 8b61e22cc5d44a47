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
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
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
pub fn to_xlsx(residents: &[Resident], families: &[Family]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
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
        "no_kk" => r.family_id.as_deref().and_then(|f| kk.get(f)).map(|k| k.to_string()).unwrap_or_default(),
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
    families.iter().map(|f| (f.id.as_str(), f.kk_number.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::residents::codes::Table;
    use crate::residents::demo;
    use crate::residents::import::{ImportPlan, parse_csv, parse_xlsx};
    use proptest::prelude::*;

    /// Give the imported plan the original ids (rows are in export order).
    fn with_original_ids(
        plan: ImportPlan,
        residents: &[Resident],
        families: &[Family],
    ) -> (Vec<Family>, Vec<Resident>) {
        let by_kk: HashMap<&str, &str> = families.iter().map(|f| (f.kk_number.as_str(), f.id.as_str())).collect();
        plan.assign_ids(
            |f| by_kk.get(f.kk_number.as_str()).map(|s| s.to_string()).unwrap_or_default(),
            |r| residents[r.row - 2].id.clone(),
        )
    }

    fn assert_round_trip(families: &[Family], residents: &[Resident], xlsx: bool) {
        let plan = if xlsx {
            parse_xlsx(&to_xlsx(residents, families).expect("xlsx")).expect("re-import")
        } else {
            parse_csv(&to_csv(residents, families)).expect("re-import")
        };
        let (fams, res) = with_original_ids(plan, residents, families);
        assert_eq!(res.len(), residents.len());
        for (a, b) in res.iter().zip(residents) {
            assert_eq!(a, b);
        }
        assert_eq!(fams, families);
    }

    #[test]
    fn template_is_the_header_row() {
        let t = String::from_utf8(template_csv()).expect("utf8");
        assert!(t.starts_with("alamat,dusun,rw,rt,nama,no_kk,nik,sex,"));
        assert_eq!(t.trim_end().split(',').count(), 43);
        assert!(parse_csv(&template_csv()).is_err());
    }

    #[test]
    fn demo_village_round_trips_through_csv() {
        let (families, residents) = demo::generate(11, 120);
        assert_round_trip(&families, &residents, false);
    }

    #[test]
    fn demo_village_round_trips_through_xlsx() {
        let (families, residents) = demo::generate(12, 60);
        assert_round_trip(&families, &residents, true);
    }

    #[test]
    fn codes_are_numbers_and_dates_dd_mm_yyyy() {
        let (families, residents) = demo::generate(5, 1);
        let text = String::from_utf8(to_csv(&residents[..1], &families)).expect("utf8");
        let row: Vec<&str> = text.lines().nth(1).expect("row").split(',').collect();
        let r = &residents[0];
        assert_eq!(row[5], families[0].kk_number);
        assert_eq!(row[9], r.birth_date.format("%d-%m-%Y").to_string());
        assert_eq!(row[10], r.religion.to_string());
    }

    fn name() -> impl Strategy<Value = String> {
        "[A-Za-z][a-z]{0,8}( [A-Za-z.,'-][a-z]{0,8}){0,3}"
    }

    fn code(table: Table) -> impl Strategy<Value = u8> {
        proptest::sample::select(table.entries().iter().map(|e| e.code).collect::<Vec<_>>())
    }

    prop_compose! {
        fn varied()(
            name in name(),
            father in proptest::option::of(name()),
            blood in proptest::option::of(code(Table::GolonganDarah)),
            current in proptest::option::of(code(Table::PendidikanSedang)),
            occupation in code(Table::Pekerjaan),
            status in code(Table::StatusDasar),
            citizenship in code(Table::Warganegara),
            cacat in proptest::option::of(code(Table::Cacat)),
            asuransi in proptest::option::of(code(Table::IdAsuransi)),
            paspor in proptest::option::of("[A-Z][0-9]{7}"),
            married in proptest::option::of(0i64..20_000),
            address in "[A-Za-z0-9 ./,]{0,40}",
        ) -> (String, Option<String>, Option<u8>, Option<u8>, u8, u8, u8, BTreeMap<String, String>, String) {
            let mut extra = BTreeMap::new();
            if let Some(c) = cacat { extra.insert("cacat_id".to_string(), c.to_string()); }
            if let Some(c) = asuransi { extra.insert("id_asuransi".to_string(), c.to_string()); }
            if let Some(p) = paspor { extra.insert("dokumen_pasport".to_string(), p); }
            if let Some(days) = married {
                let d = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
                    + chrono::Duration::days(days);
                extra.insert("tanggalperkawinan".to_string(), format_date(d));
            }
            let address = address.split_whitespace().collect::<Vec<_>>().join(" ");
            (name, father, blood, current, occupation, status, citizenship, extra, address)
        }
    }

    use std::collections::BTreeMap;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn varied_residents_round_trip(
            seed in any::<u64>(),
            n in 1usize..6,
            changes in proptest::collection::vec(varied(), 1..6),
            xlsx in any::<bool>(),
        ) {
            let (families, mut residents) = demo::generate(seed, n);
            for (r, c) in residents.iter_mut().zip(changes) {
                let (name, father, blood, current, occupation, status, citizenship, extra, address) = c;
                r.name = name;
                r.father_name = father.unwrap_or_default();
                r.father_nik = None;
                r.blood_type = blood;
                r.education_current = current;
                r.occupation = occupation;
                r.status = status;
                r.citizenship = citizenship;
                r.extra = extra;
                r.address = address;
            }
            // The family address comes from the head's row.
            let mut families = families;
            for f in &mut families {
                if let Some(h) = residents.iter().find(|r| Some(&r.id) == f.head_id.as_ref()) {
                    f.address = h.address.clone();
                }
            }
            assert_round_trip(&families, &residents, xlsx);
        }
    }
}
