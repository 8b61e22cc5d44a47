//! The de-identified figures every bundle carries: a list of sources, one
//! function each, so a new indicator is one function and one line in
//! [`SOURCES`]. Each gives a CSV table of counts; no names, no NIK.

use crate::letters::model::{LetterRequest, State};
use crate::residents::model::Resident;
use crate::store::{Store, StoreError};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// One figure table: a header and rows, as CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

type Source = fn(&Store, NaiveDate) -> Result<Table, StoreError>;

/// (name, function): the file is `aggregates/<name>.csv`.
pub const SOURCES: &[(&str, Source)] =
    &[("population", population), ("letters", letters), ("immunization", immunization), ("posyandu", posyandu)];

/// Five-year age groups as BPS publishes them, the last open.
pub fn age_group(birth: NaiveDate, today: NaiveDate) -> String {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    let age = age.max(0);
    if age >= 75 { "75+".into() } else { format!("{}-{}", age / 5 * 5, age / 5 * 5 + 4) }
}

/// Living residents by dusun, sex and age group.
fn population(store: &Store, today: NaiveDate) -> Result<Table, StoreError> {
    let mut counts: BTreeMap<(String, &'static str, String), u64> = BTreeMap::new();
    for r in store.scan::<Resident>() {
        let r = r?;
        if r.status != 1 {
            continue;
        }
        let sex = match r.sex {
            1 => "L",
            2 => "P",
            _ => "-",
        };
        *counts.entry((r.dusun.to_uppercase(), sex, age_group(r.birth_date, today))).or_insert(0) += 1;
    }
    let rows = counts.into_iter().map(|((dusun, sex, age), n)| vec![dusun, sex.into(), age, n.to_string()]).collect();
    Ok(Table { header: vec!["dusun", "sex", "age_group", "count"], rows })
}

/// Letters signed per type and month, with the hours from request to
/// signature (median and 90th percentile).
fn letters(store: &Store, _today: NaiveDate) -> Result<Table, StoreError> {
    let mut hours: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    for r in store.scan::<LetterRequest>() {
        let r = r?;
        if !matches!(r.state, State::Signed | State::HandedOver) {
            continue;
        }
        let Some(signed) = r.step_at(State::Signed) else { continue };
        let waited = (signed - r.created).num_minutes().max(0);
        hours.entry((r.type_code.clone(), signed.format("%Y-%m").to_string())).or_default().push(waited);
    }
    let rows = hours
        .into_iter()
        .map(|((kind, month), mut minutes)| {
            minutes.sort_unstable();
            let h = |p| {
                crate::figures::percentile(&minutes, p).map(|m| format!("{:.1}", m as f64 / 60.0)).unwrap_or_default()
            };
            vec![kind, month, minutes.len().to_string(), h(50), h(90)]
        })
        .collect();
    Ok(Table { header: vec!["type", "month", "issued", "median_hours", "p90_hours"], rows })
}

/// Immunization coverage per antigen and dose over the last twelve months
/// (the immunization domain's own figure, counts only).
fn immunization(store: &Store, today: NaiveDate) -> Result<Table, StoreError> {
    let first = today.with_day(1).unwrap_or(today);
    let months: Vec<NaiveDate> =
        (0..12u32).rev().filter_map(|i| first.checked_sub_months(chrono::Months::new(i))).collect();
    let rows = crate::immunization::operations::coverage(store, &months)
        .into_iter()
        .map(|r| {
            let month = r.month.format("%Y-%m").to_string();
            vec![month, r.antigen, r.dose.to_string(), r.given.to_string(), r.target.to_string(), r.covered.to_string()]
        })
        .collect();
    Ok(Table { header: vec!["month", "antigen", "dose", "given", "target", "covered"], rows })
}

/// The posyandu's monthly SKDN and nutrition counts for the village over the
/// last twelve months (the figures e-PPGBM and the puskesmas ask for).
fn posyandu(store: &Store, today: NaiveDate) -> Result<Table, StoreError> {
    let first = today.with_day(1).unwrap_or(today);
    let rows = (0..12u32)
        .rev()
        .filter_map(|i| first.checked_sub_months(chrono::Months::new(i)))
        .map(|m| {
            let f = crate::posyandu::report::indicators(store, &m.format("%Y-%m").to_string());
            let counts = [
                f.s,
                f.k,
                f.d,
                f.n,
                f.t,
                f.two_t,
                f.bgm,
                f.measured_height,
                f.stunted,
                f.measured_weight,
                f.underweight,
                f.measured_wfh,
                f.wasted,
                f.overweight,
            ];
            std::iter::once(f.month).chain(counts.iter().map(u32::to_string)).collect()
        })
        .collect();
    let header = vec![
        "month",
        "s",
        "k",
        "d",
        "n",
        "t",
        "two_t",
        "bgm",
        "measured_height",
        "stunted",
        "measured_weight",
        "underweight",
        "measured_wfh",
        "wasted",
        "overweight",
    ];
    Ok(Table { header, rows })
}

pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&table.header);
    for row in &table.rows {
        let _ = w.write_record(row);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_groups_turn_on_the_birthday() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(age_group(d(2021, 6, 2), d(2026, 6, 1)), "0-4");
        assert_eq!(age_group(d(2021, 6, 1), d(2026, 6, 1)), "5-9");
        assert_eq!(age_group(d(1940, 1, 1), d(2026, 6, 1)), "75+");
        assert_eq!(age_group(d(2030, 1, 1), d(2026, 6, 1)), "0-4");
    }

    #[test]
    fn the_posyandu_counts_are_the_reports_for_each_of_twelve_months() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        crate::posyandu::demo::load(&store, &crate::posyandu::demo::synthetic(3, 60, 2, today, 6)).unwrap();
        let table = posyandu(&store, today).unwrap();
        assert_eq!(table.rows.len(), 12);
        assert_eq!(table.rows[11][0], "2026-11");
        let report = crate::posyandu::report::indicators(&store, "2026-11");
        assert!(report.d > 0, "the synthetic village was weighed this month");
        assert_eq!(table.rows[11][3], report.d.to_string(), "D, weighed");
        assert_eq!(table.rows[11][9], report.stunted.to_string(), "stunted");
        assert_eq!(table.rows[0][3], "0", "nobody was weighed a year ago (six months of history)");
    }
}
