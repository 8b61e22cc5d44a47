//! The registry's rules: adding, rotating and revoking credentials, and the
//! check the broker runs at every CONNECT. The only writer of devices.

use super::model::{Device, Kind, PlaceKind, check_id, check_place};
use crate::store::{Change, Durability, Store, StoreError};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("{field}: {key}")]
    Invalid { field: &'static str, key: &'static str },
    #[error("device {0} is already registered")]
    Exists(String),
    #[error("no device {0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<(&'static str, &'static str)> for DeviceError {
    fn from((field, key): (&'static str, &'static str)) -> Self {
        DeviceError::Invalid { field, key }
    }
}

/// A new or rotated credential, shown once.
pub struct Issued {
    pub device: Device,
    pub secret: String,
}

fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn get(store: &Store, id: &str) -> Option<Device> {
    store.get::<Device>(id).ok().flatten()
}

pub fn list(store: &Store) -> Vec<Device> {
    store.scan::<Device>().filter_map(Result::ok).collect()
}

pub fn in_place(store: &Store, place: &str) -> Vec<Device> {
    store.find_by::<Device>("place", &place.to_lowercase()).unwrap_or_default()
}

pub fn add(
    store: &Store,
    actor: &str,
    id: &str,
    kind: Kind,
    place_kind: PlaceKind,
    place: &str,
) -> Result<Issued, DeviceError> {
    check_id(id)?;
    check_place(place)?;
    if get(store, id).is_some() {
        return Err(DeviceError::Exists(id.into()));
    }
    let secret = new_secret();
    let device = Device {
        id: id.into(),
        kind,
        place_kind,
        place: place.trim().into(),
        secret_sha256: sha256_hex(&secret),
        credential_version: 1,
        revoked: false,
        created: chrono::Utc::now().to_rfc3339(),
    };
    store.commit(
        actor,
        vec![Change::put(&device)?.with_detail(format!("device added ({})", kind.code()))],
        Durability::Durable,
    )?;
    Ok(Issued { device, secret })
}

/// A new secret; the old one stops working at once (the caller drops the
/// device's connection). Rotating a revoked device brings it back.
pub fn rotate(store: &Store, actor: &str, id: &str) -> Result<Issued, DeviceError> {
    let mut device = get(store, id).ok_or_else(|| DeviceError::NotFound(id.into()))?;
    let secret = new_secret();
    device.secret_sha256 = sha256_hex(&secret);
    device.credential_version += 1;
    device.revoked = false;
    store.commit(actor, vec![Change::put(&device)?.with_detail("credential rotated")], Durability::Durable)?;
    Ok(Issued { device, secret })
}

pub fn revoke(store: &Store, actor: &str, id: &str) -> Result<Device, DeviceError> {
    let mut device = get(store, id).ok_or_else(|| DeviceError::NotFound(id.into()))?;
    device.revoked = true;
    store.commit(actor, vec![Change::put(&device)?.with_detail("credential revoked")], Durability::Durable)?;
    Ok(device)
}

/// The broker's CONNECT check. The client id and the user name must both be
/// the device id, so the router's client id names the device (and a second
/// connection under it replaces the first). Kiosks carry personal data and are
/// refused outside the certificate listener.
pub fn authenticate(store: &Store, secure: bool, client_id: &str, username: &str, password: &str) -> bool {
    if client_id != username {
        return false;
    }
    let Some(device) = get(store, username) else { return false };
    if device.revoked || (device.kind.personal_data() && !secure) {
        return false;
    }
    constant_time_eq(sha256_hex(password).as_bytes(), device.secret_sha256.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn credential_works_until_rotated_or_revoked() {
        let (_d, s) = store();
        let issued = add(&s, "admin", "sawah01", Kind::SoilSensor, PlaceKind::Field, "Sawah Blok A").unwrap();
        assert!(!issued.device.secret_sha256.contains(&issued.secret), "only the hash is kept");
        assert!(authenticate(&s, false, "sawah01", "sawah01", &issued.secret));
        assert!(!authenticate(&s, false, "other", "sawah01", &issued.secret), "client id must be the device");
        assert!(!authenticate(&s, false, "sawah01", "sawah01", "wrong"));
        let rotated = rotate(&s, "admin", "sawah01").unwrap();
        assert!(!authenticate(&s, false, "sawah01", "sawah01", &issued.secret), "old secret refused");
        assert!(authenticate(&s, false, "sawah01", "sawah01", &rotated.secret));
        revoke(&s, "admin", "sawah01").unwrap();
        assert!(!authenticate(&s, false, "sawah01", "sawah01", &rotated.secret));
        assert!(matches!(
            add(&s, "admin", "sawah01", Kind::SoilSensor, PlaceKind::Field, "x"),
            Err(DeviceError::Exists(_))
        ));
    }

    #[test]
    fn kiosks_only_on_the_certificate_listener() {
        let (_d, s) = store();
        let issued = add(&s, "admin", "kios1", Kind::HealthKiosk, PlaceKind::Office, "Balai desa").unwrap();
        assert!(!authenticate(&s, false, "kios1", "kios1", &issued.secret));
        assert!(authenticate(&s, true, "kios1", "kios1", &issued.secret));
    }
}
