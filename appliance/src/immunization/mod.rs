//! Imunisasi: the Kemenkes routine schedule (`schedule.rs`, embedded from
//! `appliance/data/health/imunisasi.csv`), one record per dose a child was
//! given, the due and overdue lists for a post's next opening day, SMS
//! reminders to parents through the outbox, and coverage per antigen per
//! month (`operations::coverage`, a plain function the uplink export can call).

pub mod model;
pub mod operations;
pub mod routes;
pub mod schedule;
