//! Kependudukan (population register): residents (penduduk) and families (keluarga,
//! identified by a stable id; the No. KK is a versioned attribute).

pub mod codes;
pub mod demo;
pub mod export;
pub mod import;
pub mod model;
pub mod nik;
pub mod operations;
pub mod routes;
