//! The sign-in page: one form for staff (username + password) and one for
//! residents (NIK + PIN), with errors beside the fields.

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field, hidden};

/// Props of the sign-in page. Field errors use the names `username`,
/// `password`, `nik`, `pin`.
#[derive(Clone, Debug, Default)]
pub struct SigninProps {
    /// Page shell.
    pub shell: Shell,
    /// The username to show again after a failed attempt (never the password).
    pub username: String,
    /// The NIK to show again after a failed attempt (never the PIN).
    pub nik: String,
    /// Errors beside fields.
    pub errors: Vec<FieldMessage>,
    /// A general error (e.g. "wrong username or password", "too many attempts").
    pub error: Option<String>,
    /// Where to go after signing in (hidden field `next`).
    pub next: String,
}

/// The sign-in page component.
#[component]
pub fn SigninView(props: SigninProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let general = props.error.clone().map(|e| view! { <div class="flash flash-error" role="alert">{e}</div> });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "signin.title")>
            {general}
            <div class="two-col">
                {staff_form(lang, &props, &csrf)}
                {warga_form(lang, &props, &csrf)}
            </div>
        </Page>
    }
}

fn staff_form(lang: Lang, p: &SigninProps, csrf: &str) -> impl IntoView + use<> {
    let user = Field::new("username", t(lang, "signin.username"), &p.username)
        .error(message_for(&p.errors, "username"))
        .autocomplete("username");
    let pass = Field::new("password", t(lang, "signin.password"), "")
        .control(Control::Input("password"))
        .error(message_for(&p.errors, "password"))
        .autocomplete("current-password");
    view! {
        <section class="card" aria-labelledby="staff-h">
            <h2 id="staff-h">{t(lang, "signin.staff")}</h2>
            <form method="post" action="/signin/staff">
                {csrf_field(csrf)}
                {hidden("next", &p.next)}
                {field(lang, user)}
                {field(lang, pass)}
                <button type="submit" class="btn btn-primary btn-big">{t(lang, "action.signin")}</button>
            </form>
        </section>
    }
}

fn warga_form(lang: Lang, p: &SigninProps, csrf: &str) -> impl IntoView + use<> {
    let nik = Field::new("nik", t(lang, "field.nik"), &p.nik)
        .control(Control::Digits)
        .help(t(lang, "signin.nik_help"))
        .error(message_for(&p.errors, "nik"));
    let pin = Field::new("pin", t(lang, "signin.pin"), "")
        .control(Control::Input("password"))
        .help(t(lang, "signin.pin_help"))
        .error(message_for(&p.errors, "pin"))
        .autocomplete("current-password");
    view! {
        <section class="card" aria-labelledby="warga-h">
            <h2 id="warga-h">{t(lang, "signin.warga")}</h2>
            <form method="post" action="/signin/warga">
                {csrf_field(csrf)}
                {hidden("next", &p.next)}
                {field(lang, nik)}
                {field(lang, pin)}
                <button type="submit" class="btn btn-primary btn-big">{t(lang, "action.signin")}</button>
            </form>
        </section>
    }
}

/// Renders the sign-in page.
pub fn render_signin(props: SigninProps) -> String {
    document(|| view! { <SigninView props=props/> })
}
