//! The printable subject-access report (UU PDP 27/2022): one resident's data
//! and the full history of who viewed or changed it, naming the data
//! protection officer.

use leptos::prelude::*;

use crate::common::{HistoryEntry, Shell, VillageProfile};
use crate::i18n::{t, tf};
use crate::layout::{Page, document};
use crate::pages::resident_detail::{fields_view, history_table};
use crate::resident::ResidentFields;
use crate::widgets::dl_row;

/// Props of the report (GET `/residents/{id}/access-report`).
#[derive(Clone, Debug, Default)]
pub struct SubjectAccessProps {
    /// Page shell.
    pub shell: Shell,
    /// When the report was made (formatted).
    pub generated_at: String,
    /// Who made it.
    pub generated_by: String,
    /// The village (name and DPO are printed).
    pub profile: VillageProfile,
    /// The resident's data (display values, NIK in full: it is their own).
    pub resident: ResidentFields,
    /// Every processing of the record (views, changes, exports), oldest first.
    pub history: Vec<HistoryEntry>,
}

/// The report component.
#[component]
pub fn SubjectAccessView(props: SubjectAccessProps) -> impl IntoView {
    let lang = props.shell.lang;
    let intro = tf(lang, "sar.intro", &[("name", &props.resident.nama), ("village", &props.profile.name)]);
    let p = props.profile.clone();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "sar.title")>
            <p>{intro}</p>
            <dl class="dl">
                {dl_row(t(lang, "sar.generated_at"), props.generated_at.clone())}
                {dl_row(t(lang, "sar.generated_by"), props.generated_by.clone())}
                {dl_row(t(lang, "profile.dpo_name"), p.dpo_name)}
                {dl_row(t(lang, "profile.dpo_contact"), p.dpo_contact)}
            </dl>
            <p class="no-print help">{t(lang, "sar.print_hint")}</p>
            {fields_view(lang, &props.resident, true, None)}
            <section class="record">
                <h2>{t(lang, "sar.history")}</h2>
                <p>{t(lang, "sar.history_text")}</p>
                {history_table(lang, props.history.clone())}
            </section>
            <p class="muted">{t(lang, "sar.rights")}</p>
        </Page>
    }
}

/// Renders the report.
pub fn render_subject_access(props: SubjectAccessProps) -> String {
    document(|| view! { <SubjectAccessView props=props/> })
}
