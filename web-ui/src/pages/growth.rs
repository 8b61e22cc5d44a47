//! Growth monitoring pages: the monthly session form (one list, one form, the
//! whole post's children), a child's growth page with the KMS charts, the
//! at-risk list the nakes works through, the monthly report, and the POS Gizi.
//! All display text arrives translated; the daemon computes every figure.

use leptos::prelude::*;

use crate::charts::{GrowthChart, bar_chart, growth_chart};
use crate::common::{FieldMessage, Shell, message_for, url_encode};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field, hidden, options_with_empty};

/// Links between the growth pages, on each of them.
fn growth_nav(lang: Lang) -> impl IntoView + use<> {
    view! {
        <nav class="actions no-print" aria-label=t(lang, "growth.nav")>
            <a class="btn" href="/posyandu">{t(lang, "posyandu.title")}</a> " "
            <a class="btn" href="/posyandu/gizi/risiko">{t(lang, "growth.risk.title")}</a> " "
            <a class="btn" href="/posyandu/gizi/laporan">{t(lang, "growth.report.title")}</a> " "
            <a class="btn" href="/posyandu/gizi/pos">{t(lang, "growth.posgizi.title")}</a>
        </nav>
    }
}

/// One child's line in the session form (values as typed or proposed).
#[derive(Clone, Debug, Default)]
pub struct SessionLine {
    pub child_id: String,
    pub name: String,
    /// "L"/"P" and age, e.g. "P · 1 th 3 bln".
    pub about: String,
    pub weight: String,
    pub length: String,
    /// `L` or `H`.
    pub position: String,
    pub head: String,
    pub arm: String,
    /// Last month's weight, e.g. "8,4 kg", or empty.
    pub last_weight: String,
    /// Problems with this line, translated.
    pub errors: Vec<String>,
    /// This month's weighing is already recorded.
    pub done: bool,
}

/// Props of the session form (GET/POST `/posyandu/{id}/sesi`).
#[derive(Clone, Debug, Default)]
pub struct SessionProps {
    pub shell: Shell,
    pub posyandu_id: String,
    pub posyandu_name: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub lines: Vec<SessionLine>,
    /// Form-level errors (`date`).
    pub errors: Vec<FieldMessage>,
}

#[component]
pub fn SessionView(props: SessionProps) -> impl IntoView {
    let lang = props.shell.lang;
    let action = format!("/posyandu/{}/sesi", url_encode(&props.posyandu_id));
    let date = field(
        lang,
        Field::new("date", t(lang, "growth.session.date"), &props.date)
            .control(Control::Input("date"))
            .error(message_for(&props.errors, "date")),
    );
    let positions = [("L", "growth.position.lying"), ("H", "growth.position.standing")];
    let lines = props
        .lines
        .iter()
        .map(|l| {
            let id = l.child_id.clone();
            let options = positions
                .iter()
                .map(|(code, key)| {
                    view! { <option value=*code selected={l.position == *code}>{t(lang, key)}</option> }
                })
                .collect_view();
            let errors = l.errors.iter().map(|e| view! { <p class="error">{e.clone()}</p> }).collect_view();
            let class = if l.errors.is_empty() { "card session-line" } else { "card session-line has-error" };
            let last = (!l.last_weight.is_empty()).then(
                || view! { <small class="muted">{tf(lang, "growth.session.last", &[("w", &l.last_weight)])}</small> },
            );
            let done = l.done.then(|| view! { " " <small class="badge">{t(lang, "growth.session.done")}</small> });
            let input = |prefix: &str, key: &str, value: &str| {
                let name = format!("{prefix}.{id}");
                view! {
                    <label class="mini">{t(lang, key)}
                        <input type="text" inputmode="decimal" name=name.clone() id=name value=value.to_string()
                            aria-invalid=(!l.errors.is_empty()).then_some("true")/>
                    </label>
                }
            };
            view! {
                <fieldset class=class id=format!("row-{id}")>
                    <legend><strong>{l.name.clone()}</strong> " " <small>{l.about.clone()}</small> {done}</legend>
                    {last}
                    <div class="session-inputs">
                        {input("w", "growth.weight", &l.weight)}
                        {input("l", "growth.length", &l.length)}
                        <label class="mini">{t(lang, "growth.position")}
                            <select name=format!("p.{id}")>{options}</select>
                        </label>
                        {input("h", "growth.head", &l.head)}
                        {input("a", "growth.arm", &l.arm)}
                    </div>
                    {errors}
                </fieldset>
            }
        })
        .collect_view();
    let empty = props.lines.is_empty().then(|| view! { <p class="empty">{t(lang, "posyandu.children.none")}</p> });
    let title = tf(lang, "growth.session.title", &[("name", &props.posyandu_name)]);
    view! {
        <Page shell=props.shell.clone() title=title>
            {growth_nav(lang)}
            <p class="help">{t(lang, "growth.session.help")}</p>
            {empty}
            <form method="post" action=action>
                {csrf_field(&props.shell.csrf)}
                {date}
                {lines}
                <button type="submit" class="btn btn-primary">{t(lang, "growth.session.save")}</button>
            </form>
        </Page>
    }
}

