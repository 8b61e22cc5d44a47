//! The time-series store, in three spaces of the store (`store::Space`):
//! - `ts_raw`:  device \0 measure ts_ms seq → value (kept `raw_days`)
//! - `ts_hour`, `ts_day`: device \0 measure bucket_start_ms → min, max, sum,
//!   count (kept `rollup_years`)
//!
//! Big-endian numbers make keys sort by time within a device and measure, so
//! a query is one range scan. Roll-ups are updated in the same write as the
//! raw readings; the ingest thread is their only writer.

use super::model::Measure;
use crate::store::{Space, SpaceBatch, Store, StoreError};
use std::collections::HashMap;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

pub struct Series {
    raw: Space,
    hour: Space,
    day: Space,
    meta: Space,
}

const MARK_KEY: &[u8] = b"journal_mark";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Raw,
    Hour,
    Day,
}

impl Resolution {
    pub fn parse(s: &str) -> Option<Resolution> {
        match s {
            "raw" => Some(Resolution::Raw),
            "hour" => Some(Resolution::Hour),
            "day" => Some(Resolution::Day),
            _ => None,
        }
    }
}

/// One point of a query: raw readings have min = max = avg and count 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub at_ms: i64,
    pub min: f64,
    pub max: f64,
    pub avg: f64,
    pub count: u64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Agg {
    min: f64,
    max: f64,
    sum: f64,
    count: u64,
}

impl Agg {
    fn one(v: f64) -> Agg {
        Agg { min: v, max: v, sum: v, count: 1 }
    }

    fn merge(self, o: Agg) -> Agg {
        Agg { min: self.min.min(o.min), max: self.max.max(o.max), sum: self.sum + o.sum, count: self.count + o.count }
    }

    fn encode(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out[..8].copy_from_slice(&self.min.to_be_bytes());
        out[8..16].copy_from_slice(&self.max.to_be_bytes());
        out[16..24].copy_from_slice(&self.sum.to_be_bytes());
        out[24..].copy_from_slice(&self.count.to_be_bytes());
        out
    }

    fn decode(b: &[u8]) -> Option<Agg> {
        let f = |i: usize| b.get(i..i + 8).and_then(|s| s.try_into().ok());
        Some(Agg {
            min: f64::from_be_bytes(f(0)?),
            max: f64::from_be_bytes(f(8)?),
            sum: f64::from_be_bytes(f(16)?),
            count: u64::from_be_bytes(f(24)?),
        })
    }
}

fn prefix(device: &str, measure: Measure) -> Vec<u8> {
    let mut k = Vec::with_capacity(device.len() + 2 + 12);
    k.extend_from_slice(device.as_bytes());
    k.push(0);
    k.push(measure.code());
    k
}

fn key(device: &str, measure: Measure, at_ms: i64) -> Vec<u8> {
    let mut k = prefix(device, measure);
    k.extend_from_slice(&(at_ms.max(0) as u64).to_be_bytes());
    k
}

/// (device, measure, time) of a key, or None for a key of another shape.
fn parse_key(k: &[u8]) -> Option<(&str, Measure, i64)> {
    let zero = k.iter().position(|b| *b == 0)?;
    let device = std::str::from_utf8(&k[..zero]).ok()?;
    let measure = Measure::from_code(*k.get(zero + 1)?)?;
    let at: [u8; 8] = k.get(zero + 2..zero + 10)?.try_into().ok()?;
    Some((device, measure, u64::from_be_bytes(at) as i64))
}

/// One reading value to store.
pub struct Sample<'a> {
    pub device: &'a str,
    pub measure: Measure,
    pub at_ms: i64,
    pub value: f64,
}

impl Series {
    pub fn open(store: &Store) -> Result<Series, StoreError> {
        Ok(Series {
            raw: store.space("ts_raw")?,
            hour: store.space("ts_hour")?,
            day: store.space("ts_day")?,
            meta: store.space("ts_meta")?,
        })
    }

