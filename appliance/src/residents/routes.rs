//! residents::routes