pub fn render_session(props: SessionProps) -> String {
    document(|| view! { <SessionView props=props/> })
}

/// One weighing on a child's page (display text).
#[derive(Clone, Debug, Default)]
pub struct GrowthRow {
    pub date: String,
    pub age: String,
    pub weight: String,
    pub length: String,
    pub position: String,
    /// z-score with its category, e.g. "−2,31 (pendek)", or "–".
    pub waz: String,
    pub haz: String,
    pub whz: String,
    pub baz: String,
    /// "N", "T" or empty, with the gain, e.g. "N (+450 g ≥ 300 g)".
    pub gain: String,
    pub gain_ok: Option<bool>,
}

/// Props of a child's growth page (GET `/posyandu/anak/{id}`).
#[derive(Clone, Debug, Default)]
pub struct ChildGrowthProps {
    pub shell: Shell,
    /// The child record's id, for the links to its immunization card and health record.
    pub child_id: String,
    pub name: String,
    /// "Perempuan · lahir 01-02-2025 · Posyandu Melati · ibu Sari".
    pub about: String,
    pub rows: Vec<GrowthRow>,
    pub weight_chart: GrowthChart,
    pub height_chart: GrowthChart,
}

#[component]
pub fn ChildGrowthView(props: ChildGrowthProps) -> impl IntoView {
    let lang = props.shell.lang;
    let labels: Vec<String> = [
        "growth.date",
        "growth.age",
        "growth.weight",
        "growth.length",
        "growth.position",
        "growth.waz",
        "growth.haz",
        "growth.whz",
        "growth.baz",
        "growth.gain",
    ]
    .iter()
    .map(|k| t(lang, k))
    .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = props
        .rows
        .iter()
        .rev()
        .map(|r| {
            let cells = [&r.date, &r.age, &r.weight, &r.length, &r.position, &r.waz, &r.haz, &r.whz, &r.baz]
                .into_iter()
                .zip(labels.iter())
                .map(|(v, l)| view! { <td data-label=l.clone()>{v.clone()}</td> })
                .collect_view();
            let class = match r.gain_ok {
                Some(true) => "gain-n",
                Some(false) => "gain-t",
                None => "",
            };
            view! { <tr>{cells}<td data-label=labels[9].clone() class=class>{r.gain.clone()}</td></tr> }
        })
        .collect_view();
    let table = if props.rows.is_empty() {
        view! { <p class="empty">{t(lang, "growth.none")}</p> }.into_any()
    } else {
        view! { <table class="cards data"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table> }.into_any()
    };
    let weight_svg = growth_chart(&props.weight_chart);
    let height_svg = growth_chart(&props.height_chart);
    view! {
        <Page shell=props.shell.clone() title=props.name.clone()>
            {growth_nav(lang)}
            <p>{props.about.clone()}</p>
            <nav class="actions no-print" aria-label=props.name.clone()>
                <a class="btn" href=format!("/imunisasi/anak/{}", url_encode(&props.child_id))>
                    {t(lang, "growth.child.immunization")}
                </a> " "
                <a class="btn" href=format!("/rekam-kesehatan/{}", url_encode(&props.child_id))>
                    {t(lang, "growth.child.record")}
                </a>
            </nav>
            <section class="chart-box record">
                <h2>{props.weight_chart.title.clone()}</h2>
                <div class="chart-wrap" inner_html=weight_svg></div>
            </section>
            <section class="chart-box record">
                <h2>{props.height_chart.title.clone()}</h2>
                <div class="chart-wrap" inner_html=height_svg></div>
            </section>
            <p class="help">{t(lang, "growth.chart.legend")}</p>
            <h2>{t(lang, "growth.history")}</h2>
            {table}
        </Page>
    }
}

pub fn render_child_growth(props: ChildGrowthProps) -> String {
    document(|| view! { <ChildGrowthView props=props/> })
}

