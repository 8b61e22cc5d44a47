//! The outbox: every notification the office sent or will send (SMS through
//! the modem; WhatsApp and e-mail held for the uplink), its delivery state,
//! a "retry now" button for a failed SMS, and a form that sends a test SMS so
//! an admin can check the modem.

use leptos::prelude::*;

use crate::common::{FieldMessage, Pagination, Shell, message_for, url_encode};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field, options_with_empty, pager};

/// One message (display text; the recipient already masked).
#[derive(Clone, Debug, Default)]
pub struct OutboxRow {
    /// Message id.
    pub id: String,
    /// Created (formatted, village time).
    pub time: String,
    /// Channel label.
    pub channel: String,
    /// Recipient, partly masked.
    pub to: String,
    /// State code (`queued`, `sending`, `sent`, `failed`, `held`, `carried`).
    pub state: String,
    /// State label.
    pub state_label: String,
    /// Attempts so far.
    pub attempts: u32,
    /// The last error, empty if none.
    pub last_error: String,
    /// What it is about (e.g. `letter_request:…`), empty if nothing.
    pub about: String,
    /// Shows the "retry now" button.
    pub can_retry: bool,
}

/// Props of the outbox page (GET `/outbox`).
#[derive(Clone, Debug, Default)]
pub struct OutboxProps {
    /// Page shell.
    pub shell: Shell,
    /// The modem's serial port; `None` when no modem is configured.
    pub modem_port: Option<String>,
    /// The state filter (a state code or empty for all).
    pub state: String,
    /// `(code, label)` of each state, for the filter.
    pub state_options: Vec<(String, String)>,
    /// This page's messages, newest first.
    pub rows: Vec<OutboxRow>,
    /// Where we are.
    pub page: Pagination,
    /// The test form's number.
    pub test_to: String,
    /// The test form's text.
    pub test_body: String,
    /// Errors of the test form, by field (`to`, `body`).
    pub errors: Vec<FieldMessage>,
}

/// The outbox page component.
#[component]
pub fn OutboxView(props: OutboxProps) -> impl IntoView {
    let lang = props.shell.lang;
    let pager = pager(lang, "/outbox", &[("state", props.state.as_str())], &props.page);
    view! {
        <Page shell=props.shell.clone() title=t(lang, "outbox.title")>
            <p>{t(lang, "outbox.intro")}</p>
            {modem_line(lang, props.modem_port.clone())}
            {filter(lang, &props.state, &props.state_options)}
            {table(lang, &props.rows, &props.shell.csrf)}
            {pager}
            {test_form(lang, &props)}
        </Page>
    }
}

fn modem_line(lang: Lang, port: Option<String>) -> AnyView {
    match port {
        Some(port) => view! {
            <p class="flash flash-ok" role="status">{tf(lang, "outbox.modem.port", &[("port", &port)])}</p>
        }
        .into_any(),
        None => view! {
            <p class="flash flash-warn" role="status">{t(lang, "outbox.modem.none")}</p>
        }
        .into_any(),
    }
}

fn filter(lang: Lang, state: &str, options: &[(String, String)]) -> impl IntoView + use<> {
    let options = options_with_empty(lang, "outbox.state.all", options, state);
    view! {
        <form class="filters" method="get" action="/outbox">
            <div class="field">
                <label for="state">{t(lang, "outbox.state")}</label>
                <select id="state" name="state">{options}</select>
            </div>
            <button type="submit" class="btn btn-primary">{t(lang, "action.filter")}</button>
        </form>
    }
}

fn table(lang: Lang, rows: &[OutboxRow], csrf: &str) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="empty">{t(lang, "outbox.none")}</p> }.into_any();
    }
    let labels: Vec<String> = [
        "outbox.time",
        "outbox.channel",
        "outbox.to",
        "outbox.state",
        "outbox.attempts",
        "outbox.last_error",
        "outbox.action",
    ]
    .iter()
    .map(|k| t(lang, k))
    .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = rows.iter().map(|r| row(lang, &labels, r, csrf)).collect_view();
    view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table> }.into_any()
}

