//! The nutritional status categories of Permenkes 2/2020 (Standar
//! Antropometri Anak) for children 0–60 months, from a z-score.
//!
//! Boundaries as the regulation writes them: "−3 SD sampai dengan < −2 SD",
//! "−2 SD sampai dengan +1 SD", "> +1 SD sampai dengan +2 SD" and so on, so
//! −2.00 is normal, −3.00 is stunted (not severely), +1.00 is normal weight.

use serde::{Deserialize, Serialize};

use super::zscore::{Indicator, ZScores};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    // BB/U, weight-for-age
    SeverelyUnderweight,
    Underweight,
    NormalWeight,
    RiskOfOverweight,
    // PB/U or TB/U, length/height-for-age
    SeverelyStunted,
    Stunted,
    NormalHeight,
    Tall,
    // BB/PB or BB/TB, weight-for-length/height; IMT/U uses the same labels
    SeverelyWasted,
    Wasted,
    NormalNutrition,
    PossibleRiskOfOverweight,
    Overweight,
    Obese,
}

impl Category {
    /// Catalog key of the Indonesian/English label (`web-ui/catalog/posyandu.txt`).
    pub fn key(self) -> &'static str {
        match self {
            Category::SeverelyUnderweight => "posyandu.cat.bb_sangat_kurang",
            Category::Underweight => "posyandu.cat.bb_kurang",
            Category::NormalWeight => "posyandu.cat.bb_normal",
            Category::RiskOfOverweight => "posyandu.cat.bb_risiko_lebih",
            Category::SeverelyStunted => "posyandu.cat.sangat_pendek",
            Category::Stunted => "posyandu.cat.pendek",
            Category::NormalHeight => "posyandu.cat.tinggi_normal",
            Category::Tall => "posyandu.cat.tinggi",
            Category::SeverelyWasted => "posyandu.cat.gizi_buruk",
            Category::Wasted => "posyandu.cat.gizi_kurang",
            Category::NormalNutrition => "posyandu.cat.gizi_baik",
            Category::PossibleRiskOfOverweight => "posyandu.cat.berisiko_gizi_lebih",
            Category::Overweight => "posyandu.cat.gizi_lebih",
            Category::Obese => "posyandu.cat.obesitas",
        }
    }

    /// Needs the nakes' attention (below −2 SD, or obese).
    pub fn alarming(self) -> bool {
        matches!(
            self,
            Category::SeverelyUnderweight
                | Category::Underweight
                | Category::SeverelyStunted
                | Category::Stunted
                | Category::SeverelyWasted
                | Category::Wasted
                | Category::Obese
        )
    }
}

/// The category of one indicator's z-score.
pub fn categorize(indicator: Indicator, z: f64) -> Category {
    match indicator {
        Indicator::Waz => {
            if z < -3.0 {
                Category::SeverelyUnderweight
            } else if z < -2.0 {
                Category::Underweight
            } else if z <= 1.0 {
                Category::NormalWeight
            } else {
                Category::RiskOfOverweight
            }
        }
        Indicator::Haz => {
            if z < -3.0 {
                Category::SeverelyStunted
            } else if z < -2.0 {
                Category::Stunted
            } else if z <= 3.0 {
                Category::NormalHeight
            } else {
                Category::Tall
            }
        }
        Indicator::Whz | Indicator::Baz => {
            if z < -3.0 {
                Category::SeverelyWasted
            } else if z < -2.0 {
                Category::Wasted
            } else if z <= 1.0 {
                Category::NormalNutrition
            } else if z <= 2.0 {
                Category::PossibleRiskOfOverweight
            } else if z <= 3.0 {
                Category::Overweight
            } else {
                Category::Obese
            }
        }
    }
}

/// The category of every plausible z-score of a measurement.
pub fn categories(z: &ZScores) -> Vec<(Indicator, Category)> {
    let plausible = z.plausible();
    Indicator::ALL.into_iter().filter_map(|i| plausible.get(i).map(|v| (i, categorize(i, v)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_follow_the_regulation_text() {
        assert_eq!(categorize(Indicator::Haz, -3.01), Category::SeverelyStunted);
        assert_eq!(categorize(Indicator::Haz, -3.0), Category::Stunted);
        assert_eq!(categorize(Indicator::Haz, -2.01), Category::Stunted);
        assert_eq!(categorize(Indicator::Haz, -2.0), Category::NormalHeight);
        assert_eq!(categorize(Indicator::Haz, 3.0), Category::NormalHeight);
        assert_eq!(categorize(Indicator::Haz, 3.01), Category::Tall);
        assert_eq!(categorize(Indicator::Waz, 1.0), Category::NormalWeight);
        assert_eq!(categorize(Indicator::Waz, 1.01), Category::RiskOfOverweight);
        assert_eq!(categorize(Indicator::Waz, -2.5), Category::Underweight);
        assert_eq!(categorize(Indicator::Whz, -3.5), Category::SeverelyWasted);
        assert_eq!(categorize(Indicator::Whz, 1.5), Category::PossibleRiskOfOverweight);
        assert_eq!(categorize(Indicator::Whz, 2.0), Category::PossibleRiskOfOverweight);
        assert_eq!(categorize(Indicator::Baz, 2.5), Category::Overweight);
        assert_eq!(categorize(Indicator::Baz, 3.01), Category::Obese);
    }
}
