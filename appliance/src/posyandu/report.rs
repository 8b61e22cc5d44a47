//! The monthly posyandu report: SKDN (S all balita, D weighed, N gained, with
//! T, O and B) and the nutritional status counts e-PPGBM asks for, per post
//! and for the village; stunting prevalence over the months; and the
//! by-name-by-address CSV a puskesmas nutrition officer enters in e-PPGBM.
//!
//! [`indicators`] is the plain function other parts (the uplink export) call.

use std::collections::HashMap;

use serde::Serialize;

use super::category::categorize;
use super::model::{Child, Posyandu, Sex, Weighing, previous_month};
use super::operations as ops;
use super::risk::{Window, followed_in};
use super::zscore::Indicator;
use crate::store::Store;

/// One month's figures for a post or the whole village.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Indicators {
    pub month: String,
    /// Posyandu id, or empty for the village.
    pub posyandu_id: String,
    /// S: balita the post follows this month.
    pub s: u32,
    /// K: with a growth card (every registered child gets a Buku KIA).
    pub k: u32,
    /// D: weighed this month.
    pub d: u32,
    /// N: weighed and gained at least the KBM since last month.
    pub n: u32,
    /// T: weighed, and gained less than the KBM (or lost).
    pub t: u32,
    /// O: weighed this month but not last month.
    pub o: u32,
    /// B: weighed for the first time.
    pub b: u32,
    /// T this month and last month.
    pub two_t: u32,
    /// BB/U below −3 SD (bawah garis merah).
    pub bgm: u32,
    /// With a length/height-for-age z-score this month.
    pub measured_height: u32,
    pub stunted: u32,
    pub severely_stunted: u32,
    pub measured_weight: u32,
    pub underweight: u32,
    pub severely_underweight: u32,
    pub measured_wfh: u32,
    pub wasted: u32,
    pub severely_wasted: u32,
    /// BB/TB above +2 SD (gizi lebih and obesitas).
    pub overweight: u32,
}

impl Indicators {
    /// Stunting prevalence in per mille of children measured (integer, so it serialises exactly).
    pub fn stunting_permille(&self) -> Option<u32> {
        permille(self.stunted, self.measured_height)
    }
    pub fn wasting_permille(&self) -> Option<u32> {
        permille(self.wasted, self.measured_wfh)
    }
    pub fn underweight_permille(&self) -> Option<u32> {
        permille(self.underweight, self.measured_weight)
    }
    /// D/S: participation.
    pub fn participation_permille(&self) -> Option<u32> {
        permille(self.d, self.s)
    }
    /// N/D.
    pub fn gained_permille(&self) -> Option<u32> {
        permille(self.n, self.d)
    }

    fn count(&mut self, child: &Child, window: &Window, weighed_before: bool) {
        self.s += 1;
        self.k += 1;
        let Some(w) = window.this_month(&child.id) else { return };
        self.d += 1;
        match w.gain {
            Some(g) if g.naik => self.n += 1,
            Some(_) => {
                self.t += 1;
                if window.by_month[1].get(&child.id).and_then(|p| p.gain).is_some_and(|g| !g.naik) {
                    self.two_t += 1;
                }
            }
            None => {}
        }
        if !weighed_before {
            self.b += 1;
        } else if !window.by_month[1].contains_key(&child.id) {
            self.o += 1;
        }
        if let Some(z) = w.z.waz {
            self.measured_weight += 1;
            self.underweight += u32::from(z < -2.0);
            self.severely_underweight += u32::from(z < -3.0);
            self.bgm += u32::from(z < -3.0);
        }
        if let Some(z) = w.z.haz {
            self.measured_height += 1;
            self.stunted += u32::from(z < -2.0);
            self.severely_stunted += u32::from(z < -3.0);
        }
        if let Some(z) = w.z.whz {
            self.measured_wfh += 1;
            self.wasted += u32::from(z < -2.0);
            self.severely_wasted += u32::from(z < -3.0);
            self.overweight += u32::from(z > 2.0);
        }
    }
}

fn permille(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| ((f64::from(part) * 1000.0) / f64::from(whole)).round() as u32)
}

/// The month's report: the village first, then each post.
#[derive(Serialize, Clone, Debug, Default)]
pub struct MonthlyReport {
    pub village: Indicators,
    pub posts: Vec<(Posyandu, Indicators)>,
}

/// The village's figures for a month (`YYYY-MM`); what the uplink export carries.
pub fn indicators(store: &Store, month: &str) -> Indicators {
    monthly(store, month).village
}

/// The village's and every post's figures for a month.
pub fn monthly(store: &Store, month: &str) -> MonthlyReport {
    let window = Window::load_months(store, month, 2);
    let posts = ops::all_posyandu(store);
    let mut by_post: HashMap<String, Indicators> = posts
        .iter()
        .map(|p| (p.id.clone(), Indicators { month: month.into(), posyandu_id: p.id.clone(), ..Default::default() }))
        .collect();
    let mut village = Indicators { month: month.into(), ..Default::default() };
    for child in ops::all_children(store).iter().filter(|c| followed_in(c, month)) {
        let weighed_before = window.this_month(&child.id).is_some()
            && (window.by_month[1..].iter().any(|m| m.contains_key(&child.id))
                || weighed_before(store, &child.id, month));
        village.count(child, &window, weighed_before);
        if let Some(post) = by_post.get_mut(&child.posyandu_id) {
            post.count(child, &window, weighed_before);
        }
    }
    let posts = posts
        .into_iter()
        .map(|p| {
            let figures = by_post.remove(&p.id).unwrap_or_default();
            (p, figures)
        })
        .collect();
    MonthlyReport { village, posts }
}

