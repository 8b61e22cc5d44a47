//! The resident form (new and edit): every field with label, help, value and
//! error; warnings (NIK/birth-date mismatch, unknown region) need a reason.

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::resident::{CodeTables, FIELDS, FieldKind, FieldSpec, Group, ResidentFields};
use crate::widgets::{Control, Field, csrf_field, field};

/// Props of the resident form. `id: None` is a new resident (POST
/// `/residents`), `Some(id)` edits (POST `/residents/{id}`).
#[derive(Clone, Debug, Default)]
pub struct ResidentFormProps {
    /// Page shell.
    pub shell: Shell,
    /// Record id when editing.
    pub id: Option<String>,
    /// Current values (codes for coded fields, dates `YYYY-MM-DD`).
    pub values: ResidentFields,
    /// Options of the coded fields.
    pub options: CodeTables,
    /// Errors `(field name, message)`; field `""` or unknown goes to the top.
    pub errors: Vec<FieldMessage>,
    /// Warnings `(field name, message)`; any warning shows the acknowledge box.
    pub warnings: Vec<FieldMessage>,
    /// The reason typed earlier (`ack_reason`).
    pub ack_reason: String,
    /// Whether `ack_warnings` was ticked.
    pub ack_warnings: bool,
    /// The NIK is already registered and the user may open a duplicate-NIK
    /// case: a second button posts the same fields to `/duplicates`.
    pub offer_duplicate_case: bool,
}

/// The resident form component.
#[component]
pub fn ResidentFormView(props: ResidentFormProps) -> impl IntoView {
    let lang = props.shell.lang;
    let (title, action) = match &props.id {
        Some(id) => (t(lang, "resident.edit_title"), format!("/residents/{}", url_encode(id))),
        None => (t(lang, "resident.new_title"), "/residents".to_string()),
    };
    let summary = error_summary(lang, &props.errors);
    let groups = Group::ALL.iter().map(|g| group(lang, *g, &props)).collect_view();
    let cancel = match &props.id {
        Some(id) => format!("/residents/{}", url_encode(id)),
        None => "/residents".to_string(),
    };
    view! {
        <Page shell=props.shell.clone() title=title>
            {summary}
            <form method="post" action=action class="record-form">
                {csrf_field(&props.shell.csrf)}
                {warnings_box(lang, &props)}
                {groups}
                <div class="actions">
                    <button type="submit" class="btn btn-primary btn-big">{t(lang, "action.save")}</button>
                    {props.offer_duplicate_case.then(|| view! {
                        <button type="submit" class="btn" formaction="/duplicates">{t(lang, "duplicates.open_case")}</button>
                    })}
                    <a class="btn" href=cancel>{t(lang, "action.cancel")}</a>
                </div>
            </form>
        </Page>
    }
}

fn error_summary(lang: Lang, errors: &[FieldMessage]) -> Option<impl IntoView + use<>> {
    if errors.is_empty() {
        return None;
    }
    let items = errors
        .iter()
        .map(|(name, msg)| {
            let known = FIELDS.iter().any(|s| s.name == name);
            if known {
                let label = t(lang, &format!("field.{name}"));
                view! { <li><a href=format!("#{name}")>{label} ": " {msg.clone()}</a></li> }.into_any()
            } else {
                view! { <li>{msg.clone()}</li> }.into_any()
            }
        })
        .collect_view();
    Some(view! {
        <div class="flash flash-error" role="alert">
            <strong>{t(lang, "form.fix_errors")}</strong>
            <ul>{items}</ul>
        </div>
    })
}

fn group(lang: Lang, g: Group, p: &ResidentFormProps) -> impl IntoView + use<> {
    let fields = FIELDS.iter().filter(|s| s.group == g).map(|s| field(lang, spec_field(lang, s, p))).collect_view();
    view! {
        <fieldset class="card">
            <legend>{t(lang, g.key())}</legend>
            {fields}
        </fieldset>
    }
}

fn spec_field(lang: Lang, s: &FieldSpec, p: &ResidentFormProps) -> Field {
    let control = match s.kind {
        FieldKind::Text => Control::Text,
        FieldKind::Digits => Control::Digits,
        FieldKind::Date => Control::Input("date"),
        FieldKind::Multiline => Control::Multiline,
        FieldKind::Select(table) => {
            let options = p.options.options(table);
            if options.is_empty() { Control::Text } else { Control::Select(options.to_vec()) }
        }
    };
    let mut f = Field::new(s.name, t(lang, &format!("field.{}", s.name)), p.values.get(s.name))
        .control(control)
        .help(optional_text(lang, &format!("help.{}", s.name)))
        .required(s.required)
        .error(message_for(&p.errors, s.name));
    f.warning = message_for(&p.warnings, s.name);
    f
}

fn optional_text(lang: Lang, key: &str) -> String {
    if crate::i18n::has(key) { t(lang, key) } else { String::new() }
}

fn warnings_box(lang: Lang, p: &ResidentFormProps) -> Option<impl IntoView + use<>> {
    if p.warnings.is_empty() {
        return None;
    }
    let items = p.warnings.iter().map(|(_, msg)| view! { <li>{msg.clone()}</li> }).collect_view();
    let reason_error = message_for(&p.errors, "ack_reason");
    let reason = Field::new("ack_reason", t(lang, "form.ack_reason"), &p.ack_reason)
        .control(Control::Multiline)
        .help(t(lang, "form.ack_reason_help"))
        .required(true)
        .error(reason_error);
    let ack_error =
        message_for(&p.errors, "ack_warnings").map(|e| view! { <p class="error" id="ack_warnings-error">{e}</p> });
    Some(view! {
        <section class="card warn-box" aria-labelledby="warn-h">
            <h2 id="warn-h">{t(lang, "form.warnings_title")}</h2>
            <ul>{items}</ul>
            <div class="field check">
                <input type="checkbox" id="ack_warnings" name="ack_warnings" value="1"
                    checked=p.ack_warnings aria-describedby="ack_warnings-error"/>
                <label for="ack_warnings">{t(lang, "form.ack_warnings")}</label>
                {ack_error}
            </div>
            {field(lang, reason)}
        </section>
    })
}

/// Renders the resident form.
pub fn render_resident_form(props: ResidentFormProps) -> String {
    document(|| view! { <ResidentFormView props=props/> })
}
