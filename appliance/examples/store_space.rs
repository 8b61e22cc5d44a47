//! Measures sled's disk use against the live data after many updates:
//! `cargo run --release -p balai --example store_space -- DIR 1000000`
//! writes 10,000 resident-sized records, then updates them round-robin until
//! the given number of updates (each a durable-path commit with its log entry,
//! flushed every 1,000), and prints the size on disk beside the live bytes
//! (records, indexes, change log) at ten checkpoints.

use balai::store::{Change, Durability, Record, Store};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Row {
    id: String,
    nik: String,
    name: String,
    address: String,
    version: u64,
}

impl Record for Row {
    const TABLE: &'static str = "row";
    const UNIQUE: &'static [&'static str] = &["nik"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("nik", self.nik.clone()), ("name", format!("{}\u{1}{}", self.name, self.id))]
    }
}

const RECORDS: u64 = 10_000;

fn row(i: u64, version: u64) -> Row {
    Row {
        id: format!("p{i:06}"),
        nik: format!("3310050101{i:06}"),
        name: format!("Warga Nomor {i} Versi {}", version % 7),
        address: format!(
            "Jl. Contoh No. {} RT 00{} RW 00{} Dusun Krajan, Sukamaju, Cawas, Klaten",
            i,
            version % 9,
            i % 5
        ),
        version,
    }
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|rd| {
            rd.flatten()
                .map(
                    |e| {
                        if e.path().is_dir() { dir_size(&e.path()) } else { e.metadata().map(|m| m.len()).unwrap_or(0) }
                    },
                )
                .sum()
        })
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).cloned().unwrap_or_else(|| "store-space".into()));
    let updates: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir)?;
    let started = std::time::Instant::now();
    for i in 0..RECORDS {
        store.commit("bench", vec![Change::put(&row(i, 0))?], Durability::Lazy)?;
    }
    println!("updates,seconds,disk_bytes,live_bytes,records,index,log");
    for n in 1..=updates {
        let i = n % RECORDS;
        let durability = if n % 1000 == 0 { Durability::Durable } else { Durability::Lazy };
        store.commit("bench", vec![Change::put(&row(i, n))?], durability)?;
        if n % (updates / 10).max(1) == 0 {
            report(&store, &dir, n, started)?;
        }
    }
    drop(store);
    println!("after close: disk {} bytes", dir_size(&dir));
    Ok(())
}

fn report(store: &Store, dir: &std::path::Path, n: u64, started: std::time::Instant) -> anyhow::Result<()> {
    let live = store.live_bytes();
    let get = |name: &str| live.iter().find(|(n, _)| *n == name).map(|(_, b)| *b).unwrap_or(0);
    let total: u64 = live.iter().map(|(_, b)| b).sum();
    let index = get("index") + get("ixkeys");
    println!(
        "{n},{:.1},{},{total},{},{index},{}",
        started.elapsed().as_secs_f64(),
        dir_size(dir),
        get("records"),
        get("log")
    );
    Ok(())
}
