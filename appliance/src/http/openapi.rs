//! The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. It
//! lists exactly the API rows of the policy table, so it cannot drift from the
//! routes; a test checks that.

use crate::auth::policy::{Access, POLICY};
use actix_web::HttpResponse;
use serde_json::{Map, Value, json};

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(spec())
}

pub fn spec() -> Value {
    let mut paths = Map::new();
    for rule in POLICY.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let entry = paths.entry(rule.path.to_string()).or_insert_with(|| json!({}));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(rule.method.to_lowercase(), operation(rule.method, rule.path, rule.access));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Balai API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Population register of one village. Authenticate with `Authorization: Bearer <token>` (issued by an admin with `balai token issue --user NAME`). Errors are `{error, fields: [{field, code, message}]}`; messages follow the `balai_lang` cookie (id or en)."
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas()
        },
        "security": [{ "bearer": [] }],
        "paths": paths
    })
}

fn operation(method: &str, path: &str, access: Access) -> Value {
    let roles = match access {
        Access::Public => "public".to_string(),
        Access::SignedIn => "any signed-in account".to_string(),
        Access::Roles(r) => r.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
    };
    let mut op = json!({
        "summary": summary(method, path),
        "description": format!("Roles: {roles}."),
        "responses": {
            "200": { "description": "OK", "content": { "application/json": { "schema": response_schema(path) } } },
            "401": { "description": "No or unknown token" },
            "403": { "description": "The token's role may not do this" },
            "404": { "description": "No such record" }
        }
    });
    let params: Vec<Value> = path_params(path)
        .into_iter()
        .map(|p| json!({ "name": p, "in": "path", "required": true, "schema": { "type": "string" } }))
        .chain(query_params(method, path))
        .collect();
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }
    if path.starts_with("/api/v1/queue/") {
        crate::queue::api::describe(&mut op, method, path);
        return op;
    }
    if let Some(schema) = request_schema(method, path) {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
        op["responses"]["422"] = json!({ "description": "Invalid fields (each named), or NIK warnings not acknowledged (set nik_warning_ack)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
        op["responses"]["409"] =
            json!({ "description": "Already registered, or the request is not in a state where this step applies" });
    }
    if path.ends_with("/pdf") {
        op["responses"]["200"] = json!({ "description": "The signed letter", "content": { "application/pdf": {} } });
    }
    op
}

fn request_schema(method: &str, path: &str) -> Option<&'static str> {
    match (method, path) {
        ("POST", "/api/v1/residents") | ("PUT", "/api/v1/residents/{id}") => Some("ResidentInput"),
        ("POST", "/api/v1/letters") => Some("LetterRequestInput"),
        ("POST", "/api/v1/letters/{id}/reject") => Some("Rejection"),
        _ => None,
    }
}

fn summary(method: &str, path: &str) -> String {
    let fixed = match (method, path) {
        ("GET", "/api/v1/letter-types") => "letter types a request can name, with their fields",
        ("POST", "/api/v1/letters") => "request a letter (idempotent per form_token)",
        ("GET", "/api/v1/letters/{id}") => "one letter request: state, steps, number once signed",
        ("POST", "/api/v1/letters/{id}/verify") => "mark a request checked (ready to sign)",
        ("POST", "/api/v1/letters/{id}/reject") => "reject a request with a reason the resident sees",
        ("POST", "/api/v1/letters/{id}/sign") => "sign a verified request: number, seal, PDF",
        ("GET", "/api/v1/letters/{id}/pdf") => "the signed PDF",
        ("GET", "/api/v1/verify") => "check a letter by QR payload (c) or number (nomor)",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    let thing = if path.contains("families") {
        "families"
    } else if path.contains("search") {
        "search residents and families (name with typos, NIK or No. KK prefix)"
    } else if path.contains("statistics") {
        "population statistics"
    } else {
        "residents"
    };
    let verb = match (method, path.ends_with("{id}")) {
        ("GET", true) => "one of the",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "correct one of the",
        _ => "",
    };
    format!("{verb} {thing}").trim().to_string()
}

fn path_params(path: &str) -> Vec<String> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(String::from).collect()
}

