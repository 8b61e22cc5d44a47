//! A small reader for `multipart/form-data` bodies that were already read
//! within the upload limit (`read_limited`): text fields by name and file
//! parts with their bytes. File names and declared types are ignored; the
//! domains decide by content.

use actix_web::HttpRequest;

#[derive(Debug, Default)]
pub struct Multipart {
    /// Text fields in form order (a name may repeat).
    pub fields: Vec<(String, String)>,
    /// File parts: (field name, bytes); empty file inputs are left out.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Multipart {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn files_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.files.iter().filter(move |(n, _)| n == name).map(|(_, b)| b.as_slice())
    }
}

/// None when the request is not a multipart form.
pub fn parse_request(req: &HttpRequest, body: &[u8]) -> Option<Multipart> {
    let ctype = req.headers().get("content-type")?.to_str().ok()?;
    if !ctype.to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    let boundary = ctype.split(';').map(str::trim).find_map(|p| p.strip_prefix("boundary="))?.trim_matches('"');
    Some(parse(body, boundary))
}

pub fn parse(body: &[u8], boundary: &str) -> Multipart {
    let mut out = Multipart::default();
    if boundary.is_empty() {
        return out;
    }
    let delimiter = format!("--{boundary}");
    for part in split(body, delimiter.as_bytes()) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(head_end) = find(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..head_end]);
        let content = &part[head_end + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let Some(name) = disposition_param(&head, "name") else { continue };
        if disposition_param(&head, "filename").is_some() {
            if !content.is_empty() {
                out.files.push((name, content.to_vec()));
            }
        } else {
            out.fields.push((name, String::from_utf8_lossy(content).into_owned()));
        }
    }
    out
}

/// `name="x"` from the Content-Disposition line (case-insensitive header name).
fn disposition_param(head: &str, param: &str) -> Option<String> {
    let line = head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    line.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(param)).then(|| v.trim().trim_matches('"').to_string())
    })
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
    fn reads_fields_and_files() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--XX\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"\"\r\n\r\n\r\n--XX--\r\n";
        let m = parse(body, "XX");
        assert_eq!(m.field("csrf"), Some("abc"));
        assert_eq!(m.files_named("photos").collect::<Vec<_>>(), vec![&b"\xff\xd8\xff"[..]]);
    }

    proptest! {
        #[test]
        fn never_panics(body in proptest::collection::vec(any::<u8>(), 0..400), boundary in "[a-zA-Z0-9]{0,8}") {
            let _ = parse(&body, &boundary);
        }
    }
}
