pub fn endpoints() -> Vec<crate::http::registry::Endpoint> {
    Vec::new()
}
