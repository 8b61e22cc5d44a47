//! OpenSID's numeric code tables for resident data (jenis kelamin, agama,
//! pendidikan, pekerjaan, ...), kept verbatim so Balai reads and writes the same
//! codes villages already hold, and accepts the text labels OpenSID accepts.

use serde::Serialize;

/// One entry of a code table.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: u8,
    /// OpenSID's label (Indonesian), exactly as OpenSID spells it.
    pub label: &'static str,
    /// English label; the Indonesian label where no short common word exists.
    pub label_en: &'static str,
    /// Other spellings accepted on input (abbreviations, older labels).
    #[serde(skip)]
    pub aliases: &'static [&'static str],
}

const fn c(code: u8, label: &'static str, label_en: &'static str) -> Code {
    Code { code, label, label_en, aliases: &[] }
}

const fn a(code: u8, label: &'static str, label_en: &'static str, aliases: &'static [&'static str]) -> Code {
    Code { code, label, label_en, aliases }
}

/// The code tables, named after OpenSID's columns.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// `sex`: jenis kelamin.
    Sex,
    /// `agama_id`: religion.
    Agama,
    /// `pendidikan_kk_id`: completed education as on the KK.
    PendidikanKk,
    /// `pendidikan_sedang_id`: education in progress.
    PendidikanSedang,
    /// `pekerjaan_id`: occupation (the 89-entry Dukcapil list).
    Pekerjaan,
    /// `status_kawin`: marital status.
    StatusKawin,
    /// `kk_level`: relation to the head of the family.
    KkLevel,
    /// `warganegara_id`: citizenship.
    Warganegara,
    /// `golongan_darah_id`: blood type.
    GolonganDarah,
    /// `cacat_id`: disability.
    Cacat,
    /// `cara_kb_id`: contraception method.
    CaraKb,
    /// `hamil`: pregnancy.
    Hamil,
    /// `ktp_el`: electronic ID card status.
    KtpEl,
    /// `status_rekam`: e-KTP recording status.
    StatusRekam,
    /// `status_dasar`: basic status (alive, dead, moved, ...).
    StatusDasar,
    /// `id_asuransi`: health insurance.
    IdAsuransi,
}

impl Table {
    /// Every table, in OpenSID column order.
    pub const ALL: [Table; 16] = [
        Table::Sex,
        Table::Agama,
        Table::PendidikanKk,
        Table::PendidikanSedang,
        Table::Pekerjaan,
        Table::StatusKawin,
        Table::KkLevel,
        Table::Warganegara,
        Table::GolonganDarah,
        Table::Cacat,
        Table::CaraKb,
        Table::Hamil,
        Table::KtpEl,
        Table::StatusRekam,
        Table::StatusDasar,
        Table::IdAsuransi,
    ];

