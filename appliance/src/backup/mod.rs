//! Encrypted backups (a zip inside an age stream) of the whole data dir: the
//! store, photos and keys. Made on demand (`balai backup create`, the admin
//! button), daily, and onto a USB stick when one is plugged in; checked and
//! restored with the village's backup key (see docs/backup.md).

pub mod archive;
pub mod key;
pub mod model;
pub mod operations;
pub mod routes;
#[cfg(test)]
mod tests;
pub mod worker;
