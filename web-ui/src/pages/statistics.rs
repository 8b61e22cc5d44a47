//! Population statistics: a pyramid and bar charts drawn as inline SVG, each
//! followed by its data table for screen readers and print.

use leptos::prelude::*;

use crate::charts::{bar_chart, pyramid};
use crate::common::Shell;
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};

/// Props of the statistics page (GET `/statistics`). Labels are display text.
#[derive(Clone, Debug, Default)]
pub struct StatisticsProps {
    /// Page shell.
    pub shell: Shell,
    /// "As of" text (formatted date/time), empty to hide.
    pub as_of: String,
    /// Age groups youngest first, `(label, male, female)`: 0-4 … 75+.
    pub pyramid: Vec<(String, u64, u64)>,
    /// Residents per dusun.
    pub per_dusun: Vec<(String, u64)>,
    /// Residents per RT (label like "Dusun I RT 001").
    pub per_rt: Vec<(String, u64)>,
    /// Per religion.
    pub religion: Vec<(String, u64)>,
    /// Per education (completed).
    pub education: Vec<(String, u64)>,
    /// Per occupation, top 10.
    pub occupation: Vec<(String, u64)>,
    /// Per marital status.
    pub marital: Vec<(String, u64)>,
}

/// The statistics page component.
#[component]
pub fn StatisticsView(props: StatisticsProps) -> impl IntoView {
    let lang = props.shell.lang;
    let as_of = (!props.as_of.is_empty()).then(|| {
        view! { <p class="muted">{t(lang, "stats.as_of")} " " {props.as_of.clone()}</p> }
    });
    let bars = [
        ("stats.per_dusun", &props.per_dusun),
        ("stats.per_rt", &props.per_rt),
        ("stats.religion", &props.religion),
        ("stats.education", &props.education),
        ("stats.occupation", &props.occupation),
        ("stats.marital", &props.marital),
    ]
    .into_iter()
    .map(|(key, rows)| bar_section(lang, key, rows))
    .collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "stats.title")>
            {as_of}
            {pyramid_section(lang, &props.pyramid)}
            {bars}
        </Page>
    }
}

fn pyramid_section(lang: Lang, rows: &[(String, u64, u64)]) -> impl IntoView + use<> {
    let title = t(lang, "stats.pyramid");
    let (male, female) = (t(lang, "stats.male"), t(lang, "stats.female"));
    let svg = pyramid(&title, &male, &female, rows);
    let body = rows
        .iter()
        .map(|(label, m, f)| {
            view! {
                <tr>
                    <th scope="row">{label.clone()}</th>
                    <td data-label=male.clone()>{*m}</td>
                    <td data-label=female.clone()>{*f}</td>
                    <td data-label=t(lang, "stats.total")>{m + f}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="chart-box record" aria-labelledby="pyr-h">
            <h2 id="pyr-h">{title.clone()}</h2>
            <div class="chart-wrap" inner_html=svg></div>
            <table class="data">
                <caption>{title}</caption>
                <thead><tr>
                    <th scope="col">{t(lang, "stats.age_group")}</th>
                    <th scope="col">{male.clone()}</th>
                    <th scope="col">{female.clone()}</th>
                    <th scope="col">{t(lang, "stats.total")}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

fn bar_section(lang: Lang, key: &str, rows: &[(String, u64)]) -> impl IntoView + use<> {
    let title = t(lang, key);
    let id = key.replace('.', "-");
    let label_id = id.clone();
    let content = if rows.is_empty() {
        view! { <p class="empty">{t(lang, "stats.no_data")}</p> }.into_any()
    } else {
        let svg = bar_chart(&title, rows);
        let body = rows
            .iter()
            .map(|(label, n)| view! { <tr><th scope="row">{label.clone()}</th><td>{*n}</td></tr> })
            .collect_view();
        view! {
            <div class="chart-wrap" inner_html=svg></div>
            <table class="data">
                <caption>{title.clone()}</caption>
                <thead><tr><th scope="col">{t(lang, "stats.category")}</th><th scope="col">{t(lang, "stats.count")}</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="chart-box record" aria-labelledby=label_id>
            <h2 id=id>{title.clone()}</h2>
            {content}
        </section>
    }
}

/// Renders the statistics page.
pub fn render_statistics(props: StatisticsProps) -> String {
    document(|| view! { <StatisticsView props=props/> })
}
