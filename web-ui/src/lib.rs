//! Balai UI (stub until its author commits)
