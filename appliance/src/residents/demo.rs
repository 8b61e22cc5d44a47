//! A synthetic but plausible Indonesian village (desa) for demos, tests and
//! benchmarks: families with consistent ages and relations, names in Javanese,
//! Sundanese, Malay, Bugis, Batak and Balinese patterns, a rural-Java religion and
//! occupation mix, and NIK / No. KK numbers that decode to each person's birth
//! date, sex and the village's kecamatan. Deterministic for a seed.
//!
//! Ids are assigned here, deterministically: families "f-000001", residents
//! "p-000001", in generation order.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};

use super::model::{Family, Resident};
use crate::reference::regions;

/// Kecamatan Cawas, Kabupaten Klaten (Central Java): a rural default.
pub const DEFAULT_KECAMATAN: &str = "331005";

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    pub families: usize,
    /// The village's kecamatan (6 digits): NIK and No. KK prefix.
    pub kecamatan: String,
    /// The day ages are counted to (fixed, so output does not change with the clock).
    pub today: NaiveDate,
}

impl DemoConfig {
    pub fn new(seed: u64, families: usize) -> Self {
        DemoConfig {
            seed,
            families,
            kecamatan: DEFAULT_KECAMATAN.to_string(),
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }
}

/// `families` families (≈3.3 residents each) with the default kecamatan.
pub fn generate(seed: u64, families: usize) -> (Vec<Family>, Vec<Resident>) {
    generate_with(&DemoConfig::new(seed, families))
}

/// Generate a village as configured.
pub fn generate_with(cfg: &DemoConfig) -> (Vec<Family>, Vec<Resident>) {
    let mut v = Village::new(cfg);
    for _ in 0..cfg.families {
        v.family();
    }
    (v.families, v.residents)
}

/// SplitMix64: tiny, fast and stable across crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// Pick by weight from (value, weight) pairs.
    fn weighted<T: Copy>(&mut self, xs: &[(T, u64)]) -> T {
        let total: u64 = xs.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (x, w) in xs {
            if r < *w {
                return *x;
            }
            r -= w;
        }
        xs[0].0
    }
}

/// Naming tradition (and default religion) of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Jawa,
    Sunda,
    Melayu,
    Bugis,
    Batak,
    Bali,
}

const GROUPS: &[(Group, u64)] = &[
    (Group::Jawa, 58),
    (Group::Sunda, 16),
    (Group::Melayu, 8),
    (Group::Bugis, 5),
    (Group::Batak, 7),
    (Group::Bali, 6),
];

const JAWA_M: &[&str] = &[
    "Slamet", "Budi", "Agus", "Joko", "Sutrisno", "Suparman", "Bambang", "Heru", "Eko", "Wahyu", "Teguh", "Sugeng",
    "Purnomo", "Hadi", "Ahmad", "Muhammad", "Abdul", "Sukardi", "Paimin", "Tukiman", "Suyanto", "Darmaji", "Mulyono",
    "Subagyo",
];
const JAWA_F: &[&str] = &[
    "Siti", "Sri", "Endang", "Sumiati", "Suharti", "Wartini", "Sulastri", "Ratna", "Dewi", "Tri", "Yuni", "Nur",
    "Puji", "Wulan", "Ngatini", "Painem", "Sukinah", "Tumini", "Rubiyem", "Suparmi",
];
const JAWA_M2: &[&str] = &[
    "Santoso",
    "Wibowo",
    "Setiawan",
    "Prasetyo",
    "Nugroho",
    "Saputra",
    "Hidayat",
    "Susanto",
    "Kurniawan",
    "Hartono",
    "Wijaya",
    "Riyanto",
    "Supriyadi",
    "Haryanto",
];
const JAWA_F2: &[&str] = &[
    "Rahayu",
    "Lestari",
    "Wahyuni",
    "Handayani",
    "Susanti",
    "Utami",
    "Puspitasari",
    "Aminah",
    "Maryam",
    "Kurniasih",
    "Wulandari",
    "Pratiwi",
    "Ningsih",
    "Astuti",
];
const MODERN_M: &[&str] = &[
    "Rizky", "Fajar", "Dimas", "Aditya", "Bayu", "Arif", "Ilham", "Reza", "Galih", "Yusuf", "Rafi", "Akbar", "Farhan",
    "Alif",
];
const MODERN_F: &[&str] = &[
    "Nabila",
    "Aulia",
    "Putri",
    "Salsabila",
    "Anisa",
    "Dinda",
    "Zahra",
    "Amelia",
    "Nadia",
    "Aisyah",
    "Keisha",
    "Naura",
    "Safira",
];
const CHRISTIAN_M: &[&str] = &["Yohanes", "Paulus", "Stefanus", "Antonius", "Yosef", "Markus"];
const CHRISTIAN_F: &[&str] = &["Maria", "Theresia", "Agnes", "Yuliana", "Veronika", "Elisabeth"];
const SUNDA_M: &[&str] = &[
    "Asep", "Ujang", "Dede", "Cecep", "Yayan", "Dadang", "Ade", "Acep", "Deden", "Iwan", "Encep", "Jajang", "Endang",
    "Aep",
];
const SUNDA_F: &[&str] =
    &["Euis", "Neng", "Iis", "Imas", "Enok", "Yati", "Cucu", "Nining", "Lilis", "Tati", "Eneng", "Nenden", "Yeyen"];
