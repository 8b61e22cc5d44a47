//! The user's own sign-in sessions, each revocable.

use leptos::prelude::*;

use crate::common::{Shell, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::csrf_field;

/// One session.
#[derive(Clone, Debug, Default)]
pub struct SessionRow {
    /// Session id (public handle, not the cookie secret).
    pub id: String,
    /// Created (formatted).
    pub created: String,
    /// Last seen (formatted).
    pub last_seen: String,
    /// Browser user agent.
    pub user_agent: String,
    /// Is it this browser?
    pub current: bool,
}

/// Props of the sessions page (GET `/sessions`).
#[derive(Clone, Debug, Default)]
pub struct SessionsProps {
    /// Page shell.
    pub shell: Shell,
    /// The user's sessions.
    pub sessions: Vec<SessionRow>,
}

/// The sessions page component.
#[component]
pub fn SessionsView(props: SessionsProps) -> impl IntoView {
    let lang = props.shell.lang;
    let labels: Vec<String> = ["sessions.created", "sessions.last_seen", "sessions.agent", "sessions.action"]
        .iter()
        .map(|k| t(lang, k))
        .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = props.sessions.iter().map(|s| row(lang, &labels, s, &props.shell.csrf)).collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "sessions.title")>
            <p>{t(lang, "sessions.intro")}</p>
            <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>
        </Page>
    }
}

fn row(lang: Lang, labels: &[String], s: &SessionRow, csrf: &str) -> impl IntoView + use<> {
    let current = s.current.then(|| view! { " " <strong class="badge">{t(lang, "sessions.current")}</strong> });
    view! {
        <tr>
            <td data-label=labels[0].clone()>{s.created.clone()} {current}</td>
            <td data-label=labels[1].clone()>{s.last_seen.clone()}</td>
            <td data-label=labels[2].clone()>{s.user_agent.clone()}</td>
            <td data-label=labels[3].clone()>
                <form class="inline" method="post" action=format!("/sessions/{}/revoke", url_encode(&s.id))>
                    {csrf_field(csrf)}
                    <button type="submit" class="btn btn-danger">{t(lang, "sessions.revoke")}</button>
                </form>
            </td>
        </tr>
    }
}

/// Renders the sessions page.
pub fn render_sessions(props: SessionsProps) -> String {
    document(|| view! { <SessionsView props=props/> })
}
