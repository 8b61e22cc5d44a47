//! Reading and saving the village profile.

use super::model::Profile;
use crate::config::Config;
use crate::reference::regions;
use crate::store::{Change, Durability, Store, StoreError};

pub fn profile(store: &Store) -> Profile {
    store.get::<Profile>("profile").ok().flatten().unwrap_or_default()
}

/// On first start the profile comes from the config: the name, and the
/// kecamatan/kabupaten/provinsi looked up from the Kemendagri code.
pub fn seed_from_config(store: &Store, config: &Config) -> Result<(), StoreError> {
    if store.get::<Profile>("profile")?.is_some() {
        return Ok(());
    }
    let mut p = Profile { name: config.village.name.clone(), code: config.village.code.clone(), ..Profile::default() };
    fill_region_names(&mut p);
    p.office_hours = "Senin–Jumat 08.00–15.00".into();
    store.commit("system", vec![Change::put(&p)?.with_detail("seeded from balai.toml")], Durability::Durable)?;
    Ok(())
}

pub fn fill_region_names(p: &mut Profile) {
    let code: String = p.code.chars().filter(char::is_ascii_digit).collect();
    if code.len() < 6 {
        return;
    }
    let r = regions();
    if let Some(k) = r.kecamatan(&code[..6]) {
        p.kecamatan = k.name.clone();
    }
    if let Some(k) = r.kabupaten(&code[..4]) {
        p.kabupaten = k.name.clone();
    }
    if let Some(k) = r.province(&code[..2]) {
        p.provinsi = k.name.clone();
    }
}

pub fn save(store: &Store, actor: &str, p: &Profile) -> Result<(), StoreError> {
    store.commit(actor, vec![Change::put(p)?.with_detail("village profile")], Durability::Durable)?;
    Ok(())
}
