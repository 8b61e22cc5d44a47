//! WHO Child Growth Standards z-scores (weight-for-age, length/height-for-age,
//! weight-for-length/height, BMI-for-age) from WHO's LMS tables, following the
//! rules of WHO's R package `anthro` 1.1.0 (the current release) one by one:
//!
//! - age is rounded half-up to whole days for the table row; the age in months
//!   (`age_days / 30.4375`, unrounded) must be below 60, so 1826 days is the last
//!   day with a z-score;
//! - a child under 731 days measured standing gets +0.7 cm, a child of 731 days
//!   or more measured lying gets −0.7 cm; a child under 9 months cannot be
//!   measured standing: the position is dropped (no correction) and flagged;
//! - weight-for-length below 731 days (45–110 cm), weight-for-height from 731
//!   days (65–120 cm), linear interpolation between 0.1 cm rows;
//! - the weight-based indicators use WHO's restricted rule beyond ±3 SD;
//! - z-scores are rounded to 2 decimals, then flagged as implausible with WHO's
//!   limits (waz < −6 or > 5, |haz| > 6, |whz| > 5, |baz| > 5).
//!
//! See `docs/posyandu.md`; the tables are in `appliance/data/who-growth/`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::model::Sex;

/// Days per month in WHO's conversion of ages.
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// The lying/standing difference WHO corrects for.
pub const POSITION_CORRECTION_CM: f64 = 0.7;
/// From this age (24 months) a child is measured standing and height tables apply.
pub const HEIGHT_FROM_DAYS: u32 = 731;

/// How length/height was measured.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    /// Terlentang: recumbent length (panjang badan, PB).
    Lying,
    /// Berdiri: standing height (tinggi badan, TB).
    Standing,
}

impl Position {
    /// "L"/"H" as WHO writes them, or the Indonesian "PB"/"TB".
    pub fn parse(text: &str) -> Option<Position> {
        match text.trim().to_ascii_uppercase().as_str() {
            "L" | "PB" | "TERLENTANG" => Some(Position::Lying),
            "H" | "TB" | "BERDIRI" => Some(Position::Standing),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Position::Lying => "L",
            Position::Standing => "H",
        }
    }
}

/// One child's measurement, as anthro takes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    pub sex: Sex,
    /// Age in days on the day of measurement (may carry a fraction, as in anthro).
    pub age_days: f64,
    pub weight_kg: Option<f64>,
    pub length_cm: Option<f64>,
    pub position: Option<Position>,
}

/// Which of the four indicators.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Indicator {
    /// Weight-for-age (BB/U).
    Waz,
    /// Length/height-for-age (PB/U, TB/U).
    Haz,
    /// Weight-for-length/height (BB/PB, BB/TB).
    Whz,
    /// BMI-for-age (IMT/U).
    Baz,
}

impl Indicator {
    pub const ALL: [Indicator; 4] = [Indicator::Waz, Indicator::Haz, Indicator::Whz, Indicator::Baz];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::Waz => "waz",
            Indicator::Haz => "haz",
            Indicator::Whz => "whz",
            Indicator::Baz => "baz",
        }
    }

    /// WHO's limits of a plausible z-score (anthro's `f*` columns).
    fn implausible(self, z: f64) -> bool {
        match self {
            Indicator::Waz => !(-6.0..=5.0).contains(&z),
            Indicator::Haz => z.abs() > 6.0,
            Indicator::Whz | Indicator::Baz => z.abs() > 5.0,
        }
    }
}

/// The four z-scores of a measurement, `None` where WHO defines none, and what
/// the measurement tells the kader to check.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ZScores {
    pub waz: Option<f64>,
    pub haz: Option<f64>,
    pub whz: Option<f64>,
    pub baz: Option<f64>,
    /// Length/height after the position correction, as the tables were read with it.
    pub length_used_cm: Option<f64>,
    pub bmi: Option<f64>,
    /// Indicators whose z-score lies outside WHO's plausible limits: re-measure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implausible: Vec<Indicator>,
    /// Measured standing before 9 months: the position was not accepted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub standing_under_9_months: bool,
    /// 1827 days or older: WHO's standards end, no z-scores.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub too_old: bool,
}

impl ZScores {
    pub fn get(&self, indicator: Indicator) -> Option<f64> {
        match indicator {
            Indicator::Waz => self.waz,
            Indicator::Haz => self.haz,
            Indicator::Whz => self.whz,
            Indicator::Baz => self.baz,
        }
    }

    /// True when the measurement must be taken again before it counts.
    pub fn needs_remeasure(&self) -> bool {
        !self.implausible.is_empty()
    }

