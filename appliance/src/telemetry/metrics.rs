//! Counters of the MQTT side, shown on the devices page and at /metrics in
//! Prometheus' text format. Only the ingest thread and the broker's
//! authentication write them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// What the box last heard from a device (kept in memory; the time series
/// holds the readings themselves).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceSeen {
    pub last_seen_ms: i64,
    pub battery_v: Option<f64>,
    pub rssi_dbm: Option<f64>,
    pub invalid: u64,
    pub rate_limited: u64,
}

#[derive(Default)]
pub struct Metrics {
    /// Messages the daemon's links received (and journaled).
    pub messages_in: AtomicU64,
    /// Readings written and flushed to the time series.
    pub readings_stored: AtomicU64,
    pub invalid_payloads: AtomicU64,
    /// Readings not stored: over a device's rate, unknown or revoked sender,
    /// or a failed write.
    pub dropped_readings: AtomicU64,
    pub rate_limited: AtomicU64,
    pub auth_accepted: AtomicU64,
    pub auth_refused: AtomicU64,
    pub devices: Mutex<BTreeMap<String, DeviceSeen>>,
    /// The MQTT ports, to count established connections.
    pub ports: Vec<u16>,
}

impl Metrics {
    pub fn new(ports: Vec<u16>) -> Metrics {
        Metrics { ports, ..Metrics::default() }
    }

    pub fn seen(&self, device: &str) -> Option<DeviceSeen> {
        self.devices.lock().unwrap_or_else(|p| p.into_inner()).get(device).cloned()
    }

    pub fn update(&self, device: &str, f: impl FnOnce(&mut DeviceSeen)) {
        let mut map = self.devices.lock().unwrap_or_else(|p| p.into_inner());
        f(map.entry(device.to_owned()).or_default());
    }

    /// Established TCP connections on the MQTT ports, from the kernel's table
    /// (rumqttd does not expose a live count).
    pub fn connected_clients(&self) -> u64 {
        ["/proc/self/net/tcp", "/proc/self/net/tcp6"]
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|table| count_established(&table, &self.ports))
            .sum()
    }

    /// Prometheus text exposition format, version 0.0.4.
    pub fn prometheus(&self) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
        };
        metric("balai_mqtt_connected_clients", "gauge", "MQTT connections open now.", self.connected_clients());
        metric(
            "balai_mqtt_messages_received_total",
            "counter",
            "Messages devices published.",
            self.messages_in.load(Relaxed),
        );
        metric(
            "balai_mqtt_readings_stored_total",
            "counter",
            "Readings stored durably.",
            self.readings_stored.load(Relaxed),
        );
        metric(
            "balai_mqtt_invalid_payloads_total",
            "counter",
            "Payloads refused as invalid.",
            self.invalid_payloads.load(Relaxed),
        );
        metric(
            "balai_mqtt_dropped_readings_total",
            "counter",
            "Readings not stored.",
            self.dropped_readings.load(Relaxed),
        );
        metric(
            "balai_mqtt_rate_limited_total",
            "counter",
            "Messages over a device's rate.",
            self.rate_limited.load(Relaxed),
        );
        metric(
            "balai_mqtt_auth_refused_total",
            "counter",
            "Refused MQTT connections.",
            self.auth_refused.load(Relaxed),
        );
        out.push_str("# HELP balai_mqtt_device_invalid_payloads_total Invalid payloads per device.\n");
        out.push_str("# TYPE balai_mqtt_device_invalid_payloads_total counter\n");
        for (device, seen) in self.devices.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            out.push_str(&format!(
                "balai_mqtt_device_invalid_payloads_total{{device=\"{device}\"}} {}\n",
                seen.invalid
            ));
        }
        out
    }
}

/// Rows of /proc/net/tcp whose local port is one of `ports` and whose state is
/// 01 (ESTABLISHED).
fn count_established(table: &str, ports: &[u16]) -> u64 {
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let mut cols = line.split_whitespace();
            let local = cols.nth(1).unwrap_or("");
            let state = cols.nth(1).unwrap_or("");
            let port = local.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
            state == "01" && port.is_some_and(|p| ports.contains(&p))
        })
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn established_connections_on_our_ports_are_counted() {
        let table = "  sl  local_address rem_address   st\n\
           0: 0100007F:075B 00000000:0000 0A 0\n\
           1: 0100007F:075B 0100007F:D431 01 0\n\
           2: 0100007F:1F90 0100007F:D432 01 0\n";
        assert_eq!(count_established(table, &[1883]), 1);
        assert_eq!(count_established(table, &[1883, 8080]), 2);
    }

    #[test]
    fn exposition_has_help_type_and_value() {
        let m = Metrics::new(vec![]);
        m.invalid_payloads.fetch_add(2, Relaxed);
        m.update("sawah01", |s| s.invalid = 2);
        let text = m.prometheus();
        assert!(
            text.contains("# TYPE balai_mqtt_invalid_payloads_total counter\nbalai_mqtt_invalid_payloads_total 2\n")
        );
        assert!(text.contains("balai_mqtt_device_invalid_payloads_total{device=\"sawah01\"} 2\n"));
    }
}