/// One child on the at-risk list.
#[derive(Clone, Debug, Default)]
pub struct RiskRow {
    pub child_id: String,
    pub name: String,
    pub posyandu: String,
    pub dusun: String,
    pub age: String,
    /// Translated reasons.
    pub reasons: Vec<String>,
    /// The latest status line, e.g. "12-05-2026: BB 8,1 kg, TB/U −2,40".
    pub latest: String,
    pub parent_phone: String,
    /// "Ditindaklanjuti oleh … pada …: note", or empty when still open.
    pub followed_up: String,
}

/// Props of the at-risk list (GET `/posyandu/gizi/risiko`).
#[derive(Clone, Debug, Default)]
pub struct RiskProps {
    pub shell: Shell,
    /// `YYYY-MM`.
    pub month: String,
    pub posyandu: String,
    pub dusun: String,
    pub posyandu_options: Vec<(String, String)>,
    pub dusun_options: Vec<(String, String)>,
    pub rows: Vec<RiskRow>,
    /// Shows the follow-up form (nakes, admin).
    pub can_follow_up: bool,
}

#[component]
pub fn RiskView(props: RiskProps) -> impl IntoView {
    let lang = props.shell.lang;
    let open = props.rows.iter().filter(|r| r.followed_up.is_empty()).count();
    let rows = props
        .rows
        .iter()
        .map(|r| {
            let reasons = r.reasons.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view();
            let state = if r.followed_up.is_empty() {
                props.can_follow_up.then(|| {
                    view! {
                        <form method="post" action=format!("/posyandu/gizi/risiko/{}", url_encode(&r.child_id)) class="inline">
                            {csrf_field(&props.shell.csrf)}
                            {hidden("month", &props.month)}
                            <label class="mini">{t(lang, "growth.risk.note")}
                                <input type="text" name="note" maxlength="500"/>
                            </label>
                            <button type="submit" class="btn">{t(lang, "growth.risk.mark")}</button>
                        </form>
                    }
                    .into_any()
                })
            } else {
                Some(view! { <p class="flash flash-ok">{r.followed_up.clone()}</p> }.into_any())
            };
            view! {
                <li class="card risk" data-open=r.followed_up.is_empty().to_string()>
                    <a href=format!("/posyandu/anak/{}", url_encode(&r.child_id))><strong>{r.name.clone()}</strong></a>
                    " · " {r.age.clone()} " · " {r.posyandu.clone()} " · " {r.dusun.clone()}
                    <ul class="reasons">{reasons}</ul>
                    <small>{r.latest.clone()}</small>
                    {(!r.parent_phone.is_empty()).then(|| view! { <br/><small>{t(lang, "posyandu.child.phone")} ": " {r.parent_phone.clone()}</small> })}
                    {state}
                </li>
            }
        })
        .collect_view();
    let filter = view! {
        <form class="filters no-print" method="get" action="/posyandu/gizi/risiko">
            <div class="field"><label for="month">{t(lang, "growth.month")}</label>
                <input type="month" id="month" name="month" value=props.month.clone()/></div>
            <div class="field"><label for="posyandu">{t(lang, "posyandu.title")}</label>
                <select id="posyandu" name="posyandu">{options_with_empty(lang, "growth.all", &props.posyandu_options, &props.posyandu)}</select></div>
            <div class="field"><label for="dusun">{t(lang, "posyandu.dusun")}</label>
                <select id="dusun" name="dusun">{options_with_empty(lang, "growth.all", &props.dusun_options, &props.dusun)}</select></div>
            <button type="submit" class="btn btn-primary">{t(lang, "action.filter")}</button>
        </form>
    };
    let summary = tf(
        lang,
        "growth.risk.summary",
        &[("month", &props.month), ("total", &props.rows.len().to_string()), ("open", &open.to_string())],
    );
    let empty = props.rows.is_empty().then(|| view! { <p class="empty">{t(lang, "growth.risk.none")}</p> });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "growth.risk.title")>
            {growth_nav(lang)}
            {filter}
            <p>{summary}</p>
            {empty}
            <ul class="plain">{rows}</ul>
        </Page>
    }
}

pub fn render_risk(props: RiskProps) -> String {
    document(|| view! { <RiskView props=props/> })
}

/// One line of the monthly report: a post or the village.
#[derive(Clone, Debug, Default)]
pub struct ReportLine {
    pub name: String,
    /// Figures in the order of [`REPORT_COLUMNS`].
    pub figures: Vec<String>,
}

