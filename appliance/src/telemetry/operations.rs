//! The daemon's side of the broker: it starts `balai_broker` with the
//! registry's check, reads what devices publish through the in-process link,
//! stores readings (flushed) before counting them as received, and keeps the
//! queue boards' retained state, which rumqttd loses at every restart.

use super::journal::Journal;
use super::metrics::Metrics;
use super::model::{self, MessageKind, Reading};
use super::series::{DAY_MS, Sample, Series};
use crate::app::App;
use crate::devices::model::{Device, Kind};
use crate::devices::operations as devices;
use balai_broker::{Broker, Credentials, Message, Settings, TlsFiles, Zone};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

pub struct Mqtt {
    broker: Broker,
    pub metrics: Arc<Metrics>,
}

/// Messages taken from the link per write: one flush covers them all.
const BATCH: usize = 4096;
/// The LAN topic queue boards follow (retained); on the certificate listener
/// each board has it under its tenant prefix.
pub const BOARD_TOPIC: &str = "board/queue";

impl Mqtt {
    /// Drops a device's connections at once (after a revocation or rotation).
    pub fn disconnect(&self, device: &str) {
        self.broker.disconnect(device);
    }
}

fn addr(bind: &str, port: u16) -> Option<SocketAddr> {
    (port != 0).then(|| format!("{bind}:{port}").parse().ok()).flatten()
}

/// Starts the broker and the ingest and board threads.
pub fn start(app: Arc<App>) -> anyhow::Result<()> {
    let c = &app.config.mqtt;
    if !c.enabled {
        return Ok(());
    }
    let keys = app.config.data_dir.join("keys");
    let (ca, cert, key) = crate::devices::certs::write_server_files(&keys, &app.config.http.hostnames)?;
    let settings = Settings {
        lan_v4: addr(&c.bind, c.port),
        lan_v5: addr(&c.bind, c.port_v5),
        secure_v4: addr(&c.bind, c.tls_port),
        secure_v5: addr(&c.bind, c.tls_port_v5),
        tls: Some(TlsFiles { ca, cert, key }),
        max_connections: c.max_connections,
        max_payload_bytes: c.max_payload_bytes,
        max_inflight: 100,
        connect_timeout_ms: 5000,
        segment_bytes: c.segment_bytes,
        segment_count: c.segment_count,
    };
    let ports = [c.port, c.port_v5, c.tls_port, c.tls_port_v5].into_iter().filter(|p| *p != 0).collect();
    let metrics = Arc::new(Metrics::new(ports));
    let auth_app = app.clone();
    let auth_metrics = metrics.clone();
    let authenticate = Arc::new(move |cr: &Credentials| {
        let ok =
            devices::authenticate(&auth_app.store, cr.zone == Zone::Secure, cr.client_id, cr.username, cr.password);
        let counter = if ok { &auth_metrics.auth_accepted } else { &auth_metrics.auth_refused };
        counter.fetch_add(1, Relaxed);
        if !ok {
            tracing::warn!(zone = cr.zone.code(), client_id = cr.client_id, "MQTT connection refused");
        }
        ok
    });
    let series = Series::open(&app.store)?;
    let (journal, pending) = Journal::open(&app.config.data_dir.join("mqtt.journal"), series.journal_mark()?)?;
    let journal = Arc::new(journal);
    let (sink, messages) = mpsc::sync_channel::<(u64, Message)>(BATCH * 4);
    if !pending.is_empty() {
        tracing::info!(messages = pending.len(), "MQTT messages acknowledged before a crash are stored now");
    }
    // The channel holds 4 batches; a longer journal is ingested as it drains.
    let replay_sink = sink.clone();
    std::thread::Builder::new().name("mqtt-replay".into()).spawn(move || {
        for entry in pending {
            let _ = replay_sink.send(entry);
        }
    })?;
    let (link_journal, link_metrics) = (journal.clone(), metrics.clone());
    let deliver = Arc::new(move |m: Message| {
        let seq = link_journal.append(&m);
        link_metrics.messages_in.fetch_add(1, Relaxed);
        let _ = sink.send((seq, m));
    });
    let broker = Broker::start(&settings, authenticate, deliver).map_err(anyhow::Error::msg)?;
    let mqtt = Arc::new(Mqtt { broker, metrics: metrics.clone() });
    let _ = app.mqtt.set(mqtt.clone());
    let ingest_app = app.clone();
    std::thread::Builder::new()
        .name("mqtt-ingest".into())
        .spawn(move || ingest(&ingest_app, &series, &journal, &metrics, &messages))?;
    let board_app = app.clone();
    std::thread::Builder::new().name("mqtt-boards".into()).spawn(move || boards(&board_app, &mqtt))?;
    let retention_app = app;
    std::thread::Builder::new().name("mqtt-retention".into()).spawn(move || retention(&retention_app))?;
    Ok(())
}

