//! Duplicate-NIK cases: two records claim the same NIK; the clerk compares
//! them side by side and records a decision with a note.

use leptos::prelude::*;

use crate::common::{Shell, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field};

/// One side of a duplicate case (display text).
#[derive(Clone, Debug, Default)]
pub struct DuplicateClaim {
    /// Where it came from (e.g. "impor 2026-01-05, baris 12", "entri manual").
    pub source: String,
    /// Name.
    pub name: String,
    /// Birth place and date.
    pub birth: String,
    /// Address.
    pub address: String,
    /// No. KK / family.
    pub family: String,
    /// Resident id, if the claim is a stored record (link).
    pub resident_id: Option<String>,
}

/// One duplicate-NIK case.
#[derive(Clone, Debug, Default)]
pub struct DuplicateCase {
    /// Case id.
    pub id: String,
    /// The contested NIK.
    pub nik: String,
    /// First claim.
    pub first: DuplicateClaim,
    /// Second claim.
    pub second: DuplicateClaim,
    /// Status (translated label).
    pub status_label: String,
    /// Resolved cases show no form.
    pub resolved: bool,
}

/// Props of the duplicates page (GET `/duplicates`).
#[derive(Clone, Debug, Default)]
pub struct DuplicatesProps {
    /// Page shell.
    pub shell: Shell,
    /// Cases, open first.
    pub cases: Vec<DuplicateCase>,
    /// Resolution choices `(code, label)`; empty uses [`default_choices`].
    pub choices: Vec<(String, String)>,
}

/// The default resolution choices: `keep_first`, `keep_second`, `both_valid`
/// (different people, one NIK is wrong and gets corrected), `same_person` (merge).
pub fn default_choices(lang: Lang) -> Vec<(String, String)> {
    ["keep_first", "keep_second", "both_valid", "same_person"]
        .iter()
        .map(|c| (c.to_string(), t(lang, &format!("dup.choice.{c}"))))
        .collect()
}

/// The duplicates page component.
#[component]
pub fn DuplicatesView(props: DuplicatesProps) -> impl IntoView {
    let lang = props.shell.lang;
    let choices = if props.choices.is_empty() { default_choices(lang) } else { props.choices.clone() };
    let body = if props.cases.is_empty() {
        view! { <p class="empty">{t(lang, "dup.none")}</p> }.into_any()
    } else {
        props.cases.iter().map(|c| case(lang, c, &choices, &props.shell.csrf)).collect_view().into_any()
    };
    view! {
        <Page shell=props.shell.clone() title=t(lang, "dup.title")>
            <p>{t(lang, "dup.intro")}</p>
            {body}
        </Page>
    }
}

fn case(lang: Lang, c: &DuplicateCase, choices: &[(String, String)], csrf: &str) -> impl IntoView + use<> {
    let form = (!c.resolved).then(|| {
        let choice = Field::new("choice", t(lang, "dup.choice"), "")
            .id(format!("choice-{}", c.id))
            .control(Control::Select(choices.to_vec()))
            .required(true);
        let note = Field::new("note", t(lang, "dup.note"), "")
            .id(format!("note-{}", c.id))
            .control(Control::Multiline)
            .required(true);
        view! {
            <form method="post" action=format!("/duplicates/{}/resolve", url_encode(&c.id))>
                {csrf_field(csrf)}
                {field(lang, choice)}
                {field(lang, note)}
                <button type="submit" class="btn btn-primary">{t(lang, "dup.resolve")}</button>
            </form>
        }
    });
    view! {
        <section class="card record">
            <h2>"NIK " <span class="mono">{c.nik.clone()}</span></h2>
            <p><strong>{t(lang, "dup.status")} ": "</strong> {c.status_label.clone()}</p>
            <div class="two-col">
                {claim(lang, "dup.first", &c.first)}
                {claim(lang, "dup.second", &c.second)}
            </div>
            {form}
        </section>
    }
}

fn claim(lang: Lang, key: &str, c: &DuplicateClaim) -> impl IntoView + use<> {
    let name = match c.resident_id.clone() {
        Some(id) => view! { <a href=format!("/residents/{}", url_encode(&id))>{c.name.clone()}</a> }.into_any(),
        None => view! { {c.name.clone()} }.into_any(),
    };
    view! {
        <div class="claim">
            <h3>{t(lang, key)}</h3>
            <dl class="dl">
                <div class="dl-row"><dt>{t(lang, "field.nama")}</dt><dd>{name}</dd></div>
                <div class="dl-row"><dt>{t(lang, "dup.birth")}</dt><dd>{c.birth.clone()}</dd></div>
                <div class="dl-row"><dt>{t(lang, "field.alamat")}</dt><dd>{c.address.clone()}</dd></div>
                <div class="dl-row"><dt>{t(lang, "field.no_kk")}</dt><dd>{c.family.clone()}</dd></div>
                <div class="dl-row"><dt>{t(lang, "dup.source")}</dt><dd>{c.source.clone()}</dd></div>
            </dl>
        </div>
    }
}

/// Renders the duplicates page.
pub fn render_duplicates(props: DuplicatesProps) -> String {
    document(|| view! { <DuplicatesView props=props/> })
}