const SUNDA_M2: &[&str] = &["Sunarya", "Hidayat", "Saepudin", "Supriatna", "Kurnia", "Permana", "Suherman", "Rohman"];
const SUNDA_F2: &[&str] = &["Rohaeni", "Nurhayati", "Komalasari", "Rosita", "Kurniasih", "Rahayu"];
const MELAYU_M: &[&str] = &[
    "Zulkifli", "Azhar", "Syahrul", "Hasan", "Rahmat", "Fauzi", "Ismail", "Khairul", "Syamsul", "Harun", "Hamdan",
    "Zainal",
];
const MELAYU_F: &[&str] = &[
    "Nurhayati",
    "Syarifah",
    "Zubaidah",
    "Halimah",
    "Rohani",
    "Aisyah",
    "Salmah",
    "Fatimah",
    "Mariani",
    "Juliana",
    "Zuraida",
];
const BUGIS_M: &[&str] = &[
    "Baso",
    "Arifuddin",
    "Hasanuddin",
    "Syamsuddin",
    "Haris",
    "Ansar",
    "Muhammad Yusuf",
    "Rusdi",
    "Jamaluddin",
    "Kaharuddin",
];
const BUGIS_F: &[&str] =
    &["Tenri", "Sitti Hasnah", "Nurhaeda", "Rosmini", "Nurmiati", "Hamsiah", "Syamsiah", "Besse", "Hasnawati"];
const BATAK_M: &[&str] =
    &["Tigor", "Parlindungan", "Hotman", "Binsar", "Togar", "Maruli", "Sahat", "Poltak", "Jonner", "Bonar"];
const BATAK_F: &[&str] =
    &["Rosmawati", "Tiurma", "Lasmaria", "Dameria", "Rotua", "Hotnida", "Rumiris", "Nurhayati", "Masniari"];
const MARGA_CHRISTIAN: &[&str] = &[
    "Simanjuntak",
    "Hutapea",
    "Sitompul",
    "Sinaga",
    "Situmorang",
    "Panjaitan",
    "Simatupang",
    "Silalahi",
    "Manurung",
    "Siahaan",
];
const MARGA_MUSLIM: &[&str] = &["Nasution", "Lubis", "Harahap", "Siregar", "Daulay", "Hasibuan"];
const BALI_M: &[&str] =
    &["Sudarma", "Suarta", "Artawan", "Budiasa", "Suastika", "Wirawan", "Adnyana", "Mertayasa", "Sukadana", "Darma"];
const BALI_F: &[&str] =
    &["Sukerti", "Ariani", "Suartini", "Sariasih", "Astiti", "Wartini", "Puspawati", "Mariani", "Suciani"];