    /// The OpenSID import column holding this code.
    pub fn column(self) -> &'static str {
        match self {
            Table::Sex => "sex",
            Table::Agama => "agama_id",
            Table::PendidikanKk => "pendidikan_kk_id",
            Table::PendidikanSedang => "pendidikan_sedang_id",
            Table::Pekerjaan => "pekerjaan_id",
            Table::StatusKawin => "status_kawin",
            Table::KkLevel => "kk_level",
            Table::Warganegara => "warganegara_id",
            Table::GolonganDarah => "golongan_darah_id",
            Table::Cacat => "cacat_id",
            Table::CaraKb => "cara_kb_id",
            Table::Hamil => "hamil",
            Table::KtpEl => "ktp_el",
            Table::StatusRekam => "status_rekam",
            Table::StatusDasar => "status_dasar",
            Table::IdAsuransi => "id_asuransi",
        }
    }

    /// The table for an OpenSID column name.
    pub fn for_column(column: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.column() == column)
    }

    /// The table's entries, in code order.
    pub fn entries(self) -> &'static [Code] {
        match self {
            Table::Sex => SEX,
            Table::Agama => AGAMA,
            Table::PendidikanKk => PENDIDIKAN_KK,
            Table::PendidikanSedang => PENDIDIKAN_SEDANG,
            Table::Pekerjaan => PEKERJAAN,
            Table::StatusKawin => STATUS_KAWIN,
            Table::KkLevel => KK_LEVEL,
            Table::Warganegara => WARGANEGARA,
            Table::GolonganDarah => GOLONGAN_DARAH,
            Table::Cacat => CACAT,
            Table::CaraKb => CARA_KB,
            Table::Hamil => HAMIL,
            Table::KtpEl => KTP_EL,
            Table::StatusRekam => STATUS_REKAM,
            Table::StatusDasar => STATUS_DASAR,
            Table::IdAsuransi => ID_ASURANSI,
        }
    }

    /// The entry for a code.
    pub fn get(self, code: u8) -> Option<&'static Code> {
        self.entries().iter().find(|e| e.code == code)
    }

    /// Indonesian label for a code.
    pub fn label(self, code: u8) -> Option<&'static str> {
        self.get(code).map(|e| e.label)
    }

    /// English label for a code.
    pub fn label_en(self, code: u8) -> Option<&'static str> {
        self.get(code).map(|e| e.label_en)
    }

    /// Whether `code` exists in this table.
    pub fn contains(self, code: u8) -> bool {
        self.get(code).is_some()
    }

    /// Find a code from user or file input: the number ("1", "01", " 1 ") or a
    /// label or alias, case-insensitive, ignoring spaces ("TIDAK / BELUM SEKOLAH"
    /// = "tidak/belum sekolah"), or the English label.
    pub fn lookup(self, input: &str) -> Option<u8> {
        let t = input.trim();
        if t.is_empty() {
            return None;
        }
        if let Some(n) = parse_code_number(t) {
            return self.contains(n).then_some(n);
        }
        let key = fold(t);
        self.entries()
            .iter()
            .find(|e| fold(e.label) == key || fold(e.label_en) == key || e.aliases.iter().any(|al| fold(al) == key))
            .map(|e| e.code)
    }
}

/// (code, Indonesian label) pairs for a form select, in code order.
pub fn options(table: Table) -> Vec<(u8, &'static str)> {
    table.entries().iter().map(|e| (e.code, e.label)).collect()
}

/// (code, English label) pairs for a form select, in code order.
pub fn options_en(table: Table) -> Vec<(u8, &'static str)> {
    table.entries().iter().map(|e| (e.code, e.label_en)).collect()
}

