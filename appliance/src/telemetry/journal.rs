//! The gap between rumqttd's PUBACK and our store. rumqttd acknowledges a
//! QoS 1 publish as soon as its router has it in memory, with no hook to wait
//! for Balai; the daemon's link sees the message about when the device sees
//! the PUBACK. So the link thread appends each message here (one `write`, no
//! fsync: it survives a killed daemon, not a power cut) before anything else,
//! and the ingest thread notes in the store the last entry it has stored and
//! flushed. At start, entries past that mark are ingested again; when
//! everything written is stored, the file is emptied.

use balai_broker::{Message, Zone};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

pub struct Journal {
    inner: Mutex<Inner>,
}

struct Inner {
    file: File,
    /// Sequence of the next entry.
    next: u64,
}

impl Journal {
    /// Opens the journal; returns it and the entries with a sequence above
    /// `stored` (the mark the store holds). A torn last entry is ignored.
    pub fn open(path: &Path, stored: u64) -> std::io::Result<(Journal, Vec<(u64, Message)>)> {
        let mut file = std::fs::OpenOptions::new().read(true).append(true).create(true).open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let (entries, valid) = decode_all(&bytes);
        // Later entries must not land behind a torn one.
        file.set_len(valid as u64)?;
        let last = entries.last().map_or(0, |(seq, _)| *seq);
        let pending = entries.into_iter().filter(|(seq, _)| *seq > stored).collect();
        file.seek(SeekFrom::End(0))?;
        Ok((Journal { inner: Mutex::new(Inner { file, next: last.max(stored) + 1 }) }, pending))
    }

    /// Appends `m`; returns its sequence.
    pub fn append(&self, m: &Message) -> u64 {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let seq = inner.next;
        inner.next += 1;
        if let Err(e) = inner.file.write_all(&encode(seq, m)) {
            tracing::error!(error = %e, "MQTT journal write failed; a crash now could lose this message");
        }
        seq
    }

    /// Empties the file once every entry written is stored.
    pub fn stored_up_to(&self, seq: u64) {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.next == seq + 1 {
            let _ = inner.file.set_len(0);
        }
    }
}

fn encode(seq: u64, m: &Message) -> Vec<u8> {
    let topic = m.topic.as_bytes();
    let topic_len = u16::try_from(topic.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(15 + topic.len() + m.payload.len());
    out.extend_from_slice(&seq.to_be_bytes());
    out.push(u8::from(m.zone == Zone::Secure));
    out.extend_from_slice(&topic_len.to_be_bytes());
    out.extend_from_slice(&topic[..usize::from(topic_len)]);
    out.extend_from_slice(&(m.payload.len() as u32).to_be_bytes());
    out.extend_from_slice(&m.payload);
    out
}

/// The whole entries at the start of `bytes`, and how many bytes they take.
fn decode_all(bytes: &[u8]) -> (Vec<(u64, Message)>, usize) {
    let mut out = Vec::new();
    let mut b = bytes;
    while let Some((entry, rest)) = decode(b) {
        out.push(entry);
        b = rest;
    }
    (out, bytes.len() - b.len())
}

fn decode(b: &[u8]) -> Option<((u64, Message), &[u8])> {
    let seq = u64::from_be_bytes(b.get(..8)?.try_into().ok()?);
    let zone = if *b.get(8)? == 1 { Zone::Secure } else { Zone::Lan };
    let topic_len = usize::from(u16::from_be_bytes(b.get(9..11)?.try_into().ok()?));
    let topic = String::from_utf8_lossy(b.get(11..11 + topic_len)?).into_owned();
    let at = 11 + topic_len;
    let payload_len = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize;
    let payload = b.get(at + 4..at + 4 + payload_len)?.to_vec();
    Some(((seq, Message { zone, topic, payload }), &b[at + 4 + payload_len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(n: u8) -> Message {
        Message { zone: Zone::Lan, topic: format!("balai/d{n}/reading"), payload: vec![n; 3] }
    }

    #[test]
    fn unstored_entries_come_back_and_a_torn_tail_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let (j, pending) = Journal::open(&path, 0).unwrap();
        assert!(pending.is_empty());
        assert_eq!((j.append(&msg(1)), j.append(&msg(2)), j.append(&msg(3))), (1, 2, 3));
        drop(j);
        // half an entry, as a kill during write leaves it
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&encode(4, &msg(4))[..10]).unwrap();
        let (j, pending) = Journal::open(&path, 1).unwrap();
        assert_eq!(pending.iter().map(|(s, m)| (*s, m.payload[0])).collect::<Vec<_>>(), vec![(2, 2), (3, 3)]);
        assert_eq!(j.append(&msg(5)), 4);
        drop(j);
        let (j, pending) = Journal::open(&path, 3).unwrap();
        assert_eq!(
            pending.iter().map(|(s, m)| (*s, m.payload[0])).collect::<Vec<_>>(),
            vec![(4, 5)],
            "after the torn tail"
        );
        j.stored_up_to(3);
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "entry 4 is not stored yet");
        j.stored_up_to(4);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }

    proptest::proptest! {
        #[test]
        fn decoding_garbage_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode_all(&bytes);
        }
    }
}
