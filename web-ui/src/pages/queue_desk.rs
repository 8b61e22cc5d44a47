//! The operator's counter page (GET `/antrian/loket?counter=N`): call the
//! next ticket, call again, start, finish or skip; today's waiting and
//! service times. And the admin's list of services (GET `/antrian/layanan`).

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::pages::queue_kiosk::QueueService;
use crate::widgets::{csrf_field, hidden};

/// The ticket at the operator's counter.
#[derive(Clone, Debug, Default)]
pub struct QueueDeskTicket {
    /// Ticket id.
    pub id: String,
    /// `A-003`.
    pub label: String,
    /// Service name.
    pub service: String,
    /// Catalog key of its state.
    pub state_key: String,
    /// First call (formatted).
    pub called: String,
    /// Times called.
    pub calls: u32,
    /// Service has started.
    pub serving: bool,
}

/// Waiting and service times, formatted.
#[derive(Clone, Debug, Default)]
pub struct QueueFiguresView {
    /// Tickets taken.
    pub tickets: usize,
    /// Finished.
    pub served: usize,
    /// No-shows.
    pub skipped: usize,
    /// Waiting now.
    pub waiting: usize,
    /// Median wait (m:ss).
    pub median_wait: String,
    /// 90th percentile wait.
    pub p90_wait: String,
    /// Median service time.
    pub median_service: String,
    /// 90th percentile service time.
    pub p90_service: String,
}

/// Props of the counter page.
#[derive(Clone, Debug, Default)]
pub struct QueueDeskProps {
    /// Page shell.
    pub shell: Shell,
    /// Counters 1..=counters exist.
    pub counters: u32,
    /// The chosen counter; 0 when none is chosen yet.
    pub counter: u32,
    /// The ticket at the chosen counter.
    pub current: Option<QueueDeskTicket>,
    /// Enabled services with their waiting counts.
    pub services: Vec<QueueService>,
    /// Today's figures.
    pub figures: QueueFiguresView,
}

/// The counter page component.
#[component]
pub fn QueueDeskView(props: QueueDeskProps) -> impl IntoView {
    let lang = props.shell.lang;
    let title = if props.counter == 0 {
        t(lang, "queue.desk.title")
    } else {
        tf(lang, "queue.desk.title_counter", &[("counter", &props.counter.to_string())])
    };
    let body = if props.counter == 0 { choose(lang, props.counters).into_any() } else { work(&props).into_any() };
    view! {
        <Page shell=props.shell.clone() title=title>
            <link rel="stylesheet" href="/static/queue.css"/>
            {body}
            <h2>{t(lang, "queue.figures.title")}</h2>
            {figures(lang, &props.figures)}
            <p class="actions">
                <a class="btn" href="/antrian/papan">{t(lang, "queue.desk.board")}</a>
                <a class="btn" href="/antrian">{t(lang, "queue.desk.kiosk")}</a>
            </p>
        </Page>
    }
}

fn choose(lang: Lang, counters: u32) -> impl IntoView + use<> {
    let links = (1..=counters)
        .map(|c| {
            let label = tf(lang, "queue.counter", &[("counter", &c.to_string())]);
            view! { <li><a class="btn btn-big" href=format!("/antrian/loket?counter={c}")>{label}</a></li> }
        })
        .collect_view();
    view! {
        <p class="lead">{t(lang, "queue.desk.choose")}</p>
        <ul class="q-counters">{links}</ul>
    }
}

fn work(props: &QueueDeskProps) -> impl IntoView + use<> {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let counter = props.counter.to_string();
    let form = |action: &str, label: String, class: &'static str| {
        view! {
            <form method="post" action=format!("/antrian/loket/{action}") class="inline">
                {csrf_field(&csrf)}
                {hidden("counter", &counter)}
                <button type="submit" class=class>{label}</button>
            </form>
        }
    };
    let current = match &props.current {
        Some(c) => {
            let start = (!c.serving).then(|| form("serve", t(lang, "queue.desk.serve"), "btn"));
            view! {
                <section class="card q-current" aria-labelledby="q-current-h">
                    <h2 id="q-current-h">{t(lang, "queue.desk.current")}</h2>
                    <p class="q-desk-number">{c.label.clone()}</p>
                    <p>{c.service.clone()} " · " {t(lang, &c.state_key)}</p>
                    <p class="muted">
                        {tf(lang, "queue.desk.called_at", &[("time", &c.called), ("calls", &c.calls.to_string())])}
                    </p>
                    <div class="actions">
                        {form("recall", t(lang, "queue.desk.recall"), "btn")}
                        {start}
                        {form("finish", t(lang, "queue.desk.finish"), "btn btn-primary")}
                        {form("skip", t(lang, "queue.desk.skip"), "btn btn-danger")}
                    </div>
                </section>
            }
            .into_any()
        }
        None => view! { <p class="empty">{t(lang, "queue.desk.idle")}</p> }.into_any(),
    };
    let per_service = props
        .services
        .iter()
        .map(|s| {
            let label = tf(lang, "queue.desk.call_service", &[("prefix", &s.prefix), ("name", &s.name)]);
            let waiting = tf(lang, "queue.kiosk.waiting", &[("count", &s.waiting.to_string())]);
            view! {
                <form method="post" action="/antrian/loket/call" class="q-call">
                    {csrf_field(&csrf)}
                    {hidden("counter", &counter)}
                    {hidden("service", &s.id)}
                    <button type="submit" class="btn btn-big">{label} <span class="q-wait">"(" {waiting} ")"</span></button>
                </form>
            }
        })
        .collect_view();
    let total: usize = props.services.iter().map(|s| s.waiting).sum();
    let any_label = tf(lang, "queue.desk.call_any", &[("count", &total.to_string())]);
    let others = (1..=props.counters)
        .filter(|c| *c != props.counter)
        .map(|c| {
            let label = tf(lang, "queue.counter", &[("counter", &c.to_string())]);
            view! { <a href=format!("/antrian/loket?counter={c}")>{label}</a> " " }
        })
        .collect_view();
    view! {
        {current}
        <section aria-labelledby="q-next-h">
            <h2 id="q-next-h">{t(lang, "queue.desk.next")}</h2>
            <form method="post" action="/antrian/loket/call" class="q-call">
                {csrf_field(&csrf)}
                {hidden("counter", &counter)}
                <button type="submit" class="btn btn-primary btn-big">{any_label}</button>
            </form>
            {per_service}
        </section>
        <p class="muted">{t(lang, "queue.desk.other_counter")} " " {others}</p>
    }
}

