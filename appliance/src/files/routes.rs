//! Serving a stored photo to the staff who handle requests, and the helper
//! other domains' handlers call to store an uploaded photo off the async
//! workers.

use super::model::{PhotoError, PhotoLimits, StoredFile, valid_sha256};
use super::operations;
use crate::app::App;
use crate::auth::guard::Actor;
use crate::http::pages;
use crate::http::registry::{Endpoint, get};
use actix_web::{HttpRequest, HttpResponse, web};

pub fn endpoints() -> Vec<Endpoint> {
    vec![get("/files/{id}", web::get().to(serve))]
}

/// Stores an uploaded photo with the limits from `[files]` in balai.toml, on
/// the blocking pool (the decode gate in `operations` lets one photo per core
/// through at a time). What a handler with a photo in its form calls.
pub async fn store_upload(app: &web::Data<App>, actor: &str, upload: Vec<u8>) -> Result<StoredFile, PhotoError> {
    let limits = PhotoLimits::from_config(&app.config.files);
    if upload.len() > limits.max_upload_bytes {
        return Err(PhotoError::TooLarge { limit_bytes: limits.max_upload_bytes });
    }
    let (app, actor) = (app.clone(), actor.to_string());
    web::block(move || store_blocking(&app, &actor, &upload))
        .await
        .map_err(|e| PhotoError::Io(std::io::Error::other(e.to_string())))?
}

/// The same for code already on the blocking pool (inside `web::block`).
pub fn store_blocking(app: &App, actor: &str, upload: &[u8]) -> Result<StoredFile, PhotoError> {
    let limits = PhotoLimits::from_config(&app.config.files);
    operations::store_photo_with(&app.store, &operations::files_dir(&app.config), actor, upload, &limits)
}

async fn serve(req: HttpRequest, app: web::Data<App>, actor: Actor, path: web::Path<String>) -> HttpResponse {
    let sha = path.into_inner();
    // Only recorded photos are served: an orphan file (a crash between the
    // write and the record) stays invisible until it is stored again.
    if !valid_sha256(&sha) || app.store.get::<StoredFile>(&sha).ok().flatten().is_none() {
        return pages::error_page(&req, 404, "error.not_found");
    }
    let Some(bytes) = operations::read(&operations::files_dir(&app.config), &sha) else {
        tracing::error!(sha256 = %sha, "photo record without a readable file");
        return pages::error_page(&req, 500, "error.internal");
    };
    if operations::note_view(&app.store, &actor.0.username, &sha).is_err() {
        return pages::error_page(&req, 500, "error.internal");
    }
    HttpResponse::Ok()
        .content_type("image/jpeg")
        // Personal papers: no shared cache, and not left in the disk cache of
        // the office's shared computer.
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'"))
        .insert_header(("Content-Disposition", format!("inline; filename=\"{sha}.jpg\"")))
        .body(bytes)
}