fn row(lang: Lang, labels: &[String], r: &OutboxRow, csrf: &str) -> impl IntoView + use<> {
    let retry = r.can_retry.then(|| {
        view! {
            <form class="inline" method="post" action=format!("/outbox/{}/retry", url_encode(&r.id))>
                {csrf_field(csrf)}
                <button type="submit" class="btn">{t(lang, "outbox.retry")}</button>
            </form>
        }
    });
    let about = (!r.about.is_empty()).then(|| view! { <br/><small class="mono">{r.about.clone()}</small> });
    view! {
        <tr data-state=r.state.clone()>
            <td data-label=labels[0].clone()>{r.time.clone()}</td>
            <td data-label=labels[1].clone()>{r.channel.clone()}</td>
            <td data-label=labels[2].clone()><span class="mono">{r.to.clone()}</span> {about}</td>
            <td data-label=labels[3].clone()><strong>{r.state_label.clone()}</strong></td>
            <td data-label=labels[4].clone()>{r.attempts}</td>
            <td data-label=labels[5].clone()>{r.last_error.clone()}</td>
            <td data-label=labels[6].clone()>{retry}</td>
        </tr>
    }
}

fn test_form(lang: Lang, props: &OutboxProps) -> impl IntoView + use<> {
    let to = Field::new("to", t(lang, "outbox.test.to"), &props.test_to)
        .control(Control::Input("tel"))
        .help(t(lang, "outbox.test.to_help"))
        .error(message_for(&props.errors, "to"))
        .required(true);
    let body = Field::new("body", t(lang, "outbox.test.body"), &props.test_body)
        .control(Control::Multiline)
        .help(t(lang, "outbox.test.body_help"))
        .error(message_for(&props.errors, "body"));
    view! {
        <section class="card">
            <h2>{t(lang, "outbox.test.title")}</h2>
            <form method="post" action="/outbox/test">
                {csrf_field(&props.shell.csrf)}
                {field(lang, to)}
                {field(lang, body)}
                <button type="submit" class="btn btn-primary">{t(lang, "outbox.test.send")}</button>
            </form>
        </section>
    }
}

/// Renders the outbox page.
pub fn render_outbox(props: OutboxProps) -> String {
    document(|| view! { <OutboxView props=props/> })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::UserBadge;

    const EVIL: &str = "<script>alert(1)</script>";

    fn props(lang: Lang, port: Option<String>) -> OutboxProps {
        OutboxProps {
            shell: Shell {
                lang,
                csrf: "TOKEN-7".into(),
                user: Some(UserBadge { name: "Admin".into(), role_label: "Admin".into() }),
                ..Shell::default()
            },
            modem_port: port,
            state: "failed".into(),
            state_options: vec![("failed".into(), t(lang, "outbox.state.failed"))],
            rows: vec![
                OutboxRow {
                    id: "m1".into(),
                    time: "01-01-2026 10:00 WIB".into(),
                    channel: t(lang, "outbox.channel.sms"),
                    to: "+62812*****890".into(),
                    state: "failed".into(),
                    state_label: t(lang, "outbox.state.failed"),
                    attempts: 6,
                    last_error: format!("+CMS ERROR: 500 {EVIL}"),
                    about: "letter_request:r1".into(),
                    can_retry: true,
                },
                OutboxRow { id: "m2".into(), state: "sent".into(), ..OutboxRow::default() },
            ],
            page: Pagination { page: 1, total_pages: 2, total_items: 30 },
            test_to: EVIL.into(),
            test_body: EVIL.into(),
            errors: vec![("to".into(), t(lang, "outbox.to.phone"))],
        }
    }

    #[test]
    fn renders_in_both_languages_escaped_with_csrf_on_every_post_form() {
        for lang in [Lang::Id, Lang::En] {
            let html = render_outbox(props(lang, None));
            assert!(html.contains(&format!("lang=\"{}\"", lang.code())));
            assert!(html.contains(&t(lang, "outbox.title")));
            assert!(html.contains(&t(lang, "outbox.test.send")));
            assert!(!html.contains("<script>"), "user data escaped");
            assert!(html.contains("&lt;script&gt;"));
            let posts = html.matches("method=\"post\"").count();
            assert_eq!(posts, 3, "sign out, retry, test form");
            assert_eq!(html.matches("name=\"csrf\" value=\"TOKEN-7\"").count(), posts);
            assert!(html.contains("action=\"/outbox/m1/retry\""));
            assert!(!html.contains("action=\"/outbox/m2/retry\""), "no retry for a sent message");
            assert!(html.contains("+62812*****890"));
            assert!(html.contains("state=failed"), "pager keeps the filter");
        }
    }

    #[test]
    fn says_when_no_modem_is_configured() {
        let none = render_outbox(props(Lang::Id, None));
        assert!(none.contains(&t(Lang::Id, "outbox.modem.none")));
        let some = render_outbox(props(Lang::En, Some("/dev/ttyUSB2".into())));
        assert!(some.contains("/dev/ttyUSB2"));
        assert!(!some.contains(&t(Lang::En, "outbox.modem.none")));
    }
}
