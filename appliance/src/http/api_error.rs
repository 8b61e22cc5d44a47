//! The one error shape of the JSON API: `{error, fields: [{field, code,
//! message}]}`, messages in the caller's language (see openapi.rs).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;

#[derive(Serialize)]
pub struct ApiError {
    pub error: String,
    pub fields: Vec<FieldProblem>,
}

#[derive(Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub fn with_fields(status: u16, error: &str, fields: Vec<FieldProblem>) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    HttpResponse::build(status).json(ApiError { error: error.into(), fields })
}

pub fn json_error(status: u16, error: &str) -> HttpResponse {
    with_fields(status, error, Vec::new())
}
