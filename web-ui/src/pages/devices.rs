//! The device registry (admin): every MQTT device with its kind, place, last
//! contact, battery and signal; the broker's counters; a form that registers
//! a device, and rotate/revoke buttons. A new credential is shown once.

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Field, csrf_field, field, options_view};

/// One device (display text).
#[derive(Clone, Debug, Default)]
pub struct DeviceRow {
    /// Device id (client id and user name).
    pub id: String,
    /// Kind label.
    pub kind: String,
    /// Place name with its kind.
    pub place: String,
    /// Last contact (village time), empty if never.
    pub last_seen: String,
    /// Battery, e.g. `3.7 V`; empty if never reported.
    pub battery: String,
    /// Signal, e.g. `-71 dBm`; empty if never reported.
    pub signal: String,
    /// Invalid payloads since the daemon started.
    pub invalid: u64,
    /// Revoked: shown struck through, no revoke button.
    pub revoked: bool,
}

/// A credential just issued, shown once.
#[derive(Clone, Debug, Default)]
pub struct IssuedCredential {
    /// Device id.
    pub id: String,
    /// The secret (MQTT password).
    pub secret: String,
    /// Client certificate (PEM).
    pub cert_pem: String,
    /// Its private key (PEM).
    pub key_pem: String,
}

/// Props of the devices page (GET `/perangkat`).
#[derive(Clone, Debug, Default)]
pub struct DevicesProps {
    /// Page shell.
    pub shell: Shell,
    /// `(label, value)` of the broker's counters.
    pub metrics: Vec<(String, String)>,
    /// Every device.
    pub rows: Vec<DeviceRow>,
    /// `(code, label)` of the kinds and of the place kinds, for the form.
    pub kinds: Vec<(String, String)>,
    /// Place kinds.
    pub place_kinds: Vec<(String, String)>,
    /// The form's values: id, kind, place kind, place.
    pub form: [String; 4],
    /// Errors of the form, by field.
    pub errors: Vec<FieldMessage>,
    /// A credential to show once.
    pub issued: Option<IssuedCredential>,
}

/// The devices page component.
#[component]
pub fn DevicesView(props: DevicesProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let metrics =
        props.metrics.iter().map(|(l, v)| view! { <div><dt>{l.clone()}</dt><dd>{v.clone()}</dd></div> }).collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "devices.title")>
            <p>{t(lang, "devices.intro")}</p>
            {issued(lang, props.issued.clone())}
            <section class="card"><h2>{t(lang, "devices.metrics")}</h2><dl class="figures">{metrics}</dl></section>
            {table(lang, &props.rows, &csrf)}
            {add_form(lang, &props)}
        </Page>
    }
}

fn issued(lang: Lang, issued: Option<IssuedCredential>) -> Option<AnyView> {
    let i = issued?;
    Some(
        view! {
            <section class="card flash flash-ok" role="status">
                <h2>{t(lang, "devices.issued.title")} " " <span class="mono">{i.id.clone()}</span></h2>
                <p>{t(lang, "devices.issued.once")}</p>
                <p>{t(lang, "devices.issued.secret")} ": " <strong class="mono">{i.secret.clone()}</strong></p>
                <details><summary>{t(lang, "devices.issued.cert")}</summary><pre class="mono">{i.cert_pem.clone()}{i.key_pem.clone()}</pre></details>
            </section>
        }
        .into_any(),
    )
}

fn table(lang: Lang, rows: &[DeviceRow], csrf: &str) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="empty">{t(lang, "devices.none")}</p> }.into_any();
    }
    let labels: Vec<String> = [
        "devices.id",
        "devices.kind",
        "devices.place",
        "devices.last_seen",
        "devices.battery",
        "devices.signal",
        "devices.invalid",
        "devices.action",
    ]
    .iter()
    .map(|k| t(lang, k))
    .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = rows.iter().map(|r| row(lang, &labels, r, csrf)).collect_view();
    view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table> }.into_any()
}

