//! Devices and their credentials.

use crate::store::Record;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SoilSensor,
    WeatherStation,
    WaterLevel,
    HealthKiosk,
    QueueBoard,
    Generic,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::SoilSensor, Kind::WeatherStation, Kind::WaterLevel, Kind::HealthKiosk, Kind::QueueBoard, Kind::Generic];

    pub fn code(self) -> &'static str {
        match self {
            Kind::SoilSensor => "soil",
            Kind::WeatherStation => "weather",
            Kind::WaterLevel => "water",
            Kind::HealthKiosk => "kiosk",
            Kind::QueueBoard => "board",
            Kind::Generic => "generic",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Kinds whose messages carry personal data: only the certificate
    /// listener, whose tenant isolation keeps other clients from reading them.
    pub fn personal_data(self) -> bool {
        self == Kind::HealthKiosk
    }

    /// Kinds that send measurements of a field or a river.
    pub fn sends_readings(self) -> bool {
        matches!(self, Kind::SoilSensor | Kind::WeatherStation | Kind::WaterLevel | Kind::Generic)
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A rice field, garden or plot (sawah, ladang, kebun).
    Field,
    Posyandu,
    Office,
}

impl PlaceKind {
    pub const ALL: [PlaceKind; 3] = [PlaceKind::Field, PlaceKind::Posyandu, PlaceKind::Office];

    pub fn code(self) -> &'static str {
        match self {
            PlaceKind::Field => "field",
            PlaceKind::Posyandu => "posyandu",
            PlaceKind::Office => "office",
        }
    }

    pub fn parse(code: &str) -> Option<PlaceKind> {
        PlaceKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Device {
    /// Lowercase letters and digits: it is the MQTT client id, user name and
    /// the Organization of its certificate, and rumqttd takes only
    /// alphanumeric tenant ids.
    pub id: String,
    pub kind: Kind,
    pub place_kind: PlaceKind,
    /// The field, posyandu or office by name, e.g. "Sawah Blok A".
    pub place: String,
    /// SHA-256 (hex) of the secret. The secret is 128 random bits, so a fast
    /// hash suffices (no guessing to slow down) and every CONNECT is cheap.
    pub secret_sha256: String,
    /// Bumped by each rotation, so a log entry names the credential's age.
    pub credential_version: u32,
    pub revoked: bool,
    pub created: String,
}

impl Record for Device {
    const TABLE: &'static str = "device";
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("place", self.place.to_lowercase())]
    }
}

/// Why an id, place or kind is refused: (form field, catalog key).
pub fn check_id(id: &str) -> Result<(), (&'static str, &'static str)> {
    let ok = (3..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok { Ok(()) } else { Err(("id", "devices.id.format")) }
}

pub fn check_place(place: &str) -> Result<(), (&'static str, &'static str)> {
    let n = place.trim().chars().count();
    if (1..=80).contains(&n) && !place.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(("place", "devices.place.format"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_short_lowercase_alphanumerics() {
        assert!(check_id("sawah01").is_ok());
        for bad in ["ab", "Sawah01", "sawah-01", "sawah 01", "a/b", &"x".repeat(33)] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        assert!(Kind::HealthKiosk.personal_data());
        assert!(!Kind::SoilSensor.personal_data());
    }

    proptest! {
        #[test]
        fn id_check_never_panics_and_accepted_ids_are_topic_safe(s in "\\PC{0,40}") {
            if check_id(&s).is_ok() {
                prop_assert!(!s.contains('/') && !s.contains('+') && !s.contains('#'));
            }
        }
    }
}
