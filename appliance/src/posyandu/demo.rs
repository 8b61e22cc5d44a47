//! Growth data for the demo village and the benchmark: posts, children and
//! monthly weighings that look like a real Indonesian village's (about one
//! child in five stunted, some who stop gaining, some who miss a session).
//! Deterministic for a seed; every z-score is computed by `zscore`.

use chrono::{Datelike, Months, NaiveDate};

use super::kbm;
use super::model::{Child, Posyandu, Sex, Weighing, month_of};
use super::operations::{MAX_AGE_DAYS, usual_position};
use super::zscore::{Indicator, Measurement, value_at, zscores};
use crate::residents::model::Resident;
use crate::store::{Change, Store, StoreError};

#[derive(Default)]
pub struct DemoGrowth {
    pub posts: Vec<Posyandu>,
    pub children: Vec<Child>,
    pub weighings: Vec<Weighing>,
}

/// SplitMix64, as the residents' demo uses: stable across crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Roughly normal (sum of four uniforms), mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        ((0..4).map(|_| self.unit()).sum::<f64>() - 2.0) * 3f64.sqrt()
    }
}

fn post(index: usize, dusun: &str) -> Posyandu {
    const NAMES: [&str; 8] = ["Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Teratai", "Seruni", "Asoka"];
    Posyandu {
        id: format!("psy-demo-{:02}", index + 1),
        name: format!("Posyandu {}", NAMES[index % NAMES.len()]),
        dusun: dusun.to_string(),
        address: format!("Balai {dusun}"),
        kader: vec![],
        day_of_month: Some(10),
    }
}

/// The demo village's posts (one per dusun) and its children under five,
/// linked to the register, with `months` months of weighings up to `today`.
pub fn from_residents(seed: u64, residents: &[Resident], today: NaiveDate, months: u32) -> DemoGrowth {
    let mut dusuns: Vec<&str> = residents.iter().map(|r| r.dusun.as_str()).collect();
    dusuns.sort_unstable();
    dusuns.dedup();
    let posts: Vec<Posyandu> = dusuns.iter().enumerate().map(|(i, d)| post(i, d)).collect();
    let mut rng = Rng(seed);
    let mut out = DemoGrowth::default();
    let under_five = residents.iter().filter(|r| r.status == 1 && (today - r.birth_date).num_days() <= MAX_AGE_DAYS);
    // Every fifth child is not yet registered at a post, as in a real village,
    // so registering a child by NIK from the register can be shown too.
    for r in under_five.enumerate().filter(|(i, _)| i % 5 != 4).map(|(_, r)| r) {
        let Some(post) = posts.iter().find(|p| p.dusun == r.dusun) else { continue };
        let child = Child {
            id: format!("anak-{}", r.id),
            posyandu_id: post.id.clone(),
            name: r.name.clone(),
            sex: if r.sex == 1 { Sex::Male } else { Sex::Female },
            birth_date: r.birth_date,
            nik: Some(r.nik.clone()),
            resident_id: Some(r.id.clone()),
            mother_name: r.mother_name.clone(),
            mother_nik: r.mother_nik.clone(),
            father_name: r.father_name.clone(),
            parent_phone: None,
            dusun: r.dusun.clone(),
            birth_weight_kg: None,
            birth_length_cm: None,
            left_on: None,
        };
        out.weighings.extend(weighings_for(&mut rng, &child, today, months));
        out.children.push(child);
    }
    out.posts = posts;
    out
}

/// A synthetic village with `children` balita today over `posts` posts and
/// `months` months of history, for the benchmark: births spread evenly over
/// the five years before today and the `months` before that, so the older
/// children aged out during the history, as in a real village.
pub fn synthetic(seed: u64, children: usize, posts: usize, today: NaiveDate, months: u32) -> DemoGrowth {
    let mut rng = Rng(seed);
    let mut out = DemoGrowth {
        posts: (0..posts.max(1)).map(|i| post(i, &format!("Dusun {}", i + 1))).collect(),
        ..Default::default()
    };
    let span = MAX_AGE_DAYS as f64 + f64::from(months) * super::zscore::DAYS_PER_MONTH;
    let total = (children as f64 * span / MAX_AGE_DAYS as f64).round() as usize;
    for i in 0..total {
        let post = &out.posts[i % out.posts.len()];
        let born = today - chrono::Duration::days((rng.unit() * span) as i64);
        let child = Child {
            id: format!("anak-b{i:05}"),
            posyandu_id: post.id.clone(),
            name: format!("Anak {i}"),
            sex: if rng.unit() < 0.5 { Sex::Male } else { Sex::Female },
            birth_date: born,
            nik: None,
            resident_id: None,
            mother_name: format!("Ibu {i}"),
            mother_nik: None,
            father_name: String::new(),
            parent_phone: None,
            dusun: post.dusun.clone(),
            birth_weight_kg: None,
            birth_length_cm: None,
            left_on: None,
        };
        out.weighings.extend(weighings_for(&mut rng, &child, today, months));
        out.children.push(child);
    }
    out
}

