//! Reference data shipped inside the binary: the Kemendagri region codes
//! (kode wilayah: provinsi, kabupaten/kota, kecamatan) used to check NIK and
//! No. KK prefixes and to name the village's place in the country.
//!
//! The CSVs in `appliance/data/wilayah/` are embedded with `include_str!` and
//! parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

const PROVINSI_CSV: &str = include_str!("../../data/wilayah/provinsi.csv");
const KABUPATEN_CSV: &str = include_str!("../../data/wilayah/kabupaten_kota.csv");
const KECAMATAN_CSV: &str = include_str!("../../data/wilayah/kecamatan.csv");

/// A province (provinsi), 2-digit code.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Province {
    pub code: String,
    pub name: String,
}

/// A regency (kabupaten, code 01–69) or city (kota, 71–99), 4-digit code.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Kabupaten {
    pub code: String,
    pub province: String,
    /// true for a kota (city), false for a kabupaten.
    pub is_kota: bool,
    pub name: String,
}

/// A district (kecamatan), 6-digit code.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Kecamatan {
    pub code: String,
    pub kabupaten: String,
    pub name: String,
}

/// Lookup maps of the region codes, keyed by undotted code ("3171", "317101").
#[derive(Debug, Default)]
pub struct Regions {
    provinces: HashMap<String, Province>,
    kabupaten: HashMap<String, Kabupaten>,
    kecamatan: HashMap<String, Kecamatan>,
}

/// The embedded Kemendagri region list, parsed on first call.
pub fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(|| Regions::parse(PROVINSI_CSV, KABUPATEN_CSV, KECAMATAN_CSV))
}

/// Remove dots and surrounding spaces: "31.71.01" → "317101".
pub fn undotted(code: &str) -> String {
    code.trim().chars().filter(|c| *c != '.').collect()
}

/// Add dots to an undotted code: "317101" → "31.71.01" (other lengths unchanged).
pub fn dotted(code: &str) -> String {
    let c = undotted(code);
    if !c.is_ascii() {
        return c;
    }
    match c.len() {
        4 => format!("{}.{}", &c[..2], &c[2..]),
        6 => format!("{}.{}.{}", &c[..2], &c[2..4], &c[4..]),
        10 => format!("{}.{}.{}.{}", &c[..2], &c[2..4], &c[4..6], &c[6..]),
        _ => c,
    }
}

impl Regions {
    /// Parse the three CSVs (header row first). Malformed rows are skipped: the
    /// data is embedded and checked by the tests, so this cannot fail at run time.
    pub fn parse(provinsi: &str, kabupaten: &str, kecamatan: &str) -> Regions {
        let mut r = Regions::default();
        for row in records(provinsi) {
            if let [code, name, ..] = row.as_slice() {
                let code = undotted(code);
                let name = name.clone();
                r.provinces.insert(code.clone(), Province { code, name });
            }
        }
        for row in records(kabupaten) {
            if let [code, _, province, kind, name, ..] = row.as_slice() {
                let kab = Kabupaten {
                    code: undotted(code),
                    province: undotted(province),
                    is_kota: kind == "kota",
                    name: name.clone(),
                };
                r.kabupaten.insert(kab.code.clone(), kab);
            }
        }
        for row in records(kecamatan) {
            if let [code, _, kab, name, ..] = row.as_slice() {
                let kec = Kecamatan { code: undotted(code), kabupaten: undotted(kab), name: name.clone() };
                r.kecamatan.insert(kec.code.clone(), kec);
            }
        }
        r
    }