/// Catalog keys of the report's columns, in order.
pub const REPORT_COLUMNS: [&str; 14] = [
    "growth.report.s",
    "growth.report.d",
    "growth.report.n",
    "growth.report.t",
    "growth.report.o",
    "growth.report.b",
    "growth.report.two_t",
    "growth.report.bgm",
    "growth.report.ds",
    "growth.report.nd",
    "growth.report.stunting",
    "growth.report.wasting",
    "growth.report.underweight",
    "growth.report.overweight",
];

/// Props of the monthly report (GET `/posyandu/gizi/laporan`).
#[derive(Clone, Debug, Default)]
pub struct ReportProps {
    pub shell: Shell,
    pub month: String,
    pub village: ReportLine,
    pub posts: Vec<ReportLine>,
    /// Stunting prevalence over the last months: `(month, per mille)`.
    pub trend: Vec<(String, u64)>,
}

#[component]
pub fn ReportView(props: ReportProps) -> impl IntoView {
    let lang = props.shell.lang;
    let th = REPORT_COLUMNS.iter().map(|k| view! { <th scope="col">{t(lang, k)}</th> }).collect_view();
    let line = |l: &ReportLine, strong: bool| {
        let cells = l
            .figures
            .iter()
            .zip(REPORT_COLUMNS.iter())
            .map(|(v, k)| view! { <td data-label=t(lang, k)>{v.clone()}</td> })
            .collect_view();
        let name =
            if strong { view! { <strong>{l.name.clone()}</strong> }.into_any() } else { l.name.clone().into_any() };
        view! { <tr><th scope="row">{name}</th>{cells}</tr> }
    };
    let rows = props.posts.iter().map(|l| line(l, false)).collect_view();
    let village = line(&props.village, true);
    let trend_title = t(lang, "growth.report.trend");
    let trend_rows: Vec<(String, u64)> = props.trend.clone();
    let svg = bar_chart(&trend_title, &trend_rows);
    let csv = format!("/posyandu/gizi/laporan.csv?month={}", url_encode(&props.month));
    let by_name = format!("/posyandu/gizi/eppgbm.csv?month={}", url_encode(&props.month));
    view! {
        <Page shell=props.shell.clone() title=tf(lang, "growth.report.heading", &[("month", &props.month)])>
            {growth_nav(lang)}
            <form class="filters no-print" method="get" action="/posyandu/gizi/laporan">
                <div class="field"><label for="month">{t(lang, "growth.month")}</label>
                    <input type="month" id="month" name="month" value=props.month.clone()/></div>
                <button type="submit" class="btn btn-primary">{t(lang, "action.filter")}</button>
            </form>
            <p class="no-print"><a class="btn" href=csv>{t(lang, "growth.report.csv")}</a> " "
                <a class="btn" href=by_name>{t(lang, "growth.report.by_name")}</a></p>
            <table class="data report">
                <thead><tr><th scope="col">{t(lang, "posyandu.title")}</th>{th}</tr></thead>
                <tbody>{village}{rows}</tbody>
            </table>
            <p class="help">{t(lang, "growth.report.legend")}</p>
            <section class="chart-box record">
                <h2>{trend_title}</h2>
                <div class="chart-wrap" inner_html=svg></div>
            </section>
        </Page>
    }
}

pub fn render_report(props: ReportProps) -> String {
    document(|| view! { <ReportView props=props/> })
}

/// One enrolled child of the POS Gizi.
#[derive(Clone, Debug, Default)]
pub struct PosGiziChild {
    pub child_id: String,
    pub name: String,
    pub since: String,
    pub reason: String,
    /// Their weighings since enrolment: "05-2026: BB/U −2,6 · TB/U −2,1 · BB/TB −1,9".
    pub progress: Vec<String>,
    /// Latest deliveries: "12-06-2026 11:30 bubur kacang hijau (oleh Ibu Ani)".
    pub meals: Vec<String>,
}

/// Props of the POS Gizi page (GET `/posyandu/gizi/pos`).
#[derive(Clone, Debug, Default)]
pub struct PosGiziProps {
    pub shell: Shell,
    pub enrolled: Vec<PosGiziChild>,
    /// Children who may be enrolled `(id, label)` (the month's at-risk list).
    pub candidates: Vec<(String, String)>,
    pub can_enroll: bool,
    /// The delivery form's values.
    pub date: String,
    pub time: String,
    pub what: String,
    pub delivered_by: String,
    pub errors: Vec<FieldMessage>,
}

