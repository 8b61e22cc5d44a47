//! The queue kiosk (GET `/antrian`): one big button per service, and the
//! printable ticket (GET `/antrian/tickets/{id}`) that prints on a 58/80 mm
//! receipt printer as well as on A4.

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::{csrf_field, hidden};

/// A service as the queue pages show it.
#[derive(Clone, Debug, Default)]
pub struct QueueService {
    /// Posted as `service`.
    pub id: String,
    /// Its letter (A, B, …).
    pub prefix: String,
    /// Its name.
    pub name: String,
    /// Takes tickets.
    pub enabled: bool,
    /// Tickets waiting now.
    pub waiting: usize,
}

/// Props of the kiosk page.
#[derive(Clone, Debug, Default)]
pub struct QueueKioskProps {
    /// Page shell (anonymous visitors get a pre-session CSRF token).
    pub shell: Shell,
    /// Enabled services, in order.
    pub services: Vec<QueueService>,
}

/// The kiosk page component.
#[component]
pub fn QueueKioskView(props: QueueKioskProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let buttons = props
        .services
        .iter()
        .map(|s| {
            let waiting = tf(lang, "queue.kiosk.waiting", &[("count", &s.waiting.to_string())]);
            view! {
                <form method="post" action="/antrian/tickets" class="q-take">
                    {csrf_field(&csrf)}
                    {hidden("service", &s.id)}
                    <button type="submit" class="q-service">
                        <span class="q-letter" aria-hidden="true">{s.prefix.clone()}</span>
                        <span class="q-name">{s.name.clone()}</span>
                        <span class="q-wait">{waiting}</span>
                    </button>
                </form>
            }
        })
        .collect_view();
    let empty = props.services.is_empty().then(|| view! { <p class="empty">{t(lang, "queue.kiosk.none")}</p> });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "queue.kiosk.title")>
            <link rel="stylesheet" href="/static/queue.css"/>
            <p class="lead">{t(lang, "queue.kiosk.intro")}</p>
            <div class="q-services">{buttons}</div>
            {empty}
        </Page>
    }
}

/// Renders the kiosk page.
pub fn render_queue_kiosk(props: QueueKioskProps) -> String {
    document(|| view! { <QueueKioskView props=props/> })
}

/// Props of the printable ticket.
#[derive(Clone, Debug, Default)]
pub struct QueueTicketProps {
    /// Interface language.
    pub lang: Lang,
    /// Printed at the top.
    pub village_name: String,
    /// `A-003`.
    pub label: String,
    /// Service name.
    pub service: String,
    /// When it was taken (formatted, local zone).
    pub taken: String,
    /// Tickets of the same service waiting before it.
    pub ahead: usize,
    /// Catalog key of its state (`queue.state.waiting`, …).
    pub state_key: String,
    /// The counter it was called to, if any.
    pub counter: Option<u32>,
}

/// The ticket page component (a page of its own: no menu, nothing but the
/// ticket on paper).
#[component]
pub fn QueueTicketView(props: QueueTicketProps) -> impl IntoView {
    let lang = props.lang;
    let ahead = if props.ahead == 0 {
        t(lang, "queue.ticket.none_ahead")
    } else {
        tf(lang, "queue.ticket.ahead", &[("count", &props.ahead.to_string())])
    };
    let status = match props.counter {
        Some(c) => tf(lang, "queue.ticket.called", &[("counter", &c.to_string())]),
        None => t(lang, &props.state_key),
    };
    let title = format!("{} {} · Balai", t(lang, "queue.ticket.title"), props.label);
    view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{title}</title>
                <link rel="stylesheet" href="/static/queue.css"/>
            </head>
            <body class="q-ticket-page">
                <main class="q-ticket" id="main">
                    <p class="q-village">{props.village_name.clone()}</p>
                    <p class="q-caption">{t(lang, "queue.ticket.title")}</p>
                    <p class="q-number" id="ticket-number">{props.label.clone()}</p>
                    <p class="q-ticket-service">{props.service.clone()}</p>
                    <p class="q-ahead">{ahead}</p>
                    <p class="q-status no-print">{status}</p>
                    <p class="q-taken">{props.taken.clone()}</p>
                    <p class="q-note">{t(lang, "queue.ticket.note")}</p>
                </main>
                <nav class="q-ticket-actions no-print">
                    <p>{t(lang, "queue.ticket.print_hint")}</p>
                    <a class="btn btn-primary" href="/antrian">{t(lang, "queue.ticket.another")}</a>
                </nav>
            </body>
        </html>
    }
}

/// Renders the printable ticket.
pub fn render_queue_ticket(props: QueueTicketProps) -> String {
    document(|| view! { <QueueTicketView props=props/> })
}
