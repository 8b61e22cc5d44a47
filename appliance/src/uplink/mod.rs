//! Uplink bundles for officials (see docs/uplink.md): signed, de-identified
//! figures plus the named records each recipient is entitled to, incremental
//! from its last acknowledged change-log sequence; and the official's side,
//! which checks and merges bundles from many villages.

pub mod aggregates;
pub mod bundle;
pub mod import;
pub mod model;
pub mod operations;
pub mod sender;
#[cfg(test)]
mod tests;
