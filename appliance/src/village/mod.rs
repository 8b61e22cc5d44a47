//! The village profile (nama desa, wilayah, kepala desa, office hours) and its
//! data protection officer, shown on the public page and edited by the admin.

pub mod model;
pub mod operations;
pub mod routes;