    /// Writes the samples and their roll-ups (durable at the next
    /// [`Series::flush`]). `seq` tells apart two readings of one device in the
    /// same millisecond.
    pub fn write(&self, samples: &[Sample], seq: &mut u32) -> Result<(), StoreError> {
        if samples.is_empty() {
            return Ok(());
        }
        let mut raw = SpaceBatch::default();
        let mut hours: HashMap<Vec<u8>, Agg> = HashMap::new();
        let mut days: HashMap<Vec<u8>, Agg> = HashMap::new();
        for s in samples {
            let mut k = key(s.device, s.measure, s.at_ms);
            *seq = seq.wrapping_add(1);
            k.extend_from_slice(&seq.to_be_bytes());
            raw.put(&k, &s.value.to_be_bytes());
            let one = Agg::one(s.value);
            let h = key(s.device, s.measure, s.at_ms - s.at_ms.rem_euclid(HOUR_MS));
            hours.entry(h).and_modify(|a| *a = a.merge(one)).or_insert(one);
            let d = key(s.device, s.measure, s.at_ms - s.at_ms.rem_euclid(DAY_MS));
            days.entry(d).and_modify(|a| *a = a.merge(one)).or_insert(one);
        }
        self.raw.apply(raw)?;
        for (space, aggs) in [(&self.hour, hours), (&self.day, days)] {
            let mut batch = SpaceBatch::default();
            for (k, agg) in aggs {
                let merged = match space.get(&k)?.as_deref().and_then(Agg::decode) {
                    Some(old) => old.merge(agg),
                    None => agg,
                };
                batch.put(&k, &merged.encode());
            }
            space.apply(batch)?;
        }
        Ok(())
    }

    /// Makes every write so far durable, with the journal mark (see
    /// `journal.rs`) in the same flush.
    pub fn flush(&self, journal_mark: u64) -> Result<(), StoreError> {
        let mut batch = SpaceBatch::default();
        batch.put(MARK_KEY, &journal_mark.to_be_bytes());
        self.meta.apply(batch)?;
        self.raw.flush()
    }

    /// The last journal entry stored.
    pub fn journal_mark(&self) -> Result<u64, StoreError> {
        Ok(self.meta.get(MARK_KEY)?.and_then(|v| v.get(..8)?.try_into().ok()).map_or(0, u64::from_be_bytes))
    }

