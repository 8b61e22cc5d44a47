//! Ibu hamil (pregnant women): registration from the population register or
//! by hand, antenatal visits (K1–K6), risk flags, the expected delivery date
//! (HPL) by Naegele's rule, and the birth, which registers the newborn at a
//! posyandu with the mother's name and NIK. Thresholds and their sources are
//! in `docs/health.md`.

pub mod model;
pub mod operations;
pub mod routes;
