//! The notifications outbox every domain writes to: a message is queued
//! (SMS) or held (WhatsApp, e-mail: kept until the uplink carries them), then
//! the delivery worker sends due SMS through a GSM USB modem and retries with
//! backoff. Every state change is a logged commit, so the audit trail shows
//! what was sent, when, and what failed. See docs/outbox.md.

pub mod gsm;
pub mod model;
pub mod modem;
pub mod operations;
pub mod routes;
pub mod worker;