/// Balinese birth-order names: 1st, 2nd, 3rd, 4th child (then the cycle repeats);
/// a first-born may also be Gede (boy) or Luh (girl).
const BALI_ORDER: [&[&str]; 4] = [&["Wayan", "Putu"], &["Made", "Kadek", "Nengah"], &["Nyoman", "Komang"], &["Ketut"]];
const DUSUN: &[&str] = &[
    "Krajan",
    "Sidomulyo",
    "Karanganyar",
    "Ngasem",
    "Sumberejo",
    "Tegalsari",
    "Kebonagung",
    "Sukorejo",
    "Jatisari",
    "Banjarsari",
];
const STREETS: &[&str] = &["Mawar", "Melati", "Kenanga", "Flamboyan", "Cempaka", "Anggrek", "Dahlia", "Merpati"];

/// One RT (neighbourhood unit) with its RW and dusun.
struct Unit {
    dusun: &'static str,
    rw: String,
    rt: String,
}

/// The generator's state.
struct Village {
    rng: Rng,
    cfg: DemoConfig,
    units: Vec<Unit>,
    /// Kecamatan codes people were born in besides the village's own.
    elsewhere: Vec<String>,
    place_names: HashMap<String, String>,
    nik_serials: HashMap<String, u16>,
    kk_serials: HashMap<String, u16>,
    families: Vec<Family>,
    residents: Vec<Resident>,
}

/// A person before ids and NIK are attached.
struct Person {
    name: String,
    sex: u8,
    birth: NaiveDate,
    relation: u8,
    marital: u8,
    religion: u8,
}

impl Village {
    fn new(cfg: &DemoConfig) -> Self {
        let mut rng = Rng(cfg.seed ^ 0x5EED_BA1A_1000_0001);
        let units = layout(&mut rng);
        let (elsewhere, place_names) = birth_regions(&cfg.kecamatan);
        Village {
            rng,
            cfg: cfg.clone(),
            units,
            elsewhere,
            place_names,
            nik_serials: HashMap::new(),
            kk_serials: HashMap::new(),
            families: Vec::new(),
            residents: Vec::new(),
        }
    }

    fn family(&mut self) {
        let group = self.rng.weighted(GROUPS);
        let religion = self.religion(group);
        let marga = self.marga(group, religion);
        let unit = self.rng.below(self.units.len() as u64) as usize;
        let members = self.members(group, religion, &marga);
        let fid = format!("f-{:06}", self.families.len() + 1);
        let kk = self.kk_number();
        let address = self.address(unit);
        let first = self.residents.len();
        for p in &members {
            self.push_resident(p, group, &fid, unit, &address);
        }
        self.link_parents(first, &members);
        let u = &self.units[unit];
        self.families.push(Family {
            id: fid,
            kk_number: kk,
            kk_history: Vec::new(),
            head_id: Some(self.residents[first].id.clone()),
            dusun: u.dusun.to_string(),
            rw: u.rw.clone(),
            rt: u.rt.clone(),
            address,
        });
    }

    fn religion(&mut self, group: Group) -> u8 {
        match group {
            Group::Jawa => self.rng.weighted(&[(1, 92), (2, 4), (3, 3), (5, 1)]),
            Group::Sunda => self.rng.weighted(&[(1, 98), (2, 2)]),
            Group::Melayu | Group::Bugis => 1,
            Group::Batak => self.rng.weighted(&[(2, 60), (3, 15), (1, 25)]),
            Group::Bali => self.rng.weighted(&[(4, 95), (1, 5)]),
        }
    }

    fn marga(&mut self, group: Group, religion: u8) -> String {
        match (group, religion) {
            (Group::Batak, 1) => self.rng.pick(MARGA_MUSLIM).to_string(),
            (Group::Batak, _) => self.rng.pick(MARGA_CHRISTIAN).to_string(),
            _ => String::new(),
        }
    }

