//! The posyandu pages: posts, and a post's children with registration.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{ChildRow, FlashKind, Lang, PosyanduDetailProps, PosyanduListProps, PosyanduRow, tf};
use chrono::{Datelike, NaiveDate};

use super::model::{Child, ChildInput, Posyandu, Sex};
use super::operations::{self as ops, PosyanduError};
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm};
use crate::auth::policy;
use crate::http::pages::{self, html, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use crate::residents::model::FieldError;
use crate::residents::views::message;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/posyandu", web::get().to(list)),
        post("/posyandu", web::post().to(add_post)),
        get("/posyandu/{id}", web::get().to(detail)),
        post("/posyandu/{id}/children", web::post().to(register_child)),
    ]
}

fn today(app: &App) -> NaiveDate {
    crate::config::local_day(chrono::Utc::now(), app.config.utc_offset_hours())
}

fn row(app: &App, p: &Posyandu) -> PosyanduRow {
    PosyanduRow {
        id: p.id.clone(),
        name: p.name.clone(),
        dusun: p.dusun.clone(),
        address: p.address.clone(),
        day_of_month: p.day_of_month.map(|d| d.to_string()).unwrap_or_default(),
        children: ops::children_in(&app.store, &p.id).iter().filter(|c| c.left_on.is_none()).count(),
    }
}

fn messages(lang: Lang, errors: &[FieldError]) -> Vec<(String, String)> {
    errors.iter().map(|e| (e.field.to_string(), message(lang, e.key, &e.detail))).collect()
}

fn list_page(
    req: &HttpRequest,
    app: &App,
    status: u16,
    form: Vec<(String, String)>,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let shell = shell(req);
    let can_add = policy::find("POST", "/posyandu")
        .is_some_and(|rule| crate::auth::guard::identity_of(req).is_some_and(|id| rule.access.allows(Some(id.role))));
    let posts = ops::all_posyandu(&app.store).iter().map(|p| row(app, p)).collect();
    html(status, balai_ui::render_posyandu_list(PosyanduListProps { shell, posts, can_add, form, errors }))
}

async fn list(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    list_page(&req, &app, 200, vec![], vec![])
}

async fn add_post(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let value = |k: &str| form.data.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let typed: Vec<(String, String)> =
        ["name", "dusun", "address", "day_of_month"].iter().map(|k| (k.to_string(), value(k))).collect();
    let day = value("day_of_month");
    let day_of_month = match day.parse::<u8>() {
        _ if day.is_empty() => None,
        Ok(d) if (1..=28).contains(&d) => Some(d),
        _ => {
            let errors = vec![("day_of_month".to_string(), message(lang, "posyandu.error.day_of_month", &day))];
            return list_page(&req, &app, 422, typed, errors);
        }
    };
    let post = Posyandu {
        id: String::new(),
        name: value("name"),
        dusun: value("dusun"),
        address: value("address"),
        kader: vec![],
        day_of_month,
    };
    match ops::save_posyandu(&app.store, &actor.0.username, post) {
        Ok(p) => crate::auth::guard::see_other(&format!("/posyandu/{}", p.id)),
        Err(PosyanduError::Invalid(errors)) => list_page(&req, &app, 422, typed, messages(lang, &errors)),
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

fn age_text(lang: Lang, birth: NaiveDate, today: NaiveDate) -> String {
    let months = (today.year() - birth.year()) * 12 + today.month() as i32
        - birth.month() as i32
        - i32::from(today.day() < birth.day());
    let months = months.max(0);
    tf(
        lang,
        "posyandu.child.age_value",
        &[("years", &(months / 12).to_string()), ("months", &(months % 12).to_string())],
    )
}

fn child_row(lang: Lang, c: &Child, today: NaiveDate) -> ChildRow {
    ChildRow {
        id: c.id.clone(),
        name: c.name.clone(),
        sex: match c.sex {
            Sex::Male => "L".into(),
            Sex::Female => "P".into(),
        },
        birth_date: c.birth_date.format("%d-%m-%Y").to_string(),
        age: age_text(lang, c.birth_date, today),
        mother_name: c.mother_name.clone(),
        in_register: c.resident_id.is_some(),
    }
}

fn detail_page(
    req: &HttpRequest,
    app: &App,
    post: &Posyandu,
    status: u16,
    flash: Option<String>,
    form: Vec<(String, String)>,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let lang = pages::lang(req);
    let mut shell = shell(req);
    if let Some(text) = flash {
        shell = with_flash(shell, FlashKind::Success, text);
    }
    let today = today(app);
    let children = ops::children_in(&app.store, &post.id)
        .iter()
        .filter(|c| c.left_on.is_none())
        .map(|c| child_row(lang, c, today))
        .collect();
    let props = PosyanduDetailProps { shell, post: row(app, post), children, form, errors };
    html(status, balai_ui::render_posyandu_detail(props))
}

async fn detail(req: HttpRequest, app: web::Data<App>, id: web::Path<String>) -> HttpResponse {
    match ops::posyandu(&app.store, &id) {
        Some(post) => detail_page(&req, &app, &post, 200, None, vec![], vec![]),
        None => pages::error_page(&req, 404, "error.not_found"),
    }
}

async fn register_child(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    id: web::Path<String>,
    form: CsrfForm<ChildInput>,
) -> HttpResponse {
    let Some(post) = ops::posyandu(&app.store, &id) else {
        return pages::error_page(&req, 404, "error.not_found");
    };
    let lang = pages::lang(&req);
    match ops::register_child(&app.store, &actor.0.username, &post.id, &form.data, today(&app)) {
        Ok(child) => {
            let flash = tf(lang, "posyandu.flash.child_registered", &[("name", &child.name)]);
            detail_page(&req, &app, &post, 200, Some(flash), vec![], vec![])
        }
        Err(PosyanduError::Invalid(errors)) => {
            let typed = serde_json::to_value(&form.data)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .map(|m| m.into_iter().map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string())).collect())
                .unwrap_or_default();
            detail_page(&req, &app, &post, 422, None, typed, messages(lang, &errors))
        }
        Err(PosyanduError::Store(_)) => pages::error_page(&req, 500, "error.internal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age_text(Lang::Id, d("2024-03-17"), d("2025-05-16")), "1 th 1 bln");
        assert_eq!(age_text(Lang::Id, d("2024-03-17"), d("2025-05-17")), "1 th 2 bln");
        assert_eq!(age_text(Lang::Id, d("2025-05-17"), d("2025-05-17")), "0 th 0 bln");
    }
}