    /// The z-scores with implausible ones removed: what may be stored and counted.
    pub fn plausible(&self) -> ZScores {
        let mut z = self.clone();
        for indicator in &self.implausible {
            match indicator {
                Indicator::Waz => z.waz = None,
                Indicator::Haz => z.haz = None,
                Indicator::Whz => z.whz = None,
                Indicator::Baz => z.baz = None,
            }
        }
        z
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Lms {
    l: f64,
    m: f64,
    s: f64,
}

impl Lms {
    fn z(self, y: f64) -> f64 {
        ((y / self.m).powf(self.l) - 1.0) / (self.s * self.l)
    }

    /// The measurement at `k` SD.
    fn at(self, k: f64) -> f64 {
        self.m * (1.0 + self.l * self.s * k).powf(1.0 / self.l)
    }

    /// WHO's restricted application beyond ±3 SD: distances past SD3 are
    /// measured in units of the SD2–SD3 gap, so the skewed tail cannot inflate z.
    fn z_restricted(self, y: f64) -> f64 {
        let z = self.z(y);
        if z > 3.0 {
            let sd3 = self.at(3.0);
            3.0 + (y - sd3) / (sd3 - self.at(2.0))
        } else if z < -3.0 {
            let sd3neg = self.at(-3.0);
            -3.0 + (y - sd3neg) / (self.at(-2.0) - sd3neg)
        } else {
            z
        }
    }

    fn lerp(self, other: Lms, t: f64) -> Lms {
        Lms {
            l: self.l + t * (other.l - self.l),
            m: self.m + t * (other.m - self.m),
            s: self.s + t * (other.s - self.s),
        }
    }
}

/// One LMS table per sex, rows in order of age (days from 0) or of length
/// (0.1 cm steps from `first_tenths`).
struct Table {
    rows: [Vec<Lms>; 2],
    first_tenths: i64,
}

impl Table {
    fn row(&self, sex: Sex, index: i64) -> Option<Lms> {
        let rows = &self.rows[sex_index(sex)];
        usize::try_from(index - self.first_tenths).ok().and_then(|i| rows.get(i)).copied()
    }
}

fn sex_index(sex: Sex) -> usize {
    match sex {
        Sex::Male => 0,
        Sex::Female => 1,
    }
}

struct Tables {
    wfa: Table,
    lhfa: Table,
    bfa: Table,
    wfl: Table,
    wfh: Table,
}

/// Parses one shipped table: `sex,key,l,m,s[,loh]`, keys consecutive per sex.
/// The files are embedded and checked by a unit test, so a malformed one is a
/// build defect, not input: it panics at first use in every test run.
fn parse_table(text: &str, tenths: bool) -> Table {
    let mut rows: [Vec<Lms>; 2] = [Vec::new(), Vec::new()];
    let mut first = None;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let sex = Sex::parse(f[0]).expect("WHO table: sex");
        let key: f64 = f[1].parse().expect("WHO table: key");
        let key = if tenths { (key * 10.0).round() as i64 } else { key as i64 };
        let first = *first.get_or_insert(key);
        let num = |i: usize| -> f64 { f[i].parse().expect("WHO table: number") };
        let rows = &mut rows[sex_index(sex)];
        assert_eq!(key - first, rows.len() as i64, "WHO table: rows must be consecutive");
        rows.push(Lms { l: num(2), m: num(3), s: num(4) });
    }
    Table { rows, first_tenths: first.unwrap_or(0) }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        wfa: parse_table(include_str!("../../data/who-growth/wfa.csv"), false),
        lhfa: parse_table(include_str!("../../data/who-growth/lhfa.csv"), false),
        bfa: parse_table(include_str!("../../data/who-growth/bfa.csv"), false),
        wfl: parse_table(include_str!("../../data/who-growth/wfl.csv"), true),
        wfh: parse_table(include_str!("../../data/who-growth/wfh.csv"), true),
    })
}

/// anthro's rounding of ages: below .5 down, from .5 up.
fn round_half_up(x: f64) -> f64 {
    let floor = x.floor();
    if x - floor >= 0.5 { floor + 1.0 } else { floor }
}

/// Rounds to 2 decimals the way R's `round(x, 2)` does: the nearer of the two
/// candidates, ties to the even last digit.
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let lo = (x * 100.0).floor() / 100.0;
    let hi = (x * 100.0).ceil() / 100.0;
    let (dlo, dhi) = (x - lo, hi - x);
    let nearer = if dlo < dhi {
        lo
    } else if dhi < dlo {
        hi
    } else if ((lo * 100.0).round() as i64) % 2 == 0 {
        lo
    } else {
        hi
    };
    // No "-0.00" in a spreadsheet.
    nearer + 0.0
}

