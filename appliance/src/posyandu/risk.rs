//! The children a nakes should see this month: stunted, wasted or
//! underweight at their latest weighing, not gaining weight at two sessions
//! in a row (2T), or absent from their post's last two sessions.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{Child, FollowUp, Weighing, first_day, previous_month};
use super::operations::{self as ops, MAX_AGE_DAYS};
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
        let mut months = vec![month.to_string()];
        while months.len() < 3 {
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
    if let Some(w) = &latest {
        let below = |z: Option<f64>| z.is_some_and(|z| z < -2.0);
        if below(w.z.haz) {
            reasons.push(Reason::Stunted);
        }
        if below(w.z.whz) {
            reasons.push(Reason::Wasted);
        }
        if below(w.z.waz) {
            reasons.push(Reason::Underweight);
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
    let mut list: Vec<AtRisk> = ops::all_children(store)
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