fn query_params(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, ty: &str| json!({ "name": name, "in": "query", "required": false, "schema": { "type": ty } });
    match (method, path) {
        ("GET", "/api/v1/residents") => vec![q("dusun", "string"), q("offset", "integer"), q("limit", "integer")],
        ("GET", "/api/v1/families") => vec![q("offset", "integer"), q("limit", "integer")],
        ("GET", "/api/v1/verify") => vec![q("c", "string"), q("nomor", "string")],
        ("GET", "/api/v1/search") => vec![
            json!({ "name": "q", "in": "query", "required": true, "schema": { "type": "string" } }),
            q("limit", "integer"),
        ],
        _ => vec![],
    }
}

fn response_schema(path: &str) -> Value {
    match path {
        "/api/v1/residents/{id}" => json!({ "$ref": "#/components/schemas/Resident" }),
        "/api/v1/residents" => json!({ "$ref": "#/components/schemas/ResidentPage" }),
        _ => json!({ "type": "object" }),
    }
}

fn schemas() -> Value {
    let text = json!({ "type": "string" });
    let input_fields = [
        "nik",
        "name",
        "birth_place",
        "birth_date",
        "sex",
        "religion",
        "education",
        "education_current",
        "occupation",
        "marital_status",
        "blood_type",
        "citizenship",
        "family_id",
        "no_kk",
        "family_relation",
        "dusun",
        "rw",
        "rt",
        "address",
        "father_nik",
        "father_name",
        "mother_nik",
        "mother_name",
        "phone",
        "status",
        "nik_warning_ack",
    ];
    let props: Map<String, Value> = input_fields.iter().map(|f| (f.to_string(), text.clone())).collect();
    json!({
        "ResidentInput": {
            "type": "object",
            "description": "As typed by a user. Coded fields take OpenSID codes or labels (sex 1/2 or L/P); dates dd-mm-YYYY or YYYY-MM-DD. nik_warning_ack is the reason for accepting NIK warnings.",
            "required": ["nik", "name", "birth_date", "sex"],
            "properties": props
        },
        "LetterRequestInput": {
            "type": "object",
            "required": ["type", "form_token"],
            "properties": {
                "type": { "type": "string", "description": "a code from /api/v1/letter-types" },
                "nik": { "type": "string", "description": "the person the letter is about; ignored for a resident's own token (their own NIK is used)" },
                "values": { "type": "object", "additionalProperties": text, "description": "the type's fields by name; dates YYYY-MM-DD" },
                "subject": { "type": "object", "additionalProperties": text, "description": "for someone not in the register: nama, alamat, tempat_lahir, tanggal_lahir..." },
                "phone": text,
                "form_token": { "type": "string", "description": "the client's own id for this request, at least 8 characters; sending it again returns the same request" }
            }
        },
        "Rejection": { "type": "object", "required": ["reason"], "properties": { "reason": text } },
        "Resident": { "type": "object", "description": "A stored resident; codes as numbers, birth_date as YYYY-MM-DD." },
        "ResidentPage": { "type": "object", "properties": { "total": { "type": "integer" }, "offset": { "type": "integer" }, "items": { "type": "array", "items": { "$ref": "#/components/schemas/Resident" } } } },
        "Error": { "type": "object", "properties": { "error": text, "fields": { "type": "array", "items": { "type": "object", "properties": { "field": text, "code": text, "message": text } } } } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_api_route() {
        let spec = spec();
        for rule in POLICY.iter().filter(|r| r.path.starts_with("/api/v1/")) {
            assert!(
                spec["paths"][rule.path][rule.method.to_lowercase()].is_object(),
                "{} {} missing from openapi.json",
                rule.method,
                rule.path
            );
        }
    }
}
