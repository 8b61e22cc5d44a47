//! Maps register records to the UI's props and form fields back to input. The
//! form uses OpenSID's column names, so one vocabulary serves the form, the
//! import and the export.

use super::codes::Table;
use super::export;
use super::import::COLUMNS;
use super::model::{Family, Resident, ResidentInput};
use crate::auth::model::{Identity, Role};
use balai_ui::{CodeTables, Lang, ResidentFields, ResidentRow, mask_nik, t};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// Roles that see a NIK in full; others see it masked.
pub fn sees_full_nik(identity: Option<&Identity>) -> bool {
    identity.is_some_and(|i| matches!(i.role, Role::Admin | Role::Operator | Role::KepalaDesa))
}

pub fn age(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

pub fn label(table: Table, code: u8, lang: Lang) -> String {
    let text = match lang {
        Lang::En => table.label_en(code),
        Lang::Id => table.label(code),
    };
    text.unwrap_or("").to_string()
}

pub fn row(r: &Resident, kk: &str, lang: Lang, full_nik: bool) -> ResidentRow {
    ResidentRow {
        id: r.id.clone(),
        nik: if full_nik { r.nik.clone() } else { mask_nik(&r.nik) },
        name: r.name.clone(),
        sex_label: label(Table::Sex, r.sex, lang),
        age: age(r.birth_date, super::model::today()).to_string(),
        dusun: r.dusun.clone(),
        rt: r.rt.clone(),
        rw: r.rw.clone(),
        family_id: r.family_id.clone(),
        no_kk: kk.to_string(),
        status_label: label(Table::StatusDasar, r.status, lang),
    }
}

/// The 43 columns as stored (codes, dd-mm-YYYY dates), for the edit form.
pub fn form_fields(r: &Resident, kk: &str) -> ResidentFields {
    let mut map = HashMap::new();
    if let Some(f) = &r.family_id {
        map.insert(f.as_str(), kk);
    }
    let values = export::row(r, &map);
    let mut fields = ResidentFields::default();
    for (col, value) in COLUMNS.iter().zip(values) {
        fields.set(col, value);
    }
    fields
}

/// The same columns with codes turned into words, for reading.
pub fn display_fields(r: &Resident, kk: &str, lang: Lang, full_nik: bool) -> ResidentFields {
    let mut fields = form_fields(r, kk);
    for col in COLUMNS {
        if let Some(table) = Table::for_column(col) {
            let code = fields.get(col).parse::<u8>().ok();
            if let Some(code) = code {
                fields.set(col, label(table, code, lang));
            }
        }
    }
    if !full_nik {
        for col in ["nik", "ayah_nik", "ibu_nik"] {
            let masked = mask_nik(fields.get(col));
            fields.set(col, masked);
        }
    }
    fields
}

/// A posted form (OpenSID column names) as validation input.
pub fn input_from_form(form: &HashMap<String, String>) -> ResidentInput {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let ack = if form.get("ack_warnings").is_some() { get("ack_reason") } else { String::new() };
    ResidentInput {
        nik: get("nik"),
        name: get("nama"),
        birth_place: get("tempatlahir"),
        birth_date: get("tanggallahir"),
        sex: get("sex"),
        religion: get("agama_id"),
        education: get("pendidikan_kk_id"),
        education_current: get("pendidikan_sedang_id"),
        occupation: get("pekerjaan_id"),
        marital_status: get("status_kawin"),
        blood_type: get("golongan_darah_id"),
        citizenship: get("warganegara_id"),
        family_id: get("family_id"),
        no_kk: get("no_kk"),
        family_relation: get("kk_level"),
        dusun: get("dusun"),
        rw: get("rw"),
        rt: get("rt"),
        address: get("alamat"),
        father_nik: get("ayah_nik"),
        father_name: get("nama_ayah"),
        mother_nik: get("ibu_nik"),
        mother_name: get("nama_ibu"),
        phone: get("telepon"),
        status: get("status_dasar"),
        nik_warning_ack: ack,
    }
}

pub fn fields_from_form(form: &HashMap<String, String>) -> ResidentFields {
    let mut fields = ResidentFields::default();
    for (k, v) in form {
        fields.set(k, v.clone());
    }
    fields
}

fn options(table: Table, lang: Lang) -> Vec<(String, String)> {
    table.entries().iter().map(|c| (c.code.to_string(), label(table, c.code, lang))).collect()
}

pub fn code_tables(lang: Lang, dusun: &[String]) -> CodeTables {
    CodeTables {
        sex: options(Table::Sex, lang),
        agama: options(Table::Agama, lang),
        warganegara: options(Table::Warganegara, lang),
        golongan_darah: options(Table::GolonganDarah, lang),
        pendidikan_kk: options(Table::PendidikanKk, lang),
        pendidikan_sedang: options(Table::PendidikanSedang, lang),
        pekerjaan: options(Table::Pekerjaan, lang),
        status_kawin: options(Table::StatusKawin, lang),
        status_dasar: options(Table::StatusDasar, lang),
        ktp_el: options(Table::KtpEl, lang),
        status_rekam: options(Table::StatusRekam, lang),
        dusun: dusun.iter().map(|d| (d.clone(), d.clone())).collect(),
        kk_level: options(Table::KkLevel, lang),
        cacat: options(Table::Cacat, lang),
        cara_kb: options(Table::CaraKb, lang),
        hamil: options(Table::Hamil, lang),
        asuransi: options(Table::IdAsuransi, lang),
    }
}

pub fn kk_of(family: Option<&Family>) -> String {
    family.map(|f| f.kk_number.clone()).unwrap_or_default()
}

pub fn message(lang: Lang, key: &str, detail: &str) -> String {
    let text = balai_ui::tf(lang, key, &[("detail", detail)]);
    if text == key { format!("{} ({detail})", t(lang, "error.other")) } else { text }
}
