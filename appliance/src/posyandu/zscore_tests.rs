//! Z-scores against WHO's published expanded tables (SD−3…SD+3 to 3 decimals,
//! a sample in `testdata/`), against the values anthro's own tests assert,
//! and at the age and table edges.

use super::*;
use proptest::prelude::*;

const SAMPLE: &str = include_str!("testdata/who_expanded_sample.csv");

fn m(sex: Sex, age_days: f64, weight: Option<f64>, length: Option<f64>, position: Option<Position>) -> Measurement {
    Measurement { sex, age_days, weight_kg: weight, length_cm: length, position }
}

struct Published {
    indicator: String,
    sex: Sex,
    x: f64,
    /// Measurement at −3, −2, −1, 0, +1, +2, +3 SD.
    sd: [f64; 7],
}

fn published() -> Vec<Published> {
    SAMPLE
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let mut sd = [0.0; 7];
            for (i, v) in sd.iter_mut().enumerate() {
                *v = f[3 + i].parse().unwrap();
            }
            Published { indicator: f[0].into(), sex: Sex::parse(f[1]).unwrap(), x: f[2].parse().unwrap(), sd }
        })
        .collect()
}

/// The z-score our function gives to `y` measured as the published row says.
fn z_of(p: &Published, y: f64) -> Option<f64> {
    match p.indicator.as_str() {
        "wfa" => zscores(&m(p.sex, p.x, Some(y), None, None)).waz,
        "lhfa" => {
            let position = if p.x < 731.0 { Position::Lying } else { Position::Standing };
            zscores(&m(p.sex, p.x, None, Some(y), Some(position))).haz
        }
        // A weight-for-length row read at 300 days lying, weight-for-height at 1000 days standing.
        "wfl" => zscores(&m(p.sex, 300.0, Some(y), Some(p.x), Some(Position::Lying))).whz,
        "wfh" => zscores(&m(p.sex, 1000.0, Some(y), Some(p.x), Some(Position::Standing))).whz,
        other => panic!("unknown indicator {other}"),
    }
}

#[test]
fn the_published_sd_values_have_the_z_scores_they_are_named_for() {
    let rows = published();
    assert!(rows.len() > 380, "sample has {} rows", rows.len());
    for kind in ["wfa", "lhfa", "wfl", "wfh"] {
        for sex in [Sex::Male, Sex::Female] {
            assert!(rows.iter().filter(|p| p.indicator == kind && p.sex == sex).count() > 20, "{kind} {sex:?}");
        }
    }
    for p in &rows {
        for (k, y) in (-3..=3).zip(p.sd) {
            let z = z_of(p, y).unwrap_or_else(|| panic!("{} {:?} {} at SD{k}: no z-score", p.indicator, p.sex, p.x));
            assert!((z - f64::from(k)).abs() <= 0.01, "{} {:?} {} at SD{k} = {y}: z {z}", p.indicator, p.sex, p.x);
        }
    }
}

#[test]
fn beyond_three_sd_weight_based_z_scores_count_in_sd2_to_sd3_gaps() {
    for p in published().iter().filter(|p| p.indicator != "lhfa") {
        let [sd3neg, sd2neg, .., sd2, sd3] = p.sd;
        let above = sd3 + 0.5 * (sd3 - sd2);
        let z = z_of(p, above).unwrap();
        assert!((z - 3.5).abs() <= 0.01, "{} {:?} {}: {above} gave {z}", p.indicator, p.sex, p.x);
        let below = sd3neg - 0.5 * (sd2neg - sd3neg);
        let z = z_of(p, below).unwrap();
        assert!((z + 3.5).abs() <= 0.01, "{} {:?} {}: {below} gave {z}", p.indicator, p.sex, p.x);
    }
}

#[test]
fn length_for_age_is_never_restricted() {
    // anthro's own test: a 987-day-old boy measured lying at 72.86 cm.
    let z = zscores(&m(Sex::Male, 987.0, None, Some(72.86), Some(Position::Lying)));
    assert_eq!(z.length_used_cm, Some(72.86 - 0.7));
    assert_eq!(z.haz, Some(-6.09));
    assert_eq!(z.implausible, vec![Indicator::Haz]);
}

#[test]
fn the_values_anthro_tests_assert() {
    // Girl, 1522 days, 17 kg: waz 0.24.
    assert_eq!(zscores(&m(Sex::Female, 1522.0, Some(17.0), None, None)).waz, Some(0.24));
    // Boy, 44 days, 50 cm: the plain LMS formula, rounded.
    let expected = round2((50.0 / 56.4833 - 1.0) / 0.03492);
    assert_eq!(zscores(&m(Sex::Male, 44.0, None, Some(50.0), None)).haz, Some(expected));
    // Girl, 24 months (730.5 days, so table day 731), 77.5 cm, no position: haz −2.55.
    let z = zscores(&m(Sex::Female, 24.0 * DAYS_PER_MONTH, Some(8.8), Some(77.5), None));
    assert_eq!(z.haz, Some(-2.55));
    let z = zscores(&m(Sex::Female, 24.0 * DAYS_PER_MONTH, Some(8.8), Some(77.5), Some(Position::Standing)));
    assert_eq!((z.haz, z.length_used_cm), (Some(-2.55), Some(77.5)));
    // A girl of one day weighing 10.37 kg, or with BMI 25: flagged.
    assert!(zscores(&m(Sex::Female, 1.0, Some(10.37), None, None)).implausible.contains(&Indicator::Waz));
    let bmi_25 = zscores(&m(Sex::Female, 1.0, Some(25.0 * 0.25), Some(50.0), Some(Position::Lying)));
    assert!(bmi_25.implausible.contains(&Indicator::Baz));
}

