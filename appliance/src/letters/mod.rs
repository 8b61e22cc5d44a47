//! Layanan surat: letter types and their versioned templates, requests from a
//! phone, a kiosk or the counter, numbering, the e-signed PDF and /verify.

pub mod api;
pub mod catalog;
pub mod model;
pub mod notify;
pub mod numbering;
pub mod operations;
pub mod pdf;
pub mod routes;
pub mod seal;
pub mod templates;
pub mod views;
