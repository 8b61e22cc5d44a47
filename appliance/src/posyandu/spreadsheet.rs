//! `balai posyandu zscores IN.csv`: a puskesmas spreadsheet (sex, age_days,
//! weight_kg, height_cm, measure) written back with waz, haz, whz, baz, the
//! re-measurement flags and, for a row that cannot be computed, the problem.
//!
//! Every input row comes out, in order, with its own columns untouched; a bad
//! row is named by its spreadsheet row number (the header is row 1) and gets
//! blank z-scores. A flagged z-score is left blank too: it is a reason to
//! measure again, not a fact.

use super::model::{Sex, check_length_cm, check_weight_kg, parse_decimal};
use super::zscore::{Indicator, Measurement, Position, zscores};

const REQUIRED: [&str; 4] = ["sex", "age_days", "weight_kg", "height_cm"];
const ADDED: [&str; 6] = ["waz", "haz", "whz", "baz", "flags", "problem"];

/// A row that could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Spreadsheet row number (header = 1).
    pub row: u64,
    pub field: &'static str,
    /// Catalog key of the reason (`web-ui/catalog/posyandu.txt`).
    pub key: &'static str,
    pub detail: String,
}

#[derive(Debug)]
pub struct Outcome {
    pub csv: Vec<u8>,
    pub rows: usize,
    pub flagged: usize,
    pub refused: Vec<RowProblem>,
}

/// Why the file as a whole cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub key: &'static str,
    pub detail: String,
}

/// One row's values, checked.
struct Row {
    measurement: Measurement,
}

pub fn zscores_csv(input: &[u8]) -> Result<Outcome, FileProblem> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let delimiter = sniff_delimiter(input);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(input);
    let headers = reader.headers().map_err(read_problem)?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let mut columns = [0usize; 4];
    for (slot, name) in columns.iter_mut().zip(REQUIRED) {
        *slot = column(name).ok_or(FileProblem { key: "posyandu.csv.missing_column", detail: name.into() })?;
    }
    let measure_column = column("measure");
    let mut writer = csv::WriterBuilder::new().delimiter(delimiter).flexible(true).from_writer(Vec::new());
    let mut header_out: Vec<&str> = headers.iter().collect();
    header_out.extend(ADDED);
    writer.write_record(&header_out).map_err(write_problem)?;
    let mut outcome = Outcome { csv: Vec::new(), rows: 0, flagged: 0, refused: Vec::new() };
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(read_problem)?;
        let row_number = record.position().map_or(index as u64 + 2, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let mut out: Vec<String> = record.iter().map(str::to_string).collect();
        out.resize(headers.len(), String::new());
        outcome.rows += 1;
        let [sex, age, weight, height] = columns.map(field);
        match check_row(sex, age, weight, height, measure_column.map_or("", field)) {
            Ok(row) => {
                let z = zscores(&row.measurement);
                let plausible = z.plausible();
                out.extend(Indicator::ALL.map(|i| plausible.get(i).map(|v| format!("{v:.2}")).unwrap_or_default()));
                let mut flags: Vec<String> = z.implausible.iter().map(|i| format!("remeasure_{}", i.code())).collect();
                if z.standing_under_9_months {
                    flags.push("standing_under_9_months".into());
                }
                if z.too_old {
                    flags.push("over_1826_days".into());
                }
                if z.needs_remeasure() {
                    outcome.flagged += 1;
                }
                out.push(flags.join(";"));
                out.push(String::new());
            }
            Err((field, key, detail)) => {
                out.extend(["", "", "", "", ""].map(String::from));
                out.push(format!("{field}: {}", english(key, &detail)));
                outcome.refused.push(RowProblem { row: row_number, field, key, detail });
            }
        }
        writer.write_record(&out).map_err(write_problem)?;
    }
    outcome.csv = writer.into_inner().map_err(|e| FileProblem { key: "posyandu.csv.write", detail: e.to_string() })?;
    Ok(outcome)
}

type Refusal = (&'static str, &'static str, String);

fn check_row(sex: &str, age: &str, weight: &str, height: &str, measure: &str) -> Result<Row, Refusal> {
    let sex = Sex::parse(sex).ok_or(("sex", "posyandu.error.sex", sex.to_string()))?;
    if age.is_empty() {
        return Err(("age_days", "posyandu.error.required", String::new()));
    }
    let age_days = parse_decimal(age).ok_or(("age_days", "posyandu.error.number", age.to_string()))?;
    if age_days < 0.0 {
        return Err(("age_days", "posyandu.error.age_negative", age.to_string()));
    }
    let weight_kg = optional_number(weight, "weight_kg")?;
    if let Some(kg) = weight_kg {
        check_weight_kg(kg).map_err(|key| ("weight_kg", key, weight.to_string()))?;
    }
    let length_cm = optional_number(height, "height_cm")?;
    if let Some(cm) = length_cm {
        check_length_cm(cm).map_err(|key| ("height_cm", key, height.to_string()))?;
    }
    let position = match measure {
        "" => None,
        text => Some(Position::parse(text).ok_or(("measure", "posyandu.error.measure", text.to_string()))?),
    };
    Ok(Row { measurement: Measurement { sex, age_days, weight_kg, length_cm, position } })
}

