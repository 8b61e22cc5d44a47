//! User administration: the list of staff accounts, creating one,
//! disabling/enabling, and issuing a resident (warga) PIN.

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for, url_encode};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field};

/// One user account.
#[derive(Clone, Debug, Default)]
pub struct UserRow {
    /// User id (for the disable/enable URL).
    pub id: String,
    /// Username.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role (translated).
    pub role_label: String,
    /// Disabled?
    pub disabled: bool,
}

/// A PIN just issued to a resident, shown once.
#[derive(Clone, Debug, Default)]
pub struct IssuedPin {
    /// Resident name.
    pub name: String,
    /// The PIN.
    pub pin: String,
}

/// Props of the users page (GET `/users`). Create-form errors use the field
/// names `username`, `full_name`, `role`, `password`; PIN-form errors `nik`.
#[derive(Clone, Debug, Default)]
pub struct UsersProps {
    /// Page shell.
    pub shell: Shell,
    /// Accounts.
    pub users: Vec<UserRow>,
    /// Roles `(code, label)`.
    pub role_options: Vec<(String, String)>,
    /// Create form: username typed earlier.
    pub new_username: String,
    /// Create form: full name typed earlier.
    pub new_full_name: String,
    /// Create form: role chosen earlier.
    pub new_role: String,
    /// Create-form errors.
    pub errors: Vec<FieldMessage>,
    /// PIN form: NIK typed earlier.
    pub pin_nik: String,
    /// PIN-form errors.
    pub pin_errors: Vec<FieldMessage>,
    /// A PIN just issued.
    pub issued_pin: Option<IssuedPin>,
}

/// The users page component.
#[component]
pub fn UsersView(props: UsersProps) -> impl IntoView {
    let lang = props.shell.lang;
    view! {
        <Page shell=props.shell.clone() title=t(lang, "users.title")>
            {props.issued_pin.clone().map(|p| issued(lang, p))}
            {list(lang, &props)}
            <div class="two-col">
                {create_form(lang, &props)}
                {pin_form(lang, &props)}
            </div>
        </Page>
    }
}

fn issued(lang: Lang, p: IssuedPin) -> impl IntoView {
    let text = tf(lang, "users.pin_issued", &[("name", &p.name)]);
    view! {
        <div class="flash flash-ok" role="status">
            <p>{text}</p>
            <p class="pin mono">{p.pin}</p>
            <p>{t(lang, "users.pin_once")}</p>
        </div>
    }
}

fn list(lang: Lang, p: &UsersProps) -> impl IntoView + use<> {
    let labels: Vec<String> = ["users.username", "users.full_name", "users.role", "users.status", "users.action"]
        .iter()
        .map(|k| t(lang, k))
        .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = p.users.iter().map(|u| row(lang, &labels, u, &p.shell.csrf)).collect_view();
    view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table> }
}

fn row(lang: Lang, labels: &[String], u: &UserRow, csrf: &str) -> impl IntoView + use<> {
    let (status, verb, key, class) = if u.disabled {
        ("users.disabled", "enable", "users.enable", "btn")
    } else {
        ("users.active", "disable", "users.disable", "btn btn-danger")
    };
    view! {
        <tr>
            <td data-label=labels[0].clone() class="mono">{u.username.clone()}</td>
            <td data-label=labels[1].clone()>{u.full_name.clone()}</td>
            <td data-label=labels[2].clone()>{u.role_label.clone()}</td>
            <td data-label=labels[3].clone()>{t(lang, status)}</td>
            <td data-label=labels[4].clone()>
                <form class="inline" method="post" action=format!("/users/{}/{verb}", url_encode(&u.id))>
                    {csrf_field(csrf)}
                    <button type="submit" class=class>{t(lang, key)}</button>
                </form>
            </td>
        </tr>
    }
}

fn create_form(lang: Lang, p: &UsersProps) -> impl IntoView + use<> {
    let e = |name| message_for(&p.errors, name);
    let username = Field::new("username", t(lang, "users.username"), &p.new_username)
        .required(true)
        .error(e("username"))
        .autocomplete("off");
    let full =
        Field::new("full_name", t(lang, "users.full_name"), &p.new_full_name).required(true).error(e("full_name"));
    let role = Field::new("role", t(lang, "users.role"), &p.new_role)
        .control(Control::Select(p.role_options.clone()))
        .required(true)
        .error(e("role"));
    let password = Field::new("password", t(lang, "signin.password"), "")
        .control(Control::Input("password"))
        .help(t(lang, "users.password_help"))
        .required(true)
        .error(e("password"))
        .autocomplete("new-password");
    view! {
        <section class="card" aria-labelledby="new-user-h">
            <h2 id="new-user-h">{t(lang, "users.create")}</h2>
            <form method="post" action="/users">
                {csrf_field(&p.shell.csrf)}
                {field(lang, username)}
                {field(lang, full)}
                {field(lang, role)}
                {field(lang, password)}
                <button type="submit" class="btn btn-primary">{t(lang, "users.create")}</button>
            </form>
        </section>
    }
}

fn pin_form(lang: Lang, p: &UsersProps) -> impl IntoView + use<> {
    let nik = Field::new("nik", t(lang, "field.nik"), &p.pin_nik)
        .control(Control::Digits)
        .help(t(lang, "users.pin_help"))
        .required(true)
        .error(message_for(&p.pin_errors, "nik"));
    view! {
        <section class="card" aria-labelledby="pin-h">
            <h2 id="pin-h">{t(lang, "users.pin_title")}</h2>
            <form method="post" action="/users/pin">
                {csrf_field(&p.shell.csrf)}
                {field(lang, nik)}
                <button type="submit" class="btn btn-primary">{t(lang, "users.pin_issue")}</button>
            </form>
        </section>
    }
}

/// Renders the users page.
pub fn render_users(props: UsersProps) -> String {
    document(|| view! { <UsersView props=props/> })
}
