//! What the four health domains' pages share: the village's today, field
//! errors in the reader's language, a form field filled from what was typed,
//! and the one health page shape (`balai_ui::render_health_page`).

use actix_web::{HttpRequest, HttpResponse};
use balai_ui::{Control, Field, FlashKind, HealthPageProps, HealthSection, Lang, t};
use chrono::NaiveDate;

use crate::app::App;
use crate::http::pages::{self, html, shell, with_flash};
use crate::residents::model::FieldError;
use crate::residents::views::message;

pub fn today(app: &App) -> NaiveDate {
    app.config.today()
}

pub fn messages(lang: Lang, errors: &[FieldError]) -> Vec<(String, String)> {
    errors.iter().map(|e| (e.field.to_string(), message(lang, e.key, &e.detail))).collect()
}

/// A form as typed, with its errors, to draw it again after a refusal.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    pub values: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
}

impl Typed {
    pub fn refused(lang: Lang, values: &[(String, String)], errors: &[FieldError]) -> Typed {
        Typed { values: values.to_vec(), errors: messages(lang, errors) }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// A labelled field for `name`, with what was typed and its error.
    pub fn field(&self, lang: Lang, name: &str, key: &str, control: Control) -> Field {
        let error = self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone());
        Field::new(name, t(lang, key), self.value(name)).control(control).error(error)
    }
}

/// Whether the signed-in caller may use a route (to show or hide its form).
pub fn can(req: &HttpRequest, method: &str, path: &str) -> bool {
    crate::auth::policy::find(method, path)
        .is_some_and(|rule| crate::auth::guard::identity_of(req).is_some_and(|id| rule.access.allows(Some(id.role))))
}

/// Draws a health page; `flash` is a success message.
pub fn page(
    req: &HttpRequest,
    status: u16,
    title: String,
    intro: String,
    flash: Option<String>,
    sections: Vec<HealthSection>,
) -> HttpResponse {
    let mut shell = shell(req);
    if let Some(text) = flash {
        shell = with_flash(shell, FlashKind::Success, text);
    }
    html(status, balai_ui::render_health_page(HealthPageProps { shell, title, intro, sections }))
}

/// A refusal of the whole request (not one field) as a page with an error flash.
pub fn refused(req: &HttpRequest, status: u16, title: String, text: String) -> HttpResponse {
    let shell = with_flash(shell(req), FlashKind::Error, text);
    html(status, balai_ui::render_health_page(HealthPageProps { shell, title, intro: String::new(), sections: vec![] }))
}

pub fn internal(req: &HttpRequest) -> HttpResponse {
    pages::error_page(req, 500, "error.internal")
}

pub fn not_found(req: &HttpRequest) -> HttpResponse {
    pages::error_page(req, 404, "error.not_found")
}

/// `17-03-2025`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}
