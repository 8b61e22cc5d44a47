//! A domain: smart farming (pertanian). Each field (sawah, ladang, kebun) a
//! sensor is placed in may have a plan: its crop, who gets alerts, and the
//! water level that means flood. `advice.rs` (the documented irrigation rule
//! set), `model.rs`, `operations.rs` (plans; alerts through the outbox), `routes.rs` (the
//! /pertanian page).

pub mod advice;
pub mod model;
pub mod operations;
pub mod routes;
