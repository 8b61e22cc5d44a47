//! The children a nakes should see this month: stunted, wasted or
//! underweight at their latest weighing, not gaining weight at two sessions
//! in a row (2T), or absent from their post's last two sessions.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{Child, FollowUp, Weighing, first_day, previous_month};
use super::operations::{self as ops, MAX_AGE_DAYS};
use super::zscore::Indicator;
use crate::store::Store;

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// TB/U < −2 SD.
    Stunted,
    /// BB/TB < −2 SD.
    Wasted,
    /// BB/U < −2 SD.
    Underweight,
    /// T at the post's last two sessions.
    NotGaining,
    /// Absent from the post's last two sessions.
    MissedTwo,
}

impl Reason {
    pub fn key(self) -> &'static str {
        match self {
            Reason::Stunted => "posyandu.risk.stunted",
            Reason::Wasted => "posyandu.risk.wasted",
            Reason::Underweight => "posyandu.risk.underweight",
            Reason::NotGaining => "posyandu.risk.not_gaining",
            Reason::MissedTwo => "posyandu.risk.missed_two",
        }
    }
}

/// Which children to look at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub posyandu_id: Option<String>,
    pub dusun: Option<String>,
}

impl Scope {
    fn admits(&self, child: &Child) -> bool {
        self.posyandu_id.as_ref().is_none_or(|p| *p == child.posyandu_id)
            && self.dusun.as_ref().is_none_or(|d| d.eq_ignore_ascii_case(&child.dusun))
    }
}

#[derive(Clone, Debug)]
pub struct AtRisk {
    pub child: Child,
    pub reasons: Vec<Reason>,
    /// The weighing the status comes from (this month's, else the latest of the window).
    pub latest: Option<Weighing>,
    pub followed_up: Option<FollowUp>,
}

/// The weighings of a month and the two before it, and which posts held a
/// session in each: everything the list and the report need, read through
/// the month index only.
pub struct Window {
    /// Newest first: `[month, month−1, month−2]`.
    pub months: Vec<String>,
    pub by_month: Vec<HashMap<String, Weighing>>,
    held: Vec<HashSet<String>>,
}

impl Window {
    pub fn load(store: &Store, month: &str) -> Window {
        Window::load_months(store, month, 3)
    }

    /// `count` months back from `month` (the report needs two, the list three).
    pub fn load_months(store: &Store, month: &str, count: usize) -> Window {
        let mut months = vec![month.to_string()];
        while months.len() < count.max(1) {
            let before = months.last().and_then(|m| previous_month(m)).unwrap_or_default();
            months.push(before);
        }
        let by_month: Vec<HashMap<String, Weighing>> = months
            .iter()
            .map(|m| ops::weighings_in_month(store, m).into_iter().map(|w| (w.child_id.clone(), w)).collect())
            .collect();
        let held = by_month.iter().map(|ws| ws.values().map(|w| w.posyandu_id.clone()).collect()).collect();
        Window { months, by_month, held }
    }

    /// Indexes (into `months`) of the post's last two sessions in the window.
    fn last_two_sessions(&self, posyandu_id: &str) -> Vec<usize> {
        (0..self.months.len()).filter(|i| self.held[*i].contains(posyandu_id)).take(2).collect()
    }

    pub fn this_month(&self, child_id: &str) -> Option<&Weighing> {
        self.by_month[0].get(child_id)
    }
}

/// A child the post follows during the month: registered, born by its end,
/// under five at its start, not gone before it began.
pub fn followed_in(child: &Child, month: &str) -> bool {
    let Some(start) = first_day(month) else { return false };
    let end = start.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(start);
    child.birth_date <= end
        && (start - child.birth_date).num_days() <= MAX_AGE_DAYS
        && child.left_on.is_none_or(|left| left >= start)
}

/// The reasons one child is at risk in the window.
pub fn reasons(child: &Child, window: &Window) -> (Vec<Reason>, Option<Weighing>) {
    let sessions = window.last_two_sessions(&child.posyandu_id);
    let weighed: Vec<Option<&Weighing>> = sessions.iter().map(|i| window.by_month[*i].get(&child.id)).collect();
    let latest = window.this_month(&child.id).or_else(|| weighed.iter().flatten().next().copied()).cloned();
    let mut reasons = Vec::new();
    // Length is not measured every month: each status comes from the latest
    // weighing in the window that has it.
    let latest_z =
        |indicator: Indicator| window.by_month.iter().filter_map(|m| m.get(&child.id)).find_map(|w| w.z.get(indicator));
    for (indicator, reason) in
        [(Indicator::Haz, Reason::Stunted), (Indicator::Whz, Reason::Wasted), (Indicator::Waz, Reason::Underweight)]
    {
        if latest_z(indicator).is_some_and(|z| z < -2.0) {
            reasons.push(reason);
        }
    }
    if weighed.len() == 2 && weighed.iter().all(|w| w.and_then(|w| w.gain).is_some_and(|g| !g.naik)) {
        reasons.push(Reason::NotGaining);
    }
    let due_both = sessions.last().and_then(|i| first_day(&window.months[*i])).is_some_and(|d| child.birth_date < d);
    if weighed.len() == 2 && weighed.iter().all(Option::is_none) && due_both {
        reasons.push(Reason::MissedTwo);
    }
    (reasons, latest)
}

