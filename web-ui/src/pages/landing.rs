//! The public front page: who the village office is, how to reach it, who
//! protects residents' data (UU PDP 27/2022), and the way in.

use leptos::prelude::*;

use crate::common::{Shell, VillageProfile};
use crate::i18n::t;
use crate::layout::{Page, document};
use crate::widgets::dl_row;

/// Props of the landing page (GET `/`).
#[derive(Clone, Debug, Default)]
pub struct LandingProps {
    /// Page shell.
    pub shell: Shell,
    /// The village profile.
    pub profile: VillageProfile,
    /// Number of living residents.
    pub population_total: u64,
}

/// The landing page component.
#[component]
pub fn LandingView(props: LandingProps) -> impl IntoView {
    let lang = props.shell.lang;
    let p = props.profile;
    let title =
        if p.name.is_empty() { t(lang, "landing.title") } else { format!("{} {}", t(lang, "landing.village"), p.name) };
    let region = [p.kecamatan.as_str(), p.kabupaten.as_str(), p.provinsi.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let signed_in = props.shell.user.is_some();
    view! {
        <Page shell=props.shell title=title>
            <p class="lead">{region}</p>
            <section class="card" aria-labelledby="profile-h">
                <h2 id="profile-h">{t(lang, "landing.profile")}</h2>
                <dl class="dl">
                    {dl_row(t(lang, "profile.kecamatan"), p.kecamatan)}
                    {dl_row(t(lang, "profile.kabupaten"), p.kabupaten)}
                    {dl_row(t(lang, "profile.provinsi"), p.provinsi)}
                    {dl_row(t(lang, "profile.address"), p.address)}
                    {dl_row(t(lang, "profile.kepala_desa"), p.kepala_desa)}
                    {dl_row(t(lang, "profile.office_hours"), p.office_hours)}
                    {dl_row(t(lang, "profile.phone"), p.phone)}
                    {dl_row(t(lang, "profile.email"), p.email)}
                    {dl_row(t(lang, "landing.population"), props.population_total.to_string())}
                </dl>
            </section>
            <section class="card" aria-labelledby="dpo-h">
                <h2 id="dpo-h">{t(lang, "landing.dpo")}</h2>
                <p>{t(lang, "landing.dpo_text")}</p>
                <dl class="dl">
                    {dl_row(t(lang, "profile.dpo_name"), p.dpo_name)}
                    {dl_row(t(lang, "profile.dpo_contact"), p.dpo_contact)}
                </dl>
            </section>
            {(!signed_in).then(|| view! {
                <p><a class="btn btn-primary btn-big" href="/signin">{t(lang, "action.signin")}</a></p>
            })}
        </Page>
    }
}

/// Renders the landing page.
pub fn render_landing(props: LandingProps) -> String {
    document(|| view! { <LandingView props=props/> })
}
