//! Proves the access policy table (appliance/src/auth/policy.rs) is what the
//! running daemon enforces: for every row, every role the row does not list
//! (and an anonymous visitor) is refused, and every role it lists is let
//! through. The table is read from the source with a strict parser that fails
//! on any line it does not understand, so no row can be skipped silently.

use balai_tests::{Balai, Body, CSRF_WORDS, Client, FORBIDDEN_WORDS, Resp, form, workspace_root};
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, PartialEq)]
enum Access {
    Public,
    SignedIn,
    /// Role variant names, e.g. `KepalaDesa`.
    Roles(Vec<String>),
}

#[derive(Clone, Debug)]
struct Rule {
    method: String,
    path: String,
    access: Access,
    sensitive: bool,
    line: usize,
}

/// The role variants of `pub enum Role` in auth/model.rs.
fn role_variants(model: &str) -> Vec<String> {
    let start = model.find("pub enum Role {").expect("auth/model.rs has no `pub enum Role {`");
    let body = &model[start + "pub enum Role {".len()..];
    let body = &body[..body.find('}').expect("end of enum Role")];
    let mut out = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("//") || line.starts_with("#[") {
            continue;
        }
        let name = line.strip_suffix(',').unwrap_or(line);
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "cannot read role variant line {line:?} of enum Role"
        );
        out.push(name.to_string());
    }
    assert!(!out.is_empty(), "enum Role has no variants?");
    out
}

/// `KepalaDesa` → `kepala_desa` (Role::code).
fn code_of(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn role_list(s: &str, roles: &[String], line: usize) -> Vec<String> {
    let inner = s
        .strip_prefix("&[")
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or_else(|| panic!("policy.rs:{line}: not a role list: {s:?}"));
    let list: Vec<String> = inner.split(',').map(str::trim).filter(|r| !r.is_empty()).map(String::from).collect();
    for r in &list {
        assert!(roles.contains(r), "policy.rs:{line}: unknown role {r:?}");
    }
    assert!(!list.is_empty(), "policy.rs:{line}: empty role list");
    list
}

/// A quoted string at the start of `s`, and the rest after it.
fn quoted(s: &str, line: usize) -> (String, &str) {
    let body = s.strip_prefix('"').unwrap_or_else(|| panic!("policy.rs:{line}: expected a string at {s:?}"));
    let end = body.find('"').unwrap_or_else(|| panic!("policy.rs:{line}: unterminated string"));
    (body[..end].to_string(), &body[end + 1..])
}

fn parse_policy(source: &str, roles: &[String]) -> Vec<Rule> {
    // Role groups: `const NAME: &[Role] = &[A, B];`
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    for (i, raw) in source.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with("const ") && line.contains(": &[Role]") {
            let rest = &line["const ".len()..];
            let (name, rest) =
                rest.split_once(": &[Role] = ").unwrap_or_else(|| panic!("policy.rs:{}: {line:?}", i + 1));
            let list = rest.strip_suffix(';').unwrap_or_else(|| panic!("policy.rs:{}: {line:?}", i + 1));
            groups.insert(name.trim().to_string(), role_list(list, roles, i + 1));
        }
    }
    for expected in ["REGISTER_READ", "REGISTER_WRITE", "STAFF", "ADMIN"] {
        assert!(groups.contains_key(expected), "policy.rs: role group {expected} not found");
    }

    let start_marker = "pub const POLICY: &[Rule] = &[";
    let start = source.find(start_marker).expect("policy.rs has no POLICY table");
    let first_line = source[..start].lines().count() + 1;
    let block = &source[start + start_marker.len()..];
    let block = &block[..block.find("\n];").expect("end of the POLICY table")];

    let mut rules = Vec::new();
    for (i, raw) in block.lines().enumerate() {
        let line_no = first_line + i;
        let line = raw.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let (sensitive, rest) = if let Some(r) = line.strip_prefix("rule(") {
            (false, r)
        } else if let Some(r) = line.strip_prefix("sensitive(") {
            (true, r)
        } else {
            panic!("policy.rs:{line_no}: cannot read {line:?}");
        };
        let rest = rest
            .strip_suffix("),")
            .unwrap_or_else(|| panic!("policy.rs:{line_no}: expected `),` at the end of {line:?}"));
        let (method, rest) = quoted(rest, line_no);
        let rest = rest.strip_prefix(", ").unwrap_or_else(|| panic!("policy.rs:{line_no}: {line:?}"));
        let (path, rest) = quoted(rest, line_no);
        let access = rest.strip_prefix(", ").unwrap_or_else(|| panic!("policy.rs:{line_no}: {line:?}"));
        let access = match access {
            "Public" => Access::Public,
            "SignedIn" => Access::SignedIn,
            other => {
                let inner = other
                    .strip_prefix("Roles(")
                    .and_then(|r| r.strip_suffix(')'))
                    .unwrap_or_else(|| panic!("policy.rs:{line_no}: unknown access {other:?}"));
                if inner.starts_with("&[") {
                    Access::Roles(role_list(inner, roles, line_no))
                } else {
                    Access::Roles(
                        groups
                            .get(inner)
                            .cloned()
                            .unwrap_or_else(|| panic!("policy.rs:{line_no}: unknown role group {inner}")),
                    )
                }
            }
        };
        assert!(
            ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&method.as_str()),
            "policy.rs:{line_no}: method {method}"
        );
        assert!(path.starts_with('/'), "policy.rs:{line_no}: path {path}");
        rules.push(Rule { method, path, access, sensitive, line: line_no });
    }
    // Nothing slipped past the line parser: as many rows as rule/sensitive calls.
    let calls = block.matches("rule(").count() + block.matches("sensitive(").count();
    assert_eq!(rules.len(), calls, "policy.rs: {} rows read, {calls} rule calls in the table", rules.len());
    assert!(rules.iter().any(|r| r.method == "GET" && r.path == "/residents/{id}"), "GET /residents/{{id}} missing");
    rules
}

