//! Sign-in, roles and the one access policy table; sessions, CSRF, API tokens;
//! and the audit view over the change log.

pub mod guard;
pub mod kiosk;
pub mod model;
pub mod operations;
pub mod password;
pub mod policy;
pub mod routes;