fn positive(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite() && *v > 0.0)
}

/// The four z-scores of one measurement; never panics, whatever the input.
pub fn zscores(m: &Measurement) -> ZScores {
    let mut out = ZScores::default();
    if !m.age_days.is_finite() || m.age_days < 0.0 {
        return out;
    }
    let day = round_half_up(m.age_days);
    let months = m.age_days / DAYS_PER_MONTH;
    let position = match m.position {
        Some(Position::Standing) if months < 9.0 => {
            out.standing_under_9_months = true;
            None
        }
        other => other,
    };
    let length = positive(m.length_cm).map(|cm| match position {
        Some(Position::Standing) if day < f64::from(HEIGHT_FROM_DAYS) => cm + POSITION_CORRECTION_CM,
        Some(Position::Lying) if day >= f64::from(HEIGHT_FROM_DAYS) => cm - POSITION_CORRECTION_CM,
        _ => cm,
    });
    let weight = positive(m.weight_kg);
    out.length_used_cm = length;
    out.bmi = weight.zip(length).map(|(w, l)| w / ((l / 100.0) * (l / 100.0)));
    if months >= 60.0 {
        out.too_old = true;
        return out;
    }
    let t = tables();
    let day = day as i64;
    out.waz = weight.zip(t.wfa.row(m.sex, day)).map(|(w, lms)| lms.z_restricted(w));
    out.haz = length.zip(t.lhfa.row(m.sex, day)).map(|(l, lms)| lms.z(l));
    out.baz = positive(out.bmi).zip(t.bfa.row(m.sex, day)).map(|(b, lms)| lms.z_restricted(b));
    out.whz = weight.zip(length).and_then(|(w, l)| weight_for_length(t, m.sex, day, l).map(|lms| lms.z_restricted(w)));
    for indicator in Indicator::ALL {
        let slot = match indicator {
            Indicator::Waz => &mut out.waz,
            Indicator::Haz => &mut out.haz,
            Indicator::Whz => &mut out.whz,
            Indicator::Baz => &mut out.baz,
        };
        *slot = slot.map(round2).filter(|z| z.is_finite());
        if slot.is_some_and(|z| indicator.implausible(z)) {
            out.implausible.push(indicator);
        }
    }
    out
}

/// The weight (kg, weight-for-age) or length/height (cm, length/height-for-age)
/// at z-score `z` for a sex and age in days: to draw and to simulate children.
pub fn value_at(indicator: Indicator, sex: Sex, age_days: i64, z: f64) -> Option<f64> {
    let table = match indicator {
        Indicator::Haz => &tables().lhfa,
        Indicator::Baz => &tables().bfa,
        _ => &tables().wfa,
    };
    table.row(sex, age_days).map(|lms| lms.at(z))
}

/// A WHO reference curve for the growth chart: the measurement at `k` SD by
/// completed month of age, `(month, value)` from 0 to 60 months, for
/// weight-for-age (kg) or length/height-for-age (cm).
pub fn reference_curve(indicator: Indicator, sex: Sex, k: f64) -> Vec<(f64, f64)> {
    let table = match indicator {
        Indicator::Haz => &tables().lhfa,
        Indicator::Baz => &tables().bfa,
        _ => &tables().wfa,
    };
    (0..=60)
        .filter_map(|month| {
            let day = (f64::from(month) * DAYS_PER_MONTH).round().min(1826.0) as i64;
            table.row(sex, day).map(|lms| (f64::from(month), lms.at(k)))
        })
        .collect()
}

/// The LMS for a length, interpolated between the 0.1 cm rows around it
/// (with anthro's arithmetic, so borderline lengths pick the same rows).
fn weight_for_length(t: &Tables, sex: Sex, day: i64, length: f64) -> Option<Lms> {
    let (table, range) =
        if day < i64::from(HEIGHT_FROM_DAYS) { (&t.wfl, 45.0..=110.0) } else { (&t.wfh, 65.0..=120.0) };
    if !range.contains(&length) {
        return None;
    }
    let low_tenths = (length * 10.0).trunc();
    let fraction = (length - low_tenths / 10.0) / 0.1;
    let low = table.row(sex, low_tenths as i64)?;
    if fraction > 0.0 {
        Some(low.lerp(table.row(sex, (length * 10.0 + 1.0).trunc() as i64)?, fraction))
    } else {
        Some(low)
    }
}

#[cfg(test)]
#[path = "zscore_tests.rs"]
mod tests;
