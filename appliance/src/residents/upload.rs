//! Reads the import form's multipart body within the upload limit:
//! the `csrf` field and the `file` field's bytes. The file's name and declared
//! type are ignored; the importer decides by content.

use actix_web::HttpRequest;

/// (csrf, file bytes), or None when the body is not a multipart form with a file.
pub fn multipart_file(req: &HttpRequest, body: &[u8]) -> Option<(String, Vec<u8>)> {
    let form = crate::http::multipart::parse_request(req, body)?;
    let csrf = form.field("csrf").unwrap_or("").trim().to_string();
    let file = form.files.into_iter().find(|(name, _)| name == "file")?.1;
    Some((csrf, file))
}

/// Reads the request body up to `limit` bytes. A larger body is read on (up
/// to four times the limit) and thrown away, so the browser receives the
/// "file too large" page instead of a reset connection; then Err.
pub async fn read_limited(mut payload: actix_web::web::Payload, limit: usize) -> Result<Vec<u8>, ()> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else { return Err(()) };
        seen += chunk.len();
        if seen <= limit {
            body.extend_from_slice(&chunk);
        } else if seen > limit.saturating_mul(4) {
            break;
        }
    }
    if seen > limit { Err(()) } else { Ok(body) }
}
