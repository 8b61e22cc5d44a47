//! Balai broker (skeleton)