/// Whether a child has a weighing before `month` (ids are `<YYYY-MM>:<child>`,
/// so the index alone answers).
fn weighed_before(store: &Store, child_id: &str, month: &str) -> bool {
    store
        .ids_by(<Weighing as crate::store::Record>::TABLE, "child", child_id)
        .unwrap_or_default()
        .iter()
        .any(|id| id.split(':').next().is_some_and(|m| m < month))
}

/// Stunting over the `count` months up to `month`, oldest first:
/// `(month, measured, stunted)`.
pub fn stunting_trend(store: &Store, month: &str, count: usize) -> Vec<(String, u32, u32)> {
    let mut months = vec![month.to_string()];
    while months.len() < count {
        match months.last().and_then(|m| previous_month(m)) {
            Some(m) => months.push(m),
            None => break,
        }
    }
    months.reverse();
    months
        .into_iter()
        .map(|m| {
            let (mut measured, mut stunted) = (0, 0);
            for w in ops::weighings_in_month(store, &m) {
                if let Some(z) = w.z.haz {
                    measured += 1;
                    stunted += u32::from(z < -2.0);
                }
            }
            (m, measured, stunted)
        })
        .collect()
}

/// The e-PPGBM by-name-by-address list of a month's weighings, as CSV.
pub fn by_name_csv(store: &Store, month: &str) -> Vec<u8> {
    let posts: HashMap<String, String> = ops::all_posyandu(store).into_iter().map(|p| (p.id, p.name)).collect();
    let mut weighings = ops::weighings_in_month(store, month);
    weighings.sort_by(|a, b| (&a.posyandu_id, &a.child_id).cmp(&(&b.posyandu_id, &b.child_id)));
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(BY_NAME_HEADER);
    for w in &weighings {
        let Some(child) = ops::child(store, &w.child_id) else { continue };
        let _ = out.write_record(by_name_row(&child, w, posts.get(&w.posyandu_id).map_or("", String::as_str)));
    }
    out.into_inner().unwrap_or_default()
}

const BY_NAME_HEADER: [&str; 27] = [
    "nik",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "berat_lahir_kg",
    "panjang_lahir_cm",
    "nama_ibu",
    "nik_ibu",
    "nama_ayah",
    "dusun",
    "posyandu",
    "tanggal_ukur",
    "umur_bulan",
    "bb_kg",
    "tb_pb_cm",
    "cara_ukur",
    "lila_cm",
    "lingkar_kepala_cm",
    "zs_bb_u",
    "zs_tb_u",
    "zs_bb_tb",
    "zs_imt_u",
    "status_bb_u",
    "status_tb_u",
    "status_bb_tb",
    "naik_tidak",
    "kbm_g",
];

fn by_name_row(child: &Child, w: &Weighing, post: &str) -> Vec<String> {
    let num = |v: Option<f64>, digits: usize| v.map(|v| format!("{v:.digits$}")).unwrap_or_default();
    let status =
        |i: Indicator| w.z.get(i).map(|z| balai_ui::t(balai_ui::Lang::Id, categorize(i, z).key())).unwrap_or_default();
    vec![
        child.nik.clone().unwrap_or_default(),
        child.name.clone(),
        match child.sex {
            Sex::Male => "L".into(),
            Sex::Female => "P".into(),
        },
        child.birth_date.to_string(),
        num(child.birth_weight_kg, 2),
        num(child.birth_length_cm, 1),
        child.mother_name.clone(),
        child.mother_nik.clone().unwrap_or_default(),
        child.father_name.clone(),
        child.dusun.clone(),
        post.to_string(),
        w.date.to_string(),
        ((w.age_days as f64 / super::zscore::DAYS_PER_MONTH).floor() as i64).to_string(),
        num(Some(w.weight_kg), 2),
        num(w.length_cm, 1),
        w.position.map(|p| if p.code() == "L" { "terlentang" } else { "berdiri" }).unwrap_or_default().into(),
        num(w.arm_cm, 1),
        num(w.head_cm, 1),
        num(w.z.waz, 2),
        num(w.z.haz, 2),
        num(w.z.whz, 2),
        num(w.z.baz, 2),
        status(Indicator::Waz),
        status(Indicator::Haz),
        status(Indicator::Whz),
        w.gain.map(|g| if g.naik { "N" } else { "T" }).unwrap_or_default().into(),
        w.gain.map(|g| g.minimum_grams.to_string()).unwrap_or_default(),
    ]
}

/// The village's figures as CSV (`indikator,nilai`), for the summary download.
pub fn summary_csv(report: &MonthlyReport) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record([
        "posyandu",
        "bulan",
        "S",
        "K",
        "D",
        "N",
        "T",
        "O",
        "B",
        "2T",
        "BGM",
        "diukur_tb",
        "pendek",
        "sangat_pendek",
        "ditimbang",
        "bb_kurang",
        "bb_sangat_kurang",
        "diukur_bbtb",
        "gizi_kurang",
        "gizi_buruk",
        "gizi_lebih_obesitas",
    ]);
    let rows = std::iter::once(("DESA".to_string(), &report.village))
        .chain(report.posts.iter().map(|(p, i)| (p.name.clone(), i)));
    for (name, i) in rows {
        let figures = [
            i.s,
            i.k,
            i.d,
            i.n,
            i.t,
            i.o,
            i.b,
            i.two_t,
            i.bgm,
            i.measured_height,
            i.stunted,
            i.severely_stunted,
            i.measured_weight,
            i.underweight,
            i.severely_underweight,
            i.measured_wfh,
            i.wasted,
            i.severely_wasted,
            i.overweight,
        ];
        let mut record = vec![name, i.month.clone()];
        record.extend(figures.iter().map(u32::to_string));
        let _ = out.write_record(&record);
    }
    out.into_inner().unwrap_or_default()
}
