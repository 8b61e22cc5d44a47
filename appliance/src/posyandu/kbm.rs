//! "Naik / tidak naik": a weighing against last month's, with the minimum
//! monthly weight gain (KBM, Kenaikan Berat badan Minimal) of the Buku KIA
//! and Permenkes 155/2010 (`appliance/data/kbm/`).

use std::sync::OnceLock;

use super::model::{Gain, Weighing};
use super::zscore::DAYS_PER_MONTH;

/// KBM in grams by completed month of age (index 0 = 1 month); the last entry
/// holds for every older age.
fn table() -> &'static [i64] {
    static TABLE: OnceLock<Vec<i64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../data/kbm/kbm.csv")
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').nth(1)?.trim().parse().ok())
            .collect()
    })
}

/// The minimum gain for a weighing at this age; `None` before one month,
/// when there is no earlier monthly weighing to compare with.
pub fn minimum_grams(age_days: i64) -> Option<i64> {
    let months = (age_days as f64 / DAYS_PER_MONTH).floor() as i64;
    if months < 1 {
        return None;
    }
    let t = table();
    let index = usize::try_from(months - 1).ok()?.min(t.len().checked_sub(1)?);
    t.get(index).copied()
}

/// N or T for a weighing, given last calendar month's weighing of the same child.
pub fn gain(previous: &Weighing, weight_kg: f64, age_days: i64) -> Option<Gain> {
    let minimum_grams = minimum_grams(age_days)?;
    let grams = ((weight_kg - previous.weight_kg) * 1000.0).round() as i64;
    Some(Gain { grams, minimum_grams, naik: grams >= minimum_grams })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_by_month() {
        assert_eq!(minimum_grams(10), None);
        assert_eq!(minimum_grams(31), Some(800));
        assert_eq!(minimum_grams(61), Some(900));
        assert_eq!(minimum_grams(4 * 31), Some(600));
        assert_eq!(minimum_grams(335), Some(200));
        assert_eq!(minimum_grams(1800), Some(200));
    }
}