#[test]
fn standing_before_nine_months_is_not_corrected_and_is_flagged() {
    // anthro's test: 8 and 9 months, 60 cm standing: −4.81 (60.0 used) and −5.02 (60.7 used).
    let eight = zscores(&m(Sex::Male, 8.0 * DAYS_PER_MONTH, None, Some(60.0), Some(Position::Standing)));
    assert!(eight.standing_under_9_months);
    assert_eq!(eight.length_used_cm, Some(60.0));
    assert_eq!(eight.haz, Some(-4.81));
    let nine = zscores(&m(Sex::Male, 9.0 * DAYS_PER_MONTH, None, Some(60.0), Some(Position::Standing)));
    assert!(!nine.standing_under_9_months);
    assert_eq!(nine.length_used_cm, Some(60.0 + 0.7));
    assert_eq!(nine.haz, Some(-5.02));
    // In whole days the edge is 273/274: 273 / 30.4375 = 8.97 months, 274 = 9.002.
    let day = |d: f64| zscores(&m(Sex::Female, d, Some(7.0), Some(66.0), Some(Position::Standing)));
    assert!(day(273.0).standing_under_9_months);
    assert_eq!(day(273.0).length_used_cm, Some(66.0));
    assert!(!day(274.0).standing_under_9_months);
    assert_eq!(day(274.0).length_used_cm, Some(66.0 + 0.7));
    // Lying under 9 months is simply right.
    let lying = zscores(&m(Sex::Female, 273.0, Some(7.0), Some(66.0), Some(Position::Lying)));
    assert!(!lying.standing_under_9_months);
    assert_eq!(lying.length_used_cm, Some(66.0));
}

#[test]
fn the_two_year_edge_switches_table_and_correction() {
    let at = |d: f64, p: Position| zscores(&m(Sex::Male, d, Some(11.5), Some(85.0), Some(p)));
    // 730 days: length tables; standing gets +0.7, lying none.
    assert_eq!(at(730.0, Position::Standing).length_used_cm, Some(85.7));
    assert_eq!(at(730.0, Position::Lying).length_used_cm, Some(85.0));
    // 731 days: height tables; lying gets −0.7, standing none.
    assert_eq!(at(731.0, Position::Lying).length_used_cm, Some(85.0 - 0.7));
    assert_eq!(at(731.0, Position::Standing).length_used_cm, Some(85.0));
    // The same child, same numbers: lying at 730 equals standing at 731 only
    // through the correction, so the two whz differ by the table switch alone.
    let lying_730 = at(730.0, Position::Lying);
    let standing_731 = at(731.0, Position::Standing);
    let wfl = tables().wfl.row(Sex::Male, 850).unwrap();
    let wfh = tables().wfh.row(Sex::Male, 850).unwrap();
    assert_eq!(lying_730.whz, Some(round2(wfl.z_restricted(11.5))));
    assert_eq!(standing_731.whz, Some(round2(wfh.z_restricted(11.5))));
    assert_ne!(lying_730.whz, standing_731.whz);
}

#[test]
fn z_scores_end_at_1826_days() {
    let at = |d: f64| zscores(&m(Sex::Female, d, Some(18.0), Some(109.0), Some(Position::Standing)));
    let last = at(1826.0);
    assert!(!last.too_old);
    for i in Indicator::ALL {
        assert!(last.get(i).is_some(), "{i:?} at 1826");
    }
    let past = at(1827.0);
    assert!(past.too_old);
    for i in Indicator::ALL {
        assert_eq!(past.get(i), None, "{i:?} at 1827");
    }
    // Day 0 has every table's first row.
    let birth = zscores(&m(Sex::Male, 0.0, Some(3.3464), Some(49.8842), Some(Position::Lying)));
    assert_eq!((birth.waz, birth.haz), (Some(0.0), Some(0.0)));
    assert!(birth.whz.is_some() && birth.baz.is_some());
}

