//! The HTTPS server (actix-web on rustls), the plain-HTTP side that redirects and
//! serves the CA certificate, the route registry, and page helpers shared by
//! every domain's routes.

pub mod api_error;
pub mod multipart;
pub mod openapi;
pub mod pages;
pub mod rate_limit;
pub mod registry;
pub mod server;
pub mod tls;
