//! Recording doses, what is due at a post's next opening day, reminders and
//! coverage. The only writer of immunization records.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};

use super::model::{DoseInput, Immunization, Reminder};
use super::schedule::{self, ScheduledDose};
use crate::outbox::gsm::SMS_MAX_CHARS;
use crate::outbox::model::{Channel, NewMessage};
use crate::posyandu::model::{Child, Posyandu, parse_date};
use crate::posyandu::operations as posyandu;
use crate::residents::model::FieldError;
use crate::residents::operations::new_id;
use crate::store::{Change, Durability, Record, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ImmunizationError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A child is followed until five; doses after that are not the posyandu's.
const MAX_AGE_MONTHS: u32 = 60;

pub fn given_to(store: &Store, child_id: &str) -> Vec<Immunization> {
    let mut list: Vec<Immunization> = store.find_by("child", child_id).unwrap_or_default();
    list.sort_by(|a, b| (a.given_on, &a.antigen, a.dose).cmp(&(b.given_on, &b.antigen, b.dose)));
    list
}

/// Records a dose after checking it against the schedule and the child's
/// birth: a date before birth or after today is refused, naming the field.
pub fn record(
    store: &Store,
    actor: &str,
    child: &Child,
    input: &DoseInput,
    today: NaiveDate,
) -> Result<Immunization, ImmunizationError> {
    let mut errors = Vec::new();
    let dose = schedule::by_code(&input.dose);
    if dose.is_none() {
        errors.push(FieldError::new("dose", "health.error.unknown_dose", input.dose.trim()));
    }
    let given_on = parse_date(&input.given_on);
    match given_on {
        None => errors.push(FieldError::new("given_on", "posyandu.error.date", input.given_on.trim())),
        Some(d) if d < child.birth_date => {
            errors.push(FieldError::new("given_on", "health.error.before_birth", d.to_string()))
        }
        Some(d) if d > today => errors.push(FieldError::new("given_on", "health.error.future", d.to_string())),
        Some(_) => {}
    }
    if let Some(d) = dose
        && given_to(store, &child.id).iter().any(|g| g.antigen == d.antigen && g.dose == d.dose)
    {
        errors.push(FieldError::new("dose", "health.error.dose_recorded", d.label()));
    }
    let (Some(dose), Some(given_on), true) = (dose, given_on, errors.is_empty()) else {
        return Err(ImmunizationError::Invalid(errors));
    };
    let place = match input.place.trim() {
        "" => posyandu::posyandu(store, &child.posyandu_id).map(|p| p.name).unwrap_or_default(),
        p => p.to_string(),
    };
    let record = Immunization {
        id: new_id("imun"),
        child_id: child.id.clone(),
        antigen: dose.antigen.clone(),
        dose: dose.dose,
        given_on,
        place,
        batch: Some(input.batch.trim().to_string()).filter(|b| !b.is_empty()),
        recorded_by: actor.to_string(),
        recorded_at: Utc::now(),
    };
    let change = Change::put(&record)?.with_detail(format!("{} dose {}", record.antigen, record.dose));
    match store.commit(actor, vec![change], Durability::Durable) {
        Ok(_) => Ok(record),
        // Two phones recording the same dose at once: the unique index decides.
        Err(StoreError::Unique { .. }) => {
            Err(ImmunizationError::Invalid(vec![FieldError::new("dose", "health.error.dose_recorded", dose.label())]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The post's next opening day on or after `today` (today for a post with no set day).
pub fn next_session_day(post: &Posyandu, today: NaiveDate) -> NaiveDate {
    let Some(day) = post.day_of_month else { return today };
    let this_month = today.with_day(u32::from(day)).unwrap_or(today);
    if this_month >= today { this_month } else { this_month.checked_add_months(Months::new(1)).unwrap_or(this_month) }
}

/// Where a scheduled dose stands for one child on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoseStatus {
    Given(NaiveDate),
    /// Not yet: too young, or the previous dose is missing or too recent.
    NotYet,
    /// Due since less than a month: this session is its time.
    Due(NaiveDate),
    /// Due since a month or more: at least one session was missed.
    Overdue(NaiveDate),
    /// Past the age limit (rotavirus), or the child is past five.
    Closed,
}

/// The status of every national dose for `child` on `day`, in schedule order.
pub fn statuses(child: &Child, given: &[Immunization], day: NaiveDate) -> Vec<(&'static ScheduledDose, DoseStatus)> {
    let given_on =
        |antigen: &str, dose: u8| given.iter().find(|g| g.antigen == antigen && g.dose == dose).map(|g| g.given_on);
    let too_old = child.birth_date.checked_add_months(Months::new(MAX_AGE_MONTHS)).is_none_or(|five| day >= five);
    schedule::schedule()
        .iter()
        .filter(|d| d.national)
        .map(|d| {
            if let Some(on) = given_on(&d.antigen, d.dose) {
                return (d, DoseStatus::Given(on));
            }
            let previous = if d.dose > 1 { given_on(&d.antigen, d.dose - 1).map(Some) } else { Some(None) };
            let status = match previous {
                _ if too_old => DoseStatus::Closed,
                _ if d.upper.is_some_and(|u| day > u.after(child.birth_date)) => DoseStatus::Closed,
                None => DoseStatus::NotYet,
                Some(previous) => {
                    let by_age = child.birth_date.checked_add_months(Months::new(d.month)).unwrap_or(child.birth_date);
                    let due = previous.map_or(by_age, |p| by_age.max(d.interval.after(p)));
                    let missed = due.checked_add_months(Months::new(1)).unwrap_or(due);
                    if due > day {
                        DoseStatus::NotYet
                    } else if missed <= day {
                        DoseStatus::Overdue(due)
                    } else {
                        DoseStatus::Due(due)
                    }
                }
            };
            (d, status)
        })
        .collect()
}

/// A child with doses due or overdue at a session.
#[derive(Clone, Debug)]
pub struct DueChild {
    pub child: Child,
    pub due: Vec<&'static ScheduledDose>,
    pub overdue: Vec<&'static ScheduledDose>,
}

/// The children of a post with doses due or overdue on `day`.
pub fn due_list(store: &Store, post_id: &str, day: NaiveDate) -> Vec<DueChild> {
    posyandu::children_in(store, post_id)
        .into_iter()
        .filter(|c| c.left_on.is_none_or(|left| left > day) && c.birth_date <= day)
        .filter_map(|child| {
            let given = given_to(store, &child.id);
            let mut due = Vec::new();
            let mut overdue = Vec::new();
            for (dose, status) in statuses(&child, &given, day) {
                match status {
                    DoseStatus::Due(_) => due.push(dose),
                    DoseStatus::Overdue(_) => overdue.push(dose),
                    _ => {}
                }
            }
            (!due.is_empty() || !overdue.is_empty()).then_some(DueChild { child, due, overdue })
        })
        .collect()
}

/// What one round of reminders did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReminderSummary {
    /// SMS put in the outbox.
    pub sent: usize,
    /// Children already reminded of every due dose for this day.
    pub already: usize,
    /// Children with doses due but no usable phone number.
    pub no_phone: usize,
}

/// The reminder SMS, one per child, kept to one message.
pub fn reminder_text(child_name: &str, post: &str, day: NaiveDate, doses: &[String]) -> String {
    let head =
        format!("Yth. orang tua {child_name}: jadwal imunisasi di Posyandu {post} tgl {}: ", day.format("%d-%m-%Y"));
    let tail = ". Bawa buku KIA.";
    let mut list = doses.join(", ");
    let room = SMS_MAX_CHARS.saturating_sub(head.chars().count() + tail.chars().count());
    if list.chars().count() > room {
        list = list.chars().take(room.saturating_sub(4)).collect::<String>().trim_end_matches([',', ' ']).to_string();
        list.push_str(" dll");
    }
    format!("{head}{list}{tail}")
}

/// Sends one SMS per child with doses due at the post's next session that
/// no earlier reminder named. Claims the (child, dose, day) reminders under
/// the writer lock first, so two kaders pressing the button at once still
/// send each reminder once.
pub fn send_reminders(
    store: &Store,
    actor: &str,
    post: &Posyandu,
    today: NaiveDate,
) -> Result<ReminderSummary, ImmunizationError> {
    let day = next_session_day(post, today);
    let list = due_list(store, &post.id, day);
    let mut summary = ReminderSummary::default();
    let with_phone: Vec<(&DueChild, String)> = list
        .iter()
        .filter_map(|d| {
            let phone = d.child.parent_phone.as_deref().map(crate::outbox::model::normalize_phone);
            match phone {
                Some(Ok(p)) => Some((d, p)),
                _ => {
                    summary.no_phone += 1;
                    None
                }
            }
        })
        .collect();
    let (_, claimed) = store.commit_with(actor, Durability::Durable, |view| {
        let mut changes = Vec::new();
        let mut claimed: Vec<(&DueChild, String, Vec<String>)> = Vec::new();
        for (d, phone) in &with_phone {
            let mut fresh = Vec::new();
            for dose in d.overdue.iter().chain(&d.due) {
                let id = Reminder::key(&d.child.id, &dose.code(), day);
                if view.get::<Reminder>(&id)?.is_none() {
                    let r = Reminder {
                        id,
                        child_id: d.child.id.clone(),
                        posyandu_id: post.id.clone(),
                        day,
                        dose_code: dose.code(),
                        message_id: None,
                        at: Utc::now(),
                    };
                    changes.push(Change::put(&r)?.with_detail("reminder"));
                    fresh.push(dose.label());
                }
            }
            if !fresh.is_empty() {
                claimed.push((d, phone.clone(), fresh));
            }
        }
        Ok::<_, ImmunizationError>((changes, claimed))
    })?;
    summary.already = with_phone.len() - claimed.len();
    for (d, phone, doses) in claimed {
        let message = NewMessage {
            channel: Channel::Sms,
            to: phone,
            body: reminder_text(&d.child.name, &post.name, day, &doses),
            about: Some(format!("{}:{}", Reminder::TABLE, d.child.id)),
        };
        match crate::outbox::operations::enqueue(store, actor, message) {
            Ok(_) => summary.sent += 1,
            Err(e) => tracing::warn!(child = %d.child.id, error = %e, "no immunization reminder"),
        }
    }
    Ok(summary)
}

/// Coverage of one dose in one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageRow {
    /// The first day of the month.
    pub month: NaiveDate,
    pub antigen: String,
    pub dose: u8,
    /// Doses given in the month (to any child).
    pub given: usize,
    /// Children who had reached the dose's age by the month's end (and were
    /// under five and still followed): the target (sasaran).
    pub target: usize,
    /// Of the target, those who had the dose by the month's end.
    pub covered: usize,
}

impl CoverageRow {
    /// Whole per cent, or `None` with no target.
    pub fn percent(&self) -> Option<u32> {
        (self.target > 0).then(|| (self.covered * 100 / self.target) as u32)
    }
}

/// `count` months from `first` (a first of the month).
pub fn months(first: NaiveDate, count: u32) -> Vec<NaiveDate> {
    (0..count).filter_map(|i| first.checked_add_months(Months::new(i))).collect()
}

/// Coverage per national dose per month, for the whole village. A plain
/// function of the store: the report page, its CSV and the uplink export
/// all call it.
pub fn coverage(store: &Store, months: &[NaiveDate]) -> Vec<CoverageRow> {
    let children: Vec<Child> = store.scan::<Child>().filter_map(Result::ok).collect();
    let doses: Vec<Immunization> = store.scan::<Immunization>().filter_map(Result::ok).collect();
    let mut given_on: HashMap<(&str, &str, u8), NaiveDate> = HashMap::new();
    let mut given_in: HashMap<(NaiveDate, &str, u8), usize> = HashMap::new();
    for g in &doses {
        given_on.insert((g.child_id.as_str(), g.antigen.as_str(), g.dose), g.given_on);
        let first = g.given_on.with_day(1).unwrap_or(g.given_on);
        *given_in.entry((first, g.antigen.as_str(), g.dose)).or_default() += 1;
    }
    // Dates are worked out once per child (and per dose), not once per month.
    let far = NaiveDate::MAX;
    let five: Vec<NaiveDate> =
        children.iter().map(|c| c.birth_date.checked_add_months(Months::new(MAX_AGE_MONTHS)).unwrap_or(far)).collect();
    let national: Vec<&ScheduledDose> = schedule::schedule().iter().filter(|d| d.national).collect();
    let per_dose: Vec<Vec<(NaiveDate, Option<NaiveDate>)>> = national
        .iter()
        .map(|d| {
            children
                .iter()
                .map(|c| {
                    let reached = c.birth_date.checked_add_months(Months::new(d.month)).unwrap_or(far);
                    (reached, given_on.get(&(c.id.as_str(), d.antigen.as_str(), d.dose)).copied())
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::new();
    for &month in months {
        let first = month.with_day(1).unwrap_or(month);
        let end = first.checked_add_months(Months::new(1)).map_or(first, |n| n.pred_opt().unwrap_or(n));
        let followed: Vec<usize> = (0..children.len())
            .filter(|&i| {
                let c = &children[i];
                c.birth_date <= end && c.left_on.is_none_or(|l| l > end) && five[i] > end
            })
            .collect();
        for (d, dates) in national.iter().zip(&per_dose) {
            let (mut target, mut covered) = (0, 0);
            for &i in &followed {
                let (reached, given) = dates[i];
                if reached <= end {
                    target += 1;
                    covered += usize::from(given.is_some_and(|on| on <= end));
                }
            }
            rows.push(CoverageRow {
                month: first,
                antigen: d.antigen.clone(),
                dose: d.dose,
                given: given_in.get(&(first, d.antigen.as_str(), d.dose)).copied().unwrap_or(0),
                target,
                covered,
            });
        }
    }
    rows
}

/// The coverage rows as CSV (one header line; `percent` blank with no target).
pub fn coverage_csv(rows: &[CoverageRow]) -> String {
    let mut out = String::from("month,antigen,dose,given,target,covered,percent\n");
    for r in rows {
        let percent = r.percent().map(|p| p.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.month.format("%Y-%m"),
            r.antigen,
            r.dose,
            r.given,
            r.target,
            r.covered,
            percent
        ));
    }
    out
}

/// Reads `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posyandu::model::Sex;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn child(birth: &str) -> Child {
        Child {
            id: "anak1".into(),
            posyandu_id: "p".into(),
            name: "Ani".into(),
            sex: Sex::Female,
            birth_date: d(birth),
            nik: None,
            resident_id: None,
            mother_name: "Sari".into(),
            mother_nik: None,
            father_name: String::new(),
            parent_phone: None,
            dusun: String::new(),
            birth_weight_kg: None,
            birth_length_cm: None,
            left_on: None,
        }
    }

    fn given(antigen: &str, dose: u8, on: &str) -> Immunization {
        Immunization {
            id: format!("{antigen}{dose}"),
            child_id: "anak1".into(),
            antigen: antigen.into(),
            dose,
            given_on: d(on),
            place: String::new(),
            batch: None,
            recorded_by: String::new(),
            recorded_at: Utc::now(),
        }
    }

    fn status_of(list: &[(&ScheduledDose, DoseStatus)], antigen: &str, dose: u8) -> DoseStatus {
        list.iter().find(|(d, _)| d.antigen == antigen && d.dose == dose).map(|(_, s)| *s).unwrap()
    }

    #[test]
    fn due_overdue_and_waiting_for_the_previous_dose() {
        let c = child("2025-01-10");
        let s = statuses(&c, &[], d("2025-03-15"));
        assert_eq!(status_of(&s, "HB0", 1), DoseStatus::Overdue(d("2025-01-10")));
        assert_eq!(status_of(&s, "BCG", 1), DoseStatus::Overdue(d("2025-02-10")));
        assert_eq!(status_of(&s, "DPT-HB-Hib", 1), DoseStatus::Due(d("2025-03-10")));
        assert_eq!(status_of(&s, "DPT-HB-Hib", 2), DoseStatus::NotYet, "dose 1 first");
        // Dose 2 waits for the four-week interval after dose 1.
        let s = statuses(&c, &[given("DPT-HB-Hib", 1, "2025-03-20")], d("2025-04-12"));
        assert_eq!(status_of(&s, "DPT-HB-Hib", 2), DoseStatus::NotYet);
        let s = statuses(&c, &[given("DPT-HB-Hib", 1, "2025-03-20")], d("2025-04-17"));
        assert_eq!(status_of(&s, "DPT-HB-Hib", 2), DoseStatus::Due(d("2025-04-17")));
        assert_eq!(status_of(&s, "DPT-HB-Hib", 1), DoseStatus::Given(d("2025-03-20")));
    }

    #[test]
    fn rotavirus_closes_after_its_upper_age() {
        let c = child("2024-01-01");
        let s = statuses(&c, &[given("RV", 1, "2024-03-01"), given("RV", 2, "2024-04-01")], d("2024-08-01"));
        assert_eq!(status_of(&s, "RV", 3), DoseStatus::Closed);
        let s = statuses(&c, &[], d("2029-01-02"));
        assert!(s.iter().all(|(_, st)| *st == DoseStatus::Closed), "past five nothing is due");
    }

    #[test]
    fn next_session_day_rolls_to_next_month() {
        let mut p = Posyandu {
            id: "p".into(),
            name: "Melati".into(),
            dusun: String::new(),
            address: String::new(),
            kader: vec![],
            day_of_month: Some(10),
        };
        assert_eq!(next_session_day(&p, d("2025-03-10")), d("2025-03-10"));
        assert_eq!(next_session_day(&p, d("2025-03-11")), d("2025-04-10"));
        assert_eq!(next_session_day(&p, d("2025-12-31")), d("2026-01-10"));
        p.day_of_month = None;
        assert_eq!(next_session_day(&p, d("2025-03-11")), d("2025-03-11"));
    }

    #[test]
    fn reminders_fit_one_sms() {
        let doses: Vec<String> = schedule::schedule().iter().map(|d| d.label()).collect();
        let text = reminder_text("Muhammad Rizky Pratama Wijaya", "Melati Putih Dusun Krajan", d("2025-03-10"), &doses);
        assert!(text.chars().count() <= SMS_MAX_CHARS, "{} chars: {text}", text.chars().count());
        assert!(text.contains("dll"));
    }

    #[test]
    fn two_kaders_reminding_at_once_send_each_reminder_once() {
        let dir = std::env::temp_dir().join(format!("balai-remind-{}", new_id("t")));
        let store = Store::open(&dir).unwrap();
        let today = d("2025-03-10");
        let post = Posyandu {
            id: String::new(),
            name: "Melati".into(),
            dusun: String::new(),
            address: String::new(),
            kader: vec![],
            day_of_month: Some(10),
        };
        let post = posyandu::save_posyandu(&store, "t", post).unwrap();
        let mut c = child("2025-01-05");
        c.id = String::new();
        c.posyandu_id = post.id.clone();
        c.parent_phone = Some("081234567890".into());
        posyandu::save_child(&store, "t", c, today).unwrap();
        let sent: usize = std::thread::scope(|s| {
            let runs: Vec<_> =
                (0..4).map(|_| s.spawn(|| send_reminders(&store, "kader", &post, today).unwrap().sent)).collect();
            runs.into_iter().map(|r| r.join().unwrap()).sum()
        });
        assert_eq!(sent, 1, "one SMS for the child, however many presses");
        let (messages, _) = crate::outbox::operations::list(&store, None, 0, 10).unwrap();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].body.contains("HB0, BCG, OPV 1, DPT-HB-Hib 1"), "{}", messages[0].body);
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn coverage_counts_target_and_covered() {
        let dir = std::env::temp_dir().join(format!("balai-cov-{}", new_id("t")));
        let store = Store::open(&dir).unwrap();
        let mut c = child("2025-01-10");
        let mut other = child("2025-01-20");
        other.id = "anak2".into();
        c.id = "anak1".into();
        store.commit("t", vec![Change::put(&c).unwrap(), Change::put(&other).unwrap()], Durability::Lazy).unwrap();
        store.commit("t", vec![Change::put(&given("BCG", 1, "2025-02-11")).unwrap()], Durability::Lazy).unwrap();
        let rows = coverage(&store, &months(d("2025-01-01"), 3));
        let bcg = |m: &str| rows.iter().find(|r| r.antigen == "BCG" && r.month == d(m)).unwrap().clone();
        assert_eq!((bcg("2025-01-01").target, bcg("2025-01-01").covered), (0, 0));
        assert_eq!((bcg("2025-02-01").given, bcg("2025-02-01").target, bcg("2025-02-01").covered), (1, 2, 1));
        assert_eq!(bcg("2025-02-01").percent(), Some(50));
        assert!(coverage_csv(&rows).contains("2025-02,BCG,1,1,2,1,50\n"));
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }
}
