//! One family (Kartu Keluarga): current number and its history, head,
//! address and members with their relation.

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for, show_nik, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, dl_row, field};

/// One earlier or current KK number.
#[derive(Clone, Debug, Default)]
pub struct KkHistoryEntry {
    /// The KK number.
    pub number: String,
    /// Valid from (formatted date).
    pub from_date: String,
    /// Why it changed (translated).
    pub reason: String,
}

/// One family member.
#[derive(Clone, Debug, Default)]
pub struct FamilyMember {
    /// Resident id (link).
    pub id: String,
    /// NIK.
    pub nik: String,
    /// Name.
    pub name: String,
    /// Relation in the KK (label, e.g. "Kepala Keluarga").
    pub relation_label: String,
    /// Sex label.
    pub sex_label: String,
    /// Age as text.
    pub age: String,
}

/// Props of the family page (GET `/families/{id}`).
#[derive(Clone, Debug, Default)]
pub struct FamilyDetailProps {
    /// Page shell.
    pub shell: Shell,
    /// Family id.
    pub id: String,
    /// Current No. KK.
    pub no_kk: String,
    /// KK number history, newest first.
    pub kk_history: Vec<KkHistoryEntry>,
    /// Name of the head of family.
    pub head_name: String,
    /// Resident id of the head, for a link.
    pub head_id: Option<String>,
    /// Street address.
    pub address: String,
    /// Dusun.
    pub dusun: String,
    /// RT.
    pub rt: String,
    /// RW.
    pub rw: String,
    /// Members.
    pub members: Vec<FamilyMember>,
    /// Show NIKs in full.
    pub show_full_nik: bool,
    /// Show the form that changes the No. KK (pecah KK, move, new head).
    pub can_change_kk: bool,
    /// The KK-change form's values and errors (fields `no_kk`, `from`, `reason`).
    pub kk_form: KkChangeForm,
}

/// Values and errors of the No. KK change form.
#[derive(Clone, Debug, Default)]
pub struct KkChangeForm {
    /// The new No. KK.
    pub no_kk: String,
    /// Date the new number took effect (`YYYY-MM-DD`).
    pub from: String,
    /// Why it changed.
    pub reason: String,
    /// Errors beside fields.
    pub errors: Vec<FieldMessage>,
}

/// The family page component.
#[component]
pub fn FamilyDetailView(props: FamilyDetailProps) -> impl IntoView {
    let lang = props.shell.lang;
    let title = format!("{} {}", t(lang, "family.title"), props.no_kk);
    let head = match props.head_id.clone() {
        Some(id) => {
            view! { <a href=format!("/residents/{}", url_encode(&id))>{props.head_name.clone()}</a> }.into_any()
        }
        None => view! { {props.head_name.clone()} }.into_any(),
    };
    view! {
        <Page shell=props.shell.clone() title=title>
            <section class="card record">
                <dl class="dl">
                    {dl_row(t(lang, "field.no_kk"), props.no_kk.clone())}
                    <div class="dl-row"><dt>{t(lang, "family.head")}</dt><dd>{head}</dd></div>
                    {dl_row(t(lang, "field.alamat"), props.address.clone())}
                    {dl_row(t(lang, "field.dusun"), props.dusun.clone())}
                    {dl_row(t(lang, "field.rt"), props.rt.clone())}
                    {dl_row(t(lang, "field.rw"), props.rw.clone())}
                </dl>
            </section>
            {members(lang, &props)}
            {history(lang, &props.kk_history)}
            {props.can_change_kk.then(|| kk_form(lang, &props))}
        </Page>
    }
}

fn members(lang: Lang, p: &FamilyDetailProps) -> impl IntoView + use<> {
    let labels: Vec<String> = ["field.nik", "field.nama", "field.kk_level", "field.sex", "residents.age"]
        .iter()
        .map(|k| t(lang, k))
        .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = p
        .members
        .iter()
        .map(|m| view! {
            <tr>
                <td data-label=labels[0].clone() class="mono">{show_nik(&m.nik, p.show_full_nik)}</td>
                <td data-label=labels[1].clone()><a href=format!("/residents/{}", url_encode(&m.id))>{m.name.clone()}</a></td>
                <td data-label=labels[2].clone()>{m.relation_label.clone()}</td>
                <td data-label=labels[3].clone()>{m.sex_label.clone()}</td>
                <td data-label=labels[4].clone()>{m.age.clone()}</td>
            </tr>
        })
        .collect_view();
    view! {
        <section class="record">
            <h2>{t(lang, "family.members")}</h2>
            <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>
        </section>
    }
}

fn history(lang: Lang, entries: &[KkHistoryEntry]) -> impl IntoView + use<> {
    let labels: Vec<String> =
        ["family.kk_number", "family.kk_from", "family.kk_reason"].iter().map(|k| t(lang, k)).collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = entries
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td data-label=labels[0].clone() class="mono">{e.number.clone()}</td>
                    <td data-label=labels[1].clone()>{e.from_date.clone()}</td>
                    <td data-label=labels[2].clone()>{e.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="record">
            <h2>{t(lang, "family.kk_history")}</h2>
            <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>
        </section>
    }
}

fn kk_form(lang: Lang, p: &FamilyDetailProps) -> impl IntoView + use<> {
    let f = &p.kk_form;
    let number = Field::new("no_kk", t(lang, "family.kk_new"), &f.no_kk)
        .control(Control::Digits)
        .required(true)
        .error(message_for(&f.errors, "no_kk"));
    let from = Field::new("from", t(lang, "family.kk_from"), &f.from)
        .control(Control::Input("date"))
        .required(true)
        .error(message_for(&f.errors, "from"));
    let reason = Field::new("reason", t(lang, "family.kk_reason"), &f.reason)
        .help(t(lang, "family.kk_reason_help"))
        .required(true)
        .error(message_for(&f.errors, "reason"));
    view! {
        <section class="card" id="kk-change" aria-labelledby="kk-change-h">
            <h2 id="kk-change-h">{t(lang, "family.kk_change")}</h2>
            <form method="post" action=format!("/families/{}/kk", url_encode(&p.id))>
                {csrf_field(&p.shell.csrf)}
                {field(lang, number)}
                {field(lang, from)}
                {field(lang, reason)}
                <button type="submit" class="btn btn-primary">{t(lang, "action.save")}</button>
            </form>
        </section>
    }
}

/// Renders the family page.
pub fn render_family_detail(props: FamilyDetailProps) -> String {
    document(|| view! { <FamilyDetailView props=props/> })
}
