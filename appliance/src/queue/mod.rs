//! The queue (antrian): residents take a numbered ticket per service (layanan)
//! at a kiosk or the counter, an operator calls the next ticket to a counter
//! (loket), and a board on a TV shows and announces the calls live.
//!
//! `model.rs` holds services and tickets, `operations.rs` the rules (gapless
//! numbers per service per day in the village's zone; the only writer),
//! `live.rs` the event stream to the boards and the per-address limit,
//! `speech.rs` the Indonesian announcement (numbers in words, espeak-ng),
//! `routes.rs` the pages and `api.rs` the JSON API for kiosks.

pub mod api;
pub mod live;
pub mod model;
pub mod operations;
pub mod routes;
pub mod speech;