    /// Points of one device and measure with `from_ms <= t < to_ms`, oldest first.
    pub fn query(
        &self,
        device: &str,
        measure: Measure,
        resolution: Resolution,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Point>, StoreError> {
        let space = match resolution {
            Resolution::Raw => &self.raw,
            Resolution::Hour => &self.hour,
            Resolution::Day => &self.day,
        };
        let mut out = Vec::new();
        for entry in space.range(&key(device, measure, from_ms), &key(device, measure, to_ms)) {
            let (k, v) = entry?;
            let Some((_, _, at_ms)) = parse_key(&k) else { continue };
            let point = match resolution {
                Resolution::Raw => {
                    let Some(x) = v.get(..8).and_then(|b| b.try_into().ok()).map(f64::from_be_bytes) else { continue };
                    Point { at_ms, min: x, max: x, avg: x, count: 1 }
                }
                _ => {
                    let Some(a) = Agg::decode(&v) else { continue };
                    Point { at_ms, min: a.min, max: a.max, avg: a.sum / a.count.max(1) as f64, count: a.count }
                }
            };
            out.push(point);
        }
        Ok(out)
    }

    /// The newest raw value of each measure a device sent.
    pub fn latest(&self, device: &str) -> Result<Vec<(Measure, i64, f64)>, StoreError> {
        let mut out = Vec::new();
        for m in Measure::ALL {
            let p = prefix(device, m);
            if let Some(entry) = self.raw.scan_prefix(&p).last() {
                let (k, v) = entry?;
                if let (Some((_, _, at)), Some(x)) =
                    (parse_key(&k), v.get(..8).and_then(|b| b.try_into().ok()).map(f64::from_be_bytes))
                {
                    out.push((m, at, x));
                }
            }
        }
        Ok(out)
    }

    /// Drops raw readings older than `raw_before_ms` and roll-ups older than
    /// `rollup_before_ms`. Returns how many entries went.
    pub fn prune(&self, raw_before_ms: i64, rollup_before_ms: i64) -> Result<usize, StoreError> {
        let mut removed = 0;
        for (space, before) in
            [(&self.raw, raw_before_ms), (&self.hour, rollup_before_ms), (&self.day, rollup_before_ms)]
        {
            let mut batch = SpaceBatch::default();
            for entry in space.scan_prefix(&[]) {
                let (k, _) = entry?;
                if parse_key(&k).is_none_or(|(_, _, at)| at < before) {
                    batch.remove(&k);
                    removed += 1;
                }
            }
            if !batch.is_empty() {
                space.apply(batch)?;
            }
        }
        self.raw.flush()?;
        Ok(removed)
    }

    pub fn raw_len(&self) -> usize {
        self.raw.len()
    }
}

/// CSV of points: time (UTC, RFC 3339), device, measure, min, avg, max, count.
pub fn csv(rows: &[(String, Measure, Point)]) -> String {
    let mut out = String::from("time,device,measure,min,avg,max,count\n");
    for (device, m, p) in rows {
        let t = chrono::DateTime::from_timestamp_millis(p.at_ms).map(|t| t.to_rfc3339()).unwrap_or_default();
        out.push_str(&format!("{t},{device},{},{},{},{},{}\n", m.key(), p.min, p.avg, p.max, p.count));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_readings_roll_up_and_age_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let series = Series::open(&store).unwrap();
        let t0 = 1_764_000_000_000 - 1_764_000_000_000 % DAY_MS;
        let mut seq = 0;
        let samples: Vec<Sample> = [(0, 10.0), (1000, 20.0), (HOUR_MS, 30.0), (DAY_MS + 5, 50.0)]
            .iter()
            .map(|(dt, v)| Sample { device: "sawah01", measure: Measure::SoilMoisture, at_ms: t0 + dt, value: *v })
            .collect();
        series.write(&samples[..2], &mut seq).unwrap();
        series.write(&samples[2..], &mut seq).unwrap();
        series.flush(7).unwrap();
        assert_eq!(series.journal_mark().unwrap(), 7);
        let raw = series.query("sawah01", Measure::SoilMoisture, Resolution::Raw, t0, t0 + 2 * DAY_MS).unwrap();
        assert_eq!(raw.len(), 4);
        let hours = series.query("sawah01", Measure::SoilMoisture, Resolution::Hour, t0, t0 + DAY_MS).unwrap();
        assert_eq!(hours.len(), 2);
        assert_eq!((hours[0].min, hours[0].max, hours[0].avg, hours[0].count), (10.0, 20.0, 15.0, 2));
        let days = series.query("sawah01", Measure::SoilMoisture, Resolution::Day, t0, t0 + 2 * DAY_MS).unwrap();
        assert_eq!(days.iter().map(|p| (p.count, p.avg)).collect::<Vec<_>>(), vec![(3, 20.0), (1, 50.0)]);
        assert!(series.query("sawah01", Measure::AirTemp, Resolution::Raw, t0, t0 + DAY_MS).unwrap().is_empty());
        assert!(series.query("sawah0", Measure::SoilMoisture, Resolution::Raw, t0, t0 + DAY_MS).unwrap().is_empty());
        assert_eq!(series.latest("sawah01").unwrap(), vec![(Measure::SoilMoisture, t0 + DAY_MS + 5, 50.0)]);
        // raw older than day 2 goes; roll-ups stay
        assert_eq!(series.prune(t0 + DAY_MS, 0).unwrap(), 3);
        assert_eq!(
            series.query("sawah01", Measure::SoilMoisture, Resolution::Raw, t0, t0 + 2 * DAY_MS).unwrap().len(),
            1
        );
        assert_eq!(
            series.query("sawah01", Measure::SoilMoisture, Resolution::Day, t0, t0 + 2 * DAY_MS).unwrap().len(),
            2
        );
        let csv = csv(&[("sawah01".into(), Measure::SoilMoisture, days[0])]);
        assert!(csv.lines().nth(1).unwrap().ends_with(",sawah01,soil_moisture_pct,10,20,30,3"), "{csv}");
    }
}
