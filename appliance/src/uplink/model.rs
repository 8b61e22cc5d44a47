//! What each recipient has acknowledged, so the next bundle starts after it.

use crate::store::Record;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Ack {
    /// The recipient's name (as in `[[uplink.recipients]]`).
    pub recipient: String,
    /// The last change-log sequence the recipient confirmed it holds.
    pub seq: u64,
}

impl Record for Ack {
    const TABLE: &'static str = "uplink_ack";
    fn id(&self) -> &str {
        &self.recipient
    }
}
