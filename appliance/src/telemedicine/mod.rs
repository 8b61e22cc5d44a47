//! Telemedis: consultation sessions with partner doctors on set days,
//! residents booked into time slots, the consultation note, the
//! e-prescription (resep elektronik) sent to a partner pharmacy account
//! (role `apotek`), and its delivery through the village post to the door.
//!
//! A partner doctor is named on the session (name and STR, the registration
//! number), not given an account: the doctor is outside the village, and an
//! account would reach other health data. The village's nakes sits with the
//! resident during the call and writes the note and the prescription in the
//! doctor's name; a doctor who has a nakes account may write them directly.

pub mod model;
pub mod operations;
pub mod routes;
