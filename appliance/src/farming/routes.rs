//! GET /pertanian: every field with a sensor, its latest conditions, advice
//! and daily charts over 7 and 30 days.

use super::advice::{Advice, advise};
use super::operations::plan;
use crate::app::App;
use crate::devices::model::PlaceKind;
use crate::http::pages::{self, ok, shell};
use crate::http::registry::{Endpoint, get};
use crate::telemetry::model::Measure;
use crate::telemetry::series::{DAY_MS, Resolution, Series};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::charts::{RangePoint, range_chart};
use balai_ui::{FarmingProps, FieldCard, Lang, t, tf};
use std::collections::BTreeMap;

pub fn endpoints() -> Vec<Endpoint> {
    vec![get("/pertanian", web::get().to(page))]
}

async fn page(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let lang = pages::lang(&req);
    let Ok(series) = Series::open(&app.store) else { return pages::error_page(&req, 500, "error.internal") };
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in crate::devices::operations::list(&app.store).into_iter().filter(|d| d.place_kind == PlaceKind::Field) {
        fields.entry(d.place.clone()).or_default().push(d.id);
    }
    let now = chrono::Utc::now().timestamp_millis();
    let cards = fields.into_iter().map(|(place, ids)| card(&req, &app, &series, lang, &place, &ids, now)).collect();
    ok(balai_ui::render_farming(FarmingProps { shell: shell(&req), fields: cards }))
}

fn unit(m: Measure) -> &'static str {
    match m {
        Measure::SoilMoisture | Measure::Humidity => " %",
        Measure::SoilTemp | Measure::AirTemp => " °C",
        Measure::Rain => " mm",
        Measure::WaterLevel => " cm",
    }
}

fn card(req: &HttpRequest, app: &App, series: &Series, lang: Lang, place: &str, ids: &[String], now: i64) -> FieldCard {
    // the newest value of each measure across the field's devices
    let mut latest: BTreeMap<Measure, (i64, f64)> = BTreeMap::new();
    for id in ids {
        for (m, at, v) in series.latest(id).unwrap_or_default() {
            if latest.get(&m).is_none_or(|(t0, _)| at > *t0) {
                latest.insert(m, (at, v));
            }
        }
    }
    let plan = plan(&app.store, place);
    let advice = plan.as_ref().and_then(|p| {
        advise(p.crop, latest.get(&Measure::SoilMoisture).map(|x| x.1), latest.get(&Measure::WaterLevel).map(|x| x.1))
    });
    let mut charts = Vec::new();
    for m in latest.keys() {
        let threshold =
            (*m == Measure::SoilMoisture).then(|| plan.as_ref().map(|p| p.crop.irrigate_below_pct())).flatten();
        for (days, key) in [(7, "farming.chart.7"), (30, "farming.chart.30")] {
            let points: Vec<RangePoint> = ids
                .iter()
                .flat_map(|id| series.query(id, *m, Resolution::Day, now - days * DAY_MS, now + 1).unwrap_or_default())
                .map(|p| RangePoint {
                    label: chrono::DateTime::from_timestamp_millis(p.at_ms)
                        .map(|t| t.format("%d-%m").to_string())
                        .unwrap_or_default(),
                    min: p.min,
                    avg: p.avg,
                    max: p.max,
                })
                .collect();
            let measure = t(lang, &format!("farming.measure.{}", m.key()));
            charts.push(range_chart(&tf(lang, key, &[("measure", &measure)]), unit(*m).trim(), &points, threshold));
        }
    }
    FieldCard {
        place: place.to_string(),
        crop: plan.as_ref().map(|p| t(lang, &format!("farming.crop.{}", p.crop.code()))).unwrap_or_default(),
        advice: advice.map(advice_code).unwrap_or_default().to_string(),
        advice_text: advice.map(|a| t(lang, &format!("farming.advice.{}", advice_code(a)))).unwrap_or_default(),
        latest: latest
            .iter()
            .map(|(m, (at, v))| {
                let when =
                    chrono::DateTime::from_timestamp_millis(*at).map(|t| pages::local_time(req, t)).unwrap_or_default();
                (t(lang, &format!("farming.measure.{}", m.key())), format!("{v:.1}{} ({when})", unit(*m)))
            })
            .collect(),
        charts,
    }
}

fn advice_code(a: Advice) -> &'static str {
    match a {
        Advice::Irrigate => "irrigate",
        Advice::Enough => "enough",
        Advice::Wet => "wet",
    }
}
