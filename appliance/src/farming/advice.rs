//! Irrigation advice from soil moisture, per crop. The rule set, with sources:
//!
//! FAO Irrigation and Drainage Paper 56 (Allen, Pereira, Raes, Smith, 1998),
//! eq. 82–83: irrigate before the root zone loses more than the readily
//! available water, i.e. when the volumetric water content falls below
//!   θ_t = θ_FC − p · (θ_FC − θ_WP)
//! with p the crop's depletion fraction from Table 22 and θ_FC, θ_WP the
//! soil's field capacity and wilting point from Table 19. Balai assumes a loam
//! (Table 19: θ_FC 0.20–0.30, θ_WP 0.07–0.17; the midpoints 25 % and 12 %),
//! the common soil of village fields; a capacitive sensor reads θ in %.
//!
//! | crop | p (Table 22) | θ_t |
//! | rice (padi) | 0.20 | 22.4 % |
//! | maize (jagung) | 0.55 | 17.9 % |
//! | coffee (kopi) | 0.40 | 19.8 % |
//! | chili (cabai, "pepper") | 0.30 | 21.1 % |
//!
//! Rice is grown flooded; where a water-level gauge stands in the paddy,
//! IRRI's "safe alternate wetting and drying" (Bouman et al., IRRI Rice
//! Knowledge Bank) says irrigate when the water falls 15 cm below the soil
//! surface (a reading of −15 cm), and re-flood to about 5 cm.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Crop {
    Rice,
    Maize,
    Coffee,
    Chili,
}

const FIELD_CAPACITY_PCT: f64 = 25.0;
const WILTING_POINT_PCT: f64 = 12.0;
/// IRRI safe AWD: irrigate when the water is this far below the surface.
pub const RICE_AWD_IRRIGATE_CM: f64 = -15.0;

impl Crop {
    pub const ALL: [Crop; 4] = [Crop::Rice, Crop::Maize, Crop::Coffee, Crop::Chili];

    pub fn code(self) -> &'static str {
        match self {
            Crop::Rice => "rice",
            Crop::Maize => "maize",
            Crop::Coffee => "coffee",
            Crop::Chili => "chili",
        }
    }

    pub fn parse(s: &str) -> Option<Crop> {
        Crop::ALL.into_iter().find(|c| c.code() == s)
    }

    /// FAO-56 Table 22 depletion fraction p.
    fn depletion_fraction(self) -> f64 {
        match self {
            Crop::Rice => 0.20,
            Crop::Maize => 0.55,
            Crop::Coffee => 0.40,
            Crop::Chili => 0.30,
        }
    }

    /// The soil moisture (%) below which the crop should be irrigated.
    pub fn irrigate_below_pct(self) -> f64 {
        FIELD_CAPACITY_PCT - self.depletion_fraction() * (FIELD_CAPACITY_PCT - WILTING_POINT_PCT)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Advice {
    /// Irrigate now.
    Irrigate,
    /// Enough water in the root zone.
    Enough,
    /// Above field capacity: no irrigation, watch drainage.
    Wet,
}

/// Advice from the latest soil moisture (%) and, for rice, paddy water (cm).
pub fn advise(crop: Crop, soil_moisture_pct: Option<f64>, water_level_cm: Option<f64>) -> Option<Advice> {
    if crop == Crop::Rice
        && let Some(w) = water_level_cm
    {
        return Some(if w <= RICE_AWD_IRRIGATE_CM { Advice::Irrigate } else { Advice::Enough });
    }
    let m = soil_moisture_pct?;
    Some(if m < crop.irrigate_below_pct() {
        Advice::Irrigate
    } else if m > FIELD_CAPACITY_PCT {
        Advice::Wet
    } else {
        Advice::Enough
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_follow_fao56() {
        let t: Vec<f64> = Crop::ALL.iter().map(|c| (c.irrigate_below_pct() * 10.0).round() / 10.0).collect();
        assert_eq!(t, vec![22.4, 17.9, 19.8, 21.1]);
        assert_eq!(advise(Crop::Maize, Some(17.0), None), Some(Advice::Irrigate));
        assert_eq!(advise(Crop::Maize, Some(20.0), None), Some(Advice::Enough));
        assert_eq!(advise(Crop::Coffee, Some(30.0), None), Some(Advice::Wet));
        assert_eq!(advise(Crop::Rice, Some(40.0), Some(-16.0)), Some(Advice::Irrigate), "AWD uses the gauge");
        assert_eq!(advise(Crop::Rice, None, Some(3.0)), Some(Advice::Enough));
        assert_eq!(advise(Crop::Chili, None, None), None);
    }
}
