//! The village profile record: one per box.

use crate::store::Record;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Profile {
    pub name: String,
    /// Kemendagri code, 10 digits.
    pub code: String,
    pub kecamatan: String,
    pub kabupaten: String,
    pub provinsi: String,
    pub address: String,
    pub kepala_desa: String,
    pub office_hours: String,
    pub phone: String,
    pub email: String,
    /// Petugas pelindungan data (UU PDP 27/2022), named on the public page.
    pub dpo_name: String,
    pub dpo_contact: String,
}

impl Record for Profile {
    const TABLE: &'static str = "village";
    fn id(&self) -> &str {
        "profile"
    }
}

/// Form fields, in the order the settings page shows them.
pub const FIELDS: &[&str] = &[
    "name",
    "code",
    "kecamatan",
    "kabupaten",
    "provinsi",
    "address",
    "kepala_desa",
    "office_hours",
    "phone",
    "email",
    "dpo_name",
    "dpo_contact",
];

impl Profile {
    pub fn set(&mut self, field: &str, value: String) {
        let v = value.trim().chars().take(200).collect::<String>();
        match field {
            "name" => self.name = v,
            "code" => self.code = v,
            "kecamatan" => self.kecamatan = v,
            "kabupaten" => self.kabupaten = v,
            "provinsi" => self.provinsi = v,
            "address" => self.address = v,
            "kepala_desa" => self.kepala_desa = v,
            "office_hours" => self.office_hours = v,
            "phone" => self.phone = v,
            "email" => self.email = v,
            "dpo_name" => self.dpo_name = v,
            "dpo_contact" => self.dpo_contact = v,
            _ => {}
        }
    }

    /// (field, catalog key) of each problem; empty when the profile is valid.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.name.is_empty() {
            out.push(("name", "village.name.required"));
        }
        let digits = self.code.chars().filter(char::is_ascii_digit).count();
        if !self.code.is_empty() && (digits != 10 || self.code.chars().any(|c| !c.is_ascii_digit() && c != '.')) {
            out.push(("code", "village.code.format"));
        }
        if self.dpo_name.is_empty() {
            out.push(("dpo_name", "village.dpo.required"));
        }
        out
    }

    pub fn to_view(&self) -> balai_ui::VillageProfile {
        balai_ui::VillageProfile {
            name: self.name.clone(),
            kecamatan: self.kecamatan.clone(),
            kabupaten: self.kabupaten.clone(),
            provinsi: self.provinsi.clone(),
            address: self.address.clone(),
            kepala_desa: self.kepala_desa.clone(),
            office_hours: self.office_hours.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            dpo_name: self.dpo_name.clone(),
            dpo_contact: self.dpo_contact.clone(),
        }
    }
}