/// Monthly weighings on day 10 of each of the last `months` months.
fn weighings_for(rng: &mut Rng, child: &Child, today: NaiveDate, months: u32) -> Vec<Weighing> {
    let z_height = -0.9 + 1.1 * rng.normal();
    let mut z_weight = 0.6 * z_height - 0.3 + 0.7 * rng.normal();
    let mut out: Vec<Weighing> = Vec::new();
    let first = today.with_day(1).unwrap_or(today);
    for back in (0..months).rev() {
        let Some(date) = (first - Months::new(back)).with_day(10).filter(|d| *d <= today) else { continue };
        let age = (date - child.birth_date).num_days();
        if !(1..=MAX_AGE_DAYS).contains(&age) || rng.unit() < 0.08 {
            continue;
        }
        if rng.unit() < 0.07 {
            z_weight -= 0.35;
        } else if z_weight < 0.6 * z_height - 0.3 {
            z_weight += 0.1;
        }
        let weight = value_at(Indicator::Waz, child.sex, age, z_weight + 0.05 * rng.normal());
        let length = value_at(Indicator::Haz, child.sex, age, z_height + 0.05 * rng.normal());
        let (Some(weight), Some(length)) = (weight, length) else { continue };
        let weight = (weight * 10.0).round() / 10.0;
        let length = (length * 10.0).round() / 10.0;
        let position = usual_position(age);
        let z = zscores(&Measurement {
            sex: child.sex,
            age_days: age as f64,
            weight_kg: Some(weight),
            length_cm: Some(length),
            position: Some(position),
        });
        if z.needs_remeasure() {
            continue;
        }
        let month = month_of(date);
        let previous = out.last().filter(|p| Some(p.month.as_str()) == super::model::previous_month(&month).as_deref());
        let gain = previous.and_then(|p| kbm::gain(p, weight, age));
        out.push(Weighing {
            id: Weighing::id_for(&child.id, &month),
            child_id: child.id.clone(),
            posyandu_id: child.posyandu_id.clone(),
            date,
            month,
            age_days: age,
            weight_kg: weight,
            length_cm: Some(length),
            position: Some(position),
            head_cm: None,
            arm_cm: None,
            z,
            gain,
            recorded_by: "demo".into(),
        });
    }
    out
}

/// Writes generated growth data in one all-or-nothing batch.
pub fn load(store: &Store, growth: &DemoGrowth) -> Result<(), StoreError> {
    let mut changes = Vec::with_capacity(growth.posts.len() + growth.children.len() + growth.weighings.len());
    for p in &growth.posts {
        changes.push(Change::put(p)?);
    }
    for c in &growth.children {
        changes.push(Change::put(c)?);
    }
    for w in &growth.weighings {
        changes.push(Change::put(w)?);
    }
    store.commit_batch("demo", changes, 2000)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_village_has_a_year_of_plausible_weighings() {
        let (_, residents) = crate::residents::demo::generate(7, 600);
        let today = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
        let growth = from_residents(7, &residents, today, 12);
        assert!(growth.posts.len() >= 2 && growth.children.len() > 50, "{} children", growth.children.len());
        assert!(growth.weighings.len() > growth.children.len() * 6);
        assert!(growth.weighings.iter().all(|w| !w.z.needs_remeasure() && w.date <= today));
        let measured: Vec<f64> = growth.weighings.iter().filter_map(|w| w.z.haz).collect();
        let stunted = measured.iter().filter(|z| **z < -2.0).count() as f64 / measured.len() as f64;
        assert!((0.1..0.4).contains(&stunted), "stunting share {stunted}");
        assert!(growth.weighings.iter().any(|w| w.gain.is_some_and(|g| !g.naik)));
        assert!(growth.weighings.iter().any(|w| w.gain.is_some_and(|g| g.naik)));
    }
}