#[component]
pub fn PosGiziView(props: PosGiziProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let children = props
        .enrolled
        .iter()
        .map(|c| {
            let progress = c.progress.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view();
            let meals = c.meals.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view();
            view! {
                <li class="card">
                    <label class="check"><input type="checkbox" name="child" value=c.child_id.clone() form="deliver"/> " "
                        <strong>{c.name.clone()}</strong></label>
                    " · " <a href=format!("/posyandu/anak/{}", url_encode(&c.child_id))>{t(lang, "growth.chart.link")}</a>
                    <br/><small>{tf(lang, "growth.posgizi.since", &[("date", &c.since), ("reason", &c.reason)])}</small>
                    <h3>{t(lang, "growth.posgizi.progress")}</h3><ul>{progress}</ul>
                    <h3>{t(lang, "growth.posgizi.meals")}</h3><ul>{meals}</ul>
                </li>
            }
        })
        .collect_view();
    let f = |name: &str, key: &str, value: &str| {
        Field::new(name, t(lang, key), value).error(message_for(&props.errors, name))
    };
    let child_error = message_for(&props.errors, "child").map(|e| view! { <p class="error">{e}</p> });
    let delivery: Vec<AnyView> = [
        f("date", "growth.session.date", &props.date).control(Control::Input("date")),
        f("time", "growth.posgizi.time", &props.time).control(Control::Input("time")),
        f("what", "growth.posgizi.what", &props.what),
        f("delivered_by", "growth.posgizi.delivered_by", &props.delivered_by),
    ]
    .into_iter()
    .map(|x| field(lang, x))
    .collect();
    let enroll = (props.can_enroll && !props.candidates.is_empty()).then(|| {
        view! {
            <h2>{t(lang, "growth.posgizi.enroll")}</h2>
            <form method="post" action="/posyandu/gizi/pos/daftar" class="card">
                {csrf_field(&csrf)}
                <div class="field"><label for="enroll-child">{t(lang, "posyandu.child.name")}</label>
                    <select id="enroll-child" name="child">{options_with_empty(lang, "form.choose", &props.candidates, "")}</select></div>
                <div class="field"><label for="reason">{t(lang, "growth.posgizi.reason")}</label>
                    <input type="text" id="reason" name="reason" maxlength="300"/></div>
                <button type="submit" class="btn btn-primary">{t(lang, "growth.posgizi.enroll")}</button>
            </form>
        }
    });
    let empty = props.enrolled.is_empty().then(|| view! { <p class="empty">{t(lang, "growth.posgizi.none")}</p> });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "growth.posgizi.title")>
            {growth_nav(lang)}
            <p>{t(lang, "growth.posgizi.intro")}</p>
            {empty}
            <ul class="plain">{children}</ul>
            {(!props.enrolled.is_empty()).then(|| view! {
                <h2>{t(lang, "growth.posgizi.deliver")}</h2>
                <form method="post" action="/posyandu/gizi/pos/antar" class="card" id="deliver">
                    {csrf_field(&csrf)}
                    <p class="help">{t(lang, "growth.posgizi.deliver.help")}</p>
                    {child_error}
                    {delivery}
                    <button type="submit" class="btn btn-primary">{t(lang, "growth.posgizi.deliver")}</button>
                </form>
            })}
            {enroll}
        </Page>
    }
}

pub fn render_pos_gizi(props: PosGiziProps) -> String {
    document(|| view! { <PosGiziView props=props/> })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_form_names_every_input_by_child() {
        let props = SessionProps {
            posyandu_id: "psy-1".into(),
            posyandu_name: "Melati".into(),
            date: "2026-05-10".into(),
            lines: vec![SessionLine {
                child_id: "anak-1".into(),
                name: "Budi".into(),
                position: "H".into(),
                errors: vec!["ukur ulang".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        let html = render_session(props);
        for name in ["w.anak-1", "l.anak-1", "p.anak-1", "h.anak-1", "a.anak-1"] {
            assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
        }
        assert!(html.contains("action=\"/posyandu/psy-1/sesi\""));
        assert!(html.contains("ukur ulang"));
        assert!(html.contains("value=\"H\" selected"));
    }

    #[test]
    fn the_child_page_draws_both_charts() {
        let chart = |title: &str| GrowthChart { title: title.into(), x_max: 24.0, ..Default::default() };
        let props = ChildGrowthProps {
            name: "Budi".into(),
            rows: vec![GrowthRow {
                date: "10-05-2026".into(),
                gain: "N".into(),
                gain_ok: Some(true),
                ..Default::default()
            }],
            weight_chart: chart("BB/U"),
            height_chart: chart("TB/U"),
            ..Default::default()
        };
        let html = render_child_growth(props);
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(html.contains("gain-n"));
    }
}
