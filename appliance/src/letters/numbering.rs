//! Nomor surat: `KKA/nomor-urut/kode-desa/bulan-romawi/tahun` by default, the
//! layout configurable per village. The sequence restarts each year and runs
//! per classification code, so each type with its own code has its own
//! sequence, and types that share a code (kelahiran and kematian are both
//! 400.12.3.1) share one: two letters can never carry the same number. A
//! format without `{kka}` has one sequence for every letter (the village's
//! Buku Agenda). Numbers are taken inside `Store::commit_with`, so they have
//! no gaps and no duplicates however many letters are signed at once.

use chrono::{Datelike, NaiveDate};

const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

pub fn roman_month(date: NaiveDate) -> &'static str {
    ROMAN[date.month0() as usize]
}

/// Fills `{kka}`, `{nomor}`, `{desa}`, `{bulan}`, `{tahun}` in `format`.
/// `village_code` is the 10-digit Kemendagri code; the letter shows its last
/// four digits, the village's own part.
pub fn format_number(
    format: &str,
    kka: &str,
    sequence: u32,
    digits: usize,
    village_code: &str,
    date: NaiveDate,
) -> String {
    let desa = village_code.get(village_code.len().saturating_sub(4)..).unwrap_or(village_code);
    format
        .replace("{kka}", kka)
        .replace("{nomor}", &format!("{sequence:0digits$}"))
        .replace("{desa}", desa)
        .replace("{bulan}", roman_month(date))
        .replace("{tahun}", &date.year().to_string())
}

/// The sequence a letter takes its number from.
pub fn counter_id(format: &str, kka: &str, date: NaiveDate) -> String {
    let series = if format.contains("{kka}") { kka } else { "*" };
    format!("{series}/{}", date.year())
}

/// The problem with a number format, if any: it must hold the sequence.
pub fn check_format(format: &str) -> Option<&'static str> {
    (!format.contains("{nomor}")).then_some("format nomor surat harus memuat {nomor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_village_number() {
        let d = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
        let n = format_number("{kka}/{nomor}/{desa}/{bulan}/{tahun}", "400.12.2.1", 15, 3, "3302012006", d);
        assert_eq!(n, "400.12.2.1/015/2006/IX/2025");
        assert_eq!(roman_month(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()), "XII");
        assert!(check_format("{kka}/{tahun}").is_some());
        assert_eq!(counter_id("{kka}/{nomor}/{tahun}", "400.9", d), "400.9/2025");
        assert_eq!(counter_id("{nomor}/{desa}/{tahun}", "400.9", d), "*/2025");
    }
}
