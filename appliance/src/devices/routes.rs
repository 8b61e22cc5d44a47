//! The office pages of the registry (later in this file).

pub fn endpoints() -> Vec<crate::http::registry::Endpoint> {
    Vec::new()
}
