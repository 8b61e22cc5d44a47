//! The resident's health record: one timeline per person (a resident, a
//! child at a posyandu, or a pregnant woman not yet in the register) built
//! from a list of sources, one plain function per domain (`operations::SOURCES`).
//! Every view is written to the audit trail before anything is shown.
//! `ui.rs` holds what the health domains' pages share.

pub mod model;
pub mod operations;
pub mod routes;
pub mod ui;
