//! Population statistics (pyramid, per dusun/RT, religion, education,
//! occupation, marital status) and the staff dashboard. Computed from the
//! register and kept until the next write, since every write moves the log.

use super::codes::Table;
use super::model::{Family, Resident};
use super::views;
use crate::app::App;
use crate::http::pages::{local_time, ok, shell};
use crate::http::registry::{Endpoint, get};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{ActivityItem, DashboardCounts, DashboardProps, Lang, NavItem, StatisticsProps};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn endpoints() -> Vec<Endpoint> {
    vec![get("/dashboard", web::get().to(dashboard)), get("/statistics", web::get().to(statistics))]
}

/// Counts over living residents (status HIDUP), by code or by place.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    pub residents: u64,
    pub families: u64,
    pub males: u64,
    pub females: u64,
    pub by_status: BTreeMap<u8, u64>,
    /// Five-year groups 0–4 … 70–74, then 75+: (male, female).
    pub pyramid: Vec<(u64, u64)>,
    pub per_dusun: BTreeMap<String, u64>,
    pub per_rt: BTreeMap<String, u64>,
    pub religion: BTreeMap<u8, u64>,
    pub education: BTreeMap<u8, u64>,
    pub occupation: BTreeMap<u8, u64>,
    pub marital: BTreeMap<u8, u64>,
}

const GROUPS: usize = 16;

pub fn compute(residents: impl Iterator<Item = Resident>, families: usize) -> Stats {
    let today = super::model::today();
    let mut s = Stats { families: families as u64, pyramid: vec![(0, 0); GROUPS], ..Default::default() };
    for r in residents {
        *s.by_status.entry(r.status).or_default() += 1;
        if r.status != 1 {
            continue;
        }
        s.residents += 1;
        let group = (views::age(r.birth_date, today) as usize / 5).min(GROUPS - 1);
        if r.sex == 2 {
            s.females += 1;
            s.pyramid[group].1 += 1;
        } else {
            s.males += 1;
            s.pyramid[group].0 += 1;
        }
        *s.per_dusun.entry(r.dusun.clone()).or_default() += 1;
        // RW numbers are unique in a village and RT numbers within their RW.
        *s.per_rt.entry(format!("RW {} · RT {}", r.rw, r.rt)).or_default() += 1;
        *s.religion.entry(r.religion).or_default() += 1;
        *s.education.entry(r.education).or_default() += 1;
        *s.occupation.entry(r.occupation).or_default() += 1;
        *s.marital.entry(r.marital_status).or_default() += 1;
    }
    s
}

/// The statistics as of the latest write, computed at most once per write.
pub fn current(app: &App) -> Arc<Stats> {
    let seq = app.store.last_seq().unwrap_or(0);
    let mut cache = app.stats.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((at, stats)) = cache.as_ref()
        && *at == seq
    {
        return stats.clone();
    }
    let residents = app.store.scan::<Resident>().filter_map(Result::ok);
    let stats = Arc::new(compute(residents, app.store.count::<Family>()));
    *cache = Some((seq, stats.clone()));
    stats
}

pub fn dusun_names(app: &App) -> Vec<String> {
    current(app).per_dusun.keys().filter(|d| !d.is_empty()).cloned().collect()
}

fn coded(map: &BTreeMap<u8, u64>, table: Table, lang: Lang, top: usize) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = map.iter().map(|(c, n)| (views::label(table, *c, lang), *n)).collect();
    list.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    list.truncate(top);
    list
}

fn group_label(i: usize) -> String {
    if i == GROUPS - 1 { format!("{}+", i * 5) } else { format!("{}–{}", i * 5, i * 5 + 4) }
}

async fn statistics(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let lang = crate::http::pages::lang(&req);
    let s = current(&app);
    let props = StatisticsProps {
        shell: shell(&req),
        as_of: local_time(&req, chrono::Utc::now()),
        pyramid: s.pyramid.iter().enumerate().map(|(i, (m, f))| (group_label(i), *m, *f)).collect(),
        per_dusun: s.per_dusun.iter().map(|(d, n)| (d.clone(), *n)).collect(),
        per_rt: s.per_rt.iter().map(|(d, n)| (d.clone(), *n)).collect(),
        religion: coded(&s.religion, Table::Agama, lang, 20),
        education: coded(&s.education, Table::PendidikanKk, lang, 20),
        occupation: coded(&s.occupation, Table::Pekerjaan, lang, 10),
        marital: coded(&s.marital, Table::StatusKawin, lang, 10),
    };
    ok(balai_ui::render_statistics(props))
}

async fn dashboard(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let lang = crate::http::pages::lang(&req);
    let s = current(&app);
    let shell = shell(&req);
    let shortcuts: Vec<NavItem> = shell.nav.iter().filter(|n| n.href != "/dashboard").cloned().collect();
    let recent = app
        .store
        .log_rev()
        .filter_map(Result::ok)
        .filter(|e| e.op != crate::store::Op::View && e.entity != "session")
        .take(10)
        .map(|e| ActivityItem {
            time: local_time(&req, e.time),
            actor: e.actor.clone(),
            text: format!(
                "{} {} {}",
                balai_ui::t(lang, &format!("audit.op.{}", format!("{:?}", e.op).to_lowercase())),
                crate::http::pages::entity_label(lang, &e.entity),
                e.detail
            ),
        })
        .collect();
    let props = DashboardProps {
        shell,
        counts: DashboardCounts { residents: s.residents, families: s.families, males: s.males, females: s.females },
        by_status: s.by_status.iter().map(|(c, n)| (views::label(Table::StatusDasar, *c, lang), *n)).collect(),
        shortcuts,
        recent,
        letters: crate::letters::views::dashboard_figures(&app),
        queue: crate::queue::routes::dashboard_figures(&app, lang),
        backup: crate::backup::routes::dashboard_notice(&req, &app),
    };
    ok(balai_ui::render_dashboard(props))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_living_residents_by_group_place_and_code() {
        let (families, mut residents) = super::super::demo::generate(7, 40);
        residents[0].status = 2; // died: counted by status only
        let living = residents.iter().filter(|r| r.status == 1).count() as u64;
        let s = compute(residents.clone().into_iter(), families.len());
        assert_eq!(s.residents, living);
        assert_eq!(s.males + s.females, living);
        assert_eq!(s.pyramid.len(), GROUPS);
        assert_eq!(s.pyramid.iter().map(|(m, f)| m + f).sum::<u64>(), living);
        assert_eq!(s.per_dusun.values().sum::<u64>(), living);
        assert_eq!(s.per_rt.values().sum::<u64>(), living);
        assert_eq!(s.religion.values().sum::<u64>(), living);
        assert_eq!(s.by_status.get(&2), Some(&1));
        assert_eq!(s.families, families.len() as u64);
        assert!(s.per_rt.keys().all(|k| k.starts_with("RW ") && k.contains(" · RT ")));
        assert_eq!(group_label(0), "0–4");
        assert_eq!(group_label(GROUPS - 1), "75+");
    }
}
