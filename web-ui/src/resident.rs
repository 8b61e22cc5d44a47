//! The resident record as the UI sees it: one `String` per field, named like
//! the OpenSID import columns, plus the table that says how each field is
//! grouped, labelled and entered. Shared by the form, the detail page and the
//! subject-access report.

/// How a field is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Digits only (NIK, No. KK): numeric keyboard on phones.
    Digits,
    /// A date, `YYYY-MM-DD` (HTML date input).
    Date,
    /// Several lines of text.
    Multiline,
    /// A coded value; the name of the [`CodeTables`] list with its options.
    Select(&'static str),
}

/// The display group of a field (a `<fieldset>` in the form, a section in the detail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Identitas.
    Identity,
    /// Kelahiran.
    Birth,
    /// Alamat.
    Address,
    /// Keluarga.
    Family,
    /// Orang tua.
    Parents,
    /// Lain-lain.
    Other,
}

impl Group {
    /// All groups in display order.
    pub const ALL: [Group; 6] =
        [Group::Identity, Group::Birth, Group::Address, Group::Family, Group::Parents, Group::Other];

    /// Catalog key of the group title.
    pub fn key(self) -> &'static str {
        match self {
            Group::Identity => "group.identity",
            Group::Birth => "group.birth",
            Group::Address => "group.address",
            Group::Family => "group.family",
            Group::Parents => "group.parents",
            Group::Other => "group.other",
        }
    }
}

/// One field of the resident record. Its label is `field.<name>` and its help
/// text `help.<name>` in the catalog.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// Form field name = OpenSID column name.
    pub name: &'static str,
    /// Display group.
    pub group: Group,
    /// Input kind.
    pub kind: FieldKind,
    /// Marked as required in the form.
    pub required: bool,
}

const fn f(name: &'static str, group: Group, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec { name, group, kind, required }
}

use FieldKind::{Date, Digits, Multiline, Select, Text};
use Group::{Address, Birth, Family, Identity, Other, Parents};

/// Every resident field in display order (the 43 OpenSID import columns).
pub const FIELDS: &[FieldSpec] = &[
    f("nik", Identity, Digits, true),
    f("nama", Identity, Text, true),
    f("sex", Identity, Select("sex"), true),
    f("agama_id", Identity, Select("agama"), true),
    f("warganegara_id", Identity, Select("warganegara"), false),
    f("suku", Identity, Text, false),
    f("golongan_darah_id", Identity, Select("golongan_darah"), false),
    f("pendidikan_kk_id", Identity, Select("pendidikan_kk"), false),
    f("pendidikan_sedang_id", Identity, Select("pendidikan_sedang"), false),
    f("pekerjaan_id", Identity, Select("pekerjaan"), false),
    f("status_kawin", Identity, Select("status_kawin"), false),
    f("status_dasar", Identity, Select("status_dasar"), false),
    f("ktp_el", Identity, Select("ktp_el"), false),
    f("status_rekam", Identity, Select("status_rekam"), false),
    f("tag_id_card", Identity, Text, false),
    f("tempatlahir", Birth, Text, true),
    f("tanggallahir", Birth, Date, true),
    f("akta_lahir", Birth, Text, false),
    f("alamat", Address, Multiline, false),
    f("dusun", Address, Select("dusun"), true),
    f("rw", Address, Text, false),
    f("rt", Address, Text, false),
    f("alamat_sekarang", Address, Multiline, false),
    f("lat", Address, Text, false),
    f("lng", Address, Text, false),
    f("no_kk", Family, Digits, true),
    f("kk_level", Family, Select("kk_level"), true),
    f("akta_perkawinan", Family, Text, false),
    f("tanggalperkawinan", Family, Date, false),
    f("akta_perceraian", Family, Text, false),
    f("tanggalperceraian", Family, Date, false),
    f("ayah_nik", Parents, Digits, false),
    f("nama_ayah", Parents, Text, false),
    f("ibu_nik", Parents, Digits, false),
    f("nama_ibu", Parents, Text, false),
    f("dokumen_pasport", Other, Text, false),
    f("tanggal_akhir_paspor", Other, Date, false),
    f("dokumen_kitas", Other, Text, false),
    f("cacat_id", Other, Select("cacat"), false),
    f("cara_kb_id", Other, Select("cara_kb"), false),
    f("hamil", Other, Select("hamil"), false),
    f("id_asuransi", Other, Select("asuransi"), false),
    f("no_asuransi", Other, Text, false),
];