/// The queue's figures as a dashboard section (last 30 days).
pub fn queue_figures_section(lang: Lang, f: &QueueFiguresView) -> impl IntoView + use<> {
    view! {
        <section aria-labelledby="queue-h">
            <h2 id="queue-h">{t(lang, "queue.figures.dashboard")}</h2>
            {figures(lang, f)}
            <p><a href="/antrian/loket">{t(lang, "queue.desk.title")}</a></p>
        </section>
    }
}

fn figures(lang: Lang, f: &QueueFiguresView) -> impl IntoView + use<> {
    let rows = [
        ("queue.figures.tickets", f.tickets.to_string()),
        ("queue.figures.served", f.served.to_string()),
        ("queue.figures.skipped", f.skipped.to_string()),
        ("queue.figures.waiting", f.waiting.to_string()),
        ("queue.figures.median_wait", f.median_wait.clone()),
        ("queue.figures.p90_wait", f.p90_wait.clone()),
        ("queue.figures.median_service", f.median_service.clone()),
        ("queue.figures.p90_service", f.p90_service.clone()),
    ]
    .into_iter()
    .map(|(k, v)| view! { <div class="q-fig"><dt>{t(lang, k)}</dt><dd>{v}</dd></div> })
    .collect_view();
    view! { <dl class="q-figures">{rows}</dl> }
}

/// Renders the counter page.
pub fn render_queue_desk(props: QueueDeskProps) -> String {
    document(|| view! { <QueueDeskView props=props/> })
}

/// Props of the services page (admin).
#[derive(Clone, Debug, Default)]
pub struct QueueServicesProps {
    /// Page shell.
    pub shell: Shell,
    /// Every service, disabled ones included.
    pub services: Vec<QueueService>,
    /// How many counters the config names.
    pub counters: u32,
    /// Which form the errors belong to: a service id, or `new`.
    pub error_row: String,
    /// Errors by field (`prefix`, `name`).
    pub errors: Vec<FieldMessage>,
}

/// The services page component.
#[component]
pub fn QueueServicesView(props: QueueServicesProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let no_errors: Vec<FieldMessage> = Vec::new();
    let errors_for = |row: &str| if props.error_row == row { &props.errors } else { &no_errors };
    let rows = props
        .services
        .iter()
        .map(|s| service_form(lang, &csrf, &format!("/antrian/layanan/{}", s.id), &s.id, s, errors_for(&s.id), true))
        .collect_view();
    let blank = QueueService { enabled: true, ..QueueService::default() };
    let add = service_form(lang, &csrf, "/antrian/layanan", "new", &blank, errors_for("new"), false);
    view! {
        <Page shell=props.shell.clone() title=t(lang, "queue.services.title")>
            <link rel="stylesheet" href="/static/queue.css"/>
            <p>{t(lang, "queue.services.intro")}</p>
            {rows}
            <h2>{t(lang, "queue.services.add")}</h2>
            {add}
            <p class="muted">{tf(lang, "queue.services.counters", &[("count", &props.counters.to_string())])}</p>
        </Page>
    }
}

fn service_form(
    lang: Lang,
    csrf: &str,
    action: &str,
    row: &str,
    s: &QueueService,
    errors: &[FieldMessage],
    existing: bool,
) -> impl IntoView + use<> {
    let id = |f: &str| format!("svc-{row}-{f}");
    let err = |f: &str| {
        message_for(errors, f).map(|m| view! { <p class="field-error" id=format!("svc-{row}-{f}-err")>{m}</p> })
    };
    let enabled = existing.then(|| {
        view! {
            <label class="q-check">
                <input type="checkbox" name="enabled" value="on" checked=s.enabled/>
                " " {t(lang, "queue.services.enabled")}
            </label>
        }
    });
    let label = if existing { t(lang, "action.save") } else { t(lang, "queue.services.add") };
    view! {
        <form method="post" action=action.to_string() class="card q-service-form">
            {csrf_field(csrf)}
            <div class="q-service-fields">
                <label for=id("prefix")>{t(lang, "queue.services.prefix")}</label>
                <input id=id("prefix") name="prefix" value=s.prefix.clone() maxlength="1" size="2" required
                    class="q-prefix-input" autocapitalize="characters"/>
                {err("prefix")}
                <label for=id("name")>{t(lang, "queue.services.name")}</label>
                <input id=id("name") name="name" value=s.name.clone() maxlength="60" required/>
                {err("name")}
            </div>
            {enabled}
            <button type="submit" class="btn btn-primary">{label}</button>
        </form>
    }
}

/// Renders the services page.
pub fn render_queue_services(props: QueueServicesProps) -> String {
    document(|| view! { <QueueServicesView props=props/> })
}
