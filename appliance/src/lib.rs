//! Balai, the village office in a box: the daemon and its CLI as a library, so the
//! thin `main.rs` and the unit tests share one code path.
//!
//! Ground state lives in `store` (records + hash-chained change log); everything
//! else (search index, audit view, statistics) is derived from it.

pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod devices;
pub mod farming;
pub mod figures;
pub mod files;
pub mod health_record;
pub mod http;
pub mod immunization;
pub mod letters;
pub mod maternal;
pub mod outbox;
pub mod posyandu;
pub mod queue;
pub mod reference;
pub mod residents;
pub mod run;
pub mod search;
pub mod store;
pub mod telemedicine;
pub mod telemetry;
pub mod uplink;
pub mod village;
