//! The topic scheme and payloads (docs/mqtt.md). Everything here parses
//! untrusted bytes: it returns an error naming the problem and never panics.

use serde_json::Value;

/// A measured quantity and its unit, as named in payloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    SoilMoisture,
    SoilTemp,
    AirTemp,
    Humidity,
    Rain,
    WaterLevel,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::SoilMoisture,
        Measure::SoilTemp,
        Measure::AirTemp,
        Measure::Humidity,
        Measure::Rain,
        Measure::WaterLevel,
    ];

    /// The JSON key (and CSV column) with its unit.
    pub fn key(self) -> &'static str {
        match self {
            Measure::SoilMoisture => "soil_moisture_pct",
            Measure::SoilTemp => "soil_temp_c",
            Measure::AirTemp => "air_temp_c",
            Measure::Humidity => "humidity_pct",
            Measure::Rain => "rain_mm",
            Measure::WaterLevel => "water_level_cm",
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Measure> {
        Measure::ALL.get(code as usize).copied()
    }

    pub fn parse(key: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.key() == key)
    }

    /// Values a working sensor can report; anything else is a fault.
    fn range(self) -> (f64, f64) {
        match self {
            Measure::SoilMoisture | Measure::Humidity => (0.0, 100.0),
            Measure::SoilTemp | Measure::AirTemp => (-20.0, 70.0),
            Measure::Rain => (0.0, 500.0),
            Measure::WaterLevel => (-1000.0, 10_000.0),
        }
    }
}

/// Where a message was published and by which device.
#[derive(Debug, PartialEq, Eq)]
pub struct Topic<'a> {
    pub device: &'a str,
    pub kind: MessageKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Reading,
    Status,
    Health,
}

/// LAN: `balai/<device>/<kind>`. Certificate listener:
/// `/tenants/<device>/balai/<kind>` (rumqttd checked the prefix against the
/// certificate, so the device is proven).
pub fn parse_topic(secure: bool, topic: &str) -> Option<Topic<'_>> {
    let parts: Vec<&str> = topic.split('/').collect();
    let (device, kind) = match (secure, parts.as_slice()) {
        (false, ["balai", device, kind]) => (*device, *kind),
        (true, ["", "tenants", device, "balai", kind]) => (*device, *kind),
        _ => return None,
    };
    let kind = match kind {
        "reading" => MessageKind::Reading,
        "status" => MessageKind::Status,
        "health" => MessageKind::Health,
        _ => return None,
    };
    Some(Topic { device, kind })
}

/// A checked reading: when, what, and the device's own state if it said.
#[derive(Debug, Default, PartialEq)]
pub struct Reading {
    /// Milliseconds since the epoch; the box's clock when the device gave none.
    pub at_ms: i64,
    pub values: Vec<(Measure, f64)>,
    pub battery_v: Option<f64>,
    pub rssi_dbm: Option<f64>,
}

/// How far a device's clock may be off before its time stamp is refused.
const MAX_SKEW_MS: i64 = 24 * 3600 * 1000;

pub fn parse_reading(payload: &[u8], now_ms: i64, max_age_ms: i64) -> Result<Reading, String> {
    let value: Value = serde_json::from_slice(payload).map_err(|e| format!("not JSON: {e}"))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let mut reading = Reading { at_ms: now_ms, ..Reading::default() };
    for (key, v) in object {
        let number = || v.as_f64().filter(|n| n.is_finite()).ok_or_else(|| format!("{key}: not a number"));
        match key.as_str() {
            "ts" => {
                let seconds = v.as_i64().ok_or("ts: not whole seconds since 1970")?;
                let at = seconds.checked_mul(1000).ok_or("ts: out of range")?;
                if at > now_ms + MAX_SKEW_MS || at < now_ms - max_age_ms {
                    return Err("ts: too far from the box's clock".into());
                }
                reading.at_ms = at;
            }
            "battery_v" => reading.battery_v = Some(in_range(key, number()?, 0.0, 60.0)?),
            "rssi_dbm" => reading.rssi_dbm = Some(in_range(key, number()?, -150.0, 0.0)?),
            other => {
                let measure = Measure::parse(other).ok_or_else(|| format!("{other}: unknown field"))?;
                let (lo, hi) = measure.range();
                reading.values.push((measure, in_range(key, number()?, lo, hi)?));
            }
        }
    }
    if reading.values.is_empty() && reading.battery_v.is_none() && reading.rssi_dbm.is_none() {
        return Err("no measurement".into());
    }
    reading.values.sort_by_key(|(m, _)| *m);
    Ok(reading)
}

fn in_range(key: &str, n: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if (lo..=hi).contains(&n) { Ok(n) } else { Err(format!("{key}: {n} outside {lo}..{hi}")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_764_000_000_000;
    const AGE: i64 = 30 * 86_400_000;

    #[test]
    fn topics_name_the_device() {
        assert_eq!(
            parse_topic(false, "balai/sawah01/reading"),
            Some(Topic { device: "sawah01", kind: MessageKind::Reading })
        );
        assert_eq!(
            parse_topic(true, "/tenants/kios1/balai/health"),
            Some(Topic { device: "kios1", kind: MessageKind::Health })
        );
        assert_eq!(parse_topic(false, "/tenants/kios1/balai/health"), None, "no tenant topics on the LAN");
        assert_eq!(parse_topic(true, "balai/sawah01/reading"), None);
        assert_eq!(parse_topic(false, "balai/sawah01/other"), None);
        assert_eq!(parse_topic(false, "balai/a/b/reading"), None);
    }

    #[test]
    fn a_reading_is_checked_field_by_field() {
        let r = parse_reading(br#"{"soil_moisture_pct": 31.5, "air_temp_c": 29, "battery_v": 3.7}"#, NOW, AGE).unwrap();
        assert_eq!(r.at_ms, NOW);
        assert_eq!(r.values, vec![(Measure::SoilMoisture, 31.5), (Measure::AirTemp, 29.0)]);
        assert_eq!(r.battery_v, Some(3.7));
        let ts = NOW / 1000 - 60;
        assert_eq!(
            parse_reading(format!(r#"{{"ts":{ts},"rain_mm":1}}"#).as_bytes(), NOW, AGE).unwrap().at_ms,
            ts * 1000
        );
        for (bad, says) in [
            (&b"nope"[..], "not JSON"),
            (b"[1]", "not a JSON object"),
            (b"{}", "no measurement"),
            (br#"{"soil_moisture_pct": 140}"#, "soil_moisture_pct"),
            (br#"{"soil_moisture_pct": "wet"}"#, "not a number"),
            (br#"{"wind": 3}"#, "wind: unknown field"),
            (br#"{"ts": 1, "rain_mm": 1}"#, "ts:"),
        ] {
            let err = parse_reading(bad, NOW, AGE).unwrap_err();
            assert!(err.contains(says), "{err} should say {says}");
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), topic in "\\PC{0,60}") {
            let _ = parse_reading(&bytes, NOW, AGE);
            let _ = parse_topic(true, &topic);
            let _ = parse_topic(false, &topic);
        }

        #[test]
        fn accepted_values_are_finite_and_in_range(v in proptest::num::f64::ANY) {
            let payload = serde_json::json!({ "humidity_pct": v }).to_string();
            if let Ok(r) = parse_reading(payload.as_bytes(), NOW, AGE) {
                prop_assert!(r.values.iter().all(|(_, x)| x.is_finite() && (0.0..=100.0).contains(x)));
            }
        }
    }
}
