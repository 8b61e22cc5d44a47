//! A domain: the device registry. Sensors, weather stations, health kiosks and
//! queue boards that talk MQTT to the box: each has a kind, a place, a
//! credential (stored hashed; rotated or revoked) and, for the TLS listener, a
//! client certificate from the box's CA naming it. `model.rs` (types,
//! validation), `operations.rs` (the rules; the only writer), `certs.rs` (client
//! certificates), `routes.rs` (the office pages).

pub mod certs;
pub mod model;
pub mod operations;
pub mod routes;
