//! Field plans and the alerts readings raise. Alerts go through the outbox
//! (SMS), at most one per field and kind every `ALERT_GAP`, so a dry field
//! does not text the farmer every minute.

use super::advice::{Advice, Crop, advise};
use super::model::FieldPlan;
use crate::outbox::model::{Channel, NewMessage};
use crate::store::{Change, Durability, Store, StoreError};
use crate::telemetry::model::Measure;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const ALERT_GAP: Duration = Duration::from_secs(6 * 3600);

pub fn plan(store: &Store, place: &str) -> Option<FieldPlan> {
    store.get::<FieldPlan>(&place.trim().to_lowercase()).ok().flatten()
}

pub fn plans(store: &Store) -> Vec<FieldPlan> {
    store.scan::<FieldPlan>().filter_map(Result::ok).collect()
}

pub fn set_plan(
    store: &Store,
    actor: &str,
    place: &str,
    crop: Crop,
    alert_phone: &str,
    flood_cm: Option<f64>,
) -> Result<FieldPlan, String> {
    crate::devices::model::check_place(place).map_err(|_| "place: 1 to 80 characters".to_string())?;
    if !alert_phone.is_empty() {
        crate::outbox::model::normalize_phone(alert_phone)
            .map_err(|_| format!("phone: {alert_phone} is not a phone number"))?;
    }
    if flood_cm.is_some_and(|f| !f.is_finite()) {
        return Err("flood-cm: not a number".into());
    }
    let plan = FieldPlan {
        id: place.trim().to_lowercase(),
        place: place.trim().into(),
        crop,
        alert_phone: alert_phone.trim().into(),
        flood_cm,
    };
    let change = Change::put(&plan).map_err(|e| e.to_string())?.with_detail(format!("field plan ({})", crop.code()));
    store.commit(actor, vec![change], Durability::Durable).map_err(|e: StoreError| e.to_string())?;
    Ok(plan)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum AlertKind {
    Dry,
    Flood,
}

/// When each field last raised each alert (in memory: after a restart a
/// standing condition alerts once more).
#[derive(Default)]
pub struct Alerts {
    last: Mutex<HashMap<(String, AlertKind), Instant>>,
}

impl Alerts {
    /// Checks freshly stored readings of a field against its plan and queues
    /// the SMS alerts they call for.
    pub fn check(&self, store: &Store, plan: &FieldPlan, values: &[(Measure, f64)]) {
        if plan.alert_phone.is_empty() {
            return;
        }
        let value = |m: Measure| values.iter().find(|(x, _)| *x == m).map(|(_, v)| *v);
        let (moisture, water) = (value(Measure::SoilMoisture), value(Measure::WaterLevel));
        if let (Some(flood), Some(w)) = (plan.flood_cm, water)
            && w >= flood
        {
            let body = format!("Balai: PERINGATAN BANJIR di {}: air {w:.0} cm (batas {flood:.0} cm).", plan.place);
            self.send(store, plan, AlertKind::Flood, body);
        }
        if advise(plan.crop, moisture, water.filter(|_| plan.crop == Crop::Rice)) == Some(Advice::Irrigate) {
            let what = match moisture {
                Some(m) if plan.crop != Crop::Rice || water.is_none() => format!("kelembapan tanah {m:.0}%"),
                _ => format!("air sawah {:.0} cm", water.unwrap_or_default()),
            };
            let body = format!("Balai: {} perlu diairi ({what}). Saran: airi hari ini.", plan.place);
            self.send(store, plan, AlertKind::Dry, body);
        }
    }

    fn send(&self, store: &Store, plan: &FieldPlan, kind: AlertKind, body: String) {
        let now = Instant::now();
        {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let key = (plan.id.clone(), kind);
            if last.get(&key).is_some_and(|t| now.duration_since(*t) < ALERT_GAP) {
                return;
            }
            last.insert(key, now);
        }
        let message = NewMessage {
            channel: Channel::Sms,
            to: plan.alert_phone.clone(),
            body,
            about: Some(format!("farm_field:{}", plan.id)),
        };
        if let Err(e) = crate::outbox::operations::enqueue(store, "system:farming", message) {
            tracing::error!(field = %plan.place, error = %e, "farm alert not queued");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dry_field_alerts_once_and_a_flood_alerts_too() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        set_plan(&store, "admin", "Sawah Blok A", Crop::Maize, "081234567890", Some(150.0)).unwrap();
        let p = plan(&store, "sawah blok a").unwrap();
        let alerts = Alerts::default();
        alerts.check(&store, &p, &[(Measure::SoilMoisture, 30.0)]);
        assert_eq!(crate::outbox::operations::list(&store, None, 0, 10).unwrap().1, 0, "moist enough");
        alerts.check(&store, &p, &[(Measure::SoilMoisture, 12.0)]);
        alerts.check(&store, &p, &[(Measure::SoilMoisture, 11.0)]);
        alerts.check(&store, &p, &[(Measure::WaterLevel, 180.0)]);
        let bodies: Vec<String> =
            crate::outbox::operations::list(&store, None, 0, 10).unwrap().0.into_iter().map(|m| m.body).collect();
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        assert!(bodies.iter().any(|b| b.contains("perlu diairi") && b.contains("12%")));
        assert!(bodies.iter().any(|b| b.contains("BANJIR") && b.contains("180 cm")));
        assert!(set_plan(&store, "admin", "X", Crop::Rice, "not a phone", None).is_err());
    }
}
