//! Password confirmation before a sensitive action (export, user admin,
//! full NIK view): the daemon sends the user here and back to `next`.

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::t;
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field, hidden};

/// Props of the re-authentication page (POST `/reauth`).
#[derive(Clone, Debug, Default)]
pub struct ReauthProps {
    /// Page shell.
    pub shell: Shell,
    /// Where to continue after confirming (hidden field `next`).
    pub next: String,
    /// Error beside the password field (e.g. wrong password).
    pub error: Option<String>,
}

/// The re-authentication component.
#[component]
pub fn ReauthView(props: ReauthProps) -> impl IntoView {
    let lang = props.shell.lang;
    let pass = Field::new("password", t(lang, "signin.password"), "")
        .control(Control::Input("password"))
        .error(props.error.clone())
        .autocomplete("current-password");
    let csrf = props.shell.csrf.clone();
    view! {
        <Page shell=props.shell title=t(lang, "reauth.title")>
            <section class="card narrow">
                <p>{t(lang, "reauth.text")}</p>
                <form method="post" action="/reauth">
                    {csrf_field(&csrf)}
                    {hidden("next", &props.next)}
                    {field(lang, pass)}
                    <button type="submit" class="btn btn-primary btn-big">{t(lang, "action.confirm")}</button>
                </form>
            </section>
        </Page>
    }
}

/// Renders the re-authentication page.
pub fn render_reauth(props: ReauthProps) -> String {
    document(|| view! { <ReauthView props=props/> })
}