fn optional_number(text: &str, field: &'static str) -> Result<Option<f64>, Refusal> {
    if text.is_empty() {
        return Ok(None);
    }
    parse_decimal(text).map(Some).ok_or((field, "posyandu.error.number", text.to_string()))
}

/// Indonesian spreadsheets often save with `;` because `,` is the decimal mark.
fn sniff_delimiter(input: &[u8]) -> u8 {
    let first_line = input.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

fn read_problem(e: csv::Error) -> FileProblem {
    let detail = match e.position() {
        Some(p) => format!("row {}: {e}", p.line()),
        None => e.to_string(),
    };
    FileProblem { key: "posyandu.csv.unreadable", detail }
}

fn write_problem(e: csv::Error) -> FileProblem {
    FileProblem { key: "posyandu.csv.write", detail: e.to_string() }
}

/// The English message of a catalog key, for the CLI.
pub fn english(key: &str, detail: &str) -> String {
    balai_ui::tf(balai_ui::Lang::En, key, &[("detail", detail)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(text: &str) -> Outcome {
        zscores_csv(text.as_bytes()).unwrap()
    }

    fn lines(o: &Outcome) -> Vec<String> {
        String::from_utf8(o.csv.clone()).unwrap().lines().map(String::from).collect()
    }

    #[test]
    fn rows_come_back_with_z_scores_flags_and_problems() {
        let o = run("id,sex,age_days,weight_kg,height_cm,measure\n\
             a,F,1522,17,,\n\
             b,M,987,,72.86,L\n\
             c,M,300,8500,70,L\n\
             d,X,10,3,50,L\n\
             e,M,1827,18,110,H\n\
             f,M,244,,60,H\n");
        let out = lines(&o);
        assert_eq!(out[0], "id,sex,age_days,weight_kg,height_cm,measure,waz,haz,whz,baz,flags,problem");
        assert_eq!(out[1], "a,F,1522,17,,,0.24,,,,,");
        assert_eq!(out[2], "b,M,987,,72.86,L,,,,,remeasure_haz,");
        assert!(out[3].starts_with("c,M,300,8500,70,L,,,,,,weight_kg: "), "{}", out[3]);
        assert!(out[4].ends_with(r#",,,,,,"sex: Choose the sex (L or P), not ""X"".""#), "{}", out[4]);
        assert_eq!(out[5], "e,M,1827,18,110,H,,,,,over_1826_days,");
        assert_eq!(out[6], "f,M,244,,60,H,,-4.81,,,standing_under_9_months,");
        assert_eq!(o.rows, 6);
        assert_eq!(o.flagged, 1);
        let refused: Vec<(u64, &str)> = o.refused.iter().map(|p| (p.row, p.field)).collect();
        assert_eq!(refused, vec![(4, "weight_kg"), (5, "sex")]);
    }

    #[test]
    fn semicolons_and_decimal_commas_from_indonesian_spreadsheets() {
        let o = run("sex;age_days;weight_kg;height_cm;measure\r\nF;1522;17,0;;\r\n");
        assert_eq!(lines(&o)[1], "F;1522;17,0;;;0.24;;;;;");
    }

    #[test]
    fn a_missing_column_is_named() {
        let e = zscores_csv(b"sex,age_days,weight_kg\nM,1,3\n").unwrap_err();
        assert_eq!((e.key, e.detail.as_str()), ("posyandu.csv.missing_column", "height_cm"));
    }

    #[test]
    fn impossible_values_are_refused_with_their_field() {
        let o = run("sex,age_days,weight_kg,height_cm\nM,-3,10,80\nM,100,0,60\nM,100,6,0.6\nM,100,6,600\nM,abc,6,60\n");
        let fields: Vec<&str> = o.refused.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["age_days", "weight_kg", "height_cm", "height_cm", "age_days"]);
    }

    proptest! {
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = zscores_csv(&bytes);
        }

        #[test]
        fn any_row_never_panics(sex in ".{0,3}", age in ".{0,8}", weight in ".{0,8}", height in ".{0,8}", measure in ".{0,3}") {
            let text = format!("sex,age_days,weight_kg,height_cm,measure\n\"{}\",\"{}\",\"{}\",\"{}\",\"{}\"\n",
                sex.replace('"', ""), age.replace('"', ""), weight.replace('"', ""), height.replace('"', ""), measure.replace('"', ""));
            let o = zscores_csv(text.as_bytes()).unwrap();
            prop_assert_eq!(o.rows, 1);
        }

        #[test]
        fn plausible_rows_always_compute(age in 0u32..1827, kg in 2.0..25.0f64, cm in 45.0..120.0f64, lying in any::<bool>()) {
            let text = format!("sex,age_days,weight_kg,height_cm,measure\nF,{age},{kg:.2},{cm:.1},{}\n", if lying { "L" } else { "H" });
            let o = zscores_csv(text.as_bytes()).unwrap();
            prop_assert!(o.refused.is_empty());
        }
    }
}
