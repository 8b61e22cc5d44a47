//! Growth records → the display props of `balai_ui::pages::growth`.

use balai_ui::{GrowthChart, GrowthRow, Lang, ReportLine, RiskRow, t, tf};

use super::category::categorize;
use super::model::{Child, Gain, Weighing};
use super::report::Indicators;
use super::risk::AtRisk;
use super::zscore::{DAYS_PER_MONTH, Indicator, reference_curve};

/// A decimal as Indonesians write it ("8,45"), with a real minus sign.
pub fn decimal(lang: Lang, value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}").replace('-', "−");
    if lang == Lang::Id { text.replace('.', ",") } else { text }
}

fn z_text(lang: Lang, indicator: Indicator, z: Option<f64>) -> String {
    match z {
        Some(z) => format!("{} ({})", decimal(lang, z, 2), t(lang, categorize(indicator, z).key())),
        None => "–".into(),
    }
}

pub fn gain_text(lang: Lang, gain: Option<Gain>) -> String {
    match gain {
        Some(g) => tf(
            lang,
            if g.naik { "growth.gain.n" } else { "growth.gain.t" },
            &[("grams", &format!("{:+}", g.grams)), ("kbm", &g.minimum_grams.to_string())],
        ),
        None => String::new(),
    }
}

pub fn age_text(lang: Lang, age_days: i64) -> String {
    let months = (age_days as f64 / DAYS_PER_MONTH).floor() as i64;
    tf(
        lang,
        "posyandu.child.age_value",
        &[("years", &(months / 12).to_string()), ("months", &(months % 12).to_string())],
    )
}

pub fn growth_row(lang: Lang, w: &Weighing) -> GrowthRow {
    GrowthRow {
        date: w.date.format("%d-%m-%Y").to_string(),
        age: age_text(lang, w.age_days),
        weight: decimal(lang, w.weight_kg, 2),
        length: w.length_cm.map(|l| decimal(lang, l, 1)).unwrap_or_default(),
        position: w
            .position
            .map(|p| t(lang, if p.code() == "L" { "growth.position.lying" } else { "growth.position.standing" }))
            .unwrap_or_default(),
        waz: z_text(lang, Indicator::Waz, w.z.waz),
        haz: z_text(lang, Indicator::Haz, w.z.haz),
        whz: z_text(lang, Indicator::Whz, w.z.whz),
        baz: z_text(lang, Indicator::Baz, w.z.baz),
        gain: gain_text(lang, w.gain),
        gain_ok: w.gain.map(|g| g.naik),
    }
}

/// The KMS charts of a child: weight-for-age and length/height-for-age with
/// WHO's −3, −2, 0, +2, +3 SD curves, over the first two years or all five.
pub fn charts(lang: Lang, child: &Child, weighings: &[Weighing]) -> (GrowthChart, GrowthChart) {
    let last_age = weighings.iter().map(|w| w.age_days).max().unwrap_or(0);
    let x_max = if (last_age as f64) < 23.0 * DAYS_PER_MONTH { 24.0 } else { 60.0 };
    let month = |w: &Weighing| w.age_days as f64 / DAYS_PER_MONTH;
    let chart = |indicator: Indicator, title: &str, y: &str, points: Vec<(f64, f64)>| GrowthChart {
        title: t(lang, title),
        x_label: t(lang, "growth.chart.x"),
        y_label: t(lang, y),
        x_max,
        curves: [-3i8, -2, 0, 2, 3]
            .into_iter()
            .map(|k| (k, reference_curve(indicator, child.sex, f64::from(k))))
            .map(|(k, c)| (k, c.into_iter().filter(|(m, _)| *m <= x_max).collect()))
            .collect(),
        points,
    };
    let weights = weighings.iter().map(|w| (month(w), w.weight_kg)).collect();
    let lengths = weighings.iter().filter_map(|w| w.z.length_used_cm.map(|l| (month(w), l))).collect();
    (
        chart(Indicator::Waz, "growth.chart.weight", "growth.chart.kg", weights),
        chart(Indicator::Haz, "growth.chart.height", "growth.chart.cm", lengths),
    )
}

pub fn risk_row(lang: Lang, item: &AtRisk, posyandu: &str, month_start: chrono::NaiveDate) -> RiskRow {
    let latest = item
        .latest
        .as_ref()
        .map(|w| {
            let length = w.z.haz.map(|z| format!(", TB/U {}", decimal(lang, z, 2))).unwrap_or_default();
            tf(
                lang,
                "growth.risk.latest",
                &[
                    ("date", &w.date.format("%d-%m-%Y").to_string()),
                    ("weight", &decimal(lang, w.weight_kg, 2)),
                    ("length", &length),
                ],
            )
        })
        .unwrap_or_default();
    let followed_up = item
        .followed_up
        .as_ref()
        .map(|f| {
            tf(
                lang,
                "growth.risk.followed",
                &[("by", &f.by), ("date", &f.on.format("%d-%m-%Y").to_string()), ("note", &f.note)],
            )
        })
        .unwrap_or_default();
    RiskRow {
        child_id: item.child.id.clone(),
        name: item.child.name.clone(),
        posyandu: posyandu.to_string(),
        dusun: item.child.dusun.clone(),
        age: age_text(lang, (month_start - item.child.birth_date).num_days()),
        reasons: item.reasons.iter().map(|r| t(lang, r.key())).collect(),
        latest,
        parent_phone: item.child.parent_phone.clone().unwrap_or_default(),
        followed_up,
    }
}

fn share(lang: Lang, permille: Option<u32>) -> String {
    permille.map(|p| format!("{}%", decimal(lang, f64::from(p) / 10.0, 1))).unwrap_or_else(|| "–".into())
}

pub fn report_line(lang: Lang, name: String, i: &Indicators) -> ReportLine {
    let counted = |n: u32, of: u32| format!("{n} ({})", share(lang, (of > 0).then(|| n * 1000 / of.max(1))));
    ReportLine {
        name,
        figures: vec![
            i.s.to_string(),
            i.d.to_string(),
            i.n.to_string(),
            i.t.to_string(),
            i.o.to_string(),
            i.b.to_string(),
            i.two_t.to_string(),
            i.bgm.to_string(),
            share(lang, i.participation_permille()),
            share(lang, i.gained_permille()),
            format!("{} / {} ({})", i.stunted, i.measured_height, share(lang, i.stunting_permille())),
            format!("{} / {} ({})", i.wasted, i.measured_wfh, share(lang, i.wasting_permille())),
            format!("{} / {} ({})", i.underweight, i.measured_weight, share(lang, i.underweight_permille())),
            counted(i.overweight, i.measured_wfh),
        ],
    }
}