    /// Head, spouse, children, sometimes a grandparent or grandchild.
    fn members(&mut self, group: Group, religion: u8, marga: &str) -> Vec<Person> {
        let head_age = self.rng.weighted(&[(25, 10), (32, 25), (42, 30), (52, 20), (64, 15)]) + self.rng.range(0, 9);
        let female_head = self.rng.chance(12);
        let mut out = Vec::new();
        let head_sex = if female_head { 2 } else { 1 };
        let head_marital = if female_head {
            self.rng.weighted(&[(4, 70), (3, 30)])
        } else {
            self.rng.weighted(&[(2, 92), (4, 6), (1, 2)])
        };
        let head = self.person(group, religion, marga, head_sex, head_age, 1, head_marital, 1);
        out.push(head);
        let mother_age = if head_marital == 2 {
            let age = (head_age - self.rng.range(-2, 8)).max(19);
            let spouse = self.person(group, religion, "", 2, age, 3, 2, 1);
            out.push(spouse);
            Some(age)
        } else if female_head {
            Some(head_age)
        } else {
            None
        };
        if let Some(m) = mother_age {
            self.children(&mut out, group, religion, marga, m);
        }
        self.elders(&mut out, group, religion, head_age);
        out
    }

    fn children(&mut self, out: &mut Vec<Person>, g: Group, rel: u8, marga: &str, mother: i64) {
        let n = self.rng.weighted(&[(0, 22), (1, 30), (2, 28), (3, 12), (4, 6), (5, 2)]);
        let oldest = (mother - 19).min(28);
        if oldest < 0 {
            return;
        }
        let mut ages: Vec<i64> = (0..n).map(|_| self.rng.range(0, oldest)).collect();
        ages.sort_unstable_by(|a, b| b.cmp(a));
        for (order, age) in ages.into_iter().enumerate() {
            let sex = if self.rng.chance(51) { 1 } else { 2 };
            let marital = if age >= 22 && self.rng.chance(15) { 3 } else { 1 };
            let child = self.person(g, rel, marga, sex, age, 4, marital, order + 1);
            out.push(child);
        }
    }

