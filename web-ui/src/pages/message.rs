//! The error page (status code, message, link home) and a generic message
//! page (e.g. "request sent", "signed out").

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::t;
use crate::layout::{Page, document};

/// Props of the error page.
#[derive(Clone, Debug, Default)]
pub struct ErrorProps {
    /// Page shell.
    pub shell: Shell,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong (translated); empty uses a standard text for the status.
    pub message: String,
}

/// The error page component.
#[component]
pub fn ErrorPageView(props: ErrorProps) -> impl IntoView {
    let lang = props.shell.lang;
    let key = match props.status {
        400 => "error.400",
        403 => "error.403",
        404 => "error.404",
        413 => "error.413",
        429 => "error.429",
        500..=599 => "error.500",
        _ => "error.other",
    };
    let message = if props.message.is_empty() { t(lang, key) } else { props.message.clone() };
    let title = format!("{} {}", t(lang, "error.title"), props.status);
    view! {
        <Page shell=props.shell.clone() title=title>
            <p class="lead">{message}</p>
            <p><a class="btn btn-primary" href="/">{t(lang, "action.home")}</a></p>
        </Page>
    }
}

/// Renders the error page.
pub fn render_error(props: ErrorProps) -> String {
    document(|| view! { <ErrorPageView props=props/> })
}

/// Props of a generic message page.
#[derive(Clone, Debug, Default)]
pub struct MessageProps {
    /// Page shell.
    pub shell: Shell,
    /// Heading (translated).
    pub title: String,
    /// Body text (translated).
    pub text: String,
    /// Optional link `(href, label)`; none shows a link home.
    pub link: Option<(String, String)>,
}

/// The message page component.
#[component]
pub fn MessagePageView(props: MessageProps) -> impl IntoView {
    let lang = props.shell.lang;
    let (href, label) = props.link.clone().unwrap_or_else(|| ("/".to_string(), t(lang, "action.home")));
    view! {
        <Page shell=props.shell.clone() title=props.title.clone()>
            <p class="lead">{props.text.clone()}</p>
            <p><a class="btn btn-primary" href=href>{label}</a></p>
        </Page>
    }
}

/// Renders a message page.
pub fn render_message(props: MessageProps) -> String {
    document(|| view! { <MessagePageView props=props/> })
}