#[test]
fn weight_for_length_stops_at_the_table_edges_and_interpolates_inside() {
    let wfl = |cm: f64| zscores(&m(Sex::Female, 100.0, Some(3.0), Some(cm), Some(Position::Lying))).whz;
    assert_eq!(wfl(44.9), None);
    assert!(wfl(45.0).is_some());
    assert!(wfl(110.0).is_some());
    assert_eq!(wfl(110.05), None);
    let wfh = |cm: f64| zscores(&m(Sex::Female, 900.0, Some(12.0), Some(cm), Some(Position::Standing))).whz;
    assert_eq!(wfh(64.9), None);
    assert!(wfh(65.0).is_some());
    assert!(wfh(120.0).is_some());
    assert_eq!(wfh(120.1), None);
    // Half-way between two rows: the LMS half-way between them.
    let (a, b) = (tables().wfl.row(Sex::Female, 700).unwrap(), tables().wfl.row(Sex::Female, 701).unwrap());
    let mid = a.lerp(b, 0.5);
    let z = zscores(&m(Sex::Female, 300.0, Some(mid.m), Some(70.05), Some(Position::Lying))).whz.unwrap();
    assert!(z.abs() <= 0.01, "{z}");
}

#[test]
fn bmi_for_age_uses_the_corrected_length() {
    // A boy of 400 days at the median BMI, measured standing: BMI is taken from length + 0.7.
    let lms = tables().bfa.row(Sex::Male, 400).unwrap();
    let length = 75.0;
    let weight = lms.m * (length + 0.7) * (length + 0.7) / 10_000.0;
    let z = zscores(&m(Sex::Male, 400.0, Some(weight), Some(length), Some(Position::Standing)));
    assert_eq!(z.baz, Some(0.0));
    // Its SD±2 and beyond the restricted rule, from the LMS table itself.
    for k in [-2.0, 2.0] {
        let bmi = lms.at(k);
        let w = bmi * 0.757 * 0.757;
        let z = zscores(&m(Sex::Male, 400.0, Some(w), Some(75.0), Some(Position::Standing))).baz.unwrap();
        assert!((z - k).abs() <= 0.01, "{k}: {z}");
    }
    let far = lms.at(3.0) + 2.0 * (lms.at(3.0) - lms.at(2.0));
    let z = zscores(&m(Sex::Male, 400.0, Some(far * 0.757 * 0.757), Some(75.0), Some(Position::Standing))).baz;
    assert!((z.unwrap() - 5.0).abs() <= 0.01, "{z:?}");
}

#[test]
fn implausible_limits_are_whos() {
    assert!(Indicator::Waz.implausible(-6.01) && Indicator::Waz.implausible(5.01));
    assert!(!Indicator::Waz.implausible(-6.0) && !Indicator::Waz.implausible(5.0));
    assert!(Indicator::Haz.implausible(6.01) && Indicator::Haz.implausible(-6.01) && !Indicator::Haz.implausible(6.0));
    assert!(Indicator::Whz.implausible(5.01) && !Indicator::Whz.implausible(-5.0));
    assert!(Indicator::Baz.implausible(-5.01));
    // A weight in grams typed as kilograms lands far outside.
    let z = zscores(&m(Sex::Male, 200.0, Some(7500.0), Some(65.0), Some(Position::Lying)));
    assert!(z.needs_remeasure() && z.plausible().waz.is_none() && z.plausible().haz.is_some());
}

#[test]
fn nonsense_gives_no_z_score() {
    for age in [-1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(zscores(&m(Sex::Male, age, Some(10.0), Some(80.0), None)), ZScores::default());
    }
    let z = zscores(&m(Sex::Male, 100.0, Some(0.0), Some(-3.0), None));
    assert_eq!((z.waz, z.haz, z.whz, z.baz), (None, None, None, None));
}

#[test]
fn rounding_is_rs() {
    assert_eq!(round2(0.126), 0.13);
    assert_eq!(round2(-1.005), -1.0);
    assert_eq!(round2(2.345_000_1), 2.35);
    assert_eq!(round2(-6.094), -6.09);
    assert!(round2(-0.001).is_sign_positive());
}

#[test]
fn every_table_is_complete() {
    let t = tables();
    for sex in [Sex::Male, Sex::Female] {
        for table in [&t.wfa, &t.lhfa, &t.bfa] {
            assert!(table.row(sex, 0).is_some() && table.row(sex, 1826).is_some() && table.row(sex, 1827).is_none());
        }
        assert!(t.wfl.row(sex, 450).is_some() && t.wfl.row(sex, 1100).is_some() && t.wfl.row(sex, 1101).is_none());
        assert!(t.wfh.row(sex, 650).is_some() && t.wfh.row(sex, 1200).is_some() && t.wfh.row(sex, 649).is_none());
    }
}

proptest! {
    #[test]
    fn never_panics(
        male in any::<bool>(),
        age in prop_oneof![any::<f64>(), -10.0..2000.0f64],
        weight in proptest::option::of(prop_oneof![any::<f64>(), 0.0..100.0f64]),
        length in proptest::option::of(prop_oneof![any::<f64>(), 30.0..130.0f64]),
        position in proptest::option::of(prop_oneof![Just(Position::Lying), Just(Position::Standing)]),
    ) {
        let sex = if male { Sex::Male } else { Sex::Female };
        let z = zscores(&m(sex, age, weight, length, position));
        for i in Indicator::ALL {
            if let Some(v) = z.get(i) {
                prop_assert!(v.is_finite());
            }
        }
    }
}