    fn elders(&mut self, out: &mut Vec<Person>, g: Group, rel: u8, head_age: i64) {
        if head_age < 60 && self.rng.chance(12) {
            let age = (head_age + self.rng.range(20, 32)).min(96);
            let relation = if self.rng.chance(60) { 7 } else { 8 };
            let sex = if self.rng.chance(75) { 2 } else { 1 };
            let marga = if g == Group::Batak && sex == 1 { self.marga(g, rel) } else { String::new() };
            let elder = self.person(g, rel, &marga, sex, age, relation, 4, 1);
            out.push(elder);
        } else if head_age >= 55 && self.rng.chance(10) {
            let age = self.rng.range(0, 8);
            let sex = if self.rng.chance(50) { 1 } else { 2 };
            let grandchild = self.person(g, rel, "", sex, age, 6, 1, 1);
            out.push(grandchild);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        group: Group,
        religion: u8,
        marga: &str,
        sex: u8,
        age: i64,
        relation: u8,
        marital: u8,
        order: usize,
    ) -> Person {
        let birth = self.birth_date(age);
        let name = self.name(group, religion, marga, sex, birth.year(), order);
        Person { name, sex, birth, relation, marital, religion }
    }

    fn birth_date(&mut self, age: i64) -> NaiveDate {
        let days = age * 365 + age / 4 + self.rng.range(1, 364);
        self.cfg.today - Duration::days(days)
    }

    fn name(&mut self, g: Group, religion: u8, marga: &str, sex: u8, year: i32, order: usize) -> String {
        let male = sex == 1;
        let modern = year >= 1995;
        let given = match g {
            Group::Bali => return self.bali_name(male, order),
            Group::Batak => {
                let list = if male { BATAK_M } else { BATAK_F };
                let first = self.given(list, religion, male, modern);
                let own_marga = if marga.is_empty() { self.marga(g, religion) } else { marga.to_string() };
                return format!("{first} {own_marga}");
            }
            Group::Jawa => self.given(if male { JAWA_M } else { JAWA_F }, religion, male, modern),
            Group::Sunda => self.given(if male { SUNDA_M } else { SUNDA_F }, religion, male, modern),
            Group::Melayu => self.given(if male { MELAYU_M } else { MELAYU_F }, religion, male, modern),
            Group::Bugis => {
                let first = self.given(if male { BUGIS_M } else { BUGIS_F }, religion, male, modern);
                let noble = if self.rng.chance(15) { "Andi " } else { "" };
                return format!("{noble}{first}");
            }
        };
        self.maybe_second(g, given, male, year)
    }

    /// A given name; Christians and the young get names of their own lists.
    fn given(&mut self, list: &[&str], religion: u8, male: bool, modern: bool) -> String {
        if matches!(religion, 2 | 3) && self.rng.chance(60) {
            let l = if male { CHRISTIAN_M } else { CHRISTIAN_F };
            return self.rng.pick(l).to_string();
        }
        if modern && religion == 1 && self.rng.chance(60) {
            let l = if male { MODERN_M } else { MODERN_F };
            return self.rng.pick(l).to_string();
        }
        self.rng.pick(list).to_string()
    }

    /// Many older Javanese have one name; others a second one.
    fn maybe_second(&mut self, g: Group, given: String, male: bool, year: i32) -> String {
        let single = if year < 1970 { 60 } else { 25 };
        if g == Group::Melayu || self.rng.chance(single) {
            return given;
        }
        let second = match (g, male) {
            (Group::Sunda, true) => self.rng.pick(SUNDA_M2),
            (Group::Sunda, false) => self.rng.pick(SUNDA_F2),
            (_, true) => self.rng.pick(JAWA_M2),
            (_, false) => self.rng.pick(JAWA_F2),
        };
        if second.eq_ignore_ascii_case(&given) { given } else { format!("{given} {second}") }
    }

    fn bali_name(&mut self, male: bool, order: usize) -> String {
        let prefix = if male { "I" } else { "Ni" };
        let first_born = (order.max(1) - 1).is_multiple_of(4);
        let order_name = match (first_born, male, self.rng.chance(25)) {
            (true, true, true) => "Gede",
            (true, false, true) => "Luh",
            _ => self.rng.pick(BALI_ORDER[(order.max(1) - 1) % 4]),
        };
        let given = self.rng.pick(if male { BALI_M } else { BALI_F });
        format!("{prefix} {order_name} {given}")
    }

    fn push_resident(&mut self, p: &Person, g: Group, fid: &str, unit: usize, address: &str) {
        let age = age_on(p.birth, self.cfg.today);
        let region = self.birth_region(age);
        let nik = self.nik(&region, p.birth, p.sex);
        let birth_place = self.place_names.get(&region).cloned().unwrap_or_default();
        let (education, education_current) = self.education(age, p.birth.year());
        let occupation = self.occupation(age, p.sex, education_current);
        let id = format!("p-{:06}", self.residents.len() + 1);
        let father = self.parent_name(g, 1);
        let mother = self.parent_name(g, 2);
        let extra = self.extra(g, age, p);
        let blood_type =
            self.rng.weighted(&[(Some(13), 60), (None, 10), (Some(1), 8), (Some(2), 8), (Some(3), 3), (Some(4), 11)]);
        let u = &self.units[unit];
        let (dusun, rw, rt) = (u.dusun.to_string(), u.rw.clone(), u.rt.clone());
        self.residents.push(Resident {
            id,
            nik,
            name: p.name.clone(),
            birth_place,
            birth_date: p.birth,
            sex: p.sex,
            religion: p.religion,
            education,
            education_current,
            occupation,
            marital_status: p.marital,
            blood_type,
            citizenship: 1,
            family_id: Some(fid.to_string()),
            family_relation: p.relation,
            dusun,
            rw,
            rt,
            address: address.to_string(),
            father_nik: None,
            father_name: father,
            mother_nik: None,
            mother_name: mother,
            phone: None,
            status: 1,
            extra,
            nik_warning_ack: None,
        });
    }

    /// Children (kk_level 4) get the head and spouse as parents; the head gets
    /// a live-in parent (kk_level 7) as a parent.
    fn link_parents(&mut self, first: usize, members: &[Person]) {
        let find = |rel: u8, sex: u8| members.iter().position(|m| m.relation == rel && m.sex == sex).map(|i| first + i);
        let head = first;
        let head_sex = members[0].sex;
        let father = if head_sex == 1 { Some(head) } else { None };
        let mother = if head_sex == 2 { Some(head) } else { find(3, 2) };
        for (i, m) in members.iter().enumerate() {
            if m.relation == 4 {
                self.set_parents(first + i, father, mother);
            }
        }
        for sex in [1, 2] {
            if let Some(p) = find(7, sex) {
                let (f, m) = if sex == 1 { (Some(p), None) } else { (None, Some(p)) };
                self.set_parents(head, f, m);
            }
        }
    }

    fn set_parents(&mut self, child: usize, father: Option<usize>, mother: Option<usize>) {
        if let Some(f) = father {
            let (nik, name) = (self.residents[f].nik.clone(), self.residents[f].name.clone());
            self.residents[child].father_nik = Some(nik);
            self.residents[child].father_name = name;
        }
        if let Some(m) = mother {
            let (nik, name) = (self.residents[m].nik.clone(), self.residents[m].name.clone());
            self.residents[child].mother_nik = Some(nik);
            self.residents[child].mother_name = name;
        }
    }

    fn parent_name(&mut self, g: Group, sex: u8) -> String {
        let religion = self.religion(g);
        let marga = self.marga(g, religion);
        self.name(g, religion, &marga, sex, 1940, 1)
    }

    /// Where the NIK was first registered: mostly the village's kecamatan.
    fn birth_region(&mut self, age: i64) -> String {
        let migrant = if age >= 20 { 18 } else { 3 };
        if self.elsewhere.is_empty() || !self.rng.chance(migrant) {
            return self.cfg.kecamatan.clone();
        }
        self.rng.pick(&self.elsewhere).clone()
    }

    fn nik(&mut self, region: &str, birth: NaiveDate, sex: u8) -> String {
        let day = birth.day() + if sex == 2 { 40 } else { 0 };
        let date = format!("{day:02}{:02}{:02}", birth.month(), birth.year() % 100);
        let key = format!("{region}{date}");
        let serial = self.nik_serials.entry(key.clone()).or_insert(0);
        *serial += 1;
        format!("{key}{:04}", *serial)
    }

    fn kk_number(&mut self) -> String {
        let days = self.rng.range(30, 20 * 365);
        let issued = self.cfg.today - Duration::days(days);
        let date = issued.format("%d%m%y");
        let key = format!("{}{date}", self.cfg.kecamatan);
        let serial = self.kk_serials.entry(key.clone()).or_insert(0);
        *serial += 1;
        format!("{key}{:04}", *serial)
    }

    fn address(&mut self, unit: usize) -> String {
        if self.rng.chance(60) {
            format!("Dusun {}", self.units[unit].dusun)
        } else {
            let street = self.rng.pick(STREETS);
            format!("Jl. {street} No. {}", self.rng.range(1, 120))
        }
    }

    /// (pendidikan_kk, pendidikan_sedang) for an age.
    fn education(&mut self, age: i64, year: i32) -> (u8, Option<u8>) {
        match age {
            0..=3 => (1, Some(1)),
            4..=6 => (1, Some(2)),
            7..=12 => (2, Some(4)),
            13..=15 => (3, Some(6)),
            16..=18 => (4, Some(7)),
            19..=22 if self.rng.chance(30) => (5, Some(11)),
            _ if year < 1960 => {
                let e = self.rng.weighted(&[(1, 15), (2, 20), (3, 45), (4, 12), (5, 7), (8, 1)]);
                (e, None)
            }
            _ if year < 1986 => {
                let w = [(1, 3), (2, 7), (3, 33), (4, 25), (5, 25), (6, 2), (7, 2), (8, 3)];
                (self.rng.weighted(&w), None)
            }
            _ => {
                let w = [(2, 2), (3, 12), (4, 25), (5, 48), (7, 4), (8, 8), (9, 1)];
                (self.rng.weighted(&w), Some(18))
            }
        }
    }

    fn occupation(&mut self, age: i64, sex: u8, current: Option<u8>) -> u8 {
        if age < 5 {
            return 1;
        }
        if age <= 18 || current == Some(11) {
            return 3;
        }
        if age >= 65 && self.rng.chance(50) {
            return self.rng.weighted(&[(1, 80), (4, 20)]);
        }
        if sex == 1 {
            self.rng.weighted(&[
                (9, 28),
                (20, 15),
                (19, 10),
                (88, 12),
                (84, 8),
                (15, 10),
                (26, 4),
                (27, 2),
                (81, 3),
                (65, 2),
                (5, 2),
                (85, 1),
                (10, 2),
                (1, 1),
            ])
        } else {
            self.rng.weighted(&[
                (2, 45),
                (9, 12),
                (20, 10),
                (84, 10),
                (88, 7),
                (15, 6),
                (65, 3),
                (19, 3),
                (30, 2),
                (73, 1),
                (74, 1),
            ])
        }
    }

    fn extra(&mut self, g: Group, age: i64, p: &Person) -> BTreeMap<String, String> {
        let mut extra = BTreeMap::new();
        let (ktp, rekam) = if age >= 17 {
            ("2", *self.rng.pick(&["3", "3", "3", "8"]))
        } else if self.rng.chance(40) {
            ("3", "1")
        } else {
            ("1", "1")
        };
        extra.insert("ktp_el".to_string(), ktp.to_string());
        extra.insert("status_rekam".to_string(), rekam.to_string());
        let suku = match g {
            Group::Jawa => "Jawa",
            Group::Sunda => "Sunda",
            Group::Melayu => "Melayu",
            Group::Bugis => "Bugis",
            Group::Batak if p.religion == 1 => "Batak Mandailing",
            Group::Batak => "Batak Toba",
            Group::Bali => "Bali",
        };
        extra.insert("suku".to_string(), suku.to_string());
        if p.birth.year() >= 2005 && self.rng.chance(80) {
            let serial = self.rng.range(1, 9999);
            let kab = self.cfg.kecamatan.get(..4).unwrap_or("0000");
            let akta = format!("{kab}-LT-{}-{serial:04}", p.birth.format("%d%m%Y"));
            extra.insert("akta_lahir".to_string(), akta);
        }
        extra
    }
}

/// Dusun → RW → RT numbering: 3–5 dusun, 2–3 RW each, 3–5 RT per RW,
/// numbered through the village ("001", "002", ...).
fn layout(rng: &mut Rng) -> Vec<Unit> {
    let dusun_count = rng.range(3, 5) as usize;
    let mut units = Vec::new();
    let (mut rw_no, mut rt_no) = (0, 0);
    for dusun in DUSUN.iter().take(dusun_count) {
        for _ in 0..rng.range(2, 3) {
            rw_no += 1;
            for _ in 0..rng.range(3, 5) {
                rt_no += 1;
                units.push(Unit { dusun, rw: format!("{rw_no:03}"), rt: format!("{rt_no:03}") });
            }
        }
    }
    units
}

/// Other kecamatan of the same kabupaten (where NIKs of people born nearby were
/// issued) and the birth-place name for each code.
fn birth_regions(kecamatan: &str) -> (Vec<String>, HashMap<String, String>) {
    let r = regions();
    let kab_code = kecamatan.get(..4).unwrap_or("");
    let kab_name = r
        .kabupaten(kab_code)
        .map(|k| place_name(k.name.trim_start_matches("Kabupaten ").trim_start_matches("Kota ")))
        .unwrap_or_else(|| "Desa".to_string());
    let mut names = HashMap::new();
    names.insert(kecamatan.to_string(), kab_name.clone());
    let mut elsewhere = Vec::new();
    for k in r.kecamatan_in(kab_code) {
        if k.code != kecamatan {
            names.insert(k.code.clone(), place_name(&k.name));
            elsewhere.push(k.code.clone());
        }
    }
    (elsewhere, names)
}

/// A region name as a valid birth place (letters, spaces and .,'-/ only).
fn place_name(name: &str) -> String {
    name.chars()
        .filter(|c| super::model::is_name_char(*c) || *c == '/')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whole years from `birth` to `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i64 {
    let mut age = i64::from(today.year() - birth.year());
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::residents::nik;
    use std::collections::HashSet;

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(generate(42, 50), generate(42, 50));
        assert_ne!(generate(42, 50).1, generate(43, 50).1);
    }

    #[test]
    fn about_two_thousand_residents_from_six_hundred_families() {
        let (families, residents) = generate(1, 600);
        assert_eq!(families.len(), 600);
        assert!((1700..2400).contains(&residents.len()), "{}", residents.len());
        assert_eq!(families[0].id, "f-000001");
        assert_eq!(residents[0].id, "p-000001");
    }

    #[test]
    fn numbers_are_valid_unique_and_consistent() {
        let (families, residents) = generate(7, 800);
        let today = DemoConfig::new(7, 1).today;
        let mut niks = HashSet::new();
        for r in &residents {
            assert!(niks.insert(r.nik.clone()), "duplicate NIK {}", r.nik);
            let n = nik::parse_nik(&r.nik).expect("valid NIK");
            let w = nik::check_against(&n, r.birth_date, r.sex, regions());
            assert!(w.is_empty(), "{} {w:?}", r.nik);
            assert!(r.birth_date < today);
        }
        let mut kks = HashSet::new();
        for f in &families {
            assert!(kks.insert(f.kk_number.clone()));
            let kk = nik::parse_kk(&f.kk_number).expect("valid KK");
            assert!(nik::check_kk(&kk, regions()).is_empty(), "{}", f.kk_number);
            assert!(kk.decoded().issue_date.is_some_and(|d| d < today));
        }
    }

    #[test]
    fn families_are_plausible() {
        let (families, residents) = generate(3, 400);
        let today = DemoConfig::new(3, 1).today;
        let by_id: HashMap<&str, &Resident> = residents.iter().map(|r| (r.id.as_str(), r)).collect();
        for f in &families {
            let members: Vec<&Resident> =
                residents.iter().filter(|r| r.family_id.as_deref() == Some(f.id.as_str())).collect();
            let heads = members.iter().filter(|m| m.family_relation == 1).count();
            assert_eq!(heads, 1, "family {}", f.id);
            let head = by_id[f.head_id.as_deref().expect("head")];
            assert!(age_on(head.birth_date, today) >= 24);
            for m in members.iter().filter(|m| m.family_relation == 4) {
                let mother = m.mother_nik.as_deref().and_then(|n| residents.iter().find(|r| r.nik == n));
                if let Some(mother) = mother {
                    assert!(age_on(mother.birth_date, today) - age_on(m.birth_date, today) >= 18);
                }
                if age_on(m.birth_date, today) <= 12 {
                    assert_eq!(m.occupation, if age_on(m.birth_date, today) < 5 { 1 } else { 3 });
                }
            }
        }
        let islam = residents.iter().filter(|r| r.religion == 1).count();
        assert!(islam * 100 / residents.len() >= 70, "mostly Islam");
        let dusun: HashSet<&str> = residents.iter().map(|r| r.dusun.as_str()).collect();
        assert!((3..=5).contains(&dusun.len()));
    }

    #[test]
    fn fifty_thousand_is_fast_enough_for_benchmarks() {
        let start = std::time::Instant::now();
        let (_, residents) = generate(9, 15_000);
        assert!((42_000..58_000).contains(&residents.len()), "{}", residents.len());
        // Debug builds are ~10x slower than release; release must stay under 1 s.
        assert!(start.elapsed().as_secs() < 20);
    }
}
