//! The staff home page: head counts, shortcuts to the daily tasks, and what
//! happened recently.

use leptos::prelude::*;

use crate::common::{NavItem, Shell};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};

/// Head counts of living residents.
#[derive(Clone, Debug, Default)]
pub struct DashboardCounts {
    /// Residents.
    pub residents: u64,
    /// Families (KK).
    pub families: u64,
    /// Males.
    pub males: u64,
    /// Females.
    pub females: u64,
}

/// One line of recent activity (already formatted and translated).
#[derive(Clone, Debug, Default)]
pub struct ActivityItem {
    /// When.
    pub time: String,
    /// Who.
    pub actor: String,
    /// What.
    pub text: String,
}

/// Props of the dashboard.
#[derive(Clone, Debug, Default)]
pub struct DashboardProps {
    /// Page shell.
    pub shell: Shell,
    /// Head counts.
    pub counts: DashboardCounts,
    /// Residents by status (status label, count), e.g. hidup/pindah/mati.
    pub by_status: Vec<(String, u64)>,
    /// Task shortcuts for this user's role (`label_key` is a catalog key).
    pub shortcuts: Vec<NavItem>,
    /// Recent activity, newest first.
    pub recent: Vec<ActivityItem>,
    /// How the letter service is doing, once it has requests.
    pub letters: Option<LetterFigures>,
    /// Queue waiting and service times over the last 30 days, once there are tickets.
    pub queue: Option<crate::pages::queue_desk::QueueFiguresView>,
    /// The last good backup and the warning when it is old (admins only).
    pub backup: Option<crate::pages::backup::BackupNotice>,
}

/// The letter service's figures a village reports (numbers already formatted).
#[derive(Clone, Debug, Default)]
pub struct LetterFigures {
    /// Requests still waiting for the office.
    pub backlog: usize,
    /// Letters signed per day over the last 30 days.
    pub per_day: String,
    /// Share signed on the day they were requested, e.g. "82%".
    pub same_day: String,
    /// (type name, letters signed, median hours, p90 hours) to signature.
    pub per_type: Vec<(String, usize, String, String)>,
}

/// The dashboard component.
#[component]
pub fn DashboardView(props: DashboardProps) -> impl IntoView {
    let lang = props.shell.lang;
    let c = props.counts.clone();
    let cards = vec![
        ("dash.residents", c.residents),
        ("dash.families", c.families),
        ("dash.males", c.males),
        ("dash.females", c.females),
    ]
    .into_iter()
    .map(|(key, n)| (t(lang, key), n))
    .chain(props.by_status.clone())
    .map(
        |(label, n)| view! { <li class="stat"><span class="stat-n">{n}</span><span class="stat-l">{label}</span></li> },
    )
    .collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "dash.title")>
            <section aria-labelledby="counts-h">
                <h2 id="counts-h">{t(lang, "dash.counts")}</h2>
                <ul class="stats">{cards}</ul>
            </section>
            {props.backup.as_ref().map(|n| crate::pages::backup::notice_view(lang, n))}
            {props.letters.clone().map(|f| letter_figures(lang, f))}
            {props.queue.clone().map(|f| crate::pages::queue_desk::queue_figures_section(lang, &f))}
            {shortcuts(lang, props.shortcuts.clone())}
            {recent(lang, props.recent.clone())}
        </Page>
    }
}

fn letter_figures(lang: Lang, f: LetterFigures) -> impl IntoView {
    let heads =
        ["dash.letters.type", "dash.letters.signed", "dash.letters.median", "dash.letters.p90"].map(|k| t(lang, k));
    let th = heads.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view();
    let rows = f
        .per_type
        .into_iter()
        .map(|(name, n, median, p90)| {
            view! {
                <tr>
                    <td data-label=heads[0].clone()>{name}</td>
                    <td data-label=heads[1].clone()>{n}</td>
                    <td data-label=heads[2].clone()>{median}</td>
                    <td data-label=heads[3].clone()>{p90}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="letters-h">
            <h2 id="letters-h">{t(lang, "dash.letters")}</h2>
            <ul class="stats">
                <li class="stat"><span class="stat-n">{f.backlog}</span><span class="stat-l">{t(lang, "dash.letters.backlog")}</span></li>
                <li class="stat"><span class="stat-n">{f.per_day}</span><span class="stat-l">{t(lang, "dash.letters.per_day")}</span></li>
                <li class="stat"><span class="stat-n">{f.same_day}</span><span class="stat-l">{t(lang, "dash.letters.same_day")}</span></li>
            </ul>
            <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>
        </section>
    }
}

fn shortcuts(lang: Lang, items: Vec<NavItem>) -> Option<impl IntoView + use<>> {
    if items.is_empty() {
        return None;
    }
    let links = items
        .into_iter()
        .map(|i| view! { <li><a class="btn btn-big" href=i.href>{t(lang, &i.label_key)}</a></li> })
        .collect_view();
    Some(view! {
        <section aria-labelledby="tasks-h">
            <h2 id="tasks-h">{t(lang, "dash.shortcuts")}</h2>
            <ul class="shortcuts">{links}</ul>
        </section>
    })
}

fn recent(lang: Lang, items: Vec<ActivityItem>) -> impl IntoView + use<> {
    let body = if items.is_empty() {
        view! { <p class="muted">{t(lang, "dash.no_activity")}</p> }.into_any()
    } else {
        let rows = items
            .into_iter()
            .map(|i| {
                view! {
                    <li><time>{i.time}</time> " · " <strong>{i.actor}</strong> " · " {i.text}</li>
                }
            })
            .collect_view();
        view! { <ul class="activity">{rows}</ul> }.into_any()
    };
    view! {
        <section aria-labelledby="recent-h">
            <h2 id="recent-h">{t(lang, "dash.recent")}</h2>
            {body}
        </section>
    }
}

/// Renders the dashboard.
pub fn render_dashboard(props: DashboardProps) -> String {
    document(|| view! { <DashboardView props=props/> })
}
