//! A field's plan: crop, who is alerted, the flood level.

use super::advice::Crop;
use crate::store::Record;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FieldPlan {
    /// The place name the field's devices carry, lowercased (the id).
    pub id: String,
    pub place: String,
    pub crop: Crop,
    /// Who gets the SMS alerts (the farmer group's contact); empty: none.
    pub alert_phone: String,
    /// Water level (cm) at and above which a flood warning goes out.
    pub flood_cm: Option<f64>,
}

impl Record for FieldPlan {
    const TABLE: &'static str = "farm_field";
    fn id(&self) -> &str {
        &self.id
    }
}
