//! The letter types a village starts with, shipped as data
//! (`appliance/data/letters/types.toml`) and copied into the store on first
//! start; from then on the admin owns them.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ShippedType {
    pub code: String,
    pub name: String,
    pub kka: String,
    pub self_service: bool,
    pub rt_rw_approval: bool,
    pub requirements: String,
    pub fields: String,
    pub body: String,
}

#[derive(Deserialize)]
struct File {
    #[serde(rename = "type")]
    types: Vec<ShippedType>,
}

const TYPES: &str = include_str!("../../data/letters/types.toml");

pub fn shipped() -> Vec<ShippedType> {
    toml::from_str::<File>(TYPES).expect("the shipped letter types parse (tested)").types
}
