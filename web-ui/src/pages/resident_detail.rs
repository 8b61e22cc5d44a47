//! One resident: every field grouped, the family link, the timeline of life
//! events and changes, and the life-event form.

use leptos::prelude::*;

use crate::common::{FieldMessage, HistoryEntry, Shell, message_for, show_nik, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::resident::{FIELDS, FieldKind, Group, ResidentFields};
use crate::widgets::{Control, Field, csrf_field, dl_row, field};

/// The life events the form offers; labels are `event.<code>` in the catalog.
pub const LIFE_EVENTS: &[&str] = &["lahir", "mati", "pindah_masuk", "pindah_keluar", "pindah_keluarga", "koreksi"];

/// The life-event form's values and errors (fields `event`, `date`, `note`,
/// `target_family`).
#[derive(Clone, Debug, Default)]
pub struct LifeEventForm {
    /// Selected event code (one of [`LIFE_EVENTS`]).
    pub event: String,
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Note.
    pub note: String,
    /// Target family id, for `pindah_keluarga`.
    pub target_family: String,
    /// Errors beside fields.
    pub errors: Vec<FieldMessage>,
}

/// One registered e-KTP card.
#[derive(Clone, Debug, Default)]
pub struct KtpCardRow {
    /// The card's number as the reader types it (normalised).
    pub uid: String,
    /// When, already formatted.
    pub registered: String,
    /// Who registered it.
    pub by: String,
}

/// The resident's e-KTP cards for the kiosk, and the form to register one
/// (field `uid`).
#[derive(Clone, Debug, Default)]
pub struct KtpCardSection {
    /// Registered cards.
    pub cards: Vec<KtpCardRow>,
    /// Show the section with its forms.
    pub can_register: bool,
    /// The number typed, shown again after an error.
    pub value: String,
    /// Why the number was refused.
    pub error: Option<String>,
}

/// Props of the resident page (GET `/residents/{id}`).
#[derive(Clone, Debug, Default)]
pub struct ResidentDetailProps {
    /// Page shell.
    pub shell: Shell,
    /// Record id.
    pub id: String,
    /// Display values (labels for coded fields, formatted dates).
    pub fields: ResidentFields,
    /// Family id for the link, if any.
    pub family_id: Option<String>,
    /// Life events and changes, newest first.
    pub timeline: Vec<HistoryEntry>,
    /// Show NIKs in full.
    pub show_full_nik: bool,
    /// Show the edit button.
    pub can_edit: bool,
    /// Show the life-event form.
    pub can_record_event: bool,
    /// Show the subject-access report button.
    pub can_print_report: bool,
    /// The life-event form (values and errors after a failed submit).
    pub event_form: LifeEventForm,
    /// e-KTP cards for the kiosk.
    pub card: KtpCardSection,
}

/// The resident page component.
#[component]
pub fn ResidentDetailView(props: ResidentDetailProps) -> impl IntoView {
    let lang = props.shell.lang;
    let title = props.fields.nama.clone();
    view! {
        <Page shell=props.shell.clone() title=title>
            {actions(lang, &props)}
            {fields_view(lang, &props.fields, props.show_full_nik, props.family_id.clone())}
            {timeline(lang, props.timeline.clone())}
            {props.can_record_event.then(|| event_form(lang, &props))}
            {props.card.can_register.then(|| card_section(lang, &props))}
        </Page>
    }
}

fn actions(lang: Lang, p: &ResidentDetailProps) -> impl IntoView + use<> {
    let id = url_encode(&p.id);
    let edit = p.can_edit.then(|| {
        view! { <a class="btn btn-primary" href=format!("/residents/{id}/edit")>{t(lang, "action.edit")}</a> }
    });
    let event = p.can_record_event.then(|| {
        view! { <a class="btn" href="#life-event">{t(lang, "resident.record_event")}</a> }
    });
    let report = p.can_print_report.then(|| {
        view! { <a class="btn" href=format!("/residents/{id}/access-report")>{t(lang, "resident.access_report")}</a> }
    });
    view! { <div class="actions">{edit} {event} {report}</div> }
}

/// The grouped definition lists of a resident (also used by the report).
pub fn fields_view(
    lang: Lang,
    fields: &ResidentFields,
    full_nik: bool,
    family_id: Option<String>,
) -> impl IntoView + use<> {
    Group::ALL
        .iter()
        .map(|group| {
            let rows = FIELDS
                .iter()
                .filter(|spec| spec.group == *group)
                .map(|spec| {
                    let raw = fields.get(spec.name);
                    let value = if spec.kind == FieldKind::Digits && spec.name != "no_kk" {
                        show_nik(raw, full_nik)
                    } else {
                        raw.to_string()
                    };
                    dl_row(t(lang, &format!("field.{}", spec.name)), value)
                })
                .collect_view();
            let family = (*group == Group::Family).then(|| family_link(lang, family_id.clone()));
            view! {
                <section class="card record">
                    <h2>{t(lang, group.key())}</h2>
                    <dl class="dl">{rows}</dl>
                    {family}
                </section>
            }
        })
        .collect_view()
}

fn family_link(lang: Lang, family_id: Option<String>) -> Option<impl IntoView + use<>> {
    family_id.map(|id| {
        view! { <p><a href=format!("/families/{}", url_encode(&id))>{t(lang, "resident.family_link")}</a></p> }
    })
}

/// A history list (timeline, processing history).
pub fn history_table(lang: Lang, entries: Vec<HistoryEntry>) -> AnyView {
    if entries.is_empty() {
        return view! { <p class="empty">{t(lang, "history.none")}</p> }.into_any();
    }
    let labels: Vec<String> =
        ["history.time", "history.actor", "history.event", "history.detail"].iter().map(|k| t(lang, k)).collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = entries
        .into_iter()
        .map(|e| {
            view! {
                <tr>
                    <td data-label=labels[0].clone()>{e.time}</td>
                    <td data-label=labels[1].clone()>{e.actor}</td>
                    <td data-label=labels[2].clone()>{e.label}</td>
                    <td data-label=labels[3].clone()>{e.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="cards">
            <thead><tr>{th}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn timeline(lang: Lang, entries: Vec<HistoryEntry>) -> impl IntoView + use<> {
    view! {
        <section class="record">
            <h2>{t(lang, "resident.timeline")}</h2>
            {history_table(lang, entries)}
        </section>
    }
}

fn event_form(lang: Lang, p: &ResidentDetailProps) -> impl IntoView + use<> {
    let f = &p.event_form;
    let options: Vec<(String, String)> =
        LIFE_EVENTS.iter().map(|code| (code.to_string(), t(lang, &format!("event.{code}")))).collect();
    let event = Field::new("event", t(lang, "event.kind"), &f.event)
        .control(Control::Select(options))
        .required(true)
        .error(message_for(&f.errors, "event"));
    let date = Field::new("date", t(lang, "event.date"), &f.date)
        .control(Control::Input("date"))
        .required(true)
        .error(message_for(&f.errors, "date"));
    let target = Field::new("target_family", t(lang, "event.target_family"), &f.target_family)
        .help(t(lang, "event.target_family_help"))
        .error(message_for(&f.errors, "target_family"));
    let note = Field::new("note", t(lang, "event.note"), &f.note)
        .control(Control::Multiline)
        .error(message_for(&f.errors, "note"));
    view! {
        <section class="card" id="life-event" aria-labelledby="life-event-h">
            <h2 id="life-event-h">{t(lang, "resident.record_event")}</h2>
            <form method="post" action=format!("/residents/{}/events", url_encode(&p.id))>
                {csrf_field(&p.shell.csrf)}
                {field(lang, event)}
                {field(lang, date)}
                {field(lang, target)}
                {field(lang, note)}
                <button type="submit" class="btn btn-primary">{t(lang, "action.save")}</button>
            </form>
        </section>
    }
}

fn card_section(lang: Lang, p: &ResidentDetailProps) -> impl IntoView + use<> {
    let id = url_encode(&p.id);
    let csrf = p.shell.csrf.clone();
    let rows = p
        .card
        .cards
        .iter()
        .map(|c| {
            let remove = format!("/residents/{id}/card/remove");
            view! {
                <li>
                    <span class="mono">{c.uid.clone()}</span> " · " {c.registered.clone()} " · " {c.by.clone()} " "
                    <form class="inline" method="post" action=remove>
                        {csrf_field(&csrf)}
                        <input type="hidden" name="uid" value=c.uid.clone()/>
                        <button type="submit" class="btn btn-small btn-danger">{t(lang, "card.remove")}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    let list = if p.card.cards.is_empty() {
        view! { <p class="empty">{t(lang, "card.none")}</p> }.into_any()
    } else {
        view! { <ul>{rows}</ul> }.into_any()
    };
    let uid = Field::new("uid", t(lang, "card.uid"), &p.card.value)
        .help(t(lang, "card.uid_help"))
        .autocomplete("off")
        .error(p.card.error.clone());
    view! {
        <section class="card" id="ktp-card" aria-labelledby="ktp-card-h">
            <h2 id="ktp-card-h">{t(lang, "card.title")}</h2>
            {list}
            <form method="post" action=format!("/residents/{id}/card")>
                {csrf_field(&p.shell.csrf)}
                {field(lang, uid)}
                <button type="submit" class="btn btn-primary">{t(lang, "card.register")}</button>
            </form>
        </section>
    }
}

/// Renders the resident page.
pub fn render_resident_detail(props: ResidentDetailProps) -> String {
    document(|| view! { <ResidentDetailView props=props/> })
}
