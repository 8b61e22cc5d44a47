//! The routine schedule, read once from the embedded CSV (see
//! `appliance/data/health/README.md` for its sources).

use std::sync::LazyLock;

use chrono::{Months, NaiveDate};

/// A span written in the schedule's words ("6 bulan 29 hari", "4 minggu").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub months: u32,
    pub days: u32,
}

impl Span {
    /// Reads the leading "N bulan / N minggu / N hari" parts; text that does
    /// not start with a number (a remark, not a limit) is `None`.
    pub fn parse(text: &str) -> Option<Span> {
        let text = text.trim();
        if !text.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut span = Span::default();
        let mut found = false;
        for pair in words.windows(2) {
            let Ok(n) = pair[0].parse::<u32>() else { continue };
            match pair[1].trim_end_matches([',', ';', ')']) {
                "bulan" => span.months += n,
                "minggu" => span.days += 7 * n,
                "hari" => span.days += n,
                _ => continue,
            }
            found = true;
        }
        found.then_some(span)
    }

    pub fn after(self, date: NaiveDate) -> NaiveDate {
        let d = date.checked_add_months(Months::new(self.months)).unwrap_or(date);
        d + chrono::Duration::days(i64::from(self.days))
    }
}

/// One dose of the schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledDose {
    /// As Kemenkes writes it: `HB0`, `BCG`, `OPV`, `DPT-HB-Hib`, ...
    pub antigen: String,
    pub dose: u8,
    /// The age in months at which the programme gives it.
    pub month: u32,
    /// Least wait after the previous dose of the same antigen.
    pub interval: Span,
    /// After this age the dose is no longer given (rotavirus), if the source says so.
    pub upper: Option<Span>,
    /// Given everywhere (`nasional`), not only in endemic districts.
    pub national: bool,
    pub note: String,
    pub source: String,
}

impl ScheduledDose {
    /// `BCG:1`: the form value and the key of a recorded dose.
    pub fn code(&self) -> String {
        format!("{}:{}", self.antigen, self.dose)
    }

    /// `DPT-HB-Hib 2` (a single-dose antigen shows no number).
    pub fn label(&self) -> String {
        let single = schedule().iter().filter(|d| d.antigen == self.antigen).count() == 1;
        if single { self.antigen.clone() } else { format!("{} {}", self.antigen, self.dose) }
    }
}

/// WHO's least interval between doses of the same antigen where the
/// schedule states none (DPT, polio, PCV): four weeks.
pub const DEFAULT_INTERVAL: Span = Span { months: 0, days: 28 };

static SCHEDULE: LazyLock<Vec<ScheduledDose>> =
    LazyLock::new(|| parse(include_str!("../../data/health/imunisasi.csv")).expect("the embedded schedule parses"));

pub fn schedule() -> &'static [ScheduledDose] {
    &SCHEDULE
}

pub fn find(antigen: &str, dose: u8) -> Option<&'static ScheduledDose> {
    schedule().iter().find(|d| d.antigen == antigen && d.dose == dose)
}

/// `BCG:1` → its dose.
pub fn by_code(code: &str) -> Option<&'static ScheduledDose> {
    let (antigen, dose) = code.trim().rsplit_once(':')?;
    find(antigen, dose.parse().ok()?)
}

/// Parses the schedule CSV; an error names the row.
pub fn parse(text: &str) -> Result<Vec<ScheduledDose>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("row {}: {e}", i + 2))?;
        let col = |n: usize| row.get(n).unwrap_or("").trim().to_string();
        let number =
            |n: usize| col(n).parse::<u32>().map_err(|_| format!("row {}: column {} is not a number", i + 2, n + 1));
        let dose = u8::try_from(number(1)?).map_err(|_| format!("row {}: dose", i + 2))?;
        out.push(ScheduledDose {
            antigen: col(0),
            dose,
            month: number(2)?,
            upper: Span::parse(&col(4)),
            interval: Span::parse(&col(5)).unwrap_or(DEFAULT_INTERVAL),
            national: col(6) == "nasional",
            note: col(7),
            source: col(8),
        });
    }
    out.sort_by_key(|d| d.month);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_schedule_has_every_row() {
        let s = schedule();
        assert_eq!(s.len(), 21);
        assert_eq!(find("HB0", 1).map(|d| d.month), Some(0));
        assert_eq!(find("MR", 2).map(|d| d.month), Some(18));
        assert!(!find("JE", 1).expect("JE").national);
        assert_eq!(find("RV", 3).and_then(|d| d.upper), Some(Span { months: 6, days: 29 }));
        assert_eq!(find("RV", 2).map(|d| d.interval), Some(Span { months: 0, days: 28 }));
        assert_eq!(find("IPV", 2).map(|d| d.interval), Some(Span { months: 4, days: 0 }));
        assert_eq!(find("IPV", 2).and_then(|d| d.upper), Some(Span { months: 59, days: 0 }));
        assert_eq!(find("HB0", 1).and_then(|d| d.upper), None, "'ideal < 24 jam' is advice, not a limit");
        assert_eq!(by_code("DPT-HB-Hib:3").map(|d| d.month), Some(4));
        assert_eq!(find("BCG", 1).map(|d| d.label()), Some("BCG".to_string()));
        assert_eq!(find("OPV", 2).map(|d| d.label()), Some("OPV 2".to_string()));
    }

    #[test]
    fn spans_read_the_schedules_words() {
        assert_eq!(Span::parse("4 bulan setelah IPV 1"), Some(Span { months: 4, days: 0 }));
        assert_eq!(Span::parse("sedini mungkin; > 3 bulan"), None);
        let birth = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        assert_eq!(Span { months: 1, days: 0 }.after(birth), NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
    }

    proptest::proptest! {
        #[test]
        fn span_parse_never_panics(text in ".{0,40}") {
            let _ = Span::parse(&text);
            let _ = by_code(&text);
        }
    }
}