    /// Province by code ("31" or "31.").
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.provinces.get(&undotted(code))
    }

    /// Kabupaten/kota by code ("3171" or "31.71").
    pub fn kabupaten(&self, code: &str) -> Option<&Kabupaten> {
        self.kabupaten.get(&undotted(code))
    }

    /// Kecamatan by code ("317101" or "31.71.01").
    pub fn kecamatan(&self, code: &str) -> Option<&Kecamatan> {
        self.kecamatan.get(&undotted(code))
    }

    /// The deepest level of a 6-digit prefix that is unknown, if any:
    /// `Some(Level::Province)` when the first 2 digits are unknown, and so on.
    pub fn unknown_level(&self, code6: &str) -> Option<Level> {
        let c = undotted(code6);
        let prefix = |n: usize| c.get(..n).unwrap_or("");
        if self.province(prefix(2)).is_none() {
            Some(Level::Province)
        } else if self.kabupaten(prefix(4)).is_none() {
            Some(Level::Kabupaten)
        } else if self.kecamatan(prefix(6)).is_none() || c.len() != 6 {
            Some(Level::Kecamatan)
        } else {
            None
        }
    }

    /// "Kecamatan, Kabupaten, Provinsi" names for a 6-digit code, as far as known.
    pub fn describe(&self, code6: &str) -> String {
        let c = undotted(code6);
        let mut names = Vec::new();
        if let Some(k) = c.get(..6).and_then(|p| self.kecamatan(p)) {
            names.push(k.name.as_str());
        }
        if let Some(k) = c.get(..4).and_then(|p| self.kabupaten(p)) {
            names.push(k.name.as_str());
        }
        if let Some(p) = c.get(..2).and_then(|p| self.province(p)) {
            names.push(p.name.as_str());
        }
        names.join(", ")
    }

    /// All provinces, sorted by code.
    pub fn provinces(&self) -> Vec<&Province> {
        let mut v: Vec<_> = self.provinces.values().collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// The kabupaten/kota of a province, sorted by code.
    pub fn kabupaten_in(&self, province: &str) -> Vec<&Kabupaten> {
        let p = undotted(province);
        let mut v: Vec<_> = self.kabupaten.values().filter(|k| k.province == p).collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// The kecamatan of a kabupaten/kota, sorted by code.
    pub fn kecamatan_in(&self, kabupaten: &str) -> Vec<&Kecamatan> {
        let k = undotted(kabupaten);
        let mut v: Vec<_> = self.kecamatan.values().filter(|c| c.kabupaten == k).collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// Counts of (provinces, kabupaten/kota, kecamatan).
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.provinces.len(), self.kabupaten.len(), self.kecamatan.len())
    }
}

/// A level of the region hierarchy.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Province,
    Kabupaten,
    Kecamatan,
}

fn records(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .into_records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(|s| s.trim().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_counts_match_readme() {
        assert_eq!(regions().counts(), (38, 514, 7285));
    }

    #[test]
    fn lookup_dotted_and_undotted() {
        let r = regions();
        assert_eq!(r.province("31").map(|p| p.code.as_str()), Some("31"));
        assert_eq!(r.kabupaten("11.01"), r.kabupaten("1101"));
        let kec = r.kecamatan("11.01.01").expect("kecamatan 11.01.01");
        assert_eq!(kec.name, "Bakongan");
        assert_eq!(kec.kabupaten, "1101");
        assert!(r.kabupaten("3171").is_some_and(|k| k.is_kota));
    }

    #[test]
    fn unknown_levels() {
        let r = regions();
        assert_eq!(r.unknown_level("997101"), Some(Level::Province));
        assert_eq!(r.unknown_level("316801"), Some(Level::Kabupaten));
        assert_eq!(r.unknown_level("110199"), Some(Level::Kecamatan));
        assert_eq!(r.unknown_level("110101"), None);
        assert_eq!(r.unknown_level(""), Some(Level::Province));
        assert_eq!(r.unknown_level("ÿÿÿ"), Some(Level::Province));
    }

    #[test]
    fn dots() {
        assert_eq!(dotted("317101"), "31.71.01");
        assert_eq!(dotted("3171"), "31.71");
        assert_eq!(undotted(" 31.71.01 "), "317101");
        assert_eq!(dotted("ÿÿÿ"), "ÿÿÿ");
    }

    #[test]
    fn describe_names() {
        let d = regions().describe("110101");
        assert!(d.starts_with("Bakongan, Kabupaten Aceh Selatan, Aceh"), "{d}");
    }
}