/// Per-device token buckets: `per_minute` readings a minute, with a burst of
/// the same size, so a flooding device loses its excess and nobody else's.
struct Limits {
    per_minute: u32,
    buckets: HashMap<String, (f64, Instant)>,
}

impl Limits {
    fn allow(&mut self, device: &str, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let cap = f64::from(self.per_minute);
        let (tokens, last) = self.buckets.entry(device.to_owned()).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * cap / 60.0).min(cap);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn ingest(app: &App, series: &Series, journal: &Journal, metrics: &Metrics, messages: &mpsc::Receiver<(u64, Message)>) {
    let mut limits = Limits { per_minute: app.config.mqtt.readings_per_minute, buckets: HashMap::new() };
    let mut registry: (u64, HashMap<String, Device>) = (u64::MAX, HashMap::new());
    let mut seq = 0u32;
    let alerts = crate::farming::operations::Alerts::default();
    let mut plans = HashMap::new();
    let max_age_ms = i64::from(app.config.mqtt.raw_days) * DAY_MS;
    while let Ok(first) = messages.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match messages.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        // The registry changes rarely: reread it only when the log moved.
        let head = app.store.last_seq().unwrap_or(0);
        if head != registry.0 {
            registry = (head, devices::list(&app.store).into_iter().map(|d| (d.id.clone(), d)).collect());
            plans = crate::farming::operations::plans(&app.store).into_iter().map(|p| (p.id.clone(), p)).collect();
        }
        let now_ms = chrono::Utc::now().timestamp_millis();
        let now = Instant::now();
        let mut readings: Vec<(String, Reading)> = Vec::new();
        let mark = batch.iter().map(|(seq, _)| *seq).max().unwrap_or(0);
        for (_, m) in &batch {
            let secure = m.zone == Zone::Secure;
            let Some(topic) = model::parse_topic(secure, &m.topic) else {
                tracing::warn!(zone = m.zone.code(), topic = %m.topic, "MQTT message on an unknown topic dropped");
                metrics.invalid_payloads.fetch_add(1, Relaxed);
                continue;
            };
            let device = topic.device;
            // On the LAN the topic is the device's word; it still has to be a
            // registered, unrevoked device of a kind that sends readings.
            let Some(d) = registry.1.get(device).filter(|d| !d.revoked) else {
                metrics.dropped_readings.fetch_add(1, Relaxed);
                continue;
            };
            if topic.kind == MessageKind::Health || d.kind.personal_data() {
                // Health readings wait for the health record; never from the LAN.
                metrics.dropped_readings.fetch_add(1, Relaxed);
                continue;
            }
            if !limits.allow(device, now) {
                metrics.rate_limited.fetch_add(1, Relaxed);
                metrics.dropped_readings.fetch_add(1, Relaxed);
                metrics.update(device, |s| s.rate_limited += 1);
                continue;
            }
            match model::parse_reading(&m.payload, now_ms, max_age_ms) {
                Ok(r) if d.kind == Kind::QueueBoard && !r.values.is_empty() => {
                    invalid(metrics, device, "a queue board sends no measurements");
                }
                Ok(r) => readings.push((device.to_owned(), r)),
                Err(e) => invalid(metrics, device, &e),
            }
        }
        let samples: Vec<Sample> = readings
            .iter()
            .flat_map(|(device, r)| {
                r.values.iter().map(move |(measure, value)| Sample {
                    device,
                    measure: *measure,
                    at_ms: r.at_ms,
                    value: *value,
                })
            })
            .collect();
        match series.write(&samples, &mut seq).and_then(|()| series.flush(mark)) {
            Ok(()) => {
                metrics.readings_stored.fetch_add(readings.len() as u64, Relaxed);
                for (device, r) in &readings {
                    if let Some(plan) = registry.1.get(device.as_str()).and_then(|d| plans.get(&d.place.to_lowercase()))
                    {
                        alerts.check(&app.store, plan, &r.values);
                    }
                    metrics.update(device, |s| {
                        s.last_seen_ms = now_ms;
                        s.battery_v = r.battery_v.or(s.battery_v);
                        s.rssi_dbm = r.rssi_dbm.or(s.rssi_dbm);
                    });
                }
            }
            Err(e) => {
                tracing::error!(error = %e, readings = readings.len(), "storing MQTT readings failed");
                metrics.dropped_readings.fetch_add(readings.len() as u64, Relaxed);
            }
        }
        journal.stored_up_to(mark);
    }
}