/// "1", "01", "1.0" (what spreadsheets make of a number) → 1.
fn parse_code_number(t: &str) -> Option<u8> {
    let int = t.strip_suffix(".0").unwrap_or(t);
    if int.is_empty() || int.len() > 3 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

/// Upper-case, spaces removed: the comparison key for labels.
fn fold(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

const SEX: &[Code] = &[
    a(1, "LAKI-LAKI", "Male", &["L", "LK", "LAKI", "PRIA", "M"]),
    a(2, "PEREMPUAN", "Female", &["P", "PR", "WANITA", "F"]),
];

const AGAMA: &[Code] = &[
    a(1, "ISLAM", "Islam", &["MUSLIM"]),
    a(2, "KRISTEN", "Protestant", &["KRISTEN PROTESTAN", "PROTESTAN"]),
    a(3, "KATHOLIK", "Catholic", &["KATOLIK", "KRISTEN KATHOLIK"]),
    a(4, "HINDU", "Hindu", &[]),
    a(5, "BUDHA", "Buddhist", &["BUDDHA"]),
    a(6, "KHONGHUCU", "Confucian", &["KONGHUCU", "KONG HU CU"]),
    a(7, "Kepercayaan Terhadap Tuhan YME / Lainnya", "Other belief", &["KEPERCAYAAN", "LAINNYA"]),
];

const PENDIDIKAN_KK: &[Code] = &[
    a(1, "TIDAK / BELUM SEKOLAH", "No schooling", &["TIDAK/BLM SEKOLAH"]),
    c(2, "BELUM TAMAT SD/SEDERAJAT", "Primary not completed"),
    a(3, "TAMAT SD / SEDERAJAT", "Primary school", &["SD"]),
    a(4, "SLTP/SEDERAJAT", "Junior high school", &["SMP", "SLTP"]),
    a(5, "SLTA / SEDERAJAT", "Senior high school", &["SMA", "SLTA"]),
    a(6, "DIPLOMA I / II", "Diploma I/II", &["D1", "D2"]),
    a(7, "AKADEMI/ DIPLOMA III/S. MUDA", "Diploma III", &["D3", "AKADEMI/DIPLOMA III/SARJANA MUDA"]),
    a(8, "DIPLOMA IV/ STRATA I", "Bachelor's degree", &["S1", "D4", "STRATA I"]),
    a(9, "STRATA II", "Master's degree", &["S2"]),
    a(10, "STRATA III", "Doctorate", &["S3"]),
];

const PENDIDIKAN_SEDANG: &[Code] = &[
    c(1, "BELUM MASUK TK/KELOMPOK BERMAIN", "Not yet in kindergarten"),
    c(2, "SEDANG TK/KELOMPOK BERMAIN", "In kindergarten"),
    c(3, "TIDAK PERNAH SEKOLAH", "Never attended school"),
    c(4, "SEDANG SD/SEDERAJAT", "In primary school"),
    c(5, "TIDAK TAMAT SD/SEDERAJAT", "Left primary school"),
    c(6, "SEDANG SLTP/SEDERAJAT", "In junior high school"),
    c(7, "SEDANG SLTA/SEDERAJAT", "In senior high school"),
    c(8, "SEDANG  D-1/SEDERAJAT", "SEDANG D-1/SEDERAJAT"),
    c(9, "SEDANG D-2/SEDERAJAT", "SEDANG D-2/SEDERAJAT"),
    c(10, "SEDANG D-3/SEDERAJAT", "SEDANG D-3/SEDERAJAT"),
    c(11, "SEDANG  S-1/SEDERAJAT", "In undergraduate study"),
    c(12, "SEDANG S-2/SEDERAJAT", "In master's study"),
    c(13, "SEDANG S-3/SEDERAJAT", "In doctoral study"),
    c(14, "SEDANG SLB A/SEDERAJAT", "SEDANG SLB A/SEDERAJAT"),
    c(15, "SEDANG SLB B/SEDERAJAT", "SEDANG SLB B/SEDERAJAT"),
    c(16, "SEDANG SLB C/SEDERAJAT", "SEDANG SLB C/SEDERAJAT"),
    a(
        17,
        "TIDAK DAPAT MEMBACA DAN MENULIS HURUF LATIN/ARAB",
        "Cannot read or write",
        &["TIDAK DAPAT MEMBACA DAN MENULIS"],
    ),
    c(18, "TIDAK SEDANG SEKOLAH", "Not in school"),
];

const PEKERJAAN: &[Code] = &[
    a(1, "BELUM/TIDAK BEKERJA", "Not working", &["TIDAK BEKERJA", "BELUM BEKERJA"]),
    a(2, "MENGURUS RUMAH TANGGA", "Homemaker", &["IRT", "IBU RUMAH TANGGA"]),
    a(3, "PELAJAR/MAHASISWA", "Student", &["PELAJAR", "MAHASISWA"]),
    c(4, "PENSIUNAN", "Retired"),
    a(5, "PEGAWAI NEGERI SIPIL (PNS)", "Civil servant", &["PNS", "PEGAWAI NEGERI SIPIL"]),
    a(6, "TENTARA NASIONAL INDONESIA (TNI)", "Soldier", &["TNI"]),
    a(7, "KEPOLISIAN RI (POLRI)", "Police", &["POLRI"]),
    c(8, "PERDAGANGAN", "Trade"),
    a(9, "PETANI/PEKEBUN", "Farmer", &["PETANI"]),
    c(10, "PETERNAK", "Livestock farmer"),
    a(11, "NELAYAN/PERIKANAN", "Fisher", &["NELAYAN"]),
    c(12, "INDUSTRI", "Industry"),
    c(13, "KONSTRUKSI", "Construction"),
    c(14, "TRANSPORTASI", "Transport"),
    c(15, "KARYAWAN SWASTA", "Private employee"),
    c(16, "KARYAWAN BUMN", "KARYAWAN BUMN"),
    c(17, "KARYAWAN BUMD", "KARYAWAN BUMD"),
    c(18, "KARYAWAN HONORER", "Contract employee"),
    c(19, "BURUH HARIAN LEPAS", "Day labourer"),
    a(20, "BURUH TANI/PERKEBUNAN", "Farm labourer", &["BURUH TANI"]),
    c(21, "BURUH NELAYAN/PERIKANAN", "Fishery labourer"),
    c(22, "BURUH PETERNAKAN", "Livestock labourer"),
    c(23, "PEMBANTU RUMAH TANGGA", "Domestic worker"),
    c(24, "TUKANG CUKUR", "Barber"),
    c(25, "TUKANG LISTRIK", "Electrician"),
    c(26, "TUKANG BATU", "Mason"),
    c(27, "TUKANG KAYU", "Carpenter"),
    c(28, "TUKANG SOL SEPATU", "Shoe repairer"),
    c(29, "TUKANG LAS/PANDAI BESI", "Welder/blacksmith"),
    c(30, "TUKANG JAHIT", "Tailor"),
    c(31, "TUKANG GIGI", "TUKANG GIGI"),
    c(32, "PENATA RIAS", "Make-up artist"),
    c(33, "PENATA BUSANA", "Stylist"),
    c(34, "PENATA RAMBUT", "Hairdresser"),
    c(35, "MEKANIK", "Mechanic"),
    c(36, "SENIMAN", "Artist"),
    c(37, "TABIB", "Traditional healer"),
    c(38, "PARAJI", "Traditional birth attendant"),
    c(39, "PERANCANG BUSANA", "Fashion designer"),
    c(40, "PENTERJEMAH", "Translator"),
    c(41, "IMAM MASJID", "Imam"),
    c(42, "PENDETA", "Pastor (Protestant)"),
    c(43, "PASTOR", "Priest (Catholic)"),
    c(44, "WARTAWAN", "Journalist"),
    c(45, "USTADZ/MUBALIGH", "Preacher"),
    c(46, "JURU MASAK", "Cook"),
    c(47, "PROMOTOR ACARA", "Event promoter"),
    c(48, "ANGGOTA DPR-RI", "ANGGOTA DPR-RI"),
    c(49, "ANGGOTA DPD", "ANGGOTA DPD"),
    c(50, "ANGGOTA BPK", "ANGGOTA BPK"),
    c(51, "PRESIDEN", "President"),
    c(52, "WAKIL PRESIDEN", "Vice president"),
    c(53, "ANGGOTA MAHKAMAH KONSTITUSI", "ANGGOTA MAHKAMAH KONSTITUSI"),
    a(54, "ANGGOTA KABINET KEMENTERIAN", "Cabinet member", &["ANGGOTA KABINET/KEMENTERIAN"]),
    c(55, "DUTA BESAR", "Ambassador"),
    c(56, "GUBERNUR", "Governor"),
    c(57, "WAKIL GUBERNUR", "Vice governor"),
    c(58, "BUPATI", "Regent"),
    c(59, "WAKIL BUPATI", "Vice regent"),
    c(60, "WALIKOTA", "Mayor"),
    c(61, "WAKIL WALIKOTA", "Vice mayor"),
    c(62, "ANGGOTA DPRD PROVINSI", "ANGGOTA DPRD PROVINSI"),
    c(63, "ANGGOTA DPRD KABUPATEN/KOTA", "ANGGOTA DPRD KABUPATEN/KOTA"),
    c(64, "DOSEN", "Lecturer"),
    c(65, "GURU", "Teacher"),
    c(66, "PILOT", "Pilot"),
    c(67, "PENGACARA", "Lawyer"),
    c(68, "NOTARIS", "Notary"),
    c(69, "ARSITEK", "Architect"),
    c(70, "AKUNTAN", "Accountant"),
    c(71, "KONSULTAN", "Consultant"),
    c(72, "DOKTER", "Doctor"),
    c(73, "BIDAN", "Midwife"),
    c(74, "PERAWAT", "Nurse"),
    c(75, "APOTEKER", "Pharmacist"),
    c(76, "PSIKIATER/PSIKOLOG", "Psychiatrist/psychologist"),
    c(77, "PENYIAR TELEVISI", "TV presenter"),
    c(78, "PENYIAR RADIO", "Radio presenter"),
    c(79, "PELAUT", "Sailor"),
    c(80, "PENELITI", "Researcher"),
    a(81, "SOPIR", "Driver", &["SUPIR"]),
    c(82, "PIALANG", "Broker"),
    c(83, "PARANORMAL", "Psychic"),
    c(84, "PEDAGANG", "Trader"),
    c(85, "PERANGKAT DESA", "Village official"),
    c(86, "KEPALA DESA", "Village head"),
    c(87, "BIARAWATI", "Nun"),
    a(88, "WIRASWASTA", "Self-employed", &["WIRAUSAHA"]),
    c(89, "LAINNYA", "Other"),
];

const STATUS_KAWIN: &[Code] = &[
    a(1, "BELUM KAWIN", "Single", &["BK", "BELUM MENIKAH"]),
    a(2, "KAWIN", "Married", &["K", "MENIKAH"]),
    a(3, "CERAI HIDUP", "Divorced", &["CH"]),
    a(4, "CERAI MATI", "Widowed", &["CM"]),
];

const KK_LEVEL: &[Code] = &[
    a(1, "KEPALA KELUARGA", "Head of family", &["KK", "KEPALA"]),
    c(2, "SUAMI", "Husband"),
    c(3, "ISTRI", "Wife"),
    c(4, "ANAK", "Child"),
    c(5, "MENANTU", "Child-in-law"),
    c(6, "CUCU", "Grandchild"),
    a(7, "ORANGTUA", "Parent", &["ORANG TUA"]),
    c(8, "MERTUA", "Parent-in-law"),
    c(9, "FAMILI LAIN", "Other relative"),
    c(10, "PEMBANTU", "Domestic helper"),
    c(11, "LAINNYA", "Other"),
];

const WARGANEGARA: &[Code] =
    &[c(1, "WNI", "Indonesian"), c(2, "WNA", "Foreign"), c(3, "DUA KEWARGANEGARAAN", "Dual citizenship")];

const GOLONGAN_DARAH: &[Code] = &[
    c(1, "A", "A"),
    c(2, "B", "B"),
    c(3, "AB", "AB"),
    c(4, "O", "O"),
    c(5, "A+", "A+"),
    c(6, "A-", "A-"),
    c(7, "B+", "B+"),
    c(8, "B-", "B-"),
    c(9, "AB+", "AB+"),
    c(10, "AB-", "AB-"),
    c(11, "O+", "O+"),
    c(12, "O-", "O-"),
    a(13, "TIDAK TAHU", "Unknown", &["TDK TH", "TDK TAHU", "-"]),
];

const CACAT: &[Code] = &[
    c(1, "CACAT FISIK", "Physical disability"),
    a(2, "CACAT NETRA/BUTA", "Blind", &["NETRA/BUTA"]),
    a(3, "CACAT RUNGU/WICARA", "Deaf/mute", &["RUNGU/WICARA"]),
    a(4, "CACAT MENTAL/JIWA", "Mental disability", &["MENTAL/JIWA"]),
    a(5, "CACAT FISIK DAN MENTAL", "Physical and mental disability", &["FISIK DAN MENTAL"]),
    c(6, "CACAT LAINNYA", "Other disability"),
    c(7, "TIDAK CACAT", "None"),
];

const CARA_KB: &[Code] = &[
    c(1, "Pil", "Pill"),
    c(2, "IUD", "IUD"),
    c(3, "Suntik", "Injection"),
    c(4, "Kondom", "Condom"),
    c(5, "Susuk KB", "Implant"),
    c(6, "Sterilisasi Wanita", "Female sterilisation"),
    c(7, "Sterilisasi Pria", "Male sterilisation"),
    c(99, "Lainnya", "Other"),
];

const HAMIL: &[Code] = &[c(1, "HAMIL", "Pregnant"), c(2, "TIDAK HAMIL", "Not pregnant")];

const KTP_EL: &[Code] =
    &[c(1, "BELUM", "Not yet"), a(2, "KTP-EL", "e-KTP", &["KTP EL", "E-KTP"]), c(3, "KIA", "Child ID card")];

const STATUS_REKAM: &[Code] = &[
    c(1, "BELUM WAJIB", "Not yet required"),
    c(2, "BELUM REKAM", "Not recorded"),
    c(3, "SUDAH REKAM", "Recorded"),
    c(4, "CARD PRINTED", "CARD PRINTED"),
    c(5, "PRINT READY RECORD", "PRINT READY RECORD"),
    c(6, "CARD SHIPPED", "CARD SHIPPED"),
    c(7, "SENT FOR CARD PRINTING", "SENT FOR CARD PRINTING"),
    c(8, "CARD ISSUED", "CARD ISSUED"),
];

const STATUS_DASAR: &[Code] = &[
    c(1, "HIDUP", "Alive"),
    a(2, "MATI", "Deceased", &["MENINGGAL"]),
    c(3, "PINDAH", "Moved away"),
    c(4, "HILANG", "Missing"),
    c(6, "PERGI", "Away"),
    c(9, "TIDAK VALID", "Invalid"),
];

const ID_ASURANSI: &[Code] = &[
    c(1, "Tidak/Belum Punya", "None"),
    a(2, "BPJS Penerima Bantuan Iuran", "BPJS PBI", &["BPJS PBI"]),
    a(3, "BPJS Non Penerima Bantuan Iuran", "BPJS non-PBI", &["BPJS NON PBI", "BPJS NON-PBI"]),
    a(4, "BPJS Bantuan Daerah", "BPJS regional aid", &[]),
    c(99, "Asuransi Lainnya", "Other insurance"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn pekerjaan_has_89_consecutive_codes() {
        let codes: Vec<u8> = Table::Pekerjaan.entries().iter().map(|e| e.code).collect();
        assert_eq!(codes, (1..=89).collect::<Vec<u8>>());
    }

    #[test]
    fn codes_and_labels_are_unique_within_each_table() {
        for t in Table::ALL {
            let mut codes = HashSet::new();
            let mut keys = std::collections::HashMap::new();
            for e in t.entries() {
                assert!(codes.insert(e.code), "{t:?} duplicate code {}", e.code);
                let names = [e.label, e.label_en].into_iter().chain(e.aliases.iter().copied());
                for name in names {
                    let prev = keys.insert(fold(name), e.code);
                    assert!(prev.is_none() || prev == Some(e.code), "{t:?} clash {name}");
                }
            }
        }
    }

    #[test]
    fn every_label_looks_up_its_own_code() {
        for t in Table::ALL {
            for e in t.entries() {
                assert_eq!(t.lookup(e.label), Some(e.code), "{t:?} {}", e.label);
                assert_eq!(t.lookup(&e.code.to_string()), Some(e.code));
            }
        }
    }

    #[test]
    fn opensid_text_labels() {
        assert_eq!(Table::Agama.lookup(" islam "), Some(1));
        assert_eq!(Table::Sex.lookup("L"), Some(1));
        assert_eq!(Table::Sex.lookup("p"), Some(2));
        assert_eq!(Table::Sex.lookup("Laki-Laki"), Some(1));
        assert_eq!(Table::StatusKawin.lookup("CM"), Some(4));
        assert_eq!(Table::GolonganDarah.lookup("Tdk Th"), Some(13));
        assert_eq!(Table::GolonganDarah.lookup("ab-"), Some(10));
        assert_eq!(Table::GolonganDarah.lookup("AB"), Some(3));
        assert_eq!(Table::PendidikanKk.lookup("tidak/belum sekolah"), Some(1));
        assert_eq!(Table::Pekerjaan.lookup("1.0"), Some(1));
        assert_eq!(Table::Pekerjaan.lookup("05"), Some(5));
        assert_eq!(Table::Pekerjaan.lookup("90"), None);
        assert_eq!(Table::StatusDasar.lookup("5"), None);
        assert_eq!(Table::Sex.lookup(""), None);
        assert_eq!(Table::Sex.lookup("x"), None);
    }

    #[test]
    fn options_for_selects() {
        let o = options(Table::Sex);
        assert_eq!(o, vec![(1, "LAKI-LAKI"), (2, "PEREMPUAN")]);
        assert_eq!(options_en(Table::Sex)[1], (2, "Female"));
        assert_eq!(Table::for_column("kk_level"), Some(Table::KkLevel));
    }
}