/// The concrete path for a rule: `{id}` of a resident or family is a real one,
/// `{code}` a shipped letter type; other ids are dummies (the handler answers 404, never a policy refusal).
fn concrete(path: &str, resident: &str, family: &str) -> (String, bool) {
    let mut out = String::new();
    let mut dummy = false;
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closing brace") + open;
        let name = &rest[open + 1..close];
        assert!(
            name == "id" || name == "code",
            "path parameter {{{name}}} in {path} is new to this test: teach it a value"
        );
        let before = &rest[..open];
        out.push_str(before);
        if name == "code" {
            // a letter type every village starts with
            out.push_str("domisili");
        } else if out.ends_with("/residents/") {
            out.push_str(resident);
        } else if out.ends_with("/families/") {
            out.push_str(family);
        } else {
            out.push_str("no-such-id");
            dummy = true;
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (out, dummy)
}

fn request(c: &Client, csrf: &str, method: &str, path: &str) -> Resp {
    let body = match method {
        "GET" => Body::Empty,
        _ if path.starts_with("/api/") => Body::Json(serde_json::json!({})),
        _ => form(&[("csrf", csrf)]),
    };
    c.send(method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

struct Who {
    name: String,
    /// None for the anonymous visitor.
    variant: Option<String>,
    client: Client,
    csrf: String,
}

#[test]
fn every_route_refuses_every_role_the_policy_does_not_list() {
    let root = workspace_root();
    let model = std::fs::read_to_string(root.join("appliance/src/auth/model.rs")).expect("read auth/model.rs");
    let source = std::fs::read_to_string(root.join("appliance/src/auth/policy.rs")).expect("read auth/policy.rs");
    let variants = role_variants(&model);
    let rules = parse_policy(&source, &variants);

    let balai = Balai::demo();
    for v in &variants {
        let code = code_of(v);
        assert!(code == "warga" || balai.accounts.contains_key(&code), "the demo has no account for role {v} ({code})");
    }
    let admin = balai.signin("admin");
    let first = admin.page("/api/v1/residents?limit=1").json();
    let resident = first["items"][0]["id"].as_str().expect("a resident id").to_string();
    let family = first["items"][0]["family_id"].as_str().expect("a family id").to_string();

    let sign_in = |variant: Option<&str>| -> Who {
        match variant {
            None => {
                let client = balai.client();
                let csrf = client.csrf("/signin");
                Who { name: "anonymous".into(), variant: None, client, csrf }
            }
            Some(v) => {
                let code = code_of(v);
                let client = balai.signin(&code);
                let csrf = client.csrf("/sessions");
                Who { name: code, variant: Some(v.to_string()), client, csrf }
            }
        }
    };
    let mut everyone: Vec<Who> = vec![sign_in(None)];
    everyone.extend(variants.iter().map(|v| sign_in(Some(v))));

    let mut failures: Vec<String> = Vec::new();
    let mut refusals = 0;
    let mut admissions = 0;
    let mut sensitive_admitted = 0;
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for rule in &rules {
        let (path, dummy) = concrete(&rule.path, &resident, &family);
        let api = path.starts_with("/api/");
        let what = format!("policy.rs:{} {} {}", rule.line, rule.method, rule.path);
        for who in &everyone {
            let allowed = match (&rule.access, &who.variant) {
                (Access::Public, _) => true,
                (_, None) => false,
                (Access::SignedIn, Some(_)) => true,
                (Access::Roles(list), Some(v)) => list.contains(v),
            };
            // Signing out ends the session the rest of the matrix needs: use a fresh one.
            let fresh;
            let who = if allowed && rule.method == "POST" && rule.path == "/signout" {
                fresh = sign_in(who.variant.as_deref());
                &fresh
            } else {
                who
            };
            let r = request(&who.client, &who.csrf, &rule.method, &path);
            *by_status.entry(r.status).or_default() += 1;
            let mut fail = |msg: String| failures.push(format!("{what} as {}: {msg}", who.name));
            if r.status >= 500 {
                fail(format!("server error {r:?}"));
                continue;
            }
            let to_signin = r.status == 303 && r.location().is_some_and(|l| l.starts_with("/signin?next="));
            if allowed {
                admissions += 1;
                if r.status == 401 || r.status == 403 || to_signin {
                    fail(format!("allowed by the policy but refused: {r:?}"));
                } else if !dummy && (r.status == 404 || r.status == 405) {
                    fail(format!("allowed but the route does not answer: {r:?}"));
                } else if rule.sensitive && who.variant.is_some() {
                    // Signing in counts as entering the password, so a fresh
                    // session passes; tokens never do (see the bearer test).
                    sensitive_admitted += 1;
                }
                continue;
            }
            refusals += 1;
            match (&who.variant, api) {
                (None, true) => {
                    if r.status != 401 {
                        fail(format!("anonymous API call not answered 401: {r:?}"));
                    }
                }
                (None, false) => {
                    if !to_signin {
                        fail(format!("anonymous page request not sent to /signin: {r:?}"));
                    }
                }
                (Some(_), _) => {
                    if r.status != 403 {
                        fail(format!("expected 403: {r:?}"));
                    } else if !api && (r.text().contains(CSRF_WORDS) || !r.text().contains(FORBIDDEN_WORDS)) {
                        fail(format!("403 is not the policy's refusal page: {r:?}"));
                    }
                }
            }
        }
    }
    println!(
        "policy matrix: {} rows, {} identities, {refusals} refusals and {admissions} admissions checked; statuses {by_status:?}",
        rules.len(),
        everyone.len()
    );
    assert!(refusals > 0 && admissions > 0 && sensitive_admitted > 0);
    assert!(failures.is_empty(), "{} policy violations:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_bearer_token_acts_with_its_users_role_and_no_more() {
    let balai = Balai::demo();
    let kader = balai.bearer(&balai.issue_token("kader"));
    // STAFF may read statistics; the register is REGISTER_READ only.
    assert_eq!(kader.page("/api/v1/statistics").status, 200);
    assert_eq!(kader.page("/api/v1/residents").status, 403);
    let operator = balai.bearer(&balai.issue_token("operator"));
    assert_eq!(operator.page("/api/v1/residents?limit=1").status, 200);
    // A sensitive page is not for machines: a token never passes re-authentication.
    let admin = balai.bearer(&balai.issue_token("admin"));
    let r = admin.page("/residents/export?format=csv");
    assert!(r.status == 303 && r.location().is_some_and(|l| l.starts_with("/reauth")), "{r:?}");
    // A made-up token is nobody.
    let stranger = balai.bearer("not-a-token");
    assert_eq!(stranger.page("/api/v1/statistics").status, 401);
}
