//! Kependudukan (population register): residents (penduduk) and families (keluarga,
//! identified by a stable id; the No. KK is a versioned attribute).
//!
//! model (types, validation) · operations (the rules, the only writer) · routes
//! (HTML pages) · api (JSON) · plus the OpenSID import/export and demo data.

pub mod api;
pub mod codes;
pub mod demo;
pub mod export;
pub mod import;
pub mod model;
pub mod nik;
pub mod operations;
pub mod routes;
pub mod stats;
pub mod upload;
pub mod views;
