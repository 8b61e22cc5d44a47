//! residents::operations
