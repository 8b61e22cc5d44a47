//! Village settings: the profile shown on the landing page and the data
//! protection officer named on reports.

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, VillageProfile, message_for};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field};

/// Props of the settings page (GET/POST `/settings`). Field names are the
/// [`VillageProfile`] field names.
#[derive(Clone, Debug, Default)]
pub struct SettingsProps {
    /// Page shell.
    pub shell: Shell,
    /// Current values.
    pub profile: VillageProfile,
    /// Errors beside fields.
    pub errors: Vec<FieldMessage>,
}

/// The settings page component.
#[component]
pub fn SettingsView(props: SettingsProps) -> impl IntoView {
    let lang = props.shell.lang;
    let p = &props.profile;
    let village = [
        ("name", "profile.name", &p.name, false),
        ("kecamatan", "profile.kecamatan", &p.kecamatan, false),
        ("kabupaten", "profile.kabupaten", &p.kabupaten, false),
        ("provinsi", "profile.provinsi", &p.provinsi, false),
        ("address", "profile.address", &p.address, true),
        ("kepala_desa", "profile.kepala_desa", &p.kepala_desa, false),
        ("office_hours", "profile.office_hours", &p.office_hours, false),
        ("phone", "profile.phone", &p.phone, false),
        ("email", "profile.email", &p.email, false),
    ]
    .map(|(n, k, v, multi)| input(lang, &props, n, k, v, multi))
    .into_iter()
    .collect_view();
    let dpo = [
        ("dpo_name", "profile.dpo_name", &p.dpo_name, false),
        ("dpo_contact", "profile.dpo_contact", &p.dpo_contact, false),
    ]
    .map(|(n, k, v, multi)| input(lang, &props, n, k, v, multi))
    .into_iter()
    .collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "settings.title")>
            <form method="post" action="/settings">
                {csrf_field(&props.shell.csrf)}
                <fieldset class="card">
                    <legend>{t(lang, "landing.profile")}</legend>
                    {village}
                </fieldset>
                <fieldset class="card">
                    <legend>{t(lang, "landing.dpo")}</legend>
                    <p class="help">{t(lang, "settings.dpo_help")}</p>
                    {dpo}
                </fieldset>
                <button type="submit" class="btn btn-primary btn-big">{t(lang, "action.save")}</button>
            </form>
        </Page>
    }
}

fn input(
    lang: Lang,
    props: &SettingsProps,
    name: &str,
    key: &str,
    value: &str,
    multiline: bool,
) -> impl IntoView + use<> {
    let mut f = Field::new(name, t(lang, key), value).error(message_for(&props.errors, name));
    if multiline {
        f = f.control(Control::Multiline);
    }
    field(lang, f)
}

/// Renders the settings page.
pub fn render_settings(props: SettingsProps) -> String {
    document(|| view! { <SettingsView props=props/> })
}