/// The at-risk list of a month, worst first (most reasons), then by name.
pub fn at_risk(store: &Store, month: &str, scope: &Scope) -> Vec<AtRisk> {
    let window = Window::load(store, month);
    let follow_ups: HashMap<String, FollowUp> =
        ops::follow_ups_in(store, month).into_iter().map(|f| (f.child_id.clone(), f)).collect();
    // One post's children come through its index; a dusun or the village needs all.
    let children = match &scope.posyandu_id {
        Some(id) => ops::children_in(store, id),
        None => ops::all_children(store),
    };
    let mut list: Vec<AtRisk> = children
        .into_iter()
        .filter(|c| scope.admits(c) && followed_in(c, month))
        .filter_map(|child| {
            let (reasons, latest) = reasons(&child, &window);
            (!reasons.is_empty()).then(|| AtRisk {
                followed_up: follow_ups.get(&child.id).cloned(),
                child,
                reasons,
                latest,
            })
        })
        .collect();
    list.sort_by(|a, b| b.reasons.len().cmp(&a.reasons.len()).then_with(|| a.child.name.cmp(&b.child.name)));
    list
}

/// Today's month, `YYYY-MM`.
pub fn current_month(today: NaiveDate) -> String {
    super::model::month_of(today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posyandu::model::{Posyandu, Sex};
    use crate::posyandu::operations::{SessionError, SessionRow, record_session, save_child, save_posyandu};
    use crate::posyandu::report::indicators;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn child(post: &str, name: &str, birth: &str) -> Child {
        Child {
            id: String::new(),
            posyandu_id: post.into(),
            name: name.into(),
            sex: Sex::Male,
            birth_date: d(birth),
            nik: None,
            resident_id: None,
            mother_name: "Ibu".into(),
            mother_nik: None,
            father_name: String::new(),
            parent_phone: None,
            dusun: "Krajan".into(),
            birth_weight_kg: None,
            birth_length_cm: None,
            left_on: None,
        }
    }

    fn row(id: &str, weight: &str, length: &str) -> SessionRow {
        SessionRow { child_id: id.into(), weight: weight.into(), length: length.into(), ..Default::default() }
    }

    #[test]
    fn three_sessions_make_the_list_and_the_figures() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let today = d("2026-06-20");
        let post = Posyandu {
            id: String::new(),
            name: "Melati".into(),
            dusun: "Krajan".into(),
            address: String::new(),
            kader: vec![],
            day_of_month: Some(10),
        };
        let post = save_posyandu(&store, "t", post).unwrap();
        let well = save_child(&store, "t", child(&post.id, "Sehat", "2025-01-05"), today).unwrap();
        let flat = save_child(&store, "t", child(&post.id, "Datar", "2024-02-01"), today).unwrap();
        let away = save_child(&store, "t", child(&post.id, "Absen", "2024-09-01"), today).unwrap();
        let session = |date: &str, rows: &[SessionRow]| record_session(&store, "kader", &post.id, d(date), rows, today);
        session("2026-04-10", &[row(&well.id, "9,0", "76"), row(&flat.id, "11", "82"), row(&away.id, "10", "78")])
            .unwrap();
        session("2026-05-10", &[row(&well.id, "9,3", ""), row(&flat.id, "11,0", "")]).unwrap();
        // The whole form is refused for one bad line, and nothing is written.
        match session("2026-06-10", &[row(&well.id, "9,6", ""), row(&flat.id, "10900", "")]) {
            Err(SessionError::Rows(rows)) => assert_eq!((rows.len(), rows[0].field), (1, "weight")),
            other => panic!("{other:?}"),
        }
        assert!(ops::weighings_in_month(&store, "2026-06").is_empty());
        assert_eq!(session("2026-06-10", &[row(&well.id, "9,6", ""), row(&flat.id, "10,9", "")]).unwrap(), 2);
        assert_eq!(ops::weighings_in_month(&store, "2026-05").len(), 2);

        let list = at_risk(&store, "2026-06", &Scope::default());
        let reasons = |id: &str| list.iter().find(|a| a.child.id == id).map(|a| a.reasons.clone()).unwrap_or_default();
        assert!(reasons(&well.id).is_empty());
        assert!(reasons(&flat.id).contains(&Reason::NotGaining) && reasons(&flat.id).contains(&Reason::Stunted));
        assert_eq!(reasons(&away.id), vec![Reason::MissedTwo]);
        let other_dusun = Scope { dusun: Some("Lor".into()), ..Default::default() };
        assert!(at_risk(&store, "2026-06", &other_dusun).is_empty());

        let figures = indicators(&store, "2026-06");
        assert_eq!((figures.s, figures.d, figures.n, figures.t, figures.two_t), (3, 2, 1, 1, 1));
        assert_eq!((figures.o, figures.b), (0, 0));
        let april = indicators(&store, "2026-04");
        assert_eq!((april.d, april.b, april.n + april.t), (3, 3, 0));
    }
}
