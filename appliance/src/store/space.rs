//! Key-value spaces outside the record tables and the change log, for bulk
//! measurements (MQTT readings): tens of thousands a second cannot each be a
//! hash-chained log entry, and a sensor's reading is not an office decision
//! the audit trail must prove. Keys sort bytewise, so big-endian numbers in a
//! key give time order. Writes are batched; [`Space::flush`] makes them durable.

use super::{Store, StoreError};

pub struct Space {
    tree: sled::Tree,
    db: sled::Db,
}

/// Puts and removes applied together, all or nothing.
#[derive(Default)]
pub struct SpaceBatch {
    batch: sled::Batch,
    len: usize,
}

impl SpaceBatch {
    pub fn put(&mut self, key: &[u8], value: &[u8]) {
        self.batch.insert(key, value);
        self.len += 1;
    }

    pub fn remove(&mut self, key: &[u8]) {
        self.batch.remove(key);
        self.len += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Store {
    /// Opens (or creates) the space `name`. Names start with `space_` so they
    /// never meet the record trees.
    pub fn space(&self, name: &str) -> Result<Space, StoreError> {
        Ok(Space { tree: self.db.open_tree(format!("space_{name}"))?, db: self.db.clone() })
    }
}

impl Space {
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
    }

    pub fn apply(&self, batch: SpaceBatch) -> Result<(), StoreError> {
        self.tree.apply_batch(batch.batch)?;
        Ok(())
    }

    /// Makes every write so far durable (the whole database, one fsync).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Entries with `from <= key < to`, in key order.
    pub fn range(&self, from: &[u8], to: &[u8]) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_ {
        self.tree
            .range(from.to_vec()..to.to_vec())
            .map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(StoreError::from))
    }

    pub fn scan_prefix(&self, prefix: &[u8]) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_ {
        self.tree.scan_prefix(prefix).map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(StoreError::from))
    }

    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }
}
