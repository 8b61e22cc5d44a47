//! Letter records → page props.

use super::model::*;
use super::templates;
use crate::http::pages;
use actix_web::HttpRequest;
use balai_ui::{FormField, FormFieldKind, LetterTypeItem, PreviewBlock, RequestRow, StepRow, mask_nik, t};

pub fn type_item(kind: &LetterType) -> LetterTypeItem {
    LetterTypeItem {
        code: kind.code.clone(),
        name: kind.name.clone(),
        requirements: kind.requirements.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        self_service: kind.self_service,
        rt_rw: kind.rt_rw_approval,
        version: kind.current_version,
        enabled: kind.enabled,
    }
}

pub fn row(req: &HttpRequest, r: &LetterRequest, type_name: &str, full_nik: bool) -> RequestRow {
    RequestRow {
        id: r.id.clone(),
        tracking_code: r.tracking_code.clone(),
        type_name: type_name.to_string(),
        name: r.subject.get("nama").cloned().unwrap_or_default(),
        nik: if full_nik { r.nik.clone() } else { mask_nik(&r.nik) },
        state: r.state.code().to_string(),
        channel: match r.channel {
            Channel::Online => "online",
            Channel::Kiosk => "kiosk",
            Channel::Counter => "counter",
            Channel::Api => "api",
        }
        .to_string(),
        created: pages::local_time(req, r.created),
        in_register: r.in_register,
        attachments: r.attachments.len(),
        number: r.letter_number.clone(),
    }
}

/// For the public tracking page: the first name and initials only.
pub fn public_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or("").to_string();
    let initials: Vec<String> = words.filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect();
    if initials.is_empty() { first } else { format!("{first} {}", initials.join(" ")) }
}

pub fn steps(req: &HttpRequest, r: &LetterRequest) -> Vec<StepRow> {
    r.steps
        .iter()
        .map(|s| StepRow {
            state: s.state.code().to_string(),
            time: pages::local_time(req, s.at),
            note: s.note.clone(),
        })
        .collect()
}

pub fn form_fields(
    fields: &[FieldSpec],
    values: &std::collections::BTreeMap<String, String>,
    errors: &[(String, String)],
    lang: balai_ui::Lang,
) -> Vec<FormField> {
    fields
        .iter()
        .map(|f| FormField {
            name: f.name.clone(),
            label: f.label.clone(),
            kind: match &f.kind {
                FieldKind::Text => FormFieldKind::Text,
                FieldKind::Paragraph => FormFieldKind::Paragraph,
                FieldKind::Date => FormFieldKind::Date,
                FieldKind::Number => FormFieldKind::Number,
                FieldKind::Choice(o) => FormFieldKind::Choice(o.clone()),
                FieldKind::Person => FormFieldKind::Person,
            },
            required: f.required,
            value: values.get(&f.name).cloned().unwrap_or_default(),
            error: error_for(errors, &f.name, lang),
        })
        .collect()
}

pub fn error_for(errors: &[(String, String)], field: &str, lang: balai_ui::Lang) -> Option<String> {
    errors.iter().find(|(f, _)| f == field).map(|(_, key)| t(lang, key))
}

/// Subject keys the counter form offers for someone not in the register.
pub const TYPED_SUBJECT: &[&str] =
    &["nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "agama", "pekerjaan", "kewarganegaraan", "alamat"];

pub fn subject_rows(
    subject: &std::collections::BTreeMap<String, String>,
    lang: balai_ui::Lang,
) -> Vec<(String, String)> {
    templates::SUBJECT_KEYS
        .iter()
        .filter(|k| !matches!(**k, "tempat_lahir" | "tanggal_lahir" | "dusun" | "rt" | "rw"))
        .filter_map(|k| subject.get(*k).map(|v| (t(lang, &format!("letters.subject.{k}")), v.clone())))
        .collect()
}

pub fn preview_blocks(blocks: &[super::pdf::Block]) -> Vec<PreviewBlock> {
    blocks
        .iter()
        .map(|b| match b {
            super::pdf::Block::Heading(h) => PreviewBlock::Heading(h.clone()),
            super::pdf::Block::Paragraph(p) => PreviewBlock::Paragraph(p.clone()),
            super::pdf::Block::Fields(rows) => PreviewBlock::Fields(rows.clone()),
        })
        .collect()
}

/// The dashboard's letter figures, or None before the first request.
pub fn dashboard_figures(app: &crate::app::App) -> Option<balai_ui::LetterFigures> {
    let f = super::operations::figures_cached(app);
    let any = f.backlog > 0 || f.per_type.iter().any(|t| t.signed > 0);
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.1}")).unwrap_or_else(|| "–".into());
    any.then(|| balai_ui::LetterFigures {
        backlog: f.backlog,
        per_day: format!("{:.1}", f.per_day_30),
        same_day: f.same_day_share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "–".into()),
        per_type: f
            .per_type
            .iter()
            .filter(|t| t.signed > 0)
            .map(|t| (t.name.clone(), t.signed, hours(t.median_hours), hours(t.p90_hours)))
            .collect(),
    })
}