fn row(lang: Lang, labels: &[String], r: &DeviceRow, csrf: &str) -> impl IntoView + use<> {
    let id = url_encode(&r.id);
    let actions = view! {
        <a href=format!("/perangkat/{id}/data.csv")>{t(lang, "devices.csv")}</a>
        <form class="inline" method="post" action=format!("/perangkat/{id}/rotate")>
            {csrf_field(csrf)}
            <button type="submit" class="btn">{t(lang, "devices.rotate")}</button>
        </form>
        {(!r.revoked).then(|| view! {
            <form class="inline" method="post" action=format!("/perangkat/{id}/revoke")>
                {csrf_field(csrf)}
                <button type="submit" class="btn btn-danger">{t(lang, "devices.revoke")}</button>
            </form>
        })}
    };
    let state = if r.revoked { t(lang, "devices.revoked") } else { String::new() };
    let never = t(lang, "devices.never");
    view! {
        <tr data-revoked=r.revoked.to_string()>
            <td data-label=labels[0].clone()><span class="mono">{r.id.clone()}</span> " " <strong>{state}</strong></td>
            <td data-label=labels[1].clone()>{r.kind.clone()}</td>
            <td data-label=labels[2].clone()>{r.place.clone()}</td>
            <td data-label=labels[3].clone()>{if r.last_seen.is_empty() { never } else { r.last_seen.clone() }}</td>
            <td data-label=labels[4].clone()>{r.battery.clone()}</td>
            <td data-label=labels[5].clone()>{r.signal.clone()}</td>
            <td data-label=labels[6].clone()>{r.invalid}</td>
            <td data-label=labels[7].clone()>{actions}</td>
        </tr>
    }
}

fn add_form(lang: Lang, props: &DevicesProps) -> impl IntoView + use<> {
    let id = Field::new("id", t(lang, "devices.id"), &props.form[0])
        .help(t(lang, "devices.id.help"))
        .error(message_for(&props.errors, "id"))
        .required(true);
    let place = Field::new("place", t(lang, "devices.place"), &props.form[3])
        .help(t(lang, "devices.place.help"))
        .error(message_for(&props.errors, "place"))
        .required(true);
    let kinds = options_view(lang, &props.kinds, &props.form[1]);
    let place_kinds = options_view(lang, &props.place_kinds, &props.form[2]);
    view! {
        <section class="card">
            <h2>{t(lang, "devices.add.title")}</h2>
            <form method="post" action="/perangkat">
                {csrf_field(&props.shell.csrf)}
                {field(lang, id)}
                <div class="field">
                    <label for="kind">{t(lang, "devices.kind")}</label>
                    <select id="kind" name="kind">{kinds}</select>
                </div>
                <div class="field">
                    <label for="place_kind">{t(lang, "devices.place_kind")}</label>
                    <select id="place_kind" name="place_kind">{place_kinds}</select>
                </div>
                {field(lang, place)}
                <button type="submit" class="btn btn-primary">{t(lang, "devices.add")}</button>
            </form>
        </section>
    }
}

/// Renders the devices page.
pub fn render_devices(props: DevicesProps) -> String {
    document(|| view! { <DevicesView props=props/> })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_escape_and_revoked_devices_have_no_revoke_button() {
        let props = DevicesProps {
            shell: Shell { lang: Lang::Id, csrf: "TOK".into(), ..Shell::default() },
            rows: vec![
                DeviceRow { id: "sawah01".into(), place: "<script>".into(), ..DeviceRow::default() },
                DeviceRow { id: "lama01".into(), revoked: true, ..DeviceRow::default() },
            ],
            issued: Some(IssuedCredential { id: "sawah01".into(), secret: "abc123".into(), ..Default::default() }),
            ..DevicesProps::default()
        };
        let html = render_devices(props);
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("/perangkat/sawah01/revoke"));
        assert!(!html.contains("/perangkat/lama01/revoke"));
        assert!(html.contains("abc123"));
        assert!(html.contains("name=\"csrf\" value=\"TOK\""));
        assert!(html.contains("Daftarkan perangkat"), "texts come from the catalog");
    }
}
