//! Posyandu benchmark: WHO z-scores per second, then a village of 3,000
//! children with five years of monthly weighings in a fresh store, and the
//! time of the at-risk list and the monthly report on it (median of 9 runs,
//! each a cold read through the store). Run in release:
//! `cargo run --release -p balai --example bench_posyandu [-- CHILDREN MONTHS]`

use balai::posyandu::model::{Sex, month_of};
use balai::posyandu::zscore::{Measurement, Position, zscores};
use balai::posyandu::{demo, report, risk};
use balai::store::Store;
use std::time::Instant;

fn median_ms(runs: usize, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], n)
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let children = args.next().flatten().unwrap_or(3000);
    let months = args.next().flatten().unwrap_or(60) as u32;

    // 1. z-scores: all four indicators per measurement, ages and sizes varied.
    let count = 1_000_000;
    let t = Instant::now();
    let mut defined = 0usize;
    for i in 0..count {
        let age = (i % 1827) as f64;
        let m = Measurement {
            sex: if i % 2 == 0 { Sex::Male } else { Sex::Female },
            age_days: age,
            weight_kg: Some(3.0 + age / 120.0 + (i % 7) as f64 * 0.1),
            length_cm: Some(50.0 + age / 30.0 + (i % 5) as f64 * 0.3),
            position: Some(if age < 731.0 { Position::Lying } else { Position::Standing }),
        };
        defined += usize::from(zscores(&m).haz.is_some());
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "z-scores: {count} measurements (4 indicators each) in {secs:.2} s = {:.0} measurements/s ({defined} with haz)",
        count as f64 / secs
    );

    // 2. A village: CHILDREN children, MONTHS months of weighings.
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let t = Instant::now();
    let growth = demo::synthetic(11, children, 8, today, months);
    let generated = t.elapsed().as_secs_f64();
    let t = Instant::now();
    demo::load(&store, &growth).expect("load");
    let under_five = growth.children.iter().filter(|c| (today - c.birth_date).num_days() <= 1826).count();
    println!(
        "village: {under_five} children under five now, {} over the history, {} weighings, {} posts; \
         generated in {generated:.1} s, written in {:.1} s",
        growth.children.len(),
        growth.weighings.len(),
        growth.posts.len(),
        t.elapsed().as_secs_f64()
    );
    let month = month_of(today);
    let (ms, n) = median_ms(9, || risk::Window::load(&store, &month).months.len());
    println!("  (reading the three months' weighings: median {ms:.1} ms, {n} months)");
    let (ms, n) = median_ms(9, || balai::posyandu::operations::all_children(&store).len());
    println!("  (reading every child: median {ms:.1} ms, {n} children)");
    let (ms, n) = median_ms(9, || risk::at_risk(&store, &month, &risk::Scope::default()).len());
    println!("at-risk list ({month}, whole village): {n} children at risk, median {ms:.1} ms");
    let scope = risk::Scope { posyandu_id: Some(growth.posts[0].id.clone()), dusun: None };
    let (ms, n) = median_ms(9, || risk::at_risk(&store, &month, &scope).len());
    println!("at-risk list (one posyandu): {n} children, median {ms:.1} ms");
    let (ms, d) = median_ms(9, || report::monthly(&store, &month).village.d as usize);
    println!("monthly report ({month}, village and every post): D = {d}, median {ms:.1} ms");
    let (ms, _) = median_ms(9, || report::stunting_trend(&store, &month, 12).len());
    println!("stunting trend, 12 months: median {ms:.1} ms");
    let (ms, bytes) = median_ms(9, || report::by_name_csv(&store, &month).len());
    println!("e-PPGBM by-name CSV ({bytes} bytes): median {ms:.1} ms");
    immunization_coverage(&store, &growth, today);
}

/// Every national dose on schedule for nine children in ten, then coverage
/// per dose and month over 12 and 60 months.
fn immunization_coverage(store: &Store, growth: &demo::DemoGrowth, today: chrono::NaiveDate) {
    use balai::immunization::{model::Immunization, operations, schedule};
    use balai::store::Change;
    let doses: Vec<Change> = growth
        .children
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .flat_map(|(_, c)| {
            schedule::schedule().iter().filter(|d| d.national).filter_map(move |dose| {
                let on = c.birth_date.checked_add_months(chrono::Months::new(dose.month))?;
                let record = Immunization {
                    id: format!("{}-{}", c.id, dose.code()),
                    child_id: c.id.clone(),
                    antigen: dose.antigen.clone(),
                    dose: dose.dose,
                    given_on: on,
                    place: String::new(),
                    batch: None,
                    recorded_by: "bench".into(),
                    recorded_at: chrono::Utc::now(),
                };
                (on <= today).then(|| Change::put(&record).expect("encode"))
            })
        })
        .collect();
    let given = doses.len();
    store.commit_batch("bench", doses, 2000).expect("doses");
    let first = today.checked_sub_months(chrono::Months::new(59)).expect("date");
    for count in [12, 60] {
        let months =
            operations::months(first.checked_add_months(chrono::Months::new(60 - count)).expect("date"), count);
        let (ms, rows) = median_ms(9, || operations::coverage(store, &months).len());
        println!("immunization coverage ({given} doses, {count} months): {rows} rows, median {ms:.1} ms");
    }
}
