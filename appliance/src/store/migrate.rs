//! Schema versions. Each migration moves the data one version forward inside the
//! store; a data dir from a newer Balai is refused rather than misread.

use super::{Store, StoreError};

/// The version this program writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Copy)]
pub struct Migration {
    /// The version the data is at after this step.
    pub to: u32,
    pub name: &'static str,
    pub run: fn(&Store) -> Result<(), StoreError>,
}

/// Version 1 is the first layout; later steps append here.
pub const MIGRATIONS: &[Migration] = &[Migration { to: 1, name: "initial layout", run: |_| Ok(()) }];

const KEY: &str = "schema_version";

pub(super) fn current(store: &Store) -> Result<u32, StoreError> {
    Ok(match store.meta.get(KEY)? {
        Some(v) => v.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(0),
        None => 0,
    })
}

pub(super) fn run(store: &Store, migrations: &[Migration]) -> Result<(), StoreError> {
    let known = migrations.last().map(|m| m.to).unwrap_or(0);
    let version = current(store)?;
    if version > known {
        return Err(StoreError::TooNew { found: version, known });
    }
    for m in migrations.iter().filter(|m| m.to > version) {
        tracing::info!(to = m.to, name = m.name, "migrating store");
        (m.run)(store)?;
        store.meta.insert(KEY, &m.to.to_be_bytes())?;
        store.db.flush()?;
    }
    Ok(())
}

impl Store {
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        current(self)
    }
}