macro_rules! resident_fields {
    ($($name:ident),* $(,)?) => {
        /// A resident's fields, one `String` each, named like the OpenSID
        /// import columns. In the form these hold the raw values (codes for
        /// coded fields, dates as `YYYY-MM-DD`); on the detail page and the
        /// subject-access report they hold display text (labels, formatted dates).
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct ResidentFields {
            $(
                #[allow(missing_docs)]
                pub $name: String,
            )*
        }

        impl ResidentFields {
            /// The value of field `name` (see [`FIELDS`]); empty for an unknown name.
            pub fn get(&self, name: &str) -> &str {
                match name {
                    $(stringify!($name) => &self.$name,)*
                    _ => "",
                }
            }

            /// Sets field `name`; returns false for an unknown name. Handy for
            /// filling the struct from a submitted form.
            pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
                match name {
                    $(stringify!($name) => { self.$name = value.into(); true })*
                    _ => false,
                }
            }
        }
    };
}

resident_fields!(
    nik,
    nama,
    sex,
    agama_id,
    warganegara_id,
    suku,
    golongan_darah_id,
    pendidikan_kk_id,
    pendidikan_sedang_id,
    pekerjaan_id,
    status_kawin,
    status_dasar,
    ktp_el,
    status_rekam,
    tag_id_card,
    tempatlahir,
    tanggallahir,
    akta_lahir,
    alamat,
    dusun,
    rw,
    rt,
    alamat_sekarang,
    lat,
    lng,
    no_kk,
    kk_level,
    akta_perkawinan,
    tanggalperkawinan,
    akta_perceraian,
    tanggalperceraian,
    ayah_nik,
    nama_ayah,
    ibu_nik,
    nama_ibu,
    dokumen_pasport,
    tanggal_akhir_paspor,
    dokumen_kitas,
    cacat_id,
    cara_kb_id,
    hamil,
    id_asuransi,
    no_asuransi,
);

/// Options `(code, label)` for the coded fields, supplied by the daemon from
/// the OpenSID code tables. An empty list turns the select into a text input.
#[derive(Clone, Debug, Default)]
pub struct CodeTables {
    #[allow(missing_docs)]
    pub sex: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub agama: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub warganegara: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub golongan_darah: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub pendidikan_kk: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub pendidikan_sedang: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub pekerjaan: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub status_kawin: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub status_dasar: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub ktp_el: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub status_rekam: Vec<(String, String)>,
    /// The village's dusun (code = label is fine).
    pub dusun: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub kk_level: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub cacat: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub cara_kb: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub hamil: Vec<(String, String)>,
    #[allow(missing_docs)]
    pub asuransi: Vec<(String, String)>,
}

impl CodeTables {
    /// The options of table `name` (as in [`FieldKind::Select`]).
    pub fn options(&self, name: &str) -> &[(String, String)] {
        match name {
            "sex" => &self.sex,
            "agama" => &self.agama,
            "warganegara" => &self.warganegara,
            "golongan_darah" => &self.golongan_darah,
            "pendidikan_kk" => &self.pendidikan_kk,
            "pendidikan_sedang" => &self.pendidikan_sedang,
            "pekerjaan" => &self.pekerjaan,
            "status_kawin" => &self.status_kawin,
            "status_dasar" => &self.status_dasar,
            "ktp_el" => &self.ktp_el,
            "status_rekam" => &self.status_rekam,
            "dusun" => &self.dusun,
            "kk_level" => &self.kk_level,
            "cacat" => &self.cacat,
            "cara_kb" => &self.cara_kb,
            "hamil" => &self.hamil,
            "asuransi" => &self.asuransi,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_field_exists_in_struct() {
        let mut r = ResidentFields::default();
        assert_eq!(FIELDS.len(), 43);
        for spec in FIELDS {
            assert!(r.set(spec.name, "x"), "unknown field {}", spec.name);
            assert_eq!(r.get(spec.name), "x");
        }
        assert!(!r.set("nope", "x"));
    }

    #[test]
    fn every_select_has_a_table() {
        let names = [
            "sex",
            "agama",
            "warganegara",
            "golongan_darah",
            "pendidikan_kk",
            "pendidikan_sedang",
            "pekerjaan",
            "status_kawin",
            "status_dasar",
            "ktp_el",
            "status_rekam",
            "dusun",
            "kk_level",
            "cacat",
            "cara_kb",
            "hamil",
            "asuransi",
        ];
        for spec in FIELDS {
            if let FieldKind::Select(table) = spec.kind {
                assert!(names.contains(&table), "no table {table}");
            }
        }
    }
}
