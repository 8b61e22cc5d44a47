//! Making bundles for a recipient and recording what it acknowledged. The
//! only place that commits an [`Ack`].

use super::aggregates::{self, SOURCES};
use super::bundle::{self, Header, RecordLine, Village};
use super::model::Ack;
use crate::app::App;
use crate::config::UplinkRecipient;
use crate::store::{Change, Durability, Op, Store, StoreError};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum UplinkError {
    #[error("no recipient {0:?} in [[uplink.recipients]]")]
    UnknownRecipient(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn recipient<'a>(app: &'a App, name: &str) -> Result<&'a UplinkRecipient, UplinkError> {
    app.config
        .uplink
        .recipients
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| UplinkError::UnknownRecipient(name.into()))
}

pub fn acked(store: &Store, recipient: &str) -> u64 {
    store.get::<Ack>(recipient).ok().flatten().map(|a| a.seq).unwrap_or(0)
}

/// The recipient confirmed it holds everything up to `seq`. Acks only move forward.
pub fn ack(app: &App, actor: &str, name: &str, seq: u64) -> Result<u64, UplinkError> {
    recipient(app, name)?;
    let (_, now) = app.store.commit_with(actor, Durability::Durable, |store| {
        let current = acked(store, name);
        let seq = seq.min(store.last_seq()?).max(current);
        let change =
            Change::put(&Ack { recipient: name.to_string(), seq })?.with_detail(format!("uplink ack up to {seq}"));
        Ok::<_, UplinkError>((vec![change], seq))
    })?;
    Ok(now)
}

/// A signed bundle for `name` with everything after its last acknowledged
/// sequence: the figures, and the named records it is entitled to. The
/// export is logged (who, for whom, which range), for a breach notice.
pub fn export(app: &App, actor: &str, name: &str) -> Result<(Header, Vec<u8>), UplinkError> {
    let recipient = recipient(app, name)?.clone();
    let store = &app.store;
    let from_seq = acked(store, name);
    let to_seq = store.last_seq()?;
    let today = crate::config::local_day(chrono::Utc::now(), app.config.utc_offset_hours());
    let mut files = Vec::new();
    for (source, f) in SOURCES {
        files.push((format!("aggregates/{source}.csv"), aggregates::to_csv(&f(store, today)?)));
    }
    for (table, lines) in named_records(store, &recipient.tables, from_seq, to_seq)? {
        files.push((format!("records/{table}.jsonl"), lines));
    }
    let profile = crate::village::operations::profile(store);
    let header = Header {
        format: bundle::FORMAT.into(),
        format_version: bundle::FORMAT_VERSION,
        village: Village {
            code: profile.code,
            name: profile.name,
            kecamatan: profile.kecamatan,
            kabupaten: profile.kabupaten,
            provinsi: profile.provinsi,
        },
        recipient: name.to_string(),
        from_seq,
        to_seq,
        created_at: chrono::Utc::now(),
        key_id: String::new(),
        entries: Vec::new(),
    };
    let bytes = bundle::write(header.clone(), files, &app.letter_key);
    let note = Change::note("uplink", name, Op::Export).with_detail(format!("bundle {} for {name}", header.id()));
    store.commit(actor, vec![note], Durability::Durable)?;
    Ok((header, bytes))
}

/// The records of `tables` changed in (from, to], as they are now, one line
/// each, oldest change first; a deleted record is sent as a deletion.
fn named_records(
    store: &Store,
    tables: &[String],
    from: u64,
    to: u64,
) -> Result<BTreeMap<String, Vec<u8>>, StoreError> {
    let mut latest: BTreeMap<(String, String), (u64, Op)> = BTreeMap::new();
    for entry in store.log_since(from) {
        let entry = entry?;
        if entry.seq > to {
            break;
        }
        if tables.contains(&entry.entity) && matches!(entry.op, Op::Create | Op::Update | Op::Delete) {
            latest.insert((entry.entity.clone(), entry.id.clone()), (entry.seq, entry.op));
        }
    }
    let mut ordered: Vec<_> = latest.into_iter().collect();
    ordered.sort_by_key(|(_, (seq, _))| *seq);
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for ((table, id), (seq, _)) in ordered {
        let record = match store.get_raw(&table, &id)? {
            Some(raw) => Some(serde_json::from_slice(&raw).map_err(|e| StoreError::Codec(e.to_string()))?),
            None => None,
        };
        let op = if record.is_some() { "put" } else { "delete" };
        let line = RecordLine { id, seq, op: op.into(), record };
        let buf = out.entry(table).or_default();
        serde_json::to_writer(&mut *buf, &line).map_err(|e| StoreError::Codec(e.to_string()))?;
        buf.push(b'\n');
    }
    Ok(out)
}