fn invalid(metrics: &Metrics, device: &str, why: &str) {
    tracing::warn!(device, reason = why, "invalid MQTT payload dropped");
    metrics.invalid_payloads.fetch_add(1, Relaxed);
    metrics.update(device, |s| s.invalid += 1);
}

/// Publishes the board state retained at start and after every change, on the
/// LAN topic and under each certificate-holding board's tenant prefix.
fn boards(app: &App, mqtt: &Mqtt) {
    let publish = |json: Vec<u8>| {
        let _ = mqtt.broker.publish_retained(Zone::Lan, BOARD_TOPIC, json.clone());
        for d in devices::list(&app.store).into_iter().filter(|d| d.kind == Kind::QueueBoard && !d.revoked) {
            let _ =
                mqtt.broker.publish_retained(Zone::Secure, &format!("/tenants/{}/{BOARD_TOPIC}", d.id), json.clone());
        }
    };
    let current = || serde_json::to_vec(&crate::queue::live::current_board(app)).unwrap_or_default();
    publish(current());
    let Some(mut events) = app.queue.subscribe() else {
        tracing::warn!("the queue's event stream is full; MQTT boards get the state only at start");
        return;
    };
    loop {
        match events.blocking_recv() {
            Ok(event) if event.starts_with(b"event: state\n") => publish(current()),
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => publish(current()),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// Drops raw readings past `raw_days` and roll-ups past `rollup_years`, at
/// start and every hour.
fn retention(app: &App) {
    let Ok(series) = Series::open(&app.store) else { return };
    loop {
        let now = chrono::Utc::now().timestamp_millis();
        let raw_before = now - i64::from(app.config.mqtt.raw_days) * DAY_MS;
        let rollup_before = now - i64::from(app.config.mqtt.rollup_years) * 366 * DAY_MS;
        match series.prune(raw_before, rollup_before) {
            Ok(0) => {}
            Ok(n) => tracing::info!(entries = n, "old readings pruned"),
            Err(e) => tracing::error!(error = %e, "pruning readings failed"),
        }
        std::thread::sleep(Duration::from_secs(3600));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flooding_device_is_limited_alone() {
        let mut l = Limits { per_minute: 60, buckets: HashMap::new() };
        let t = Instant::now();
        let flood = (0..600).filter(|_| l.allow("banjir", t)).count();
        assert_eq!(flood, 60, "the burst, then nothing");
        assert!(l.allow("tenang", t), "another device is untouched");
        assert!(l.allow("banjir", t + Duration::from_secs(2)), "tokens come back with time");
        let mut free = Limits { per_minute: 0, buckets: HashMap::new() };
        assert!((0..10_000).all(|_| free.allow("x", t)));
    }
}
