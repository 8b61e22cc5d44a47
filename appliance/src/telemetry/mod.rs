//! A domain: what devices send over MQTT. `model.rs` (the topic scheme and the
//! JSON payloads, checked; see docs/mqtt.md), `series.rs` (the time-series
//! store: raw readings for N days, hourly and daily min/avg/max for years,
//! retention, queries, CSV), `operations.rs` (the daemon's side of the broker:
//! authentication against the registry, storing before counting, rate limits,
//! the retained queue-board state), `metrics.rs` (counters, /metrics),
//! `routes.rs`.

pub mod journal;
pub mod metrics;
pub mod model;
pub mod operations;
pub mod routes;
pub mod series;
