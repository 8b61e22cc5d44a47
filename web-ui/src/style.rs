//! Placeholder
pub const CSS: &str = "";
