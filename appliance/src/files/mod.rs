//! Photos residents attach to requests (KTP, KK, supporting papers): checked
//! by content, decoded within limits, turned upright, downscaled, re-encoded
//! as JPEG (which drops EXIF metadata such as the GPS position) and stored
//! content-addressed under `<data_dir>/files/`. Staff who handle requests see
//! them at `/files/{sha256}`; every view is audited. See docs/files.md.

pub mod model;
pub mod operations;
pub mod routes;

#[cfg(test)]
mod tests;
