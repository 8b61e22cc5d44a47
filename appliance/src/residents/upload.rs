//! Reads the import form's multipart body within the upload limit:
//! the `csrf` field and the `file` field's bytes. The file's name and declared
//! type are ignored; the importer decides by content.

use actix_web::HttpRequest;

/// (csrf, file bytes), or None when the body is not a multipart form with a file.
pub fn multipart_file(req: &HttpRequest, body: &[u8]) -> Option<(String, Vec<u8>)> {
    let ctype = req.headers().get("content-type")?.to_str().ok()?;
    let boundary = ctype.split(';').map(str::trim).find_map(|p| p.strip_prefix("boundary="))?.trim_matches('"');
    parse(body, boundary)
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

fn parse(body: &[u8], boundary: &str) -> Option<(String, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    let mut csrf = String::new();
    let mut file = None;
    for part in split(body, delimiter.as_bytes()) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(head_end) = find(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..head_end]).to_ascii_lowercase();
        let mut content = &part[head_end + 4..];
        content = content.strip_suffix(b"\r\n").unwrap_or(content);
        if head.contains("name=\"csrf\"") {
            csrf = String::from_utf8_lossy(content).trim().to_string();
        } else if head.contains("name=\"file\"") {
            file = Some(content.to_vec());
        }
    }
    file.filter(|f| !f.is_empty()).map(|f| (csrf, f))
}

fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(i) = find(rest, delimiter) {
        parts.push(&rest[..i]);
        rest = &rest[i + delimiter.len()..];
    }
    parts.push(rest);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_csrf_and_file() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nnik,nama\r\n1,2\r\n--XX--\r\n";
        let (csrf, file) = parse(body, "XX").unwrap();
        assert_eq!(csrf, "abc");
        assert_eq!(file, b"nik,nama\r\n1,2");
    }

    proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(any::<u8>(), 0..400), boundary in "[a-zA-Z0-9]{0,8}") {
            let _ = parse(&body, &boundary);
        }
    }
}
