//! The public landing page and the admin's settings page.

use super::model::{FIELDS, Profile};
use super::operations;
use crate::app::App;
use crate::auth::guard::{Actor, CsrfForm};
use crate::http::pages::{self, ok, shell, with_flash};
use crate::http::registry::{Endpoint, get, post};
use actix_web::{HttpRequest, HttpResponse, web};
use balai_ui::{FlashKind, LandingProps, SettingsProps, t};
use std::collections::HashMap;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        get("/", web::get().to(landing)),
        get("/settings", web::get().to(settings)),
        post("/settings", web::post().to(save_settings)),
    ]
}

async fn landing(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let props = LandingProps {
        shell: shell(&req),
        profile: operations::profile(&app.store).to_view(),
        population_total: crate::residents::stats::current(&app).residents,
    };
    ok(balai_ui::render_landing(props))
}

async fn settings(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let props =
        SettingsProps { shell: shell(&req), profile: operations::profile(&app.store).to_view(), errors: vec![] };
    ok(balai_ui::render_settings(props))
}

async fn save_settings(
    req: HttpRequest,
    app: web::Data<App>,
    actor: Actor,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let lang = pages::lang(&req);
    let mut profile: Profile = operations::profile(&app.store);
    for field in FIELDS {
        if let Some(v) = form.data.get(*field) {
            profile.set(field, v.clone());
        }
    }
    operations::fill_region_names(&mut profile);
    let problems = profile.problems();
    if !problems.is_empty() {
        let errors = problems.into_iter().map(|(field, key)| (field.to_string(), t(lang, key))).collect();
        let props = SettingsProps { shell: shell(&req), profile: profile.to_view(), errors };
        return pages::html(422, balai_ui::render_settings(props));
    }
    if operations::save(&app.store, &actor.0.username, &profile).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    let props = SettingsProps {
        shell: with_flash(shell(&req), FlashKind::Success, t(lang, "flash.saved")),
        profile: profile.to_view(),
        errors: vec![],
    };
    ok(balai_ui::render_settings(props))
}
